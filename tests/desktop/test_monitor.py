"""The live monitor screen on the sample database: loads, renders, alerts, stale feed."""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import select

from core.live import FakeClock, FeedEvent, FeedStats, LiveRiskEngine, Mailbox, PriceTick
from core.live.alert_table import AlertRow
from core.live.feed import Clock
from core.live.snapshot import RiskSnapshot
from desktop.context import DesktopContext
from desktop.feed_runner import FeedRunner, FeedState
from desktop.main_window import MainWindow
from desktop.screens.monitor import MonitorScreen
from tests.desktop.conftest import FIXED_CLIENTS
from tests.desktop.live_fixtures import engine

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
    assert "C0004" in accounts  # risk 125 % and negative available in the sample data
    before = book.unacknowledged_count()
    model = book.model
    newest = model.alert_at(0)
    assert model.index(0, 0).data() != ""
    screen.alerts_panel.view.selectRow(0)
    screen.alerts_panel.ack_button.click()
    assert book.unacknowledged_count() == before - 1
    assert model.index(0, 4).data() == "tester"
    assert "Unacknowledged alerts: " + f"{before - 1:,}" in screen.live_status()
    qtbot.waitUntil(lambda: book.writes_in_flight == 0 and ctx.tasks.is_idle, timeout=10_000)
    with ctx.db.sessions() as s:
        row = s.scalars(select(AlertRow).where(AlertRow.alert_id == newest.alert_id)).one()
        assert row.acknowledged_by == "tester"
        assert s.scalar(select(AlertRow.alert_id).where(AlertRow.account == "C0004").limit(1))
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
