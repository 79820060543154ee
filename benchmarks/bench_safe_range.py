"""Safe price ranges of every contract (issue 16 item 4) and the one-client what-if
(item 5) on the large demo: wall and CPU time of each stage.

Target (issue 16): the safe ranges of every contract <= 1 s on the large set, reads
excluded. Prints the read of the book (the service's own ``start_inputs``), the day
prepared at S (``safe_range_day``: checks, the client book) and settled at S
(``settle_prepared``), the ranges themselves (``safe_ranges``, median of ``--repeat``
runs), the sums without and with the read, the service end to end, and the what-if:
one client's read (``whatif_book``) and one change (``what_if``, median of 200). CPU
time beside wall time, and the load average, because the machine is shared: wall
time on a loaded machine overstates the work. No asserts (STYLE B10).

Run on a COPY of the large demo (opening a database may upgrade it):
    cp /work/bench/large_new.sqlite /tmp/large.sqlite
    .venv/bin/riskdesk --db sqlite:////tmp/large.sqlite db upgrade
    .venv/bin/python benchmarks/bench_safe_range.py --db sqlite:////tmp/large.sqlite
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import TypeVar

from core.db.engine import open_database
from core.rules.daily_settlement import DaySettlementParams, settle_prepared
from core.rules.safe_range import safe_range_day, safe_ranges
from core.services.client_whatif import WhatIf, WhatIfRequest, what_if, whatif_book
from core.services.safe_range import SafeRangeRequest, safe_range_result, start_inputs
from core.trading_calendar import default_calendar

T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    """(result, wall s, CPU s of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def line(what: str, wall: float, cpu: float) -> None:
    print(f"  {what:<44} {wall:7.3f} s wall  {cpu:7.3f} s CPU")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="SQLAlchemy URL of a settled database (a copy)")
    ap.add_argument("--repeat", type=int, default=5, help="warm runs after the first (median)")
    ap.add_argument(
        "--clients", default="10000010,10050000,10099999", help="what-if clients (codes)"
    )
    args = ap.parse_args()
    cal = default_calendar()
    db = open_database(args.db)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    with db.reader() as reader:
        start, read_wall, read_cpu = timed(lambda: start_inputs(reader, None, cal))
    print(
        f"base day {start.prev_day}: {len(start.clients):,} clients, "
        f"{start.pos_client.size:,} position lines, {len(start.contracts)} contracts"
    )
    params = DaySettlementParams(calendar=cal)
    # each run: the day prepared at S, settled at S, the ranges; the first run of the
    # process is cold (first touch of every array), the later ones warm
    runs: list[tuple[float, float, float, float, float, float]] = []
    result = None
    for _ in range(max(args.repeat, 1) + 1):
        prepared, prep_wall, prep_cpu = timed(lambda: safe_range_day(start, params, cal))
        base, base_wall, base_cpu = timed(lambda p=prepared: settle_prepared(p))
        result, wall, cpu = timed(lambda p=prepared, b=base: safe_ranges(p, b))
        runs.append((prep_wall, prep_cpu, base_wall, base_cpu, wall, cpu))
    assert result is not None
    bounded = sum(r.lower.is_bounded + r.upper.is_bounded for r in result.contracts)
    print(
        f"safe ranges: {len(result.contracts)} contracts, {bounded} ends bound by a client, "
        f"{len(result.below_zero):,} clients below zero at S left out"
    )
    line("read the book (start_inputs)", read_wall, read_cpu)
    for title, rows in (
        ("first run (cold)", runs[:1]),
        (f"warm runs (median of {len(runs) - 1})", runs[1:]),
    ):
        med = [statistics.median(r[i] for r in rows) for i in range(6)]
        print(f"{title}:")
        line("prepare the day at S (safe_range_day)", med[0], med[1])
        line("settle at S (settle_prepared)", med[2], med[3])
        line("ranges of every contract (safe_ranges)", med[4], med[5])
        line(
            "reads excluded: prepare + settle + ranges",
            med[0] + med[2] + med[4],
            med[1] + med[3] + med[5],
        )
        line(
            "with the read",
            read_wall + med[0] + med[2] + med[4],
            read_cpu + med[1] + med[3] + med[5],
        )
    with db.reader() as reader:
        _, wall, cpu = timed(lambda: safe_range_result(reader, SafeRangeRequest()))
    line("service end to end (safe_range_result)", wall, cpu)
    print("what-if (one client):")
    for code in args.clients.split(","):
        with db.reader() as reader:
            book, wall, cpu = timed(lambda code=code: whatif_book(reader, WhatIfRequest(code)))
        line(f"read {code} ({len(book.lines)} lines)", wall, cpu)
        change = WhatIf(close_line=0 if book.lines else None, close_lots=1, points_ppm=50_000)
        if book.lines and book.lines[0].lots < 1:
            change = WhatIf(points_ppm=50_000)
        runs = [timed(lambda b=book, c=change: what_if(b, c)) for _ in range(200)]
        line(
            "  one change as typed (median of 200)",
            statistics.median(r[1] for r in runs),
            statistics.median(r[2] for r in runs),
        )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    db.engine.dispose()


if __name__ == "__main__":
    main()
