"""A table model over one table of a live ``RiskSnapshot``: numpy sort, batched repaint.

The Qt contract (headers, roles, sort with persistent indexes) is
``column_model.ColumnTableModel``'s; this module reads the snapshot's read-only
columnar arrays (STYLE B4):

* ``data()`` reads one cell through the column's getter (numpy scalar indexing) and
  formats it with ``desktop.models.columns.Column``; it never touches the DB or the feed.
* ``sort()`` orders all source rows with ``numpy.argsort`` on the raw column inside
  ``layoutAboutToBeChanged``/``layoutChanged``, moving persistent indexes, so the
  selection follows its rows. The permutation is kept across updates: rows do not jump
  under the user's cursor while values tick; clicking the header sorts again.
* ``apply_snapshot()`` emits ``dataChanged`` for at most 16 row ranges
  (``row_ranges``) computed from ``row_version``, with explicit roles; one range over
  every row when an eighth or more of the rows changed (``WIDE_CHANGE``). Appended
  position lines are inserted at the end (``beginInsertRows``). A reset happens only
  when the set of shown rows changes otherwise (a level filter whose membership moved,
  a new engine); ``SnapshotTableView`` keeps the selection and scroll by row key.

GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush

from core.live.snapshot import RiskSnapshot, Table
from desktop.models.column_model import (
    DISPLAY,
    FOREGROUND,
    RAW_ROLE,
    ROOT,
    TOOLTIP,
    ColumnTableModel,
    SortKeys,
)
from desktop.models.columns import MUTED_BRUSH, Column, Kind, is_missing
from desktop.models.row_ranges import DEFAULT_MAX_RANGES, inverse_permutation, row_ranges

Rows = int | slice | npt.NDArray[np.int64]
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
"""Role returning the row key (client code, line number, contract code)."""
VALUE_ROLES = [DISPLAY, FOREGROUND, _BACKGROUND, RAW_ROLE]
WIDE_CHANGE = 8
"""A batch changing at least 1/WIDE_CHANGE of a table's rows repaints it as one range."""


@dataclass(frozen=True)
class LiveFilter:
    """What the user asked to see; ``text`` matches client code or name (any case);
    ``min_level``: accounts at that risk level or worse (the snapshot's ``risk_level``
    codes, ``core.rules.risk_levels``), None for every level."""

    text: str = ""
    product: str | None = None
    min_level: int | None = None

    @property
    def is_dynamic(self) -> bool:
        """Membership depends on live values (recomputed on every update)."""
        return self.min_level is not None or self.product is not None


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
    instead of the client code string); ``brush`` overrides the column's foreground
    from the row (a last price coloured by its change on the prior settlement).
    """

    spec: Column
    get: Getter
    sort_key: Getter | None = None
    brush: Callable[[LiveFrame, int], QBrush | None] | None = None

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


# --------------------------------------------------------------------- the model
class SnapshotTableModel(ColumnTableModel):
    """Rows of one snapshot table shown through ``LiveColumn`` specs (see module doc)."""

    # Row tints and row keys (``_row_data``) besides the cell roles; no cell tooltips.
    _SERVED = frozenset({DISPLAY, FOREGROUND, TOOLTIP, _BACKGROUND, RAW_ROLE, KEY_ROLE})
    _RETRANSLATED: ClassVar[list[int]] = [DISPLAY]

    def __init__(
        self,
        spec: LiveTableSpec,
        parent: QObject | None = None,
        *,
        max_ranges: int = DEFAULT_MAX_RANGES,
    ) -> None:
        super().__init__([c.spec for c in spec.columns], parent)
        self._spec = spec
        self._live = spec.columns
        self._max_ranges = max_ranges
        self._frame = LiveFrame.empty()
        self._table = spec.table(self._frame.snap)
        self._filter = LiveFilter()
        self._key_index: tuple[Any, dict[Hashable, int]] | None = None
        self.last_ranges: list[tuple[int, int]] = []
        """The ranges of the last ``apply_snapshot`` (for tests and benchmarks)."""

    # ----------------------------------------------------------------- cells
    def _cell(self, source_row: int, column: int, raw: bool) -> Any:
        value = self._live[column].get(self._frame, source_row)
        return value.item() if isinstance(value, np.generic) else value

    def _row_data(self, source_row: int, role: int) -> Any:
        if role == KEY_ROLE:
            return self._table.keys[source_row]
        tint = self._spec.row_tint
        return tint(self._frame, source_row) if tint is not None else None

    def _foreground(self, source_row: int, column: int, value: Any) -> QBrush | None:
        muted = self._spec.muted
        if muted is not None and muted(self._frame, source_row):
            return MUTED_BRUSH
        live = self._live[column]
        if live.brush is not None:
            return live.brush(self._frame, source_row)
        return live.spec.foreground(value)

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
        if self._filter.is_dynamic or self._column_filters or appended:
            # Membership may follow live values: a level filter, a column range.
            old_mask = _both(self._mask, self._col_mask)
            mask, col_mask = self._spec.mask(frame, self._filter), self._column_mask()
            new_mask = _both(mask, col_mask)
            if old_mask is not None and new_mask is not None:
                moved = not np.array_equal(new_mask[:n_old], old_mask)
            else:
                moved = (old_mask is None) != (new_mask is None)
            if moved:
                self._reset_to(frame)
                return
            self._mask, self._col_mask = mask, col_mask
        if appended:
            shown = len(self._shown)
            self._set_shown()
            if len(self._shown) > shown:
                # beginInsertRows must precede the change; the rows come at the end, so
                # announcing them after _set_shown is equivalent for every view row < shown.
                new_shown = self._shown
                self._shown = new_shown[:shown]
                self.beginInsertRows(ROOT, shown, len(new_shown) - 1)
                self._shown = new_shown
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
        self._set_shown()
        self.endResetModel()

    @property
    def filter(self) -> LiveFilter:
        return self._filter

    # ----------------------------------------------------------------- reading back
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
        return self._cell(self.source_row(view_row), self.column_of(key), True)

    # ----------------------------------------------------------------- internals
    def _reset_to(self, frame: LiveFrame) -> None:
        self.beginResetModel()
        self._frame = frame
        self._table = self._spec.table(frame.snap)
        self._resort()
        self._mask = self._spec.mask(frame, self._filter)
        self._col_mask = self._column_mask()
        self._set_shown()
        self.endResetModel()
        self.last_ranges = []

    def _emit_changed(self, changed_sources: npt.NDArray[np.intp]) -> None:
        n = len(self._shown)
        right = len(self._columns) - 1
        if self._spec.refresh_all:
            self.last_ranges = [(0, n - 1)] if n else []
        elif len(changed_sources) == 0 or n == 0:
            self.last_ranges = []
            return
        elif len(changed_sources) * WIDE_CHANGE >= self.total_rows:
            # scattered over so many rows that nearly every visible row changed: one
            # range repaints the view once; mapping and merging them costs more (on
            # the large book's positions ~10 ms a batch)
            self.last_ranges = [(0, n - 1)]
        else:
            position = self._positions()
            self.last_ranges = row_ranges(position[changed_sources], self._max_ranges)
        for first, last in self.last_ranges:
            self.dataChanged.emit(self.index(first, 0), self.index(last, right), VALUE_ROLES)

    def _filter_array(self, column: int) -> npt.NDArray[Any] | None:
        n = self._table.row_count
        if n == 0:
            return None
        values = np.asarray(self._live[column].get(self._frame, slice(None)))
        return values if len(values) == n else None

    def _sort_values(self, column: int) -> SortKeys | None:
        live = self._live[column]
        getter = live.sort_key or live.get
        n = self._table.row_count
        if n == 0:  # nothing to sort (an empty snapshot has no columns yet)
            return None
        values = np.asarray(getter(self._frame, slice(None)))
        if len(values) != n:
            return None
        if values.dtype.kind == "f":
            missing = np.isnan(values)
        elif values.dtype == object:
            missing = np.fromiter((is_missing(v) for v in values), dtype=bool, count=n)
            if live.spec.kind in (Kind.TEXT, Kind.CODE, Kind.ENUM):
                values = np.array(
                    [
                        "" if m else live.spec.format(v).lower()
                        for v, m in zip(values, missing, strict=True)
                    ],
                    dtype=object,
                )
        else:
            missing = np.zeros(n, dtype=bool)
        return values, missing


def _both(
    a: npt.NDArray[np.bool_] | None, b: npt.NDArray[np.bool_] | None
) -> npt.NDArray[np.bool_] | None:
    """Rows passing both masks (None: no mask)."""
    if a is None:
        return b
    return a if b is None else a & b
