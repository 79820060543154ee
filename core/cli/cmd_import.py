"""``riskdesk import KIND FILE [--dry-run]``: import a CSV/XLSX file all-or-nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Kept in step with core.imports.layouts.KINDS by a test; listed here so that building
# the parser does not import pandas.
KINDS = (
    "members",
    "clients",
    "contracts",
    "warehouses",
    "settlement-prices",
    "positions",
    "trades",
    "fund-movements",
    "receipts",
    "closing-orders",
    "delivery-matches",
    "efp",
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "import",
        help="import members, clients, contracts, warehouses, positions, trades, prices, "
        "funds, receipts, orders, delivery matches or EFP",
        description="Validate FILE (CSV or XLSX, header in row 1) against the layout "
        "of KIND and store it in one transaction, upserting by natural key; if any row "
        "is bad nothing is written and every error is listed (see docs/imports.md). "
        "On a new database import the reference data first, in this order: members, "
        "clients, contracts, warehouses.",
    )
    p.add_argument("kind", choices=KINDS, metavar="KIND", help=" | ".join(KINDS))
    p.add_argument("file", type=Path, metavar="FILE", help=".csv or .xlsx file")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="validate and count what would change; write nothing",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.cli.support import open_cli_database
    from core.config import current_user
    from core.errors import ValidationErrors
    from core.services.imports import import_file

    db = open_cli_database(args)
    try:
        result, _ = import_file(db, args.kind, args.file, user=current_user(), dry_run=args.dry_run)
    except ValidationErrors as exc:
        for error in exc.errors:
            print(error.describe(), file=sys.stderr)
        print(f"{len(exc.errors)} error(s); nothing was imported", file=sys.stderr)
        return 2
    finally:
        db.engine.dispose()
    if result.ignored_columns:
        print(
            f"note: ignored unknown column(s): {', '.join(result.ignored_columns)}",
            file=sys.stderr,
        )
    print(result.summary())
    return 0
