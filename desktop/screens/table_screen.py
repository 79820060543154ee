"""A screen made of one filterable, sortable table: the pattern most data screens follow."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.rules.risk_levels import LEVEL_NAMES
from core.services.day_tables import DayTable
from core.services.store import Reader
from desktop.context import DesktopContext
from desktop.i18n import translate
from desktop.models.columns import Column
from desktop.models.frame_table import FrameTableModel, TintedFrameModel
from desktop.models.levels import CONTEXT as LEVELS_CONTEXT
from desktop.models.levels import LEVEL_FILTERS
from desktop.screens.base import Screen
from desktop.widgets.data_table import DataTableView


def row_count_text(shown: int, total: int) -> str:
    """The count under a table: "12,345 rows", or "12 of 12,345 rows" while filtered."""
    if shown == total:
        return translate("TableScreen", "%1 rows").replace("%1", f"{total:,}")
    return (
        translate("TableScreen", "%1 of %2 rows")
        .replace("%1", f"{shown:,}")
        .replace("%2", f"{total:,}")
    )


@dataclass(frozen=True)
class TableSpec:
    """Configuration of a ``TableScreen``; strings are English catalogue entries.

    ``load`` is a read service (``core.services.day_tables``) run on a worker thread
    with its own ``Reader``. ``choice_key`` adds a combo
    box filtering on that frame column (e.g. product), listing its distinct values.
    ``per_day`` says whether the rows belong to one trading day (shown in the subtitle).
    ``tint_key`` names a frame column whose values ``tints`` maps to row backgrounds;
    ``level_key`` adds the risk-level filter (``desktop.models.levels.LEVEL_FILTERS``:
    that level or worse) over that frame column of level codes. ``header_key`` names
    the saved header layout (default ``key``): a new one when the columns change, so
    that widths saved for the old columns do not land on the wrong ones.
    ``client_key`` names the frame column of the row's client: double-click, Enter and
    "Open client" then ask for the client panel (``AppBus.client_requested``).
    """

    key: str
    title: str
    description: str
    columns: tuple[Column, ...]
    load: Callable[[Reader], DayTable]
    filter_keys: tuple[str, ...]
    filter_placeholder: str
    choice_key: str | None = None
    choice_all: str = ""
    watched: tuple[str, ...] = ()
    sort_key: str | None = None
    sort_descending: bool = False
    per_day: bool = True
    stretch_key: str | None = None
    tint_key: str | None = None
    tints: Mapping[Any, QBrush] = field(default_factory=dict)
    level_key: str | None = None
    header_key: str = ""
    client_key: str | None = None


class TableScreen(Screen):
    """Title, filter bar and one table over a ``FrameTableModel``."""

    def __init__(self, ctx: DesktopContext, spec: TableSpec, parent: QWidget | None = None) -> None:
        super().__init__(ctx, spec.key, parent)
        self.spec = spec
        self.watched = spec.watched
        self._day: date | None = None

        self.title_label = QLabel()
        self.title_label.setObjectName("screenTitle")
        self.subtitle_label = QLabel()
        self.subtitle_label.setObjectName("screenSubtitle")
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(260)
        self.filter_edit.textChanged.connect(self._on_filter_text)
        self.choice_combo: QComboBox | None = None
        if spec.choice_key:
            self.choice_combo = QComboBox()
            self.choice_combo.setObjectName("choiceCombo")
            self.choice_combo.setMinimumWidth(150)
            self.choice_combo.currentIndexChanged.connect(self._on_choice)
        self.level_combo: QComboBox | None = None
        if spec.level_key:
            self.level_combo = QComboBox()
            self.level_combo.setObjectName("levelCombo")
            for level, _label in LEVEL_FILTERS:
                self.level_combo.addItem("", level)
            self.level_combo.currentIndexChanged.connect(self._on_level)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")

        self.model: FrameTableModel = (
            TintedFrameModel(
                spec.columns,
                self,
                flag_key=spec.tint_key,
                tints=spec.tints,
                filter_keys=spec.filter_keys,
            )
            if spec.tint_key
            else FrameTableModel(spec.columns, self, filter_keys=spec.filter_keys)
        )
        header_key = spec.header_key or spec.key
        self.view = DataTableView(ctx.settings, header_key, self)
        self.view.setModel(self.model)
        self.view.apply_default_widths(spec.columns, spec.stretch_key)
        self.view.restore_header()
        self.view.freeze_first_column()  # the client or contract code stays in view
        if spec.sort_key and self.ctx.settings.header_state(header_key) is None:
            order = (
                Qt.SortOrder.DescendingOrder
                if spec.sort_descending
                else Qt.SortOrder.AscendingOrder
            )
            self.view.sortByColumn(self.model.column_of(spec.sort_key), order)
        self.model.modelReset.connect(self._update_counts)
        if spec.client_key:
            key = spec.client_key
            self.view.link_clients(
                lambda row: self.model.raw_value(row, key),
                lambda code: ctx.bus.client_requested.emit(code, self._day),
            )

        head = QHBoxLayout()
        head.addWidget(self.title_label)
        head.addSpacing(12)
        head.addWidget(self.subtitle_label, 1, Qt.AlignmentFlag.AlignBottom)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.filter_edit)
        if self.choice_combo is not None:
            bar.addWidget(self.choice_combo)
        if self.level_combo is not None:
            bar.addWidget(self.level_combo)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.retranslate()

    # ----------------------------------------------------------------- Screen
    def build_query(self) -> Callable[[Reader], Any]:
        return self.spec.load

    def apply(self, result: Any) -> None:
        assert isinstance(result, DayTable)
        self._day = result.day
        self.model.set_frame(result.frame)
        self._fill_choices()
        self._update_subtitle()
        self._update_counts()

    def loading_started(self) -> None:
        self.subtitle_label.setText(translate("TableScreen", "Loading…"))

    def retranslate(self) -> None:
        self.title_label.setText(translate("Screens", self.spec.title))
        self.filter_edit.setPlaceholderText(translate("Screens", self.spec.filter_placeholder))
        if self.choice_combo is not None and self.choice_combo.count():
            self.choice_combo.setItemText(0, translate("Screens", self.spec.choice_all))
        if self.level_combo is not None:
            for i, (_level, label) in enumerate(LEVEL_FILTERS):
                self.level_combo.setItemText(i, translate(LEVELS_CONTEXT, label))
        self.model.retranslate()
        self._update_subtitle()
        self._update_counts()

    def trading_day(self) -> date | None:
        return self._day

    def navigate_to(self, argument: str) -> None:
        """``"level=NAME"`` (a name of ``core.rules.risk_levels.LEVEL_NAMES``): the
        accounts at that level or worse, the text filter cleared, so the table lists
        what the Overview's level card counted and worse."""
        key, _, value = argument.partition("=")
        combo = self.level_combo
        if key != "level" or combo is None or value not in LEVEL_NAMES:
            return
        index = combo.findData(LEVEL_NAMES.index(value))
        if index >= 0:
            self.filter_edit.clear()
            combo.setCurrentIndex(index)

    def status_text(self) -> str:
        return self.count_label.text()

    # ----------------------------------------------------------------- internals
    def _update_subtitle(self) -> None:
        if self.is_loading:
            return
        parts = [translate("Screens", self.spec.description)]
        if self.spec.per_day:
            day = self._day.isoformat() if self._day else translate("TableScreen", "no data yet")
            parts.insert(0, translate("TableScreen", "Trading day %1").replace("%1", day))
        self.subtitle_label.setText("  ·  ".join(parts))

    def _update_counts(self) -> None:
        self.count_label.setText(row_count_text(self.model.rowCount(), self.model.total_rows))
        self.status_changed.emit()

    def _fill_choices(self) -> None:
        combo, key = self.choice_combo, self.spec.choice_key
        if combo is None or key is None:
            return
        current = combo.currentData()
        frame = self.model.frame
        values = sorted(frame[key].dropna().unique().tolist()) if key in frame else []
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(translate("Screens", self.spec.choice_all), None)
        for value in values:
            combo.addItem(str(value), value)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        self.model.set_value_filter(key, combo.currentData())

    def _on_filter_text(self, text: str) -> None:
        self.model.set_text_filter(text)

    def _on_level(self, _index: int) -> None:
        if self.level_combo is not None and self.spec.level_key:
            self.model.set_minimum_filter(self.spec.level_key, self.level_combo.currentData())

    def _on_choice(self, _index: int) -> None:
        if self.choice_combo is not None and self.spec.choice_key:
            self.model.set_value_filter(self.spec.choice_key, self.choice_combo.currentData())
