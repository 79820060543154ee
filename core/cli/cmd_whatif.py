"""``riskdesk whatif``: what-if for one client (issue 16 item 5), the client panel's
What-if tab as a command.

``riskdesk whatif --client C [--day D] [--close CONTRACT:SIDE[:hedge]=LOTS]
[--points N [--contract CODE]]``: the client at the start of the next trading day after
its settled day (``core.services.client_whatif``: margins at S(D) and the open rate,
the pledge quota of D, equity the balance), then after closing lots of one line and/or
N percentage points on the open rate of one contract (default every contract): margin,
receipt offset used, available funds, risk ratio and level before and after, the
margin the close frees and the rate change adds, and the lots still openable per
contract and side. A read: nothing is written.
"""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation

from core.cli.cmd_settle import _day


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "whatif",
        help="what-if for one client: close lots, change a margin rate, lots openable",
        description="One client at the start of the next trading day: margin, offset, "
        "available funds, risk ratio and level before and after closing lots of a line "
        "and/or a margin-rate change in points, and the lots still openable per contract.",
    )
    p.add_argument("--client", required=True, metavar="CODE")
    p.add_argument("--day", type=_day, metavar="YYYY-MM-DD", help="settled day (default: latest)")
    p.add_argument(
        "--close",
        metavar="CONTRACT:SIDE[:hedge]=LOTS",
        help="close LOTS of the client's line, e.g. m2701:long=3 or i2701:short:hedge=1",
    )
    p.add_argument(
        "--points",
        metavar="N",
        help="percentage points added to the open rate (negative lowers it), e.g. 5 or -2.5",
    )
    p.add_argument("--contract", metavar="CODE", help="with --points: only this contract")
    p.set_defaults(func=run)


def _points_ppm(text: str | None) -> int:
    from core.errors import InputError

    if text is None:
        return 0
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise InputError(f"{text!r} is not a number of points", field="--points") from None
    if not value.is_finite() or abs(value) > 100 or (value * 10_000) % 1:
        raise InputError(
            f"{text!r}: expected −100 … 100 points, at most 4 decimals", field="--points"
        )
    return int(value * 10_000)


def _close(text: str | None, lines: tuple[object, ...]) -> tuple[int | None, int]:
    """(line index, lots) of ``--close CONTRACT:SIDE[:hedge]=LOTS``."""
    from core.errors import InputError

    if text is None:
        return None, 0
    what, sep, lots_text = text.partition("=")
    parts = [x.strip() for x in what.split(":")]
    if not sep or len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "hedge"):
        raise InputError(
            f"{text!r}: write CONTRACT:SIDE[:hedge]=LOTS, e.g. m2701:long=3", field="--close"
        )
    try:
        lots = int(lots_text.strip())
    except ValueError:
        raise InputError(f"{lots_text!r} is not a number of lots", field="--close") from None
    contract, side, hedge = parts[0], parts[1], len(parts) == 3
    for i, line in enumerate(lines):
        if (
            getattr(line, "contract", None) == contract
            and getattr(line, "side", None) == side
            and getattr(line, "hedge", None) == hedge
        ):
            return i, lots
    held = ", ".join(
        f"{getattr(x, 'contract', '')}:{getattr(x, 'side', '')}"
        + (":hedge" if getattr(x, "hedge", False) else "")
        for x in lines
    )
    raise InputError(f"the client holds no line {what} (lines: {held or 'none'})", field="--close")


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from core.cli.cmd_risk import _read
    from core.errors import InputError
    from core.money import format_yuan
    from core.reports.export import format_table
    from core.rules.risk_levels import LEVEL_NAMES, ratio_text
    from core.services.client_whatif import WhatIf, WhatIfRequest, what_if, whatif_book

    if args.contract and args.points is None:
        raise InputError("--contract goes with --points", field="--contract")
    points = _points_ppm(args.points)
    book = _read(args, lambda r: whatif_book(r, WhatIfRequest(args.client, args.day)))
    if args.contract and args.contract not in {c.contract for c in book.contracts}:
        raise InputError(f"no contract {args.contract!r} with a price", field="--contract")
    line, lots = _close(args.close, book.lines)
    result = what_if(
        book,
        WhatIf(
            close_line=line,
            close_lots=lots,
            points_ppm=points,
            points_contract=args.contract,
        ),
    )
    print(f"client {book.client} {book.name}: the next trading day after {book.day}")
    changes = []
    if line is not None:
        changes.append(f"close {lots} of {args.close.partition('=')[0]}")
    if points:
        changes.append(f"{points / 10_000:+g} points on {args.contract or 'every contract'}")
    print("changes: " + ("; ".join(changes) or "none"))
    table = pd.DataFrame(
        {
            "figure": ["margin", "offset used", "available", "risk ratio", "level"],
            "now": [
                format_yuan(result.margin_before_fen),
                format_yuan(result.offset_before_fen),
                format_yuan(result.available_before_fen),
                ratio_text(result.ratio_before_ppm, "unbounded"),
                LEVEL_NAMES[result.level_before],
            ],
            "after": [
                format_yuan(result.margin_after_fen),
                format_yuan(result.offset_after_fen),
                format_yuan(result.available_after_fen),
                ratio_text(result.ratio_after_ppm, "unbounded"),
                LEVEL_NAMES[result.level_after],
            ],
        }
    )
    print(format_table(table))
    if line is not None:
        print(f"margin freed by the close: {format_yuan(result.released_fen)}")
    if points:
        print(f"margin added by the rate change: {format_yuan(result.rate_change_fen)}")
    openable = pd.DataFrame(
        {
            "contract": [o.contract for o in result.openable],
            "settle_fen": [o.settle_fen for o in result.openable],
            "rate": [ratio_text(o.rate_ppm) for o in result.openable],
            "lot_margin_fen": [o.lot_margin_fen for o in result.openable],
            "long_lots": [o.long_lots for o in result.openable],
            "short_lots": [o.short_lots for o in result.openable],
        }
    )
    print(format_table(openable, title="lots still openable (speculation, at S)"))
    return 0
