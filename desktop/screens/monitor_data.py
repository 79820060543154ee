"""What the live monitor loads on a worker thread before its feed starts.

``load_monitor_start`` reads the day's start state (``load_day_inputs``), builds the
``LiveRiskEngine`` and its first snapshot, the reference values the tables show
(client names, products) and the feed source. Everything it returns is handed over
to the GUI thread and then to the feed thread; no Session or ORM object escapes. A
database without positions (a new install) gives None: the screen shows a hint then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import queries
from core.db import risk_queries as rq
from core.db.columnar import fetch_fast
from core.db.day_inputs import read_live_day
from core.db.tables import Client, Contract, Member
from core.errors import InputError, RiskDeskError
from core.live import (
    FeedSource,
    LiveRiskEngine,
    LiveSettings,
    ReplaySource,
    RiskSnapshot,
    SimulatedMarket,
)
from core.live.alert_table import AlertRow
from core.live.alerts import Alert, AlertMonitor, AlertSettings
from core.live.feed import Clock
from core.rules.position_limits import Party, limit_period, position_limit
from core.trading_calendar import default_calendar
from desktop.models.snapshot_table import LiveStatic

log = logging.getLogger(__name__)

BASE_EVENTS_PER_SECOND = 200.0
"""Simulated events per second at speed 1×."""


@dataclass(frozen=True)
class SourceChoice:
    """The feed the user picked in the toolbar."""

    kind: str = "simulated"  # or "replay"
    seed: int = 1
    speed: float | None = 1.0  # None: replay as fast as possible
    ticks_path: Path | None = None
    trades_path: Path | None = None


@dataclass(frozen=True)
class MonitorStart:
    """The live day, ready to run: engine, first snapshot, reference values, source."""

    day: date
    base_day: date
    member_code: str | None
    engine: LiveRiskEngine
    first: RiskSnapshot
    static: LiveStatic
    source: FeedSource
    alert_id_offset: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)
    alerts: AlertMonitor | None = None
    """The day's alert monitor, already past ``first`` (its alerts in ``first_alerts``):
    the first evaluation looks at every row, so it runs here on the worker."""
    first_alerts: tuple[Alert, ...] = ()


def _position_limits(session: Session, base_day: date) -> dict[str, int]:
    """Client speculative limits per contract (spec 2.g) at ``base_day``'s open interest.

    Best effort: contracts without limit data or outside the calendar are skipped.
    """
    cal = default_calendar()
    limits: dict[str, int] = {}
    prices = rq.day_prices_frame(session, base_day)
    for code, product, oi, month in zip(
        prices["contract_code"],
        prices["product_code"],
        prices["open_interest"],
        prices["delivery_month"],
        strict=True,
    ):
        try:
            period = limit_period(base_day, month.year, month.month, cal)
            lookup = position_limit(str(product), period, Party.CLIENT, int(oi))
        except (RiskDeskError, ValueError):
            continue
        if lookup.limit is not None:
            limits[str(code)] = int(lookup.limit)
    return limits


def build_source(
    choice: SourceChoice, engine: LiveRiskEngine, first: RiskSnapshot, clock: Clock
) -> FeedSource:
    """The feed source of ``choice`` over ``engine``'s contracts; InputError on bad files."""
    if choice.kind == "replay":
        if choice.ticks_path is None:
            raise InputError("choose a ticks.csv file to replay")
        return ReplaySource.from_csv(
            choice.ticks_path,
            choice.trades_path,
            engine.contracts,
            clock=clock,
            speed=choice.speed,
        )
    return SimulatedMarket.from_snapshot(
        engine.contracts,
        first,
        seed=choice.seed,
        clock=clock,
        events_per_second=BASE_EVENTS_PER_SECOND * (choice.speed or 10.0),
    )


def load_monitor_start(
    session: Session,
    *,
    engine_clock: Clock,
    source_clock: Clock,
    choice: SourceChoice,
    settings: LiveSettings | None = None,
    day: date | None = None,
) -> MonitorStart | None:
    """Worker thread: the live day after the last settled day (or ``day``).

    None when the database has no positions to start from (nothing to monitor yet).
    """
    base = queries.latest_trading_day(session, "positions")
    if base is None:
        return None
    cal = default_calendar()
    live_day = day or cal.next_td(base)
    base_day = cal.prev_td(live_day)
    member = session.scalar(
        select(Member.code).where(Member.kind == "brokerage").order_by(Member.code).limit(1)
    )
    engine = LiveRiskEngine.from_day_inputs(
        read_live_day(session, live_day, cal),
        member_code=member,
        position_limits=_position_limits(session, base_day),
        settings=settings or LiveSettings(),
        clock=engine_clock,
    )
    first = engine.snapshot()
    name_stmt = select(Client.code, Client.name)
    codes, client_names = fetch_fast(session, name_stmt, ("str", "str"))
    names = dict(zip(codes, client_names, strict=True))  # no ORM row objects
    products = {
        str(c): str(p) for c, p in session.execute(select(Contract.code, Contract.product_code))
    }
    static = LiveStatic.build(
        engine.account_codes, names, [c.code for c in engine.contracts], products
    )
    offset = session.scalar(
        select(func.max(AlertRow.alert_id)).where(AlertRow.trading_day == live_day)
    )
    source = build_source(choice, engine, first, source_clock)
    alerts = AlertMonitor(AlertSettings())
    first_alerts = tuple(alerts.evaluate(first))
    return MonitorStart(
        day=live_day,
        base_day=base_day,
        member_code=member,
        engine=engine,
        first=first,
        static=static,
        source=source,
        alert_id_offset=int(offset or 0),
        alerts=alerts,
        first_alerts=first_alerts,
    )
