"""Build the large demo data set into a temporary SQLite file; print time, memory, rows.

Run: .venv/bin/python benchmarks/bench_demo_large.py [--seed N] [--keep PATH]

Targets (brief): under 60 s and under 4 GB peak on a 2-core machine. Peak memory is
``ru_maxrss`` of this process and of its children (none are expected). No asserts: the
figures are for the performance log, not a test.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TARGET_SECONDS = 60.0
TARGET_PEAK_BYTES = 4 * 1024**3


def _peak_bytes(who: int) -> int:
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    rss = resource.getrusage(who).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="write here and keep the file")
    args = parser.parse_args()

    from core.db.engine import open_database
    from core.demo import DEFAULT_SEED
    from core.services.demo import create_demo_data
    from core.trading_calendar import default_calendar

    default_calendar()  # the calendar package import (~1 s) is start-up, not the build
    with tempfile.TemporaryDirectory(prefix="riskdesk-bench-") as tmp:
        path = args.keep or Path(tmp) / "demo-large.sqlite"
        db = open_database(f"sqlite:///{path}")
        stages: dict[str, float] = {}
        last = [time.perf_counter(), ""]

        def progress(stage: str, done: int, total: int | None) -> None:
            now = time.perf_counter()
            prev_stage = str(last[1])
            if prev_stage:
                stages[prev_stage] = stages.get(prev_stage, 0.0) + now - float(last[0])
            last[0], last[1] = now, stage

        started = time.perf_counter()
        summary, _ = create_demo_data(
            db,
            scale="large",
            seed=DEFAULT_SEED if args.seed is None else args.seed,
            progress=progress,
        )
        elapsed = time.perf_counter() - started
        db.engine.dispose()
        size = path.stat().st_size

    peak_self = _peak_bytes(resource.RUSAGE_SELF)
    peak_children = _peak_bytes(resource.RUSAGE_CHILDREN)
    peak = max(peak_self, peak_children)
    print("RiskDesk benchmark: demo --scale large into a temporary SQLite file")
    print(f"  elapsed      {elapsed:8.1f} s   (target < {TARGET_SECONDS:.0f} s)")
    print(f"    generate   {summary.generate_seconds:8.1f} s")
    print(f"    write      {summary.write_seconds:8.1f} s")
    print(
        f"  peak memory  {peak / 1024**2:8.0f} MB  (target < {TARGET_PEAK_BYTES / 1024**3:.0f} GB;"
        f" self {peak_self / 1024**2:.0f} MB, children {peak_children / 1024**2:.0f} MB)"
    )
    print(f"  file size    {size / 1024**2:8.0f} MB")
    print(f"  locked       {summary.locked_contract} on {', '.join(map(str, summary.lock_days))}")
    print("  rows:")
    for name, count in summary.counts.items():
        print(f"    {name:<18} {count:>10,}")
    print("  slowest stages:")
    for stage, seconds in sorted(stages.items(), key=lambda kv: -kv[1])[:6]:
        print(f"    {stage:<30} {seconds:6.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
