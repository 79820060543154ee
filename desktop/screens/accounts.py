"""Accounts: every client's balance, margin, available funds, risk ratio and risk level
of the last settled day (the settlement's stored figures; the live monitor shows the
intraday ones)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from core.services import day_tables
from desktop import palette
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP
from desktop.models.columns import Column, Kind
from desktop.models.levels import level_column
from desktop.screens.table_screen import TableScreen, TableSpec

ACCOUNT_COLUMNS = (
    Column("client_code", QT_TRANSLATE_NOOP("Columns", "Client code"), Kind.CODE, 110),
    Column("client_name", QT_TRANSLATE_NOOP("Columns", "Client name"), Kind.TEXT, 190),
    Column("member_code", QT_TRANSLATE_NOOP("Columns", "Member"), Kind.CODE, 80),
    level_column(),
    Column("balance_fen", QT_TRANSLATE_NOOP("Columns", "Balance (CNY)"), Kind.MONEY, 150),
    Column("margin_fen", QT_TRANSLATE_NOOP("Columns", "Margin (CNY)"), Kind.MONEY, 150),
    Column("available_fen", QT_TRANSLATE_NOOP("Columns", "Available (CNY)"), Kind.MONEY, 150),
    Column("risk_ratio_ppm", QT_TRANSLATE_NOOP("Columns", "Risk ratio"), Kind.PPM, 100),
    Column(
        "margin_call_fen",
        QT_TRANSLATE_NOOP("Columns", "Margin call (CNY)"),
        Kind.MONEY,
        140,
        mute_zero=True,
    ),
)


SPEC = TableSpec(
    key="accounts",
    title=QT_TRANSLATE_NOOP("Screens", "Accounts"),
    description=QT_TRANSLATE_NOOP("Screens", "Client funds after settlement"),
    columns=ACCOUNT_COLUMNS,
    load=day_tables.accounts_table,
    filter_keys=("client_code", "client_name", "member_code"),
    filter_placeholder=QT_TRANSLATE_NOOP("Screens", "Filter by client code or name"),
    watched=("clients", "balances"),
    stretch_key="client_name",
    tint_key="risk_level",
    tints=palette.LEVEL_TINTS,
    level_key="risk_level",
    header_key="accounts_v2",  # the risk level column came in
    client_key="client_code",
)


def create(ctx: DesktopContext, parent: QWidget | None = None) -> TableScreen:
    return TableScreen(ctx, SPEC, parent)
