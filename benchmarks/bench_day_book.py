"""The day's position book (core.db.day_book): cold read, cached reuse, invalidation.

Every screen over positions (positions, limits, liquidation, the live monitor) starts
from all open lines of one day: ~950,000 on the large demo set. Prints the time of a
cold read from the database (median of several fresh processes' worth of reads, each
with an empty cache), of a cache hit (revision check only), and of the first read after
a write raised the revision. No asserts (STYLE B10). Writes one thing: it raises the
position table's revision counter once (as a write would), which only makes caches of
other running RiskDesk processes read the book again.

Usage: .venv/bin/python benchmarks/bench_day_book.py [--db URL] [--runs N]
Without --db the large demo database is built into a temporary folder first (~20 s).
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

from sqlalchemy import func, select

from core.db import revisions
from core.db.day_book import DayBookCache, read_day_book
from core.db.engine import open_database
from core.db.tables import Position


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="URL of a large demo database (built if absent)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="riskdesk-bench-book-") as tmp:
        url = args.db
        if url is None:
            url = f"sqlite:///{Path(tmp) / 'large.sqlite'}"
            subprocess.run(
                [sys.executable, "-m", "desktop.cli", "--db", url, "demo", "--scale", "large"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        db = open_database(url)
        print(f"machine: {os.cpu_count()} cores; database {db.masked_url}")
        with db.sessions() as s:
            day = s.scalar(select(func.max(Position.trading_day)))
        assert day is not None, "no positions: build the demo data first"
        cold = []
        for _ in range(args.runs):
            with db.sessions() as s:
                t = time.perf_counter()
                book = read_day_book(s, day)
                cold.append(time.perf_counter() - t)
        print(
            f"day {day}: {len(book):,} lines, {len(book.clients):,} clients, "
            f"{len(book.contracts)} contracts"
        )
        print(f"cold read (no cache):        median {statistics.median(cold) * 1000:7.0f} ms")
        cache = DayBookCache()
        with db.sessions() as s:
            cache.get(s, day)
        hits = []
        for _ in range(args.runs * 20):
            with db.sessions() as s:
                t = time.perf_counter()
                cache.get(s, day)
                hits.append(time.perf_counter() - t)
        print(f"cache hit (revision check):  median {statistics.median(hits) * 1000:7.2f} ms")
        with db.sessions.begin() as s:  # as a write to positions would
            revisions.bump(s, Position.__tablename__)
        with db.sessions() as s:
            t = time.perf_counter()
            cache.get(s, day)
            after = time.perf_counter() - t
        print(f"first use after a write:            {after * 1000:7.0f} ms (read again)")
        print(f"reads from the database by the cache: {cache.reads} (1 + 1 after the write)")
        db.engine.dispose()


if __name__ == "__main__":
    main()
