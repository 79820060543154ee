"""Bulk reads for the risk-action services (``core.services``): numpy / pandas / frozen rows.

Every function takes a ``Session`` owned by the caller (STYLE B6) and only reads. One
SELECT per call, no per-row queries: a day of a large member is ~1,000,000 position
lines. Money and prices stay integer fen in ``int64`` columns named ``*_fen``; the
column names and dtypes of each frame are listed in its docstring.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import core.db.delivery_tables  # noqa: F401  (registers delivery tables on Base)
from core.db.columnar import (
    coded,
    fetch_fast,
    frame_from,
    read_frame,
    rows_frame,
    sort_order,
)
from core.db.day_book import day_book, member_lines
from core.db.delivery_tables import DeliveryMatch
from core.db.tables import (
    Client,
    ClosingOrder,
    Contract,
    Member,
    Position,
    Product,
    ReserveHistory,
    SettlementPrice,
    Warehouse,
    WarehouseReceipt,
)
from core.rules.sides import SIDE_NAMES


# --------------------------------------------------------------------- days and prices
def latest_price_day(session: Session, contract: str | None = None) -> date | None:
    """The last trading day with settlement prices (of ``contract`` when given)."""
    stmt = select(func.max(SettlementPrice.trading_day))
    if contract is not None:
        stmt = stmt.where(SettlementPrice.contract_code == contract)
    return session.scalar(stmt)


def latest_price_day_before(session: Session, contract: str, day: date) -> date | None:
    """The last day before ``day`` with a settlement price of ``contract``."""
    return session.scalar(
        select(func.max(SettlementPrice.trading_day)).where(
            SettlementPrice.contract_code == contract, SettlementPrice.trading_day < day
        )
    )


@dataclass(frozen=True)
class ContractInfo:
    """A contract with its product facts (multiplier in quote units per lot)."""

    code: str
    product_code: str
    multiplier: int
    unit_tons: int
    delivery_month: date
    last_trading_day: date | None
    general_margin_ppm: int
    hedge_margin_ppm: int


def contract_info(session: Session, code: str) -> ContractInfo | None:
    """The contract ``code`` with its product's multiplier; None if unknown."""
    row = session.execute(
        select(
            Contract.code,
            Contract.product_code,
            Product.multiplier,
            Product.unit_tons,
            Contract.delivery_month,
            Contract.last_trading_day,
            Contract.general_margin_ppm,
            Contract.hedge_margin_ppm,
        )
        .join(Product, Product.code == Contract.product_code)
        .where(Contract.code == code)
    ).one_or_none()
    return None if row is None else ContractInfo(*row)


CONTRACT_COLUMNS = {
    "contract_code": "str",
    "product_code": "str",
    "multiplier": "int64",
    "delivery_month": "date",
    "last_trading_day": "date",
    "general_margin_ppm": "int64",
    "hedge_margin_ppm": "int64",
}


def contracts_frame(session: Session) -> pd.DataFrame:
    """All contracts with product multiplier (columns ``CONTRACT_COLUMNS``), by code."""
    stmt = (
        select(
            Contract.code,
            Contract.product_code,
            Product.multiplier,
            Contract.delivery_month,
            Contract.last_trading_day,
            Contract.general_margin_ppm,
            Contract.hedge_margin_ppm,
        )
        .join(Product, Product.code == Contract.product_code)
        .order_by(Contract.code)
    )
    return rows_frame(session.execute(stmt).all(), CONTRACT_COLUMNS)


@dataclass(frozen=True)
class DayPrice:
    """One contract's settlement row of one day (fen; OI single-side lots)."""

    trading_day: date
    contract_code: str
    settlement_fen: int
    upper_limit_fen: int | None
    lower_limit_fen: int | None
    limit_lock: str
    open_interest: int


def day_price(session: Session, contract: str, day: date) -> DayPrice | None:
    """The settlement row of ``contract`` on ``day``; None when there is none."""
    row = session.execute(
        select(
            SettlementPrice.trading_day,
            SettlementPrice.contract_code,
            SettlementPrice.settlement_fen,
            SettlementPrice.upper_limit_fen,
            SettlementPrice.lower_limit_fen,
            SettlementPrice.limit_lock,
            SettlementPrice.open_interest,
        ).where(SettlementPrice.contract_code == contract, SettlementPrice.trading_day == day)
    ).one_or_none()
    return None if row is None else DayPrice(*row)


def lock_flags(session: Session, contract: str, first: date, last: date) -> dict[date, str]:
    """``{trading_day: limit_lock}`` of ``contract`` for stored days in [first, last]."""
    rows = session.execute(
        select(SettlementPrice.trading_day, SettlementPrice.limit_lock).where(
            SettlementPrice.contract_code == contract,
            SettlementPrice.trading_day >= first,
            SettlementPrice.trading_day <= last,
        )
    ).all()
    return {d: str(lock) for d, lock in rows}


PRICE_COLUMNS = {
    "contract_code": "str",
    "product_code": "str",
    "settlement_fen": "int64",
    "open_interest": "int64",
    "delivery_month": "date",
}


def day_prices_frame(session: Session, day: date) -> pd.DataFrame:
    """Settlement prices of ``day`` with single-side OI and delivery month, by contract."""
    stmt = (
        select(
            SettlementPrice.contract_code,
            Contract.product_code,
            SettlementPrice.settlement_fen,
            SettlementPrice.open_interest,
            Contract.delivery_month,
        )
        .join(Contract, Contract.code == SettlementPrice.contract_code)
        .where(SettlementPrice.trading_day == day)
        .order_by(SettlementPrice.contract_code)
    )
    return rows_frame(session.execute(stmt).all(), PRICE_COLUMNS)


# --------------------------------------------------------------------- positions
CONTRACT_POSITION_COLUMNS = {
    "client_code": "str",
    "side": "str",
    "hedge": "bool",
    "lots": "int64",
    "open_price_fen": "int64",
}


def contract_positions(session: Session, contract: str, day: date) -> pd.DataFrame:
    """Open position lines (lots > 0) of one contract on ``day``, in id order.

    Columns: client_code, side (str); hedge (bool); lots (int64); open_price_fen (int64
    fen). The id order is the input order used by the reduction tie-break.
    """
    stmt = (
        select(
            Position.client_code,
            Position.side,
            Position.hedge,
            Position.lots,
            Position.open_price_fen,
        )
        .where(
            Position.contract_code == contract,
            Position.trading_day == day,
            Position.lots > 0,
        )
        .order_by(Position.id)
    )
    return read_frame(session, stmt, CONTRACT_POSITION_COLUMNS)


ORDER_COLUMNS = {
    "order_no": "str",
    "client_code": "str",
    "side": "str",
    "hedge": "bool",
    "lots": "int64",
    "price_fen": "int64",
}


def closing_orders(
    session: Session, contract: str, day: date, *, side: str, price_fen: int | None
) -> pd.DataFrame:
    """Unfilled closing orders of ``contract`` standing at the close of ``day``.

    Only orders closing ``side`` positions and, when ``price_fen`` is given, declared
    at that price (the limit price). Columns: order_no, client_code, side (str); hedge
    (bool); lots (int64); price_fen (int64 fen). Declaration order (order_no, id).
    """
    stmt = (
        select(
            ClosingOrder.order_no,
            ClosingOrder.client_code,
            ClosingOrder.side,
            ClosingOrder.hedge,
            ClosingOrder.lots,
            ClosingOrder.price_fen,
        )
        .where(
            ClosingOrder.contract_code == contract,
            ClosingOrder.trading_day == day,
            ClosingOrder.side == side,
        )
        .order_by(ClosingOrder.order_no, ClosingOrder.id)
    )
    if price_fen is not None:
        stmt = stmt.where(ClosingOrder.price_fen == price_fen)
    return read_frame(session, stmt, ORDER_COLUMNS)


MEMBER_LINE_COLUMNS = {
    "client_code": "category",
    "contract_code": "category",
    "product_code": "category",
    "side": "category",
    "hedge": "bool",
    "lots": "int64",
    "margin_fen": "int64",
    "multiplier": "int64",
    "settlement_fen": "Int64",
    "general_margin_ppm": "int64",
    "hedge_margin_ppm": "int64",
}


def member_position_lines(session: Session, member: str, day: date) -> pd.DataFrame:
    """Open lines (lots > 0) of every client of ``member`` on ``day``.

    Columns: client_code, contract_code, product_code, side (categorical over the day's
    code tables); hedge (bool); lots, margin_fen (stored margin after settlement, fen),
    multiplier, general_margin_ppm, hedge_margin_ppm (int64); settlement_fen (nullable
    Int64: that day's S). Ordered by client, contract, side, hedge.

    The lines come from the day's book (``core.db.day_book``, read once and shared);
    the contract's facts and price are read once per contract and mapped onto them.
    """
    book = day_book(session, day)
    lines = member_lines(session, book, member)
    facts = session.execute(
        select(
            Contract.code,
            Contract.product_code,
            Product.multiplier,
            SettlementPrice.settlement_fen,
            Contract.general_margin_ppm,
            Contract.hedge_margin_ppm,
        )
        .join(Product, Product.code == Contract.product_code)
        .outerjoin(
            SettlementPrice,
            (SettlementPrice.contract_code == Contract.code) & (SettlementPrice.trading_day == day),
        )
        .where(Contract.code.in_(book.contracts))
    ).all()
    by_code = {row[0]: row[1:] for row in facts}
    # Lines of a contract without its contract or product row drop out (inner joins).
    known = np.array([c in by_code for c in book.contracts], dtype=np.bool_)
    keep = known[lines.contract] if len(lines) else np.zeros(0, dtype=np.bool_)
    client, contract = lines.client[keep], lines.contract[keep]
    fact = [by_code.get(c, (None, 0, None, 0, 0)) for c in book.contracts]
    price = np.array([0 if f[2] is None else f[2] for f in fact], dtype=np.int64)
    no_price = np.array([f[2] is None for f in fact], dtype=np.bool_)
    n = len(client)
    return frame_from(
        (
            coded(client, book.clients),
            coded(contract, book.contracts),
            coded(contract, [str(f[0]) for f in fact]),
            coded(lines.side[keep], SIDE_NAMES),
            lines.hedge[keep],
            lines.lots[keep],
            lines.margin_fen[keep],
            np.array([f[1] for f in fact], dtype=np.int64)[contract] if n else (),
            pd.arrays.IntegerArray(price[contract], no_price[contract]) if n else (),
            np.array([f[3] for f in fact], dtype=np.int64)[contract] if n else (),
            np.array([f[4] for f in fact], dtype=np.int64)[contract] if n else (),
        ),
        MEMBER_LINE_COLUMNS,
    )


SIDE_LOT_COLUMNS = {
    "client_code": "str",
    "is_individual": "bool",
    "member_code": "str",
    "contract_code": "str",
    "side": "str",
    "speculative_lots": "int64",
    "hedge_lots": "int64",
}


@dataclass(frozen=True)
class SideLots:
    """Lots per (client, contract, side) on one day as numpy columns (``side_lots``).

    ``clients`` and ``contracts`` are sorted code lists; ``client`` and ``contract``
    index into them. ``side`` is the ``core.rules.sides`` code. ``is_individual`` and
    ``member_code`` are per entry of ``clients``. Rows are ordered by contract, side
    (long first), client.
    """

    clients: tuple[str, ...]
    contracts: tuple[str, ...]
    client: npt.NDArray[np.int64]
    contract: npt.NDArray[np.int64]
    side: npt.NDArray[np.int64]
    speculative_lots: npt.NDArray[np.int64]
    hedge_lots: npt.NDArray[np.int64]
    is_individual: npt.NDArray[np.bool_]
    member_code: npt.NDArray[np.object_]

    def __len__(self) -> int:
        return len(self.client)


def side_lots(session: Session, day: date) -> SideLots:
    """Lots per (client, contract, side) on ``day``, speculative and hedge apart.

    Only sides with lots and clients on file; columnar (see ``SideLots``). Sums the
    lines of the day's book (``core.db.day_book``) with numpy.
    """
    book = day_book(session, day)
    facts = select(Client.code, Client.is_individual, Client.member_code)
    codes, individual, members = fetch_fast(session, facts, ("str", "int", "str"))
    clients, contracts = book.clients, book.contracts
    client, contract, side = book.client, book.contract, book.side
    hedge, lots = book.hedge, book.lots
    # Client facts per entry of ``clients``; lines of clients not on file are dropped
    # (the inner join of the SQL form).
    where = pd.Index(np.asarray(codes, dtype=object)).get_indexer(np.asarray(clients, dtype=object))
    known = where >= 0
    if not known.all():
        keep = known[client]
        client, contract, side = client[keep], contract[keep], side[keep]
        hedge, lots = hedge[keep], lots[keep]
    is_individual = np.zeros(len(clients), dtype=np.bool_)
    member_code = np.full(len(clients), None, dtype=object)
    if len(codes):
        is_individual[known] = np.array(individual, dtype=np.bool_)[where[known]]
        member_code[known] = np.asarray(members, dtype=object)[where[known]]
    # Order by contract, side ("long" < "short"), client; sum the (at most two) lines
    # of a side: speculative and hedge.
    order = sort_order(contract, side, client)
    client, contract, side = client[order], contract[order], side[order]
    hedge, lots = hedge[order], lots[order]
    n = len(order)
    starts = np.flatnonzero(
        np.concatenate(
            [
                np.ones(min(n, 1), dtype=np.bool_),
                (client[1:] != client[:-1])
                | (contract[1:] != contract[:-1])
                | (side[1:] != side[:-1]),
            ]
        )
    )
    spec = np.add.reduceat(np.where(hedge, 0, lots), starts) if n else lots[:0]
    hedged = np.add.reduceat(np.where(hedge, lots, 0), starts) if n else lots[:0]
    return SideLots(
        clients=tuple(clients),
        contracts=tuple(contracts),
        client=client[starts],
        contract=contract[starts],
        side=side[starts],
        speculative_lots=spec.astype(np.int64),
        hedge_lots=hedged.astype(np.int64),
        is_individual=is_individual,
        member_code=member_code,
    )


def side_lots_frame(session: Session, day: date) -> pd.DataFrame:
    """Lots per (client, contract, side) on ``day``, speculative and hedge apart.

    Columns: client_code, member_code, contract_code, side (str); is_individual (bool);
    speculative_lots, hedge_lots (int64). Only sides with lots; ordered by contract,
    side, client.
    """
    s = side_lots(session, day)
    clients = np.asarray(s.clients, dtype=object)
    contracts = np.asarray(s.contracts, dtype=object)
    columns = (
        clients[s.client] if len(clients) else (),
        s.is_individual[s.client],
        s.member_code[s.client],
        contracts[s.contract] if len(contracts) else (),
        np.asarray(SIDE_NAMES, dtype=object)[s.side],
        s.speculative_lots,
        s.hedge_lots,
    )
    return frame_from(columns, SIDE_LOT_COLUMNS)


# --------------------------------------------------------------------- members
@dataclass(frozen=True)
class MemberInfo:
    code: str
    name: str
    kind: str
    min_reserve_fen: int


def member_codes(session: Session) -> list[str]:
    return list(session.scalars(select(Member.code).order_by(Member.code)))


def member_info(session: Session, code: str) -> MemberInfo | None:
    row = session.execute(
        select(Member.code, Member.name, Member.kind, Member.min_reserve_fen).where(
            Member.code == code
        )
    ).one_or_none()
    return None if row is None else MemberInfo(*row)


@dataclass(frozen=True)
class ReserveRow:
    """The member's reserve after one day's settlement (fen)."""

    member_code: str
    trading_day: date
    reserve_fen: int
    margin_fen: int
    opening_banned: bool


def reserve_on(session: Session, member: str, day: date) -> ReserveRow | None:
    row = session.execute(
        select(
            ReserveHistory.member_code,
            ReserveHistory.trading_day,
            ReserveHistory.reserve_fen,
            ReserveHistory.margin_fen,
            ReserveHistory.opening_banned,
        ).where(ReserveHistory.member_code == member, ReserveHistory.trading_day == day)
    ).one_or_none()
    return None if row is None else ReserveRow(*row)


def client_is_individual(session: Session, code: str) -> bool | None:
    """Whether client ``code`` is an individual; None for an unknown client."""
    return session.scalar(select(Client.is_individual).where(Client.code == code))


# --------------------------------------------------------------------- receipts
RECEIPT_COLUMNS = {
    "receipt_no": "str",
    "product_code": "str",
    "warehouse_code": "str",
    "member_code": "str",
    "holder_code": "str",
    "lots": "int64",
    "tons": "int64",
    "status": "str",
    "registration_date": "date",
    "production_date": "date",
}


def receipt_names(
    session: Session,
) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]], dict[str, str]]:
    """Names for the receipts desk: products and warehouses by code as (zh, en), and
    holders (clients and members) by code."""
    products = {
        str(c): (str(zh), str(en))
        for c, zh, en in session.execute(select(Product.code, Product.name_zh, Product.name_en))
    }
    warehouses = {
        str(c): (str(zh), str(en))
        for c, zh, en in session.execute(
            select(Warehouse.code, Warehouse.name_zh, Warehouse.name_en)
        )
    }
    holders = {str(c): str(n) for c, n in session.execute(select(Member.code, Member.name))}
    holders.update(
        (str(c), str(n))
        for c, n in session.execute(
            select(Client.code, Client.name).where(
                Client.code.in_(select(WarehouseReceipt.holder_code).distinct())
            )
        )
    )
    return products, warehouses, holders


def receipts_frame(
    session: Session,
    *,
    holder: str | None = None,
    warehouse: str | None = None,
    product: str | None = None,
    statuses: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Warehouse receipts (all statuses unless ``statuses``), optionally filtered.

    Columns: receipt_no, product_code, warehouse_code, member_code, holder_code, status
    (str, 'held'|'margin'|'delivery'|'cancelled'); lots, tons (int64);
    registration_date, production_date (datetime.date, production may be None).
    Ordered by product, warehouse, holder, receipt number.
    """
    stmt = select(
        WarehouseReceipt.receipt_no,
        WarehouseReceipt.product_code,
        WarehouseReceipt.warehouse_code,
        WarehouseReceipt.member_code,
        WarehouseReceipt.holder_code,
        WarehouseReceipt.lots,
        WarehouseReceipt.tons,
        WarehouseReceipt.status,
        WarehouseReceipt.registration_date,
        WarehouseReceipt.production_date,
    ).order_by(
        WarehouseReceipt.product_code,
        WarehouseReceipt.warehouse_code,
        WarehouseReceipt.holder_code,
        WarehouseReceipt.receipt_no,
    )
    if holder is not None:
        stmt = stmt.where(WarehouseReceipt.holder_code == holder)
    if warehouse is not None:
        stmt = stmt.where(WarehouseReceipt.warehouse_code == warehouse)
    if product is not None:
        stmt = stmt.where(WarehouseReceipt.product_code == product)
    if statuses is not None:
        stmt = stmt.where(WarehouseReceipt.status.in_(list(statuses)))
    return rows_frame(session.execute(stmt).all(), RECEIPT_COLUMNS)


# --------------------------------------------------------------------- delivery
MATCH_COLUMNS = {
    "id": "int64",
    "match_day": "date",
    "contract_code": "str",
    "seller_code": "str",
    "buyer_code": "str",
    "lots": "int64",
    "price_fen": "int64",
    "delivery_day": "date",
    "allocation_state": "str",
}


def seller_matches(session: Session, day: date, seller: str, contract: str) -> pd.DataFrame:
    """Delivery matches of ``seller`` in ``contract`` made on matching day ``day``.

    Columns ``MATCH_COLUMNS`` (lots int64, price_fen int64 fen), ordered by buyer, id.
    """
    stmt = (
        select(
            DeliveryMatch.id,
            DeliveryMatch.match_day,
            DeliveryMatch.contract_code,
            DeliveryMatch.seller_code,
            DeliveryMatch.buyer_code,
            DeliveryMatch.lots,
            DeliveryMatch.price_fen,
            DeliveryMatch.delivery_day,
            DeliveryMatch.allocation_state,
        )
        .where(
            DeliveryMatch.match_day == day,
            DeliveryMatch.seller_code == seller,
            DeliveryMatch.contract_code == contract,
        )
        .order_by(DeliveryMatch.buyer_code, DeliveryMatch.id)
    )
    return rows_frame(session.execute(stmt).all(), MATCH_COLUMNS)


def latest_match_day(session: Session, seller: str, contract: str) -> date | None:
    return session.scalar(
        select(func.max(DeliveryMatch.match_day)).where(
            DeliveryMatch.seller_code == seller, DeliveryMatch.contract_code == contract
        )
    )


def delivery_matches(session: Session) -> pd.DataFrame:
    """Every stored delivery match (one SELECT), newest matching day first, then by
    contract, seller and buyer. Columns ``MATCH_COLUMNS`` (id, lots, price_fen int64)."""
    stmt = select(
        DeliveryMatch.id,
        DeliveryMatch.match_day,
        DeliveryMatch.contract_code,
        DeliveryMatch.seller_code,
        DeliveryMatch.buyer_code,
        DeliveryMatch.lots,
        DeliveryMatch.price_fen,
        DeliveryMatch.delivery_day,
        DeliveryMatch.allocation_state,
    ).order_by(
        DeliveryMatch.match_day.desc(),
        DeliveryMatch.contract_code,
        DeliveryMatch.seller_code,
        DeliveryMatch.buyer_code,
    )
    return rows_frame(session.execute(stmt).all(), MATCH_COLUMNS)
