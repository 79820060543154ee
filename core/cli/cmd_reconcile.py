"""Reconciliation with the counter's statements: ``reconcile`` and ``ctp-statements``
(docs/reconciliation.md).

``reconcile`` reads statement files (CTP settlement text, GBK or UTF-8), compares every
client field by field and line by line with RiskDesk's settlement of the same day (0
fen tolerance), prints the summary and the differences with their likely cause and
exits 1 when there is any difference (a break), 0 when everything matches; ``--out``
writes the differences (.csv, .xlsx). The run is audited (``reconcile.run``).
``ctp-statements`` writes RiskDesk's own client statements of a settled day in the CTP
text layout (audited as an export).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.cli.cmd_risk import _check_out, _database, _day
from core.cli.support import out_file


def _processes(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: at least 1")
    return n


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "reconcile",
        help="compare counter (CTP) statements with RiskDesk's settlement, to the fen",
        description="Read CTP settlement statements (GBK or UTF-8 text, one or many "
        "clients per file) and compare every client with RiskDesk's settlement of the "
        "same day: account summary, positions per contract/side/hedge flag, closed "
        "lines, trades and deposits, with 0 fen tolerance. Prints the summary and every "
        "difference with both values, its size and its likely cause. Exit status 1 when "
        "anything differs, 0 when everything matches.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="statement file(s)")
    p.add_argument("--date", type=_day, help="only the statements of this day (default: every day)")
    p.add_argument(
        "--out", type=out_file, metavar="FILE", help="write the differences (.csv, .xlsx)"
    )
    p.add_argument(
        "--show",
        type=_processes,
        default=50,
        metavar="N",
        help="print at most N differences (default 50; --out has them all)",
    )
    p.add_argument(
        "--processes",
        type=_processes,
        metavar="N",
        help="readers for large files (default: the machine's cores)",
    )
    p.set_defaults(func=run_reconcile)

    p = sub.add_parser(
        "ctp-statements",
        help="RiskDesk's client statements of a settled day in the CTP text layout",
        description="Write every client's statement of a settled day in the counter's "
        "(CTP) settlement text layout, GBK, so tools that read counter statements read "
        "RiskDesk's (audited).",
    )
    p.add_argument("--date", type=_day, required=True, help="settled day")
    p.add_argument("--out", type=out_file, required=True, metavar="FILE", help="text file")
    p.set_defaults(func=run_ctp_statements)


def run_reconcile(args: argparse.Namespace) -> int:
    from core.config import current_user
    from core.reports.export import format_table
    from core.services.reconcile import breaks_frame, export_breaks, reconcile

    _check_out(args)
    with _database(args) as db:
        run, _ = reconcile(
            db, args.files, day=args.date, user=current_user(), processes=args.processes
        )
        for d in run.result.days:
            print(
                f"{d.day.isoformat()}: {d.statements_counter:,} statements in the files, "
                f"{d.statements_riskdesk:,} in RiskDesk; matched {d.matched:,}, differing "
                f"{d.differing:,}, only in the files {d.only_counter:,}, only in RiskDesk "
                f"{d.only_riskdesk:,}; {d.differences:,} differences"
            )
        print(run.result.summary_line())
        for w in run.warnings:
            print(f"warning: {w}")
        table = breaks_frame(run)
        if len(table):
            shown = table.head(args.show)
            print(format_table(shown.drop(columns=["name"]), title="\ndifferences:"))
            if len(table) > len(shown):
                print(f"... and {len(table) - len(shown):,} more (--out writes them all)")
        if args.out is not None:
            path, _ = export_breaks(db, run, args.out, user=current_user())
            print(f"written {len(table):,} differences to {path}")
    return 1 if run.result.total_differences else 0


def run_ctp_statements(args: argparse.Namespace) -> int:
    from core.config import current_user
    from core.services.reconcile import write_riskdesk_statements

    with _database(args) as db:
        n, _ = write_riskdesk_statements(db, args.date, args.out, user=current_user())
    print(f"written {n:,} client statements of {args.date.isoformat()} to {args.out}")
    return 0
