"""Minimum-pairing delivery allocation: exact subset DP at 20 items, heuristic at 200.

Targets (task brief): exact ≤ 1 s at k + m = 20; heuristic ≤ 0.1 s at 200 items.
Also prints the heuristic's gap to its proven lower bound. Median of several runs, no
asserts.
Run: .venv/bin/python benchmarks/bench_delivery_allocation.py
"""

from __future__ import annotations

import random
import statistics
import time

from core.rules.delivery_allocation import allocate_delivery

EXACT_ITEMS = 20
HEURISTIC_ITEMS = 200
RUNS = 5


def instance(
    k: int, m: int, seed: int, distinct: bool
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Random seller: k warehouses, m buyers, equal totals (lots in 10-lot units).

    With ``distinct`` no warehouse equals a buyer, so the equal-pair step removes
    nothing and the DP sees all k + m items.
    """
    rng = random.Random(seed)
    while True:
        ws = [rng.randint(1, 60) * 10 for _ in range(k)]
        bs = [rng.randint(1, 60) * 10 for _ in range(m - 1)]
        last = sum(ws) - sum(bs)
        if last <= 0:
            continue
        bs.append(last)
        if not distinct or not set(ws) & set(bs):
            return (
                [(f"W{i:03d}", v) for i, v in enumerate(ws)],
                [(f"B{j:03d}", v) for j, v in enumerate(bs)],
            )


def main() -> None:
    times = []
    for run in range(RUNS):
        ws, bs = instance(EXACT_ITEMS // 2, EXACT_ITEMS // 2, 100 + run, distinct=True)
        t0 = time.perf_counter()
        res = allocate_delivery(ws, bs)
        times.append(time.perf_counter() - t0)
        assert res.method == "exact"
    med = statistics.median(times)
    print(
        f"delivery exact DP, {EXACT_ITEMS} items: median {med:.3f} s over {RUNS} runs "
        f"(target ≤ 1.0 s) {'OK' if med <= 1.0 else 'SLOWER THAN TARGET'}; last "
        f"{res.pair_count} pairs (= minimum)"
    )
    times, gaps = [], []
    for run in range(RUNS):
        ws, bs = instance(HEURISTIC_ITEMS // 2, HEURISTIC_ITEMS // 2, 200 + run, False)
        t0 = time.perf_counter()
        res = allocate_delivery(ws, bs)
        times.append(time.perf_counter() - t0)
        gaps.append(res.pair_count - res.lower_bound)
    med = statistics.median(times)
    print(
        f"delivery heuristic, {HEURISTIC_ITEMS} items: median {med:.4f} s over {RUNS} "
        f"runs (target ≤ 0.1 s) {'OK' if med <= 0.1 else 'SLOWER THAN TARGET'}"
    )
    print(
        f"  last: {res.pair_count} pairs, lower bound {res.lower_bound} "
        f"({res.equal_pairs} equal pairs); gap to bound per run: {gaps} "
        f"(naive bound k + m − 1 = {HEURISTIC_ITEMS - 1})"
    )


if __name__ == "__main__":
    main()
