"""Demo client book: clients, positions, trades, closing orders, quotas, funds, balances.

All arrays are numpy and vectorised over position lines, so the large set (100,000
clients, about a million lines a day) costs seconds. Money and prices are int64 fen.

Consistency kept by construction (spec 2.a, 2.d):

* Position lines are stored for the last day D and the prior day P = prev_td(D). A line
  on D has ``lots = hist + today``; ``closed`` historic lots were closed on D (FIFO, so
  closes consume historic lots first); the P line therefore holds ``hist + closed`` lots,
  all opened on or before prev_td(P) (``today_lots`` is 0 on P).
* ``margin_fen = half_up(S(day) x multiplier x lots x rate_settle(day))``.
* D's trades are exactly the opens (``today_lots``) and the closes of each line.
* Client balances obey ``balance(D) = balance(P) + deposits - withdrawals + close P&L
  + position P&L - fees`` with the P&L of spec 2.d.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from core.demo.market import PPM, PRODUCT_MARKET, Market
from core.demo.names import company_names, person_names
from core.errors import CalendarHorizonError
from core.money import half_up_div
from core.rules.funds import (
    available_funds,
    average_open_price,
    line_margin,
    mark_to_market,
    offset_used,
    offset_value_matrix,
)
from core.rules.sides import sign_of
from core.trading_calendar import TradingCalendar

I64 = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Columns = dict[str, Any]
"""One table as columns: numpy arrays (datetime64 for dates) or Python lists."""

# Share of position lines per product (roughly DCE's open-interest mix).
PRODUCT_SHARE = {
    "m": 0.16,
    "i": 0.12,
    "c": 0.10,
    "y": 0.09,
    "pp": 0.08,
    "v": 0.08,
    "l": 0.07,
    "jm": 0.06,
    "jd": 0.06,
    "a": 0.05,
    "j": 0.05,
    "b": 0.03,
}
NIGHT_SESSION = frozenset(PRODUCT_MARKET) - {"jd"}
HAIRCUT_PPM = 800_000  # spec 2.c default receipt haircut (80 %)
CASH_CAP_PPM = 4 * PPM  # spec 2.c default cap of the offset: 4 × cash
_US_PER_MIN = 60_000_000
_BEIJING_TO_UTC_US = 8 * 60 * _US_PER_MIN


def _day64(d: date) -> np.datetime64:
    return np.datetime64(d, "D")


def _group_sum(index: I64, values: I64, size: int) -> I64:
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, index, values)
    return out


# --------------------------------------------------------------------- clients
@dataclass
class Clients:
    codes: list[str]
    is_individual: BoolArray
    is_hedger: BoolArray
    columns: Columns
    trading_codes: Columns

    @property
    def count(self) -> int:
        return len(self.codes)


def generate_clients(
    rng: np.random.Generator, n: int, member_code: str, cal: TradingCalendar, start: date
) -> Clients:
    """``n`` clients: 90 % individuals, the rest hedgers and asset managers."""
    is_individual = rng.random(n) < 0.9
    is_fund = ~is_individual & (rng.random(n) < 0.45)
    is_hedger = ~is_individual & ~is_fund
    names = np.empty(n, dtype=object)
    ind = np.flatnonzero(is_individual)
    inst = np.flatnonzero(~is_individual)
    names[ind] = person_names(rng, len(ind))
    names[inst] = company_names(rng, len(inst), funds=is_fund[inst])
    codes = [f"{10_000_001 + i}" for i in range(n)]
    days = cal.day_numbers()
    lo = np.searchsorted(days, (_day64(date(2012, 1, 4)) - np.datetime64(0, "D")).astype(int))
    hi = np.searchsorted(days, (_day64(start) - np.datetime64(0, "D")).astype(int)) - 5
    opened = (days[rng.integers(lo, max(hi, lo + 1), size=n)]).astype("datetime64[D]")
    columns: Columns = {
        "code": codes,
        "member_code": [member_code] * n,
        "name": names.tolist(),
        "is_individual": is_individual,
        "opened_on": opened,
    }
    trading_codes: Columns = {
        "code": [member_code + c for c in codes],
        "client_code": codes,
        "member_code": [member_code] * n,
        "opened_on": opened,
    }
    return Clients(codes, is_individual, is_hedger, columns, trading_codes)


# --------------------------------------------------------------------- positions
@dataclass
class Book:
    """Position lines of the last day D (one entry per line), with their history."""

    client: I64
    contract: I64
    side: I64  # 0 long, 1 short (the string order of 'long' < 'short')
    hedge: BoolArray
    lots: I64
    today: I64
    hist: I64
    closed: I64
    prior_lots: I64
    open_price: I64
    hist_price: I64
    today_price: I64
    close_price: I64
    margin: I64
    prior_margin: I64
    pos_pnl: I64
    close_pnl: I64
    prior_pos_pnl: I64

    @property
    def count(self) -> int:
        return len(self.client)


@dataclass(frozen=True)
class LargePosition:
    """A position line the generator must hold with exactly ``lots`` on D."""

    client: int
    contract: int
    side: int  # 0 long, 1 short
    hedge: bool
    lots: int


def _to_ticks(price_fen: npt.NDArray[Any], tick: I64) -> I64:
    return np.asarray(np.rint(price_fen / tick), dtype=np.int64)


def generate_book(
    rng: np.random.Generator,
    market: Market,
    clients: Clients,
    lines_per_client: float,
    large: Sequence[LargePosition] = (),
) -> Book:
    """Position lines on D: long/short, hedge, locked (both sides), today's opens, closes.

    ``large`` lines are added (or replace a random line with the same key) with their
    given lots on D; they open and close at most 5 % of them on D, like the others.
    """
    n, n_k = clients.count, len(market.contracts)
    n_days = len(market.days)
    share = np.array([PRODUCT_SHARE[c.product] for c in market.contracts])
    gw = share * market.weight
    gw /= gw.sum()

    is_ind = clients.is_individual
    k = np.where(
        is_ind,
        1 + rng.poisson(max(lines_per_client - 1.8, 0.1), n),
        2 + rng.poisson(2 * lines_per_client, n),
    )
    k[is_ind & (rng.random(n) < 0.05)] = 0  # cash-only accounts
    client = np.repeat(np.arange(n, dtype=np.int64), k)
    total = len(client)
    contract = rng.choice(n_k, size=total, p=gw).astype(np.int64)
    side = (rng.random(total) < 0.5).astype(np.int64)
    hedge = clients.is_hedger[client] & (rng.random(total) < 0.6)
    key = ((client * n_k + contract) * 2 + side) * 2 + hedge
    # Locked positions: some speculative lines also hold the opposite side.
    both = ~hedge & (rng.random(total) < 0.07)
    key_b = ((client[both] * n_k + contract[both]) * 2 + (1 - side[both])) * 2
    key_l = np.array(
        [((p.client * n_k + p.contract) * 2 + p.side) * 2 + int(p.hedge) for p in large],
        dtype=np.int64,
    )
    keys = np.unique(np.concatenate([key, key_b, key_l]))  # sorted = unique-index order
    hedge = (keys % 2).astype(bool)
    side = (keys // 2) % 2
    contract = (keys // 4) % n_k
    client = keys // (4 * n_k)
    m = len(keys)

    inst = ~is_ind[client]
    lots = np.where(
        inst,
        np.ceil(rng.lognormal(2.6, 1.1, m)),
        np.ceil(rng.lognormal(0.9, 0.9, m)),
    ).astype(np.int64)
    lots = np.clip(lots * np.where(hedge, 2, 1), 1, np.where(inst, 3000, 300))
    at_large = np.searchsorted(keys, key_l)
    lots[at_large] = [p.lots for p in large]

    tick = market.tick[contract]
    mult = market.multiplier[contract]
    locked = contract == market.locked
    # Historic lots: opened on or before the day before P, at about that day's price.
    u = rng.integers(0, n_days - 2, size=m)
    hist_t = _to_ticks(market.settle[u, contract] * (1 + rng.normal(0, 0.004, m)), tick)
    hist_t = np.clip(hist_t, market.lower[u, contract] // tick, market.upper[u, contract] // tick)
    on_lock_day = locked & (market.lock[u, contract] != 0)
    hist_t = np.where(on_lock_day, market.settle[u, contract] // tick, hist_t)
    hist_price = hist_t * tick

    has_today = rng.random(m) < np.where(locked, 0.03, 0.2)
    full_new = has_today & (rng.random(m) < 0.25)
    partial = 1 + np.floor(rng.random(m) * lots).astype(np.int64)
    today = np.where(full_new, lots, np.where(has_today, partial, 0))
    hist = lots - today
    has_close = rng.random(m) < np.where(locked, 0.02, 0.12)
    closed = np.where(has_close, 1 + np.floor(rng.random(m) * np.maximum(lots // 2, 1)), 0)
    closed = closed.astype(np.int64)
    # Large holders move only a small part of their position in a day.
    cap = np.maximum(lots[at_large] // 20, 1)
    today[at_large] = np.minimum(today[at_large], cap)
    closed[at_large] = np.minimum(closed[at_large], cap)
    hist = lots - today
    prior_lots = hist + closed

    s_d = market.settle[-1, contract]
    s_p = market.settle[-2, contract]
    s_pp = market.settle[-3, contract]
    lo_t = market.lower[-1, contract] // tick
    up_t = market.upper[-1, contract] // tick

    def day_price(spread: float) -> I64:
        t = np.clip(_to_ticks(s_d * (1 + rng.normal(0, spread, m)), tick), lo_t, up_t)
        # On a limit-locked day the only fills are at the limit price.
        return np.asarray(np.where(locked, lo_t, t) * tick, dtype=np.int64)

    today_price = day_price(0.006)
    close_price = day_price(0.006)
    # Every stored figure is the rule's (core.rules.funds), as the settlement writes it.
    today_cost = today * today_price
    open_price = average_open_price(hist, hist_price, today, today_cost)
    rate_d = np.where(hedge, market.rate_hedge[-1, contract], market.rate_spec[-1, contract])
    rate_p = np.where(hedge, market.rate_hedge[-2, contract], market.rate_spec[-2, contract])
    margin = line_margin(s_d, mult, lots, rate_d)
    prior_margin = line_margin(s_p, mult, prior_lots, rate_p)
    sign = sign_of(side)
    pos_pnl = mark_to_market(s_d, s_p, hist, today, today_cost, mult, sign)
    # the closes take historic lots only (FIFO, spec 2.0): marked from S(P) to the price
    close_pnl = mark_to_market(close_price, s_p, closed, 0, 0, mult, sign)
    prior_pos_pnl = mark_to_market(s_p, s_pp, prior_lots, 0, 0, mult, sign)
    return Book(
        client=client,
        contract=contract,
        side=side,
        hedge=hedge,
        lots=lots,
        today=today,
        hist=hist,
        closed=closed,
        prior_lots=prior_lots,
        open_price=open_price,
        hist_price=hist_price,
        today_price=today_price,
        close_price=close_price,
        margin=margin,
        prior_margin=prior_margin,
        pos_pnl=pos_pnl,
        close_pnl=close_pnl,
        prior_pos_pnl=prior_pos_pnl,
    )


def position_columns(market: Market, clients: Clients, book: Book) -> Columns:
    """Rows of ``position`` for P then D, each day in unique-index order."""
    codes = np.array(clients.codes, dtype=object)
    contract_codes = np.array([c.code for c in market.contracts], dtype=object)
    sides = np.array(["long", "short"], dtype=object)
    p = np.flatnonzero(book.prior_lots > 0)
    n_p, n_d = len(p), book.count
    idx = np.concatenate([p, np.arange(n_d)])
    day = np.concatenate(
        [np.full(n_p, _day64(market.days[-2])), np.full(n_d, _day64(market.days[-1]))]
    )
    return {
        "trading_day": day,
        "client_code": codes[book.client[idx]].tolist(),
        "contract_code": contract_codes[book.contract[idx]].tolist(),
        "side": sides[book.side[idx]].tolist(),
        "hedge": book.hedge[idx],
        "lots": np.concatenate([book.prior_lots[p], book.lots]),
        "today_lots": np.concatenate([np.zeros(n_p, dtype=np.int64), book.today]),
        "open_price_fen": np.concatenate([book.hist_price[p], book.open_price]),
        "margin_fen": np.concatenate([book.prior_margin[p], book.margin]),
    }


# --------------------------------------------------------------------- trades
@dataclass
class Trades:
    line: I64
    is_open: BoolArray
    lots: I64
    price: I64
    fee: I64
    columns: Columns


def _fees(market: Market, contract: I64, lots: I64, price: I64) -> I64:
    per_lot = np.array(
        [PRODUCT_MARKET[c.product].fee_per_lot_fen for c in market.contracts], dtype=np.int64
    )
    value_ppm = np.array(
        [PRODUCT_MARKET[c.product].fee_value_ppm for c in market.contracts], dtype=np.int64
    )
    by_value = half_up_div(price * market.multiplier[contract] * lots * value_ppm[contract], PPM)
    return np.asarray(per_lot[contract] * lots + by_value, dtype=np.int64)


def generate_trades(
    rng: np.random.Generator, market: Market, clients: Clients, book: Book, cal: TradingCalendar
) -> Trades:
    """D's fills: one open per line with today's lots, one close per line with closes."""
    o = np.flatnonzero(book.today > 0)
    c = np.flatnonzero(book.closed > 0)
    line = np.concatenate([o, c])
    is_open: BoolArray = np.concatenate([np.ones(len(o), bool), np.zeros(len(c), bool)])
    lots = np.concatenate([book.today[o], book.closed[c]])
    price = np.concatenate([book.today_price[o], book.close_price[c]])
    contract = book.contract[line]
    fee = _fees(market, contract, lots, price)

    # Times: night session (previous evening, 21:00-23:00) belongs to D (spec 2.0).
    n = len(line)
    day, prev = market.days[-1], cal.prev_td(market.days[-1])
    night_ok = np.array([ct.product in NIGHT_SESSION for ct in market.contracts])[contract]
    night = night_ok & (rng.random(n) < 0.3)
    minute = rng.random(n) * 225.0
    day_min = np.where(
        minute < 75, 540 + minute, np.where(minute < 135, 555 + minute, 675 + minute)
    )
    night_min = 1260 + rng.random(n) * 120.0
    base = np.where(
        night,
        np.datetime64(prev, "us").astype(np.int64),
        np.datetime64(day, "us").astype(np.int64),
    )
    local_us = base + (np.where(night, night_min, day_min) * _US_PER_MIN).astype(np.int64)
    utc_us = local_us - _BEIJING_TO_UTC_US
    order = np.lexsort((line, utc_us))
    line, lots, price, fee, utc_us = (
        line[order],
        lots[order],
        price[order],
        fee[order],
        utc_us[order],
    )
    is_open = is_open[order]

    codes = np.array(clients.codes, dtype=object)
    contract_codes = np.array([ct.code for ct in market.contracts], dtype=object)
    sides = np.array(["long", "short"], dtype=object)
    columns: Columns = {
        "trade_no": [f"{i:08d}" for i in range(1, n + 1)],
        "trading_day": np.full(n, _day64(day)),
        "traded_at": utc_us.astype("datetime64[us]"),
        "client_code": codes[book.client[line]].tolist(),
        "contract_code": contract_codes[book.contract[line]].tolist(),
        "side": sides[book.side[line]].tolist(),
        "action": np.where(is_open, "open", "close").astype(object).tolist(),
        "hedge": book.hedge[line],
        "lots": lots,
        "price_fen": price,
        "fee_fen": fee,
    }
    return Trades(line, is_open, lots, price, fee, columns)


# --------------------------------------------------------------------- closing orders
def closing_order_columns(
    rng: np.random.Generator, market: Market, clients: Clients, book: Book
) -> Columns:
    """Unfilled sell-to-close orders of losing longs at the limit-down price, D1..D3.

    A client holding both sides declares its whole long (more than its net position,
    spec 2.e condition 2), so the reduction preview has an offset case to show.
    """
    k = market.locked
    s_d3 = int(market.settle[-1, k])
    longs = np.flatnonzero((book.contract == k) & (book.side == 0))
    losing = longs[book.open_price[longs] * 100 > s_d3 * 102]  # loss above 2 %
    pick = rng.random(len(losing)) < np.where(book.hedge[losing], 0.3, 0.65)
    chosen = losing[pick]
    has_short = np.isin(
        book.client[chosen], book.client[(book.contract == k) & (book.side == 1) & ~book.hedge]
    )
    codes = np.array(clients.codes, dtype=object)
    rows: dict[str, list[Any]] = {
        key: []
        for key in (
            "order_no",
            "trading_day",
            "client_code",
            "contract_code",
            "side",
            "hedge",
            "lots",
            "price_fen",
        )
    }
    n_days = len(market.days)
    for back, d in enumerate(reversed(market.lock_days)):
        t = n_days - 1 - back
        held = book.lots[chosen] if back == 0 else book.prior_lots[chosen]
        keep = (held > 0) & ((back == 0) | (rng.random(len(chosen)) < 0.85))
        lines = chosen[keep]
        bound = held[keep]
        lots = np.where(
            has_short[keep], bound, 1 + np.floor(rng.random(len(lines)) * bound).astype(np.int64)
        )
        rows["order_no"].extend(f"{d:%Y%m%d}{i:06d}" for i in range(1, len(lines) + 1))
        rows["trading_day"].extend([d] * len(lines))
        rows["client_code"].extend(codes[book.client[lines]].tolist())
        rows["contract_code"].extend([market.contracts[k].code] * len(lines))
        rows["side"].extend(["long"] * len(lines))
        rows["hedge"].extend(book.hedge[lines].tolist())
        rows["lots"].extend(lots.tolist())
        rows["price_fen"].extend([int(market.lower[t, k])] * len(lines))
    order = sorted(range(len(rows["order_no"])), key=lambda i: (rows["trading_day"][i], i))
    return {key: [v[i] for i in order] for key, v in rows.items()}


# --------------------------------------------------------------------- hedge quotas
def hedge_quota_columns(
    rng: np.random.Generator,
    market: Market,
    clients: Clients,
    book: Book,
    cal: TradingCalendar,
) -> Columns:
    """A quota for every hedge line, plus new quotas whose period starts on D or next_td(D).

    Periods end on the contract's last trading day (the day before the delivery month
    when that is beyond the calendar).
    """
    d = market.days[-1]
    h = np.flatnonzero(book.hedge)
    quota = (np.ceil(book.lots[h] * rng.uniform(1.1, 2.0, len(h)) / 10) * 10).astype(np.int64)
    hedgers = np.flatnonzero(clients.is_hedger)
    n_new = min(len(hedgers), max(2, round(0.08 * len(hedgers))))
    new_clients = np.sort(rng.choice(hedgers, size=n_new, replace=False))
    new_contract = rng.integers(0, len(market.contracts), len(new_clients)).astype(np.int64)
    try:
        next_day = cal.next_td(d)
    except CalendarHorizonError:  # D is the calendar's last day: start on D
        next_day = d
    period_end = np.array(
        [
            c.last_trading_day or date(c.year, c.month, 1) - timedelta(days=1)
            for c in market.contracts
        ],
        dtype="datetime64[D]",
    )
    days = cal.day_numbers().astype("datetime64[D]")
    at_d = int(np.searchsorted(days, _day64(d)))
    back = rng.integers(20, 120, len(h))
    start_old = days[at_d - back]
    approved_old = days[at_d - back - 3]
    start_new = np.where(np.arange(n_new) % 2 == 0, _day64(d), _day64(next_day))
    codes = np.array(clients.codes, dtype=object)
    contract_codes = np.array([c.code for c in market.contracts], dtype=object)
    sides = np.array(["long", "short"], dtype=object)
    new_side = rng.integers(0, 2, n_new)
    return {
        "client_code": codes[np.concatenate([book.client[h], new_clients])].tolist(),
        "contract_code": contract_codes[np.concatenate([book.contract[h], new_contract])].tolist(),
        "side": sides[np.concatenate([book.side[h], new_side])].tolist(),
        "lots": np.concatenate([quota, rng.integers(5, 50, n_new) * 10]),
        "period_start": np.concatenate([start_old, start_new]).astype("datetime64[D]"),
        "period_end": np.maximum(
            period_end[np.concatenate([book.contract[h], new_contract])],
            np.concatenate([start_old, start_new]),
        ).astype("datetime64[D]"),
        "approved_on": np.concatenate([approved_old, np.full(n_new, _day64(d))]).astype(
            "datetime64[D]"
        ),
    }


# --------------------------------------------------------------------- fund movements
@dataclass
class Funds:
    columns: Columns
    client_dep: dict[int, I64]  # day index -> deposits per client (fen)
    client_wd: dict[int, I64]
    member_dep: I64  # per day
    member_wd: I64


def generate_funds(
    rng: np.random.Generator, market: Market, clients: Clients, member_code: str
) -> Funds:
    """Client deposits and withdrawals on most days; a few member reserve transfers."""
    n, n_days = clients.count, len(market.days)
    per_day = np.maximum(1, np.rint(n * 0.012 * rng.uniform(0.5, 1.5, n_days))).astype(int)
    day_idx = np.repeat(np.arange(n_days), per_day)
    who = rng.integers(0, n, len(day_idx))
    deposit = rng.random(len(day_idx)) < 0.65
    scale = np.where(clients.is_individual[who], 9.5, 12.5)  # ~13k vs ~270k yuan
    amount = (np.maximum(np.rint(rng.lognormal(scale, 0.8)), 100) // 100 * 100 * 100).astype(
        np.int64
    )
    m_days = np.sort(rng.choice(n_days, size=min(10, n_days), replace=False))
    m_dep = rng.random(len(m_days)) < 0.7
    m_amount = rng.integers(50, 300, len(m_days)).astype(np.int64) * 100_000 * 100
    member_dep = np.zeros(n_days, dtype=np.int64)
    member_wd = np.zeros(n_days, dtype=np.int64)
    np.add.at(member_dep, m_days[m_dep], m_amount[m_dep])
    np.add.at(member_wd, m_days[~m_dep], m_amount[~m_dep])

    client_dep: dict[int, I64] = {}
    client_wd: dict[int, I64] = {}
    for t in (n_days - 2, n_days - 1):
        on = day_idx == t
        client_dep[t] = _group_sum(who[on & deposit], amount[on & deposit], n)
        client_wd[t] = _group_sum(who[on & ~deposit], amount[on & ~deposit], n)

    all_day = np.concatenate([day_idx, m_days])
    all_client: list[str | None] = [clients.codes[i] for i in who.tolist()]
    all_client.extend([None] * len(m_days))
    all_dep = np.concatenate([deposit, m_dep])
    all_amount = np.concatenate([amount, m_amount])
    order = np.argsort(all_day, kind="stable")
    day_dates = [market.days[i] for i in all_day[order].tolist()]
    seq: dict[date, int] = {}
    numbers: list[str] = []
    for d in day_dates:
        seq[d] = seq.get(d, 0) + 1
        numbers.append(f"FM{d:%Y%m%d}{seq[d]:06d}")
    columns: Columns = {
        "movement_no": numbers,
        "trading_day": np.array(day_dates, dtype="datetime64[D]"),
        "member_code": [member_code] * len(order),
        "client_code": [all_client[i] for i in order.tolist()],
        "kind": np.where(all_dep[order], "deposit", "withdrawal").astype(object).tolist(),
        "amount_fen": all_amount[order],
        "note": np.where(
            np.array([c is None for c in all_client])[order], "会员结算准备金划转", "银期转账"
        )
        .astype(object)
        .tolist(),
    }
    return Funds(columns, client_dep, client_wd, member_dep, member_wd)


# --------------------------------------------------------------------- balances
@dataclass
class Balances:
    columns: Columns
    margin: tuple[int, int]  # member totals on P and D
    margin_by_product: tuple[I64, I64]
    member_quota: tuple[I64, I64]  # the member's pledge quota per product on P and D
    close_pnl: tuple[int, int]
    position_pnl: tuple[int, int]
    fees: tuple[int, int]


def generate_balances(
    rng: np.random.Generator,
    market: Market,
    clients: Clients,
    book: Book,
    trades: Trades,
    funds: Funds,
    lodged: dict[int, tuple[I64, I64, I64]],
    calm: Sequence[int] = (),
) -> Balances:
    """Client statements for P and D; most accounts healthy, a few near or over 100 %.

    ``calm`` clients (the large institutional holders) get a risk ratio of 30-55 %:
    their balances scale with their margin.

    ``lodged[t]`` gives, for day index t, the (client, product, tons) of receipts lodged
    as margin; their offset is min(tons x base price x 80 %, the client's margin of the
    product) with the base price the prior settlement of the product's nearest contract
    (spec 2.c defaults).
    """
    n = clients.count
    n_days = len(market.days)
    tp, td = n_days - 2, n_days - 1
    products = sorted({c.product for c in market.contracts})
    prod_of = np.array([products.index(c.product) for c in market.contracts], dtype=np.int64)
    nearest = np.array(
        [min(i for i, c in enumerate(market.contracts) if c.product == p) for p in products]
    )
    n_p = len(products)

    def by_client_product(margin_line: I64) -> I64:
        key = book.client * n_p + prod_of[book.contract]
        return _group_sum(key, margin_line, n * n_p).reshape(n, n_p)

    def quota(t: int) -> tuple[I64, I64]:
        """Pledge quota per (client, product) and the member's per product (spec 2.c)."""
        cl, pr, tons = lodged[t]
        base = market.settle[t - 1, nearest][pr]
        clients_q = offset_value_matrix(cl, pr, tons, base, HAIRCUT_PPM, n, n_p)
        member_q = offset_value_matrix(np.zeros_like(cl), pr, tons, base, HAIRCUT_PPM, 1, n_p)
        return clients_q, member_q[0]

    m_cp_d, m_cp_p = by_client_product(book.margin), by_client_product(book.prior_margin)
    margin_d, margin_p = m_cp_d.sum(axis=1), m_cp_p.sum(axis=1)
    quota_d, member_quota_d = quota(td)
    quota_p, member_quota_p = quota(tp)
    pos_d = _group_sum(book.client, book.pos_pnl, n)
    close_d = _group_sum(book.client, book.close_pnl, n)
    pos_p = _group_sum(book.client, book.prior_pos_pnl, n)
    fees_d = _group_sum(book.client[trades.line], trades.fee, n)

    # Target risk ratio (margin / balance): healthy for most, stressed for a few and for
    # many losing longs of the limit-locked contract.
    ratio = rng.uniform(0.12, 0.75, n)
    lock_longs = np.unique(book.client[(book.contract == market.locked) & (book.side == 0)])
    stressed_lock = lock_longs[rng.random(len(lock_longs)) < 0.4]
    ratio[stressed_lock] = rng.uniform(0.85, 1.2, len(stressed_lock))
    stressed = rng.random(n) < 0.025
    ratio[stressed] = rng.uniform(0.92, 1.3, int(stressed.sum()))
    cash_only = rng.lognormal(11.0, 1.2, n) * 100  # fen; ~60k yuan median
    calm_idx = np.asarray(calm, dtype=np.int64)
    ratio[calm_idx] = rng.uniform(0.3, 0.55, len(calm_idx))
    balance_d = np.where(margin_d > 0, np.ceil(margin_d / ratio), np.rint(cash_only)).astype(
        np.int64
    )
    dep_d, wd_d = funds.client_dep[td], funds.client_wd[td]
    dep_p, wd_p = funds.client_dep[tp], funds.client_wd[tp]
    flow_d = dep_d - wd_d + close_d + pos_d - fees_d
    balance_p = balance_d - flow_d
    # Yesterday's account must have been fundable: lift both days when it was not.
    floor_p = np.maximum(half_up_div(margin_p * 115, 100), wd_d + 1_000_000)
    lift = np.maximum(floor_p - balance_p, 0)
    balance_p += lift
    balance_d += lift

    def rows(
        t: int, bal: I64, dep: I64, wd: I64, cl: I64, pos: I64, fee: I64, m_cp: I64, q: I64
    ) -> Columns:
        mar = m_cp.sum(axis=1)
        off = offset_used(m_cp, q, bal, CASH_CAP_PPM)
        available = available_funds(bal, mar, off)
        return {
            "client_code": clients.codes,
            "trading_day": np.full(n, _day64(market.days[t])),
            "balance_fen": bal,
            "deposits_fen": dep,
            "withdrawals_fen": wd,
            "close_pnl_fen": cl,
            "position_pnl_fen": pos,
            "fees_fen": fee,
            "waived_fen": np.zeros(n, dtype=np.int64),
            "delivery_fen": np.zeros(n, dtype=np.int64),
            "margin_fen": mar,
            "offset_fen": off,
            "available_fen": available,
            "margin_call_fen": np.maximum(-available, 0),
        }

    zero = np.zeros(n, dtype=np.int64)
    p_rows = rows(tp, balance_p, dep_p, wd_p, zero, pos_p, zero, m_cp_p, quota_p)
    d_rows = rows(td, balance_d, dep_d, wd_d, close_d, pos_d, fees_d, m_cp_d, quota_d)
    columns: Columns = {}
    for key in p_rows:
        a, b = p_rows[key], d_rows[key]
        columns[key] = a + b if isinstance(a, list) else np.concatenate([a, b])
    # Primary-key order (client_code, trading_day) keeps the insert append-only.
    order = np.lexsort((columns["trading_day"], np.tile(np.arange(n), 2)))
    for key, col in columns.items():
        columns[key] = [col[i] for i in order.tolist()] if isinstance(col, list) else col[order]
    return Balances(
        columns,
        margin=(int(m_cp_p.sum()), int(m_cp_d.sum())),
        margin_by_product=(m_cp_p.sum(axis=0), m_cp_d.sum(axis=0)),
        member_quota=(member_quota_p, member_quota_d),
        close_pnl=(0, int(close_d.sum())),
        position_pnl=(int(pos_p.sum()), int(pos_d.sum())),
        fees=(0, int(fees_d.sum())),
    )


# --------------------------------------------------------------------- member reserve
def reserve_columns(
    rng: np.random.Generator,
    market: Market,
    member_code: str,
    min_reserve_fen: int,
    balances: Balances,
    funds: Funds,
) -> Columns:
    """R(D) for the 60 days (spec 2.d identity); the last two days from the client book.

    Earlier days are a plausible random path; every day satisfies
    ``cash = R + M - O`` and ``cash(t) = cash(t-1) + P&L + deposits - withdrawals - fees``.
    """
    n_days = len(market.days)
    m_p, m_d = balances.margin
    # the pledge quota's use before the cash cap (the cap needs cash, known below)
    o_p, o_d = (
        int(offset_used(m, q, 0, None))
        for m, q in zip(balances.margin_by_product, balances.member_quota, strict=True)
    )
    walk = np.exp(np.cumsum(rng.normal(0.0, 0.02, n_days))[::-1])
    walk /= walk[1]
    margin = np.rint(m_p * walk).astype(np.int64)
    margin[-2:] = (m_p, m_d)
    offset = np.rint(o_p * walk).astype(np.int64)
    offset[-2:] = (o_p, o_d)
    close = np.rint(rng.normal(0, 0.002, n_days) * margin).astype(np.int64)
    pos = np.rint(rng.normal(0, 0.012, n_days) * margin).astype(np.int64)
    fees = np.rint(margin * rng.uniform(2e-5, 4e-5, n_days)).astype(np.int64)
    close[-2:] = balances.close_pnl
    pos[-2:] = balances.position_pnl
    fees[-2:] = balances.fees  # the last two days are the client book's: P has no trades
    flow = close + pos + funds.member_dep - funds.member_wd - fees
    cum = np.cumsum(flow)
    base_reserve = cum - margin + offset
    headroom = int(rng.uniform(1.5, 4.0) * min_reserve_fen)
    shift = headroom - int(base_reserve[:-1].min())
    reserve = base_reserve + shift
    cash = reserve + margin - offset
    # The last two days are settlements by the rules: offset used (cap included) and
    # the reserve identity (core.rules.funds, spec 2.c / 2.d).
    for t, m, q in zip(
        (n_days - 2, n_days - 1), balances.margin_by_product, balances.member_quota, strict=True
    ):
        offset[t] = int(offset_used(m, q, int(cash[t]), CASH_CAP_PPM))
        reserve[t] = int(available_funds(int(cash[t]), int(margin[t]), int(offset[t])))
    settled = [
        np.datetime64(d, "us") + np.timedelta64(16 * 60 + 30 - 8 * 60, "m") for d in market.days
    ]
    return {
        "member_code": [member_code] * n_days,
        "trading_day": np.array(market.days, dtype="datetime64[D]"),
        "reserve_fen": reserve,
        "margin_fen": margin,
        "offset_fen": offset,
        "cash_fen": cash,
        "close_pnl_fen": close,
        "position_pnl_fen": pos,
        "fees_fen": fees,
        "waived_fen": np.zeros(n_days, dtype=np.int64),
        "deposits_fen": funds.member_dep,
        "withdrawals_fen": funds.member_wd,
        "delivery_fen": np.zeros(n_days, dtype=np.int64),
        "margin_call_fen": np.maximum(min_reserve_fen - reserve, 0),
        "opening_banned": reserve < 0,
        "transfer_restricted": reserve < 0,
        "settled_at": np.array(settled, dtype="datetime64[us]"),
    }
