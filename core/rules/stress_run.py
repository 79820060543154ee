"""The chained run of a stress scenario over the whole book (spec 2.b, 2.d, 2.e, 2.f).

``run_scenario(start, scenario, ...)`` settles each day of a ``Scenario``
(``core.rules.stress_scenario``) in turn, starting from the book after a settled base
day (``start``: the ``DayInputs`` of the first scenario day, as the daily settlement
reads them). A scenario day has no trading: only its price moves, margin changes and
deposits, plus the forced orders the rules trigger. Per day:

1. Liquidation orders decided after the previous day's settlement (a member whose
   reserve was below zero, spec 2.f) close at this day's settlement price.
2. Settlement prices: each contract moves from S(prev) as the scenario says; a limit
   move goes to the day's limit price (``core.rules.price_limits``, the limit widened
   by the lock run before the day) and locks the contract; tick and percent moves stay
   inside the limits.
3. Margin rates: ``day_margin_rates`` with the day's lock runs (the 2.b lock steps) and
   the scenario's rate notices; scenario points are added on top.
4. After the third same-direction lock day (``find_reduction_triggers``; not on the
   contract's last trading day) the forced reduction of 2.e
   (``preview_forced_reduction``) closes both sides at the limit price, in that day's
   settlement. Declared orders: every client on the losing side declares its whole
   losing position (``reduction_orders = "losing_side"``); the rule keeps the net part
   of clients losing at least its threshold.
5. The settlement itself: ``prepare_day`` / ``settle_prepared`` (no formula here).
6. Each client's risk ratio and level (``RiskLevels.assess``); each member's reserve;
   a member below zero gets the forced liquidation of 2.f
   (``preview_forced_liquidation``, the default lot method), executed on the next day,
   and its opening ban (``MemberSettlement.opening_banned``).

Pure: no database, no clock. Money in fen, rates in ppm.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from core.errors import InputError
from core.rules import price_limits
from core.rules.daily_settlement import (
    DaySettlement,
    DaySettlementParams,
    PreparedDay,
    _members,
    line_keys,
    prepare_day,
    settle_prepared,
)
from core.rules.day_inputs import I64, DayInputs, PriorReserve, RateAdjustment
from core.rules.forced_liquidation import (
    LiquidationParams,
    MarginBook,
    default_liquidation_params,
    preview_forced_liquidation,
)
from core.rules.forced_reduction import (
    PositionBook,
    ReductionParams,
    default_reduction_params,
    find_reduction_triggers,
    preview_forced_reduction,
)
from core.rules.funds import line_margin
from core.rules.margin_schedule import PPM, DayRates, day_margin_rates
from core.rules.risk_levels import RiskLevels, default_risk_levels
from core.rules.sides import LONG, SHORT
from core.rules.stress_scenario import Scenario, ScenarioDay
from core.trading_calendar import TradingCalendar

Bools = np.ndarray
Report = Callable[[int, int], None]
StoredOrders = Callable[[date, str, str, int], tuple[list[str], I64]]
"""(day, contract, losing side "long"/"short", limit price) → the stored unfilled
closing orders at that price: client codes and lots, in declaration order."""


@dataclass(frozen=True)
class ReductionDone:
    """The forced reduction of one contract after its D3 (spec 2.e), lots."""

    contract: str
    direction: str
    price_fen: int
    declared_lots: int
    filled_lots: int
    reduced_lots: int
    unfilled_lots: int
    applied: bool
    clients: tuple[tuple[str, int], ...]
    """(client, lots closed on either side), clients in code order."""


@dataclass(frozen=True)
class LiquidationDone:
    """A member's forced liquidation decided after a day's settlement (spec 2.f),
    executed at the next day's settlement price."""

    member: str
    reserve_fen: int
    required_fen: int
    released_fen: int
    lots: int
    shortfall_fen: int
    clients: tuple[tuple[str, int], ...]
    """(client, lots to close), clients in code order."""


@dataclass(frozen=True)
class MemberDay:
    """A member after one scenario day's settlement (fen)."""

    member: str
    reserve_fen: int
    margin_fen: int
    margin_call_fen: int
    opening_banned: bool


@dataclass
class StressDay:
    """One settled scenario day. Client arrays are over ``StressResult.clients``."""

    day: date
    settle_fen: I64
    """S(D) per contract (−1: no price)."""
    locks: dict[str, tuple[str, int]]
    """Contracts locked this day: code → (direction, consecutive locked days)."""
    rate_ppm: I64
    """The exchange settlement rate of each (contract, hedge) used, (n_contracts, 2); −1
    where no line needed one."""
    equity_fen: I64
    margin_fen: I64
    available_fen: I64
    ratio_ppm: I64
    level: np.ndarray
    call_fen: I64
    """The amount to call: max(0, −available) (``MemberSettlement``'s reading for a
    client, the settlement's ``margin_call_fen``)."""
    pnl_fen: I64
    """Close plus position P&L of the day."""
    deposits_fen: I64
    members: list[MemberDay]
    reductions: list[ReductionDone] = field(default_factory=list)
    liquidations_executed: list[LiquidationDone] = field(default_factory=list)
    """Liquidations decided the day before, closed at this day's price."""
    liquidations_decided: list[LiquidationDone] = field(default_factory=list)
    settlement: DaySettlement | None = None

    def level_counts(self) -> dict[str, int]:
        return RiskLevels.counts(self.level)

    @property
    def total_call_fen(self) -> int:
        return int(self.call_fen.sum())

    def reserve_fen(self, member: str) -> int:
        return next(m.reserve_fen for m in self.members if m.member == member)

    @property
    def reduced_lots(self) -> int:
        return sum(r.reduced_lots for r in self.reductions if r.applied)

    @property
    def liquidated_lots(self) -> int:
        return sum(x.lots for x in self.liquidations_executed)


@dataclass
class StressResult:
    """A scenario's chained run: the base day, the clients settled and each day."""

    scenario: Scenario
    base_day: date
    clients: list[str]
    client_member: list[str]
    contracts: list[str]
    start_equity_fen: I64
    days: list[StressDay]
    warnings: list[str] = field(default_factory=list)

    def first_day_at(self, level: int) -> list[date | None]:
        """Per client: the first scenario day at ``level`` or worse (None: never)."""
        out: list[date | None] = [None] * len(self.clients)
        seen = np.zeros(len(self.clients), np.bool_)
        for d in self.days:
            hit = (d.level >= level) & ~seen
            for i in np.flatnonzero(hit).tolist():
                out[i] = d.day
            seen |= hit
        return out

    def worst_level(self) -> np.ndarray:
        """Per client: the worst level over the scenario's days."""
        worst = np.zeros(len(self.clients), np.int8)
        for d in self.days:
            worst = np.maximum(worst, d.level)
        return worst

    def loss_fen(self) -> I64:
        """Per client: equity at the start minus equity at the end, net of the
        scenario's deposits (a positive figure is a loss)."""
        deposits = sum((d.deposits_fen for d in self.days), np.zeros(len(self.clients), np.int64))
        end = self.days[-1].equity_fen if self.days else self.start_equity_fen
        return np.asarray(self.start_equity_fen - (end - deposits), np.int64)


# =============================================================================
# Prices
# =============================================================================


def moved_prices(
    inputs: DayInputs, day: ScenarioDay, runs_before: Mapping[str, tuple[str, int]]
) -> tuple[I64, dict[str, tuple[str, int]]]:
    """S(D) per contract after ``day``'s moves from S(prev), and the day's lock runs.

    The day's limit is L0 widened by the lock run before it (``day_limit_ppm``); a
    limit move sets the price to the limit price and locks (a run continues in the
    same direction); ticks and percent moves are clamped to the limits (percent:
    rounded to the nearest tick, half up). A contract without S(prev) keeps −1.
    """
    prior = inputs.prior_settle_fen
    out = prior.copy()
    runs: dict[str, tuple[str, int]] = {}
    for k, c in enumerate(inputs.contracts):
        s = int(prior[k])
        move = day.move_for(c.product, c.code)
        if s <= 0 or move is None:
            continue
        before = runs_before.get(c.code)
        limit = price_limits.day_limit_ppm(c.price_limit_ppm, before[1] if before else 0)
        lower_a, upper_a = price_limits.limit_prices(s, limit, c.tick_fen)
        lower, upper = int(lower_a), int(upper_a)
        lock = move.locks
        if lock is not None:
            out[k] = lower if lock == "limit_down" else upper
            n = before[1] + 1 if before is not None and before[0] == lock else 1
            runs[c.code] = (lock, n)
            continue
        if move.kind == "ticks":
            target = s + move.ticks * c.tick_fen
        else:
            ticks = (Decimal(s) * (100 + move.percent) / 100 / c.tick_fen).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
            target = int(ticks) * c.tick_fen
        out[k] = min(max(target, lower), upper)
    return out, runs


# =============================================================================
# Margin changes
# =============================================================================


def _notices(
    inputs: DayInputs, days: tuple[ScenarioDay, ...], dates: list[date]
) -> list[RateAdjustment]:
    """The scenario's rate notices as exchange notices (both hedge flags)."""
    out: list[RateAdjustment] = []
    for d, when in zip(days, dates, strict=True):
        for m in d.margins:
            if m.rate is None:
                continue
            for c in inputs.contracts:
                if m.target.covers(c.product, c.code):
                    for hedge in (False, True):
                        out.append(RateAdjustment(c.code, when, hedge, m.rate_ppm))
    return out


def _points(inputs: DayInputs, days: tuple[ScenarioDay, ...], upto: int) -> I64:
    """Points (ppm) added on top of each contract's rate on day ``upto``: each day's
    most specific change covering the contract, summed over the days so far."""
    total = np.zeros(len(inputs.contracts), np.int64)
    for d in days[: upto + 1]:
        for k, c in enumerate(inputs.contracts):
            best = None
            for m in d.margins:
                if (
                    m.points is not None
                    and m.target.covers(c.product, c.code)
                    and (best is None or m.target.rank > best.target.rank)
                ):
                    best = m
            if best is not None:
                total[k] += best.points_ppm
    return total


def _with_points(rates: DayRates, points: I64) -> DayRates:
    if not points.any():
        return rates
    ppm = {key: min(PPM, v + int(points[key[0]])) for key, v in rates.ppm.items()}
    sources = {
        key: (f"{src}+points" if points[key[0]] else src) for key, src in rates.sources.items()
    }
    return dataclasses.replace(rates, ppm=ppm, sources=sources)


# =============================================================================
# Forced orders
# =============================================================================


def _line_index(pd_: PreparedDay, client: I64, contract: I64, side: I64, hedge: Bools) -> I64:
    """Book line of each (client, contract, side, hedge); −1 where the book has none."""
    n_k = len(pd_.inputs.contracts)
    book_keys = line_keys(pd_.line_client, pd_.line_contract, pd_.line_side, pd_.line_hedge, n_k)
    want = line_keys(client, contract, side, hedge, n_k)
    at = np.minimum(np.searchsorted(book_keys, want), max(book_keys.size - 1, 0))
    found = book_keys[at] == want if book_keys.size else np.zeros(want.size, np.bool_)
    return np.where(found, at, -1).astype(np.int64)


def _reduce(
    pd_: PreparedDay,
    k: int,
    direction: str,
    price_fen: int,
    params: ReductionParams,
    apply: bool,
    orders: tuple[list[str], I64] | None = None,
) -> ReductionDone:
    """The forced reduction of contract ``k`` at its limit price (spec 2.e), closed in
    the prepared book when ``apply``. Declared orders: ``orders`` (stored closing
    orders: client codes and lots), else every losing-side client's whole position."""
    inputs = pd_.inputs
    c = inputs.contracts[k]
    lots_all = pd_.book.lots()
    sel = np.flatnonzero((pd_.line_contract == k) & (lots_all > 0))
    clients_idx, local = np.unique(pd_.line_client[sel], return_inverse=True)
    codes = tuple(np.asarray(inputs.clients, dtype=object)[clients_idx].tolist())
    # a stored order of a client holding nothing here still counts as declared
    extra = sorted({x for x in orders[0] if x not in set(codes)}) if orders else []
    codes = codes + tuple(extra)
    book = PositionBook(
        clients=codes,
        client=local.astype(np.int64),
        side=pd_.line_side[sel].astype(np.int64),
        lots=lots_all[sel].astype(np.int64),
        open_price_fen=np.maximum(pd_.prev_open[sel], 1).astype(np.int64),
        hedge=pd_.line_hedge[sel].astype(np.bool_),
    )
    losing = LONG if direction == "limit_down" else SHORT
    if orders is not None:
        at = {code: i for i, code in enumerate(codes)}
        order_client = np.array([at[x] for x in orders[0]], np.int64)
        order_qty = np.asarray(orders[1], np.int64)
    else:
        on_losing = book.side == losing
        order_lots = np.bincount(book.client[on_losing], book.lots[on_losing], len(codes))
        order_client = np.flatnonzero(order_lots > 0)
        order_qty = order_lots[order_client].astype(np.int64)
    preview = preview_forced_reduction(
        book,
        order_client,
        order_qty,
        settlement_fen=price_fen,
        multiplier=c.multiplier,
        locked=direction,
        params=params,
        contract=c.code,
    )
    # per net position key (2 × client + hedge): declared side closes ``filled`` lots of
    # its losing-side line, the counterpart ``reduced`` lots of its other-side line
    keys = np.flatnonzero((preview.filled > 0) | (preview.reduced > 0))
    cl = keys >> 1
    hedge = (keys & 1).astype(np.bool_)
    filled = preview.filled[keys]
    reduced = preview.reduced[keys]
    side = np.where(filled > 0, losing, 1 - losing).astype(np.int64)
    lots = np.where(filled > 0, filled, reduced).astype(np.int64)
    per_client: dict[str, int] = {}
    for i, n in zip(cl.tolist(), lots.tolist(), strict=True):
        per_client[codes[i]] = per_client.get(codes[i], 0) + n
    if apply and keys.size:
        held = cl < clients_idx.size  # order-only clients hold nothing to close
        line = _line_index(
            pd_,
            clients_idx[cl[held]],
            np.full(int(held.sum()), k, np.int64),
            side[held],
            hedge[held],
        )
        pd_.apply_closes(line, lots[held], np.full(int(held.sum()), price_fen, np.int64))
    return ReductionDone(
        contract=c.code,
        direction=direction,
        price_fen=price_fen,
        declared_lots=int(preview.declared.sum()),
        filled_lots=int(preview.filled.sum()),
        reduced_lots=int(preview.reduced.sum()),
        unfilled_lots=int(preview.unfilled),
        applied=apply,
        clients=tuple(sorted(per_client.items())),
    )


@dataclass(frozen=True)
class _PendingCloses:
    client: I64
    contract: I64
    side: I64
    hedge: Bools
    lots: I64


def _liquidate(
    inputs: DayInputs,
    ds: DaySettlement,
    rates: DayRates,
    settle_fen: I64,
    params: LiquidationParams,
) -> tuple[list[LiquidationDone], _PendingCloses]:
    """The forced liquidation of every member whose reserve is below zero (2.f):
    lots per line by the configured method, pro rata to the exchange margin at S(D)."""
    done: list[LiquidationDone] = []
    parts: list[tuple[I64, I64, I64, Bools, I64]] = []
    below = [m for m in ds.members if m.reserve_fen < 0]
    if below:
        m_index = {m: i for i, m in enumerate(inputs.members)}
        held = ds.line_lots > 0
        line_member = inputs.client_member[ds.line_client]
        mult = np.array([c.multiplier for c in inputs.contracts], np.int64)
        for ms in below:
            sel = np.flatnonzero(held & (line_member == m_index[ms.member_code]))
            rate = rates.line_rates(ds.line_contract[sel], ds.line_hedge[sel])
            per_lot = line_margin(
                settle_fen[ds.line_contract[sel]],
                mult[ds.line_contract[sel]],
                np.ones(sel.size, np.int64),
                rate,
            )
            cl_idx, local = np.unique(ds.line_client[sel], return_inverse=True)
            book = MarginBook(
                clients=tuple(np.asarray(inputs.clients, dtype=object)[cl_idx].tolist()),
                contracts=tuple(c.code for c in inputs.contracts),
                client=local.astype(np.int64),
                contract=ds.line_contract[sel].astype(np.int64),
                side=ds.line_side[sel].astype(np.int64),
                lots=ds.line_lots[sel].astype(np.int64),
                margin_per_lot_fen=per_lot,
            )
            p = preview_forced_liquidation(
                book, ms.reserve_fen, params=params, member=ms.member_code
            )
            lots = p.line_lots
            per_client = np.bincount(local, lots, cl_idx.size).astype(np.int64)
            done.append(
                LiquidationDone(
                    member=ms.member_code,
                    reserve_fen=ms.reserve_fen,
                    required_fen=p.required_fen,
                    released_fen=p.total_released_fen,
                    lots=int(lots.sum()),
                    shortfall_fen=p.shortfall_fen,
                    clients=tuple(
                        zip(
                            np.asarray(book.clients, dtype=object)[per_client > 0].tolist(),
                            per_client[per_client > 0].tolist(),
                            strict=True,
                        )
                    ),
                )
            )
            go = lots > 0
            line = sel[go]
            parts.append(
                (
                    ds.line_client[line],
                    ds.line_contract[line],
                    ds.line_side[line],
                    ds.line_hedge[line],
                    lots[go],
                )
            )
    cols = [
        np.concatenate([p[i] for p in parts]) if parts else np.zeros(0, np.int64) for i in range(5)
    ]
    return done, _PendingCloses(
        cols[0].astype(np.int64),
        cols[1].astype(np.int64),
        cols[2].astype(np.int64),
        cols[3].astype(np.bool_),
        cols[4].astype(np.int64),
    )


# =============================================================================
# The run
# =============================================================================


def scenario_dates(scenario: Scenario, base_day: date, cal: TradingCalendar) -> list[date]:
    """The trading days of the scenario: its dates (each the next trading day after the
    one before, the first after ``base_day``), or the trading days after ``base_day``."""
    out: list[date] = []
    prev = base_day
    for i, d in enumerate(scenario.days, start=1):
        nxt = cal.next_td(prev)
        if d.date is not None and d.date != nxt:
            raise InputError(
                f"{d.date} is not the trading day after {prev} ({nxt}): a scenario's days "
                "follow the base day without gaps",
                source=f"scenario {scenario.name!r}",
                field=f"day {i}.date",
            )
        out.append(nxt)
        prev = nxt
    return out


def hypothetical_day(inputs: DayInputs) -> DayInputs:
    """``inputs`` without the day's own activity (trades, transfers, hedge quotas,
    delivery payments, published limits): a scenario day only moves prices."""
    e = np.zeros(0, np.int64)
    b = np.zeros(0, np.bool_)
    return dataclasses.replace(
        inputs,
        settle_fen=np.full(len(inputs.contracts), -1, np.int64),
        upper_limit_fen=e,
        lower_limit_fen=e,
        payment_match_day=None,
        tr_client=e,
        tr_contract=e,
        tr_side=e,
        tr_hedge=b,
        tr_action=e,
        tr_lots=e,
        tr_price_fen=e,
        tr_fee_fen=e,
        tr_no=[],
        tr_at_us=e,
        fm_member=e,
        fm_client=e,
        fm_deposit=b,
        fm_amount_fen=e,
        hq_client=e,
        hq_contract=e,
        hq_side=e,
        hq_lots=e,
        pay_client=e,
        pay_contract=e,
        pay_side=e,
        pay_lots=e,
        pay_price_fen=e,
        limit_lock_runs={},
    )


def _with_deposits(inputs: DayInputs, day: ScenarioDay, where: str) -> DayInputs:
    if not day.deposits:
        return inputs
    c_index = inputs.client_index
    m_index = {m: i for i, m in enumerate(inputs.members)}
    fm_member, fm_client, amount = [], [], []
    for j, x in enumerate(day.deposits, start=1):
        if x.member:
            if x.account not in m_index:
                raise InputError(f"no member {x.account!r}", field=f"{where}.deposit[{j}].member")
            fm_member.append(m_index[x.account])
            fm_client.append(-1)
        else:
            if x.account not in c_index:
                raise InputError(f"no client {x.account!r}", field=f"{where}.deposit[{j}].client")
            ci = c_index[x.account]
            fm_member.append(int(inputs.client_member[ci]))
            fm_client.append(ci)
        amount.append(x.amount_fen)
    return dataclasses.replace(
        inputs,
        fm_member=np.array(fm_member, np.int64),
        fm_client=np.array(fm_client, np.int64),
        fm_deposit=np.ones(len(amount), np.bool_),
        fm_amount_fen=np.array(amount, np.int64),
    )


def _roll(inputs: DayInputs, ds: DaySettlement, nxt: date) -> DayInputs:
    """The next day's inputs from this day's settlement (positions, balances, reserves,
    prices)."""
    held = ds.line_lots > 0
    balance = inputs.prior_balance_fen.copy()
    balance[ds.settled_clients] = ds.client["balance_fen"][ds.settled_clients]
    has = inputs.has_prior_balance.copy()
    has[ds.settled_clients] = True
    reserves = dict(inputs.prior_reserve)
    for m in ds.members:
        reserves[m.member_code] = PriorReserve(
            m.reserve_fen, m.margin_fen, m.offset_fen, m.cash_fen, m.opening_banned
        )
    return dataclasses.replace(
        inputs,
        day=nxt,
        prev_day=inputs.day,
        prior_settle_fen=inputs.settle_fen,
        prior_base_settle_fen=inputs.prior_settle_fen,
        settle_fen=np.full(len(inputs.contracts), -1, np.int64),
        prior_balance_fen=balance,
        has_prior_balance=has,
        prior_reserve=reserves,
        prev_position_rows=int(held.sum()),
        prev_balance_rows=int(has.sum()),
        pos_client=ds.line_client[held],
        pos_contract=ds.line_contract[held],
        pos_side=ds.line_side[held],
        pos_hedge=ds.line_hedge[held],
        pos_lots=ds.line_lots[held],
        pos_open_price_fen=ds.line_open_price_fen[held],
        pos_margin_fen=ds.line_margin_fen[held],
        fm_member=np.zeros(0, np.int64),
        fm_client=np.zeros(0, np.int64),
        fm_deposit=np.zeros(0, np.bool_),
        fm_amount_fen=np.zeros(0, np.int64),
    )


def _reduction_due(
    history: list[tuple[date, str | None]],
    last_trading_day: date | None,
    today: date,
) -> bool:
    triggers = find_reduction_triggers(history, last_trading_day=last_trading_day)
    return any(t.d3 == today for t in triggers)


def run_scenario(
    start: DayInputs,
    scenario: Scenario,
    cal: TradingCalendar,
    *,
    params: DaySettlementParams | None = None,
    levels: RiskLevels | None = None,
    reduction: ReductionParams | None = None,
    liquidation: LiquidationParams | None = None,
    keep_settlements: bool = False,
    report: Report | None = None,
    stored_orders: StoredOrders | None = None,
    first_prepared: SharedFirstDay | None = None,
) -> StressResult:
    """Settle ``scenario`` day by day from ``start`` (module docstring).

    ``start``: the inputs of the first scenario day (``start.day``, after the settled
    base day ``start.prev_day``); its own trades and transfers are ignored
    (``hypothetical_day``). Raises InputError naming the scenario's field for a bad
    date or deposit, ``SettlementRefusedError`` when the book cannot be settled.
    """
    p = params or DaySettlementParams()
    lv = levels or default_risk_levels()
    red = reduction or default_reduction_params()
    liq = liquidation or default_liquidation_params()
    if scenario.reduction_orders == "stored" and stored_orders is None:
        raise InputError(
            'reduction_orders = "stored" needs the stored closing orders (run it over the '
            "book: core.services.stress.run_stress)",
            source=f"scenario {scenario.name!r}",
            field="reduction_orders",
        )
    if scenario.replay_stored:
        raise InputError(
            "replaying stored days is not supported by the chained run; remove replay_stored",
            source=f"scenario {scenario.name!r}",
            field="replay_stored",
        )
    base_day = start.prev_day
    if first_prepared is not None and first_prepared.prepared.inputs.day != start.day:
        raise ValueError("the shared first day is not the scenario's first day")
    dates = scenario_dates(scenario, base_day, cal)
    if dates and dates[0] != start.day:
        raise InputError(f"the inputs are of {start.day}, the scenario starts on {dates[0]}")
    notices = _notices(start, scenario.days, dates)
    base_adjustments = list(start.adjustments)
    inputs = hypothetical_day(start)
    n_days = len(scenario.days)

    # the clients of the book: settled on the base day or holding positions
    active = inputs.has_prior_balance.copy()
    active[inputs.pos_client] = True
    clients = np.flatnonzero(active)
    start_equity = inputs.prior_balance_fen[clients].copy()
    # lock history (dates and flags) for the 2.e trigger, from the base day's run
    runs_before: dict[str, tuple[str, int]] = dict(start.prior_limit_lock_runs)
    history: dict[str, list[tuple[date, str | None]]] = {}
    for code, (direction, n) in runs_before.items():
        d = base_day
        days_back: list[tuple[date, str | None]] = []
        for _ in range(n):
            days_back.append((d, direction))
            d = cal.prev_td(d)
        history[code] = days_back[::-1]

    out_days: list[StressDay] = []
    warnings: list[str] = []
    pending: _PendingCloses | None = None
    for i, (sday, when) in enumerate(zip(scenario.days, dates, strict=True)):
        if report is not None:
            report(i, n_days)
        where = f"day {i + 1}"
        try:
            day_inputs = _with_deposits(inputs, sday, where)
        except InputError as exc:
            raise InputError(
                exc.message, source=f"scenario {scenario.name!r}", field=exc.field
            ) from None
        prices, runs = moved_prices(day_inputs, sday, runs_before)
        day_inputs = dataclasses.replace(
            day_inputs,
            day=when,
            settle_fen=prices,
            limit_lock_runs=runs,
            prior_limit_lock_runs=runs_before,
            adjustments=base_adjustments + [a for a in notices if a.effective_day <= when],
        )
        # the 2.e trigger on each contract locked today
        for code in runs:
            history.setdefault(code, [])
        for code, seq in history.items():
            seq.append((when, runs[code][0] if code in runs else None))
        k_index = day_inputs.contract_index
        due = [
            (code, direction)
            for code, (direction, _n) in sorted(runs.items())
            if _reduction_due(
                history[code], day_inputs.contracts[k_index[code]].last_trading_day, when
            )
        ]
        # a first day prepared once for many scenarios (``run_grid``) serves a day that
        # changes nothing in the book before its settlement: no deposit, no forced close
        shared = (
            first_prepared is not None
            and i == 0
            and not sday.deposits
            and not (due and scenario.apply_reduction)
        )
        if shared:
            assert first_prepared is not None
            pd_ = first_prepared.prepared
            day_rates = day_margin_rates(
                day_inputs.contracts,
                when,
                lock_runs=runs,
                adjustments=day_inputs.adjustments,
                pairs=pd_.pairs,
                cal=cal,
            )
            if day_rates.problems:  # as prepare_day refuses it
                pd_ = prepare_day(day_inputs, p, cal)
                day_rates = pd_.rates
                shared = False
            day_warnings = [
                *pd_.warnings,
                *(w for w in day_rates.warnings if w not in pd_.warnings),
            ]
        else:
            pd_ = prepare_day(day_inputs, p, cal)
            day_rates, day_warnings = pd_.rates, pd_.warnings
        warnings.extend(f"{when}: {w}" for w in day_warnings if f"{when}: {w}" not in warnings)
        rates = _with_points(day_rates, _points(day_inputs, scenario.days, i))

        executed: list[LiquidationDone] = []
        if pending is not None and pending.lots.size:
            line = _line_index(pd_, pending.client, pending.contract, pending.side, pending.hedge)
            ok = line >= 0
            pd_.apply_closes(line[ok], pending.lots[ok], prices[pending.contract[ok]])
        if out_days:
            executed = out_days[-1].liquidations_decided

        reductions: list[ReductionDone] = []
        for code, direction in due:
            k = k_index[code]
            orders = None
            if scenario.reduction_orders == "stored" and stored_orders is not None:
                side = "long" if direction == "limit_down" else "short"
                orders = stored_orders(when, code, side, int(prices[k]))
            reductions.append(
                _reduce(pd_, k, direction, int(prices[k]), red, scenario.apply_reduction, orders)
            )

        if shared:
            assert first_prepared is not None
            ds = first_prepared.settle(prices, rates)
        else:
            ds = settle_prepared(pd_, settle_fen=prices, rates=rates)
        equity = ds.client["balance_fen"][clients]
        margin = ds.client["margin_fen"][clients]
        available = ds.client["available_fen"][clients]
        ratio, level = lv.assess(margin, equity, available)
        decided, pending = _liquidate(day_inputs, ds, rates, prices, liq)
        out_days.append(
            StressDay(
                day=when,
                settle_fen=prices,
                locks=runs,
                rate_ppm=rates.table(),
                equity_fen=equity,
                margin_fen=margin,
                available_fen=available,
                ratio_ppm=ratio,
                level=level,
                call_fen=ds.client["margin_call_fen"][clients],
                pnl_fen=(ds.client["close_pnl_fen"] + ds.client["position_pnl_fen"])[clients],
                deposits_fen=ds.client["deposits_fen"][clients],
                members=[
                    MemberDay(
                        m.member_code,
                        m.reserve_fen,
                        m.margin_fen,
                        m.margin_call_fen,
                        m.opening_banned,
                    )
                    for m in ds.members
                ],
                reductions=reductions,
                liquidations_executed=executed,
                liquidations_decided=decided,
                settlement=ds if keep_settlements else None,
            )
        )
        runs_before = runs
        if i + 1 < n_days:
            inputs = _roll(day_inputs, ds, cal.next_td(when))
    if report is not None:
        report(n_days, n_days)
    return StressResult(
        scenario=scenario,
        base_day=base_day,
        clients=np.asarray(start.clients, dtype=object)[clients].tolist(),
        client_member=np.asarray(start.members, dtype=object)[
            start.client_member[clients]
        ].tolist(),
        contracts=[c.code for c in start.contracts],
        start_equity_fen=start_equity,
        days=out_days,
        warnings=warnings,
    )


SUB_BOOK_SHARE = 0.5
"""A shared first day settles only the accounts holding a moved contract when their
lines are less than this share of the book; otherwise the whole book."""


@dataclass
class SharedFirstDay:
    """The first scenario day of a grid, prepared once (``prepare_first_day``).

    ``prepared``: the day without activity at the prior prices and without locks;
    ``base``: its settlement there (rates ``prepared.rates``). A scenario's first day
    (``settle``) differs from ``base`` only in the accounts holding a contract whose
    price or rate moved: those are settled on their own (``prepare_day`` /
    ``settle_prepared`` of a book of just those clients, prepared once per set of moved
    contracts), every other account keeps its ``base`` figures, and the members are
    settled again from the merged lines and flows (the settlement's own ``_members``).
    Accounts are settled independently of each other (their lines, flows and pledge
    quota), so the result equals ``settle_prepared`` of the whole book to the fen."""

    prepared: PreparedDay
    base: DaySettlement
    _subs: dict[tuple[int, ...], tuple[PreparedDay, I64, I64] | None] = field(default_factory=dict)

    def _moved(self, prices: I64, rates: DayRates) -> tuple[int, ...]:
        pd_ = self.prepared
        k = set(np.flatnonzero(prices != pd_.inputs.settle_fen).tolist())
        for pair in pd_.pairs:
            if rates.ppm.get(pair) != pd_.rates.ppm.get(pair):
                k.add(pair[0])
        return tuple(sorted(k))

    def _sub(self, moved: tuple[int, ...]) -> tuple[PreparedDay, I64, I64] | None:
        """(prepared book of the clients holding ``moved``, each of its lines' index in
        the whole book, those clients); None when they hold most of the book."""
        if moved in self._subs:
            return self._subs[moved]
        pd_ = self.prepared
        inputs = pd_.inputs
        touched = np.isin(pd_.line_contract, np.asarray(moved, np.int64))
        clients = np.unique(pd_.line_client[touched])
        mine = np.zeros(len(inputs.clients), np.bool_)
        mine[clients] = True
        keep = mine[inputs.pos_client]
        if int(mine[pd_.line_client].sum()) >= SUB_BOOK_SHARE * pd_.n_lines:
            self._subs[moved] = None
            return None
        sub_inputs = dataclasses.replace(
            inputs,
            has_prior_balance=inputs.has_prior_balance & mine,
            pos_client=inputs.pos_client[keep],
            pos_contract=inputs.pos_contract[keep],
            pos_side=inputs.pos_side[keep],
            pos_hedge=inputs.pos_hedge[keep],
            pos_lots=inputs.pos_lots[keep],
            pos_open_price_fen=inputs.pos_open_price_fen[keep],
            pos_margin_fen=inputs.pos_margin_fen[keep],
        )
        sub = prepare_day(sub_inputs, pd_.params, pd_.cal)
        n_k = len(inputs.contracts)
        whole = line_keys(pd_.line_client, pd_.line_contract, pd_.line_side, pd_.line_hedge, n_k)
        part = line_keys(sub.line_client, sub.line_contract, sub.line_side, sub.line_hedge, n_k)
        at = np.searchsorted(whole, part).astype(np.int64)
        entry = (sub, at, clients.astype(np.int64))
        self._subs[moved] = entry
        return entry

    def settle(self, prices: I64, rates: DayRates) -> DaySettlement:
        """The first day settled at ``prices`` and ``rates`` (class docstring)."""
        moved = self._moved(prices, rates)
        if not moved:
            return self.base
        entry = self._sub(moved)
        if entry is None:
            return settle_prepared(self.prepared, settle_fen=prices, rates=rates)
        sub, at, clients = entry
        part = settle_prepared(sub, settle_fen=prices, rates=rates)
        base, pd_ = self.base, self.prepared
        client = {}
        for key, values in base.client.items():
            merged = values.copy()
            merged[clients] = part.client[key][clients]
            client[key] = merged

        def lines(whole: I64, piece: I64) -> I64:
            merged = whole.copy()
            merged[at] = piece
            return merged

        line_margin_fen = lines(base.line_margin_fen, part.line_margin_fen)
        members = _members(
            pd_.inputs,
            pd_.settled,
            pd_.member_active,
            pd_.line_client,
            pd_.line_contract,
            line_margin_fen,
            client["close_pnl_fen"],
            client["position_pnl_fen"],
            client["fees_fen"],
            pd_.waived,
            pd_.delivery,
            pd_.quota.member,
            pd_.params.cash_cap_ppm,
        )
        return dataclasses.replace(
            base,
            client=client,
            members=members,
            line_margin_fen=line_margin_fen,
            line_client_margin_fen=lines(base.line_client_margin_fen, part.line_client_margin_fen),
            line_position_pnl_fen=lines(base.line_position_pnl_fen, part.line_position_pnl_fen),
        )


def prepare_first_day(
    start: DayInputs,
    cal: TradingCalendar,
    params: DaySettlementParams | None = None,
) -> SharedFirstDay:
    """The first scenario day's book prepared and settled once (at the prior prices,
    without activity or locks): ``run_scenario(first_prepared=…)`` settles each
    scenario's first day from it (``SharedFirstDay.settle``), so a grid of scenarios
    reads and prepares the book once."""
    base = hypothetical_day(start)
    prepared = prepare_day(
        dataclasses.replace(
            base,
            settle_fen=start.prior_settle_fen.copy(),
            prior_limit_lock_runs=dict(start.prior_limit_lock_runs),
        ),
        params or DaySettlementParams(),
        cal,
    )
    if prepared.spec_line.size:  # hedge conversions change the book at S(D)
        raise ValueError("a day without activity has no hedge conversions")
    return SharedFirstDay(prepared, settle_prepared(prepared))
