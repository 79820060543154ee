"""Bulk reads of one trading day's settlement inputs and bulk writes of its results.

The daily settlement (``core.services.settlement``) needs every position line of the
prior day, every trade, fund movement and price of the day, as numpy columns. Reading
them through ORM objects would cost minutes at the large demo scale (one million lines),
so this module runs a few SQLAlchemy Core selects and turns the rows into arrays, and
writes results with ``executemany`` in chunks (on SQLite straight on the DB-API
connection, in the values SQLAlchemy's SQLite types store, which is several times
faster than Core inserts).

Every function takes the caller's ``Connection`` (``session.connection()``) and runs
inside the caller's transaction (STYLE B6). Codes become dense int64 indexes: clients
in code order, contracts in code order, products in code order; sides 0 = long,
1 = short.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import Connection, Table, delete, insert, select

from core.db import revisions
from core.db.tables import (
    Client,
    ClientBalance,
    Contract,
    FundMovement,
    HedgeQuota,
    MarginAdjustment,
    Member,
    Position,
    Product,
    ReserveHistory,
    SettlementPrice,
    Trade,
    WarehouseReceipt,
)

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
WriteProgress = Callable[[int, int], None]
"""``progress(done, total)`` after each written chunk (may raise to cancel)."""

CHUNK_ROWS = 50_000
SIDE_CODES = ("long", "short")
ACTION_CODES = {"open": 0, "close": 1, "deliver": 2}  # core.rules.funds ACTION_*


@dataclass(frozen=True)
class ContractRow:
    """A contract as the settlement needs it (money in fen, rates in ppm)."""

    code: str
    product: str
    multiplier: int
    unit_tons: int
    tick_fen: int
    general_margin_ppm: int
    hedge_margin_ppm: int
    price_limit_ppm: int
    delivery_month: date
    listing_date: date | None
    last_trading_day: date | None


@dataclass(frozen=True)
class PriorReserve:
    """A member's ReserveHistory row of the prior trading day."""

    reserve_fen: int
    margin_fen: int
    offset_fen: int
    cash_fen: int
    opening_banned: bool


@dataclass(frozen=True)
class ReceiptRow:
    """A warehouse receipt lodged as margin (status ``margin``)."""

    receipt_no: str
    product: str
    member_code: str
    holder_code: str
    tons: int
    production_date: date | None
    registration_date: date
    status_since: date | None


@dataclass(frozen=True)
class AdjustmentRow:
    contract_code: str
    effective_day: date
    hedge: bool
    rate_ppm: int


def _empty() -> I64:
    return np.zeros(0, dtype=np.int64)


def _empty_bool() -> Bools:
    return np.zeros(0, dtype=np.bool_)


@dataclass
class DayInputs:
    """Everything the settlement of ``day`` reads, as index columns (see module doc)."""

    day: date
    prev_day: date
    payment_match_day: date | None
    contracts: list[ContractRow]
    products: list[str]
    product_of_contract: I64
    members: list[str]
    member_min_reserve_fen: I64
    clients: list[str]
    client_member: I64
    prior_balance_fen: I64
    has_prior_balance: Bools
    prior_reserve: dict[str, PriorReserve]
    settle_fen: I64
    """S(D) per contract, -1 where there is none."""
    prior_settle_fen: I64
    """S(prev_td(D)) per contract, -1 where there is none."""
    prev_position_rows: int = 0
    prev_balance_rows: int = 0
    # prior day's position lines (lots > 0)
    pos_client: I64 = field(default_factory=_empty)
    pos_contract: I64 = field(default_factory=_empty)
    pos_side: I64 = field(default_factory=_empty)
    pos_hedge: Bools = field(default_factory=_empty_bool)
    pos_lots: I64 = field(default_factory=_empty)
    pos_open_price_fen: I64 = field(default_factory=_empty)
    # day D's trades in arrival order (traded_at, id)
    tr_client: I64 = field(default_factory=_empty)
    tr_contract: I64 = field(default_factory=_empty)
    tr_side: I64 = field(default_factory=_empty)
    tr_hedge: Bools = field(default_factory=_empty_bool)
    tr_action: I64 = field(default_factory=_empty)
    tr_lots: I64 = field(default_factory=_empty)
    tr_price_fen: I64 = field(default_factory=_empty)
    tr_fee_fen: I64 = field(default_factory=_empty)
    # day D's fund movements; client -1 = the member's own reserve transfer
    fm_member: I64 = field(default_factory=_empty)
    fm_client: I64 = field(default_factory=_empty)
    fm_deposit: Bools = field(default_factory=_empty_bool)
    fm_amount_fen: I64 = field(default_factory=_empty)
    # hedge quotas whose build period starts on D (spec 2.h)
    hq_client: I64 = field(default_factory=_empty)
    hq_contract: I64 = field(default_factory=_empty)
    hq_side: I64 = field(default_factory=_empty)
    hq_lots: I64 = field(default_factory=_empty)
    # deliveries matched on ``payment_match_day``: their money moves on D
    pay_client: I64 = field(default_factory=_empty)
    pay_contract: I64 = field(default_factory=_empty)
    pay_side: I64 = field(default_factory=_empty)
    pay_lots: I64 = field(default_factory=_empty)
    pay_price_fen: I64 = field(default_factory=_empty)
    receipts: list[ReceiptRow] = field(default_factory=list)
    adjustments: list[AdjustmentRow] = field(default_factory=list)
    limit_lock_runs: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Contract → (lock direction on D, consecutive locked days in that direction)."""

    @property
    def contract_index(self) -> dict[str, int]:
        return {c.code: i for i, c in enumerate(self.contracts)}


def _columns(rows: Sequence[Sequence[Any]], n_cols: int) -> list[list[Any]]:
    if not rows:
        return [[] for _ in range(n_cols)]
    return [list(col) for col in zip(*rows, strict=True)]


def _codes_to_index(values: Sequence[str], index: pd.Index) -> I64:
    """Positions of ``values`` in ``index``; KeyError naming the first unknown code."""
    if not len(values):
        return _empty()
    idx = index.get_indexer(pd.Index(values))
    if (idx < 0).any():
        bad = values[int(np.flatnonzero(idx < 0)[0])]
        raise KeyError(bad)
    return np.asarray(idx, dtype=np.int64)


def _side_index(values: Sequence[str]) -> I64:
    short: Bools = np.asarray(values, dtype=object) == "short"
    return short.astype(np.int64)


def read_day_inputs(
    conn: Connection, day: date, prev_day: date, payment_match_day: date | None
) -> DayInputs:
    """Read the inputs of the settlement of ``day`` (prior day ``prev_day``).

    ``payment_match_day`` is the day whose delivery matches are paid on ``day`` (None:
    no delivery payments). Raises nothing for missing data: the caller validates.
    """
    contract_rows = conn.execute(
        select(
            Contract.code,
            Contract.product_code,
            Product.multiplier,
            Product.unit_tons,
            Contract.tick_fen,
            Contract.general_margin_ppm,
            Contract.hedge_margin_ppm,
            Contract.price_limit_ppm,
            Contract.delivery_month,
            Contract.listing_date,
            Contract.last_trading_day,
        )
        .join(Product, Product.code == Contract.product_code)
        .order_by(Contract.code)
    ).all()
    contracts = [ContractRow(*r) for r in contract_rows]
    k_index = pd.Index([c.code for c in contracts])
    products = sorted({c.product for c in contracts})
    p_pos = {p: i for i, p in enumerate(products)}
    product_of_contract = np.array([p_pos[c.product] for c in contracts], dtype=np.int64)

    member_rows = conn.execute(
        select(Member.code, Member.min_reserve_fen).order_by(Member.code)
    ).all()
    members = [r[0] for r in member_rows]
    m_index = pd.Index(members)
    client_rows = conn.execute(select(Client.code, Client.member_code).order_by(Client.code)).all()
    c_codes, c_members = _columns(client_rows, 2)
    c_index = pd.Index(c_codes)

    def prices(d: date) -> I64:
        out = np.full(len(contracts), -1, dtype=np.int64)
        rows = conn.execute(
            select(SettlementPrice.contract_code, SettlementPrice.settlement_fen).where(
                SettlementPrice.trading_day == d
            )
        ).all()
        codes, fen = _columns(rows, 2)
        if codes:
            out[_codes_to_index(codes, k_index)] = np.asarray(fen, dtype=np.int64)
        return out

    inputs = DayInputs(
        day=day,
        prev_day=prev_day,
        payment_match_day=payment_match_day,
        contracts=contracts,
        products=products,
        product_of_contract=product_of_contract,
        members=members,
        member_min_reserve_fen=np.array([r[1] for r in member_rows], dtype=np.int64),
        clients=list(c_codes),
        client_member=_codes_to_index(c_members, m_index),
        prior_balance_fen=np.zeros(len(c_codes), dtype=np.int64),
        has_prior_balance=np.zeros(len(c_codes), dtype=np.bool_),
        prior_reserve={},
        settle_fen=prices(day),
        prior_settle_fen=prices(prev_day),
    )

    bal = conn.execute(
        select(ClientBalance.client_code, ClientBalance.balance_fen).where(
            ClientBalance.trading_day == prev_day
        )
    ).all()
    b_codes, b_fen = _columns(bal, 2)
    inputs.prev_balance_rows = len(b_codes)
    if b_codes:
        bi = _codes_to_index(b_codes, c_index)
        inputs.prior_balance_fen[bi] = np.asarray(b_fen, dtype=np.int64)
        inputs.has_prior_balance[bi] = True

    for r in conn.execute(
        select(
            ReserveHistory.member_code,
            ReserveHistory.reserve_fen,
            ReserveHistory.margin_fen,
            ReserveHistory.offset_fen,
            ReserveHistory.cash_fen,
            ReserveHistory.opening_banned,
        ).where(ReserveHistory.trading_day == prev_day)
    ).all():
        inputs.prior_reserve[r[0]] = PriorReserve(r[1], r[2], r[3], r[4], bool(r[5]))

    pos = conn.execute(
        select(
            Position.client_code,
            Position.contract_code,
            Position.side,
            Position.hedge,
            Position.lots,
            Position.open_price_fen,
        ).where(Position.trading_day == prev_day, Position.lots > 0)
    ).all()
    cols = _columns(pos, 6)
    inputs.prev_position_rows = len(pos)
    inputs.pos_client = _codes_to_index(cols[0], c_index)
    inputs.pos_contract = _codes_to_index(cols[1], k_index)
    inputs.pos_side = _side_index(cols[2])
    inputs.pos_hedge = np.asarray(cols[3], dtype=np.bool_)
    inputs.pos_lots = np.asarray(cols[4], dtype=np.int64)
    inputs.pos_open_price_fen = np.asarray(cols[5], dtype=np.int64)

    trades = conn.execute(
        select(
            Trade.client_code,
            Trade.contract_code,
            Trade.side,
            Trade.hedge,
            Trade.action,
            Trade.lots,
            Trade.price_fen,
            Trade.fee_fen,
        )
        .where(Trade.trading_day == day)
        .order_by(Trade.traded_at, Trade.id)
    ).all()
    cols = _columns(trades, 8)
    inputs.tr_client = _codes_to_index(cols[0], c_index)
    inputs.tr_contract = _codes_to_index(cols[1], k_index)
    inputs.tr_side = _side_index(cols[2])
    inputs.tr_hedge = np.asarray(cols[3], dtype=np.bool_)
    inputs.tr_action = np.array([ACTION_CODES[a] for a in cols[4]], dtype=np.int64)
    inputs.tr_lots = np.asarray(cols[5], dtype=np.int64)
    inputs.tr_price_fen = np.asarray(cols[6], dtype=np.int64)
    inputs.tr_fee_fen = np.asarray(cols[7], dtype=np.int64)

    funds = conn.execute(
        select(
            FundMovement.member_code,
            FundMovement.client_code,
            FundMovement.kind,
            FundMovement.amount_fen,
        ).where(FundMovement.trading_day == day)
    ).all()
    cols = _columns(funds, 4)
    inputs.fm_member = _codes_to_index(cols[0], m_index)
    client_codes = [c if c is not None else "" for c in cols[1]]
    fm_client = np.full(len(client_codes), -1, dtype=np.int64)
    has_client = np.array([c != "" for c in client_codes], dtype=np.bool_)
    if has_client.any():
        fm_client[has_client] = _codes_to_index([c for c in client_codes if c != ""], c_index)
    inputs.fm_client = fm_client
    inputs.fm_deposit = np.array([k == "deposit" for k in cols[2]], dtype=np.bool_)
    inputs.fm_amount_fen = np.asarray(cols[3], dtype=np.int64)

    quotas = conn.execute(
        select(HedgeQuota.client_code, HedgeQuota.contract_code, HedgeQuota.side, HedgeQuota.lots)
        .where(HedgeQuota.period_start == day)
        .order_by(HedgeQuota.id)
    ).all()
    cols = _columns(quotas, 4)
    inputs.hq_client = _codes_to_index(cols[0], c_index)
    inputs.hq_contract = _codes_to_index(cols[1], k_index)
    inputs.hq_side = _side_index(cols[2])
    inputs.hq_lots = np.asarray(cols[3], dtype=np.int64)

    if payment_match_day is not None:
        pays = conn.execute(
            select(
                Trade.client_code, Trade.contract_code, Trade.side, Trade.lots, Trade.price_fen
            ).where(Trade.trading_day == payment_match_day, Trade.action == "deliver")
        ).all()
        cols = _columns(pays, 5)
        inputs.pay_client = _codes_to_index(cols[0], c_index)
        inputs.pay_contract = _codes_to_index(cols[1], k_index)
        inputs.pay_side = _side_index(cols[2])
        inputs.pay_lots = np.asarray(cols[3], dtype=np.int64)
        inputs.pay_price_fen = np.asarray(cols[4], dtype=np.int64)

    inputs.receipts = [
        ReceiptRow(*r)
        for r in conn.execute(
            select(
                WarehouseReceipt.receipt_no,
                WarehouseReceipt.product_code,
                WarehouseReceipt.member_code,
                WarehouseReceipt.holder_code,
                WarehouseReceipt.tons,
                WarehouseReceipt.production_date,
                WarehouseReceipt.registration_date,
                WarehouseReceipt.status_since,
            ).where(WarehouseReceipt.status == "margin")
        ).all()
    ]
    inputs.adjustments = [
        AdjustmentRow(*r)
        for r in conn.execute(
            select(
                MarginAdjustment.contract_code,
                MarginAdjustment.effective_day,
                MarginAdjustment.hedge,
                MarginAdjustment.rate_ppm,
            ).where(MarginAdjustment.effective_day <= day)
        ).all()
    ]
    inputs.limit_lock_runs = _limit_lock_runs(conn, day)
    return inputs


def _limit_lock_runs(conn: Connection, day: date, lookback: int = 10) -> dict[str, tuple[str, int]]:
    """For contracts limit-locked on ``day``: direction and consecutive locked days."""
    locked = conn.execute(
        select(SettlementPrice.contract_code, SettlementPrice.limit_lock).where(
            SettlementPrice.trading_day == day, SettlementPrice.limit_lock != "none"
        )
    ).all()
    out: dict[str, tuple[str, int]] = {}
    for code, direction in locked:
        history = conn.execute(
            select(SettlementPrice.limit_lock)
            .where(SettlementPrice.contract_code == code, SettlementPrice.trading_day <= day)
            .order_by(SettlementPrice.trading_day.desc())
            .limit(lookback)
        ).scalars()
        n = 0
        for flag in history:
            if flag != direction:
                break
            n += 1
        out[str(code)] = (str(direction), n)
    return out


# --------------------------------------------------------------------- writes
def delete_day_results(conn: Connection, day: date) -> None:
    """Delete ``day``'s positions, client balances and member reserves (before a rerun);
    raises their revisions (the rewrite follows in the same transaction)."""
    for table in (Position.__table__, ClientBalance.__table__, ReserveHistory.__table__):
        assert isinstance(table, Table)
        conn.execute(delete(table).where(table.c.trading_day == day))
        revisions.bump(conn, table.name)


def _chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, size):
        yield start, min(start + size, n)


def _sqlite_column(col: Any) -> list[Any]:
    """A column in the representation SQLAlchemy's SQLite types store."""
    if isinstance(col, np.ndarray):
        return list(col.tolist())
    out: list[Any] = []
    for v in col:
        if isinstance(v, datetime):
            if v.tzinfo is not None:
                v = v.astimezone(UTC).replace(tzinfo=None)
            out.append(v.strftime("%Y-%m-%d %H:%M:%S.%f"))
        elif isinstance(v, date):
            out.append(v.isoformat())
        else:
            out.append(v)
    return out


def _python_column(col: Any) -> list[Any]:
    if isinstance(col, np.ndarray):
        return list(col.tolist())
    return list(col)


def insert_columns(
    conn: Connection,
    table: Table,
    columns: dict[str, Any],
    progress: WriteProgress | None = None,
) -> int:
    """Insert rows given as equal-length columns (numpy arrays or lists); row count.

    A column that is neither a list nor an array (a date, a datetime, a number) is a
    constant repeated on every row. Dates and datetimes are Python objects. SQLite:
    DB-API ``executemany`` in chunks of ``CHUNK_ROWS``; other databases: Core
    ``insert()`` with lists of dicts.
    """
    names = list(columns)
    unknown = set(names) - set(table.c.keys())
    if unknown:
        raise ValueError(f"{table.name}: unknown columns {sorted(unknown)}")
    lengths = {len(v) for v in columns.values() if isinstance(v, list | np.ndarray)}
    if len(lengths) > 1:
        raise ValueError(f"{table.name}: columns of different lengths {sorted(lengths)}")
    n = lengths.pop() if lengths else 0
    if n == 0:
        return 0
    sqlite = conn.dialect.name == "sqlite"
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    raw: Any = conn.connection.driver_connection if sqlite else None
    constants = {c: v for c, v in columns.items() if not isinstance(v, list | np.ndarray)}
    for lo, hi in _chunks(n, CHUNK_ROWS):
        if sqlite:
            parts = [
                _sqlite_column([constants[c]]) * (hi - lo)
                if c in constants
                else _sqlite_column(columns[c][lo:hi])
                for c in names
            ]
            raw.executemany(sql, list(zip(*parts, strict=True)))
        else:
            parts = [
                [constants[c]] * (hi - lo) if c in constants else _python_column(columns[c][lo:hi])
                for c in names
            ]
            conn.execute(
                insert(table),
                [dict(zip(names, row, strict=True)) for row in zip(*parts, strict=True)],
            )
        if progress is not None:
            progress(hi, n)
    return n
