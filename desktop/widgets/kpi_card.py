"""A small figure card: caption, value, optional note (overview screen)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget


class KpiCard(QFrame):
    """Caption over a large value; ``tone`` ("", "danger", "warning") colours the value."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiCard")
        self.setProperty("card", name)
        self.caption = QLabel()
        self.caption.setObjectName("kpiCaption")
        self.value = QLabel("—")
        self.value.setObjectName("kpiValue")
        self.note = QLabel("")
        self.note.setObjectName("kpiNote")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.note)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_value(self, text: str, note: str = "", tone: str = "") -> None:
        self.value.setText(text)
        self.note.setText(note)
        if self.value.property("tone") != tone:
            self.value.setProperty("tone", tone)
            self.value.style().unpolish(self.value)
            self.value.style().polish(self.value)
