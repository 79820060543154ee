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

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, text

from core.db.driver_rows import write_rows
from core.db.live_event_table import KIND_TRADE, LiveBatch, LiveEvent, LiveSnapshot

FEED_CHANNEL = "riskdesk_feed"
FEED_LOCK_KEY = 0x5249534B46454544  # "RISKFEED": publishers' batches one at a time
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
    if rows and conn.dialect.name == "postgresql":
        # one batch at a time: seqs then commit in order, so a follower reading after
        # its cursor never skips a batch that commits late (SQLite serialises anyway)
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK_KEY})
    if rows:
        values = [_sqlite_row(r) for r in rows] if conn.dialect.name == "sqlite" else rows
        write_rows(conn.connection.driver_connection, conn.dialect, "live_event", COLUMNS, values)
    last = int(conn.execute(select(func.coalesce(func.max(LiveEvent.seq), 0))).scalar_one())
    if rows:  # the batch's end, in its own transaction: the book's alerts' points
        conn.execute(insert(LiveBatch), {"trading_day": day, "seq": last})
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:ch, :p)"), {"ch": FEED_CHANNEL, "p": f"{day}:{last}"})
    return last


def _sqlite_row(row: tuple[object, ...]) -> tuple[object, ...]:
    """As SQLAlchemy binds them on SQLite: dates and times as ISO text."""
    day, kind, contract, price, at, *rest = row
    return (str(day), kind, contract, price, at.isoformat(sep=" "), *rest)  # type: ignore[attr-defined]


def has_events(conn: Connection, day: date) -> bool:
    """Has the book's event log any event of ``day`` (a feed process has published)?"""
    t = LiveEvent.__table__
    return conn.execute(select(t.c.seq).where(t.c.trading_day == day).limit(1)).first() is not None


def read_events(
    conn: Connection,
    day: date,
    after: int,
    limit: int | None = 10_000,
    *,
    upto: int | None = None,
) -> list[Any]:
    """The rows of ``day`` with ``seq`` > ``after`` (and ≤ ``upto``), in ``seq`` order
    (at most ``limit``): ``seq`` and the ``COLUMNS``."""
    t = LiveEvent.__table__
    query = select(t).where(t.c.trading_day == day, t.c.seq > after).order_by(t.c.seq)
    if upto is not None:
        query = query.where(t.c.seq <= upto)
    return list(conn.execute(query.limit(limit)).all())


def read_batch_ends(conn: Connection, day: date, after: int, limit: int = 10_000) -> list[int]:
    """The last ``seq`` of each committed batch of ``day`` after ``after``, in order."""
    t = LiveBatch.__table__
    query = select(t.c.seq).where(t.c.trading_day == day, t.c.seq > after).order_by(t.c.seq)
    return [int(s) for s in conn.execute(query.limit(limit)).scalars()]


def read_fills(conn: Connection, day: date, upto: int) -> list[Any]:
    """The fills (kind 1) of ``day`` with ``seq`` ≤ ``upto``, in ``seq`` order, through
    ``ix_live_event_day_kind_seq`` (the ticks are not read)."""
    t = LiveEvent.__table__
    query = (
        select(t)
        .where(t.c.trading_day == day, t.c.kind == KIND_TRADE, t.c.seq <= upto)
        .order_by(t.c.seq)
    )
    return list(conn.execute(query).all())


def _us(at: datetime) -> int:
    """``at`` as integer microseconds since the epoch (exact, unlike a float)."""
    delta = at - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _from_us(us: int) -> datetime:
    from datetime import timedelta

    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)


def write_snapshot(
    conn: Connection,
    day: date,
    seq: int,
    fills: int,
    prices: Mapping[str, tuple[int, datetime]],
    made_at: datetime,
) -> None:
    """Store the market state after ``seq`` (``prices``: contract → applied last price
    in fen and its event time); a snapshot already stored at that ``seq`` is kept."""
    payload = json.dumps(
        {c: [int(p), _us(at)] for c, (p, at) in sorted(prices.items())}, separators=(",", ":")
    )
    t = LiveSnapshot.__table__
    exists = conn.execute(select(t.c.seq).where(t.c.trading_day == day, t.c.seq == seq)).first()
    if exists is None:
        conn.execute(
            insert(LiveSnapshot),
            {"trading_day": day, "seq": seq, "made_at": made_at, "fills": fills, "prices": payload},
        )


def latest_snapshot(
    conn: Connection, day: date, upto: int | None = None
) -> tuple[int, int, dict[str, tuple[int, datetime]]] | None:
    """The newest stored snapshot of ``day`` (at or before ``upto``): its ``seq``, the
    number of fills up to it and the prices; None when there is none."""
    t = LiveSnapshot.__table__
    query = select(t.c.seq, t.c.fills, t.c.prices).where(t.c.trading_day == day)
    if upto is not None:
        query = query.where(t.c.seq <= upto)
    row = conn.execute(query.order_by(t.c.seq.desc()).limit(1)).first()
    if row is None:
        return None
    prices = {str(c): (int(p), _from_us(int(us))) for c, (p, us) in json.loads(row.prices).items()}
    return int(row.seq), int(row.fills), prices
