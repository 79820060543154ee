"""LiveRiskEngine: incremental intraday risk over int64 fen arrays (STYLE B3).

The engine is synchronous and single-threaded: the feed runner's thread calls
``apply`` and hands the returned immutable ``RiskSnapshot`` to the GUI through the
mailbox. Nothing in here starts a thread or touches Qt.

Rules (spec ../shared/spec/dce-rules.md):

* 2.a: margin is charged at the PRIOR-DAY settlement price S(D−1), never at a trade or
  last price. Historic lots of a line carry ``half_up(S × mult × lots × rate)``; every
  open adds its own line item ``half_up(S × mult × lots × rate)``; a close releases what
  the closed lots carried, historic lots first, then today's opens FIFO (spec 2.0 close
  order). After a partial close the remaining lots of a bucket carry their own
  re-rounded margin, so a fully closed line carries exactly zero.
* 2.c: equity_cash = prior balance + deposits − withdrawals + close P&L − fees;
  dynamic equity = equity_cash + floating P&L; available = equity_cash − (margin −
  offset used) [− floating loss, firm option]; member reserve by the member formula.
* Floating P&L of a line = sign × mult × (last × lots − cost), with
  cost = S(D−1) × historic lots + Σ open price × lots of today's remaining opens, i.e.
  historic lots against the prior settlement and today's lots against their open price.
* 2.g: distance to the client speculative limit for non-hedge lines (hedge lines are
  exempt); no limit data → −1.

``core/rules/funds.py`` was not available when this was written; the few formulas above
are implemented here, vectorised, and documented with their spec section.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from core.db.tables import (
    Client,
    ClientBalance,
    Contract,
    FundMovement,
    MarginAdjustment,
    Product,
    ReserveHistory,
    SettlementPrice,
    Trade,
)
from core.errors import InputError
from core.live.feed import (
    DCE_TZ,
    Clock,
    ContractDay,
    FeedEvent,
    PriceTick,
    SystemClock,
    TradeEvent,
    limit_prices,
)
from core.live.snapshot import Column, MemberFigures, RiskSnapshot, Table, frozen_copy
from core.rules.firm import firm_margin_addon_ppm
from core.trading_calendar import TradingCalendar, default_calendar

log = logging.getLogger(__name__)

I64 = npt.NDArray[np.int64]
PPM = 1_000_000
RISK_RATIO_UNBOUNDED_PPM = 10**12
"""Risk ratio shown when dynamic equity is ≤ 0 while margin is held ("infinite")."""

RiskRatioDefinition = Literal["margin_over_equity", "one_minus_available_over_equity"]

ACCOUNT_COLUMNS = (
    "equity_cash_fen",  # prior balance + transfers + close P&L − fees (2.c)
    "floating_pnl_fen",  # Σ line floating P&L
    "dynamic_equity_fen",  # equity_cash + floating
    "margin_fen",  # intraday margin at S(D−1) (2.a)
    "offset_used_fen",  # min(pledge quota, margin)
    "available_fen",  # 2.c, with the firm floating-loss option
    "risk_ratio_ppm",  # floor(numerator × 1e6 / dynamic equity), see settings
)
POSITION_COLUMNS = (
    "account_index",
    "contract_index",
    "side",  # +1 long, −1 short
    "hedge",
    "lots",
    "historic_lots",
    "today_lots",
    "floating_pnl_fen",
    "margin_fen",
    "limit_lots",  # client speculative limit, −1 none/hedge (2.g)
    "limit_distance_lots",  # limit − lots, −1 when no limit applies
)
CONTRACT_COLUMNS = (
    "last_price_fen",
    "prior_settlement_fen",
    "upper_limit_fen",
    "lower_limit_fen",
    "to_upper_fen",  # upper limit − last
    "to_lower_fen",  # last − lower limit
    "limit_lock",  # +1 at the upper limit, −1 at the lower limit, 0 otherwise
    "has_tick",  # False while the last price is still the prior settlement
    "price_updated_at",  # epoch seconds (engine clock) of the last price
    "is_stale",  # price older than ``stale_after_s`` at the snapshot time
)


@dataclass(frozen=True)
class LiveSettings:
    """Firm settings of the live monitor (spec 2.c, Q9; docs/live-monitor.md)."""

    risk_ratio: RiskRatioDefinition = "margin_over_equity"
    deduct_floating_losses: bool = False
    stale_after_s: float = 30.0
    feed_stale_after_s: float = 10.0
    firm_margin_addon_ppm: int = field(default_factory=firm_margin_addon_ppm)

    def __post_init__(self) -> None:
        if self.risk_ratio not in (
            "margin_over_equity",
            "one_minus_available_over_equity",
        ):
            raise ValueError(f"unknown risk ratio definition {self.risk_ratio!r}")
        if self.stale_after_s <= 0 or self.feed_stale_after_s <= 0:
            raise ValueError("stale times must be positive")


@dataclass(frozen=True)
class DayInputs:
    """Everything needed to start a live day (what ``load_day_inputs`` reads)."""

    trading_day: date
    contracts: tuple[ContractDay, ...]
    accounts: pd.DataFrame  # client_code, equity_cash_fen[, offset_fen]
    positions: pd.DataFrame  # client_code, contract_code, side, hedge, lots, today_lots…
    member: MemberFigures = field(default_factory=MemberFigures)
    trades: tuple[TradeEvent, ...] = ()  # today's fills so far, in time order


# --------------------------------------------------------------------- pure formulas
def margin_fen(value_fen_lots: int, rate_ppm: int) -> int:
    """half_up(value × rate / 1e6) for a non-negative value (spec 2.a line item)."""
    return (value_fen_lots * rate_ppm * 2 + PPM) // (2 * PPM)


def margin_fen_array(value: I64, rate_ppm: I64) -> I64:
    """Vectorised ``margin_fen``; split so that value × rate never overflows int64."""
    q, r = np.divmod(value, PPM)
    # 0 <= r < PPM, so r × rate ≥ 0 and half up is one floor division (as margin_fen).
    return (q * rate_ppm + (2 * r * rate_ppm + PPM) // (2 * PPM)).astype(np.int64)


def risk_ratio_ppm(numerator: I64, equity: I64) -> I64:
    """floor(numerator × 1e6 / equity); RISK_RATIO_UNBOUNDED_PPM if equity ≤ 0 < num."""
    pos = equity > 0
    safe = np.where(pos, equity, 1)
    q, r = np.divmod(numerator, safe)
    ratio = q * PPM + (r * PPM) // safe
    return np.where(pos, ratio, np.where(numerator > 0, RISK_RATIO_UNBOUNDED_PPM, 0)).astype(
        np.int64
    )


def _grow(a: npt.NDArray[Any], capacity: int) -> npt.NDArray[Any]:
    out = np.zeros(capacity, dtype=a.dtype)
    out[: len(a)] = a
    return out


def _column(frame: pd.DataFrame | Mapping[str, Any], name: str, default: Any = None) -> Any:
    if name in frame:
        return np.asarray(frame[name])
    if default is None:
        raise InputError("missing column", source="live state", field=name)
    return default


def _labels(frame: pd.DataFrame | Mapping[str, Any], name: str) -> Any:
    """A code column as given when it is categorical (``Index.get_indexer`` and ``map``
    then work per category, not per line), else as a numpy array."""
    column = frame.get(name)
    if isinstance(column, pd.Series) and isinstance(column.dtype, pd.CategoricalDtype):
        return column
    return _column(frame, name)


# --------------------------------------------------------------------- the engine
class LiveRiskEngine:
    """Intraday risk state of one trading day, updated incrementally by ``apply``.

    Not thread-safe: one thread (the feed runner's) calls ``update``/``apply``/
    ``snapshot``; the snapshots it returns may be read from any thread.
    """

    _LINE_ARRAYS = (
        "_acct",
        "_contract",
        "_side",
        "_hedge",
        "_smult",
        "_rate",
        "_exch_rate",
        "_hist",
        "_today",
        "_lots",
        "_cost",
        "_float",
        "_margin",
        "_exch_margin",
        "_limit",
        "_limit_dist",
        "_line_version",
    )

    def __init__(
        self,
        *,
        trading_day: date,
        contracts: Sequence[ContractDay],
        account_codes: Sequence[str],
        equity_cash_fen: npt.ArrayLike,
        offset_fen: npt.ArrayLike | None,
        line_account: npt.ArrayLike,
        line_contract: npt.ArrayLike,
        line_side: npt.ArrayLike,
        line_hedge: npt.ArrayLike,
        line_lots: npt.ArrayLike,
        line_today_lots: npt.ArrayLike | None = None,
        line_today_open_price_fen: npt.ArrayLike | None = None,
        member: MemberFigures | None = None,
        settings: LiveSettings | None = None,
        clock: Clock | None = None,
    ) -> None:
        """Build from plain arrays (indices into ``account_codes`` and ``contracts``).

        ``line_lots`` are the line's open lots, of which ``line_today_lots`` were opened
        today at the average ``line_today_open_price_fen`` (both default to 0). Raises
        InputError on inconsistent arrays. Prefer ``from_frames`` or ``from_inputs``.
        """
        self.settings = settings or LiveSettings()
        self.clock: Clock = clock or SystemClock()
        self.trading_day = trading_day
        self._contracts = tuple(contracts)
        self._contract_index = {c.code: i for i, c in enumerate(self._contracts)}
        self._account_codes = tuple(account_codes)
        self._account_index = {code: i for i, code in enumerate(self._account_codes)}
        if len(self._account_index) != len(self._account_codes):
            raise InputError("duplicate client codes", source="live state", field="client_code")
        n_acc, n_con = len(self._account_codes), len(self._contracts)
        started = self.clock.now().timestamp()

        # ----- contracts
        def cint(attr: str) -> I64:
            return np.array([getattr(c, attr) for c in self._contracts], dtype=np.int64)

        self._prior = cint("prior_settlement_fen")
        self._upper = cint("upper_limit_fen")
        self._lower = cint("lower_limit_fen")
        self._mult = cint("multiplier")
        self._c_limit = np.array(
            [-1 if c.position_limit_lots is None else c.position_limit_lots for c in contracts],
            dtype=np.int64,
        )
        self._last = self._prior.copy()
        self._has_tick = np.zeros(n_con, dtype=bool)
        self._price_at = np.full(n_con, started, dtype=np.float64)
        self._stale = np.zeros(n_con, dtype=bool)
        self._lock = np.zeros(n_con, dtype=np.int8)
        self._to_upper = self._upper - self._last
        self._to_lower = self._last - self._lower
        self._contract_version = np.zeros(n_con, dtype=np.int64)

        # ----- lines
        acct = np.asarray(line_account, dtype=np.int64)
        con = np.asarray(line_contract, dtype=np.int64)
        n = len(acct)
        side = np.asarray(line_side, dtype=np.int8)
        hedge = np.asarray(line_hedge, dtype=bool)
        lots = np.asarray(line_lots, dtype=np.int64)
        today = (
            np.zeros(n, dtype=np.int64)
            if line_today_lots is None
            else np.asarray(line_today_lots, dtype=np.int64)
        )
        open_px = (
            np.zeros(n, dtype=np.int64)
            if line_today_open_price_fen is None
            else np.asarray(line_today_open_price_fen, dtype=np.int64)
        )
        for name, arr in (
            ("contract", con),
            ("side", side),
            ("hedge", hedge),
            ("lots", lots),
            ("today_lots", today),
            ("open_price", open_px),
        ):
            if len(arr) != n:
                raise InputError(
                    f"{len(arr)} values for {n} lines", source="live state", field=name
                )
        if n and (acct.min() < 0 or acct.max() >= n_acc or con.min() < 0 or con.max() >= n_con):
            raise InputError("line refers to an unknown account or contract", source="live state")
        if not np.isin(side, (-1, 1)).all():
            raise InputError("side must be long or short", source="live state", field="side")
        if (lots < 0).any() or (today < 0).any() or (today > lots).any():
            raise InputError("need 0 ≤ today_lots ≤ lots", source="live state", field="lots")
        keys = self._line_key(acct, con, side, hedge)
        order = np.argsort(keys, kind="stable")
        if n and (np.diff(keys[order]) == 0).any():
            raise InputError("duplicate position line", source="live state")
        self._key_sorted, self._key_order = keys[order], order
        self._extra_lines: dict[int, int] = {}  # key → line, for lines opened intraday

        cap = n + max(1024, n // 16)
        self._n = n
        self._acct = _grow(acct, cap)
        self._contract = _grow(con, cap)
        self._side = _grow(side, cap)
        self._hedge = _grow(hedge, cap)
        self._smult = _grow(side.astype(np.int64) * self._mult[con], cap)
        addon = self.settings.firm_margin_addon_ppm
        spec_r, hedge_r = cint("spec_margin_ppm"), cint("hedge_margin_ppm")
        exch = np.where(hedge, hedge_r[con], spec_r[con]).astype(np.int64)
        self._exch_rate = _grow(exch, cap)
        self._rate = _grow(exch + addon, cap)
        hist = lots - today
        self._hist = _grow(hist, cap)
        self._today = _grow(today, cap)
        self._lots = _grow(lots, cap)
        prior = self._prior[con]
        self._cost = _grow(prior * hist + open_px * today, cap)
        self._float = _grow(np.zeros(n, dtype=np.int64), cap)
        value_h, value_t = (
            prior * self._mult[con] * hist,
            prior * self._mult[con] * today,
        )
        m = margin_fen_array(value_h, self._rate[:n]) + margin_fen_array(value_t, self._rate[:n])
        em = margin_fen_array(value_h, exch) + margin_fen_array(value_t, exch)
        self._margin = _grow(m, cap)
        self._exch_margin = _grow(em, cap)
        self._limit = _grow(np.zeros(n, dtype=np.int64), cap)
        self._limit_dist = _grow(np.zeros(n, dtype=np.int64), cap)
        self._line_version = _grow(np.zeros(n, dtype=np.int64), cap)
        self._refresh_limits(np.arange(n))
        # Today's opens per line, FIFO: [lots, open price, margin, exchange margin].
        self._buckets: dict[int, list[list[int]]] = {}
        for i in np.flatnonzero(today).tolist():
            self._buckets[i] = [
                [
                    int(today[i]),
                    int(open_px[i]),
                    int(margin_fen_array(value_t[i : i + 1], self._rate[i : i + 1])[0]),
                    int(margin_fen_array(value_t[i : i + 1], exch[i : i + 1])[0]),
                ]
            ]
        # Precomputed per-contract line indices: a tick only touches its own lines.
        by_contract = np.argsort(con, kind="stable")
        bounds = np.searchsorted(con[by_contract], np.arange(n_con + 1))
        self._lines_of: list[npt.NDArray[np.intp]] = [
            by_contract[bounds[c] : bounds[c + 1]].astype(np.intp) for c in range(n_con)
        ]

        # ----- accounts
        self._eq_cash = np.asarray(equity_cash_fen, dtype=np.int64).copy()
        self._offset = (
            np.zeros(n_acc, dtype=np.int64)
            if offset_fen is None
            else np.asarray(offset_fen, dtype=np.int64).copy()
        )
        if len(self._eq_cash) != n_acc or len(self._offset) != n_acc:
            raise InputError("one equity and offset per account", source="live state")
        self._acc_float = np.zeros(n_acc, dtype=np.int64)
        self._acc_margin = np.zeros(n_acc, dtype=np.int64)
        np.add.at(self._acc_margin, acct, m)
        self._offset_used = np.zeros(n_acc, dtype=np.int64)
        self._dyn = np.zeros(n_acc, dtype=np.int64)
        self._avail = np.zeros(n_acc, dtype=np.int64)
        self._ratio = np.zeros(n_acc, dtype=np.int64)
        self._acc_version = np.zeros(n_acc, dtype=np.int64)
        self._derive_accounts(slice(None))

        # ----- member (2.c member formula): exchange-rate margins, trade fees as fees
        hist_em = margin_fen_array(value_h, exch)
        self._member_base = member or MemberFigures()
        if not self._member_base.prior_margin_fen:
            self._member_base = replace(self._member_base, prior_margin_fen=int(hist_em.sum()))
        if not self._member_base.offset_intraday_fen:  # receipts lodged today count later (Q8)
            self._member_base = replace(
                self._member_base,
                offset_intraday_fen=self._member_base.prior_offset_fen,
            )
        self._member_margin = int(em.sum())
        self._member_close_pnl = 0
        self._member_fees = 0

        # ----- bookkeeping
        self._seq = 0
        self._rejected = 0
        self._changed_lines: list[npt.NDArray[np.intp]] = []
        self._changed_accounts: list[npt.NDArray[np.intp]] = []
        self._last_event_at: datetime | None = None
        self._published: dict[str, dict[str, Column]] = {"a": {}, "p": {}, "c": {}}
        self._dirty: dict[str, set[str]] = {
            "a": {*ACCOUNT_COLUMNS, "row_version"},
            "p": {*POSITION_COLUMNS, "row_version"},
            "c": {*CONTRACT_COLUMNS, "row_version"},
        }
        self._position_keys: range = range(n)
        self._last_snapshot = RiskSnapshot.empty()

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_frames(
        cls,
        trading_day: date,
        contracts: Sequence[ContractDay],
        accounts: pd.DataFrame | Mapping[str, Any],
        positions: pd.DataFrame | Mapping[str, Any],
        *,
        member: MemberFigures | None = None,
        settings: LiveSettings | None = None,
        clock: Clock | None = None,
    ) -> LiveRiskEngine:
        """Build from DataFrames (or dicts of arrays).

        ``accounts``: ``client_code``, ``equity_cash_fen``, optional ``offset_fen``.
        ``positions``: ``client_code`` (or ``account_index``), ``contract_code`` (or
        ``contract_index``), ``side`` ("long"/"short" or ±1), ``hedge``, ``lots``,
        optional ``today_lots`` and ``open_price_fen`` (average of today's opens).
        """
        codes = [str(c) for c in _column(accounts, "client_code")]
        if "account_index" in positions:
            acct = _column(positions, "account_index")
        else:
            acct = pd.Index(codes).get_indexer(_labels(positions, "client_code"))
            if (acct < 0).any():
                raise InputError("position of an unknown client", field="client_code")
        if "contract_index" in positions:
            con = _column(positions, "contract_index")
        else:
            con = pd.Index([c.code for c in contracts]).get_indexer(
                _labels(positions, "contract_code")
            )
            if (con < 0).any():
                raise InputError("position in an unknown contract", field="contract_code")
        side = _labels(positions, "side")
        if isinstance(side, pd.Series):
            side = np.asarray(side.map({"long": 1, "short": -1}).astype(np.int64))
        if side.dtype.kind in "OUS":
            side = np.where(side == "long", 1, np.where(side == "short", -1, 0))
        n = len(acct)
        return cls(
            trading_day=trading_day,
            contracts=contracts,
            account_codes=codes,
            equity_cash_fen=_column(accounts, "equity_cash_fen"),
            offset_fen=_column(accounts, "offset_fen", np.zeros(len(codes), np.int64)),
            line_account=acct,
            line_contract=con,
            line_side=side,
            line_hedge=_column(positions, "hedge", np.zeros(n, bool)),
            line_lots=_column(positions, "lots"),
            line_today_lots=_column(positions, "today_lots", np.zeros(n, np.int64)),
            line_today_open_price_fen=_column(positions, "open_price_fen", np.zeros(n, np.int64)),
            member=member,
            settings=settings,
            clock=clock,
        )

    @classmethod
    def from_inputs(
        cls,
        inputs: DayInputs,
        *,
        settings: LiveSettings | None = None,
        clock: Clock | None = None,
    ) -> LiveRiskEngine:
        """Build from ``load_day_inputs`` and replay today's fills so far."""
        engine = cls.from_frames(
            inputs.trading_day,
            inputs.contracts,
            inputs.accounts,
            inputs.positions,
            member=inputs.member,
            settings=settings,
            clock=clock,
        )
        if inputs.trades:
            engine.update(inputs.trades)
        return engine

    # ----------------------------------------------------------------- public API
    @property
    def contracts(self) -> tuple[ContractDay, ...]:
        return self._contracts

    @property
    def account_codes(self) -> tuple[str, ...]:
        return self._account_codes

    @property
    def line_count(self) -> int:
        return self._n

    @property
    def rejected_events(self) -> int:
        """Events refused by the engine (unknown codes, bad prices, over-closing)."""
        return self._rejected

    def contract_map(self) -> dict[str, ContractDay]:
        return dict(zip(self._contract_index, self._contracts, strict=True))

    def apply(self, events: Iterable[FeedEvent]) -> RiskSnapshot:
        """Apply a batch of ticks and trades and return the new snapshot."""
        self.update(events)
        return self.snapshot()

    def update(self, events: Iterable[FeedEvent]) -> None:
        """Apply a batch without building a snapshot (latest tick per contract wins).

        Trades are applied in order; ticks are validated, then only the last good price
        of each contract in the batch is applied (floating P&L depends on the final
        price only). Bad events are logged, counted and skipped.
        """
        ticks: dict[int, int] = {}
        self._changed_lines = []
        self._changed_accounts = []
        trade_lines: list[int] = []
        trade_accounts: list[int] = []
        any_event = False
        for ev in events:
            any_event = True
            if isinstance(ev, PriceTick):
                c = self._contract_index.get(ev.contract)
                if c is None or self._contracts[c].check_price(ev.price_fen) is not None:
                    self._reject(ev, "unknown contract or price outside the limits")
                    continue
                ticks[c] = ev.price_fen
            else:
                hit = self._apply_trade(ev)
                if hit is not None:
                    trade_lines.append(hit[0])
                    trade_accounts.append(hit[1])
        if not any_event:
            return
        self._seq += 1
        now = self.clock.now()
        self._last_event_at = now
        if trade_lines:
            self._changed_lines.append(np.array(trade_lines, dtype=np.intp))
            self._changed_accounts.append(np.array(trade_accounts, dtype=np.intp))
            self._dirty["a"].update(ACCOUNT_COLUMNS)
            self._dirty["p"].update(POSITION_COLUMNS)
        if ticks:
            self._apply_ticks(ticks, now.timestamp())
        if self._changed_accounts:
            accts = np.concatenate(self._changed_accounts)
            self._derive_accounts(slice(None) if len(accts) * 8 > len(self._eq_cash) else accts)
            self._acc_version[accts] = self._seq
            self._dirty["a"].add("row_version")
        if self._changed_lines:
            self._line_version[np.concatenate(self._changed_lines)] = self._seq
            self._dirty["p"].add("row_version")

    def snapshot(self) -> RiskSnapshot:
        """An immutable snapshot; unchanged columns are shared with the previous one."""
        now = self.clock.now()
        self._refresh_staleness(now.timestamp())
        n = self._n
        if self._position_keys.stop != n:
            self._position_keys = range(n)
        work_a = {
            "equity_cash_fen": self._eq_cash,
            "floating_pnl_fen": self._acc_float,
            "dynamic_equity_fen": self._dyn,
            "margin_fen": self._acc_margin,
            "offset_used_fen": self._offset_used,
            "available_fen": self._avail,
            "risk_ratio_ppm": self._ratio,
            "row_version": self._acc_version,
        }
        work_p = {
            "account_index": self._acct[:n],
            "contract_index": self._contract[:n],
            "side": self._side[:n],
            "hedge": self._hedge[:n],
            "lots": self._lots[:n],
            "historic_lots": self._hist[:n],
            "today_lots": self._today[:n],
            "floating_pnl_fen": self._float[:n],
            "margin_fen": self._margin[:n],
            "limit_lots": self._limit[:n],
            "limit_distance_lots": self._limit_dist[:n],
            "row_version": self._line_version[:n],
        }
        work_c = {
            "last_price_fen": self._last,
            "prior_settlement_fen": self._prior,
            "upper_limit_fen": self._upper,
            "lower_limit_fen": self._lower,
            "to_upper_fen": self._to_upper,
            "to_lower_fen": self._to_lower,
            "limit_lock": self._lock,
            "has_tick": self._has_tick,
            "price_updated_at": self._price_at,
            "is_stale": self._stale,
            "row_version": self._contract_version,
        }
        tables = {}
        for tag, work in (("a", work_a), ("p", work_p), ("c", work_c)):
            pub = self._published[tag]
            for name in self._dirty[tag]:
                pub[name] = frozen_copy(work[name])
            self._dirty[tag].clear()
            tables[tag] = {k: v for k, v in pub.items() if k != "row_version"}
        last = self._last_event_at
        feed_stale = last is None or (now - last).total_seconds() > self.settings.feed_stale_after_s
        base = self._member_base
        snap = RiskSnapshot(
            seq=self._seq,
            as_of=now,
            trading_day=self.trading_day,
            accounts=Table(self._account_codes, tables["a"], self._published["a"]["row_version"]),
            positions=Table(self._position_keys, tables["p"], self._published["p"]["row_version"]),
            contracts=Table(
                tuple(self._contract_index),
                tables["c"],
                self._published["c"]["row_version"],
            ),
            member=replace(
                base,
                close_pnl_fen=base.close_pnl_fen + self._member_close_pnl,
                fees_fen=base.fees_fen + self._member_fees,
                margin_intraday_fen=self._member_margin,
            ),
            feed_last_event_at=last,
            is_feed_stale=feed_stale,
            rejected_events=self._rejected,
        )
        self._last_snapshot = snap
        return snap

    # ----------------------------------------------------------------- internals
    def _line_key(self, acct: Any, con: Any, side: Any, hedge: Any) -> Any:
        n_con = max(len(self._contracts), 1)
        return ((np.asarray(acct, np.int64) * n_con + con) * 2 + (np.asarray(side) > 0)) * 2 + (
            np.asarray(hedge, np.int64)
        )

    def _find_line(self, a: int, c: int, side: int, hedge: bool) -> int | None:
        key = int(self._line_key(a, c, side, int(hedge)))
        i = int(np.searchsorted(self._key_sorted, key))
        if i < len(self._key_sorted) and int(self._key_sorted[i]) == key:
            return int(self._key_order[i])
        return self._extra_lines.get(key)

    def _new_line(self, a: int, c: int, side: int, hedge: bool) -> int:
        i = self._n
        if i == len(self._acct):
            cap = 2 * len(self._acct)
            for name in self._LINE_ARRAYS:
                setattr(self, name, _grow(getattr(self, name), cap))
        cd = self._contracts[c]
        exch = cd.hedge_margin_ppm if hedge else cd.spec_margin_ppm
        self._acct[i], self._contract[i], self._side[i], self._hedge[i] = (
            a,
            c,
            side,
            hedge,
        )
        self._smult[i] = side * cd.multiplier
        self._exch_rate[i] = exch
        self._rate[i] = exch + self.settings.firm_margin_addon_ppm
        for name in (
            "_hist",
            "_today",
            "_lots",
            "_cost",
            "_float",
            "_margin",
            "_exch_margin",
        ):
            getattr(self, name)[i] = 0
        self._n = i + 1
        self._extra_lines[int(self._line_key(a, c, side, int(hedge)))] = i
        self._lines_of[c] = np.append(self._lines_of[c], np.intp(i))
        self._refresh_limits(np.array([i]))
        return i

    def _reject(self, ev: FeedEvent, why: str) -> None:
        self._rejected += 1
        log.warning("live engine: skipped %r: %s", ev, why)

    def _apply_trade(self, t: TradeEvent) -> tuple[int, int] | None:
        """Apply one fill with exact Python ints; (line, account) or None if refused."""
        c = self._contract_index.get(t.contract)
        a = self._account_index.get(t.client_code)
        if c is None or a is None:
            self._reject(t, "unknown contract or client")
            return None
        cd = self._contracts[c]
        if t.side not in ("long", "short") or t.action not in ("open", "close") or t.lots <= 0:
            self._reject(t, "bad side, action or lots")
            return None
        if cd.check_price(t.price_fen) is not None:
            self._reject(t, "price outside the day's limits or off tick")
            return None
        sign = 1 if t.side == "long" else -1
        line = self._find_line(a, c, sign, t.hedge)
        if line is None:
            if t.action == "close":
                self._reject(t, "close without a position")
                return None
            line = self._new_line(a, c, sign, t.hedge)
        s, mult = cd.prior_settlement_fen, cd.multiplier
        rate, erate = int(self._rate[line]), int(self._exch_rate[line])
        hist, today, cost = (
            int(self._hist[line]),
            int(self._today[line]),
            int(self._cost[line]),
        )
        lots, price = t.lots, t.price_fen
        close_pnl = dm = dem = 0
        if t.action == "open":
            m, em = (
                margin_fen(s * mult * lots, rate),
                margin_fen(s * mult * lots, erate),
            )
            self._buckets.setdefault(line, []).append([lots, price, m, em])
            today += lots
            cost += price * lots
            dm, dem = m, em
        else:
            if lots > hist + today:
                self._reject(t, f"closes {lots} lots of {hist + today} held")
                return None
            k = min(lots, hist)  # spec 2.0: historic lots first
            if k:
                close_pnl += sign * (price - s) * mult * k
                dm -= margin_fen(s * mult * hist, rate) - margin_fen(s * mult * (hist - k), rate)
                dem -= margin_fen(s * mult * hist, erate) - margin_fen(s * mult * (hist - k), erate)
                hist -= k
                cost -= s * k
            rem = lots - k
            queue = self._buckets.get(line, [])
            while rem:
                b = queue[0]
                take = min(rem, b[0])
                left = b[0] - take
                nm, nem = (
                    margin_fen(s * mult * left, rate),
                    margin_fen(s * mult * left, erate),
                )
                close_pnl += sign * (price - b[1]) * mult * take
                dm -= b[2] - nm
                dem -= b[3] - nem
                cost -= b[1] * take
                today -= take
                rem -= take
                if left:
                    b[0], b[2], b[3] = left, nm, nem
                else:
                    queue.pop(0)
        self._hist[line], self._today[line], self._lots[line] = (
            hist,
            today,
            hist + today,
        )
        self._cost[line] = cost
        self._margin[line] += dm
        self._exch_margin[line] += dem
        new_float = sign * mult * (int(self._last[c]) * (hist + today) - cost)
        d_float = new_float - int(self._float[line])
        self._float[line] = new_float
        self._eq_cash[a] += close_pnl - t.fee_fen
        self._acc_margin[a] += dm
        self._acc_float[a] += d_float
        self._member_margin += dem
        self._member_close_pnl += close_pnl
        self._member_fees += t.fee_fen
        self._refresh_limits(np.array([line]))
        return line, a

    def _apply_ticks(self, ticks: dict[int, int], now_ts: float) -> None:
        cidx = np.fromiter(ticks, dtype=np.intp, count=len(ticks))
        prices = np.fromiter(ticks.values(), dtype=np.int64, count=len(ticks))
        self._last[cidx] = prices
        self._has_tick[cidx] = True
        self._price_at[cidx] = now_ts
        self._to_upper[cidx] = self._upper[cidx] - prices
        self._to_lower[cidx] = prices - self._lower[cidx]
        self._lock[cidx] = np.where(prices >= self._upper[cidx], 1, 0) - np.where(
            prices <= self._lower[cidx], 1, 0
        )
        self._contract_version[cidx] = self._seq
        self._dirty["c"].update(
            (
                "last_price_fen",
                "to_upper_fen",
                "to_lower_fen",
                "limit_lock",
                "has_tick",
                "price_updated_at",
                "row_version",
            )
        )
        touched = False
        for c, p in ticks.items():
            idx = self._lines_of[c]
            if not len(idx):
                continue
            new = self._smult[idx] * (p * self._lots[idx] - self._cost[idx])
            delta = new - self._float[idx]
            moved = delta != 0
            if not moved.any():
                continue
            touched = True
            self._float[idx] = new
            accts = self._acct[idx]
            np.add.at(self._acc_float, accts, delta)
            self._changed_lines.append(idx[moved])
            self._changed_accounts.append(accts[moved])
        if touched:
            self._dirty["p"].add("floating_pnl_fen")
            self._dirty["a"].update(
                (
                    "floating_pnl_fen",
                    "dynamic_equity_fen",
                    "available_fen",
                    "risk_ratio_ppm",
                )
            )

    def _derive_accounts(self, ix: Any) -> None:
        """Dynamic equity, available funds and risk ratio of accounts ``ix`` (2.c)."""
        eq, fl, m = self._eq_cash[ix], self._acc_float[ix], self._acc_margin[ix]
        used = np.minimum(self._offset[ix], m)
        dyn = eq + fl
        avail = eq - (m - used)
        if self.settings.deduct_floating_losses:  # firm option, spec 2.c / Q9
            avail = avail + np.minimum(fl, 0)
        num = m if self.settings.risk_ratio == "margin_over_equity" else dyn - avail
        self._offset_used[ix] = used
        self._dyn[ix] = dyn
        self._avail[ix] = avail
        self._ratio[ix] = risk_ratio_ppm(num, dyn)

    def _refresh_limits(self, lines: npt.NDArray[Any]) -> None:
        limit = np.where(self._hedge[lines], -1, self._c_limit[self._contract[lines]])
        self._limit[lines] = limit
        self._limit_dist[lines] = np.where(limit >= 0, limit - self._lots[lines], -1)

    def _refresh_staleness(self, now_ts: float) -> None:
        stale = (now_ts - self._price_at) > self.settings.stale_after_s
        flipped = np.flatnonzero(stale != self._stale)
        if len(flipped):
            self._seq += 1
            self._stale = stale
            self._contract_version[flipped] = self._seq
            self._dirty["c"].update(("is_stale", "row_version"))


# --------------------------------------------------------------------- loading
POSITION_FRAME_COLUMNS = ["client_code", "contract_code", "side", "hedge", "lots"]


def _position_frame(
    session: Session, day: date, member_code: str | None
) -> tuple[pd.DataFrame, set[str], set[str]]:
    """The open lines of ``day`` (of ``member_code``'s clients, if given) from the day's
    book (``core.db.day_book``, read once and shared with the screens), ordered by
    contract, client, side (long first), hedge, with the sets of their client and
    contract codes. Code columns are categorical: mapping them onto the engine's
    account and contract tables is one lookup per code, not per line."""
    from core.db.columnar import coded, sort_order
    from core.db.day_book import day_book, member_lines

    book = day_book(session, day)
    if member_code is not None:
        book = member_lines(session, book, member_code)
    if not len(book):
        return pd.DataFrame([], columns=POSITION_FRAME_COLUMNS), set(), set()
    order = sort_order(book.contract, book.client, ~book.is_long, book.hedge)
    client, contract = book.client[order], book.contract[order]
    frame = pd.DataFrame(
        {
            "client_code": coded(client, book.clients),
            "contract_code": coded(contract, book.contracts),
            "side": coded(book.is_long[order].astype(np.int64), ("short", "long")),
            "hedge": book.hedge[order],
            "lots": book.lots[order],
        },
        columns=POSITION_FRAME_COLUMNS,
        copy=False,
    )
    held = np.bincount(client, minlength=len(book.clients)) > 0
    used = np.bincount(contract, minlength=len(book.contracts)) > 0
    clients = {c for c, h in zip(book.clients, held, strict=True) if h}
    contracts = {c for c, u in zip(book.contracts, used, strict=True) if u}
    return frame, clients, contracts


def load_day_inputs(
    session: Session,
    trading_day: date,
    *,
    calendar: TradingCalendar | None = None,
    member_code: str | None = None,
    position_limits: Mapping[str, int] | None = None,
) -> DayInputs:
    """Read the start state of live day ``trading_day`` in a few bulk Core queries.

    Positions and balances are those after the settlement of prev_td(D) (every lot is
    historic today); prices are S(prev_td(D)); limit prices come from the day's
    ``settlement_price`` row when the exchange has published them, else from the
    contract's limit rate (spec Q4). Margin rates are ``rate_settle(prev_td(D))``: the
    latest ``margin_adjustment`` effective by then, else the general-month rate
    (period steps of 2.b must be present as adjustments). Today's deposits and
    withdrawals are folded into ``equity_cash_fen``; today's trades so far are returned
    for replay. ``position_limits`` maps contract → client limit lots (2.g), if known.
    Raises InputError when a position's contract has no prior settlement price.
    """
    cal = calendar or default_calendar()
    day = trading_day
    prev = cal.prev_td(day)
    limits = position_limits or {}
    sp_prev, sp_today = aliased(SettlementPrice), aliased(SettlementPrice)

    rates: dict[tuple[str, bool], int] = {}
    for code, hedge, rate in session.execute(
        select(
            MarginAdjustment.contract_code,
            MarginAdjustment.hedge,
            MarginAdjustment.rate_ppm,
        )
        .where(MarginAdjustment.effective_day <= prev)
        .order_by(MarginAdjustment.effective_day)
    ):
        rates[(code, bool(hedge))] = int(rate)

    contracts: list[ContractDay] = []
    rows = session.execute(
        select(
            Contract.code,
            Contract.tick_fen,
            Contract.price_limit_ppm,
            Contract.general_margin_ppm,
            Contract.hedge_margin_ppm,
            Product.multiplier,
            sp_prev.settlement_fen,
            sp_today.upper_limit_fen,
            sp_today.lower_limit_fen,
        )
        .join(Product, Product.code == Contract.product_code)
        .join(
            sp_prev,
            (sp_prev.contract_code == Contract.code) & (sp_prev.trading_day == prev),
        )
        .outerjoin(
            sp_today,
            (sp_today.contract_code == Contract.code) & (sp_today.trading_day == day),
        )
        .order_by(Contract.code)
    )
    for code, tick, limit_ppm, spec, hedge_ppm, mult, prior, upper, lower in rows:
        lo, up = limit_prices(int(prior), int(limit_ppm), int(tick))
        contracts.append(
            ContractDay(
                code=code,
                prior_settlement_fen=int(prior),
                upper_limit_fen=int(upper) if upper is not None else up,
                lower_limit_fen=int(lower) if lower is not None else lo,
                tick_fen=int(tick),
                multiplier=int(mult),
                spec_margin_ppm=rates.get((code, False), int(spec)),
                hedge_margin_ppm=rates.get((code, True), int(hedge_ppm)),
                position_limit_lots=limits.get(code),
            )
        )

    def clients_of_member(stmt: Any, column: Any) -> Any:
        if member_code is None:
            return stmt
        return stmt.join(Client, Client.code == column).where(Client.member_code == member_code)

    positions, held, held_contracts = _position_frame(session, prev, member_code)
    known = {c.code for c in contracts}
    unknown = sorted(held_contracts - known)
    if unknown:
        raise InputError(
            f"no settlement price on {prev} for {', '.join(unknown[:5])}",
            source="settlement_price",
            field="contract_code",
        )
    bal_stmt = clients_of_member(
        select(ClientBalance.client_code, ClientBalance.balance_fen).where(
            ClientBalance.trading_day == prev
        ),
        ClientBalance.client_code,
    )
    from core.db.columnar import fetch_fast

    bal_codes, bal_values = fetch_fast(session, bal_stmt, ("str", "int"))
    balances = {str(c): int(b) for c, b in zip(bal_codes, bal_values, strict=True)}
    moves = clients_of_member(
        select(
            FundMovement.client_code,
            FundMovement.kind,
            func.sum(FundMovement.amount_fen),
        )
        .where(
            FundMovement.trading_day == trading_day,
            FundMovement.client_code.is_not(None),
        )
        .group_by(FundMovement.client_code, FundMovement.kind),
        FundMovement.client_code,
    )
    transfers: dict[str, int] = {}
    for client, kind, amount in session.execute(moves):
        sign = 1 if kind == "deposit" else -1
        transfers[client] = transfers.get(client, 0) + sign * int(amount)
    codes = sorted(set(balances) | held | set(transfers))
    accounts = pd.DataFrame(
        {
            "client_code": codes,
            "equity_cash_fen": np.array(
                [balances.get(c, 0) + transfers.get(c, 0) for c in codes],
                dtype=np.int64,
            ),
        }
    )

    trade_stmt = clients_of_member(
        select(
            Trade.trade_no,
            Trade.client_code,
            Trade.contract_code,
            Trade.side,
            Trade.action,
            Trade.lots,
            Trade.price_fen,
            Trade.traded_at,
            Trade.fee_fen,
            Trade.hedge,
        )
        .where(Trade.trading_day == trading_day, Trade.action.in_(("open", "close")))
        .order_by(Trade.traded_at, Trade.id),
        Trade.client_code,
    )
    midnight = datetime.combine(day, datetime.min.time(), tzinfo=DCE_TZ)
    trades = tuple(
        TradeEvent(no, client, con, side, action, int(n), int(px), at or midnight, int(fee), h)
        for no, client, con, side, action, n, px, at, fee, h in session.execute(trade_stmt)
    )

    member = MemberFigures()
    if member_code is not None:
        hist = session.get(ReserveHistory, (member_code, prev))
        dep = wd = 0
        for kind, amount in session.execute(
            select(FundMovement.kind, func.sum(FundMovement.amount_fen))
            .where(
                FundMovement.trading_day == trading_day,
                FundMovement.member_code == member_code,
                FundMovement.client_code.is_(None),
            )
            .group_by(FundMovement.kind)
        ):
            if kind == "deposit":
                dep = int(amount)
            else:
                wd = int(amount)
        member = MemberFigures(
            prior_reserve_fen=hist.reserve_fen if hist else 0,
            prior_margin_fen=hist.margin_fen if hist else 0,
            prior_offset_fen=hist.offset_fen if hist else 0,
            deposits_fen=dep,
            withdrawals_fen=wd,
        )
    return DayInputs(
        trading_day=trading_day,
        contracts=tuple(contracts),
        accounts=accounts,
        positions=positions,
        member=member,
        trades=trades,
    )
