"""Screenshots of the monitor following the book's shared feed (issue #14), zh and en.

Publishes a few batches of the simulated market into the book with the feed's alert
raiser (``core.services.book_alerts.BookRaiser``), acknowledges two of the book's alerts
as another desk ("officer_a"), then opens the monitor on "The book's shared feed": the
alerts panel lists the book's alerts, the acknowledged ones greyed with that desk's
name. A third image shows the feed state while the server is away ("disconnected"):
its reads are made to fail as a lost server's do (a SQLite book has no server to lose).
Usage (from the repository root, a small demo database built first):

    .venv/bin/python scripts/screenshots_desks.py sqlite:///demo.sqlite docs/screenshots

Writes ``monitor_book_alerts_<lang>.png`` and ``monitor_disconnected_<lang>.png``.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def publish_with_alerts(url: str) -> None:
    """A few batches of the simulated market, the book's alerts raised, two acked."""
    from core.db.engine import open_database
    from core.live.alerts import Acknowledgement
    from core.live.feed import FakeClock
    from core.services.alerts import acknowledge_alerts
    from core.services.book_alerts import BookRaiser, read_book_alerts
    from core.services.live_feed import publish
    from core.services.monitor import MonitorRequest, SourceChoice, start_monitor

    db = open_database(url)
    clock = FakeClock(datetime(2026, 11, 23, 1, 30, tzinfo=UTC))
    with db.reader() as reader:
        start = start_monitor(reader, MonitorRequest(clock, clock, SourceChoice()))
    assert start is not None
    assert start.alerts is not None
    raiser = BookRaiser(db, start.day, start.engine, start.alerts, start.first_alerts)
    stop = threading.Event()
    batches = [0]

    class Stepping:
        is_exhausted = False

        def stats(self):  # type: ignore[no-untyped-def]
            return start.source.stats()

        def poll(self, timeout: float, max_items: int):  # type: ignore[no-untyped-def]
            clock.advance(2.0)
            return start.source.poll(timeout, max_items)

    def count(_n: int, _last: int) -> None:
        batches[0] += 1
        if batches[0] >= 6:
            stop.set()

    publish(
        db,
        start.day,
        Stepping(),
        max_batch=300,
        stop=stop,
        on_batch=count,
        after_batch=raiser.catch_up,
    )
    with db.reader() as reader:
        found = read_book_alerts(reader, start.day)
    newest = sorted(a.alert_id for a in found.alerts)[-2:]
    at = datetime(2026, 11, 23, 1, 42, tzinfo=UTC)
    acknowledge_alerts(
        db, start.day, [Acknowledgement(i, "officer_a", at) for i in newest], user="officer_a"
    )
    db.engine.dispose()


def main(url: str, out: Path) -> int:
    from PySide6.QtWidgets import QApplication  # noqa: TID251
    from shot_tools import offscreen_desk, pump

    from desktop import i18n
    from desktop.main_window import MainWindow
    from desktop.screens.monitor import MonitorScreen

    publish_with_alerts(url)
    app, ctx = offscreen_desk(url)

    out.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        i18n.set_language(lang)
        window = MainWindow(ctx, "monitor")
        window.set_save_on_close(False)
        window.resize(1366, 768)
        window.show()
        screen = window.current_page()
        assert isinstance(screen, MonitorScreen)
        end = time.monotonic() + 60
        while not screen.is_loaded and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)
        screen.source_combo.setCurrentIndex(screen.source_combo.findData("book"))
        end = time.monotonic() + 60
        while not (screen.alerts.shared and screen.alerts.model.rowCount()):
            app.processEvents()
            time.sleep(0.02)
            if time.monotonic() > end:
                raise SystemExit("the book's alerts did not show")
        screen.alerts_panel.set_grouped(False)
        pump(2.0)
        window.grab().save(str(out / f"monitor_book_alerts_{lang}.png"), "PNG")
        assert screen.runner is not None
        source = screen.runner.source
        read = source._read  # type: ignore[attr-defined]

        def lost(_n: int, source: object = source) -> list[object]:
            source.disconnected = True  # type: ignore[attr-defined]
            return []  # what a read does while the server is away

        source._read = lost  # type: ignore[attr-defined]
        pump(1.5)
        window.grab().save(str(out / f"monitor_disconnected_{lang}.png"), "PNG")
        source._read = read  # type: ignore[attr-defined]
        window.close()
        window.deleteLater()
        app.processEvents()
    ctx.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
