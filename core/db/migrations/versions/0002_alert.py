"""Table ``alert``: live alerts and their acknowledgements (core/db/alert_table.py).

Revision ID: 0002
Revises: 0001
Create Date: 2024-06-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "alert",
        sa.Column("trading_day", sa.Date(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("account", sa.String(16), nullable=True),
        sa.Column("contract", sa.String(8), nullable=True),
        sa.Column("receipt", sa.String(32), nullable=True),
        sa.Column("threshold_ppm", sa.BigInteger(), nullable=True),
        sa.Column("message", sa.String(300), nullable=False),
        sa.Column("acknowledged_by", sa.String(64), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("trading_day", "alert_id", name=op.f("pk_alert")),
    )
    op.create_index(op.f("ix_alert_raised_at"), "alert", ["raised_at"])


def downgrade() -> None:
    op.drop_table("alert")
