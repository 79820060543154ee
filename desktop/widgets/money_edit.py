"""A field for a yuan amount that the user replaces rather than appends to.

A what-if figure is typed anew each time: focusing the field (click or Tab) and
pressing Enter select its text, so what is typed next replaces the old value instead
of being appended to it ("25,184,002.28-5000000"). ``parse_money`` reads what people
type: separators, a full-width or typographic minus, full-width digits from a Chinese
input method.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from core.money import parse_yuan


def parse_money(text: str) -> int | None:
    """Typed yuan ("1,000,000.50", "−5,000,000.00", "１５０００") as fen; None for an
    empty field. ValueError for anything else (at most two decimals, no exponent)."""
    # NFKC folds full-width digits, commas, stops and minus; U+2212 (the minus sign
    # of typeset text and many documents) it leaves as is.
    folded = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    cleaned = folded.replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    return int(parse_yuan(cleaned))


class MoneyEdit(QLineEdit):
    """A line edit that selects its text when it gains focus and after Enter (see the
    module doc)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setClearButtonEnabled(True)
        # Enter takes the value: the next figure typed replaces it too.
        self.returnPressed.connect(self.selectAll)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        # After the click that gave focus has placed the cursor (it would deselect).
        QTimer.singleShot(0, self.selectAll)
