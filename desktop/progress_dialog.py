"""A progress dialog that appears only if an operation lasts, and polls ProgressState."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from core.progress import ProgressState
from desktop.i18n import translate

SHOW_AFTER_MS = 500
"""Operations shorter than this never flash a dialog (Anki: 600 ms)."""
BUSY_CURSOR_AFTER_MS = 300
POLL_MS = 100


class ProgressDialog(QDialog):
    """Modal dialog showing the latest step of a ``ProgressState``; Cancel cancels it.

    The worker never talks to this dialog: the dialog polls ``progress.latest()`` every
    100 ms on the GUI thread (STYLE B5). Call ``finish()`` when the operation is over.
    """

    def __init__(self, parent: QWidget | None, label: str, progress: ProgressState) -> None:
        super().__init__(parent)
        self.setObjectName("progressDialog")
        self.setWindowTitle(label)
        self.setModal(True)
        self.setMinimumWidth(380)
        self._progress = progress
        self._label = QLabel(label)
        self._stage = QLabel("")
        self._stage.setObjectName("progressStage")
        self._bar = QProgressBar()
        self._bar.setRange(0, 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self._label)
        layout.addWidget(self._stage)
        layout.addWidget(self._bar)
        layout.addWidget(buttons)
        self._finished = False
        self._busy_cursor = False
        self._show_timer = QTimer(self, singleShot=True, interval=SHOW_AFTER_MS)
        self._show_timer.timeout.connect(self._appear)
        self._cursor_timer = QTimer(self, singleShot=True, interval=BUSY_CURSOR_AFTER_MS)
        self._cursor_timer.timeout.connect(self._set_busy_cursor)
        self._poll_timer = QTimer(self, interval=POLL_MS)
        self._poll_timer.timeout.connect(self._poll)

    @classmethod
    def delayed(cls, parent: QWidget | None, label: str, progress: ProgressState) -> ProgressDialog:
        """A dialog that shows itself after SHOW_AFTER_MS unless finished before."""
        dialog = cls(parent, label, progress)
        dialog._show_timer.start()
        dialog._cursor_timer.start()
        return dialog

    def _set_busy_cursor(self) -> None:
        if not self._finished:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
            self._busy_cursor = True

    def _appear(self) -> None:
        if self._finished:
            return
        self._poll()
        self._poll_timer.start()
        self.show()

    def _poll(self) -> None:
        step = self._progress.latest()
        self._stage.setText(step.stage)
        if step.total:
            self._bar.setRange(0, step.total)
            self._bar.setValue(step.done)
        else:
            self._bar.setRange(0, 0)

    def _cancel(self) -> None:
        self._progress.cancel()
        self._stage.setText(translate("ProgressDialog", "Cancelling…"))

    def reject(self) -> None:  # Esc and the window's close button cancel too
        self._cancel()

    def finish(self) -> None:
        """The operation is over: stop the timers, restore the cursor, close for good."""
        self._finished = True
        for timer in (self._show_timer, self._cursor_timer, self._poll_timer):
            timer.stop()
        if self._busy_cursor:
            QApplication.restoreOverrideCursor()
            self._busy_cursor = False
        self.hide()
        self.deleteLater()
