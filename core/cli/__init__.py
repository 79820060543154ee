"""The ``riskdesk`` command line (headless and batch use).

Sub-commands live in ``core/cli/cmd_*.py``; each module defines
``register(subparsers: argparse._SubParsersAction) -> None`` and sets ``func`` on its
parser. Modules import their heavy dependencies inside the handler, so that
``riskdesk calc`` starts fast. ``desktop.cli`` adds the ``gui`` command on top.

Exit codes: 0 success, 1 operation failed (e.g. settlement refused), 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence

from core.errors import RiskDeskError

ParserHook = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


def build_parser(extra: Sequence[ParserHook] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="riskdesk", description="RiskDesk: DCE clearing and risk console."
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="SQLAlchemy database URL (default: $RISKDESK_DB_URL, else an SQLite file "
        "in the user data directory)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import core.cli as pkg

    for mod in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if mod.name.startswith("cmd_"):
            importlib.import_module(f"core.cli.{mod.name}").register(sub)
    for hook in extra:
        hook(sub)
    return parser


def main(argv: Sequence[str] | None = None, extra: Sequence[ParserHook] = ()) -> int:
    parser = build_parser(extra)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except RiskDeskError as exc:
        print(f"riskdesk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("riskdesk: interrupted", file=sys.stderr)
        return 130
