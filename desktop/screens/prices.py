"""Settlement prices of the last day with limit prices, limit locks and open interest."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from core.services import day_tables
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP
from desktop.models.columns import LIMIT_LOCK_LABELS, Column, Kind
from desktop.screens.table_screen import TableScreen, TableSpec

PRICE_COLUMNS = (
    Column("contract_code", QT_TRANSLATE_NOOP("Columns", "Contract"), Kind.CODE, 90),
    Column(
        "product_name_zh",
        QT_TRANSLATE_NOOP("Columns", "Product"),
        Kind.TEXT,
        130,
        key_en="product_name_en",
    ),
    Column("settlement_fen", QT_TRANSLATE_NOOP("Columns", "Settlement (CNY)"), Kind.PRICE, 130),
    Column("upper_limit_fen", QT_TRANSLATE_NOOP("Columns", "Limit up (CNY)"), Kind.PRICE, 130),
    Column("lower_limit_fen", QT_TRANSLATE_NOOP("Columns", "Limit down (CNY)"), Kind.PRICE, 130),
    Column(
        "limit_lock",
        QT_TRANSLATE_NOOP("Columns", "Limit lock"),
        Kind.ENUM,
        100,
        labels=LIMIT_LOCK_LABELS,
    ),
    Column("open_interest", QT_TRANSLATE_NOOP("Columns", "Open interest (lots)"), Kind.INT, 140),
    Column("volume", QT_TRANSLATE_NOOP("Columns", "Volume (lots)"), Kind.INT, 120),
)


SPEC = TableSpec(
    key="prices",
    title=QT_TRANSLATE_NOOP("Screens", "Settlement prices"),
    description=QT_TRANSLATE_NOOP("Screens", "Daily settlement prices and price limits"),
    columns=PRICE_COLUMNS,
    load=day_tables.prices_table,
    filter_keys=("contract_code", "product_code", "product_name_zh", "product_name_en"),
    filter_placeholder=QT_TRANSLATE_NOOP("Screens", "Filter by contract or product"),
    choice_key="product_code",
    choice_all=QT_TRANSLATE_NOOP("Screens", "All products"),
    watched=("reference", "prices"),
    stretch_key="product_name_zh",
)


def create(ctx: DesktopContext, parent: QWidget | None = None) -> TableScreen:
    return TableScreen(ctx, SPEC, parent)
