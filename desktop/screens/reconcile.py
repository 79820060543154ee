"""Reconciliation (对账): the counter's (CTP), CFMMC's and the exchange's statements
against RiskDesk's settlement.

The user picks statement files (CTP settlement text, CFMMC daily statement workbooks,
the member's settlement CSV: each file's format is told by its content) and a day (or
every day the files hold) and presses Reconcile; ``core.services.reconcile.reconcile``
reads, compares with 0 fen tolerance and audits the run on the write worker, with
progress. The screen shows the summary (statements matched, differing, only on one
side, differences) and every difference with both values, its size and its likely
cause; a card shows the member's figures (a member CSV) and filters the table to them.
Double-click, Enter or "Open client" on a client's row opens the client panel of that
client and day. Export writes the differences through the one export door. Nothing
here compares or formats a figure: the values arrive as the service's text
(``breaks_frame(readable=True)``: with thousands separators, the file's own text in
the tooltip).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.changes import Changes
from core.errors import RiskDeskError
from core.progress import ProgressState
from core.services.call_desk import settled_days
from core.services.reconcile import (
    RAW_SUFFIX,
    Caveat,
    ReconcileRun,
    breaks_frame,
    export_breaks,
    reconcile,
)
from core.services.store import Reader
from desktop import palette
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.columns import Column, Kind
from desktop.models.frame_table import FrameTableModel
from desktop.screens.base import Screen
from desktop.screens.ops_outcome import OpOutcome, StageNamedProgress, capture
from desktop.screens.reconcile_text import detail_text, key_text
from desktop.tasks import run_op
from desktop.widgets.banner import Banner
from desktop.widgets.data_combo import data_combo
from desktop.widgets.data_table import DataTableView
from desktop.widgets.day_bars import DayBarsChart
from desktop.widgets.kpi_card import KpiCard

CONTEXT = "Reconcile"
CAVEAT_TEXTS = {
    "not_compared": QT_TRANSLATE_NOOP(
        "Reconcile",
        "%1: lines, fills and closes are not compared: the settlement cannot be recomputed "
        "from the stored inputs (%2)",
    ),
    "lines_differ": QT_TRANSLATE_NOOP(
        "Reconcile",
        "%1: the positions stored by the settlement differ from a settlement of the stored "
        "inputs (an input changed after it): settle the day again before trusting the line "
        "differences",
    ),
    "member_differs": QT_TRANSLATE_NOOP(
        "Reconcile",
        "%1: member %2's stored reserve, margin or offset differ from a settlement of the "
        "stored inputs: settle the day again before trusting the member differences",
    ),
}
"""The screen's words for a run's warnings: the English of
``core.services.reconcile.CAVEATS`` marked for translation (a test holds them equal)."""


def caveat_text(warning: str) -> str:
    """A run's warning in the user's language (a ``Caveat``; other warnings as given)."""
    if not isinstance(warning, Caveat) or warning.key not in CAVEAT_TEXTS:
        return warning
    text = translate("Reconcile", CAVEAT_TEXTS[warning.key])
    for i, value in enumerate(warning.values, start=1):
        text = text.replace(f"%{i}", value)
    return text


ALL = "all"
SHOWN_FILES = 3
"""File names shown beside the button (every one in its tooltip)."""

SECTION_LABELS = {
    ALL: QT_TRANSLATE_NOOP("Reconcile", "All sections"),
    "statement": QT_TRANSLATE_NOOP("Reconcile", "Statement"),
    "summary": QT_TRANSLATE_NOOP("Reconcile", "Account summary"),
    "positions": QT_TRANSLATE_NOOP("Reconcile", "Positions"),
    "closed": QT_TRANSLATE_NOOP("Reconcile", "Closed lines"),
    "trades": QT_TRANSLATE_NOOP("Reconcile", "Trades"),
    "deposits": QT_TRANSLATE_NOOP("Reconcile", "Deposits"),
    "member": QT_TRANSLATE_NOOP("Reconcile", "Member"),
}
FIELD_LABELS = {
    "statement": QT_TRANSLATE_NOOP("Reconcile", "Statement"),
    "prior_balance": QT_TRANSLATE_NOOP("Reconcile", "Balance b/f"),
    "transfers": QT_TRANSLATE_NOOP("Reconcile", "Deposit/withdrawal"),
    "close_pnl": QT_TRANSLATE_NOOP("Reconcile", "Realized P/L"),
    "position_pnl": QT_TRANSLATE_NOOP("Reconcile", "MTM P/L"),
    "fees": QT_TRANSLATE_NOOP("Reconcile", "Commission"),
    "fee": QT_TRANSLATE_NOOP("Reconcile", "Commission"),
    "delivery": QT_TRANSLATE_NOOP("Reconcile", "Delivery"),
    "balance": QT_TRANSLATE_NOOP("Reconcile", "Balance c/f"),
    "equity": QT_TRANSLATE_NOOP("Reconcile", "Client equity"),
    "offset": QT_TRANSLATE_NOOP("Reconcile", "Pledge amount"),
    "margin": QT_TRANSLATE_NOOP("Reconcile", "Margin occupied"),
    "available": QT_TRANSLATE_NOOP("Reconcile", "Fund available"),
    "risk_ratio_bp": QT_TRANSLATE_NOOP("Reconcile", "Risk degree"),
    "margin_call": QT_TRANSLATE_NOOP("Reconcile", "Margin call"),
    "waived": QT_TRANSLATE_NOOP("Reconcile", "Fees waived"),
    "daily_pnl": QT_TRANSLATE_NOOP("Reconcile", "Daily P/L"),
    "prior_reserve": QT_TRANSLATE_NOOP("Reconcile", "Prior reserve"),
    "prior_margin": QT_TRANSLATE_NOOP("Reconcile", "Prior margin"),
    "prior_offset": QT_TRANSLATE_NOOP("Reconcile", "Prior offset"),
    "deposits": QT_TRANSLATE_NOOP("Reconcile", "Deposited"),
    "withdrawals": QT_TRANSLATE_NOOP("Reconcile", "Withdrawn"),
    "other": QT_TRANSLATE_NOOP("Reconcile", "Other"),
    "cash": QT_TRANSLATE_NOOP("Reconcile", "Cash"),
    "reserve": QT_TRANSLATE_NOOP("Reconcile", "Settlement reserve"),
    "interest_base": QT_TRANSLATE_NOOP("Reconcile", "Interest base"),
    "min_reserve": QT_TRANSLATE_NOOP("Reconcile", "Minimum reserve"),
    "lots": QT_TRANSLATE_NOOP("Reconcile", "Lots"),
    "open_price": QT_TRANSLATE_NOOP("Reconcile", "Average open price"),
    "prev_settle": QT_TRANSLATE_NOOP("Reconcile", "Prior settlement price"),
    "settle": QT_TRANSLATE_NOOP("Reconcile", "Settlement price"),
    "contract": QT_TRANSLATE_NOOP("Reconcile", "Contract"),
    "side": QT_TRANSLATE_NOOP("Reconcile", "Buy/sell"),
    "action": QT_TRANSLATE_NOOP("Reconcile", "Open/close"),
    "hedge": QT_TRANSLATE_NOOP("Reconcile", "Spec/hedge"),
    "price": QT_TRANSLATE_NOOP("Reconcile", "Price"),
    "amount": QT_TRANSLATE_NOOP("Reconcile", "Amount"),
}
CAUSE_LABELS = {
    "": QT_TRANSLATE_NOOP("Reconcile", "—"),
    "split_trade": QT_TRANSLATE_NOOP("Reconcile", "Trade split"),
    "missing_trade": QT_TRANSLATE_NOOP("Reconcile", "Trade on one side only"),
    "hedge_flag": QT_TRANSLATE_NOOP("Reconcile", "Hedge flag"),
    "deposit_day": QT_TRANSLATE_NOOP("Reconcile", "Deposit on another day"),
    "fee_waiver": QT_TRANSLATE_NOOP("Reconcile", "Fee waiver (S01–S05)"),
    "other_exchange_margin": QT_TRANSLATE_NOOP("Reconcile", "Another exchange's margin rule"),
    "open_price_basis": QT_TRANSLATE_NOOP("Reconcile", "Average vs FIFO open price"),
    "rounding": QT_TRANSLATE_NOOP("Reconcile", "Rounding"),
}
CARDS = (
    ("matched", QT_TRANSLATE_NOOP("Reconcile", "Statements matched")),
    ("differing", QT_TRANSLATE_NOOP("Reconcile", "Statements differing")),
    ("only_counter", QT_TRANSLATE_NOOP("Reconcile", "Only in the files")),
    ("only_riskdesk", QT_TRANSLATE_NOOP("Reconcile", "Only in RiskDesk")),
    ("differences", QT_TRANSLATE_NOOP("Reconcile", "Differences")),
    ("member", QT_TRANSLATE_NOOP("Reconcile", "Member figures")),
)
DAY_SERIES = (
    ("matched", QT_TRANSLATE_NOOP("Reconcile", "Matched"), "#7fa2e8"),
    ("differing", QT_TRANSLATE_NOOP("Reconcile", "Differing"), palette.RED),
    ("one_side", QT_TRANSLATE_NOOP("Reconcile", "One side only"), "#d97706"),
)
"""The per-day chart's series, bottom up: statements matched, differing, on one side."""
CHART_HEIGHT = 170

FORMAT_LABELS = {
    "ctp": QT_TRANSLATE_NOOP("Reconcile", "CTP statement text"),
    "cfmmc": QT_TRANSLATE_NOOP("Reconcile", "CFMMC daily statements"),
    "member": QT_TRANSLATE_NOOP("Reconcile", "member settlement CSV"),
}

BREAK_COLUMNS = (
    Column("day", QT_TRANSLATE_NOOP("Columns", "Trading day"), Kind.TEXT, 88),
    Column("client", QT_TRANSLATE_NOOP("Columns", "Client"), Kind.CODE, 80),
    Column("name", QT_TRANSLATE_NOOP("Columns", "Client name"), Kind.TEXT, 96),
    Column(
        "section",
        QT_TRANSLATE_NOOP("Columns", "Section"),
        Kind.ENUM,
        124,
        labels=SECTION_LABELS,
        label_context=CONTEXT,
    ),
    Column("key", QT_TRANSLATE_NOOP("Columns", "Line"), Kind.CODE, 124),
    Column(
        "field",
        QT_TRANSLATE_NOOP("Columns", "Field"),
        Kind.ENUM,
        116,
        labels=FIELD_LABELS,
        label_context=CONTEXT,
    ),
    # the file's value: a counter (CTP), CFMMC or the member's file
    Column("counter", QT_TRANSLATE_NOOP("Columns", "File"), Kind.CODE, 92),
    Column("riskdesk", QT_TRANSLATE_NOOP("Columns", "RiskDesk"), Kind.CODE, 92),
    Column("difference", QT_TRANSLATE_NOOP("Columns", "Difference"), Kind.CODE, 84),
    Column(
        "cause",
        QT_TRANSLATE_NOOP("Columns", "Likely cause"),
        Kind.ENUM,
        124,
        labels=CAUSE_LABELS,
        label_context=CONTEXT,
        value_brushes={"": palette.MUTED_BRUSH},
    ),
    Column("cause_detail", QT_TRANSLATE_NOOP("Columns", "Detail"), Kind.TEXT, 136),
)


class BreaksModel(FrameTableModel):
    """The differences of a run; values with thousands separators, right-aligned, and
    as the file prints them (no separators: ``51966316.81``) in the tooltip, both
    sides and the difference."""

    _RIGHT = frozenset({"counter", "riskdesk", "difference"})

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and self.columns[index.column()].key in self._RIGHT:
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.printed_text(index.row())
        return super().data(index, role)

    def printed_text(self, row: int) -> str:
        """The row's values as the statements print them (the export's text)."""
        lines = []
        for key, label in (
            ("counter", QT_TRANSLATE_NOOP("Reconcile", "File: %1")),
            ("riskdesk", QT_TRANSLATE_NOOP("Reconcile", "RiskDesk: %1")),
            ("difference", QT_TRANSLATE_NOOP("Reconcile", "Difference: %1")),
        ):
            value = str(self.raw_value(row, f"{key}{RAW_SUFFIX}") or "")
            lines.append(translate("Reconcile", label).replace("%1", value or "—"))
        return "\n".join(lines)


class ReconcileScreen(Screen):
    """Files and day above, the summary cards, then the differences."""

    watched = ("balances",)
    finished = Signal()
    """A run's result is shown (tests and the screenshot wait on it)."""

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "reconcile", parent)
        self._files: list[Path] = []
        self._frame: pd.DataFrame | None = None
        """The run's differences as the service gives them (the table shows their words
        in the user's language: ``_shown``)."""
        self._days: tuple[date, ...] = ()
        self.run_result: ReconcileRun | None = None
        self.title_label = QLabel()
        self.title_label.setObjectName("screenTitle")
        self.subtitle_label = QLabel()
        self.subtitle_label.setObjectName("screenSubtitle")
        self.subtitle_label.setWordWrap(True)
        self.files_button = QPushButton()
        self.files_button.setObjectName("chooseFiles")
        self.files_button.clicked.connect(self.choose_files)
        self.files_label = QLabel()  # wraps: every chosen file's name stays readable
        self.files_label.setObjectName("filesLabel")
        self.files_label.setWordWrap(True)
        self.day_label = QLabel()
        self.day_combo = QComboBox()
        self.day_combo.setObjectName("dayCombo")
        self.day_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.run_button = QPushButton()
        self.run_button.setObjectName("reconcileButton")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.export_button = QPushButton()
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.choose_export)
        self.banner = Banner("reconcile", self)
        self.cards = {key: KpiCard(key) for key, _ in CARDS}
        self.cards["member"].clicked.connect(self.show_member)
        # the printed values are searched too (a figure copied from the file)
        raw = tuple(f"{k}{RAW_SUFFIX}" for k in ("counter", "riskdesk", "difference"))
        self.model = BreaksModel(
            BREAK_COLUMNS, self, filter_keys=("client", "name", "key", "field", "cause", *raw)
        )
        self.section_combo = data_combo("sectionCombo", SECTION_LABELS)
        self.section_combo.activated.connect(self._filter_section)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_text)
        self.count_label = QLabel()
        self.day_chart = DayBarsChart([c for _k, _n, c in DAY_SERIES], self)
        self.day_chart.setObjectName("dayChart")
        self.day_chart.setFixedHeight(CHART_HEIGHT)
        self.day_chart.day_clicked.connect(self.filter_day)
        self.day_chart.hide()
        self._day_filter: date | None = None
        self.view = DataTableView(ctx.settings, "reconcile_breaks", self)
        self.view.setModel(self.model)
        self.view.apply_default_widths(BREAK_COLUMNS, stretch_key="cause_detail")
        self.view.link_clients(self._client_at, self._open_client)
        self._build_layout()
        self._update_state()
        self.retranslate()

    def _build_layout(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(16, 12, 16, 12)
        root.setSpacing(8)
        root.addWidget(self.title_label)
        root.addWidget(self.subtitle_label)
        bar = QHBoxLayout()
        bar.addWidget(self.files_button)
        bar.addWidget(self.files_label, 1)
        bar.addWidget(self.day_label)
        bar.addWidget(self.day_combo)
        bar.addWidget(self.run_button)
        bar.addWidget(self.export_button)
        root.addLayout(bar)
        root.addWidget(self.banner)
        grid = QGridLayout()
        grid.setSpacing(8)
        for i, (key, _) in enumerate(CARDS):
            grid.addWidget(self.cards[key], 0, i)
        root.addLayout(grid)
        filters = QHBoxLayout()
        filters.addWidget(self.section_combo)
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.count_label)
        root.addLayout(filters)
        root.addWidget(self.day_chart)
        root.addWidget(self.view, 1)

    # ----------------------------------------------------------------- loading
    def build_query(self) -> Callable[[Reader], Any]:
        return settled_days

    def apply(self, result: Any) -> None:
        self._days = tuple(result)
        current = self.day_combo.currentData()
        self.day_combo.clear()
        self.day_combo.addItem(translate("Reconcile", "Every day in the files"), None)
        for d in reversed(self._days):
            self.day_combo.addItem(d.isoformat(), d)
        index = self._day_index(current) if current is not None else 0
        self.day_combo.setCurrentIndex(max(index, 0))

    def _day_index(self, day: object) -> int:
        # by value: PySide6's findData does not compare dates by value
        return next(
            (i for i in range(self.day_combo.count()) if self.day_combo.itemData(i) == day), -1
        )

    def trading_day(self) -> date | None:
        day = self.day_combo.currentData()
        return day if isinstance(day, date) else None

    def status_text(self) -> str:
        if self.run_result is None:
            return ""
        return (
            translate("Reconcile", "%1 of %2 differences")
            .replace("%1", f"{self.model.rowCount():,}")
            .replace("%2", f"{self.model.total_rows:,}")
        )

    # ----------------------------------------------------------------- files
    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            translate("Reconcile", "Choose the statement files"),
            "",
            ";;".join(
                (
                    translate("Reconcile", "Statements (*.txt *.log *.out *.xls *.xlsx *.csv)"),
                    translate("Reconcile", "CTP statement text (*.txt *.log *.out)"),
                    translate("Reconcile", "CFMMC daily statements (*.xls *.xlsx)"),
                    translate("Reconcile", "Member settlement CSV (*.csv)"),
                    translate("Reconcile", "All files (*)"),
                )
            ),
        )
        if paths:
            self.set_files([Path(p) for p in paths])

    def set_files(self, paths: list[Path]) -> None:
        self._files = list(paths)
        self._update_state()

    def set_day(self, day: date | None) -> bool:
        """Select ``day`` (None: every day in the files); False if it is not settled."""
        index = self._day_index(day) if day is not None else 0
        if index < 0:
            return False
        self.day_combo.setCurrentIndex(index)
        return True

    # ----------------------------------------------------------------- the run
    def run(self) -> None:
        if not self._files:
            self.banner.set_message(
                translate("Reconcile", "Choose the statement files first."), "warning"
            )
            return
        db, user, files = self.ctx.db, self.ctx.config.user, list(self._files)
        day = self.trading_day()
        stages = {
            "read": translate("Reconcile", "Reading statements"),
            "compare": translate("Reconcile", "Comparing with RiskDesk's settlement"),
        }

        def op(progress: ProgressState) -> tuple[tuple[ReconcileRun, pd.DataFrame], Changes]:
            shown = StageNamedProgress(progress, stages)
            run, changes = reconcile(db, files, day=day, user=user, progress=shown)
            return (run, breaks_frame(run, readable=True)), changes

        self.banner.set_message(translate("Reconcile", "Reconciling…"), "info")
        self.run_button.setEnabled(False)
        run_op(self.ctx, self, translate("Reconcile", "Reconciling"), capture(op), self._done)

    def _done(self, outcome: OpOutcome[tuple[ReconcileRun, pd.DataFrame]]) -> None:
        if outcome.value is None:
            self.banner.set_message(
                translate("Reconcile", "Cancelled: nothing was recorded.")
                if outcome.cancelled
                else outcome.message,
                "warning" if outcome.cancelled else "danger",
            )
            self._update_state()
            self.finished.emit()
            return
        self._show(*outcome.value)

    def _show(self, run: ReconcileRun, frame: pd.DataFrame) -> None:
        self.run_result = run
        self._frame = frame
        self.model.set_frame(_shown(frame))
        days = run.result.days
        self._show_days(run)
        totals = {
            "matched": sum(d.matched for d in days),
            "differing": sum(d.differing for d in days),
            "only_counter": sum(d.only_counter for d in days),
            "only_riskdesk": sum(d.only_riskdesk for d in days),
            "differences": run.result.total_differences,
        }
        for key, value in totals.items():
            tone = "danger" if value and key != "matched" else ""
            self.cards[key].set_value(f"{value:,}", "", tone)
        self._show_member(run, frame)
        day_text = ", ".join(d.day.isoformat() for d in days)
        if run.result.total_differences:
            self.banner.set_message(
                translate(
                    "Reconcile", "Breaks found on %1: every difference is listed below."
                ).replace("%1", day_text)
                + self._read(run)
                + self._warnings(run),
                "danger",
            )
        else:
            self.banner.set_message(
                translate("Reconcile", "%1 statements of %2 agree with RiskDesk to the fen.")
                .replace("%1", f"{run.statements_read:,}")
                .replace("%2", day_text)
                + self._read(run)
                + self._warnings(run),
                "success",
            )
        self._update_state()
        self.status_changed.emit()
        self.finished.emit()

    @staticmethod
    def _warnings(run: ReconcileRun) -> str:
        return "".join("\n" + caveat_text(w) for w in run.warnings)

    @staticmethod
    def _read(run: ReconcileRun) -> str:
        """ " Read: 1 CFMMC daily statements, 1 member settlement CSV" (files per format)."""
        parts = [
            f"{n:,} {translate('Reconcile', FORMAT_LABELS[k])}"
            for k, n in sorted(run.formats.items())
            if k in FORMAT_LABELS
        ]
        return translate("Reconcile", " Files read: %1.").replace("%1", ", ".join(parts))

    def _show_member(self, run: ReconcileRun, frame: pd.DataFrame) -> None:
        """The member card: the member figures differing, or a dash without a member file."""
        card = self.cards["member"]
        if not run.members:
            card.set_value("—", translate("Reconcile", "no member file"), "")
            return
        n = int((frame["section"] == "member").sum()) if len(frame) else 0
        note = translate("Reconcile", "member %1").replace("%1", ", ".join(run.members))
        card.set_value(f"{n:,}", note, "danger" if n else "")

    def show_member(self) -> None:
        """List the member's rows only (the member card's click)."""
        index = self.section_combo.findData("member")
        if index >= 0:
            self.section_combo.setCurrentIndex(index)
            self._filter_section()

    def _show_days(self, run: ReconcileRun) -> None:
        """The per-day chart of a run of several days (hidden for one day)."""
        days = run.result.days
        self.day_chart.set_days(
            [d.day for d in days],
            [
                [d.matched for d in days],
                [d.differing for d in days],
                [d.only_counter + d.only_riskdesk for d in days],
            ],
        )
        self.day_chart.setVisible(len(days) > 1)
        self.filter_day(None)

    def filter_day(self, day: date | None) -> None:
        """List the differences of ``day`` only (a click on its bar); None: every day."""
        self._day_filter = day
        self.model.set_value_filter("day", None if day is None else day.isoformat())
        self.day_chart.set_selected(day)
        self._update_state()

    def _update_state(self) -> None:
        self.run_button.setEnabled(bool(self._files))
        self.export_button.setEnabled(self.run_result is not None and self.model.total_rows > 0)
        names = [p.name for p in self._files]
        if len(names) > SHOWN_FILES:  # a folder of CFMMC downloads: a count, not a wall
            text = (
                translate("Reconcile", "%1 files: %2 …")
                .replace("%1", f"{len(names):,}")
                .replace("%2", "; ".join(names[:SHOWN_FILES]))
            )
        else:
            text = "; ".join(names) or translate("Reconcile", "No statement files chosen")
        self.files_label.setText(text)
        self.files_label.setToolTip("\n".join(str(p) for p in self._files))
        if self.run_result is not None:
            self.count_label.setText(self.status_text())
            self.status_changed.emit()  # the status bar counts the rows shown too

    def _filter_text(self, text: str) -> None:
        self.model.set_text_filter(text)
        self._update_state()

    def _filter_section(self) -> None:
        value = self.section_combo.currentData()
        self.model.set_value_filter("section", None if value == ALL else value)
        self._update_state()

    # ----------------------------------------------------------------- drill-down
    def _client_at(self, row: int) -> str | None:
        if self.model.raw_value(row, "section") == "member":
            return None  # a member's row: no client panel to open
        code = self.model.raw_value(row, "client")
        return str(code) if code else None

    def _open_client(self, code: str) -> None:
        row = self.view.currentIndex().row()
        text = self.model.raw_value(row, "day") if row >= 0 else None
        try:
            day: date | None = date.fromisoformat(str(text)) if text else None
        except ValueError:
            day = None
        self.ctx.bus.client_requested.emit(code, day)

    # ----------------------------------------------------------------- export
    def choose_export(self) -> None:
        if self.run_result is None:
            return
        start = str(Path.home() / "reconciliation_breaks.xlsx")
        path, _ = QFileDialog.getSaveFileName(
            self,
            translate("Reconcile", "Export the differences"),
            start,
            translate("Reconcile", "Excel workbook (*.xlsx);;CSV, UTF-8 (*.csv)"),
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        run = self.run_result
        if run is None:
            return
        db, user = self.ctx.db, self.ctx.config.user

        def done(future: Future[tuple[Path, Changes]]) -> None:
            try:
                written, changes = future.result()
            except RiskDeskError as exc:
                self.banner.set_message(str(exc), "danger")
                return
            self.banner.set_message(
                translate("Reconcile", "Exported %1").replace("%1", str(written)), "success"
            )
            self.ctx.bus.changes_applied.emit(changes, self)

        words, labels, title = self._export_words(path)
        self.ctx.tasks.submit(
            lambda: export_breaks(
                db, run, path, user=user, words=words, labels=labels, title=title
            ),
            done,
            writes=True,
            owner=self,
        )

    def _export_words(
        self, path: Path
    ) -> tuple[dict[str, list[str]] | None, dict[str, str] | None, str]:
        """A workbook or PDF is read by people: its headers, sections, fields, lines and
        causes in the user's language (the values stay the statements' printed text).
        A CSV or JSON keeps the command line's keys, for tools."""
        title = translate("Reconcile", "Reconciliation breaks")
        frame = self._frame
        if path.suffix.lower() not in (".xlsx", ".pdf") or frame is None or not len(frame):
            return None, None, title
        shown = _shown(frame)

        def words(key: str, labels: dict[str, str]) -> list[str]:
            return [translate(CONTEXT, labels[v]) if v in labels else str(v) for v in frame[key]]

        return (
            {
                "section": words("section", SECTION_LABELS),
                "field": words("field", FIELD_LABELS),
                "cause": words("cause", CAUSE_LABELS),
                "key": [str(k) for k in shown["key"]],
                "cause_detail": [str(d) for d in shown["cause_detail"]],
            },
            {c.key: translate("Columns", c.header) for c in BREAK_COLUMNS},
            title,
        )

    # ----------------------------------------------------------------- language
    def retranslate(self) -> None:
        self.title_label.setText(translate("Screens", "Reconciliation"))
        self.subtitle_label.setText(
            translate(
                "Reconcile",
                "The counter's (CTP) statements, CFMMC daily statements and the member's "
                "settlement CSV against RiskDesk's settlement, field by field and line by "
                "line, to the fen.",
            )
        )
        self.files_button.setText(translate("Reconcile", "Statement files…"))
        self.day_label.setText(translate("Reconcile", "Day"))
        if self.day_combo.count():
            self.day_combo.setItemText(0, translate("Reconcile", "Every day in the files"))
        self.run_button.setText(translate("Reconcile", "Reconcile"))
        self.export_button.setText(translate("Reconcile", "Export…"))
        for key, caption in CARDS:
            self.cards[key].caption.setText(translate("Reconcile", caption))
        self.cards["member"].set_clickable(translate("Reconcile", "List the member's figures"))
        self.day_chart.set_title(
            translate("Reconcile", "Statements per day (click a day to list its differences)")
        )
        self.day_chart.set_series_names([translate("Reconcile", n) for _k, n, _c in DAY_SERIES])
        if self.run_result is not None and self._frame is not None:
            self.model.set_frame(_shown(self._frame))
            self._show_member(self.run_result, self._frame)
        for i in range(self.section_combo.count()):
            value = str(self.section_combo.itemData(i))
            self.section_combo.setItemText(i, translate("Reconcile", SECTION_LABELS[value]))
        self.filter_edit.setPlaceholderText(
            translate("Reconcile", "Filter by client, line, field or cause")
        )
        self.model.retranslate()
        self._update_state()


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The differences with their line keys and cause details in the user's language."""
    if not len(frame):
        return frame
    out = frame.copy()
    out["key"] = [key_text(str(k)) for k in frame["key"]]
    out["cause_detail"] = [detail_text(str(d)) for d in frame["cause_detail"]]
    return out


def create(ctx: DesktopContext, parent: QWidget | None = None) -> ReconcileScreen:
    return ReconcileScreen(ctx, parent)
