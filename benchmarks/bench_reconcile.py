"""Benchmark of the reconciliation on the large demo (issue #15).

    .venv/bin/python benchmarks/bench_reconcile.py [--db PATH] [--work DIR] [--processes 2]

Copies the large demo database (default /work/bench/large_new.sqlite) into ``--work``
(never writes to the original: the run's audit entry goes into the copy), writes the
100,000 client statements of its last settled day in the CTP text layout (one GBK file,
timed apart), then reconciles them against the stored settlement with ``processes``
readers and prints: file size, seconds (write; reconcile split into read and compare),
the differences found (must be 0) and peak memory — the main process's peak plus the
largest reader's (each reader holds its half of the rows). Targets: ≤ 60 s on 2 cores,
≤ 2 GB. No asserts.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.db import reconcile_queries as rq  # noqa: E402
from core.services import reconcile as rec  # noqa: E402
from core.services.store import open_database  # noqa: E402


def _mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="/work/bench/large_new.sqlite")
    ap.add_argument("--work", default="/tmp/riskdesk-bench-reconcile")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--reuse", action="store_true", help="keep an existing copy and file")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    copy = work / "large.sqlite"
    text = work / "statements.txt"
    if not (args.reuse and copy.exists()):
        shutil.copyfile(args.db, copy)
    db = open_database(f"sqlite:///{copy}")
    with db.reader() as r:
        day = rq.settled_days(r.session)[-1]
    if not (args.reuse and text.exists()):
        start = time.perf_counter()
        n, _ = rec.write_riskdesk_statements(db, day, text, user="bench")
        print(
            f"write: {n:,} statements of {day.isoformat()}, "
            f"{text.stat().st_size / 1e9:.2f} GB, {time.perf_counter() - start:.1f} s",
            flush=True,
        )
    stages: list[tuple[str, float]] = []
    t0 = time.perf_counter()

    def stage(name: str) -> None:
        stages.append((name, time.perf_counter() - t0))

    run, _ = rec.reconcile(db, [text], user="bench", processes=args.processes, on_stage=stage)
    total = time.perf_counter() - t0
    marks = [*stages, ("end", total)]
    split = "  ".join(
        f"{name.split(' ')[0]} {b - a:.1f} s" for (name, a), (_n, b) in itertools.pairwise(marks)
    )
    main_mb, child_mb = _mb(resource.RUSAGE_SELF), _mb(resource.RUSAGE_CHILDREN)
    print(f"reconcile: {run.statements_read:,} statements, {total:.1f} s ({split})")
    print(f"  {run.result.summary_line()}")
    print(
        f"  peak RSS: main {main_mb:,.0f} MB + largest reader {child_mb:,.0f} MB "
        f"(≤ {main_mb + args.processes * child_mb:,.0f} MB with {args.processes} readers)"
    )
    for w in run.warnings:
        print(f"  warning: {w}")


if __name__ == "__main__":
    main()
