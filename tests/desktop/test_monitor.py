"""The live monitor screen on the sample database: loads, renders, alerts, stale feed."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from core.audit import recent
from core.db.alert_table import AlertRow
from core.db.tables import ReserveHistory
from core.live import FakeClock, FeedEvent, FeedStats, LiveRiskEngine, Mailbox, PriceTick
from core.live.feed import Clock
from core.live.snapshot import RiskSnapshot
from core.money import format_yuan
from core.trading_calendar import EXCHANGE_TZ
from desktop.context import DesktopContext
from desktop.feed_runner import FeedRunner, FeedState
from desktop.main_window import MainWindow
from desktop.models.columns import MUTED_BRUSH
from desktop.palette import LEVEL_TINTS
from desktop.screens import monitor as monitor_module
from desktop.screens.monitor import MonitorScreen
from desktop.screens.monitor_alerts import SEVERITY_TINTS
from desktop.widgets.charts import ClockAxis, PriceBandChart, TimeSeriesChart
from tests.desktop.conftest import DAY, FIXED_CLIENTS
from tests.desktop.live_fixtures import engine
from tests.desktop.test_reduction_screen import demo_ctx, demo_template, demo_url

__all__ = ["demo_ctx", "demo_template", "demo_url"]  # fixtures shared with that module

LOAD_TIMEOUT_MS = 20_000


class ScriptedSource:
    """Gives ``events`` on the first poll, then nothing (waits a little in real time)."""

    def __init__(self, events: list[FeedEvent]) -> None:
        self._events = events

    def poll(self, timeout: float, max_items: int) -> list[FeedEvent]:
        out, self._events = self._events[:1], self._events[1:]
        if not out:
            time.sleep(min(timeout, 0.02))
        return out

    def stats(self) -> FeedStats:
        return FeedStats()

    @property
    def is_exhausted(self) -> bool:
        return False


def _feed_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.endswith("feed") and t.is_alive()]


def test_monitor_opens_renders_and_updates(qtbot: Any, ctx: DesktopContext) -> None:
    window = MainWindow(ctx, "monitor")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    screen = window.current_page()
    assert isinstance(screen, MonitorScreen)
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=LOAD_TIMEOUT_MS)
    assert screen.runner is not None
    assert screen.runner.is_alive
    assert screen.accounts_model.rowCount() == 12  # every client of the sample database
    # A firm's own data (not the demo): the simulator's seed is not offered.
    assert not screen.seed_spin.isVisibleTo(screen)
    assert not screen.seed_label.isVisibleTo(screen)
    assert screen.source_combo.isVisibleTo(screen)
    codes = {screen.accounts_model.key_of(r) for r in range(12)}
    assert {c[0] for c in FIXED_CLIENTS} <= codes
    assert screen.positions_model.rowCount() >= 12
    assert screen.equity_chart.point_count() >= 2  # first snapshot + feed updates
    assert "Feed:" in window.live_label.text()
    image = window.grab().toImage()
    assert not image.isNull()
    assert image.width() == 1366
    assert len({image.pixel(x, 400) for x in range(0, 1366, 7)}) > 5  # not a blank page
    screen.select_account("C0004")
    qtbot.waitUntil(lambda: screen.account_chart.point_count() >= 2, timeout=5_000)

    # What the desk reads first is on screen at 1366 px: level and ratio without scrolling.
    keys = [c.key for c in screen.accounts_model.spec.columns]
    assert keys[:6] == [
        "client_code",
        "client_name",
        "risk_level",
        "risk_ratio_ppm",
        "available_fen",
        "dynamic_equity_fen",
    ]
    level, risk = keys.index("risk_level"), keys.index("risk_ratio_ppm")
    view = screen.accounts_view
    assert view.columnViewportPosition(risk) + view.columnWidth(risk) <= view.viewport().width()
    header = view.horizontalHeader()
    assert header.sortIndicatorSection() == level  # worst level first, then the ratio
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    model = screen.accounts_model
    # Rows keep their places while values tick; sorting again orders the current values
    # (no update can come between: the feed reaches the model on this thread's timer).
    view.sortByColumn(level, Qt.SortOrder.DescendingOrder)
    shown = [
        (model.raw_value(r, "risk_level"), model.raw_value(r, "risk_ratio_ppm"))
        for r in range(model.rowCount())
    ]
    assert shown == sorted(shown, reverse=True)
    # Intraday figures, labelled so, with the settled reserve (the Overview's) beside.
    with ctx.db.sessions() as session:
        settled = session.scalar(
            select(ReserveHistory.reserve_fen).where(ReserveHistory.trading_day == DAY)
        )
    equity_line, reserve_line = screen.summary_label.text().splitlines()
    assert equity_line.startswith("Client equity ")
    assert reserve_line.startswith("Reserve, intraday ")
    assert reserve_line.endswith(f" · settled {DAY.isoformat()}: {format_yuan(settled)}")
    # accounts per level beside the tabs, from the snapshot's levels
    counts = np.bincount(screen.accounts_model.frame.snap.accounts["risk_level"], minlength=5)
    text = re.sub(r"<[^>]+>", "", screen.levels_label.text())
    assert text == (
        f"Warning {counts[1]} · Margin call {counts[2]} · Forced close {counts[3]}"
        f" · Deficit {counts[4]}"
    )
    tables, charts = screen.top_splitter.sizes()
    assert tables > charts * 1.3
    # Time axes read as clock times; equity and reserve start at 0 (change since open).
    for chart in (screen.equity_chart, screen.price_chart, screen.account_chart):
        axis = chart.plot_item.getAxis("bottom")
        assert isinstance(axis, ClockAxis)
        assert re.fullmatch(r"\d\d:\d\d:\d\d", axis.tickStrings([1.7e9], 1.0, 1.0)[0])
    assert screen.equity_chart.series(0)[0] == 0.0
    assert screen.equity_chart.series(1)[0] == 0.0
    assert "Client equity" in screen.equity_chart.legend.text()
    assert screen.account_chart.plot_item.getAxis("left").labelText == "Equity (10k CNY)"
    assert screen.account_chart.plot_item.getAxis("right").labelText == "Risk ratio (%)"
    assert screen.account_chart.title.text().startswith("Account C0004 ")
    window.close()
    assert screen.runner is not None
    assert not screen.runner.is_alive
    assert not _feed_threads()


def test_alerts_raise_acknowledge_and_are_stored(qtbot: Any, ctx: DesktopContext) -> None:
    screen = MonitorScreen(ctx, interval_ms=50)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=LOAD_TIMEOUT_MS)
    book = screen.alerts
    accounts = [a.account for a in book.monitor.alerts]
    assert "C0004" in accounts  # risk 125 %: forced close in the sample data
    before = book.unacknowledged_count()
    model = book.model
    newest = model.alert_at(0)
    assert model.index(0, 0).data() != ""
    total = len(book.monitor.alerts)
    label = screen.alerts_panel.count_label
    assert label.text() == f"{before:,} of {total:,} unacknowledged"
    background = Qt.ItemDataRole.BackgroundRole
    tint = (
        LEVEL_TINTS[newest.risk_level]
        if newest.risk_level is not None
        else SEVERITY_TINTS[newest.severity]
    )
    assert model.index(0, 3).data(background) == tint
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) != MUTED_BRUSH
    screen.alerts_panel.set_grouped(False)  # the list, newest first
    screen.alerts_panel.view.selectRow(0)
    screen.alerts_panel.ack_button.click()
    assert book.unacknowledged_count() == before - 1
    assert model.index(0, 4).data() == "tester"
    assert model.index(0, 3).data(background) is None  # acknowledged: greyed, no tint
    assert model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole) == MUTED_BRUSH
    assert label.text() == f"{before - 1:,} of {total:,} unacknowledged"
    times = [model.alert_at(r).at for r in range(model.rowCount())]
    assert times == sorted(times, reverse=True)  # newest first
    assert "Unacknowledged alerts: " + f"{before - 1:,}" in screen.live_status()
    qtbot.waitUntil(lambda: book.writes_in_flight == 0 and ctx.tasks.is_idle, timeout=10_000)
    with ctx.db.sessions() as s:
        row = s.scalars(select(AlertRow).where(AlertRow.alert_id == newest.alert_id)).one()
        assert row.acknowledged_by == "tester"
        assert s.scalar(select(AlertRow.alert_id).where(AlertRow.account == "C0004").limit(1))
        # Through the write door: the stored alerts, then the acknowledgement by its user.
        (ack, *_), stores = recent(s, 1, "alert.acknowledge"), recent(s, 5, "alert.store")
        assert (ack.user, ack.detail_data()["alerts"]) == ("tester", [newest.alert_id])
        assert stores
    screen.close()
    assert not _feed_threads()


def test_stale_feed_is_shown_as_stale(qtbot: Any, ctx: DesktopContext) -> None:
    clock = FakeClock()

    def source(e: LiveRiskEngine, first: RiskSnapshot, c: Clock) -> ScriptedSource:
        code, price = str(first.contracts.keys[0]), int(first.contracts["last_price_fen"][0])
        return ScriptedSource([PriceTick(code, price, clock.now()) for _ in range(3)])

    screen = MonitorScreen(ctx, clock=clock, interval_ms=30, source_override=source)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(
        lambda: screen.is_loaded and screen.feed_state == "running", timeout=LOAD_TIMEOUT_MS
    )
    clock.advance(61)
    qtbot.waitUntil(lambda: screen.feed_state == "stale", timeout=5_000)
    assert "stale" in screen.live_status()
    assert "61 s" in screen.live_status()
    screen.toggle_pause()
    qtbot.waitUntil(lambda: screen.feed_state == "paused", timeout=2_000)
    screen.toggle_stop()
    assert screen.feed_state == "stopped"
    assert not _feed_threads()


def test_feed_runner_applies_batches_and_stops(qtbot: Any) -> None:
    clock = FakeClock()
    e = engine(20, clock)
    mailbox: Mailbox[RiskSnapshot] = Mailbox()
    runner = FeedRunner(ScriptedSource([PriceTick("m2501", 301_000, clock.now())]), e, mailbox)
    states: list[object] = []
    # A Python function as the slot: PySide6 6.12 mis-counts references when a builtin
    # method (``states.append``) is connected directly, crashing at interpreter exit.
    runner.state_changed.connect(lambda state: states.append(state))
    runner.start()
    qtbot.waitUntil(lambda: mailbox.peek() is not None, timeout=5_000)
    snap = mailbox.take()
    assert snap is not None
    assert int(snap.contracts["last_price_fen"][0]) == 301_000
    runner.pause()
    runner.resume()
    runner.stop()
    assert not runner.is_alive
    assert runner.state is FeedState.STOPPED
    qtbot.waitUntil(lambda: FeedState.STOPPED in states, timeout=2_000)


def test_a_paced_feed_waits_while_a_screen_loads(qtbot: Any) -> None:
    clock = FakeClock()
    e = engine(20, clock)
    mailbox: Mailbox[RiskSnapshot] = Mailbox()
    # More ticks than the test consumes, so the last wait cannot find the source empty.
    ticks = [PriceTick("m2501", 301_000 + 100 * k, clock.now()) for k in range(50)]
    runner = FeedRunner(ScriptedSource(ticks), e, mailbox)
    busy = {"loading": True, "asked": 0}

    def loading() -> bool:
        busy["asked"] += 1
        return bool(busy["loading"])

    runner.set_yield_to(loading)
    runner.set_min_interval(0.05)  # paced, as behind another screen
    runner.start()
    # The feed thread asked three times whether the screen in front is still loading,
    # was told yes each time, and has applied nothing: it waits.
    qtbot.waitUntil(lambda: busy["asked"] >= 3, timeout=5_000)
    assert runner.batches == 0
    busy["loading"] = False
    qtbot.waitUntil(lambda: runner.batches >= 2, timeout=5_000)
    runner.set_min_interval(0.0)  # shown again: not paced, busy or not
    busy["loading"] = True
    done = runner.batches
    qtbot.waitUntil(lambda: runner.batches > done, timeout=5_000)
    runner.stop()
    assert not runner.is_alive


def test_monitor_remembers_its_splitters(qtbot: Any, ctx: DesktopContext) -> None:
    first = MonitorScreen(ctx, interval_ms=50)
    qtbot.addWidget(first)
    first.resize(1300, 700)
    first.show()
    qtbot.waitUntil(lambda: first.is_loaded, timeout=LOAD_TIMEOUT_MS)
    first.top_splitter.setSizes([400, 860])
    first.save_state()
    first.close()
    second = MonitorScreen(ctx, interval_ms=50)
    qtbot.addWidget(second)
    second.resize(1300, 700)
    second.show()
    qtbot.waitUntil(lambda: second.is_loaded, timeout=LOAD_TIMEOUT_MS)
    tables, charts = second.top_splitter.sizes()
    assert tables < charts
    second.close()
    assert not _feed_threads()


def test_clock_axis_ticks_fall_on_the_exchange_clock(qapp: object) -> None:
    axis = ClockAxis()
    t0 = datetime(2026, 11, 23, 9, 0, 7, tzinfo=EXCHANGE_TZ).timestamp()
    (spacing, values), *_ = axis.tickValues(t0, t0 + 90, 200)
    assert spacing in (15.0, 30.0)
    assert values
    assert all(v % spacing == 0 for v in values)
    assert axis.tickStrings(values, 1.0, spacing)[0] in ("09:00:15", "09:00:30")
    (hour_spacing, hour_values), *_ = axis.tickValues(t0, t0 + 4 * 3600, 200)
    assert hour_spacing >= 3600
    assert axis.tickStrings(hour_values, 1.0, hour_spacing)[0] == "10:00:00"  # local hours


def test_charts_show_movement_not_a_flat_line(qapp: object) -> None:
    chart = TimeSeriesChart(("equity", "reserve"), 100, relative=True, min_span=1.0)
    chart.set_series_names(["Client equity", "Reserve"])
    t0 = 1.7e9
    for i, (equity, reserve) in enumerate([(41_944.0, 4_640.0), (41_950.0, 4_637.5)]):
        chart.append(t0 + i, (equity, reserve))
    chart.refresh()
    assert list(chart.series(0)) == [0.0, 6.0]
    assert list(chart.series(1)) == [0.0, -2.5]
    low, high = chart.plot_item.viewRange()[1]
    assert low < -2.5
    assert 6.0 < high < 10
    assert "+6.00" in chart.legend.text()
    assert "−2.50" in chart.legend.text()
    x_low, x_high = chart.plot_item.viewRange()[0]
    assert x_high - x_low >= 60  # a new feed does not stretch two points over the width

    price = PriceBandChart(band_share=0.2)
    price.set_labels("Up %1", "Down %1")
    price.set_band(2_282.0, 2_396.0, 2_168.0)
    price.set_history(np.array([t0, t0 + 1]), np.array([2_282.0, 2_290.0]))
    price.refresh()
    low, high = price.y_range()
    assert high - low < 0.5 * (2_396 - 2_168)  # the move is visible, not lost in the band
    assert low <= 2_282
    assert high >= 2_290
    assert "Up 2,396" in price.legend.text()
    assert "+8" in price.legend.text()
    assert "#c0392b" in price.legend.text()  # up in red (Chinese market colours)


def test_a_hidden_monitor_keeps_alerting_but_repaints_only_when_shown(
    qtbot: Any, ctx: DesktopContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind another screen the engine, alerts and chart data go on, in one batch per
    HIDDEN_BATCH_S; the tables catch up with the newest snapshot when the monitor is shown."""
    hidden_batch_s = 0.4  # HIDDEN_BATCH_S is 1 s: shorter here to keep the test fast
    monkeypatch.setattr(monitor_module, "HIDDEN_BATCH_S", hidden_batch_s)
    pace_timeout_ms = 2_000
    # Paced as when hidden, ten batches would take at least twice pace_timeout_ms.
    assert 10 * hidden_batch_s * 1_000 >= 2 * pace_timeout_ms

    class Seesaw(ScriptedSource):
        """One tick per poll, forever: the price steps down and back up by one fen."""

        def __init__(self, code: str, price: int, clock: Clock) -> None:
            super().__init__([])
            self._code, self._price, self._clock, self._n = code, price, clock, 0
            self.polled_at: list[float] = []  # time.monotonic() of each poll

        def poll(self, timeout: float, max_items: int) -> list[FeedEvent]:
            self.polled_at.append(time.monotonic())
            time.sleep(0.005)
            self._n += 1
            price = self._price - (self._n % 2)
            return [PriceTick(self._code, price, self._clock.now())]

    sources: list[Seesaw] = []

    def source(e: LiveRiskEngine, first: RiskSnapshot, c: Clock) -> ScriptedSource:
        code, price = str(first.contracts.keys[0]), int(first.contracts["last_price_fen"][0])
        sources.append(Seesaw(code, price, c))
        return sources[-1]

    screen = MonitorScreen(ctx, interval_ms=30, source_override=source)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=LOAD_TIMEOUT_MS)
    runner = screen.runner
    assert runner is not None
    (seesaw,) = sources
    visible_start = runner.batches
    # Shown: every poll is a batch, with no pause between them.
    qtbot.waitUntil(lambda: runner.batches - visible_start > 10, timeout=pace_timeout_ms)
    screen.hide()
    hidden_at = time.monotonic()
    shown_seq = screen.accounts_model.frame.snap.seq
    # Hidden: the engine goes on (the screen receives newer snapshots), one batch per
    # HIDDEN_BATCH_S. Every poll that starts after hide() leads to a paced batch, so the
    # next poll comes at least HIDDEN_BATCH_S later (a wait on a monotonic timeout).
    qtbot.waitUntil(lambda: len([t for t in seesaw.polled_at if t > hidden_at]) >= 2, timeout=5_000)
    qtbot.waitUntil(lambda: screen._snap.seq > shown_seq, timeout=5_000)
    first, second = [t for t in seesaw.polled_at if t > hidden_at][:2]
    assert second - first >= hidden_batch_s - 0.01
    assert screen.accounts_model.frame.snap.seq == shown_seq  # nobody saw a repaint
    screen.show()
    assert screen.accounts_model.frame.snap.seq >= screen._snap.seq - 1
    assert screen.accounts_model.frame.snap.seq > shown_seq
    screen.close()
    assert not _feed_threads()


def test_the_simulator_seed_is_a_demo_control(qtbot: Any, demo_ctx: DesktopContext) -> None:
    """On the demo database the simulator's seed is offered (on a firm's data it is not:
    ``test_monitor_opens_renders_and_updates``)."""
    screen = MonitorScreen(demo_ctx)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=LOAD_TIMEOUT_MS)
    assert screen.seed_spin.isVisibleTo(screen)
    assert screen.seed_label.text() == "Seed"
    screen.close()
    assert not _feed_threads()


def test_the_monitor_follows_the_books_shared_feed(qtbot: Any, demo_ctx: DesktopContext) -> None:
    """Issue #14: a feed process published into the book; the desk picks "The book's
    shared feed" and applies exactly the published events, in order."""
    from core.live.feed import FakeClock
    from core.services.live_feed import append_batch, publish
    from core.services.monitor import MonitorRequest, SourceChoice, start_monitor

    clock = FakeClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    with demo_ctx.db.reader() as reader:
        feed = start_monitor(reader, MonitorRequest(clock, clock, SourceChoice()))
    assert feed is not None
    published: list[FeedEvent] = []

    class Stepping:
        is_exhausted = False

        def stats(self) -> FeedStats:
            return FeedStats()

        def poll(self, timeout: float, max_items: int) -> list[FeedEvent]:
            clock.advance(0.5)
            got = feed.source.poll(timeout, max_items)
            published.extend(got)
            return got

    enough = threading.Event()

    def count(_n: int, _last: int) -> None:
        if len(published) > 300:
            enough.set()

    done = publish(demo_ctx.db, feed.day, Stepping(), max_batch=200, stop=enough, on_batch=count)
    window = MainWindow(demo_ctx, "monitor")
    qtbot.addWidget(window)
    window.show()
    screen = window.current_page()
    assert isinstance(screen, MonitorScreen)
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=LOAD_TIMEOUT_MS)
    screen.source_combo.setCurrentIndex(screen.source_combo.findData("book"))
    assert screen.source_combo.currentText() == "The book's shared feed"
    qtbot.waitUntil(
        lambda: (
            screen.runner is not None
            and getattr(screen.runner.source, "cursor", 0) == done.last_seq
        ),
        timeout=LOAD_TIMEOUT_MS,
    )
    runner = screen.runner
    assert runner is not None
    stats = runner.source.stats()
    assert stats.ticks + stats.trades == len(published) == done.events
    # the next event the feed publishes reaches the desk
    tick = next(e for e in published if not hasattr(e, "trade_no"))
    newest = append_batch(demo_ctx.db, feed.day, [tick])
    qtbot.waitUntil(lambda: getattr(runner.source, "cursor", 0) == newest, timeout=10_000)
    window.close()


def test_charts_repaint_every_other_tick_and_catch_up_when_the_feed_rests(
    qtbot: Any, ctx: DesktopContext
) -> None:
    """Every snapshot adds its point; the plots repaint every ``CHART_EVERY`` ticks
    (a repaint of the three plots is the monitor's costliest paint), and a tick with
    no new snapshot shows the points still behind."""
    window = MainWindow(ctx, "monitor")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    screen = window.current_page()
    assert isinstance(screen, MonitorScreen)
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=LOAD_TIMEOUT_MS)
    screen.timer.stop()
    screen.toggle_stop()  # the feed stops: this test hands the snapshots in itself
    qtbot.waitUntil(lambda: not screen.runner or not screen.runner.is_alive, timeout=10_000)
    start = screen._start
    assert start is not None
    curve = screen.equity_chart._curves[0]

    def plotted() -> int:
        x, _y = curve.getData()
        return 0 if x is None else len(x)

    screen._ticks = monitor_module.CHART_EVERY  # the next tick is not a chart tick
    contract = start.engine.contracts[0]
    screen._mailbox.put(
        start.engine.apply(
            [PriceTick(contract.code, contract.upper_limit_fen, start.engine.clock.now())]
        )
    )
    screen._on_tick()
    assert screen.equity_chart.point_count() == plotted() + 1  # the point waits
    screen._on_tick()  # no snapshot: the feed rests
    assert screen.equity_chart.point_count() == plotted()
