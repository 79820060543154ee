"""Desktop start-up and screen-open times (issue 6 targets), offscreen.

* Cold start: a new process runs ``riskdesk gui --offscreen`` on the small demo database;
  we time from spawning the process to the first paint of the main window, and to the
  moment its first screen has its data loaded. Target: first paint <= 2 s.
* Screen open: one process opens the main window on the LARGE demo database and switches
  to every screen of the registry in turn, timing from the click to "data loaded and
  idle". Target: each workbench <= 1 s.

Usage: .venv/bin/python benchmarks/bench_gui.py [--small-db URL] [--large-db URL] [--runs N]
       [--screens KEY ...] [--repeat N]
``--screens`` opens only those screens (each ``--repeat`` times: the first open, then
reloads, as Ctrl+R); ``--runs 0`` skips the cold start. Without URLs the demo databases
are built into a temporary folder first (the large one takes about half a minute).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import os, sys, time
t0 = float(os.environ["BENCH_T0"])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import desktop.main_window as mw
from desktop.cli import main

marks = {}
original_paint = mw.MainWindow.paintEvent

def paint(self, event):
    original_paint(self, event)
    if "paint" not in marks:
        marks["paint"] = time.time() - t0
        def wait_ready():
            if self.is_ready():
                marks["ready"] = time.time() - t0
                print(f"{marks['paint']:.4f} {marks['ready']:.4f}", flush=True)
                self.set_save_on_close(False)
                QApplication.instance().quit()
            else:
                QTimer.singleShot(10, wait_ready)
        QTimer.singleShot(0, wait_ready)

mw.MainWindow.paintEvent = paint
sys.exit(main(sys.argv[1:]))
"""

OPEN_SCREENS = r"""
import sys, time
from PySide6.QtWidgets import QApplication
from core.config import AppConfig
from core.db.engine import open_database
from desktop import i18n
from desktop.app import _prepare_application, apply_look, freeze_startup_objects
from desktop.bus import AppBus
from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.screens.registry import SCREENS
from desktop.settings import UiSettings
from desktop.tasks import TaskManager

app = _prepare_application(True)
apply_look(app)
i18n.set_language("zh")
config = AppConfig.from_args(sys.argv[1])
ctx = DesktopContext(db=open_database(config.db_url), tasks=TaskManager(), bus=AppBus(),
                     settings=UiSettings(), config=config)
t_start = time.perf_counter()
window = MainWindow(ctx, "main")
window.set_save_on_close(False)
window.resize(1366, 768)
window.show()
freeze_startup_objects()  # as desktop.app.run_gui does

def wait_ready(limit=60.0):
    end = time.perf_counter() + limit
    while time.perf_counter() < end:
        app.processEvents()
        if window.is_ready():
            return True
        time.sleep(0.002)
    return False

wait_ready()
print(f"#warm {time.perf_counter() - t_start:.4f} ok", flush=True)
keys = sys.argv[2].split(",") if len(sys.argv) > 2 and sys.argv[2] else [s.key for s in SCREENS]
repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 1
for key in keys:
    for i in range(repeat):
        t = time.perf_counter()
        if i == 0:
            window.select_screen(key)
        else:
            window.reload_current()
        ok = wait_ready()
        label = key if i == 0 else f"{key}(again)"
        print(f"{label} {time.perf_counter() - t:.4f} {'ok' if ok else 'timeout'}", flush=True)
print(f"#book-reads {ctx.db.day_books.reads} ok", flush=True)
ctx.close()
"""


def build_demo(folder: Path, scale: str) -> str:
    url = f"sqlite:///{folder / f'{scale}.sqlite'}"
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--db", url, "demo", "--scale", scale],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    print(f"built the {scale} demo database in {time.perf_counter() - t:.1f} s")
    return url


def child_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp / "config"))
    env["RISKDESK_LOG_DIR"] = str(tmp / "logs")
    return env


def cold_start(url: str, runs: int, tmp: Path) -> None:
    paints, readies = [], []
    for _ in range(runs):
        env = child_env(tmp)
        env["BENCH_T0"] = repr(time.time())
        out = subprocess.run(
            [sys.executable, "-c", CHILD, "--db", url, "gui", "--offscreen", "--lang", "zh"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout.split()
        paints.append(float(out[0]))
        readies.append(float(out[1]))
    print(
        f"cold start to first paint: median {statistics.median(paints):.2f} s "
        f"(min {min(paints):.2f}, max {max(paints):.2f}; {runs} runs)   target <= 2 s"
    )
    print(f"cold start to data loaded: median {statistics.median(readies):.2f} s")


def open_screens(url: str, tmp: Path, screens: list[str], repeat: int) -> None:
    out = subprocess.run(
        [sys.executable, "-c", OPEN_SCREENS, url, ",".join(screens), str(repeat)],
        env=child_env(tmp),
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    ).stdout
    print("opening each screen on the large demo set (click to data loaded):  target <= 1 s")
    for line in out.splitlines():
        key, value, ok = line.split()
        if key == "#warm":
            print(
                f"  main window ready, incl. the background warm-up (day's position book "
                f"and calendar): {float(value):.2f} s"
            )
            continue
        if key == "#book-reads":
            print(f"  day's position books read from the database: {value}")
            continue
        ms = float(value) * 1000
        verdict = "timeout" if ok != "ok" else ("ok" if ms <= 1000 else "OVER")
        print(f"  {key:<18} {ms:8.0f} ms  {verdict}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--small-db", help="URL of a small demo database (built if absent)")
    ap.add_argument("--large-db", help="URL of a large demo database (built if absent)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--screens", nargs="*", default=[], help="only these screen keys")
    ap.add_argument("--repeat", type=int, default=1, help="opens of each screen")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="riskdesk-bench-gui-") as name:
        tmp = Path(name)
        print(f"machine: {os.cpu_count()} cores; Qt offscreen platform")
        if args.runs > 0:
            small = args.small_db or build_demo(tmp, "small")
            cold_start(small, args.runs, tmp)
        if not args.skip_large:
            large = args.large_db or build_demo(tmp, "large")
            open_screens(large, tmp, args.screens, args.repeat)


if __name__ == "__main__":
    main()
