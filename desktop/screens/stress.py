"""Stress scenarios (压力测试, issue 16): a scenario edited as rows, run day by day.

The editor holds one row per day and target (``core.rules.stress_scenario.ScenarioRow``:
day, product/contract/``*`` or a depositing client, price move, margin change,
deposit); a scenario of the starter library fills it. Run (Ctrl+R) reads the rows
(a bad cell: a message naming its row and column, nothing run) and runs the chain
``core.services.stress.stress_view`` on a worker with progress and Cancel. The results
are two tables: per day (accounts per risk level, the call, the reserve, lots reduced
and liquidated) and per client (worst level first, then the loss), whose rows open the
client panel. Opening the screen runs nothing (a run over the whole book takes seconds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QWidget,
)

from core.changes import Changes
from core.errors import InputError
from core.progress import ProgressState
from core.rules.stress_scenario import (
    ROW_FIELDS,
    Scenario,
    ScenarioRow,
    library_scenarios,
    scenario_from_rows,
    scenario_rows,
)
from core.services.stress import StressRequest, StressView, stress_view
from core.services.stress_library import (
    STORED,
    all_scenarios,
    check_name,
    delete_scenario,
    save_scenario,
)
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, current_language, translate
from desktop.models.columns import Column, Kind
from desktop.models.frame_table import FrameTableModel, TintedFrameModel
from desktop.models.levels import LEVEL_LABELS, level_column, level_tint
from desktop.screens.stress_charts import StressCharts
from desktop.screens.stress_grid import GridSection
from desktop.screens.stress_ranges import SafeRangeSection
from desktop.screens.workbench_common import WorkbenchScreen, empty_frame
from desktop.tasks import run_op, run_query
from desktop.widgets.data_combo import data_combo, refill_combo
from desktop.widgets.sections import column, section_title, splitter

CONTEXT = "Stress"
AnyIndex = QModelIndex | QPersistentModelIndex

EDITOR_HEADERS = {
    "day": QT_TRANSLATE_NOOP("Stress", "Day"),
    "target": QT_TRANSLATE_NOOP("Stress", "Applies to"),
    "price": QT_TRANSLATE_NOOP("Stress", "Price move"),
    "margin": QT_TRANSLATE_NOOP("Stress", "Margin change"),
    "deposit": QT_TRANSLATE_NOOP("Stress", "Deposit (CNY)"),
}
EDITOR_TIPS = {
    "target": QT_TRANSLATE_NOOP(
        "Stress",
        "* for every product, a product (m), a contract (m2701); for a deposit a "
        "client code or member:CODE",
    ),
    "price": QT_TRANSLATE_NOOP("Stress", "limit_down, limit_up (跌停 / 涨停), -20 ticks or -3%"),
    "margin": QT_TRANSLATE_NOOP(
        "Stress", "+5 (points above the rules' rate) or 15% (a new rate from that day)"
    ),
}

DAY_COLUMNS = (
    Column("day", QT_TRANSLATE_NOOP("Columns", "Trading day"), Kind.DATE, 96),
    Column("locked", QT_TRANSLATE_NOOP("Columns", "Limit lock"), Kind.TEXT, 100),
    Column("level_normal", QT_TRANSLATE_NOOP("Columns", "Normal"), Kind.INT, 64),
    Column("level_warning", QT_TRANSLATE_NOOP("Columns", "Warning"), Kind.INT, 68),
    Column("level_margin_call", QT_TRANSLATE_NOOP("Columns", "Margin call"), Kind.INT, 80),
    Column("level_forced_close", QT_TRANSLATE_NOOP("Columns", "Forced close"), Kind.INT, 96),
    Column("level_deficit", QT_TRANSLATE_NOOP("Columns", "Deficit"), Kind.INT, 64),
    Column("total_call_fen", QT_TRANSLATE_NOOP("Columns", "To call (CNY)"), Kind.MONEY, 124),
    Column("reserve_fen", QT_TRANSLATE_NOOP("Columns", "Reserve (CNY)"), Kind.MONEY, 130),
    Column("reduced_lots", QT_TRANSLATE_NOOP("Columns", "Reduced"), Kind.INT, 70, mute_zero=True),
    Column(
        "liquidated_lots",
        QT_TRANSLATE_NOOP("Columns", "Lots to close"),
        Kind.INT,
        80,
        mute_zero=True,
        tooltip=QT_TRANSLATE_NOOP("Stress", "Lots of the forced liquidation closed that day"),
    ),
)

CLIENT_COLUMNS = (
    Column("client_code", QT_TRANSLATE_NOOP("Columns", "Client"), Kind.CODE, 90),
    Column("member_code", QT_TRANSLATE_NOOP("Columns", "Member"), Kind.CODE, 72),
    replace(level_column(), header=QT_TRANSLATE_NOOP("Columns", "Worst level")),
    Column("loss_fen", QT_TRANSLATE_NOOP("Columns", "Loss (CNY)"), Kind.MONEY, 130),
    Column("end_equity_fen", QT_TRANSLATE_NOOP("Columns", "Equity (CNY)"), Kind.MONEY, 130),
    Column("end_margin_fen", QT_TRANSLATE_NOOP("Columns", "Margin (CNY)"), Kind.MONEY, 130),
    Column("end_available_fen", QT_TRANSLATE_NOOP("Columns", "Available (CNY)"), Kind.MONEY, 130),
    Column("end_ratio_ppm", QT_TRANSLATE_NOOP("Columns", "Risk ratio"), Kind.PPM, 84),
    Column("shortfall_fen", QT_TRANSLATE_NOOP("Columns", "Shortfall (CNY)"), Kind.MONEY, 120),
    Column("first_margin_call", QT_TRANSLATE_NOOP("Columns", "First margin call"), Kind.DATE, 110),
)
"""Per client: the worst level and the loss over the scenario, the figures of its last
day, the first day at margin call or worse."""


def _worst(level: Any) -> str:
    return translate("RiskLevels", LEVEL_LABELS.get(int(level), ""))


class ScenarioRowsModel(QAbstractTableModel):
    """The scenario editor: editable text rows (``ScenarioRow`` fields)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[list[str]] = []

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ROW_FIELDS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = EDITOR_TIPS.get(ROW_FIELDS[index.column()])
            return translate(CONTEXT, tip) if tip else None
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        self._rows[index.row()][index.column()] = str(value).strip()
        self.dataChanged.emit(index, index, [role])
        return True

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return translate(CONTEXT, EDITOR_HEADERS[ROW_FIELDS[section]])
        return section + 1

    def set_rows(self, rows: list[ScenarioRow]) -> None:
        self.beginResetModel()
        self._rows = [[getattr(r, f) for f in ROW_FIELDS] for r in rows]
        self.endResetModel()

    def rows(self) -> list[ScenarioRow]:
        return [ScenarioRow(*r) for r in self._rows]

    def add_row(self) -> int:
        last = self._rows[-1][0] if self._rows else "1"
        at = len(self._rows)
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.append([last, "*", "", "", ""])
        self.endInsertRows()
        return at

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()


class StressScreen(WorkbenchScreen):
    """Scenario editor, Run on a worker, per-day and per-client results."""

    watched = ("positions", "prices", "balances", "reference", "clients")
    title_source = QT_TRANSLATE_NOOP("Screens", "Stress scenarios")
    export_kind = "stress"
    progress_source = QT_TRANSLATE_NOOP("Stress", "Settling the scenario day by day…")

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "stress", stress_view, parent)
        self._data: StressView | None = None
        self._scenario: Scenario | None = None
        self._library = library_scenarios()
        self.scenario_label = QLabel()
        self.scenario_combo = data_combo("scenarioCombo", range(len(self._library)))
        self.scenario_combo.activated.connect(self._on_library)
        self.add_button = QPushButton()
        self.add_button.setObjectName("addRowButton")
        self.add_button.clicked.connect(self._add_row)
        self.remove_button = QPushButton()
        self.remove_button.setObjectName("removeRowButton")
        self.remove_button.clicked.connect(self._remove_row)
        # saving: the editor's rows under the typed name (the library's starter names
        # are refused by the service); deleting: the saved scenario chosen in the combo
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("scenarioName")
        self.name_edit.setMinimumWidth(180)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveScenarioButton")
        self.save_button.clicked.connect(self.save_scenario)
        self.delete_button = QPushButton()
        self.delete_button.setObjectName("deleteScenarioButton")
        self.delete_button.clicked.connect(self.ask_delete)
        self.delete_question: QMessageBox | None = None
        self.add_toolbar(
            self.scenario_label,
            self.scenario_combo,
            8,
            self.add_button,
            self.remove_button,
            8,
            self.name_edit,
            self.save_button,
            self.delete_button,
        )
        ctx.bus.changes_applied.connect(self._on_library_changes)

        self.editor_title = section_title(word_wrap=True)
        self.editor_model = ScenarioRowsModel(self)
        self.editor_view = QTableView(self)
        self.editor_view.setObjectName("scenarioEditor")
        self.editor_view.setModel(self.editor_model)
        self.editor_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.editor_view.horizontalHeader()
        for i, width in enumerate((40, 84, 100, 104, 110)):
            self.editor_view.setColumnWidth(i, width)
        header.setStretchLastSection(True)
        self.editor_view.verticalHeader().setVisible(False)

        self.days_title = section_title()
        self.days_model = FrameTableModel(DAY_COLUMNS, self)
        self.days_view = self.add_table("stress_days", self.days_model, "locked")
        self.clients_title = section_title()
        self.clients_model = TintedFrameModel(
            CLIENT_COLUMNS,
            self,
            flag_key="risk_level",
            tints={lv: b for lv in LEVEL_LABELS if (b := level_tint(lv)) is not None},
            filter_keys=("client_code",),
        )
        self.clients_view = self.add_table("stress_clients", self.clients_model)
        self.clients_view.link_clients(
            lambda row: str(self.clients_model.raw_value(row, "client_code")), self._open_client
        )
        top = splitter(
            Qt.Orientation.Horizontal,
            column(self.editor_title, self.editor_view),
            column(self.days_title, self.days_view),
            stretch=(0, 1),
        )
        top.setSizes([460, 880])  # the editor's five columns in full
        # the scenario's clients, and every contract's safe price range (computed when
        # its tab is first shown: a read over the whole book, not a scenario)
        self.safe_ranges = SafeRangeSection(ctx, self)
        self.charts = StressCharts(self)
        self.grid = GridSection(ctx, self)
        self.grid.scenario_opened.connect(self.open_scenario)
        self.result_tabs = QTabWidget(self)
        self.result_tabs.setObjectName("stressResultTabs")
        self.result_tabs.addTab(column(self.clients_title, self.clients_view), "")
        self.result_tabs.addTab(self.safe_ranges, "")
        self.result_tabs.addTab(self.charts, "")
        self.result_tabs.addTab(self.grid, "")
        self.result_tabs.currentChanged.connect(self._on_result_tab)
        split = splitter(Qt.Orientation.Vertical, top, self.result_tabs, stretch=(2, 3))
        self.root.addWidget(split, 1)
        if self._library:
            self._load_scenario(self._library[0])
        self.retranslate()

    # ----------------------------------------------------------------- editing
    def _load_scenario(self, scenario: Scenario) -> None:
        self._scenario = scenario
        self.editor_model.set_rows(scenario_rows(scenario))
        self.name_edit.setText(scenario.name)
        self._update_delete()

    def _on_library(self, index: int) -> None:
        self._load_scenario(self._library[int(self.scenario_combo.itemData(index))])
        self._update_texts()

    def selected_scenario(self) -> Scenario | None:
        """The scenario chosen in the library combo."""
        data = self.scenario_combo.currentData()
        return self._library[int(data)] if data is not None else None

    def _update_delete(self) -> None:
        chosen = self.selected_scenario()
        self.delete_button.setEnabled(chosen is not None and chosen.source == STORED)

    def _library_items(self) -> list[tuple[str, object]]:
        lang = current_language()
        saved = translate("Stress", "%1 (saved)")
        return [
            (saved.replace("%1", s.title(lang)) if s.source == STORED else s.title(lang), i)
            for i, s in enumerate(self._library)
        ]

    def set_library(self, library: list[Scenario], select: str | None = None) -> None:
        """Refill the combo (starter, then saved scenarios); keep the chosen one, or
        choose ``select`` (and load it into the editor)."""
        current = self.selected_scenario()
        self._library = list(library)
        names = [s.name for s in self._library]
        want = select if select is not None else (current.name if current else None)
        index = names.index(want) if want in names else None
        refill_combo(self.scenario_combo, self._library_items(), index)
        if select is not None and index is not None:
            self._load_scenario(self._library[index])
            self._update_texts()
        self._update_delete()

    def _refresh_library(self, select: str | None = None, note: str = "") -> None:
        def done(library: list[Scenario]) -> None:
            self.set_library(library, select)
            if note:
                self.banner.set_message(note, "success")

        run_query(self.ctx, all_scenarios, done, owner=self)

    def _on_library_changes(self, changes: Changes, initiator: object) -> None:
        # this screen's own save or delete refreshes the list itself (with its note)
        if changes.scenarios and initiator is not self:
            self._refresh_library()

    def save_scenario(self) -> None:
        """Store the editor's scenario under the typed name (write door, audited
        ``scenario.save``); a bad cell or name is said and nothing is stored."""
        try:
            scenario = self.scenario_from_editor()
        except InputError as exc:
            self.set_error(_cell_error(exc))
            return
        try:
            scenario = replace(scenario, name=check_name(self.name_edit.text()))
        except InputError as exc:
            field = translate("Stress", "Name")
            self.set_error(f"{field}: {exc.message}")
            return
        self.set_error("")
        db, user = self.ctx.db, self.ctx.config.user

        def op(_progress: ProgressState) -> tuple[Scenario, Changes]:
            return save_scenario(db, scenario, user=user)

        def saved(stored: Scenario) -> None:
            note = translate("Stress", "Scenario %1 saved.").replace("%1", stored.name)
            self._refresh_library(select=stored.name, note=note)

        run_op(self.ctx, self, translate("Stress", "Saving the scenario"), op, saved)

    def ask_delete(self) -> QMessageBox | None:
        """Ask before deleting the saved scenario chosen in the combo; on Yes it is
        deleted on the write worker (audited ``scenario.delete``)."""
        chosen = self.selected_scenario()
        if chosen is None or chosen.source != STORED:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            translate("Stress", "Delete scenario"),
            translate("Stress", "Delete the saved scenario %1?").replace("%1", chosen.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("deleteQuestion")
        name, db, user = chosen.name, self.ctx.db, self.ctx.config.user

        def answered(_result: int) -> None:
            yes = box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes
            box.deleteLater()
            self.delete_question = None
            if not yes:
                return

            def op(_progress: ProgressState) -> tuple[str, Changes]:
                return delete_scenario(db, name, user=user)

            def deleted(gone: str) -> None:
                note = translate("Stress", "Scenario %1 deleted.").replace("%1", gone)
                first = self._library[0].name if self._library else None
                self._refresh_library(select=first, note=note)

            run_op(self.ctx, self, translate("Stress", "Deleting the scenario"), op, deleted)

        box.finished.connect(answered)
        box.open()
        self.delete_question = box
        return box

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_delete()  # a lifted role gate enables Delete: a starter has none

    def role_gates(self) -> Sequence[tuple[str, Sequence[QWidget | QAction]]]:
        return (
            ("scenario.save", (self.save_button,)),
            ("scenario.delete", (self.delete_button,)),
        )

    def _add_row(self) -> None:
        row = self.editor_model.add_row()
        self.editor_view.setCurrentIndex(self.editor_model.index(row, 2))

    def _remove_row(self) -> None:
        self.editor_model.remove_row(self.editor_view.currentIndex().row())

    def scenario_from_editor(self) -> Scenario:
        """The edited scenario; InputError naming the row and column of a bad cell."""
        base = self._scenario
        return scenario_from_rows(
            base.name if base is not None else "custom",
            self.editor_model.rows(),
            description=base.description if base is not None else "",
            title_zh=base.title_zh if base is not None else "",
            template=base,
        )

    # ----------------------------------------------------------------- running
    def recompute(self) -> None:
        """Run the edited scenario (Ctrl+R); a bad cell is named and nothing runs."""
        try:
            scenario = self.scenario_from_editor()
        except InputError as exc:
            self.set_error(_cell_error(exc))
            return
        self.set_error("")
        self._request = StressRequest(scenario)
        self.reload()

    def apply_result(self, result: Any) -> None:
        assert isinstance(result, StressView)
        self._data = result
        if result.library and list(result.library) != self._library:
            self.set_library(list(result.library))
        self.days_model.set_frame(result.days if len(result.days) else empty_frame(DAY_COLUMNS))
        clients = result.clients
        if len(clients):
            clients = clients.assign(risk_level=clients["worst_level"]).sort_values(
                ["worst_level", "loss_fen", "client_code"], ascending=[False, False, True]
            )
            self.clients_model.set_frame(clients)
        else:
            self.clients_model.set_frame(empty_frame(CLIENT_COLUMNS, "worst_level"))
        self.charts.show_view(result if result.result is not None else None)
        self._update_texts()

    def open_scenario(self, scenario: Scenario) -> None:
        """Load ``scenario`` (a grid row) into the editor and run it in full."""
        names = [x.name for x in self._library]
        if scenario.name in names:
            refill_combo(self.scenario_combo, self._library_items(), names.index(scenario.name))
        self._load_scenario(scenario)
        self._update_texts()
        self.result_tabs.setCurrentIndex(0)
        self.recompute()

    def _open_client(self, code: str) -> None:
        self.ctx.bus.client_requested.emit(code, self._day)

    def _on_result_tab(self, index: int) -> None:
        if self.result_tabs.widget(index) is self.safe_ranges:
            self.safe_ranges.ensure_computed()

    def show_safe_ranges(self) -> None:
        """Bring the safe price ranges forward (computed if not yet)."""
        self.result_tabs.setCurrentWidget(self.safe_ranges)
        self.safe_ranges.ensure_computed()

    # ----------------------------------------------------------------- texts
    def _update_texts(self) -> None:
        data = self._data
        scenario = self._scenario
        title = scenario.title(current_language()) if scenario is not None else ""
        self.editor_title.setText(translate("Stress", "Scenario: %1").replace("%1", title))
        result = data.result if data is not None else None
        if result is None:
            self.days_title.setText(
                translate("Stress", "Per day: press Run (Ctrl+R) to run the scenario")
            )
            self.clients_title.setText(translate("Stress", "Clients"))
            self.banner.set_message("")
        else:
            self.days_title.setText(
                translate("Stress", "Per day after %1: %2 days, %3 clients")
                .replace("%1", result.base_day.isoformat())
                .replace("%2", str(len(result.days)))
                .replace("%3", f"{len(result.clients):,}")
            )
            self.clients_title.setText(
                translate(
                    "Stress", "Clients, worst level first: %1 at margin call or worse"
                ).replace("%1", f"{int((data.clients['worst_level'] >= 2).sum()):,}")
                if data is not None
                else ""
            )
            self.banner.set_message(
                _events(result), "info" if not _liquidated(result) else "warning"
            )
        self.update_subtitle()

    def describe(self) -> str:
        scenario = self._scenario
        if scenario is None:
            return ""
        return translate("Stress", "Base: the last settled day; %1 day(s)").replace(
            "%1", str(len(scenario.days))
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.scenario_label.setText(translate("Stress", "Scenario"))
        for i, (text, _data) in enumerate(self._library_items()):
            self.scenario_combo.setItemText(i, text)
        self.add_button.setText(translate("Stress", "Add row"))
        self.remove_button.setText(translate("Stress", "Remove row"))
        self.name_edit.setPlaceholderText(translate("Stress", "Name to save under"))
        self.save_button.setText(translate("Stress", "Save"))
        self.save_button.setToolTip(
            translate("Stress", "Store the edited scenario in the database under this name")
        )
        self.delete_button.setText(translate("Stress", "Delete"))
        self.recompute_button.setText(translate("Stress", "Run (Ctrl+R)"))
        self.editor_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(ROW_FIELDS) - 1)
        self.result_tabs.setTabText(0, translate("Stress", "Clients"))
        self.result_tabs.setTabText(1, translate("SafeRange", "Safe price ranges"))
        self.result_tabs.setTabText(2, translate("Stress", "Charts"))
        self.result_tabs.setTabText(3, translate("Stress", "Grid"))
        self.safe_ranges.retranslate()
        self.charts.retranslate()
        self.grid.retranslate()
        self._update_texts()

    def status_text(self) -> str:
        return translate("Stress", "%1 clients shown").replace(
            "%1", f"{self.clients_model.rowCount():,}"
        )

    def export_request(self) -> tuple[pd.DataFrame, str, list[str]] | None:
        data = self._data
        if data is None or data.result is None:
            return None
        frame = data.clients.assign(
            worst_level=[_worst(x) for x in data.clients["worst_level"]],
            end_level=[_worst(x) for x in data.clients["end_level"]],
        )
        title = translate("Screens", "Stress scenarios")
        notes = [self.editor_title.text(), self.days_title.text(), self.banner.text()]
        return frame, title, [n for n in notes if n]


def _liquidated(result: Any) -> bool:
    return any(d.liquidations_decided for d in result.days)


def _events(result: Any) -> str:
    """The chain's consequences in one line: reductions, liquidations, opening bans."""
    parts: list[str] = []
    for d in result.days:
        reduced = [f"{r.contract} {r.filled_lots:,}" for r in d.reductions if r.filled_lots]
        if reduced:
            parts.append(
                translate("Stress", "%1 forced reduction (lots): %2")
                .replace("%1", d.day.isoformat())
                .replace("%2", ", ".join(reduced))
            )
        for x in d.liquidations_decided:
            parts.append(
                translate(
                    "Stress", "%1 member %2 below zero: %3 lots liquidated next day, opening banned"
                )
                .replace("%1", d.day.isoformat())
                .replace("%2", x.member)
                .replace("%3", f"{x.lots:,}")
            )
    return "; ".join(parts)


def _cell_error(exc: InputError) -> str:
    """A bad editor cell: the row and the column in the UI language."""
    column_name = translate(CONTEXT, EDITOR_HEADERS.get(exc.field or "", exc.field or ""))
    where = (
        translate("Stress", "Row %1, %2")
        .replace("%1", str(exc.row or "—"))
        .replace("%2", column_name)
    )
    return f"{where}: {exc.message}"


def create(ctx: DesktopContext, parent: QWidget | None = None) -> StressScreen:
    return StressScreen(ctx, parent)
