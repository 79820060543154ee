"""The day's book: covering index on ``position`` and table ``data_revision``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

* ``ix_position_day_book``: screens and services read every open line of a trading
  day (up to ~1,000,000 on a large member) in (client, contract, side, hedge) order
  with lots, today's lots, open price and margin. With those columns in the index,
  SQLite answers the read from the index alone (no table lookup per line: a plain
  ``count(*), sum(lots)`` of a day fell from 0.65 s to 0.09 s on the large demo set);
  PostgreSQL can use index-only scans.
* ``ix_client_balance_trading_day``: a day's balances (the settlement screen's totals,
  the monitor's start) without scanning every day (the key starts with the client).
* ``ix_alert_day_time``: the alert history's newest-first read (day, time, id) walks
  the index and stops at its limit instead of sorting a day's alerts.
* ``data_revision``: a counter per table, raised by every bulk write to the table, so
  that a cached read (``core.db.day_book``) knows when it is stale.

Written out in full, independent of the ORM.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

BOOK_COLUMNS = [
    "trading_day",
    "client_code",
    "contract_code",
    "side",
    "hedge",
    "lots",
    "today_lots",
    "open_price_fen",
    "margin_fen",
]


def upgrade() -> None:
    op.create_index("ix_position_day_book", "position", BOOK_COLUMNS)
    op.create_index("ix_client_balance_trading_day", "client_balance", ["trading_day"])
    op.create_index("ix_alert_day_time", "alert", ["trading_day", "raised_at", "alert_id"])
    op.create_table(
        "data_revision",
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", name=op.f("pk_data_revision")),
    )


def downgrade() -> None:
    op.drop_table("data_revision")
    op.drop_index("ix_client_balance_trading_day", table_name="client_balance")
    op.drop_index("ix_alert_day_time", table_name="alert")
    op.drop_index("ix_position_day_book", table_name="position")
