"""Statements to sign off: one client of 100,000, daily and monthly (issue #15 item 5).

No target of its own; the screens' rule (under a second on the large demo) applies to
the export behind *Export PDF…* and *Monthly statement…*. Over ``--clients`` random
clients with fills on the last settled day: the daily statement's read
(``daily_signoff``: the stored statement and the closed lines from the client's own
inputs), its PDF, the monthly statement's read and its PDF; the process's first call
apart, then median, p95 and max.

The database is opened (and upgraded) in place: use a copy of the large demo. Prints
figures; asserts nothing (STYLE B10).
Run: .venv/bin/python benchmarks/bench_statements.py --db sqlite:///COPY.sqlite
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from core.db.tables import ClientBalance, Trade
from core.reports.signoff import render_signoff_pdf
from core.services.client_statements import daily_signoff, monthly_statement
from core.services.store import open_database


def figures(label: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"  {label:<26} median {statistics.median(ordered) * 1000:6.1f} ms   "
        f"p95 {p95 * 1000:6.1f} ms   max {ordered[-1] * 1000:6.1f} ms   (n={len(ordered)})"
    )


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True, help="a copy of the large demo")
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    db = open_database(args.db)
    with db.reader() as reader:
        s = reader.session
        day = s.execute(select(func.max(ClientBalance.trading_day))).scalar_one()
        traded = sorted(
            s.execute(select(Trade.client_code).where(Trade.trading_day == day).distinct())
            .scalars()
            .all()
        )
        clients = random.Random(args.seed).sample(traded, min(args.clients, len(traded)))
        print(f"large demo {args.db}: day {day}, {len(traded):,} clients with fills; 2 cores")
        print(f"load average {os.getloadavg()[0]:.1f}")
        times: dict[str, list[float]] = {k: [] for k in ("daily", "daily_pdf", "month", "pdf")}
        first: dict[str, float] = {}
        pieces = 0
        for i, code in enumerate(clients):
            st, t_daily = timed(lambda c=code: daily_signoff(reader, c, day))
            _, t_daily_pdf = timed(lambda st=st: render_signoff_pdf(st, "zh"))
            m, t_month = timed(lambda c=code: monthly_statement(reader, c, day))
            _, t_pdf = timed(lambda m=m: render_signoff_pdf(m, "zh"))
            pieces += len(st.closed)
            row = {"daily": t_daily, "daily_pdf": t_daily_pdf, "month": t_month, "pdf": t_pdf}
            if i == 0:
                first = row
                continue
            for k, v in row.items():
                times[k].append(v)
    print(
        "first call: "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in first.items())
        + f"; {pieces:,} closed pieces in all"
    )
    print(figures("daily statement read", times["daily"]))
    print(figures("daily statement PDF", times["daily_pdf"]))
    print(figures("monthly statement read", times["month"]))
    print(figures("monthly statement PDF", times["pdf"]))
    db.engine.dispose()


if __name__ == "__main__":
    main()
