"""Reads behind a client's statements to sign off (daily and monthly).

A client's settled days in a period, its fund movements, and the ``DayInputs`` of one
settled day restricted to that client (its prior lines, the day's fills, transfers and
hedge conversions, the prices and rates the rules need), so that the daily settlement's
own first-in-first-out rule gives its closed lines without settling the whole book
(100,000 clients take ~20 s; one client a few milliseconds). Every function runs in the
caller's transaction.
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
    FundMovement,
    HedgeQuota,
    Member,
    Position,
    ReserveHistory,
    SettlementPrice,
    Trade,
)
from core.rules.day_inputs import ACTION_NAMES, DayInputs, PriorReserve
from core.rules.sides import side_codes


@dataclass(frozen=True)
class Movement:
    """A client's deposit or withdrawal as stored (fen > 0)."""

    movement_no: str
    day: date
    kind: str
    amount_fen: int
    note: str


def client_days(session: Session, client: str, first: date, last: date) -> list[date]:
    """The days from ``first`` to ``last`` with a stored settlement of ``client``."""
    rows = session.execute(
        select(ClientBalance.trading_day)
        .where(
            ClientBalance.client_code == client,
            ClientBalance.trading_day >= first,
            ClientBalance.trading_day <= last,
        )
        .order_by(ClientBalance.trading_day)
    ).scalars()
    return list(rows)


def client_movements(session: Session, client: str, first: date, last: date) -> list[Movement]:
    """The client's deposits and withdrawals from ``first`` to ``last`` (booking order)."""
    rows = session.execute(
        select(
            FundMovement.movement_no,
            FundMovement.trading_day,
            FundMovement.kind,
            FundMovement.amount_fen,
            FundMovement.note,
        )
        .where(
            FundMovement.client_code == client,
            FundMovement.trading_day >= first,
            FundMovement.trading_day <= last,
        )
        .order_by(FundMovement.trading_day, FundMovement.id)
    ).all()
    return [Movement(str(n), d, str(k), int(a), str(t or "")) for n, d, k, a, t in rows]


def client_day_book(session: Session, client: str, day: date, prev_day: date) -> DayInputs:
    """The inputs of the settlement of ``day`` restricted to ``client`` (module doc).

    Trades are in the settlement's order (time, then id), so a fill's index is its
    position in the settlement's batch. The prior-day counts are set from the whole
    book's rows of ``prev_day`` (the settlement's check is about the book, not the client).
    """
    member = session.execute(select(Client.member_code).where(Client.code == client)).scalar_one()
    contracts = read_contracts(session)
    k_index = {c.code: i for i, c in enumerate(contracts)}
    products = sorted({c.product for c in contracts})
    p_index = {p: i for i, p in enumerate(products)}
    min_reserve = session.scalar(select(Member.min_reserve_fen).where(Member.code == member))

    def prices(d: date) -> np.ndarray:
        out = np.full(len(contracts), -1, dtype=np.int64)
        for code, fen in session.execute(
            select(SettlementPrice.contract_code, SettlementPrice.settlement_fen).where(
                SettlementPrice.trading_day == d, SettlementPrice.settlement_fen.is_not(None)
            )
        ):
            out[k_index[str(code)]] = int(fen)
        return out

    prior = session.execute(
        select(ClientBalance.balance_fen).where(
            ClientBalance.client_code == client, ClientBalance.trading_day == prev_day
        )
    ).scalar_one_or_none()
    book_rows = session.execute(
        select(ClientBalance.client_code).where(ClientBalance.trading_day == prev_day).limit(1)
    ).first()
    inputs = DayInputs(
        day=day,
        prev_day=prev_day,
        payment_match_day=None,
        contracts=contracts,
        products=products,
        product_of_contract=np.array([p_index[c.product] for c in contracts], dtype=np.int64),
        members=[member],
        member_min_reserve_fen=np.array([int(min_reserve or 0)], dtype=np.int64),
        clients=[client],
        client_member=np.zeros(1, dtype=np.int64),
        prior_balance_fen=np.array([int(prior or 0)], dtype=np.int64),
        has_prior_balance=np.array([prior is not None], dtype=np.bool_),
        prior_reserve={},
        settle_fen=prices(day),
        prior_settle_fen=prices(prev_day),
        adjustments=read_adjustments(session, day),
        limit_lock_runs=limit_lock_runs(session, day),
        prior_limit_lock_runs=limit_lock_runs(session, prev_day),
    )
    inputs.prev_balance_rows = 1 if book_rows is not None else 0
    reserve = session.execute(
        select(
            ReserveHistory.reserve_fen,
            ReserveHistory.margin_fen,
            ReserveHistory.offset_fen,
            ReserveHistory.cash_fen,
            ReserveHistory.opening_banned,
        ).where(ReserveHistory.member_code == member, ReserveHistory.trading_day == prev_day)
    ).first()
    if reserve is not None:
        inputs.prior_reserve[member] = PriorReserve(
            reserve[0], reserve[1], reserve[2], reserve[3], bool(reserve[4])
        )
    lines = session.execute(
        select(
            Position.contract_code,
            Position.side,
            Position.hedge,
            Position.lots,
            Position.open_price_fen,
            Position.margin_fen,
        ).where(Position.client_code == client, Position.trading_day == prev_day, Position.lots > 0)
    ).all()
    n = len(lines)
    inputs.prev_position_rows = max(n, inputs.prev_balance_rows)
    inputs.pos_client = np.zeros(n, np.int64)
    inputs.pos_contract = np.array([k_index[str(r[0])] for r in lines], np.int64)
    inputs.pos_side = side_codes([str(r[1]) for r in lines])
    inputs.pos_hedge = np.array([bool(r[2]) for r in lines], np.bool_)
    inputs.pos_lots = np.array([int(r[3]) for r in lines], np.int64)
    inputs.pos_open_price_fen = np.array([int(r[4]) for r in lines], np.int64)
    inputs.pos_margin_fen = np.array([int(r[5]) for r in lines], np.int64)
    trades = session.execute(
        select(
            Trade.contract_code,
            Trade.side,
            Trade.hedge,
            Trade.action,
            Trade.lots,
            Trade.price_fen,
            Trade.fee_fen,
            Trade.trade_no,
        )
        .where(Trade.client_code == client, Trade.trading_day == day)
        .order_by(Trade.traded_at, Trade.id)
    ).all()
    action_code = {name: i for i, name in enumerate(ACTION_NAMES)}
    m = len(trades)
    inputs.tr_client = np.zeros(m, np.int64)
    inputs.tr_contract = np.array([k_index[str(t[0])] for t in trades], np.int64)
    inputs.tr_side = side_codes([str(t[1]) for t in trades])
    inputs.tr_hedge = np.array([bool(t[2]) for t in trades], np.bool_)
    inputs.tr_action = np.array([action_code[str(t[3])] for t in trades], np.int64)
    inputs.tr_lots = np.array([int(t[4]) for t in trades], np.int64)
    inputs.tr_price_fen = np.array([int(t[5]) for t in trades], np.int64)
    inputs.tr_fee_fen = np.array([int(t[6]) for t in trades], np.int64)
    inputs.tr_no = [str(t[7]) for t in trades]
    inputs.tr_at_us = np.zeros(m, np.int64)
    funds = session.execute(
        select(FundMovement.kind, FundMovement.amount_fen).where(
            FundMovement.client_code == client, FundMovement.trading_day == day
        )
    ).all()
    inputs.fm_member = np.zeros(len(funds), np.int64)
    inputs.fm_client = np.zeros(len(funds), np.int64)
    inputs.fm_deposit = np.array([k == "deposit" for k, _a in funds], np.bool_)
    inputs.fm_amount_fen = np.array([int(a) for _k, a in funds], np.int64)
    quotas = session.execute(
        select(HedgeQuota.contract_code, HedgeQuota.side, HedgeQuota.lots)
        .where(HedgeQuota.client_code == client, HedgeQuota.period_start == day)
        .order_by(HedgeQuota.id)
    ).all()
    inputs.hq_client = np.zeros(len(quotas), np.int64)
    inputs.hq_contract = np.array([k_index[str(q[0])] for q in quotas], np.int64)
    inputs.hq_side = side_codes([str(q[1]) for q in quotas])
    inputs.hq_lots = np.array([int(q[2]) for q in quotas], np.int64)
    return inputs


def member_name(session: Session, member: str) -> str:
    """The member's name: the firm a client statement is printed by (as on notices)."""
    name = session.execute(select(Member.name).where(Member.code == member)).scalar()
    return str(name or member)


def client_exists(session: Session, client: str) -> bool:
    return session.get(Client, client) is not None
