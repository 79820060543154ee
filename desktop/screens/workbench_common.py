"""Shared parts of the risk workbenches: tinted table model, screen base, export.

``WorkbenchScreen`` adds to ``Screen``: a title with the trading day, a delayed
progress dialog with Cancel around every load (the loader receives the
``ProgressState``; cancelling raises ``OperationCancelledError`` on the worker),
Ctrl+R (recompute) and Ctrl+E (export) shortcuts with their buttons, tables whose
header layout is saved, and exports written and audited on the write worker
(``core.services.exports.export_table``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.changes import Changes
from core.errors import OperationCancelledError, RiskDeskError
from core.progress import ProgressState
from core.reports.export import LABELS_ZH
from core.services.exports import TableExport, export_table
from core.services.store import Reader
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, current_language, translate
from desktop.models.columns import Column
from desktop.models.frame_table import FrameTableModel
from desktop.palette import DANGER_ROW_BRUSH, WARN_ROW_BRUSH
from desktop.progress_dialog import ProgressDialog
from desktop.screens.base import Screen
from desktop.widgets.banner import Banner
from desktop.widgets.client_link import client_column
from desktop.widgets.data_table import DataTableView
from desktop.widgets.flow_layout import flow_of
from desktop.widgets.params_panel import ParamsPanel

URGENCY_BRUSHES = {"soon": WARN_ROW_BRUSH, "past": DANGER_ROW_BRUSH}

EXTRA_LABELS_ZH = {
    "close_side": "平仓方向",
    "side_to_close": "平仓方向",
    "effective_from": "限额生效日",
    "urgency": "紧迫度",
    "pair_count": "配对数",
    "match_day": "配对日",
    "delivery_day": "交割日",
    "price_yuan": "价格",
    "allocation_state": "分配状态",
    "id": "编号",
}


def zh_labels() -> dict[str, str] | None:
    """Chinese export headers when the UI is Chinese, else the column names."""
    return {**LABELS_ZH, **EXTRA_LABELS_ZH} if current_language() == "zh" else None


def empty_frame(columns: Sequence[Column], *extra: str) -> pd.DataFrame:
    """No rows, with the columns' keys and ``extra`` keys (a table's "nothing yet")."""
    return pd.DataFrame(columns=[c.key for c in columns] + list(extra))


def unverified_names(
    params: ParamsPanel, unverified: Iterable[str], context: str, names: Mapping[str, str]
) -> str:
    """The unverified defaults a preview rests on, translated in ``context`` and joined
    ("—" for none): those outside the form and those the user has left at their default
    (an edited value is the user's own, no longer the unverified default)."""
    in_use = [
        translate(context, names.get(n, n))
        for n in unverified
        if n not in params.specs or params.tag_state(n) == "unverified"
    ]
    return translate("Workbench", ", ").join(in_use) or "—"


class WorkbenchData(Protocol):
    """What every workbench load returns, besides the screen's own figures."""

    @property
    def day(self) -> date | None: ...

    @property
    def error(self) -> str: ...


Loader = Callable[[Reader, Any, ProgressState], WorkbenchData]
"""Read service of a workbench: (reader, the screen's request, progress) → data."""


class WorkbenchScreen(Screen):
    """A screen with title, trading day, banner, progress-aware loads and shortcuts.

    Subclasses pass their ``load`` read service, keep the request it is called with in
    ``self._request`` (``recompute`` reads the controls into it), and implement
    ``apply_result`` and ``export_request()`` (the frame, title and notes to export, or
    None when there is nothing to export); ``export_kind`` names the export in its
    audit entry (``export.<kind>``). They lay out their controls with
    ``add_toolbar`` and create their tables with ``add_table``.
    """

    exported = Signal(str)
    """Path of a finished export (GUI thread)."""

    title_source = ""
    progress_source = QT_TRANSLATE_NOOP("Workbench", "Computing…")
    export_kind = ""

    def __init__(
        self, ctx: DesktopContext, key: str, load: Loader, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, key, parent)
        self._load = load
        self._request: Any = None
        self._day: date | None = None
        self._tables: list[tuple[DataTableView, FrameTableModel]] = []
        self._progress: ProgressState | None = None
        self._dialog: ProgressDialog | None = None
        self.title_label = QLabel()
        self.title_label.setObjectName("screenTitle")
        self.subtitle_label = QLabel()
        self.subtitle_label.setObjectName("screenSubtitle")
        self.status_label = QLabel()
        self.status_label.setObjectName("countLabel")
        self.banner = Banner(f"{key}_caveat", self)
        self.error_banner = Banner(f"{key}_error", self)
        head = QHBoxLayout()
        head.addWidget(self.title_label)
        head.addSpacing(12)
        head.addWidget(self.subtitle_label, 1, Qt.AlignmentFlag.AlignBottom)
        head.addWidget(self.status_label, 0, Qt.AlignmentFlag.AlignBottom)
        self.root = QVBoxLayout(self)
        self.root.setContentsMargins(16, 10, 16, 10)
        self.root.setSpacing(6)
        self.root.addLayout(head)
        self.root.addWidget(self.banner)
        self.root.addWidget(self.error_banner)
        self.recompute_shortcut = QShortcut(QKeySequence("Ctrl+R"), self)
        self.recompute_shortcut.activated.connect(self.recompute)
        self.export_shortcut = QShortcut(QKeySequence("Ctrl+E"), self)
        self.export_shortcut.activated.connect(self.choose_export)
        self.recompute_button = QPushButton()
        self.recompute_button.setObjectName("recomputeButton")
        self.recompute_button.clicked.connect(self.recompute)
        self.export_button = QPushButton()
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.choose_export)

    # ----------------------------------------------------------------- building
    def add_toolbar(
        self,
        *controls: QWidget | int | tuple[QWidget, ...],
        buttons: Sequence[QPushButton] = (),
    ) -> None:
        """The row of controls below the banners: ``controls`` on the left (an int is a
        gap in pixels, a tuple of widgets stays together, e.g. a label and its field),
        then ``buttons``, Recompute and Export on the right. The controls wrap onto a
        second row when the window is too narrow for one."""
        flow = flow_of(*controls)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addLayout(flow, 1)
        right = QHBoxLayout()
        right.setSpacing(8)
        for button in (*buttons, self.recompute_button, self.export_button):
            right.addWidget(button)
        bar.addLayout(right)
        bar.setAlignment(right, Qt.AlignmentFlag.AlignTop)
        self.root.addLayout(bar)

    def add_table(
        self,
        name: str,
        model: FrameTableModel,
        stretch_key: str | None = None,
        *,
        fit: bool = False,
        client_key: str | None = "client_code",
    ) -> DataTableView:
        """A table view of ``model``; its header layout is saved under ``name`` and its
        headers follow the language. ``stretch_key``'s column takes the free width;
        ``fit`` sizes a small table's columns to their contents instead of the columns'
        default widths. A table with the column ``client_key`` (a client code) opens the
        row's client on double-click, Enter or "Open client" (the day shown here)."""
        view = DataTableView(self.ctx.settings, name, self)
        view.setModel(model)
        if client_key is not None and any(c.key == client_key for c in model.columns):
            view.link_clients(
                client_column(model, client_key),
                lambda code: self.ctx.bus.client_requested.emit(code, self._day),
            )
        if fit:
            assert stretch_key is not None
            view.fit_columns(model.columns, stretch_key)
        else:
            view.apply_default_widths(model.columns, stretch_key)
        self._tables.append((view, model))
        return view

    # ----------------------------------------------------------------- to override
    def make_query(self, progress: ProgressState) -> Callable[[Reader], Any]:
        load, request = self._load, self._request
        return lambda reader: load(reader, request, progress)

    def export_request(self) -> tuple[pd.DataFrame, str, list[str]] | None:
        return None

    def recompute(self) -> None:
        """Read the controls and load again (Ctrl+R)."""
        self.reload()

    def describe(self) -> str:
        """Subtitle after the trading day (e.g. the contract and D1–D3)."""
        return ""

    # ----------------------------------------------------------------- loading
    def build_query(self) -> Callable[[Reader], Any]:
        assert self._progress is not None
        return self.make_query(self._progress)

    def loading_started(self) -> None:
        self._finish_dialog()
        self._progress = ProgressState()
        self._dialog = ProgressDialog.delayed(
            self, translate("Workbench", self.progress_source), self._progress
        )
        self.status_label.setText(translate("Workbench", "Computing…"))

    def _finish_dialog(self) -> None:
        if self._progress is not None and self._dialog is not None:
            self._progress.cancel()  # a superseded load stops at its next report
            self._dialog.finish()
        self._dialog = None
        self._progress = None

    def apply(self, result: Any) -> None:
        if self._dialog is not None:
            self._dialog.finish()
        self._dialog, self._progress = None, None
        self.status_label.setText("")
        self._day = result.day
        self.error_banner.set_message(result.error, "danger")
        self.apply_result(result)
        self.update_subtitle()

    def apply_result(self, result: Any) -> None:
        """Show ``result`` (the trading day and error are shown already)."""
        raise NotImplementedError

    def load_failed(self, exc: Exception) -> None:
        if self._dialog is not None:
            self._dialog.finish()
        self._dialog, self._progress = None, None
        if isinstance(exc, OperationCancelledError):
            self.status_label.setText(translate("Workbench", "Cancelled"))
            return
        self.status_label.setText("")
        self.error_banner.set_message(str(exc), "danger")

    def set_error(self, text: str) -> None:
        self.error_banner.set_message(text, "danger")

    # ----------------------------------------------------------------- texts
    def update_subtitle(self) -> None:
        day = self._day.isoformat() if self._day else "—"
        parts = [translate("Workbench", "Trading day %1").replace("%1", day)]
        extra = self.describe()
        if extra:
            parts.append(extra)
        self.subtitle_label.setText("  ·  ".join(parts))

    def retranslate(self) -> None:
        self.title_label.setText(translate("Screens", self.title_source))
        self.recompute_shortcut.setWhatsThis(translate("Workbench", "Recompute"))
        self.recompute_button.setText(translate("Workbench", "Recompute (Ctrl+R)"))
        self.export_button.setText(translate("Workbench", "Export… (Ctrl+E)"))
        for _, model in self._tables:
            model.retranslate()
        self.update_subtitle()

    def trading_day(self) -> date | None:
        return self._day

    # ----------------------------------------------------------------- export
    def choose_export(self) -> None:
        """Ask for a file (XLSX, CSV or PDF) and export there (Ctrl+E)."""
        request = self.export_request()
        if request is None:
            return
        filters = ";;".join(
            [
                translate("Workbench", "Excel workbook (*.xlsx)"),
                translate("Workbench", "CSV, UTF-8 (*.csv)"),
                translate("Workbench", "PDF (*.pdf)"),
            ]
        )
        day = self._day.isoformat() if self._day else "export"
        start = str(Path.home() / f"{self.key}_{day}.xlsx")
        path, _ = QFileDialog.getSaveFileName(
            self, translate("Workbench", "Export"), start, filters
        )
        if path:
            self.export_to(path)

    def export_to(self, path: str | Path) -> None:
        """Write the export request to ``path`` (format from its suffix) and audit it on
        the write worker; ``exported(path)`` follows, or an error banner."""
        request = self.export_request()
        if request is None:
            return
        frame, title, notes = request
        export = TableExport(
            self.export_kind, frame, title, tuple(notes), labels=zh_labels(), sheet=self.key
        )
        db, user, target = self.ctx.db, self.ctx.config.user, Path(path)

        def done(future: Future[tuple[Path, Changes]]) -> None:
            try:
                written, changes = future.result()
            except RiskDeskError as exc:
                self.set_error(str(exc))
                return
            self.status_label.setText(
                translate("Workbench", "Exported %1").replace("%1", str(written))
            )
            self.ctx.bus.changes_applied.emit(changes, self)
            self.exported.emit(str(written))

        self.ctx.tasks.submit(
            lambda: export_table(db, export, target, user=user), done, writes=True, owner=self
        )
