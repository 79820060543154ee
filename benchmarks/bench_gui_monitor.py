"""GUI cost of the live monitor (offscreen): update batches, event-loop latency, memory.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui_monitor.py``
(``--quick`` for a shorter run). Prints figures; asserts nothing. Targets (issue):
median GUI time per update batch ≤ 20 ms and p99 event-loop latency ≤ 50 ms with a
100,000-line positions table whose contracts all tick twice a second; ≤ 20 ms per
batch for a 10,000-row table with every row changed; ≤ 3 GB with the large set live.

The feed runs on ``FeedRunner``'s thread exactly as in the app; the GUI side is the
monitor's models and views (``apply_snapshot`` + a forced repaint of the viewports).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem

from core.live import (
    ContractDay,
    FeedEvent,
    FeedStats,
    LiveRiskEngine,
    Mailbox,
    PriceTick,
    RiskSnapshot,
    SystemClock,
)
from desktop.feed_runner import FeedRunner
from desktop.models.snapshot_table import LiveFrame, LiveStatic, SnapshotTableModel
from desktop.screens.monitor_tables import (
    ACCOUNTS,
    CONTRACTS,
    POSITIONS,
    SnapshotTableView,
)
from desktop.settings import UiSettings

DAY = date(2026, 11, 23)


def contracts(n: int) -> list[ContractDay]:
    return [
        ContractDay(f"c{i:03d}", 400_000, 440_000, 360_000, 100, 10, 80_000, 60_000, 2_000)
        for i in range(n)
    ]


def build_engine(n_accounts: int, lines_per_account: int, n_contracts: int) -> LiveRiskEngine:
    rng = np.random.default_rng(7)
    n_lines = n_accounts * lines_per_account
    acct = np.repeat(np.arange(n_accounts), lines_per_account)
    con = (np.arange(n_lines) * 7 + acct) % n_contracts
    return LiveRiskEngine(
        trading_day=DAY,
        contracts=contracts(n_contracts),
        account_codes=[f"{10_000_000 + i}" for i in range(n_accounts)],
        balance_fen=rng.integers(2_000_000, 500_000_000, n_accounts),
        line_account=acct,
        line_contract=con,
        line_side=np.arange(n_lines) % 2,  # side codes: 0 long, 1 short
        line_hedge=np.zeros(n_lines, dtype=bool),
        line_lots=rng.integers(1, 40, n_lines),
        clock=SystemClock(),
    )


def static_for(e: LiveRiskEngine) -> LiveStatic:
    return LiveStatic.build(
        e.account_codes,
        {c: f"客户{c[-5:]}" for c in e.account_codes},
        [c.code for c in e.contracts],
        {c.code: "m" for c in e.contracts},
    )


class TickingSource:
    """Every contract ticks ``rate`` times a second (prices random-walk by ticks)."""

    def __init__(self, cons: list[ContractDay], rate: float) -> None:
        self._cons = cons
        self._period = 1.0 / rate
        self._next = time.monotonic()
        self._price = [c.prior_settlement_fen for c in cons]
        self._rng = np.random.default_rng(3)

    def poll(self, timeout: float, max_items: int) -> list[FeedEvent]:
        wait = self._next - time.monotonic()
        if wait > 0:
            time.sleep(min(wait, timeout))
            if time.monotonic() < self._next:
                return []
        self._next += self._period
        now = SystemClock().now()
        steps = self._rng.integers(-3, 4, len(self._cons)) * 100
        out: list[FeedEvent] = []
        for i, c in enumerate(self._cons):
            p = min(max(self._price[i] + int(steps[i]), c.lower_limit_fen), c.upper_limit_fen)
            self._price[i] = p
            out.append(PriceTick(c.code, p, now))
        return out[:max_items]

    def stats(self) -> FeedStats:
        return FeedStats()

    @property
    def is_exhausted(self) -> bool:
        return False


def views_for(engine: LiveRiskEngine) -> tuple[list[SnapshotTableModel], list[SnapshotTableView]]:
    models, views = [], []
    settings = UiSettings()
    for spec in (ACCOUNTS, POSITIONS, CONTRACTS):
        model = SnapshotTableModel(spec)
        view = SnapshotTableView(settings, f"bench_{spec.name}")
        view.set_snapshot_model(model)
        view.resize(1100, 500)
        view.show()
        models.append(model)
        views.append(view)
    return models, views


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def live_run(
    app: QApplication,
    engine: LiveRiskEngine,
    seconds: float,
    label: str,
    rate: float = 2.0,
    *,
    visible_only: bool = False,
) -> None:
    """Feed thread + 250 ms GUI timer + 10 ms probe timer for ``seconds``.

    All three models take every snapshot (as in the app). With ``visible_only`` only the
    positions view is shown and repainted, as on the monitor, where the tables are tabs;
    otherwise all three views are repainted after each batch (worst case)."""
    static = static_for(engine)
    models, views = views_for(engine)
    if visible_only:
        for i in (0, 2):
            views[i].hide()
        painted = [views[1]]
    else:
        painted = list(views)
    first = engine.snapshot()
    for m in models:
        m.apply_snapshot(LiveFrame(first, static, time.time()))
    models[1].sort(POSITIONS.columns.index(POSITIONS.columns[7]))  # by floating P&L
    mailbox: Mailbox[RiskSnapshot] = Mailbox()
    runner = FeedRunner(TickingSource(list(engine.contracts), rate), engine, mailbox)
    batch_ms: list[float] = []
    ranges: list[int] = []
    lateness: list[float] = []
    gui = QTimer(interval=250)
    probe = QTimer(interval=10)
    clock = QElapsedTimer()
    last_probe = {"t": 0}

    def on_gui() -> None:
        snap = mailbox.take()
        if snap is None:
            return
        t0 = time.perf_counter()
        frame = LiveFrame(snap, static, time.time())
        for m in models:
            m.apply_snapshot(frame)
        for v in painted:
            v.viewport().repaint()
        batch_ms.append((time.perf_counter() - t0) * 1000)
        ranges.append(len(models[1].last_ranges))

    def on_probe() -> None:
        now = clock.elapsed()
        if last_probe["t"]:
            lateness.append(max(now - last_probe["t"] - 10, 0))
        last_probe["t"] = now

    gui.timeout.connect(on_gui)
    probe.timeout.connect(on_probe)
    clock.start()
    runner.start()
    gui.start()
    probe.start()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.001)
    gui.stop()
    probe.stop()
    runner.stop()
    for v in views:
        v.close()
        v.deleteLater()
    app.processEvents()
    print(
        f"{label}: {len(batch_ms)} GUI batches, median {statistics.median(batch_ms):.1f} ms, "
        f"p95 {pct(batch_ms, 95):.1f} ms, max {max(batch_ms):.1f} ms "
        f"(target ≤ 20 ms); dataChanged ranges per batch (positions) ≤ {max(ranges)}; "
        f"event-loop lateness p50 {pct(lateness, 50):.1f} ms, p99 {pct(lateness, 99):.1f} ms "
        f"(target ≤ 50 ms); feed batches {runner.batches}, mailbox dropped {mailbox.dropped}"
    )


def all_rows_changed(app: QApplication, repeats: int) -> None:
    """10,000 accounts, every one changed by each batch (one tick per contract)."""
    engine = build_engine(10_000, 1, 40)
    static = static_for(engine)
    model = SnapshotTableModel(ACCOUNTS)
    view = SnapshotTableView(UiSettings(), "bench_all")
    view.set_snapshot_model(model)
    view.resize(1100, 600)
    view.show()
    model.apply_snapshot(LiveFrame(engine.snapshot(), static))
    model.sort(ACCOUNTS.columns.index(ACCOUNTS.columns[5]))  # by risk ratio: scattered rows
    source = TickingSource(list(engine.contracts), 1e9)
    times, apply_ms = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        snap = engine.apply(source.poll(0, 10**6))
        apply_ms.append((time.perf_counter() - t0) * 1000)
        t1 = time.perf_counter()
        model.apply_snapshot(LiveFrame(snap, static))
        view.viewport().repaint()
        app.processEvents()
        times.append((time.perf_counter() - t1) * 1000)
    print(
        f"10,000 rows, all changed: GUI {statistics.median(times):.2f} ms median per batch "
        f"(max {max(times):.1f}; target ≤ 20 ms), {len(model.last_ranges)} dataChanged "
        f"range(s); engine apply (feed thread) {statistics.median(apply_ms):.1f} ms"
    )
    view.close()
    # Naive comparison (vn.py's BaseMonitor): a QTableWidget updated cell by cell.
    widget = QTableWidget(10_000, 8)
    widget.resize(1100, 600)
    widget.show()
    acc = snap.accounts
    cols = ["dynamic_equity_fen", "margin_fen", "available_fen", "risk_ratio_ppm"]
    t0 = time.perf_counter()
    for r in range(10_000):
        widget.setItem(r, 0, QTableWidgetItem(str(acc.keys[r])))
        for c, name in enumerate(cols, start=1):
            widget.setItem(r, c, QTableWidgetItem(f"{int(acc[name][r]):,}"))
    app.processEvents()
    print(
        f"naive QTableWidget, 10,000 rows × 5 cells set one by one: "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms per batch"
    )
    widget.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-large", action="store_true")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    seconds = 6.0 if args.quick else 15.0
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()}")
    all_rows_changed(app, 10 if args.quick else 30)
    t0 = time.perf_counter()
    engine = build_engine(20_000, 5, 60)  # 100,000 position lines, 60 contracts
    print(f"built 100,000-line engine in {time.perf_counter() - t0:.1f} s")
    live_run(
        app,
        engine,
        seconds,
        "100,000 lines, 60 contracts × 2 ticks/s, positions tab shown (as in the app)",
        visible_only=True,
    )
    live_run(
        app, engine, seconds, "100,000 lines, 60 contracts × 2 ticks/s, all three tables painted"
    )
    if not args.no_large:
        t0 = time.perf_counter()
        large = build_engine(100_000, 10, 120)  # the large demo's size: ~1M lines
        print(f"built 1,000,000-line engine in {time.perf_counter() - t0:.1f} s")
        live_run(
            app,
            large,
            seconds,
            "1,000,000 lines, 120 contracts × 2 ticks/s (large), positions tab shown",
            visible_only=True,
        )
        rss_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(f"peak RSS with the large set live: {rss_gib:.2f} GiB (target ≤ 3 GB)")


if __name__ == "__main__":
    main()
