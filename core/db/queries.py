"""Typed read queries for the screens: pandas DataFrames or frozen dataclasses, never ORM objects.

Every function takes a ``Session`` owned by the caller (STYLE B6) and only reads. Results
are plain values, so they may cross from the worker thread that ran the query to the GUI
thread. Money and prices stay integer fen in ``int64`` columns named ``*_fen``; the GUI
formats them with ``core.money.format_yuan``. Column names and dtypes of every frame are
listed in the function's docstring and are part of its contract.

Risk ratios and levels are the firm's one setting (``core.rules.risk_levels``), applied
here to the settled figures: equity = the day's balance (客户权益), available = the
stored available funds. The live monitor applies the same setting to intraday figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from core.db.columnar import (
    coded,
    fetch_fast,
    frame_from,
    rows_frame,
)
from core.db.day_book import day_book
from core.db.tables import (
    Client,
    ClientBalance,
    Contract,
    Member,
    Position,
    Product,
    ReserveHistory,
    SettlementPrice,
    Warehouse,
    WarehouseReceipt,
)
from core.money import exact_sum
from core.rules.risk_levels import LEVEL_NAMES, NORMAL, RiskLevels, default_risk_levels
from core.rules.sides import SIDE_NAMES

DayKind = Literal["balances", "positions", "prices"]


# --------------------------------------------------------------------- trading days
def latest_trading_day(session: Session, of: DayKind | None = None) -> date | None:
    """The last trading day with data: of one kind (``of``), or of any kind.

    ``of`` is "balances" (client_balance), "positions" or "prices" (settlement_price).
    None when the database holds no such rows.
    """
    columns = {
        "balances": ClientBalance.trading_day,
        "positions": Position.trading_day,
        "prices": SettlementPrice.trading_day,
    }
    wanted = [columns[of]] if of is not None else list(columns.values())
    known = [d for d in (session.scalar(select(func.max(c))) for c in wanted) if d]
    return max(known) if known else None


def holds_no_book(session: Session) -> bool:
    """True when the database holds no client and no position: nothing to show yet.

    Two primary-key/index probes (``LIMIT 1``), cheap on the large data set too.
    """
    for table in (Client, Position):
        if session.scalar(select(literal(1)).select_from(table).limit(1)) is not None:
            return False
    return True


def first_brokerage_member(session: Session) -> str | None:
    """The brokerage member with the lowest code (the firm the desk works for), or None."""
    return session.scalar(
        select(Member.code).where(Member.kind == "brokerage").order_by(Member.code).limit(1)
    )


def client_names(session: Session) -> dict[str, str]:
    """Every client's name by code (one columnar read, no ORM rows)."""
    codes, names = fetch_fast(session, select(Client.code, Client.name), ("str", "str"))
    return dict(zip(codes, names, strict=True))


def contract_products(session: Session) -> dict[str, str]:
    """Every contract's product code by contract code."""
    rows = session.execute(select(Contract.code, Contract.product_code))
    return {str(c): str(p) for c, p in rows}


# --------------------------------------------------------------------- overview
@dataclass(frozen=True)
class OverviewSummary:
    """Key figures for the overview screen on one trading day (all money in fen).

    ``reserve_fen`` and ``exchange_margin_fen`` are the members' settlement reserve and
    margin at the exchange from the reserve history of that day, summed over members;
    None when no member has a reserve record that day. Client figures are sums of the
    client balances of that day (the settlement's stored figures, not intraday ones).
    ``level_counts``: accounts per risk level name (``RiskLevels.counts``: every level,
    zeros included) of the Accounts frame; ``margin_call_fen``: the clients' total
    margin call, Σ max(0, −available) as the settlement stored it per client.
    """

    trading_day: date | None
    members_count: int
    reserve_fen: int | None
    exchange_margin_fen: int | None
    min_reserve_fen: int
    clients_count: int
    accounts_count: int
    client_balance_fen: int
    client_margin_fen: int
    client_available_fen: int
    margin_call_fen: int
    level_counts: Mapping[str, int]
    positions_count: int
    open_lots: int
    receipts_count: int
    receipt_tons: int

    @property
    def at_risk_count(self) -> int:
        """Accounts at warning or worse (every level but normal)."""
        return sum(n for name, n in self.level_counts.items() if name != LEVEL_NAMES[NORMAL])

    @classmethod
    def empty(cls) -> OverviewSummary:
        return cls(
            trading_day=None,
            members_count=0,
            reserve_fen=None,
            exchange_margin_fen=None,
            min_reserve_fen=0,
            clients_count=0,
            accounts_count=0,
            client_balance_fen=0,
            client_margin_fen=0,
            client_available_fen=0,
            margin_call_fen=0,
            level_counts=dict.fromkeys(LEVEL_NAMES, 0),
            positions_count=0,
            open_lots=0,
            receipts_count=0,
            receipt_tons=0,
        )


def overview_summary(
    session: Session, day: date | None, accounts: pd.DataFrame | None = None
) -> OverviewSummary:
    """Key figures of ``day`` (see ``OverviewSummary``); receipts exclude cancelled ones.

    ``accounts`` is ``accounts_frame(session, day)`` when the caller already read it
    (the Overview reads it once for the summary and the at-risk list).
    """
    members_count = session.scalar(select(func.count()).select_from(Member)) or 0
    min_reserve = session.scalar(select(func.coalesce(func.sum(Member.min_reserve_fen), 0)))
    clients_count = session.scalar(select(func.count()).select_from(Client)) or 0
    live_receipts = WarehouseReceipt.status != "cancelled"
    receipts_count, receipt_tons = session.execute(
        select(func.count(), func.coalesce(func.sum(WarehouseReceipt.tons), 0)).where(live_receipts)
    ).one()
    empty = replace(
        OverviewSummary.empty(),
        members_count=members_count,
        min_reserve_fen=int(min_reserve or 0),
        clients_count=clients_count,
        receipts_count=int(receipts_count),
        receipt_tons=int(receipt_tons),
    )
    if day is None:
        return empty
    reserve_count, reserve, ex_margin = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(ReserveHistory.reserve_fen), 0),
            func.coalesce(func.sum(ReserveHistory.margin_fen), 0),
        ).where(ReserveHistory.trading_day == day)
    ).one()
    balances = accounts_frame(session, day) if accounts is None else accounts
    positions_count, open_lots = session.execute(
        select(func.count(), func.coalesce(func.sum(Position.lots), 0)).where(
            Position.trading_day == day, Position.lots > 0
        )
    ).one()
    return replace(
        empty,
        trading_day=day,
        reserve_fen=int(reserve) if reserve_count else None,
        exchange_margin_fen=int(ex_margin) if reserve_count else None,
        accounts_count=len(balances),
        client_balance_fen=exact_sum(balances["balance_fen"]),
        client_margin_fen=exact_sum(balances["margin_fen"]),
        client_available_fen=exact_sum(balances["available_fen"]),
        margin_call_fen=exact_sum(balances["margin_call_fen"]),
        level_counts=level_counts(balances),
        positions_count=int(positions_count),
        open_lots=int(open_lots),
    )


def level_counts(accounts: pd.DataFrame) -> dict[str, int]:
    """Accounts of an ``accounts_frame`` per risk level name (every level)."""
    return RiskLevels.counts(accounts["risk_level"].to_numpy())


MEMBER_COLUMNS = {
    "member_code": "str",
    "member_name": "str",
    "kind": "str",
    "reserve_fen": "Int64",
    "margin_fen": "Int64",
    "min_reserve_fen": "int64",
    "clients_count": "int64",
}


def members_frame(session: Session, day: date | None) -> pd.DataFrame:
    """Members with their reserve and exchange margin on ``day``.

    Columns: member_code, member_name, kind (str); reserve_fen, margin_fen (nullable
    Int64, missing without a reserve record); min_reserve_fen, clients_count (int64).
    """
    clients = (
        select(Client.member_code, func.count().label("n")).group_by(Client.member_code).subquery()
    )
    stmt = (
        select(
            Member.code,
            Member.name,
            Member.kind,
            ReserveHistory.reserve_fen,
            ReserveHistory.margin_fen,
            Member.min_reserve_fen,
            func.coalesce(clients.c.n, 0),
        )
        .outerjoin(
            ReserveHistory,
            (ReserveHistory.member_code == Member.code) & (ReserveHistory.trading_day == day),
        )
        .outerjoin(clients, clients.c.member_code == Member.code)
        .order_by(Member.code)
    )
    return rows_frame(session.execute(stmt).all(), MEMBER_COLUMNS)


# --------------------------------------------------------------------- accounts
ACCOUNT_COLUMNS = {
    "client_code": "str",
    "client_name": "str",
    "member_code": "str",
    "balance_fen": "int64",
    "margin_fen": "int64",
    "available_fen": "int64",
    "margin_call_fen": "int64",
    "risk_ratio_ppm": "int64",
    "risk_level": "int64",
}


def accounts_frame(
    session: Session, day: date | None, levels: RiskLevels | None = None
) -> pd.DataFrame:
    """Every client with a balance on ``day`` (client statement after settlement).

    Columns: client_code, client_name, member_code (str); balance_fen, margin_fen,
    available_fen, margin_call_fen (int64 fen); risk_ratio_ppm (int64, 1,000,000 =
    100 %) and risk_level (int64 level code) from ``levels`` (default: the firm's
    setting) over the settled figures: equity = balance, available = the stored
    available funds. Ordered by client code. Empty (with these columns) when ``day`` is
    None.
    """
    if day is None:
        return rows_frame([], ACCOUNT_COLUMNS)
    stmt = (
        select(
            Client.code,
            Client.name,
            Client.member_code,
            ClientBalance.balance_fen,
            ClientBalance.margin_fen,
            ClientBalance.available_fen,
            ClientBalance.margin_call_fen,
        )
        .join(ClientBalance, ClientBalance.client_code == Client.code)
        .where(ClientBalance.trading_day == day)
        .order_by(Client.code)
    )
    # Column-wise (``core.db.columnar``): ~100,000 clients without a Row object each.
    kinds = ("str", "str", "str", "int", "int", "int", "int")
    columns = fetch_fast(session, stmt, kinds)
    if not len(columns[0]):
        return rows_frame([], ACCOUNT_COLUMNS)
    ratio, level = (levels or default_risk_levels()).assess(
        margin_fen=columns[4], equity_fen=columns[3], available_fen=columns[5]
    )
    return frame_from([*columns, ratio, level], ACCOUNT_COLUMNS)


def at_risk_accounts(accounts: pd.DataFrame) -> pd.DataFrame:
    """The rows of an ``accounts_frame`` at warning or worse: all of them, the most
    severe level first, then the highest risk ratio, then by client code."""
    frame = accounts[accounts["risk_level"] > NORMAL]
    return frame.sort_values(
        ["risk_level", "risk_ratio_ppm", "client_code"],
        ascending=[False, False, True],
        kind="stable",
    ).reset_index(drop=True)


# --------------------------------------------------------------------- positions
POSITION_COLUMNS = {
    "client_code": "category",
    "client_name": "category",
    "contract_code": "category",
    "product_code": "category",
    "side": "category",
    "hedge": "bool",
    "lots": "int64",
    "today_lots": "int64",
    "open_price_fen": "int64",
    "settlement_fen": "Int64",
    "margin_fen": "int64",
}


def positions_frame(session: Session, day: date | None) -> pd.DataFrame:
    """Position lines of ``day`` with open lots, with that day's settlement price.

    Columns: client_code, client_name, contract_code, product_code, side ('long' or
    'short') (categorical: a line holds codes into the day's tables, which makes the
    frame of a million lines cheap to build, sort and show); hedge (bool); lots,
    today_lots (int64 lots); open_price_fen, margin_fen (int64 fen); settlement_fen
    (nullable Int64 fen, missing without a price). Ordered by client, contract, side,
    hedge. Lines of clients or contracts not on file drop out (the joins of the row form).
    """
    if day is None:
        return rows_frame([], POSITION_COLUMNS)
    # The day's book (read once, shared by the screens; ``core.db.day_book``); client
    # names, products and prices once per client or contract, mapped onto the lines.
    book = day_book(session, day)
    codes, names = fetch_fast(session, select(Client.code, Client.name), ("str", "str"))
    clients = np.asarray(book.clients, dtype=object)
    where = pd.Index(np.asarray(codes, dtype=object)).get_indexer(clients)
    facts = {
        code: (product, price)
        for code, product, price in session.execute(
            select(Contract.code, Contract.product_code, SettlementPrice.settlement_fen)
            .outerjoin(
                SettlementPrice,
                (SettlementPrice.contract_code == Contract.code)
                & (SettlementPrice.trading_day == day),
            )
            .where(Contract.code.in_(book.contracts))
        )
    }
    known_contract = np.array([c in facts for c in book.contracts], dtype=np.bool_)
    keep = (where >= 0)[book.client] & known_contract[book.contract]
    if not keep.any():
        return rows_frame([], POSITION_COLUMNS)
    client, contract = book.client[keep], book.contract[keep]
    fact = [facts.get(c, ("", None)) for c in book.contracts]
    price = np.array([0 if f[1] is None else f[1] for f in fact], dtype=np.int64)
    no_price = np.array([f[1] is None for f in fact], dtype=np.bool_)
    name_of = np.asarray(names, dtype=object)[where] if len(where) else np.empty(0, object)
    return frame_from(
        (
            coded(client, book.clients),
            coded(client, name_of),
            coded(contract, book.contracts),
            coded(contract, [f[0] for f in fact]),
            coded(book.side[keep], SIDE_NAMES),
            book.hedge[keep],
            book.lots[keep],
            book.today_lots[keep],
            book.open_price_fen[keep],
            pd.arrays.IntegerArray(price[contract], no_price[contract]),
            book.margin_fen[keep],
        ),
        POSITION_COLUMNS,
    )


# --------------------------------------------------------------------- prices
PRICE_COLUMNS = {
    "contract_code": "str",
    "product_code": "str",
    "product_name_zh": "str",
    "product_name_en": "str",
    "settlement_fen": "int64",
    "upper_limit_fen": "Int64",
    "lower_limit_fen": "Int64",
    "limit_lock": "str",
    "open_interest": "int64",
    "volume": "int64",
}


def settlement_prices_frame(session: Session, day: date | None) -> pd.DataFrame:
    """Settlement prices of ``day`` with the day's limit prices and limit-lock flag.

    Columns: contract_code, product_code, product_name_zh, product_name_en, limit_lock
    ('none', 'limit_up' or 'limit_down') (str); settlement_fen (int64 fen);
    upper_limit_fen, lower_limit_fen (nullable Int64 fen); open_interest, volume (int64
    lots). Ordered by contract code.
    """
    if day is None:
        return rows_frame([], PRICE_COLUMNS)
    stmt = (
        select(
            SettlementPrice.contract_code,
            Contract.product_code,
            Product.name_zh,
            Product.name_en,
            SettlementPrice.settlement_fen,
            SettlementPrice.upper_limit_fen,
            SettlementPrice.lower_limit_fen,
            SettlementPrice.limit_lock,
            SettlementPrice.open_interest,
            SettlementPrice.volume,
        )
        .join(Contract, Contract.code == SettlementPrice.contract_code)
        .join(Product, Product.code == Contract.product_code)
        .where(SettlementPrice.trading_day == day)
        .order_by(SettlementPrice.contract_code)
    )
    return rows_frame(session.execute(stmt).all(), PRICE_COLUMNS)


def limit_locked_contracts(session: Session, day: date | None) -> pd.DataFrame:
    """Contracts closing locked at the limit on ``day`` (settlement_prices_frame columns)."""
    frame = settlement_prices_frame(session, day)
    return frame[frame["limit_lock"] != "none"].reset_index(drop=True)


# --------------------------------------------------------------------- receipts
RECEIPT_COLUMNS = {
    "receipt_no": "str",
    "product_code": "str",
    "product_name_zh": "str",
    "product_name_en": "str",
    "warehouse_code": "str",
    "warehouse_name_zh": "str",
    "warehouse_name_en": "str",
    "member_code": "str",
    "holder_code": "str",
    "lots": "int64",
    "tons": "int64",
    "status": "str",
    "registration_date": "date",
}


def receipts_frame(session: Session, *, include_cancelled: bool = True) -> pd.DataFrame:
    """Standard warehouse receipts (标准仓单) with product and warehouse names.

    Columns: receipt_no, product_code, product_name_zh, product_name_en, warehouse_code,
    warehouse_name_zh, warehouse_name_en, member_code, holder_code, status (str); lots,
    tons (int64); registration_date (datetime.date objects). Ordered by registration
    date, then receipt number.
    """
    stmt = (
        select(
            WarehouseReceipt.receipt_no,
            WarehouseReceipt.product_code,
            Product.name_zh,
            Product.name_en,
            WarehouseReceipt.warehouse_code,
            Warehouse.name_zh,
            Warehouse.name_en,
            WarehouseReceipt.member_code,
            WarehouseReceipt.holder_code,
            WarehouseReceipt.lots,
            WarehouseReceipt.tons,
            WarehouseReceipt.status,
            WarehouseReceipt.registration_date,
        )
        .join(Product, Product.code == WarehouseReceipt.product_code)
        .join(Warehouse, Warehouse.code == WarehouseReceipt.warehouse_code)
        .order_by(WarehouseReceipt.registration_date, WarehouseReceipt.receipt_no)
    )
    if not include_cancelled:
        stmt = stmt.where(WarehouseReceipt.status != "cancelled")
    return rows_frame(session.execute(stmt).all(), RECEIPT_COLUMNS)
