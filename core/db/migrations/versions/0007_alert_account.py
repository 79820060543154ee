"""Index ``ix_alert_account``: one client's alerts (the client panel).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

The client panel (``core.services.client_detail``) lists one account's alerts, newest
first. The alert table is keyed and indexed by day and time, so that read scanned every
stored alert (tens of thousands per monitored day on a large member); (account,
trading_day) lets it read that account's rows only. Written out in full, independent
of the ORM.
"""

from __future__ import annotations

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index("ix_alert_account", "alert", ["account", "trading_day"])


def downgrade() -> None:
    op.drop_index("ix_alert_account", table_name="alert")
