"""Reads of one trading day's stored tables: accounts, positions, settlement prices.

Read use cases (``Reader`` in, values out): each gives the latest day holding that kind
of data and its rows as a DataFrame (columns: ``core.db.queries``). ``warm_up`` reads
the latest position book into the database's cache so that the first screen over
positions opens from memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from core.db import queries
from core.db.day_book import prefetch
from core.db.queries import DayKind
from core.db.reader import Reader
from core.trading_calendar import default_calendar

__all__ = [
    "DayTable",
    "accounts_table",
    "latest_day",
    "positions_table",
    "prices_table",
    "warm_up",
]


@dataclass(frozen=True)
class DayTable:
    """The trading day shown (None: no data yet) and its rows."""

    day: date | None
    frame: pd.DataFrame


def latest_day(reader: Reader, of: DayKind | None = None) -> date | None:
    """The last trading day with balances, positions or prices (``of``), or with any."""
    return queries.latest_trading_day(reader.session, of)


def accounts_table(reader: Reader) -> DayTable:
    """Client balances of the last day with balances (``queries.accounts_frame``)."""
    day = latest_day(reader, "balances")
    return DayTable(day, queries.accounts_frame(reader.session, day))


def positions_table(reader: Reader) -> DayTable:
    """Position lines of the last day with positions (``queries.positions_frame``)."""
    day = latest_day(reader, "positions")
    return DayTable(day, queries.positions_frame(reader.session, day))


def prices_table(reader: Reader) -> DayTable:
    """Settlement prices of the last day with prices (``queries.settlement_prices_frame``)."""
    day = latest_day(reader, "prices")
    return DayTable(day, queries.settlement_prices_frame(reader.session, day))


def warm_up(reader: Reader) -> date | None:
    """Read the latest position day's book into the database's cache (``core.db.
    day_book``) and build the trading calendar; that day, None without positions."""
    day = prefetch(reader.session)
    default_calendar()
    return day
