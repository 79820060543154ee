"""Daily settlement: run the settlement of a trading day, see its result and statements.

The day defaults to the next day to settle (the trading day after the last settled one,
once its settlement prices are loaded), else the last settled day (re-settling replaces
its results). "Run settlement" (Ctrl+Enter) calls ``core.services.settlement.
run_daily_settlement`` on the write worker with the delayed progress dialog; Cancel
rolls everything back. A day already settled is run again only after a confirmation
that also names the later settled days, which the run does not recompute. A refusal
lists every problem (missing or off-tick price per contract, …) in the Problems tab. The
member statement (spec 2.d lines, no tax line) and any client's statement (picked with a
search field over every client) are read from the stored rows
(``core.services.settlement_history``) and exported as XLSX or PDF, audited
(``core.services.exports.export_statement``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.changes import Changes
from core.errors import RiskDeskError
from core.money import format_yuan
from core.progress import ProgressState
from core.reports.statements import layout
from core.services.settlement_history import (
    ClientStatement,
    DaySummary,
    DayView,
    MemberStatement,
    SettlementOverview,
    client_statement,
    settled_day,
    summary_of_run,
)
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, current_language, translate
from desktop.models.columns import Column, Kind
from desktop.models.frame_table import FrameTableModel
from desktop.screens.base import Screen
from desktop.screens.ops_outcome import OpOutcome, StageNamedProgress, capture
from desktop.screens.ops_queries import SettlementLoad, load_settlement, settled_at_text
from desktop.screens.ops_widgets import ErrorTableView, StatementRowsModel
from desktop.screens.settlement_clients import ClientPicker
from desktop.tasks import run_op, run_query
from desktop.widgets.banner import Banner
from desktop.widgets.data_table import DataTableView
from desktop.widgets.kpi_card import KpiCard

if TYPE_CHECKING:
    from core.services.settlement import SettlementRun
    from core.services.store import Database, Reader

STAGE_NAMES = {
    "read": QT_TRANSLATE_NOOP("Settlement", "Reading positions, trades and prices"),
    "compute": QT_TRANSLATE_NOOP("Settlement", "Settling clients and members"),
    "write": QT_TRANSLATE_NOOP("Settlement", "Writing the results"),
}
BANNED_LABELS = {
    True: QT_TRANSLATE_NOOP("Values", "Banned"),
    False: QT_TRANSLATE_NOOP("Values", "—"),
}
SETTLED_COLUMNS = (
    Column("trading_day", QT_TRANSLATE_NOOP("Columns", "Trading day"), Kind.DATE, 90),
    Column("reserve_fen", QT_TRANSLATE_NOOP("Columns", "Reserve (CNY)"), Kind.MONEY, 118),
    Column(
        "opening_banned",
        QT_TRANSLATE_NOOP("Columns", "Opening"),
        Kind.ENUM,
        52,
        labels=BANNED_LABELS,
    ),
    Column("settled_by", QT_TRANSLATE_NOOP("Columns", "Settled by"), Kind.CODE, 74),
    Column("settled_at", QT_TRANSLATE_NOOP("Columns", "Settled at"), Kind.TEXT, 118),
)
CARDS = (
    ("clients", QT_TRANSLATE_NOOP("Settlement", "Clients settled")),
    ("margin", QT_TRANSLATE_NOOP("Settlement", "Total client margin (CNY)")),
    ("reserve", QT_TRANSLATE_NOOP("Settlement", "Ending reserve (CNY)")),
    ("calls", QT_TRANSLATE_NOOP("Settlement", "Client margin calls")),
    ("by", QT_TRANSLATE_NOOP("Settlement", "Settled by")),
)
FORMAT_FILTERS = {
    ".xlsx": QT_TRANSLATE_NOOP("Settlement", "Excel workbook (*.xlsx)"),
    ".pdf": QT_TRANSLATE_NOOP("Settlement", "PDF document (*.pdf)"),
}


def run_daily_settlement(
    db: Database, day: date, *, user: str | None, progress: ProgressState | None = None
) -> tuple[SettlementRun, Changes]:
    """``core.services.settlement.run_daily_settlement``, imported at the first run: the
    service and its rule modules take ~60 ms to import, which opening the screen need not
    wait for."""
    from core.services import settlement

    return settlement.run_daily_settlement(db, day, user=user, progress=progress)


def confirm(parent: QWidget, title: str, text: str, accept: str) -> bool:
    """Ask ``text`` with the buttons ``accept`` and Cancel (the default, also Esc); True
    when ``accept`` was clicked. The screen's only question: tests replace it to answer."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setObjectName("confirmResettle")
    accept_button = box.addButton(accept, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is accept_button


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _lang() -> Any:
    return "zh" if current_language() == "zh" else "en"


class SettlementScreen(Screen):
    """Day picker and Run button, result banners and cards, settled days, statements."""

    # A settlement run changes "members" (its audit entry says who ran it): the audit log
    # alone, e.g. an export from here, changes nothing this screen shows.
    watched = ("members", "balances", "positions", "prices", "clients")
    run_finished = Signal(object)
    """Emitted with the ``OpOutcome`` of a run once the screen shows it."""
    exported = Signal(str)
    """Emitted with the path of a statement written by an export."""

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "settlement", parent)
        self._overview: SettlementOverview | None = None
        self._view: DayView | None = None
        self._summary: DaySummary | None = None
        self._member: MemberStatement | None = None
        self._client: ClientStatement | None = None
        self._day_generation = 0
        self._client_generation = 0
        self._day_chosen = False
        self._running = False
        self._exporting = 0
        self.last_outcome: OpOutcome[SettlementRun] | None = None

        self.title_label = QLabel()
        self.title_label.setObjectName("screenTitle")
        self.subtitle_label = QLabel()
        self.subtitle_label.setObjectName("screenSubtitle")

        self.day_caption = QLabel()
        self.day_edit = QDateEdit()
        self.day_edit.setObjectName("settlementDay")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.day_edit.setMinimumWidth(120)
        self.day_edit.dateChanged.connect(self._on_day_edited)
        self.run_button = QPushButton()
        self.run_button.setObjectName("runSettlement")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run_settlement)
        self.day_hint = QLabel()
        self.day_hint.setObjectName("screenSubtitle")
        for enter in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(Qt.Modifier.CTRL | enter), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.run_settlement)

        self.banner = Banner("settlementBanner")
        self.ban_banner = Banner("openingBanBanner")
        self.cards = {key: KpiCard(key) for key, _ in CARDS}
        cards = QHBoxLayout()
        cards.setSpacing(10)
        for key, _ in CARDS:
            cards.addWidget(self.cards[key])

        # settled days
        self.settled_title = QLabel()
        self.settled_title.setObjectName("sectionTitle")
        self.settled_model = FrameTableModel(SETTLED_COLUMNS, self)
        self.settled_view = DataTableView(ctx.settings, "settlement_days", self)
        self.settled_view.setModel(self.settled_model)
        self.settled_view.setSortingEnabled(False)
        self.settled_view.fit_columns(SETTLED_COLUMNS, "settled_by")
        self.settled_view.clicked.connect(self._on_settled_clicked)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(4)
        left_layout.addWidget(self.settled_title)
        left_layout.addWidget(self.settled_view, 1)

        # member statement tab
        self.member_info = QLabel()
        self.member_info.setObjectName("sectionTitle")
        self.member_combo = QComboBox()
        self.member_combo.setObjectName("memberChoice")
        self.member_combo.currentIndexChanged.connect(self._on_member_chosen)
        self.member_xlsx = QPushButton()
        self.member_xlsx.setObjectName("exportMemberXlsx")
        self.member_xlsx.clicked.connect(lambda: self.export_member_statement(suffix=".xlsx"))
        self.member_pdf = QPushButton()
        self.member_pdf.setObjectName("exportMemberPdf")
        self.member_pdf.clicked.connect(lambda: self.export_member_statement(suffix=".pdf"))
        self.member_model = StatementRowsModel(self)
        self.member_view = DataTableView(ctx.settings, "settlement_member", self)
        self.member_view.setModel(self.member_model)
        self.member_view.setSortingEnabled(False)
        self.member_model.set_rows(("", ""), ())
        self.member_view.fit_columns((Column("item", ""), Column("amount", "")), "item")
        member_page = QWidget()
        member_bar = QHBoxLayout()
        member_bar.addWidget(self.member_info)
        member_bar.addWidget(self.member_combo)
        member_bar.addStretch(1)
        member_bar.addWidget(self.member_xlsx)
        member_bar.addWidget(self.member_pdf)
        member_layout = QVBoxLayout(member_page)
        member_layout.setContentsMargins(8, 8, 8, 8)
        member_layout.addLayout(member_bar)
        member_layout.addWidget(self.member_view, 1)

        # client statement tab
        self.client_caption = QLabel()
        self.client_field = ClientPicker()
        self.client_field.setObjectName("clientChoice")
        self.client_field.setMinimumWidth(240)
        self.client_field.chosen.connect(self._on_client_chosen)
        self.client_info = QLabel()
        self.client_info.setObjectName("screenSubtitle")
        self.client_xlsx = QPushButton()
        self.client_xlsx.setObjectName("exportClientXlsx")
        self.client_xlsx.clicked.connect(lambda: self.export_client_statement(suffix=".xlsx"))
        self.client_pdf = QPushButton()
        self.client_pdf.setObjectName("exportClientPdf")
        self.client_pdf.clicked.connect(lambda: self.export_client_statement(suffix=".pdf"))
        self.client_monthly = QPushButton()
        self.client_monthly.setObjectName("exportClientMonthly")
        self.client_monthly.clicked.connect(lambda: self.export_client_month(suffix=".pdf"))
        self.client_model = StatementRowsModel(self)
        self.client_view = DataTableView(ctx.settings, "settlement_client", self)
        self.client_view.setModel(self.client_model)
        self.client_view.setSortingEnabled(False)
        self.client_model.set_rows(("", ""), ())
        self.client_view.fit_columns((Column("item", ""), Column("amount", "")), "item")
        self.positions_title = QLabel()
        self.positions_title.setObjectName("sectionTitle")
        self.positions_model = StatementRowsModel(self)
        self.positions_view = DataTableView(ctx.settings, "settlement_positions", self)
        self.positions_view.setModel(self.positions_model)
        self.positions_view.setSortingEnabled(False)
        self.trades_title = QLabel()
        self.trades_title.setObjectName("sectionTitle")
        self.trades_model = StatementRowsModel(self)
        self.trades_view = DataTableView(ctx.settings, "settlement_trades", self)
        self.trades_view.setModel(self.trades_model)
        self.trades_view.setSortingEnabled(False)
        for view in (self.positions_view, self.trades_view):
            view.horizontalHeader().setSectionResizeMode(
                view.horizontalHeader().ResizeMode.ResizeToContents
            )
        client_page = QWidget()
        client_bar = QHBoxLayout()
        client_bar.addWidget(self.client_caption)
        client_bar.addWidget(self.client_field)
        client_bar.addWidget(self.client_info, 1)
        client_bar.addWidget(self.client_xlsx)
        client_bar.addWidget(self.client_pdf)
        client_bar.addWidget(self.client_monthly)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.setSpacing(4)
        detail_layout.addWidget(self.positions_title)
        detail_layout.addWidget(self.positions_view, 3)
        detail_layout.addWidget(self.trades_title)
        detail_layout.addWidget(self.trades_view, 2)
        self.client_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.client_splitter.addWidget(self.client_view)
        self.client_splitter.addWidget(detail)
        self.client_splitter.setStretchFactor(0, 5)
        self.client_splitter.setStretchFactor(1, 7)
        self.client_splitter.setChildrenCollapsible(False)
        client_layout = QVBoxLayout(client_page)
        client_layout.setContentsMargins(8, 8, 8, 8)
        client_layout.addLayout(client_bar)
        client_layout.addWidget(self.client_splitter, 1)

        # problems tab
        self.problems_view = ErrorTableView(ctx.settings, "settlement_problems", self)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("settlementTabs")
        self.tabs.addTab(member_page, "")
        self.tabs.addTab(client_page, "")
        self.tabs.addTab(self.problems_view, "")

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("settlementSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 8)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([470, 690])

        head = QHBoxLayout()
        head.addWidget(self.title_label)
        head.addSpacing(12)
        head.addWidget(self.subtitle_label, 1, Qt.AlignmentFlag.AlignBottom)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.day_caption)
        bar.addWidget(self.day_edit)
        bar.addWidget(self.run_button)
        bar.addSpacing(8)
        bar.addWidget(self.day_hint, 1)
        layout_ = QVBoxLayout(self)
        layout_.setContentsMargins(16, 12, 16, 12)
        layout_.setSpacing(8)
        layout_.addLayout(head)
        layout_.addLayout(bar)
        layout_.addWidget(self.banner)
        layout_.addWidget(self.ban_banner)
        layout_.addLayout(cards)
        layout_.addWidget(self.splitter, 1)
        self.retranslate()
        self._update_controls()

    # ----------------------------------------------------------------- Screen
    def build_query(self) -> Callable[[Reader], Any]:
        day = self.selected_day()
        return lambda reader: load_settlement(reader, day)

    def apply(self, result: Any) -> None:
        assert isinstance(result, SettlementLoad)
        overview = result.overview
        self._overview = overview
        self.settled_model.set_frame(overview.settled)
        self.client_field.set_clients(overview.clients)
        if not self._day_chosen and overview.default_day is not None:
            self._day_chosen = True
            self.settled_view.setFocus()  # not the date box: its selected text looks odd
            self.day_edit.blockSignals(True)
            self.day_edit.setDate(_qdate(overview.default_day))
            self.day_edit.blockSignals(False)
        self._set_subtitle()
        if result.view is not None and result.view.day == self.selected_day():
            self._day_generation += 1  # newer than any day load still running
            self._apply_day(result.view)
        else:  # the user picked another day meanwhile
            self._load_day()
        self._update_controls()

    def loading_started(self) -> None:
        self.subtitle_label.setText(translate("Settlement", "Loading…"))

    def _set_subtitle(self) -> None:
        self.subtitle_label.setText(
            translate(
                "Settlement",
                "Settle every client and member for a trading day; statements per spec 2.d",
            )
        )

    def trading_day(self) -> date | None:
        return self.selected_day()

    def status_text(self) -> str:
        overview = self._overview
        if overview is None:
            return ""
        return translate("Settlement", "%1 settled day(s)").replace(
            "%1", f"{len(overview.settled_days):,}"
        )

    def role_gates(self) -> Sequence[tuple[str, Sequence[QWidget | QAction]]]:
        return (("settlement.run", (self.run_button,)),)

    def retranslate(self) -> None:
        self.title_label.setText(translate("Screens", "Daily settlement"))
        self._set_subtitle()
        self.day_caption.setText(translate("Settlement", "Trading day"))
        self.run_button.setText(translate("Settlement", "Run settlement"))
        self.run_button.setToolTip(
            translate("Settlement", "Settle the chosen day in one transaction (Ctrl+Enter)")
        )
        self.settled_title.setText(translate("Settlement", "Settled days"))
        for button in (self.member_xlsx, self.client_xlsx):
            button.setText(translate("Settlement", "Export XLSX…"))
        for button in (self.member_pdf, self.client_pdf):
            button.setText(translate("Settlement", "Export PDF…"))
        self.client_monthly.setText(translate("Settlement", "Monthly statement…"))
        self.client_caption.setText(translate("Settlement", "Client"))
        self.client_field.setPlaceholderText(translate("Settlement", "Client code or name"))
        self.tabs.setTabText(0, translate("Settlement", "Member statement"))
        self.tabs.setTabText(1, translate("Settlement", "Client statement"))
        self._set_problems_tab_text()
        for key, caption in CARDS:
            self.cards[key].caption.setText(translate("Settlement", caption))
        self.settled_model.retranslate()
        self.problems_view.retranslate()
        self._show_summary()
        self._show_member()
        self._show_client()
        self._update_hint()

    # ----------------------------------------------------------------- day
    def selected_day(self) -> date | None:
        if not self._day_chosen:
            return None
        q = self.day_edit.date()
        return date(q.year(), q.month(), q.day())

    def set_day(self, day: date) -> None:
        """Choose ``day`` (as the user would with the date box) and show its results."""
        self._day_chosen = True
        self.day_edit.setDate(_qdate(day))
        self._load_day()

    def _on_day_edited(self, _date: QDate) -> None:
        self._day_chosen = True
        self._load_day()

    def _on_settled_clicked(self, index: Any) -> None:
        value = self.settled_model.raw_value(index.row(), "trading_day")
        if isinstance(value, date):
            self.set_day(value)

    def _load_day(self) -> None:
        day = self.selected_day()
        if day is None:
            return
        self._day_generation += 1
        generation = self._day_generation
        self._update_hint()

        def done(view: DayView) -> None:
            if generation == self._day_generation:
                self._apply_day(view)

        run_query(self.ctx, lambda r: settled_day(r, day), done, owner=self)

    def _apply_day(self, view: DayView) -> None:
        self._view = view
        self._summary = view.summary
        self.member_combo.blockSignals(True)
        self.member_combo.clear()
        for statement in view.statements:
            self.member_combo.addItem(
                f"{statement.member_code} {statement.member_name}", statement.member_code
            )
        self.member_combo.blockSignals(False)
        self.member_combo.setVisible(len(view.statements) > 1)
        self._member = view.statements[0] if view.statements else None
        self._show_summary()
        self._show_member()
        self._update_hint()
        self._load_client()
        self.status_changed.emit()

    def _update_hint(self) -> None:
        day = self.selected_day()
        overview = self._overview
        if day is None or overview is None:
            self.day_hint.setText("")
            return
        settled = self._view.summary if self._view and self._view.day == day else None
        if settled is not None and settled.settled_by:
            text = (
                translate(
                    "Settlement",
                    "Settled by %1 at %2. Running it again replaces the stored results.",
                )
                .replace("%1", settled.settled_by)
                .replace("%2", settled_at_text(settled) or "—")
            )
        elif settled is not None:
            text = translate(
                "Settlement",
                "Settled results are stored, but no run is in the audit log (loaded data). "
                "Running it again replaces them.",
            )
        elif day == overview.next_day:
            text = translate("Settlement", "Next day to settle: its prices are loaded.")
        elif overview.latest_settled is not None and day > overview.latest_settled:
            text = translate("Settlement", "Not settled yet. The last settled day is %1.").replace(
                "%1", overview.latest_settled.isoformat()
            )
        else:
            text = translate("Settlement", "Not settled.")
        self.day_hint.setText(text)

    # ----------------------------------------------------------------- summary
    def _show_summary(self) -> None:
        s = self._summary
        c = self.cards
        if s is None:
            for card in c.values():
                card.set_value("—")
            c["clients"].set_value("—", translate("Settlement", "Day not settled"))
            self.ban_banner.clear()
            return
        c["clients"].set_value(f"{s.clients_settled:,}", s.day.isoformat())
        c["margin"].set_value(
            format_yuan(s.total_margin_fen), translate("Settlement", "Sum over clients")
        )
        if len(s.members) == 1:
            m = s.members[0]
            c["reserve"].set_value(
                format_yuan(m.reserve_fen),
                translate("Settlement", "Minimum %1 · call %2")
                .replace("%1", format_yuan(m.min_reserve_fen))
                .replace("%2", format_yuan(m.margin_call_fen)),
                "danger" if m.reserve_fen < m.min_reserve_fen else "",
            )
        else:
            c["reserve"].set_value(
                translate("Settlement", "%1 members").replace("%1", str(len(s.members))),
                translate("Settlement", "See the member statements"),
            )
        c["calls"].set_value(
            f"{s.margin_calls:,}",
            translate("Settlement", "Available funds below zero"),
            "danger" if s.margin_calls else "",
        )
        c["by"].set_value(s.settled_by or "—", settled_at_text(s))
        banned = s.banned_members
        if banned:
            self.ban_banner.set_message(
                translate(
                    "Settlement",
                    "Opening banned for member %1 from the next trading day: the settlement "
                    "reserve is below zero (R26). Restore it above the minimum to lift the ban.",
                ).replace("%1", ", ".join(banned)),
                "danger",
            )
        else:
            self.ban_banner.clear()

    def summary(self) -> DaySummary | None:
        """The figures the cards show."""
        return self._summary

    # ----------------------------------------------------------------- member statement
    def _on_member_chosen(self, index: int) -> None:
        if self._view is not None and 0 <= index < len(self._view.statements):
            self._member = self._view.statements[index]
            self._show_member()

    def _show_member(self) -> None:
        statement = self._member
        headers = (translate("Settlement", "Item"), translate("Settlement", "Amount (CNY)"))
        if statement is None:
            self.member_model.set_rows(headers, ())
            self.member_info.setText(translate("Settlement", "No member statement for this day"))
        else:
            lay = layout(statement, _lang())
            self.member_model.set_rows(headers, lay.summary)
            self.member_info.setText("  ·  ".join(f"{k}: {v}" for k, v in lay.header))
        self._update_controls()

    # ----------------------------------------------------------------- client statement
    def select_client(self, code: str) -> None:
        """Show the statement of client ``code`` (KeyError: no such client)."""
        if not self.client_field.set_current(code):
            raise KeyError(code)
        self._load_client()

    def _on_client_chosen(self, _code: str) -> None:
        self._load_client()

    def _load_client(self) -> None:
        code = self.client_field.current_code()
        day = self.selected_day()
        self._client_generation += 1
        generation = self._client_generation
        if code is None or day is None or self._summary is None:
            self._client = None
            self._show_client()
            return

        def done(statement: ClientStatement) -> None:
            if generation == self._client_generation:
                self._client = statement
                self._show_client()

        def failed(exc: RiskDeskError) -> None:
            if generation == self._client_generation:
                self._client = None
                self._show_client(str(exc))

        run_query(
            self.ctx,
            lambda r: client_statement(r, code, day),
            done,
            owner=self,
            on_failure=failed,
        )

    def _show_client(self, problem: str = "") -> None:
        statement = self._client
        headers = (translate("Settlement", "Item"), translate("Settlement", "Amount (CNY)"))
        if statement is None:
            self.client_model.set_rows(headers, ())
            self.positions_model.set_rows((), ())
            self.trades_model.set_rows((), ())
            self.positions_title.setText("")
            self.trades_title.setText("")
            self.client_info.setText(
                problem
                or (translate("Settlement", "Day not settled") if self._summary is None else "")
            )
        else:
            lay = layout(statement, _lang())
            self.client_model.set_rows(headers, lay.summary)
            (pos_title, pos_head, pos_rows), (tr_title, tr_head, tr_rows) = lay.tables
            self.positions_model.set_rows(pos_head, pos_rows)
            self.trades_model.set_rows(tr_head, tr_rows)
            self.positions_title.setText(f"{pos_title} ({len(pos_rows)})")
            self.trades_title.setText(f"{tr_title} ({len(tr_rows)})")
            self.client_info.setText("  ·  ".join(f"{k}: {v}" for k, v in lay.header[1:]))
        self._update_controls()

    # ----------------------------------------------------------------- run
    def resettle_question(self, day: date) -> str | None:
        """What to ask before settling ``day`` again (None: it is not settled yet).

        A run replaces only ``day``'s stored rows (``run_daily_settlement``); days
        settled after it keep results computed from the rows being replaced, so the
        question names them and says to settle them again, in order.
        """
        overview = self._overview
        settled = set(overview.settled_days) if overview is not None else set()
        if self._summary is not None:
            settled.add(self._summary.day)  # a run the overview has not reloaded yet
        if day not in settled:
            return None
        iso = day.isoformat()
        text = translate(
            "Settlement",
            "%1 is already settled. Running its settlement again replaces the stored "
            "results of %1: positions, client balances and member reserves.",
        ).replace("%1", iso)
        later = sorted(d for d in settled if d > day)
        if len(later) == 1:
            text += "\n\n" + (
                translate(
                    "Settlement",
                    "The later settled day %2 is not recomputed: its stored results stay "
                    "based on the current results of %1. Settle it again afterwards to "
                    "carry the change forward.",
                )
                .replace("%1", iso)
                .replace("%2", later[0].isoformat())
            )
        elif later:
            text += "\n\n" + (
                translate(
                    "Settlement",
                    "The %3 later settled days (%4 to %5) are not recomputed: their stored "
                    "results stay based on the current results of %1. Settle them again "
                    "afterwards, one day at a time in date order, to carry the change "
                    "forward.",
                )
                .replace("%1", iso)
                .replace("%3", str(len(later)))
                .replace("%4", later[0].isoformat())
                .replace("%5", later[-1].isoformat())
            )
        return text

    def run_settlement(self) -> None:
        """Settle the chosen day on the write worker (Ctrl+Enter); a day already settled
        is settled again only once the user confirms (``resettle_question``)."""
        day = self.selected_day()
        if self._running or day is None:
            return
        question = self.resettle_question(day)
        if question is not None and not confirm(
            self,
            translate("Settlement", "Settle %1 again?").replace("%1", day.isoformat()),
            question,
            translate("Settlement", "Settle again"),
        ):
            return
        db, user = self.ctx.db, self.ctx.config.user
        names = {k: translate("Settlement", v) for k, v in STAGE_NAMES.items()}

        def op(progress: ProgressState) -> tuple[SettlementRun, Changes]:
            return run_daily_settlement(
                db, day, user=user, progress=StageNamedProgress(progress, names)
            )

        label = translate("Settlement", "Settling %1").replace("%1", day.isoformat())
        self._running = True
        self._update_controls()
        self.banner.set_message(label + "…", "info")
        run_op(self.ctx, self, label, capture(op), lambda o: self._on_run_done(day, o))

    def _on_run_done(self, day: date, outcome: OpOutcome[SettlementRun]) -> None:
        self._running = False
        self.last_outcome = outcome
        self._update_controls()
        if outcome.cancelled:
            self.problems_view.error_model.clear()
            self.banner.set_message(
                translate(
                    "Settlement",
                    "Settlement of %1 cancelled: everything was rolled back, the stored "
                    "results are unchanged.",
                ).replace("%1", day.isoformat()),
                "warning",
            )
        elif outcome.refused:
            self.problems_view.error_model.set_errors(outcome.errors)
            self.banner.set_message(
                translate(
                    "Settlement",
                    "Settlement of %1 refused, nothing was written: %2 problem(s), listed "
                    "under Problems.",
                )
                .replace("%1", day.isoformat())
                .replace("%2", str(len(outcome.errors))),
                "danger",
            )
            self.tabs.setCurrentIndex(2)
        elif outcome.value is not None:
            run = outcome.value
            self.problems_view.error_model.set_errors(())
            self._summary = summary_of_run(run, self.ctx.config.user, datetime.now(UTC))
            self._show_summary()
            text = (
                translate(
                    "Settlement",
                    "%1 settled: %2 clients, %3 position lines, %4 trades.",
                )
                .replace("%1", run.day.isoformat())
                .replace("%2", f"{run.clients_settled:,}")
                .replace("%3", f"{run.position_lines:,}")
                .replace("%4", f"{run.trades:,}")
            )
            if run.warnings:
                text += " " + translate("Settlement", "Warnings: %1").replace(
                    "%1", "; ".join(run.warnings)
                )
            self.banner.set_message(text, "warning" if run.warnings else "success")
            if self.tabs.currentIndex() == 2:
                self.tabs.setCurrentIndex(0)
        self._set_problems_tab_text()
        self.run_finished.emit(outcome)

    def _set_problems_tab_text(self) -> None:
        n = self.problems_view.error_model.rowCount()
        text = translate("Settlement", "Problems")
        self.tabs.setTabText(2, f"{text} ({n})" if n else text)

    # ----------------------------------------------------------------- export
    def export_member_statement(self, path: Path | None = None, *, suffix: str = ".xlsx") -> None:
        """Write the member statement shown (XLSX or PDF, in the UI language).

        Without ``path`` a file dialog asks for one; tests pass it directly.
        """
        statement = self._member
        if statement is None:
            return
        name = f"member_{statement.member_code}_{statement.day.isoformat()}{suffix}"
        self._export(statement, path, name, suffix)

    def export_client_statement(self, path: Path | None = None, *, suffix: str = ".xlsx") -> None:
        """Write the client statement shown (XLSX or PDF, in the UI language). The PDF
        is the statement the client signs off (``core.services.client_statements``)."""
        statement = self._client
        if statement is None:
            return
        name = f"client_{statement.client_code}_{statement.day.isoformat()}{suffix}"
        if suffix == ".pdf":
            code, day = statement.client_code, statement.day
            self._export_signoff(code, path, name, suffix, day=day)
        else:
            self._export(statement, path, name, suffix)

    def export_client_month(self, path: Path | None = None, *, suffix: str = ".pdf") -> None:
        """Write the monthly statement of the client shown for the month of the day
        shown (its settled days summed; PDF or XLSX, in the UI language)."""
        statement = self._client
        if statement is None:
            return
        month = f"{statement.day:%Y-%m}"
        name = f"client_{statement.client_code}_{month}{suffix}"
        self._export_signoff(statement.client_code, path, name, suffix, month=month)

    def _export_signoff(
        self,
        code: str,
        path: Path | None,
        default_name: str,
        suffix: str,
        *,
        day: date | None = None,
        month: str | None = None,
    ) -> None:
        db, user, lang = self.ctx.db, self.ctx.config.user, _lang()

        def job(target: Path) -> tuple[Path, Changes]:
            from core.services.client_statements import export_client_statement

            return export_client_statement(db, code, target, lang, day=day, month=month, user=user)

        self._run_export(job, path, default_name, suffix, monthly=month is not None)

    def _export(
        self,
        statement: ClientStatement | MemberStatement,
        path: Path | None,
        default_name: str,
        suffix: str,
    ) -> None:
        lang = _lang()
        db, user = self.ctx.db, self.ctx.config.user

        def job(target: Path) -> tuple[Path, Changes]:
            from core.services.exports import export_statement

            return export_statement(db, statement, target, lang, user=user)

        self._run_export(job, path, default_name, suffix)

    def _run_export(
        self,
        job: Callable[[Path], tuple[Path, Changes]],
        path: Path | None,
        default_name: str,
        suffix: str,
        *,
        monthly: bool = False,
    ) -> None:
        if path is None:
            filters = (
                ";;".join(translate("Settlement", FORMAT_FILTERS[s]) for s in (".pdf", ".xlsx"))
                if monthly
                else translate("Settlement", FORMAT_FILTERS[suffix])
            )
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                translate("Settlement", "Export statement"),
                str(Path.home() / default_name),
                filters,
            )
            if not chosen:
                return
            path = Path(chosen)
            if path.suffix.lower() not in FORMAT_FILTERS:
                path = path.with_suffix(suffix)
        target = path

        def done(future: Future[tuple[Path, Changes]]) -> None:
            self._exporting -= 1
            self._update_controls()
            try:
                written, changes = future.result()
            except RiskDeskError as exc:
                self.banner.set_message(
                    translate("Settlement", "Export failed: %1").replace("%1", str(exc)),
                    "danger",
                )
                return
            self.banner.set_message(
                translate("Settlement", "Statement written to %1").replace("%1", str(written)),
                "success",
            )
            self.ctx.bus.changes_applied.emit(changes, self)
            self.exported.emit(str(written))

        self._exporting += 1
        self._update_controls()
        self.ctx.tasks.submit(lambda: job(target), done, writes=True, owner=self)

    # ----------------------------------------------------------------- state
    def _update_controls(self) -> None:
        self.run_button.setEnabled(not self._running and self.selected_day() is not None)
        self.day_edit.setEnabled(not self._running)
        idle = not self._running and not self._exporting
        for button in (self.member_xlsx, self.member_pdf):
            button.setEnabled(idle and self._member is not None)
        for button in (self.client_xlsx, self.client_pdf, self.client_monthly):
            button.setEnabled(idle and self._client is not None)
        if self._client is not None:
            self.client_monthly.setToolTip(
                translate(
                    "Settlement",
                    "The client's statement of %1: every settled day of the month summed, "
                    "to sign off (PDF or XLSX)",
                ).replace("%1", f"{self._client.day:%Y-%m}")
            )


def create(ctx: DesktopContext, parent: QWidget | None = None) -> SettlementScreen:
    return SettlementScreen(ctx, parent)
