"""The live monitor's intraday call card against the Margin calls screen's intraday list
(one computation on one snapshot), and the feed's data problems on the monitor. Sample
database: C0004 is short of 2,500.00 (risk ratio 125 %)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt

from core.live import FakeClock, LiveRiskEngine, PriceTick, RiskSnapshot
from core.live.feed import Clock
from core.money import format_yuan
from core.services.calls import intraday_calls
from desktop.context import DesktopContext
from desktop.screens.calls import CallsScreen
from desktop.screens.monitor import MonitorScreen
from tests.desktop.test_monitor import LOAD_TIMEOUT_MS, ScriptedSource


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).replace("&nbsp;", " ")


def test_the_monitor_card_is_the_intraday_list_of_its_snapshot(
    qtbot: Any, ctx: DesktopContext
) -> None:
    clock = FakeClock()
    first_seq: list[int] = []

    def source(e: LiveRiskEngine, first: RiskSnapshot, c: Clock) -> ScriptedSource:
        # one tick: the first contract 40 ticks down (inside its limits), so the card
        # moves off the start-of-day figures
        first_seq.append(first.seq)
        code = str(first.contracts.keys[0])
        price = int(first.contracts["last_price_fen"][0]) - 40 * 100
        return ScriptedSource([PriceTick(code, price, clock.now())])

    monitor = MonitorScreen(ctx, clock=clock, interval_ms=30, source_override=source)
    qtbot.addWidget(monitor)
    monitor.show()
    qtbot.waitUntil(
        lambda: monitor.is_loaded and monitor.calls_snapshot.seq > first_seq[0],
        timeout=LOAD_TIMEOUT_MS,
    )
    card_calls, snap = monitor.calls, monitor.calls_snapshot
    assert card_calls is not None
    assert card_calls.basis == "intraday"
    assert "C0004" in set(card_calls.calls["client_code"])
    assert monitor.call_card.isVisible()
    assert monitor.call_card.value.text() == format_yuan(card_calls.total_call_fen)
    live = ctx.live.latest()
    assert live is not None
    assert live.snapshot is snap  # what the calls screen will list
    with qtbot.waitSignal(monitor.navigate_requested) as signal:
        qtbot.mouseClick(monitor.call_card, Qt.MouseButton.LeftButton)
    assert signal.args == ["calls:intraday"]

    calls = CallsScreen(ctx)
    qtbot.addWidget(calls)
    calls.navigate_to("intraday")  # what the main window does with "calls:intraday"
    calls.resize(1366, 768)
    calls.show()
    qtbot.waitUntil(lambda: calls.is_loaded and ctx.tasks.is_idle, timeout=LOAD_TIMEOUT_MS)
    assert calls.basis == "intraday"
    assert calls.data is not None
    view = calls.data.view
    assert view.live_seq == snap.seq
    assert (view.calls.total_call_fen, view.calls.counts) == (
        card_calls.total_call_fen,
        card_calls.counts,
    )
    assert view.calls.total_call_fen == intraday_calls(snap).total_call_fen
    assert view.calls.calls["client_code"].tolist() == card_calls.calls["client_code"].tolist()
    assert f"total to call {monitor.call_card.value.text()} CNY" in plain(
        calls.summary_label.text()
    )
    assert calls.subtitle_label.text().startswith(f"Intraday {snap.trading_day.isoformat()}")
    row = next(
        r for r in range(calls.model.rowCount()) if calls.model.index(r, 0).data() == "C0004"
    )
    assert calls.model.index(row, calls.model.column_of("client_name")).data() == "李晓梅"
    # notices state settled figures: not generated from an intraday list
    assert not calls.generate_button.isEnabled()
    monitor.close()


def test_the_monitor_shows_rejected_events_and_out_of_order_ticks(
    qtbot: Any, ctx: DesktopContext
) -> None:
    clock = FakeClock()

    def source(e: LiveRiskEngine, first: RiskSnapshot, c: Clock) -> ScriptedSource:
        code, price = str(first.contracts.keys[0]), int(first.contracts["last_price_fen"][0])
        now = clock.now()
        return ScriptedSource(
            [
                PriceTick("zz9999", price, now),  # no such contract: refused by the engine
                PriceTick(code, price, now + timedelta(seconds=2)),
                PriceTick(code, price, now + timedelta(seconds=1)),  # older than the last
            ]
        )

    monitor = MonitorScreen(ctx, clock=clock, interval_ms=30, source_override=source)
    qtbot.addWidget(monitor)
    monitor.show()
    qtbot.waitUntil(lambda: monitor.is_loaded, timeout=LOAD_TIMEOUT_MS)
    qtbot.waitUntil(lambda: monitor.feed_problem_counts == (0, 0, 1, 1), timeout=10_000)
    qtbot.waitUntil(
        lambda: monitor.feed_problems.text() == "Rejected 1 · Out of order 1", timeout=5_000
    )
    assert "refused by the engine 1" in monitor.feed_problems.toolTip()
    assert "Out-of-order ticks 1" in monitor.feed_problems.toolTip()
    monitor.close()
