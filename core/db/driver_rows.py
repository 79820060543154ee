"""Rows written straight through the database driver, in the caller's transaction.

For bulk writes where SQLAlchemy's per-row work would dominate (the imports' upsert, the
shared feed's event batches): SQLite's ``executemany`` of tuples, PostgreSQL's
(psycopg) ``COPY … FROM STDIN``. A driver error is re-raised as SQLAlchemy's
``DBAPIError`` (without the rows), so a full disk or a lost server is the same one-line
fault as on the Core path (``core.db.faults``). The caller gives values as the driver
takes them (SQLite: already bound, e.g. dates as ISO text).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import DBAPIError


def write_rows(
    raw: Any, dialect: Any, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Write ``rows`` (values of ``columns``, in order) into ``table`` (both as SQL text,
    quoted where needed) through the driver connection ``raw``."""
    names = ", ".join(columns)
    sqlite = dialect.name == "sqlite"
    sql = (
        f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
        if sqlite
        else f"COPY {table} ({names}) FROM STDIN"
    )
    dbapi_error: type[Exception] = dialect.loaded_dbapi.Error
    try:
        if sqlite:
            raw.executemany(sql, rows)
            return
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    except dbapi_error as exc:
        raise DBAPIError.instance(sql, None, exc, dbapi_error) from exc
