"""A table model over a pandas DataFrame: numpy sorting, precomputed text filter.

Implements Qt's QAbstractTableModel contract
(https://doc.qt.io/qt-6/qabstracttablemodel.html#subclassing). Raw values are kept per
column as numpy arrays, categorical codes or masked integers (``column_store``);
``data()`` formats only the visible cells and never touches the database. ``sort()``
orders the rows with ``numpy.argsort`` on the raw column (categories ranked once)
inside ``layoutAboutToBeChanged``/``layoutChanged`` (no Python ``lessThan``). Filtering
matches a lowercase Arrow key column built once per frame (``pyarrow.compute``), and
resets the model because the set of rows changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from desktop.models import column_store as cs
from desktop.models.columns import Column, Kind, is_missing

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
RAW_ROLE = Qt.ItemDataRole.UserRole + 1
"""Role returning the raw value of a cell (int fen, float ratio, str code)."""
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALL_ROLES = [_DISPLAY, Qt.ItemDataRole.ForegroundRole, RAW_ROLE]


class FrameTableModel(QAbstractTableModel):
    """Read-only rows of a DataFrame shown through ``Column`` specs.

    ``filter_keys`` are the frame columns matched by ``set_text_filter`` (case
    insensitive substring). ``set_value_filter(key, value)`` keeps rows whose ``key``
    equals ``value`` (None removes that filter). GUI thread only.
    """

    def __init__(
        self,
        columns: Sequence[Column],
        parent: QObject | None = None,
        *,
        filter_keys: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._filter_keys = tuple(filter_keys)
        self._frame = pd.DataFrame()
        self._arrays: dict[str, cs.Stored] = {}
        self._search: Any = None  # lowercase Arrow search keys, built on first use
        self._order = np.empty(0, dtype=np.int64)  # all source rows, sorted
        self._mask = np.empty(0, dtype=bool)  # source rows passing the filters
        self._visible = np.empty(0, dtype=np.int64)  # view row -> source row
        self._text = ""
        self._value_filters: dict[str, Any] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # ----------------------------------------------------------------- data in
    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    @property
    def frame(self) -> pd.DataFrame:
        return self._frame

    def set_frame(self, frame: pd.DataFrame) -> None:
        """Show ``frame`` (it is not copied: callers hand over a frame they no longer change).

        Keeps the current sort and filters. Resets the model.
        """
        self.beginResetModel()
        self._frame = frame
        keys = (
            {c.key for c in self._columns}
            | {c.key_en for c in self._columns if c.key_en}
            | set(self._filter_keys)
            | set(self._value_filters)
        )
        self._arrays = {k: cs.store(frame[k]) for k in keys if k in frame.columns}
        n = len(frame)
        self._search = None  # built on the first text filter (``_search_keys``)
        self._order = np.arange(n, dtype=np.int64)
        if self._sort is not None:
            self._order = self._sorted_order(*self._sort)
        self._mask = self._filter_mask()
        self._visible = self._order[self._mask[self._order]]
        self.endResetModel()

    # ----------------------------------------------------------------- Qt contract
    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.alignment
        if role not in (
            _DISPLAY,
            Qt.ItemDataRole.ForegroundRole,
            RAW_ROLE,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = int(self._visible[index.row()])
        key = column.display_key() if role != RAW_ROLE else column.key
        array = self._arrays.get(key)
        if array is None:
            return None
        value = array[row]
        if role == _DISPLAY:
            return column.format(value)
        if role == Qt.ItemDataRole.ForegroundRole:
            return column.foreground(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.format(value) if column.kind in (Kind.TEXT,) else None
        return value.item() if isinstance(value, np.generic) else value

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == _DISPLAY:
            return column.title()
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.title()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.alignment
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        sources = [(int(self._visible[i.row()]), i.column()) for i in persistent]
        self._order = self._sorted_order(column, order)
        self._visible = self._order[self._mask[self._order]]
        position = np.full(len(self._frame), -1, dtype=np.int64)
        position[self._visible] = np.arange(len(self._visible))
        moved = [
            self.index(int(position[s]), c) if position[s] >= 0 else QModelIndex()
            for s, c in sources
        ]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    # ----------------------------------------------------------------- sorting
    def _sort_values(self, column: Column) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
        key = column.display_key() if column.kind == Kind.TEXT else column.key
        raw = self._arrays.get(key, np.empty(len(self._frame), dtype=object))
        if isinstance(raw, cs.CodedColumn):
            # Rank the categories once; rows sort by their category's rank.
            cats = raw.categories
            if column.kind == Kind.ENUM:
                labels = np.array([column.format(v) for v in cats], dtype=object)
            else:
                labels = np.array([str(v).lower() for v in cats], dtype=object)
            rank = np.empty(len(cats), dtype=np.int64)
            rank[np.argsort(labels, kind="stable")] = np.arange(len(cats), dtype=np.int64)
            return raw.per_category(rank), raw.missing
        if isinstance(raw, cs.MaskedColumn):
            return raw.values, raw.mask
        if raw.dtype == object:
            missing = np.fromiter((is_missing(v) for v in raw), dtype=bool, count=len(raw))
            if column.is_numeric:
                values = np.array(
                    [0 if m else v for v, m in zip(raw, missing, strict=True)],
                    dtype=np.float64 if column.kind == Kind.RATIO else np.int64,
                )
            elif column.kind == Kind.ENUM:
                values = np.array([column.format(v) for v in raw], dtype=object)
            else:
                values = np.array(
                    ["" if m else str(v).lower() for v, m in zip(raw, missing, strict=True)],
                    dtype=object,
                )
            return values, missing
        if raw.dtype.kind == "f":
            return raw, np.isnan(raw)
        if column.kind == Kind.ENUM:
            return np.array([column.format(v) for v in raw], dtype=object), np.zeros(
                len(raw), dtype=bool
            )
        return raw, np.zeros(len(raw), dtype=bool)

    def _sorted_order(self, column: int, order: Qt.SortOrder) -> npt.NDArray[np.int64]:
        """Stable order of all source rows; missing values last in both directions."""
        values, missing = self._sort_values(self._columns[column])
        present = np.flatnonzero(~missing)
        sub = values[present]
        if order == Qt.SortOrder.AscendingOrder:
            ranks = np.argsort(sub, kind="stable")
        else:  # stable descending: ties keep their original order
            ranks = (len(sub) - 1 - np.argsort(sub[::-1], kind="stable"))[::-1]
        return np.concatenate([present[ranks], np.flatnonzero(missing)]).astype(np.int64)

    # ----------------------------------------------------------------- filtering
    def set_text_filter(self, text: str) -> None:
        """Keep rows whose filter keys contain ``text`` (case-insensitive; "" = all)."""
        text = text.strip().lower()
        if text != self._text:
            self._text = text
            self._refilter()

    def set_value_filter(self, key: str, value: Any | None) -> None:
        """Keep rows whose column ``key`` equals ``value``; None removes the filter."""
        if value is None:
            if self._value_filters.pop(key, None) is None:
                return
        else:
            if key not in self._arrays and key in self._frame.columns:
                self._arrays[key] = cs.store(self._frame[key])
            self._value_filters[key] = value
        self._refilter()

    def _filter_mask(self) -> npt.NDArray[np.bool_]:
        n = len(self._frame)
        mask = np.ones(n, dtype=bool)
        if self._text:
            mask &= cs.contains(self._search_keys(), self._text)
        for key, value in self._value_filters.items():
            array = self._arrays.get(key)
            if array is not None:
                mask &= cs.equals(array, value)
        return mask

    def _search_keys(self) -> Any:
        """Lowercase filter keys of every source row joined by \\x1f, as Arrow strings
        (built once per frame, when a text filter is first applied: most frames are
        never searched)."""
        if self._search is None:
            frame, n = self._frame, len(self._frame)
            parts = [cs.lower_text(frame[k]) for k in self._filter_keys if k in frame.columns]
            if parts and n:
                separator = pa.scalar("\x1f", type=pa.large_string())
                self._search = pc.binary_join_element_wise(*parts, separator)
            else:
                self._search = pa.array([""] * n, type=pa.large_string())
        return self._search

    def _refilter(self) -> None:
        self.beginResetModel()
        self._mask = self._filter_mask()
        self._visible = self._order[self._mask[self._order]]
        self.endResetModel()

    # ----------------------------------------------------------------- reading back
    @property
    def total_rows(self) -> int:
        return len(self._frame)

    def source_row(self, view_row: int) -> int:
        """Row of the frame shown at ``view_row``."""
        return int(self._visible[view_row])

    def raw_value(self, view_row: int, key: str) -> Any:
        value = self._arrays[key][self.source_row(view_row)]
        return value.item() if isinstance(value, np.generic) else value

    def column_of(self, key: str) -> int:
        """View column index of the column with ``key``; ValueError if absent."""
        for i, column in enumerate(self._columns):
            if column.key == key:
                return i
        raise ValueError(key)

    def retranslate(self) -> None:
        """Headers and enumeration labels changed language: repaint without a reset."""
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if len(self._visible):
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._visible) - 1, len(self._columns) - 1),
                _ALL_ROLES,
            )
