"""Margin-call list for 100,000 clients (issue #11 item 1).

Target: ≤ 0.5 s for the list (every client's level, amount and deadline; the full list
of clients at margin call or worse, counts per level, total). With ``--db URL`` the list
is the service's on a settled database (the read and the rule timed apart; build the
large demo with bench_demo_large.py); without, synthetic columns of 100,000 clients.
Prints the median of several runs; no asserts (STYLE B10).
Run: .venv/bin/python benchmarks/bench_margin_calls.py [--db URL]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

import numpy as np

from core.money import format_yuan
from core.rules.margin_calls import CallSettings, margin_calls
from core.services.calls import CallList, CallRequest, build_call_list

CLIENTS = 100_000
TARGET_S = 0.5
RUNS = 5


def synthetic(seed: int = 20261120) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    margin = rng.integers(0, 50_000_000, CLIENTS, dtype=np.int64)
    # equity around margin ÷ 0.6, with a tail of losers (about 3 % below their margin)
    equity = (margin * rng.uniform(0.85, 3.0, CLIENTS)).astype(np.int64)
    available = equity - margin
    codes = np.array([f"{10_000_000 + i}" for i in range(CLIENTS)], dtype=object)
    return codes, margin, equity, available


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="a settled database URL (e.g. the large demo)")
    args = parser.parse_args()
    if args.db:
        from core.db.call_queries import client_balances, latest_balance_day
        from core.services.calls import settled_calls
        from core.services.store import open_database

        db = open_database(args.db)
        reads, totals = [], []
        result: CallList | None = None
        for _ in range(RUNS):
            t0 = time.perf_counter()
            with db.reader() as reader:
                day = latest_balance_day(reader.session)
                assert day is not None
                client_balances(reader.session, day)
            t1 = time.perf_counter()
            with db.reader() as reader:
                result = settled_calls(reader)
            t2 = time.perf_counter()
            reads.append(t1 - t0)
            totals.append(t2 - t1)
        assert result is not None
        print(f"database {args.db}: {result.accounts:,} accounts on {result.trading_day}")
        print(f"  read balances        median {statistics.median(reads):.3f} s")
        print(
            f"  settled_calls total  median {statistics.median(totals):.3f} s (target {TARGET_S} s)"
        )
    else:
        codes, margin, equity, available = synthetic()
        rules, lists = [], []
        result = None
        for target in ("available", "both"):
            settings = CallSettings(target=target)  # type: ignore[arg-type]
            rules.clear()
            lists.clear()
            for _ in range(RUNS):
                t0 = time.perf_counter()
                margin_calls(margin, equity, available, settings=settings)
                t1 = time.perf_counter()
                result = build_call_list(
                    "settled",
                    date(2026, 11, 20),
                    codes,
                    None,
                    None,
                    margin,
                    equity,
                    available,
                    CallRequest(settings=settings),
                    None,
                )
                t2 = time.perf_counter()
                rules.append(t1 - t0)
                lists.append(t2 - t1)
            assert result is not None
            print(f"synthetic {CLIENTS:,} clients, target {target}:")
            print(f"  rule (level, ratio, amounts)  median {statistics.median(rules) * 1e3:.1f} ms")
            print(
                f"  call list (rule, frame, counts, deadline)  median "
                f"{statistics.median(lists) * 1e3:.1f} ms (target {TARGET_S * 1e3:.0f} ms)"
            )
    assert result is not None
    print(
        f"  listed {len(result.calls):,}, called {result.called:,}, total call "
        f"{format_yuan(result.total_call_fen)}; per level {result.counts}"
    )


if __name__ == "__main__":
    main()
