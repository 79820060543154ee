"""A grid of stress scenarios × outcomes (issue 16 item 3): time of the grid.

Target (issue 16, on the large set): a grid of 50 one-day scenarios <= 10 s. The grid
(``core.services.stress_grid.run_grid``) reads the base day's book once, prepares the
first scenario day once and settles each scenario from it. Prints: the read, the
preparation, each scenario's time (median, slowest), the total with and without the
read, the rows that liquidate, and for comparison three of the scenarios run one by one
(``run_scenario`` without the shared preparation). No asserts (STYLE B10).

Run on a COPY of the large demo (opening a database may upgrade it):
    cp /work/bench/large_new.sqlite /tmp/large.sqlite
    .venv/bin/riskdesk --db sqlite:////tmp/large.sqlite db upgrade
    .venv/bin/python benchmarks/bench_stress_grid.py --db sqlite:////tmp/large.sqlite
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time

from core.db.engine import open_database
from core.rules.daily_settlement import DaySettlementParams
from core.rules.stress_run import prepare_first_day, run_scenario
from core.services.stress import start_inputs, stored_closing_orders
from core.services.stress_grid import GridRequest, run_grid, shock_scenarios
from core.trading_calendar import default_calendar


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="SQLAlchemy URL of a settled database (a copy)")
    ap.add_argument("--products", type=int, default=5, help="products shocked (x 10 scenarios)")
    args = ap.parse_args()
    cal = default_calendar()
    db = open_database(args.db)
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    with db.reader() as reader:
        scenarios = shock_scenarios(reader, products=args.products)
        marks: list[float] = []

        def report(done: int, total: int) -> None:
            marks.append(time.perf_counter())

        t0, c0 = time.perf_counter(), time.process_time()
        view = run_grid(reader, GridRequest(tuple(scenarios)), report=report)
        total, cpu = time.perf_counter() - t0, time.process_time() - c0
        # marks: 0 before the read, 1 after read + prepare, 2.. after each scenario
        each = [b - a for a, b in itertools.pairwise(marks[1:])]
        print(
            f"grid of {len(scenarios)} one-day scenarios after {view.day}: {total:.2f} s "
            f"in all, {cpu:.2f} s CPU (target <= 10 s); read, prepare and base settlement "
            f"once {marks[1] - marks[0]:.2f} s; "
            f"scenarios {marks[-1] - marks[1]:.2f} s (median {statistics.median(each):.3f} s, "
            f"slowest {max(each):.3f} s)"
        )
        liquidating = view.table[view.table["liquidation_lots"].fillna(0) > 0]
        print(
            f"{len(liquidating)} scenario(s) put a member below zero (liquidation computed): "
            + ", ".join(liquidating["scenario"].tolist())
        )
        t = time.perf_counter()
        start = start_inputs(reader, None, cal)
        read_s = time.perf_counter() - t
        params = DaySettlementParams(calendar=cal)
        t = time.perf_counter()
        prepared = prepare_first_day(start, cal, params)
        prep_s = time.perf_counter() - t
        orders = stored_closing_orders(reader)
        print(f"read alone {read_s:.2f} s; prepare alone {prep_s:.2f} s")
        for s in scenarios[:3]:
            t = time.perf_counter()
            run_scenario(start, s, cal, params=params, stored_orders=orders)
            alone = time.perf_counter() - t
            t = time.perf_counter()
            run_scenario(
                start, s, cal, params=params, stored_orders=orders, first_prepared=prepared
            )
            shared = time.perf_counter() - t
            print(f"{s.name!r}: alone {alone:.2f} s, from the shared preparation {shared:.2f} s")


if __name__ == "__main__":
    main()
