"""Reference data an import file may name or derive from: contracts, clients, members,
warehouses, products; for delivery imports also the delivery-month settlement prices and
the fee schedule."""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.tables import Client, Contract, Member, Product, SettlementPrice, Warehouse
from core.imports.layouts import Layout, ValueType
from core.reference.products import Product as ProductFacts
from core.reference.products import default_products
from core.rules.fees import FeeSchedule, default_fee_schedule
from core.rules.plausibility import PlausibilityLimits, default_plausibility
from core.trading_calendar import EXCHANGE_TZ


@dataclass(frozen=True)
class StoredPrice:
    """A stored settlement price row: the day, S (fen) and the limit prices (fen, None
    where not stored)."""

    day: date
    settle_fen: int
    upper_fen: int | None
    lower_fen: int | None


@dataclass(frozen=True)
class PriceHistory:
    """The stored settlement prices of each contract, by day (what the plausibility of a
    file's prices is judged against)."""

    rows: Mapping[str, tuple[StoredPrice, ...]] = field(default_factory=dict)

    def on(self, contract: str, day: date) -> StoredPrice | None:
        """The row of ``day`` itself."""
        found = self.before(contract, day, inclusive=True)
        return found if found is not None and found.day == day else None

    def before(self, contract: str, day: date, *, inclusive: bool = False) -> StoredPrice | None:
        """The latest row before ``day`` (or on it, ``inclusive``)."""
        rows = self.rows.get(contract, ())
        find = bisect.bisect_right if inclusive else bisect.bisect_left
        at = find(rows, day, key=lambda r: r.day)
        return rows[at - 1] if at else None


PRICE_KINDS = ("positions", "trades", "closing-orders", "efp")
"""Kinds whose prices are judged against the stored settlement prices."""


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
    ``resources/products.toml`` a contract import derives from, and ``prices``, the
    stored settlement prices the plausibility of prices is judged against
    (``core.imports.plausible``).
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
    limits: PlausibilityLimits = field(default_factory=default_plausibility)
    today: date | None = None
    """The last day a date of the past may name (None: not checked)."""
    prices: PriceHistory = field(default_factory=PriceHistory)
    contract_limits: dict[str, int] = field(default_factory=dict)
    """Price limit (ppm) of each contract."""
    product_units: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """(multiplier, tons a lot) of each product."""

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
    limits: dict[str, int] = {}
    for code, product, tick, month, listed, last_trading, last_delivery, limit in session.execute(
        select(
            Contract.code,
            Contract.product_code,
            Contract.tick_fen,
            Contract.delivery_month,
            Contract.listing_date,
            Contract.last_trading_day,
            Contract.last_delivery_day,
            Contract.price_limit_ppm,
        )
    ):
        ticks[code] = int(tick)
        life[code] = (listed, last_delivery or last_trading)
        delivery[code] = (month, last_trading)
        products[code] = str(product)
        limits[code] = int(limit)
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
        today=datetime.now(EXCHANGE_TZ).date(),
        prices=_price_history(session)
        if layout is not None and layout.kind in PRICE_KINDS
        else PriceHistory(),
        contract_limits=limits,
        product_units={
            str(code): (int(mult), int(unit))
            for code, mult, unit in session.execute(
                select(Product.code, Product.multiplier, Product.unit_tons)
            )
        },
    )


def _price_history(session: Session) -> PriceHistory:
    """Every stored settlement price by contract and day (a few hundred rows a trading
    day)."""
    out: dict[str, list[StoredPrice]] = {}
    stmt = select(
        SettlementPrice.contract_code,
        SettlementPrice.trading_day,
        SettlementPrice.settlement_fen,
        SettlementPrice.upper_limit_fen,
        SettlementPrice.lower_limit_fen,
    ).order_by(SettlementPrice.contract_code, SettlementPrice.trading_day)
    for code, day, settle, upper, lower in session.execute(stmt):
        out.setdefault(str(code), []).append(
            StoredPrice(
                day,
                int(settle),
                int(upper) if upper is not None else None,
                int(lower) if lower is not None else None,
            )
        )
    return PriceHistory({code: tuple(rows) for code, rows in out.items()})
