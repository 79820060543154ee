"""Saved stress scenarios ``stress_scenario`` (issue 16 item 1).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

One row per named scenario, its TOML text as the body (core/db/stress_scenario_table.py).
Written out in full, independent of the ORM.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "stress_scenario",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("saved_by", sa.String(length=64), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_stress_scenario")),
    )


def downgrade() -> None:
    op.drop_table("stress_scenario")
