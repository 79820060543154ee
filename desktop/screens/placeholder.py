"""Page shown for a navigation entry whose screen a later issue will deliver."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.i18n import translate
from desktop.resources import icon
from desktop.screens.registry import ScreenSpec


class PlaceholderPage(QWidget):
    """States plainly that the screen is not built yet and which issue delivers it."""

    def __init__(self, spec: ScreenSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.key = spec.key
        self.setObjectName("placeholderPage")
        self._icon = QLabel()
        self._icon.setPixmap(icon(spec.icon).pixmap(QSize(48, 48)))
        self._icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label = QLabel()
        self.title_label.setObjectName("placeholderTitle")
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label = QLabel()
        self.status_label.setObjectName("placeholderBadge")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body_label = QLabel()
        self.body_label.setObjectName("placeholderBody")
        self.body_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self._icon)
        layout.addSpacing(8)
        layout.addWidget(self.title_label)
        layout.addWidget(self.status_label, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addSpacing(4)
        layout.addWidget(self.body_label)
        layout.addStretch(3)
        self.retranslate()

    def retranslate(self) -> None:
        self.title_label.setText(translate("Screens", self.spec.title))
        self.status_label.setText(translate("Placeholder", "Not built yet"))
        planned = translate("Screens", self.spec.planned or "")
        self.body_label.setText(
            translate(
                "Placeholder",
                "This screen will be delivered by the %1. Nothing on this page is functional yet.",
            ).replace("%1", planned)
        )
