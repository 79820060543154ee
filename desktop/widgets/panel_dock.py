"""A screen's panel moved out into a dock of the main window, and back.

A desk with two screens spreads the live monitor: its charts or its alerts go into a
``QDockWidget`` of the main window, which can float onto the other screen; closing the
dock (or ``restore``) puts the panel back where it was in its splitter. The dock's
object name (``dock_<key>``) lets ``QMainWindow.saveState`` remember where it was put.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QSplitter, QWidget


class PanelDock(QDockWidget):
    """``panel`` of ``splitter`` (at ``index``) shown in a dock of ``window``."""

    returned = Signal(str)
    """The panel went back into its splitter (the key)."""

    def __init__(
        self, key: str, title: str, panel: QWidget, splitter: QSplitter, window: QMainWindow
    ) -> None:
        super().__init__(title, window)
        self.key = key
        self.setObjectName(f"dock_{key}")
        self._splitter = splitter
        self._index = splitter.indexOf(panel)
        self._sizes = splitter.sizes()
        self.panel = panel
        self.setWidget(panel)  # takes it out of the splitter
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        if not window.restoreDockWidget(self):
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self)
        panel.show()

    def restore(self) -> None:
        """Put the panel back into its splitter, at its place, and remove the dock."""
        if self.panel.parent() is self._splitter:
            return
        self._splitter.insertWidget(self._index, self.panel)
        self.panel.show()
        self._splitter.setSizes(self._sizes)
        window = self.parent()
        if isinstance(window, QMainWindow):
            window.removeDockWidget(self)
        self.returned.emit(self.key)
        self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.restore()
        super().closeEvent(event)
