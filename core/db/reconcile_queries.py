"""Bulk reads of RiskDesk's stored settlement for a reconciliation (issue #15).

The day's client balances (the account summary the settlement stored), client names,
the members' reserve rows, and the fund movements of nearby days (to tell a deposit
booked on another day). Columns, not ORM objects; one query each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.columnar import fetch_fast
from core.db.tables import Client, ClientBalance, Contract, FundMovement, Member, ReserveHistory

Ints = npt.NDArray[np.int64]

BALANCE_FIELDS = (
    "balance_fen",
    "deposits_fen",
    "withdrawals_fen",
    "close_pnl_fen",
    "position_pnl_fen",
    "fees_fen",
    "waived_fen",
    "delivery_fen",
    "margin_fen",
    "offset_fen",
    "available_fen",
    "margin_call_fen",
)


@dataclass(frozen=True)
class StoredBalances:
    """``client_balance`` rows of one day: client codes and one int64 array per field."""

    clients: tuple[str, ...]
    values: dict[str, Ints]


def stored_balances(session: Session, day: date) -> StoredBalances:
    """Every client's stored settlement of ``day`` (client code order)."""
    cols = [getattr(ClientBalance, f) for f in BALANCE_FIELDS]
    stmt = (
        select(ClientBalance.client_code, *cols)
        .where(ClientBalance.trading_day == day)
        .order_by(ClientBalance.client_code)
    )
    fetched = fetch_fast(session, stmt, ("str", *("int",) * len(cols)))
    clients = tuple(str(c) for c in fetched[0])
    values = {
        f: np.asarray(v, dtype=np.int64) for f, v in zip(BALANCE_FIELDS, fetched[1:], strict=True)
    }
    return StoredBalances(clients, values)


def settled_days(session: Session) -> list[date]:
    """Days with a stored client settlement, oldest first."""
    rows = session.execute(
        select(ReserveHistory.trading_day).distinct().order_by(ReserveHistory.trading_day)
    ).scalars()
    return list(rows)


def client_names(session: Session, codes: list[str] | None = None) -> dict[str, str]:
    """Client code → name (every client, or those of ``codes``)."""
    stmt = select(Client.code, Client.name)
    if codes is not None and len(codes) < 1000:
        stmt = stmt.where(Client.code.in_(codes))
    return {str(c): str(n) for c, n in session.execute(stmt).all()}


def firm_name(session: Session) -> str:
    """The name of the (first) member: the firm a client statement is printed by."""
    name = session.execute(select(Member.name).order_by(Member.code).limit(1)).scalar()
    return str(name or "")


def movements_between(
    session: Session, clients: list[str], first: date, last: date
) -> list[tuple[str, date, str, int]]:
    """(client, day, kind, amount fen) of the clients' fund movements from ``first`` to
    ``last`` (a handful of clients: those with a deposit difference)."""
    if not clients:
        return []
    out: list[tuple[str, date, str, int]] = []
    for i in range(0, len(clients), 500):
        chunk = clients[i : i + 500]
        rows = session.execute(
            select(
                FundMovement.client_code,
                FundMovement.trading_day,
                FundMovement.kind,
                FundMovement.amount_fen,
            ).where(
                FundMovement.client_code.in_(chunk),
                FundMovement.trading_day.between(first, last),
            )
        ).all()
        out.extend((str(c), d, str(k), int(a)) for c, d, k, a in rows)
    return out


def reserve_row(session: Session, member: str, day: date) -> ReserveHistory | None:
    """The member's stored reserve row of ``day`` (detached values are read at once)."""
    return session.get(ReserveHistory, (member, day))


RESERVE_FIELDS = (
    "reserve_fen",
    "margin_fen",
    "offset_fen",
    "cash_fen",
    "close_pnl_fen",
    "position_pnl_fen",
    "fees_fen",
    "waived_fen",
    "deposits_fen",
    "withdrawals_fen",
    "delivery_fen",
    "margin_call_fen",
)


def stored_reserves(session: Session, day: date) -> dict[str, dict[str, int]]:
    """Every member's stored settlement of ``day`` (``reserve_history``): member code →
    field (``RESERVE_FIELDS``) → fen."""
    cols = [getattr(ReserveHistory, f) for f in RESERVE_FIELDS]
    rows = session.execute(
        select(ReserveHistory.member_code, *cols).where(ReserveHistory.trading_day == day)
    ).all()
    return {
        str(r[0]): {f: int(v) for f, v in zip(RESERVE_FIELDS, r[1:], strict=True)} for r in rows
    }


def member_names(session: Session) -> dict[str, str]:
    """Member code → name."""
    return {str(c): str(n) for c, n in session.execute(select(Member.code, Member.name)).all()}


def contract_codes(session: Session) -> frozenset[str]:
    """Every contract code RiskDesk knows (a statement's line of another is refused)."""
    return frozenset(str(c) for c in session.execute(select(Contract.code)).scalars())
