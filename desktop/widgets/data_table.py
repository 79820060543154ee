"""The table view every screen uses: compact rows, sortable header saved in QSettings."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from desktop.models.columns import Column
from desktop.settings import UiSettings
from desktop.widgets.client_link import ClientLink, link_clients
from desktop.widgets.column_fit import ColumnFit

ROW_HEIGHT = 24


class TintDelegate(QStyledItemDelegate):
    """Paints the model's BackgroundRole brush (row tints) under the cell, without the
    per-cell focus frame (rows are selected whole; the frame is noise in a dense table).

    The application style sheet styles ``QTableView::item``, and Qt's style-sheet style
    then ignores BackgroundRole: the tints (risk levels, limits, deadlines, differing
    lots) are painted here instead. A selected row shows the selection, not its tint.
    """

    def initStyleOption(  # noqa: N802 (Qt override)
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.state &= ~QStyle.StateFlag.State_HasFocus

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        brush = index.data(Qt.ItemDataRole.BackgroundRole)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if isinstance(brush, QBrush) and not selected:
            painter.fillRect(option.rect, brush)
        super().paint(painter, option, index)


class DataTableView(QTableView):
    """A read-only, row-selecting, sortable table whose header layout is remembered.

    ``name`` is the key of the header state in ``UiSettings`` (one per table).
    """

    def __init__(self, settings: UiSettings, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._name = name
        self.client_link: ClientLink | None = None
        """Set by ``link_clients``: the row's client opens the client panel."""
        self.setObjectName(f"table_{name}")
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setItemDelegate(TintDelegate(self))
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setMinimumSectionSize(48)
        font = QFont(self.font())
        font.setFeature(QFont.Tag("tnum"), 1)  # tabular digits: amounts line up
        self.setFont(font)
        self.column_fit = ColumnFit(self)
        """Titles never cut; the free-width column keeps its own width (``fill``)."""

    def apply_default_widths(
        self, columns: Sequence[Column], stretch_key: str | None = None
    ) -> None:
        """Initial widths, each at least its title's; ``stretch_key``'s column (else
        the last) takes the free width instead of the last column (so amounts stay next
        to the names they belong to), never less than its own width."""
        keys = [c.key for c in columns]
        for i, column in enumerate(columns):
            self.setColumnWidth(i, column.width)
        if not columns:
            return
        fill = keys.index(stretch_key) if stretch_key in keys else len(columns) - 1
        self.column_fit.fill(fill, columns[fill].width)
        self.column_fit.titles_fit()

    def fit_columns(self, columns: Sequence[Column], stretch_key: str) -> None:
        """Small tables: every column fits its contents, ``stretch_key`` takes the rest.

        Not for large tables: ResizeToContents measures every row.
        """
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionsMovable(False)
        for i, column in enumerate(columns):
            if column.key == stretch_key:
                self.column_fit.fill(i, column.width, to_contents=True)
            else:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)

    def link_clients(
        self, client_at: Callable[[int], str | None], open_client: Callable[[str], None]
    ) -> None:
        """Double-click, Enter and "Open client" on a row open the row's client
        (``client_at(view_row)``; ``desktop.widgets.client_link``)."""
        self.client_link = link_clients(self, client_at, open_client)

    def restore_header(self) -> bool:
        state = self._settings.header_state(self._name)
        restored = bool(state is not None and self.horizontalHeader().restoreState(state))
        if restored:  # a state saved before the free-width column was fitted
            self.column_fit.reapply()
        return restored

    def save_header(self) -> None:
        self._settings.set_header_state(self._name, self.horizontalHeader().saveState())
