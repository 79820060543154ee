"""The monitor following the book while the server is away (issue #14): its feed state
reads "disconnected" in red, in both languages, and it goes on from its cursor once the
server is back. The lost server is a connection that fails as psycopg's does after a
restart (``connection_invalidated``), through the source's real read path."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import OperationalError

from desktop import i18n, palette
from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.screens.monitor import MonitorScreen
from tests.desktop.test_reduction_screen import demo_ctx, demo_template, demo_url
from tests.integration.test_book_alerts import _publish

__all__ = ["demo_ctx", "demo_template", "demo_url"]  # fixtures shared with that module

LOAD_MS = 60_000


class _Gone:
    """A database whose server went away: every connection attempt fails."""

    class engine:  # noqa: N801 - stands in for Database.engine
        dialect = type("D", (), {"name": "postgresql"})()

        @staticmethod
        def connect() -> Any:
            raise OperationalError(
                "SELECT 1",
                {},
                Exception("server closed the connection"),
                connection_invalidated=True,
            )


def test_the_feed_shows_disconnected_and_resumes(qtbot: Any, demo_ctx: DesktopContext) -> None:
    _recorded, _raiser, last = _publish(demo_ctx.db, batches=2)
    window = MainWindow(demo_ctx, "monitor")
    qtbot.addWidget(window)
    window.show()
    screen = window.current_page()
    assert isinstance(screen, MonitorScreen)
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=LOAD_MS)
    screen.source_combo.setCurrentIndex(screen.source_combo.findData("book"))
    qtbot.waitUntil(
        lambda: screen.runner is not None and getattr(screen.runner.source, "cursor", 0) == last,
        timeout=LOAD_MS,
    )
    assert screen.runner is not None
    source: Any = screen.runner.source
    real = source._db
    source._db = _Gone()
    try:
        qtbot.waitUntil(lambda: screen.feed_state == "disconnected", timeout=10_000)
        qtbot.waitUntil(lambda: screen.state_label.text() == "Feed: disconnected")
        assert screen.state_label.styleSheet().startswith(f"color: {palette.RED};")
        i18n.set_language("zh")
        qtbot.waitUntil(lambda: screen.state_label.text() == "行情：已断开", timeout=5_000)
        assert source.cursor == last  # nothing skipped
    finally:
        i18n.set_language("en")
        source._db = real
    # the server is back: more events, read from the same cursor
    _recorded, _raiser, newest = _publish(demo_ctx.db, batches=1, raise_alerts=False)
    qtbot.waitUntil(lambda: source.cursor == newest, timeout=10_000)
    assert screen.feed_state != "disconnected"
    window.close()


def test_a_desk_opens_on_the_books_feed_when_it_has_the_day(
    qtbot: Any, demo_ctx: DesktopContext
) -> None:
    """A feed process has published the day: the monitor follows the book's shared feed
    without being told (the source box says so), and a source the user picks stays."""
    _recorded, _raiser, last = _publish(demo_ctx.db, batches=1)
    window = MainWindow(demo_ctx, "monitor")
    qtbot.addWidget(window)
    window.show()
    screen = window.current_page()
    assert isinstance(screen, MonitorScreen)
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=LOAD_MS)
    assert screen.source_combo.currentData() == "book"
    assert screen.source_combo.currentText() == "The book's shared feed"
    qtbot.waitUntil(
        lambda: screen.runner is not None and getattr(screen.runner.source, "cursor", 0) == last,
        timeout=LOAD_MS,
    )
    screen.source_combo.setCurrentIndex(screen.source_combo.findData("simulated"))
    qtbot.waitUntil(
        lambda: screen._start is not None and screen._start.source_kind == "simulated",
        timeout=LOAD_MS,
    )
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=LOAD_MS)
    assert screen.source_combo.currentData() == "simulated"  # the user's pick holds
