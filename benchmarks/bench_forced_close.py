"""Batch client forced-close preview for 5,000 due clients (issue #11 item 3).

Target: ≤ 1 s for 5,000 due clients (about 0.2 ms per typical client). Prints, per data
set, the median time of the sizing (``size_forced_closes``: every due client's least
over-release close set), how each client's set was found (fast path, plain search,
exact or capped join, or budget = best found, not proven, with the over-release those
leave), the lots and over-release. Data sets:
synthetic books of 5,000 due clients, "typical" (short of 0.1-3 % of their margin: a few
lots) and "heavy" (0.2-15 %, as the demo's due clients); with ``--db URL`` also the
whole preview (reads included) of every due client of a settled database (e.g. the
large demo: build it with bench_demo_large.py). No asserts (STYLE B10).
The exact joins run in a spare process (``core.worker_pool``; ``RISKDESK_WORKERS=0``
runs everything in this one, to compare); the first call also starts that process and is
printed apart. ``--lots-slack N`` turns on the capped join
(``size_forced_closes(lots_slack=N)``, off by default) to compare its proofs and cost.
Run: .venv/bin/python benchmarks/bench_forced_close.py [--db URL] [--lots-slack N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from core import worker_pool
from core.rules.client_forced_close import (
    DEFAULT_LOTS_SLACK,
    PROVEN,
    STATUSES,
    CloseBook,
    CloseSizing,
    size_forced_closes,
)
from core.rules.funds import line_margin

CLIENTS = 5_000
TARGET_S = 1.0
RUNS = 3
PRICES = np.array(
    [
        219_200,
        88_450,
        315_400,
        151_650,
        754_400,
        228_200,
        267_700,
        739_700,
        622_000,
        593_800,
        823_800,
    ]
)
MULTS = np.array([10, 100, 10, 60, 5, 10, 10, 5, 5, 5, 10])


def synthetic(low: float, high: float, seed: int = 7) -> tuple[CloseBook, np.ndarray]:
    """5,000 clients of 1-21 lines (mean 6), 1-59 lots a line, short of a uniform
    fraction in [low, high) of their margin."""
    rng = np.random.default_rng(seed)
    lines = np.clip(rng.poisson(6, CLIENTS), 1, 21)
    client = np.repeat(np.arange(CLIENTS), lines)
    k = rng.integers(0, PRICES.size, client.size)
    lots = rng.integers(1, 60, client.size)
    rate = rng.choice([70_000, 80_000, 90_000, 120_000], client.size)
    book = CloseBook.of(client, PRICES[k], MULTS[k], lots, rate, n_clients=CLIENTS)
    margin = line_margin(PRICES[k], MULTS[k], lots, rate)
    total = np.bincount(client, weights=margin, minlength=CLIENTS)
    return book, (total * rng.uniform(low, high, CLIENTS)).astype(np.int64)


def describe(
    sizing: CloseSizing, seconds: list[float], clients: int, cpu: list[float] | None = None
) -> None:
    med = statistics.median(seconds)
    counts = {s: int((sizing.status == i).sum()) for i, s in enumerate(STATUSES)}
    proven = sum(v for s, v in counts.items() if s in PROVEN)
    need = sizing.required_fen > 0
    over = sizing.over_release[need] / sizing.required_fen[need]
    print(
        f"  sizing median {med:.3f} s for {clients:,} clients "
        f"({med / max(clients, 1) * 1e3:.3f} ms each; target {TARGET_S} s for 5,000)"
    )
    if cpu:
        med = statistics.median(cpu)
        print(f"  sizing CPU median {med:.3f} s (this process; the spare one not counted)")
    print(f"  how: {counts}; proven least {proven / max(clients, 1):.1%}")
    budget = sizing.status == STATUSES.index("budget")
    if budget.any():
        left = sizing.over_release[budget]
        print(
            f"  best found, not proven: {int(budget.sum()):,} clients "
            f"({budget.mean():.1%}); their over-release median {np.median(left) / 100:.2f}, "
            f"p90 {np.percentile(left, 90) / 100:.2f}, total {left.sum() / 100:,.2f} yuan"
        )
    print(
        f"  lots per client mean {sizing.lots[need].mean():.2f}; over-release ÷ required "
        f"median {np.median(over):.4%}, p99 {np.percentile(over, 99):.4%}"
    )


def bench(book: CloseBook, required: np.ndarray, lots_slack: int = DEFAULT_LOTS_SLACK) -> None:
    seconds, cpu = [], []
    sizing = None
    for _ in range(RUNS):
        t0, c0 = time.perf_counter(), time.process_time()
        sizing = size_forced_closes(book, required, lots_slack=lots_slack)
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    assert sizing is not None
    describe(sizing, seconds, book.n_clients, cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="a settled database URL (e.g. the large demo)")
    parser.add_argument("--lots-slack", type=int, default=DEFAULT_LOTS_SLACK)
    args = parser.parse_args()
    print(f"lots_slack {args.lots_slack} ({'capped join off' if args.lots_slack < 0 else 'on'})")
    print(f"spare processes {worker_pool.spare_processes()} ({worker_pool.ENV} to change)")
    book, required = synthetic(0.001, 0.03, seed=1)
    t0 = time.perf_counter()
    size_forced_closes(book, required, lots_slack=args.lots_slack)
    print(f"first call (starts the spare processes): {time.perf_counter() - t0:.3f} s")
    for name, low, high in (("typical", 0.001, 0.03), ("heavy", 0.002, 0.15)):
        book, required = synthetic(low, high)
        print(f"synthetic {name}: {CLIENTS:,} due clients, {len(book):,} lines")
        bench(book, required, args.lots_slack)
    if args.db:
        from core.services.forced_close import preview_forced_close
        from core.services.store import open_database

        db = open_database(args.db)
        previews = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            with db.reader() as reader:
                pv = preview_forced_close(reader)
            previews.append(time.perf_counter() - t0)
        print(
            f"database {args.db}: {len(pv.clients):,} due clients after {pv.trading_day}, "
            f"{len(pv.lines):,} lines, {len(pv.orders):,} orders"
        )
        print(
            f"  whole preview (reads, rates, sizing, tables) median "
            f"{statistics.median(previews):.3f} s"
        )
        bench(pv.book, pv.sizing.required_fen, args.lots_slack)


if __name__ == "__main__":
    main()
