"""Figure cards: ``KpiCard`` (caption, large value, note: the overview's grid) and
``LinkCard`` (the same on one line, for a toolbar: the live monitor's call card).

Either can be a link (``set_clickable``): a pointing hand, focusable, and ``clicked``
on a left click, Enter or Space (e.g. a call card opens the call list).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget


class _Card(QFrame):
    """A frame with a caption, a value, a note, and the link behaviour."""

    clicked = Signal()

    def __init__(self, object_name: str, name: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setProperty("card", name)
        self.caption = QLabel()
        self.caption.setObjectName("kpiCaption")
        self.value = QLabel("—")
        self.value.setObjectName("kpiValue")
        self.note = QLabel("")
        self.note.setObjectName("kpiNote")
        self._clickable = False

    def set_value(self, text: str, note: str = "", tone: str = "") -> None:
        """Value and note (plain or rich text); ``tone`` "", "danger" or "warning"."""
        self.value.setText(text)
        self.note.setText(note)
        if self.value.property("tone") != tone:
            self.value.setProperty("tone", tone)
            self.value.style().unpolish(self.value)
            self.value.style().polish(self.value)

    @property
    def is_clickable(self) -> bool:
        return self._clickable

    def set_clickable(self, tooltip: str) -> None:
        """Make the card a link to what ``tooltip`` says (called again to retranslate)."""
        self.setToolTip(tooltip)
        if not self._clickable:
            self._clickable = True
            self.setProperty("clickable", True)
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self.style().unpolish(self)
            self.style().polish(self)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if (
            self._clickable
            and event.button() == Qt.MouseButton.LeftButton
            and self.rect().contains(event.position().toPoint())
        ):
            self.clicked.emit()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
        if self._clickable and event.key() in keys:
            self.clicked.emit()
            return
        super().keyPressEvent(event)


class KpiCard(_Card):
    """Caption over a large value and a note."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__("kpiCard", name, parent)
        self.arrow = QLabel("›")
        self.arrow.setObjectName("linkArrow")
        self.arrow.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.caption, 1)
        top.addWidget(self.arrow)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.value)
        layout.addWidget(self.note)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_clickable(self, tooltip: str) -> None:
        super().set_clickable(tooltip)
        self.arrow.show()


class LinkCard(_Card):
    """Caption, value and note on one line, with an arrow when it is a link."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__("linkCard", name, parent)
        self.value.setObjectName("linkValue")
        self.arrow = QLabel("›")
        self.arrow.setObjectName("linkArrow")
        self.arrow.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 2, 8, 2)
        layout.setSpacing(8)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.note)
        layout.addWidget(self.arrow)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

    def set_clickable(self, tooltip: str) -> None:
        super().set_clickable(tooltip)
        self.arrow.show()
