"""What every command shares: opening the database, and checked ``--out`` paths.

``open_cli_database(args)`` opens ``--db`` (else ``$RISKDESK_DB_URL``, else the per-user
file) without creating a missing SQLite file — only ``riskdesk demo`` and ``riskdesk db
upgrade`` create one, so a mistyped path says "no database at PATH" instead of
settling an empty new database — and with the ``--wait`` policy for writers, telling
the user on stderr when it waits for another writer.

``out_file`` is the argparse type of ``--out FILE``: a missing or unwritable folder, or
a folder given as the file, is refused before any work is done, with the path named.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.db.engine import Database

ENV_WRITE_WAIT = "RISKDESK_WRITE_WAIT"


def wait_seconds(text: str) -> float:
    """``--wait`` / ``$RISKDESK_WRITE_WAIT``: seconds ≥ 0 (0 refuses at once)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds ≥ 0, got {text!r}") from None
    if not (value >= 0 and value < 86_400):
        raise argparse.ArgumentTypeError(f"expected seconds from 0 to 86400, got {text!r}")
    return value


def write_wait(args: argparse.Namespace) -> float:
    """The wait for another writer: ``--wait``, else ``$RISKDESK_WRITE_WAIT``, else 30 s."""
    from core.db.engine import DEFAULT_WRITE_WAIT_S
    from core.errors import ConfigError

    chosen: float | None = getattr(args, "wait", None)
    if chosen is not None:
        return chosen
    env = os.environ.get(ENV_WRITE_WAIT)
    if not env:
        return DEFAULT_WRITE_WAIT_S
    try:
        return wait_seconds(env)
    except argparse.ArgumentTypeError as exc:
        raise ConfigError(f"${ENV_WRITE_WAIT}: {exc}") from None


def _say_waiting(message: str) -> None:
    print(f"riskdesk: {message}", file=sys.stderr, flush=True)


def open_cli_database(args: argparse.Namespace, *, new_file: bool = False) -> Database:
    """Open the command's database (schema upgraded if older); ConfigError for a
    missing SQLite file unless ``new_file``."""
    from core.config import resolve_db_url
    from core.db.engine import open_database

    return open_database(
        resolve_db_url(args.db),
        new_file=new_file,
        write_wait_s=write_wait(args),
        on_wait=_say_waiting,
    )


def out_file(text: str) -> Path:
    """``--out FILE``: its folder must exist and the path must not be a folder."""
    path = Path(text).expanduser()
    if path.is_dir() or text.endswith(("/", os.sep)):
        raise argparse.ArgumentTypeError(f"{text!r} is a folder; give a file name")
    folder = path.parent
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(
            f"cannot write {text!r}: folder {str(folder)!r} does not exist"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(
            f"cannot write {text!r}: folder {str(folder)!r} is not writable"
        )
    if path.exists() and not os.access(path, os.W_OK):
        raise argparse.ArgumentTypeError(f"cannot write {text!r}: the file is not writable")
    return path
