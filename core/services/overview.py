"""Read of the Overview: the member's key figures of the last day and the accounts most
at risk; and whether the database is still empty (a new install)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.db import queries
from core.db.queries import OverviewSummary
from core.db.reader import Reader

__all__ = ["Overview", "OverviewSummary", "is_database_empty", "overview"]


@dataclass(frozen=True)
class Overview:
    """``summary`` of the last balance day (``queries.OverviewSummary``); ``at_risk``:
    the accounts with the highest risk ratio (``queries.at_risk_accounts``);
    ``members`` (``queries.members_frame``); ``locked``: contracts closing at the limit
    on the last price day; ``empty``: no client and no position at all."""

    summary: OverviewSummary
    at_risk: pd.DataFrame
    members: pd.DataFrame
    locked: pd.DataFrame
    empty: bool = False


def overview(reader: Reader, at_risk_limit: int) -> Overview:
    """The Overview of the last day with balances (else of the last day with any data)."""
    session = reader.session
    day = queries.latest_trading_day(session, "balances") or queries.latest_trading_day(session)
    return Overview(
        summary=queries.overview_summary(session, day),
        at_risk=queries.at_risk_accounts(session, day, at_risk_limit),
        members=queries.members_frame(session, day),
        locked=queries.limit_locked_contracts(
            session, queries.latest_trading_day(session, "prices")
        ),
        empty=queries.holds_no_book(session),
    )


def is_database_empty(reader: Reader) -> bool:
    """True when the database holds no client and no position: nothing to show yet."""
    return queries.holds_no_book(reader.session)
