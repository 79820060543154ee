"""RiskSnapshot: an immutable view of the live risk state, safe to hand to any thread.

Every column is a read-only numpy array (``flags.writeable`` is False). A column
that did not change since the previous snapshot is the *same* array object, so making
a snapshot costs only the copies of the columns that changed (copy-on-write per
column). Each table carries ``row_version``: the engine's update sequence number at
which the row last changed, so the GUI finds the rows to repaint with
``rows_changed_since(previous.seq)`` and emits a few ``dataChanged`` ranges (B3/B4).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from core.rules.settlement import intraday_reserve_fen

Column = npt.NDArray[Any]


def frozen_copy(array: npt.ArrayLike) -> Column:
    """A read-only copy of ``array`` (the engine keeps writing into the original)."""
    a = np.array(array, copy=True)
    a.flags.writeable = False
    return a


@dataclass(frozen=True)
class Table:
    """Named read-only columns of equal length plus ``row_version``.

    ``keys`` identify the rows (client codes, contract codes or line numbers); two
    tables with the same ``keys`` object have the same rows in the same order. Position
    lines are keyed by ``range(n)``: lines are only ever appended, never reordered.
    """

    keys: Sequence[str] | range
    columns: Mapping[str, Column]
    row_version: npt.NDArray[np.int64]

    def __post_init__(self) -> None:
        n = len(self.keys)
        for name, col in self.columns.items():
            if col.flags.writeable or len(col) != n:
                raise ValueError(f"column {name!r} must be read-only with {n} rows")
        object.__setattr__(self, "columns", MappingProxyType(dict(self.columns)))

    def __getitem__(self, name: str) -> Column:
        return self.columns[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    @property
    def row_count(self) -> int:
        return len(self.keys)

    def value(self, name: str, row: int) -> Any:
        """One cell as a Python scalar (for a Qt ``data()`` call)."""
        return self.columns[name][row].item()

    def same_rows_as(self, other: Table) -> bool:
        return self.keys is other.keys or self.keys == other.keys

    def rows_changed_since(self, seq: int) -> npt.NDArray[np.intp]:
        """Row numbers whose values changed after update ``seq`` (sorted)."""
        return np.flatnonzero(self.row_version > seq)

    @classmethod
    def empty(cls, names: tuple[str, ...] = ()) -> Table:
        none = frozen_copy(np.zeros(0, dtype=np.int64))
        return cls(keys=range(0), columns=dict.fromkeys(names, none), row_version=none)


@dataclass(frozen=True, slots=True)
class MemberFigures:
    """The member's intraday reserve at the exchange (spec 2.c, member formula), fen.

    reserve_intraday = R(prev) + deposits − withdrawals + close_pnl − fees
                       − (margin_intraday − M(prev)) + (offset_intraday − O(prev)),
    computed by ``core.rules.settlement.intraday_reserve_fen`` (the reserve identity of
    the daily settlement, with the intraday margin and offset).
    """

    prior_reserve_fen: int = 0
    prior_margin_fen: int = 0
    prior_offset_fen: int = 0
    deposits_fen: int = 0
    withdrawals_fen: int = 0
    close_pnl_fen: int = 0
    fees_fen: int = 0
    margin_intraday_fen: int = 0
    offset_intraday_fen: int = 0

    @property
    def reserve_intraday_fen(self) -> int:
        return intraday_reserve_fen(
            prior_reserve_fen=self.prior_reserve_fen,
            prior_margin_fen=self.prior_margin_fen,
            prior_offset_fen=self.prior_offset_fen,
            deposits_fen=self.deposits_fen,
            withdrawals_fen=self.withdrawals_fen,
            close_pnl_fen=self.close_pnl_fen,
            fees_fen=self.fees_fen,
            margin_fen=self.margin_intraday_fen,
            offset_fen=self.offset_intraday_fen,
        )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RiskSnapshot:
    """Immutable live risk state after update ``seq``, taken at ``as_of``.

    ``accounts`` (one row per client), ``positions`` (one row per position line) and
    ``contracts`` (one row per contract); column names are listed in
    ``core.live.engine`` (``ACCOUNT_COLUMNS`` …) and in docs/live-monitor.md.
    """

    seq: int
    as_of: datetime
    trading_day: date | None
    accounts: Table
    positions: Table
    contracts: Table
    member: MemberFigures = field(default_factory=MemberFigures)
    feed_last_event_at: datetime | None = None
    is_feed_stale: bool = True
    rejected_events: int = 0
    out_of_order_ticks: int = 0

    @classmethod
    def empty(cls) -> RiskSnapshot:
        return cls(
            seq=0,
            as_of=_EPOCH,
            trading_day=None,
            accounts=Table.empty(),
            positions=Table.empty(),
            contracts=Table.empty(),
        )

    @property
    def row_count(self) -> int:
        """Number of accounts (the main monitor table)."""
        return self.accounts.row_count

    def price_age_seconds(self, now: datetime) -> npt.NDArray[np.float64]:
        """Age in seconds of every contract's last price at ``now``."""
        updated = self.contracts["price_updated_at"]
        return np.asarray(now.timestamp() - updated, dtype=np.float64)
