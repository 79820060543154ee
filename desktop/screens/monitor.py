"""Live risk monitor: accounts, positions and contracts repriced by a market feed.

Threads (STYLE B3, docs/live-monitor.md "Desktop"):

* a read worker (``Screen.reload`` → ``run_query``) starts the day through
  ``core.services.monitor.start_monitor`` (engine, first snapshot, feed source), with a
  busy indicator;
* ``FeedRunner``'s thread polls the source, applies batches to the engine and puts
  snapshots into the mailbox (latest wins);
* the GUI thread takes the newest snapshot on a fixed-rate ``QTimer`` and applies it
  to the table models (a few ``dataChanged`` ranges), the charts (one ``setData`` per
  curve) and the alert monitor. It never waits on the database or on the feed.

A database without positions (a new install) is not an error: the screen shows a banner
offering demo data or the imports, counts as loaded, and starts once positions arrive.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Hashable
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.live import FeedSource, LiveRiskEngine, LiveSettings, Mailbox, RiskSnapshot
from core.live.feed import Clock, SystemClock
from core.money import format_yuan
from core.rules.risk_levels import AT_RISK_LEVELS, LEVEL_NAMES, RiskLevels
from core.services.calls import CallList, intraday_calls
from core.services.monitor import (
    MonitorRequest,
    MonitorStart,
    SourceChoice,
    build_source,
    start_monitor,
)
from core.services.store import Reader
from desktop import palette
from desktop.context import DesktopContext
from desktop.feed_runner import FeedRunner, FeedState, PausableClock
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.live_link import LiveView
from desktop.models.levels import CONTEXT as LEVELS_CONTEXT
from desktop.models.levels import LEVEL_FILTERS, LEVEL_LABELS
from desktop.models.snapshot_table import (
    LiveFilter,
    LiveFrame,
    LiveStatic,
    SnapshotTableModel,
)
from desktop.resources import translations_dir
from desktop.screens.base import Screen
from desktop.screens.monitor_alerts import AlertBook, AlertsPanel
from desktop.screens.monitor_tables import (
    ACCOUNTS,
    CONTRACTS,
    POSITIONS,
    SnapshotTableView,
)
from desktop.screens.table_screen import row_count_text
from desktop.settings import APPLICATION, ORGANIZATION
from desktop.widgets.banner import Banner
from desktop.widgets.charts import (
    WAN,
    DualAxisChart,
    HistogramChart,
    PriceBandChart,
    RingBuffer,
    TimeSeriesChart,
)
from desktop.widgets.client_link import client_column
from desktop.widgets.flow_layout import flow_of
from desktop.widgets.kpi_card import LinkCard
from desktop.widgets.panel_dock import PanelDock

UPDATE_INTERVAL_MS = 250
"""GUI refresh period: tables, charts and alerts update at this rate, whatever the feed."""
HISTOGRAM_EVERY = 4  # ticks between histogram updates (1 s)
CALLS_EVERY = 4  # ticks between intraday call-card updates (1 s): 100,000 accounts
ALERT_FLUSH_EVERY = 8  # ticks between alert writes (2 s)
RESORT_EVERY = 4  # ticks between re-sorts of the table shown (1 s): rows hold still to read
CHART_EVERY = 2  # ticks between chart repaints (0.5 s; every point is kept): a repaint of
# the three plots cost ~12 ms of the GUI thread on the large book, four times a second
HISTORY_POINTS = 14_400  # one hour at 4 updates per second per series
READY_UPDATES = 2
HIDDEN_BATCH_S = 1.0  # behind another screen: one engine batch (and snapshot) a second
"""Feed snapshots shown before the screen counts as loaded (screenshots wait for it)."""
READY_TICKS = 8
"""…or this many timer ticks (a quiet feed) before it counts as loaded anyway."""
KEY_SEED = "monitor/seed"
KEY_SPLIT_TOP = "monitor/splitter_top"
KEY_SPLIT_MAIN = "monitor/splitter_main"
TABLES_SHARE = 0.6
"""Default share of the width for the tables (the charts get the rest)."""
EQUITY_MIN_SPAN_WAN = 1.0
"""Smallest y range of the equity/reserve change chart (万元): noise stays small."""
SPEEDS: tuple[tuple[str, float | None], ...] = (
    ("0.5×", 0.5),
    ("1×", 1.0),
    ("2×", 2.0),
    ("5×", 5.0),
    ("10×", 10.0),
    (QT_TRANSLATE_NOOP("Monitor", "max"), None),
)
STATE_LABELS = {
    "running": QT_TRANSLATE_NOOP("Monitor", "running"),
    "paused": QT_TRANSLATE_NOOP("Monitor", "paused"),
    "stale": QT_TRANSLATE_NOOP("Monitor", "stale"),
    "stopped": QT_TRANSLATE_NOOP("Monitor", "stopped"),
    "finished": QT_TRANSLATE_NOOP("Monitor", "finished"),
    "failed": QT_TRANSLATE_NOOP("Monitor", "failed"),
    "loading": QT_TRANSLATE_NOOP("Monitor", "loading"),
}
DISCONNECTED = QT_TRANSLATE_NOOP("BookFeed", "disconnected")


def state_label(state: str) -> str:
    """The feed state in the UI language."""
    if state == "disconnected":
        return translate("BookFeed", DISCONNECTED)
    return translate("Monitor", STATE_LABELS.get(state, state))


HIST_EDGES = tuple(float(x) for x in range(0, 155, 10))
"""Risk-ratio histogram bins in %, the last one collects everything ≥ 140 %."""

SourceOverride = Callable[[LiveRiskEngine, RiskSnapshot, Clock], FeedSource]


def _seed_settings() -> QSettings:
    """The monitor's own UI state (seed, splitters), in the shell's INI file."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


class MonitorScreen(Screen):
    """Toolbar, filter bar, tables (tabs), four charts and the alerts panel."""

    watched = ("positions",)
    live_status_changed = Signal(str)  # the status-bar text: feed state, age, alerts
    navigate_requested = Signal(str)  # the empty-database banner: show a screen (its key)
    demo_requested = Signal()  # the empty-database banner: "Create demo data…"
    docks_changed = Signal(str)  # a panel went into a dock or back (its key)

    def __init__(
        self,
        ctx: DesktopContext,
        parent: QWidget | None = None,
        *,
        clock: Clock | None = None,
        interval_ms: int = UPDATE_INTERVAL_MS,
        settings: LiveSettings | None = None,
        source_override: SourceOverride | None = None,
        day: date | None = None,
    ) -> None:
        super().__init__(ctx, "monitor", parent)
        self._clock: Clock = clock or SystemClock()
        self._settings = settings or LiveSettings()
        self._source_override = source_override
        self._source_picked = False
        """The user chose a source: until then the monitor follows the book's shared feed
        when a feed process has published the day, else simulates ("auto")."""
        self._day_override = day
        self._mailbox: Mailbox[RiskSnapshot] = Mailbox()
        self._runner: FeedRunner | None = None
        self._start: MonitorStart | None = None
        self._source_clock = PausableClock(self._clock)
        self._static = LiveStatic.empty()
        self._snap = RiskSnapshot.empty()
        self._updates = 0
        self._ticks = 0
        self._views_stale = False  # tables and charts behind the newest snapshot (hidden)
        self._charts_behind = False  # points appended since the charts were last repainted
        self._user_stopped = False
        self._state = "stopped"
        self._error = ""
        self._replay_files: tuple[Path | None, Path | None] = (None, None)
        self._selected_account: int | None = None
        self._status_text = ""
        self._shutdown_done = False
        self._window_hooked = False
        self._empty = False
        self._calls: CallList | None = None
        self._calls_snap = RiskSnapshot.empty()
        self._calls_tick = -CALLS_EVERY

        self._build_empty_banner()
        self._build_toolbar()
        self._build_filters()
        self._build_tables()
        self._build_charts()
        self.alerts = AlertBook(ctx, self._settings.risk_levels, self)
        self.alerts_panel = AlertsPanel(self.alerts, ctx.settings, self)
        self.alerts_panel.acknowledge_requested.connect(self.acknowledge)
        self.alerts_panel.client_requested.connect(
            lambda code: ctx.bus.client_requested.emit(code, None)
        )
        self.alerts.changed.connect(self._update_live_status)
        self._layout()

        self.docks: dict[str, PanelDock] = {}
        """Panels moved into docks of the main window (``set_docked``)."""
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_tick)
        self.retranslate()

    # ----------------------------------------------------------------- building
    def _build_empty_banner(self) -> None:
        self.empty_banner = Banner("monitor_empty", self)
        self.demo_button = self.empty_banner.add_button("createDemo")
        self.demo_button.clicked.connect(self.demo_requested.emit)
        self.imports_button = self.empty_banner.add_button("openImports")
        self.imports_button.clicked.connect(lambda: self.navigate_requested.emit("imports"))

    def _build_toolbar(self) -> None:
        self.title_label = QLabel()
        self.title_label.setObjectName("screenTitle")
        # Wraps: the title row also holds the call card and the feed's problems.
        self.subtitle_label = QLabel()
        self.subtitle_label.setObjectName("screenSubtitle")
        self.subtitle_label.setWordWrap(True)
        self.source_label = QLabel()
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("sourceCombo")
        self.source_combo.addItem("", "simulated")
        self.source_combo.addItem("", "replay")
        self.source_combo.addItem("", "book")  # the book's shared feed (issue #14)
        self.seed_label = QLabel()
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 999_999)
        value = _seed_settings().value(KEY_SEED, 1)
        self.seed_spin.setValue(int(str(value)) if str(value).isdigit() else 1)
        self._seed = self.seed_spin.value()
        self.files_button = QPushButton()
        self.speed_label = QLabel()
        self.speed_combo = QComboBox()
        for label, speed in SPEEDS:
            self.speed_combo.addItem(label, speed)
        self.speed_combo.setCurrentIndex(1)
        self.pause_button = QPushButton()
        self.pause_button.setObjectName("pauseButton")
        self.stop_button = QPushButton()
        self.stop_button.setObjectName("stopButton")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.state_label = QLabel()
        self.state_label.setObjectName("feedState")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("countLabel")
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The intraday call list in short (the Margin calls screen's, on this snapshot).
        self.call_card = LinkCard("intraday_calls")
        self.call_card.clicked.connect(lambda: self.navigate_requested.emit("calls:intraday"))
        self.call_card.hide()
        # Never narrower than its text: the word-wrapped subtitle beside it gives way.
        self.call_card.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        # Data problems of the feed: a risk officer must see them, not find them in a log.
        self.feed_problems = QLabel()
        self.feed_problems.setObjectName("feedProblems")

        self.source_combo.currentIndexChanged.connect(self._on_source_changed)
        self.seed_spin.editingFinished.connect(self._on_seed_changed)
        self.speed_combo.currentIndexChanged.connect(lambda _i: self.restart())
        self.files_button.clicked.connect(self.choose_replay_files)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.toggle_stop)

    def _build_filters(self) -> None:
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(200)
        self.product_combo = QComboBox()
        self.product_combo.setObjectName("productCombo")
        self.product_combo.setMinimumWidth(110)
        self.product_combo.addItem("", None)
        self.risk_combo = QComboBox()
        self.risk_combo.setObjectName("riskCombo")
        for level, _label in LEVEL_FILTERS:
            self.risk_combo.addItem("", level)
        self.levels_label = QLabel()
        self.levels_label.setObjectName("levelCounts")
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.product_combo.currentIndexChanged.connect(self._apply_filter)
        self.risk_combo.currentIndexChanged.connect(self._apply_filter)

    def _build_tables(self) -> None:
        s = self.ctx.settings
        self.accounts_model = SnapshotTableModel(ACCOUNTS, self)
        self.positions_model = SnapshotTableModel(POSITIONS, self)
        self.contracts_model = SnapshotTableModel(CONTRACTS, self)
        self.accounts_view = SnapshotTableView(s, ACCOUNTS.name, self)
        self.positions_view = SnapshotTableView(s, POSITIONS.name, self)
        self.contracts_view = SnapshotTableView(s, CONTRACTS.name, self)
        for view, model in (
            (self.accounts_view, self.accounts_model),
            (self.positions_view, self.positions_model),
            (self.contracts_view, self.contracts_model),
        ):
            view.set_snapshot_model(model)
            view.apply_default_widths([c.spec for c in model.spec.columns])
            view.freeze_first_column()  # the code in view however far right it scrolls
            restored = view.restore_header()
            if not restored and model is self.accounts_model:
                # The desk reads the worst level first, the highest ratio within it.
                view.sortByColumn(model.column_of("risk_level"), Qt.SortOrder.DescendingOrder)
            model.modelReset.connect(self._update_counts)
            model.rowsInserted.connect(self._update_counts)
        self.accounts_view.selectionModel().currentRowChanged.connect(self._on_account_selected)
        for view, model in (
            (self.accounts_view, self.accounts_model),
            (self.positions_view, self.positions_model),
        ):  # the prior settlement's panel: the day this monitor started from
            view.link_clients(
                client_column(model), lambda code: self.ctx.bus.client_requested.emit(code, None)
            )
        self.contracts_view.selectionModel().currentRowChanged.connect(self._on_contract_row)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("monitorTabs")
        self.tabs.addTab(self.accounts_view, "")
        self.tabs.addTab(self.positions_view, "")
        self.tabs.addTab(self.contracts_view, "")
        # Accounts per level, right of the tabs: the filter row has no room to spare
        # when the user narrows the tables.
        self.levels_label.setContentsMargins(0, 0, 6, 0)
        self.tabs.setCornerWidget(self.levels_label, Qt.Corner.TopRightCorner)
        self.tabs.currentChanged.connect(lambda _i: self._update_counts())

    def _build_charts(self) -> None:
        self.equity_chart = TimeSeriesChart(
            ("equity", "reserve"),
            HISTORY_POINTS,
            self,
            relative=True,
            min_span=EQUITY_MIN_SPAN_WAN,
        )
        self.price_chart = PriceBandChart(self)
        self.contract_combo = QComboBox()
        self.contract_combo.setObjectName("contractCombo")
        self.contract_combo.currentIndexChanged.connect(self._on_contract_changed)
        levels = self._settings.risk_levels  # the engine's: bars tinted at its thresholds
        self.histogram = HistogramChart(
            HIST_EDGES, levels.warning_ppm / 10_000, levels.forced_close_ppm / 10_000, self
        )
        self.account_chart = DualAxisChart(HISTORY_POINTS, self)
        self._prices = RingBuffer(HISTORY_POINTS, 1)

    def _layout(self) -> None:
        head = QHBoxLayout()
        head.addWidget(self.title_label)
        head.addSpacing(10)
        head.addWidget(self.subtitle_label, 1, Qt.AlignmentFlag.AlignBottom)
        head.addWidget(self.call_card)
        head.addSpacing(8)
        head.addWidget(self.feed_problems)
        head.addSpacing(8)
        head.addWidget(self.busy)
        head.addWidget(self.state_label)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        # The feed's controls wrap onto a second row on a narrow window.
        controls = flow_of(
            (self.source_label, self.source_combo),
            (self.seed_label, self.seed_spin),
            self.files_button,
            (self.speed_label, self.speed_combo),
            self.pause_button,
            self.stop_button,
            12,
            self.summary_label,
            spacing=6,
        )
        bar.addLayout(controls, 1)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(self.filter_edit)
        filters.addWidget(self.product_combo)
        filters.addWidget(self.risk_combo)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(4)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.tabs, 1)

        price_box = QWidget()
        price_layout = QVBoxLayout(price_box)
        price_layout.setContentsMargins(0, 0, 0, 0)
        price_layout.setSpacing(2)
        price_head = QHBoxLayout()
        price_head.setSpacing(4)
        price_head.addWidget(self.price_chart.title, 1)
        price_head.addWidget(self.contract_combo)
        self.contract_combo.setMaximumWidth(88)
        self.contract_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.contract_combo.setMinimumContentsLength(6)
        price_layout.addLayout(price_head)
        price_layout.addWidget(self.price_chart, 1)
        self.charts_panel = charts = QWidget()
        charts.setObjectName("monitorCharts")
        charts.setMinimumWidth(260)
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        grid.addWidget(self.equity_chart, 0, 0)
        grid.addWidget(price_box, 0, 1)
        grid.addWidget(self.histogram, 1, 0)
        grid.addWidget(self.account_chart, 1, 1)
        for i in (0, 1):
            grid.setColumnStretch(i, 1)
            grid.setRowStretch(i, 1)

        self.top_splitter = top = QSplitter(Qt.Orientation.Horizontal)
        top.setObjectName("monitorTopSplitter")
        top.addWidget(left)
        top.addWidget(charts)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("monitorSplitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.alerts_panel)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        share = round(TABLES_SHARE * 1000)
        top.setSizes([share, 1000 - share])
        self.splitter.setSizes([520, 180])
        self._restore_splitters()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.empty_banner)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

    # ----------------------------------------------------------------- Screen
    def build_query(self) -> Callable[[Reader], Any]:
        self._stop_runner()
        self._source_clock = PausableClock(self._clock)
        choice = self.source_choice()
        if not self._source_picked:
            choice = dataclasses.replace(choice, kind="auto")
        request = MonitorRequest(
            engine_clock=self._clock,
            source_clock=self._source_clock,
            choice=choice if self._source_override is None else SourceChoice(),
            settings=self._settings,
            day=self._day_override,
            book=self.ctx.db,
        )
        override, source_clock = self._source_override, self._source_clock

        def load(reader: Reader) -> tuple[MonitorStart, LiveStatic] | None:
            start = start_monitor(reader, request)
            if start is None:
                return None
            if override is not None:
                from dataclasses import replace

                start = replace(start, source=override(start.engine, start.first, source_clock))
            # Indexed like the snapshots; its sort ranks are built here, off the GUI thread.
            static = LiveStatic.build(
                start.engine.account_codes,
                start.client_names,
                [c.code for c in start.engine.contracts],
                start.contract_products,
            )
            return start, static

        return load

    def apply(self, loaded: Any) -> None:
        if loaded is None:
            self._show_empty_database()
            return
        result, static = loaded
        assert isinstance(result, MonitorStart)
        self._empty = False
        self.empty_banner.clear()
        self._stop_runner()
        self._start = result
        self._static = static
        if not self._source_picked:  # "auto": show which feed the day got
            at = self.source_combo.findData(result.source_kind)
            if at >= 0 and at != self.source_combo.currentIndex():
                blocked = self.source_combo.blockSignals(True)
                self.source_combo.setCurrentIndex(at)
                self.source_combo.blockSignals(blocked)
                self._update_buttons()
        # The simulator's seed is a demo control: hidden on a firm's own data.
        self.seed_label.setVisible(result.demo)
        self.seed_spin.setVisible(result.demo)
        self._snap = result.first
        self._updates = 0
        self._ticks = 0
        self._mailbox.take()
        self.alerts.start_day(
            result.day,
            result.alert_id_offset,
            result.alerts,
            result.first_alerts,
            shared=result.shared_alerts,
        )
        self.equity_chart.clear()
        self.account_chart.clear()
        self._prices = RingBuffer(HISTORY_POINTS, max(len(result.engine.contracts), 1))
        self._fill_products()
        self._fill_contracts()
        self._calls_tick = -CALLS_EVERY
        self._show(result.first, fresh=True)
        if not self.accounts_view.currentIndex().isValid() and result.first.accounts.row_count:
            riskiest = int(np.argmax(result.first.accounts["risk_ratio_ppm"]))
            self.select_account(result.first.accounts.keys[riskiest])
        self.busy.hide()
        self._update_subtitle()
        if not self._user_stopped:
            self._start_runner()
        self.timer.start()

    def _show_empty_database(self) -> None:
        """No positions in the database: empty tables and charts, the hint, no feed."""
        self._stop_runner()
        self.timer.stop()
        self._empty = True
        self._start = None
        self._static = LiveStatic.empty()
        self._snap = RiskSnapshot.empty()
        self._mailbox.take()
        empty = self._frame(self._snap)
        for model in (self.accounts_model, self.positions_model, self.contracts_model):
            model.apply_snapshot(empty)
        self.equity_chart.clear()
        self.account_chart.clear()
        self._prices = RingBuffer(HISTORY_POINTS, 1)
        self._fill_products()
        self._fill_contracts()
        self._update_summary()
        self._calls = None
        self._update_call_card()
        self.ctx.live.clear()
        self.busy.hide()
        self._state = "stopped"
        self._show_empty_hint()
        self._update_buttons()
        self._update_subtitle()
        self._update_live_status()

    def _show_empty_hint(self) -> None:
        if not self._empty:
            self.empty_banner.clear()
            return
        self.empty_banner.set_message(
            translate(
                "Monitor",
                "<b>No positions to monitor</b>: the database holds no positions yet. "
                "Create demo data to try the monitor out, or import the day's positions on "
                "the %1 screen.",
            ).replace("%1", translate("Screens", "Imports")),
            "info",
        )

    @property
    def shows_empty_hint(self) -> bool:
        """The last load found no positions (the banner is up, the feed is off)."""
        return self._empty

    def loading_started(self) -> None:
        self.busy.show()
        self._state = "loading"
        self.subtitle_label.setText(translate("Monitor", "Building the live state…"))
        self._update_live_status()

    def load_failed(self, exc: Exception) -> None:
        self.busy.hide()
        self._state = "failed"
        self._error = str(exc)
        self.subtitle_label.setText(str(exc))
        self._update_live_status()

    @property
    def is_loaded(self) -> bool:
        """Loaded, and a few feed snapshots shown (or the feed is not running)."""
        if not super().is_loaded:
            return False
        if self._empty:  # nothing to feed: the hint is what there is to see
            return True
        return self._updates >= READY_UPDATES or self._ticks >= READY_TICKS

    def trading_day(self) -> date | None:
        return self._start.day if self._start else None

    def status_text(self) -> str:
        return self.count_label.text()

    def save_state(self) -> None:
        for view in (self.accounts_view, self.positions_view, self.contracts_view):
            view.save_header()
        settings = _seed_settings()
        settings.setValue(KEY_SPLIT_TOP, self.top_splitter.saveState())
        settings.setValue(KEY_SPLIT_MAIN, self.splitter.saveState())

    def _restore_splitters(self) -> None:
        """The splitter positions the user left (``save_state``), if any."""
        settings = _seed_settings()
        for key, splitter in (
            (KEY_SPLIT_TOP, self.top_splitter),
            (KEY_SPLIT_MAIN, self.splitter),
        ):
            state = settings.value(key)
            if isinstance(state, QByteArray) and not state.isEmpty():
                splitter.restoreState(state)

    def retranslate(self) -> None:
        self.title_label.setText(translate("Screens", "Live risk monitor"))
        self.source_label.setText(translate("Monitor", "Source"))
        self.source_combo.setItemText(0, translate("Monitor", "Simulated market"))
        self.source_combo.setItemText(1, translate("Monitor", "Replay files"))
        self.source_combo.setItemText(2, translate("Monitor", "The book's shared feed"))
        self.seed_label.setText(translate("Monitor", "Seed"))
        self.files_button.setText(translate("Monitor", "Files…"))
        self.speed_label.setText(translate("Monitor", "Speed"))
        self.speed_combo.setItemText(len(SPEEDS) - 1, translate("Monitor", SPEEDS[-1][0]))
        self.filter_edit.setPlaceholderText(translate("Monitor", "Filter by client code or name"))
        self.product_combo.setItemText(0, translate("Monitor", "All products"))
        for i, (_level, label) in enumerate(LEVEL_FILTERS):
            self.risk_combo.setItemText(i, translate(LEVELS_CONTEXT, label))
        self.tabs.setTabText(0, translate("Monitor", "Accounts"))
        self.tabs.setTabText(1, translate("Monitor", "Positions"))
        self.tabs.setTabText(2, translate("Monitor", "Contracts"))
        self.equity_chart.set_title(
            translate("Monitor", "Change since open (10k CNY)"),
            translate(
                "Monitor",
                "Client equity and member intraday reserve: change since the live "
                "day's open (positions at prior settlement), in 10,000 CNY",
            ),
        )
        self.equity_chart.set_series_names(
            # The chart is intraday as a whole (its title and tooltip say so); the short
            # name keeps the legend on one line. zh: 盘中准备金.
            [translate("Monitor", "Client equity"), translate("Monitor", "Reserve")]
        )
        self.price_chart.set_labels(
            translate("Monitor", "Up %1"),
            translate("Monitor", "Down %1"),
            translate(
                "Monitor",
                "Last price and change on prior settlement (dotted line); "
                "limit-up and limit-down prices (dashed lines)",
            ),
        )
        self.account_chart.set_labels(
            (
                translate("Monitor", "Equity (10k CNY)"),
                translate("Monitor", "Risk ratio (%)"),
            ),
            (translate("Monitor", "Equity"), translate("Monitor", "Risk")),
            ("", "%"),
        )
        self.histogram.set_title(translate("Monitor", "Accounts by risk ratio (%)"))
        self._update_price_title()
        self._update_account_title()
        for model in (self.accounts_model, self.positions_model, self.contracts_model):
            model.retranslate()
        self.alerts_panel.retranslate()
        self.demo_button.setText(translate("Monitor", "Create demo data…"))
        self.imports_button.setText(
            translate("Monitor", "Open %1").replace("%1", translate("Screens", "Imports"))
        )
        self._show_empty_hint()
        self._update_buttons()
        self._update_subtitle()
        self._update_counts()
        self._update_summary()
        self._update_call_card()
        self._update_live_status()

    # ----------------------------------------------------------------- feed control
    def source_choice(self) -> SourceChoice:
        ticks, trades = self._replay_files
        return SourceChoice(
            kind=str(self.source_combo.currentData()),
            seed=self.seed_spin.value(),
            speed=self.speed_combo.currentData(),
            ticks_path=ticks,
            trades_path=trades,
        )

    @property
    def runner(self) -> FeedRunner | None:
        return self._runner

    @property
    def feed_state(self) -> str:
        """running / paused / stale / stopped / finished / failed / loading, or
        disconnected: following the book, whose server went away (it reconnects)."""
        source = None if self._start is None else self._start.source
        if self._state == "running" and getattr(source, "disconnected", False):
            return "disconnected"
        if self._state == "running" and self.is_feed_stale():
            return "stale"
        return self._state

    def is_feed_stale(self) -> bool:
        last = self._snap.feed_last_event_at
        if last is None:
            return self._snap.seq > 0 or self._ticks > 0
        age = (self._clock.now() - last).total_seconds()
        return age > self._settings.feed_stale_after_s

    def data_age_seconds(self) -> float | None:
        last = self._snap.feed_last_event_at
        return None if last is None else max((self._clock.now() - last).total_seconds(), 0.0)

    def restart(self) -> None:
        """Rebuild the engine and the source from the database (new source settings)."""
        if self._start is None and not self.is_loading:
            return
        self._user_stopped = False
        self.reload()

    def toggle_pause(self) -> None:
        runner = self._runner
        if runner is None:
            return
        if runner.state is FeedState.PAUSED:
            runner.resume()
        else:
            runner.pause()

    def toggle_stop(self) -> None:
        if self._runner is not None and self._runner.is_alive:
            self._user_stopped = True
            self._stop_runner()
        elif self._start is not None:
            self._user_stopped = False
            self._start_runner()

    def choose_replay_files(self) -> None:
        folder = translations_dir().parent / "replay"
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            translate("Monitor", "Choose ticks.csv and, optionally, trades.csv"),
            str(folder),
            translate("Monitor", "CSV files (*.csv);;All files (*)"),
        )
        if paths:
            self.set_replay_files([Path(p) for p in paths])

    def set_replay_files(self, paths: list[Path]) -> None:
        """Replay ``paths`` (the one named like trades is the trades file) from the start."""
        trades = next((p for p in paths if "trade" in p.name.lower()), None)
        ticks = next((p for p in paths if p is not trades), None)
        self._replay_files = (ticks, trades)
        if self.source_combo.currentData() != "replay":
            self.source_combo.setCurrentIndex(1)  # → restart
        else:
            self.restart()

    def _on_source_changed(self, _index: int) -> None:
        self._source_picked = True
        if self.source_combo.currentData() == "replay" and self._replay_files[0] is None:
            default = translations_dir().parent / "replay"
            self._replay_files = (default / "ticks.csv", default / "trades.csv")
        self._update_buttons()
        self.restart()

    def _on_seed_changed(self) -> None:
        seed = self.seed_spin.value()
        if seed == self._seed:
            return  # editingFinished also comes when the field merely loses the focus
        self._seed = seed
        _seed_settings().setValue(KEY_SEED, seed)
        if self._start is not None and self.source_choice().kind == "simulated":
            self.restart()

    def _start_runner(self) -> None:
        start = self._start
        if start is None:
            return
        if self._runner is not None and self._runner.is_alive:
            return
        if self._runner is not None and self._runner.state is FeedState.FINISHED:
            # A replay that ended starts again from its first row.
            start = self._rebuild_source(start)
        runner = FeedRunner(start.source, start.engine, self._mailbox, clock=self._source_clock)
        runner.state_changed.connect(self._on_runner_state)
        runner.failed.connect(self._on_runner_failed)
        self._runner = runner
        self._error = ""
        # Hidden, the feed also waits while another screen loads (the read pool busy).
        tasks = self.ctx.tasks
        runner.set_yield_to(lambda: not tasks.is_idle)
        self._pace_runner()
        runner.start()
        self._update_buttons()
        self._update_live_status()

    def _rebuild_source(self, start: MonitorStart) -> MonitorStart:
        from dataclasses import replace

        source = build_source(self.source_choice(), start.engine, self._snap, self._source_clock)
        self._start = replace(start, source=source)
        return self._start

    def _stop_runner(self) -> None:
        runner = self._runner
        if runner is not None:
            runner.stop()
            close = getattr(runner.source, "close", None)
            if close is not None and runner.state is FeedState.STOPPED:
                close()  # the shared feed's LISTEN connection (opened again on a restart)
            if runner.state is FeedState.STOPPED:
                self._on_runner_state(FeedState.STOPPED)

    def _on_runner_state(self, state: object) -> None:
        if isinstance(state, FeedState):
            self._state = state.value
        self._update_buttons()
        self._update_live_status()
        self._publish()

    def _on_runner_failed(self, message: str) -> None:
        self._error = message
        self.subtitle_label.setText(translate("Monitor", "Feed stopped: %1").replace("%1", message))

    def shutdown(self) -> None:
        """Stop the timer and the feed thread; store pending alerts. Idempotent."""
        if self._shutdown_done:
            return
        self._shutdown_done = True
        self.timer.stop()
        self._stop_runner()
        self.ctx.live.clear()
        with contextlib.suppress(RuntimeError):  # the task manager is already shut down
            self.alerts.flush()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def showEvent(self, event: Any) -> None:
        if not self._window_hooked:
            window = self.window()
            if window is not self:
                window.installEventFilter(self)
            self._window_hooked = True
        super().showEvent(event)
        self._pace_runner()
        self._catch_up()

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        self._pace_runner()

    def _pace_runner(self) -> None:
        """Behind another screen the feed is applied in batches of ``HIDDEN_BATCH_S``."""
        if self._runner is not None:
            self._runner.set_min_interval(0.0 if self.isVisible() else HIDDEN_BATCH_S)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Close and watched is self.window():
            self.shutdown()
        return super().eventFilter(watched, event)

    # ----------------------------------------------------------------- updates
    def _on_tick(self) -> None:
        """GUI timer: show the newest snapshot, if any (STYLE B3)."""
        if self._hidden_behind() and not self.ctx.tasks.is_idle:
            return  # another screen is loading: its result first, the snapshot waits
        self._ticks += 1
        snap = self._mailbox.take()
        if snap is not None:
            self._updates += 1
            self._show(snap, fresh=False, charts=self._ticks % CHART_EVERY == 0)
            if self._updates == READY_UPDATES:
                self.loaded.emit()
        elif not self._hidden_behind():
            self.contracts_model.apply_snapshot(self._frame(self._snap))
            if self._charts_behind:  # the feed rests: its last point shown
                self._refresh_charts()
        if self._ticks % HISTOGRAM_EVERY == 0 and not self._hidden_behind():
            self._update_histogram()
        if self._ticks % RESORT_EVERY == 0 and not self._hidden_behind():
            self._resort_shown()
        if self._snap.seq != self._calls_snap.seq and self._ticks - self._calls_tick >= CALLS_EVERY:
            # at most once a second, and always up to the last snapshot when the feed rests
            self._calls_tick = self._ticks
            self._update_calls(self._snap)
        if self._ticks % ALERT_FLUSH_EVERY == 0:
            self.alerts.flush()
        self._update_live_status()

    # ----------------------------------------------------------------- docks
    def set_docked(self, key: str, docked: bool) -> PanelDock | None:
        """Move the panel ``key`` ("charts" or "alerts") into a dock of the main window
        (a desk with two screens floats it onto the other) or back; the dock or None."""
        panel, splitter = {
            "charts": (self.charts_panel, self.top_splitter),
            "alerts": (self.alerts_panel, self.splitter),
        }[key]
        dock = self.docks.get(key)
        if not docked:
            if dock is not None:
                dock.restore()
            return None
        window = self.window()
        if dock is not None or not isinstance(window, QMainWindow):
            return dock
        title = {
            "charts": translate("DeskTools", "Live monitor: charts"),
            "alerts": translate("DeskTools", "Live monitor: alerts"),
        }[key]
        dock = PanelDock(key, title, panel, splitter, window)
        dock.returned.connect(lambda k: self.docks.pop(k, None))
        dock.returned.connect(self.docks_changed.emit)
        self.docks[key] = dock
        self.docks_changed.emit(key)
        return dock

    def _resort_shown(self) -> None:
        """Keep the sort while values tick: the table on screen goes back in order of
        its sort column, stably (ties keep their places) and with its selection, on a
        throttle so that a row does not jump under the reader's eye at every tick."""
        shown = self.tabs.currentWidget()
        for view in (self.accounts_view, self.positions_view, self.contracts_view):
            if view is shown:
                view.snapshot_model().resort()

    def _frame(self, snap: RiskSnapshot) -> LiveFrame:
        return LiveFrame(snap, self._static, self._clock.now().timestamp())

    def apply_snapshot(self, snap: RiskSnapshot) -> None:
        """Show ``snap`` now (what the timer does with the mailbox's newest snapshot),
        its intraday call card included."""
        self._updates += 1
        self._show(snap, fresh=False)
        self._calls_tick = self._ticks
        self._update_calls(snap)

    def _hidden_behind(self) -> bool:
        """Another screen is in front: the engine and the alerts go on, but tables and
        charts are not repainted for nobody (the screen the user is on gets the CPU)."""
        return not self.isVisible()

    def _show(self, snap: RiskSnapshot, *, fresh: bool, charts: bool = True) -> None:
        """Show ``snap``: tables, alerts, summary; the charts get its point and are
        repainted when ``charts`` (the timer repaints them every ``CHART_EVERY`` ticks)."""
        self._snap = snap
        frame = self._frame(snap)
        repaint = fresh or not self._hidden_behind()
        if repaint:
            for model in (self.accounts_model, self.positions_model, self.contracts_model):
                model.apply_snapshot(frame)
        self._views_stale = not repaint
        self.alerts.evaluate(snap)
        refresh = repaint and (charts or fresh)
        self._append_charts(snap, frame.now_ts, refresh=refresh)
        self._charts_behind = not refresh
        if fresh:
            self._update_histogram()
        self._update_summary()
        if fresh:
            self._calls_tick = self._ticks
            self._update_calls(snap)

    def _catch_up(self) -> None:
        """Shown again: bring tables and charts to the newest snapshot at once."""
        if not self._views_stale or self._start is None:
            return
        self._views_stale = False
        frame = self._frame(self._snap)
        for model in (self.accounts_model, self.positions_model, self.contracts_model):
            model.apply_snapshot(frame)
        self._refresh_charts()
        self._update_histogram()

    def _refresh_charts(self) -> None:
        self._charts_behind = False
        self.equity_chart.refresh()
        self.account_chart.refresh()
        self._refresh_price_chart()

    def _append_charts(self, snap: RiskSnapshot, t: float, *, refresh: bool = True) -> None:
        acc = snap.accounts
        if acc.row_count == 0:
            return
        equity = float(int(acc["dynamic_equity_fen"].sum())) / WAN
        reserve = snap.member.reserve_intraday_fen / WAN
        self.equity_chart.append(t, (equity, reserve))
        if refresh:
            self.equity_chart.refresh()
        last = snap.contracts["last_price_fen"]
        if len(last) == self._prices.width:
            self._prices.append(t, last / 100.0)
            if refresh:
                self._refresh_price_chart()
        a = self._selected_account
        if a is not None and a < acc.row_count:
            ppm = int(acc["risk_ratio_ppm"][a])
            ratio = float("inf") if ppm >= 10**12 else ppm / 10_000
            self.account_chart.append(t, int(acc["dynamic_equity_fen"][a]) / WAN, ratio)
            if refresh:
                self.account_chart.refresh()

    def _update_histogram(self) -> None:
        ppm = self._snap.accounts["risk_ratio_ppm"] if self._snap.accounts.row_count else None
        if ppm is not None:
            self.histogram.set_values(np.minimum(ppm, 10**9) / 10_000)

    # ----------------------------------------------------------------- charts
    def _fill_contracts(self) -> None:
        combo = self.contract_combo
        current = combo.currentData()
        codes = [str(c) for c in self._static.contract_codes]
        combo.blockSignals(True)
        combo.clear()
        for code in codes:
            combo.addItem(code, code)
        index = combo.findData(current) if current in codes else self._default_contract()
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        self._on_contract_changed(combo.currentIndex())

    def _default_contract(self) -> int:
        """The contract with the most position lines (what the desk watches first)."""
        pos = self._snap.positions
        if self._start is None or pos.row_count == 0:
            return 0
        counts = np.bincount(
            self._start.first.positions["contract_index"],
            minlength=self._start.first.contracts.row_count,
        )
        return int(np.argmax(counts))

    def _on_contract_changed(self, index: int) -> None:
        if self._start is not None and 0 <= index < self._start.first.contracts.row_count:
            first = self._start.first.contracts
            self.price_chart.set_band(
                int(first["prior_settlement_fen"][index]) / 100,
                int(first["upper_limit_fen"][index]) / 100,
                int(first["lower_limit_fen"][index]) / 100,
            )
        self._refresh_price_chart()
        self._update_price_title()

    def _on_contract_row(self, current: Any, _previous: Any) -> None:
        if current.isValid():
            src = self.contracts_model.source_row(current.row())
            self.contract_combo.setCurrentIndex(src)

    def _refresh_price_chart(self) -> None:
        index = self.contract_combo.currentIndex()
        if index < 0 or len(self._prices) == 0 or index >= self._prices.width:
            self.price_chart.set_history(np.zeros(0), np.zeros(0))
        else:
            self.price_chart.set_history(self._prices.times(), self._prices.column(index))
        self.price_chart.refresh()

    def _update_price_title(self) -> None:
        # The contract is named by the combo next to the title.
        self.price_chart.set_title(translate("Monitor", "Contract price (CNY)"))

    def _on_account_selected(self, current: Any, _previous: Any) -> None:
        account = self.accounts_model.source_row(current.row()) if current.isValid() else None
        if account != self._selected_account:
            self._selected_account = account
            self.account_chart.clear()
            if account is not None and self._snap.accounts.row_count:
                self._append_charts_account_only(account)
        self._update_account_title()

    def _append_charts_account_only(self, a: int) -> None:
        acc = self._snap.accounts
        ppm = int(acc["risk_ratio_ppm"][a])
        ratio = float("inf") if ppm >= 10**12 else ppm / 10_000
        self.account_chart.append(
            self._clock.now().timestamp(), int(acc["dynamic_equity_fen"][a]) / WAN, ratio
        )
        self.account_chart.refresh()

    def _update_account_title(self) -> None:
        a = self._selected_account
        if a is None or a >= len(self._static.client_codes):
            text = translate("Monitor", "Selected account: click an account row")
        else:
            text = translate("Monitor", "Account %1").replace(
                "%1", f"{self._static.client_codes[a]} {self._static.client_names[a]}"
            )
        self.account_chart.set_title(text)

    def select_account(self, client_code: Hashable) -> bool:
        """Select ``client_code`` in the accounts table (shows its chart)."""
        return self.accounts_view.select_key(client_code)

    # ----------------------------------------------------------------- filters
    def _fill_products(self) -> None:
        combo = self.product_combo
        current = combo.currentData()
        products = sorted({str(p) for p in self._static.contract_products if p})
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for p in products:
            combo.addItem(p, p)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def current_filter(self) -> LiveFilter:
        level = self.risk_combo.currentData()
        return LiveFilter(
            text=self.filter_edit.text().strip(),
            product=self.product_combo.currentData(),
            min_level=level if isinstance(level, int) else None,
        )

    def _apply_filter(self, *_args: object) -> None:
        flt = self.current_filter()
        self.accounts_model.set_filter(flt)
        self.positions_model.set_filter(flt)
        self.contracts_model.set_filter(LiveFilter(product=flt.product))
        self._update_counts()

    # ----------------------------------------------------------------- texts
    def acknowledge(self, alert_ids: list[int]) -> None:
        """Acknowledge ``alert_ids`` as the configured user, now; stored in a write task."""
        self.alerts.acknowledge(alert_ids, self.ctx.config.user, self._clock.now())

    def _update_buttons(self) -> None:
        runner = self._runner
        alive = runner is not None and runner.is_alive
        paused = runner is not None and runner.state is FeedState.PAUSED
        self.pause_button.setEnabled(alive)
        self.pause_button.setText(
            translate("Monitor", "Resume") if paused else translate("Monitor", "Pause")
        )
        self.stop_button.setText(
            translate("Monitor", "Stop") if alive else translate("Monitor", "Start")
        )
        self.stop_button.setEnabled(self._start is not None)
        replay = self.source_combo.currentData() == "replay"
        self.files_button.setEnabled(replay)
        self.seed_spin.setEnabled(self.source_combo.currentData() == "simulated")

    def _update_subtitle(self) -> None:
        if self.is_loading:
            return
        start = self._start
        if start is None:
            self.subtitle_label.setText(
                translate("Monitor", "No positions in the database")
                if self._empty
                else translate("Monitor", "Not started")
            )
            return
        text = (
            translate("Monitor", "Trading day %1 · positions of %2 at prior settlement")
            .replace("%1", start.day.isoformat())
            .replace("%2", start.base_day.isoformat())
        )
        if start.member_code:
            text += "  ·  " + translate("Monitor", "Member %1").replace("%1", start.member_code)
        self.subtitle_label.setText(text)

    def _update_counts(self) -> None:
        model = [self.accounts_model, self.positions_model, self.contracts_model][
            max(self.tabs.currentIndex(), 0)
        ]
        self.count_label.setText(row_count_text(model.rowCount(), model.total_rows))
        self.status_changed.emit()

    def _update_summary(self) -> None:
        acc = self._snap.accounts
        if acc.row_count == 0:
            self.summary_label.setText("")
            self.levels_label.setText("")
            return
        equity = int(acc["dynamic_equity_fen"].sum())
        lines = [translate("Monitor", "Client equity %1").replace("%1", format_yuan(equity))]
        start = self._start
        if start is not None and start.member_code:
            # Intraday by design: it drifts from the settled figure (Overview) with every
            # tick and fill, so the settled one stands beside it for reference.
            member = self._snap.member
            lines.append(
                translate("Monitor", "Reserve, intraday %1 · settled %2: %3")
                .replace("%1", format_yuan(member.reserve_intraday_fen))
                .replace("%2", start.base_day.isoformat())
                .replace("%3", format_yuan(member.prior_reserve_fen))
            )
        self.summary_label.setText("\n".join(lines))
        self.levels_label.setText(level_counts_html(acc["risk_level"]))

    # ----------------------------------------------------------------- intraday calls
    def _update_calls(self, snap: RiskSnapshot) -> None:
        """The intraday call list of ``snap`` (``core.services.calls.intraday_calls``):
        the card shows its total and clients per level, and ``ctx.live`` gets the very
        snapshot, so the Margin calls screen lists what the card sums."""
        if snap.trading_day is None or snap.accounts.row_count == 0:
            return
        self._calls = intraday_calls(snap)
        self._calls_snap = snap
        self._update_call_card()
        self._publish()

    def _publish(self) -> None:
        start, calls = self._start, self._calls
        if start is None or calls is None:
            return
        runner = self._runner
        self.ctx.live.publish(
            LiveView(
                snapshot=self._calls_snap,
                client_names=start.client_names,
                member_code=start.member_code,
                base_day=start.base_day,
                running=runner is not None and runner.is_alive,
            )
        )

    @property
    def calls(self) -> CallList | None:
        """The intraday call list behind the card (None before a live day)."""
        return self._calls

    @property
    def calls_snapshot(self) -> RiskSnapshot:
        """The snapshot the card's list was made from (what ``ctx.live`` holds)."""
        return self._calls_snap

    def _update_call_card(self) -> None:
        calls, card = self._calls, self.call_card
        card.setVisible(calls is not None)
        if calls is None:
            return
        card.caption.setText(translate("Monitor", "Intraday calls (CNY)"))
        by_level = [
            f"{translate(LEVELS_CONTEXT, LEVEL_LABELS[lv])} {calls.counts[LEVEL_NAMES[lv]]:,}"
            for lv in range(calls.min_level, len(LEVEL_NAMES))
            if calls.counts.get(LEVEL_NAMES[lv], 0)
        ]
        note = (
            translate("Monitor", "%1 clients: %2")
            .replace("%1", f"{len(calls.calls):,}")
            .replace("%2", " · ".join(by_level))
            if len(calls.calls)
            else translate("Monitor", "No client to call")
        )
        card.set_value(
            format_yuan(calls.total_call_fen), note, "danger" if len(calls.calls) else ""
        )
        card.set_clickable(
            translate("Monitor", "Open %1 on this snapshot (%2)")
            .replace("%1", translate("Screens", "Margin calls"))
            .replace("%2", calls.trading_day.isoformat())
        )

    def _update_feed_problems(self) -> None:
        """Rejected events (malformed or outside the limits at the source, refused by
        the engine) and out-of-order ticks of the live day, red when there are any."""
        malformed, out_of_limit, refused, late = self.feed_problem_counts
        rejected = malformed + out_of_limit + refused
        self.feed_problems.setText(
            translate("Monitor", "Rejected %1 · Out of order %2")
            .replace("%1", f"{rejected:,}")
            .replace("%2", f"{late:,}")
        )
        self.feed_problems.setToolTip(
            translate(
                "Monitor",
                "Feed events not applied today: malformed %1, outside the price limits %2, "
                "refused by the engine %3 (unknown code, implausible fill, closing more "
                "than held). Out-of-order ticks %4: older than the price already shown, "
                "dropped.",
            )
            .replace("%1", f"{malformed:,}")
            .replace("%2", f"{out_of_limit:,}")
            .replace("%3", f"{refused:,}")
            .replace("%4", f"{late:,}")
        )
        colour = palette.RED if rejected or late else palette.MUTED
        self.feed_problems.setStyleSheet(f"color: {colour};")

    @property
    def feed_problem_counts(self) -> tuple[int, int, int, int]:
        """(malformed, outside the limits, refused by the engine, out of order)."""
        stats = self._start.source.stats() if self._start is not None else None
        return (
            stats.malformed if stats else 0,
            stats.out_of_limit if stats else 0,
            self._snap.rejected_events,
            self._snap.out_of_order_ticks,
        )

    def live_status(self) -> str:
        """Feed state, data age and unacknowledged alerts, for the status bar."""
        state = state_label(self.feed_state)
        age = self.data_age_seconds()
        age_text = "—" if age is None else f"{age:,.0f} s"
        return (
            translate("Monitor", "Feed: %1").replace("%1", state)
            + "   "
            + translate("Monitor", "Data age: %1").replace("%1", age_text)
            + "   "
            + translate("Monitor", "Unacknowledged alerts: %1").replace(
                "%1", f"{self.alerts.unacknowledged_count():,}"
            )
        )

    def _update_live_status(self) -> None:
        self._update_feed_problems()
        text = self.live_status()
        state = self.feed_state
        self.state_label.setText(translate("Monitor", "Feed: %1").replace("%1", state_label(state)))
        colour = {
            "running": palette.GREEN,
            "stale": palette.RED,
            "failed": palette.RED,
            "disconnected": palette.RED,
        }.get(state, palette.MUTED)
        self.state_label.setStyleSheet(f"color: {colour}; font-weight: 600;")
        if text != self._status_text:
            self._status_text = text
            self.live_status_changed.emit(text)


def level_counts_html(levels: Any) -> str:
    """ "Warning 44 · Margin call 3 · …": accounts per level above normal, each in its
    level's colour (muted when none)."""
    counts = RiskLevels.counts(levels)
    parts = []
    for level in AT_RISK_LEVELS:
        n = counts[LEVEL_NAMES[level]]
        colour = palette.LEVEL_COLOURS[level] if n else palette.MUTED
        label = escape(translate(LEVELS_CONTEXT, LEVEL_LABELS[level]))
        parts.append(f'<span style="color:{colour}">{label} {n:,}</span>')
    return " · ".join(parts)


def create(ctx: DesktopContext, parent: QWidget | None = None) -> MonitorScreen:
    return MonitorScreen(ctx, parent)
