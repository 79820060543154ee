"""Table ``live_event``: the day's market and trade events of the shared feed (issue #14,
migration 0009); ``live_batch`` and ``live_snapshot`` (migration 0011).

One feed process (``riskdesk feed … --to-book``) appends; every desk follows the log
from its cursor (``seq``), so all desks apply the same events in the same order and
compute the same figures. Append only: the feed never updates or deletes a row, and
``seq`` (an identity) is the order. Read and written by ``core.db.live_events``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base

KIND_TICK = 0
KIND_TRADE = 1


class LiveEvent(Base):
    """One event of the shared feed: a last price (kind 0) or a client fill (kind 1)."""

    __tablename__ = "live_event"
    __table_args__ = (
        Index("ix_live_event_day_seq", "trading_day", "seq"),
        # a late desk reads the day's fills without its ticks (rev. 0011)
        Index("ix_live_event_day_kind_seq", "trading_day", "kind", "seq"),
    )

    # BIGSERIAL on PostgreSQL; SQLite's rowid alias needs INTEGER PRIMARY KEY
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    trading_day: Mapped[date] = mapped_column(Date)
    kind: Mapped[int] = mapped_column(SmallInteger)
    contract: Mapped[str] = mapped_column(String(8))
    price_fen: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    trade_no: Mapped[str | None] = mapped_column(String(32))
    client_code: Mapped[str | None] = mapped_column(String(16))
    side: Mapped[int | None] = mapped_column(SmallInteger)
    """0 long, 1 short (``core.rules.sides``), the side of the position affected."""
    action: Mapped[int | None] = mapped_column(SmallInteger)
    """0 open, 1 close."""
    lots: Mapped[int | None] = mapped_column(BigInteger)
    fee_fen: Mapped[int | None] = mapped_column(BigInteger)
    hedge: Mapped[bool | None] = mapped_column(Boolean)


class LiveBatch(Base):
    """The last ``seq`` of one committed feed batch (rev. 0011): the book's alerts are
    evaluated after each, so every raiser evaluates at the same points."""

    __tablename__ = "live_batch"

    trading_day: Mapped[date] = mapped_column(Date, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)


class LiveSnapshot(Base):
    """The market part of the engine's state after ``seq`` (rev. 0011): each contract's
    applied last price and event time, as JSON ``{contract: [price_fen, at_us]}``
    (integers: fen, microseconds since the epoch). With the day's fills up to ``seq``
    (in the log) it is everything the engine needs; ``fills`` counts them."""

    __tablename__ = "live_snapshot"

    trading_day: Mapped[date] = mapped_column(Date, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    fills: Mapped[int] = mapped_column(BigInteger)
    prices: Mapped[str] = mapped_column(Text)
