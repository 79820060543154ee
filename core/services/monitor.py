"""Starting the live monitor: the day's start state, the engine, its first snapshot, the
day's alert monitor and the feed source (a read use case).

``start_monitor`` reads the live day's start state (``core.db.day_inputs.read_live_day``:
the same ``DayInputs`` the daily settlement of that day reads), builds the
``LiveRiskEngine`` and its first snapshot, the reference
values the tables show (client names, products) and the feed source. Everything it
returns is handed to the GUI thread and then to the feed thread; no Session or ORM
object escapes. A database without positions (a new install) gives None.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from core.db import queries
from core.db import risk_queries as rq
from core.db.day_inputs import read_live_day
from core.db.engine import Database
from core.db.live_events import has_events
from core.db.reader import Reader
from core.demo import DEMO_MEMBER_CODE
from core.demo.writer import has_demo_rows
from core.errors import InputError, RiskDeskError
from core.live import (
    FeedSource,
    LiveRiskEngine,
    LiveSettings,
    ReplaySource,
    RiskSnapshot,
    SimulatedMarket,
)
from core.live.alerts import Alert, AlertMonitor, AlertSettings
from core.live.feed import Clock
from core.rules.position_limits import Party, limit_period, position_limit
from core.services.alerts import last_alert_id
from core.services.book_alerts import BookAlerts, read_book_alerts
from core.services.live_feed import BookFeedSource, start_from_snapshot
from core.trading_calendar import default_calendar

BASE_EVENTS_PER_SECOND = 200.0
"""Simulated events per second at speed 1×."""


@dataclass(frozen=True)
class SourceChoice:
    """The feed the user picked: a simulated market or a replay of ticks (and trades)."""

    kind: str = "simulated"
    """Or "replay", or "book" (the book's shared feed, issue #14), or "auto": the book's
    feed when a feed process has published events of the live day, else simulated (what
    a desk opens with until the user picks)."""
    seed: int = 1
    speed: float | None = 1.0  # None: replay as fast as possible
    ticks_path: Path | None = None
    trades_path: Path | None = None


@dataclass(frozen=True)
class MonitorRequest:
    """The clocks of the engine and of the feed, the feed, the live settings and the
    live day (None: the trading day after the last day with positions)."""

    engine_clock: Clock
    source_clock: Clock
    choice: SourceChoice = field(default_factory=SourceChoice)
    settings: LiveSettings | None = None
    day: date | None = None
    book: Database | None = None
    """The open book, for ``choice.kind == "book"`` (its event log is the feed)."""
    book_snapshot: bool = True
    """Following the book: start from its newest engine snapshot (False: from seq 0)."""


@dataclass(frozen=True)
class MonitorStart:
    """The live day, ready to run: engine, first snapshot, reference values, source.

    ``client_names`` and ``contract_products`` by code; ``alert_id_offset``: the alert
    ids already stored for the day (``core.services.alerts.store_alerts``); ``alerts``:
    the day's alert monitor, already past ``first`` (its alerts in ``first_alerts``):
    the first evaluation looks at every row, so it runs on the worker too.
    """

    day: date
    base_day: date
    member_code: str | None
    engine: LiveRiskEngine
    first: RiskSnapshot
    client_names: dict[str, str]
    contract_products: dict[str, str]
    source: FeedSource
    alert_id_offset: int = 0
    alerts: AlertMonitor | None = None
    first_alerts: tuple[Alert, ...] = ()
    demo: bool = False
    """The database holds the demo data set: the simulator's own controls (its seed)
    are shown only then."""
    shared_alerts: BookAlerts | None = None
    """Following the book's shared feed: the book's alerts so far (raised once by the
    feed process, ``core.services.book_alerts``); the desk raises none of its own."""
    snapshot_seq: int | None = None
    """Following the book from its engine snapshot at this ``seq`` (None: from 0)."""
    source_kind: str = "simulated"
    """The feed used ("simulated", "replay" or "book"; an "auto" choice resolved)."""


def start_monitor(reader: Reader, request: MonitorRequest) -> MonitorStart | None:
    """The live day after the last day with positions (or ``request.day``); None when
    the database has no positions to start from. Raises InputError for a bad replay
    file or a position without a prior settlement price. Worker thread."""
    session = reader.session
    base = queries.latest_trading_day(session, "positions")
    if base is None:
        return None
    cal = default_calendar()
    live_day = request.day or cal.next_td(base)
    base_day = cal.prev_td(live_day)
    member = queries.first_brokerage_member(session)
    engine = LiveRiskEngine.from_day_inputs(
        read_live_day(session, live_day, cal),
        member_code=member,
        position_limits=_position_limits(reader, base_day),
        settings=request.settings or LiveSettings(),
        clock=request.engine_clock,
    )
    shared: BookAlerts | None = None
    snapshot_seq: int | None = None
    # The engine's own RiskLevels: the alerts re-arm at the thresholds that classified
    # the snapshot's levels, so the two cannot differ.
    alerts = AlertMonitor(engine.settings.risk_levels, AlertSettings())
    choice = request.choice
    if choice.kind == "auto":
        # the book's shared feed once a feed process publishes the day (issue #14)
        follow = request.book is not None and has_events(session.connection(), live_day)
        choice = replace(choice, kind="book" if follow else "simulated")
    if choice.kind == "book":
        if request.book is None:
            raise InputError("the book's shared feed needs the open book")
        book_source = BookFeedSource(request.book, live_day, engine.contracts)
        if request.book_snapshot:
            snapshot_seq = start_from_snapshot(request.book, live_day, engine, book_source)
        source: FeedSource = book_source
        first = engine.snapshot()
        # the book's alerts, not this desk's: the monitor only mirrors them
        shared = read_book_alerts(reader, live_day)
        first_alerts: tuple[Alert, ...] = ()
    else:
        first = engine.snapshot()
        source = build_source(choice, engine, first, request.source_clock)
        first_alerts = tuple(alerts.evaluate(first))
    return MonitorStart(
        day=live_day,
        base_day=base_day,
        member_code=member,
        engine=engine,
        first=first,
        client_names=queries.client_names(session),
        contract_products=queries.contract_products(session),
        source=source,
        alert_id_offset=last_alert_id(reader, live_day),
        alerts=alerts,
        first_alerts=first_alerts,
        demo=has_demo_rows(session.connection(), DEMO_MEMBER_CODE),
        shared_alerts=shared,
        snapshot_seq=snapshot_seq,
        source_kind=choice.kind,
    )


def _position_limits(reader: Reader, base_day: date) -> dict[str, int]:
    """Client speculative limits per contract (spec 2.g) at ``base_day``'s open interest.

    Best effort: contracts without limit data or outside the calendar are skipped.
    """
    cal = default_calendar()
    limits: dict[str, int] = {}
    prices = rq.day_prices_frame(reader.session, base_day)
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
