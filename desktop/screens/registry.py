"""The one list of navigation entries, grouped as the risk desk works.

This module imports no Qt, so ``desktop.cli`` can take its ``--screen`` choices from
``SCREEN_KEYS``. Each screen names its factory as ``"module:function"``; the function
takes ``(ctx: DesktopContext, parent: QWidget | None)`` and returns a ``QWidget``
(usually a ``desktop.screens.base.Screen``), created on first use.

To add a screen: write ``desktop/screens/<name>.py`` with a ``create`` function (see
``accounts.py`` for a table screen, ``overview.py`` for a custom one) and add an entry
here with its navigation group.
"""

from __future__ import annotations

from dataclasses import dataclass


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (lupdate marker)
    """Mark ``text`` for the translation catalogue without importing Qt."""
    return text


@dataclass(frozen=True)
class ScreenSpec:
    """One navigation entry; ``title`` is an English catalogue string.

    ``factory`` names ``"module:function"``; ``group`` is a key of ``GROUPS``.
    """

    key: str
    title: str
    icon: str
    factory: str
    group: str


GROUPS: tuple[tuple[str, str], ...] = (
    ("monitoring", QT_TRANSLATE_NOOP("MainWindow", "Monitoring")),
    ("clearing", QT_TRANSLATE_NOOP("MainWindow", "Clearing")),
    ("risk", QT_TRANSLATE_NOOP("MainWindow", "Risk actions")),
    ("data", QT_TRANSLATE_NOOP("MainWindow", "Data")),
)
"""Navigation groups in display order: (key, English caption)."""


SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec(
        "main",
        QT_TRANSLATE_NOOP("Screens", "Overview"),
        "overview",
        factory="desktop.screens.overview:create",
        group="monitoring",
    ),
    ScreenSpec(
        "accounts",
        QT_TRANSLATE_NOOP("Screens", "Accounts"),
        "accounts",
        factory="desktop.screens.accounts:create",
        group="data",
    ),
    ScreenSpec(
        "positions",
        QT_TRANSLATE_NOOP("Screens", "Positions"),
        "positions",
        factory="desktop.screens.positions:create",
        group="data",
    ),
    ScreenSpec(
        "prices",
        QT_TRANSLATE_NOOP("Screens", "Settlement prices"),
        "prices",
        factory="desktop.screens.prices:create",
        group="data",
    ),
    ScreenSpec(
        "receipts",
        QT_TRANSLATE_NOOP("Screens", "Warehouse receipts"),
        "receipts",
        factory="desktop.screens.receipts:create",
        group="data",
    ),
    ScreenSpec(
        "monitor",
        QT_TRANSLATE_NOOP("Screens", "Live risk monitor"),
        "monitor",
        factory="desktop.screens.monitor:create",
        group="monitoring",
    ),
    ScreenSpec(
        "settlement",
        QT_TRANSLATE_NOOP("Screens", "Daily settlement"),
        "settlement",
        factory="desktop.screens.settlement:create",
        group="clearing",
    ),
    ScreenSpec(
        "calls",
        QT_TRANSLATE_NOOP("Screens", "Margin calls"),
        "calls",
        factory="desktop.screens.calls:create",
        group="risk",
    ),
    ScreenSpec(
        "notices",
        QT_TRANSLATE_NOOP("Screens", "Notices"),
        "notices",
        factory="desktop.screens.notices:create",
        group="risk",
    ),
    ScreenSpec(
        "reduction",
        QT_TRANSLATE_NOOP("Screens", "Forced reduction"),
        "reduction",
        factory="desktop.screens.reduction:create",
        group="risk",
    ),
    ScreenSpec(
        "liquidation",
        QT_TRANSLATE_NOOP("Screens", "Forced liquidation"),
        "liquidation",
        factory="desktop.screens.liquidation:create",
        group="risk",
    ),
    ScreenSpec(
        "forced_close",
        QT_TRANSLATE_NOOP("Screens", "Client forced close"),
        "forced_close",
        factory="desktop.screens.forced_close:create",
        group="risk",
    ),
    ScreenSpec(
        "stress",
        QT_TRANSLATE_NOOP("Screens", "Stress scenarios"),
        "stress",
        factory="desktop.screens.stress:create",
        group="risk",
    ),
    ScreenSpec(
        "limits",
        QT_TRANSLATE_NOOP("Screens", "Position limits"),
        "limits",
        factory="desktop.screens.limits:create",
        group="risk",
    ),
    ScreenSpec(
        "delivery",
        QT_TRANSLATE_NOOP("Screens", "Delivery"),
        "delivery",
        factory="desktop.screens.delivery:create",
        group="risk",
    ),
    ScreenSpec(
        "reconcile",
        QT_TRANSLATE_NOOP("Screens", "Reconciliation"),
        "reconcile",
        factory="desktop.screens.reconcile:create",
        group="clearing",
    ),
    ScreenSpec(
        "imports",
        QT_TRANSLATE_NOOP("Screens", "Imports"),
        "imports",
        factory="desktop.screens.imports:create",
        # with the data it loads: keeps the risk actions within Ctrl+1…9
        group="data",
    ),
    ScreenSpec(
        "alerts",
        QT_TRANSLATE_NOOP("Screens", "Alerts"),
        "alerts",
        factory="desktop.screens.alerts:create",
        group="monitoring",
    ),
)

SCREEN_KEYS: tuple[str, ...] = tuple(s.key for s in SCREENS)
DEFAULT_SCREEN = "main"


def screen_spec(key: str) -> ScreenSpec:
    """The entry with ``key``; KeyError naming the known keys otherwise."""
    for spec in SCREENS:
        if spec.key == key:
            return spec
    raise KeyError(f"unknown screen {key!r}; known: {', '.join(SCREEN_KEYS)}")
