"""A table model over one table of a live ``RiskSnapshot``: numpy sort, batched repaint.

Implements Qt's QAbstractTableModel contract
(https://doc.qt.io/qt-6/qabstracttablemodel.html#subclassing) over the snapshot's
read-only columnar arrays (STYLE B4):

* ``data()`` reads one cell through the column's getter (numpy scalar indexing) and
  formats it with ``desktop.models.columns.Column``; it never touches the DB or the feed.
* ``sort()`` orders all source rows with ``numpy.argsort`` on the raw column inside
  ``layoutAboutToBeChanged``/``layoutChanged``, moving persistent indexes, so the
  selection follows its rows. The permutation is kept across updates: rows do not jump
  under the user's cursor while values tick; clicking the header sorts again.
* ``apply_snapshot()`` emits ``dataChanged`` for at most 16 row ranges
  (``row_ranges``) computed from ``row_version``, with explicit roles. Appended
  position lines are inserted at the end (``beginInsertRows``). A reset happens only
  when the set of shown rows changes otherwise (a risk filter whose membership moved,
  a new engine); ``SnapshotTableView`` keeps the selection and scroll by row key.

GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from core.live.engine import RISK_RATIO_UNBOUNDED_PPM
from core.live.snapshot import RiskSnapshot, Table
from desktop.models.columns import MUTED_BRUSH, Column, Kind, is_missing
from desktop.models.row_ranges import DEFAULT_MAX_RANGES, inverse_permutation, row_ranges

AnyIndex = QModelIndex | QPersistentModelIndex
Rows = int | slice | npt.NDArray[np.int64]
_ROOT = QModelIndex()
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
RAW_ROLE = Qt.ItemDataRole.UserRole + 1
"""Role returning a cell's raw value (int fen, float ratio, str code)."""
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
"""Role returning the row key (client code, line number, contract code)."""
VALUE_ROLES = [_DISPLAY, _FOREGROUND, _BACKGROUND, RAW_ROLE]
_SERVED = {_DISPLAY, _FOREGROUND, _BACKGROUND, RAW_ROLE, KEY_ROLE}

# Row tints (built once, STYLE B4): risk ≥ 100 % red, ≥ 80 % amber.
DANGER_TINT = QBrush(QColor(192, 57, 43, 46))
WARNING_TINT = QBrush(QColor(230, 160, 30, 46))
RISK_WARN_PPM = 800_000
RISK_DANGER_PPM = 1_000_000


class RiskLevel(Enum):
    """The risk filter of the monitor tables."""

    ALL = "all"
    WARN = "warn"  # risk ratio ≥ 80 %
    DANGER = "danger"  # risk ratio ≥ 100 %
    NEGATIVE = "negative"  # available funds < 0


@dataclass(frozen=True)
class LiveFilter:
    """What the user asked to see; ``text`` matches client code or name (any case)."""

    text: str = ""
    product: str | None = None
    risk: RiskLevel = RiskLevel.ALL

    @property
    def is_dynamic(self) -> bool:
        """Membership depends on live values (recomputed on every update)."""
        return self.risk is not RiskLevel.ALL or self.product is not None


# --------------------------------------------------------------------- frames
@dataclass
class LiveStatic:
    """Reference values of the day that snapshots do not carry, indexed like them.

    ``client_*`` follow ``snap.accounts`` rows, ``contract_*`` follow ``snap.contracts``
    rows. Caches derived per-account arrays keyed by the arrays they came from.
    """

    client_codes: npt.NDArray[Any]
    client_names: npt.NDArray[Any]
    contract_codes: npt.NDArray[Any]
    contract_products: npt.NDArray[Any]
    client_search: npt.NDArray[Any] = field(init=False)
    name_rank: npt.NDArray[np.int64] = field(init=False)
    code_rank: npt.NDArray[np.int64] = field(init=False)
    _limit_cache: tuple[Any, Any, npt.NDArray[np.float64]] | None = field(
        default=None, init=False, repr=False
    )

    def __post_init__(self) -> None:
        self.client_search = np.array(
            [
                f"{c}\x1f{n}".lower()
                for c, n in zip(self.client_codes, self.client_names, strict=True)
            ],
            dtype=object,
        )
        n = len(self.client_codes)
        by_name = np.argsort(self.client_names.astype(str), kind="stable").astype(np.int64)
        by_code = np.argsort(self.client_codes.astype(str), kind="stable").astype(np.int64)
        self.name_rank = inverse_permutation(by_name, n)
        self.code_rank = inverse_permutation(by_code, n)

    @classmethod
    def build(
        cls,
        client_codes: Sequence[str],
        names: dict[str, str],
        contract_codes: Sequence[str],
        products: dict[str, str],
    ) -> LiveStatic:
        return cls(
            np.array(list(client_codes), dtype=object),
            np.array([names.get(c, "") for c in client_codes], dtype=object),
            np.array(list(contract_codes), dtype=object),
            np.array([products.get(c, "") for c in contract_codes], dtype=object),
        )

    @classmethod
    def empty(cls) -> LiveStatic:
        none = np.empty(0, dtype=object)
        return cls(none, none, none, none)

    def limit_distance(self, snap: RiskSnapshot) -> npt.NDArray[np.float64]:
        """Per account: the smallest distance to a position limit (lots), NaN if none.

        Recomputed only when the position columns it depends on changed (trades).
        """
        pos = snap.positions
        dist, limit = pos["limit_distance_lots"], pos["limit_lots"]
        cached = self._limit_cache
        if cached is not None and cached[0] is dist and cached[1] is limit:
            return cached[2]
        n_acc = snap.accounts.row_count
        out = np.full(n_acc, np.inf)
        has = limit >= 0
        if has.any():
            np.minimum.at(out, pos["account_index"][has], dist[has].astype(np.float64))
        out[np.isinf(out)] = np.nan
        self._limit_cache = (dist, limit, out)
        return out


@dataclass(frozen=True)
class LiveFrame:
    """One snapshot with the day's reference values and the wall time it is shown at."""

    snap: RiskSnapshot
    static: LiveStatic
    now_ts: float = 0.0

    @classmethod
    def empty(cls) -> LiveFrame:
        return cls(RiskSnapshot.empty(), LiveStatic.empty())


Getter = Callable[[LiveFrame, Rows], Any]
"""Values of one column for ``rows`` (an int, a slice or an index array)."""


@dataclass(frozen=True)
class LiveColumn:
    """A ``Column`` (header, kind, format) plus how to read it from a ``LiveFrame``.

    ``sort_key`` gives a cheaper numeric key for sorting (e.g. the account index
    instead of the client code string); ``brush`` overrides the column's foreground.
    """

    spec: Column
    get: Getter
    sort_key: Getter | None = None
    brush: Callable[[Any], QBrush | None] | None = None

    @property
    def key(self) -> str:
        return self.spec.key


@dataclass(frozen=True)
class LiveTableSpec:
    """Which snapshot table a model shows and how it is filtered and tinted.

    ``mask(frame, filter)`` gives the source rows passing ``filter`` (None: all);
    ``row_tint`` a background brush per source row; ``muted`` greys a row (stale
    price); ``refresh_all`` repaints every row on every update (price ages).
    """

    name: str
    table: Callable[[RiskSnapshot], Table]
    columns: tuple[LiveColumn, ...]
    mask: Callable[[LiveFrame, LiveFilter], npt.NDArray[np.bool_] | None] = lambda _f, _flt: None
    row_tint: Callable[[LiveFrame, int], QBrush | None] | None = None
    muted: Callable[[LiveFrame, int], bool] | None = None
    refresh_all: bool = False


def risk_tint(ppm: int) -> QBrush | None:
    if ppm >= RISK_DANGER_PPM:
        return DANGER_TINT
    if ppm >= RISK_WARN_PPM:
        return WARNING_TINT
    return None


def ratio_from_ppm(ppm: Any) -> Any:
    """ppm → ratio (1.0 = 100 %) for display; the unbounded sentinel becomes inf."""
    values = np.asarray(ppm)
    ratio = values / 1_000_000
    return np.where(values >= RISK_RATIO_UNBOUNDED_PPM, np.inf, ratio)


# --------------------------------------------------------------------- the model
class SnapshotTableModel(QAbstractTableModel):
    """Rows of one snapshot table shown through ``LiveColumn`` specs (see module doc)."""

    def __init__(
        self,
        spec: LiveTableSpec,
        parent: QObject | None = None,
        *,
        max_ranges: int = DEFAULT_MAX_RANGES,
    ) -> None:
        super().__init__(parent)
        self._spec = spec
        self._columns = spec.columns
        self._max_ranges = max_ranges
        self._frame = LiveFrame.empty()
        self._table = spec.table(self._frame.snap)
        self._filter = LiveFilter()
        self._perm = np.empty(0, dtype=np.int64)  # all source rows, in sort order
        self._mask: npt.NDArray[np.bool_] | None = None  # None: every row passes
        self._order = np.empty(0, dtype=np.int64)  # view row → source row
        self._position: npt.NDArray[np.int64] | None = None  # source → view (lazy)
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._key_index: tuple[Any, dict[Hashable, int]] | None = None
        self.last_ranges: list[tuple[int, int]] = []
        """The ranges of the last ``apply_snapshot`` (for tests and benchmarks)."""

    # ----------------------------------------------------------------- Qt contract
    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.spec.alignment
        if role not in _SERVED:
            return None
        src = int(self._order[index.row()])
        frame = self._frame
        if role == _BACKGROUND:
            tint = self._spec.row_tint
            return tint(frame, src) if tint is not None else None
        if role == KEY_ROLE:
            return self._table.keys[src]
        value = column.get(frame, src)
        if isinstance(value, np.generic):
            value = value.item()
        if role == _DISPLAY:
            return column.spec.format(value)
        if role == _FOREGROUND:
            muted = self._spec.muted
            if muted is not None and muted(frame, src):
                return MUTED_BRUSH
            if column.brush is not None:
                return column.brush(value)
            return column.spec.foreground(value)
        return value

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        spec = self._columns[section].spec
        if role in (_DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return spec.title()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return spec.alignment
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
        sources = [(int(self._order[i.row()]), i.column()) for i in persistent]
        self._perm = self._sorted_perm()
        self._set_order()
        position = self._positions()
        self.changePersistentIndexList(
            persistent,
            [
                self.index(int(position[s]), c) if position[s] >= 0 else QModelIndex()
                for s, c in sources
            ],
        )
        self.layoutChanged.emit()

    # ----------------------------------------------------------------- snapshots
    @property
    def frame(self) -> LiveFrame:
        return self._frame

    @property
    def spec(self) -> LiveTableSpec:
        return self._spec

    @property
    def total_rows(self) -> int:
        return self._table.row_count

    def apply_snapshot(self, frame: LiveFrame) -> None:
        """Show ``frame``: repaint the rows it changed in a few ranges (see module doc)."""
        old_frame, old = self._frame, self._table
        table = self._spec.table(frame.snap)
        n_old, n_new = old.row_count, table.row_count
        same_rows = table.same_rows_as(old)
        appended = (
            not same_rows
            and n_new > n_old > 0
            and isinstance(table.keys, range)
            and isinstance(old.keys, range)
            and frame.snap.seq >= old_frame.snap.seq
        )
        newer = frame.snap.seq >= old_frame.snap.seq
        if not (same_rows or appended) or not newer or old_frame.static is not frame.static:
            self._reset_to(frame)
            return
        self._frame, self._table = frame, table
        if appended:
            self._perm = np.concatenate([self._perm, np.arange(n_old, n_new, dtype=np.int64)])
        if self._filter.is_dynamic or appended:
            mask = self._spec.mask(frame, self._filter)
            old_mask = self._mask
            if old_mask is not None and mask is not None:
                moved = not np.array_equal(mask[:n_old], old_mask)
            else:
                moved = (old_mask is None) != (mask is None)
            if moved:
                self._reset_to(frame)
                return
            self._mask = mask
        if appended:
            shown = len(self._order)
            self._set_order()
            if len(self._order) > shown:
                # beginInsertRows must precede the change; the rows come at the end, so
                # announcing them after _set_order is equivalent for every view row < shown.
                new_order = self._order
                self._order = new_order[:shown]
                self.beginInsertRows(_ROOT, shown, len(new_order) - 1)
                self._order = new_order
                self._position = None
                self.endInsertRows()
        self._emit_changed(table.rows_changed_since(old_frame.snap.seq))

    def set_filter(self, flt: LiveFilter) -> None:
        """Show only the rows passing ``flt`` (resets: the set of rows changes)."""
        if flt == self._filter:
            return
        self.beginResetModel()
        self._filter = flt
        self._mask = self._spec.mask(self._frame, flt)
        self._set_order()
        self.endResetModel()

    @property
    def filter(self) -> LiveFilter:
        return self._filter

    # ----------------------------------------------------------------- reading back
    def source_row(self, view_row: int) -> int:
        return int(self._order[view_row])

    def view_row(self, source_row: int) -> int:
        """View row of ``source_row``, −1 when it is filtered out."""
        position = self._positions()
        return int(position[source_row]) if 0 <= source_row < len(position) else -1

    def key_of(self, view_row: int) -> Hashable:
        key: Hashable = self._table.keys[self.source_row(view_row)]
        return key

    def view_row_of_key(self, key: Hashable) -> int:
        """View row showing the row with ``key``, −1 when absent or filtered out."""
        keys = self._table.keys
        if isinstance(keys, range):
            return self.view_row(key) if isinstance(key, int) and key in keys else -1
        cached = self._key_index
        if cached is None or cached[0] is not keys:
            cached = (keys, {k: i for i, k in enumerate(keys)})
            self._key_index = cached
        src = cached[1].get(key)
        return -1 if src is None else self.view_row(src)

    def raw_value(self, view_row: int, key: str) -> Any:
        column = self._columns[self.column_of(key)]
        value = column.get(self._frame, self.source_row(view_row))
        return value.item() if isinstance(value, np.generic) else value

    def column_of(self, key: str) -> int:
        for i, column in enumerate(self._columns):
            if column.key == key:
                return i
        raise ValueError(key)

    def retranslate(self) -> None:
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if len(self._order):
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._order) - 1, len(self._columns) - 1),
                [_DISPLAY],
            )

    # ----------------------------------------------------------------- internals
    def _reset_to(self, frame: LiveFrame) -> None:
        self.beginResetModel()
        self._frame = frame
        self._table = self._spec.table(frame.snap)
        self._perm = np.arange(self._table.row_count, dtype=np.int64)
        if self._sort is not None:
            self._perm = self._sorted_perm()
        self._mask = self._spec.mask(frame, self._filter)
        self._set_order()
        self.endResetModel()
        self.last_ranges = []

    def _set_order(self) -> None:
        mask = self._mask
        self._order = self._perm if mask is None else self._perm[mask[self._perm]]
        self._position = None

    def _positions(self) -> npt.NDArray[np.int64]:
        if self._position is None:
            self._position = inverse_permutation(self._order, self._table.row_count)
        return self._position

    def _emit_changed(self, changed_sources: npt.NDArray[np.intp]) -> None:
        n = len(self._order)
        right = len(self._columns) - 1
        if self._spec.refresh_all:
            self.last_ranges = [(0, n - 1)] if n else []
        elif len(changed_sources) == 0 or n == 0:
            self.last_ranges = []
            return
        elif len(changed_sources) >= n and self._mask is None:
            self.last_ranges = [(0, n - 1)]
        else:
            position = self._positions()
            self.last_ranges = row_ranges(position[changed_sources], self._max_ranges)
        for first, last in self.last_ranges:
            self.dataChanged.emit(self.index(first, 0), self.index(last, right), VALUE_ROLES)

    def _sorted_perm(self) -> npt.NDArray[np.int64]:
        """Stable order of all source rows; missing values last in both directions."""
        assert self._sort is not None
        column_no, order = self._sort
        column = self._columns[column_no]
        getter = column.sort_key or column.get
        n = self._table.row_count
        if n == 0:  # nothing to sort (an empty snapshot has no columns yet)
            return np.arange(0, dtype=np.int64)
        values = np.asarray(getter(self._frame, slice(None)))
        if len(values) != n:
            return np.arange(n, dtype=np.int64)
        if values.dtype.kind == "f":
            missing = np.isnan(values)
        elif values.dtype == object:
            missing = np.fromiter((is_missing(v) for v in values), dtype=bool, count=n)
            if column.spec.kind in (Kind.TEXT, Kind.CODE, Kind.ENUM):
                values = np.array(
                    [
                        "" if m else column.spec.format(v).lower()
                        for v, m in zip(values, missing, strict=True)
                    ],
                    dtype=object,
                )
        else:
            missing = np.zeros(n, dtype=bool)
        present = np.flatnonzero(~missing)
        sub = values[present]
        if order == Qt.SortOrder.AscendingOrder:
            ranks = np.argsort(sub, kind="stable")
        else:  # stable descending: ties keep their original order
            ranks = (len(sub) - 1 - np.argsort(sub[::-1], kind="stable"))[::-1]
        return np.concatenate([present[ranks], np.flatnonzero(missing)]).astype(np.int64)
