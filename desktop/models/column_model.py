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
``_mask`` the rows passing the subclass's filters (None: all), ``_col_mask`` those
passing the per-column filters (``set_column_filter``: a numeric range or a list of
values, ``desktop.models.column_filter``; a subclass gives the values through
``_filter_array``), ``_shown`` the source row of each view row. ``data()`` runs for
every visible cell on every repaint, so a role the model does not serve returns before
any row or column is read.

``resort()`` orders the rows again by the current sort, stably from the order shown
(ties keep their places), moving persistent indexes: the live monitor calls it on a
throttle so that a sort holds while values tick.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont

from desktop.i18n import translate
from desktop.models import column_store as cs
from desktop.models.column_filter import (
    MISSING_KEY,
    ColumnFilter,
    accepted_codes,
    describe,
)
from desktop.models.columns import Column, Kind, is_missing
from desktop.models.row_ranges import inverse_permutation

AnyIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
DISPLAY = Qt.ItemDataRole.DisplayRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
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
FilterArray = npt.NDArray[Any] | cs.CodedColumn | cs.MaskedColumn
"""The values of one column for every source row, as a column filter reads them."""
_FONT = Qt.ItemDataRole.FontRole


def factorized(array: FilterArray) -> tuple[npt.NDArray[np.int64], npt.NDArray[Any]]:
    """Per source row the index of its value among the distinct values (−1: missing),
    and the distinct values."""
    if isinstance(array, cs.CodedColumn):
        return array.codes, np.asarray(array.categories, dtype=object)
    if isinstance(array, cs.MaskedColumn):
        codes, uniques = pd.factorize(array.values)
        codes = np.where(array.mask, -1, codes).astype(np.int64)
        return codes, np.asarray(uniques, dtype=object)
    codes, uniques = pd.factorize(np.asarray(array), use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def numeric(array: FilterArray) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
    """Numbers of every source row and where they are missing (exact int64 for fen)."""
    if isinstance(array, cs.MaskedColumn):
        return array.values, array.mask
    if isinstance(array, cs.CodedColumn):
        values = np.array([v if isinstance(v, int | float) else 0 for v in array.categories])
        return array.per_category(values), array.missing
    raw = np.asarray(array)
    if raw.dtype.kind == "f":
        return raw, np.isnan(raw)
    if raw.dtype.kind in "iub":
        return raw, np.zeros(len(raw), dtype=bool)
    missing = np.fromiter((is_missing(v) for v in raw), dtype=bool, count=len(raw))
    present = [v for v, m in zip(raw, missing, strict=True) if not m]
    floats = any(isinstance(v, float) for v in present)
    values = np.array(
        [0 if m else v for v, m in zip(raw, missing, strict=True)],
        dtype=np.float64 if floats else np.int64,
    )
    return values, missing


def column_filter_mask(array: FilterArray, flt: ColumnFilter) -> npt.NDArray[np.bool_]:
    """Source rows passing ``flt``."""
    if flt.values is not None:
        codes, distinct = factorized(array)
        hits = accepted_codes(distinct, flt.values)
        mask = np.isin(codes, hits) if hits else np.zeros(len(codes), dtype=bool)
        if MISSING_KEY in flt.values:
            mask |= codes < 0
        return np.asarray(mask, dtype=bool)
    values, missing = numeric(array)
    mask = ~missing
    if flt.low is not None:
        mask &= values >= flt.low
    if flt.high is not None:
        mask &= values <= flt.high
    return np.asarray(mask, dtype=bool)


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

    column_filters_changed = Signal()
    """A per-column filter was set or removed (the view's menus and counts follow)."""

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
        self._column_filters: dict[int, ColumnFilter] = {}
        self._col_mask: npt.NDArray[np.bool_] | None = None  # rows passing them; None: all

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

    def _filter_array(self, column: int) -> FilterArray | None:
        """Every source row's value of ``column`` for a column filter and its list of
        values (None: the model has none)."""
        return None

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

    def row_looks(
        self, rows: range, columns: Sequence[int]
    ) -> list[tuple[Any, list[tuple[str, QBrush | None]]]]:
        """What ``data()`` gives the view rows ``rows`` for painting, in one call: per row
        its BackgroundRole answer and, per column of ``columns``, the DisplayRole text and
        the ForegroundRole brush (``desktop.widgets.row_painter`` paints a viewport with
        this instead of one delegate call and ~8 ``data()`` calls per cell)."""
        tinted = _BACKGROUND in self._SERVED
        specs = [self._columns[c] for c in columns]
        out: list[tuple[Any, list[tuple[str, QBrush | None]]]] = []
        for row in rows:
            src = int(self._shown[row])
            cells: list[tuple[str, QBrush | None]] = []
            for column, spec in zip(columns, specs, strict=True):
                value = self._cell(src, column, False)
                if value is ABSENT:
                    cells.append(("", None))
                else:
                    cells.append((spec.format(value), self._foreground(src, column, value)))
            out.append((self._row_data(src, _BACKGROUND) if tinted else None, cells))
        return out

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation != _HORIZONTAL or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == DISPLAY:
            return column.title()
        flt = self._column_filters.get(section)
        if role == TOOLTIP:
            if flt is None:
                return column.title()
            return (
                translate("TableTools", "%1 — filtered: %2")
                .replace("%1", column.title())
                .replace("%2", describe(column, flt, self.value_labels(section)))
            )
        if role == _FONT and flt is not None:
            font = QFont()
            font.setBold(True)
            font.setUnderline(True)
            return font
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

    def resort(self) -> bool:
        """Order the rows again by the current sort (values may have changed), stably
        from the order shown: rows whose keys tie keep their places. Persistent
        indexes follow their rows. False (and no signal) when the order holds."""
        sort = self._sort
        if sort is None or not len(self._perm):
            return False
        keys = self._sort_values(sort[0])
        if keys is None:
            return False
        values, missing = keys
        perm = self._perm
        order = stable_order(values[perm], missing[perm], sort[1])
        if np.array_equal(order, np.arange(len(order))):
            return False
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        sources = [(int(self._shown[i.row()]), i.column()) for i in persistent]
        self._perm = perm[order]
        self._set_shown()
        position = self._positions()
        moved = [
            self.index(int(position[s]), c) if position[s] >= 0 else QModelIndex()
            for s, c in sources
        ]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()
        return True

    # ----------------------------------------------------------------- column filters
    def set_column_filter(self, column: int, flt: ColumnFilter | None) -> None:
        """Keep only rows passing ``flt`` in ``column`` (None removes it). Resets."""
        if flt is None:
            if self._column_filters.pop(column, None) is None:
                return
        elif self._column_filters.get(column) == flt:
            return
        else:
            self._column_filters[column] = flt
        self._apply_column_filters()
        self.headerDataChanged.emit(_HORIZONTAL, column, column)

    def set_column_filters(self, filters: dict[int, ColumnFilter]) -> None:
        """Replace every column filter (a named layout's)."""
        if filters == self._column_filters:
            return
        changed = set(filters) | set(self._column_filters)
        self._column_filters = dict(filters)
        self._apply_column_filters()
        for column in changed:
            self.headerDataChanged.emit(_HORIZONTAL, column, column)

    def column_filter(self, column: int) -> ColumnFilter | None:
        return self._column_filters.get(column)

    @property
    def column_filters(self) -> dict[int, ColumnFilter]:
        return dict(self._column_filters)

    def can_filter(self, column: int) -> bool:
        return 0 <= column < len(self._columns) and self._filter_array(column) is not None

    def distinct_values(self, column: int) -> list[tuple[Any, int]]:
        """Each value of ``column`` (None for missing) with its number of rows, in
        every source row."""
        array = self._filter_array(column)
        if array is None:
            return []
        codes, distinct = factorized(array)
        counts = np.bincount(codes[codes >= 0], minlength=len(distinct))
        out: list[tuple[Any, int]] = [
            (v.item() if isinstance(v, np.generic) else v, int(n))
            for v, n in zip(distinct, counts, strict=True)
            if n
        ]
        missing = int((codes < 0).sum())
        if missing:
            out.append((None, missing))
        return out

    def value_labels(self, column: int) -> dict[str, str]:
        """Display text of the ENUM labels of ``column`` by their value key."""
        spec = self._columns[column]
        return {str(k): spec.format(k) for k in spec.labels}

    def _apply_column_filters(self) -> None:
        self.beginResetModel()
        self._col_mask = self._column_mask()
        self._set_shown()
        self.endResetModel()
        self.column_filters_changed.emit()

    def _column_mask(self) -> npt.NDArray[np.bool_] | None:
        """Source rows passing every column filter; None when there is none."""
        mask: npt.NDArray[np.bool_] | None = None
        for column, flt in self._column_filters.items():
            array = self._filter_array(column)
            if array is None or len(array) != self.total_rows:
                continue
            hits = column_filter_mask(array, flt)
            mask = hits if mask is None else mask & hits
        return mask

    # ----------------------------------------------------------------- reading back
    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    def plain_text(self, view_row: int, column: int) -> str:
        """The cell as the clipboard and exports take it (``Column.plain``)."""
        value = self._cell(self.source_row(view_row), column, False)
        return "" if value is ABSENT else self._columns[column].plain(value)

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
        """``_shown`` := the rows of ``_perm`` passing ``_mask`` and ``_col_mask``."""
        mask = self.passing_mask()
        self._shown = self._perm if mask is None else self._perm[mask[self._perm]]
        self._position = None

    def passing_mask(self) -> npt.NDArray[np.bool_] | None:
        """Source rows passing every filter; None: all of them."""
        mask, columns = self._mask, self._col_mask
        if columns is None or len(columns) != self.total_rows:
            return mask
        return columns if mask is None else mask & columns

    def _positions(self) -> npt.NDArray[np.int64]:
        """View row of every source row, −1 when filtered out (cached until rows move)."""
        if self._position is None:
            self._position = inverse_permutation(self._shown, self.total_rows)
        return self._position
