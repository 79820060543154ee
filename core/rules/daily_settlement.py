"""The daily settlement of a whole book as one pure function (spec 2.d, 2.h, 2.k, 2.l).

``settle_day(inputs, params, cal)`` settles every client and member of ``DayInputs``:
no database, no clock, no I/O; ``core.db.day_inputs`` reads the inputs and
``core.services.settlement`` writes the result in one transaction. Every figure comes
from the rule functions of ``core.rules`` (margin rates, FIFO trades, line margins,
marks, receipt offsets, the reserve identity); nothing here restates a formula.

The live monitor of the next trading day starts from what this writes, and uses the
same functions intraday (``core.live.engine``), so the two agree to the fen where the
rules say they coincide (docs/architecture.md).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from core.errors import CalendarHorizonError, InputError, ValidationErrors
from core.money import MoneyOverflowError, format_yuan, group_sum, mul_half_up
from core.rules.day_inputs import (
    ACTION_CLOSE,
    ACTION_DELIVER,
    I64,
    DayInputs,
    LodgedReceipt,
)
from core.rules.fees import FeeSchedule, default_fee_schedule
from core.rules.firm import firm_margin_addon_ppm
from core.rules.funds import (
    AccountBook,
    ClosePieces,
    LineBook,
    OverCloseError,
    TradeBatch,
    TradeBatchResult,
    apply_trades,
    average_open_price,
    line_margin,
    offset_value_matrix,
)
from core.rules.margin_schedule import PPM, DayRates, day_margin_rates
from core.rules.plausibility import day_problems, largest_line
from core.rules.receipt_expiry import Receipt as ExpiryReceipt
from core.rules.receipt_expiry import is_offset_eligible
from core.rules.settlement import (
    ConversionResult,
    MemberSettlement,
    member_settlement,
    settle_book,
)
from core.rules.sides import SIDE_NAMES, sign_of
from core.trading_calendar import TradingCalendar

Bools = np.ndarray


@dataclass(frozen=True)
class DaySettlementParams:
    """Settings of a daily settlement (spec Appendix A; haircut and cap unverified, Q8).

    ``delivery_payment_lag``: trading days from a delivery match to its payment day
    (交收日); the money of matches of ``add_trading_days(D, -lag)`` moves on D (spec 2.d
    example: two). ``cash_cap_ppm`` None = no cap on the receipt offset.
    ``firm_margin_addon_ppm``: the firm's add-on to client margin rates (spec 2.a); None
    = ``resources/risk_params.toml`` [firm.margin_addon] (default 0). Client figures
    margin at exchange rate + add-on; the member's (exchange) figures and the stored
    line margins stay at the exchange rate.
    """

    haircut_ppm: int = 800_000
    cash_cap_ppm: int | None = 4 * PPM
    delivery_payment_lag: int = 2
    firm_margin_addon_ppm: int | None = None
    fee_schedule: FeeSchedule | None = None
    calendar: TradingCalendar | None = None

    def addon_ppm(self) -> int:
        """The firm's client-margin add-on (ppm); InputError if negative."""
        addon = (
            self.firm_margin_addon_ppm
            if self.firm_margin_addon_ppm is not None
            else firm_margin_addon_ppm()
        )
        if addon < 0:
            raise InputError(f"a firm margin add-on cannot be negative, got {addon} ppm")
        return addon


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


def problem(day: date, message: str, about: str = "") -> InputError:
    """One reason a settlement of ``day`` is refused."""
    return InputError(message, source=f"settlement of {day.isoformat()}", field=about)


@dataclass
class DaySettlement:
    """One day's settlement as arrays, ready to write (line order: sorted line keys)."""

    line_client: I64
    line_contract: I64
    line_side: I64
    line_hedge: Bools
    line_lots: I64
    line_today_lots: I64
    line_open_price_fen: I64
    line_margin_fen: I64
    """S(D) × mult × lots × the exchange's settlement rate (what the member pays)."""
    settled_clients: I64
    client: dict[str, I64]
    members: list[MemberSettlement]
    conversions: list[ConversionResult]
    warnings: list[str] = field(default_factory=list)
    line_client_margin_fen: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    """The line's margin at the client rate (exchange rate + the firm's add-on): the
    terms of the client's margin in use."""
    line_position_pnl_fen: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    """The line's position P&L at S(D) (Σ per client = the client's position P&L)."""
    trade_pnl_fen: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    """Close P&L of each of D's trades (``inputs.tr_*`` order; 0 for opens)."""
    close_pieces: ClosePieces = field(default_factory=ClosePieces.empty)
    """The closes' first-in-first-out pieces; ``trade`` indexes ``inputs.tr_*``."""


# =============================================================================
# Receipts lodged as margin (spec 2.c, 2.i)
# =============================================================================


def base_prices(inputs: DayInputs, day: date, prior_settle_fen: I64) -> dict[str, tuple[str, int]]:
    """Receipt base price per product for the settlement of ``day``: S(prev_td(day)) of
    its nearest contract listed on ``day`` (spec 2.c default); product → (contract, fen).
    Products without one are absent."""
    out: dict[str, tuple[str, int]] = {}
    order = sorted(range(len(inputs.contracts)), key=lambda i: inputs.contracts[i].delivery_month)
    for k in order:
        c = inputs.contracts[k]
        if c.product in out:
            continue
        if c.is_listed_on(day) and prior_settle_fen.size and prior_settle_fen[k] > 0:
            out[c.product] = (c.code, int(prior_settle_fen[k]))
    return out


def eligible_receipts(
    receipts: list[LodgedReceipt], day: date, cal: TradingCalendar, warnings: list[str]
) -> list[LodgedReceipt]:
    """Receipts lodged as margin that count at the settlement of ``day`` (2.c, 2.i).

    A receipt lodged during ``day`` counts from the next settlement on (Q8 default); a
    receipt past its validity deadline counts for nothing.
    """
    out = []
    expired = 0
    for r in receipts:
        if r.status_since is not None and r.status_since >= day:
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
            ok = is_offset_eligible(rec, day, cal=cal)
        except CalendarHorizonError:
            # the next deadline lies beyond the calendar, so after ``day``: not expired
            ok = r.registration_date <= day
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


@dataclass(frozen=True)
class PledgeQuota:
    """Offset values (pledge quota, 质押额度) fixed at one settlement, fen per
    (holder, product): ``client`` (clients × products), ``member`` (members × products).
    ``missing_base`` lists products with lodged receipts but no base price."""

    client: I64
    member: I64
    missing_base: tuple[str, ...]


def pledge_quota(
    inputs: DayInputs,
    day: date,
    prior_settle_fen: I64,
    haircut_ppm: int,
    cal: TradingCalendar,
    warnings: list[str],
) -> PledgeQuota:
    """The receipt offset values fixed at the settlement of ``day`` (spec 2.c).

    Value = Σ tons × base price × haircut per holder and product, half up once; base =
    S(prev_td(day)) of the product's nearest contract listed on ``day``. The quota
    fixed at the settlement of prev_td(D) holds through D's session (spec 2.c: "base
    price change: recompute at settlement only"), so the live monitor of D calls this
    with ``day = prev_td(D)``: the start of D shows the prior settlement's figures.
    """
    n_c, n_m, n_p = len(inputs.clients), len(inputs.members), len(inputs.products)
    receipts = eligible_receipts(inputs.receipts, day, cal, warnings)
    base = base_prices(inputs, day, prior_settle_fen)
    missing = tuple(sorted({r.product for r in receipts} - set(base)))
    receipts = [r for r in receipts if r.product in base]
    p_index = {p: i for i, p in enumerate(inputs.products)}
    c_index = inputs.client_index
    m_index = {m: i for i, m in enumerate(inputs.members)}
    r_prod = np.array([p_index.get(r.product, -1) for r in receipts], np.int64)
    r_tons = np.array([r.tons for r in receipts], np.int64)
    r_base = np.array([base[r.product][1] for r in receipts], np.int64)
    r_client = np.array([c_index.get(r.holder_code, -1) for r in receipts], np.int64)
    r_member = np.array([m_index.get(r.member_code, -1) for r in receipts], np.int64)
    own = (r_client >= 0) & (r_prod >= 0)
    mine = (r_member >= 0) & (r_prod >= 0)
    return PledgeQuota(
        client=offset_value_matrix(
            r_client[own], r_prod[own], r_tons[own], r_base[own], haircut_ppm, n_c, n_p
        ),
        member=offset_value_matrix(
            r_member[mine], r_prod[mine], r_tons[mine], r_base[mine], haircut_ppm, n_m, n_p
        ),
        missing_base=missing,
    )


# =============================================================================
# The settlement
# =============================================================================


def line_keys(client: I64, contract: I64, side: I64, hedge: Bools, n_contracts: int) -> I64:
    """One int64 key per (client, contract, side, hedge), ordered as the position table."""
    return (
        ((client * n_contracts + contract) * 2 + side) * 2 + np.asarray(hedge).astype(np.int64)
    ).astype(np.int64)


def _check_prices(
    inputs: DayInputs,
    settle_fen: I64,
    line_contract: I64,
    hist_lots: I64,
    problems: list[InputError],
) -> None:
    """Every held or traded contract needs S(D) (``settle_fen``) on the tick; historic
    lots S(prev)."""
    day = inputs.day
    needed = np.zeros(len(inputs.contracts), np.bool_)
    needed[line_contract] = True
    hist_needed = np.zeros(len(inputs.contracts), np.bool_)
    if hist_lots.size:
        hist_needed[line_contract[hist_lots > 0]] = True
    for k in np.flatnonzero(needed).tolist():
        c = inputs.contracts[k]
        s = int(settle_fen[k])
        if s <= 0:
            problems.append(problem(day, f"no settlement price for {day.isoformat()}", c.code))
        elif s % c.tick_fen:
            problems.append(
                problem(
                    day,
                    f"settlement price {format_yuan(s)} is off the tick {format_yuan(c.tick_fen)}",
                    c.code,
                )
            )
        if hist_needed[k] and inputs.prior_settle_fen[k] <= 0:
            problems.append(
                problem(
                    day,
                    f"no settlement price for the prior day {inputs.prev_day.isoformat()} "
                    "(needed to mark historic lots)",
                    c.code,
                )
            )


def sorted_unique(values: I64) -> I64:
    """The distinct values in ascending order, like ``np.unique``.

    A carried book's line keys arrive sorted and distinct (the prior settlement wrote
    them in key order), so that case costs one comparison pass; otherwise one sort.
    (numpy 2's hashing ``unique`` took 0.2 s per call on a million keys.)
    """
    if values.size < 2 or bool((values[1:] > values[:-1]).all()):
        return values
    ordered = np.sort(values)
    keep = np.empty(ordered.size, np.bool_)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


@dataclass(eq=False)
class PreparedDay:
    """A day's client book after its trades, before the prices of its settlement.

    ``prepare_day`` builds it; ``settle_prepared`` finishes the settlement at a vector
    of settlement prices and a set of margin rates, as often as asked (the stress
    scenarios settle one prepared day at many prices). Line order: sorted line keys.
    """

    inputs: DayInputs
    params: DaySettlementParams
    cal: TradingCalendar
    line_client: I64
    line_contract: I64
    line_side: I64
    line_hedge: Bools
    prev_open: I64
    pairs: frozenset[tuple[int, bool]]
    """(contract index, hedge) of every line: the rates the settlement needs."""
    rates: DayRates
    """rate_settle(D) of ``pairs`` from the inputs' lock runs and notices."""
    settled: I64
    member_active: Bools
    quota: PledgeQuota
    book: LineBook
    accounts: AccountBook
    waived: I64
    delivery: I64
    spec_line: I64
    hedge_line: I64
    hq_idx: I64
    addon: int
    warnings: list[str]
    applied: TradeBatchResult
    """The day's trades as applied (close P&L per trade, FIFO pieces); forced closes
    added by ``apply_closes`` are not in it."""
    _open_price: I64 | None = None

    @property
    def n_lines(self) -> int:
        return int(self.line_client.size)

    def apply_closes(self, line: I64, lots: I64, price_fen: I64) -> None:
        """Close ``lots`` of book ``line`` at ``price_fen`` without fee (forced orders:
        a forced reduction at D3's limit price, a forced liquidation), first in first
        out after the day's trades (``apply_trades``); before ``settle_prepared``.
        Raises OverCloseError when a line holds fewer lots."""
        if not line.size:
            return
        batch = TradeBatch.of(line, np.full(line.size, ACTION_CLOSE), lots, price_fen)
        apply_trades(self.book, self.accounts, batch)
        self._open_price = None


def prepare_day(
    inputs: DayInputs,
    params: DaySettlementParams,
    cal: TradingCalendar,
    report: Callable[[int, int], None] | None = None,
) -> PreparedDay:
    """Check ``inputs`` and apply the day's trades to its client book (pure).

    Raises SettlementRefusedError listing every problem found (implausible stored
    values and a book beyond the bound rule, ``core.rules.plausibility``; missing or
    off-tick settlement prices of ``inputs.settle_fen``, missing prior data, no margin
    rate, impossible closes).
    """
    day = inputs.day
    problems: list[InputError] = []
    steps = 5

    def step(i: int) -> None:
        if report is not None:
            report(i, steps)

    step(0)
    if inputs.prev_position_rows == 0 and inputs.prev_balance_rows == 0:
        problems.append(
            problem(
                day,
                f"the prior trading day {inputs.prev_day.isoformat()} has no positions "
                "and no client balances: settle or import it first",
            )
        )
    # ---- implausible stored values and the bound rule (issue #13): refused before any
    # int64 arithmetic, naming the client, the contract and the field
    for bad in day_problems(inputs):
        who = ", ".join(x for x in (f"client {bad.client}" if bad.client else "", bad.field) if x)
        problems.append(problem(day, f"{who}: {bad.message}", bad.contract))
    if problems:
        raise SettlementRefusedError(day, problems)
    try:
        return _prepare(inputs, params, cal, step)
    except MoneyOverflowError as exc:
        raise _overflow_refusal(inputs, exc) from None


def _overflow_refusal(inputs: DayInputs, exc: MoneyOverflowError) -> SettlementRefusedError:
    """Unreachable when the bound rule holds; a refusal still beats a wrapped figure."""
    client, contract, lots = largest_line(inputs)
    message = (
        f"client {client}, {exc.what or 'money'}: {exc} (the largest line holds {lots:,} lots)"
    )
    return SettlementRefusedError(inputs.day, [problem(inputs.day, message, contract)])


def _prepare(
    inputs: DayInputs,
    params: DaySettlementParams,
    cal: TradingCalendar,
    step: Callable[[int], None],
) -> PreparedDay:
    """``prepare_day`` once the inputs passed the plausibility checks."""
    day = inputs.day
    problems: list[InputError] = []
    warnings: list[str] = []
    n_k = len(inputs.contracts)
    n_c = len(inputs.clients)

    # ---- position lines: prior lines ∪ traded lines ∪ hedge-conversion targets
    pos_keys = line_keys(
        inputs.pos_client, inputs.pos_contract, inputs.pos_side, inputs.pos_hedge, n_k
    )
    tr_keys = line_keys(inputs.tr_client, inputs.tr_contract, inputs.tr_side, inputs.tr_hedge, n_k)
    hq_spec = line_keys(
        inputs.hq_client,
        inputs.hq_contract,
        inputs.hq_side,
        np.zeros(inputs.hq_client.size, np.bool_),
        n_k,
    )
    have = sorted_unique(np.concatenate((pos_keys, tr_keys)) if tr_keys.size else pos_keys)
    if hq_spec.size:
        at = np.minimum(np.searchsorted(have, hq_spec), max(have.size - 1, 0))
        hq_ok = (have[at] == hq_spec) if have.size else np.zeros(hq_spec.size, np.bool_)
        keys = sorted_unique(np.concatenate((have, hq_spec[hq_ok] + 1)))
    else:
        hq_ok = np.zeros(0, np.bool_)
        keys = have
    line_hedge = (keys % 2).astype(np.bool_)
    line_side = (keys // 2) % 2
    line_contract = (keys // 4) % n_k
    line_client = keys // (4 * n_k)
    n_lines = keys.size
    pos_line = np.searchsorted(keys, pos_keys)
    hist_lots = group_sum(pos_line, inputs.pos_lots, n_lines, "lots")
    prev_open = np.zeros(n_lines, np.int64)
    prev_open[pos_line] = inputs.pos_open_price_fen
    tr_line = np.searchsorted(keys, tr_keys)
    _check_prices(inputs, inputs.settle_fen, line_contract, hist_lots, problems)
    pair_codes = np.flatnonzero(np.bincount(line_contract * 2 + line_hedge, minlength=2 * n_k))
    pairs = frozenset((int(c) // 2, bool(c % 2)) for c in pair_codes.tolist())
    rates = day_margin_rates(
        inputs.contracts,
        day,
        lock_runs=inputs.limit_lock_runs,
        adjustments=inputs.adjustments,
        pairs=pairs,
        cal=cal,
    )
    warnings.extend(rates.warnings)
    for k, why in sorted(rates.problems.items()):
        problems.append(problem(day, f"no settlement margin rate: {why}", inputs.contracts[k].code))

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
            problem(
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
                problem(
                    day,
                    f"no settlement reserve on the prior day {inputs.prev_day.isoformat()}",
                    f"member {code}",
                )
            )
    quota = pledge_quota(inputs, day, inputs.prior_settle_fen, params.haircut_ppm, cal, warnings)
    for p in quota.missing_base:
        problems.append(
            problem(
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
    addon = params.addon_ppm()
    book = LineBook.from_arrays(
        account=line_client,
        product=inputs.product_of_contract[line_contract],
        multiplier=mult[line_contract],
        side=line_side,
        prior_fen=np.maximum(inputs.prior_settle_fen[line_contract], 0),
        # the open rate: rate_settle(D) is applied at settlement (settle_prepared)
        rate_ppm=np.zeros(n_lines, np.int64),
        hist_lots=hist_lots,
        n_accounts=n_c,
        n_products=len(inputs.products),
    )
    accounts = AccountBook.zeros(n_c)
    accounts.balance = inputs.prior_balance_fen.copy()
    accounts.deposits, accounts.withdrawals = inputs.client_deposits()
    batch = TradeBatch.of(
        tr_line, inputs.tr_action, inputs.tr_lots, inputs.tr_price_fen, inputs.tr_fee_fen
    )
    try:
        applied = apply_trades(book, accounts, batch)
    except OverCloseError as exc:
        li = int(tr_line[exc.trade])
        raise SettlementRefusedError(
            day,
            [
                problem(
                    day,
                    f"client {inputs.clients[int(line_client[li])]}: a "
                    f"{'delivery' if inputs.tr_action[exc.trade] == ACTION_DELIVER else 'close'}"
                    f" of {exc.requested} {SIDE_NAMES[int(line_side[li])]} lots but only "
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
        value = mul_half_up((inputs.pay_price_fen, mult[inputs.pay_contract], inputs.pay_lots), 1)
        # the buyer (long) pays, the seller (short) receives: −sign × value
        delivery = group_sum(inputs.pay_client, -sign_of(inputs.pay_side) * value, n_c, "delivery")

    # ---- hedge conversions (2.h): line indices of speculative and hedge lines
    hq_idx = np.flatnonzero(hq_ok)
    spec_line = np.searchsorted(keys, hq_spec[hq_idx])
    hedge_line = np.searchsorted(keys, hq_spec[hq_idx] + 1)
    return PreparedDay(
        inputs=inputs,
        params=params,
        cal=cal,
        line_client=line_client,
        line_contract=line_contract,
        line_side=line_side,
        line_hedge=line_hedge,
        prev_open=prev_open,
        pairs=pairs,
        rates=rates,
        settled=settled,
        member_active=member_active,
        quota=quota,
        book=book,
        accounts=accounts,
        waived=waived,
        delivery=delivery,
        spec_line=spec_line.astype(np.int64),
        hedge_line=hedge_line.astype(np.int64),
        hq_idx=hq_idx.astype(np.int64),
        addon=addon,
        warnings=warnings,
        applied=applied,
    )


def settle_prepared(
    prepared: PreparedDay,
    settle_fen: I64 | None = None,
    rates: DayRates | None = None,
    report: Callable[[int, int], None] | None = None,
) -> DaySettlement:
    """Finish a prepared day's settlement at ``settle_fen`` (S(D) per contract; default
    the inputs') and ``rates`` (rate_settle(D); default the inputs').

    The prepared book is not changed, so one prepared day can be settled at many price
    vectors (a book with hedge conversions is copied first: they convert at S(D)).
    Raises SettlementRefusedError for a held contract without a valid price or a line
    without a rate, and for money beyond int64 (``_overflow_refusal``).
    """
    try:
        return _settle_prepared(prepared, settle_fen, rates, report)
    except MoneyOverflowError as exc:
        raise _overflow_refusal(prepared.inputs, exc) from None


def _settle_prepared(
    prepared: PreparedDay,
    settle_fen: I64 | None,
    rates: DayRates | None,
    report: Callable[[int, int], None] | None,
) -> DaySettlement:
    """``settle_prepared`` without the overflow refusal."""
    pd_ = prepared
    inputs, day = pd_.inputs, pd_.inputs.day
    prices = inputs.settle_fen if settle_fen is None else np.asarray(settle_fen, np.int64)
    day_rates = pd_.rates if rates is None else rates
    if settle_fen is not None:
        problems: list[InputError] = []
        # the prior prices were checked by prepare_day
        _check_prices(inputs, prices, pd_.line_contract, np.zeros(0, np.int64), problems)
        if problems:
            raise SettlementRefusedError(day, problems)
    try:
        rate_line = day_rates.line_rates(pd_.line_contract, pd_.line_hedge)
    except KeyError as exc:
        k = int(exc.args[0][0])
        why = day_rates.problems.get(k, "no rate given")
        raise SettlementRefusedError(
            day, [problem(day, f"no settlement margin rate: {why}", inputs.contracts[k].code)]
        ) from None
    book, accounts = pd_.book, pd_.accounts
    converting = pd_.spec_line.size > 0
    if converting:  # conversions change the book at S(D): keep the prepared one intact
        book, accounts = copy.deepcopy(book), copy.deepcopy(accounts)
    settle_line = prices[pd_.line_contract]
    addon = pd_.addon
    st = settle_book(
        book,
        accounts,
        settle_line,
        rate_line + addon,  # client rate = exchange rate + the firm's add-on (2.a)
        pd_.quota.client,
        delivery_fen=pd_.delivery,
        conversion_spec_line=pd_.spec_line,
        conversion_hedge_line=pd_.hedge_line,
        conversion_quota=inputs.hq_lots[pd_.hq_idx],
        cash_cap_ppm=pd_.params.cash_cap_ppm,
        min_reserve_fen=0,  # a client's call is max(0, −available)
    )
    converted = np.zeros(inputs.hq_client.size, np.int64)
    converted[pd_.hq_idx] = st.converted_lots
    conversions = [
        ConversionResult(
            contract=inputs.contracts[int(inputs.hq_contract[q])].code,
            side=SIDE_NAMES[int(inputs.hq_side[q])],
            quota=int(inputs.hq_lots[q]),
            converted=int(converted[q]),
            client=inputs.clients[int(inputs.hq_client[q])],
        )
        for q in range(inputs.hq_client.size)
    ]
    if report is not None:
        report(3, 5)

    # ---- per line: lots, the exchange's margin at S(D), FIFO average open price
    line_lots = book.lots()
    line_margin_fen = (
        st.margin_line  # the same line_margin at the same rate
        if addon == 0
        else line_margin(settle_line, book.multiplier, line_lots, rate_line)
    )
    if converting:
        open_price = average_open_price(
            book.hist_lots, pd_.prev_open, book.today_lots, book.today_cost
        )
    else:  # independent of S(D): computed once per prepared day
        if pd_._open_price is None:
            pd_._open_price = average_open_price(
                book.hist_lots, pd_.prev_open, book.today_lots, book.today_cost
            )
        open_price = pd_._open_price

    # ---- members: exchange view aggregated from the client lines (docs/settlement.md)
    members = _members(
        inputs,
        pd_.settled,
        pd_.member_active,
        pd_.line_client,
        pd_.line_contract,
        line_margin_fen,
        st.close_pnl,
        st.position_pnl,
        st.fees,
        pd_.waived,
        pd_.delivery,
        pd_.quota.member,
        pd_.params.cash_cap_ppm,
    )
    if report is not None:
        report(4, 5)
    client = {
        "balance_fen": st.cash,
        "deposits_fen": accounts.deposits,
        "withdrawals_fen": accounts.withdrawals,
        "close_pnl_fen": st.close_pnl,
        "position_pnl_fen": st.position_pnl,
        "fees_fen": st.fees,
        "waived_fen": pd_.waived,
        "delivery_fen": pd_.delivery,
        "margin_fen": st.margin,
        "offset_fen": st.offset,
        "available_fen": st.reserve,
        "margin_call_fen": st.margin_call,
    }
    if report is not None:
        report(5, 5)
    return DaySettlement(
        line_client=pd_.line_client,
        line_contract=pd_.line_contract,
        line_side=pd_.line_side,
        line_hedge=pd_.line_hedge,
        line_lots=line_lots,
        line_today_lots=book.today_lots.copy(),
        line_open_price_fen=open_price,
        line_margin_fen=line_margin_fen,
        settled_clients=pd_.settled,
        client=client,
        members=members,
        conversions=conversions,
        warnings=list(pd_.warnings),
        line_client_margin_fen=st.margin_line,
        line_position_pnl_fen=st.position_pnl_line,
        trade_pnl_fen=pd_.applied.trade_pnl_fen,
        close_pieces=pd_.applied.pieces,
    )


def settle_day(
    inputs: DayInputs,
    params: DaySettlementParams,
    cal: TradingCalendar,
    report: Callable[[int, int], None] | None = None,
) -> DaySettlement:
    """Settle every client and member of ``inputs`` (pure; no database).

    ``prepare_day`` (checks, the client book, the day's trades, fees, deliveries) then
    ``settle_prepared`` at the inputs' settlement prices and rates. Raises
    SettlementRefusedError listing every problem found (implausible stored values, the
    bound rule, missing or off-tick settlement prices, missing prior data, no margin
    rate, impossible closes).
    """
    return settle_prepared(prepare_day(inputs, params, cal, report), report=report)


def _members(
    inputs: DayInputs,
    settled: I64,
    member_active: Bools,
    line_client: I64,
    line_contract: I64,
    line_margin_fen: I64,
    close_pnl: I64,
    position_pnl: I64,
    fees: I64,
    waived: I64,
    delivery: I64,
    member_quota: I64,
    cash_cap_ppm: int | None,
) -> list[MemberSettlement]:
    """Each member's exchange-view settlement from its clients' lines and flows."""
    n_m, n_p = len(inputs.members), len(inputs.products)
    line_member = inputs.client_member[line_client]
    margin_mp = group_sum(
        line_member * n_p + inputs.product_of_contract[line_contract],
        line_margin_fen,
        n_m * n_p,
        "member margin",
    ).reshape(n_m, n_p)
    of_member = inputs.client_member[settled]

    def by_member(values: I64) -> I64:
        return group_sum(of_member, values[settled], n_m, "member total")

    m_close, m_pos, m_fees = by_member(close_pnl), by_member(position_pnl), by_member(fees)
    m_waived, m_delivery = by_member(waived), by_member(delivery)
    m_dep, m_wd = inputs.member_deposits()
    clients_per_member = np.bincount(of_member, minlength=n_m)
    out: list[MemberSettlement] = []
    for mi in np.flatnonzero(member_active).tolist():
        code = inputs.members[mi]
        prior = inputs.prior_reserve[code]
        out.append(
            member_settlement(
                prior_reserve_fen=prior.reserve_fen,
                prior_margin_fen=prior.margin_fen,
                prior_offset_fen=prior.offset_fen,
                margin_by_product=margin_mp[mi],
                offset_value_by_product=member_quota[mi],
                close_pnl_fen=int(m_close[mi]),
                position_pnl_fen=int(m_pos[mi]),
                fees_fen=int(m_fees[mi]),
                waived_fen=int(m_waived[mi]),
                deposits_fen=int(m_dep[mi]),
                withdrawals_fen=int(m_wd[mi]),
                delivery_fen=int(m_delivery[mi]),
                cash_cap_ppm=cash_cap_ppm,
                min_reserve_fen=int(inputs.member_min_reserve_fen[mi]),
                prior_opening_banned=prior.opening_banned,
                member_code=code,
                clients=int(clients_per_member[mi]),
            )
        )
    return out
