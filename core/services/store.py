"""The two doors to the database: ``Reader`` for reads, ``write`` for writes.

Anki's ``QueryOp`` / ``CollectionOp`` split (STYLE A1, B11). A read use case is a
function ``(reader: Reader, request) -> result`` (``Database.reader()`` opens one; it
refuses writes and writes no audit entry). A write use case calls ``write``: one
transaction, the service's work in it, exactly one audit entry in the same transaction,
then ``(result, Changes)``. An error or a cancel anywhere rolls back the work and its
audit entry together. Front ends (``desktop``, ``core.cli``) open the database here and
call services; they hold no session.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from core.audit import record
from core.changes import Changes
from core.config import current_user
from core.db.doorbell import ring
from core.db.engine import (
    Database,
    database_name,
    open_database,
    url_label,
)
from core.db.faults import database_fault, sqlite_integrity
from core.db.reader import Reader, ReadOnlyError
from core.db.writer_lock import WriterInfo, begin_as_writer, release_sidecar, sidecar_path
from core.errors import DatabaseFaultError, PermissionRefusedError

__all__ = [
    "Database",
    "ReadOnlyError",
    "Reader",
    "Written",
    "database_name",
    "open_database",
    "url_label",
    "write",
]

R = TypeVar("R")


@dataclass(frozen=True)
class Written(Generic[R]):
    """What a write's work did: its ``result``, the kinds of data it ``changed`` and the
    ``audit`` detail (a mapping stored as JSON, or text) of its one audit entry."""

    result: R
    changed: Changes
    audit: Mapping[str, Any] | str


def write(
    db: Database,
    action: str,
    work: Callable[[Session], Written[R]],
    *,
    user: str | None = None,
    prepare: Callable[[Connection], AbstractContextManager[Any]] | None = None,
    what: str | None = None,
    bulk: bool = False,
) -> tuple[R, Changes]:
    """Run ``work`` in one transaction and audit it as ``action``; ``(result, Changes)``.

    ``work(session)`` does the writes and returns ``Written``; the audit entry
    (``core.audit.record``, by ``user``, default the configured user) is added in the
    same transaction, which then commits. Any exception (``InputError``,
    ``OperationCancelledError`` from progress, a database error) rolls back both and
    propagates. The returned ``Changes`` always include ``audit``.

    One writer at a time (``core.db.writer_lock``): the transaction first takes the
    database's writer lock (SQLite: BEGIN IMMEDIATE, so that a transaction that reads
    first cannot fail with "database is locked"; PostgreSQL: an advisory lock), waiting
    up to ``db.write_wait_s`` for another writer, else ``WriterBusyError`` names it.
    ``what`` describes this write to the others ("settlement of 2026-11-20"; default
    from ``action``). A ``bulk`` write (settlement, import, demo data) on SQLite first
    runs SQLite's quick check, once per open database, and is refused on a damaged
    file. A read-only database refuses every write, and a database fault (full,
    damaged, lost connection, a key stored by another writer meanwhile) is raised as a
    one-line ``DatabaseFaultError`` without SQL or row data (``core.db.faults``).
    ``prepare(connection)`` wraps the transaction in connection settings (the demo's
    bulk-load pragmas). Blocks; call it on a worker.
    """
    desk = db.desk
    # server mode: the login is the user (a trigger refuses any other name)
    who = desk.user if desk.server else (current_user() if user is None else user)
    writer = what or action_description(action)
    doing = f"the {writer}"
    where = db.masked_url
    if not desk.may(action):
        raise PermissionRefusedError(desk.refusal(action, doing))
    if db.read_only:
        raise DatabaseFaultError(
            f"database {where} is read-only (opened for viewing only): {doing} needs to "
            "write to it; nothing was written",
            "read-only",
        )
    sqlite = db.engine.dialect.name == "sqlite"
    sidecar = sidecar_path(db.engine.url.database) if sqlite else None
    try:
        with db.engine.connect() as conn, (prepare or _no_setup)(conn):
            begin_as_writer(
                conn,
                WriterInfo.now(writer, who),
                wait_s=db.write_wait_s,
                on_wait=db.on_wait,
                doing=doing,
                sidecar=sidecar,
            )
            try:
                if bulk and sqlite:
                    _check_integrity_once(db, conn, doing)
                with (
                    db.sessions(bind=conn, join_transaction_mode="control_fully") as session,
                    session.begin(),
                ):
                    done = work(session)
                    record(session, action, done.audit, user=who)
                    # other desks hear of it when (and only if) this commits
                    ring(session.connection(), done.changed, action, who, db.origin)
            finally:
                if conn.in_transaction():
                    conn.rollback()
                release_sidecar(sidecar)
    except DBAPIError as exc:
        fault = database_fault(exc, where, doing=doing)
        if fault is None:
            raise
        raise fault from None
    return done.result, done.changed | Changes(audit=True)


_ACTIONS = {
    "settlement.run": "settlement",
    "demo.create": "demo data creation",
    "delivery.allocate": "delivery allocation",
    "delivery.match": "delivery match",
    "delivery.efp": "EFP record",
    "alert.store": "alert update",
    "alert.acknowledge": "alert acknowledgement",
    "notice.generate": "notice generation",
    "notice.send": "notice sending",
    "notice.mark": "notice status update",
    "notice.contact": "contact update",
    "scenario.save": "stress scenario save",
    "scenario.delete": "stress scenario deletion",
}


def action_description(action: str) -> str:
    """What a write of ``action`` is, for the other writers: "settlement",
    "import of trades", "export of limits", …"""
    head, _, tail = action.partition(".")
    if head in ("import", "export") and tail:
        return f"{head} of {tail.replace('_', ' ')}"
    return _ACTIONS.get(action, action)


_INTEGRITY_CHECKED = "riskdesk_integrity_checked"


def _check_integrity_once(db: Database, conn: Connection, doing: str) -> None:
    """SQLite's quick check before the first bulk write of this open database.

    A damaged page elsewhere in the file does not stop an import that never reads it;
    the check does (about 1 s on the 450 MB large demo, once per open database).
    """
    info = db.sessions.kw.setdefault("info", {})
    if info.get(_INTEGRITY_CHECKED):
        return
    problems = sqlite_integrity(conn, quick=True, limit=3)
    if problems:
        raise DatabaseFaultError(
            f"database {db.masked_url} is damaged (quick check: {problems[0]}"
            f"{' …' if len(problems) > 1 else ''}); {doing} was refused, nothing was "
            "written; run 'riskdesk db check' and restore a backup",
            "damaged",
        )
    info[_INTEGRITY_CHECKED] = True


def _no_setup(_conn: Connection) -> AbstractContextManager[None]:
    return nullcontext()
