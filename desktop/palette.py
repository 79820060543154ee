"""The application's colours on the Python side: text tones, row tints, risk levels.

The widget chrome (backgrounds, borders, card tones) is the style sheet's,
``resources/style/riskdesk.qss``; colours that models, delegates and status texts paint
live here, once, so that a table, a card and a chart show one level in one colour.

Chinese market convention: red is up, profit and danger; green is down and loss.
Risk levels (``core.rules.risk_levels``) escalate amber → orange → red → dark red.
Brushes are built once at import (STYLE B4: ``data()`` must not build them per cell).
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor

from core.rules.risk_levels import DEFICIT, FORCED_CLOSE, MARGIN_CALL, NORMAL, WARNING


def _tint(colour: str, alpha: int) -> QBrush:
    translucent = QColor(colour)
    translucent.setAlpha(alpha)
    return QBrush(translucent)


# ----------------------------------------------------------------- text tones
RED = "#c0392b"
"""Up, profit, negative money, danger."""
AMBER = "#b7791f"
"""Warning."""
GREEN = "#1e8449"
"""Down, loss (limit down), a healthy feed."""
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
