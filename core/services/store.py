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
from sqlalchemy.orm import Session

from core.audit import record
from core.changes import Changes
from core.db.engine import (
    SQLITE_BEGIN_IMMEDIATE,
    Database,
    database_name,
    open_database,
    url_label,
)
from core.db.reader import Reader, ReadOnlyError

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
) -> tuple[R, Changes]:
    """Run ``work`` in one transaction and audit it as ``action``; ``(result, Changes)``.

    ``work(session)`` does the writes and returns ``Written``; the audit entry
    (``core.audit.record``, by ``user``, default the configured user) is added in the
    same transaction, which then commits. Any exception (``InputError``,
    ``OperationCancelledError`` from progress, a database error) rolls back both and
    propagates. The returned ``Changes`` always include ``audit``. On SQLite the
    transaction takes the write lock up front (BEGIN IMMEDIATE): a transaction that
    reads first could otherwise fail at once with "database is locked" when another
    connection committed since it began. ``prepare(connection)`` wraps the transaction
    in connection settings (the demo's bulk-load pragmas). Blocks; call it on a worker.
    """
    with db.engine.connect() as conn, (prepare or _no_setup)(conn):
        if conn.dialect.name == "sqlite":
            conn.execution_options(**{SQLITE_BEGIN_IMMEDIATE: True})
        with db.sessions(bind=conn) as session, session.begin():
            done = work(session)
            record(session, action, done.audit, user=user)
    return done.result, done.changed | Changes(audit=True)


def _no_setup(_conn: Connection) -> AbstractContextManager[None]:
    return nullcontext()
