"""Tables ``delivery_match`` and ``efp_record``: rolling-delivery matches and EFP (spec 2.j).

Kept out of ``core/db/tables.py`` (like ``core/db/alert_table.py``); they share
``Base.metadata``, so Alembic and ``create_all`` see them once this module is imported
(``core.db.migrate.TABLE_MODULES`` must list it). Migration: revision 0003.
``*_fen``: integer fen.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, FenColumn

ALLOCATION_STATES = ("pending", "allocated")
EFP_KINDS = ("standard", "non_standard")


class DeliveryMatch(Base):
    """One seller–buyer pairing made by the exchange after a matching day (spec 2.j).

    ``price_fen`` is the delivery settlement price (the matching day's settlement price
    for rolling delivery); ``delivery_day`` is the second trading day after matching.
    ``allocation`` holds the warehouses assigned to this buyer as JSON
    (``{"W1": 20, ...}``) once ``allocation_state`` is "allocated".
    """

    __tablename__ = "delivery_match"
    __table_args__ = (
        CheckConstraint("lots > 0", name="lots_positive"),
        CheckConstraint("seller_code <> buyer_code", name="parties_differ"),
        CheckConstraint(
            "allocation_state IN ('pending', 'allocated')", name="allocation_state_valid"
        ),
        Index("ix_delivery_match_day_contract", "match_day", "contract_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    match_day: Mapped[date] = mapped_column(Date)
    contract_code: Mapped[str] = mapped_column(ForeignKey("contract.code"))
    seller_code: Mapped[str] = mapped_column(ForeignKey("client.code"), index=True)
    buyer_code: Mapped[str] = mapped_column(ForeignKey("client.code"))
    lots: Mapped[int]
    price_fen: Mapped[FenColumn] = mapped_column(comment="delivery settlement price")
    delivery_day: Mapped[date] = mapped_column(Date)
    allocation_state: Mapped[str] = mapped_column(String(10), default="pending")
    allocation: Mapped[str | None] = mapped_column(
        Text, comment="JSON warehouse -> lots for this buyer, once allocated"
    )


class EfpRecord(Base):
    """An approved exchange-for-physicals (期转现, spec 2.j, fees 2.k).

    ``fee_fen`` is the EFP fee computed per party; ``waived_fen`` the part waived
    (2.k: standard-receipt EFP always, all EFP from 2022-01-01); charged = fee − waived.
    """

    __tablename__ = "efp_record"
    __table_args__ = (
        CheckConstraint("lots > 0", name="lots_positive"),
        CheckConstraint("kind IN ('standard', 'non_standard')", name="kind_valid"),
        CheckConstraint("waived_fen >= 0 AND waived_fen <= fee_fen", name="waiver_valid"),
        CheckConstraint("long_client_code <> short_client_code", name="parties_differ"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    approved_day: Mapped[date] = mapped_column(Date, index=True)
    contract_code: Mapped[str] = mapped_column(ForeignKey("contract.code"))
    long_client_code: Mapped[str] = mapped_column(ForeignKey("client.code"))
    short_client_code: Mapped[str] = mapped_column(ForeignKey("client.code"))
    lots: Mapped[int]
    price_fen: Mapped[FenColumn] = mapped_column(comment="negotiated price")
    kind: Mapped[str] = mapped_column(String(12))
    fee_fen: Mapped[FenColumn] = mapped_column(default=0, comment="computed fee per party")
    waived_fen: Mapped[FenColumn] = mapped_column(default=0, comment="waived part of fee_fen")
