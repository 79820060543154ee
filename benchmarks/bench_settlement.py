"""Benchmark of the daily settlement service on SQLite (read, compute, write).

    .venv/bin/python benchmarks/bench_settlement.py [--db sqlite:///FILE] [--sizes 1000,10000]
                                                    [--keep DIR]

Without ``--db`` the LARGE demo set (100,000 clients, ~1,000,000 position lines) is
built into a temporary SQLite file with ``core.demo`` (several minutes), and its last
day is re-settled (prev_td = the demo's second-to-last day). Then demo sets of the given
client counts (``--sizes``; 10 position lines per client) show how time grows with the
number of lines. Prints seconds per stage, total and peak memory (ru_maxrss). Targets:
≤ 20 s and ≤ 4 GB for the large set. No asserts.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.db.engine import Database, open_database  # noqa: E402
from core.services.settlement import run_daily_settlement  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _last_day(db: Database) -> date:
    from sqlalchemy import func, select

    from core.db.tables import Position

    with db.sessions() as s:
        day = s.execute(select(func.max(Position.trading_day))).scalar_one()
    assert day is not None
    return day


def _settle(db: Database, label: str) -> float:
    day = _last_day(db)
    start = time.perf_counter()
    run, _ = run_daily_settlement(db, day, user="bench")
    total = time.perf_counter() - start
    stages = "  ".join(f"{name} {sec:6.2f} s" for name, sec in run.stage_seconds)
    print(
        f"{label:>22}: {run.position_lines:>9,} lines {run.clients_settled:>7,} clients  "
        f"{stages}  total {total:6.2f} s  peak RSS {_peak_mb():,.0f} MB",
        flush=True,
    )
    return total


def _demo_db(path: Path, scale: str, clients: int | None) -> Database:
    from core.services.demo import create_demo_data

    db = open_database(f"sqlite:///{path}")
    start = time.perf_counter()
    create_demo_data(db, scale=scale, clients=clients, user="bench")  # type: ignore[arg-type]
    print(f"  (built demo {scale}/{clients or 'default'} in {time.perf_counter() - start:.0f} s)")
    return db


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="SQLite URL of a database holding two settled days")
    ap.add_argument("--sizes", default="1000,10000", help="client counts for the growth run")
    ap.add_argument("--keep", type=Path, help="folder for the demo files (default: temp)")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_settle_"))
    folder.mkdir(parents=True, exist_ok=True)

    print("growth (demo sets, 10 lines per client):")
    for n in [int(x) for x in args.sizes.split(",") if x]:
        db = _demo_db(folder / f"demo_{n}.sqlite", "large", n)
        try:
            _settle(db, f"{n:,} clients")
        finally:
            db.engine.dispose()

    if args.db:
        db = open_database(args.db)
    else:
        print("large demo set:")
        db = _demo_db(folder / "demo_large.sqlite", "large", None)
    try:
        t1 = _settle(db, "large, first run")
        t2 = _settle(db, "large, rerun (replace)")
    finally:
        db.engine.dispose()
    print(
        f"target ≤ 20 s: first {t1:.1f} s, rerun {t2:.1f} s; peak RSS {_peak_mb():,.0f} MB "
        "(target ≤ 4,096 MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
