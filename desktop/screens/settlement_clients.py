"""The client picker of the settlement screen: a search field over every client.

A combo box filled with 100,000 clients took ~0.25 s of the GUI thread per load (one
``addItem`` each), and its completer filtered by calling into Python for every row on
each keystroke. Here the list stays a ``ClientList`` built on the worker; the field only
shows the matches of what is typed (``ClientList.find``, one string scan) in a
completer popup over a small model of at most ``FIND_LIMIT`` rows.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from core.services.settlement_history import FIND_LIMIT, ClientList

Index = QModelIndex | QPersistentModelIndex


class ClientMatchesModel(QAbstractListModel):
    """Some rows of a ``ClientList``: display text ``code  name``, UserRole the code."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clients = ClientList.of(())
        self._rows: list[int] = []

    def set_matches(self, clients: ClientList, rows: list[int]) -> None:
        self.beginResetModel()
        self._clients = clients
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._clients.labels[row]
        if role == Qt.ItemDataRole.UserRole:
            return self._clients.code(row)
        return None


class ClientPicker(QLineEdit):
    """Type a client's code or part of its name, pick it from the popup (or press Enter
    on an exact code or a single match); Down shows the clients from the current one.

    ``chosen`` is emitted with the code the user picked; ``set_current`` (programmatic)
    does not emit it. Leaving the field with text that names no client restores the
    current client's label.
    """

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clients = ClientList.of(())
        self._row: int | None = None
        self.matches = ClientMatchesModel(self)
        completer = QCompleter(self.matches, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)  # marks the first match current
        completer.setMaxVisibleItems(20)
        completer.activated[QModelIndex].connect(self._on_activated)  # type: ignore[index]
        self.setCompleter(completer)
        self._completer = completer
        self.textEdited.connect(self._on_edited)
        self.editingFinished.connect(self._on_editing_finished)

    # ----------------------------------------------------------------- state
    def set_clients(self, clients: ClientList) -> None:
        """Offer ``clients``; keep the current client when it is still listed, else the
        first one (none for an empty list)."""
        code = self.current_code()
        self._clients = clients
        row = clients.row_of(code) if code is not None else None
        self._set_row(row if row is not None else (0 if len(clients) else None))

    def current_code(self) -> str | None:
        return None if self._row is None else self._clients.code(self._row)

    def set_current(self, code: str) -> bool:
        """Show ``code`` as the current client (False: not in the list; nothing changes)."""
        row = self._clients.row_of(code)
        if row is None:
            return False
        self._set_row(row)
        return True

    def _set_row(self, row: int | None) -> None:
        self._row = row
        self.setText("" if row is None else self._clients.labels[row])
        self.setCursorPosition(0)

    def _choose(self, row: int) -> None:
        changed = row != self._row
        self._set_row(row)
        self._hide_popup()
        if changed:
            self.chosen.emit(self._clients.code(row))

    # ----------------------------------------------------------------- user input
    def _show(self, rows: list[int]) -> None:
        self.matches.set_matches(self._clients, rows)
        if rows:
            self._completer.setCompletionPrefix(self.text())
            self._completer.complete()
        else:
            self._hide_popup()

    def _hide_popup(self) -> None:
        popup = self._completer.popup()
        if popup is not None and popup.isVisible():
            popup.hide()

    def _popup_visible(self) -> bool:
        popup = self._completer.popup()
        return popup is not None and popup.isVisible()

    def _on_edited(self, text: str) -> None:
        self.matches.set_matches(self._clients, self._clients.find(text))

    def _on_activated(self, index: QModelIndex) -> None:
        code = index.data(Qt.ItemDataRole.UserRole)
        row = self._clients.row_of(str(code)) if code is not None else None
        if row is not None:
            self._choose(row)

    def _on_editing_finished(self) -> None:
        if self._popup_visible():  # the popup's own Enter or click picks a row
            return
        text = self.text().strip()
        if self._row is not None and text == self._clients.labels[self._row]:
            return
        rows = self._clients.find(text, limit=2) if text else []
        exact = self._clients.row_of(text)
        if exact is not None:
            self._choose(exact)
        elif len(rows) == 1:
            self._choose(rows[0])
        else:
            self._set_row(self._row)  # names no single client: back to the current one

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and not self._popup_visible():
            text = self.text()
            current = self._row is not None and text == self._clients.labels[self._row]
            if current and self._row is not None:
                start = self._row
                self._show(list(range(start, min(start + FIND_LIMIT, len(self._clients)))))
            else:
                self._show(self._clients.find(text))
            return
        super().keyPressEvent(event)
