"""Standard warehouse receipts (标准仓单): holder, warehouse, quantity, status."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from core.db import queries
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP
from desktop.models.columns import RECEIPT_STATUS_LABELS, Column, Kind
from desktop.screens.table_screen import TableData, TableScreen, TableSpec

RECEIPT_COLUMNS = (
    Column("receipt_no", QT_TRANSLATE_NOOP("Columns", "Receipt no."), Kind.CODE, 150),
    Column(
        "product_name_zh",
        QT_TRANSLATE_NOOP("Columns", "Product"),
        Kind.TEXT,
        110,
        key_en="product_name_en",
    ),
    Column(
        "warehouse_name_zh",
        QT_TRANSLATE_NOOP("Columns", "Warehouse"),
        Kind.TEXT,
        210,
        key_en="warehouse_name_en",
    ),
    Column("holder_code", QT_TRANSLATE_NOOP("Columns", "Holder"), Kind.CODE, 110),
    Column("lots", QT_TRANSLATE_NOOP("Columns", "Lots"), Kind.INT, 70),
    Column("tons", QT_TRANSLATE_NOOP("Columns", "Tons"), Kind.INT, 90),
    Column(
        "status",
        QT_TRANSLATE_NOOP("Columns", "Status"),
        Kind.ENUM,
        130,
        labels=RECEIPT_STATUS_LABELS,
    ),
    Column("registration_date", QT_TRANSLATE_NOOP("Columns", "Registered on"), Kind.DATE, 110),
)


def load_receipts(session: Session) -> TableData:
    """Worker thread: every receipt (receipts are not per trading day)."""
    return TableData(None, queries.receipts_frame(session))


SPEC = TableSpec(
    key="receipts",
    title=QT_TRANSLATE_NOOP("Screens", "Warehouse receipts"),
    description=QT_TRANSLATE_NOOP("Screens", "Standard warehouse receipts by holder"),
    columns=RECEIPT_COLUMNS,
    load=load_receipts,
    filter_keys=(
        "receipt_no",
        "holder_code",
        "warehouse_code",
        "warehouse_name_zh",
        "warehouse_name_en",
        "product_code",
    ),
    filter_placeholder=QT_TRANSLATE_NOOP("Screens", "Filter by receipt, holder or warehouse"),
    choice_key="product_code",
    choice_all=QT_TRANSLATE_NOOP("Screens", "All products"),
    watched=("receipts", "reference"),
    per_day=False,
    stretch_key="warehouse_name_zh",
)


def create(ctx: DesktopContext, parent: QWidget | None = None) -> TableScreen:
    return TableScreen(ctx, SPEC, parent)
