"""Benchmark of reading CFMMC workbooks and the member CSV, and reconciling them against
the large demo (issue #15).

    .venv/bin/python benchmarks/bench_reconcile_formats.py [--db PATH] [--clients N]
        [--processes 2] [--work DIR] [--reuse]

Copies the large demo database (default /work/bench/large_new.sqlite) into ``--work``
(the original is never written), writes the CFMMC daily statements of the first
``--clients`` clients of its last settled day (one .xls each) and the member CSV, then
prints: seconds to write; seconds to read the workbooks alone with 1 process and with
``--processes`` (``read_statement_files``, per file and extrapolated to 100,000
workbooks, one per client of the large demo); the whole reconciliation (read and
compare, split); the differences (must be 0) and peak memory. No asserts.
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
    ap.add_argument("--work", default="/tmp/riskdesk-bench-formats")
    ap.add_argument("--clients", type=int, default=5_000)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--reuse", action="store_true", help="keep an existing copy and files")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    copy = work / "large.sqlite"
    books = work / "cfmmc"
    member = work / "member.csv"
    if not (args.reuse and copy.exists()):
        shutil.copyfile(args.db, copy)
    db = open_database(f"sqlite:///{copy}")
    with db.reader() as r:
        day = rq.settled_days(r.session)[-1]
        clients = list(rq.stored_balances(r.session, day).clients[: args.clients])
    if not (args.reuse and books.exists()):
        shutil.rmtree(books, ignore_errors=True)
        start = time.perf_counter()
        files, _ = rec.write_cfmmc_statements(db, day, books, clients=clients, user="bench")
        size = sum(f.stat().st_size for f in files)
        print(
            f"write: {len(files):,} CFMMC workbooks of {day.isoformat()}, {size / 1e6:.1f} MB, "
            f"{time.perf_counter() - start:.1f} s",
            flush=True,
        )
        start = time.perf_counter()
        rows, _ = rec.write_member_statements(db, day, member, user="bench")
        print(f"write: member CSV, {rows:,} rows, {time.perf_counter() - start:.1f} s", flush=True)
    paths = sorted(books.iterdir())
    for n in sorted({1, args.processes}):
        start = time.perf_counter()
        cpu0 = time.process_time()
        frames = rec.read_statement_files(paths, processes=n)
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu0
        per = wall / len(paths)
        print(
            f"read: {len(frames.statements):,} workbooks with {n} process(es): {wall:.1f} s "
            f"({per * 1000:.2f} ms each, this process's CPU {cpu:.1f} s); "
            f"100,000 workbooks ≈ {per * 100_000:.0f} s",
            flush=True,
        )
    stages: list[tuple[str, float]] = []
    t0 = time.perf_counter()

    def stage(name: str) -> None:
        stages.append((name, time.perf_counter() - t0))

    run, _ = rec.reconcile(
        db, [books, member], user="bench", processes=args.processes, on_stage=stage
    )
    total = time.perf_counter() - t0
    marks = [*stages, ("end", total)]
    split = "  ".join(
        f"{name.split(' ')[0]} {b - a:.1f} s" for (name, a), (_n, b) in itertools.pairwise(marks)
    )
    print(f"reconcile: {run.statements_read:,} statements, {total:.1f} s ({split})")
    print(f"  {run.result.summary_line()}")
    print(
        f"  peak RSS: main {_mb(resource.RUSAGE_SELF):,.0f} MB, "
        f"largest reader {_mb(resource.RUSAGE_CHILDREN):,.0f} MB"
    )
    for w in run.warnings:
        print(f"  warning: {w}")


if __name__ == "__main__":
    main()
