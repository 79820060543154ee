"""Margin rates by trading period, limit-lock steps and ad hoc rates (spec 2.a, 2.b).

The period schedule is versioned data (``resources/margin_schedules.toml``); this module
reads it and answers two questions for a contract and a trading day D:

* ``rate_settle(D)``: the rate every position pays at D's settlement, the highest of the
  step of the period containing ``next_td(D)`` (R19), the exchange's general rate, the
  contract minimum, a limit-lock rate and ad hoc exchange rates. On or after the last
  trading day the delivery-month rate applies.
* ``rate_open(D) = rate_settle(prev_td(D))``: the rate new opens pay during D (R18,
R20).

``day_margin_rates`` is the one place that turns the stored facts of a day (contract
terms, limit-lock runs, exchange notices) into those rates for a whole book: the daily
settlement, the live monitor (at prev_td(D)), the liquidation preview and the demo data
all call it, so a rate step can never be missing on one surface only.

Rates are exact ``Decimal`` fractions (``Decimal("0.08")`` = 8 %). ``rate_to_ppm``
converts them to the integer millionths the vectorised engines and the database use.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from core.errors import CalendarHorizonError, ConfigError
from core.money import parse_decimal
from core.resources import resource
from core.rules.day_inputs import ContractTerms, RateAdjustment
from core.trading_calendar import TradingCalendar, default_calendar

PPM = 1_000_000
PERCENTAGE_POINT = Decimal("0.01")


@dataclass(frozen=True)
class ScheduleStep:
    """A period that starts on the n-th trading day of a month relative to delivery."""

    month_offset: int
    trading_day: int
    rate: Decimal


@dataclass(frozen=True)
class MarginSchedule:
    """One version of the period schedule (e.g. ``rmm-2019``)."""

    schedule_id: str
    description: str
    source: str
    verified: bool
    steps: tuple[ScheduleStep, ...]


@dataclass(frozen=True)
class StepStart:
    """A schedule step resolved on the calendar for one delivery month."""

    start: date
    rate: Decimal
    warning: str | None = None


@dataclass(frozen=True)
class LimitLock:
    """``day`` closed limit-locked, the ``consecutive``-th such day in a direction.

    ``base_limit`` is L0, the contract's normal price limit (fraction).
    """

    day: date
    consecutive: int
    base_limit: Decimal


@dataclass(frozen=True)
class LimitLockStep:
    """Price limit of the next day and the minimum settlement rate of the locked day."""

    next_limit: Decimal
    min_rate: Decimal


@dataclass(frozen=True)
class AdhocRate:
    """An exchange notice: ``rate`` from the settlement of ``from_settlement`` on.

    ``until_settlement`` (inclusive) ends it; ``None`` = until further notice. ``hedge``
    and ``side`` restrict it to hedge/speculative or long/short positions (``None`` =
    all).
    """

    from_settlement: date
    rate: Decimal
    until_settlement: date | None = None
    hedge: bool | None = None
    side: str | None = None
    note: str = ""

    def applies(self, d: date, *, hedge: bool, side: str | None) -> bool:
        if d < self.from_settlement:
            return False
        if self.until_settlement is not None and d > self.until_settlement:
            return False
        if self.hedge is not None and self.hedge != hedge:
            return False
        return self.side is None or side is None or self.side == side


@dataclass(frozen=True)
class ContractMargin:
    """Everything that fixes one contract's exchange margin rate."""

    contract: str
    delivery_year: int
    delivery_month: int
    schedule: MarginSchedule
    general_rate: Decimal
    contract_minimum: Decimal = Decimal("0.05")
    hedge_general_rate: Decimal | None = None
    last_trading_day: date | None = None
    limit_locks: tuple[LimitLock, ...] = ()
    adhoc: tuple[AdhocRate, ...] = ()


@dataclass(frozen=True)
class RateCandidate:
    """One standard ``rate_settle`` weighed (spec 2.b: the highest applies).

    ``source``: ``contract_minimum``, ``general``, ``hedge_general``, ``schedule``,
    ``limit_lock`` or ``adhoc``. ``since``: a schedule period's first trading day (its
    rate applies from the settlement of the trading day before, R19) or the settlement
    an exchange notice applies from. ``step``: the schedule step (month and n-th
    trading day); ``lock``/``lock_step``: the limit-locked day and its limit and
    minimum rate; ``until``: the last settlement of a notice (None: until further
    notice).
    """

    source: str
    rate: Decimal
    since: date | None = None
    step: ScheduleStep | None = None
    lock: LimitLock | None = None
    lock_step: LimitLockStep | None = None
    until: date | None = None


@dataclass(frozen=True)
class RateDecision:
    """The rate of one settlement (or one day's opens) and which standard set it.

    ``candidates`` lists every standard weighed, in the order ``rate_settle`` weighs
    them (ties keep the earlier one); the one that set the rate is ``chosen``.
    """

    day: date
    rate: Decimal
    source: str
    step_start: date | None = None
    warnings: tuple[str, ...] = field(default=())
    candidates: tuple[RateCandidate, ...] = field(default=())

    @property
    def chosen(self) -> RateCandidate | None:
        """The candidate that set the rate (None for a decision built without them)."""
        for cand in self.candidates:
            if cand.source == self.source and cand.rate == self.rate:
                return cand
        return None


# --------------------------------------------------------------------------- loading


def _parse_rate(value: object, where: str) -> Decimal:
    if not isinstance(value, str):
        raise ConfigError(f'{where}: expected a decimal string like "0.10", got {value!r}')
    try:
        rate = parse_decimal(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    if not 0 < rate <= 1:
        raise ConfigError(f"{where}: a margin rate must be in (0, 1], got {value}")
    return rate


def load_margin_schedules(path: Path | None = None) -> dict[str, MarginSchedule]:
    """Read and validate the schedule file; ConfigError names the file and the key."""
    src = path or resource("margin_schedules.toml")
    try:
        data = tomllib.loads(src.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{src}: cannot read margin schedules: {exc}") from exc
    table = data.get("schedules")
    if not isinstance(table, dict) or not table:
        raise ConfigError(f"{src}: schedules: no margin schedule defined")
    out: dict[str, MarginSchedule] = {}
    for sid, row in table.items():
        where = f"{src}: schedules.{sid}"
        if not isinstance(row, dict):
            raise ConfigError(f"{where}: expected a table")
        for key, typ in (("description", str), ("source", str), ("verified", bool)):
            if not isinstance(row.get(key), typ):
                raise ConfigError(f"{where}.{key}: expected {typ.__name__}, got {row.get(key)!r}")
        raw_steps = row.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            raise ConfigError(f"{where}.steps: expected a non-empty list of steps")
        steps: list[ScheduleStep] = []
        for i, st in enumerate(raw_steps):
            sw = f"{where}.steps[{i}]"
            if not isinstance(st, dict):
                raise ConfigError(f"{sw}: expected a table")
            off, nth = st.get("month_offset"), st.get("trading_day")
            if isinstance(off, bool) or not isinstance(off, int) or not -12 <= off <= 0:
                raise ConfigError(f"{sw}.month_offset: expected an integer -12..0, got {off!r}")
            if isinstance(nth, bool) or not isinstance(nth, int) or not 1 <= nth <= 23:
                raise ConfigError(f"{sw}.trading_day: expected an integer 1..23, got {nth!r}")
            steps.append(ScheduleStep(off, nth, _parse_rate(st.get("rate"), f"{sw}.rate")))
        keys = [(s.month_offset, s.trading_day) for s in steps]
        if keys != sorted(keys) or len(set(keys)) != len(keys):
            raise ConfigError(f"{where}.steps: steps must be in strictly increasing start order")
        out[sid] = MarginSchedule(
            schedule_id=sid,
            description=row["description"],
            source=row["source"],
            verified=row["verified"],
            steps=tuple(steps),
        )
    return out


@lru_cache(maxsize=1)
def default_margin_schedules() -> dict[str, MarginSchedule]:
    """The shipped schedules (read once; immutable)."""
    return load_margin_schedules()


# --------------------------------------------------------------------------- rates


def rate_to_ppm(rate: Decimal) -> int:
    """An exact rate in millionths; ValueError if it is not a whole number of ppm."""
    ppm = rate * PPM
    if ppm != ppm.to_integral_value():
        raise ValueError(f"rate {rate} is not a whole number of millionths")
    return int(ppm)


def client_rate(exchange_rate: Decimal, firm_addon: Decimal = Decimal(0)) -> Decimal:
    """Client margin rate: the exchange rate plus the firm's add-on (spec 2.a; default
    0).
    """
    if firm_addon < 0:
        raise ValueError(f"a firm add-on cannot be negative, got {firm_addon}")
    return exchange_rate + firm_addon


def limit_lock_step(base_limit: Decimal, consecutive: int) -> LimitLockStep:
    """Limit and margin after the ``consecutive``-th same-direction limit-locked day.

    Spec 2.b (RMM arts. 13-19): after D1 the limit is L0 + 3 pp and the settlement rate
    of D1 at least that limit + 2 pp; after D2 the limit is L0 + 5 pp and the rate at
    least that + 2 pp. Later days are forced-reduction territory (2.e); they keep the D2
    step.
    """
    if consecutive < 1:
        raise ValueError(f"consecutive limit-locked days must be >= 1, got {consecutive}")
    widen = 3 if consecutive == 1 else 5
    next_limit = base_limit + widen * PERCENTAGE_POINT
    return LimitLockStep(next_limit=next_limit, min_rate=next_limit + 2 * PERCENTAGE_POINT)


def _add_months(year: int, month: int, offset: int) -> tuple[int, int]:
    n = year * 12 + (month - 1) + offset
    return n // 12, n % 12 + 1


@lru_cache(maxsize=4096)
def step_starts(
    schedule: MarginSchedule, year: int, month: int, cal: TradingCalendar
) -> tuple[StepStart, ...]:
    """The calendar start day of every step for a contract delivering in year-month.

    A month with fewer trading days than the step's day starts the step on its last
    trading day, with a warning (spec Q3). Cached: a book asks for the same few months
    thousands of times (calendars are immutable).
    """
    out: list[StepStart] = []
    for step in schedule.steps:
        y, m = _add_months(year, month, step.month_offset)
        days = cal.month_trading_days(y, m)
        if not days:
            raise ValueError(f"{y}-{m:02d} has no trading day")
        if len(days) >= step.trading_day:
            out.append(StepStart(days[step.trading_day - 1], step.rate))
        else:
            out.append(
                StepStart(
                    days[-1],
                    step.rate,
                    f"{y}-{m:02d} has only {len(days)} trading days "
                    f"(< {step.trading_day}): the {step.rate} step starts on its "
                    f"last trading day {days[-1]} (spec Q3)",
                )
            )
    return tuple(out)


def rate_settle(
    cm: ContractMargin,
    d: date,
    *,
    hedge: bool = False,
    side: str | None = None,
    cal: TradingCalendar | None = None,
) -> RateDecision:
    """The rate of all positions at the settlement of trading day ``d`` (spec 2.b).

    Raises ValueError if ``d`` is not a trading day or lies after the last trading day;
    CalendarHorizonError if the calendar does not reach ``next_td(d)``.
    """
    cal = cal or default_calendar()
    if not cal.is_trading_day(d):
        raise ValueError(f"{d.isoformat()} is not a trading day")
    ltd = cm.last_trading_day
    if ltd is not None and d > ltd:
        raise ValueError(f"{d.isoformat()} is after the last trading day {ltd} of {cm.contract}")
    # R19: the period containing the next trading day; on the LTD there is no next day
    # in the contract's life, so the delivery-month period (the one containing D)
    # applies.
    probe = d if ltd is not None and d == ltd else cal.next_td(d)
    starts = step_starts(cm.schedule, cm.delivery_year, cm.delivery_month, cal)
    if ltd is not None and d == ltd:
        probe = max(probe, max(s.start for s in starts))
    # steps start in increasing order (validated), so the active ones are a prefix
    active = [(s, st) for s, st in zip(starts, cm.schedule.steps, strict=True) if s.start <= probe]
    warnings = tuple(s.warning for s in starts if s.warning and s.start <= probe)

    general = cm.general_rate
    if hedge and cm.hedge_general_rate is not None:
        general = cm.hedge_general_rate
    candidates: list[RateCandidate] = [
        RateCandidate("contract_minimum", cm.contract_minimum),
        RateCandidate("hedge_general" if hedge and cm.hedge_general_rate else "general", general),
    ]
    if active:
        start, step = active[-1]
        candidates.append(RateCandidate("schedule", start.rate, since=start.start, step=step))
    for lock in cm.limit_locks:
        if lock.day == d:
            lock_step = limit_lock_step(lock.base_limit, lock.consecutive)
            candidates.append(
                RateCandidate("limit_lock", lock_step.min_rate, lock=lock, lock_step=lock_step)
            )
    for adhoc in cm.adhoc:
        if adhoc.applies(d, hedge=hedge, side=side):
            candidates.append(
                RateCandidate(
                    "adhoc", adhoc.rate, since=adhoc.from_settlement, until=adhoc.until_settlement
                )
            )
    # Highest standard wins; ties keep the earlier (more basic) source for the trace.
    best = candidates[0]
    for cand in candidates[1:]:
        if cand.rate > best.rate:
            best = cand
    return RateDecision(
        day=d,
        rate=best.rate,
        source=best.source,
        step_start=best.since if best.source == "schedule" else None,
        warnings=warnings,
        candidates=tuple(candidates),
    )


def rate_open(
    cm: ContractMargin,
    d: date,
    *,
    hedge: bool = False,
    side: str | None = None,
    cal: TradingCalendar | None = None,
) -> RateDecision:
    """The rate new opens pay during ``d``: ``rate_settle(prev_td(d))`` (spec 2.a)."""
    cal = cal or default_calendar()
    if not cal.is_trading_day(d):
        raise ValueError(f"{d.isoformat()} is not a trading day")
    prev = rate_settle(cm, cal.prev_td(d), hedge=hedge, side=side, cal=cal)
    return replace(prev, day=d)


def contract_margin_for(
    contract: str,
    general_rate: Decimal,
    *,
    schedule_id: str | None = None,
    hedge_general_rate: Decimal | None = None,
    limit_locks: Sequence[LimitLock] = (),
    adhoc: Sequence[AdhocRate] = (),
    cal: TradingCalendar | None = None,
) -> ContractMargin:
    """Build a ContractMargin from the product table and the shipped schedules.

    Raises ValueError for an unknown product/contract code or schedule id.
    """
    from core.reference.products import default_products, parse_contract_code

    code = parse_contract_code(contract)
    products = default_products()
    if code.product not in products:
        raise ValueError(f"unknown product {code.product!r} of contract {contract}")
    product = products[code.product]
    schedules = default_margin_schedules()
    sid = schedule_id or product.margin_schedule
    if sid not in schedules:
        raise ValueError(f"unknown margin schedule {sid!r}; known: {', '.join(sorted(schedules))}")
    cal = cal or default_calendar()
    return ContractMargin(
        contract=code.code,
        delivery_year=code.year,
        delivery_month=code.month,
        schedule=schedules[sid],
        general_rate=general_rate,
        contract_minimum=product.min_margin,
        hedge_general_rate=hedge_general_rate,
        last_trading_day=product.last_trading_day(code.year, code.month, cal),
        limit_locks=tuple(limit_locks),
        adhoc=tuple(adhoc),
    )


# --------------------------------------------------------------------------- a day's book


def contract_margin(
    terms: ContractTerms,
    cal: TradingCalendar,
    *,
    locks: Sequence[LimitLock] = (),
    adhoc: Sequence[AdhocRate] = (),
) -> ContractMargin:
    """The margin facts of a stored contract; ValueError for a product without a schedule.

    Schedule steps that start in a month beyond the trading calendar are left out: they
    start after every day the calendar knows, so they cannot apply to a day it knows,
    and keeping them would make ``rate_settle`` refuse far contracts (a 2701 contract
    in late 2026). The last trading day is the contract table's when known, else the
    product rule's.
    """
    from core.reference.products import default_products

    product = default_products().get(terms.product)
    if product is None:
        raise ValueError(f"unknown product {terms.product!r}")
    schedules = default_margin_schedules()
    if product.margin_schedule not in schedules:
        raise ValueError(f"unknown margin schedule {product.margin_schedule!r}")
    schedule = schedules[product.margin_schedule]
    year, month = terms.delivery_month.year, terms.delivery_month.month
    horizon = cal.known_until.year * 12 + cal.known_until.month - 1
    steps = tuple(s for s in schedule.steps if year * 12 + month - 1 + s.month_offset <= horizon)
    ltd = terms.last_trading_day
    if ltd is None:
        try:
            ltd = product.last_trading_day(year, month, cal)
        except CalendarHorizonError:
            ltd = None
    return ContractMargin(
        contract=terms.code,
        delivery_year=year,
        delivery_month=month,
        schedule=replace(schedule, steps=steps),
        general_rate=Decimal(terms.general_margin_ppm) / PPM,
        contract_minimum=product.min_margin,
        hedge_general_rate=Decimal(terms.hedge_margin_ppm) / PPM,
        last_trading_day=ltd,
        limit_locks=tuple(locks),
        adhoc=tuple(adhoc),
    )


@dataclass(frozen=True)
class DayRates:
    """rate_settle(day) in ppm of every (contract index, hedge) asked for (spec 2.b).

    ``problems`` maps a contract index to why it has no rate (unknown product, a day
    after its last trading day, a calendar that does not reach next_td(day)); those
    pairs are absent from ``ppm``. ``sources`` says which standard set each rate;
    ``decisions`` holds each pair's whole ``RateDecision`` (every standard weighed),
    for the surfaces that explain a rate.
    """

    day: date
    n_contracts: int
    ppm: Mapping[tuple[int, bool], int]
    sources: Mapping[tuple[int, bool], str]
    warnings: tuple[str, ...]
    problems: Mapping[int, str]
    decisions: Mapping[tuple[int, bool], RateDecision] = field(default_factory=dict)

    def rate(self, contract: int, hedge: bool) -> int:
        """The rate in ppm; KeyError when the pair has none (see ``problems``)."""
        return self.ppm[(contract, hedge)]

    def table(self) -> npt.NDArray[np.int64]:
        """Rates as an (n_contracts, 2) array indexed [contract, hedge]; −1 = none."""
        out = np.full((self.n_contracts, 2), -1, dtype=np.int64)
        for (k, hedge), value in self.ppm.items():
            out[k, int(hedge)] = value
        return out

    def line_rates(self, contract: npt.ArrayLike, hedge: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Rates per line (contract index, hedge flag); KeyError for a pair without one."""
        k = np.asarray(contract, dtype=np.int64)
        h = np.asarray(hedge, dtype=np.int64)
        out = self.table()[k, h] if k.size else np.zeros(0, np.int64)
        if (out < 0).any():
            bad = int(np.flatnonzero(out < 0)[0])
            raise KeyError((int(k[bad]), bool(h[bad])))
        return out.astype(np.int64)


def day_margin_rates(
    contracts: Sequence[ContractTerms],
    day: date,
    *,
    lock_runs: Mapping[str, tuple[str, int]] | None = None,
    adjustments: Iterable[RateAdjustment] = (),
    pairs: Iterable[tuple[int, bool]] | None = None,
    cal: TradingCalendar | None = None,
) -> DayRates:
    """rate_settle(``day``) for the (contract index, hedge) ``pairs`` of a stored book.

    The highest of: the period step containing next_td(day) (R19), the exchange's
    general rate (hedge or speculative), the contract minimum, the limit-lock step of a
    contract locked on ``day`` for the ``n``-th consecutive day (``lock_runs``: code →
    (direction, n), spec 2.b) and every exchange notice in force (``adjustments``, each
    from the settlement of its effective day on). ``pairs`` defaults to every contract,
    both flags. The live monitor of D calls it with ``day = prev_td(D)``
    (rate_open(D) = rate_settle(prev_td(D)), spec 2.a).
    """
    cal = cal or default_calendar()
    runs = lock_runs or {}
    adhoc_by_contract: dict[str, list[AdhocRate]] = {}
    for a in adjustments:
        adhoc_by_contract.setdefault(a.contract_code, []).append(
            AdhocRate(
                from_settlement=a.effective_day, rate=Decimal(a.rate_ppm) / PPM, hedge=a.hedge
            )
        )
    wanted = (
        sorted(set(pairs))
        if pairs is not None
        else [(k, h) for k in range(len(contracts)) for h in (False, True)]
    )
    ppm: dict[tuple[int, bool], int] = {}
    sources: dict[tuple[int, bool], str] = {}
    decisions: dict[tuple[int, bool], RateDecision] = {}
    warnings: list[str] = []
    problems: dict[int, str] = {}
    built: dict[int, ContractMargin] = {}
    for k, hedge in wanted:
        if k in problems:
            continue
        terms = contracts[k]
        try:
            cm = built.get(k)
            if cm is None:
                run = runs.get(terms.code)
                locks = (
                    (LimitLock(day, run[1], Decimal(terms.price_limit_ppm) / PPM),)
                    if run is not None and run[1] > 0
                    else ()
                )
                cm = contract_margin(
                    terms, cal, locks=locks, adhoc=adhoc_by_contract.get(terms.code, ())
                )
                built[k] = cm
            decision = rate_settle(cm, day, hedge=hedge, cal=cal)
        except (ValueError, CalendarHorizonError) as exc:
            problems[k] = str(exc)
            continue
        ppm[(k, hedge)] = rate_to_ppm(decision.rate)
        sources[(k, hedge)] = decision.source
        decisions[(k, hedge)] = decision
        warnings.extend(
            f"{terms.code}: {w}" for w in decision.warnings if f"{terms.code}: {w}" not in warnings
        )
    return DayRates(
        day=day,
        n_contracts=len(contracts),
        ppm=ppm,
        sources=sources,
        warnings=tuple(warnings),
        problems=problems,
        decisions=decisions,
    )
