"""The shared feed's event log (issue #14 item 4): append in batches, follow by cursor.

``append_events`` writes one batch in the caller's transaction — ``COPY`` on
PostgreSQL, ``executemany`` on SQLite — and, on PostgreSQL, queues a NOTIFY on
``FEED_CHANNEL`` carrying the day and the last ``seq`` (delivered at commit). The
NOTIFY is only a doorbell: ``read_events`` returns the events after a cursor in ``seq``
order, so a desk that missed a ring, started late or reconnected reads exactly what it
has not applied, and every desk applies the same events in the same order.

Rows are plain values (``COLUMNS``); ``core.services.live_feed`` turns them into the
feed's ``PriceTick`` and ``TradeEvent``. The table is ``core.db.live_event_table``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import DBAPIError

from core.db.live_event_table import LiveEvent

FEED_CHANNEL = "riskdesk_feed"
COLUMNS = (
    "trading_day",
    "kind",
    "contract",
    "price_fen",
    "at",
    "trade_no",
    "client_code",
    "side",
    "action",
    "lots",
    "fee_fen",
    "hedge",
)


def append_events(conn: Connection, day: date, rows: Sequence[tuple[object, ...]]) -> int:
    """Append ``rows`` (values of ``COLUMNS``, in order) of ``day``; the last ``seq`` of
    the log after them (0 for an empty log). Runs in the caller's transaction."""
    if rows:
        names = ", ".join(COLUMNS)
        raw = conn.connection.driver_connection
        dbapi_error: type[Exception] = conn.dialect.loaded_dbapi.Error
        try:
            if conn.dialect.name == "postgresql":
                sql = f"COPY live_event ({names}) FROM STDIN"
                with raw.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
                    for row in rows:
                        copy.write_row(row)
            else:
                sql = f"INSERT INTO live_event ({names}) VALUES ({', '.join('?' * len(COLUMNS))})"
                raw.executemany(sql, [_sqlite_row(r) for r in rows])  # type: ignore[union-attr]
        except dbapi_error as exc:
            raise DBAPIError.instance(sql, None, exc, dbapi_error) from exc
    last = int(conn.execute(select(func.coalesce(func.max(LiveEvent.seq), 0))).scalar_one())
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:ch, :p)"), {"ch": FEED_CHANNEL, "p": f"{day}:{last}"})
    return last


def _sqlite_row(row: tuple[object, ...]) -> tuple[object, ...]:
    """As SQLAlchemy binds them on SQLite: dates and times as ISO text."""
    day, kind, contract, price, at, *rest = row
    return (str(day), kind, contract, price, at.isoformat(sep=" "), *rest)  # type: ignore[attr-defined]


def read_events(conn: Connection, day: date, after: int, limit: int = 10_000) -> list[Any]:
    """The rows of ``day`` with ``seq`` > ``after``, in ``seq`` order (at most ``limit``):
    ``seq`` and the ``COLUMNS``."""
    t = LiveEvent.__table__
    query = select(t).where(t.c.trading_day == day, t.c.seq > after).order_by(t.c.seq)
    return list(conn.execute(query.limit(limit)).all())
