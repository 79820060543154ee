"""The grid of scenarios × outcomes on the Stress screen (issue 16 item 3).

One row per scenario (``core.services.stress_grid.run_grid``): at its worst day (the
largest total call) the accounts per risk level and the call, the lowest Σ member
reserve, the most members below zero, the lots reduced and liquidated. The grid runs
the library (starter and saved scenarios) or the one-day shocks (the five products with
the most margin, −5 … +5 %) on a worker with progress and Cancel; opening the tab
computes nothing. A double-click (or Enter) on a row opens that scenario's full result
(``scenario_opened``: the screen loads it into the editor and runs it). The table's
context menu exports it (XLSX/CSV, audited). Texts: context "Stress"
(``resources/i18n/riskdesk-stress_zh_CN.ts``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.errors import OperationCancelledError, RiskDeskError
from core.progress import ProgressState
from core.rules.stress_scenario import Scenario
from core.services.store import Reader
from core.services.stress_grid import GridRequest, GridView, grid_view
from core.services.stress_library import all_scenarios
from desktop import palette
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, current_language, translate
from desktop.models.columns import Column, Kind
from desktop.models.frame_table import TintedFrameModel
from desktop.tasks import ProgressQuery
from desktop.widgets.banner import Banner
from desktop.widgets.data_combo import data_combo
from desktop.widgets.data_table import DataTableView
from desktop.widgets.sections import section_title

CONTEXT = "Stress"


@dataclass(frozen=True)
class GridColumn(Column):
    """A column whose header is in the Stress catalogue context."""

    def title(self) -> str:
        return translate(CONTEXT, self.header)


GRID_COLUMNS = (
    GridColumn("title", QT_TRANSLATE_NOOP("Stress", "Scenario"), Kind.TEXT, 250),
    GridColumn("days", QT_TRANSLATE_NOOP("Stress", "Days"), Kind.INT, 44),
    GridColumn("worst_day", QT_TRANSLATE_NOOP("Stress", "Worst day"), Kind.DATE, 92),
    GridColumn("level_normal", QT_TRANSLATE_NOOP("Stress", "Normal"), Kind.INT, 64),
    GridColumn("level_warning", QT_TRANSLATE_NOOP("Stress", "Warning"), Kind.INT, 64),
    GridColumn("level_margin_call", QT_TRANSLATE_NOOP("Stress", "Margin call"), Kind.INT, 76),
    GridColumn("level_forced_close", QT_TRANSLATE_NOOP("Stress", "Forced close"), Kind.INT, 84),
    GridColumn("level_deficit", QT_TRANSLATE_NOOP("Stress", "Deficit"), Kind.INT, 60),
    GridColumn("total_call_fen", QT_TRANSLATE_NOOP("Stress", "To call (CNY)"), Kind.MONEY, 124),
    GridColumn(
        "min_reserve_fen", QT_TRANSLATE_NOOP("Stress", "Lowest reserve (CNY)"), Kind.MONEY, 140
    ),
    GridColumn(
        "members_below_zero",
        QT_TRANSLATE_NOOP("Stress", "Members < 0"),
        Kind.INT,
        84,
        mute_zero=True,
    ),
    GridColumn(
        "reduced_lots", QT_TRANSLATE_NOOP("Stress", "Reduced"), Kind.INT, 70, mute_zero=True
    ),
    GridColumn(
        "liquidation_lots",
        QT_TRANSLATE_NOOP("Stress", "Liquidated"),
        Kind.INT,
        80,
        mute_zero=True,
        tooltip=QT_TRANSLATE_NOOP(
            "Stress", "Lots of every forced liquidation decided (closed the next day)"
        ),
    ),
    GridColumn("error", QT_TRANSLATE_NOOP("Stress", "Not run"), Kind.TEXT, 200),
)

SOURCES = {
    "library": QT_TRANSLATE_NOOP("Stress", "Library scenarios"),
    "shocks": QT_TRANSLATE_NOOP("Stress", "One-day shocks: 5 products, −5 … +5 %"),
}


class GridSection(QWidget):
    """The Grid tab (module doc): what to run, Run grid, the table."""

    scenario_opened = Signal(object)
    """A grid row's ``Scenario`` to open in full (double-click, Enter)."""

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("stressGridSection")
        self.data: GridView | None = None
        self._run = ProgressQuery(ctx, self)
        self.title = section_title(word_wrap=True)  # a long title must not widen the window
        self.source_combo = data_combo("gridSource", SOURCES)
        self.run_button = QPushButton()
        self.run_button.setObjectName("runGridButton")
        self.run_button.clicked.connect(self.compute)
        self.status = QLabel()
        self.status.setObjectName("countLabel")
        self.banner = Banner("stress_grid_error", self)
        self.model = TintedFrameModel(
            GRID_COLUMNS,
            self,
            flag_key="failed",
            tints={True: palette.WARN_ROW_BRUSH},
            filter_keys=("title", "scenario"),
        )
        self.view = DataTableView(ctx.settings, "stress_grid", self)
        self.view.setModel(self.model)
        self.view.apply_default_widths(GRID_COLUMNS)
        self.view.doubleClicked.connect(self._open_row)
        self.view.activated.connect(self._open_row)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title, 1)
        head.addWidget(self.status, 0, Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(self.source_combo)
        head.addWidget(self.run_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 4, 0, 0)
        box.setSpacing(4)
        box.addLayout(head)
        box.addWidget(self.banner)
        box.addWidget(self.view, 1)
        self.retranslate()

    @property
    def is_loaded(self) -> bool:
        return self.data is not None and not self._run.running

    def compute(self) -> None:
        """Run the grid on a worker (Run grid), with progress and Cancel."""
        self.status.setText(translate("Stress", "Computing…"))
        source = str(self.source_combo.currentData())

        def query(reader: Reader, progress: ProgressState) -> GridView:
            if source == "shocks":
                return grid_view(reader, "shocks", progress)
            return grid_view(reader, GridRequest(tuple(all_scenarios(reader))), progress)

        def failed(exc: RiskDeskError) -> None:
            if isinstance(exc, OperationCancelledError):
                self.status.setText(translate("Stress", "Cancelled"))
                return
            self.status.setText("")
            self.banner.set_message(str(exc), "danger")

        label = translate("Stress", "Running the grid of scenarios…")
        self._run.start(label, query, self.show_view, failed)

    def show_view(self, result: GridView) -> None:
        self.data = result
        self.banner.set_message(result.error, "danger")
        self.model.set_frame(self._frame())
        self._update_texts()

    def _frame(self) -> pd.DataFrame:
        data = self.data
        if data is None or data.table.empty:
            return pd.DataFrame(columns=[c.key for c in GRID_COLUMNS] + ["scenario", "failed"])
        lang = current_language()
        titles = [s.title(lang) for s in data.scenarios]
        return data.table.assign(title=titles, failed=data.table["error"].astype(bool))

    def scenario_at(self, view_row: int) -> Scenario | None:
        """The scenario of a view row (as run: a history scenario with its days)."""
        if self.data is None:
            return None
        name = self.model.raw_value(view_row, "scenario")
        return next((s for s in self.data.scenarios if s.name == name), None)

    def _open_row(self, index: QModelIndex) -> None:
        scenario = self.scenario_at(index.row())
        if scenario is not None and scenario.days:
            self.scenario_opened.emit(scenario)

    def _update_texts(self) -> None:
        data = self.data
        if data is None or data.day is None:
            self.title.setText(
                translate(
                    "Stress",
                    "Scenarios × outcomes: press Run grid (each row: the worst day's "
                    "accounts per level and call, the lowest reserve, lots reduced and "
                    "liquidated)",
                )
            )
            if not self._run.running:
                self.status.setText("")
            return
        failed = int(data.table["error"].astype(bool).sum()) if len(data.table) else 0
        self.title.setText(
            translate("Stress", "Scenarios × outcomes after %1: %2 scenarios")
            .replace("%1", data.day.isoformat())
            .replace("%2", f"{len(data.table):,}")
        )
        self.status.setText(
            translate("Stress", "%1 not run").replace("%1", f"{failed:,}") if failed else ""
        )

    def retranslate(self) -> None:
        self.run_button.setText(translate("Stress", "Run grid"))
        for i in range(self.source_combo.count()):
            key = str(self.source_combo.itemData(i))
            self.source_combo.setItemText(i, translate("Stress", SOURCES[key]))
        self.model.retranslate()
        if self.data is not None:
            self.model.set_frame(self._frame())
        self._update_texts()
