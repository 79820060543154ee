"""Column specs for table models: key, translated header, formatter, alignment, colour.

Headers and enumeration labels are English source strings marked for the catalogue
(contexts "Columns" and "Values"), translated when displayed, so that switching the
language only needs a ``headerDataChanged``. Money and prices are integer fen formatted
with ``core.money.format_yuan`` (divmod, never float); units are in the header.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from core.money import format_yuan
from core.rules.risk_levels import ratio_text
from desktop import palette
from desktop.i18n import QT_TRANSLATE_NOOP, current_language, translate

MISSING = "—"

# desktop.palette's brushes by their role here. Danger is red in both colour
# conventions; up/down (prices, P&L) follow the user's convention (``palette.sign_brush``).
NEGATIVE_BRUSH = palette.RED_BRUSH
DANGER_BRUSH = palette.RED_BRUSH
WARNING_BRUSH = palette.AMBER_BRUSH
MUTED_BRUSH = palette.MUTED_BRUSH

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


class Kind(Enum):
    """How a column's raw values are stored, sorted and shown."""

    TEXT = "text"  # str; sorted case-insensitively
    CODE = "code"  # str shown in the code font (contract, client codes)
    MONEY = "money"  # int fen, shown in yuan with separators, negative in red
    PRICE = "price"  # int fen, shown in yuan, no colour
    INT = "int"  # lots, tons, counts, with separators
    RATIO = "ratio"  # float, 1.0 = 100 %
    BP = "bp"  # int basis points (hundredths of a percent), 10,000 = 100 %
    PPM = "ppm"  # int parts per million, 1,000,000 = 100 % (risk ratios)
    DATE = "date"  # datetime.date
    ENUM = "enum"  # str or bool looked up in ``labels``


def is_missing(value: Any) -> bool:
    """None, pandas NA or a float NaN."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and pd.NA compare unequal / ambiguous
    except (TypeError, ValueError):
        return True


@dataclass(frozen=True)
class Column:
    """One table column. ``key`` names the frame column holding raw values.

    ``key_en`` names an alternative frame column shown when the UI is English (e.g.
    ``warehouse_name_en`` for ``warehouse_name_zh``). ``labels`` maps raw values of ENUM
    columns to English source labels in the "Values" context. ``width`` is the default
    width in pixels before the user resizes (saved with the header state). ``warn_at``
    and ``danger_at`` colour RATIO and BP values from there on, in the column's unit.
    ``label_context`` is the catalogue context of ``labels``; ``value_brushes`` colours
    ENUM values; ``ordered`` sorts ENUM values by their raw value (a severity order)
    instead of by label. ``signed`` marks a P&L or a change: coloured by its sign in the
    user's colour convention (``palette.sign_brush``: Chinese red for a profit or a rise)
    instead of red for any negative amount.
    """

    key: str
    header: str
    kind: Kind = Kind.TEXT
    width: int = 100
    key_en: str | None = None
    labels: Mapping[Any, str] = field(default_factory=dict)
    tooltip: str = ""
    warn_at: float | None = None
    danger_at: float | None = None
    mute_zero: bool = False
    label_context: str = "Values"
    value_brushes: Mapping[Any, QBrush] = field(default_factory=dict)
    ordered: bool = False
    signed: bool = False

    def display_key(self) -> str:
        """The frame column to show for the current language."""
        return self.key_en if self.key_en and current_language() == "en" else self.key

    def title(self) -> str:
        return translate("Columns", self.header)

    @property
    def alignment(self) -> Qt.AlignmentFlag:
        if self.is_numeric:
            return RIGHT
        if self.kind in (Kind.DATE, Kind.ENUM):
            return CENTER
        return LEFT

    @property
    def is_numeric(self) -> bool:
        return self.kind in (Kind.MONEY, Kind.PRICE, Kind.INT, Kind.RATIO, Kind.BP, Kind.PPM)

    def plain(self, value: Any) -> str:
        """Text of one raw value for the clipboard and exports: as shown, but numbers
        without thousands separators, so that a spreadsheet reads them as numbers."""
        if is_missing(value):
            return ""
        if self.kind in (Kind.MONEY, Kind.PRICE):
            return format_yuan(int(value), separators=False)
        if self.kind == Kind.INT:
            return str(int(value))
        return self.format(value).replace(",", "") if self.is_numeric else self.format(value)

    def format(self, value: Any) -> str:
        """Display text of one raw value."""
        if is_missing(value):
            return MISSING
        kind = self.kind
        if kind in (Kind.MONEY, Kind.PRICE):
            return format_yuan(int(value))
        if kind == Kind.INT:
            return f"{int(value):,}"
        if kind == Kind.RATIO:
            return "∞" if math.isinf(value) else f"{float(value) * 100:,.2f}%"
        if kind == Kind.BP:
            sign = "-" if value < 0 else ""
            whole, hundredths = divmod(abs(int(value)), 100)
            return f"{sign}{whole:,}.{hundredths:02d}%"
        if kind == Kind.PPM:
            return ppm_text(int(value))
        if kind == Kind.DATE:
            return value.isoformat() if isinstance(value, date) else str(value)
        if kind == Kind.ENUM:
            label = self.labels.get(value)
            return translate(self.label_context, label) if label is not None else str(value)
        return str(value)

    def foreground(self, value: Any) -> QBrush | None:
        """Text colour of one raw value, or None for the default."""
        if is_missing(value):
            return MUTED_BRUSH
        if self.signed:
            return palette.sign_brush(value)
        if self.kind == Kind.MONEY and int(value) < 0:
            return NEGATIVE_BRUSH
        if self.mute_zero and value == 0:
            return MUTED_BRUSH
        if self.kind in (Kind.RATIO, Kind.BP):
            if self.danger_at is not None and value >= self.danger_at:
                return DANGER_BRUSH
            if self.warn_at is not None and value >= self.warn_at:
                return WARNING_BRUSH
        if self.kind == Kind.ENUM:
            if self.value_brushes:
                return self.value_brushes.get(value)
            if value == "limit_up":
                return palette.up_brush()
            if value == "limit_down":
                return palette.down_brush()
        return None


def ppm_text(ppm: int) -> str:
    """A ratio in ppm as the rules write it (``core.rules.risk_levels.ratio_text``), "∞"
    when unbounded."""
    return ratio_text(ppm, "∞")


# ------------------------------------------------------------------ shared labels
SIDE_LABELS = {
    "long": QT_TRANSLATE_NOOP("Values", "Long"),
    "short": QT_TRANSLATE_NOOP("Values", "Short"),
}
HEDGE_LABELS = {
    False: QT_TRANSLATE_NOOP("Values", "Speculation"),
    True: QT_TRANSLATE_NOOP("Values", "Hedge"),
}
LIMIT_LOCK_LABELS = {
    "none": QT_TRANSLATE_NOOP("Values", "—"),
    "limit_up": QT_TRANSLATE_NOOP("Values", "Limit up"),
    "limit_down": QT_TRANSLATE_NOOP("Values", "Limit down"),
}
RECEIPT_STATUS_LABELS = {
    "held": QT_TRANSLATE_NOOP("Values", "Held"),
    "margin": QT_TRANSLATE_NOOP("Values", "Pledged as margin"),
    "delivery": QT_TRANSLATE_NOOP("Values", "In delivery"),
    "cancelled": QT_TRANSLATE_NOOP("Values", "Cancelled"),
}
MEMBER_KIND_LABELS = {
    "brokerage": QT_TRANSLATE_NOOP("Values", "Futures company"),
    "non_brokerage": QT_TRANSLATE_NOOP("Values", "Non-brokerage member"),
}
