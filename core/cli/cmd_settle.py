"""``riskdesk settle --date D [--dry-run]``: the daily settlement of every client and member.

Progress (stage and percent) goes to stderr, the summary to stdout. Exit codes: 0
settled (or, with ``--dry-run``, computed without writing); 1 settlement refused because
the database lacks or has bad data for D (missing or off-tick settlement prices, no
prior-day positions/balances, impossible closes: each problem on its own line); 2 bad
input (a malformed date, a day that is not a trading day or lies outside the calendar).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from core.progress import ProgressState


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "settle",
        help="run the daily settlement of a trading day (see docs/settlement.md)",
        description="Settle every client and member for trading day D in one "
        "transaction: re-margin positions at S(D), write client balances and the "
        "member's reserve. Rerunning a day replaces its results.",
    )
    p.add_argument("--date", type=_day, required=True, metavar="YYYY-MM-DD", dest="day")
    p.add_argument("--dry-run", action="store_true", help="compute and report; write nothing")
    p.set_defaults(func=run)


class _StderrProgress(ProgressState):
    """A ProgressState that also prints each stage and every ~10 % to stderr."""

    def __init__(self) -> None:
        super().__init__()
        self._last: tuple[str, int] = ("", -1)

    def report(self, stage: str, done: int, total: int | None = None) -> None:
        pct = (100 * done // total) if total else 0
        key = (stage, pct // 10)
        if key != self._last:
            self._last = key
            print(f"settle: {stage} {pct}%", file=sys.stderr, flush=True)
        super().report(stage, done, total)


def run(args: argparse.Namespace) -> int:
    from core.cli.support import open_cli_database
    from core.config import current_user
    from core.services.settlement import SettlementRefusedError, run_daily_settlement

    db = open_cli_database(args)
    printer = _StderrProgress()
    try:
        result, _changes = run_daily_settlement(
            db,
            args.day,
            user=current_user(),
            progress=printer,
            dry_run=args.dry_run,
        )
    except SettlementRefusedError as exc:
        print(f"settlement of {args.day.isoformat()} refused:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2 if exc.bad_input else 1
    finally:
        db.engine.dispose()
    for line in result.summary_lines():
        print(line)
    timings = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result.stage_seconds)
    print(f"time: {timings}", file=sys.stderr)
    return 0
