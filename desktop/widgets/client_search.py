"""The global client search (Ctrl+K or Ctrl+F anywhere): type a code or part of a
name, Enter opens the client panel through ``ctx.bus.client_requested``.

The directory of clients is read once per database on a worker
(``core.services.client_search.client_directory``) and searched in memory per
keystroke (``ClientDirectory.search``): the desk does not retype a code on another
screen to see a client.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.services.client_search import ClientDirectory, client_directory
from desktop.context import DesktopContext
from desktop.i18n import translate
from desktop.tasks import run_query

SHOWN = 50
"""Matches listed at once (type more to narrow)."""
_CODE_ROLE = Qt.ItemDataRole.UserRole + 1


class ClientSearchDialog(QDialog):
    """A search field over a list of matching clients; Enter or a double-click opens
    the chosen client (the first match when none is chosen)."""

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("clientSearch")
        self.setModal(True)
        self.directory: ClientDirectory | None = None
        self.edit = QLineEdit()
        self.edit.setObjectName("clientSearchText")
        self.edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setObjectName("clientSearchResults")
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrows go from the field
        self.status = QLabel()
        self.status.setObjectName("screenSubtitle")
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        self.resize(460, 380)
        self.edit.textChanged.connect(self._search)
        self.edit.installEventFilter(self)
        self.results.itemActivated.connect(lambda _item: self.open_chosen())
        self.results.itemDoubleClicked.connect(lambda _item: self.open_chosen())
        ctx.bus.database_opened.connect(self._forget)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(translate("DeskTools", "Find a client"))
        self.edit.setPlaceholderText(
            translate("DeskTools", "Client code or name — Enter opens the client")
        )
        self._search()

    def _forget(self, *_args: object) -> None:
        self.directory = None

    def start(self) -> None:
        """Show the dialog with an empty field; read the directory when not yet read."""
        self.edit.clear()
        self.results.clear()
        if self.directory is None:
            self.status.setText(translate("DeskTools", "Reading the clients…"))
            run_query(self.ctx, client_directory, self._loaded, owner=self)
        self.show()
        self.activateWindow()
        self.edit.setFocus()

    def _loaded(self, directory: ClientDirectory) -> None:
        self.directory = directory
        self._search()

    def _search(self, *_args: object) -> None:
        directory = self.directory
        if directory is None:
            return
        text = self.edit.text()
        matches = directory.search(text, SHOWN + 1)
        self.results.clear()
        for code, name in matches[:SHOWN]:
            item = QListWidgetItem(f"{code}  {name}")
            item.setData(_CODE_ROLE, code)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)
        if not text.strip():
            status = translate("DeskTools", "%1 clients").replace("%1", f"{len(directory):,}")
        elif not matches:
            status = translate("DeskTools", "No client matches “%1”.").replace("%1", text.strip())
        elif len(matches) > SHOWN:
            status = translate("DeskTools", "First %1 matches: type more to narrow.").replace(
                "%1", str(SHOWN)
            )
        else:
            status = ""
        self.status.setText(status)

    def chosen_code(self) -> str | None:
        item = self.results.currentItem()
        code = item.data(_CODE_ROLE) if item is not None else None
        return code if isinstance(code, str) else None

    def open_chosen(self) -> bool:
        """Open the chosen client in the client panel; False when there is none."""
        code = self.chosen_code()
        if code is None:
            return False
        self.accept()
        self.ctx.bus.client_requested.emit(code, None)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Up/Down move in the list while the typing stays in the field; Enter opens.
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.count():
                step = 1 if key == Qt.Key.Key_Down else -1
                row = min(max(self.results.currentRow() + step, 0), self.results.count() - 1)
                self.results.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_chosen()
                return True
        return super().eventFilter(watched, event)
