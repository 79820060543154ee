"""One paint of the live monitor's positions table as the user sees it (issue #17).

Target: one paint of a 900-px table with the app's style, 100,000 rows, ≤ 5 ms.

The app's look is applied (Fusion, the style sheet, the font: ``desktop.app.apply_look``),
the table is the monitor's ``SnapshotTableView`` over a ``SnapshotTableModel`` of the
positions of a live engine (100,000 lines by default, or ``--lines``), 1,600 × 900 px,
sorted by floating P&L; each run repaints the viewport (``repaint()``: a synchronous
paint of every visible cell) and is timed in CPU time of this thread, so other jobs on
the machine cost little. Also printed: the Python entries per painted cell (calls of
the model's ``data``/``multiData`` and the delegate's ``paint``), the repaint's cost per
cell. No asserts.

Run: .venv/bin/python benchmarks/bench_table_paint.py [--lines N] [--runs N]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_gui_monitor import build_engine, static_for
from PySide6.QtWidgets import QApplication

from desktop.app import apply_look
from desktop.models.snapshot_table import LiveFrame, SnapshotTableModel
from desktop.screens.monitor_tables import POSITIONS, SnapshotTableView
from desktop.settings import UiSettings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=40)
    args = ap.parse_args()
    app = QApplication.instance() or QApplication([])
    apply_look(app)
    engine = build_engine(args.lines // 10, 10, 60)
    frame = LiveFrame(engine.snapshot(), static_for(engine), time.time())
    views = {}
    for fast in (True, False):
        model = SnapshotTableModel(POSITIONS)
        view = SnapshotTableView(UiSettings(), f"bench_paint_{fast}")
        view.fast_paint = fast
        view.set_snapshot_model(model)
        view.apply_default_widths([c.spec for c in POSITIONS.columns])
        view.resize(1600, 900)
        view.show()
        model.apply_snapshot(frame)
        model.sort(7)  # floating P&L, as the monitor opens
        view.selectRow(3)
        views[fast] = view
    app.processEvents()
    # Python entries per repaint (the model's data, the delegate's paint/initStyleOption,
    # the model's row_looks): what crosses from C++ into Python
    for fast, view in views.items():
        profile = cProfile.Profile()
        profile.enable()
        view.viewport().repaint()
        profile.disable()
        stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
        calls = {
            k[2]: v[1]
            for k, v in stats.items()
            if k[2] in ("data", "paint", "initStyleOption", "row_looks", "paintEvent")
        }
        print(f"{'one pass' if fast else 'per cell'}: python calls per repaint {calls}")
    # the two paths alternate, so both see the same machine
    cpu: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.runs):
        for fast, view in views.items():
            t = time.thread_time()
            view.viewport().repaint()
            cpu[fast].append(time.thread_time() - t)
    view = views[True]
    print(
        f"positions table, {view.model().rowCount():,} rows, "
        f"{view.viewport().width()} x {view.viewport().height()} px viewport"
    )
    for fast in (True, False):
        med = statistics.median(cpu[fast]) * 1e3
        how = "one pass (row_painter)" if fast else "cell by cell (delegate)"
        print(
            f"one repaint, {how}: median {med:.2f} ms CPU (min {min(cpu[fast]) * 1e3:.2f}, "
            f"max {max(cpu[fast]) * 1e3:.2f}; {args.runs} runs)   target <= 5 ms"
        )
    ratio = statistics.median(cpu[True]) / statistics.median(cpu[False])
    print(f"ratio one pass / cell by cell: {ratio:.2f}")


if __name__ == "__main__":
    main()
