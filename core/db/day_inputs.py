"""Read one trading day's ``DayInputs`` (``core.rules.day_inputs``) in a few bulk reads.

The daily settlement of D and the live monitor of D start from the same read: the
position lines, balances and reserves after the settlement of prev_td(D), the prices,
D's trades and fund movements, receipts lodged as margin, margin notices and limit-lock
runs. Position lines come from the day's book (``core.db.day_book``: one pass over the
covering index, shared with the screens); the rest are SQLAlchemy Core selects turned
into numpy columns. Every function runs in the caller's transaction (STYLE B6).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.columnar import fetch_fast
from core.db.day_book import day_book
from core.db.tables import (
    Client,
    ClientBalance,
    Contract,
    FundMovement,
    HedgeQuota,
    MarginAdjustment,
    Member,
    Product,
    ReserveHistory,
    SettlementPrice,
    Trade,
    WarehouseReceipt,
)
from core.errors import CalendarHorizonError
from core.rules.day_inputs import (
    ACTION_NAMES,
    I64,
    ContractTerms,
    DayInputs,
    LodgedReceipt,
    PriorReserve,
    RateAdjustment,
)
from core.rules.sides import side_codes
from core.trading_calendar import TradingCalendar, default_calendar

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _columns(rows: Sequence[Sequence[Any]], n_cols: int) -> list[list[Any]]:
    if not rows:
        return [[] for _ in range(n_cols)]
    return [list(col) for col in zip(*rows, strict=True)]


def _codes_to_index(values: Sequence[str], index: pd.Index) -> I64:
    """Positions of ``values`` in ``index``; KeyError naming the first unknown code."""
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    idx = index.get_indexer(pd.Index(values))
    if (idx < 0).any():
        bad = values[int(np.flatnonzero(idx < 0)[0])]
        raise KeyError(bad)
    return np.asarray(idx, dtype=np.int64)


def _micros(at: datetime | None) -> int:
    if at is None:
        return -1
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return (aware - _EPOCH) // _MICRO


_MICRO = datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC) - _EPOCH


def read_contracts(session: Session) -> list[ContractTerms]:
    """Every contract's terms, in code order."""
    rows = session.execute(
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
    return [ContractTerms(*r) for r in rows]


def read_adjustments(session: Session, until: date) -> list[RateAdjustment]:
    """Exchange margin notices effective on or before ``until``."""
    return [
        RateAdjustment(*r)
        for r in session.execute(
            select(
                MarginAdjustment.contract_code,
                MarginAdjustment.effective_day,
                MarginAdjustment.hedge,
                MarginAdjustment.rate_ppm,
            ).where(MarginAdjustment.effective_day <= until)
        ).all()
    ]


def limit_lock_runs(session: Session, day: date, lookback: int = 10) -> dict[str, tuple[str, int]]:
    """For contracts limit-locked on ``day``: direction and consecutive locked days."""
    locked = session.execute(
        select(SettlementPrice.contract_code, SettlementPrice.limit_lock).where(
            SettlementPrice.trading_day == day, SettlementPrice.limit_lock != "none"
        )
    ).all()
    out: dict[str, tuple[str, int]] = {}
    for code, direction in locked:
        history = session.execute(
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


def read_day_inputs(
    session: Session,
    day: date,
    prev_day: date,
    payment_match_day: date | None,
    *,
    prior_base_day: date | None = None,
) -> DayInputs:
    """Read the inputs of trading ``day`` (prior day ``prev_day``).

    ``payment_match_day`` is the day whose delivery matches are paid on ``day`` (None:
    no delivery payments); ``prior_base_day`` = prev_td(prev_day), whose prices were
    the receipt base of the prior settlement (None: not read). Raises nothing for
    missing data: the settlement validates; KeyError only for a code that is in no
    reference table (a broken foreign key).
    """
    contracts = read_contracts(session)
    k_index = pd.Index([c.code for c in contracts])
    products = sorted({c.product for c in contracts})
    p_pos = {p: i for i, p in enumerate(products)}
    product_of_contract = np.array([p_pos[c.product] for c in contracts], dtype=np.int64)

    member_rows = session.execute(
        select(Member.code, Member.min_reserve_fen).order_by(Member.code)
    ).all()
    members = [r[0] for r in member_rows]
    m_index = pd.Index(members)
    c_codes, c_members = fetch_fast(
        session, select(Client.code, Client.member_code).order_by(Client.code), ("str", "str")
    )
    c_codes = [str(c) for c in c_codes]
    c_index = pd.Index(c_codes)

    def prices(d: date | None, column: Any = SettlementPrice.settlement_fen) -> I64:
        out = np.full(len(contracts), -1, dtype=np.int64)
        if d is None:
            return out
        rows = session.execute(
            select(SettlementPrice.contract_code, column).where(
                SettlementPrice.trading_day == d, column.is_not(None)
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
        clients=c_codes,
        client_member=_codes_to_index([str(m) for m in c_members], m_index),
        prior_balance_fen=np.zeros(len(c_codes), dtype=np.int64),
        has_prior_balance=np.zeros(len(c_codes), dtype=np.bool_),
        prior_reserve={},
        settle_fen=prices(day),
        prior_settle_fen=prices(prev_day),
        prior_base_settle_fen=prices(prior_base_day),
        upper_limit_fen=prices(day, SettlementPrice.upper_limit_fen),
        lower_limit_fen=prices(day, SettlementPrice.lower_limit_fen),
    )

    b_codes, b_fen = fetch_fast(
        session,
        select(ClientBalance.client_code, ClientBalance.balance_fen).where(
            ClientBalance.trading_day == prev_day
        ),
        ("str", "int"),
    )
    inputs.prev_balance_rows = len(b_codes)
    if len(b_codes):
        bi = _codes_to_index([str(c) for c in b_codes], c_index)
        inputs.prior_balance_fen[bi] = np.asarray(b_fen, dtype=np.int64)
        inputs.has_prior_balance[bi] = True

    for r in session.execute(
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

    # The prior day's lines from the shared day book (clients and contracts are sorted
    # code tables there as here, so one searchsorted maps each table).
    book = day_book(session, prev_day)
    inputs.prev_position_rows = len(book)
    if len(book):
        client_map = _codes_to_index(list(book.clients), c_index)
        contract_map = _codes_to_index(list(book.contracts), k_index)
        inputs.pos_client = client_map[book.client]
        inputs.pos_contract = contract_map[book.contract]
        inputs.pos_side = np.asarray(book.side, dtype=np.int64)
        inputs.pos_hedge = np.asarray(book.hedge, dtype=np.bool_)
        inputs.pos_lots = np.asarray(book.lots, dtype=np.int64)
        inputs.pos_open_price_fen = np.asarray(book.open_price_fen, dtype=np.int64)
        inputs.pos_margin_fen = np.asarray(book.margin_fen, dtype=np.int64)

    trades = session.execute(
        select(
            Trade.client_code,
            Trade.contract_code,
            Trade.side,
            Trade.hedge,
            Trade.action,
            Trade.lots,
            Trade.price_fen,
            Trade.fee_fen,
            Trade.trade_no,
            Trade.traded_at,
        )
        .where(Trade.trading_day == day)
        .order_by(Trade.traded_at, Trade.id)
    ).all()
    cols = _columns(trades, 10)
    action_code = {name: i for i, name in enumerate(ACTION_NAMES)}
    inputs.tr_client = _codes_to_index(cols[0], c_index)
    inputs.tr_contract = _codes_to_index(cols[1], k_index)
    inputs.tr_side = side_codes(cols[2])
    inputs.tr_hedge = np.asarray(cols[3], dtype=np.bool_)
    inputs.tr_action = np.array([action_code[a] for a in cols[4]], dtype=np.int64)
    inputs.tr_lots = np.asarray(cols[5], dtype=np.int64)
    inputs.tr_price_fen = np.asarray(cols[6], dtype=np.int64)
    inputs.tr_fee_fen = np.asarray(cols[7], dtype=np.int64)
    inputs.tr_no = [str(n) for n in cols[8]]
    inputs.tr_at_us = np.array([_micros(at) for at in cols[9]], dtype=np.int64)

    funds = session.execute(
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

    quotas = session.execute(
        select(HedgeQuota.client_code, HedgeQuota.contract_code, HedgeQuota.side, HedgeQuota.lots)
        .where(HedgeQuota.period_start == day)
        .order_by(HedgeQuota.id)
    ).all()
    cols = _columns(quotas, 4)
    inputs.hq_client = _codes_to_index(cols[0], c_index)
    inputs.hq_contract = _codes_to_index(cols[1], k_index)
    inputs.hq_side = side_codes(cols[2])
    inputs.hq_lots = np.asarray(cols[3], dtype=np.int64)

    if payment_match_day is not None:
        pays = session.execute(
            select(
                Trade.client_code, Trade.contract_code, Trade.side, Trade.lots, Trade.price_fen
            ).where(Trade.trading_day == payment_match_day, Trade.action == "deliver")
        ).all()
        cols = _columns(pays, 5)
        inputs.pay_client = _codes_to_index(cols[0], c_index)
        inputs.pay_contract = _codes_to_index(cols[1], k_index)
        inputs.pay_side = side_codes(cols[2])
        inputs.pay_lots = np.asarray(cols[3], dtype=np.int64)
        inputs.pay_price_fen = np.asarray(cols[4], dtype=np.int64)

    inputs.receipts = [
        LodgedReceipt(*r)
        for r in session.execute(
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
    inputs.adjustments = read_adjustments(session, day)
    inputs.limit_lock_runs = limit_lock_runs(session, day)
    inputs.prior_limit_lock_runs = limit_lock_runs(session, prev_day)
    return inputs


def read_live_day(session: Session, day: date, cal: TradingCalendar | None = None) -> DayInputs:
    """The inputs of live trading ``day``: the prior settlement's state, today's trades
    and transfers so far, and the prices that set the pledge quota in force today."""
    cal = cal or default_calendar()
    prev = cal.prev_td(day)
    try:
        prev2: date | None = cal.prev_td(prev)
    except CalendarHorizonError:
        prev2 = None
    return read_day_inputs(session, day, prev, None, prior_base_day=prev2)
