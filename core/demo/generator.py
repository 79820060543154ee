"""The demo data set: a deterministic, realistic book of one brokerage member.

``generate_demo`` builds every table as numpy columns without touching a database (same
seed, same columns); ``write_demo`` replaces the demo data of a database with it in the
caller's transaction (the use case: ``core.services.demo.create_demo_data``). See
docs/demo-data.md for what the set contains.

Scales: ``small`` (500 clients, ~3,500 position lines a day) for the quick start and
tests, ``large`` (100,000 clients, ~1,000,000 lines a day) for performance work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError, ProgrammingError

from core.db import revisions
from core.db.engine import Database
from core.demo.book import (
    Book,
    Clients,
    Columns,
    closing_order_columns,
    generate_balances,
    generate_book,
    generate_clients,
    generate_funds,
    generate_trades,
    hedge_quota_columns,
    position_columns,
    reserve_columns,
)
from core.demo.market import Market, generate_market
from core.demo.receipts import add_receipts, generate_receipts, warehouse_columns
from core.demo.scenarios import (
    Delivery,
    general_limit,
    generate_delivery,
    past_deadline_receipts,
    pick_large_holders,
    plan_large_positions,
)
from core.demo.writer import (
    INSERT_ORDER,
    ProgressCallback,
    SecondaryIndexes,
    bulk_insert,
    delete_demo_data,
    has_demo_rows,
    load_products,
    refuse_foreign_data,
)
from core.reference.products import Product, default_products
from core.trading_calendar import TradingCalendar, default_calendar

Scale = Literal["small", "large"]
I64 = npt.NDArray[np.int64]

DEFAULT_SEED = 20261120
DEFAULT_END_DAY = date(2026, 11, 20)
N_DAYS = 60
DEMO_MEMBER_CODE = "0101"
DEMO_MEMBER_NAME = "大连恒泰期货有限公司"
MIN_RESERVE_FEN = 200_000_000  # 2,000,000.00 yuan (spec Q12 default)
AUDIT_ACTION = "demo.create"


@dataclass(frozen=True)
class ScaleSpec:
    clients: int
    lines_per_client: float
    receipts: int


SCALES: dict[str, ScaleSpec] = {
    "small": ScaleSpec(clients=500, lines_per_client=7.0, receipts=300),
    "large": ScaleSpec(clients=100_000, lines_per_client=10.0, receipts=600),
}


@dataclass
class DemoData:
    """Every demo table as columns, keyed by table name, in insert order."""

    tables: dict[str, Columns]
    scale: str
    seed: int
    days: list[date]
    locked_contract: str
    lock_days: list[date]
    products: dict[str, Product]
    delivery_contract: str | None = None  # in its delivery month (rolling delivery)
    delivery_seller: str | None = None  # receipts frozen for delivery, allocation pending
    large_holders: tuple[str, ...] = ()  # clients with positions near or over the limit

    def row_count(self, table: str) -> int:
        cols = self.tables[table]
        return len(next(iter(cols.values()))) if cols else 0


@dataclass(frozen=True)
class DemoSummary:
    """What ``core.services.demo.create_demo_data`` wrote and how long it took."""

    scale: str
    seed: int
    first_day: date
    end_day: date
    locked_contract: str
    lock_days: tuple[date, ...]
    counts: dict[str, int] = field(default_factory=dict)
    generate_seconds: float = 0.0
    write_seconds: float = 0.0

    @property
    def elapsed_seconds(self) -> float:
        return self.generate_seconds + self.write_seconds


def resolve_end_day(cal: TradingCalendar, end_day: date | None = None) -> date:
    """The last trading day on or before ``end_day`` (default 2026-11-20).

    Raises CalendarHorizonError when the date lies outside the trading calendar.
    """
    day = end_day or min(DEFAULT_END_DAY, cal.known_until)
    return day if cal.is_trading_day(day) else cal.prev_td(day)


def _report(progress: ProgressCallback | None, stage: str, done: int, total: int) -> None:
    if progress:
        progress(stage, done, total)


def _market_columns(market: Market, delivery: Delivery) -> tuple[Columns, Columns, Columns]:
    """Contracts, settlement prices and margin adjustments, with the delivery-month
    contract (if any) after the listed ones."""
    cs = market.contracts + ([delivery.contract] if delivery.contract else [])
    contract: Columns = {
        "code": [c.code for c in cs],
        "product_code": [c.product for c in cs],
        "delivery_month": [date(c.year, c.month, 1) for c in cs],
        "listing_date": [c.listing_date for c in cs],
        "last_trading_day": [c.last_trading_day for c in cs],
        "last_delivery_day": [c.last_delivery_day for c in cs],
        "tick_fen": [c.tick_fen for c in cs],
        "price_limit_ppm": [c.limit_ppm for c in cs],
        "general_margin_ppm": [c.margin_ppm for c in cs],
        "hedge_margin_ppm": [c.hedge_margin_ppm for c in cs],
    }
    n_days, n_k = market.settle.shape
    locks = np.array(["limit_down", "none", "limit_up"], dtype=object)[market.lock + 1]
    prices: Columns = {
        "trading_day": np.repeat(np.array(market.days, dtype="datetime64[D]"), n_k),
        "contract_code": [c.code for c in market.contracts] * n_days,
        "settlement_fen": market.settle.ravel(),
        "upper_limit_fen": market.upper.ravel(),
        "lower_limit_fen": market.lower.ravel(),
        "limit_lock": locks.ravel().tolist(),
        "open_interest": market.open_interest.ravel(),
        "volume": market.volume.ravel(),
    }
    prices = _append(prices, delivery.prices)
    adjustments: Columns = {
        "contract_code": [a.contract_code for a in market.adjustments],
        "effective_day": [a.effective_day for a in market.adjustments],
        "hedge": [a.hedge for a in market.adjustments],
        "rate_ppm": [a.rate_ppm for a in market.adjustments],
        "note": [a.note for a in market.adjustments],
    }
    return contract, prices, adjustments


def _cover_open_interest(market: Market, contract: I64, side: I64, lots: I64, prior: I64) -> None:
    """Scale each contract's market open interest to at least 3x the member's side."""
    n_k = len(market.contracts)
    for t, held in ((-1, lots), (-2, prior)):
        biggest = np.zeros(n_k, dtype=np.int64)
        for s in (0, 1):
            on = side == s
            side_sum = np.bincount(contract[on], weights=held[on], minlength=n_k)
            biggest = np.maximum(biggest, side_sum.astype(np.int64))
        factor = np.maximum(1.0, 3.0 * biggest / market.open_interest[t])
        market.open_interest[:] = np.ceil(market.open_interest * factor).astype(np.int64)
        market.volume[:] = np.ceil(market.volume * factor).astype(np.int64)


def _append(cols: Columns, extra: Columns) -> Columns:
    """Columns with the rows of ``extra`` after those of ``cols``."""
    if not extra:
        return cols
    out: Columns = {}
    for key, col in cols.items():
        more = extra[key]
        if isinstance(col, np.ndarray):
            out[key] = np.concatenate([col, np.asarray(more, dtype=col.dtype)])
        else:
            out[key] = list(col) + list(more)
    return out


def _book_with_large_positions(
    seed: np.random.SeedSequence,
    market: Market,
    clients: Clients,
    lines_per_client: float,
    holders: list[tuple[int, bool] | None],
    cal: TradingCalendar,
) -> Book:
    """The book with the large lines, and the open interest covering it.

    The lines are sized on each contract's limit at D's open interest; if covering the
    book (3x the member's larger side) moves a contract's limit, that contract is
    dropped and the book is drawn again from the same stream.
    """
    oi, volume = market.open_interest.copy(), market.volume.copy()
    excluded: set[int] = set()
    while True:
        market.open_interest[:], market.volume[:] = oi, volume
        plan, limits = plan_large_positions(market, cal, holders, excluded)
        book = generate_book(np.random.default_rng(seed), market, clients, lines_per_client, plan)
        _cover_open_interest(market, book.contract, book.side, book.lots, book.prior_lots)
        moved = {k for k, limit in limits.items() if general_limit(market, k) != limit}
        if not moved:
            return book
        excluded |= moved


def generate_demo(
    *,
    scale: Scale = "small",
    seed: int = DEFAULT_SEED,
    end_day: date | None = None,
    clients: int | None = None,
    calendar: TradingCalendar | None = None,
    products: dict[str, Product] | None = None,
    progress: ProgressCallback | None = None,
) -> DemoData:
    """Build the demo data set in memory (no database). Same arguments, same data.

    ``clients`` overrides the scale's client count (tests use a few dozen). Raises
    CalendarHorizonError if the 60-day window does not fit the trading calendar and
    KeyError for an unknown scale.
    """
    spec = SCALES[scale]
    cal = calendar or default_calendar()
    prods = products or default_products()
    d = resolve_end_day(cal, end_day)
    first = cal.add_trading_days(d, -(N_DAYS - 1))
    days = cal.trading_days(first, d)
    n_clients = clients if clients is not None else spec.clients
    seeds = np.random.SeedSequence(seed).spawn(10)
    streams = [np.random.default_rng(s) for s in seeds[:8]]
    scenario_rng = np.random.default_rng(seeds[9])
    steps = 8

    _report(progress, "generate market", 0, steps)
    market = generate_market(streams[0], prods, cal, days)
    _report(progress, "generate clients", 1, steps)
    cl = generate_clients(streams[1], n_clients, DEMO_MEMBER_CODE, cal, days[0])
    _report(progress, "generate positions", 2, steps)
    holders = pick_large_holders(np.random.default_rng(seeds[8]), cl)
    book = _book_with_large_positions(seeds[2], market, cl, spec.lines_per_client, holders, cal)
    _report(progress, "generate trades", 3, steps)
    trades = generate_trades(streams[3], market, cl, book, cal)
    orders = closing_order_columns(streams[4], market, cl, book)
    quotas = hedge_quota_columns(streams[4], market, cl, book, cal)
    _report(progress, "generate receipts", 4, steps)
    receipts = generate_receipts(
        streams[5], market, cl, book, prods, cal, DEMO_MEMBER_CODE, spec.receipts
    )
    delivery = generate_delivery(scenario_rng, market, cl, receipts, prods, cal, DEMO_MEMBER_CODE)
    add_receipts(receipts, delivery.receipts)
    add_receipts(
        receipts,
        past_deadline_receipts(
            scenario_rng,
            cl,
            prods,
            cal,
            days[-1],
            DEMO_MEMBER_CODE,
            len(receipts.columns["receipt_no"]) + 1,
        ),
    )
    _report(progress, "generate funds and balances", 5, steps)
    funds = generate_funds(streams[6], market, cl, DEMO_MEMBER_CODE)
    large = sorted({h[0] for h in holders if h is not None})
    balances = generate_balances(
        streams[7], market, cl, book, trades, funds, receipts.lodged, calm=large
    )
    reserve = reserve_columns(
        streams[7], market, DEMO_MEMBER_CODE, MIN_RESERVE_FEN, balances, funds
    )
    _report(progress, "assemble tables", 6, steps)
    positions = position_columns(market, cl, book)
    contract, prices, adjustments = _market_columns(market, delivery)
    member: Columns = {
        "code": [DEMO_MEMBER_CODE],
        "name": [DEMO_MEMBER_NAME],
        "kind": ["brokerage"],
        "min_reserve_fen": [MIN_RESERVE_FEN],
    }
    by_name: dict[str, Columns] = {
        "member": member,
        "warehouse": warehouse_columns(),
        "contract": contract,
        "client": cl.columns,
        "trading_code": cl.trading_codes,
        "reserve_history": reserve,
        "settlement_price": prices,
        "margin_adjustment": adjustments,
        "warehouse_receipt": receipts.columns,
        "hedge_quota": quotas,
        "fund_movement": funds.columns,
        "client_balance": balances.columns,
        "position": positions,
        "trade": trades.columns,
        "closing_order": orders,
        "delivery_match": delivery.matches,
        "efp_record": delivery.efp,
    }
    _report(progress, "generated", steps, steps)
    return DemoData(
        tables={table.name: by_name[table.name] for table in INSERT_ORDER},
        scale=scale,
        seed=seed,
        days=days,
        locked_contract=market.contracts[market.locked].code,
        lock_days=market.lock_days,
        products=prods,
        delivery_contract=delivery.contract.code if delivery.contract else None,
        delivery_seller=delivery.seller,
        large_holders=tuple(cl.codes[h] for h in large),
    )


def write_demo(
    conn: Connection, data: DemoData, progress: ProgressCallback | None = None
) -> dict[str, int]:
    """Replace the demo data in the caller's transaction on ``conn`` with ``data``; the
    rows written per table.

    Raises DemoDatabaseError if the database holds another member or imported data.
    ``progress`` may raise (for instance ``OperationCancelledError``) to abandon it;
    the caller's transaction then rolls everything back.
    """
    counts: dict[str, int] = {}
    refuse_foreign_data(conn, DEMO_MEMBER_CODE)
    _report(progress, "delete previous demo data", 0, 1)
    delete_demo_data(conn)
    load_products(conn, data.products)
    for table in INSERT_ORDER:
        with SecondaryIndexes(conn, table):
            counts[table.name] = bulk_insert(conn, table, data.tables[table.name], progress)
        revisions.bump(conn, table.name)
    return counts


def demo_audit_detail(data: DemoData, counts: dict[str, int]) -> dict[str, object]:
    """The detail of the ``demo.create`` audit entry of a set written with ``counts``."""
    return {
        "scale": data.scale,
        "seed": data.seed,
        "first_day": data.days[0].isoformat(),
        "end_day": data.days[-1].isoformat(),
        "locked_contract": data.locked_contract,
        "lock_days": [d.isoformat() for d in data.lock_days],
        "delivery_contract": data.delivery_contract,
        "delivery_seller": data.delivery_seller,
        "large_holders": list(data.large_holders),
        "counts": counts,
    }


def has_demo_data(db: Database) -> bool:
    """True if ``db`` holds a demo data set (the demo member and a demo.create entry)."""
    try:
        with db.engine.connect() as conn:
            return has_demo_rows(conn, DEMO_MEMBER_CODE)
    except (OperationalError, ProgrammingError):
        return False  # no schema yet
