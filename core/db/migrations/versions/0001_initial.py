"""Initial schema: reference data, parties, positions, trades, funds, receipts, audit.

Revision ID: 0001
Revises:
Create Date: 2024-06-01

Written out in full (no import of ``core.db.tables``) so that this revision keeps
creating the same schema when the ORM moves on. Constraint names follow the naming
convention of ``core.db.base`` and are wrapped in ``op.f`` so that it is not applied
twice. ``*_fen``: integer fen; ``*_ppm``: millionths.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

SIDE_VALID = "side IN ('long', 'short')"


def _fen(name: str, *, nullable: bool = False, comment: str | None = None) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), nullable=nullable, comment=comment)


def upgrade() -> None:
    # ------------------------------------------------------------ reference data
    op.create_table(
        "product",
        sa.Column("code", sa.String(4), nullable=False),
        sa.Column("name_zh", sa.String(32), nullable=False),
        sa.Column("name_en", sa.String(64), nullable=False),
        sa.Column("unit_tons", sa.Integer(), nullable=False),
        sa.Column("multiplier", sa.Integer(), nullable=False),
        sa.Column(
            "tick_fen",
            sa.Integer(),
            nullable=False,
            comment="minimum price step in fen",
        ),
        sa.Column("price_limit_ppm", sa.Integer(), nullable=False),
        sa.Column("min_margin_ppm", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_product")),
    )
    op.create_table(
        "contract",
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("product_code", sa.String(4), nullable=False),
        sa.Column(
            "delivery_month",
            sa.Date(),
            nullable=False,
            comment="first day of delivery month",
        ),
        sa.Column("listing_date", sa.Date(), nullable=True),
        sa.Column(
            "last_trading_day",
            sa.Date(),
            nullable=True,
            comment="null when beyond the known trading calendar",
        ),
        sa.Column("last_delivery_day", sa.Date(), nullable=True),
        sa.Column("tick_fen", sa.Integer(), nullable=False),
        sa.Column("price_limit_ppm", sa.Integer(), nullable=False),
        sa.Column(
            "general_margin_ppm",
            sa.Integer(),
            nullable=False,
            comment="speculative general-month rate",
        ),
        sa.Column(
            "hedge_margin_ppm",
            sa.Integer(),
            nullable=False,
            comment="hedge general-month rate",
        ),
        sa.CheckConstraint("tick_fen > 0", name=op.f("ck_contract_tick_positive")),
        sa.CheckConstraint("general_margin_ppm > 0", name=op.f("ck_contract_margin_positive")),
        sa.ForeignKeyConstraint(
            ["product_code"],
            ["product.code"],
            name=op.f("fk_contract_product_code_product"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_contract")),
    )
    op.create_index(op.f("ix_contract_product_code"), "contract", ["product_code"])
    op.create_table(
        "margin_adjustment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_code", sa.String(8), nullable=False),
        sa.Column(
            "effective_day",
            sa.Date(),
            nullable=False,
            comment="rate applies from this day's settlement",
        ),
        sa.Column("hedge", sa.Boolean(), nullable=False),
        sa.Column("rate_ppm", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_code"],
            ["contract.code"],
            name=op.f("fk_margin_adjustment_contract_code_contract"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_margin_adjustment")),
        sa.UniqueConstraint(
            "contract_code",
            "effective_day",
            "hedge",
            name=op.f("uq_margin_adjustment_contract_code_effective_day_hedge"),
        ),
    )
    op.create_index(
        op.f("ix_margin_adjustment_contract_code"),
        "margin_adjustment",
        ["contract_code"],
    )
    op.create_table(
        "settlement_price",
        sa.Column("trading_day", sa.Date(), nullable=False),
        sa.Column("contract_code", sa.String(8), nullable=False),
        _fen("settlement_fen"),
        _fen("upper_limit_fen", nullable=True),
        _fen("lower_limit_fen", nullable=True),
        sa.Column("limit_lock", sa.String(10), nullable=False),
        sa.Column(
            "open_interest",
            sa.BigInteger(),
            nullable=False,
            comment="single-side open interest in lots",
        ),
        sa.Column("volume", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "limit_lock IN ('none', 'limit_up', 'limit_down')",
            name=op.f("ck_settlement_price_limit_lock_valid"),
        ),
        sa.CheckConstraint("settlement_fen > 0", name=op.f("ck_settlement_price_price_positive")),
        sa.ForeignKeyConstraint(
            ["contract_code"],
            ["contract.code"],
            name=op.f("fk_settlement_price_contract_code_contract"),
        ),
        sa.PrimaryKeyConstraint("trading_day", "contract_code", name=op.f("pk_settlement_price")),
    )

    # ------------------------------------------------------------ parties
    op.create_table(
        "member",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        _fen(
            "min_reserve_fen",
            comment="minimum settlement reserve balance (spec Q12, unverified default)",
        ),
        sa.CheckConstraint(
            "kind IN ('brokerage', 'non_brokerage')", name=op.f("ck_member_kind_valid")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_member")),
    )
    op.create_table(
        "client",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("member_code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("is_individual", sa.Boolean(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_code"], ["member.code"], name=op.f("fk_client_member_code_member")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_client")),
    )
    op.create_index(op.f("ix_client_member_code"), "client", ["member_code"])
    op.create_table(
        "trading_code",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("client_code", sa.String(16), nullable=False),
        sa.Column("member_code", sa.String(16), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_code"],
            ["client.code"],
            name=op.f("fk_trading_code_client_code_client"),
        ),
        sa.ForeignKeyConstraint(
            ["member_code"],
            ["member.code"],
            name=op.f("fk_trading_code_member_code_member"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_trading_code")),
    )
    op.create_index(op.f("ix_trading_code_client_code"), "trading_code", ["client_code"])

    # ------------------------------------------------------------ positions & trades
    op.create_table(
        "position",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trading_day", sa.Date(), nullable=False),
        sa.Column("client_code", sa.String(16), nullable=False),
        sa.Column("contract_code", sa.String(8), nullable=False),
        sa.Column("side", sa.String(5), nullable=False),
        sa.Column("hedge", sa.Boolean(), nullable=False),
        sa.Column(
            "lots",
            sa.Integer(),
            nullable=False,
            comment="open lots at the end of the day",
        ),
        sa.Column(
            "today_lots",
            sa.Integer(),
            nullable=False,
            comment="of which opened that day",
        ),
        _fen(
            "open_price_fen",
            comment=("average opening price of the open lots (for unit net P&L, spec 2.e)"),
        ),
        _fen("margin_fen", comment="margin held after settlement"),
        sa.CheckConstraint(SIDE_VALID, name=op.f("ck_position_side_valid")),
        sa.CheckConstraint(
            "lots >= 0 AND today_lots >= 0 AND today_lots <= lots",
            name=op.f("ck_position_lots_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["client_code"],
            ["client.code"],
            name=op.f("fk_position_client_code_client"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_code"],
            ["contract.code"],
            name=op.f("fk_position_contract_code_contract"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_position")),
        sa.UniqueConstraint(
            "trading_day",
            "client_code",
            "contract_code",
            "side",
            "hedge",
            name=op.f("uq_position_trading_day_client_code_contract_code_side_hedge"),
        ),
    )
    op.create_index(op.f("ix_position_client_code"), "position", ["client_code"])
    op.create_index("ix_position_day_contract", "position", ["trading_day", "contract_code"])
    op.create_table(
        "trade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trade_no", sa.String(32), nullable=False),
        sa.Column("trading_day", sa.Date(), nullable=False),
        sa.Column("traded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("client_code", sa.String(16), nullable=False),
        sa.Column("contract_code", sa.String(8), nullable=False),
        sa.Column(
            "side",
            sa.String(5),
            nullable=False,
            comment="position side the trade affects",
        ),
        sa.Column("action", sa.String(7), nullable=False),
        sa.Column("hedge", sa.Boolean(), nullable=False),
        sa.Column("lots", sa.Integer(), nullable=False),
        _fen("price_fen"),
        _fen("fee_fen"),
        sa.CheckConstraint(SIDE_VALID, name=op.f("ck_trade_side_valid")),
        sa.CheckConstraint(
            "action IN ('open', 'close', 'deliver')", name=op.f("ck_trade_action_valid")
        ),
        sa.CheckConstraint("lots > 0", name=op.f("ck_trade_lots_positive")),
        sa.ForeignKeyConstraint(
            ["client_code"], ["client.code"], name=op.f("fk_trade_client_code_client")
        ),
        sa.ForeignKeyConstraint(
            ["contract_code"],
            ["contract.code"],
            name=op.f("fk_trade_contract_code_contract"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trade")),
        sa.UniqueConstraint("trading_day", "trade_no", name=op.f("uq_trade_trading_day_trade_no")),
    )
    op.create_index("ix_trade_day_client", "trade", ["trading_day", "client_code"])
    op.create_table(
        "closing_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_no", sa.String(32), nullable=False),
        sa.Column("trading_day", sa.Date(), nullable=False),
        sa.Column("client_code", sa.String(16), nullable=False),
        sa.Column("contract_code", sa.String(8), nullable=False),
        sa.Column(
            "side",
            sa.String(5),
            nullable=False,
            comment="side of the position being closed",
        ),
        sa.Column("hedge", sa.Boolean(), nullable=False),
        sa.Column("lots", sa.Integer(), nullable=False),
        _fen("price_fen"),
        sa.CheckConstraint(SIDE_VALID, name=op.f("ck_closing_order_side_valid")),
        sa.CheckConstraint("lots > 0", name=op.f("ck_closing_order_lots_positive")),
        sa.ForeignKeyConstraint(
            ["client_code"],
            ["client.code"],
            name=op.f("fk_closing_order_client_code_client"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_code"],
            ["contract.code"],
            name=op.f("fk_closing_order_contract_code_contract"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closing_order")),
        sa.UniqueConstraint(
            "trading_day",
            "order_no",
            name=op.f("uq_closing_order_trading_day_order_no"),
        ),
    )
    op.create_index(op.f("ix_closing_order_trading_day"), "closing_order", ["trading_day"])

    # ------------------------------------------------------------ funds
    op.create_table(
        "fund_movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("movement_no", sa.String(32), nullable=False),
        sa.Column("trading_day", sa.Date(), nullable=False),
        sa.Column("member_code", sa.String(16), nullable=False),
        sa.Column(
            "client_code",
            sa.String(16),
            nullable=True,
            comment="null for the member's own reserve movements",
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        _fen("amount_fen"),
        sa.Column("note", sa.String(200), nullable=False),
        sa.CheckConstraint(
            "kind IN ('deposit', 'withdrawal')",
            name=op.f("ck_fund_movement_kind_valid"),
        ),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_fund_movement_amount_positive")),
        sa.ForeignKeyConstraint(
            ["client_code"],
            ["client.code"],
            name=op.f("fk_fund_movement_client_code_client"),
        ),
        sa.ForeignKeyConstraint(
            ["member_code"],
            ["member.code"],
            name=op.f("fk_fund_movement_member_code_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_movement")),
        sa.UniqueConstraint("movement_no", name=op.f("uq_fund_movement_movement_no")),
    )
    op.create_index(op.f("ix_fund_movement_trading_day"), "fund_movement", ["trading_day"])
    op.create_table(
        "client_balance",
        sa.Column("client_code", sa.String(16), nullable=False),
        sa.Column("trading_day", sa.Date(), nullable=False),
        _fen("balance_fen", comment="today's balance (当日结存)"),
        *(
            _fen(name)
            for name in (
                "deposits_fen",
                "withdrawals_fen",
                "close_pnl_fen",
                "position_pnl_fen",
                "fees_fen",
                "waived_fen",
                "delivery_fen",
                "margin_fen",
                "offset_fen",
                "available_fen",
                "margin_call_fen",
            )
        ),
        sa.ForeignKeyConstraint(
            ["client_code"],
            ["client.code"],
            name=op.f("fk_client_balance_client_code_client"),
        ),
        sa.PrimaryKeyConstraint("client_code", "trading_day", name=op.f("pk_client_balance")),
    )
    op.create_table(
        "reserve_history",
        sa.Column("member_code", sa.String(16), nullable=False),
        sa.Column("trading_day", sa.Date(), nullable=False),
        _fen("reserve_fen", comment="R(D)"),
        _fen("margin_fen", comment="M(D)"),
        _fen("offset_fen", comment="O(D)"),
        _fen("cash_fen", comment="R + M - O"),
        *(
            _fen(name)
            for name in (
                "close_pnl_fen",
                "position_pnl_fen",
                "fees_fen",
                "waived_fen",
                "deposits_fen",
                "withdrawals_fen",
                "delivery_fen",
                "margin_call_fen",
            )
        ),
        sa.Column("opening_banned", sa.Boolean(), nullable=False),
        sa.Column("transfer_restricted", sa.Boolean(), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_code"],
            ["member.code"],
            name=op.f("fk_reserve_history_member_code_member"),
        ),
        sa.PrimaryKeyConstraint("member_code", "trading_day", name=op.f("pk_reserve_history")),
    )
    op.create_table(
        "hedge_quota",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_code", sa.String(16), nullable=False),
        sa.Column("contract_code", sa.String(8), nullable=False),
        sa.Column("side", sa.String(5), nullable=False),
        sa.Column("lots", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.CheckConstraint(SIDE_VALID, name=op.f("ck_hedge_quota_side_valid")),
        sa.CheckConstraint("lots > 0", name=op.f("ck_hedge_quota_lots_positive")),
        sa.CheckConstraint("period_start <= period_end", name=op.f("ck_hedge_quota_period_valid")),
        sa.ForeignKeyConstraint(
            ["client_code"],
            ["client.code"],
            name=op.f("fk_hedge_quota_client_code_client"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_code"],
            ["contract.code"],
            name=op.f("fk_hedge_quota_contract_code_contract"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hedge_quota")),
    )
    op.create_index(op.f("ix_hedge_quota_client_code"), "hedge_quota", ["client_code"])

    # ------------------------------------------------------------ receipts
    op.create_table(
        "warehouse",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name_zh", sa.String(64), nullable=False),
        sa.Column("name_en", sa.String(100), nullable=False),
        sa.Column("city", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.CheckConstraint(
            "kind IN ('warehouse', 'factory')", name=op.f("ck_warehouse_kind_valid")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_warehouse")),
    )
    op.create_table(
        "warehouse_receipt",
        sa.Column("receipt_no", sa.String(32), nullable=False),
        sa.Column("product_code", sa.String(4), nullable=False),
        sa.Column("warehouse_code", sa.String(16), nullable=False),
        sa.Column("member_code", sa.String(16), nullable=False),
        sa.Column(
            "holder_code",
            sa.String(16),
            nullable=False,
            comment="client code, or the member code for the member's own receipts",
        ),
        sa.Column("lots", sa.Integer(), nullable=False),
        sa.Column("tons", sa.Integer(), nullable=False),
        sa.Column("production_date", sa.Date(), nullable=True),
        sa.Column("registration_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("status_since", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "status IN ('held', 'margin', 'delivery', 'cancelled')",
            name=op.f("ck_warehouse_receipt_status_valid"),
        ),
        sa.CheckConstraint(
            "lots > 0 AND tons > 0", name=op.f("ck_warehouse_receipt_quantity_positive")
        ),
        sa.ForeignKeyConstraint(
            ["member_code"],
            ["member.code"],
            name=op.f("fk_warehouse_receipt_member_code_member"),
        ),
        sa.ForeignKeyConstraint(
            ["product_code"],
            ["product.code"],
            name=op.f("fk_warehouse_receipt_product_code_product"),
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_code"],
            ["warehouse.code"],
            name=op.f("fk_warehouse_receipt_warehouse_code_warehouse"),
        ),
        sa.PrimaryKeyConstraint("receipt_no", name=op.f("pk_warehouse_receipt")),
    )
    op.create_index("ix_receipt_holder", "warehouse_receipt", ["holder_code", "product_code"])
    op.create_index(
        op.f("ix_warehouse_receipt_warehouse_code"),
        "warehouse_receipt",
        ["warehouse_code"],
    )

    # ------------------------------------------------------------ audit
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_action"), "audit_log", ["action"])
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("file_name", sa.String(260), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    op.create_index(op.f("ix_import_batch_sha256"), "import_batch", ["sha256"])


def downgrade() -> None:
    # Reverse dependency order; dropping a table drops its indexes.
    for table in (
        "import_batch",
        "audit_log",
        "warehouse_receipt",
        "warehouse",
        "hedge_quota",
        "reserve_history",
        "client_balance",
        "fund_movement",
        "closing_order",
        "trade",
        "position",
        "trading_code",
        "client",
        "member",
        "settlement_price",
        "margin_adjustment",
        "contract",
        "product",
    ):
        op.drop_table(table)
