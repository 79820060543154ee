"""Drill-down from an account row: double-click, Enter or "Open client" asks the bus.

``ctx.bus.client_requested(client, day)`` is the one way a screen asks for the client
panel (``desktop.bus``); this wires a table view to it once, so each screen says only
where the client code of a row is and which day it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTableView

from desktop.bus import AppBus
from desktop.i18n import QT_TRANSLATE_NOOP, translate

OPEN_CLIENT = QT_TRANSLATE_NOOP("ClientLink", "Open client")


class ClientLink:
    """Connects ``view``: ``activated`` (a double-click or Enter, Qt's item activation)
    and the context-menu action emit ``bus.client_requested(client_of(row), day())``.
    ``client_of`` returns None for a row without a client (nothing is emitted)."""

    def __init__(
        self,
        view: QTableView,
        bus: AppBus,
        client_of: Callable[[int], str | None],
        day: Callable[[], date | None],
    ) -> None:
        self._view = view
        self._bus = bus
        self._client_of = client_of
        self._day = day
        self.action = QAction(view)
        self.action.setObjectName("openClient")
        self.action.triggered.connect(lambda: self.open(view.currentIndex()))
        view.addAction(self.action)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.activated.connect(self.open)
        self.retranslate()

    def open(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if not index.isValid():
            return
        client = self._client_of(index.row())
        if client:
            self._bus.client_requested.emit(client, self._day())

    def retranslate(self) -> None:
        self.action.setText(translate("ClientLink", OPEN_CLIENT))
