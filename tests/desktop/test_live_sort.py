"""A live sort that holds while prices tick: ``resort()`` puts the rows back in order
of their new values, stably (ties keep their places), the selected row followed; the
monitor does it on its timer, at most once a second. And the first column frozen: the
client code stays in view however far right the table scrolls."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt

from core.live import FakeClock
from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.models.snapshot_table import RAW_ROLE, LiveFrame, SnapshotTableModel
from desktop.screens.monitor import RESORT_EVERY, UPDATE_INTERVAL_MS, MonitorScreen
from desktop.screens.monitor_tables import ACCOUNTS, SnapshotTableView
from desktop.settings import UiSettings
from tests.desktop.live_fixtures import engine, static_for, tick


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _raw(model: SnapshotTableModel, key: str) -> list[int]:
    column = model.column_of(key)
    return [int(model.index(r, column).data(RAW_ROLE)) for r in range(model.rowCount())]


def test_resort_restores_the_order_after_a_tick_stably_and_follows_the_selection(
    clock: FakeClock,
) -> None:
    e = engine(40, clock)
    static = static_for(e)
    model = SnapshotTableModel(ACCOUNTS)
    model.apply_snapshot(LiveFrame(e.snapshot(), static))
    model.sort(model.column_of("floating_pnl_fen"), Qt.SortOrder.DescendingOrder)
    assert model.resort() is False  # already in order: no layout change
    clock.advance(1)
    model.apply_snapshot(LiveFrame(e.apply([tick(clock, "m2501", 280_000)]), static))
    before = [model.key_of(r) for r in range(model.rowCount())]
    pnl = _raw(model, "floating_pnl_fen")
    assert pnl != sorted(pnl, reverse=True)  # the tick moved values: rows out of order
    watched = QPersistentModelIndex(model.index(0, 0))
    watched_key = model.key_of(0)
    assert model.resort() is True
    pnl = _raw(model, "floating_pnl_fen")
    assert pnl == sorted(pnl, reverse=True)
    after = [model.key_of(r) for r in range(model.rowCount())]
    # Stable: rows with equal P&L keep the order they were shown in.
    for value in set(pnl):
        tied = [k for k, v in zip(after, pnl, strict=True) if v == value]
        assert tied == [k for k in before if k in tied]
    assert model.key_of(watched.row()) == watched_key


def test_the_monitor_resorts_the_table_shown_once_a_second(
    qtbot: Any, ctx: DesktopContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(ctx, "monitor")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    screen = window.current_page()
    assert isinstance(screen, MonitorScreen)
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=20_000)
    screen.timer.stop()  # the test drives the ticks
    calls: list[str] = []
    for name in ("accounts", "positions", "contracts"):
        model = getattr(screen, f"{name}_model")
        monkeypatch.setattr(model, "resort", lambda name=name: calls.append(name) or False)
    for _ in range(2 * RESORT_EVERY):
        screen._on_tick()
    assert calls == ["accounts", "accounts"]  # only the tab on screen, once a second
    assert RESORT_EVERY * UPDATE_INTERVAL_MS == 1_000


def test_the_frozen_first_column_stays_while_the_table_scrolls(
    qtbot: Any, clock: FakeClock
) -> None:
    e = engine(40, clock)
    model = SnapshotTableModel(ACCOUNTS)
    model.apply_snapshot(LiveFrame(e.snapshot(), static_for(e)))
    view = SnapshotTableView(UiSettings(), "frozen_test")
    qtbot.addWidget(view)
    view.set_snapshot_model(model)
    view.apply_default_widths([c.spec for c in ACCOUNT_SPECS])
    view.freeze_first_column()
    view.resize(500, 300)
    view.show()
    qtbot.waitExposed(view)
    frozen = view.frozen
    assert frozen is not None
    assert frozen.isVisible()
    assert frozen.width() == view.columnWidth(0)
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().maximum())
    assert view.horizontalScrollBar().value() > 0
    # The overlay still shows the client code of each row, left of the scrolled columns.
    assert frozen.x() <= view.verticalHeader().width() + view.frameWidth()
    assert frozen.model().index(3, 0).data() == model.key_of(3)
    assert not frozen.isColumnHidden(0)
    assert all(frozen.isColumnHidden(c) for c in range(1, model.columnCount()))
    # Moving another column before it is undone: the code stays first.
    view.horizontalHeader().moveSection(3, 0)
    assert view.horizontalHeader().logicalIndex(0) == 0


ACCOUNT_SPECS = ACCOUNTS.columns
