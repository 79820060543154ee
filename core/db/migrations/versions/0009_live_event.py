"""The shared feed's event log ``live_event`` (issue #14).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

One feed process appends the day's ticks and fills; every desk follows them by ``seq``
(``core.db.live_events``). Written out in full, independent of the ORM.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "live_event",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            nullable=False,
        ),
        sa.Column("trading_day", sa.Date(), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("contract", sa.String(length=8), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trade_no", sa.String(length=32), nullable=True),
        sa.Column("client_code", sa.String(length=16), nullable=True),
        sa.Column("side", sa.SmallInteger(), nullable=True),
        sa.Column("action", sa.SmallInteger(), nullable=True),
        sa.Column("lots", sa.BigInteger(), nullable=True),
        sa.Column("fee_fen", sa.BigInteger(), nullable=True),
        sa.Column("hedge", sa.Boolean(), nullable=True),
    )
    op.create_index("ix_live_event_day_seq", "live_event", ["trading_day", "seq"])


def downgrade() -> None:
    op.drop_index("ix_live_event_day_seq", table_name="live_event")
    op.drop_table("live_event")
