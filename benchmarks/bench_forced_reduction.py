"""Forced reduction preview: 1,000,000 position lines / 200,000 clients, one contract.

Target (task brief): ≤ 1 s. Prints the median of several runs; no asserts (STYLE B10).
Run: .venv/bin/python benchmarks/bench_forced_reduction.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from core.rules.forced_reduction import (
    LockDirection,
    PositionBook,
    ReductionParams,
    ReductionPreview,
    preview_forced_reduction,
)

LINES = 1_000_000
CLIENTS = 200_000
TARGET_S = 1.0
RUNS = 5


def make_book(seed: int = 20240901) -> tuple[PositionBook, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    client = rng.integers(0, CLIENTS, LINES, dtype=np.int64)
    client[:CLIENTS] = np.arange(CLIENTS)  # every client holds at least one line
    side = (rng.random(LINES) < 0.5).astype(np.int64)  # side codes: 0 long, 1 short
    lots = rng.integers(1, 200, LINES, dtype=np.int64)
    price = rng.integers(2_800, 3_400, LINES, dtype=np.int64) * 100  # fen
    hedge = rng.random(LINES) < 0.05
    book = PositionBook(
        clients=tuple(f"C{i:06d}" for i in range(CLIENTS)),
        client=client,
        side=side,
        lots=lots,
        open_price_fen=price,
        hedge=hedge,
    )
    order_client = rng.choice(CLIENTS, CLIENTS // 4, replace=False).astype(np.int64)
    order_lots = rng.integers(1, 300, order_client.size, dtype=np.int64)
    return book, order_client, order_lots


def run(
    book: PositionBook, oc: np.ndarray, ol: np.ndarray, params: ReductionParams
) -> tuple[float, ReductionPreview]:
    t0 = time.perf_counter()
    res = preview_forced_reduction(
        book,
        oc,
        ol,
        settlement_fen=300_000,
        multiplier=10,
        locked=LockDirection.LIMIT_DOWN,
        params=params,
        contract="m2409",
    )
    return time.perf_counter() - t0, res


def main() -> None:
    book, oc, ol = make_book()
    lrm = ReductionParams()
    runs = [run(book, oc, ol, lrm) for _ in range(RUNS)]
    med = statistics.median(t for t, _ in runs)
    res = runs[-1][1]
    print(
        f"forced reduction: {LINES:,} lines / {CLIENTS:,} clients: median "
        f"{med:.3f} s over {RUNS} runs (target ≤ {TARGET_S:.1f} s) "
        f"{'OK' if med <= TARGET_S else 'SLOWER THAN TARGET'}"
    )
    print(
        f"  declared {int(res.declared.sum()):,} lots by "
        f"{int((res.declared > 0).sum()):,} clients; reduced "
        f"{int(res.reduced.sum()):,}; unfilled {res.unfilled:,}; tiers used "
        f"{[s.tier for s in res.steps]}"
    )
    t_half, half = run(book, oc, ol, ReductionParams(rounding="half_up"))
    print(
        f"  half-up comparison run: {t_half:.3f} s; reduced {int(half.reduced.sum()):,}"
        f" vs filled {int(half.filled.sum()):,} (overshoot {half.overshoot:+,})"
    )


if __name__ == "__main__":
    main()
