"""Stress scenarios chained over the whole book (issue 16): time per scenario.

Targets (issue 16, on the large set): a three-day chained scenario <= 2 s; a grid of
50 one-day scenarios <= 10 s. Prints: the read of the base day's book (once), each
starter-library scenario (its days, the clients, the time, per day), and a grid of
one-day scenarios (every product −1 % … −N %) from one read, with the time per
scenario. No asserts (STYLE B10).

Run on a COPY of the large demo (opening a database may upgrade it):
    cp /work/bench/large_new.sqlite /tmp/large.sqlite
    .venv/bin/python benchmarks/bench_stress.py --db sqlite:////tmp/large.sqlite [--grid 10]
"""

from __future__ import annotations

import argparse
import os
import time

from core.db.call_queries import latest_balance_day
from core.db.day_inputs import read_day_inputs
from core.db.engine import open_database
from core.rules.daily_settlement import DaySettlementParams
from core.rules.stress_run import run_scenario
from core.rules.stress_scenario import Scenario, ScenarioDay, Target, library_scenarios, parse_move
from core.trading_calendar import default_calendar


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="SQLAlchemy URL of a settled database (a copy)")
    ap.add_argument("--grid", type=int, default=10, help="one-day scenarios in the grid")
    args = ap.parse_args()
    cal = default_calendar()
    params = DaySettlementParams(calendar=cal)
    db = open_database(args.db)
    print(f"machine: {os.cpu_count()} cores")
    t0 = time.perf_counter()
    with db.reader() as reader:
        base = latest_balance_day(reader.session)
        assert base is not None
        start = read_day_inputs(
            reader.session, cal.next_td(base), base, None, prior_base_day=cal.prev_td(base)
        )
    read_s = time.perf_counter() - t0
    print(
        f"base day {base}: {len(start.clients):,} clients, {start.pos_client.size:,} position "
        f"lines; read {read_s:.2f} s (once)"
    )
    for scenario in [s for s in library_scenarios() if s.history is None]:
        ticks: list[float] = []
        last = [time.perf_counter()]

        def report(
            done: int, total: int, ticks: list[float] = ticks, last: list[float] = last
        ) -> None:
            now = time.perf_counter()
            if done:
                ticks.append(now - last[0])
            last[0] = now

        t = time.perf_counter()
        result = run_scenario(start, scenario, cal, params=params, report=report)
        total = time.perf_counter() - t
        target = " (target <= 2 s for three days)" if len(scenario.days) == 3 else ""
        print(
            f"{scenario.name!r}: {len(result.days)} day(s), {total:.2f} s{target}; per day "
            + ", ".join(f"{x:.2f}" for x in ticks)
            + f"; reduced {sum(d.reduced_lots for d in result.days):,} lots, liquidated "
            f"{sum(d.liquidated_lots for d in result.days):,} lots"
        )
    grid = [
        Scenario(f"all -{k}%", (ScenarioDay(moves=(parse_move(f"-{k}%", Target("all"), "b"),)),))
        for k in range(1, args.grid + 1)
    ]
    t = time.perf_counter()
    for scenario in grid:
        run_scenario(start, scenario, cal, params=params)
    total = time.perf_counter() - t
    print(
        f"grid of {len(grid)} one-day scenarios: {total:.2f} s, {total / len(grid):.2f} s each "
        f"(target: 50 in <= 10 s, i.e. 0.2 s each; 50 would take {50 * total / len(grid):.1f} s)"
    )
    db.engine.dispose()


if __name__ == "__main__":
    main()
