"""Warehouse receipts workbench (标准仓单): product → warehouse → holder tree (or
warehouse → product → holder, "Group by warehouse") with deadlines, a calendar of
upcoming deadlines, "my receipts", blocked registrations.

Deadlines, days left, urgency, the 45-day registration rule and the rule versions come
from the read service ``core.services.receipts.receipts_view``, which also builds the
tree and its sums on the worker. Expiring receipts are tinted amber (within the
window of trading days); overdue ones (still registered past the deadline they got at
registration) red, their missed deadline marked "overdue" with negative days left.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
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
    QCheckBox,
    QComboBox,
    QCompleter,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QTreeView,
    QWidget,
)

from core.services.receipts import HoldingNode, ReceiptsRequest, ReceiptsView, receipts_view
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, current_language, translate
from desktop.models.columns import CENTER, LEFT, RECEIPT_STATUS_LABELS, RIGHT, Column, Kind
from desktop.models.frame_table import FrameTableModel, TintedFrameModel
from desktop.screens.workbench_common import URGENCY_BRUSHES, WorkbenchScreen, empty_frame
from desktop.widgets.column_fit import title_width
from desktop.widgets.data_combo import data_combo, refill_combo, retranslate_items
from desktop.widgets.sections import column, section_title, splitter

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
    QT_TRANSLATE_NOOP("Columns", "Overdue"),
    QT_TRANSLATE_NOOP("Columns", "Expiring"),
    QT_TRANSLATE_NOOP("Columns", "Next deadline"),
    QT_TRANSLATE_NOOP("Columns", "Days left"),
)
WAREHOUSE_FIRST_HEADER = QT_TRANSLATE_NOOP("Columns", "Warehouse / product / holder")
"""The first column's title when the tree is grouped by warehouse."""
_TREE_ALIGN = (LEFT, CENTER, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, CENTER, RIGHT)
_TREE_WIDTHS = (220, 110, 66, 60, 70, 64, 64, 96, 76)
RECEIPTS_COLUMN = 2
OVERDUE_COLUMN = 5
EXPIRING_COLUMN = 6
DEADLINE_COLUMN = 7
_COUNT_BRUSHES = {OVERDUE_COLUMN: URGENCY_BRUSHES["past"], EXPIRING_COLUMN: URGENCY_BRUSHES["soon"]}
"""The counts columns are tinted on every level: a product rolled up to "overdue" (red)
still shows its receipts expiring soon (amber) in its own row."""
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
    "beyond_calendar": QT_TRANSLATE_NOOP("Receipts", "after %1"),
}
DEADLINE_STATUS_TIPS = {
    "beyond_calendar": QT_TRANSLATE_NOOP(
        "Receipts", "The deadline lies beyond the trading calendar, which is known to %1."
    ),
}
"""Short labels fit the column; the tooltip says the whole reason."""
OVERDUE_TEXT = QT_TRANSLATE_NOOP("Receipts", "%1 overdue")
"""A missed deadline in the tree ("2026-07-30 overdue", zh "2026-07-30 逾期")."""


def deadline_text(deadline: date, status: str) -> str:
    """A known deadline for the tree: the date, marked "overdue" when it has passed
    with the receipt still registered."""
    if status == "overdue":
        return translate("Receipts", OVERDUE_TEXT).replace("%1", deadline.isoformat())
    return deadline.isoformat()


def deadline_status_text(status: str, calendar_until: date | None, *, tip: bool = False) -> str:
    """Why a deadline is missing, for the tree ("no rule", "after 2026-12-31": the
    calendar's last known day); "—" for a status without a label. ``tip``: the whole
    reason, for the cell's tooltip."""
    label = (DEADLINE_STATUS_TIPS if tip else {}).get(status) or DEADLINE_STATUS_LABELS.get(status)
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
        self._group_by = "product"

    def set_nodes(
        self,
        roots: tuple[HoldingNode, ...],
        calendar_until: date | None = None,
        group_by: str = "product",
    ) -> None:
        """Show ``roots``; ``calendar_until`` (the trading calendar's last known day) is
        named where a deadline lies beyond it; ``group_by`` ("product" or "warehouse")
        names the first level in the first column's title."""
        self.beginResetModel()
        self._roots = roots
        self._calendar_until = calendar_until
        self._group_by = group_by
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
            if node.next_deadline is None:
                return deadline_status_text(node.deadline_status, self._calendar_until, tip=True)
            return self._text(node, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            names = dict.fromkeys(n for n in (node.name_zh, node.name_en) if n)
            return " / ".join([node.code, *names])
        if role == Qt.ItemDataRole.BackgroundRole:
            if column in _COUNT_BRUSHES:
                count = node.overdue if column == OVERDUE_COLUMN else node.expiring
                return _COUNT_BRUSHES[column] if count else None
            return URGENCY_BRUSHES.get(node.urgency)
        if role == Qt.ItemDataRole.FontRole and node.level == 0:
            return _BOLD
        if role == Qt.ItemDataRole.UserRole:
            return node.code
        return None

    def _text(self, node: HoldingNode, column: int) -> str:
        if column == 0:
            name = node.name_en if current_language() == "en" else node.name_zh
            return f"{node.code}  {name}" if name else node.code
        if column == OVERDUE_COLUMN:
            return f"{node.overdue:,}" if node.overdue else ""
        if column == EXPIRING_COLUMN:
            return f"{node.expiring:,}" if node.expiring else ""
        if column == 1:
            label = STATUS_LABELS.get(node.status)
            return translate("Values", label) if label else ""
        if column == RECEIPTS_COLUMN:
            return f"{node.receipts:,}"
        if column == 3:
            return f"{node.lots:,}"
        if column == 4:
            return f"{node.tons:,}"
        if column == DEADLINE_COLUMN:
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
            if section == 0 and self._group_by == "warehouse":
                return translate("Columns", WAREHOUSE_FIRST_HEADER)
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
    export_kind = "receipts"
    progress_source = QT_TRANSLATE_NOOP("Receipts", "Checking receipt deadlines…")

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "receipts", receipts_view, parent)
        self._data: ReceiptsView | None = None
        self._request = ReceiptsRequest()
        self._marked: list[QDate] = []
        self.version_label = QLabel()
        self.version_combo = data_combo("versionCombo", VERSION_LABELS)
        self.version_combo.activated.connect(lambda _i: self.recompute())
        self.holder_label = QLabel()
        self.holder_combo = data_combo("holderCombo", [None])  # None: all holders
        self.holder_combo.setMinimumWidth(200)
        # Holder search: type part of a code or a name; the list narrows as you type.
        self.holder_combo.setEditable(True)
        self.holder_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer, line = self.holder_combo.completer(), self.holder_combo.lineEdit()
        assert completer is not None  # editable: Qt made both
        assert line is not None
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.holder_combo.activated.connect(lambda _i: self.recompute())
        line.returnPressed.connect(self._holder_typed)
        self.expiring_check = QCheckBox()
        self.expiring_check.setObjectName("expiringCheck")
        self.remember("only_expiring", self.expiring_check)
        self.expiring_check.toggled.connect(lambda _c: self.recompute())
        self.expiring_spin = QSpinBox()
        self.expiring_spin.setObjectName("expiringDays")
        self.expiring_spin.setRange(0, 250)
        self.expiring_spin.setValue(ReceiptsRequest().expiring_days)
        self.remember("expiring_days", self.expiring_spin)
        self.expiring_spin.editingFinished.connect(self._on_window)
        self.expiring_days_label = QLabel()
        self.expiring_count = QLabel()
        self.expiring_count.setObjectName("expiringCount")
        # Warehouse first: a warehouse's receipts over all its products in one row (the
        # expiring ones are cancelled warehouse by warehouse).
        self.by_warehouse_check = QCheckBox()
        self.by_warehouse_check.setObjectName("byWarehouseCheck")
        self.remember("by_warehouse", self.by_warehouse_check)
        self.by_warehouse_check.toggled.connect(lambda _c: self.recompute())
        self.expand_button = QPushButton()
        self.expand_button.clicked.connect(self._toggle_expand)
        self.add_toolbar(
            (self.version_label, self.version_combo),
            (self.holder_label, self.holder_combo),
            (
                self.expiring_check,
                self.expiring_spin,
                self.expiring_days_label,
                self.expiring_count,
            ),
            self.by_warehouse_check,
            buttons=[self.expand_button],
        )

        self.tree_title = section_title()
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
        # Every column is sized to its title and texts (``_fit_columns``); a narrow
        # window scrolls the tree sideways rather than cutting names and deadlines.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, width in enumerate(_TREE_WIDTHS):
            self.tree_view.setColumnWidth(i, width)
        # Status (filled on holder rows only) shown last, so the counts and deadlines
        # come first in a narrow window; the model's columns keep their numbers.
        header.moveSection(header.visualIndex(1), len(TREE_HEADERS) - 1)
        left = column(self.tree_title, self.tree_view)

        self.calendar_title = section_title()
        self.calendar = QCalendarWidget()
        self.calendar.setObjectName("deadlineCalendar")
        self.calendar.setGridVisible(False)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setMaximumHeight(210)  # grown by ``_fit_calendar`` when shown
        self.calendar.clicked.connect(self.show_due)
        self.due_title = section_title()
        self.due_model = TintedFrameModel(
            DUE_COLUMNS, self, flag_key="urgency", tints=URGENCY_BRUSHES
        )
        self.due_view = self.add_table("receipts_due", self.due_model)
        self.blocked_title = section_title(word_wrap=True)
        self.blocked_model = FrameTableModel(BLOCKED_COLUMNS, self)
        self.blocked_view = self.add_table("receipts_blocked", self.blocked_model, "reason")
        self.blocked_view.setMaximumHeight(120)
        right = column(
            self.calendar_title,
            self.calendar,
            self.due_title,
            self.due_view,
            self.blocked_title,
            self.blocked_view,
            stretch=self.due_view,
        )
        right.setMinimumWidth(360)
        # The tree gets the width (the calendar needs no more than its minimum).
        self.root.addWidget(splitter(Qt.Orientation.Horizontal, left, right, stretch=(3, 1)), 1)
        self._due_day: date | None = None
        # the remembered view choices shape the first load too
        self._request = dataclasses.replace(self._request, **self._view_choices())
        self.retranslate()

    # ----------------------------------------------------------------- loading
    def recompute(self) -> None:
        holder = self.holder_combo.currentData()
        self._request = ReceiptsRequest(
            version=str(self.version_combo.currentData()),
            holder=holder if isinstance(holder, str) else None,
            **self._view_choices(),
        )
        self.reload()

    def _view_choices(self) -> dict[str, Any]:
        return {
            "expiring_days": self.expiring_spin.value(),
            "only_expiring": self.expiring_check.isChecked(),
            "group_by": "warehouse" if self.by_warehouse_check.isChecked() else "product",
        }

    def _on_window(self) -> None:
        if self.expiring_spin.value() != self._request.expiring_days:
            self.recompute()

    def _holder_typed(self) -> None:
        """Enter in the holder box: the one holder whose code or name holds the typed
        text (the first of several), or every holder for an empty box."""
        typed = self.holder_combo.currentText().strip().casefold()
        combo = self.holder_combo
        found = 0 if not typed else -1
        if typed:
            for i in range(combo.count()):
                if typed in combo.itemText(i).casefold():
                    found = i
                    break
        if found < 0:
            self.banner.set_message(
                translate("Receipts", "Holder: no holder matches “%1”.").replace(
                    "%1", combo.currentText().strip()
                ),
                "warning",
            )
            return
        combo.setCurrentIndex(found)
        self.recompute()

    def set_holder(self, holder: str | None) -> None:
        """ "My receipts": show only ``holder``'s receipts (None: everyone's)."""
        self.holder_combo.setCurrentIndex(max(self.holder_combo.findData(holder), 0))
        self.recompute()

    def apply_result(self, result: Any) -> None:
        assert isinstance(result, ReceiptsView)
        self._data = result
        refill_combo(
            self.holder_combo,
            [
                (translate("Receipts", "All holders"), None),
                *((_holder_text(h, result.holder_names), h) for h in result.holders),
            ],
            self.holder_combo.currentData(),
        )
        self.tree_model.set_nodes(
            result.tree,
            None if result.report is None else result.report.calendar_until,
            result.group_by,
        )
        if result.only_expiring and result.group_by == "product":
            self.tree_view.expandAll()  # the few expiring receipts, down to their holders
        else:
            # By warehouse, its products below it (the warehouse's own row sums them).
            self.tree_view.expandToDepth(0)
        self._fit_columns()
        self._mark_calendar()
        self._fit_calendar()
        report = result.report
        self.blocked_model.set_frame(
            report.blocked if report is not None else empty_frame(BLOCKED_COLUMNS)
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

    def _fit_calendar(self) -> None:
        """All six weeks shown: the calendar grows by what its day grid lacks (the
        grid's rows cannot shrink below the font's height)."""
        grid = self.calendar.findChild(QTableView, "qt_calendar_calendarview")
        if grid is None or not grid.isVisible():
            return
        lacking = grid.verticalHeader().length() - grid.viewport().height()
        if lacking > 0:
            height = self.calendar.height() + lacking
            self.calendar.setMinimumHeight(height)
            self.calendar.setMaximumHeight(height)

    def show_due(self, qdate: QDate) -> None:
        """List the receipts whose deadline is ``qdate`` (calendar click)."""
        day = date(qdate.year(), qdate.month(), qdate.day())
        self._due_day = day
        data = self._data
        if data is None or data.receipts.empty:
            frame = empty_frame(DUE_COLUMNS, "urgency")
        else:
            receipts = data.receipts
            frame = receipts[receipts["deadline"] == day]
        self.due_model.set_frame(frame)
        self.due_title.setText(
            translate("Receipts", "Due on %1: %2 receipts")
            .replace("%1", day.isoformat())
            .replace("%2", f"{self.due_model.rowCount():,}")
        )

    def _fit_columns(self) -> None:
        """Each column as wide as its title and the texts shown (names, "beyond
        calendar (to …)"), never below its default; the user may still resize."""
        view = self.tree_view
        header = view.header()
        for i in range(len(TREE_HEADERS)):
            title = self.tree_model.headerData(i, Qt.Orientation.Horizontal)
            need = max(
                _TREE_WIDTHS[i],
                title_width(header, title) if isinstance(title, str) else 0,
                view.sizeHintForColumn(i),
            )
            view.setColumnWidth(i, need)

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
            if data.only_expiring:  # the tree's own totals, not every receipt's
                title = (
                    translate(
                        "Receipts",
                        "Expiring within %1 trading days: %2 receipts, %3 lots, %4 tons (of %5)",
                    )
                    .replace("%1", str(data.report.expiring_days))
                    .replace("%2", f"{data.shown_receipts:,}")
                    .replace("%3", f"{data.shown_lots:,}")
                    .replace("%4", f"{data.shown_tons:,}")
                    .replace("%5", f"{len(receipts):,}")
                )
            else:
                title = (
                    translate("Receipts", "Holdings: %1 receipts, %2 lots, %3 tons")
                    .replace("%1", f"{len(receipts):,}")
                    .replace("%2", f"{data.total_lots:,}")
                    .replace("%3", f"{data.total_tons:,}")
                )
            self.tree_title.setText(title)
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
            self.expiring_count.setText(
                translate("Receipts", "(%1 receipts)").replace("%1", f"{data.expiring_count:,}")
            )
            blocked = len(data.report.blocked)
            self.blocked_title.setText(
                translate("Receipts", "Registrations blocked by the 45-day rule: %1").replace(
                    "%1", f"{blocked:,}"
                )
            )
        else:
            self.expiring_count.setText("")
            self.tree_title.setText(translate("Receipts", "Holdings"))
            self.banner.set_message("")
            self.blocked_title.setText(
                translate("Receipts", "Registrations blocked by the 45-day rule")
            )
        self.calendar_title.setText(translate("Receipts", "Cancellation deadlines (click a date)"))
        self.update_subtitle()

    def describe(self) -> str:
        holder = self.holder_combo.currentData()
        text = (
            translate("Receipts", "Holder %1").replace("%1", holder)
            if isinstance(holder, str)
            else translate("Receipts", "All holders")
        )
        if self._request.only_expiring:
            text += " · " + translate("Receipts", "expiring within %1 trading days").replace(
                "%1", str(self._request.expiring_days)
            )
        return text

    def retranslate(self) -> None:
        super().retranslate()
        self.version_label.setText(translate("Receipts", "Rule version"))
        retranslate_items(self.version_combo, "Receipts", VERSION_LABELS)
        self.holder_label.setText(translate("Receipts", "Holder"))
        self.holder_combo.setToolTip(
            translate("Receipts", "Type part of a holder's code or name, then Enter")
        )
        self.expiring_check.setText(translate("Receipts", "&Only expiring within"))
        self.expiring_days_label.setText(translate("Receipts", "trading days"))
        self.by_warehouse_check.setText(translate("Receipts", "Group by &warehouse"))
        self.by_warehouse_check.setToolTip(
            translate(
                "Receipts",
                "The tree by warehouse, then product and holder: each warehouse's "
                "figures over all its products (Alt+W)",
            )
        )
        if self.holder_combo.count():
            self.holder_combo.setItemText(0, translate("Receipts", "All holders"))
        self.expand_button.setText(translate("Receipts", "Expand / collapse"))
        self.tree_model.retranslate()
        self._update_texts()
        if self._due_day is not None:
            d = self._due_day
            self.show_due(QDate(d.year, d.month, d.day))

    def status_text(self) -> str:
        data = self._data
        if data is None:
            return ""
        return translate("Receipts", "%1 receipts").replace("%1", f"{len(data.receipts):,}")

    def export_request(self) -> tuple[pd.DataFrame, str, list[str]] | None:
        data = self._data
        if data is None or data.report is None:
            return None
        frame = data.receipts.drop(columns=["urgency"])
        title = translate("Screens", "Warehouse receipts")
        return frame, title, [self.subtitle_label.text(), self.banner.text()]


def _holder_text(code: str, names: Mapping[str, str]) -> str:
    """A holder in the search box: its code and name, both searchable."""
    name = names.get(code, "")
    return f"{code}  {name}" if name else code


def create(ctx: DesktopContext, parent: QWidget | None = None) -> ReceiptsScreen:
    return ReceiptsScreen(ctx, parent)
