"""Risk levels as every table, card and filter shows them (``core.rules.risk_levels``).

The level of an account is computed in core (after settlement by the Accounts frame,
intraday by the live engine), with the firm's one ``RiskLevels`` setting; the desktop
only names and colours the codes. Names follow CTP's risk console: 正常 / 警示 / 追保
/ 强平 / 穿仓 (catalogue context "RiskLevels", so that "Warning" here is not the alert
severity "Warning" of the "Values" context).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QBrush

from core.rules.risk_levels import DEFICIT, FORCED_CLOSE, MARGIN_CALL, NORMAL, WARNING
from desktop import palette
from desktop.i18n import QT_TRANSLATE_NOOP
from desktop.models.columns import Column, Kind

CONTEXT = "RiskLevels"

LEVEL_LABELS: Mapping[int, str] = {
    NORMAL: QT_TRANSLATE_NOOP("RiskLevels", "Normal"),
    WARNING: QT_TRANSLATE_NOOP("RiskLevels", "Warning"),
    MARGIN_CALL: QT_TRANSLATE_NOOP("RiskLevels", "Margin call"),
    FORCED_CLOSE: QT_TRANSLATE_NOOP("RiskLevels", "Forced close"),
    DEFICIT: QT_TRANSLATE_NOOP("RiskLevels", "Deficit"),
}
"""English source label of each level code."""

LEVEL_FILTERS: tuple[tuple[int | None, str], ...] = (
    (None, QT_TRANSLATE_NOOP("RiskLevels", "All risk levels")),
    (WARNING, QT_TRANSLATE_NOOP("RiskLevels", "Warning or worse")),
    (MARGIN_CALL, QT_TRANSLATE_NOOP("RiskLevels", "Margin call or worse")),
    (FORCED_CLOSE, QT_TRANSLATE_NOOP("RiskLevels", "Forced close or worse")),
    (DEFICIT, QT_TRANSLATE_NOOP("RiskLevels", "Deficit")),
)
"""The level filter's choices: (lowest level shown, label); None shows every account.
A desk works from the worst down, so each choice keeps its level and the worse ones."""


def level_column(width: int = 104) -> Column:
    """The "Risk level" column over a frame or snapshot column of level codes: the
    level's name in its colour, sorted by severity. The default width holds "Forced
    close" and the header's sort arrow."""
    return Column(
        "risk_level",
        QT_TRANSLATE_NOOP("Columns", "Risk level"),
        Kind.ENUM,
        width,
        labels=LEVEL_LABELS,
        label_context=CONTEXT,
        value_brushes=palette.LEVEL_TEXT_BRUSHES,
        ordered=True,
    )


def level_tint(level: int) -> QBrush | None:
    """Row background of an account at ``level`` (None: normal, no tint)."""
    return palette.LEVEL_TINTS.get(level)
