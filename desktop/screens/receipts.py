"""Warehouse receipts workbench (标准仓单): product → warehouse → holder tree with
deadlines, a calendar of upcoming deadlines, "my receipts", blocked registrations.

Deadlines, days left, the 45-day registration rule and the rule versions come from
``core.services.receipts.receipts_report``; the tree sums are built on the worker
(``workbench_data.holdings_tree``). Expiring receipts are tinted amber (within the
window of trading days); overdue ones (still registered past the deadline they got at
registration) red, their missed deadline marked "overdue" with negative days left.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from core.progress import ProgressState
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.columns import CENTER, LEFT, RECEIPT_STATUS_LABELS, RIGHT, Column, Kind
from desktop.models.frame_table import FrameTableModel
from desktop.screens.workbench_common import URGENCY_BRUSHES, TintedFrameModel, WorkbenchScreen
from desktop.screens.workbench_data import (
    HoldingNode,
    ReceiptsData,
    ReceiptsRequest,
    holdings_tree,
    load_receipts,
)
from desktop.widgets.data_table import DataTableView

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

STATUS_LABELS = {
    "held": QT_TRANSLATE_NOOP("Values", "Free"),
    "margin": QT_TRANSLATE_NOOP("Values", "Pledged as margin"),
    "delivery": QT_TRANSLATE_NOOP("Values", "In delivery"),
    "cancelled": QT_TRANSLATE_NOOP("Values", "Cancelled"),
}
VERSION_LABELS = {
    "current": QT_TRANSLATE_NOOP("Receipts", "Current rules"),
    "seed": QT_TRANSLATE_NOOP("Receipts", "Seed rules"),
}
TREE_HEADERS = (
    QT_TRANSLATE_NOOP("Columns", "Product / warehouse / holder"),
    QT_TRANSLATE_NOOP("Columns", "Status"),
    QT_TRANSLATE_NOOP("Columns", "Receipts"),
    QT_TRANSLATE_NOOP("Columns", "Lots"),
    QT_TRANSLATE_NOOP("Columns", "Tons"),
    QT_TRANSLATE_NOOP("Columns", "Next deadline"),
    QT_TRANSLATE_NOOP("Columns", "Days left"),
)
_TREE_ALIGN = (LEFT, CENTER, RIGHT, RIGHT, RIGHT, CENTER, RIGHT)
_TREE_WIDTHS = (0, 110, 66, 60, 70, 96, 76)
DEADLINE_COLUMN = 5
_MIN_CODE_WIDTH = 130
_BOLD = QFont()
_BOLD.setBold(True)
_DEADLINE_FORMAT = QTextCharFormat()
_DEADLINE_FORMAT.setBackground(QBrush(QColor("#fde8b8")))
_DEADLINE_FORMAT.setFontWeight(QFont.Weight.Bold)
_PAST_FORMAT = QTextCharFormat()
_PAST_FORMAT.setBackground(QBrush(QColor("#fbe0dc")))
_PAST_FORMAT.setFontWeight(QFont.Weight.Bold)

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
"""Columns of a flat receipts list (``core.db.queries.receipts_frame``): the spec of the
table screen this workbench replaced, kept for callers and the shared model tests."""

DUE_COLUMNS = (
    Column("receipt_no", QT_TRANSLATE_NOOP("Columns", "Receipt no."), Kind.CODE, 130),
    Column("product_code", QT_TRANSLATE_NOOP("Columns", "Product"), Kind.CODE, 50),
    Column("warehouse_code", QT_TRANSLATE_NOOP("Columns", "Warehouse"), Kind.CODE, 70),
    Column("holder_code", QT_TRANSLATE_NOOP("Columns", "Holder"), Kind.CODE, 80),
    Column("status", QT_TRANSLATE_NOOP("Columns", "Status"), Kind.ENUM, 90, labels=STATUS_LABELS),
    Column("tons", QT_TRANSLATE_NOOP("Columns", "Tons"), Kind.INT, 60),
    Column("trading_days_left", QT_TRANSLATE_NOOP("Columns", "Days left"), Kind.INT, 70),
)
BLOCKED_COLUMNS = (
    Column("receipt_no", QT_TRANSLATE_NOOP("Columns", "Receipt no."), Kind.CODE, 130),
    Column("holder_code", QT_TRANSLATE_NOOP("Columns", "Holder"), Kind.CODE, 80),
    Column("production_date", QT_TRANSLATE_NOOP("Columns", "Produced on"), Kind.DATE, 90),
    Column("registration_date", QT_TRANSLATE_NOOP("Columns", "Registered on"), Kind.DATE, 90),
    Column("days", QT_TRANSLATE_NOOP("Columns", "Days"), Kind.INT, 50),
    Column("max_days", QT_TRANSLATE_NOOP("Columns", "Allowed"), Kind.INT, 60),
    Column("reason", QT_TRANSLATE_NOOP("Columns", "Reason"), Kind.TEXT, 300),
)


DEADLINE_STATUS_LABELS = {
    "no_rule": QT_TRANSLATE_NOOP("Receipts", "no rule"),
    "beyond_calendar": QT_TRANSLATE_NOOP("Receipts", "beyond calendar (to %1)"),
}
OVERDUE_TEXT = QT_TRANSLATE_NOOP("Receipts", "%1 overdue")
"""A missed deadline in the tree ("2026-07-30 overdue", zh "2026-07-30 逾期")."""


def deadline_text(deadline: date, status: str) -> str:
    """A known deadline for the tree: the date, marked "overdue" when it has passed
    with the receipt still registered."""
    if status == "overdue":
        return translate("Receipts", OVERDUE_TEXT).replace("%1", deadline.isoformat())
    return deadline.isoformat()


def deadline_status_text(status: str, calendar_until: date | None) -> str:
    """Why a deadline is missing, for the tree ("no rule", "beyond calendar (to
    2026-12-31)"); "—" for a status without a label."""
    label = DEADLINE_STATUS_LABELS.get(status)
    if label is None:
        return "—"
    until = calendar_until.isoformat() if calendar_until is not None else "?"
    return translate("Receipts", label).replace("%1", until)


class HoldingsTreeModel(QAbstractItemModel):
    """Receipts as a tree: product → warehouse → holder (one row per holder and status).

    Implements Qt's QAbstractItemModel contract for trees
    (https://doc.qt.io/qt-6/qabstractitemmodel.html#subclassing); an index's internal
    id is its node's position in a flat list, so ``parent()`` is a lookup. Read-only;
    ``set_nodes`` resets the model. GUI thread only.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._roots: tuple[HoldingNode, ...] = ()
        self._nodes: list[HoldingNode] = []
        self._parent_of: list[int] = []  # -1 for top level
        self._row_of: list[int] = []
        self._id_of: dict[int, int] = {}
        self._calendar_until: date | None = None

    def set_nodes(self, roots: tuple[HoldingNode, ...], calendar_until: date | None = None) -> None:
        """Show ``roots``; ``calendar_until`` (the trading calendar's last known day) is
        named where a deadline lies beyond it."""
        self.beginResetModel()
        self._roots = roots
        self._calendar_until = calendar_until
        self._nodes, self._parent_of, self._row_of, self._id_of = [], [], [], {}

        def walk(nodes: tuple[HoldingNode, ...], parent: int) -> None:
            for row, node in enumerate(nodes):
                self._id_of[id(node)] = len(self._nodes)
                self._nodes.append(node)
                self._parent_of.append(parent)
                self._row_of.append(row)
                walk(node.children, len(self._nodes) - 1)

        walk(roots, -1)
        self.endResetModel()

    @property
    def roots(self) -> tuple[HoldingNode, ...]:
        return self._roots

    def node(self, index: AnyIndex) -> HoldingNode | None:
        return self._nodes[index.internalId()] if index.isValid() else None

    def _children(self, index: AnyIndex) -> tuple[HoldingNode, ...]:
        node = self.node(index)
        return self._roots if node is None else node.children

    # ----------------------------------------------------------------- Qt contract
    def index(self, row: int, column: int, parent: AnyIndex = _ROOT) -> QModelIndex:
        children = self._children(parent)
        if not (0 <= row < len(children) and 0 <= column < len(TREE_HEADERS)):
            return QModelIndex()
        return self.createIndex(row, column, self._id_of[id(children[row])])

    def parent(self, index: AnyIndex = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        up = self._parent_of[index.internalId()]
        if up < 0:
            return QModelIndex()
        return self.createIndex(self._row_of[up], 0, up)

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children(parent))

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return len(TREE_HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self.node(index)
        if node is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(node, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _TREE_ALIGN[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == DEADLINE_COLUMN:
            return self._text(node, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            return URGENCY_BRUSHES.get(node.urgency)
        if role == Qt.ItemDataRole.FontRole and node.level == 0:
            return _BOLD
        if role == Qt.ItemDataRole.UserRole:
            return node.code
        return None

    def _text(self, node: HoldingNode, column: int) -> str:
        if column == 0:
            return node.code
        if column == 1:
            label = STATUS_LABELS.get(node.status)
            return translate("Values", label) if label else ""
        if column == 2:
            return f"{node.receipts:,}"
        if column == 3:
            return f"{node.lots:,}"
        if column == 4:
            return f"{node.tons:,}"
        if column == 5:
            if node.next_deadline is not None:
                return deadline_text(node.next_deadline, node.deadline_status)
            return deadline_status_text(node.deadline_status, self._calendar_until)
        return "—" if node.days_left is None else f"{node.days_left:,}"

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(TREE_HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return translate("Columns", TREE_HEADERS[section])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTER
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(TREE_HEADERS) - 1)
        if self._nodes:
            self.layoutChanged.emit()


class ReceiptsScreen(WorkbenchScreen):
    """Tree of holdings, deadline calendar, "my receipts", blocked registrations."""

    watched = ("receipts", "reference")
    title_source = QT_TRANSLATE_NOOP("Screens", "Warehouse receipts")
    progress_source = QT_TRANSLATE_NOOP("Receipts", "Checking receipt deadlines…")

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "receipts", parent)
        self._data: ReceiptsData | None = None
        self._request = ReceiptsRequest()
        self._marked: list[QDate] = []
        self.version_label = QLabel()
        self.version_combo = QComboBox()
        self.version_combo.setObjectName("versionCombo")
        for version in VERSION_LABELS:
            self.version_combo.addItem("", version)
        self.version_combo.activated.connect(lambda _i: self.recompute())
        self.holder_label = QLabel()
        self.holder_combo = QComboBox()
        self.holder_combo.setObjectName("holderCombo")
        self.holder_combo.setMinimumWidth(140)
        self.holder_combo.addItem("", None)
        self.holder_combo.activated.connect(lambda _i: self.recompute())
        self.expand_button = QPushButton()
        self.expand_button.clicked.connect(self._toggle_expand)
        self.recompute_button = QPushButton()
        self.recompute_button.clicked.connect(self.recompute)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.choose_export)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        for widget in (
            self.version_label,
            self.version_combo,
            self.holder_label,
            self.holder_combo,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)
        for button in (self.expand_button, self.recompute_button, self.export_button):
            bar.addWidget(button)
        self.root.addLayout(bar)

        self.tree_title = QLabel()
        self.tree_title.setObjectName("sectionTitle")
        self.tree_model = HoldingsTreeModel(self)
        self.tree_view = QTreeView()
        self.tree_view.setObjectName("receiptsTree")
        self.tree_view.setModel(self.tree_model)
        self.tree_view.setUniformRowHeights(True)
        self.tree_view.setAlternatingRowColors(True)
        self.tree_view.setStyleSheet(
            "QTreeView { background: #ffffff; alternate-background-color: #f7f9fb; "
            "border: 1px solid #dde3ea; }"
        )
        header = self.tree_view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i, width in enumerate(_TREE_WIDTHS):
            if i:
                self.tree_view.setColumnWidth(i, width)
        left = _titled(self.tree_title, self.tree_view)

        self.calendar_title = QLabel()
        self.calendar_title.setObjectName("sectionTitle")
        self.calendar = QCalendarWidget()
        self.calendar.setObjectName("deadlineCalendar")
        self.calendar.setGridVisible(False)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setMaximumHeight(210)
        self.calendar.clicked.connect(self.show_due)
        self.due_title = QLabel()
        self.due_title.setObjectName("sectionTitle")
        self.due_model = TintedFrameModel(
            DUE_COLUMNS, self, flag_key="urgency", tints=URGENCY_BRUSHES
        )
        self.due_view = DataTableView(ctx.settings, "receipts_due", self)
        self.due_view.setModel(self.due_model)
        self.due_view.apply_default_widths(DUE_COLUMNS)
        self.blocked_title = QLabel()
        self.blocked_title.setObjectName("sectionTitle")
        self.blocked_title.setWordWrap(True)
        self.blocked_model = FrameTableModel(BLOCKED_COLUMNS, self)
        self.blocked_view = DataTableView(ctx.settings, "receipts_blocked", self)
        self.blocked_view.setModel(self.blocked_model)
        self.blocked_view.apply_default_widths(BLOCKED_COLUMNS, "reason")
        self.blocked_view.setMaximumHeight(120)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(4)
        right_layout.addWidget(self.calendar_title)
        right_layout.addWidget(self.calendar)
        right_layout.addWidget(self.due_title)
        right_layout.addWidget(self.due_view, 1)
        right_layout.addWidget(self.blocked_title)
        right_layout.addWidget(self.blocked_view)
        right.setMinimumWidth(360)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.setChildrenCollapsible(False)
        body.addWidget(left)
        body.addWidget(right)
        body.setStretchFactor(0, 2)  # the tree: its deadline column names the calendar's end
        body.setStretchFactor(1, 1)
        self.root.addWidget(body, 1)
        self._due_day: date | None = None
        self.retranslate()

    # ----------------------------------------------------------------- loading
    def make_query(self, progress: ProgressState) -> Callable[[Session], Any]:
        request = self._request
        return lambda session: load_receipts(session, request, progress)

    def recompute(self) -> None:
        holder = self.holder_combo.currentData()
        self._request = ReceiptsRequest(
            version=str(self.version_combo.currentData()),
            holder=holder if isinstance(holder, str) else None,
        )
        self.reload()

    def set_holder(self, holder: str | None) -> None:
        """ "My receipts": show only ``holder``'s receipts (None: everyone's)."""
        self.holder_combo.setCurrentIndex(max(self.holder_combo.findData(holder), 0))
        self.recompute()

    def apply_result(self, result: Any) -> None:
        assert isinstance(result, ReceiptsData)
        self._data = result
        self._day = result.day
        self.error_banner.set_message(result.error, "danger")
        combo = self.holder_combo
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(translate("Receipts", "All holders"), None)
        for holder in result.holders:
            combo.addItem(holder, holder)
        combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
        combo.blockSignals(False)
        self.tree_model.set_nodes(
            holdings_tree(result.holdings),
            None if result.report is None else result.report.calendar_until,
        )
        self.tree_view.expandToDepth(0)
        self._fit_deadline_column()
        self._mark_calendar()
        report = result.report
        self.blocked_model.set_frame(
            report.blocked
            if report is not None
            else pd.DataFrame(columns=[c.key for c in BLOCKED_COLUMNS])
        )
        upcoming = sorted(d for d in result.deadlines if result.day is None or d >= result.day)
        if self._due_day is None or self._due_day not in result.deadlines:
            self._due_day = upcoming[0] if upcoming else None
        if self._due_day is not None:
            qdate = QDate(self._due_day.year, self._due_day.month, self._due_day.day)
            self.calendar.setSelectedDate(qdate)
            self.show_due(qdate)
        else:
            self.show_due(self.calendar.selectedDate())
        self._update_texts()

    # ----------------------------------------------------------------- calendar
    def _mark_calendar(self) -> None:
        for qdate in self._marked:
            self.calendar.setDateTextFormat(qdate, QTextCharFormat())
        self._marked = []
        data = self._data
        if data is None:
            return
        for deadline in data.deadlines:
            qdate = QDate(deadline.year, deadline.month, deadline.day)
            past = data.day is not None and deadline < data.day
            self.calendar.setDateTextFormat(qdate, _PAST_FORMAT if past else _DEADLINE_FORMAT)
            self.calendar.setToolTip("")
            self._marked.append(qdate)

    def show_due(self, qdate: QDate) -> None:
        """List the receipts whose deadline is ``qdate`` (calendar click)."""
        day = date(qdate.year(), qdate.month(), qdate.day())
        self._due_day = day
        data = self._data
        if data is None or data.receipts.empty:
            frame = pd.DataFrame(columns=[c.key for c in DUE_COLUMNS] + ["urgency"])
        else:
            receipts = data.receipts
            frame = receipts[receipts["deadline"] == day]
        self.due_model.set_frame(frame)
        self.due_title.setText(
            translate("Receipts", "Due on %1: %2 receipts")
            .replace("%1", day.isoformat())
            .replace("%2", f"{self.due_model.rowCount():,}")
        )

    def _fit_deadline_column(self) -> None:
        """Widen "Next deadline" to its texts ("beyond calendar (to …)"): never below
        its default width, nor so wide that the code column gets narrower than
        ``_MIN_CODE_WIDTH`` (the cell's tooltip has the full text). The user may still
        resize it."""
        view = self.tree_view
        others = sum(view.columnWidth(i) for i in range(1, len(TREE_HEADERS)))
        room = view.viewport().width() - (others - view.columnWidth(DEADLINE_COLUMN))
        wanted = max(view.sizeHintForColumn(DEADLINE_COLUMN), _TREE_WIDTHS[DEADLINE_COLUMN])
        view.setColumnWidth(
            DEADLINE_COLUMN, max(_TREE_WIDTHS[DEADLINE_COLUMN], min(wanted, room - _MIN_CODE_WIDTH))
        )

    def _toggle_expand(self) -> None:
        if self.tree_view.isExpanded(self.tree_model.index(0, 0)):
            self.tree_view.collapseAll()
        else:
            self.tree_view.expandAll()

    # ----------------------------------------------------------------- texts
    def _update_texts(self) -> None:
        data = self._data
        if data is not None and data.report is not None:
            receipts = data.receipts
            soon = int((receipts["urgency"] == "soon").sum())
            past = int((receipts["urgency"] == "past").sum())
            self.tree_title.setText(
                translate("Receipts", "Holdings: %1 receipts, %2 lots, %3 tons")
                .replace("%1", f"{len(receipts):,}")
                .replace("%2", f"{data.total_lots:,}")
                .replace("%3", f"{data.total_tons:,}")
            )
            text = (
                translate(
                    "Receipts",
                    "%1 receipts reach their cancellation deadline within %2 trading days "
                    "(amber); %3 are past it (red). Deadlines follow the %4.",
                )
                .replace("%1", f"{soon:,}")
                .replace("%2", str(data.report.expiring_days))
                .replace("%3", f"{past:,}")
                .replace("%4", translate("Receipts", VERSION_LABELS[data.version]))
            )
            no_rule = data.report.deadline_count("no_rule")
            if no_rule:
                text += " " + translate(
                    "Receipts",
                    "%1 receipts have no deadline: no validity rule for their product in "
                    "this version.",
                ).replace("%1", f"{no_rule:,}")
            beyond = data.report.deadline_count("beyond_calendar")
            if beyond:
                text += " " + (
                    translate(
                        "Receipts",
                        "%1 receipts have their deadline beyond the trading calendar "
                        "(known to %2).",
                    )
                    .replace("%1", f"{beyond:,}")
                    .replace("%2", data.report.calendar_until.isoformat())
                )
            overdue = data.report.deadline_count("overdue")
            if overdue:
                text += " " + translate(
                    "Receipts",
                    "%1 receipts are overdue: still registered past the deadline they got "
                    "at registration, they should have been cancelled and count for no "
                    "margin offset.",
                ).replace("%1", f"{overdue:,}")
            if data.report.unverified_rules:
                text += " " + translate("Receipts", "Unverified rules: %1").replace(
                    "%1", "; ".join(data.report.unverified_rules)
                )
            self.banner.set_message(text, "danger" if past else "warning" if soon else "info")
            blocked = len(data.report.blocked)
            self.blocked_title.setText(
                translate("Receipts", "Registrations blocked by the 45-day rule: %1").replace(
                    "%1", f"{blocked:,}"
                )
            )
        else:
            self.tree_title.setText(translate("Receipts", "Holdings"))
            self.banner.set_message("")
            self.blocked_title.setText(
                translate("Receipts", "Registrations blocked by the 45-day rule")
            )
        self.calendar_title.setText(translate("Receipts", "Cancellation deadlines (click a date)"))
        self.update_subtitle()

    def describe(self) -> str:
        holder = self.holder_combo.currentData()
        if isinstance(holder, str):
            return translate("Receipts", "Holder %1").replace("%1", holder)
        return translate("Receipts", "All holders")

    def retranslate(self) -> None:
        super().retranslate()
        self.version_label.setText(translate("Receipts", "Rule version"))
        for i in range(self.version_combo.count()):
            self.version_combo.setItemText(
                i, translate("Receipts", VERSION_LABELS[str(self.version_combo.itemData(i))])
            )
        self.holder_label.setText(translate("Receipts", "My receipts"))
        if self.holder_combo.count():
            self.holder_combo.setItemText(0, translate("Receipts", "All holders"))
        self.expand_button.setText(translate("Receipts", "Expand / collapse"))
        self.recompute_button.setText(translate("Workbench", "Recompute (Ctrl+R)"))
        self.export_button.setText(translate("Workbench", "Export… (Ctrl+E)"))
        self.tree_model.retranslate()
        self.due_model.retranslate()
        self.blocked_model.retranslate()
        self._update_texts()
        if self._due_day is not None:
            d = self._due_day
            self.show_due(QDate(d.year, d.month, d.day))

    def status_text(self) -> str:
        data = self._data
        if data is None:
            return ""
        return translate("Receipts", "%1 receipts").replace("%1", f"{len(data.receipts):,}")

    def save_state(self) -> None:
        self.due_view.save_header()
        self.blocked_view.save_header()

    def export_request(self) -> tuple[pd.DataFrame, str, list[str]] | None:
        data = self._data
        if data is None or data.report is None:
            return None
        frame = data.receipts.drop(columns=["urgency"])
        title = translate("Screens", "Warehouse receipts")
        return frame, title, [self.subtitle_label.text(), self.banner.text()]


def _titled(title: QLabel, view: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    layout.addWidget(title)
    layout.addWidget(view, 1)
    return box


def create(ctx: DesktopContext, parent: QWidget | None = None) -> ReceiptsScreen:
    return ReceiptsScreen(ctx, parent)
