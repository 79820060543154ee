"""The log file, and the one place an unexpected error's traceback goes.

No traceback reaches a user (issue #13): the command line (``core.cli.main``) and the
window (``desktop.app``'s excepthook) write it here with ``record_crash`` and show one
line with the file's path. The file is ``riskdesk.log`` in the per-user log folder
(platformdirs: ``~/.local/state/RiskDesk/log`` on Linux, ``%LOCALAPPDATA%\\RiskDesk\\Logs``
on Windows, ``~/Library/Logs/RiskDesk`` on macOS), or in ``$RISKDESK_LOG_DIR``; it
rotates at 2 MB, keeping three old files. When it cannot be written the traceback goes
to a file in the temporary folder instead.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.safe_text import escape_controls

ENV_LOG_DIR = "RISKDESK_LOG_DIR"
LOG_NAME = "riskdesk.log"
LOGGERS = ("riskdesk", "core")
"""Loggers written to the file: the desktop's (``riskdesk.*``) and the core's modules."""
CRASH_LOGGER = "riskdesk.crash"
MAX_BYTES = 2_000_000
BACKUPS = 3

_state: dict[str, Path] = {}


def log_dir() -> Path:
    """``$RISKDESK_LOG_DIR``, else the per-user log folder."""
    env = os.environ.get(ENV_LOG_DIR)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_log_dir("RiskDesk", appauthor=False))


class _StderrHandler(logging.Handler):
    """``riskdesk: warning: message`` on the current ``sys.stderr``, one line: never a
    traceback on the terminal."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = escape_controls(record.getMessage(), one_line=True)
            sys.stderr.write(f"riskdesk: {record.levelname.lower()}: {text}\n")
        except Exception:  # noqa: BLE001 (logging's own contract)
            self.handleError(record)


class _LogFileHandler(logging.handlers.RotatingFileHandler):
    """The rotating log file, made (folder too) at the first record, not at start-up."""

    def _open(self) -> Any:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        # An unwritable log must not disturb the command (logging would print a
        # traceback); record_crash checks the file itself and falls back.
        return


def configure_logging() -> Path:
    """Send the ``riskdesk`` and ``core`` loggers to the log file (INFO and up, with
    tracebacks; made at the first record) and to stderr (warnings, one line each);
    returns the file's path. Idempotent; the first call's folder stays."""
    if "path" in _state:
        return _state["path"]
    stderr = _StderrHandler(logging.WARNING)
    stderr.addFilter(lambda record: record.name != CRASH_LOGGER)  # printed by the caller
    path = log_dir() / LOG_NAME
    file = _LogFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
    )
    file.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s %(threadName)s: %(message)s")
    )
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(stderr)
        logger.addHandler(file)
    _state["path"] = path
    return path


def crash_summary(exc: BaseException) -> str:
    """``ValueError: boom`` on one line, at most 160 characters (the log has the rest)."""
    text = escape_controls(str(exc), one_line=True)
    if len(text) > 160:
        text = text[:157] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def record_crash(exc: BaseException, context: str = "") -> Path:
    """Write ``exc`` with its traceback to the log file; returns the file written.

    ``context`` (the command line, the thread) is logged with it. Falls back to
    ``riskdesk-crash-<pid>.log`` in the temporary folder when the log cannot be
    written, so the traceback is never lost nor printed.
    """
    path = configure_logging()
    message = f"unexpected error{f' in {context}' if context else ''}: {crash_summary(exc)}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8"):
            pass  # writable: the rotating handler writes it
        logging.getLogger(CRASH_LOGGER).error(message, exc_info=exc)
        return path
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"riskdesk-crash-{os.getpid()}.log"
    with fallback.open("a", encoding="utf-8") as out:
        out.write(f"{datetime.now(UTC).isoformat()} {message}\n")
        out.write("".join(traceback.format_exception(exc)))
    return fallback
