"""Forced liquidation preview: 100,000 clients / 1,000,000 lines of one member.

Target (task brief): ≤ 0.5 s, exact integer fen. Prints the median of several runs
(wall and CPU time: on a loaded machine CPU time is the steadier figure) for the three
lots methods and a what-if deposit rerun; no asserts (STYLE B10).
Run: .venv/bin/python benchmarks/bench_forced_liquidation.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from core.money import fen_to_str
from core.rules.forced_liquidation import (
    LiquidationParams,
    LiquidationPreview,
    LotsMethod,
    MarginBook,
    preview_forced_liquidation,
)

LINES = 1_000_000
CLIENTS = 100_000
TARGET_S = 0.5
RUNS = 5


def make_book(seed: int = 20240902) -> MarginBook:
    rng = np.random.default_rng(seed)
    client = rng.integers(0, CLIENTS, LINES, dtype=np.int64)
    client[:CLIENTS] = np.arange(CLIENTS)
    contracts = tuple(f"{p}24{m:02d}" for p in ("m", "i", "y", "c", "jm") for m in (1, 5, 9))
    return MarginBook(
        clients=tuple(f"C{i:06d}" for i in range(CLIENTS)),
        contracts=contracts,
        client=client,
        contract=rng.integers(0, len(contracts), LINES, dtype=np.int64),
        side=(rng.random(LINES) < 0.5).astype(np.int64),
        lots=rng.integers(1, 500, LINES, dtype=np.int64),
        margin_per_lot_fen=rng.integers(100_000, 1_500_000, LINES, dtype=np.int64),
    )


def timed(
    book: MarginBook, params: LiquidationParams, deposit: int = 0
) -> tuple[float, LiquidationPreview]:
    """Wall seconds of one preview (``timed_cpu`` gives the CPU seconds too)."""
    wall, _, res = timed_cpu(book, params, deposit)
    return wall, res


def timed_cpu(
    book: MarginBook, params: LiquidationParams, deposit: int = 0
) -> tuple[float, float, LiquidationPreview]:
    # a deficit of about 5 % of the member's total margin, as in spec example (f)
    reserve = -int((book.lots * book.margin_per_lot_fen).sum()) // 20
    t0, c0 = time.perf_counter(), time.process_time()
    res = preview_forced_liquidation(book, reserve, params=params, deposit_fen=deposit, member="B")
    return time.perf_counter() - t0, time.process_time() - c0, res


def main() -> None:
    book = make_book()
    methods: tuple[LotsMethod, ...] = ("largest_remainder", "same_ratio", "fewest_lots")
    for method in methods:
        params = LiquidationParams(lots_method=method)
        runs = [timed_cpu(book, params) for _ in range(RUNS)]
        med = statistics.median(t for t, _, _ in runs)
        cpu = statistics.median(c for _, c, _ in runs)
        res = runs[-1][2]
        print(
            f"forced liquidation ({method}): {CLIENTS:,} clients / {LINES:,} lines: "
            f"median {med:.3f} s wall, {cpu:.3f} s CPU over {RUNS} runs "
            f"(target ≤ {TARGET_S:.1f} s) "
            f"{'OK' if med <= TARGET_S else 'SLOWER THAN TARGET'}"
        )
        print(
            f"  required {fen_to_str(res.required_fen)}, "
            f"ratio {res.ratio_decimal(12)}, "
            f"release {fen_to_str(res.total_release_fen)}, released "
            f"{fen_to_str(res.total_released_fen)}"
        )
    deposit = res.required_fen // 2
    t, c, res = timed_cpu(book, LiquidationParams(), deposit=deposit)
    print(
        f"  what-if deposit {fen_to_str(deposit)} (largest remainder): {t:.3f} s wall, "
        f"{c:.3f} s CPU, required "
        f"{fen_to_str(res.required_fen)}"
    )


if __name__ == "__main__":
    main()
