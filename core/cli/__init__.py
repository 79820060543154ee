"""The ``riskdesk`` command line (headless and batch use).

Sub-commands live in ``core/cli/cmd_*.py``; each module defines
``register(subparsers: argparse._SubParsersAction) -> None`` and sets ``func`` on its
parser. Modules import their heavy dependencies inside the handler, so that
``riskdesk calc`` starts fast. ``desktop.cli`` adds the ``gui`` command on top.

Exit codes: 0 success, 1 operation failed (e.g. settlement refused, the database busy
with another writer, damaged or full), 2 bad input or usage.

No traceback reaches the user: ``main`` is the top-level handler. An expected failure
(``RiskDeskError``) prints its one-line message; anything else is written with its
traceback to the log file (``core.logfile``) and one line names that file. Everything a
command prints passes through ``core.safe_text.EscapingStream``, so an argument or a
value holding ANSI escape sequences or other control characters is shown escaped,
never acted on by the terminal.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Callable, Sequence
from typing import TextIO, cast

from core.cli.support import wait_seconds
from core.errors import RiskDeskError
from core.safe_text import EscapingStream

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
    parser.add_argument(
        "--wait",
        metavar="SECONDS",
        type=wait_seconds,
        default=None,
        help="how long a write waits for another writer (a settlement, an import) before "
        "it is refused (default: $RISKDESK_WRITE_WAIT, else 30; 0 refuses at once)",
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
    """Run one command; its exit code. Never raises (usage errors return 2)."""
    from core.logfile import configure_logging

    configure_logging()
    out, err = sys.stdout, sys.stderr
    sys.stdout = cast(TextIO, EscapingStream(out))
    sys.stderr = cast(TextIO, EscapingStream(err))
    try:
        code = _run(argv, extra)
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # `riskdesk … | head`: the reader left; not an error to show
        _silence_stdout()
        return 141  # 128 + SIGPIPE, as a shell reports it
    finally:
        sys.stdout, sys.stderr = out, err


def _silence_stdout() -> None:
    # Python's own advice: point stdout at devnull so the flush at exit cannot fail again.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _run(argv: Sequence[str] | None, extra: Sequence[ParserHook]) -> int:
    parser = build_parser(extra)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # usage error or --help: argparse has printed why
        return exc.code if isinstance(exc.code, int) else 2
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except RiskDeskError as exc:
        print(f"riskdesk: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("riskdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        raise  # handled in main
    except Exception as exc:  # noqa: BLE001 (the top-level handler: log, one line)
        return _unexpected(exc, args)


def _unexpected(exc: Exception, args: argparse.Namespace) -> int:
    from sqlalchemy.exc import DBAPIError

    from core.config import resolve_db_url
    from core.db.engine import mask_url
    from core.db.faults import database_fault
    from core.logfile import crash_summary, record_crash

    log = record_crash(exc, f"riskdesk {getattr(args, 'command', '')}".strip())
    if isinstance(exc, DBAPIError):  # a fault outside the doors: still one line
        fault = database_fault(exc, mask_url(resolve_db_url(getattr(args, "db", None))))
        if fault is not None:
            print(f"riskdesk: {fault} (details in {log})", file=sys.stderr)
            return fault.exit_code
    print(
        f"riskdesk: unexpected error ({crash_summary(exc)}); the details are in {log}; "
        "please report them",
        file=sys.stderr,
    )
    return 1
