"""Tables of margin-call and forced-close notices (issue #11 item 2; migration 0006).

``notice`` holds what a notice states, frozen when it was generated (the figures of the
settled day, the deadline, the template key), so that the notice can be printed again
years later exactly as it was sent: the Supreme People's Court's futures rules put the
proof that a call was made on the firm. ``notice_status`` is its delivery history
(append-only: one row per status change, with who, when, by which channel and the
server's answer or the error). ``notice_counter`` numbers notices per member, kind and
year without gaps; ``notice_close_order`` lists the orders a forced-close notice names
(filled by the forced-close feature, issue #11 item 3). ``client_contact`` keeps the
address a notice is e-mailed to. Shares ``Base.metadata``:
``core.db.migrate.TABLE_MODULES`` lists this module. Times are stored in UTC.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, FenColumn

NOTICE_KINDS = ("margin_call", "forced_close")
NOTICE_STATUSES = ("generated", "sent", "received", "confirmed", "failed")
NOTICE_CHANNELS = ("system", "sms", "email", "hand")
NOTICE_LANGS = ("zh", "en")
CLOSE_SIDES = ("long", "short")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Notice(Base):
    """One notice to one client: what it states and where its delivery stands."""

    __tablename__ = "notice"
    __table_args__ = (
        UniqueConstraint("member_code", "number"),
        UniqueConstraint("member_code", "kind", "year", "sequence"),
        CheckConstraint(_in("kind", NOTICE_KINDS), name="kind_valid"),
        CheckConstraint(_in("status", NOTICE_STATUSES), name="status_valid"),
        CheckConstraint(_in("channel", NOTICE_CHANNELS), name="channel_valid"),
        CheckConstraint(_in("lang", NOTICE_LANGS), name="lang_valid"),
        CheckConstraint("sequence > 0", name="sequence_positive"),
        CheckConstraint("call_fen >= 0", name="call_not_negative"),
        Index("ix_notice_client_day", "client_code", "trading_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), comment="e.g. MC2026-000123")
    member_code: Mapped[str] = mapped_column(ForeignKey("member.code"))
    kind: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer, comment="year of the trading day")
    sequence: Mapped[int] = mapped_column(Integer, comment="n-th notice of its kind and year")
    client_code: Mapped[str] = mapped_column(ForeignKey("client.code"))
    trading_day: Mapped[date] = mapped_column(Date, index=True)
    balance_fen: Mapped[FenColumn] = mapped_column(comment="equity stated (当日结存)")
    margin_fen: Mapped[FenColumn] = mapped_column(comment="margin in use stated")
    available_fen: Mapped[FenColumn] = mapped_column(comment="available funds stated")
    risk_ratio_ppm: Mapped[int] = mapped_column(BigInteger, comment="firm's risk ratio, ppm")
    call_fen: Mapped[FenColumn] = mapped_column(comment="amount to add")
    deadline_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rule_key: Mapped[str] = mapped_column(String(40), comment="template text of the basis")
    lang: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(6), comment="channel of the last change")
    status: Mapped[str] = mapped_column(String(10), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NoticeStatusChange(Base):
    """One step of a notice's delivery history (append-only)."""

    __tablename__ = "notice_status"
    __table_args__ = (
        CheckConstraint(_in("status", NOTICE_STATUSES), name="status_valid"),
        CheckConstraint(_in("channel", NOTICE_CHANNELS), name="channel_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(6))
    detail: Mapped[str] = mapped_column(
        String(500), default="", comment="recipient, server answer, error or note"
    )


class NoticeCounter(Base):
    """The last number given per member, kind and year (numbers have no gaps)."""

    __tablename__ = "notice_counter"

    member_code: Mapped[str] = mapped_column(ForeignKey("member.code"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class NoticeCloseOrder(Base):
    """An order line a forced-close notice names (client, contract, side closed, lots)."""

    __tablename__ = "notice_close_order"
    __table_args__ = (
        UniqueConstraint("notice_id", "line_no"),
        CheckConstraint(_in("side", CLOSE_SIDES), name="side_valid"),
        CheckConstraint("lots > 0", name="lots_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    client_code: Mapped[str] = mapped_column(ForeignKey("client.code"))
    contract_code: Mapped[str] = mapped_column(ForeignKey("contract.code"))
    side: Mapped[str] = mapped_column(String(5), comment="side of the position closed")
    lots: Mapped[int] = mapped_column(Integer)


class ClientContact(Base):
    """Where a client's notices go: e-mail address and mobile number."""

    __tablename__ = "client_contact"

    client_code: Mapped[str] = mapped_column(ForeignKey("client.code"), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
