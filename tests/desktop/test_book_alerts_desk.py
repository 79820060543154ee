"""The book's alerts at two windows on one PostgreSQL book (issue #14): both monitors
follow the shared feed and list the alerts the feed raised, none of their own; an
acknowledgement clicked at desk A shows at desk B (the doorbell rang) with A's name."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from core.config import AppConfig
from core.db.engine import open_database
from core.services.demo import create_demo_data
from desktop.bus import AppBus
from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.models.columns import MUTED_BRUSH
from desktop.screens.monitor import MonitorScreen
from desktop.screens.monitor_alerts import ALERT_ID_ROLE
from desktop.settings import UiSettings
from desktop.tasks import TaskManager
from tests.integration.test_book_alerts import _publish, _stored

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("postgres-book-alerts")]

LOAD_MS = 60_000


@pytest.fixture
def demo_pg(pg_fresh_url: str) -> str:
    db = open_database(pg_fresh_url)
    try:
        create_demo_data(db, scale="small", user="tester")
    finally:
        db.engine.dispose()
    return pg_fresh_url


def _context(url: str, user: str) -> DesktopContext:
    return DesktopContext(
        db=open_database(url),
        tasks=TaskManager(),
        bus=AppBus(),
        settings=UiSettings(),
        config=AppConfig(db_url=url, user=user),
    )


def _follow(ctx: DesktopContext, qtbot: Any) -> tuple[MainWindow, MonitorScreen]:
    window = MainWindow(ctx, "monitor")
    qtbot.addWidget(window)
    window.show()
    screen = window.current_page()
    assert isinstance(screen, MonitorScreen)
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=LOAD_MS)
    screen.source_combo.setCurrentIndex(screen.source_combo.findData("book"))
    qtbot.waitUntil(lambda: screen.alerts.shared, timeout=LOAD_MS)
    return window, screen


def test_two_desks_show_the_books_alerts_and_one_acknowledgement(
    demo_pg: str,
    qtbot: Any,
    qapp: Any,
) -> None:
    feed_db = open_database(demo_pg)
    try:
        _recorded, _raiser, _last = _publish(feed_db, batches=3)
        stored = _stored(feed_db)
    finally:
        feed_db.engine.dispose()
    assert stored
    a_ctx, b_ctx = _context(demo_pg, "officer_a"), _context(demo_pg, "officer_b")
    try:
        a_win, a = _follow(a_ctx, qtbot)
        b_win, b = _follow(b_ctx, qtbot)
        for screen in (a, b):
            # the book's alerts, in the order raised, and none of the desk's own
            qtbot.waitUntil(lambda s=screen: s.alerts.model.rowCount() == len(stored))
            assert screen.alerts_panel.title.text() == "The book's alerts"
            model = screen.alerts.model
            ids = [model.alert_at(r).alert_id for r in range(len(stored))]
            shown = [screen.alerts.stored_id(i) for i in ids]
            assert shown == [i for i, *_ in reversed(stored)]  # newest first
        # desk A acknowledges the newest alert from the list
        panel = a.alerts_panel
        panel.set_grouped(False)
        panel.view.selectRow(0)
        local = int(a.alerts.model.data(a.alerts.model.index(0, 0), ALERT_ID_ROLE))
        heard = b_win.doorbell.heard
        qtbot.mouseClick(panel.ack_button, Qt.MouseButton.LeftButton)
        by = 4  # "Acknowledged by"
        qtbot.waitUntil(lambda: a.alerts.model.index(0, by).data() == "officer_a", timeout=10_000)
        # desk B hears the doorbell and shows A's acknowledgement, greyed
        b_model = b.alerts.model
        qtbot.waitUntil(lambda: b_model.index(0, by).data() == "officer_a", timeout=10_000)
        assert b_win.doorbell.heard > heard
        assert b.alerts.stored_id(b_model.alert_at(0).alert_id) == a.alerts.stored_id(local)
        assert b_model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole) == MUTED_BRUSH
        assert b_model.index(1, 1).data(Qt.ItemDataRole.ForegroundRole) != MUTED_BRUSH
        assert b.alerts.unacknowledged_count() == len(stored) - 1
        # desk B acknowledging it again changes nothing: the first acknowledgement wins
        b.alerts_panel.set_grouped(False)
        b.alerts_panel.view.selectRow(0)
        qtbot.mouseClick(b.alerts_panel.ack_button, Qt.MouseButton.LeftButton)
        qtbot.wait(500)
        assert b_model.index(0, by).data() == "officer_a"
        a_win.close()
        b_win.close()
    finally:
        a_ctx.close()
        b_ctx.close()
