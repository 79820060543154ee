"""Alerts raised once for all desks, the feed's batch marks and engine snapshots (#14).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

* ``alert.raise_key``: a book alert's identity, ``seq:kind:account:contract:receipt``
  (``core.services.book_alerts.raise_key``), unique per day, so that two raisers
  evaluating the same log (a restarted feed catching up, a second feed) store each
  alert once. NULL for a desk's own alerts (a simulated or replayed monitor).
* ``live_batch``: the last ``seq`` of every batch the feed committed, written in the
  batch's own transaction: the points where the book's alerts are evaluated, so every
  raiser evaluates at the same points.
* ``live_snapshot``: the market part of the engine's state at a ``seq`` (each
  contract's applied last price and its event time, JSON of integers), so a late desk
  applies the day's fills up to ``seq``, then those prices, and follows from there.
* ``ix_live_event_day_kind_seq``: the fills of a day without reading its ticks.

Self-contained (written out in full, independent of the ORM).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("alert", sa.Column("raise_key", sa.String(length=96), nullable=True))
    op.create_index("ux_alert_raise_key", "alert", ["trading_day", "raise_key"], unique=True)
    op.create_table(
        "live_batch",
        sa.Column("trading_day", sa.Date(), primary_key=True, nullable=False),
        sa.Column("seq", sa.BigInteger(), primary_key=True, nullable=False),
    )
    op.create_table(
        "live_snapshot",
        sa.Column("trading_day", sa.Date(), primary_key=True, nullable=False),
        sa.Column("seq", sa.BigInteger(), primary_key=True, nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fills", sa.BigInteger(), nullable=False),
        sa.Column("prices", sa.Text(), nullable=False),
    )
    op.create_index("ix_live_event_day_kind_seq", "live_event", ["trading_day", "kind", "seq"])


def downgrade() -> None:
    op.drop_index("ix_live_event_day_kind_seq", table_name="live_event")
    op.drop_table("live_snapshot")
    op.drop_table("live_batch")
    op.drop_index("ux_alert_raise_key", table_name="alert")
    with op.batch_alter_table("alert") as batch:
        batch.drop_column("raise_key")
