"""Daily settlement of every client and member for one trading day (spec 2.d, 2.h, 2.k, 2.l).

``run_daily_settlement(db, day, user=...)`` reads prev_td(D)'s positions and balances and
D's trades, fund movements, prices, receipts and hedge quotas, settles all clients with
the vectorised money engine (``core.rules.settlement.settle_book``), aggregates the
members' exchange-view settlement from the client lines, and replaces D's ``position``,
``client_balance`` and ``reserve_history`` rows, all in one transaction (STYLE B6).

What each figure is, and which client figures add up to the member's, is in
docs/settlement.md. Money is integer fen throughout; rates are ppm.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
from sqlalchemy import Table
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db import settlement_io as sio
from core.db.engine import Database
from core.db.settlement_queries import AUDIT_ACTION
from core.db.tables import ClientBalance, Position, ReserveHistory
from core.errors import CalendarHorizonError, InputError, ValidationErrors
from core.money import format_yuan, half_up_div
from core.progress import ProgressState
from core.reference.products import default_products
from core.rules.fees import FeeSchedule, default_fee_schedule
from core.rules.firm import firm_margin_addon_ppm
from core.rules.funds import (
    ACTION_DELIVER,
    AccountBook,
    LineBook,
    OverCloseError,
    TradeBatch,
    _mul_half_up,  # the engine's exact overflow-safe line product (same rounding)
    apply_trades,
    offset_value_matrix,
)
from core.rules.margin_schedule import (
    PPM,
    AdhocRate,
    ContractMargin,
    LimitLock,
    default_margin_schedules,
    rate_settle,
    rate_to_ppm,
)
from core.rules.receipt_expiry import Receipt as ExpiryReceipt
from core.rules.receipt_expiry import is_offset_eligible
from core.rules.settlement import opening_banned_after, settle_book
from core.services.store import Written, write
from core.trading_calendar import TradingCalendar, default_calendar

I64 = sio.I64
STAGES = ("read", "compute", "write")


# =============================================================================
# Parameters, errors and results
# =============================================================================


@dataclass(frozen=True)
class SettlementServiceParams:
    """Settings of a settlement run (spec Appendix A; haircut and cap unverified, Q8).

    ``delivery_payment_lag``: trading days from a delivery match to its payment day
    (交收日); the money of matches of ``add_trading_days(D, -lag)`` moves on D (spec 2.d
    example: two). ``cash_cap_ppm`` None = no cap on the receipt offset.
    ``firm_margin_addon_ppm``: the firm's add-on to client margin rates (spec 2.a); None
    = ``resources/risk_params.toml`` [firm.margin_addon] (default 0). Client statements
    margin at exchange rate + add-on; the member's (exchange) figures and the stored
    position margins stay at the exchange rate.
    """

    haircut_ppm: int = 800_000
    cash_cap_ppm: int | None = 4 * PPM
    delivery_payment_lag: int = 2
    firm_margin_addon_ppm: int | None = None
    fee_schedule: FeeSchedule | None = None
    calendar: TradingCalendar | None = None


class SettlementRefusedError(ValidationErrors):
    """The settlement of a day was refused; nothing was written.

    ``errors`` lists every problem (an InputError each; ``field`` names the contract,
    client or member concerned). ``bad_input`` is true when the day itself is not
    settleable (not a trading day, outside the calendar): the caller asked for the
    wrong thing, rather than the database missing data.
    """

    def __init__(self, day: date, errors: list[InputError], *, bad_input: bool = False) -> None:
        self.day = day
        self.bad_input = bad_input
        super().__init__(errors)

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(e.describe() for e in self.errors)


@dataclass(frozen=True)
class MemberResult:
    """One member's exchange-view settlement of D (spec 2.d), money in fen."""

    member_code: str
    clients: int
    prior_reserve_fen: int
    prior_margin_fen: int
    prior_offset_fen: int
    margin_fen: int
    offset_fen: int
    close_pnl_fen: int
    position_pnl_fen: int
    fees_fen: int
    waived_fen: int
    deposits_fen: int
    withdrawals_fen: int
    delivery_fen: int
    cash_fen: int
    reserve_fen: int
    interest_base_fen: int
    min_reserve_fen: int
    margin_call_fen: int
    opening_banned: bool
    transfer_restricted: bool

    @property
    def prior_cash_fen(self) -> int:
        return self.prior_reserve_fen + self.prior_margin_fen - self.prior_offset_fen

    def identity_holds(self) -> bool:
        """R(D) = R(prev) + M(prev) − M(D) + O(D) − O(prev) + flows (spec 2.d)."""
        flows = (
            self.close_pnl_fen
            + self.position_pnl_fen
            + self.deposits_fen
            - self.withdrawals_fen
            - self.fees_fen
            + self.delivery_fen
        )
        expected = (
            self.prior_reserve_fen
            + self.prior_margin_fen
            - self.margin_fen
            + self.offset_fen
            - self.prior_offset_fen
            + flows
        )
        return expected == self.reserve_fen and self.cash_fen == (
            self.reserve_fen + self.margin_fen - self.offset_fen
        )


@dataclass(frozen=True)
class ConversionDone:
    """A hedge quota starting on D (spec 2.h): lots converted and quota left."""

    client_code: str
    contract_code: str
    side: str
    quota: int
    converted: int

    @property
    def quota_remaining(self) -> int:
        return self.quota - self.converted


@dataclass(frozen=True)
class SettlementRun:
    """What a settlement run did; plain values, safe to hand to the GUI thread."""

    day: date
    prev_day: date
    dry_run: bool
    clients_settled: int
    position_lines: int
    trades: int
    total_client_margin_fen: int
    client_margin_calls: int
    """Clients whose available funds are negative (追加保证金 > 0)."""
    members: tuple[MemberResult, ...]
    conversions: tuple[ConversionDone, ...]
    warnings: tuple[str, ...] = ()
    stage_seconds: tuple[tuple[str, float], ...] = ()

    def member(self, code: str) -> MemberResult:
        for m in self.members:
            if m.member_code == code:
                return m
        raise KeyError(code)

    def summary_lines(self) -> list[str]:
        """A short human summary (used by ``riskdesk settle``)."""
        verb = "would settle" if self.dry_run else "settled"
        out = [
            f"{self.day.isoformat()}: {verb} {self.clients_settled:,} clients, "
            f"{self.position_lines:,} position lines, {self.trades:,} trades",
            f"total client margin {format_yuan(self.total_client_margin_fen)}; "
            f"client margin calls {self.client_margin_calls:,}",
        ]
        for m in self.members:
            flags = []
            if m.opening_banned:
                flags.append("OPENING BANNED")
            if m.transfer_restricted:
                flags.append("transfers restricted")
            out.append(
                f"member {m.member_code}: reserve {format_yuan(m.reserve_fen)}, "
                f"margin {format_yuan(m.margin_fen)}, offset {format_yuan(m.offset_fen)}, "
                f"margin call {format_yuan(m.margin_call_fen)}"
                + (f" [{', '.join(flags)}]" if flags else " [opening allowed]")
            )
        out.extend(f"warning: {w}" for w in self.warnings)
        return out


# =============================================================================
# Computation on arrays (no database)
# =============================================================================


@dataclass
class ComputedDay:
    """Arrays of one day's settlement, ready to write (caller line order)."""

    line_client: I64
    line_contract: I64
    line_side: I64
    line_hedge: np.ndarray
    line_lots: I64
    line_today_lots: I64
    line_open_price_fen: I64
    line_margin_fen: I64
    settled_clients: I64
    client: dict[str, I64]
    members: list[MemberResult]
    conversions: list[ConversionDone]
    warnings: list[str] = field(default_factory=list)


def _problem(day: date, message: str, about: str = "") -> InputError:
    return InputError(message, source=f"settlement of {day.isoformat()}", field=about)


def _line_keys(client: I64, contract: I64, side: I64, hedge: np.ndarray, n_k: int) -> I64:
    return (((client * n_k + contract) * 2 + side) * 2 + hedge.astype(np.int64)).astype(np.int64)


def _rates(
    inputs: sio.DayInputs,
    pairs: list[tuple[int, bool]],
    cal: TradingCalendar,
    problems: list[InputError],
    warnings: list[str],
) -> dict[tuple[int, bool], int]:
    """rate_settle(D) in ppm per (contract, hedge) (spec 2.b via margin_schedule)."""
    day = inputs.day
    adj_by_contract: dict[str, list[AdhocRate]] = {}
    for a in inputs.adjustments:
        # An adjustment applies from its day's settlement on (MarginAdjustment), as an
        # ad hoc rate restricted to its hedge flag; the highest standard wins (2.b).
        adj_by_contract.setdefault(a.contract_code, []).append(
            AdhocRate(
                from_settlement=a.effective_day, rate=Decimal(a.rate_ppm) / PPM, hedge=a.hedge
            )
        )
    out: dict[tuple[int, bool], int] = {}
    for k, hedge in pairs:
        c = inputs.contracts[k]
        locks: tuple[LimitLock, ...] = ()
        run = inputs.limit_lock_runs.get(c.code)
        if run is not None and run[1] > 0:
            locks = (LimitLock(day, run[1], Decimal(c.price_limit_ppm) / PPM),)
        try:
            cm = _contract_margin(c, cal, locks, tuple(adj_by_contract.get(c.code, ())))
            decision = rate_settle(cm, day, hedge=hedge, cal=cal)
            out[(k, hedge)] = rate_to_ppm(decision.rate)
            warnings.extend(f"{c.code}: {w}" for w in decision.warnings)
        except (ValueError, CalendarHorizonError) as exc:
            problems.append(_problem(day, f"no settlement margin rate: {exc}", c.code))
    return out


def _contract_margin(
    c: sio.ContractRow,
    cal: TradingCalendar,
    locks: tuple[LimitLock, ...],
    adhoc: tuple[AdhocRate, ...],
) -> ContractMargin:
    """The contract's margin facts; ValueError for a product without a schedule.

    Schedule steps that start in a month beyond the trading calendar are left out:
    they start after next_td(D), so they cannot apply at D's settlement, and keeping
    them would make ``rate_settle`` refuse far contracts (a 2701 contract in late
    2026). The last trading day is the contract table's when known.
    """
    products = default_products()
    product = products.get(c.product)
    if product is None:
        raise ValueError(f"unknown product {c.product!r}")
    schedules = default_margin_schedules()
    if product.margin_schedule not in schedules:
        raise ValueError(f"unknown margin schedule {product.margin_schedule!r}")
    schedule = schedules[product.margin_schedule]
    year, month = c.delivery_month.year, c.delivery_month.month
    horizon = cal.known_until.year * 12 + cal.known_until.month - 1
    steps = tuple(s for s in schedule.steps if year * 12 + month - 1 + s.month_offset <= horizon)
    ltd = c.last_trading_day
    if ltd is None:
        try:
            ltd = product.last_trading_day(year, month, cal)
        except CalendarHorizonError:
            ltd = None
    return ContractMargin(
        contract=c.code,
        delivery_year=year,
        delivery_month=month,
        schedule=replace(schedule, steps=steps),
        general_rate=Decimal(c.general_margin_ppm) / PPM,
        contract_minimum=product.min_margin,
        hedge_general_rate=Decimal(c.hedge_margin_ppm) / PPM,
        last_trading_day=ltd,
        limit_locks=locks,
        adhoc=adhoc,
    )


def _base_prices(inputs: sio.DayInputs) -> dict[str, tuple[str, int]]:
    """Receipt base price per product: S(prev_td(D)) of its nearest listed contract
    (spec 2.c default); product → (contract, fen). Products without one are absent."""
    out: dict[str, tuple[str, int]] = {}
    for k in sorted(range(len(inputs.contracts)), key=lambda i: inputs.contracts[i].delivery_month):
        c = inputs.contracts[k]
        if c.product in out:
            continue
        listed = (c.listing_date is None or c.listing_date <= inputs.day) and (
            c.last_trading_day is None or c.last_trading_day >= inputs.day
        )
        if listed and inputs.prior_settle_fen[k] > 0:
            out[c.product] = (c.code, int(inputs.prior_settle_fen[k]))
    return out


def _eligible_receipts(
    inputs: sio.DayInputs, cal: TradingCalendar, warnings: list[str]
) -> list[sio.ReceiptRow]:
    """Receipts lodged as margin that count at D's settlement (not expired, spec 2.i)."""
    out = []
    expired = 0
    for r in inputs.receipts:
        if r.status_since is not None and r.status_since >= inputs.day:
            # spec 2.c, Q8 default: receipts lodged during D count from the next
            # settlement on, not at D's
            continue
        rec = ExpiryReceipt(
            id=r.receipt_no,
            product=r.product,
            registered=r.registration_date,
            produced=r.production_date,
            holder=r.holder_code,
            tons=r.tons,
            status="margin",
        )
        try:
            ok = is_offset_eligible(rec, inputs.day, cal=cal)
        except CalendarHorizonError:
            # the next deadline lies beyond the calendar, so after D: not expired
            ok = r.registration_date <= inputs.day
        except ValueError as exc:
            warnings.append(f"receipt {r.receipt_no}: not counted ({exc})")
            continue
        if ok:
            out.append(r)
        else:
            expired += 1
    if expired:
        warnings.append(f"{expired} receipt(s) lodged as margin are past their deadline: no offset")
    return out


def _half_up_int(num: int, den: int) -> int:
    """round_half_up(num ÷ den) in exact Python integers (den > 0)."""
    q, r = divmod(abs(num), den)
    q += 2 * r >= den
    return q if num >= 0 else -q


def compute_day(
    inputs: sio.DayInputs,
    params: SettlementServiceParams,
    cal: TradingCalendar,
    report: Callable[[int, int], None] | None = None,
) -> ComputedDay:
    """Settle every client and member of ``inputs`` (pure; no database).

    Raises SettlementRefusedError listing every problem found (missing or off-tick
    settlement prices, missing prior data, no margin rate, impossible closes).
    """
    day = inputs.day
    problems: list[InputError] = []
    warnings: list[str] = []
    n_k = len(inputs.contracts)
    n_c = len(inputs.clients)
    n_p = len(inputs.products)
    steps = 5

    def step(i: int) -> None:
        if report is not None:
            report(i, steps)

    step(0)
    if inputs.prev_position_rows == 0 and inputs.prev_balance_rows == 0:
        problems.append(
            _problem(
                day,
                f"the prior trading day {inputs.prev_day.isoformat()} has no positions "
                "and no client balances: settle or import it first",
            )
        )

    # ---- position lines: prior lines ∪ traded lines ∪ hedge-conversion targets
    pos_keys = _line_keys(
        inputs.pos_client, inputs.pos_contract, inputs.pos_side, inputs.pos_hedge, n_k
    )
    tr_keys = _line_keys(inputs.tr_client, inputs.tr_contract, inputs.tr_side, inputs.tr_hedge, n_k)
    hq_spec = _line_keys(
        inputs.hq_client,
        inputs.hq_contract,
        inputs.hq_side,
        np.zeros(inputs.hq_client.size, np.bool_),
        n_k,
    )
    have = np.unique(np.concatenate((pos_keys, tr_keys)))
    hq_ok = np.isin(hq_spec, have)
    keys = np.unique(np.concatenate((have, hq_spec[hq_ok] + 1)))
    line_hedge = (keys % 2).astype(np.bool_)
    line_side = (keys // 2) % 2
    line_contract = (keys // 4) % n_k
    line_client = keys // (4 * n_k)
    n_lines = keys.size
    pos_line = np.searchsorted(keys, pos_keys)
    hist_lots = np.zeros(n_lines, np.int64)
    np.add.at(hist_lots, pos_line, inputs.pos_lots)
    prev_open = np.zeros(n_lines, np.int64)
    prev_open[pos_line] = inputs.pos_open_price_fen
    tr_line = np.searchsorted(keys, tr_keys)

    # ---- prices: every held or traded contract needs S(D) on the tick; historic
    # lots need S(prev)
    needed = np.zeros(n_k, np.bool_)
    needed[line_contract] = True
    hist_needed = np.zeros(n_k, np.bool_)
    hist_needed[line_contract[hist_lots > 0]] = True
    for k in np.flatnonzero(needed).tolist():
        c = inputs.contracts[k]
        s = int(inputs.settle_fen[k])
        if s <= 0:
            problems.append(_problem(day, f"no settlement price for {day.isoformat()}", c.code))
        elif s % c.tick_fen:
            problems.append(
                _problem(
                    day,
                    f"settlement price {format_yuan(s)} is off the tick {format_yuan(c.tick_fen)}",
                    c.code,
                )
            )
        if hist_needed[k] and inputs.prior_settle_fen[k] <= 0:
            problems.append(
                _problem(
                    day,
                    f"no settlement price for the prior day {inputs.prev_day.isoformat()} "
                    "(needed to mark historic lots)",
                    c.code,
                )
            )
    pairs = sorted({(int(k), bool(h)) for k, h in zip(line_contract, line_hedge, strict=True)})
    rates = _rates(inputs, pairs, cal, problems, warnings)

    # ---- accounts settled and their members
    active = np.zeros(n_c, np.bool_)
    active[inputs.has_prior_balance] = True
    active[line_client] = True
    active[inputs.fm_client[inputs.fm_client >= 0]] = True
    active[inputs.pay_client] = True
    no_balance = np.zeros(n_c, np.bool_)
    no_balance[inputs.pos_client] = True
    no_balance &= ~inputs.has_prior_balance
    for ci in np.flatnonzero(no_balance)[:20].tolist():
        problems.append(
            _problem(
                day,
                f"has positions on {inputs.prev_day.isoformat()} but no balance that day",
                inputs.clients[ci],
            )
        )
    settled = np.flatnonzero(active)
    member_active = np.zeros(len(inputs.members), np.bool_)
    member_active[inputs.client_member[settled]] = True
    member_active[inputs.fm_member[inputs.fm_client < 0]] = True
    for mi in np.flatnonzero(member_active).tolist():
        code = inputs.members[mi]
        if code not in inputs.prior_reserve:
            problems.append(
                _problem(
                    day,
                    f"no settlement reserve on the prior day {inputs.prev_day.isoformat()}",
                    f"member {code}",
                )
            )

    receipts = _eligible_receipts(inputs, cal, warnings)
    base = _base_prices(inputs)
    for p in sorted({r.product for r in receipts} - set(base)):
        problems.append(
            _problem(
                day,
                f"receipts of product {p} are lodged as margin but no listed {p} contract "
                f"has a settlement price on {inputs.prev_day.isoformat()} (base price)",
                p,
            )
        )
    if problems:
        raise SettlementRefusedError(day, problems)
    step(1)

    # ---- the client book
    mult = np.array([c.multiplier for c in inputs.contracts], np.int64)
    rate_line = np.array(
        [rates[(int(k), bool(h))] for k, h in zip(line_contract, line_hedge, strict=True)],
        np.int64,
    )
    settle_line = inputs.settle_fen[line_contract]
    sign = 1 - 2 * line_side
    book = LineBook.from_arrays(
        account=line_client,
        product=inputs.product_of_contract[line_contract],
        multiplier=mult[line_contract],
        sign=sign,
        prior_fen=np.maximum(inputs.prior_settle_fen[line_contract], 0),
        rate_ppm=rate_line,
        hist_lots=hist_lots,
        n_accounts=n_c,
        n_products=n_p,
    )
    accounts = AccountBook.zeros(n_c)
    accounts.balance = inputs.prior_balance_fen.copy()
    cl = inputs.fm_client >= 0
    dep = cl & inputs.fm_deposit
    wd = cl & ~inputs.fm_deposit
    np.add.at(accounts.deposits, inputs.fm_client[dep], inputs.fm_amount_fen[dep])
    np.add.at(accounts.withdrawals, inputs.fm_client[wd], inputs.fm_amount_fen[wd])
    batch = TradeBatch.of(
        tr_line, inputs.tr_action, inputs.tr_lots, inputs.tr_price_fen, inputs.tr_fee_fen
    )
    try:
        apply_trades(book, accounts, batch)
    except OverCloseError as exc:
        li = int(tr_line[exc.trade])
        raise SettlementRefusedError(
            day,
            [
                _problem(
                    day,
                    f"client {inputs.clients[int(line_client[li])]}: a "
                    f"{'delivery' if inputs.tr_action[exc.trade] == ACTION_DELIVER else 'close'}"
                    f" of {exc.requested} {'short' if line_side[li] else 'long'} lots but only "
                    f"{exc.held} are open",
                    inputs.contracts[int(line_contract[li])].code,
                )
            ],
        ) from None
    step(2)

    # ---- delivery fees (2.k, waived amounts kept) and delivery payments (2.d)
    fees = params.fee_schedule or default_fee_schedule()
    waived = np.zeros(n_c, np.int64)
    for t in np.flatnonzero(inputs.tr_action == ACTION_DELIVER).tolist():
        c = inputs.contracts[int(inputs.tr_contract[t])]
        try:
            line = fees.fee("delivery", c.product, day, tons=int(inputs.tr_lots[t]) * c.unit_tons)
        except LookupError as exc:
            warnings.append(f"{c.code}: {exc}; delivery fee 0")
            continue
        accounts.fees[inputs.tr_client[t]] += line.charged_fen
        waived[inputs.tr_client[t]] += line.waived_fen
    delivery = np.zeros(n_c, np.int64)
    if inputs.pay_client.size:
        value = _mul_half_up((inputs.pay_price_fen, mult[inputs.pay_contract], inputs.pay_lots), 1)
        # the buyer (long) pays, the seller (short) receives
        np.add.at(delivery, inputs.pay_client, np.where(inputs.pay_side == 0, -value, value))

    # ---- receipts: client offset values per (client, product)
    p_index = {p: i for i, p in enumerate(inputs.products)}
    c_index = {c: i for i, c in enumerate(inputs.clients)}
    r_prod = np.array([p_index.get(r.product, -1) for r in receipts], np.int64)
    r_tons = np.array([r.tons for r in receipts], np.int64)
    r_base = np.array([base[r.product][1] for r in receipts], np.int64)
    r_client = np.array([c_index.get(r.holder_code, -1) for r in receipts], np.int64)
    own = (r_client >= 0) & (r_prod >= 0)
    ov = offset_value_matrix(
        r_client[own], r_prod[own], r_tons[own], r_base[own], params.haircut_ppm, n_c, n_p
    )

    # ---- hedge conversions (2.h): caller line indices of speculative and hedge lines
    hq_idx = np.flatnonzero(hq_ok)
    spec_line = np.searchsorted(keys, hq_spec[hq_idx])
    hedge_line = np.searchsorted(keys, hq_spec[hq_idx] + 1)
    addon = (
        params.firm_margin_addon_ppm
        if params.firm_margin_addon_ppm is not None
        else firm_margin_addon_ppm()
    )
    if addon < 0:
        raise InputError(f"a firm margin add-on cannot be negative, got {addon} ppm")
    st = settle_book(
        book,
        accounts,
        settle_line,
        rate_line + addon,  # client rate = exchange rate + the firm's add-on (2.a)
        ov,
        delivery_fen=delivery,
        conversion_spec_line=spec_line,
        conversion_hedge_line=hedge_line,
        conversion_quota=inputs.hq_lots[hq_idx],
        cash_cap_ppm=params.cash_cap_ppm,
        min_reserve_fen=0,  # a client's call is max(0, −available)
    )
    conversions = []
    converted = np.zeros(inputs.hq_client.size, np.int64)
    converted[hq_idx] = st.converted_lots
    for q in range(inputs.hq_client.size):
        conversions.append(
            ConversionDone(
                inputs.clients[int(inputs.hq_client[q])],
                inputs.contracts[int(inputs.hq_contract[q])].code,
                sio.SIDE_CODES[int(inputs.hq_side[q])],
                int(inputs.hq_lots[q]),
                int(converted[q]),
            )
        )
    step(3)

    # ---- per line, in the caller's order: lots, margin at S(D), FIFO open price
    order = book.order
    lots_row = book.hist_lots + book.today_lots
    margin_row = _mul_half_up(
        (settle_line[order], book.multiplier, lots_row, rate_line[order]), PPM
    )
    n = n_lines
    line_lots = np.empty(n, np.int64)
    line_lots[order] = lots_row
    line_today = np.empty(n, np.int64)
    line_today[order] = book.today_lots
    line_margin = np.empty(n, np.int64)
    line_margin[order] = margin_row
    hist_left = np.empty(n, np.int64)
    hist_left[order] = book.hist_lots
    today_cost = np.empty(n, np.int64)
    today_cost[order] = book.today_cost
    # Historic lots keep the prior line's average open price (the table stores only
    # the average); today's lots add their own open prices, conversions at S(D) (2.h).
    cost = hist_left * prev_open + today_cost
    open_price = np.zeros(n, np.int64)
    held = line_lots > 0
    open_price[held] = half_up_div(cost[held], line_lots[held])

    # ---- members: exchange view aggregated from the client lines (docs/settlement.md)
    n_m = len(inputs.members)
    line_member = inputs.client_member[line_client]
    margin_flat = np.zeros(n_m * n_p, np.int64)
    np.add.at(
        margin_flat, line_member * n_p + inputs.product_of_contract[line_contract], line_margin
    )
    margin_mp = margin_flat.reshape(n_m, n_p)

    def by_member(values: I64) -> I64:
        out = np.zeros(n_m, np.int64)
        np.add.at(out, inputs.client_member[settled], values[settled])
        return out

    m_close = by_member(st.close_pnl)
    m_pos = by_member(st.position_pnl)
    m_fees = by_member(st.fees)
    m_waived = by_member(waived)
    m_delivery = by_member(delivery)
    own_m = inputs.fm_client < 0
    m_dep = np.zeros(n_m, np.int64)
    m_wd = np.zeros(n_m, np.int64)
    np.add.at(
        m_dep,
        inputs.fm_member[own_m & inputs.fm_deposit],
        inputs.fm_amount_fen[own_m & inputs.fm_deposit],
    )
    np.add.at(
        m_wd,
        inputs.fm_member[own_m & ~inputs.fm_deposit],
        inputs.fm_amount_fen[own_m & ~inputs.fm_deposit],
    )
    m_index = {m: i for i, m in enumerate(inputs.members)}
    r_member = np.array([m_index.get(r.member_code, -1) for r in receipts], np.int64)
    mine = (r_member >= 0) & (r_prod >= 0)
    ov_m = offset_value_matrix(
        r_member[mine], r_prod[mine], r_tons[mine], r_base[mine], params.haircut_ppm, n_m, n_p
    )
    members: list[MemberResult] = []
    clients_per_member = np.bincount(inputs.client_member[settled], minlength=n_m)
    for mi in np.flatnonzero(member_active).tolist():
        code = inputs.members[mi]
        prior = inputs.prior_reserve[code]
        prior_cash = prior.reserve_fen + prior.margin_fen - prior.offset_fen
        cash = (
            prior_cash
            + int(m_close[mi])
            + int(m_pos[mi])
            - int(m_fees[mi])
            + int(m_delivery[mi])
            + int(m_dep[mi])
            - int(m_wd[mi])
        )
        margin = int(margin_mp[mi].sum())
        used = int(np.minimum(ov_m[mi], margin_mp[mi]).clip(min=0).sum())
        if params.cash_cap_ppm is not None:
            cap = max(0, _half_up_int(cash * params.cash_cap_ppm, PPM))
            used = min(used, cap)
        reserve = cash - margin + used
        min_reserve = int(inputs.member_min_reserve_fen[mi])
        members.append(
            MemberResult(
                member_code=code,
                clients=int(clients_per_member[mi]),
                prior_reserve_fen=prior.reserve_fen,
                prior_margin_fen=prior.margin_fen,
                prior_offset_fen=prior.offset_fen,
                margin_fen=margin,
                offset_fen=used,
                close_pnl_fen=int(m_close[mi]),
                position_pnl_fen=int(m_pos[mi]),
                fees_fen=int(m_fees[mi]),
                waived_fen=int(m_waived[mi]),
                deposits_fen=int(m_dep[mi]),
                withdrawals_fen=int(m_wd[mi]),
                delivery_fen=int(m_delivery[mi]),
                cash_fen=cash,
                reserve_fen=reserve,
                interest_base_fen=max(0, reserve - used),
                min_reserve_fen=min_reserve,
                margin_call_fen=max(0, min_reserve - reserve),
                opening_banned=opening_banned_after(reserve, min_reserve, prior.opening_banned),
                transfer_restricted=reserve < 0,
            )
        )
    step(4)
    client = {
        "balance_fen": st.cash,
        "deposits_fen": accounts.deposits,
        "withdrawals_fen": accounts.withdrawals,
        "close_pnl_fen": st.close_pnl,
        "position_pnl_fen": st.position_pnl,
        "fees_fen": st.fees,
        "waived_fen": waived,
        "delivery_fen": delivery,
        "margin_fen": st.margin,
        "offset_fen": st.offset,
        "available_fen": st.reserve,
        "margin_call_fen": st.margin_call,
    }
    step(5)
    return ComputedDay(
        line_client=line_client,
        line_contract=line_contract,
        line_side=line_side,
        line_hedge=line_hedge,
        line_lots=line_lots,
        line_today_lots=line_today,
        line_open_price_fen=open_price,
        line_margin_fen=line_margin,
        settled_clients=settled,
        client=client,
        members=members,
        conversions=conversions,
        warnings=warnings,
    )


# =============================================================================
# The service
# =============================================================================


class _Clock:
    def __init__(self) -> None:
        self.seconds: list[tuple[str, float]] = []

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds.append((name, time.perf_counter() - start))


def _days(
    day: date, params: SettlementServiceParams, cal: TradingCalendar
) -> tuple[date, date | None]:
    """prev_td(D) and the delivery match day paid on D; refuses a non-trading day."""
    try:
        if not cal.is_trading_day(day):
            raise SettlementRefusedError(
                day,
                [_problem(day, f"{day.isoformat()} ({day:%A}) is not a trading day")],
                bad_input=True,
            )
        prev = cal.prev_td(day)
    except CalendarHorizonError as exc:
        raise SettlementRefusedError(day, [_problem(day, str(exc))], bad_input=True) from None
    match: date | None = None
    if params.delivery_payment_lag > 0:
        try:
            match = cal.add_trading_days(day, -params.delivery_payment_lag)
        except CalendarHorizonError:
            match = None
    return prev, match


def _write(
    session: Session,
    inputs: sio.DayInputs,
    result: ComputedDay,
    progress: ProgressState | None,
) -> int:
    """Replace D's positions, client balances and member reserves; rows written."""
    conn = session.connection()
    day = inputs.day
    sio.delete_day_results(conn, day)
    held = np.flatnonzero(result.line_lots > 0)  # keys are sorted: index order
    clients = np.array(inputs.clients, dtype=object)
    contracts = np.array([c.code for c in inputs.contracts], dtype=object)
    sides = np.array(sio.SIDE_CODES, dtype=object)
    settled = result.settled_clients
    total = held.size + settled.size + len(result.members)
    base = 0

    def tick(done: int, _n: int) -> None:
        if progress is not None:
            progress.report("write", base + done, total)

    if progress is not None:
        progress.report("write", 0, total)
    pos_table = Position.__table__
    assert isinstance(pos_table, Table)
    sio.insert_columns(
        conn,
        pos_table,
        {
            "trading_day": day,
            "client_code": clients[result.line_client[held]].tolist(),
            "contract_code": contracts[result.line_contract[held]].tolist(),
            "side": sides[result.line_side[held]].tolist(),
            "hedge": result.line_hedge[held],
            "lots": result.line_lots[held],
            "today_lots": result.line_today_lots[held],
            "open_price_fen": result.line_open_price_fen[held],
            "margin_fen": result.line_margin_fen[held],
        },
        tick,
    )
    base = held.size
    bal_table = ClientBalance.__table__
    assert isinstance(bal_table, Table)
    columns: dict[str, object] = {
        "client_code": clients[settled].tolist(),
        "trading_day": day,
    }
    for name, values in result.client.items():
        columns[name] = values[settled]
    sio.insert_columns(conn, bal_table, columns, tick)
    base += settled.size
    res_table = ReserveHistory.__table__
    assert isinstance(res_table, Table)
    now = datetime.now(UTC)
    ms = result.members
    sio.insert_columns(
        conn,
        res_table,
        {
            "member_code": [m.member_code for m in ms],
            "trading_day": day,
            "reserve_fen": [m.reserve_fen for m in ms],
            "margin_fen": [m.margin_fen for m in ms],
            "offset_fen": [m.offset_fen for m in ms],
            "cash_fen": [m.cash_fen for m in ms],
            "close_pnl_fen": [m.close_pnl_fen for m in ms],
            "position_pnl_fen": [m.position_pnl_fen for m in ms],
            "fees_fen": [m.fees_fen for m in ms],
            "waived_fen": [m.waived_fen for m in ms],
            "deposits_fen": [m.deposits_fen for m in ms],
            "withdrawals_fen": [m.withdrawals_fen for m in ms],
            "delivery_fen": [m.delivery_fen for m in ms],
            "margin_call_fen": [m.margin_call_fen for m in ms],
            "opening_banned": [m.opening_banned for m in ms],
            "transfer_restricted": [m.transfer_restricted for m in ms],
            "settled_at": now,
        },
        tick,
    )
    return total


def run_daily_settlement(
    db: Database,
    day: date,
    *,
    user: str | None,
    progress: ProgressState | None = None,
    params: SettlementServiceParams | None = None,
    dry_run: bool = False,
) -> tuple[SettlementRun, Changes]:
    """Settle all clients and members for trading day ``day`` in one transaction.

    Reads prev_td(D)'s positions and balances and D's inputs, replaces D's
    ``position``, ``client_balance`` and ``reserve_history`` rows (a rerun gives the
    same rows; a rerun after a corrected price replaces them) through the write door
    with the audit entry ``settlement.run``. ``dry_run`` computes everything through a
    ``Reader`` and writes nothing.

    Progress stages ``read``, ``compute``, ``write`` (``progress.report``); a cancel
    raises OperationCancelledError and rolls everything back. Raises
    SettlementRefusedError (every problem listed, nothing written) when a held or
    traded contract has no or an off-tick settlement price for D, D is not a trading
    day, or prev_td(D) has no positions and balances. Runs on the caller's thread
    (a worker thread in the desktop); money in fen.
    """
    p = params or SettlementServiceParams()
    cal = p.calendar or default_calendar()
    prev, match = _days(day, p, cal)
    clock = _Clock()

    def settle(session: Session) -> tuple[sio.DayInputs, ComputedDay]:
        if progress is not None:
            progress.report("read", 0, 1)
        with clock.stage("read"):
            inputs = sio.read_day_inputs(session.connection(), day, prev, match)
        if progress is not None:
            progress.report("read", 1, 1)

        def compute_report(done: int, total: int) -> None:
            if progress is not None:
                progress.report("compute", done, total)

        with clock.stage("compute"):
            result = compute_day(inputs, p, cal, compute_report)
        return inputs, result

    def summary(inputs: sio.DayInputs, result: ComputedDay) -> SettlementRun:
        settled = result.settled_clients
        return SettlementRun(
            day=day,
            prev_day=prev,
            dry_run=dry_run,
            clients_settled=int(settled.size),
            position_lines=int((result.line_lots > 0).sum()),
            trades=int(inputs.tr_client.size),
            total_client_margin_fen=int(result.client["margin_fen"][settled].sum()),
            client_margin_calls=int((result.client["margin_call_fen"][settled] > 0).sum()),
            members=tuple(result.members),
            conversions=tuple(result.conversions),
            warnings=tuple(result.warnings),
            stage_seconds=tuple(clock.seconds),
        )

    if dry_run:
        with db.reader() as reader:
            inputs, result = settle(reader.session)
        return summary(inputs, result), Changes.none()

    def work(session: Session) -> Written[SettlementRun]:
        inputs, result = settle(session)
        with clock.stage("write"):
            written = _write(session, inputs, result, progress)
        detail = {
            "day": day.isoformat(),
            "prev_day": prev.isoformat(),
            "clients": int(result.settled_clients.size),
            "position_lines": int((result.line_lots > 0).sum()),
            "rows_written": written,
            "members": {
                m.member_code: {
                    "reserve_fen": m.reserve_fen,
                    "margin_fen": m.margin_fen,
                    "offset_fen": m.offset_fen,
                    "margin_call_fen": m.margin_call_fen,
                    "opening_banned": m.opening_banned,
                }
                for m in result.members
            },
        }
        changed = Changes(members=True, balances=True, positions=True)
        return Written(summary(inputs, result), changed, detail)

    return write(db, AUDIT_ACTION, work, user=user)
