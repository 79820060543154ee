"""Writing the demo data set: replace-in-one-transaction and fast bulk inserts.

SQLite gets the DB-API ``executemany`` on the raw connection with values already in the
text forms SQLAlchemy's SQLite types store (``YYYY-MM-DD`` dates, ``YYYY-MM-DD
HH:MM:SS.ffffff`` datetimes, 0/1 booleans), which is several times faster than Core
inserts. Other databases get Core ``insert()`` with lists of dicts in chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, Table, delete, func, insert, select
from sqlalchemy.orm import Session

from core.db import tables as t
from core.db.delivery_tables import DeliveryMatch, EfpRecord
from core.db.reference_load import load_reference_data
from core.errors import RiskDeskError
from core.reference.products import Product

ProgressCallback = Callable[[str, int, "int | None"], None]
"""``progress(stage, done, total)``; ``core.progress.ProgressState.report`` fits."""

CHUNK_ROWS = 100_000

# Children first, so that deleting never trips a foreign key.
DEMO_TABLES: tuple[Table, ...] = tuple(
    m.__table__  # type: ignore[misc]
    for m in (
        DeliveryMatch,
        EfpRecord,
        t.ClosingOrder,
        t.Trade,
        t.Position,
        t.ClientBalance,
        t.FundMovement,
        t.HedgeQuota,
        t.WarehouseReceipt,
        t.MarginAdjustment,
        t.SettlementPrice,
        t.ReserveHistory,
        t.TradingCode,
        t.Client,
        t.Contract,
        t.Warehouse,
        t.Member,
    )
)
INSERT_ORDER: tuple[Table, ...] = tuple(reversed(DEMO_TABLES))


class DemoDatabaseError(RiskDeskError):
    """The target database holds data that is not demo data; it is left untouched."""


def refuse_foreign_data(conn: Connection, member_code: str) -> None:
    """Raise DemoDatabaseError if the database holds another member or any import."""
    others = conn.execute(
        select(func.count()).select_from(t.Member).where(t.Member.code != member_code)
    ).scalar_one()
    imports = conn.execute(select(func.count()).select_from(t.ImportBatch)).scalar_one()
    if others or imports:
        raise DemoDatabaseError(
            f"the database holds non-demo data ({others} other member(s), {imports} "
            "import(s)); create the demo data in a separate database (--db URL)"
        )


def delete_demo_data(conn: Connection) -> None:
    for table in DEMO_TABLES:
        conn.execute(delete(table))


def load_products(conn: Connection, products: dict[str, Product]) -> None:
    """Upsert the product table inside the caller's transaction (contracts refer to it)."""
    with Session(bind=conn) as session:
        load_reference_data(session, products)


# --------------------------------------------------------------------- value conversion
def _sqlite_values(col: Any) -> list[Any]:
    """A column in the representation SQLAlchemy's SQLite types store."""
    if isinstance(col, np.ndarray):
        if col.dtype.kind == "M":
            unit = np.datetime_data(col.dtype)[0]
            if unit == "D":
                return list(np.datetime_as_string(col, unit="D"))
            return [s.replace("T", " ") for s in np.datetime_as_string(col, unit="us")]
        return list(col.tolist())
    return [_sqlite_scalar(v) for v in col]


def _sqlite_scalar(v: Any) -> Any:
    if isinstance(v, datetime):
        if v.tzinfo is not None:
            v = v.astimezone(UTC).replace(tzinfo=None)
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, date):
        return v.isoformat()
    return v


def _python_values(col: Any) -> list[Any]:
    """A column as Python objects for Core inserts (aware UTC datetimes)."""
    if isinstance(col, np.ndarray):
        if col.dtype.kind == "M":
            unit = np.datetime_data(col.dtype)[0]
            if unit == "D":
                return list(col.astype(object))
            return [v.replace(tzinfo=UTC) for v in col.astype("datetime64[us]").astype(object)]
        return list(col.tolist())
    return list(col)


def _chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, size):
        yield start, min(start + size, n)


def bulk_insert(
    conn: Connection,
    table: Table,
    columns: dict[str, Any],
    progress: ProgressCallback | None = None,
) -> int:
    """Insert a table given as columns; returns the row count."""
    names = list(columns)
    unknown = set(names) - set(table.c.keys())
    if unknown:
        raise ValueError(f"{table.name}: unknown columns {sorted(unknown)}")
    n = len(columns[names[0]]) if names else 0
    stage = f"write {table.name}"
    if progress:
        progress(stage, 0, n)
    if n == 0:
        return 0
    sqlite = conn.dialect.name == "sqlite"
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    raw: Any = conn.connection.driver_connection if sqlite else None
    for lo, hi in _chunks(n, CHUNK_ROWS):
        parts: Sequence[list[Any]]
        if sqlite:
            parts = [_sqlite_values(columns[c][lo:hi]) for c in names]
            raw.executemany(sql, list(zip(*parts, strict=True)))
        else:
            parts = [_python_values(columns[c][lo:hi]) for c in names]
            conn.execute(
                insert(table),
                [dict(zip(names, row, strict=True)) for row in zip(*parts, strict=True)],
            )
        if progress:
            progress(stage, hi, n)
    return n


# --------------------------------------------------------------------- SQLite tuning
# foreign_keys=OFF: every reference is made by the generator and checked by the tests
# (PRAGMA foreign_key_check); checking 2.5 million rows during the load costs ~30 %.
_FAST_PRAGMAS = ("synchronous=OFF", "cache_size=-262144", "temp_store=MEMORY", "foreign_keys=OFF")
_RESTORE_PRAGMAS = (
    "synchronous=NORMAL",
    "cache_size=-2000",
    "temp_store=DEFAULT",
    "foreign_keys=ON",
)


@contextmanager
def bulk_load(conn: Connection) -> Iterator[None]:
    """SQLite's bulk-load settings on ``conn`` around a transaction (outside it)."""
    set_bulk_pragmas(conn, fast=True)
    try:
        yield
    finally:
        set_bulk_pragmas(conn, fast=False)


def set_bulk_pragmas(conn: Connection, fast: bool) -> None:
    """Switch SQLite to bulk-load settings and back; call outside a transaction.

    The pragmas go straight to the DB-API connection: through SQLAlchemy they would
    start a transaction, inside which SQLite refuses to change ``synchronous``.
    """
    if conn.dialect.name != "sqlite":
        return
    raw: Any = conn.connection.driver_connection
    for pragma in _FAST_PRAGMAS if fast else _RESTORE_PRAGMAS:
        raw.execute(f"PRAGMA {pragma}")
    if not fast:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # shrink the WAL the load grew


class SecondaryIndexes:
    """Drop a SQLite table's secondary indexes for a bulk load and rebuild them after.

    Building an index once from sorted data is much faster than updating it row by row
    when rows arrive in another order. The indexes are recreated from the SQL stored in
    the database itself, so they come back exactly as the migrations made them. Both
    steps run inside the caller's transaction (SQLite DDL is transactional).
    """

    def __init__(self, conn: Connection, table: Table) -> None:
        self._conn = conn
        self._sql: list[tuple[str, str]] = []
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
                (table.name,),
            ).all()
            self._sql = [(str(name), str(sql)) for name, sql in rows]

    def __enter__(self) -> SecondaryIndexes:
        for name, _sql in self._sql:
            self._conn.exec_driver_sql(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            for _name, sql in self._sql:
                self._conn.exec_driver_sql(sql)


def count_rows(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def has_demo_rows(conn: Connection, member_code: str) -> bool:
    """True if the demo member exists and a ``demo.create`` was recorded."""
    member = conn.execute(
        select(func.count()).select_from(t.Member).where(t.Member.code == member_code)
    ).scalar_one()
    audit = conn.execute(
        select(func.count()).select_from(t.AuditLog).where(t.AuditLog.action == "demo.create")
    ).scalar_one()
    return bool(member and audit)
