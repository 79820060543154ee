"""Database faults as one clear line: busy, full, damaged, read-only, I/O, lost connection.

The driver's exception (``sqlite3.Error`` or ``psycopg.Error``, usually wrapped in
SQLAlchemy's ``DBAPIError``) carries the SQL and its parameters — a full disk used to
print 4.6 KB with row data (issue #13). ``database_fault`` keeps only the kind of fault
and the driver's first line (constraint names, never values), names the database with
its password hidden and says what was rolled back. Classified by SQLite's extended
error name and PostgreSQL's SQLSTATE, never by message text.
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from core.errors import DatabaseFaultError, PermissionRefusedError
from core.safe_text import escape_controls

_SQLITE_KINDS = (
    ("SQLITE_BUSY", "busy"),
    ("SQLITE_LOCKED", "busy"),
    ("SQLITE_FULL", "full"),
    ("SQLITE_CORRUPT", "damaged"),
    ("SQLITE_NOTADB", "damaged"),
    ("SQLITE_READONLY", "read-only"),
    ("SQLITE_IOERR", "io"),
    ("SQLITE_CANTOPEN", "io"),
    ("SQLITE_CONSTRAINT_UNIQUE", "duplicate"),
    ("SQLITE_CONSTRAINT_PRIMARYKEY", "duplicate"),
)
_PG_KINDS = (
    ("55P03", "busy"),  # lock_not_available (lock_timeout)
    ("40P01", "busy"),  # deadlock_detected
    ("40001", "busy"),  # serialization_failure
    ("53", "full"),  # insufficient resources: disk full, out of memory, too many connections
    ("XX001", "damaged"),  # data_corrupted
    ("XX002", "damaged"),  # index_corrupted
    ("25006", "read-only"),  # read_only_sql_transaction (hot standby, read-only session)
    ("58", "io"),  # system error: I/O error, undefined file
    ("23505", "duplicate"),  # unique_violation
    ("08", "connection"),  # connection exception
    ("57P", "connection"),  # server shut down or restarted
    ("42501", "refused"),  # insufficient_privilege: the login's role may not (server mode)
)


def fault_kind(exc: BaseException) -> str | None:
    """The kind of database fault ``exc`` is ("busy", "full", "damaged", "read-only",
    "io", "duplicate", "connection", "refused"), or None for any other error."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        return next((kind for prefix, kind in _SQLITE_KINDS if name.startswith(prefix)), None)
    module = type(orig).__module__ or ""
    if module.startswith("psycopg"):
        state = getattr(orig, "sqlstate", None)
        if not state:  # no SQLSTATE: the connection itself failed
            return "connection" if type(orig).__name__ == "OperationalError" else None
        return next((kind for prefix, kind in _PG_KINDS if state.startswith(prefix)), None)
    return None


def driver_reason(exc: BaseException) -> str:
    """The driver's first line: no SQL, no parameters, no DETAIL with row values."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    return escape_controls(lines[0].rstrip("."), one_line=True) if lines else type(orig).__name__


def database_fault(exc: BaseException, where: str, *, doing: str = "") -> DatabaseFaultError | None:
    """``exc`` as a one-line ``DatabaseFaultError`` about database ``where`` (a masked URL),
    or None when it is not a database fault (a bug: let it reach the crash handler).

    ``doing`` names the write that failed ("the settlement of 2026-11-20"); the message
    then says it was rolled back and nothing was written.
    """
    kind = fault_kind(exc)
    if kind is None:
        return None
    reason = driver_reason(exc)
    rolled = f"; {doing} was rolled back, nothing was written" if doing else ""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if getattr(orig, "sqlite_errorname", "") == "SQLITE_NOTADB":  # maybe just the wrong file
        return DatabaseFaultError(
            f"{where} is not an SQLite database, or is damaged beyond reading ({reason})"
            f"{rolled}; check the path, or restore a backup",
            "damaged",
            reason,
        )
    if kind == "refused":
        return PermissionRefusedError(
            f"database {where} refused it: the login's role may not do this ({reason})"
            f"{rolled}; ask the administrator for the role it needs",
            reason,
        )
    message = {
        "busy": f"database {where} is busy: another process holds a lock ({reason}){rolled}; "
        "try again when it has finished",
        "full": f"database {where} is full ({reason}){rolled}; free disk space and try again",
        "damaged": f"database {where} is damaged ({reason}){rolled}; run 'riskdesk db check' "
        "and restore a backup",
        "read-only": f"database {where} is read-only ({reason}){rolled}",
        "io": f"cannot read or write database {where} ({reason}){rolled}",
        "duplicate": f"database {where} refused a row whose key already exists ({reason}); "
        f"another writer may have stored it at the same time{rolled}; try again",
        "connection": f"lost the connection to database {where} ({reason}){rolled}",
    }[kind]
    return DatabaseFaultError(message, kind, reason)


def sqlite_integrity(conn: Connection, *, quick: bool, limit: int = 10) -> list[str]:
    """The problems SQLite's ``integrity_check`` (or the faster ``quick_check``, which
    skips index contents) finds, at most ``limit``, one line each; empty when the file
    is sound. Raises ``DBAPIError`` when the file cannot even be read that far."""
    pragma = "quick_check" if quick else "integrity_check"
    problems: list[str] = []
    for (found,) in conn.exec_driver_sql(f"PRAGMA {pragma}({int(limit)})"):
        for line in str(found).splitlines():
            line = line.strip()
            if line and line != "ok" and not line.startswith("*** in database"):
                problems.append(escape_controls(line, one_line=True))
    return problems[:limit]
