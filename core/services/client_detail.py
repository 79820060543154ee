"""The client panel: one client after one settlement, every figure with where it comes from.

``client_detail(reader, ClientDetailRequest(client, day))`` answers the desk's "why is
this account where it is?" (issue #11 item 5). It reads the client's stored rows of the
settled day D (``core.db.client_queries``: indexed by client, a few dozen rows) and puts
them through the very rules the daily settlement used, so that every figure shown is
the rule's answer, never a formula of this module:

* **Lines** (spec 2.a, 2.b): rate_settle(D) per line from ``day_margin_rates`` (with
  every standard it weighed: general rate, period step, limit-lock step, exchange
  notice, minimum), plus the firm's add-on (``DaySettlementParams.addon_ppm``); the
  line's margin ``line_margin(S(D), mult, lots, rate)``.
* **Receipt offset** (2.c): the pledge quota of D's settlement (``pledge_quota``:
  eligible receipts, base price S(prev_td(D)) of the nearest listed contract, haircut),
  the part used per product and the cash cap (``offset_used``, ``offset_cap``).
* **Funds** (2.c, 2.d): the client statement's identity ``member_settlement`` with no
  prior margin or offset (the settlement's own reading for a client, see
  ``core.rules.settlement``): balance = prior balance + transfers + close P&L + position
  P&L − fees ± delivery money; available = balance − (margin − offset used).
  Close and position P&L, fees and transfers are the settlement's stored results of D
  (they need the day's trades, first-in-first-out); the prior balance is the stored
  balance of prev_td(D).
* **Risk and call**: the firm's levels and call setting through
  ``core.services.calls.build_call_list`` (``core.rules.margin_calls``), on the same
  figures the Accounts screen classifies.
* **Notices** (``core.services.notices.notice_history``) and stored **alerts**
  (``core.services.alerts.client_alerts``).

Each recomputed figure is paired with what the settlement stored (``FundsTerm.stored_fen``,
``MarginLine.stored_margin_fen``); they agree unless an input changed after the
settlement (a receipt cancelled, a price or notice re-imported), and ``differences``
names those. A read: it writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal

import numpy as np

from core.db import client_queries as cq
from core.db.reader import Reader
from core.errors import InputError
from core.money import group_sum
from core.rules.call_deadline import CallDeadline
from core.rules.daily_settlement import (
    DaySettlementParams,
    base_prices,
    eligible_receipts,
    pledge_quota,
)
from core.rules.day_inputs import DayInputs
from core.rules.funds import line_margin, offset_cap, offset_used
from core.rules.margin_calls import CallSettings, call_to_available
from core.rules.margin_schedule import RateDecision, day_margin_rates, rate_to_ppm
from core.rules.risk_levels import MARGIN_CALL, NORMAL, RiskLevels, default_risk_levels
from core.rules.settlement import member_settlement
from core.services.alerts import ClientAlert, client_alerts
from core.services.calls import CallRequest, build_call_list
from core.services.notices import NoticeDetail, notice_history
from core.trading_calendar import TradingCalendar, default_calendar

Op = Literal["", "+", "−", "="]

TERM_KEYS = (
    "prior_balance",
    "deposits",
    "withdrawals",
    "close_pnl",
    "position_pnl",
    "fees",
    "delivery",
    "balance",
    "margin",
    "offset_used",
    "available",
)
"""The terms of ``FundsBreakdown.terms`` in order: the balance identity (spec 2.d client
statement) down to ``balance``, then available funds (spec 2.c)."""

RAISED_SOURCES = frozenset({"schedule", "limit_lock", "adhoc"})
"""Standards that raise a contract's rate above its general rate (spec 2.b)."""


# =============================================================================
# Results
# =============================================================================


@dataclass(frozen=True)
class FundsTerm:
    """One line of the funds breakdown: ``op`` says how it enters the running sum
    ("" starts it, "=" is a result), ``value_fen`` the recomputed figure and
    ``stored_fen`` what the settlement stored for it (None where it stores nothing)."""

    key: str
    op: Op
    value_fen: int
    stored_fen: int | None = None

    @property
    def agrees(self) -> bool:
        return self.stored_fen is None or self.stored_fen == self.value_fen


@dataclass(frozen=True)
class FundsBreakdown:
    """The client's funds after the settlement of ``day`` (fen; spec 2.c, 2.d).

    ``balance_fen`` is today's balance (当日结存) and, after settlement, the dynamic
    equity too (every open lot is marked to S(D): no floating P&L is left).
    ``pledge_fen``: the receipts' offset value (质押金额) fixed at this settlement;
    ``offset_uncapped_fen``: Σ per product min(pledge, margin); ``offset_cap_fen``:
    cap × balance (None: no cap); ``offset_used_fen``: the smaller.
    ``has_prior_balance`` is False for a client without a balance on ``prev_day``
    (a new account: the settlement starts it from 0).
    """

    day: date
    prev_day: date
    has_prior_balance: bool
    prior_balance_fen: int
    deposits_fen: int
    withdrawals_fen: int
    close_pnl_fen: int
    position_pnl_fen: int
    fees_fen: int
    waived_fen: int
    delivery_fen: int
    balance_fen: int
    margin_fen: int
    exchange_margin_fen: int
    pledge_fen: int
    offset_uncapped_fen: int
    offset_cap_fen: int | None
    offset_used_fen: int
    available_fen: int
    risk_ratio_ppm: int
    risk_level: int
    stored: cq.StoredBalance

    @property
    def dynamic_equity_fen(self) -> int:
        """Equity after settlement: the balance (no floating P&L after marking to S(D))."""
        return self.balance_fen

    def terms(self) -> tuple[FundsTerm, ...]:
        """The breakdown in ``TERM_KEYS`` order, each with its stored counterpart."""
        s = self.stored
        return (
            FundsTerm("prior_balance", "", self.prior_balance_fen),
            FundsTerm("deposits", "+", self.deposits_fen, s.deposits_fen),
            FundsTerm("withdrawals", "−", self.withdrawals_fen, s.withdrawals_fen),
            FundsTerm("close_pnl", "+", self.close_pnl_fen, s.close_pnl_fen),
            FundsTerm("position_pnl", "+", self.position_pnl_fen, s.position_pnl_fen),
            FundsTerm("fees", "−", self.fees_fen, s.fees_fen),
            FundsTerm("delivery", "+", self.delivery_fen, s.delivery_fen),
            FundsTerm("balance", "=", self.balance_fen, s.balance_fen),
            FundsTerm("margin", "−", self.margin_fen, s.margin_fen),
            FundsTerm("offset_used", "+", self.offset_used_fen, s.offset_fen),
            FundsTerm("available", "=", self.available_fen, s.available_fen),
        )

    def differences(self) -> tuple[FundsTerm, ...]:
        """Terms whose recomputed figure differs from the stored one (normally none)."""
        return tuple(t for t in self.terms() if not t.agrees)


@dataclass(frozen=True)
class RateStep:
    """Why a line pays its exchange rate at the settlement of D (spec 2.b): the highest
    of the standards weighed. ``reason`` is the winning standard (``contract_minimum``,
    ``general``, ``hedge_general``, ``schedule``, ``limit_lock``, ``adhoc``);
    ``considered`` every standard weighed with its rate (ppm), in the rule's order.

    schedule: ``period_start`` (the period's first trading day: the ``nth_trading_day``
    of the delivery month when ``month_offset`` is 0, of the month before when −1) and
    ``applies_from`` (R19: from the settlement of the trading day before it).
    limit_lock: ``locked_days`` consecutive same-direction locked days up to D, the
    normal limit L0 (``base_limit_ppm``), the next day's limit (``next_limit_ppm``); the
    rate is at least that limit + 2 percentage points. adhoc: an exchange notice in
    force from the settlement of ``applies_from`` (to ``until``; None: until further
    notice).
    """

    reason: str
    rate_ppm: int
    general_ppm: int
    considered: tuple[tuple[str, int], ...]
    period_start: date | None = None
    applies_from: date | None = None
    month_offset: int | None = None
    nth_trading_day: int | None = None
    locked_days: int | None = None
    base_limit_ppm: int | None = None
    next_limit_ppm: int | None = None
    until: date | None = None
    warnings: tuple[str, ...] = ()

    @property
    def is_raised(self) -> bool:
        """A step above the general rate set the rate (a period, limit lock or notice)."""
        return self.reason in RAISED_SOURCES and self.rate_ppm > self.general_ppm


@dataclass(frozen=True)
class MarginLine:
    """One position line after the settlement of D: margin = S(D) × mult × lots × rate
    (``line_margin``: one line, one rounding half up), rate = exchange rate + the firm's
    add-on (ppm). ``exchange_margin_fen`` is the same line at the exchange rate (what
    the member pays the exchange, what the settlement stored: ``stored_margin_fen``)."""

    contract: str
    product: str
    side: str
    hedge: bool
    lots: int
    today_lots: int
    open_price_fen: int
    settlement_fen: int
    multiplier: int
    exchange_rate_ppm: int
    addon_ppm: int
    rate_ppm: int
    margin_fen: int
    exchange_margin_fen: int
    stored_margin_fen: int
    step: RateStep


@dataclass(frozen=True)
class ProductOffset:
    """One product's receipt offset (spec 2.c): its margin, the pledge quota of the
    client's eligible receipts (``pledge_fen``) and the part used, min(pledge, margin).
    ``base_contract``/``base_price_fen``: the base price, S(prev_td(D)) of the
    product's nearest listed contract (None: no base price, the receipts count 0)."""

    product: str
    margin_fen: int
    pledge_fen: int
    used_fen: int
    base_contract: str | None
    base_price_fen: int | None


ReceiptState = Literal[
    "counts", "lodged_after", "past_deadline", "no_base_price", "not_pledged", "in_delivery"
]


@dataclass(frozen=True)
class ReceiptLine:
    """A receipt the client holds and whether it counts at this settlement: ``counts``
    (lodged as margin before D, within its validity); ``lodged_after`` (lodged on or
    after D: counts from the next settlement, Q8); ``past_deadline`` (past its validity
    deadline, 2.i); ``no_base_price``; ``not_pledged`` (held, not lodged as margin);
    ``in_delivery`` (frozen for delivery)."""

    receipt: cq.HeldReceipt
    state: ReceiptState


@dataclass(frozen=True)
class ReceiptOffset:
    """The receipt offset of the settlement of D: per product, the cap and the total
    used (fen); ``haircut_ppm`` and ``cash_cap_ppm`` the settings (unverified, Q8)."""

    haircut_ppm: int
    cash_cap_ppm: int | None
    products: tuple[ProductOffset, ...]
    pledge_fen: int
    uncapped_fen: int
    cap_fen: int | None
    used_fen: int
    receipts: tuple[ReceiptLine, ...]

    @property
    def cap_binds(self) -> bool:
        return self.cap_fen is not None and self.cap_fen < self.uncapped_fen


@dataclass(frozen=True)
class ClientCall:
    """The client's margin call after the settlement of D (``core.rules.margin_calls``
    through ``core.services.calls``): level and ratio, the two requirements (0 where
    the setting asks for none), the amount to call, the deadline. ``top_up_fen`` is the
    client statement's required top-up max(0, −available funds) (spec 2.d,
    ``call_to_available``) and ``stored_call_fen`` what the settlement stored for it."""

    level: int
    risk_ratio_ppm: int
    to_available_fen: int
    to_ratio_fen: int
    call_fen: int
    deadline: datetime
    target: str
    target_ratio_ppm: int
    ratio_definition: str
    top_up_fen: int
    stored_call_fen: int

    @property
    def is_called(self) -> bool:
        """On the call list (margin call or worse)."""
        return self.level >= MARGIN_CALL


@dataclass(frozen=True)
class ClientDetail:
    """Everything the client panel shows for one client and settled day (module doc).

    ``days``: every settled day of the client, newest first (the day selector);
    ``requested_day`` the day asked for (None: the latest); ``day`` the settled day
    shown (the latest settled day on or before the one asked for); ``levels`` the risk
    levels the figures were classified with.
    """

    facts: cq.ClientFacts
    day: date
    requested_day: date | None
    days: tuple[date, ...]
    funds: FundsBreakdown
    lines: tuple[MarginLine, ...]
    offset: ReceiptOffset
    call: ClientCall
    notices: tuple[NoticeDetail, ...]
    alerts: tuple[ClientAlert, ...]
    levels: RiskLevels
    warnings: tuple[str, ...] = ()

    @property
    def lines_agree(self) -> bool:
        """Every line's exchange margin equals the stored one."""
        return all(ln.exchange_margin_fen == ln.stored_margin_fen for ln in self.lines)


@dataclass(frozen=True)
class ClientDetailRequest:
    """Which client and day (None: its latest settled day; a day it has no balance on:
    the latest settled day before it, e.g. a live day's prior settlement), and the
    settings (None: the shipped ones, as the settlement, Accounts and the call list use
    them)."""

    client: str
    day: date | None = None
    params: DaySettlementParams = field(default_factory=DaySettlementParams)
    levels: RiskLevels | None = None
    call_settings: CallSettings | None = None
    deadline: CallDeadline | None = None
    alert_limit: int = 500


# =============================================================================
# The read
# =============================================================================


def client_detail(
    reader: Reader, request: ClientDetailRequest, calendar: TradingCalendar | None = None
) -> ClientDetail:
    """The client panel of ``request.client`` (module doc). A read.

    Raises InputError (field "client") for an empty or unknown client code, one without
    a settled day, or a day before its first settled one.
    """
    session = reader.session
    code = request.client.strip()
    if not code:
        raise InputError("enter a client code", field="client")
    facts = cq.client_facts(session, code)
    if facts is None:
        raise InputError(f"no client {code!r}", field="client")
    days = tuple(cq.client_settled_days(session, code))
    day = _settled_day(code, days, request.day)
    cal = calendar or default_calendar()
    prev_day = cal.prev_td(day)
    stored = cq.stored_balance(session, code, day)
    assert stored is not None  # ``day`` comes from the client's balance days
    prior = cq.stored_balance(session, code, prev_day)
    receipts = cq.held_receipts(session, code)
    inputs = cq.client_day_inputs(session, facts, day, prev_day, receipts)
    warnings: list[str] = []
    params = request.params

    lines, margin_by_product, exchange_margin = _lines(
        cq.stored_lines(session, code, day), inputs, day, params.addon_ppm(), cal, warnings
    )
    quota = pledge_quota(inputs, day, inputs.prior_settle_fen, params.haircut_ppm, cal, warnings)
    pledge_by_product = quota.client[0]
    # The client statement is the reserve identity with no prior margin or offset
    # (core.rules.settlement): cash is the balance, the reserve the available funds.
    st = member_settlement(
        prior_reserve_fen=prior.balance_fen if prior is not None else 0,
        prior_margin_fen=0,
        prior_offset_fen=0,
        margin_by_product=margin_by_product,
        offset_value_by_product=pledge_by_product,
        close_pnl_fen=stored.close_pnl_fen,
        position_pnl_fen=stored.position_pnl_fen,
        fees_fen=stored.fees_fen,
        waived_fen=stored.waived_fen,
        deposits_fen=stored.deposits_fen,
        withdrawals_fen=stored.withdrawals_fen,
        delivery_fen=stored.delivery_fen,
        cash_cap_ppm=params.cash_cap_ppm,
        min_reserve_fen=0,
    )
    offset = _offset(
        inputs, day, receipts, margin_by_product, pledge_by_product, st.cash_fen, params, cal
    )
    levels = request.levels or default_risk_levels()
    calls = build_call_list(
        "settled",
        day,
        np.array([code], dtype=object),
        None,
        None,
        np.array([st.margin_fen], dtype=np.int64),
        np.array([st.cash_fen], dtype=np.int64),
        np.array([st.reserve_fen], dtype=np.int64),
        CallRequest(
            day=day,
            min_level=NORMAL,
            settings=request.call_settings,
            deadline=request.deadline,
            levels=levels,
        ),
        cal,
    )
    row = calls.calls.iloc[0]
    funds = FundsBreakdown(
        day=day,
        prev_day=prev_day,
        has_prior_balance=prior is not None,
        prior_balance_fen=st.prior_reserve_fen,
        deposits_fen=st.deposits_fen,
        withdrawals_fen=st.withdrawals_fen,
        close_pnl_fen=st.close_pnl_fen,
        position_pnl_fen=st.position_pnl_fen,
        fees_fen=st.fees_fen,
        waived_fen=st.waived_fen,
        delivery_fen=st.delivery_fen,
        balance_fen=st.cash_fen,
        margin_fen=st.margin_fen,
        exchange_margin_fen=exchange_margin,
        pledge_fen=offset.pledge_fen,
        offset_uncapped_fen=offset.uncapped_fen,
        offset_cap_fen=st.offset_cap_fen,
        offset_used_fen=st.offset_fen,
        available_fen=st.reserve_fen,
        risk_ratio_ppm=int(row["risk_ratio_ppm"]),
        risk_level=int(row["level"]),
        stored=stored,
    )
    settings = calls.settings
    call = ClientCall(
        level=int(row["level"]),
        risk_ratio_ppm=int(row["risk_ratio_ppm"]),
        to_available_fen=int(row["to_available_fen"]),
        to_ratio_fen=int(row["to_ratio_fen"]),
        call_fen=int(row["call_fen"]),
        deadline=calls.deadline,
        target=settings.target,
        target_ratio_ppm=settings.ratio_ppm(calls.levels),
        ratio_definition=calls.levels.ratio_definition,
        top_up_fen=int(call_to_available(st.reserve_fen)),
        stored_call_fen=stored.margin_call_fen,
    )
    return ClientDetail(
        facts=facts,
        day=day,
        requested_day=request.day,
        days=days,
        funds=funds,
        lines=lines,
        offset=offset,
        call=call,
        notices=notice_history(reader, code).notices,
        alerts=client_alerts(reader, code, request.alert_limit),
        levels=calls.levels,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _settled_day(code: str, days: tuple[date, ...], wanted: date | None) -> date:
    """The settled day to show: the newest, or the newest on or before ``wanted``."""
    if not days:
        raise InputError(f"client {code} has no settled day yet", field="client")
    if wanted is None:
        return days[0]
    for d in days:  # newest first
        if d <= wanted:
            return d
    raise InputError(
        f"client {code} has no settled day on or before {wanted.isoformat()} "
        f"(first: {days[-1].isoformat()})",
        field="day",
    )


def _lines(
    stored: list[cq.StoredLine],
    inputs: DayInputs,
    day: date,
    addon_ppm: int,
    cal: TradingCalendar,
    warnings: list[str],
) -> tuple[tuple[MarginLine, ...], np.ndarray, int]:
    """Each line's rate, step and margin at S(D); margins summed per product (the
    products of ``inputs``) and the exchange margin in total."""
    k_index = inputs.contract_index
    n_p = len(inputs.products)
    known = [ln for ln in stored if ln.contract in k_index]
    for ln in stored:
        if ln.contract not in k_index:
            warnings.append(f"{ln.contract}: not in the contract table; line left out")
    k = np.array([k_index[ln.contract] for ln in known], dtype=np.int64)
    hedge = np.array([ln.hedge for ln in known], dtype=np.bool_)
    rates = day_margin_rates(
        inputs.contracts,
        day,
        lock_runs=inputs.limit_lock_runs,
        adjustments=inputs.adjustments,
        pairs={(int(c), bool(h)) for c, h in zip(k, hedge, strict=True)},
        cal=cal,
    )
    warnings.extend(rates.warnings)
    for ki, why in sorted(rates.problems.items()):
        warnings.append(f"{inputs.contracts[ki].code}: no settlement margin rate: {why}")
    has_rate = np.array(
        [(int(c), bool(h)) in rates.ppm for c, h in zip(k, hedge, strict=True)], dtype=np.bool_
    )
    known = [ln for ln, ok in zip(known, has_rate, strict=True) if ok]
    k, hedge = k[has_rate], hedge[has_rate]
    mult = np.array([inputs.contracts[int(c)].multiplier for c in k], dtype=np.int64)
    settle = inputs.settle_fen[k] if k.size else np.zeros(0, np.int64)
    lots = np.array([ln.lots for ln in known], dtype=np.int64)
    exchange_rate = rates.line_rates(k, hedge)
    client_rate = exchange_rate + addon_ppm  # spec 2.a: exchange rate + the firm's add-on
    margin = line_margin(settle, mult, lots, client_rate)
    exchange = line_margin(settle, mult, lots, exchange_rate)
    product = inputs.product_of_contract[k] if k.size else np.zeros(0, np.int64)
    by_product = group_sum(product, margin, n_p, "client margin")
    out = tuple(
        MarginLine(
            contract=ln.contract,
            product=inputs.products[int(product[i])],
            side=ln.side,
            hedge=ln.hedge,
            lots=ln.lots,
            today_lots=ln.today_lots,
            open_price_fen=ln.open_price_fen,
            settlement_fen=int(settle[i]),
            multiplier=int(mult[i]),
            exchange_rate_ppm=int(exchange_rate[i]),
            addon_ppm=addon_ppm,
            rate_ppm=int(client_rate[i]),
            margin_fen=int(margin[i]),
            exchange_margin_fen=int(exchange[i]),
            stored_margin_fen=ln.margin_fen,
            step=_step(rates.decisions[(int(k[i]), bool(hedge[i]))], cal),
        )
        for i, ln in enumerate(known)
    )
    return out, by_product, int(exchange.sum())


def _step(decision: RateDecision, cal: TradingCalendar) -> RateStep:
    """A rate decision as the panel explains it (``RateStep``)."""
    considered = tuple((c.source, rate_to_ppm(c.rate)) for c in decision.candidates)
    general = max(
        (ppm for src, ppm in considered if src in ("general", "hedge_general")), default=0
    )
    chosen = decision.chosen
    step = RateStep(
        reason=decision.source,
        rate_ppm=rate_to_ppm(decision.rate),
        general_ppm=general,
        considered=considered,
        warnings=decision.warnings,
    )
    if chosen is None:
        return step
    if chosen.source == "schedule" and chosen.since is not None and chosen.step is not None:
        return replace(
            step,
            period_start=chosen.since,
            applies_from=cal.prev_td(chosen.since),  # R19: one trading day earlier
            month_offset=chosen.step.month_offset,
            nth_trading_day=chosen.step.trading_day,
        )
    if chosen.source == "limit_lock" and chosen.lock is not None and chosen.lock_step is not None:
        return replace(
            step,
            locked_days=chosen.lock.consecutive,
            base_limit_ppm=rate_to_ppm(chosen.lock.base_limit),
            next_limit_ppm=rate_to_ppm(chosen.lock_step.next_limit),
        )
    if chosen.source == "adhoc":
        return replace(step, applies_from=chosen.since, until=chosen.until)
    return step


def _offset(
    inputs: DayInputs,
    day: date,
    receipts: list[cq.HeldReceipt],
    margin_by_product: np.ndarray,
    pledge_by_product: np.ndarray,
    balance_fen: int,
    params: DaySettlementParams,
    cal: TradingCalendar,
) -> ReceiptOffset:
    """The receipt offset of the settlement of ``day`` (spec 2.c) with each receipt's
    state; the figures from ``offset_used`` (per product, uncapped, capped)."""
    base = base_prices(inputs, day, inputs.prior_settle_fen)
    margin = margin_by_product.reshape(1, -1)
    pledge = pledge_by_product.reshape(1, -1)
    products: list[ProductOffset] = []
    for p, name in enumerate(inputs.products):
        m, v = int(margin[0, p]), int(pledge[0, p])
        if v == 0 and not any(r.product == name for r in receipts):
            continue  # a product without receipts has nothing to offset
        used = int(offset_used(margin[:, p : p + 1], pledge[:, p : p + 1], balance_fen, None)[0])
        contract, price = base.get(name, (None, None))
        products.append(ProductOffset(name, m, v, used, contract, price))
    uncapped = int(offset_used(margin, pledge, balance_fen, None)[0])
    cap_ppm = params.cash_cap_ppm
    cap = None
    used_total = uncapped
    if cap_ppm is not None:
        used_total = int(offset_used(margin, pledge, balance_fen, cap_ppm)[0])
        cap = int(offset_cap(balance_fen, cap_ppm))
    counted = {r.receipt_no for r in eligible_receipts(inputs.receipts, day, cal, [])}
    lines = tuple(ReceiptLine(r, _receipt_state(r, day, counted, base)) for r in receipts)
    return ReceiptOffset(
        haircut_ppm=params.haircut_ppm,
        cash_cap_ppm=cap_ppm,
        products=tuple(products),
        pledge_fen=int(pledge.sum()),
        uncapped_fen=uncapped,
        cap_fen=cap,
        used_fen=used_total,
        receipts=lines,
    )


def _receipt_state(
    r: cq.HeldReceipt, day: date, counted: set[str], base: dict[str, tuple[str, int]]
) -> ReceiptState:
    if r.status == "delivery":
        return "in_delivery"
    if r.status != "margin":
        return "not_pledged"
    if r.receipt_no in counted:
        return "counts" if r.product in base else "no_base_price"
    # eligible_receipts leaves out one lodged during or after D (Q8) or one past its
    # validity deadline (2.i): say which
    if r.status_since is not None and r.status_since >= day:
        return "lodged_after"
    return "past_deadline"


__all__ = [
    "TERM_KEYS",
    "ClientAlert",
    "ClientCall",
    "ClientDetail",
    "ClientDetailRequest",
    "FundsBreakdown",
    "FundsTerm",
    "MarginLine",
    "ProductOffset",
    "RateStep",
    "ReceiptLine",
    "ReceiptOffset",
    "client_detail",
]
