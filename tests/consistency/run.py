"""Run the consistency checks on any database (issue #10: "the figures agree on the small
and large demo sets"). The pytest suite runs them on the small demo and generated
databases; this runs them, read-only, where a test run would be too slow.

    python -m tests.consistency.run --db sqlite:////path/large.sqlite [--member 0101]
        [--day 2026-11-20] [--check NAME ...]

Prints one line per check (figures compared, differences, seconds) and the first
differences; exits 1 if any check found a difference.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date

from core.db.engine import open_database
from core.errors import ConfigError
from tests.consistency import checks
from tests.consistency.checks import Case, Mismatches

# The read-only checks of test_small_demo.py, in its order (funds_conserved per day below).
CHECKS = (
    "start_of_day_lines",
    "start_of_day_accounts",
    "start_of_day_member",
    "overview_matches_accounts",
    "risk_levels_agree",
    "call_card_equals_call_list",
    "replay_pnl",
    "replay_margins",
    "replay_monitor_margins",
    "liquidation_margins",
    "same_positions",
    "calc_client_funds_vs_intraday",
    "calc_client_funds_vs_monitor",
    "calc_member_settlement",
    "reserve_identity",
    "client_panel",
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--member", default="0101")
    ap.add_argument("--day", type=date.fromisoformat, default=date(2026, 11, 20))
    ap.add_argument("--check", action="append", choices=CHECKS, help="only these checks")
    args = ap.parse_args(argv)
    try:
        db = open_database(args.db, create=False)
    except ConfigError as exc:  # a wrong URL or an old schema: say so, no traceback
        print(f"consistency: {exc}", file=sys.stderr)
        return 2
    case = Case(db=db, member=args.member, settled_day=args.day, label=args.db)
    runs: list[tuple[str, object]] = [(n, getattr(checks, n)) for n in args.check or CHECKS]
    if not args.check:
        runs += [
            ("funds_conserved(D)", lambda c: checks.funds_conserved(c, c.settled_day)),
            ("funds_conserved(D-1)", lambda c: checks.funds_conserved(c, c.prev_day)),
        ]
    failed = 0
    for name, check in runs:
        t0 = time.perf_counter()
        try:
            found: Mismatches = check(case)  # type: ignore[operator]
        except Exception as exc:  # a check that cannot run (unknown member, no day) fails
            print(f"{name:32} ERROR {type(exc).__name__}: {exc}", flush=True)
            failed += 1
            continue
        secs = time.perf_counter() - t0
        status = "DIFFERS" if found else ("ok" if found.compared else "NOTHING COMPARED")
        print(
            f"{name:32} {found.compared:>10,} compared  {len(found.items):>5} diff  "
            f"{secs:7.1f} s  {status}",
            flush=True,
        )
        if found:
            failed += 1
            print("  " + found.report(case.label))
    db.engine.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
