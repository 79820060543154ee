"""LiveRiskEngine: incremental intraday risk over int64 fen arrays (STYLE B3).

The engine is synchronous and single-threaded: the feed runner's thread calls
``apply`` and hands the returned immutable ``RiskSnapshot`` to the GUI through the
mailbox. Nothing in here starts a thread, touches Qt or reads a database: the start
state is a ``core.rules.day_inputs.DayInputs`` (read by ``core.db.day_inputs``).

Every figure comes from the rule functions the daily settlement uses (STYLE B11), so
the monitor and the settlement agree to the fen where the rules say they coincide:

* positions are a ``core.rules.funds.LineBook``; fills go through ``apply_trades``
  (first-in-first-out, historic lots first, spec 2.0);
* a line's margin is ``line_margin`` at S(prev_td(D)) and rate_open(D) =
  rate_settle(prev_td(D)) from ``day_margin_rates`` (spec 2.a, 2.b), client rate =
  exchange rate + the firm's add-on; the member's margin at the exchange rate;
* floating P&L is ``mark_to_market`` at the last price (the settlement's position P&L
  at S(D));
* available funds are ``offset_used`` / ``available_funds`` (spec 2.c) with the pledge
  quota fixed at the prior settlement (``pledge_quota``), equity_cash from the
  ``AccountBook``; the member's intraday reserve is ``intraday_reserve_fen``;
* risk ratio and risk level are ``core.rules.risk_levels`` (one setting everywhere).

The engine only adds bookkeeping: which rows changed (versions), per-contract line
indexes so a tick touches its own lines, and incremental account sums.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.errors import InputError
from core.live.feed import (
    MAX_LINE_LOTS,
    Clock,
    ContractDay,
    FeedEvent,
    PriceTick,
    SystemClock,
    TradeEvent,
    limit_prices,
    trade_problem,
)
from core.live.snapshot import Column, MemberFigures, RiskSnapshot, Table, frozen_copy
from core.money import add_into, exact_sum, group_sum, row_sums
from core.rules.daily_settlement import pledge_quota
from core.rules.day_inputs import ACTION_CLOSE, ACTION_OPEN, DayInputs
from core.rules.firm import firm_margin_addon_ppm
from core.rules.funds import (
    AccountBook,
    LineBook,
    TradeBatch,
    apply_trades,
    available_funds,
    line_margin,
    offset_used,
)
from core.rules.margin_schedule import PPM, day_margin_rates
from core.rules.risk_levels import RiskLevels, default_risk_levels
from core.rules.sides import LONG, SHORT, side_code
from core.trading_calendar import TradingCalendar, default_calendar

log = logging.getLogger(__name__)

I64 = npt.NDArray[np.int64]

ACCOUNT_COLUMNS = (
    "equity_cash_fen",  # prior balance + transfers + close P&L − fees (2.c)
    "floating_pnl_fen",  # Σ line floating P&L
    "dynamic_equity_fen",  # equity_cash + floating
    "margin_fen",  # intraday margin at S(D−1) (2.a)
    "offset_used_fen",  # receipt offset used (2.c)
    "available_fen",  # 2.c, with the firm floating-loss option
    "risk_ratio_ppm",  # core.rules.risk_levels.risk_ratio_ppm
    "risk_level",  # core.rules.risk_levels level code
)
POSITION_COLUMNS = (
    "account_index",
    "contract_index",
    "side",  # core.rules.sides code: 0 long, 1 short
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
    """Firm settings of the live monitor (spec 2.c, Q8, Q9; docs/live-monitor.md).

    ``risk_levels`` (risk-ratio definition and level thresholds) is the firm's one
    setting, shared with the settlement screens and alerts.
    """

    deduct_floating_losses: bool = False
    stale_after_s: float = 30.0
    feed_stale_after_s: float = 10.0
    firm_margin_addon_ppm: int = field(default_factory=firm_margin_addon_ppm)
    cash_cap_ppm: int | None = 4 * PPM
    haircut_ppm: int = 800_000
    risk_levels: RiskLevels = field(default_factory=default_risk_levels)

    def __post_init__(self) -> None:
        if self.stale_after_s <= 0 or self.feed_stale_after_s <= 0:
            raise ValueError("stale times must be positive")
        if self.firm_margin_addon_ppm < 0:
            raise ValueError("a firm margin add-on cannot be negative")


def _product_of(code: str) -> str:
    return code.rstrip("0123456789")


class _Grown:
    """Per-line engine columns that grow with the book (capacity doubles)."""

    def __init__(self, columns: Mapping[str, npt.NDArray[Any]]) -> None:
        self._buf = {k: np.asarray(v).copy() for k, v in columns.items()}
        self.n = len(next(iter(self._buf.values()))) if self._buf else 0

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        return self._buf[name][: self.n]

    def append(self, k: int) -> None:
        new_n = self.n + k
        for name, buf in self._buf.items():
            if buf.shape[0] < new_n:
                grown = np.zeros(max(2 * new_n, 1024), dtype=buf.dtype)
                grown[: self.n] = buf[: self.n]
                self._buf[name] = grown
            self._buf[name][self.n : new_n] = 0
        self.n = new_n


# --------------------------------------------------------------------- the engine
class LiveRiskEngine:
    """Intraday risk state of one trading day, updated incrementally by ``apply``.

    Not thread-safe: one thread (the feed runner's) calls ``update``/``apply``/
    ``snapshot``; the snapshots it returns may be read from any thread.
    """

    def __init__(
        self,
        *,
        trading_day: date,
        contracts: Sequence[ContractDay],
        account_codes: Sequence[str],
        balance_fen: npt.ArrayLike,
        line_account: npt.ArrayLike,
        line_contract: npt.ArrayLike,
        line_side: npt.ArrayLike,
        line_hedge: npt.ArrayLike,
        line_lots: npt.ArrayLike,
        line_today_lots: npt.ArrayLike | None = None,
        line_today_open_price_fen: npt.ArrayLike | None = None,
        deposits_fen: npt.ArrayLike | None = None,
        withdrawals_fen: npt.ArrayLike | None = None,
        offset_value_fen: npt.ArrayLike | None = None,
        member: MemberFigures | None = None,
        member_offset_value_fen: npt.ArrayLike | None = None,
        settings: LiveSettings | None = None,
        clock: Clock | None = None,
    ) -> None:
        """Build from plain arrays (indices into ``account_codes`` and ``contracts``).

        ``balance_fen``: each account's balance after the prior settlement (上日结存),
        ``deposits_fen``/``withdrawals_fen`` today's transfers so far. Lines:
        ``line_side`` in ``core.rules.sides`` codes; ``line_lots`` open lots, of which
        ``line_today_lots`` were opened today at the average
        ``line_today_open_price_fen``. ``offset_value_fen`` is the pledge quota per
        (account, product) (products in the order of ``self.products``), the member's
        per product in ``member_offset_value_fen``. Raises InputError on inconsistent
        arrays. Prefer ``from_day_inputs`` or ``from_frames``.
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
        self.products: tuple[str, ...] = tuple(
            sorted({c.product or _product_of(c.code) for c in self._contracts})
        )
        p_index = {p: i for i, p in enumerate(self.products)}
        n_prod = max(len(self.products), 1)
        started = self.clock.now().timestamp()

        # ----- contracts
        def cint(attr: str) -> I64:
            return np.array([getattr(c, attr) for c in self._contracts], dtype=np.int64)

        self._prior = cint("prior_settlement_fen")
        self._upper = cint("upper_limit_fen")
        self._lower = cint("lower_limit_fen")
        self._mult = cint("multiplier")
        self._c_product = np.array(
            [p_index[c.product or _product_of(c.code)] for c in self._contracts], dtype=np.int64
        )
        self._c_limit = np.array(
            [-1 if c.position_limit_lots is None else c.position_limit_lots for c in contracts],
            dtype=np.int64,
        )
        self._c_rate = np.stack([cint("spec_margin_ppm"), cint("hedge_margin_ppm")], axis=1)
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
        side = np.asarray(line_side, dtype=np.int64)
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
        if not np.isin(side, (LONG, SHORT)).all():
            raise InputError("side must be long or short", source="live state", field="side")
        if (lots < 0).any() or (today < 0).any() or (today > lots).any():
            raise InputError("need 0 ≤ today_lots ≤ lots", source="live state", field="lots")
        # Lines are kept grouped by contract: a tick then marks one contiguous slice of
        # every column (no gathers), and a full revaluation is one pass over the book.
        order = np.argsort(con, kind="stable")
        acct, con, side, hedge = acct[order], con[order], side[order], hedge[order]
        lots, today, open_px = lots[order], today[order], open_px[order]
        # Lines are found by key: a sorted key array for the opening book (no Python
        # object per line), a dict for the few lines opened during the day.
        keys = self._line_key(acct, con, side, hedge)
        key_order = np.argsort(keys, kind="stable")
        self._key_sorted, self._key_order = keys[key_order], key_order
        if n and (np.diff(self._key_sorted) == 0).any():
            raise InputError("duplicate position line", source="live state")
        self._new_line_of: dict[int, int] = {}
        addon = self.settings.firm_margin_addon_ppm
        exch = self._c_rate[con, hedge.astype(np.int64)] if n else np.zeros(0, np.int64)
        self._book = LineBook.from_arrays(
            account=acct,
            product=self._c_product[con],
            multiplier=self._mult[con],
            side=side,
            prior_fen=self._prior[con],
            rate_ppm=exch + addon,
            hist_lots=lots - today,
            n_accounts=max(n_acc, 1),
            n_products=n_prod,
            today_lots=today,
            today_open_price_fen=open_px,
            last_fen=self._prior[con],
        )
        margin = self._book.margin()
        exch_margin = line_margin(self._book.prior_fen, self._book.multiplier, lots, exch)
        self._lines = _Grown(
            {
                "contract": con,
                "hedge": hedge,
                "margin": margin,
                "exch_margin": exch_margin,
                "float": np.zeros(n, np.int64),
                "limit": np.zeros(n, np.int64),
                "limit_dist": np.zeros(n, np.int64),
                "version": np.zeros(n, np.int64),
            }
        )
        self._refresh_limits(np.arange(n))
        # Each contract's lines: a slice of the opening book plus lines opened today.
        self._slice_of = np.searchsorted(con, np.arange(n_con + 1)).astype(np.int64)
        self._extra_of: dict[int, list[int]] = {}

        # ----- accounts
        self._accounts = AccountBook.zeros(max(n_acc, 1))
        for name, given in (
            ("balance", balance_fen),
            ("deposits", deposits_fen),
            ("withdrawals", withdrawals_fen),
        ):
            if given is None:
                continue
            values = np.asarray(given, dtype=np.int64)
            if len(values) != n_acc:
                raise InputError(f"one {name} per account", source="live state", field=name)
            getattr(self._accounts, name)[:n_acc] = values
        self._n_acc = n_acc
        if offset_value_fen is None:
            self._offset_value = np.zeros((max(n_acc, 1), n_prod), dtype=np.int64)
        else:
            ov = np.asarray(offset_value_fen, dtype=np.int64)
            if ov.shape != (n_acc, n_prod):
                raise InputError(
                    f"offset values must be (accounts × products) = ({n_acc}, {n_prod})",
                    source="live state",
                    field="offset_value_fen",
                )
            self._offset_value = ov.copy() if n_acc else np.zeros((1, n_prod), np.int64)
        self._margin_ap = np.zeros((max(n_acc, 1), n_prod), dtype=np.int64)
        self._add_to(self._margin_ap, acct, self._book.product[:n], margin)
        self._acc_margin = row_sums(self._margin_ap, "account margin")
        self._acc_float = np.zeros(max(n_acc, 1), dtype=np.int64)
        self._acc_loss = np.zeros(max(n_acc, 1), dtype=np.int64)  # Σ min(float, 0)
        self._offset_used = np.zeros(max(n_acc, 1), dtype=np.int64)
        self._equity = np.zeros(max(n_acc, 1), dtype=np.int64)
        self._dyn = np.zeros(max(n_acc, 1), dtype=np.int64)
        self._avail = np.zeros(max(n_acc, 1), dtype=np.int64)
        self._ratio = np.zeros(max(n_acc, 1), dtype=np.int64)
        self._level = np.zeros(max(n_acc, 1), dtype=np.int8)
        self._acc_version = np.zeros(max(n_acc, 1), dtype=np.int64)
        self._funds_changed = np.zeros(0, np.int64)
        self._derive_funds(slice(None))
        self._derive_accounts(slice(None))

        # ----- member (spec 2.c member formula): exchange-rate margins
        self._member_base = member or MemberFigures()
        self._member_margin_p = group_sum(
            self._book.product[:n], exch_margin, n_prod, "member margin"
        )
        # Without a pledge quota (a book built by hand) the prior offset is carried.
        self._member_quota = (
            None
            if member_offset_value_fen is None
            else np.asarray(member_offset_value_fen, dtype=np.int64)
        )
        if not self._member_base.prior_margin_fen:
            self._member_base = replace(
                self._member_base, prior_margin_fen=exact_sum(self._member_margin_p)
            )
        self._member_close_pnl = 0
        self._member_fees = 0

        # ----- bookkeeping
        self._seq = 0
        self._rejected = 0
        self._out_of_order = 0
        self._tick_at = np.full(n_con, -np.inf)  # event time of each contract's price
        self._changed_lines: list[I64] = []
        self._changed_accounts: list[I64] = []
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
    def from_day_inputs(
        cls,
        inputs: DayInputs,
        *,
        member_code: str | None = None,
        position_limits: Mapping[str, int] | None = None,
        settings: LiveSettings | None = None,
        clock: Clock | None = None,
        calendar: TradingCalendar | None = None,
    ) -> LiveRiskEngine:
        """The live day ``inputs.day`` at its start, then today's fills so far replayed.

        Everything is what the prior settlement left and the rules give: line lots and
        prices S(prev_td(D)); rate_open(D) = ``day_margin_rates`` at prev_td(D) with
        that day's lock runs and notices (spec 2.a, 2.b); the pledge quota fixed at the
        prior settlement (``pledge_quota``, spec 2.c); balances, today's transfers; the
        member's prior reserve. ``member_code`` restricts the book to one member's
        clients (default: the only member, else every client and no member figures).
        ``position_limits`` maps contract → client limit lots (2.g), if known.
        Limit prices are D's published ones, else from the contract's limit rate (Q4).
        Raises InputError when a held contract has no prior settlement price or rate.
        """
        cal = calendar or default_calendar()
        s = settings or LiveSettings()
        limits = position_limits or {}
        if member_code is None and len(inputs.members) == 1:
            member_code = inputs.members[0]
        rates = day_margin_rates(
            inputs.contracts,
            inputs.prev_day,
            lock_runs=inputs.prior_limit_lock_runs,
            adjustments=[a for a in inputs.adjustments if a.effective_day <= inputs.prev_day],
            cal=cal,
        )
        table = rates.table()
        held = np.zeros(len(inputs.contracts), np.bool_)
        held[inputs.pos_contract] = True
        listed = [
            k
            for k, c in enumerate(inputs.contracts)
            if inputs.prior_settle_fen[k] > 0 and (held[k] or c.is_listed_on(inputs.day))
        ]
        for k in np.flatnonzero(held).tolist():
            code = inputs.contracts[k].code
            if inputs.prior_settle_fen[k] <= 0:
                raise InputError(
                    f"no settlement price on {inputs.prev_day} for {code}",
                    source="settlement_price",
                    field="contract_code",
                )
            if (table[k] < 0).any():
                raise InputError(
                    f"no margin rate for {code}: {rates.problems.get(k, 'unknown')}",
                    source="margin rates",
                    field="contract_code",
                )
        contracts: list[ContractDay] = []
        for k in listed:
            c = inputs.contracts[k]
            prior = int(inputs.prior_settle_fen[k])
            lo, up = limit_prices(prior, c.price_limit_ppm, c.tick_fen)
            upper = int(inputs.upper_limit_fen[k]) if inputs.upper_limit_fen.size else -1
            lower = int(inputs.lower_limit_fen[k]) if inputs.lower_limit_fen.size else -1
            spec_r, hedge_r = (int(r) for r in table[k])
            contracts.append(
                ContractDay(
                    code=c.code,
                    prior_settlement_fen=prior,
                    upper_limit_fen=upper if upper > 0 else up,
                    lower_limit_fen=lower if lower > 0 else lo,
                    tick_fen=c.tick_fen,
                    multiplier=c.multiplier,
                    spec_margin_ppm=spec_r if spec_r >= 0 else hedge_r,
                    hedge_margin_ppm=hedge_r if hedge_r >= 0 else spec_r,
                    position_limit_lots=limits.get(c.code),
                    product=c.product,
                )
            )
        k_new = np.full(len(inputs.contracts), -1, np.int64)
        k_new[listed] = np.arange(len(listed))

        # accounts: clients with a balance, a line or a transfer (of the member)
        in_member = (
            np.ones(len(inputs.clients), np.bool_)
            if member_code is None or member_code not in inputs.members
            else inputs.client_member == inputs.members.index(member_code)
        )
        dep, wd = inputs.client_deposits()
        has = inputs.has_prior_balance | (dep > 0) | (wd > 0)
        has[inputs.pos_client] = True
        has[inputs.tr_client] = True
        has &= in_member
        keep = np.flatnonzero(has)
        a_new = np.full(len(inputs.clients), -1, np.int64)
        a_new[keep] = np.arange(keep.size)
        lines = np.flatnonzero(in_member[inputs.pos_client])
        quota_warnings: list[str] = []
        quota = pledge_quota(
            inputs,
            inputs.prev_day,
            inputs.prior_base_settle_fen
            if inputs.prior_base_settle_fen.size
            else np.full(len(inputs.contracts), -1, np.int64),
            s.haircut_ppm,
            cal,
            quota_warnings,
        )
        for w in quota_warnings:
            log.info("live start: %s", w)
        engine_products = sorted({c.product for c in contracts})
        p_cols = np.array([inputs.products.index(p) for p in engine_products], dtype=np.int64)
        member = None
        member_quota = None
        if member_code is not None and member_code in inputs.prior_reserve:
            reserve = inputs.prior_reserve[member_code]
            mi = inputs.members.index(member_code)
            m_dep, m_wd = inputs.member_deposits()
            member = MemberFigures(
                prior_reserve_fen=reserve.reserve_fen,
                prior_margin_fen=reserve.margin_fen,
                prior_offset_fen=reserve.offset_fen,
                deposits_fen=int(m_dep[mi]),
                withdrawals_fen=int(m_wd[mi]),
            )
            member_quota = quota.member[mi, p_cols]
        engine = cls(
            trading_day=inputs.day,
            contracts=contracts,
            account_codes=[inputs.clients[i] for i in keep.tolist()],
            balance_fen=inputs.prior_balance_fen[keep],
            deposits_fen=dep[keep],
            withdrawals_fen=wd[keep],
            offset_value_fen=quota.client[np.ix_(keep, p_cols)],
            line_account=a_new[inputs.pos_client[lines]],
            line_contract=k_new[inputs.pos_contract[lines]],
            line_side=inputs.pos_side[lines],
            line_hedge=inputs.pos_hedge[lines],
            line_lots=inputs.pos_lots[lines],
            member=member,
            member_offset_value_fen=member_quota,
            settings=s,
            clock=clock,
        )
        # today's fills so far, in order (a replay of a day already under way)
        mine = np.flatnonzero(
            in_member[inputs.tr_client] & (inputs.tr_action != 2) & (k_new[inputs.tr_contract] >= 0)
        )
        if mine.size:
            engine.update(
                TradeEvent(
                    trade_no=inputs.tr_no[t] if inputs.tr_no else str(t),
                    client_code=inputs.clients[int(inputs.tr_client[t])],
                    contract=inputs.contracts[int(inputs.tr_contract[t])].code,
                    side="short" if inputs.tr_side[t] == SHORT else "long",
                    action="open" if inputs.tr_action[t] == ACTION_OPEN else "close",
                    lots=int(inputs.tr_lots[t]),
                    price_fen=int(inputs.tr_price_fen[t]),
                    at=engine.clock.now(),
                    fee_fen=int(inputs.tr_fee_fen[t]),
                    hedge=bool(inputs.tr_hedge[t]),
                )
                for t in mine.tolist()
            )
        return engine

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
        """Build from DataFrames (or dicts of arrays), for tests and tools.

        ``accounts``: ``client_code``, ``equity_cash_fen`` (the balance; transfers 0).
        ``positions``: ``client_code`` (or ``account_index``), ``contract_code`` (or
        ``contract_index``), ``side`` ("long"/"short" or side codes), ``hedge``,
        ``lots``, optional ``today_lots`` and ``open_price_fen`` (average of today's
        opens).
        """
        codes = [str(c) for c in _column(accounts, "client_code")]
        if "account_index" in positions:
            acct = _column(positions, "account_index")
        else:
            acct = pd.Index(codes).get_indexer(_column(positions, "client_code"))
            if (acct < 0).any():
                raise InputError("position of an unknown client", field="client_code")
        if "contract_index" in positions:
            con = _column(positions, "contract_index")
        else:
            con = pd.Index([c.code for c in contracts]).get_indexer(
                _column(positions, "contract_code")
            )
            if (con < 0).any():
                raise InputError("position in an unknown contract", field="contract_code")
        side = np.asarray(_column(positions, "side"))
        if side.dtype.kind in "OUS":
            side = np.array([side_code(str(s)) for s in side], dtype=np.int64)
        n = len(acct)
        return cls(
            trading_day=trading_day,
            contracts=contracts,
            account_codes=codes,
            balance_fen=_column(accounts, "equity_cash_fen"),
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

    # ----------------------------------------------------------------- public API
    @property
    def contracts(self) -> tuple[ContractDay, ...]:
        return self._contracts

    @property
    def account_codes(self) -> tuple[str, ...]:
        return self._account_codes

    @property
    def line_count(self) -> int:
        return self._book.n

    @property
    def rejected_events(self) -> int:
        """Events refused by the engine (unknown codes, bad prices, implausible fills,
        over-closing)."""
        return self._rejected

    @property
    def out_of_order_ticks(self) -> int:
        """Ticks dropped because a newer price of the contract had been applied."""
        return self._out_of_order

    @property
    def book(self) -> LineBook:
        """The position lines (read them, never write: the engine owns the state)."""
        return self._book

    @property
    def account_book(self) -> AccountBook:
        """The accounts' cash of the day (read only, like ``book``)."""
        return self._accounts

    @property
    def offset_value(self) -> I64:
        """The pledge quota per (account, product) in force today (read only)."""
        return self._offset_value

    def market_state(self) -> dict[str, tuple[int, datetime]]:
        """Each contract that ticked: its applied last price (fen) and that tick's event
        time. With the day's fills, what the engine needs to reach its figures again (a
        desk starting from ``core.db.live_events`` snapshots): fills then these prices
        give the same lines, funds and marks, whatever the ticks in between."""
        out: dict[str, tuple[int, datetime]] = {}
        for c in np.flatnonzero(self._has_tick).tolist():
            at = datetime.fromtimestamp(float(self._tick_at[c]), tz=UTC)
            out[self._contracts[c].code] = (int(self._last[c]), at)
        return out

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
        tick_at = self._tick_at
        trades: list[tuple[int, int, int, int, int]] = []  # line, action, lots, price, fee
        new_lines: list[tuple[int, int, int, bool]] = []
        held: dict[int, int] = {}
        any_event = False
        for ev in events:
            any_event = True
            if isinstance(ev, PriceTick):
                c = self._contract_index.get(ev.contract)
                if c is None or self._contracts[c].check_price(ev.price_fen) is not None:
                    self._reject(ev, "unknown contract or price outside the limits")
                    continue
                at = ev.at.timestamp()
                if at < tick_at[c]:  # an older price never overwrites a newer one
                    self._out_of_order += 1
                    log.warning("live engine: dropped out-of-order tick %r", ev)
                    continue
                tick_at[c] = at
                ticks[c] = ev.price_fen
            else:
                hit = self._accept_trade(ev, held, new_lines)
                if hit is not None:
                    trades.append(hit)
        if not any_event:
            return
        self._seq += 1
        now = self.clock.now()
        self._last_event_at = now
        self._changed_lines = []
        self._changed_accounts = []
        self._funds_changed = np.zeros(0, np.int64)
        if trades:
            self._apply_trades(trades, new_lines)
        if ticks:
            self._apply_ticks(ticks, now.timestamp())
        if self._changed_accounts:
            # repeated accounts are harmless below: each gets the same values twice
            accts = np.concatenate(self._changed_accounts)
            whole = accts.size * 8 >= self._n_acc
            if self._funds_changed.size:
                self._derive_funds(slice(None) if whole else self._funds_changed)
            self._derive_accounts(slice(None) if whole else accts)
            self._acc_version[accts] = self._seq
            self._dirty["a"].add("row_version")
        if self._changed_lines:
            self._lines["version"][np.concatenate(self._changed_lines)] = self._seq
            self._dirty["p"].add("row_version")

    def snapshot(self) -> RiskSnapshot:
        """An immutable snapshot; unchanged columns are shared with the previous one."""
        now = self.clock.now()
        self._refresh_staleness(now.timestamp())
        n = self._book.n
        if self._position_keys.stop != n:
            self._position_keys = range(n)
        na = self._n_acc
        book, lines = self._book, self._lines
        work_a: dict[str, Callable[[], npt.NDArray[Any]]] = {
            "equity_cash_fen": lambda: self._equity[:na],
            "floating_pnl_fen": lambda: self._acc_float[:na],
            "dynamic_equity_fen": lambda: self._dyn[:na],
            "margin_fen": lambda: self._acc_margin[:na],
            "offset_used_fen": lambda: self._offset_used[:na],
            "available_fen": lambda: self._avail[:na],
            "risk_ratio_ppm": lambda: self._ratio[:na],
            "risk_level": lambda: self._level[:na],
            "row_version": lambda: self._acc_version[:na],
        }
        work_p = {
            "account_index": lambda: book.account,
            "contract_index": lambda: lines["contract"],
            "side": lambda: book.side,
            "hedge": lambda: lines["hedge"],
            "lots": lambda: book.lots(),
            "historic_lots": lambda: book.hist_lots,
            "today_lots": lambda: book.today_lots,
            "floating_pnl_fen": lambda: lines["float"],
            "margin_fen": lambda: lines["margin"],
            "limit_lots": lambda: lines["limit"],
            "limit_distance_lots": lambda: lines["limit_dist"],
            "row_version": lambda: lines["version"],
        }
        work_c = {
            "last_price_fen": lambda: self._last,
            "prior_settlement_fen": lambda: self._prior,
            "upper_limit_fen": lambda: self._upper,
            "lower_limit_fen": lambda: self._lower,
            "to_upper_fen": lambda: self._to_upper,
            "to_lower_fen": lambda: self._to_lower,
            "limit_lock": lambda: self._lock,
            "has_tick": lambda: self._has_tick,
            "price_updated_at": lambda: self._price_at,
            "is_stale": lambda: self._stale,
            "row_version": lambda: self._contract_version,
        }
        tables = {}
        for tag, work in (("a", work_a), ("p", work_p), ("c", work_c)):
            pub = self._published[tag]
            for name in self._dirty[tag]:
                pub[name] = frozen_copy(work[name]())
            self._dirty[tag].clear()
            tables[tag] = {k: v for k, v in pub.items() if k != "row_version"}
        last = self._last_event_at
        feed_stale = last is None or (now - last).total_seconds() > self.settings.feed_stale_after_s
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
            member=self._member_figures(),
            feed_last_event_at=last,
            is_feed_stale=feed_stale,
            rejected_events=self._rejected,
            out_of_order_ticks=self._out_of_order,
        )
        self._last_snapshot = snap
        return snap

    # ----------------------------------------------------------------- internals
    def _line_key(self, acct: Any, con: Any, side: Any, hedge: Any) -> Any:
        n_con = max(len(self._contracts), 1)
        return ((np.asarray(acct, np.int64) * n_con + con) * 2 + np.asarray(side, np.int64)) * 2 + (
            np.asarray(hedge, np.int64)
        )

    def _find_line(self, key: int) -> int | None:
        i = int(np.searchsorted(self._key_sorted, key))
        if i < self._key_sorted.size and int(self._key_sorted[i]) == key:
            return int(self._key_order[i])
        return self._new_line_of.get(key)

    @staticmethod
    def _add_to(matrix: I64, accounts: I64, products: I64, values: I64) -> None:
        n_p = matrix.shape[1]
        flat = matrix.reshape(-1)
        flat += group_sum(accounts * n_p + products, values, flat.size, "account margin")

    def _reject(self, ev: FeedEvent, why: str) -> None:
        self._rejected += 1
        log.warning("live engine: skipped %r: %s", ev, why)

    def _accept_trade(
        self, t: TradeEvent, held: dict[int, int], new_lines: list[tuple[int, int, int, bool]]
    ) -> tuple[int, int, int, int, int] | None:
        """Validate one fill; (line, action, lots, price, fee) or None if refused.

        ``held`` carries each line's lots through the batch, so a close is checked
        against the opens and closes before it (``apply_trades`` then cannot refuse).
        """
        c = self._contract_index.get(t.contract)
        a = self._account_index.get(t.client_code)
        if c is None or a is None:
            self._reject(t, "unknown contract or client")
            return None
        cd = self._contracts[c]
        problem = trade_problem(t)
        if problem is not None:
            self._reject(t, problem)
            return None
        if cd.check_price(t.price_fen) is not None:
            self._reject(t, "price outside the day's limits or off tick")
            return None
        side = side_code(t.side)
        key = int(self._line_key(a, c, side, int(t.hedge)))
        line = self._find_line(key)
        if line is None:
            if t.action == "close":
                self._reject(t, "close without a position")
                return None
            line = self._book.n + len(new_lines)
            self._new_line_of[key] = line
            new_lines.append((a, c, side, t.hedge))
        lots_now = held.get(line)
        if lots_now is None:
            lots_now = int(self._book.lots([line])[0]) if line < self._book.n else 0
        if t.action == "close":
            if t.lots > lots_now:
                self._reject(t, f"closes {t.lots} lots of {lots_now} held")
                return None
            held[line] = lots_now - t.lots
            return line, ACTION_CLOSE, t.lots, t.price_fen, t.fee_fen
        if lots_now + t.lots > MAX_LINE_LOTS:
            self._reject(t, f"the line would hold {lots_now + t.lots:,} lots (> {MAX_LINE_LOTS:,})")
            return None
        held[line] = lots_now + t.lots
        return line, ACTION_OPEN, t.lots, t.price_fen, t.fee_fen

    def _apply_trades(
        self,
        trades: list[tuple[int, int, int, int, int]],
        new_lines: list[tuple[int, int, int, bool]],
    ) -> None:
        book = self._book
        if new_lines:
            a, c, side, hedge = (np.array(x) for x in zip(*new_lines, strict=True))
            c = c.astype(np.int64)
            hedge = hedge.astype(np.bool_)
            rows = book.add_lines(
                account=a,
                product=self._c_product[c],
                multiplier=self._mult[c],
                side=side,
                prior_fen=self._prior[c],
                rate_ppm=self._c_rate[c, hedge.astype(np.int64)]
                + self.settings.firm_margin_addon_ppm,
            )
            self._lines.append(rows.size)
            self._lines["contract"][rows] = c
            self._lines["hedge"][rows] = hedge
            book.last_fen[rows] = self._last[c]
            book.has_last[rows] = True
            for ci, r in zip(c.tolist(), rows.tolist(), strict=True):
                self._extra_of.setdefault(ci, []).append(r)
        line, action, lots, price, fee = (
            np.array(x, dtype=np.int64) for x in zip(*trades, strict=True)
        )
        result = apply_trades(book, self._accounts, TradeBatch.of(line, action, lots, price, fee))
        rows = result.touched_lines
        # margins and marks of the touched lines, by the rule functions
        margin = book.margin(rows)
        con = self._lines["contract"][rows]
        hedge = self._lines["hedge"][rows].astype(np.int64)
        exch = line_margin(
            book.prior_fen[rows], book.multiplier[rows], book.lots(rows), self._c_rate[con, hedge]
        )
        d_margin = margin - self._lines["margin"][rows]
        d_exch = exch - self._lines["exch_margin"][rows]
        self._lines["margin"][rows] = margin
        self._lines["exch_margin"][rows] = exch
        accts = book.account[rows]
        add_into(
            self._margin_ap.reshape(-1),
            accts * self._margin_ap.shape[1] + book.product[rows],
            d_margin,
        )
        add_into(self._acc_margin, accts, d_margin)
        add_into(self._member_margin_p, book.product[rows], d_exch)
        self._remark(rows, self._last[con])
        self._member_close_pnl += int(result.trade_pnl_fen.sum())
        self._member_fees += int(fee.sum())
        self._refresh_limits(rows)
        self._changed_lines.append(rows)
        self._changed_accounts.append(result.touched_accounts)
        self._funds_changed = result.touched_accounts
        self._dirty["a"].update(ACCOUNT_COLUMNS)
        self._dirty["p"].update(POSITION_COLUMNS)

    def _remark(self, rows: I64 | slice, price: I64 | int) -> I64:
        """Floating P&L of ``rows`` (indexes or a slice) at ``price`` (one per row, or
        one for all); account sums follow. Returns the rows whose mark moved."""
        book = self._book
        new = book.marks(price, rows)
        old = self._lines["float"][rows]
        delta = new - old
        moved = np.flatnonzero(delta)
        book.last_fen[rows] = price
        if not moved.size:
            return moved.astype(np.int64)
        moved_rows = moved + (rows.start or 0) if isinstance(rows, slice) else rows[moved]
        accts = book.account[moved_rows]
        if moved.size * 8 >= self._n_acc:
            self._acc_float += group_sum(accts, delta[moved], self._acc_float.size, "floating")
        else:
            add_into(self._acc_float, accts, delta[moved])
        if self.settings.deduct_floating_losses:
            loss = np.minimum(new[moved], 0) - np.minimum(old[moved], 0)
            add_into(self._acc_loss, accts, loss)
        self._lines["float"][moved_rows] = new[moved]
        self._changed_accounts.append(accts)
        return np.asarray(moved_rows, dtype=np.int64)

    def _apply_ticks(self, ticks: dict[int, int], now_ts: float) -> None:
        cidx = np.fromiter(ticks, dtype=np.int64, count=len(ticks))
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
        bounds = self._slice_of
        opening = int((bounds[cidx + 1] - bounds[cidx]).sum())
        moved_parts: list[I64] = []
        if opening * 2 >= bounds[-1] and bounds[-1] > 1024:
            # most of the book ticked: one pass, each line at its contract's last price
            whole = slice(0, int(bounds[-1]))
            moved_parts.append(self._remark(whole, self._last[self._lines["contract"][whole]]))
        else:
            for c, p in zip(cidx.tolist(), prices.tolist(), strict=True):
                if bounds[c + 1] > bounds[c]:
                    moved_parts.append(self._remark(slice(int(bounds[c]), int(bounds[c + 1])), p))
        extra = [r for c in cidx.tolist() for r in self._extra_of.get(c, ())]
        if extra:
            rows = np.array(extra, dtype=np.int64)
            moved_parts.append(self._remark(rows, self._last[self._lines["contract"][rows]]))
        moved = np.concatenate(moved_parts) if moved_parts else np.zeros(0, np.int64)
        if moved.size:
            self._changed_lines.append(moved)
            self._dirty["p"].add("floating_pnl_fen")
            self._dirty["a"].update(
                (
                    "floating_pnl_fen",
                    "dynamic_equity_fen",
                    "available_fen",
                    "risk_ratio_ppm",
                    "risk_level",
                )
            )

    def _derive_funds(self, ix: Any) -> None:
        """equity_cash, offset used and available funds of accounts ``ix`` (2.c).

        Called after fills (and at the start); a tick moves none of them unless the
        firm deducts floating losses (then ``_derive_accounts`` redoes ``available``).
        No working orders are modelled, so nothing is frozen.
        """
        equity = self._accounts.equity_cash(ix)
        margin = self._acc_margin[ix]
        used = offset_used(
            self._margin_ap[ix], self._offset_value[ix], equity, self.settings.cash_cap_ppm
        )
        self._equity[ix] = equity
        self._offset_used[ix] = used
        self._avail[ix] = available_funds(equity, margin, used, 0, self._deducted_loss(ix))

    def _deducted_loss(self, ix: Any) -> I64 | int:
        """Σ floating losses of the accounts' losing lines under the firm option (Q9)."""
        return -self._acc_loss[ix] if self.settings.deduct_floating_losses else 0

    def _derive_accounts(self, ix: Any) -> None:
        """Dynamic equity, risk ratio and level of accounts ``ix`` (after any change)."""
        s = self.settings
        equity = self._equity[ix]
        margin = self._acc_margin[ix]
        if s.deduct_floating_losses:
            self._avail[ix] = available_funds(
                equity, margin, self._offset_used[ix], 0, self._deducted_loss(ix)
            )
        avail = self._avail[ix]
        dyn = equity + self._acc_float[ix]
        self._dyn[ix] = dyn
        self._ratio[ix], self._level[ix] = s.risk_levels.assess(margin, dyn, avail)

    def _member_figures(self) -> MemberFigures:
        base = self._member_base
        margin = exact_sum(self._member_margin_p)
        prior_cash = base.prior_reserve_fen + base.prior_margin_fen - base.prior_offset_fen
        cash = (
            prior_cash
            + base.deposits_fen
            - base.withdrawals_fen
            + base.close_pnl_fen
            + self._member_close_pnl
            - base.fees_fen
            - self._member_fees
        )
        offset = (
            base.prior_offset_fen
            if self._member_quota is None
            else int(
                offset_used(
                    self._member_margin_p, self._member_quota, cash, self.settings.cash_cap_ppm
                )
            )
        )
        return replace(
            base,
            close_pnl_fen=base.close_pnl_fen + self._member_close_pnl,
            fees_fen=base.fees_fen + self._member_fees,
            margin_intraday_fen=margin,
            offset_intraday_fen=offset,
        )

    def _refresh_limits(self, lines: npt.NDArray[Any]) -> None:
        con = self._lines["contract"][lines]
        limit = np.where(self._lines["hedge"][lines], -1, self._c_limit[con])
        self._lines["limit"][lines] = limit
        self._lines["limit_dist"][lines] = np.where(limit >= 0, limit - self._book.lots(lines), -1)

    def _refresh_staleness(self, now_ts: float) -> None:
        stale = (now_ts - self._price_at) > self.settings.stale_after_s
        flipped = np.flatnonzero(stale != self._stale)
        if len(flipped):
            self._seq += 1
            self._stale = stale
            self._contract_version[flipped] = self._seq
            self._dirty["c"].update(("is_stale", "row_version"))


def _column(frame: pd.DataFrame | Mapping[str, Any], name: str, default: Any = None) -> Any:
    if name in frame:
        return np.asarray(frame[name])
    if default is None:
        raise InputError("missing column", source="live state", field=name)
    return default
