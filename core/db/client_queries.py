"""Reads of one client for the client panel (``core.services.client_detail``).

Every read goes through an index that starts with the client: ``client_balance``'s key
(client, day), ``ix_position_client_code``, ``ix_receipt_holder``, ``ix_alert_account``
(rev. 0007) and ``ix_notice_client_day``; the few reference tables a day's rules need
(contracts, two days of settlement prices, margin notices, limit-lock runs) are small.
So the panel of one of 100,000 clients reads a few dozen rows, never a whole day.
Every function runs in the caller's transaction (STYLE B6) and returns plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.day_inputs import limit_lock_runs, read_adjustments, read_contracts
from core.db.tables import (
    Client,
    ClientBalance,
    Member,
    Position,
    SettlementPrice,
    Warehouse,
    WarehouseReceipt,
)
from core.rules.day_inputs import DayInputs, LodgedReceipt


@dataclass(frozen=True)
class ClientFacts:
    """Who the client is."""

    code: str
    name: str
    member_code: str
    member_name: str
    is_individual: bool
    opened_on: date | None


@dataclass(frozen=True)
class StoredBalance:
    """A client's ``client_balance`` row of one settled day (fen), as the settlement
    wrote it."""

    day: date
    balance_fen: int
    deposits_fen: int
    withdrawals_fen: int
    close_pnl_fen: int
    position_pnl_fen: int
    fees_fen: int
    waived_fen: int
    delivery_fen: int
    margin_fen: int
    offset_fen: int
    available_fen: int
    margin_call_fen: int


@dataclass(frozen=True)
class StoredLine:
    """One stored position line of the client after a settlement (lots > 0)."""

    contract: str
    side: str
    hedge: bool
    lots: int
    today_lots: int
    open_price_fen: int
    margin_fen: int
    """The exchange's margin the settlement stored (S(D) × mult × lots × exchange rate)."""


@dataclass(frozen=True)
class HeldReceipt:
    """A warehouse receipt the client holds (any status but cancelled)."""

    receipt_no: str
    product: str
    warehouse_code: str
    warehouse_name_zh: str
    warehouse_name_en: str
    lots: int
    tons: int
    status: str
    status_since: date | None
    production_date: date | None
    registration_date: date


def client_facts(session: Session, code: str) -> ClientFacts | None:
    """The client ``code`` and its member; None when there is no such client."""
    row = session.execute(
        select(
            Client.code,
            Client.name,
            Client.member_code,
            Member.name,
            Client.is_individual,
            Client.opened_on,
        )
        .join(Member, Member.code == Client.member_code)
        .where(Client.code == code)
    ).first()
    if row is None:
        return None
    return ClientFacts(str(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4]), row[5])


def client_settled_days(session: Session, code: str) -> list[date]:
    """Every trading day with a stored balance of the client, newest first (the
    balance table's key (client, day): an index range, not a scan)."""
    return list(
        session.scalars(
            select(ClientBalance.trading_day)
            .where(ClientBalance.client_code == code)
            .order_by(ClientBalance.trading_day.desc())
        )
    )


def stored_balance(session: Session, code: str, day: date) -> StoredBalance | None:
    """The client's stored balance of ``day`` (one key lookup); None without one."""
    row = session.execute(
        select(
            ClientBalance.trading_day,
            ClientBalance.balance_fen,
            ClientBalance.deposits_fen,
            ClientBalance.withdrawals_fen,
            ClientBalance.close_pnl_fen,
            ClientBalance.position_pnl_fen,
            ClientBalance.fees_fen,
            ClientBalance.waived_fen,
            ClientBalance.delivery_fen,
            ClientBalance.margin_fen,
            ClientBalance.offset_fen,
            ClientBalance.available_fen,
            ClientBalance.margin_call_fen,
        ).where(ClientBalance.client_code == code, ClientBalance.trading_day == day)
    ).first()
    if row is None:
        return None
    return StoredBalance(row[0], *(int(v) for v in row[1:]))


def stored_lines(session: Session, code: str, day: date) -> list[StoredLine]:
    """The client's position lines of ``day`` with lots > 0, by contract, side, hedge."""
    rows = session.execute(
        select(
            Position.contract_code,
            Position.side,
            Position.hedge,
            Position.lots,
            Position.today_lots,
            Position.open_price_fen,
            Position.margin_fen,
        )
        .where(Position.client_code == code, Position.trading_day == day, Position.lots > 0)
        .order_by(Position.contract_code, Position.side, Position.hedge)
    ).all()
    return [
        StoredLine(str(c), str(s), bool(h), int(n), int(t), int(p), int(m))
        for c, s, h, n, t, p, m in rows
    ]


def held_receipts(session: Session, code: str) -> list[HeldReceipt]:
    """The receipts the client holds, not cancelled, by product and receipt number
    (``ix_receipt_holder``)."""
    rows = session.execute(
        select(
            WarehouseReceipt.receipt_no,
            WarehouseReceipt.product_code,
            WarehouseReceipt.warehouse_code,
            Warehouse.name_zh,
            Warehouse.name_en,
            WarehouseReceipt.lots,
            WarehouseReceipt.tons,
            WarehouseReceipt.status,
            WarehouseReceipt.status_since,
            WarehouseReceipt.production_date,
            WarehouseReceipt.registration_date,
        )
        .join(Warehouse, Warehouse.code == WarehouseReceipt.warehouse_code)
        .where(WarehouseReceipt.holder_code == code, WarehouseReceipt.status != "cancelled")
        .order_by(WarehouseReceipt.product_code, WarehouseReceipt.receipt_no)
    ).all()
    return [HeldReceipt(*r) for r in rows]


def client_day_inputs(
    session: Session,
    facts: ClientFacts,
    day: date,
    prev_day: date,
    receipts: list[HeldReceipt],
) -> DayInputs:
    """The ``DayInputs`` of the settlement of ``day`` restricted to one client: every
    contract with S(``day``) and S(``prev_day``), the margin notices and limit-lock runs
    of ``day``, the client's receipts lodged as margin. What the day's rules need for
    this client's margin rates and pledge quota (``day_margin_rates``,
    ``pledge_quota``); its positions, trades and transfers are not read here."""
    contracts = read_contracts(session)
    k_index = {c.code: i for i, c in enumerate(contracts)}
    products = sorted({c.product for c in contracts})
    p_index = {p: i for i, p in enumerate(products)}
    min_reserve = session.scalar(
        select(Member.min_reserve_fen).where(Member.code == facts.member_code)
    )

    def prices(d: date) -> np.ndarray:
        out = np.full(len(contracts), -1, dtype=np.int64)
        for code, fen in session.execute(
            select(SettlementPrice.contract_code, SettlementPrice.settlement_fen).where(
                SettlementPrice.trading_day == d
            )
        ):
            if code in k_index:
                out[k_index[code]] = int(fen)
        return out

    return DayInputs(
        day=day,
        prev_day=prev_day,
        payment_match_day=None,
        contracts=contracts,
        products=products,
        product_of_contract=np.array([p_index[c.product] for c in contracts], dtype=np.int64),
        members=[facts.member_code],
        member_min_reserve_fen=np.array([int(min_reserve or 0)], dtype=np.int64),
        clients=[facts.code],
        client_member=np.zeros(1, dtype=np.int64),
        prior_balance_fen=np.zeros(1, dtype=np.int64),
        has_prior_balance=np.zeros(1, dtype=np.bool_),
        prior_reserve={},
        settle_fen=prices(day),
        prior_settle_fen=prices(prev_day),
        receipts=[
            LodgedReceipt(
                r.receipt_no,
                r.product,
                facts.member_code,
                facts.code,
                r.tons,
                r.production_date,
                r.registration_date,
                r.status_since,
            )
            for r in receipts
            if r.status == "margin"
        ],
        adjustments=read_adjustments(session, day),
        limit_lock_runs=limit_lock_runs(session, day),
    )
