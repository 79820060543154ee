"""Reads of what past settlements stored: settled days, one day's figures and statements.

Read use cases (``Reader`` in, values out) behind the settlement screen and
``riskdesk statement``; the queries are ``core.db.settlement_queries``, the statements
``core.reports.statements``. Times are UTC ``datetime`` values as stored: local text
is the front end's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.db import settlement_queries as sq
from core.db.reader import Reader
from core.db.settlement_queries import (
    FIND_LIMIT,
    ClientList,
    DaySummary,
    SettlementOverview,
    summary_of_run,
)
from core.reports import statements
from core.reports.statements import ClientStatement, MemberStatement

__all__ = [
    "FIND_LIMIT",
    "ClientList",
    "ClientStatement",
    "DaySummary",
    "DayView",
    "MemberStatement",
    "SettlementOverview",
    "client_statement",
    "member_statement",
    "settled_day",
    "settlement_overview",
    "summary_of_run",
]


@dataclass(frozen=True)
class DayView:
    """A day's stored summary and member statements (summary None: not settled)."""

    day: date
    summary: DaySummary | None
    statements: tuple[MemberStatement, ...]


def settlement_overview(reader: Reader) -> SettlementOverview:
    """Settled days (newest first), the default day to settle and the client list."""
    return sq.settlement_overview(reader.session)


def settled_day(reader: Reader, day: date) -> DayView:
    """The stored figures and member statements of ``day`` (summary None: not settled)."""
    summary = sq.day_summary(reader.session, day)
    if summary is None:
        return DayView(day, None, ())
    members = tuple(member_statement(reader, m.member_code, day) for m in summary.members)
    return DayView(day, summary, members)


def client_statement(reader: Reader, client_code: str, day: date) -> ClientStatement:
    """A client's statement of a settled day (spec 2.d); InputError when unknown or
    not settled (``core.reports.statements.client_statement``)."""
    return statements.client_statement(reader.session, client_code, day)


def member_statement(reader: Reader, member_code: str | None, day: date) -> MemberStatement:
    """A member's exchange-view statement of a settled day (spec 2.d; the only member
    when ``member_code`` is None); InputError when unknown or not settled."""
    return statements.member_statement(reader.session, member_code, day)
