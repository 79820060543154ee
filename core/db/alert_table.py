"""Table ``alert``: live alerts and their acknowledgements (migrations 0002, 0004, 0005,
0007, 0011).

Kept out of ``core/db/tables.py`` as the monitor's own table; it shares
``Base.metadata``, so ``create_all`` and Alembic autogenerate see it once imported.
Written and read by ``core.services.alerts`` (the live engine does no database I/O).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class AlertRow(Base):
    """One alert raised by the live monitor on a trading day."""

    __tablename__ = "alert"
    # The history screen reads the newest alerts: day, time, id descending (rev. 0004);
    # the client panel one account's (rev. 0007).
    __table_args__ = (
        Index("ix_alert_day_time", "trading_day", "raised_at", "alert_id"),
        Index("ix_alert_account", "account", "trading_day"),
        # A book alert once per day and key, whoever raises it (rev. 0011).
        Index("ux_alert_raise_key", "trading_day", "raise_key", unique=True),
    )

    trading_day: Mapped[date] = mapped_column(Date, primary_key=True)
    alert_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    severity: Mapped[str] = mapped_column(String(10))
    account: Mapped[str | None] = mapped_column(String(16))
    contract: Mapped[str | None] = mapped_column(String(8))
    receipt: Mapped[str | None] = mapped_column(String(32))
    threshold_ppm: Mapped[int | None] = mapped_column(BigInteger)
    # The level a "risk_level" alert entered (core.rules.risk_levels code; rev. 0005).
    risk_level: Mapped[int | None] = mapped_column(SmallInteger)
    message: Mapped[str] = mapped_column(String(300))
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A book alert's identity (core.services.book_alerts.raise_key); NULL for a desk's
    # own alerts (rev. 0011).
    raise_key: Mapped[str | None] = mapped_column(String(96))
