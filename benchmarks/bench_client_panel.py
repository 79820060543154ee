"""Client panel: open one client of 100,000 (issue #11 item 5).

Target: the panel opens in < 0.3 s on the large demo (100,000 clients, ~950,000
position lines a day). Two figures, each over ``--clients`` random clients:

* the read service ``core.services.client_detail`` in its own read-only ``Reader`` (as
  the panel's worker runs it): the first call of the process (calendar and schedules
  loaded) apart, then median, p95 and max;
* the panel in the window: ``MainWindow.show_client`` (what a double-click emits) until
  the result is shown and painted, on Qt's offscreen platform.

The database is opened (and upgraded) in place: use a copy of the large demo. Prints
figures; asserts nothing (STYLE B10).
Run: .venv/bin/python benchmarks/bench_client_panel.py --db sqlite:///COPY.sqlite
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable

from sqlalchemy import select

from core.db.tables import ClientBalance
from core.services.client_detail import ClientDetailRequest, client_detail
from core.services.store import open_database

TARGET_S = 0.3


def figures(label: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"  {label:<34} median {statistics.median(ordered) * 1000:6.1f} ms   "
        f"p95 {p95 * 1000:6.1f} ms   max {ordered[-1] * 1000:6.1f} ms   (n={len(ordered)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="a copy of the large demo database")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261120)
    parser.add_argument("--no-gui", action="store_true", help="the read service only")
    args = parser.parse_args()

    began = time.perf_counter()
    db = open_database(args.db)
    print(f"database {args.db} opened in {time.perf_counter() - began:.2f} s")
    with db.reader() as reader:
        day = reader.session.scalar(
            select(ClientBalance.trading_day).order_by(ClientBalance.trading_day.desc()).limit(1)
        )
        codes = list(
            reader.session.scalars(
                select(ClientBalance.client_code).where(ClientBalance.trading_day == day)
            )
        )
    rng = random.Random(args.seed)
    sample = rng.sample(codes, min(args.clients, len(codes)))
    print(f"{len(codes):,} clients settled on {day}; {len(sample)} drawn at random")

    first = time.perf_counter()
    with db.reader() as reader:
        client_detail(reader, ClientDetailRequest(sample[0]))
    first_s = time.perf_counter() - first
    reads: list[float] = []
    lines = differing = 0
    for code in sample:
        t0 = time.perf_counter()
        with db.reader() as reader:
            detail = client_detail(reader, ClientDetailRequest(code))
        reads.append(time.perf_counter() - t0)
        lines += len(detail.lines)
        differing += bool(detail.funds.differences()) or not detail.lines_agree
    print(f"read service client_detail (target {TARGET_S} s for the whole panel)")
    print(f"  first call of the process          {first_s * 1000:6.1f} ms")
    print(figures("each client", reads))
    print(
        f"  {lines / len(sample):.1f} lines a client; {differing} panel(s) differing "
        "from the stored settlement"
    )
    db.engine.dispose()
    if not args.no_gui:
        gui(args.db, sample)


def gui(url: str, sample: list[str]) -> None:
    """``show_client`` to the painted result, in the main window over the Positions
    screen (loaded first, as a desk would have it open)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from core.config import AppConfig
    from desktop.app import _prepare_application
    from desktop.bus import AppBus
    from desktop.client_panel import ClientPanel
    from desktop.context import DesktopContext
    from desktop.main_window import MainWindow
    from desktop.settings import UiSettings
    from desktop.tasks import TaskManager

    app = _prepare_application(True)
    assert isinstance(app, QApplication)
    ctx = DesktopContext(
        db=open_database(url),
        tasks=TaskManager(),
        bus=AppBus(),
        settings=UiSettings(),
        config=AppConfig(db_url=url, user="bench"),
    )
    window = MainWindow(ctx, "accounts")
    window.set_save_on_close(False)
    window.resize(1366, 768)
    window.show()

    def wait(ready: Callable[[], bool], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not ready() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.001)

    t0 = time.perf_counter()
    wait(window.is_ready)
    print(f"window with Accounts (100,000 rows) ready in {time.perf_counter() - t0:.2f} s")
    opens: list[float] = []
    for code in sample:
        t0 = time.perf_counter()
        panel = window.show_client(code)

        def shown(panel: ClientPanel = panel, code: str = code) -> bool:
            return panel.is_loaded and panel.detail is not None and panel.detail.facts.code == code

        wait(shown)
        panel.repaint()
        opens.append(time.perf_counter() - t0)
    print(f"client panel in the window (target {TARGET_S} s)")
    print(figures("show_client → shown and painted", opens))
    window.close()
    ctx.close()


if __name__ == "__main__":
    main()
