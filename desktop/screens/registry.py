"""The one list of navigation entries: built screens and those planned in later issues.

This module imports no Qt, so ``desktop.cli`` can take its ``--screen`` choices from
``SCREEN_KEYS``. A built screen names its factory as ``"module:function"``; the
function takes ``(ctx: DesktopContext, parent: QWidget | None)`` and returns a
``desktop.screens.base.Screen``. A planned screen has no factory; the main window shows
a placeholder page that names the issue that will deliver it.

To add a screen: write ``desktop/screens/<name>.py`` with a ``create`` function (see
``accounts.py`` for a table screen, ``overview.py`` for a custom one), then replace the
entry's ``planned`` with ``factory="desktop.screens.<name>:create"``.
"""

from __future__ import annotations

from dataclasses import dataclass


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (lupdate marker)
    """Mark ``text`` for the translation catalogue without importing Qt."""
    return text


@dataclass(frozen=True)
class ScreenSpec:
    """One navigation entry; ``title`` and ``planned`` are English catalogue strings."""

    key: str
    title: str
    icon: str
    factory: str | None = None
    planned: str | None = None

    @property
    def is_built(self) -> bool:
        return self.factory is not None


SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec(
        "main",
        QT_TRANSLATE_NOOP("Screens", "Overview"),
        "overview",
        factory="desktop.screens.overview:create",
    ),
    ScreenSpec(
        "accounts",
        QT_TRANSLATE_NOOP("Screens", "Accounts"),
        "accounts",
        factory="desktop.screens.accounts:create",
    ),
    ScreenSpec(
        "positions",
        QT_TRANSLATE_NOOP("Screens", "Positions"),
        "positions",
        factory="desktop.screens.positions:create",
    ),
    ScreenSpec(
        "prices",
        QT_TRANSLATE_NOOP("Screens", "Settlement prices"),
        "prices",
        factory="desktop.screens.prices:create",
    ),
    ScreenSpec(
        "receipts",
        QT_TRANSLATE_NOOP("Screens", "Warehouse receipts"),
        "receipts",
        factory="desktop.screens.receipts:create",
    ),
    ScreenSpec(
        "monitor",
        QT_TRANSLATE_NOOP("Screens", "Live risk monitor"),
        "monitor",
        factory="desktop.screens.monitor:create",
    ),
    ScreenSpec(
        "settlement",
        QT_TRANSLATE_NOOP("Screens", "Daily settlement"),
        "settlement",
        factory="desktop.screens.settlement:create",
    ),
    ScreenSpec(
        "reduction",
        QT_TRANSLATE_NOOP("Screens", "Forced reduction"),
        "reduction",
        factory="desktop.screens.reduction:create",
    ),
    ScreenSpec(
        "liquidation",
        QT_TRANSLATE_NOOP("Screens", "Forced liquidation"),
        "liquidation",
        factory="desktop.screens.liquidation:create",
    ),
    ScreenSpec(
        "limits",
        QT_TRANSLATE_NOOP("Screens", "Position limits"),
        "limits",
        factory="desktop.screens.limits:create",
    ),
    ScreenSpec(
        "delivery",
        QT_TRANSLATE_NOOP("Screens", "Delivery"),
        "delivery",
        factory="desktop.screens.delivery:create",
    ),
    ScreenSpec(
        "imports",
        QT_TRANSLATE_NOOP("Screens", "Imports"),
        "imports",
        factory="desktop.screens.imports:create",
    ),
    ScreenSpec(
        "alerts",
        QT_TRANSLATE_NOOP("Screens", "Alerts"),
        "alerts",
        factory="desktop.screens.alerts:create",
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
