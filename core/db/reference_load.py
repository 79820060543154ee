"""Copy the product facts of resources/products.toml into the ``product`` table.

``open_database`` calls ``load_reference_data`` after every schema upgrade and whenever
``pending_reference_changes`` reports a difference, so the table mirrors the TOML file.
Products that the file no longer lists are kept: contracts and receipts refer to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import String, select
from sqlalchemy.orm import Session

from core.db.base import PPM
from core.db.tables import Product as ProductRow
from core.errors import ConfigError
from core.reference.products import Product, default_products

FEN_PER_YUAN = 100


@dataclass(frozen=True)
class ReferenceLoad:
    """What ``load_reference_data`` changed."""

    inserted: int
    updated: int


def product_row_values(product: Product) -> dict[str, str | int]:
    """Column values of one product: tick in integer fen, rates in ppm.

    Raises ConfigError naming the product when the tick is not a whole number of fen,
    a rate is not a whole number of millionths, or a text is too long for its column.
    """
    values: dict[str, str | int] = {
        "code": product.code,
        "name_zh": product.name_zh,
        "name_en": product.name_en,
        "unit_tons": product.unit_tons,
        "multiplier": product.multiplier,
        "tick_fen": _exact_int(product.tick * FEN_PER_YUAN, product.code, "tick", "fen"),
        "price_limit_ppm": _exact_int(
            product.price_limit * PPM, product.code, "price_limit", "ppm"
        ),
        "min_margin_ppm": _exact_int(product.min_margin * PPM, product.code, "min_margin", "ppm"),
    }
    for name, value in values.items():
        column_type = ProductRow.__table__.c[name].type
        # SQLite ignores VARCHAR lengths and PostgreSQL enforces them: check here.
        limit = column_type.length if isinstance(column_type, String) else None
        if limit is not None and isinstance(value, str) and len(value) > limit:
            raise ConfigError(
                f"product {product.code}: {name} {value!r} is longer than {limit} characters"
            )
    return values


def load_reference_data(
    session: Session, products: Mapping[str, Product] | None = None
) -> ReferenceLoad:
    """Insert or update product rows (upsert by code) from ``products``.

    ``products`` defaults to ``default_products()`` (resources/products.toml).
    Idempotent: a second call changes nothing. Flushes, but the caller commits.
    """
    wanted = _wanted(products)
    existing = _existing(session, wanted)
    inserted = updated = 0
    for code, values in wanted.items():
        row = existing.get(code)
        if row is None:
            session.add(ProductRow(**values))
            inserted += 1
        elif _differs(row, values):
            for name, value in values.items():
                setattr(row, name, value)
            updated += 1
    session.flush()
    return ReferenceLoad(inserted=inserted, updated=updated)


def pending_reference_changes(
    session: Session, products: Mapping[str, Product] | None = None
) -> int:
    """How many product rows ``load_reference_data`` would insert or update (reads)."""
    wanted = _wanted(products)
    existing = _existing(session, wanted)
    return sum(
        1
        for code, values in wanted.items()
        if code not in existing or _differs(existing[code], values)
    )


def _wanted(products: Mapping[str, Product] | None) -> dict[str, dict[str, str | int]]:
    source = default_products() if products is None else products
    return {code: product_row_values(p) for code, p in source.items()}


def _existing(session: Session, wanted: Mapping[str, object]) -> dict[str, ProductRow]:
    rows = session.scalars(select(ProductRow).where(ProductRow.code.in_(list(wanted))))
    return {row.code: row for row in rows}


def _differs(row: ProductRow, values: Mapping[str, str | int]) -> bool:
    return any(getattr(row, name) != value for name, value in values.items())


def _exact_int(value: Decimal, code: str, field: str, unit: str) -> int:
    if value != value.to_integral_value():
        raise ConfigError(
            f"product {code}: {field} is not a whole number of {unit} ({value} {unit})"
        )
    return int(value)
