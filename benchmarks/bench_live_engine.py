"""Live engine at full scale: 100,000 accounts / 1,000,000 position lines.

Prints figures (median of many runs); asserts nothing. Run:
    .venv/bin/python benchmarks/bench_live_engine.py
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from datetime import UTC, date, datetime

import numpy as np

from core.live import ContractDay, FakeClock, LiveRiskEngine, PriceTick
from core.live.feed import limit_prices

N_ACCOUNTS = 100_000
N_LINES = 1_000_000
N_CONTRACTS = 120
HOT_ACCOUNTS = 10_000  # contract 0 is held by exactly this many accounts
AT = datetime(2024, 9, 2, 1, 0, tzinfo=UTC)


def build_state(seed: int = 20240902):
    rng = np.random.default_rng(seed)
    contracts = []
    for i in range(N_CONTRACTS):
        prior = int(rng.integers(2_000, 9_000)) * 100
        lo, up = limit_prices(prior, 40_000, 100)
        contracts.append(ContractDay(f"c{i:03d}", prior, up, lo, 100, 10, 80_000, 60_000, 5_000))
    hot_acc = rng.choice(N_ACCOUNTS, HOT_ACCOUNTS, replace=False)
    rest = N_LINES - HOT_ACCOUNTS
    acct = np.concatenate([hot_acc, rng.integers(0, N_ACCOUNTS, rest)])
    con = np.concatenate([np.zeros(HOT_ACCOUNTS, np.int64), rng.integers(1, N_CONTRACTS, rest)])
    side = np.concatenate([np.ones(HOT_ACCOUNTS, np.int64), rng.choice([-1, 1], rest)])
    hedge = rng.random(N_LINES) < 0.05
    # unique (account, contract, side, hedge) lines
    key = ((acct * N_CONTRACTS + con) * 2 + (side > 0)) * 2 + hedge
    _, first = np.unique(key, return_index=True)
    keep = np.sort(first)
    extra = N_LINES - len(keep)
    print(f"lines: {len(keep):,} unique (dropped {extra:,} duplicates)")
    acct, con, side, hedge = acct[keep], con[keep], side[keep], hedge[keep]
    lots = rng.integers(1, 200, len(keep))
    codes = [f"C{i:06d}" for i in range(N_ACCOUNTS)]
    cash = rng.integers(1_000_000, 500_000_000, N_ACCOUNTS)
    return contracts, codes, cash, acct, con, side, hedge, lots


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    contracts, codes, cash, acct, con, side, hedge, lots = build_state()
    gc.collect()
    tracemalloc.start()
    t0 = time.perf_counter()
    engine = LiveRiskEngine(
        trading_day=date(2024, 9, 2),
        contracts=contracts,
        account_codes=codes,
        balance_fen=cash,
        line_account=acct,
        line_contract=con,
        line_side=(side < 0).astype(np.int64),  # side codes: 0 long, 1 short
        line_hedge=hedge,
        line_lots=lots,
        clock=FakeClock(),
    )
    snap = engine.snapshot()
    build_s = time.perf_counter() - t0
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"build engine + first snapshot: {build_s:.2f} s")
    print(
        f"engine state + one snapshot (tracemalloc): {current / 2**20:,.0f} MiB "
        f"(peak during build {peak / 2**20:,.0f} MiB)"
    )

    hot = contracts[0]
    prices = [hot.prior_settlement_fen + (k % 20 - 10) * 100 for k in range(1000)]
    it = iter(prices * 10)
    n_hot = int((snap.positions["contract_index"] == 0).sum())
    print(f"hot contract lines: {n_hot:,}")
    one = median_ms(lambda: engine.update([PriceTick(hot.code, next(it), AT)]), 500)
    print(f"one tick, contract held by {HOT_ACCOUNTS:,} accounts (update): {one:.3f} ms")
    snap_ms = median_ms(engine.snapshot, 50)
    print(f"snapshot after nothing changed: {snap_ms:.3f} ms")

    def tick_and_snapshot() -> None:
        engine.apply([PriceTick(hot.code, next(it), AT)])

    print(f"one tick + snapshot (apply): {median_ms(tick_and_snapshot, 100):.3f} ms")
    snap_times = []
    for _ in range(100):
        engine.update([PriceTick(hot.code, next(it), AT)])
        t0 = time.perf_counter()
        engine.snapshot()
        snap_times.append((time.perf_counter() - t0) * 1000)
    print(
        f"snapshot after one tick (copies the changed columns): "
        f"{statistics.median(snap_times):.3f} ms"
    )

    all_ticks = [
        [PriceTick(c.code, c.prior_settlement_fen + 100 * (k % 2 + 1), AT) for c in contracts]
        for k in range(2)
    ]
    k = iter(range(10**6))
    full = median_ms(lambda: engine.update(all_ticks[next(k) % 2]), 21)
    print(f"full revaluation, all {engine.line_count:,} lines ({N_CONTRACTS} ticks): {full:.1f} ms")

    full_apply = median_ms(lambda: engine.apply(all_ticks[next(k) % 2]), 21)
    print(f"full revaluation + snapshot (apply): {full_apply:.1f} ms")
    with open("/proc/self/status", encoding="ascii") as status:
        rss = next(line for line in status if line.startswith("VmHWM"))
    print(f"process peak RSS: {int(rss.split()[1]) / 2**20:.2f} GiB")


if __name__ == "__main__":
    main()
