"""The client panel: one account after one settlement, every figure with its rule.

A dock on the right of the main window (the screen the desk came from stays in view),
opened by ``AppBus.client_requested(client, day)`` from any account row: Overview, the
live monitor, Accounts, Positions, Alerts. It loads ``core.services.client_detail``
on a read worker (only the newest request's result is shown) and shows:

* **Funds**: each term of the client statement (spec 2.c, 2.d) with its value, what
  the settlement stored for it and how it is computed; P&L red for profit and green
  for loss (Chinese convention);
* **Positions**: per line S × multiplier × lots × rate = margin, and why that rate
  (the trading-period step, limit-lock step, notice or general rate, spec 2.b);
* **Receipt offset**, **Calls**, **Notices**, **Alerts**.

A day selector lists the client's settled days; *Copy* puts the current tab on the
clipboard as tab-separated text. Texts: catalogue context "ClientPanel"
(``resources/i18n/riskdesk-client_zh_CN.ts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.changes import Changes
from core.errors import RiskDeskError
from core.money import format_yuan
from core.rules.risk_levels import MARGIN_CALL, NORMAL
from core.services.client_detail import (
    ClientDetail,
    ClientDetailRequest,
    MarginLine,
    client_detail,
)
from core.services.store import Reader
from desktop import palette
from desktop.alert_text import localized_alert_messages
from desktop.client_panel_text import (
    CALL_TARGETS,
    NOTICE_CHANNELS,
    NOTICE_KINDS,
    NOTICE_STATUSES,
    PNL_TERMS,
    RECEIPT_STATES,
    TERM_LABELS,
    considered_text,
    deadline_text,
    margin_formula,
    rate_text,
    step_text,
    term_explanation,
    term_formula,
)
from desktop.client_whatif import WhatIfPage
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, current_language, translate
from desktop.models.column_model import DISPLAY
from desktop.models.columns import (
    LEFT,
    RECEIPT_STATUS_LABELS,
    RIGHT,
    SIDE_LABELS,
    Column,
    Kind,
    ppm_text,
)
from desktop.models.frame_table import FrameTableModel, TintedFrameModel
from desktop.models.levels import CONTEXT as LEVELS_CONTEXT
from desktop.models.levels import LEVEL_LABELS
from desktop.models.text_table import TextRow, TextTableModel
from desktop.screens.alerts import KINDS as ALERT_KINDS
from desktop.screens.alerts import SEVERITY, local_times
from desktop.table_export import connect_exports
from desktop.tasks import run_query
from desktop.widgets.banner import Banner
from desktop.widgets.data_table import DataTableView

CONTEXT = "ClientPanel"
DEFAULT_WIDTH = 660
WATCHED = ("reference", "clients", "balances", "positions", "prices", "receipts", "notices")
"""``Changes`` flags that make a shown client stale."""


@dataclass(frozen=True)
class PanelColumn(Column):
    """A column whose header is in the panel's own catalogue context."""

    right: bool = False

    def title(self) -> str:
        return translate(CONTEXT, self.header)

    @property
    def alignment(self) -> Qt.AlignmentFlag:
        return RIGHT if self.right else super().alignment


POSITION_COLUMNS = (
    Column("contract", QT_TRANSLATE_NOOP("Columns", "Contract"), Kind.CODE, 78),
    Column("position", QT_TRANSLATE_NOOP("Columns", "Position"), Kind.TEXT, 116),
    Column("lots", QT_TRANSLATE_NOOP("Columns", "Lots"), Kind.INT, 44),
    PanelColumn(
        "formula",
        QT_TRANSLATE_NOOP("ClientPanel", "S × multiplier × lots × rate = margin"),
        Kind.TEXT,
        250,
    ),
    PanelColumn("step", QT_TRANSLATE_NOOP("ClientPanel", "Why this rate"), Kind.TEXT, 320),
    Column("settlement_fen", QT_TRANSLATE_NOOP("Columns", "Settlement (CNY)"), Kind.PRICE, 104),
    PanelColumn("multiplier", QT_TRANSLATE_NOOP("ClientPanel", "Multiplier"), Kind.INT, 80),
    PanelColumn("rate", QT_TRANSLATE_NOOP("ClientPanel", "Rate"), Kind.TEXT, 70, right=True),
    Column("margin_fen", QT_TRANSLATE_NOOP("Columns", "Margin (CNY)"), Kind.MONEY, 110),
)
"""The formula and the rate's reason first (a narrow panel shows them); the factors as
sortable numbers after them."""
PRODUCT_COLUMNS = (
    Column("product", QT_TRANSLATE_NOOP("Columns", "Product"), Kind.CODE, 74),
    Column("margin_fen", QT_TRANSLATE_NOOP("Columns", "Margin (CNY)"), Kind.MONEY, 110),
    PanelColumn("pledge_fen", QT_TRANSLATE_NOOP("ClientPanel", "Pledge (CNY)"), Kind.MONEY, 110),
    PanelColumn("used_fen", QT_TRANSLATE_NOOP("ClientPanel", "Used (CNY)"), Kind.MONEY, 110),
    PanelColumn("base_contract", QT_TRANSLATE_NOOP("ClientPanel", "Base contract"), Kind.CODE, 106),
    PanelColumn(
        "base_price_fen", QT_TRANSLATE_NOOP("ClientPanel", "Base price (CNY)"), Kind.PRICE, 110
    ),
)
RECEIPT_COLUMNS = (
    Column("receipt_no", QT_TRANSLATE_NOOP("Columns", "Receipt no."), Kind.CODE, 130),
    PanelColumn(
        "state",
        QT_TRANSLATE_NOOP("ClientPanel", "At this settlement"),
        Kind.ENUM,
        150,
        labels=RECEIPT_STATES,
        label_context=CONTEXT,
    ),
    Column("tons", QT_TRANSLATE_NOOP("Columns", "Tons"), Kind.INT, 56),
    Column(
        "status",
        QT_TRANSLATE_NOOP("Columns", "Status"),
        Kind.ENUM,
        130,
        labels=RECEIPT_STATUS_LABELS,
    ),
    PanelColumn("status_since", QT_TRANSLATE_NOOP("ClientPanel", "Since"), Kind.DATE, 90),
    Column("product", QT_TRANSLATE_NOOP("Columns", "Product"), Kind.CODE, 74),
    Column(
        "warehouse_name_zh",
        QT_TRANSLATE_NOOP("Columns", "Warehouse"),
        Kind.TEXT,
        200,
        key_en="warehouse_name_en",
    ),
)
NOTICE_COLUMNS = (
    PanelColumn("number", QT_TRANSLATE_NOOP("ClientPanel", "Notice no."), Kind.CODE, 116),
    PanelColumn(
        "kind",
        QT_TRANSLATE_NOOP("ClientPanel", "Notice"),
        Kind.ENUM,
        120,
        labels=NOTICE_KINDS,
        label_context=CONTEXT,
    ),
    Column("trading_day", QT_TRANSLATE_NOOP("Columns", "Trading day"), Kind.DATE, 90),
    PanelColumn(
        "call_fen", QT_TRANSLATE_NOOP("ClientPanel", "Amount to call (CNY)"), Kind.MONEY, 124
    ),
    PanelColumn("deadline", QT_TRANSLATE_NOOP("ClientPanel", "Deadline"), Kind.TEXT, 116),
    Column(
        "status",
        QT_TRANSLATE_NOOP("Columns", "Status"),
        Kind.ENUM,
        80,
        labels=NOTICE_STATUSES,
        label_context=CONTEXT,
    ),
    PanelColumn(
        "channel",
        QT_TRANSLATE_NOOP("ClientPanel", "Channel"),
        Kind.ENUM,
        70,
        labels=NOTICE_CHANNELS,
        label_context=CONTEXT,
    ),
    PanelColumn("created_by", QT_TRANSLATE_NOOP("ClientPanel", "Generated by"), Kind.TEXT, 90),
)
ALERT_COLUMNS = (
    Column("trading_day", QT_TRANSLATE_NOOP("Columns", "Trading day"), Kind.DATE, 90),
    Column("raised", QT_TRANSLATE_NOOP("Columns", "Time"), Kind.TEXT, 140),
    Column("severity", QT_TRANSLATE_NOOP("Columns", "Level"), Kind.ENUM, 64, labels=SEVERITY),
    Column("kind", QT_TRANSLATE_NOOP("Columns", "Rule"), Kind.ENUM, 96, labels=ALERT_KINDS),
    Column("message", QT_TRANSLATE_NOOP("Columns", "Message"), Kind.TEXT, 320),
    Column("acknowledged_by", QT_TRANSLATE_NOOP("Columns", "Acknowledged by"), Kind.TEXT, 96),
)

TABS = (
    ("funds", QT_TRANSLATE_NOOP("ClientPanel", "Funds")),
    ("positions", QT_TRANSLATE_NOOP("ClientPanel", "Positions")),
    ("offset", QT_TRANSLATE_NOOP("ClientPanel", "Receipt offset")),
    ("calls", QT_TRANSLATE_NOOP("ClientPanel", "Calls")),
    ("notices", QT_TRANSLATE_NOOP("ClientPanel", "Notices")),
    ("alerts", QT_TRANSLATE_NOOP("ClientPanel", "Alerts")),
)
FACTS = (
    ("available", QT_TRANSLATE_NOOP("ClientPanel", "Available funds")),
    ("balance", QT_TRANSLATE_NOOP("ClientPanel", "Balance (equity)")),
    ("margin", QT_TRANSLATE_NOOP("ClientPanel", "Margin in use")),
    ("risk_ratio", QT_TRANSLATE_NOOP("ClientPanel", "Risk ratio")),
    ("offset_used", QT_TRANSLATE_NOOP("ClientPanel", "Receipt offset used")),
    ("margin_call", QT_TRANSLATE_NOOP("ClientPanel", "Margin call")),
)
"""The headline figures above the tabs (key, caption)."""

_NOTE_BRUSH = QBrush(QColor("#f3f5f8"))
"""Background of the note rows under the funds identity."""
_FUNDS_ALIGN = (Qt.AlignmentFlag.AlignCenter, LEFT, RIGHT, RIGHT, LEFT)
_FACTS_ALIGN = (LEFT, RIGHT, LEFT)
_BODY_STYLE = (
    "QWidget#clientPanelBody { background: #f3f5f8; }"
    "QLabel#clientTitle { font-size: 12pt; font-weight: 600; color: #102a43; }"
    "QLabel#clientSubtitle { color: #7b8794; }"
    "QLabel#clientLevel { font-weight: 600; padding: 1px 8px; border-radius: 8px; "
    "background: #ffffff; border: 1px solid #dde3ea; }"
    'QLabel[factCaption="true"] { color: #7b8794; font-size: 8pt; }'
    'QLabel[factValue="true"] { color: #102a43; font-size: 11pt; font-weight: 600; }'
    "QLabel#lineWhy { color: #334e68; background: #ffffff; border: 1px solid #dde3ea; "
    "border-radius: 3px; padding: 4px 8px; }"
)


def _objects(values: list[Any]) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=object), dtype="object", copy=False)


def _money_brush(fen: int, *, pnl: bool = False) -> QBrush | None:
    """P&L in the colour of its sign in the user's convention (Chinese: red for a
    profit, green for a loss); elsewhere a negative amount is red (danger)."""
    if pnl:
        return palette.sign_brush(fen)
    return palette.RED_BRUSH if fen < 0 else None


HEDGE_SHORT = {
    False: QT_TRANSLATE_NOOP("Values", "Spec."),
    True: QT_TRANSLATE_NOOP("Values", "Hedge"),
}


def labelled(label: str, text: str) -> str:
    """ "label: text" with the UI language's colon."""
    return translate("ClientPanel", "%1: %2").replace("%1", label).replace("%2", text)


def position_text(line: MarginLine) -> str:
    """ "Short · Spec.": the line's side and flag in the UI language."""
    return (
        f"{translate('Values', SIDE_LABELS[line.side])} · "
        f"{translate('Values', HEDGE_SHORT[line.hedge])}"
    )


def fit_height(view: DataTableView, minimum_rows: int = 0) -> None:
    """Fix ``view``'s height to its rows of fixed height (at least ``minimum_rows``): a
    short table of figures above another table needs no vertical scroll bar."""
    rows = max(view.model().rowCount(), minimum_rows)
    header = view.horizontalHeader().sizeHint().height()
    body = rows * view.verticalHeader().defaultSectionSize()
    scroll = view.horizontalScrollBar().sizeHint().height()
    view.setFixedHeight(header + body + 2 * view.frameWidth() + scroll)


def table_text(view: DataTableView) -> str:
    """The table as tab-separated text: headers, then every row as shown."""
    model = view.model()
    columns = range(model.columnCount())
    header = model.headerData
    lines = ["\t".join(str(header(c, Qt.Orientation.Horizontal, DISPLAY) or "") for c in columns)]
    for r in range(model.rowCount()):
        lines.append("\t".join(str(model.index(r, c).data(DISPLAY) or "") for c in columns))
    return "\n".join(lines)


class ClientPanel(QDockWidget):
    """The client panel dock (module doc). ``show_client(code, day)`` loads and shows."""

    loaded = Signal()

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("clientPanel")
        self.setAllowedAreas(
            Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.setMinimumWidth(440)
        self.detail: ClientDetail | None = None
        self.error: str = ""
        self._code = ""
        self._day: date | None = None
        self._generation = 0
        self._loading = False
        self._retranslate_queued = False
        ctx.bus.changes_applied.connect(self._on_changes)

        body = QWidget()
        body.setObjectName("clientPanelBody")
        body.setStyleSheet(_BODY_STYLE)
        self.title_label = QLabel()
        self.title_label.setObjectName("clientTitle")
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.level_label = QLabel()
        self.level_label.setObjectName("clientLevel")
        self.subtitle_label = QLabel()
        self.subtitle_label.setObjectName("clientSubtitle")
        self.subtitle_label.setWordWrap(True)
        self.day_caption = QLabel()
        self.day_combo = QComboBox()
        self.day_combo.setObjectName("clientDay")
        self.day_combo.setMinimumWidth(120)
        self.day_combo.activated.connect(self._on_day_chosen)
        self.copy_button = QPushButton()
        self.copy_button.setObjectName("clientCopy")
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        self.reload_button = QPushButton()
        self.reload_button.setObjectName("clientReload")
        self.reload_button.clicked.connect(self.reload)
        self.banner = Banner("client", self)

        self.fact_captions: dict[str, QLabel] = {}
        self.fact_values: dict[str, QLabel] = {}
        facts = QGridLayout()
        facts.setHorizontalSpacing(14)
        facts.setVerticalSpacing(0)
        for i, (key, _caption) in enumerate(FACTS):
            caption, value = QLabel(), QLabel("—")
            caption.setProperty("factCaption", True)
            value.setProperty("factValue", True)
            value.setObjectName(f"clientFact_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fact_captions[key], self.fact_values[key] = caption, value
            row, col = divmod(i, 3)
            facts.addWidget(caption, row * 2, col)
            facts.addWidget(value, row * 2 + 1, col)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("clientTabs")
        s = ctx.settings
        self.funds_model = TextTableModel(_FUNDS_ALIGN, self)
        self.funds_view = self._text_view("client_funds", self.funds_model, wrap=False)
        self.funds_view.selectionModel().currentRowChanged.connect(self._on_term_selected)
        self.term_why = QLabel()
        self.term_why.setObjectName("lineWhy")
        self.term_why.setWordWrap(True)
        self.positions_model = TintedFrameModel(
            POSITION_COLUMNS,
            self,
            flag_key="raised",
            tints={True: palette.WARN_ROW_BRUSH},
            tint_columns=("rate", "step"),
        )
        self.positions_view = DataTableView(s, "client_positions", self)
        self.positions_view.setModel(self.positions_model)
        self.positions_view.apply_default_widths(POSITION_COLUMNS)
        self.positions_view.restore_header()
        self.positions_view.selectionModel().currentRowChanged.connect(self._on_line_selected)
        self.line_why = QLabel()
        self.line_why.setObjectName("lineWhy")
        self.line_why.setWordWrap(True)
        self.offset_model = TextTableModel(_FACTS_ALIGN, self)
        self.offset_view = self._text_view("client_offset", self.offset_model, wrap=False)
        self.products_model = FrameTableModel(PRODUCT_COLUMNS, self)
        self.products_view = self._frame_view("client_offset_products", self.products_model)
        self.receipts_model = FrameTableModel(RECEIPT_COLUMNS, self)
        self.receipts_view = self._frame_view("client_receipts", self.receipts_model)
        self.call_model = TextTableModel(_FACTS_ALIGN, self)
        self.call_view = self._text_view("client_call", self.call_model, wrap=True)
        self.notices_model = FrameTableModel(NOTICE_COLUMNS, self)
        self.notices_view = self._frame_view("client_notices", self.notices_model)
        self.alerts_model = FrameTableModel(ALERT_COLUMNS, self)
        self.alerts_view = self._frame_view("client_alerts", self.alerts_model)
        self.products_title = QLabel()
        self.products_title.setObjectName("sectionTitle")
        self.receipts_title = QLabel()
        self.receipts_title.setObjectName("sectionTitle")
        pages = {
            "funds": self._page(self.funds_view, self.term_why),
            "positions": self._page(self.positions_view, self.line_why),
            "offset": self._page(
                self.offset_view,
                self.products_title,
                self.products_view,
                self.receipts_title,
                self.receipts_view,
                stretch=(0, 0, 0, 0, 1),
            ),
            "calls": self._page(self.call_view),
            "notices": self._page(self.notices_view),
            "alerts": self._page(self.alerts_view),
        }
        # the What-if tab (issue 16 item 5): its own module and catalogue context
        self.whatif = WhatIfPage(ctx, self)
        pages["whatif"] = self.whatif
        self.pages = pages
        for key, _title in TABS:
            self.tabs.addTab(pages[key], "")
        self.tabs.addTab(self.whatif, "")

        head = QHBoxLayout()
        head.addWidget(self.title_label, 1)
        head.addWidget(self.level_label, 0, Qt.AlignmentFlag.AlignVCenter)
        bar = QHBoxLayout()
        bar.setSpacing(6)
        bar.addWidget(self.day_caption)
        bar.addWidget(self.day_combo)
        bar.addStretch(1)
        bar.addWidget(self.copy_button)
        bar.addWidget(self.reload_button)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.subtitle_label)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addLayout(facts)
        layout.addWidget(self.tabs, 1)
        self.setWidget(body)
        copy = QShortcut(QKeySequence.StandardKey.Copy, body)
        copy.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy.activated.connect(self.copy_to_clipboard)
        connect_exports(ctx, self, self._export_title)
        self.retranslate()

    def _export_title(self) -> str:
        return f"{translate('ClientPanel', 'Client details')} {self._code}"

    # ----------------------------------------------------------------- building
    def _text_view(self, name: str, model: TextTableModel, *, wrap: bool) -> DataTableView:
        """A figures table: columns fit their texts, the last (the explanation) takes
        the rest of the width (wrapped when ``wrap``)."""
        view = DataTableView(self.ctx.settings, name, self)
        view.setSortingEnabled(False)
        view.setModel(model)
        if wrap:
            view.setWordWrap(True)
            view.setTextElideMode(Qt.TextElideMode.ElideNone)
            view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = view.horizontalHeader()
        header.setSectionsMovable(False)
        last = model.columnCount() - 1
        for i in range(last):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(last, QHeaderView.ResizeMode.Stretch)
        return view

    def _frame_view(self, name: str, model: FrameTableModel) -> DataTableView:
        view = DataTableView(self.ctx.settings, name, self)
        view.setModel(model)
        view.apply_default_widths(model.columns)
        view.restore_header()
        return view

    @staticmethod
    def _page(*widgets: QWidget, stretch: tuple[int, ...] = ()) -> QWidget:
        """A tab page: ``widgets`` top to bottom, ``stretch`` their factors (default:
        the first takes the free height)."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(4)
        factors = stretch or (1,) + (0,) * (len(widgets) - 1)
        for widget, factor in zip(widgets, factors, strict=True):
            layout.addWidget(widget, factor)
        return page

    # ----------------------------------------------------------------- loading
    @property
    def client_code(self) -> str:
        return self._code

    @property
    def is_loaded(self) -> bool:
        """The newest request's result (or error) is shown."""
        return not self._loading

    def show_client(self, code: str, day: date | None = None) -> None:
        """Load and show ``code`` after the settlement of ``day`` (None: its latest)."""
        self._code = code.strip()
        self._day = day
        self.reload()

    def reload(self) -> None:
        """Load the current client again (only the newest load's result is shown)."""
        if not self._code:
            return
        self._generation += 1
        generation = self._generation
        self._loading = True
        request = ClientDetailRequest(self._code, self._day)
        self.subtitle_label.setText(translate("ClientPanel", "Loading…"))
        if self.detail is None or self.detail.facts.code != self._code:
            self.title_label.setText(self._code)

        def query(reader: Reader) -> ClientDetail:
            return client_detail(reader, request)

        def done(result: ClientDetail) -> None:
            if generation == self._generation:
                self._loading = False
                self.error = ""
                self.detail = result
                self._show()
                self.whatif.set_detail(result)
                self.loaded.emit()

        def failed(exc: RiskDeskError) -> None:
            if generation == self._generation:
                self._loading = False
                self.error = str(exc)
                self.detail = None
                self._show()
                self.whatif.set_detail(None, self._code, self.error)
                self.loaded.emit()

        run_query(self.ctx, query, done, owner=self, on_failure=failed)

    def _on_day_chosen(self, index: int) -> None:
        day = self.day_combo.itemData(index)
        if isinstance(day, date) and (self.detail is None or day != self.detail.day):
            self._day = day
            self.reload()

    # ----------------------------------------------------------------- showing
    def _show(self) -> None:
        d = self.detail
        if d is None:
            self._show_error()
            return
        f = d.funds
        self.title_label.setText(f"{d.facts.code}  {d.facts.name}")
        self.subtitle_label.setText(
            translate("ClientPanel", "Member %1 %2 · after the settlement of %3")
            .replace("%1", d.facts.member_code)
            .replace("%2", d.facts.member_name)
            .replace("%3", d.day.isoformat())
        )
        level = f.risk_level
        self.level_label.setText(translate(LEVELS_CONTEXT, LEVEL_LABELS[level]))
        colour = palette.LEVEL_COLOURS.get(level, palette.GREEN if level == NORMAL else "")
        self.level_label.setStyleSheet(f"color: {colour};")
        self.level_label.setToolTip(term_explanation("risk_level", d))
        self.day_combo.blockSignals(True)
        self.day_combo.clear()
        for day in d.days:
            self.day_combo.addItem(day.isoformat(), day)
        self.day_combo.setCurrentIndex(max(self.day_combo.findData(d.day), 0))
        self.day_combo.blockSignals(False)
        self._show_facts(d)
        self._show_banner(d)
        self._fill_funds(d)
        self._fill_positions(d)
        self._fill_offset(d)
        self._fill_call(d)
        self._fill_notices(d)
        self._fill_alerts(d)
        self._set_tab_titles()

    def _show_error(self) -> None:
        self.subtitle_label.setText("")
        self.level_label.setText("")
        self.day_combo.clear()
        self.banner.set_message(
            translate("ClientPanel", "Cannot show client %1: %2")
            .replace("%1", self._code)
            .replace("%2", self.error),
            "danger",
        )
        for value in self.fact_values.values():
            value.setText("—")
            value.setStyleSheet("")
        for model in (self.funds_model, self.offset_model, self.call_model):
            model.set_rows([])
        for frame_model in (
            self.positions_model,
            self.products_model,
            self.receipts_model,
            self.notices_model,
            self.alerts_model,
        ):
            frame_model.set_frame(pd.DataFrame(columns=[c.key for c in frame_model.columns]))
        self.line_why.setText("")
        self.term_why.setText("")
        self._set_tab_titles()

    def _show_facts(self, d: ClientDetail) -> None:
        f = d.funds
        values = {
            "available": (format_yuan(f.available_fen), _money_brush(f.available_fen)),
            "balance": (format_yuan(f.balance_fen), _money_brush(f.balance_fen)),
            "margin": (format_yuan(f.margin_fen), None),
            "risk_ratio": (ppm_text(f.risk_ratio_ppm), None),
            "offset_used": (format_yuan(f.offset_used_fen), None),
            "margin_call": (
                format_yuan(d.call.call_fen),
                palette.RED_BRUSH if d.call.call_fen > 0 else None,
            ),
        }
        for key, (text, brush) in values.items():
            label = self.fact_values[key]
            label.setText(text)
            label.setStyleSheet(f"color: {brush.color().name()};" if brush is not None else "")

    def _show_banner(self, d: ClientDetail) -> None:
        differ = [translate(CONTEXT, TERM_LABELS[t.key]) for t in d.funds.differences()]
        if not d.lines_agree:
            differ.append(translate("ClientPanel", "line margins"))
        if differ:
            self.banner.set_message(
                translate(
                    "ClientPanel",
                    "Recomputed from the stored inputs, %1 differ from what the settlement of "
                    "%2 stored (an input changed after it, or the day was imported rather than "
                    "settled from the prior balance): both are shown.",
                )
                .replace("%1", translate("ClientPanel", ", ").join(differ))
                .replace("%2", d.day.isoformat()),
                "warning",
            )
            return
        notes = []
        if d.requested_day is not None and d.requested_day != d.day:
            notes.append(
                translate(
                    "ClientPanel",
                    "%1 is not settled for this client: the settlement of %2 is shown.",
                )
                .replace("%1", d.requested_day.isoformat())
                .replace("%2", d.day.isoformat())
            )
        # the rules' own notes (a Q3 month, a receipt not counted …), as core wrote them
        if d.warnings:
            notes.append(
                translate("ClientPanel", "Notes of the rules: %1").replace(
                    "%1", "; ".join(d.warnings)
                )
            )
        self.banner.set_message("<br>".join(notes), "info")

    def _fill_funds(self, d: ClientDetail) -> None:
        f = d.funds
        rows: list[TextRow] = []
        for term in f.terms():
            stored = "" if term.stored_fen is None else format_yuan(term.stored_fen)
            stored_brush = None if term.agrees else palette.AMBER_BRUSH
            value_brush = _money_brush(term.value_fen, pnl=term.key in PNL_TERMS)
            rows.append(
                TextRow(
                    term.key,
                    (
                        term.op,
                        translate(CONTEXT, TERM_LABELS[term.key]),
                        format_yuan(term.value_fen),
                        stored,
                        term_formula(term.key, d),
                    ),
                    (None, None, value_brush, stored_brush, None),
                    bold=term.op == "=",
                    tooltip=term_explanation(term.key, d),
                )
            )

        def note(key: str, value: str, brush: QBrush | None = None, stored: str = "") -> None:
            rows.append(
                TextRow(
                    key,
                    ("", translate(CONTEXT, TERM_LABELS[key]), value, stored, term_formula(key, d)),
                    (None, None, brush, None, None),
                    background=_NOTE_BRUSH,
                    tooltip=term_explanation(key, d),
                )
            )

        note("waived", format_yuan(f.waived_fen))
        note("dynamic_equity", format_yuan(f.dynamic_equity_fen), _money_brush(f.balance_fen))
        note("pledge", format_yuan(f.pledge_fen))
        note("offset_cap", "—" if f.offset_cap_fen is None else format_yuan(f.offset_cap_fen))
        # the risk level is the chip beside the name, with its condition as tooltip
        note("risk_ratio", ppm_text(f.risk_ratio_ppm))
        note(
            "margin_call",
            format_yuan(d.call.top_up_fen),
            palette.RED_BRUSH if d.call.top_up_fen > 0 else None,
            format_yuan(d.call.stored_call_fen),
        )
        self.funds_model.set_rows(rows)
        self._show_term_why()

    def _on_term_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_term_why(current.row() if current.isValid() else None)

    def _show_term_why(self, row: int | None = None) -> None:
        """The full explanation of the selected term (default: available funds)."""
        d, rows = self.detail, self.funds_model.rows
        if d is None or not rows:
            self.term_why.setText("")
            return
        key = rows[row].key if row is not None and 0 <= row < len(rows) else "available"
        self.term_why.setText(
            labelled(f"<b>{translate(CONTEXT, TERM_LABELS[key])}</b>", term_explanation(key, d))
        )

    def _fill_positions(self, d: ClientDetail) -> None:
        lines = d.lines
        frame = pd.DataFrame(
            {
                "contract": _objects([ln.contract for ln in lines]),
                "position": _objects([position_text(ln) for ln in lines]),
                "lots": pd.Series([ln.lots for ln in lines], dtype="int64"),
                "settlement_fen": pd.Series([ln.settlement_fen for ln in lines], dtype="int64"),
                "multiplier": pd.Series([ln.multiplier for ln in lines], dtype="int64"),
                "rate": _objects([rate_text(ln.rate_ppm) for ln in lines]),
                "margin_fen": pd.Series([ln.margin_fen for ln in lines], dtype="int64"),
                "formula": _objects([margin_formula(ln) for ln in lines]),
                "step": _objects([step_text(ln.step, ln.addon_ppm) for ln in lines]),
                "raised": pd.Series([ln.step.is_raised for ln in lines], dtype=bool),
            }
        )
        self.positions_model.set_frame(frame)
        self._show_line_why()

    def _on_line_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_line_why(current.row() if current.isValid() else None)

    def _show_line_why(self, view_row: int | None = None) -> None:
        d = self.detail
        if d is None or not d.lines:
            self.line_why.setText(
                translate("ClientPanel", "No open positions after this settlement.")
            )
            return
        if view_row is None or view_row < 0:
            raised = [i for i, ln in enumerate(d.lines) if ln.step.is_raised]
            source = raised[0] if raised else 0
        else:
            source = self.positions_model.source_row(view_row)
        line = d.lines[source]
        text = (
            labelled(f"<b>{line.contract} {position_text(line)}</b>", margin_formula(line))
            + f"<br>{step_text(line.step, line.addon_ppm)}<br>{considered_text(line.step)}"
        )
        if line.addon_ppm:
            text += " " + translate(
                "ClientPanel", "Client rate = exchange rate %1 + the firm's add-on %2."
            ).replace("%1", rate_text(line.exchange_rate_ppm)).replace(
                "%2", rate_text(line.addon_ppm)
            )
        warnings = "; ".join(line.step.warnings)
        if warnings:
            text += f" ⚠ {warnings}"
        self.line_why.setText(text)

    def _fill_offset(self, d: ClientDetail) -> None:
        o = d.offset
        cap = "—" if o.cap_fen is None else format_yuan(o.cap_fen)
        cap_note = (
            translate("ClientPanel", "No cap")
            if o.cash_cap_ppm is None
            else term_formula("offset_cap", d)
            + (translate("ClientPanel", " (binds)") if o.cap_binds else "")
        )
        rows = [
            TextRow(
                "haircut",
                (
                    translate("ClientPanel", "Haircut"),
                    rate_text(o.haircut_ppm),
                    translate("ClientPanel", "Firm setting, unverified (spec Q8)"),
                ),
                (None, palette.AMBER_BRUSH, palette.AMBER_BRUSH),
            ),
            TextRow(
                "pledge",
                (
                    translate(CONTEXT, TERM_LABELS["pledge"]),
                    format_yuan(o.pledge_fen),
                    term_formula("pledge", d),
                ),
            ),
            TextRow(
                "uncapped",
                (
                    translate("ClientPanel", "Σ min(pledge quota, margin)"),
                    format_yuan(o.uncapped_fen),
                    translate("ClientPanel", "Receipts cover only their own product's margin"),
                ),
            ),
            TextRow("cap", (translate(CONTEXT, TERM_LABELS["offset_cap"]), cap, cap_note)),
            TextRow(
                "used",
                (
                    translate(CONTEXT, TERM_LABELS["offset_used"]),
                    format_yuan(o.used_fen),
                    translate("ClientPanel", "The smaller of the two"),
                ),
                bold=True,
            ),
        ]
        self.offset_model.set_rows(rows)
        fit_height(self.offset_view)
        products = o.products
        self.products_model.set_frame(
            pd.DataFrame(
                {
                    "product": _objects([p.product for p in products]),
                    "margin_fen": pd.Series([p.margin_fen for p in products], dtype="int64"),
                    "pledge_fen": pd.Series([p.pledge_fen for p in products], dtype="int64"),
                    "used_fen": pd.Series([p.used_fen for p in products], dtype="int64"),
                    "base_contract": _objects([p.base_contract for p in products]),
                    "base_price_fen": pd.array([p.base_price_fen for p in products], "Int64"),
                }
            )
        )
        fit_height(self.products_view, minimum_rows=1)
        receipts = [r.receipt for r in o.receipts]
        self.receipts_model.set_frame(
            pd.DataFrame(
                {
                    "receipt_no": _objects([r.receipt_no for r in receipts]),
                    "product": _objects([r.product for r in receipts]),
                    "warehouse_name_zh": _objects([r.warehouse_name_zh for r in receipts]),
                    "warehouse_name_en": _objects([r.warehouse_name_en for r in receipts]),
                    "tons": pd.Series([r.tons for r in receipts], dtype="int64"),
                    "status": _objects([r.status for r in receipts]),
                    "status_since": _objects([r.status_since for r in receipts]),
                    "state": _objects([r.state for r in o.receipts]),
                }
            )
        )

    def _fill_call(self, d: ClientDetail) -> None:
        c = d.call
        level_brush = palette.LEVEL_TEXT_BRUSHES.get(c.level)
        target = translate(CONTEXT, CALL_TARGETS[c.target]).replace(
            "%1", ppm_text(c.target_ratio_ppm)
        )
        asks_ratio = c.target in ("risk_ratio", "both")
        asks_available = c.target in ("available", "both")
        rows = [
            TextRow(
                "level",
                (
                    translate(CONTEXT, TERM_LABELS["risk_level"]),
                    translate(LEVELS_CONTEXT, LEVEL_LABELS[c.level]),
                    translate("ClientPanel", "On the call list")
                    if c.is_called
                    else translate("ClientPanel", "Not on the call list"),
                ),
                (None, level_brush, None),
            ),
            TextRow(
                "ratio",
                (
                    translate(CONTEXT, TERM_LABELS["risk_ratio"]),
                    ppm_text(c.risk_ratio_ppm),
                    term_formula("risk_ratio", d),
                ),
            ),
            TextRow("target", (translate("ClientPanel", "The call restores"), "", target)),
            TextRow(
                "to_available",
                (
                    translate("ClientPanel", "To available funds ≥ 0"),
                    format_yuan(c.to_available_fen) if asks_available else "—",
                    translate("ClientPanel", "max(0, −available funds)"),
                ),
            ),
            TextRow(
                "to_ratio",
                (
                    translate("ClientPanel", "To the target risk ratio"),
                    format_yuan(c.to_ratio_fen) if asks_ratio else "—",
                    translate(
                        "ClientPanel",
                        "Least deposit X with the ratio's numerator ÷ (equity + X) ≤ %1",
                    ).replace("%1", ppm_text(c.target_ratio_ppm)),
                ),
            ),
            TextRow(
                "call",
                (
                    translate("ClientPanel", "Amount to call"),
                    format_yuan(c.call_fen),
                    translate("ClientPanel", "The larger of the amounts the setting asks for"),
                ),
                (None, palette.RED_BRUSH if c.call_fen > 0 else None, None),
                bold=True,
            ),
            TextRow(
                "deadline",
                (
                    translate("ClientPanel", "Deadline"),
                    deadline_text(c.deadline),
                    translate("ClientPanel", "Exchange time (Asia/Shanghai)"),
                ),
            ),
            TextRow(
                "stored",
                (
                    translate("ClientPanel", "Required top-up stored by the settlement"),
                    format_yuan(c.stored_call_fen),
                    translate("ClientPanel", "max(0, −available funds) of %1").replace(
                        "%1", d.day.isoformat()
                    ),
                ),
                (
                    None,
                    None if c.stored_call_fen == c.top_up_fen else palette.AMBER_BRUSH,
                    None,
                ),
            ),
        ]
        self.call_model.set_rows(rows)

    def _fill_notices(self, d: ClientDetail) -> None:
        notices = [n.notice for n in d.notices]
        self.notices_model.set_frame(
            pd.DataFrame(
                {
                    "number": _objects([n.number for n in notices]),
                    "kind": _objects([n.kind for n in notices]),
                    "trading_day": _objects([n.trading_day for n in notices]),
                    "call_fen": pd.Series([n.call_fen for n in notices], dtype="int64"),
                    "deadline": _objects([deadline_text(n.deadline_at) for n in notices]),
                    "status": _objects([n.status for n in notices]),
                    "channel": _objects([n.channel for n in notices]),
                    "created_by": _objects([n.created_by for n in notices]),
                }
            )
        )

    def _fill_alerts(self, d: ClientDetail) -> None:
        alerts = d.alerts
        messages = localized_alert_messages([a.message for a in alerts], current_language())
        self.alerts_model.set_frame(
            pd.DataFrame(
                {
                    "trading_day": _objects([a.trading_day for a in alerts]),
                    "raised": _objects(list(local_times([a.raised_at for a in alerts]))),
                    "severity": _objects([a.severity for a in alerts]),
                    "kind": _objects([a.kind for a in alerts]),
                    "message": _objects(list(messages)),
                    "acknowledged_by": _objects([a.acknowledged_by or "" for a in alerts]),
                }
            )
        )

    def _set_tab_titles(self) -> None:
        d = self.detail
        counts = {
            "positions": len(d.lines) if d else 0,
            "offset": len(d.offset.receipts) if d else 0,
            "notices": len(d.notices) if d else 0,
            "alerts": len(d.alerts) if d else 0,
        }
        for i, (key, title) in enumerate(TABS):
            text = translate(CONTEXT, title)
            if key in counts:
                text = f"{text} ({counts[key]})"
            self.tabs.setTabText(i, text)
        self.tabs.setTabText(self.tabs.indexOf(self.whatif), translate("WhatIf", "What-if"))
        called = d is not None and d.call.level >= MARGIN_CALL
        self.tabs.tabBar().setTabTextColor(
            3, palette.RED_BRUSH.color() if called else self.tabs.tabBar().palette().text().color()
        )

    # ----------------------------------------------------------------- actions
    def copy_text(self) -> str:
        """The current tab as tab-separated text, headed by the client and the day."""
        d = self.detail
        head = self.title_label.text()
        if d is not None:
            head += "\t" + translate("ClientPanel", "after the settlement of %1").replace(
                "%1", d.day.isoformat()
            )
        page = self.tabs.currentWidget()
        views = page.findChildren(DataTableView) if page is not None else []
        parts = [head, self.tabs.tabText(self.tabs.currentIndex())]
        parts += [table_text(v) for v in views]
        return "\n\n".join(parts)

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.copy_text())

    def select_tab(self, key: str) -> None:
        self.tabs.setCurrentWidget(self.pages[key])

    # ----------------------------------------------------------------- language
    def retranslate(self) -> None:
        self.setWindowTitle(translate("ClientPanel", "Client details"))
        self.day_caption.setText(translate("ClientPanel", "Settled day"))
        self.copy_button.setText(translate("ClientPanel", "Copy"))
        self.copy_button.setToolTip(
            translate("ClientPanel", "Copy the figures of this tab (Ctrl+C)")
        )
        self.reload_button.setText(translate("ClientPanel", "Reload"))
        self.products_title.setText(translate("ClientPanel", "By product"))
        self.receipts_title.setText(translate("ClientPanel", "Receipts held"))
        for key, caption in FACTS:
            self.fact_captions[key].setText(translate(CONTEXT, caption))
        for model in (
            self.positions_model,
            self.products_model,
            self.receipts_model,
            self.notices_model,
            self.alerts_model,
        ):
            model.retranslate()
        self.whatif.retranslate()
        self.funds_model.set_headers(
            [
                "",
                translate("ClientPanel", "Term"),
                translate("ClientPanel", "Amount (CNY)"),
                translate("ClientPanel", "Stored (CNY)"),
                translate("ClientPanel", "How it is computed"),
            ]
        )
        for facts in (self.offset_model, self.call_model):
            facts.set_headers(
                [
                    translate("ClientPanel", "Item"),
                    translate("ClientPanel", "Value"),
                    translate("ClientPanel", "How it is computed"),
                ]
            )
        if self.detail is not None or self.error:
            self._show()
        else:
            self._set_tab_titles()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc closes the panel (the tables leave Esc to their parent); the screen the
        # desk came from is still there.
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            event.accept()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        # One LanguageChange arrives per translator installed or removed: coalesce them.
        if event.type() == QEvent.Type.LanguageChange and not self._retranslate_queued:
            self._retranslate_queued = True
            QTimer.singleShot(0, self, self._retranslate_now)
        super().changeEvent(event)

    def _retranslate_now(self) -> None:
        self._retranslate_queued = False
        self.retranslate()

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.touches(*WATCHED) and self._code and self.isVisible():
            self.reload()
