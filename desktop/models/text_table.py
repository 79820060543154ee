"""A small read-only table of display texts: figures explained line by line.

Implements Qt's QAbstractTableModel contract
(https://doc.qt.io/qt-6/qabstracttablemodel.html#subclassing) for tables whose rows
are made on the GUI thread from a result already computed (the client panel's funds
breakdown, its offset summary, its call): the caller formats every cell (money with
``core.money.format_yuan``) and may give a text colour and a background per row; the
model only shows them. Not for large tables: rows are Python tuples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QObject, Qt
from PySide6.QtGui import QBrush, QFont

from desktop.models.column_model import DISPLAY, ROOT, AnyIndex

_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FONT = Qt.ItemDataRole.FontRole
KEY_ROLE = Qt.ItemDataRole.UserRole + 3
"""Role returning a row's key (e.g. the funds term), for tests and callers."""


@dataclass(frozen=True)
class TextRow:
    """One row: its key, the cell texts, a colour per cell (None: default), a row
    background and whether it is a result line (bold)."""

    key: str
    cells: tuple[str, ...]
    brushes: tuple[QBrush | None, ...] = ()
    background: QBrush | None = None
    bold: bool = False
    tooltip: str = field(default="")


class TextTableModel(QAbstractTableModel):
    """Rows of ready-made texts under translated headers; GUI thread only."""

    def __init__(
        self,
        alignments: Sequence[Qt.AlignmentFlag],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._alignments = tuple(alignments)
        self._headers: tuple[str, ...] = ("",) * len(self._alignments)
        self._rows: tuple[TextRow, ...] = ()
        self._bold = QFont()
        self._bold.setBold(True)

    def set_headers(self, headers: Sequence[str]) -> None:
        """Header texts (already translated), one per column."""
        if len(headers) != len(self._alignments):
            raise ValueError("one header per column")
        self._headers = tuple(headers)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._headers) - 1)

    def set_rows(self, rows: Sequence[TextRow]) -> None:
        """Show ``rows`` (a reset)."""
        for row in rows:
            if len(row.cells) != len(self._alignments):
                raise ValueError(f"row {row.key!r}: one cell per column")
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    @property
    def rows(self) -> tuple[TextRow, ...]:
        return self._rows

    def row_of(self, key: str) -> int:
        """The row with ``key``; ValueError if absent."""
        for i, row in enumerate(self._rows):
            if row.key == key:
                return i
        raise ValueError(key)

    # ----------------------------------------------------------------- Qt contract
    def rowCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._alignments)

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == DISPLAY:
            return row.cells[col]
        if role == _ALIGNMENT:
            return self._alignments[col]
        if role == _FOREGROUND:
            return row.brushes[col] if col < len(row.brushes) else None
        if role == _BACKGROUND:
            return row.background
        if role == _FONT:
            return self._bold if row.bold else None
        if role == _TOOLTIP:
            return row.tooltip or row.cells[col] or None
        if role == KEY_ROLE:
            return row.key
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == DISPLAY:
            return self._headers[section]
        if role == _ALIGNMENT:
            return self._alignments[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
