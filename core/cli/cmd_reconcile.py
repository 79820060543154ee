"""Reconciliation with the counter's, CFMMC's and the exchange's statements:
``reconcile``, ``ctp-statements``, ``cfmmc-statements`` and ``member-statements``
(docs/reconciliation.md).

``reconcile`` reads statement files, each file's format told by its content (CTP
settlement text, GBK or UTF-8; CFMMC daily statements, .xls/.xlsx, one client each; the
member's settlement CSV), or folders of them; compares every client and member field
by field and line by line with RiskDesk's settlement of the same day (0 fen
tolerance), prints the summary and the differences with their likely cause and exits 1
when there is any difference (a break), 0 when everything matches; ``--out`` writes the
differences (.csv, .xlsx). The run is audited (``reconcile.run``). The three writers
give RiskDesk's own statements of a settled day in each layout (audited as exports).
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
        help="compare counter (CTP), CFMMC and member statements with RiskDesk's "
        "settlement, to the fen",
        description="Read statement files, each file's format told by its content: CTP "
        "settlement text (GBK or UTF-8, one or many clients per file), CFMMC daily "
        "statements (.xls/.xlsx, one client each) and the member's settlement CSV "
        "(docs/reconciliation.md). Compare every client and member with RiskDesk's "
        "settlement of the same day: account summary, positions per contract/side/hedge "
        "flag, closed lines, trades, deposits and the member's figures, with 0 fen "
        "tolerance. With CTP text every client of the day takes part (a client missing "
        "from it is a break); otherwise only the clients and members the files hold. "
        "Prints the summary and every difference with both values, its size and its "
        "likely cause. Exit status 1 when anything differs, 0 when everything matches.",
    )
    p.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="statement file(s), or folders of them (e.g. a folder of CFMMC downloads)",
    )
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

    p = sub.add_parser(
        "cfmmc-statements",
        help="RiskDesk's client statements of a settled day in the CFMMC .xls layout",
        description="Write each client's statement of a settled day as a CFMMC daily "
        "statement workbook (客户交易结算日报, 逐日盯市), one <client>_<day>.xls per "
        "client in the folder, so tools that read CFMMC downloads read RiskDesk's "
        "(audited).",
    )
    p.add_argument("--date", type=_day, required=True, help="settled day")
    p.add_argument(
        "--out", type=_folder, required=True, metavar="FOLDER", help="folder (created if new)"
    )
    p.add_argument(
        "--client",
        action="append",
        metavar="CODE",
        help="only this client (repeat for several; default every client)",
    )
    p.set_defaults(func=run_cfmmc_statements)

    p = sub.add_parser(
        "member-statements",
        help="RiskDesk's member settlement of a settled day in the member CSV layout",
        description="Write each member's settlement of a settled day (reserve, margins, "
        "offsets, deposits, P&L, fees, margin call; lots and margin per contract, side "
        "and hedge flag) in the member settlement CSV layout of docs/reconciliation.md "
        "(audited).",
    )
    p.add_argument("--date", type=_day, required=True, help="settled day")
    p.add_argument("--out", type=out_file, required=True, metavar="FILE", help="CSV file")
    p.set_defaults(func=run_member_statements)


def _folder(text: str) -> Path:
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a file; give a folder")
    if not path.exists() and not path.parent.is_dir():
        raise argparse.ArgumentTypeError(
            f"cannot write into {text!r}: folder {str(path.parent)!r} does not exist"
        )
    return path


def run_reconcile(args: argparse.Namespace) -> int:
    from core.config import current_user
    from core.reconcile.formats import FORMAT_NAMES
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
        read = ", ".join(
            f"{n:,} {FORMAT_NAMES[k]}{'s' if n > 1 else ''}" for k, n in sorted(run.formats.items())
        )
        print(f"read: {read}")
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


def run_cfmmc_statements(args: argparse.Namespace) -> int:
    from core.config import current_user
    from core.services.reconcile import write_cfmmc_statements

    with _database(args) as db:
        files, _ = write_cfmmc_statements(
            db, args.date, args.out, clients=args.client, user=current_user()
        )
    print(f"written {len(files):,} CFMMC daily statements of {args.date.isoformat()} to {args.out}")
    return 0


def run_member_statements(args: argparse.Namespace) -> int:
    from core.config import current_user
    from core.services.reconcile import write_member_statements

    with _database(args) as db:
        n, _ = write_member_statements(db, args.date, args.out, user=current_user())
    print(f"written {n:,} member settlement rows of {args.date.isoformat()} to {args.out}")
    return 0
