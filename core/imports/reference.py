"""Reference codes an import file may name: contracts, clients, members, warehouses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.tables import Client, Contract, Member, Product, Warehouse
from core.imports.layouts import ValueType


@dataclass(frozen=True)
class ReferenceData:
    """Known codes, with each contract's tick (fen) and life, and each client's member.

    ``contract_life`` maps a contract to its listing day and its last day (the last
    delivery day, else the last trading day); either is None where unknown.
    """

    contract_ticks: dict[str, int]
    client_members: dict[str, str]
    members: frozenset[str]
    warehouses: frozenset[str]
    products: frozenset[str]
    contract_life: dict[str, tuple[date | None, date | None]] = field(default_factory=dict)

    def known(self) -> dict[ValueType, frozenset[str]]:
        return {
            ValueType.CONTRACT: frozenset(self.contract_ticks),
            ValueType.CLIENT: frozenset(self.client_members),
            ValueType.MEMBER: self.members,
            ValueType.WAREHOUSE: self.warehouses,
            ValueType.PRODUCT: self.products,
        }


def load_reference(session: Session) -> ReferenceData:
    """Read the reference tables (five small queries; read-only)."""
    ticks: dict[str, int] = {}
    life: dict[str, tuple[date | None, date | None]] = {}
    for code, tick, listed, last_trading, last_delivery in session.execute(
        select(
            Contract.code,
            Contract.tick_fen,
            Contract.listing_date,
            Contract.last_trading_day,
            Contract.last_delivery_day,
        )
    ):
        ticks[code] = int(tick)
        life[code] = (listed, last_delivery or last_trading)
    clients: dict[str, str] = {
        str(code): str(member)
        for code, member in session.execute(select(Client.code, Client.member_code))
    }
    return ReferenceData(
        contract_ticks=ticks,
        contract_life=life,
        client_members=clients,
        members=frozenset(session.scalars(select(Member.code))),
        warehouses=frozenset(session.scalars(select(Warehouse.code))),
        products=frozenset(session.scalars(select(Product.code))),
    )
