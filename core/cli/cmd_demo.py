"""``riskdesk demo --scale small|large [--seed N] [--end-day DATE] [--check]``.

Creates (replaces) the demo data set in the database of ``--db`` / ``$RISKDESK_DB_URL``.
``--check`` only tells whether demo data is there: exit 0 if so, 1 if not (scripts/run
uses it to create the demo database on first use).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo",
        help="create the demo data set (see docs/demo-data.md)",
        description="Replace the demo data in the database with a deterministic data set: "
        "one member, its clients, 60 trading days of prices, positions, trades, "
        "balances, hedge quotas and warehouse receipts.",
    )
    p.add_argument(
        "--scale",
        choices=("small", "large"),
        default="small",
        help="small: 500 clients (default); large: 100,000 clients, ~1,000,000 lines a day",
    )
    p.add_argument("--seed", type=int, default=None, help="random seed (same seed, same data)")
    p.add_argument(
        "--end-day",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help="last demo trading day (default: the last trading day on or before 2026-11-20)",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="do not create anything; exit 0 if the database holds demo data, 1 if not",
    )
    p.set_defaults(func=run)


class _Printer:
    """Prints progress on stderr, one line per stage and every ~10 % within a stage."""

    def __init__(self) -> None:
        self._stage = ""
        self._step = -1

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        step = (10 * done // total) if total else 0
        if (stage == self._stage and step == self._step) or (
            done == 0 and stage.startswith("write")
        ):
            return
        self._stage, self._step = stage, step
        amount = f" {done:,}/{total:,}" if total and stage.startswith("write") else ""
        print(f"demo: {stage}{amount}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from core.cli.support import open_cli_database
    from core.demo import DEFAULT_SEED, has_demo_data
    from core.demo.generator import DEMO_MEMBER_CODE, MIN_RESERVE_FEN
    from core.money import format_yuan
    from core.services.demo import create_demo_data

    db = open_cli_database(args, new_file=not args.check)  # demo makes a new database
    try:
        if args.check:
            present = has_demo_data(db)
            print("demo data present" if present else "no demo data")
            return 0 if present else 1
        seed = DEFAULT_SEED if args.seed is None else args.seed
        summary, _ = create_demo_data(
            db, scale=args.scale, seed=seed, end_day=args.end_day, progress=_Printer()
        )
    finally:
        db.engine.dispose()
    print(
        f"demo data created: scale {summary.scale}, seed {summary.seed}, "
        f"{summary.first_day} to {summary.end_day}"
    )
    width = max(len(name) for name in summary.counts)
    for name, count in summary.counts.items():
        print(f"  {name:<{width}}  {count:>10,}")
    lock_days = ", ".join(d.isoformat() for d in summary.lock_days)
    print(f"limit-locked (limit down): {summary.locked_contract} on {lock_days}")
    print(f"member {DEMO_MEMBER_CODE}, minimum reserve {format_yuan(MIN_RESERVE_FEN)} yuan")
    print(
        f"elapsed {summary.elapsed_seconds:.1f} s (generate {summary.generate_seconds:.1f} s, "
        f"write {summary.write_seconds:.1f} s)"
    )
    return 0
