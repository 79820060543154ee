"""Widgets shared by the settlement and imports screens: banners, the error table, and a
table model over statement rows (``core.reports.statements.Layout``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QAction, QContextMenuEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from core.money import format_yuan
from core.reports.statements import Money
from desktop import palette
from desktop.i18n import translate
from desktop.models.columns import LEFT, NEGATIVE_BRUSH, RIGHT
from desktop.models.validation_errors import ValidationErrorsModel
from desktop.settings import UiSettings
from desktop.widgets.data_table import DataTableView

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_DISPLAY = Qt.ItemDataRole.DisplayRole


class ErrorTableView(DataTableView):
    """The table of ``InputError``s: sortable, and Ctrl+C / the context menu copy rows."""

    def __init__(self, settings: UiSettings, name: str, parent: QWidget | None = None) -> None:
        super().__init__(settings, name, parent)
        self.error_model = ValidationErrorsModel(self)
        self.setModel(self.error_model)
        self.setWordWrap(False)
        for column, width in enumerate((150, 56, 120)):
            self.setColumnWidth(column, width)
        self.horizontalHeader().setStretchLastSection(True)
        self.copy_action = QAction(self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.triggered.connect(self.copy_selection)
        self.copy_all_action = QAction(self)
        self.copy_all_action.triggered.connect(self.copy_all)
        self.retranslate()

    def retranslate(self) -> None:
        self.copy_action.setText(translate("OpsCommon", "Copy selected rows"))
        self.copy_all_action.setText(translate("OpsCommon", "Copy all rows"))
        self.error_model.retranslate()

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.selectionModel().selectedRows()})

    def copy_selection(self) -> str:
        """Copy the selected rows (all rows when none is selected); returns the text."""
        rows = self.selected_rows() or None
        text = self.error_model.copy_text(rows)
        QGuiApplication.clipboard().setText(text)
        return text

    def copy_all(self) -> str:
        text = self.error_model.copy_text()
        QGuiApplication.clipboard().setText(text)
        return text

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        menu.addAction(self.copy_action)
        menu.addAction(self.copy_all_action)
        menu.exec(event.globalPos())


Cell = Money | str | int


class StatementRowsModel(QAbstractTableModel):
    """Rows of a statement (summary lines or a positions/trades table), read-only.

    Money cells are formatted from integer fen with ``format_yuan`` (no arithmetic here);
    P&L cells take the colour of their sign in the user's convention
    (``palette.sign_brush``), other negative amounts are red. The statement order is
    kept: no sorting. See https://doc.qt.io/qt-6/qabstracttablemodel.html#subclassing.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers: tuple[str, ...] = ()
        self._rows: tuple[tuple[Cell, ...], ...] = ()

    def set_rows(self, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
        self.beginResetModel()
        self._headers = tuple(headers)
        self._rows = tuple(tuple(r) for r in rows)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows(self._headers, ())

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def raw(self, row: int, column: int) -> Cell:
        return self._rows[row][column]

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if index.column() >= len(row):
            return None
        value = row[index.column()]
        if role == _DISPLAY:
            if isinstance(value, Money):
                return format_yuan(value.fen)
            if isinstance(value, int):
                return f"{value:,}"
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            numeric = isinstance(value, Money | int) or (
                isinstance(value, str) and (value.endswith("%") or value == "—")
            )
            return RIGHT if numeric else LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            if not isinstance(value, Money):
                return None
            if value.pnl:
                return palette.sign_brush(value.fen)
            return NEGATIVE_BRUSH if value.fen < 0 else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == _DISPLAY:
            return self._headers[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
