"""Open the client panel from any table row that belongs to an account.

``link_clients(view, client_at, open_client)`` gives a table the desk's three ways to
drill down: a double-click on a row, Enter on the current row, and "Open client" in
the row's context menu. ``client_at(view_row)`` names the row's client (None: the row
has none, e.g. a contract alert); ``open_client(code)`` asks for the panel, normally
``ctx.bus.client_requested.emit(code, day)``. One helper for every screen, so that the
gestures are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView

from desktop.i18n import translate
from desktop.models.column_model import RAW_ROLE, ColumnTableModel

CONTEXT = "ClientPanel"


class ClientLink(QObject):
    """The gestures of one view (created by ``link_clients``; owned by the view)."""

    def __init__(
        self,
        view: QAbstractItemView,
        client_at: Callable[[int], str | None],
        open_client: Callable[[str], None],
    ) -> None:
        super().__init__(view)
        self.setObjectName("clientLink")
        self._view = view
        self._client_at = client_at
        self._open_client = open_client
        self.action = QAction(view)
        self.action.setObjectName("openClient")
        self.action.triggered.connect(self.open_current)
        view.addAction(self.action)
        if not getattr(view, "provides_context_menu", False):
            # A DataTableView lists the action first in its own menu.
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.doubleClicked.connect(self._on_double_click)
        view.installEventFilter(self)
        self.retranslate()

    def detach(self) -> None:
        """Undo the gestures (the view gets another link)."""
        self._view.removeAction(self.action)
        self._view.doubleClicked.disconnect(self._on_double_click)
        self._view.removeEventFilter(self)
        self.deleteLater()

    def client_of_row(self, row: int) -> str | None:
        """The client of view row ``row`` (None when out of range or none)."""
        model = self._view.model()
        if model is None or not 0 <= row < model.rowCount():
            return None
        code = self._client_at(row)
        return str(code) if code else None

    def open_row(self, row: int) -> bool:
        """Ask for the client of ``row``; False when the row has none."""
        code = self.client_of_row(row)
        if code is None:
            return False
        self._open_client(code)
        return True

    def open_current(self) -> bool:
        return self.open_row(self._view.currentIndex().row())

    def retranslate(self) -> None:
        self.action.setText(translate("ClientPanel", "Open client"))
        self.action.setToolTip(
            translate(
                "ClientPanel", "Show this account's funds, positions, calls, notices and alerts"
            )
        )

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_row(index.row())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.open_current()
        ):
            return True
        return super().eventFilter(watched, event)


def link_clients(
    view: QAbstractItemView,
    client_at: Callable[[int], str | None],
    open_client: Callable[[str], None],
) -> ClientLink:
    """Double-click, Enter and "Open client" on ``view``'s rows open that row's client."""
    return ClientLink(view, client_at, open_client)


def client_column(model: ColumnTableModel, key: str = "client_code") -> Callable[[int], str | None]:
    """``client_at`` for a ``Column`` table showing the client code in column ``key``."""
    column = model.column_of(key)

    def client_at(row: int) -> str | None:
        value = model.index(row, column).data(RAW_ROLE)
        return str(value) if value else None

    return client_at
