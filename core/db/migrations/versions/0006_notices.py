"""Notices: ``notice``, ``notice_status``, ``notice_counter``, ``notice_close_order``,
``client_contact`` (core/db/notice_tables.py, issue #11 item 2).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

Written out in full, independent of the ORM. ``*_fen``: integer fen; times in UTC.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(20), nullable=False, comment="e.g. MC2026-000123"),
        sa.Column("member_code", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False, comment="year of the trading day"),
        sa.Column(
            "sequence", sa.Integer(), nullable=False, comment="n-th notice of its kind and year"
        ),
        sa.Column("client_code", sa.String(16), nullable=False),
        sa.Column("trading_day", sa.Date(), nullable=False),
        sa.Column(
            "balance_fen", sa.BigInteger(), nullable=False, comment="equity stated (当日结存)"
        ),
        sa.Column("margin_fen", sa.BigInteger(), nullable=False, comment="margin in use stated"),
        sa.Column(
            "available_fen", sa.BigInteger(), nullable=False, comment="available funds stated"
        ),
        sa.Column(
            "risk_ratio_ppm", sa.BigInteger(), nullable=False, comment="firm's risk ratio, ppm"
        ),
        sa.Column("call_fen", sa.BigInteger(), nullable=False, comment="amount to add"),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule_key", sa.String(40), nullable=False, comment="template text of the basis"),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("channel", sa.String(6), nullable=False, comment="channel of the last change"),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('margin_call', 'forced_close')", name=op.f("ck_notice_kind_valid")
        ),
        sa.CheckConstraint(
            "status IN ('generated', 'sent', 'received', 'confirmed', 'failed')",
            name=op.f("ck_notice_status_valid"),
        ),
        sa.CheckConstraint(
            "channel IN ('system', 'sms', 'email', 'hand')", name=op.f("ck_notice_channel_valid")
        ),
        sa.CheckConstraint("lang IN ('zh', 'en')", name=op.f("ck_notice_lang_valid")),
        sa.CheckConstraint("sequence > 0", name=op.f("ck_notice_sequence_positive")),
        sa.CheckConstraint("call_fen >= 0", name=op.f("ck_notice_call_not_negative")),
        sa.ForeignKeyConstraint(
            ["member_code"], ["member.code"], name=op.f("fk_notice_member_code_member")
        ),
        sa.ForeignKeyConstraint(
            ["client_code"], ["client.code"], name=op.f("fk_notice_client_code_client")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
        sa.UniqueConstraint("member_code", "number", name=op.f("uq_notice_member_code_number")),
        sa.UniqueConstraint(
            "member_code",
            "kind",
            "year",
            "sequence",
            name=op.f("uq_notice_member_code_kind_year_sequence"),
        ),
    )
    op.create_index(op.f("ix_notice_trading_day"), "notice", ["trading_day"])
    op.create_index(op.f("ix_notice_status"), "notice", ["status"])
    op.create_index("ix_notice_client_day", "notice", ["client_code", "trading_day"])
    op.create_table(
        "notice_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(6), nullable=False),
        sa.Column(
            "detail",
            sa.String(500),
            nullable=False,
            comment="recipient, server answer, error or note",
        ),
        sa.CheckConstraint(
            "status IN ('generated', 'sent', 'received', 'confirmed', 'failed')",
            name=op.f("ck_notice_status_status_valid"),
        ),
        sa.CheckConstraint(
            "channel IN ('system', 'sms', 'email', 'hand')",
            name=op.f("ck_notice_status_channel_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notice.id"], name=op.f("fk_notice_status_notice_id_notice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_status")),
    )
    op.create_index(op.f("ix_notice_status_notice_id"), "notice_status", ["notice_id"])
    op.create_table(
        "notice_counter",
        sa.Column("member_code", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_code"], ["member.code"], name=op.f("fk_notice_counter_member_code_member")
        ),
        sa.PrimaryKeyConstraint("member_code", "kind", "year", name=op.f("pk_notice_counter")),
    )
    op.create_table(
        "notice_close_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("client_code", sa.String(16), nullable=False),
        sa.Column("contract_code", sa.String(8), nullable=False),
        sa.Column("side", sa.String(5), nullable=False, comment="side of the position closed"),
        sa.Column("lots", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "side IN ('long', 'short')", name=op.f("ck_notice_close_order_side_valid")
        ),
        sa.CheckConstraint("lots > 0", name=op.f("ck_notice_close_order_lots_positive")),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notice.id"], name=op.f("fk_notice_close_order_notice_id_notice")
        ),
        sa.ForeignKeyConstraint(
            ["client_code"],
            ["client.code"],
            name=op.f("fk_notice_close_order_client_code_client"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_code"],
            ["contract.code"],
            name=op.f("fk_notice_close_order_contract_code_contract"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_close_order")),
        sa.UniqueConstraint(
            "notice_id", "line_no", name=op.f("uq_notice_close_order_notice_id_line_no")
        ),
    )
    op.create_table(
        "client_contact",
        sa.Column("client_code", sa.String(16), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_code"], ["client.code"], name=op.f("fk_client_contact_client_code_client")
        ),
        sa.PrimaryKeyConstraint("client_code", name=op.f("pk_client_contact")),
    )


def downgrade() -> None:
    op.drop_table("client_contact")
    op.drop_table("notice_close_order")
    op.drop_table("notice_counter")
    op.drop_index(op.f("ix_notice_status_notice_id"), table_name="notice_status")
    op.drop_table("notice_status")
    op.drop_index("ix_notice_client_day", table_name="notice")
    op.drop_index(op.f("ix_notice_status"), table_name="notice")
    op.drop_index(op.f("ix_notice_trading_day"), table_name="notice")
    op.drop_table("notice")
