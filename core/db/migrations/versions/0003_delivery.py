"""Tables ``delivery_match`` and ``efp_record`` (core/db/delivery_tables.py, spec 2.j).

Revision ID: 0003
Revises: 0002
Create Date: 2024-06-20

Written out in full (no import of the ORM module) so that this revision keeps creating
the same tables when the ORM moves on. ``*_fen``: integer fen.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "delivery_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_day", sa.Date(), nullable=False),
        sa.Column("contract_code", sa.String(8), nullable=False),
        sa.Column("seller_code", sa.String(16), nullable=False),
        sa.Column("buyer_code", sa.String(16), nullable=False),
        sa.Column("lots", sa.Integer(), nullable=False),
        sa.Column(
            "price_fen", sa.BigInteger(), nullable=False, comment="delivery settlement price"
        ),
        sa.Column("delivery_day", sa.Date(), nullable=False),
        sa.Column("allocation_state", sa.String(10), nullable=False),
        sa.Column(
            "allocation",
            sa.Text(),
            nullable=True,
            comment="JSON warehouse -> lots for this buyer, once allocated",
        ),
        sa.CheckConstraint("lots > 0", name=op.f("ck_delivery_match_lots_positive")),
        sa.CheckConstraint(
            "seller_code <> buyer_code", name=op.f("ck_delivery_match_parties_differ")
        ),
        sa.CheckConstraint(
            "allocation_state IN ('pending', 'allocated')",
            name=op.f("ck_delivery_match_allocation_state_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_code"],
            ["contract.code"],
            name=op.f("fk_delivery_match_contract_code_contract"),
        ),
        sa.ForeignKeyConstraint(
            ["seller_code"], ["client.code"], name=op.f("fk_delivery_match_seller_code_client")
        ),
        sa.ForeignKeyConstraint(
            ["buyer_code"], ["client.code"], name=op.f("fk_delivery_match_buyer_code_client")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_match")),
    )
    op.create_index(op.f("ix_delivery_match_seller_code"), "delivery_match", ["seller_code"])
    op.create_index(
        "ix_delivery_match_day_contract", "delivery_match", ["match_day", "contract_code"]
    )
    op.create_table(
        "efp_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("approved_day", sa.Date(), nullable=False),
        sa.Column("contract_code", sa.String(8), nullable=False),
        sa.Column("long_client_code", sa.String(16), nullable=False),
        sa.Column("short_client_code", sa.String(16), nullable=False),
        sa.Column("lots", sa.Integer(), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False, comment="negotiated price"),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("fee_fen", sa.BigInteger(), nullable=False, comment="computed fee per party"),
        sa.Column("waived_fen", sa.BigInteger(), nullable=False, comment="waived part of fee_fen"),
        sa.CheckConstraint("lots > 0", name=op.f("ck_efp_record_lots_positive")),
        sa.CheckConstraint(
            "kind IN ('standard', 'non_standard')", name=op.f("ck_efp_record_kind_valid")
        ),
        sa.CheckConstraint(
            "waived_fen >= 0 AND waived_fen <= fee_fen", name=op.f("ck_efp_record_waiver_valid")
        ),
        sa.CheckConstraint(
            "long_client_code <> short_client_code",
            name=op.f("ck_efp_record_parties_differ"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_code"], ["contract.code"], name=op.f("fk_efp_record_contract_code_contract")
        ),
        sa.ForeignKeyConstraint(
            ["long_client_code"],
            ["client.code"],
            name=op.f("fk_efp_record_long_client_code_client"),
        ),
        sa.ForeignKeyConstraint(
            ["short_client_code"],
            ["client.code"],
            name=op.f("fk_efp_record_short_client_code_client"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_efp_record")),
    )
    op.create_index(op.f("ix_efp_record_approved_day"), "efp_record", ["approved_day"])


def downgrade() -> None:
    op.drop_table("efp_record")
    op.drop_table("delivery_match")
