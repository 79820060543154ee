"""The read door: a read-only view of the database for one query (Anki's ``QueryOp``).

``Database.reader()`` opens a ``Reader``: one session whose writes are refused three
ways, so that a query can never change data behind the write door
(``core.services.store.write``): the ORM refuses a flush or an INSERT/UPDATE/DELETE
statement (``ReadOnlyError``), and the database itself refuses any other write
(PostgreSQL: a READ ONLY transaction; SQLite: ``PRAGMA query_only``, switched off again
when the connection goes back to the pool). A reader writes no audit entry either:
previews and screen loads are reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from core.db.engine import SQLITE_QUERY_ONLY


class ReadOnlyError(RuntimeError):
    """A query tried to write through a ``Reader``: a bug, never the user's doing."""


class Reader:
    """Read-only access for one query: ``session`` reads in one transaction.

    Services take a Reader, never a bare Session, for every read use case; they must
    not keep the session or ORM objects beyond the call (results are values). Obtain
    one from ``Database.reader()``; the session is closed when that block ends.
    """

    __slots__ = ("session",)

    def __init__(self, session: Session) -> None:
        self.session = session


@contextmanager
def open_reader(sessions: sessionmaker[Session]) -> Iterator[Reader]:
    """A ``Reader`` over a new session of ``sessions``, closed (rolled back) on exit."""
    with sessions() as session:
        event.listen(session, "before_flush", _refuse_flush)
        event.listen(session, "do_orm_execute", _refuse_write_statement)
        if session.get_bind().dialect.name == "postgresql":
            # Reset by the pool when the connection is returned (a connection
            # characteristic, as the isolation level).
            session.connection(execution_options={"postgresql_readonly": True})
        else:
            conn = session.connection()
            conn.connection.info[SQLITE_QUERY_ONLY] = True  # the pool's check-in resets it
            conn.exec_driver_sql("PRAGMA query_only = ON")
        yield Reader(session)


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlyError("a read-only query tried to write (flush refused)")


def _refuse_write_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnlyError(f"a read-only query tried to write: {state.statement}")
