"""Demo scenarios for the workbenches: large positions near their limits, delivery.

* Position limits (spec 2.g): a few institutional clients hold speculative lines of
  80-105 % of the seed limit in soybean and soybean-meal contracts in their general
  period, some with hedge lots on top (exempt). The contracts are chosen so that the
  stored single-side open interest, which the generator raises to at least three times
  the member's larger side, keeps the limit the lines were sized for.
* Rolling delivery (spec 2.j): the corn contract whose delivery month ended inside the
  window (c2611 for the default end day) is added with its prices, rolling-delivery
  matches of several sellers, and one seller whose receipts in three warehouses are
  frozen for delivery against three or four buyers, allocation still pending. A few
  approved EFPs (standard and non-standard, fees from resources/fees.toml, waived).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt

from core.demo.book import Clients, Columns, LargePosition
from core.demo.market import (
    PPM,
    PRODUCT_MARKET,
    ContractInfo,
    Market,
    _try,
    contract_info,
    limit_prices,
)
from core.demo.receipts import WAREHOUSES, Receipts, previous_deadline
from core.reference.products import Product
from core.rules.fees import default_fee_schedule
from core.rules.position_limits import Party, Period, position_limit
from core.trading_calendar import TradingCalendar

I64 = npt.NDArray[np.int64]

# --------------------------------------------------------------------- position limits
LIMIT_VERSION = "seed"  # the limits report's default table
LARGE_CONTRACTS = 3  # spread the large lines over this many contracts
# (speculative lots as ppm of the limit, side 0 long / 1 short, hedger, hedge lots ppm)
# Each contract gets one long and one short line (line i goes to contract i % 3).
LARGE_SPECS: tuple[tuple[int, int, bool, int], ...] = (
    (1_045_000, 0, True, 150_000),  # over, hedge lots on top
    (1_012_000, 1, False, 0),  # over
    (930_000, 1, False, 0),  # near
    (860_000, 1, True, 200_000),  # near, hedge lots on top
    (810_000, 0, False, 0),  # near
    (700_000, 0, True, 550_000),  # ok: speculative + hedge exceed the limit, hedge exempt
)


def pick_large_holders(rng: np.random.Generator, clients: Clients) -> list[tuple[int, bool] | None]:
    """(client, is hedger) per ``LARGE_SPECS`` line: an institution, a hedger where the
    line has hedge lots if there is one; None where the book has too few
    institutions."""
    hedgers = [int(i) for i in rng.permutation(np.flatnonzero(clients.is_hedger))]
    others = [
        int(i) for i in rng.permutation(np.flatnonzero(~clients.is_individual & ~clients.is_hedger))
    ]
    out: list[tuple[int, bool] | None] = []
    for _, _, hedger, _ in LARGE_SPECS:
        first, second = (hedgers, others) if hedger else (others, hedgers)
        pool = first or second
        if pool:
            i = pool.pop(0)
            out.append((i, bool(clients.is_hedger[i])))
        else:
            out.append(None)
    return out


def general_limit(market: Market, k: int) -> int | None:
    """The seed general-period client limit of contract ``k`` at D's open interest."""
    c = market.contracts[k]
    oi = int(market.open_interest[-1, k])
    return position_limit(c.product, Period.GENERAL, Party.CLIENT, oi, version=LIMIT_VERSION).limit


def limit_candidates(market: Market, cal: TradingCalendar, excluded: set[int]) -> list[int]:
    """Contracts with seed limit data that are surely in their general period on D
    (the pre-delivery period starts in the month before delivery, R25), the limit-locked
    one excepted, by open interest descending."""
    d = market.days[-1]
    nxt = _try(partial(cal.next_td, d)) or d + timedelta(days=1)
    out: list[int] = []
    for k, c in enumerate(market.contracts):
        if k == market.locked or k in excluded:
            continue
        n = c.year * 12 + c.month - 2  # the month before delivery
        if date(n // 12, n % 12 + 1, 1) <= nxt:
            continue
        if general_limit(market, k):
            out.append(k)
    out.sort(key=lambda k: (-int(market.open_interest[-1, k]), market.contracts[k].code))
    return out


def plan_large_positions(
    market: Market,
    cal: TradingCalendar,
    holders: list[tuple[int, bool] | None],
    excluded: set[int],
) -> tuple[list[LargePosition], dict[int, int]]:
    """The large lines sized on each contract's current limit, and those limits.

    Hedge lots only for hedgers (hedge lines belong to hedger institutions)."""
    cands = limit_candidates(market, cal, excluded)[:LARGE_CONTRACTS]
    plan: list[LargePosition] = []
    limits: dict[int, int] = {}
    if not cands:
        return plan, limits
    for i, (holder, (usage, side, _hedger, hedge_ppm)) in enumerate(
        zip(holders, LARGE_SPECS, strict=True)
    ):
        if holder is None:
            continue
        client, is_hedger = holder
        k = cands[i % len(cands)]
        limit = general_limit(market, k)
        assert limit
        limits[k] = limit
        plan.append(LargePosition(client, k, side, False, -(-limit * usage // PPM)))
        if hedge_ppm and is_hedger:
            plan.append(LargePosition(client, k, side, True, -(-limit * hedge_ppm // PPM)))
    return plan, limits


# --------------------------------------------------------------------- delivery
DELIVERY_PRODUCT = "c"
EFP_PRODUCTS = ("m", "y", "i")


@dataclass
class Delivery:
    """The delivery-month contract with its prices, matches, EFPs and extra receipts."""

    contract: ContractInfo | None = None
    prices: Columns = field(default_factory=dict)
    matches: Columns = field(default_factory=dict)
    efp: Columns = field(default_factory=dict)
    receipts: list[dict[str, Any]] = field(default_factory=list)
    seller: str | None = None


MATCH_KEYS = (
    "match_day",
    "contract_code",
    "seller_code",
    "buyer_code",
    "lots",
    "price_fen",
    "delivery_day",
    "allocation_state",
    "allocation",
)
EFP_KEYS = (
    "approved_day",
    "contract_code",
    "long_client_code",
    "short_client_code",
    "lots",
    "price_fen",
    "kind",
    "fee_fen",
    "waived_fen",
)
RECEIPT_KEYS = (
    "receipt_no",
    "product_code",
    "warehouse_code",
    "member_code",
    "holder_code",
    "lots",
    "tons",
    "production_date",
    "registration_date",
    "status",
    "status_since",
)


def delivery_month_contract(
    products: dict[str, Product], cal: TradingCalendar, days: list[date]
) -> ContractInfo | None:
    """The latest ``DELIVERY_PRODUCT`` contract whose delivery month started inside the
    window and whose last trading day came before the prior day P (no position on P or
    D), or None."""
    d = days[-1]
    p = products[DELIVERY_PRODUCT]
    for back in range(4):
        n = d.year * 12 + d.month - 1 - back
        year, month = n // 12, n % 12 + 1
        if month not in p.months:
            continue
        c = contract_info(products, DELIVERY_PRODUCT, year, month, cal)
        ltd = c.last_trading_day
        if ltd is None or ltd > d:
            continue  # still trading: a listed demo contract, not a delivery scenario
        first = cal.month_trading_days(year, month)[0]
        if first > days[0] and ltd < days[-2]:
            return c
        return None
    return None


def _price_path(
    rng: np.random.Generator, market: Market, c: ContractInfo, n: int
) -> tuple[I64, I64, I64]:
    """Settlement and limit prices for the first ``n`` demo days: the nearest listed
    contract of the product with a spread, within each day's limits (as market.py)."""
    ref = min(k for k, x in enumerate(market.contracts) if x.product == c.product)
    tick = c.tick_fen
    spread = rng.uniform(-0.02, 0.01)
    drift = np.cumsum(rng.normal(0.0, 0.002, n))
    target = np.rint(market.settle[:n, ref] * (1 + spread + drift) / tick).astype(np.int64)
    prev = np.array([round(market.prior_settle[ref] * (1 + spread) / tick)], dtype=np.int64)
    limit = np.array([c.limit_ppm], dtype=np.int64)
    settle, upper, lower = (np.empty(n, dtype=np.int64) for _ in range(3))
    for t in range(n):
        up, lo = limit_prices(prev, limit)
        s = np.clip(target[t : t + 1], lo, up)
        settle[t], upper[t], lower[t] = s[0] * tick, up[0] * tick, lo[0] * tick
        prev = s
    return settle, upper, lower


def _split(rng: np.random.Generator, total: int, parts: int) -> list[int]:
    """``total`` lots in up to ``parts`` positive pieces."""
    parts = max(1, min(parts, total))
    cuts = np.sort(rng.choice(np.arange(1, total), size=parts - 1, replace=False))
    return [int(x) for x in np.diff(np.concatenate([[0], cuts, [total]]))]


def _institutions(clients: Clients) -> list[int]:
    return [int(i) for i in np.flatnonzero(~clients.is_individual)]


def _receipt_holders(receipts: Receipts, product: str, status: str) -> set[str]:
    cols = receipts.columns
    return {
        h
        for h, p, s in zip(cols["holder_code"], cols["product_code"], cols["status"], strict=True)
        if p == product and s == status
    }


class _ReceiptMaker:
    """Extra receipts numbered after the generated ones (receipt numbers stay unique)."""

    def __init__(self, rng: np.random.Generator, start: int, member_code: str) -> None:
        self.rng, self.next, self.member = rng, start, member_code
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        product: Product,
        code: str,
        warehouse: str,
        holder: str,
        lots: int,
        registered: date,
        status: str,
        since: date,
        produced: date | None = None,
    ) -> None:
        self.rows.append(
            {
                "receipt_no": f"{code.upper()}{registered:%Y%m%d}{self.next:05d}",
                "product_code": code,
                "warehouse_code": warehouse,
                "member_code": self.member,
                "holder_code": holder,
                "lots": lots,
                "tons": lots * product.unit_tons,
                "production_date": produced,
                "registration_date": registered,
                "status": status,
                "status_since": since,
            }
        )
        self.next += 1


def _trading_day_between(
    rng: np.random.Generator, cal: TradingCalendar, lo: date, hi: date
) -> date:
    days = cal.trading_days(lo, hi)
    return days[int(rng.integers(0, len(days)))]


def generate_delivery(
    rng: np.random.Generator,
    market: Market,
    clients: Clients,
    receipts: Receipts,
    products: dict[str, Product],
    cal: TradingCalendar,
    member_code: str,
) -> Delivery:
    """The delivery scenario; empty parts where the window or the book lacks them."""
    out = Delivery()
    days = market.days
    fees = default_fee_schedule()
    maker = _ReceiptMaker(rng, len(receipts.columns["receipt_no"]) + 1, member_code)
    inst = _institutions(clients)
    codes = clients.codes
    matches: dict[str, list[Any]] = {k: [] for k in MATCH_KEYS}
    efp: dict[str, list[Any]] = {k: [] for k in EFP_KEYS}

    def add_efp(day: date, code: str, product: str, price: int, kind: str) -> None:
        long_c, short_c = (int(x) for x in rng.choice(inst, size=2, replace=False))
        lots = int(rng.integers(2, 16)) * 10
        fee_type = "efp_standard" if kind == "standard" else "efp_nonstandard"
        line = fees.fee(fee_type, product, day, lots=lots)
        values = (
            day,
            code,
            codes[long_c],
            codes[short_c],
            lots,
            price,
            kind,
            int(line.computed_fen),
            int(line.waived_fen),
        )
        for key, value in zip(EFP_KEYS, values, strict=True):
            efp[key].append(value)

    c = delivery_month_contract(products, cal, days)
    if c is not None and c.last_trading_day is not None:
        ltd = c.last_trading_day
        n = days.index(ltd) + 1
        settle, upper, lower = _price_path(rng, market, c, n)
        price_of = dict(zip(days[:n], settle.tolist(), strict=True))
        rolling = [x for x in cal.month_trading_days(c.year, c.month) if x < ltd]
        warehouses = [w.code for w in WAREHOUSES if c.product in w.products]
        product = products[c.product]
        floor = previous_deadline(c.product, days[-1], cal)
        pending = np.zeros(n, dtype=np.int64)  # lots matched on or after each day

        def match(day: date, seller: int, buyer: int, lots: int, alloc: str | None) -> None:
            delivery_day = cal.add_trading_days(day, 2)
            values = (
                day,
                c.code,
                codes[seller],
                codes[buyer],
                lots,
                price_of[day],
                delivery_day,
                "allocated" if alloc else "pending",
                alloc,
            )
            for key, value in zip(MATCH_KEYS, values, strict=True):
                matches[key].append(value)
            pending[: days.index(day) + 1] += lots
            if alloc:  # delivered: the buyer now holds the receipts
                for w, w_lots in json.loads(alloc).items():
                    reg = _trading_day_between(rng, cal, cal.next_td(floor), day)
                    maker.add(
                        product, c.product, w, codes[buyer], w_lots, reg, "held", delivery_day
                    )

        busy = _receipt_holders(receipts, c.product, "delivery")
        free = [i for i in inst if codes[i] not in busy]
        if len(free) >= 1 and len(inst) >= 4 and len(rolling) >= 2 and len(warehouses) >= 3:
            hedgers = [i for i in free if clients.is_hedger[i]] or free
            seller = int(hedgers[int(rng.integers(0, len(hedgers)))])
            others = [i for i in inst if i != seller]
            n_buyers = 4 if len(others) >= 4 else 3
            buyers = [int(b) for b in rng.choice(others, size=n_buyers, replace=False)]
            b_lots = [int(x) * 10 for x in rng.integers(4, 17, n_buyers)]
            # One warehouse covers two buyers exactly; the other two split the rest so
            # that neither equals a buyer: 5 pairs for 4 buyers, 4 for 3 (optimal).
            rest = sum(b_lots[2:])
            options = [x for x in range(10, rest - 9, 10) if x not in b_lots[2:]]
            options = [
                x for x in options if rest - x not in b_lots[2:] and rest <= 4 * x <= 3 * rest
            ] or options
            w_lots = [b_lots[0] + b_lots[1]]
            w_lots += [w2 := int(options[int(rng.integers(0, len(options)))]), rest - w2]
            w_codes = [str(w) for w in rng.permutation(warehouses[:3])]
            day = rolling[-1]
            for b, lots in zip(buyers, b_lots, strict=True):
                match(day, seller, b, lots, None)
            for w, lots in zip(w_codes, w_lots, strict=True):
                for piece in _split(rng, lots, int(rng.integers(1, 4))):
                    reg = _trading_day_between(rng, cal, cal.next_td(floor), rolling[0])
                    maker.add(product, c.product, w, codes[seller], piece, reg, "delivery", day)
            out.seller = codes[seller]
            # Earlier rolling-delivery days: other sellers, already allocated.
            earlier = sorted(rng.choice(len(rolling) - 1, size=min(3, len(rolling) - 1)))
            for j in earlier:
                s_, *bs = (int(x) for x in rng.choice(others, size=3, replace=False))
                for b in bs[: int(rng.integers(1, 3))]:
                    lots = int(rng.integers(2, 9)) * 10
                    w = warehouses[int(rng.integers(0, len(warehouses)))]
                    match(rolling[int(j)], s_, b, lots, json.dumps({w: lots}, sort_keys=True))

        # Open interest falls through the delivery month to the final delivery at the
        # last trading day; it always covers the lots still to be matched.
        base = PRODUCT_MARKET[c.product].base_oi * rng.uniform(0.02, 0.04)
        month_start = days.index(cal.month_trading_days(c.year, c.month)[0])
        decay = np.concatenate(
            [np.linspace(1.0, 0.15, month_start), np.linspace(0.12, 0.01, n - month_start)]
        )
        oi = np.maximum(np.rint(base * decay).astype(np.int64), pending + 100)
        out.contract = c
        out.prices = {
            "trading_day": np.array(days[:n], dtype="datetime64[D]"),
            "contract_code": [c.code] * n,
            "settlement_fen": settle,
            "upper_limit_fen": upper,
            "lower_limit_fen": lower,
            "limit_lock": ["none"] * n,
            "open_interest": oi,
            "volume": np.ceil(oi * rng.uniform(0.05, 0.5, n)).astype(np.int64),
        }
        if len(inst) >= 2:
            # EFPs in the delivery month (standard) and before it (non-standard).
            std_day = rolling[int(rng.integers(0, len(rolling)))]
            add_efp(std_day, c.code, c.product, price_of[std_day], "standard")
            ns_day = days[int(rng.integers(0, month_start))] if month_start else days[0]
            add_efp(ns_day, c.code, c.product, price_of[ns_day], "non_standard")

    if len(inst) >= 2:
        for j, code in enumerate(EFP_PRODUCTS):
            ks = [k for k, x in enumerate(market.contracts) if x.product == code]
            if not ks:
                continue
            k = max(ks, key=lambda i: float(market.weight[i]))
            t = int(rng.integers(0, len(days) - 2))  # approved before P
            tick = market.contracts[k].tick_fen
            price = int(market.settle[t, k]) + int(rng.integers(-5, 6)) * tick
            price = int(np.clip(price, market.lower[t, k], market.upper[t, k]))
            kind = "standard" if j % 2 else "non_standard"
            add_efp(days[t], market.contracts[k].code, code, price, kind)

    order = sorted(range(len(efp["approved_day"])), key=lambda i: efp["approved_day"][i])
    out.efp = {k: [v[i] for i in order] for k, v in efp.items()}
    order = sorted(
        range(len(matches["match_day"])),
        key=lambda i: (
            matches["match_day"][i],
            matches["seller_code"][i],
            matches["buyer_code"][i],
        ),
    )
    out.matches = {k: [v[i] for i in order] for k, v in matches.items()}
    out.receipts = maker.rows
    return out


# --------------------------------------------------------------------- receipts
STALE_PRODUCTS = ("m", "y", "m", "y")
_STALE_PRODUCTION_DAYS = {"m": 44, "y": 117}


def past_deadline_receipts(
    rng: np.random.Generator,
    clients: Clients,
    products: dict[str, Product],
    cal: TradingCalendar,
    day: date,
    member_code: str,
    start: int,
) -> list[dict[str, Any]]:
    """Receipts registered before the product's last cancellation deadline before
    ``day`` and still registered (held) on ``day``: past their deadline."""
    maker = _ReceiptMaker(rng, start, member_code)
    inst = _institutions(clients)
    for j, code in enumerate(STALE_PRODUCTS):
        deadline = previous_deadline(code, day, cal)
        floor = previous_deadline(code, deadline, cal)
        reg = _trading_day_between(rng, cal, cal.next_td(floor), deadline - timedelta(days=3))
        produced = reg - timedelta(days=int(rng.integers(3, _STALE_PRODUCTION_DAYS[code])))
        holder = member_code if j == 0 or not inst else clients.codes[int(rng.choice(inst))]
        whs = [w.code for w in WAREHOUSES if code in w.products]
        w = whs[int(rng.integers(0, len(whs)))]
        lots = int(rng.integers(2, 30))
        maker.add(products[code], code, w, holder, lots, reg, "held", reg, produced)
    return maker.rows
