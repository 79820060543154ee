"""Risk-action commands: ``reduction-preview``, ``liquidation-preview``, ``limits``,
``receipts`` and ``allocate-delivery`` (docs/cli.md, spec 2.e–2.j).

Each prints a summary and a readable table on stdout, and with ``--out FILE`` writes the
main table as CSV, JSON or XLSX (from the suffix; money as exact yuan strings). The day
defaults to the latest trading day with settlement prices. Bad input exits with 2 and a
message (``core.cli``). Previews are reads (``Database.reader()``): they write nothing,
no audit entry either; recording an allocation goes through the write door.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, TypeVar

from core.cli.support import out_file
from core.rules.liquidation_methods import LOTS_METHODS, REQUIREMENTS

if TYPE_CHECKING:
    import pandas as pd

    from core.services.store import Database, Reader

T = TypeVar("T")
MAX_ROWS = 50


# --------------------------------------------------------------------- argument types
def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _yuan(text: str) -> int:
    from core.money import parse_yuan

    try:
        return int(parse_yuan(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _fraction(text: str) -> Fraction:
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"expected a decimal number, got {text!r}") from None
    return value


def _fractions(text: str) -> tuple[Fraction, ...]:
    return tuple(_fraction(x) for x in text.split(",") if x.strip())


def _code_lots(text: str) -> list[tuple[str, int]]:
    from core.errors import InputError
    from core.services.delivery import parse_lots_list

    try:
        return parse_lots_list(text, "lots")
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--out",
        type=out_file,
        metavar="FILE",
        help="also write the table to FILE (.csv, .json or .xlsx)",
    )
    p.add_argument(
        "--labels",
        choices=("en", "zh"),
        default="en",
        help="column labels: en (column names, default) or zh (Chinese)",
    )
    p.add_argument("--all", action="store_true", help=f"print every row (default {MAX_ROWS})")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "reduction-preview",
        help="preview a forced position reduction after D3 (spec 2.e)",
        description="Preview the exchange's forced reduction of a contract after three "
        "consecutive limit-locked days (D1-D3), from the stored lock flags, positions "
        "and unfilled closing orders at the limit price.",
    )
    p.add_argument("--contract", required=True, help="contract code, e.g. m2409")
    p.add_argument("--day", type=_day, help="D3 (default: latest day with prices)")
    p.add_argument(
        "--as-if-d3",
        choices=("limit_up", "limit_down"),
        help="treat --day as D3 locked in this direction, S(D3) = that day's limit price",
    )
    p.add_argument(
        "--rounding",
        choices=("largest_remainder", "half_up"),
        help="rounding shown as closed_lots (both are computed; default from parameters)",
    )
    p.add_argument("--explain", metavar="CLIENT", help="explain one client's treatment")
    p.add_argument("--loss-threshold", type=_fraction, metavar="X", help="override X, e.g. 0.06")
    p.add_argument("--tier-bounds", type=_fractions, metavar="T1,T2", help="override tiers")
    _output_options(p)
    p.set_defaults(func=run_reduction)

    p = sub.add_parser(
        "liquidation-preview",
        help="preview a forced liquidation of a member's clients (spec 2.f)",
        description="Preview the liquidation of a member's clients pro rata to trading "
        "margin when its settlement reserve is below zero.",
    )
    p.add_argument("--member", help="member code (default: the only member)")
    p.add_argument("--day", type=_day, help="settlement day (default: latest with prices)")
    p.add_argument("--reserve", type=_yuan, metavar="YUAN", help="reserve instead of history")
    p.add_argument("--deposit", type=_yuan, default=0, metavar="YUAN", help="what-if top-up")
    p.add_argument("--requirement", choices=REQUIREMENTS)
    p.add_argument("--lots-method", choices=LOTS_METHODS)
    p.add_argument(
        "--margin",
        choices=("stored", "recomputed"),
        default="stored",
        help="line margins: stored (default) or S x mult x lots x rate again; per lot / lots",
    )
    _output_options(p)
    p.set_defaults(func=run_liquidation)

    p = sub.add_parser(
        "limits",
        help="post-settlement position-limit report (spec 2.g)",
        description="Speculative lots per client, contract and side against the limit "
        "of the period (R25), at the day's single-side open interest; hedge lots exempt.",
    )
    p.add_argument("--day", type=_day, help="settlement day (default: latest with prices)")
    p.add_argument("--warn", type=_fraction, default=Fraction(8, 10), help="warning level")
    p.add_argument("--version", choices=("seed", "current"), default="seed", dest="table")
    p.add_argument(
        "--show",
        choices=("flagged", "all"),
        default="flagged",
        help="rows to print: over/near the limit (default) or every client side",
    )
    _output_options(p)
    p.set_defaults(func=run_limits)

    p = sub.add_parser(
        "receipts",
        help="warehouse receipts by warehouse and holder, deadlines (spec 2.i)",
        description="Holdings by product x warehouse x holder with the next deadline, "
        "receipts expiring soon, overdue receipts (still registered past the deadline "
        "they got at registration) and registrations blocked by the 45-day rule.",
    )
    p.add_argument("--day", type=_day, help="as of (default: latest day with prices)")
    p.add_argument("--holder", help="only this holder")
    p.add_argument("--warehouse", help="only this warehouse")
    p.add_argument(
        "--expiring",
        type=int,
        metavar="N",
        help="list receipts expiring within N trading days instead of the holdings",
    )
    p.add_argument("--rule-version", choices=("current", "seed"), default="current")
    _output_options(p)
    p.set_defaults(func=run_receipts)

    p = sub.add_parser(
        "allocate-delivery",
        help="allocate a seller's receipts to its buyers with the fewest pairs (2.j)",
        description="Allocate a seller's receipts (by warehouse) to the buyers matched "
        "with it, minimising (warehouse, buyer) pairs. With --warehouses and --buyers "
        "it runs on the given lots without the database.",
    )
    p.add_argument("--seller", help="seller client code")
    p.add_argument("--contract", help="contract code")
    p.add_argument("--day", type=_day, help="matching day (default: seller's latest)")
    p.add_argument("--warehouses", type=_code_lots, metavar="W1:30,W2:20")
    p.add_argument("--buyers", type=_code_lots, metavar="B1:20,B2:30")
    p.add_argument("--dry-run", action="store_true", help="do not mark the matches as allocated")
    _output_options(p)
    p.set_defaults(func=run_allocate)


# --------------------------------------------------------------------- plumbing
@contextmanager
def _database(args: argparse.Namespace) -> Iterator[Database]:
    """The database of ``--db``, closed afterwards."""
    from core.cli.support import open_cli_database

    db = open_cli_database(args)
    try:
        yield db
    finally:
        db.engine.dispose()


def _read(args: argparse.Namespace, query: Callable[[Reader], T]) -> T:
    """Run the read-only ``query`` on the database of ``--db``."""
    with _database(args) as db, db.reader() as reader:
        return query(reader)


def _labels(args: argparse.Namespace) -> Mapping[str, str] | None:
    from core.reports.export import LABELS_ZH

    return LABELS_ZH if args.labels == "zh" else None


def _print_table(args: argparse.Namespace, table: pd.DataFrame, title: str | None = None) -> None:
    from core.reports.export import format_table

    print(
        format_table(
            table,
            labels=_labels(args),
            max_rows=None if args.all else MAX_ROWS,
            title=title,
        )
    )


def _write(
    args: argparse.Namespace,
    kind: str,
    table: pd.DataFrame,
    extra_zh: Mapping[str, str] | None = None,
) -> None:
    """With ``--out``: export ``table`` as ``kind``, audited (``export.<kind>``)."""
    if args.out is None:
        return
    from core.config import current_user
    from core.services.exports import TableExport, export_table

    labels = _labels(args)
    if labels is not None and extra_zh:
        labels = {**labels, **extra_zh}
    with _database(args) as db:
        path, _ = export_table(
            db, TableExport(kind, table, labels=labels), args.out, user=current_user()
        )
    print(f"written {len(table)} rows to {path}")


def _check_out(args: argparse.Namespace) -> None:
    if args.out is not None:
        from core.reports.export import table_format

        table_format(args.out)


def _unverified(names: Sequence[str]) -> str:
    return "Parameters marked unverified: " + (", ".join(names) or "none")


# --------------------------------------------------------------------- handlers
def run_reduction(args: argparse.Namespace) -> int:
    from core.services.reduction import ReductionOverrides, preview_reduction

    _check_out(args)
    overrides = ReductionOverrides(loss_threshold=args.loss_threshold, tier_bounds=args.tier_bounds)
    result = _read(
        args,
        lambda r: preview_reduction(
            r,
            args.contract,
            args.day,
            as_if_d3=args.as_if_d3,
            rounding=args.rounding,
            overrides=overrides,
        ),
    )
    for line in result.summary_lines():
        print(line)
    print(_unverified(result.unverified))
    print("The exchange's result is the one that counts; this is the desk's estimate.")
    rows = result.rows
    involved = (rows["declared_lots"] > 0) | (rows["closed_largest_remainder"] > 0)
    shown = rows if args.all else rows[involved | (rows["closed_half_up"] > 0)]
    _print_table(args, shown)
    if args.explain:
        for line in result.explain(args.explain):
            print(line)
    _write(args, "reduction", rows)
    return 0


def run_liquidation(args: argparse.Namespace) -> int:
    from core.services.liquidation import preview_liquidation

    _check_out(args)
    result = _read(
        args,
        lambda r: preview_liquidation(
            r,
            args.member,
            args.day,
            reserve_fen=args.reserve,
            deposit_fen=args.deposit,
            requirement=args.requirement,
            lots_method=args.lots_method,
            margin_source=args.margin,
        ),
    )
    for line in result.summary_lines():
        print(line)
    print(_unverified(result.unverified))
    _print_table(args, result.scenarios, title="\nscenarios (both readings x both methods):")
    lines = result.lines
    shown = lines if args.all else lines[lines["close_lots"] > 0]
    _print_table(args, shown, title="\nlines to close:")
    _write(args, "liquidation_lines", lines)
    return 0


def run_limits(args: argparse.Namespace) -> int:
    from core.services.limits import limits_report

    _check_out(args)
    result = _read(
        args, lambda r: limits_report(r, args.day, warn_level=args.warn, version=args.table)
    )
    for line in result.summary_lines():
        print(line)
    if result.unverified_sources:
        print("Limit tables marked unverified: " + "; ".join(result.unverified_sources))
    rows = result.rows if args.show == "all" else result.flagged
    _print_table(args, rows)
    if len(result.no_data):
        nd = result.no_data
        by_product = nd.groupby("product_code", sort=True).agg(
            periods=("period", lambda v: ", ".join(sorted({str(x) for x in v if x}))),
            contracts=("contract_code", "nunique"),
            accounts=("accounts", "sum"),
        )
        title = "\nno limit data (reported as such, never guessed):"
        _print_table(args, by_product.reset_index(), title=title)
    _write(args, "limits", result.rows)
    return 0


def run_receipts(args: argparse.Namespace) -> int:
    from core.services.receipts import receipts_report

    _check_out(args)
    result = _read(
        args,
        lambda r: receipts_report(
            r,
            args.day,
            holder=args.holder,
            warehouse=args.warehouse,
            expiring_days=10 if args.expiring is None else args.expiring,
            version=args.rule_version,
        ),
    )
    for line in result.summary_lines():
        print(line)
    if result.unverified_rules:
        print("Rules marked unverified: " + "; ".join(result.unverified_rules))
    if args.expiring is not None:
        kind, main = "receipts_expiring", result.expiring
        title = f"expiring within {result.expiring_days} trading days:"
        _print_table(args, main, title=title)
    else:
        kind, main = "receipts_holdings", result.holdings
        title = "holdings by product, warehouse and holder:"
        shown = main.assign(
            next_deadline=[
                deadline_text(d, str(s), result.calendar_until, args.labels)
                for d, s in zip(main["next_deadline"], main["deadline_status"], strict=True)
            ]
        ).drop(columns=["deadline_status"])
        _print_table(args, shown, title=title)
    if len(result.overdue):
        title = "\noverdue (past their deadline, should have been cancelled):"
        _print_table(args, result.overdue, title=title)
    if len(result.blocked):
        _print_table(args, result.blocked, title="\nregistrations blocked:")
    _write(args, kind, main, extra_zh=RECEIPT_LABELS_ZH)
    return 0


RECEIPT_LABELS_ZH = {"deadline_status": "注销日状态"}
DEADLINE_TEXT = {
    "en": {
        "no_rule": "no rule",
        "beyond_calendar": "beyond calendar (to {until})",
        "overdue": "{deadline} overdue",
    },
    "zh": {
        "no_rule": "无规则",
        "beyond_calendar": "日历外 (至 {until})",
        "overdue": "{deadline} 逾期",
    },
}


def deadline_text(deadline: object, status: str, calendar_until: date, labels: str) -> str:
    """A holding's next deadline as printed: the date ("2026-07-30 overdue" when it has
    passed), else why there is none ("no rule", "beyond calendar (to 2026-12-31)";
    Chinese with ``--labels zh``)."""
    texts = DEADLINE_TEXT["zh" if labels == "zh" else "en"]
    if isinstance(deadline, date):
        if status == "overdue":
            return texts["overdue"].format(deadline=deadline.isoformat())
        return deadline.isoformat()
    return texts.get(status, "").format(until=calendar_until.isoformat())


def run_allocate(args: argparse.Namespace) -> int:
    from core.config import current_user
    from core.errors import InputError
    from core.services.delivery import (
        allocate_ad_hoc,
        allocate_delivery_for_seller,
        record_delivery_allocation,
    )

    _check_out(args)
    if (args.warehouses is None) != (args.buyers is None):
        raise InputError("--warehouses and --buyers go together")
    if args.warehouses is not None:
        result = allocate_ad_hoc(args.warehouses, args.buyers)
    else:
        if not args.seller or not args.contract:
            raise InputError("--seller and --contract are required (or --warehouses/--buyers)")
        seller, contract = args.seller, args.contract
        if args.dry_run:
            result = _read(
                args, lambda r: allocate_delivery_for_seller(r, args.day, seller, contract)
            )
        else:
            with _database(args) as db:
                result, _ = record_delivery_allocation(
                    db, args.day, seller, contract, user=current_user()
                )
    for line in result.summary_lines():
        print(line)
    _print_table(args, result.pairs)
    if result.recorded:
        print("matches marked as allocated")
    _write(args, "delivery_allocation", result.pairs)
    return 0
