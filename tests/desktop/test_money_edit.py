"""The what-if amount field: what people type is read exactly, and a new figure replaces
the old one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from desktop.widgets.money_edit import MoneyEdit, parse_money


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("", None),
        ("  ", None),
        ("1,500,000.00", 150_000_000),
        ("-5000000", -500_000_000),
        ("−5,000,000.00", -500_000_000),  # U+2212, the minus of typeset documents
        ("－５，０００．５", -500_050),  # full-width, as a Chinese input method types
        ("12.3", 1_230),
    ],
)
def test_parse_money(text: str, fen: int | None) -> None:
    assert parse_money(text) == fen


@pytest.mark.parametrize("text", ["1.234", "1e6", "abc", "5-", "--5"])
def test_parse_money_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="money amount"):
        parse_money(text)


def test_focus_and_enter_select_so_typing_replaces(qtbot) -> None:  # type: ignore[no-untyped-def]
    box = QWidget()
    other, edit = QLineEdit(), MoneyEdit("amount")
    layout = QVBoxLayout(box)
    layout.addWidget(other)
    layout.addWidget(edit)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    edit.setText("25,184,002.28")
    other.setFocus()
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: edit.selectedText() == "25,184,002.28")
    qtbot.keyClicks(edit, "-5000000")
    assert edit.text() == "-5000000"
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.selectedText() == "-5000000"
    qtbot.keyClicks(edit, "-6000000")
    assert edit.text() == "-6000000"
