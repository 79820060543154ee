"""Reference data an import file may name or derive from: contracts, clients, members,
warehouses, products; for delivery imports also the delivery-month settlement prices and
the fee schedule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.tables import Client, Contract, Member, Product, SettlementPrice, Warehouse
from core.imports.layouts import Layout, ValueType
from core.reference.products import Product as ProductFacts
from core.reference.products import default_products
from core.rules.fees import FeeSchedule, default_fee_schedule


@dataclass(frozen=True)
class ReferenceData:
    """Known codes, with each contract's tick (fen) and life, and each client's member.

    ``contract_life`` maps a contract to its listing day and its last day (the last
    delivery day, else the last trading day); either is None where unknown.
    ``contract_delivery`` maps it to the first day of its delivery month and its last
    trading day (None where unknown), ``contract_products`` to its product.
    ``individuals`` are the individual clients, ``delivery_prices`` the settlement
    prices (fen) by (contract, day) from the first day of each contract's delivery month
    and ``fees`` the fee schedule: these three are loaded only for the layouts that
    need them (``load_reference``), as are ``product_facts``, the product rules of
    ``resources/products.toml`` a contract import derives from.
    """

    contract_ticks: dict[str, int]
    client_members: dict[str, str]
    members: frozenset[str]
    warehouses: frozenset[str]
    products: frozenset[str]
    contract_life: dict[str, tuple[date | None, date | None]] = field(default_factory=dict)
    contract_delivery: dict[str, tuple[date, date | None]] = field(default_factory=dict)
    contract_products: dict[str, str] = field(default_factory=dict)
    individuals: frozenset[str] = frozenset()
    delivery_prices: dict[tuple[str, date], int] = field(default_factory=dict)
    fees: FeeSchedule | None = None
    product_facts: Mapping[str, ProductFacts] = field(default_factory=dict)

    def known(self) -> dict[ValueType, frozenset[str]]:
        return {
            ValueType.CONTRACT: frozenset(self.contract_ticks),
            ValueType.CLIENT: frozenset(self.client_members),
            ValueType.MEMBER: self.members,
            ValueType.WAREHOUSE: self.warehouses,
            ValueType.PRODUCT: self.products,
        }


def _delivery_prices(session: Session) -> dict[tuple[str, date], int]:
    """Settlement prices in or after each contract's delivery month (a few rows a contract:
    what a rolling-delivery match is priced at)."""
    stmt = (
        select(
            SettlementPrice.contract_code,
            SettlementPrice.trading_day,
            SettlementPrice.settlement_fen,
        )
        .join(Contract, Contract.code == SettlementPrice.contract_code)
        .where(SettlementPrice.trading_day >= Contract.delivery_month)
    )
    return {(str(c), d): int(fen) for c, d, fen in session.execute(stmt)}


def load_reference(session: Session, layout: Layout | None = None) -> ReferenceData:
    """Read the reference tables (read-only); the extras only where ``layout`` needs them."""
    ticks: dict[str, int] = {}
    life: dict[str, tuple[date | None, date | None]] = {}
    delivery: dict[str, tuple[date, date | None]] = {}
    products: dict[str, str] = {}
    for code, product, tick, month, listed, last_trading, last_delivery in session.execute(
        select(
            Contract.code,
            Contract.product_code,
            Contract.tick_fen,
            Contract.delivery_month,
            Contract.listing_date,
            Contract.last_trading_day,
            Contract.last_delivery_day,
        )
    ):
        ticks[code] = int(tick)
        life[code] = (listed, last_delivery or last_trading)
        delivery[code] = (month, last_trading)
        products[code] = str(product)
    clients: dict[str, str] = {
        str(code): str(member)
        for code, member in session.execute(select(Client.code, Client.member_code))
    }
    individuals: frozenset[str] = frozenset()
    if layout is not None and layout.institutions:
        individuals = frozenset(
            str(c)
            for c in session.scalars(select(Client.code).where(Client.is_individual.is_(True)))
        )
    derived = set(layout.derived) if layout is not None else set()
    new_contracts = layout is not None and any(
        c.type is ValueType.NEW_CONTRACT for c in layout.columns
    )
    return ReferenceData(
        contract_ticks=ticks,
        contract_life=life,
        contract_delivery=delivery,
        contract_products=products,
        client_members=clients,
        members=frozenset(session.scalars(select(Member.code))),
        warehouses=frozenset(session.scalars(select(Warehouse.code))),
        products=frozenset(session.scalars(select(Product.code))),
        individuals=individuals,
        delivery_prices=_delivery_prices(session) if "price_fen" in derived else {},
        fees=default_fee_schedule() if "fee_fen" in derived else None,
        product_facts=default_products() if new_contracts else {},
    )
