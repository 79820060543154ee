"""Intraday available funds for 100,000 accounts / ~1,000,000 position lines.

Builds a synthetic book (deterministic seed), applies a batch of 10,000 trades
(opens, closes first-in-first-out) and recomputes available funds, either for every
account or only for the accounts the batch touched. Prints the median of several runs
against the target (<= 100 ms per batch). Figures only, no assertion on time.

    .venv/bin/python benchmarks/bench_intraday_funds.py [--accounts N] [--runs R]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from core.rules.funds import (
    ACTION_CLOSE,
    ACTION_OPEN,
    AccountBook,
    LineBook,
    TradeBatch,
    apply_trades,
    intraday_funds,
    offset_value_matrix,
)

N_PRODUCTS = 20
TARGET_MS = 100.0


def build(
    n_accounts: int, lines_per_account: int, seed: int
) -> tuple[LineBook, AccountBook, np.ndarray, np.random.Generator]:
    rng = np.random.default_rng(seed)
    n = n_accounts * lines_per_account
    account = np.repeat(np.arange(n_accounts, dtype=np.int64), lines_per_account)
    product = rng.integers(0, N_PRODUCTS, n)
    mult = np.array(
        [10, 10, 10, 10, 10, 5, 5, 5, 100, 100, 60, 10, 10, 10, 5, 5, 10, 10, 20, 10],
        dtype=np.int64,
    )[product]
    book = LineBook.from_arrays(
        account=account,
        product=product,
        multiplier=mult,
        side=rng.choice(np.array([0, 1]), n),
        prior_fen=rng.integers(80_000, 1_000_000, n) // 100 * 100,
        rate_ppm=rng.choice(np.array([50_000, 80_000, 100_000, 120_000, 200_000]), n),
        hist_lots=rng.integers(0, 200, n),
        n_accounts=n_accounts,
        n_products=N_PRODUCTS,
        last_fen=rng.integers(80_000, 1_000_000, n),
    )
    accounts = AccountBook.zeros(n_accounts)
    accounts.balance[:] = rng.integers(10**8, 10**11, n_accounts)
    n_rec = n_accounts // 10
    ov = offset_value_matrix(
        rng.integers(0, n_accounts, n_rec),
        rng.integers(0, N_PRODUCTS, n_rec),
        rng.integers(10, 1_000, n_rec),
        rng.integers(200_000, 500_000, n_rec),
        800_000,
        n_accounts,
        N_PRODUCTS,
    )
    return book, accounts, ov, rng


def make_batch(book: LineBook, rng: np.random.Generator, n_trades: int) -> TradeBatch:
    n = book.account.size
    lines = rng.integers(0, n, n_trades)
    action = np.where(rng.random(n_trades) < 0.5, ACTION_OPEN, ACTION_CLOSE).astype(np.int8)
    rows = lines  # row i of the book is line i
    # closes take at most what the line held before the batch, split over its closes
    held = book.hist_lots[rows] + book.today_lots[rows]
    closes_per_line = np.bincount(lines[action == ACTION_CLOSE], minlength=n)[lines]
    cap = np.where(closes_per_line > 0, held // np.maximum(closes_per_line, 1), 0)
    lots = np.where(
        action == ACTION_OPEN,
        rng.integers(1, 20, n_trades),
        np.minimum(rng.integers(1, 20, n_trades), cap),
    )
    price = book.prior_fen[rows] + rng.integers(-50, 50, n_trades) * 100
    fee = lots * 150
    return TradeBatch.of(lines, action, lots, price, fee)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--lines-per-account", type=int, default=10)
    ap.add_argument("--trades", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--seed", type=int, default=20240422)
    args = ap.parse_args()

    t0 = time.perf_counter()
    book, accounts, ov, rng = build(args.accounts, args.lines_per_account, args.seed)
    print(
        f"book: {args.accounts:,} accounts, {book.account.size:,} position lines, "
        f"{N_PRODUCTS} products; built in {(time.perf_counter() - t0) * 1e3:.0f} ms"
    )

    full_ms, apply_ms, incr_ms, total_incr_ms = [], [], [], []
    for _ in range(args.runs):
        batch = make_batch(book, rng, args.trades)
        t1 = time.perf_counter()
        res = apply_trades(book, accounts, batch)
        t2 = time.perf_counter()
        intraday_funds(book, accounts, ov, only=res.touched_accounts)
        t3 = time.perf_counter()
        intraday_funds(book, accounts, ov, deduct_floating_loss=False)
        t4 = time.perf_counter()
        apply_ms.append((t2 - t1) * 1e3)
        incr_ms.append((t3 - t2) * 1e3)
        total_incr_ms.append((t3 - t1) * 1e3)
        full_ms.append((t4 - t3) * 1e3)
        book.compact_open_queue()
    med = statistics.median
    print(
        f"batch of {args.trades:,} trades, median of {args.runs} runs "
        f"(touched accounts per batch ~{res.touched_accounts.size:,}):"
    )
    print(f"  apply_trades (FIFO, close P&L, fees)        {med(apply_ms):7.1f} ms")
    print(f"  recompute touched accounts only            {med(incr_ms):7.1f} ms")
    print(
        f"  batch total, incremental                   {med(total_incr_ms):7.1f} ms  "
        f"(target <= {TARGET_MS:.0f} ms)"
    )
    print(f"  recompute all {args.accounts:,} accounts (full)       {med(full_ms):7.1f} ms")
    print(f"  batch total, full recompute                {med(apply_ms) + med(full_ms):7.1f} ms")


if __name__ == "__main__":
    main()
