"""The database's writer lock: one writer at a time, and the others told who holds it.

Every write door transaction (``core.services.store.write``) begins here. A second
settlement, an import during a settlement, two overlapping imports: the later one waits
for the lock up to ``wait_s`` seconds (``on_wait`` says who it waits for) and is then
refused with ``WriterBusyError``, "another settlement of 2026-11-20 is running (started
by ops at …, process 1234)" — never a "database is locked" traceback or a unique-key
violation from a lost race (issue #13).

* SQLite: the lock is SQLite's own write lock, taken by ``BEGIN IMMEDIATE`` (released by
  the operating system if the process dies). Who holds it is written by the holder to a
  small file beside the database, ``<file>-writer`` (JSON), removed when it finishes; a
  file left by a killed process is recognised by its dead process id.
* PostgreSQL: a transaction-scoped advisory lock (``pg_advisory_xact_lock``, released at
  commit, rollback or a lost connection); the holder describes itself in its session's
  ``application_name`` for the transaction, which others read from ``pg_stat_activity``.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, RootTransaction, text
from sqlalchemy.exc import DBAPIError

from core.db.engine import SQLITE_BEGIN_IMMEDIATE
from core.db.faults import fault_kind
from core.errors import WriterBusyError

PG_WRITER_KEY = 0x5249534B57524954  # "RISKWRIT"; the migrations' lock is another key
"""PostgreSQL advisory lock key of the writer lock (per database)."""

SQLITE_DEFAULT_BUSY_MS = 5000  # pysqlite's default timeout, restored after the wait
_APP_PREFIX = "rdw"  # application_name "rdw|<start>|<pid>|<user>|<what>" (base-36 numbers)
_APP_NAME_MAX = 63  # PostgreSQL truncates application_name to NAMEDATALEN - 1 bytes
UNKNOWN_HOLDER = "another process is writing to the database"


@dataclass(frozen=True)
class WriterInfo:
    """Who writes: ``what`` ("settlement of 2026-11-20"), the user, process and host,
    and when the write started (UTC)."""

    what: str
    user: str
    pid: int
    host: str
    started: datetime

    @classmethod
    def now(cls, what: str, user: str) -> WriterInfo:
        return cls(what, user, os.getpid(), socket.gethostname(), datetime.now(UTC))

    def describe(self) -> str:
        """ "another settlement of 2026-11-20 is running (started by ops at …, process N)"."""
        at = self.started.astimezone().isoformat(sep=" ", timespec="seconds")
        host = f" on {self.host}" if self.host and self.host != socket.gethostname() else ""
        return (
            f"another {self.what} is running (started by {self.user} at {at}, "
            f"process {self.pid}{host})"
        )


def begin_as_writer(
    conn: Connection,
    me: WriterInfo,
    *,
    wait_s: float,
    on_wait: Callable[[str], None] | None,
    doing: str,
    sidecar: Path | None,
) -> RootTransaction:
    """Begin a transaction on ``conn`` that holds the writer lock, waiting up to
    ``wait_s`` seconds for another writer; returns the transaction (the caller commits).

    ``on_wait(message)`` is called once when the lock is taken by another writer and
    ``wait_s`` > 0. Raises ``WriterBusyError`` ("cannot start ``doing`` now: another
    … is running …; nothing was written") when the wait ends first. ``sidecar`` is the
    SQLite holder file (None for an in-memory database). Blocks; any thread.
    """
    if conn.dialect.name == "sqlite":
        trans = _begin_sqlite(conn, wait_s, on_wait, doing, sidecar)
        if sidecar is not None:
            _write_sidecar(sidecar, me)
        return trans
    trans = conn.begin()
    try:
        _lock_postgres(conn, wait_s, on_wait, doing)
        conn.execute(
            text("SELECT set_config('application_name', :name, true)"),
            {"name": _app_name(me)},
        )
    except BaseException:
        trans.rollback()
        raise
    return trans


def release_sidecar(sidecar: Path | None) -> None:
    """Remove this process's holder file after its write (commit or rollback)."""
    if sidecar is None:
        return
    info = _read_sidecar(sidecar)
    if info is not None and info.pid == os.getpid():
        with contextlib.suppress(OSError):  # the next writer overwrites it anyway
            sidecar.unlink()


def sidecar_path(database: str | None) -> Path | None:
    """``<file>-writer`` beside an SQLite file; None in memory."""
    if not database or database == ":memory:":
        return None
    return Path(f"{database}-writer")


# --------------------------------------------------------------------- SQLite
def _begin_sqlite(
    conn: Connection,
    wait_s: float,
    on_wait: Callable[[str], None] | None,
    doing: str,
    sidecar: Path | None,
) -> RootTransaction:
    conn.execution_options(**{SQLITE_BEGIN_IMMEDIATE: True})
    raw = conn.connection.driver_connection
    assert raw is not None

    def attempt(busy_ms: int) -> RootTransaction:
        raw.execute(f"PRAGMA busy_timeout = {busy_ms}")
        return conn.begin()  # BEGIN IMMEDIATE (core.db.engine)

    try:
        try:
            return attempt(0)
        except DBAPIError as exc:
            if fault_kind(exc) != "busy":
                raise
        holder = _sqlite_holder(sidecar)
        _announce(wait_s, on_wait, holder)
        if wait_s > 0:
            try:
                return attempt(max(1, round(wait_s * 1000)))
            except DBAPIError as exc:
                if fault_kind(exc) != "busy":
                    raise
            holder = _sqlite_holder(sidecar) if holder == UNKNOWN_HOLDER else holder
        raise _busy(doing, holder, wait_s)
    finally:
        raw.execute(f"PRAGMA busy_timeout = {SQLITE_DEFAULT_BUSY_MS}")


def _sqlite_holder(sidecar: Path | None) -> str:
    info = _read_sidecar(sidecar) if sidecar is not None else None
    if info is None or not _may_be_alive(info):
        return UNKNOWN_HOLDER
    return info.describe()


def _write_sidecar(path: Path, me: WriterInfo) -> None:
    data = {
        "what": me.what,
        "user": me.user,
        "pid": me.pid,
        "host": me.host,
        "started": me.started.isoformat(),
    }
    with contextlib.suppress(OSError):  # only a description: the lock itself is SQLite's
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _read_sidecar(path: Path | None) -> WriterInfo | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return WriterInfo(
            what=str(data["what"]),
            user=str(data["user"]),
            pid=int(data["pid"]),
            host=str(data["host"]),
            started=datetime.fromisoformat(str(data["started"])),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _may_be_alive(info: WriterInfo) -> bool:
    """False when the holder file was left by a process of this host that has ended."""
    if os.name != "posix" or info.host != socket.gethostname():
        return True  # cannot tell (os.kill(pid, 0) would end the process on Windows)
    try:
        os.kill(info.pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by another user
    return True


# --------------------------------------------------------------------- PostgreSQL
def _lock_postgres(
    conn: Connection, wait_s: float, on_wait: Callable[[str], None] | None, doing: str
) -> None:
    got = conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": PG_WRITER_KEY})
    if got.scalar_one():
        return
    holder = _pg_holder(conn)
    _announce(wait_s, on_wait, holder)
    if wait_s > 0:
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, round(wait_s * 1000))}")
        savepoint = conn.begin_nested()  # a timeout must not abort the transaction
        try:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_WRITER_KEY})
        except DBAPIError as exc:
            savepoint.rollback()
            if fault_kind(exc) != "busy":
                raise
            holder = _pg_holder(conn)
        else:
            savepoint.commit()
            conn.exec_driver_sql("SET LOCAL lock_timeout = DEFAULT")
            return
    raise _busy(doing, holder, wait_s)


def _pg_holder(conn: Connection) -> str:
    row = conn.execute(
        text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a "
            "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
            "AND l.classid::bigint = :hi AND l.objid::bigint = :lo AND l.objsubid = 1 "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ),
        {"hi": PG_WRITER_KEY >> 32, "lo": PG_WRITER_KEY & 0xFFFFFFFF},
    ).first()
    info = _parse_app_name(row[0] if row else None)
    return info.describe() if info is not None else UNKNOWN_HOLDER


def _app_name(me: WriterInfo) -> str:
    """The holder's description in 63 ASCII bytes (PostgreSQL's limit; it turns other
    characters into "?"): numbers in base 36, the user cut to 12 characters, the
    description cut with "..." when it does not fit."""
    user = me.user.encode("ascii", "replace").decode()[:12].replace("|", "/")
    what = me.what.encode("ascii", "replace").decode()
    head = f"{_APP_PREFIX}|{_base36(int(me.started.timestamp()))}|{_base36(me.pid)}|{user}|"
    room = _APP_NAME_MAX - len(head)
    return head + (what if len(what) <= room else what[: room - 3] + "...")


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def _parse_app_name(name: str | None) -> WriterInfo | None:
    parts = (name or "").split("|", 4)
    if len(parts) != 5 or parts[0] != _APP_PREFIX:
        return None
    try:
        started = datetime.fromtimestamp(int(parts[1], 36), tz=UTC)
        pid = int(parts[2], 36)
    except ValueError:
        return None
    return WriterInfo(what=parts[4], user=parts[3], pid=pid, host="", started=started)


# --------------------------------------------------------------------- messages
def _announce(wait_s: float, on_wait: Callable[[str], None] | None, holder: str) -> None:
    if wait_s > 0 and on_wait is not None:
        on_wait(f"waiting up to {wait_s:g} s: {holder}")


def _busy(doing: str, holder: str, wait_s: float) -> WriterBusyError:
    waited = f"waited {wait_s:g} s, " if wait_s > 0 else ""
    return WriterBusyError(
        f"cannot start {doing} now: {holder}; {waited}nothing was written; "
        "try again when it has finished",
        holder,
    )
