"""Presentation of the settlement and imports reads: stored times as local text.

The reads themselves are services (``core.services.settlement_history``,
``core.services.imports.recent_imports``). The helpers here only turn their
``datetime`` values (UTC as stored; naive ones are UTC) into the local-time text the
tables show, and bundle what a screen shows first into one worker job. Plain values in
and out: they run on the worker thread with the read (STYLE B6).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import pandas as pd

from core.services.imports import recent_imports
from core.services.settlement_history import (
    DaySummary,
    DayView,
    SettlementOverview,
    settled_day,
    settlement_overview,
)
from core.services.store import Reader

SETTLED_AT_PATTERN = "%m-%d %H:%M"
"""Short: the year is the trading day's (the settled-days table is narrow)."""


def local_text(at: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """``at`` in local time as ``pattern`` ("" when unknown)."""
    if at is None:
        return ""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone().strftime(pattern)


def _times_as_text(frame: pd.DataFrame, column: str, pattern: str) -> pd.DataFrame:
    return frame.assign(**{column: [local_text(at, pattern) for at in frame[column]]})


def overview_for_display(overview: SettlementOverview) -> SettlementOverview:
    """``overview`` with its ``settled_at`` column as short local text."""
    settled = _times_as_text(overview.settled, "settled_at", SETTLED_AT_PATTERN)
    return replace(overview, settled=settled)


def load_overview(reader: Reader) -> SettlementOverview:
    """Worker: ``settlement_overview`` with times as local text (the screen's query)."""
    return overview_for_display(settlement_overview(reader))


@dataclass(frozen=True)
class SettlementLoad:
    """What the settlement screen shows first: the overview and one day's results."""

    overview: SettlementOverview
    view: DayView | None
    """The stored results of the day asked for, else of the overview's default day
    (None when there is no day at all)."""


def load_settlement(reader: Reader, day: date | None) -> SettlementLoad:
    """Worker: ``load_overview`` and the results of ``day`` (None: the default day) in one
    job, so that the screen does not wait for a second worker round trip."""
    overview = load_overview(reader)
    shown = day or overview.default_day
    return SettlementLoad(overview, settled_day(reader, shown) if shown else None)


def load_recent_imports(reader: Reader) -> pd.DataFrame:
    """Worker: ``recent_imports`` with ``imported_at`` as local text (the screen's query)."""
    return _times_as_text(recent_imports(reader), "imported_at", "%Y-%m-%d %H:%M")


def settled_at_text(summary: DaySummary) -> str:
    """When the day was settled, local time ("" when unknown)."""
    return local_text(summary.settled_at)
