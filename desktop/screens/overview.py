"""Overview: the member's key figures after the last settlement and the accounts at risk.

Every figure here is the settlement's stored one of the last settled day (日终结算后),
and the screen says so; the live monitor shows the intraday figures from the same start.
Risk levels are counted per level (``core.rules.risk_levels``) over the same rows as the
at-risk list, which shows the worst accounts first and says how many there are in all.

On an empty database (a new install) an information banner says so and offers the two
ways to fill it: the imports screen, or the main window's "Create demo data…".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.money import format_yuan
from core.rules.risk_levels import (
    DEFICIT,
    LEVEL_NAMES,
    MARGIN_CALL,
    NORMAL,
    RiskLevels,
    default_risk_levels,
)
from core.services.calls import CallList
from core.services.overview import Overview, OverviewSummary, overview
from core.services.store import Reader
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.columns import LIMIT_LOCK_LABELS, Column, Kind, ppm_text
from desktop.models.frame_table import FrameTableModel, TintedFrameModel
from desktop.models.levels import CONTEXT as LEVELS_CONTEXT
from desktop.models.levels import LEVEL_FILTERS, LEVEL_LABELS
from desktop.palette import LEVEL_TINTS, LEVEL_TONES
from desktop.screens.accounts import ACCOUNT_COLUMNS
from desktop.screens.base import Screen
from desktop.widgets.banner import Banner
from desktop.widgets.client_link import client_column
from desktop.widgets.data_table import DataTableView
from desktop.widgets.kpi_card import KpiCard

AT_RISK_LIMIT = 25

_AT_RISK_WIDTHS = {
    "client_code": 76,
    "client_name": 120,
    "risk_level": 56,
    "balance_fen": 116,
    "available_fen": 110,
    "risk_ratio_ppm": 72,
}
AT_RISK_COLUMNS = tuple(
    replace(c, width=_AT_RISK_WIDTHS[c.key]) for c in ACCOUNT_COLUMNS if c.key in _AT_RISK_WIDTHS
)
MEMBER_COLUMNS = (
    Column("member_code", QT_TRANSLATE_NOOP("Columns", "Member"), Kind.CODE, 64),
    Column("member_name", QT_TRANSLATE_NOOP("Columns", "Member name"), Kind.TEXT, 120),
    Column(
        "reserve_fen", QT_TRANSLATE_NOOP("Columns", "Settlement reserve (CNY)"), Kind.MONEY, 124
    ),
    Column("clients_count", QT_TRANSLATE_NOOP("Columns", "Clients"), Kind.INT, 60),
)
LOCKED_COLUMNS = (
    Column("contract_code", QT_TRANSLATE_NOOP("Columns", "Contract"), Kind.CODE, 72),
    Column(
        "product_name_zh",
        QT_TRANSLATE_NOOP("Columns", "Product"),
        Kind.TEXT,
        100,
        key_en="product_name_en",
    ),
    Column("settlement_fen", QT_TRANSLATE_NOOP("Columns", "Settlement (CNY)"), Kind.PRICE, 110),
    Column(
        "limit_lock",
        QT_TRANSLATE_NOOP("Columns", "Limit lock"),
        Kind.ENUM,
        80,
        labels=LIMIT_LOCK_LABELS,
    ),
)

# (card key, caption) in display order: rows of five.
CARDS = (
    ("day", QT_TRANSLATE_NOOP("Overview", "Settled trading day")),
    ("reserve", QT_TRANSLATE_NOOP("Overview", "Settlement reserve (CNY)")),
    ("exchange_margin", QT_TRANSLATE_NOOP("Overview", "Exchange margin (CNY)")),
    ("clients", QT_TRANSLATE_NOOP("Overview", "Clients")),
    ("margin_call", QT_TRANSLATE_NOOP("Overview", "Total margin call (CNY)")),
    ("balance", QT_TRANSLATE_NOOP("Overview", "Client balance (CNY)")),
    ("margin", QT_TRANSLATE_NOOP("Overview", "Client margin (CNY)")),
    ("available", QT_TRANSLATE_NOOP("Overview", "Client available funds (CNY)")),
    ("positions", QT_TRANSLATE_NOOP("Overview", "Position lines")),
    ("receipts", QT_TRANSLATE_NOOP("Overview", "Warehouse receipts")),
)
LEVEL_CARDS = tuple((f"level_{LEVEL_NAMES[lv]}", lv) for lv in range(len(LEVEL_NAMES)))
"""One card per risk level (key, level code), captioned with the level's name."""
CARDS_PER_ROW = 5


def load_overview(reader: Reader) -> Overview:
    """Worker thread: the Overview with the ``AT_RISK_LIMIT`` riskiest accounts."""
    return overview(reader, AT_RISK_LIMIT)


class OverviewScreen(Screen):
    """Cards with the day's key figures, the most at-risk accounts and the members."""

    watched = ("members", "clients", "balances", "positions", "prices", "receipts")
    navigate_requested = Signal(str)
    """The empty-database banner asks the main window to show a screen (its key)."""
    demo_requested = Signal()
    """The empty-database banner asks the main window for "Create demo data…"."""

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "main", parent)
        self._summary = OverviewSummary.empty()
        self._at_risk_total = 0
        self._levels = default_risk_levels()
        self.title_label = QLabel()
        self.title_label.setObjectName("screenTitle")
        self.subtitle_label = QLabel()
        self.subtitle_label.setObjectName("screenSubtitle")
        self.empty_banner = Banner("empty", self)
        self.demo_button = self.empty_banner.add_button("createDemo")
        self.demo_button.clicked.connect(self.demo_requested.emit)
        self.imports_button = self.empty_banner.add_button("openImports")
        self.imports_button.clicked.connect(lambda: self.navigate_requested.emit("imports"))
        self._empty = False
        keys = [key for key, _ in CARDS] + [key for key, _ in LEVEL_CARDS]
        self.cards = {key: KpiCard(key) for key in keys}
        self._calls: CallList | None = None
        # The call card is the Margin calls screen's list in short: a click opens it.
        self.cards["margin_call"].note.setWordWrap(True)
        self.cards["margin_call"].clicked.connect(
            lambda: self.navigate_requested.emit("calls:settled")
        )
        # A level card opens Accounts at that level or worse (the normal one, every
        # account, is no link).
        for key, level in LEVEL_CARDS:
            if level > NORMAL:
                name = LEVEL_NAMES[level]
                self.cards[key].clicked.connect(
                    lambda name=name: self.navigate_requested.emit(f"accounts:level={name}")
                )
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        for i, key in enumerate(keys):
            grid.addWidget(self.cards[key], i // CARDS_PER_ROW, i % CARDS_PER_ROW)

        self.at_risk_title = QLabel()
        self.at_risk_title.setObjectName("sectionTitle")
        self.at_risk_model = TintedFrameModel(
            AT_RISK_COLUMNS, self, flag_key="risk_level", tints=LEVEL_TINTS
        )
        self.at_risk_view = DataTableView(ctx.settings, "overview_at_risk", self)
        self.at_risk_view.setModel(self.at_risk_model)
        self.at_risk_view.setSortingEnabled(False)
        self.at_risk_view.fit_columns(AT_RISK_COLUMNS, "client_name")
        self.at_risk_view.link_clients(
            client_column(self.at_risk_model),
            lambda code: ctx.bus.client_requested.emit(code, self._summary.trading_day),
        )
        self.members_title = QLabel()
        self.members_title.setObjectName("sectionTitle")
        self.members_model = FrameTableModel(MEMBER_COLUMNS, self)
        self.members_view = DataTableView(ctx.settings, "overview_members", self)
        self.members_view.setModel(self.members_model)
        self.members_view.setSortingEnabled(False)
        self.members_view.fit_columns(MEMBER_COLUMNS, "member_name")
        self.locked_title = QLabel()
        self.locked_title.setObjectName("sectionTitle")
        self.locked_model = FrameTableModel(LOCKED_COLUMNS, self)
        self.locked_view = DataTableView(ctx.settings, "overview_locked", self)
        self.locked_view.setModel(self.locked_model)
        self.locked_view.setSortingEnabled(False)
        self.locked_view.fit_columns(LOCKED_COLUMNS, "product_name_zh")

        head = QHBoxLayout()
        head.addWidget(self.title_label)
        head.addSpacing(12)
        head.addWidget(self.subtitle_label, 1, Qt.AlignmentFlag.AlignBottom)
        left = QVBoxLayout()
        left.addWidget(self.at_risk_title)
        left.addWidget(self.at_risk_view, 1)
        right = QVBoxLayout()
        right.addWidget(self.members_title)
        right.addWidget(self.members_view, 2)
        right.addSpacing(6)
        right.addWidget(self.locked_title)
        right.addWidget(self.locked_view, 3)
        tables = QHBoxLayout()
        tables.setSpacing(16)
        tables.addLayout(left, 11)
        tables.addLayout(right, 8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(self.empty_banner)
        layout.addLayout(grid)
        layout.addSpacing(4)
        layout.addLayout(tables, 1)
        self.retranslate()

    # ----------------------------------------------------------------- Screen
    def build_query(self) -> Callable[[Reader], Any]:
        return load_overview

    def apply(self, result: Any) -> None:
        assert isinstance(result, Overview)
        self._summary = result.summary
        self._at_risk_total = result.at_risk_total
        self._levels = result.risk_levels
        self._calls = result.calls
        self.at_risk_model.set_frame(result.at_risk)
        self.members_model.set_frame(result.members)
        self.locked_model.set_frame(result.locked)
        self._empty = result.empty
        self._fill_cards()
        self._show_empty_hint()

    def loading_started(self) -> None:
        self.subtitle_label.setText(translate("Overview", "Loading…"))

    def trading_day(self) -> date | None:
        return self._summary.trading_day

    def status_text(self) -> str:
        s = self._summary
        return translate("Overview", "%1 accounts").replace("%1", f"{s.accounts_count:,}")

    def retranslate(self) -> None:
        self.title_label.setText(translate("Screens", "Overview"))
        self.members_title.setText(translate("Overview", "Members"))
        self.locked_title.setText(translate("Overview", "Contracts locked at the limit"))
        for key, caption in CARDS:
            self.cards[key].caption.setText(translate("Overview", caption))
        filters = dict(LEVEL_FILTERS)
        for key, level in LEVEL_CARDS:
            self.cards[key].caption.setText(translate(LEVELS_CONTEXT, LEVEL_LABELS[level]))
            if level > NORMAL:
                self.cards[key].set_clickable(
                    translate("Overview", "Open %1: %2")
                    .replace("%1", translate("Screens", "Accounts"))
                    .replace("%2", translate(LEVELS_CONTEXT, filters[level]))
                )
        self.cards["margin_call"].set_clickable(
            translate("Overview", "Open %1: every client to call").replace(
                "%1", translate("Screens", "Margin calls")
            )
        )
        self.at_risk_model.retranslate()
        self.members_model.retranslate()
        self.locked_model.retranslate()
        self.imports_button.setText(
            translate("Overview", "Open %1").replace("%1", translate("Screens", "Imports"))
        )
        self.demo_button.setText(translate("Overview", "Create demo data…"))
        self._fill_cards()
        self._show_empty_hint()

    # ----------------------------------------------------------------- internals
    @property
    def shows_empty_hint(self) -> bool:
        """The last load found an empty database (the banner is up)."""
        return self._empty

    def _show_empty_hint(self) -> None:
        if not self._empty:
            self.empty_banner.clear()
            return
        self.empty_banner.set_message(
            translate(
                "Overview",
                "<b>The database is empty</b>: no clients or positions yet. Create demo "
                "data to try RiskDesk out, or import your files on the %1 screen: members, "
                "clients, contracts and warehouses first, then the day's files.",
            ).replace("%1", translate("Screens", "Imports")),
            "info",
        )

    def _fill_cards(self) -> None:
        s = self._summary
        day = s.trading_day.isoformat() if s.trading_day else "—"
        if not self.is_loading:
            # Settled figures: say so, the monitor beside shows intraday ones.
            self.subtitle_label.setText(
                translate(
                    "Overview",
                    "After the settlement of %1 (stored figures; intraday figures: %2)",
                )
                .replace("%1", day)
                .replace("%2", translate("Screens", "Live risk monitor"))
            )
        self._fill_money_cards(s)
        self._fill_level_cards(s)
        self._fill_at_risk_title()

    def _fill_money_cards(self, s: OverviewSummary) -> None:
        money = format_yuan
        c = self.cards
        settled = translate("Overview", "After the day's settlement")
        c["day"].set_value(s.trading_day.isoformat() if s.trading_day else "—", settled)
        c["reserve"].set_value(
            money(s.reserve_fen) if s.reserve_fen is not None else "—",
            translate("Overview", "Minimum %1").replace("%1", money(s.min_reserve_fen)),
            "danger" if s.reserve_fen is not None and s.reserve_fen < s.min_reserve_fen else "",
        )
        c["exchange_margin"].set_value(
            money(s.exchange_margin_fen) if s.exchange_margin_fen is not None else "—",
            translate("Overview", "Held at the exchange"),
        )
        c["clients"].set_value(
            f"{s.clients_count:,}",
            translate("Overview", "%1 with a balance that day").replace(
                "%1", f"{s.accounts_count:,}"
            ),
        )
        self._fill_call_card()
        c["balance"].set_value(money(s.client_balance_fen), translate("Overview", "Sum of clients"))
        c["margin"].set_value(money(s.client_margin_fen), translate("Overview", "Sum of clients"))
        c["available"].set_value(
            money(s.client_available_fen),
            translate("Overview", "Sum of clients"),
            "danger" if s.client_available_fen < 0 else "",
        )
        c["positions"].set_value(
            f"{s.positions_count:,}",
            translate("Overview", "%1 lots open").replace("%1", f"{s.open_lots:,}"),
        )
        c["receipts"].set_value(
            f"{s.receipts_count:,}",
            translate("Overview", "%1 tons, not cancelled").replace("%1", f"{s.receipt_tons:,}"),
        )

    def _fill_call_card(self) -> None:
        """The settled call list's total and its clients per level: the computation of
        ``core.services.calls.settled_calls`` over the Overview's own rows, so the Margin
        calls screen lists what the card sums (tests/consistency holds them equal)."""
        card, calls = self.cards["margin_call"], self._calls
        if calls is None:
            card.set_value("—", translate("Overview", "No settled day yet"))
            return
        listed = len(calls.calls)
        by_level = [
            f"{translate(LEVELS_CONTEXT, LEVEL_LABELS[lv])} {calls.counts[LEVEL_NAMES[lv]]:,}"
            for lv in range(calls.min_level, len(LEVEL_NAMES))
            if calls.counts.get(LEVEL_NAMES[lv], 0)
        ]
        note = (
            translate("Overview", "%1 clients: %2")
            .replace("%1", f"{listed:,}")
            .replace("%2", " · ".join(by_level))
            if listed
            else translate("Overview", "No client to call")
        )
        card.set_value(
            format_yuan(calls.total_call_fen), note, "danger" if calls.total_call_fen else ""
        )

    @property
    def calls(self) -> CallList | None:
        """The call list behind the call card (tests compare it with the call screen's)."""
        return self._calls

    def _fill_level_cards(self, s: OverviewSummary) -> None:
        for key, level in LEVEL_CARDS:
            n = s.level_counts.get(LEVEL_NAMES[level], 0)
            self.cards[key].set_value(
                f"{n:,}", level_condition(level, self._levels), LEVEL_TONES[level] if n else ""
            )

    def _fill_at_risk_title(self) -> None:
        shown, total = self.at_risk_model.total_rows, self._at_risk_total
        if shown < total:
            text = translate("Overview", "Accounts at warning or worse: the worst %1 of %2")
        else:
            text = translate("Overview", "Accounts at warning or worse: %2")
        self.at_risk_title.setText(text.replace("%1", f"{shown:,}").replace("%2", f"{total:,}"))


def level_condition(level: int, levels: RiskLevels) -> str:
    """When an account is at ``level`` under the setting ``levels`` (a card's note)."""
    threshold = levels.threshold_ppm(level)
    if threshold is not None:
        return translate("Overview", "Risk ratio ≥ %1").replace("%1", ppm_text(threshold))
    if level == MARGIN_CALL:
        return translate("Overview", "Available funds < 0")
    if level == DEFICIT:
        return translate("Overview", "Equity < 0")
    return translate("Overview", "Risk ratio < %1").replace("%1", ppm_text(levels.warning_ppm))


def create(ctx: DesktopContext, parent: QWidget | None = None) -> OverviewScreen:
    return OverviewScreen(ctx, parent)
