"""The Qt side shared by the read-only tables over ``Column`` specs.

Implements Qt's QAbstractTableModel contract
(https://doc.qt.io/qt-6/qabstracttablemodel.html#subclassing) once for
``FrameTableModel`` (a pandas frame) and ``SnapshotTableModel`` (live engine
snapshots): headers, flags, ``data()`` role dispatch, sorting with persistent indexes,
``column_of`` and ``retranslate``. A subclass says where its values live:

* ``_cell(source_row, column, raw)``: the raw value of one cell (``ABSENT`` when the
  model has none: the cell shows nothing);
* ``_sort_values(column)``: a sortable numpy key per source row and a missing mask;
* ``total_rows``: the number of source rows;

and may serve more roles per row (``_SERVED`` beyond ``CELL_ROLES``, answered by
``_row_data``) or colour cells itself (``_foreground``).

Rows are kept as numpy arrays: ``_perm`` lists every source row in sort order,
``_mask`` the rows passing the filters (None: all), ``_shown`` the source row of each
view row. ``data()`` runs for every visible cell on every repaint, so a role the
model does not serve returns before any row or column is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Final

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush

from desktop.models.columns import Column, Kind
from desktop.models.row_ranges import inverse_permutation

AnyIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
DISPLAY = Qt.ItemDataRole.DisplayRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_HORIZONTAL = Qt.Orientation.Horizontal
_READ_ONLY = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
RAW_ROLE = Qt.ItemDataRole.UserRole + 1
"""Role returning the raw value of a cell (int fen, float ratio, str code)."""
CELL_ROLES: Final = frozenset({DISPLAY, FOREGROUND, TOOLTIP, RAW_ROLE})
"""Roles answered from the cell's raw value (``_cell``)."""
ABSENT: Final = object()
"""``_cell``'s answer when the model holds no value for the cell (data() gives None)."""

SortKeys = tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]
"""A sortable value per source row and where it is missing."""


def stable_order(
    values: npt.NDArray[Any], missing: npt.NDArray[np.bool_], order: Qt.SortOrder
) -> npt.NDArray[np.int64]:
    """Row numbers sorted by ``values``, stable, missing values last in both directions."""
    present = np.flatnonzero(~missing)
    sub = values[present]
    if order == Qt.SortOrder.AscendingOrder:
        ranks = np.argsort(sub, kind="stable")
    else:  # stable descending: ties keep their original order
        ranks = (len(sub) - 1 - np.argsort(sub[::-1], kind="stable"))[::-1]
    return np.concatenate([present[ranks], np.flatnonzero(missing)]).astype(np.int64)


class ColumnTableModel(QAbstractTableModel):
    """Read-only rows shown through ``Column`` specs (see module doc). GUI thread only."""

    _SERVED: ClassVar[frozenset[int]] = CELL_ROLES
    """Roles ``data()`` answers besides alignment; those not in ``CELL_ROLES`` are
    answered per row by ``_row_data``, cell roles left out return None."""
    _RETRANSLATED: ClassVar[list[int]] = [DISPLAY, FOREGROUND, RAW_ROLE]
    """Roles repainted by ``retranslate``."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._column_no: dict[str, int] = {}
        for i, column in enumerate(self._columns):
            self._column_no.setdefault(column.key, i)
        self._perm = np.empty(0, dtype=np.int64)  # all source rows, in sort order
        self._mask: npt.NDArray[np.bool_] | None = None  # rows passing; None: every row
        self._shown = np.empty(0, dtype=np.int64)  # view row → source row
        self._position: npt.NDArray[np.int64] | None = None  # source → view (lazy)
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # ----------------------------------------------------------------- subclass hooks
    @property
    def total_rows(self) -> int:
        """Source rows, shown or filtered out."""
        raise NotImplementedError

    def _cell(self, source_row: int, column: int, raw: bool) -> Any:
        """The value of a cell: the ``RAW_ROLE`` one when ``raw``, else the one shown
        (e.g. the English name column in English). ``ABSENT`` when there is none."""
        raise NotImplementedError

    def _sort_values(self, column: int) -> SortKeys | None:
        """Sort keys of every source row for ``column``; None keeps the source order."""
        raise NotImplementedError

    def _row_data(self, source_row: int, role: int) -> Any:
        """The answer for a served role outside ``CELL_ROLES``."""
        return None

    def _foreground(self, source_row: int, column: int, value: Any) -> QBrush | None:
        return self._columns[column].foreground(value)

    # ----------------------------------------------------------------- Qt contract
    def rowCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        if role == _ALIGNMENT:
            return self._columns[index.column()].alignment
        if role not in self._SERVED:
            return None
        src = int(self._shown[index.row()])
        if role not in CELL_ROLES:
            return self._row_data(src, role)
        column = index.column()
        value = self._cell(src, column, role == RAW_ROLE)
        if value is ABSENT:
            return None
        if role == DISPLAY:
            return self._columns[column].format(value)
        if role == FOREGROUND:
            return self._foreground(src, column, value)
        if role == TOOLTIP:
            spec = self._columns[column]
            return spec.format(value) if spec.kind == Kind.TEXT else None
        return value.item() if isinstance(value, np.generic) else value

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation != _HORIZONTAL or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role in (DISPLAY, TOOLTIP):
            return column.title()
        if role == _ALIGNMENT:
            return column.alignment
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return _READ_ONLY if index.isValid() else Qt.ItemFlag.NoItemFlags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder the rows in place; persistent indexes (the selection) follow their rows."""
        if not 0 <= column < len(self._columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        sources = [(int(self._shown[i.row()]), i.column()) for i in persistent]
        self._resort()
        self._set_shown()
        position = self._positions()
        moved = [
            self.index(int(position[s]), c) if position[s] >= 0 else QModelIndex()
            for s, c in sources
        ]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    # ----------------------------------------------------------------- reading back
    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    def source_row(self, view_row: int) -> int:
        """Source row shown at ``view_row``."""
        return int(self._shown[view_row])

    def view_row(self, source_row: int) -> int:
        """View row of ``source_row``, −1 when it is filtered out."""
        position = self._positions()
        return int(position[source_row]) if 0 <= source_row < len(position) else -1

    def column_of(self, key: str) -> int:
        """View column index of the column with ``key``; ValueError if absent."""
        try:
            return self._column_no[key]
        except KeyError:
            raise ValueError(key) from None

    def retranslate(self) -> None:
        """Headers and enumeration labels changed language: repaint without a reset."""
        last = len(self._columns) - 1
        if last >= 0:
            self.headerDataChanged.emit(_HORIZONTAL, 0, last)
        if len(self._shown):
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._shown) - 1, last), self._RETRANSLATED
            )

    # ----------------------------------------------------------------- row order
    def _resort(self) -> None:
        """``_perm`` := every source row in the current sort order (source order if none)."""
        sort = self._sort
        if sort is not None and (keys := self._sort_values(sort[0])) is not None:
            self._perm = stable_order(*keys, sort[1])
        else:
            self._perm = np.arange(self.total_rows, dtype=np.int64)

    def _set_shown(self) -> None:
        """``_shown`` := the rows of ``_perm`` passing ``_mask``."""
        mask = self._mask
        self._shown = self._perm if mask is None else self._perm[mask[self._perm]]
        self._position = None

    def _positions(self) -> npt.NDArray[np.int64]:
        """View row of every source row, −1 when filtered out (cached until rows move)."""
        if self._position is None:
            self._position = inverse_permutation(self._shown, self.total_rows)
        return self._position
