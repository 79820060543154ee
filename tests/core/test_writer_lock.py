"""The writer lock's pieces and the fault classifier, without processes (the two-process
tests are tests/integration/test_concurrent_writers.py)."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime

import psycopg.errors
import pytest
from sqlalchemy.exc import OperationalError

from core.db.faults import database_fault, fault_kind
from core.db.writer_lock import WriterInfo, _app_name, _parse_app_name
from core.safe_text import EscapingStream, escape_controls

STARTED = datetime(2026, 11, 20, 7, 31, 2, tzinfo=UTC)


def test_the_holder_is_described_in_one_line() -> None:
    info = WriterInfo("settlement of 2026-11-20", "ops", 4321, "", STARTED)
    text = info.describe()
    local = STARTED.astimezone().isoformat(sep=" ", timespec="seconds")
    assert text == (
        f"another settlement of 2026-11-20 is running (started by ops at {local}, process 4321)"
    )


@pytest.mark.parametrize(
    ("what", "user", "shown_what", "shown_user"),
    [
        ("settlement of 2026-11-20", "ops", "settlement of 2026-11-20", "ops"),
        (
            "import of delivery-matches (交割配对1110.csv)",
            "张三",
            "import of delivery-matches (????1110.csv)",
            "??",
        ),
        (
            "import of fund-movements (a-very-long-file-name-from-the-bank.csv)",
            "a.very.long.user.name",
            "import of fund-movements (a-ve...",
            "a.very.long.",
        ),
    ],
)
def test_postgresql_holder_name_fits_63_ascii_bytes(
    what: str, user: str, shown_what: str, shown_user: str
) -> None:
    name = _app_name(WriterInfo(what, user, 4_194_303, "", STARTED))
    assert len(name.encode()) <= 63
    assert name.isascii()
    back = _parse_app_name(name)
    assert back == WriterInfo(shown_what, shown_user, 4_194_303, "", STARTED)


def test_other_application_names_are_not_holders() -> None:
    assert _parse_app_name("psql") is None
    assert _parse_app_name("rdw|zz|not-a-number!|u|w") is None
    assert _parse_app_name(None) is None


def _sqlite_error(name: str, message: str) -> OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorname = name  # type: ignore[attr-defined]
    return OperationalError("INSERT INTO t VALUES (?)", ("ROW-VALUE",), error)


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (_sqlite_error("SQLITE_BUSY", "database is locked"), "busy"),
        (_sqlite_error("SQLITE_FULL", "database or disk is full"), "full"),
        (_sqlite_error("SQLITE_CORRUPT", "database disk image is malformed"), "damaged"),
        (_sqlite_error("SQLITE_READONLY_DBMOVED", "attempt to write a readonly db"), "read-only"),
        (_sqlite_error("SQLITE_IOERR_WRITE", "disk I/O error"), "io"),
        (_sqlite_error("SQLITE_CONSTRAINT_UNIQUE", "UNIQUE constraint failed: t.k"), "duplicate"),
        (_sqlite_error("SQLITE_CONSTRAINT_CHECK", "CHECK constraint failed"), None),
        (psycopg.errors.DiskFull("could not extend file"), "full"),
        (psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"), "busy"),
        (psycopg.errors.UniqueViolation("duplicate key value"), "duplicate"),
        (psycopg.errors.AdminShutdown("terminating connection"), "connection"),
        (psycopg.OperationalError("server closed the connection unexpectedly"), "connection"),
        (psycopg.errors.DivisionByZero("division by zero"), None),
        (ValueError("not a database error"), None),
    ],
)
def test_faults_are_classified_by_code_not_by_text(error: BaseException, kind: str | None) -> None:
    assert fault_kind(error) == kind


def test_a_fault_message_has_no_sql_values_or_detail() -> None:
    pg = psycopg.errors.UniqueViolation(
        'duplicate key value violates unique constraint "uq_trade_trading_day_trade_no"\n'
        "DETAIL:  Key (trading_day, trade_no)=(2026-11-20, SECRET-T1) already exists."
    )
    fault = database_fault(OperationalError("INSERT …", ("SECRET-T1",), pg), "postgresql://x/db")
    assert fault is not None
    assert str(fault) == (
        "database postgresql://x/db refused a row whose key already exists (duplicate key "
        'value violates unique constraint "uq_trade_trading_day_trade_no"); another writer '
        "may have stored it at the same time; try again"
    )
    assert database_fault(ValueError("x"), "db") is None


def test_control_characters_become_visible_escapes() -> None:
    assert escape_controls("a\x1b[31mb\x9b\u202ec\r") == "a\\x1b[31mb\\x9b\\u202ec\\x0d"
    assert escape_controls("line 1\nline 2\tend 中文") == "line 1\nline 2\tend 中文"
    assert escape_controls("line 1\nline 2", one_line=True) == "line 1\\x0aline 2"
    sink = io.StringIO()
    stream = EscapingStream(sink)  # type: ignore[arg-type]
    assert stream.write("x\x1b]52;c;Zm9v\x07\n") == len("x\x1b]52;c;Zm9v\x07\n")
    assert sink.getvalue() == "x\\x1b]52;c;Zm9v\\x07\n"
