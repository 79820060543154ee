"""The application's colours on the Python side: text tones, row tints, risk levels.

The widget chrome (backgrounds, borders, card tones) is the style sheet's,
``resources/style/riskdesk.qss``; colours that models, delegates and status texts paint
live here, once, so that a table, a card and a chart show one level in one colour.

Colour convention of prices and P&L (a user setting, View → Colours): Chinese by
default, red is up and profit, green is down and loss (vn.py, 快期, the exchange's own
screens); international swaps the two. Danger (a negative available balance, a limit
passed, a forced close) is red in both: ``sign_brush`` / ``up_colour`` / ``down_colour``
answer for prices and P&L, ``RED`` for danger. Every P&L, price change, limit-up and
limit-down colour goes through them, so that one switch changes every table, statement
and chart.

Risk levels (``core.rules.risk_levels``) escalate amber → orange → red → dark red.
Brushes are built once at import (STYLE B4: ``data()`` must not build them per cell).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QBrush, QColor

from core.rules.risk_levels import DEFICIT, FORCED_CLOSE, MARGIN_CALL, NORMAL, WARNING


def _tint(colour: str, alpha: int) -> QBrush:
    translucent = QColor(colour)
    translucent.setAlpha(alpha)
    return QBrush(translucent)


# ----------------------------------------------------------------- text tones
RED = "#c0392b"
"""Danger and negative money; up and profit in the Chinese convention."""
AMBER = "#b7791f"
"""Warning."""
GREEN = "#1e8449"
"""A healthy feed; down and loss in the Chinese convention."""
MUTED = "#7b8794"
"""Missing values, zeros shown muted, idle states."""

RED_BRUSH = QBrush(QColor(RED))
AMBER_BRUSH = QBrush(QColor(AMBER))
GREEN_BRUSH = QBrush(QColor(GREEN))
MUTED_BRUSH = QBrush(QColor(MUTED))

# ----------------------------------------------------------------- row tints
WARN_ROW_BRUSH = QBrush(QColor("#fdf3e1"))
"""Opaque pale amber: a row that needs a look (near a limit, a deadline soon)."""
DANGER_ROW_BRUSH = QBrush(QColor("#fbe0dc"))
"""Opaque pale red: a row past a limit or a deadline."""
DIFF_BRUSH = QBrush(QColor("#fde8b8"))
"""Cells whose figures differ between two methods."""

# ----------------------------------------------------------------- risk levels
LEVEL_COLOURS: dict[int, str] = {
    WARNING: AMBER,
    MARGIN_CALL: "#d35400",
    FORCED_CLOSE: RED,
    DEFICIT: "#7b241c",
}
"""Text colour of each level above normal (labels, counts, alert texts)."""
LEVEL_TEXT_BRUSHES: dict[int, QBrush] = {lv: QBrush(QColor(c)) for lv, c in LEVEL_COLOURS.items()}
LEVEL_TINTS: dict[int, QBrush] = {
    WARNING: _tint(AMBER, 46),
    MARGIN_CALL: _tint(LEVEL_COLOURS[MARGIN_CALL], 46),
    FORCED_CLOSE: _tint(RED, 46),
    DEFICIT: _tint(LEVEL_COLOURS[DEFICIT], 64),
}
"""Row background of an account at each level above normal: the level's colour,
translucent so that the selection and the alternating rows show through."""
LEVEL_TONES: dict[int, str] = {
    NORMAL: "",
    WARNING: "warning",
    MARGIN_CALL: "danger",
    FORCED_CLOSE: "danger",
    DEFICIT: "danger",
}
"""``KpiCard`` tone (style sheet property) of a card counting accounts at a level."""


# ----------------------------------------------------------------- convention
CHINESE = "chinese"
INTERNATIONAL = "international"
CONVENTIONS = (CHINESE, INTERNATIONAL)
"""Colour conventions of prices and P&L: Chinese (red up) or international (green up)."""
DEFAULT_CONVENTION = CHINESE

_state = {"convention": DEFAULT_CONVENTION}


def convention() -> str:
    """The colour convention in force (``CHINESE`` until ``set_convention``)."""
    return _state["convention"]


def set_convention(name: str) -> None:
    """Use ``name`` (one of ``CONVENTIONS``) from now on; ValueError otherwise. Views
    repaint on their next paint (the main window asks them at once)."""
    if name not in CONVENTIONS:
        raise ValueError(f"unknown colour convention {name!r}; expected one of {CONVENTIONS}")
    _state["convention"] = name


def up_colour() -> str:
    """Colour of a price up, a profit, limit up."""
    return RED if _state["convention"] == CHINESE else GREEN


def down_colour() -> str:
    """Colour of a price down, a loss, limit down."""
    return GREEN if _state["convention"] == CHINESE else RED


def up_brush() -> QBrush:
    return RED_BRUSH if _state["convention"] == CHINESE else GREEN_BRUSH


def down_brush() -> QBrush:
    return GREEN_BRUSH if _state["convention"] == CHINESE else RED_BRUSH


def sign_brush(value: Any) -> QBrush | None:
    """Text colour of a P&L or a change: up colour above zero, down colour below, none
    at zero or when missing."""
    if value is None:
        return None
    try:
        if value > 0:
            return up_brush()
        if value < 0:
            return down_brush()
    except TypeError:
        return None
    return None
