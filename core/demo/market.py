"""Demo market data: listed contracts, 60 days of settlement prices, limits, rates.

Prices are integer fen on each contract's tick. Every day's settlement lies within the
limit prices computed from the prior settlement (spec 2.b), limit prices are rounded to
the tick towards the prior settlement, and the most active soybean-meal contract closes
limit-down on the last three trading days (D1, D2, D3 of spec 2.e) with the widened
limits and raised margins of spec 2.b.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial

import numpy as np
import numpy.typing as npt

from core.errors import CalendarHorizonError
from core.reference.products import Product
from core.rules import price_limits
from core.rules.day_inputs import ContractTerms, RateAdjustment
from core.rules.margin_schedule import (
    day_margin_rates,
    limit_lock_step,
    rate_to_ppm,
)
from core.trading_calendar import TradingCalendar

I64 = npt.NDArray[np.int64]
PPM = 1_000_000
LOCK_PRODUCT = "m"
LOCK_DAYS = 3


@dataclass(frozen=True)
class ProductMarket:
    """Demo parameters of one product (illustrative, not exchange data)."""

    base_yuan: int
    limit_ppm: int
    margin_ppm: int
    daily_vol: float
    n_contracts: int
    base_oi: int
    fee_per_lot_fen: int = 0
    fee_value_ppm: int = 0  # fee as a share of contract value (i, j, jm, jd)


# Base prices near the 2025-26 levels; limits and margins in the range of DCE's
# published trading parameters (data, not contract text).
PRODUCT_MARKET: dict[str, ProductMarket] = {
    "a": ProductMarket(4_200, 60_000, 90_000, 0.009, 4, 160_000, fee_per_lot_fen=200),
    "b": ProductMarket(3_800, 60_000, 90_000, 0.010, 4, 90_000, fee_per_lot_fen=100),
    "m": ProductMarket(3_300, 50_000, 70_000, 0.011, 6, 1_600_000, fee_per_lot_fen=150),
    "y": ProductMarket(7_800, 60_000, 80_000, 0.011, 5, 600_000, fee_per_lot_fen=250),
    "c": ProductMarket(2_350, 50_000, 70_000, 0.007, 5, 1_100_000, fee_per_lot_fen=120),
    "l": ProductMarket(8_000, 60_000, 80_000, 0.010, 5, 450_000, fee_per_lot_fen=100),
    "v": ProductMarket(5_600, 60_000, 80_000, 0.011, 5, 700_000, fee_per_lot_fen=100),
    "pp": ProductMarket(7_500, 60_000, 80_000, 0.010, 5, 500_000, fee_per_lot_fen=100),
    "i": ProductMarket(800, 100_000, 130_000, 0.016, 6, 700_000, fee_value_ppm=100),
    "j": ProductMarket(2_000, 80_000, 120_000, 0.017, 4, 50_000, fee_value_ppm=100),
    "jm": ProductMarket(1_500, 80_000, 120_000, 0.019, 4, 400_000, fee_value_ppm=100),
    "jd": ProductMarket(4_000, 60_000, 90_000, 0.012, 5, 250_000, fee_value_ppm=150),
}

MAIN_MONTHS = (1, 5, 9)


@dataclass(frozen=True)
class ContractInfo:
    """One demo contract (a row of the ``contract`` table plus generator facts)."""

    code: str
    product: str
    year: int
    month: int
    listing_date: date | None
    last_trading_day: date | None
    last_delivery_day: date | None
    tick_fen: int
    multiplier: int
    limit_ppm: int
    margin_ppm: int
    hedge_margin_ppm: int
    min_margin_ppm: int


@dataclass(frozen=True)
class MarginAdjustmentRow:
    contract_code: str
    effective_day: date
    hedge: bool
    rate_ppm: int
    note: str


@dataclass
class Market:
    """Contracts (K) by trading days (T); price arrays are (T, K) int64 fen."""

    days: list[date]
    contracts: list[ContractInfo]
    settle: I64
    upper: I64
    lower: I64
    lock: npt.NDArray[np.int8]  # 0 none, 1 limit up, -1 limit down
    open_interest: I64
    volume: I64
    rate_spec: I64  # settlement rate of speculative positions, ppm
    rate_hedge: I64
    weight: npt.NDArray[np.float64]  # activity share within the product
    locked: int  # index of the limit-locked contract
    lock_days: list[date]
    adjustments: list[MarginAdjustmentRow]
    prior_settle: I64  # (K,) settlement of the day before the window (limits of day 0)

    @property
    def tick(self) -> I64:
        return np.array([c.tick_fen for c in self.contracts], dtype=np.int64)

    @property
    def multiplier(self) -> I64:
        return np.array([c.multiplier for c in self.contracts], dtype=np.int64)


def _ppm(value: Decimal) -> int:
    return rate_to_ppm(value)


def _months_ahead(d: date, year: int, month: int) -> int:
    return (year - d.year) * 12 + (month - d.month)


def _try(fn: Callable[[], date]) -> date | None:
    """Call a calendar function; None when the answer lies beyond the calendar."""
    try:
        return fn()
    except CalendarHorizonError:
        return None


def _ltd(p: Product, year: int, month: int, cal: TradingCalendar) -> date | None:
    return _try(lambda: p.last_trading_day(year, month, cal))


def contract_info(
    products: dict[str, Product], code: str, year: int, month: int, cal: TradingCalendar
) -> ContractInfo:
    """The demo contract of ``code`` for a delivery month (dates None past the calendar)."""
    p, pm = products[code], PRODUCT_MARKET[code]
    ltd = _ltd(p, year, month, cal)
    prev_ltd = _ltd(p, year - 1, month, cal)
    listing = _try(partial(cal.next_td, prev_ltd)) if prev_ltd else None
    ldd = None
    if ltd is not None:
        ldd = _try(partial(cal.add_trading_days, ltd, p.last_delivery_td_after_ltd))
    hedge_ppm = max(pm.margin_ppm - 10_000, _ppm(p.min_margin))
    return ContractInfo(
        code=f"{code}{year % 100:02d}{month:02d}",
        product=code,
        year=year,
        month=month,
        listing_date=listing,
        last_trading_day=ltd,
        last_delivery_day=ldd,
        tick_fen=int(p.tick * 100),
        multiplier=p.multiplier,
        limit_ppm=max(pm.limit_ppm, _ppm(p.price_limit)),
        margin_ppm=max(pm.margin_ppm, _ppm(p.min_margin)),
        hedge_margin_ppm=hedge_ppm,
        min_margin_ppm=_ppm(p.min_margin),
    )


def select_contracts(
    products: dict[str, Product], cal: TradingCalendar, end_day: date, start_day: date
) -> list[ContractInfo]:
    """The nearest listed months of each product still trading after ``end_day``.

    A contract qualifies if its last trading day is after ``end_day`` (or beyond the
    calendar) and it was listed before ``start_day``, so it trades on every demo day.
    """
    out: list[ContractInfo] = []
    for code in sorted(products):
        if code not in PRODUCT_MARKET:
            continue
        p, pm = products[code], PRODUCT_MARKET[code]
        chosen: list[ContractInfo] = []
        for ahead in range(36):
            n = end_day.year * 12 + end_day.month - 1 + ahead
            year, month = n // 12, n % 12 + 1
            if month not in p.months:
                continue
            c = contract_info(products, code, year, month, cal)
            if c.last_trading_day is not None and c.last_trading_day <= end_day:
                continue
            if c.listing_date is not None and c.listing_date > start_day:
                continue
            chosen.append(c)
            if len(chosen) == pm.n_contracts:
                break
        out.extend(chosen)
    return out


def _main_index(contracts: list[ContractInfo], idx: list[int], end_day: date) -> int:
    for i in idx:
        c = contracts[i]
        if c.month in MAIN_MONTHS and _months_ahead(end_day, c.year, c.month) >= 2:
            return i
    return idx[min(1, len(idx) - 1)]


def contract_terms(contract: ContractInfo, products: dict[str, Product]) -> ContractTerms:
    """The demo contract as the rules see it (the row the ``contract`` table will hold)."""
    return ContractTerms(
        code=contract.code,
        product=contract.product,
        multiplier=contract.multiplier,
        unit_tons=products[contract.product].unit_tons,
        tick_fen=contract.tick_fen,
        general_margin_ppm=contract.margin_ppm,
        hedge_margin_ppm=contract.hedge_margin_ppm,
        price_limit_ppm=contract.limit_ppm,
        delivery_month=date(contract.year, contract.month, 1),
        listing_date=contract.listing_date,
        last_trading_day=contract.last_trading_day,
    )


def settlement_rates(
    contracts: list[ContractInfo],
    days: list[date],
    lock: npt.NDArray[np.int8],
    adjustments: list[MarginAdjustmentRow],
    products: dict[str, Product],
    cal: TradingCalendar,
) -> tuple[I64, I64]:
    """rate_settle(D) in ppm for every day and contract (speculative, hedge): the rates
    the daily settlement would apply (``core.rules.margin_schedule.day_margin_rates``)
    to the demo's contract terms, limit-lock flags and margin notices."""
    terms = [contract_terms(c, products) for c in contracts]
    notices = [
        RateAdjustment(a.contract_code, a.effective_day, a.hedge, a.rate_ppm) for a in adjustments
    ]
    spec = np.empty((len(days), len(contracts)), dtype=np.int64)
    hedge = np.empty_like(spec)
    run = np.zeros(len(contracts), dtype=np.int64)
    for t, d in enumerate(days):
        # consecutive same-direction lock days ending at d (spec 2.b)
        same = (lock[t] != 0) & (t > 0) & (lock[t] == lock[max(t - 1, 0)])
        run = np.where(lock[t] != 0, np.where(same, run + 1, 1), 0)
        runs = {
            contracts[k].code: ("limit_up" if lock[t, k] > 0 else "limit_down", int(run[k]))
            for k in np.flatnonzero(run).tolist()
        }
        rates = day_margin_rates(
            terms,
            d,
            lock_runs=runs,
            adjustments=[a for a in notices if a.effective_day <= d],
            cal=cal,
        )
        if rates.problems:
            k, why = next(iter(rates.problems.items()))
            raise ValueError(f"{contracts[k].code} on {d}: {why}")
        table = rates.table()
        spec[t], hedge[t] = table[:, 0], table[:, 1]
    return spec, hedge


def limit_prices(prior_ticks: I64, limit_ppm: I64) -> tuple[I64, I64]:
    """Upper and lower limit in ticks, rounded to the tick towards the prior settlement
    (``core.rules.price_limits.limit_prices`` on a one-tick grid)."""
    lower, upper = price_limits.limit_prices(prior_ticks, limit_ppm, 1)
    return upper, lower


def generate_market(
    rng: np.random.Generator,
    products: dict[str, Product],
    cal: TradingCalendar,
    days: list[date],
) -> Market:
    """Contracts and their settlement prices, limits, open interest and rates."""
    end_day, start_day = days[-1], days[0]
    contracts = select_contracts(products, cal, end_day, start_day)
    n_days, n_k = len(days), len(contracts)
    by_product: dict[str, list[int]] = {}
    for i, c in enumerate(contracts):
        by_product.setdefault(c.product, []).append(i)

    # Activity: the main contract dominates, the others fall off with distance from it.
    weight = np.zeros(n_k)
    main_of: dict[str, int] = {}
    for code, idx in by_product.items():
        main = _main_index(contracts, idx, end_day)
        main_of[code] = main
        for i in idx:
            dist = abs(idx.index(i) - idx.index(main))
            weight[i] = 1.0 if i == main else 0.45 / (1 + dist) ** 1.3
        weight[idx] /= weight[idx].sum()
    locked = main_of[LOCK_PRODUCT]

    tick = np.array([c.tick_fen for c in contracts], dtype=np.int64)
    limit = np.array([c.limit_ppm for c in contracts], dtype=np.int64)
    # Starting prices: the product base with a calendar spread (carry) per month ahead.
    start_ticks = np.empty(n_k, dtype=np.int64)
    vol = np.empty(n_k)
    prod_of = np.empty(n_k, dtype=np.int64)
    codes = sorted(by_product)
    for j, code in enumerate(codes):
        pm = PRODUCT_MARKET[code]
        carry = rng.uniform(-0.006, 0.006)
        for i in by_product[code]:
            c = contracts[i]
            price_fen = pm.base_yuan * 100 * (1 + carry * _months_ahead(end_day, c.year, c.month))
            start_ticks[i] = round(price_fen / c.tick_fen)
            vol[i] = pm.daily_vol
            prod_of[i] = j
    common = rng.standard_normal((n_days, len(codes)))[:, prod_of]
    own = rng.standard_normal((n_days, n_k))
    ret = vol * (0.85 * common + 0.5 * own)
    cap = 0.8 * limit / PPM
    ret = np.clip(ret, -cap, cap)

    lock_from = n_days - LOCK_DAYS
    lock_days = days[lock_from:]
    m_idx = np.array(by_product[LOCK_PRODUCT])
    # The soybean-meal sell-off: the other m months fall hard but stay off the limit.
    ret[lock_from:, m_idx] = -rng.uniform(0.55, 0.8, (LOCK_DAYS, len(m_idx))) * (limit[m_idx] / PPM)

    base_limit = Decimal(int(limit[locked])) / PPM
    settle = np.empty((n_days, n_k), dtype=np.int64)
    upper = np.empty_like(settle)
    lower = np.empty_like(settle)
    lock = np.zeros((n_days, n_k), dtype=np.int8)
    adjustments: list[MarginAdjustmentRow] = []
    prev = start_ticks.copy()
    for t in range(n_days):
        day_limit = limit.copy()
        if t > lock_from:
            # spec 2.b: after D1 the limit is L0 + 3 pp, after D2 L0 + 5 pp.
            step = limit_lock_step(base_limit, t - lock_from)
            day_limit[locked] = _ppm(step.next_limit)
        up, lo = limit_prices(prev, day_limit)
        target = np.rint(prev * (1.0 + ret[t])).astype(np.int64)
        s = np.clip(target, lo, up)
        if t >= lock_from:
            s[locked] = lo[locked]
            lock[t, locked] = -1
        settle[t], upper[t], lower[t] = s * tick, up * tick, lo * tick
        prev = s
    for n, d in enumerate(lock_days[:2], start=1):
        # spec 2.b: the settlement rate of D1 (D2) is at least the next limit + 2 pp.
        rate = _ppm(limit_lock_step(base_limit, n).min_rate)
        for hedge in (False, True):
            adjustments.append(
                MarginAdjustmentRow(
                    contracts[locked].code, d, hedge, rate, f"limit-locked day D{n} (spec 2.b)"
                )
            )

    base_oi = np.array([PRODUCT_MARKET[c.product].base_oi for c in contracts], dtype=np.float64)
    oi_path = np.exp(np.cumsum(rng.normal(0.0, 0.015, (n_days, n_k)), axis=0))
    oi_path /= oi_path[-1]
    open_interest = np.maximum(np.rint(base_oi * weight * oi_path), 10).astype(np.int64)
    turnover = rng.uniform(0.3, 1.2, (n_days, n_k))
    turnover[lock_from:, locked] = rng.uniform(0.003, 0.02, LOCK_DAYS)
    volume = np.rint(open_interest * turnover).astype(np.int64)

    rate_spec, rate_hedge = settlement_rates(contracts, days, lock, adjustments, products, cal)

    return Market(
        days=days,
        contracts=contracts,
        settle=settle,
        upper=upper,
        lower=lower,
        lock=lock,
        open_interest=open_interest,
        volume=volume,
        rate_spec=rate_spec,
        rate_hedge=rate_hedge,
        weight=weight,
        locked=locked,
        lock_days=lock_days,
        adjustments=adjustments,
        prior_settle=start_ticks * tick,
    )
