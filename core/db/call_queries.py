"""Bulk reads for margin calls and client forced closes (``core.services.calls``,
``core.services.forced_close``): one SELECT per call, column-wise (100,000 clients
without a Row object each, ``core.db.columnar``). Money in int64 fen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.columnar import fetch_fast, frame_from
from core.db.tables import Client, ClientBalance

BALANCE_COLUMNS = {
    "client_code": "str",
    "client_name": "str",
    "member_code": "str",
    "balance_fen": "int64",
    "margin_fen": "int64",
    "offset_fen": "int64",
    "available_fen": "int64",
    "margin_call_fen": "int64",
}


def latest_balance_day(session: Session) -> date | None:
    """The last trading day with stored client balances (the last settled day)."""
    return session.scalar(select(func.max(ClientBalance.trading_day)))


def balance_days(session: Session, limit: int = 250) -> list[date]:
    """The last ``limit`` trading days with stored client balances (the settled days),
    newest first. One index probe per day (a skip scan): a DISTINCT would read every
    balance row's index entry, 100,000 a day on the large demo."""
    days: list[date] = []
    day = latest_balance_day(session)
    while day is not None and len(days) < limit:
        days.append(day)
        day = session.scalar(
            select(func.max(ClientBalance.trading_day)).where(ClientBalance.trading_day < day)
        )
    return days


def is_settled(session: Session, day: date) -> bool:
    """Does ``day`` have stored client balances (was it settled)?"""
    row = select(ClientBalance.client_code).where(ClientBalance.trading_day == day).limit(1)
    return session.scalar(row) is not None


def client_balances(
    session: Session,
    day: date,
    *,
    clients: Sequence[str] | None = None,
    short_only: bool = False,
) -> pd.DataFrame:
    """Every client's stored balance after the settlement of ``day`` (columns
    ``BALANCE_COLUMNS``; balance = 当日结存, available and margin_call as settled), by
    client code; empty with these columns when the day has none. ``clients``: only
    those; ``short_only``: only clients with available funds below zero (a forced
    close of every due client reads a few thousand rows, not every client)."""
    stmt = (
        select(
            Client.code,
            Client.name,
            Client.member_code,
            ClientBalance.balance_fen,
            ClientBalance.margin_fen,
            ClientBalance.offset_fen,
            ClientBalance.available_fen,
            ClientBalance.margin_call_fen,
        )
        .join(ClientBalance, ClientBalance.client_code == Client.code)
        .where(ClientBalance.trading_day == day)
        .order_by(Client.code)
    )
    if clients is not None:
        stmt = stmt.where(Client.code.in_(list(clients)))
    if short_only:
        stmt = stmt.where(ClientBalance.available_fen < 0)
    kinds = ("str", "str", "str", "int", "int", "int", "int", "int")
    columns = fetch_fast(session, stmt, kinds)
    if not len(columns[0]):
        columns = [np.zeros(0, np.int64) if k == "int" else [] for k in kinds]
    return frame_from(columns, BALANCE_COLUMNS)
