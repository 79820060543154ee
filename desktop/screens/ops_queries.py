"""Reads of the settlement screen: settled days with who ran them, the day to settle next,
and a settled day's stored figures. Worker thread; plain values only (STYLE B6).

These are typed reads in the manner of ``core/db/queries.py`` and belong there; they live
here until that module's owner takes them. Totals are SQL aggregates of stored rows: the
screen shows them and computes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.audit import AuditEntry, recent
from core.db.tables import (
    Client,
    ClientBalance,
    ImportBatch,
    Member,
    ReserveHistory,
    SettlementPrice,
)
from core.errors import CalendarHorizonError
from core.reports.statements import MemberStatement, member_statement
from core.services.settlement import AUDIT_ACTION, SettlementRun
from core.trading_calendar import default_calendar

AUDIT_LIMIT = 2_000
"""Settlement audit entries read to find who ran each day (newest first)."""


@dataclass(frozen=True)
class MemberFigures:
    """One member's stored reserve figures of a settled day (fen)."""

    member_code: str
    reserve_fen: int
    margin_fen: int
    margin_call_fen: int
    min_reserve_fen: int
    opening_banned: bool
    transfer_restricted: bool


@dataclass(frozen=True)
class DaySummary:
    """The headline figures of a settled day, as stored (or as a run returned them)."""

    day: date
    clients_settled: int
    total_margin_fen: int
    margin_calls: int
    members: tuple[MemberFigures, ...]
    settled_by: str
    settled_at: datetime | None

    @property
    def reserve_fen(self) -> int | None:
        """The ending reserve when exactly one member settled (the usual member firm)."""
        return self.members[0].reserve_fen if len(self.members) == 1 else None

    @property
    def banned_members(self) -> tuple[str, ...]:
        return tuple(m.member_code for m in self.members if m.opening_banned)


@dataclass(frozen=True)
class SettlementOverview:
    """What the settlement screen shows before the user picks anything."""

    settled: pd.DataFrame
    """One row per (day, member): trading_day, member_code, reserve_fen, margin_fen,
    margin_call_fen, opening_banned, settled_by, settled_at (text, local time)."""
    latest_settled: date | None
    next_day: date | None
    """The trading day after the latest settled one, when its prices are loaded."""
    default_day: date | None
    clients: tuple[tuple[str, str], ...]
    """(code, name) of every client, by code."""


@dataclass(frozen=True)
class DayView:
    """A day's stored summary and member statements (None when it is not settled)."""

    day: date
    summary: DaySummary | None
    statements: tuple[MemberStatement, ...]


def _local_text(at: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    if at is None:
        return ""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone().strftime(pattern)


def _runs_by_day(session: Session) -> dict[date, AuditEntry]:
    """The newest ``settlement.run`` audit entry of each day."""
    runs: dict[date, AuditEntry] = {}
    for entry in recent(session, AUDIT_LIMIT, AUDIT_ACTION):
        detail = entry.detail_data()
        if not isinstance(detail, dict) or "day" not in detail:
            continue
        try:
            day = date.fromisoformat(str(detail["day"]))
        except ValueError:
            continue
        runs.setdefault(day, entry)
    return runs


def load_overview(session: Session) -> SettlementOverview:
    """Settled days (newest first), the default day to settle and the client list."""
    runs = _runs_by_day(session)
    rows = session.execute(
        select(
            ReserveHistory.trading_day,
            ReserveHistory.member_code,
            ReserveHistory.reserve_fen,
            ReserveHistory.margin_fen,
            ReserveHistory.margin_call_fen,
            ReserveHistory.opening_banned,
            ReserveHistory.settled_at,
        ).order_by(ReserveHistory.trading_day.desc(), ReserveHistory.member_code)
    ).all()
    records = []
    for day, member, reserve, margin, call, banned, settled_at in rows:
        run = runs.get(day)
        records.append(
            {
                "trading_day": day,
                "member_code": member,
                "reserve_fen": int(reserve),
                "margin_fen": int(margin),
                "margin_call_fen": int(call),
                "opening_banned": bool(banned),
                "settled_by": run.user if run else "",
                # short: the year is the trading day's (the table is narrow)
                "settled_at": _local_text(run.at if run else settled_at, "%m-%d %H:%M"),
            }
        )
    columns = [
        "trading_day",
        "member_code",
        "reserve_fen",
        "margin_fen",
        "margin_call_fen",
        "opening_banned",
        "settled_by",
        "settled_at",
    ]
    frame = pd.DataFrame.from_records(records, columns=columns)
    latest = rows[0][0] if rows else None
    next_day = _next_day(session, latest)
    default_day = (
        next_day or latest or session.scalar(select(func.max(SettlementPrice.trading_day)))
    )
    clients = tuple(
        (str(code), str(name))
        for code, name in session.execute(select(Client.code, Client.name).order_by(Client.code))
    )
    return SettlementOverview(frame, latest, next_day, default_day, clients)


def _next_day(session: Session, latest: date | None) -> date | None:
    """The trading day after ``latest`` if its settlement prices are in the database."""
    if latest is None:
        return None
    try:
        candidate = default_calendar().next_td(latest)
    except CalendarHorizonError:
        return None
    has_prices = session.scalar(
        select(func.count())
        .select_from(SettlementPrice)
        .where(SettlementPrice.trading_day == candidate)
    )
    return candidate if has_prices else None


def load_day(session: Session, day: date) -> DayView:
    """The stored figures and member statements of ``day`` (summary None: not settled)."""
    members = session.execute(
        select(ReserveHistory, Member.min_reserve_fen)
        .join(Member, Member.code == ReserveHistory.member_code)
        .where(ReserveHistory.trading_day == day)
        .order_by(ReserveHistory.member_code)
    ).all()
    if not members:
        return DayView(day, None, ())
    count, margin, calls = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(ClientBalance.margin_fen), 0),
            func.coalesce(func.sum(case((ClientBalance.margin_call_fen > 0, 1), else_=0)), 0),
        ).where(ClientBalance.trading_day == day)
    ).one()
    run = _runs_by_day(session).get(day)
    figures = tuple(
        MemberFigures(
            r.member_code,
            r.reserve_fen,
            r.margin_fen,
            r.margin_call_fen,
            int(minimum),
            r.opening_banned,
            r.transfer_restricted,
        )
        for r, minimum in members
    )
    summary = DaySummary(
        day=day,
        clients_settled=int(count),
        total_margin_fen=int(margin),
        margin_calls=int(calls),
        members=figures,
        settled_by=run.user if run else "",
        settled_at=run.at if run else members[0][0].settled_at,
    )
    statements = tuple(member_statement(session, f.member_code, day) for f in figures)
    return DayView(day, summary, statements)


def summary_of_run(run: SettlementRun, user: str, at: datetime) -> DaySummary:
    """The headline figures a settlement run returned (shown before the reload)."""
    return DaySummary(
        day=run.day,
        clients_settled=run.clients_settled,
        total_margin_fen=run.total_client_margin_fen,
        margin_calls=run.client_margin_calls,
        members=tuple(
            MemberFigures(
                m.member_code,
                m.reserve_fen,
                m.margin_fen,
                m.margin_call_fen,
                m.min_reserve_fen,
                m.opening_banned,
                m.transfer_restricted,
            )
            for m in run.members
        ),
        settled_by=user,
        settled_at=at,
    )


def settled_at_text(summary: DaySummary) -> str:
    """When the day was settled, local time ("" when unknown)."""
    return _local_text(summary.settled_at)


RECENT_IMPORTS = 200


def load_recent_imports(session: Session, limit: int = RECENT_IMPORTS) -> pd.DataFrame:
    """The newest import batches: imported_at (local text), kind, file_name, rows,
    inserted, updated, user."""
    rows = session.execute(
        select(
            ImportBatch.imported_at,
            ImportBatch.kind,
            ImportBatch.file_name,
            ImportBatch.rows,
            ImportBatch.inserted,
            ImportBatch.updated,
            ImportBatch.user,
        )
        .order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc())
        .limit(limit)
    ).all()
    columns = ["imported_at", "kind", "file_name", "rows", "inserted", "updated", "user"]
    records = [
        (_local_text(at), kind, name, n, inserted, updated, user)
        for at, kind, name, n, inserted, updated, user in rows
    ]
    return pd.DataFrame.from_records(records, columns=columns)
