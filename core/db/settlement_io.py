"""Bulk writes of one trading day's settlement results (reads: ``core.db.day_inputs``).

Results are written with ``executemany`` in chunks (on SQLite straight on the DB-API
connection, in the values SQLAlchemy's SQLite types store, which is several times
faster than Core inserts). Every function takes the caller's ``Connection``
(``session.connection()``) and runs inside the caller's transaction (STYLE B6).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, Table, delete, insert

from core.db import revisions
from core.db.tables import ClientBalance, Position, ReserveHistory

WriteProgress = Callable[[int, int], None]
"""``progress(done, total)`` after each written chunk (may raise to cancel)."""

CHUNK_ROWS = 50_000


# --------------------------------------------------------------------- writes
def delete_day_results(conn: Connection, day: date) -> None:
    """Delete ``day``'s positions, client balances and member reserves (before a rerun);
    raises their revisions (the rewrite follows in the same transaction)."""
    for table in (Position.__table__, ClientBalance.__table__, ReserveHistory.__table__):
        assert isinstance(table, Table)
        conn.execute(delete(table).where(table.c.trading_day == day))
        revisions.bump(conn, table.name)


def _chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, size):
        yield start, min(start + size, n)


def _sqlite_column(col: Any) -> list[Any]:
    """A column in the representation SQLAlchemy's SQLite types store."""
    if isinstance(col, np.ndarray):
        return list(col.tolist())
    out: list[Any] = []
    for v in col:
        if isinstance(v, datetime):
            if v.tzinfo is not None:
                v = v.astimezone(UTC).replace(tzinfo=None)
            out.append(v.strftime("%Y-%m-%d %H:%M:%S.%f"))
        elif isinstance(v, date):
            out.append(v.isoformat())
        else:
            out.append(v)
    return out


def _python_column(col: Any) -> list[Any]:
    if isinstance(col, np.ndarray):
        return list(col.tolist())
    return list(col)


def insert_columns(
    conn: Connection,
    table: Table,
    columns: dict[str, Any],
    progress: WriteProgress | None = None,
) -> int:
    """Insert rows given as equal-length columns (numpy arrays or lists); row count.

    A column that is neither a list nor an array (a date, a datetime, a number) is a
    constant repeated on every row. Dates and datetimes are Python objects. SQLite:
    DB-API ``executemany`` in chunks of ``CHUNK_ROWS``; other databases: Core
    ``insert()`` with lists of dicts.
    """
    names = list(columns)
    unknown = set(names) - set(table.c.keys())
    if unknown:
        raise ValueError(f"{table.name}: unknown columns {sorted(unknown)}")
    lengths = {len(v) for v in columns.values() if isinstance(v, list | np.ndarray)}
    if len(lengths) > 1:
        raise ValueError(f"{table.name}: columns of different lengths {sorted(lengths)}")
    n = lengths.pop() if lengths else 0
    if n == 0:
        return 0
    sqlite = conn.dialect.name == "sqlite"
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    raw: Any = conn.connection.driver_connection if sqlite else None
    constants = {c: v for c, v in columns.items() if not isinstance(v, list | np.ndarray)}
    for lo, hi in _chunks(n, CHUNK_ROWS):
        if sqlite:
            parts = [
                _sqlite_column([constants[c]]) * (hi - lo)
                if c in constants
                else _sqlite_column(columns[c][lo:hi])
                for c in names
            ]
            raw.executemany(sql, list(zip(*parts, strict=True)))
        else:
            parts = [
                [constants[c]] * (hi - lo) if c in constants else _python_column(columns[c][lo:hi])
                for c in names
            ]
            conn.execute(
                insert(table),
                [dict(zip(names, row, strict=True)) for row in zip(*parts, strict=True)],
            )
        if progress is not None:
            progress(hi, n)
    return n
