"""Margin calls and client forced closes: ``calls`` and ``force-close`` (docs/cli.md,
docs/margin-calls.md).

``calls`` prints the call list after a settled day: the accounts per level, the total
to call, the deadline and every client at margin call or worse (the full list, never a
top-N). ``force-close`` previews the least-over-release close orders of one client or of
every due client, explains them, takes a hand-edited list back (``--edited``), and with
``--out`` writes the order list with its inputs (audited). Both read; only the export
writes (its audit entry).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli.cmd_risk import _check_out, _database, _day, _read
from core.cli.support import out_file

if TYPE_CHECKING:
    import pandas as pd

    from core.rules.margin_calls import CallSettings

LEVEL_CHOICES = ("margin_call", "forced_close", "deficit")
TARGETS = ("available", "risk_ratio", "both")


def _ratio(text: str) -> int:
    from decimal import Decimal, InvalidOperation

    try:
        ppm = Decimal(text.strip()) * 1_000_000
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"expected a fraction such as 0.8, got {text!r}") from None
    if ppm <= 0 or ppm != ppm.to_integral_value():
        raise argparse.ArgumentTypeError(f"{text!r}: a positive fraction, at most six decimals")
    return int(ppm)


def _target_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--target",
        choices=TARGETS,
        help="what the call / close restores: available funds >= 0, the risk ratio back "
        "to --target-ratio, or both (default: the [margin_calls] setting)",
    )
    p.add_argument(
        "--target-ratio",
        type=_ratio,
        metavar="FRACTION",
        help="risk ratio the 'risk_ratio' target restores, e.g. 0.8 (default: the "
        "warning threshold)",
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "calls",
        help="margin calls after a settled day: level, amount, deadline (追加保证金)",
        description="Every client at margin call or worse after the settlement of a day, "
        "with the amount to call (what brings available funds back to >= 0, or the risk "
        "ratio back to the firm's target), the total and the deadline (the next trading "
        "day's opening, exchange time).",
    )
    p.add_argument("--day", type=_day, help="settled day (default: the last settled day)")
    p.add_argument(
        "--level",
        choices=LEVEL_CHOICES,
        default="margin_call",
        help="list clients at this level or worse (default margin_call)",
    )
    _target_options(p)
    p.add_argument("--out", type=out_file, metavar="FILE", help="also write the list (.csv, .xlsx)")
    p.set_defaults(func=run_calls)

    p = sub.add_parser(
        "force-close",
        help="client forced close orders with the least over-release (强平单)",
        description="Preview the close orders that restore a client past its call's "
        "deadline with the least over-release (each lot releases its margin at the prior "
        "settlement basis), for one client or every due client; explain them; recompute "
        "a hand-edited list; write the order list with its inputs (audited).",
    )
    p.add_argument("--day", type=_day, help="settled day (default: the last settled day)")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--client", action="append", metavar="CODE", help="client (repeatable)")
    who.add_argument("--all-due", action="store_true", help="every client with a release to make")
    _target_options(p)
    p.add_argument("--no-hedge", action="store_true", help="close speculative lines only")
    p.add_argument(
        "--edited",
        type=Path,
        metavar="FILE",
        help="a hand-edited order list (CSV: client_code, contract_code, side, flag or "
        "hedge, close_lots) to recompute and, with --out, to write instead",
    )
    p.add_argument(
        "--out", type=out_file, metavar="FILE", help="write the order list (.csv, .xlsx), audited"
    )
    p.set_defaults(func=run_force_close)


def _settings(args: argparse.Namespace) -> CallSettings:
    from dataclasses import replace

    from core.rules.margin_calls import default_call_settings

    base = default_call_settings()
    if args.target is not None:
        base = replace(base, target=args.target)
    if args.target_ratio is not None:
        base = replace(base, target_ratio_ppm=args.target_ratio)
    return base


def _ratio_text(ppm: int) -> str:
    from core.rules.risk_levels import ratio_text

    return ratio_text(ppm, "unbounded")


def _print(table: pd.DataFrame, title: str | None = None) -> None:
    from core.reports.export import format_table

    print(format_table(table, title=title))


# --------------------------------------------------------------------- calls
def run_calls(args: argparse.Namespace) -> int:
    from core.money import format_yuan
    from core.rules.risk_levels import LEVEL_NAMES
    from core.services.calls import CallRequest, settled_calls

    _check_out(args)
    request = CallRequest(
        day=args.day, min_level=LEVEL_NAMES.index(args.level), settings=_settings(args)
    )
    result = _read(args, lambda r: settled_calls(r, request))
    st = result.settings
    print(f"margin calls after the settlement of {result.trading_day} ({result.accounts} accounts)")
    print("accounts per level: " + ", ".join(f"{k} {v}" for k, v in result.counts.items()))
    target = st.target + (
        f" (ratio {_ratio_text(st.ratio_ppm(result.levels))})" if st.asks_ratio else ""
    )
    print(
        f"listed ({args.level} or worse): {len(result.calls)}; called: {result.called}; "
        f"total call {format_yuan(result.total_call_fen)}; target {target}"
    )
    print(f"deadline: {result.deadline.isoformat()} (exchange time)")
    table = result.calls.copy()
    table["risk_ratio"] = [_ratio_text(int(x)) for x in table.pop("risk_ratio_ppm")]
    table = table.drop(columns=["level"])
    _print(table)
    if args.out is not None:
        from core.config import current_user
        from core.services.exports import TableExport, export_table

        export = result.calls.assign(deadline=result.deadline.isoformat())
        with _database(args) as db:
            path, _ = export_table(
                db,
                TableExport("margin_calls", export, sheet="calls"),
                args.out,
                user=current_user(),
            )
        print(f"written {len(export)} rows to {path}")
    return 0


# --------------------------------------------------------------------- force-close
def _read_edits(path: Path) -> pd.DataFrame:
    import pandas as pd

    from core.errors import InputError

    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the edited orders: {exc}") from None
    if "hedge" not in frame.columns and "flag" in frame.columns:
        frame["hedge"] = frame["flag"].str.strip().str.lower() == "hedge"
    elif "hedge" in frame.columns:
        frame["hedge"] = frame["hedge"].str.strip().str.lower().isin(("true", "1", "yes"))
    try:
        frame["close_lots"] = frame["close_lots"].astype(int)
    except (KeyError, ValueError) as exc:
        raise InputError(f"{path}: close_lots must be whole lots ({exc})") from None
    return frame


def run_force_close(args: argparse.Namespace) -> int:
    from dataclasses import replace

    import pandas as pd

    from core.money import bp_to_str, format_yuan
    from core.rules.client_forced_close import default_close_settings
    from core.services.forced_close import (
        ForcedCloseRequest,
        export_orders,
        preview_forced_close,
        review_edits,
    )

    _check_out(args)
    close_settings = default_close_settings()
    if args.no_hedge:
        close_settings = replace(close_settings, include_hedge=False)
    request = ForcedCloseRequest(
        day=args.day,
        clients=None if args.all_due else tuple(args.client),
        call_settings=_settings(args),
        close_settings=close_settings,
    )
    pv = _read(args, lambda r: preview_forced_close(r, request))
    warn = bp_to_str(close_settings.warn_above_bp)
    print(
        f"forced close after the settlement of {pv.trading_day}: orders for {pv.close_day}, "
        f"due since {pv.deadline.isoformat()}"
    )
    print(
        f"clients {len(pv.clients)}; required {format_yuan(pv.required_fen)}; released "
        f"{format_yuan(pv.released_fen)}; orders {len(pv.orders)}; target "
        f"{pv.call_settings.target}; hedge lines "
        + ("eligible" if close_settings.include_hedge else "excluded")
    )
    if not pv.is_past_deadline():
        print("note: the deadline has not passed yet: these orders are a preview only")
    for w in pv.warnings:
        print(f"warning: {w}")
    clients = pv.clients.copy()
    clients["ratio"] = [None if pd.isna(x) else bp_to_str(int(x)) for x in clients.pop("ratio_bp")]
    _print(clients.drop(columns=["client_name"]), title="\nclients:")
    for row in pv.clients.itertuples(index=False):
        code = row.client_code
        if row.is_over:
            ratio = bp_to_str(int(str(row.ratio_bp)))
            print(f"warning: client {code} releases {ratio} of its requirement (above {warn})")
        if int(str(row.shortfall_fen)):
            short = format_yuan(int(str(row.shortfall_fen)))
            print(f"warning: client {code}: closing every line still leaves {short} short")
        if row.has_offset:
            print(f"note: client {code} has a receipt offset in use (docs/margin-calls.md)")
        if row.status == "budget":
            print(f"note: client {code}: search budget reached, best set found (not proven)")
    orders = pv.orders
    _print(orders.drop(columns=["eligible"]), title="\norders:")
    print("\nwhy:")
    for o in orders.to_dict("records"):
        print(
            f"  {o['client_code']} {o['close_side']} {o['close_lots']} of {o['lots']} "
            f"{o['contract_code']} {o['side']} ({o['flag']}): releases "
            f"{format_yuan(int(o['released_fen']))} at {format_yuan(int(o['margin_per_lot_fen']))}"
            f" per lot; one lot fewer leaves {format_yuan(int(o['one_less_short_fen']))} uncovered"
        )
    if not args.all_due:
        for c, code in enumerate(pv.clients["client_code"].tolist()):
            required = int(pv.sizing.required_fen[c])
            if required <= 0:
                print(f"\n{code}: nothing to close (no release required)")
                continue
            released = int(pv.sizing.released[c])
            print(
                f"\nalternatives for {code} (required {format_yuan(required)}, this set "
                f"releases {format_yuan(released)}):"
            )
            for alt in pv.explain(code):
                over = format_yuan(alt.released_fen - required)
                print(
                    f"  {alt.method}: releases {format_yuan(alt.released_fen)} (over {over}), "
                    f"{alt.lots} lots, {alt.lines} lines"
                    + ("" if alt.covers else ", does not cover")
                )
    edited_lines = None
    if args.edited is not None:
        edited = review_edits(pv, _read_edits(args.edited))
        edited_lines = edited.lines
        print("\nedited orders:")
        for code, rv in edited.reviews.items():
            ratio = "-" if rv.ratio_bp is None else bp_to_str(rv.ratio_bp)
            print(
                f"  {code}: required {format_yuan(rv.required_fen)}, released "
                f"{format_yuan(rv.released_fen)} ({ratio})"
            )
        for code, kind, ratio_bp in edited.warnings:
            text = "-" if ratio_bp is None else bp_to_str(ratio_bp)
            why = "no longer cover" if kind == "short" else f"release above {warn} of"
            print(f"warning: client {code}: the edited orders {why} the requirement ({text})")
    if args.out is not None:
        from core.config import current_user

        with _database(args) as db:
            path, _ = export_orders(db, pv, args.out, orders=edited_lines, user=current_user())
        print(f"written the order list to {path}")
    return 0
