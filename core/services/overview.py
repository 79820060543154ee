"""Read of the Overview: the member's key figures of the last day and the accounts at
risk; and whether the database is still empty (a new install)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from core.db import queries
from core.db.queries import OverviewSummary
from core.db.reader import Reader
from core.rules.risk_levels import RiskLevels, default_risk_levels
from core.services.calls import CallList, CallRequest, calls_from_accounts

__all__ = ["Overview", "OverviewSummary", "is_database_empty", "overview"]


@dataclass(frozen=True)
class Overview:
    """``summary`` of the last balance day (``queries.OverviewSummary``); ``at_risk``:
    the first ``at_risk_limit`` accounts at warning or worse, most severe first
    (``queries.at_risk_accounts``), of ``at_risk_total`` such accounts (a screen
    showing a slice says so: never a silent top-N); ``members``
    (``queries.members_frame``); ``locked``: contracts closing at the limit on the last
    price day; ``empty``: no client and no position at all; ``risk_levels``: the
    setting the accounts were classified with (its thresholds name the levels);
    ``calls``: the settled call list of the day (``core.services.calls``, the Margin
    calls screen's list under the shipped settings), None without balances."""

    summary: OverviewSummary
    at_risk: pd.DataFrame
    at_risk_total: int
    members: pd.DataFrame
    locked: pd.DataFrame
    empty: bool = False
    risk_levels: RiskLevels = field(default_factory=default_risk_levels)
    calls: CallList | None = None


def overview(reader: Reader, at_risk_limit: int) -> Overview:
    """The Overview of the last day with balances (else of the last day with any data)."""
    session = reader.session
    day = queries.latest_trading_day(session, "balances") or queries.latest_trading_day(session)
    # One read of the day's accounts: the level counts and the at-risk list come from
    # the same rows, so they cannot disagree.
    levels = default_risk_levels()
    accounts = queries.accounts_frame(session, day, levels)
    at_risk = queries.at_risk_accounts(accounts)
    return Overview(
        summary=queries.overview_summary(session, day, accounts),
        at_risk=at_risk.head(at_risk_limit),
        at_risk_total=len(at_risk),
        members=queries.members_frame(session, day),
        locked=queries.limit_locked_contracts(
            session, queries.latest_trading_day(session, "prices")
        ),
        empty=queries.holds_no_book(session),
        risk_levels=levels,
        # the call card: the call list's own computation over the same rows
        calls=None
        if day is None or accounts.empty
        else calls_from_accounts(day, accounts, CallRequest(day=day, levels=levels)),
    )


def is_database_empty(reader: Reader) -> bool:
    """True when the database holds no client and no position: nothing to show yet."""
    return queries.holds_no_book(reader.session)
