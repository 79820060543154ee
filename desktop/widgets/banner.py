"""A full-width message strip: amber warning, red danger, blue information.

Screens show the rule caveats (unverified defaults, "the exchange's result counts") and
states the user must not miss (opening ban) in a banner above their content. Colours
are set here (not in the shared style sheet) so the widget looks the same anywhere.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

TONES = {
    "warning": ("#fdf3e1", "#f0d9a8", "#7a4d00", "⚠"),
    "danger": ("#fdecea", "#e8a39b", "#9b2c1f", "⛔"),
    "info": ("#e8f1fb", "#b9d3f0", "#1d4f86", "ℹ"),
    "success": ("#e8f5ec", "#b7dfc3", "#1e6b3a", "✓"),
}


class Banner(QFrame):
    """A coloured strip with an icon and a wrapped message; hidden while empty.

    ``set_message(text, tone)`` with tone "warning", "danger", "info" or "success"; an
    empty text (or ``clear()``) hides the banner. ``tone`` and ``text()`` are readable for tests.
    ``add_button`` puts an action the message suggests at the strip's right end.
    """

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"banner_{name}")
        self.icon = QLabel()
        self.icon.setObjectName("bannerIcon")
        self.label = QLabel()
        self.label.setObjectName("bannerText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout = layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 5, 10, 5)
        layout.setSpacing(8)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        self.tone = ""
        self.set_message("")

    def set_message(self, text: str, tone: str = "warning") -> None:
        if tone not in TONES:
            raise ValueError(f"unknown banner tone {tone!r}")
        self.label.setText(text)
        self.setVisible(bool(text))
        if tone != self.tone:
            self.tone = tone
            background, border, ink, icon = TONES[tone]
            self.icon.setText(icon)
            self.setStyleSheet(
                f"QFrame#{self.objectName()} {{ background: {background}; "
                f"border: 1px solid {border}; border-radius: 3px; }}"
                f"QFrame#{self.objectName()} QLabel {{ color: {ink}; background: transparent; "
                "border: none; }"
                f"QLabel#bannerIcon {{ font-weight: 700; }}"
            )

    def add_button(self, name: str) -> QPushButton:
        """A push button (object name ``name``, text set by the caller) after the message."""
        button = QPushButton(self)
        button.setObjectName(name)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        self._layout.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        # The buttons make the strip taller than one line: keep the icon by the text.
        self._layout.setAlignment(self.icon, Qt.AlignmentFlag.AlignVCenter)
        return button

    def clear(self) -> None:
        self.set_message("")

    def text(self) -> str:
        return self.label.text()
