"""A table's first column kept in place while the other columns scroll sideways.

Qt's "Frozen Column" example: a second view over the same model and selection model,
showing only the first column, laid over the table's left edge and scrolled with it
vertically. The desk reads the client code of a row however far right it scrolled
(the live monitor's accounts at 1366 px). The first column stays first: moving it, or
moving another column before it, is undone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent, QFont, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHeaderView, QTableView

if TYPE_CHECKING:
    from desktop.widgets.data_table import DataTableView


class FrozenColumn(QTableView):
    """The overlay of ``table``'s first column (made by ``freeze_first_column``)."""

    def __init__(self, table: DataTableView) -> None:
        from desktop.widgets.data_table import TintDelegate

        super().__init__(table)
        self._table = table
        self.setObjectName("frozenColumn")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # No frame but the line on its right: the table's style sheet border (on every
        # side) would inset the rows by a pixel and end them two pixels short of the
        # table's, a strip below the last row.
        self.setStyleSheet(
            "QTableView#frozenColumn { border: none; border-right: 1px solid #dde3ea; "
            "border-radius: 0; }"
        )
        self.setModel(table.model())
        self.setSelectionModel(table.selectionModel())
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(table.selectionMode())
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setItemDelegate(TintDelegate(self))
        self.setAlternatingRowColors(table.alternatingRowColors())
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        font = QFont(table.font())
        self.setFont(font)
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(table.verticalHeader().defaultSectionSize())
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setHighlightSections(False)
        header.setDefaultAlignment(table.horizontalHeader().defaultAlignment())
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._sort)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(
            lambda _pos: table.header_menu(0).popup(self.cursor().pos())
        )
        table_header = table.horizontalHeader()
        table_header.sectionResized.connect(self._on_resized)
        table_header.sectionMoved.connect(self._keep_first)
        table_header.sortIndicatorChanged.connect(self._follow_sort)
        table.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(table.verticalScrollBar().setValue)
        self.doubleClicked.connect(table.doubleClicked)
        model = table.model()
        if model is not None:
            model.modelReset.connect(self._refresh)
            model.layoutChanged.connect(self._refresh)
            model.headerDataChanged.connect(self._refresh)
        table.viewport().stackUnder(self)
        self._refresh()
        self.show()

    def paintEvent(self, event: QPaintEvent) -> None:
        # the table's own way: one pass where its model allows (``row_painter``)
        from desktop.widgets.row_painter import paint_rows

        if not (getattr(self._table, "fast_paint", False) and paint_rows(self, event)):
            super().paintEvent(event)

    def _refresh(self, *_args: object) -> None:
        model = self.model()
        count = model.columnCount() if model is not None else 0
        for column in range(count):
            self.setColumnHidden(column, column != 0)
        self._follow_sort()
        self.update_geometry()

    def _on_resized(self, logical: int, _old: int, new: int) -> None:
        if logical == 0:
            self.setColumnWidth(0, new)
            self.update_geometry()

    def _keep_first(self, logical: int, old_visual: int, new_visual: int) -> None:
        header = self._table.horizontalHeader()
        if header.visualIndex(0) != 0:
            header.blockSignals(True)
            header.moveSection(header.visualIndex(0), 0)
            header.blockSignals(False)
            header.viewport().update()

    def _sort(self, _section: int) -> None:
        header = self._table.horizontalHeader()
        ascending = Qt.SortOrder.AscendingOrder
        order = (
            Qt.SortOrder.DescendingOrder
            if header.sortIndicatorSection() == 0 and header.sortIndicatorOrder() == ascending
            else ascending
        )
        self._table.sortByColumn(0, order)

    def _follow_sort(self, *_args: object) -> None:
        table_header = self._table.horizontalHeader()
        header = self.horizontalHeader()
        if table_header.sortIndicatorSection() == 0:
            header.setSortIndicator(0, table_header.sortIndicatorOrder())
        else:
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    def update_geometry(self) -> None:
        """Cover the table's first column, header included."""
        table = self._table
        self.setColumnWidth(0, table.columnWidth(0))
        self.horizontalHeader().setFixedHeight(table.horizontalHeader().height())
        frame = table.frameWidth()
        self.setGeometry(
            table.verticalHeader().width() + frame,
            frame,
            table.columnWidth(0),
            table.viewport().height() + table.horizontalHeader().height(),
        )
        self.verticalScrollBar().setValue(table.verticalScrollBar().value())

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self._table.contextMenuEvent(event)
