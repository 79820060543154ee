"""Positions: the last day's open position lines, filterable by client and product."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from core.services import day_tables
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP
from desktop.models.columns import HEDGE_LABELS, SIDE_LABELS, Column, Kind
from desktop.screens.table_screen import TableScreen, TableSpec

POSITION_COLUMNS = (
    Column("client_code", QT_TRANSLATE_NOOP("Columns", "Client code"), Kind.CODE, 110),
    Column("client_name", QT_TRANSLATE_NOOP("Columns", "Client name"), Kind.TEXT, 170),
    Column("contract_code", QT_TRANSLATE_NOOP("Columns", "Contract"), Kind.CODE, 90),
    Column("side", QT_TRANSLATE_NOOP("Columns", "Side"), Kind.ENUM, 70, labels=SIDE_LABELS),
    Column("hedge", QT_TRANSLATE_NOOP("Columns", "Spec/Hedge"), Kind.ENUM, 90, labels=HEDGE_LABELS),
    Column("lots", QT_TRANSLATE_NOOP("Columns", "Lots"), Kind.INT, 80),
    Column("today_lots", QT_TRANSLATE_NOOP("Columns", "Opened today"), Kind.INT, 110),
    Column("open_price_fen", QT_TRANSLATE_NOOP("Columns", "Open price (CNY)"), Kind.PRICE, 130),
    Column("settlement_fen", QT_TRANSLATE_NOOP("Columns", "Settlement (CNY)"), Kind.PRICE, 130),
    Column("margin_fen", QT_TRANSLATE_NOOP("Columns", "Margin (CNY)"), Kind.MONEY, 150),
)


SPEC = TableSpec(
    key="positions",
    title=QT_TRANSLATE_NOOP("Screens", "Positions"),
    description=QT_TRANSLATE_NOOP("Screens", "Open position lines after settlement"),
    columns=POSITION_COLUMNS,
    load=day_tables.positions_table,
    filter_keys=("client_code", "client_name", "contract_code"),
    filter_placeholder=QT_TRANSLATE_NOOP("Screens", "Filter by client or contract"),
    choice_key="product_code",
    choice_all=QT_TRANSLATE_NOOP("Screens", "All products"),
    watched=("clients", "positions", "prices"),
    stretch_key="client_name",
    client_key="client_code",
)


def create(ctx: DesktopContext, parent: QWidget | None = None) -> TableScreen:
    return TableScreen(ctx, SPEC, parent)
