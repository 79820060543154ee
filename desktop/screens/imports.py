"""Imports: load back-office files (positions, trades, prices, funds, receipts, orders,
delivery matches, EFP).

Files come from a file dialog or are dropped on the screen; the kind is read from the
file name when it says (``positions_1120.csv``), else taken from the kind box. Validate
is a dry run; Import validates every file first and imports nothing if any row fails.
Both run on the write worker with the delayed progress dialog; Cancel rolls back.
Errors are listed per cell (file, row, field, message) in a sortable, copyable table;
the column layout of the chosen kind is shown as help (``core.imports.LAYOUTS``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.imports import KINDS, LAYOUTS, ImportResult
from core.progress import ProgressState
from core.services.imports import FilesRun, sort_by_kind
from core.services.store import Reader
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.import_text import summary
from desktop.models.columns import LEFT, MUTED_BRUSH, NEGATIVE_BRUSH, RIGHT, Column, Kind
from desktop.models.frame_table import FrameTableModel
from desktop.screens.base import Screen
from desktop.screens.ops_imports import is_importable, kind_from_name, run_files
from desktop.screens.ops_layout_text import layout_text
from desktop.screens.ops_outcome import OpOutcome, capture
from desktop.screens.ops_queries import load_recent_imports
from desktop.screens.ops_widgets import ErrorTableView
from desktop.tasks import run_op
from desktop.widgets.banner import Banner
from desktop.widgets.data_table import DataTableView

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_DISPLAY = Qt.ItemDataRole.DisplayRole

KIND_LABELS: dict[str, str] = {
    "members": QT_TRANSLATE_NOOP("Values", "Members"),
    "clients": QT_TRANSLATE_NOOP("Values", "Clients"),
    "contracts": QT_TRANSLATE_NOOP("Values", "Contracts"),
    "warehouses": QT_TRANSLATE_NOOP("Values", "Delivery warehouses"),
    "positions": QT_TRANSLATE_NOOP("Values", "Positions"),
    "trades": QT_TRANSLATE_NOOP("Values", "Trades"),
    "settlement-prices": QT_TRANSLATE_NOOP("Values", "Settlement prices"),
    "fund-movements": QT_TRANSLATE_NOOP("Values", "Fund movements"),
    "receipts": QT_TRANSLATE_NOOP("Values", "Warehouse receipts"),
    "closing-orders": QT_TRANSLATE_NOOP("Values", "Unfilled closing orders"),
    "delivery-matches": QT_TRANSLATE_NOOP("Values", "Delivery matches"),
    "efp": QT_TRANSLATE_NOOP("Values", "EFP"),
}
STAGE_NAMES = {
    "read": QT_TRANSLATE_NOOP("Imports", "reading"),
    "validate": QT_TRANSLATE_NOOP("Imports", "validating"),
    "compare": QT_TRANSLATE_NOOP("Imports", "comparing with stored rows"),
    "write": QT_TRANSLATE_NOOP("Imports", "writing"),
}


def kind_label(kind: str) -> str:
    return translate("Values", KIND_LABELS.get(kind, kind))


# ------------------------------------------------------------------------ files model
@dataclass(frozen=True)
class ImportEntry:
    """A file waiting in the list; ``status`` is one of STATUS_LABELS' keys."""

    path: Path
    kind: str
    kind_from_name: bool
    status: str = "ready"
    result: ImportResult | None = None
    errors: int = 0


STATUS_LABELS = {
    "ready": QT_TRANSLATE_NOOP("Imports", "Ready"),
    "valid": QT_TRANSLATE_NOOP("Imports", "Valid"),
    "invalid": QT_TRANSLATE_NOOP("Imports", "%1 error(s)"),
    "imported": QT_TRANSLATE_NOOP("Imports", "Imported"),
    "skipped": QT_TRANSLATE_NOOP("Imports", "Not imported"),
}
FILE_COLUMNS = (
    QT_TRANSLATE_NOOP("Imports", "File"),
    QT_TRANSLATE_NOOP("Imports", "Kind"),
    QT_TRANSLATE_NOOP("Imports", "Status"),
    QT_TRANSLATE_NOOP("Imports", "Rows"),
    QT_TRANSLATE_NOOP("Imports", "New"),
    QT_TRANSLATE_NOOP("Imports", "Updated"),
    QT_TRANSLATE_NOOP("Imports", "Unchanged"),
)
_FILE_ALIGN = (LEFT, LEFT, LEFT, RIGHT, RIGHT, RIGHT, RIGHT)
_COUNT_FIELDS = ("rows", "inserted", "updated", "unchanged")


class ImportFilesModel(QAbstractTableModel):
    """The files to validate or import, with their kind, status and counts.

    Counts of a dry run are what the import would do. GUI thread only; see
    https://doc.qt.io/qt-6/qabstracttablemodel.html#subclassing.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[ImportEntry] = []

    @property
    def entries(self) -> tuple[ImportEntry, ...]:
        return tuple(self._entries)

    def add(self, entries: Sequence[ImportEntry]) -> int:
        """Append files not listed yet (by resolved path); returns how many were added."""
        known = {e.path.resolve() for e in self._entries}
        new = [e for e in entries if e.path.resolve() not in known]
        if new:
            first = len(self._entries)
            self.beginInsertRows(_ROOT, first, first + len(new) - 1)
            self._entries.extend(new)
            self.endInsertRows()
        return len(new)

    def remove_rows(self, rows: Sequence[int]) -> None:
        for row in sorted(set(rows), reverse=True):
            self.beginRemoveRows(_ROOT, row, row)
            del self._entries[row]
            self.endRemoveRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._entries.clear()
        self.endResetModel()

    def set_kind(self, rows: Sequence[int], kind: str) -> None:
        for row in rows:
            entry = self._entries[row]
            self._entries[row] = replace(entry, kind=kind, status="ready", result=None, errors=0)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(FILE_COLUMNS) - 1))

    def apply_run(self, run: FilesRun) -> None:
        """Show each file's outcome (matched by path)."""
        by_path = {f.path: f for f in run.files}
        for row, entry in enumerate(self._entries):
            outcome = by_path.get(entry.path)
            if outcome is None:
                continue
            if outcome.errors:
                status = "invalid"
            elif outcome.result is None:
                status = "skipped"
            else:
                status = "valid" if outcome.result.dry_run else "imported"
            self._entries[row] = replace(
                entry, status=status, result=outcome.result, errors=len(outcome.errors)
            )
        if self._entries:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._entries) - 1, len(FILE_COLUMNS) - 1)
            )

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(FILE_COLUMNS) - 1)
        if self._entries:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._entries) - 1, len(FILE_COLUMNS) - 1)
            )

    # ----------------------------------------------------------------- Qt contract
    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(FILE_COLUMNS)

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _FILE_ALIGN[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(entry.path) if column == 0 else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 2 and entry.status == "invalid":
                return NEGATIVE_BRUSH
            if column == 2 and entry.status == "skipped":
                return MUTED_BRUSH
            return None
        if role != _DISPLAY:
            return None
        if column == 0:
            return entry.path.name
        if column == 1:
            return kind_label(entry.kind)
        if column == 2:
            text = translate("Imports", STATUS_LABELS[entry.status])
            return text.replace("%1", f"{entry.errors:,}")
        if entry.result is None:
            return "—"
        return f"{getattr(entry.result, _COUNT_FIELDS[column - 3]):,}"

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(FILE_COLUMNS):
            return None
        if role == _DISPLAY:
            return translate("Imports", FILE_COLUMNS[section])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _FILE_ALIGN[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


# ------------------------------------------------------------------------ help
HELP_HEADERS = (
    QT_TRANSLATE_NOOP("Imports", "Column"),
    QT_TRANSLATE_NOOP("Imports", "Required"),
    QT_TRANSLATE_NOOP("Imports", "Type"),
    QT_TRANSLATE_NOOP("Imports", "Meaning"),
    QT_TRANSLATE_NOOP("Imports", "Also accepted"),
)


def layout_html(kind: str) -> str:
    """The columns of ``kind`` as an HTML table, types and meanings in the UI language."""
    yes, no = translate("Imports", "yes"), translate("Imports", "no")
    example = translate("Imports", "e.g. %1")
    head = "".join(f"<th align='left'>{escape(translate('Imports', h))}</th>" for h in HELP_HEADERS)
    rows = []
    for c in LAYOUTS[kind].columns:
        cells = (
            f"<code><b>{escape(c.name)}</b></code><br><span style='color:#7b8794'>"
            f"{escape(example.replace('%1', c.example))}</span>",
            yes if c.required else f"<span style='color:#7b8794'>{no}</span>",
            escape(layout_text(c.type_text().replace("`", ""))),
            escape(layout_text(c.meaning.replace("`", ""))),
            f"<span style='color:#52606d'>{escape('、'.join(c.aliases))}</span>",
        )
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    key = ", ".join(LAYOUTS[kind].key)
    note = translate("Imports", "Rows are matched to stored rows by: %1").replace("%1", key)
    return (
        "<table width='100%' cellspacing='0' cellpadding='4' "
        "style='border-collapse: collapse'>"
        f"<tr style='background:#eef2f6'>{head}</tr>{''.join(rows)}</table>"
        f"<p style='color:#52606d'>{escape(note)}</p>"
    )


HISTORY_COLUMNS = (
    Column("imported_at", QT_TRANSLATE_NOOP("Columns", "Imported at"), Kind.TEXT, 118),
    Column("kind", QT_TRANSLATE_NOOP("Columns", "Kind"), Kind.ENUM, 96, labels=KIND_LABELS),
    Column("file_name", QT_TRANSLATE_NOOP("Columns", "File"), Kind.TEXT, 150),
    Column("rows", QT_TRANSLATE_NOOP("Columns", "Rows"), Kind.INT, 56),
    Column("inserted", QT_TRANSLATE_NOOP("Columns", "New"), Kind.INT, 56),
    Column("updated", QT_TRANSLATE_NOOP("Columns", "Updated"), Kind.INT, 62),
    Column("user", QT_TRANSLATE_NOOP("Columns", "User"), Kind.CODE, 70),
)


# ------------------------------------------------------------------------ the screen
class ImportsScreen(Screen):
    """File list, Validate / Import, the error table and the layout help."""

    watched = ("audit",)
    run_finished = Signal(object)
    """Emitted with the ``OpOutcome`` of a validation or import once it is shown."""

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "imports", parent)
        self.setAcceptDrops(True)
        self._busy = False
        self._history_rows = 0

        self.title_label = QLabel()
        self.title_label.setObjectName("screenTitle")
        self.subtitle_label = QLabel()
        self.subtitle_label.setObjectName("screenSubtitle")

        self.kind_caption = QLabel()
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("importKind")
        self.kind_combo.setMinimumWidth(170)
        for kind in KINDS:
            self.kind_combo.addItem("", kind)
        # Reference kinds come first (dependency order); the daily default is positions.
        self.kind_combo.setCurrentIndex(self.kind_combo.findData("positions"))
        self.kind_combo.currentIndexChanged.connect(self._on_kind_chosen)
        self.add_button = QPushButton()
        self.add_button.setObjectName("addFiles")
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self.remove_selected)
        self.clear_button = QPushButton()
        self.clear_button.clicked.connect(self.clear_files)
        self.validate_button = QPushButton()
        self.validate_button.setObjectName("validateButton")
        self.validate_button.clicked.connect(self.validate)
        self.import_button = QPushButton()
        self.import_button.setObjectName("importButton")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.import_files)

        self.banner = Banner("importBanner")

        self.files_model = ImportFilesModel(self)
        self.files_view = DataTableView(ctx.settings, "imports_files", self)
        self.files_view.setModel(self.files_model)
        self.files_view.setSortingEnabled(False)
        header = self.files_view.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in enumerate((0, 96, 96, 58, 58, 58, 66)):
            if column == 0:
                header.setSectionResizeMode(0, header.ResizeMode.Stretch)
            else:
                self.files_view.setColumnWidth(column, width)
        self.files_view.selectionModel().selectionChanged.connect(self._on_file_selected)
        self.drop_hint = QLabel()
        self.drop_hint.setObjectName("dropHint")
        self.drop_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_hint.setWordWrap(True)
        self.drop_hint.setStyleSheet(
            "QLabel#dropHint { border: 2px dashed #b8c4d2; border-radius: 6px;"
            " background: #fafbfd; color: #52606d; padding: 18px; }"
        )
        self.files_stack = QStackedWidget()
        self.files_stack.addWidget(self.drop_hint)
        self.files_stack.addWidget(self.files_view)
        self.files_model.rowsInserted.connect(self._update_state)
        self.files_model.rowsRemoved.connect(self._update_state)
        self.files_model.modelReset.connect(self._update_state)

        self.errors_title = QLabel()
        self.errors_title.setObjectName("sectionTitle")
        self.errors_view = ErrorTableView(ctx.settings, "imports_errors", self)

        self.help_title = QLabel()
        self.help_title.setObjectName("sectionTitle")
        self.help_title.setWordWrap(True)
        self.layout_help = QTextBrowser()
        self.layout_help.setObjectName("layoutHelp")
        self.layout_help.setOpenLinks(False)
        self.layout_help.setStyleSheet("QTextBrowser { background: #ffffff; border: none; }")
        self.history_model = FrameTableModel(HISTORY_COLUMNS, self)
        self.history_view = DataTableView(ctx.settings, "imports_history", self)
        self.history_view.setModel(self.history_model)
        self.history_view.apply_default_widths(HISTORY_COLUMNS, "file_name")
        self.history_view.restore_header()

        help_page = QWidget()
        help_layout = QVBoxLayout(help_page)
        help_layout.setContentsMargins(8, 8, 8, 8)
        help_layout.addWidget(self.help_title)
        help_layout.addWidget(self.layout_help, 1)
        self.side_tabs = QTabWidget()
        self.side_tabs.setObjectName("importSideTabs")
        self.side_tabs.addTab(help_page, "")
        self.side_tabs.addTab(self.history_view, "")

        head = QHBoxLayout()
        head.addWidget(self.title_label)
        head.addSpacing(12)
        head.addWidget(self.subtitle_label, 1, Qt.AlignmentFlag.AlignBottom)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.kind_caption)
        bar.addWidget(self.kind_combo)
        bar.addSpacing(8)
        bar.addWidget(self.add_button)
        bar.addWidget(self.remove_button)
        bar.addWidget(self.clear_button)
        bar.addStretch(1)
        bar.addWidget(self.validate_button)
        bar.addWidget(self.import_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(6)
        left_layout.addWidget(self.files_stack, 2)
        left_layout.addWidget(self.errors_title)
        left_layout.addWidget(self.errors_view, 3)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("importsSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.side_tabs)
        self.splitter.setStretchFactor(0, 11)
        self.splitter.setStretchFactor(1, 9)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self._show_layout(self.current_kind())
        self.retranslate()
        self._update_state()

    # ----------------------------------------------------------------- Screen
    def build_query(self) -> Callable[[Reader], Any]:
        return load_recent_imports

    def apply(self, result: Any) -> None:
        assert isinstance(result, pd.DataFrame)
        self.history_model.set_frame(result)
        self._history_rows = len(result)

    def role_gates(self) -> Sequence[tuple[str, Sequence[QWidget | QAction]]]:
        return (("import.", (self.import_button,)),)

    def retranslate(self) -> None:
        self.title_label.setText(translate("Screens", "Imports"))
        self.subtitle_label.setText(
            translate(
                "Imports",
                "Back-office files into the database: every row is checked first; "
                "one bad row and nothing is imported",
            )
        )
        self.kind_caption.setText(translate("Imports", "Kind"))
        for i in range(self.kind_combo.count()):
            self.kind_combo.setItemText(i, kind_label(str(self.kind_combo.itemData(i))))
        self.add_button.setText(translate("Imports", "Add files…"))
        self.remove_button.setText(translate("Imports", "Remove"))
        self.clear_button.setText(translate("Imports", "Clear"))
        self.validate_button.setText(translate("Imports", "Validate"))
        self.validate_button.setToolTip(
            translate("Imports", "Check every row and count what would change; write nothing")
        )
        self.import_button.setText(translate("Imports", "Import"))
        self.drop_hint.setText(
            translate(
                "Imports",
                "Drop .csv or .xlsx files here, or choose them with “Add files…”.\n"
                "A file named after its kind (positions*.csv, trades*.xlsx, 持仓*.csv …) "
                "gets that kind; any other file gets the kind chosen above.",
            )
        )
        self.side_tabs.setTabText(0, translate("Imports", "Column layout"))
        self.side_tabs.setTabText(1, translate("Imports", "Recent imports"))
        self.files_model.retranslate()
        self.errors_view.retranslate()
        self.history_model.retranslate()
        self._show_layout(self.current_kind())
        self._update_state()

    def status_text(self) -> str:
        return translate("Imports", "%1 file(s)").replace("%1", str(self.files_model.rowCount()))

    # ----------------------------------------------------------------- files
    def current_kind(self) -> str:
        return str(self.kind_combo.currentData())

    def add_files(self, paths: Sequence[Path]) -> int:
        """List ``paths`` (.csv/.xlsx only); the kind comes from the name or the kind box.

        Returns how many files were added; other file types are reported in the banner.
        """
        accepted = [p for p in paths if is_importable(p)]
        refused = [p.name for p in paths if not is_importable(p)]
        entries = []
        for path in accepted:
            named = kind_from_name(path)
            entries.append(ImportEntry(path, named or self.current_kind(), named is not None))
        added = self.files_model.add(entries)
        if refused:
            self.banner.set_message(
                translate("Imports", "Not an import file (use .csv or .xlsx): %1").replace(
                    "%1", ", ".join(refused)
                ),
                "warning",
            )
        if entries:
            last = entries[-1]
            self._select_kind(last.kind)
        return added

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            translate("Imports", "Choose files to import"),
            "",
            translate("Imports", "Import files (*.csv *.xlsx *.xlsm);;All files (*)"),
        )
        if paths:
            self.add_files([Path(p) for p in paths])

    def remove_selected(self) -> None:
        self.files_model.remove_rows(self._selected_rows())

    def clear_files(self) -> None:
        self.files_model.clear()
        self.errors_view.error_model.clear()
        self.banner.clear()
        self._update_state()

    def _selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.files_view.selectionModel().selectedRows()})

    def _select_kind(self, kind: str) -> None:
        index = self.kind_combo.findData(kind)
        if index >= 0 and index != self.kind_combo.currentIndex():
            self.kind_combo.blockSignals(True)
            self.kind_combo.setCurrentIndex(index)
            self.kind_combo.blockSignals(False)
        self._show_layout(kind)

    def _on_kind_chosen(self, _index: int) -> None:
        kind = self.current_kind()
        rows = self._selected_rows()
        if rows:
            self.files_model.set_kind(rows, kind)
        self._show_layout(kind)

    def _on_file_selected(self, *_args: object) -> None:
        rows = self._selected_rows()
        if rows:
            self._select_kind(self.files_model.entries[rows[0]].kind)

    def _show_layout(self, kind: str) -> None:
        self.help_title.setText(
            translate("Imports", "Columns of a %1 file (header in row 1)").replace(
                "%1", kind_label(kind)
            )
        )
        self.layout_help.setHtml(layout_html(kind))

    # ----------------------------------------------------------------- drag and drop
    @staticmethod
    def _dropped_paths(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self._busy and any(is_importable(p) for p in self._dropped_paths(event)):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not self._busy and any(is_importable(p) for p in self._dropped_paths(event)):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_paths(event)
        if self._busy or not paths:
            event.ignore()
            return
        self.add_files(paths)
        event.acceptProposedAction()

    # ----------------------------------------------------------------- validate / import
    def validate(self) -> None:
        self._run(dry_run=True)

    def import_files(self) -> None:
        self._run(dry_run=False)

    def _run(self, *, dry_run: bool) -> None:
        entries = self.files_model.entries
        if self._busy or not entries:
            return
        files = sort_by_kind([(e.path, e.kind) for e in entries])
        db, user = self.ctx.db, self.ctx.config.user
        stages = {k: translate("Imports", v) for k, v in STAGE_NAMES.items()}

        def op(progress: ProgressState) -> tuple[FilesRun, Any]:
            return run_files(
                db, files, user=user, dry_run=dry_run, progress=progress, stage_names=stages
            )

        label = (
            translate("Imports", "Validating files")
            if dry_run
            else translate("Imports", "Importing files")
        )
        self._set_busy(True)
        self.banner.set_message(label + "…", "info")
        self.errors_view.error_model.clear()
        run_op(self.ctx, self, label, capture(op), self._on_done)

    def _on_done(self, outcome: OpOutcome[FilesRun]) -> None:
        self._set_busy(False)
        self._show_outcome(outcome)
        self.run_finished.emit(outcome)

    def _show_outcome(self, outcome: OpOutcome[FilesRun]) -> None:
        if outcome.cancelled:
            self.banner.set_message(
                translate("Imports", "Cancelled: the file being imported was rolled back."),
                "warning",
            )
            return
        if outcome.refused or outcome.value is None:
            self.errors_view.error_model.set_errors(outcome.errors)
            detail = summary(outcome.errors, outcome.message)
            self.banner.set_message(
                translate("Imports", "Nothing was imported: %1").replace("%1", detail), "danger"
            )
            self._update_state()
            return
        run = outcome.value
        self.files_model.apply_run(run)
        self.errors_view.error_model.set_errors(run.errors)
        self._update_state()
        self._show_run_banner(run)

    def _show_run_banner(self, run: FilesRun) -> None:
        results = run.results
        counts = (
            translate("Imports", "%1 row(s): %2 new, %3 updated, %4 unchanged")
            .replace("%1", f"{sum(r.rows for r in results):,}")
            .replace("%2", f"{sum(r.inserted for r in results):,}")
            .replace("%3", f"{sum(r.updated for r in results):,}")
            .replace("%4", f"{sum(r.unchanged for r in results):,}")
        )
        bad_files = sum(1 for f in run.files if f.errors)
        errors = (
            translate("Imports", "%1 error(s) in %2 file(s)")
            .replace("%1", f"{len(run.errors):,}")
            .replace("%2", str(bad_files))
        )
        if run.dry_run and run.failed:
            text = translate("Imports", "Validation failed: %1. Nothing was imported.").replace(
                "%1", errors
            )
            self.banner.set_message(text, "danger")
        elif run.dry_run:
            text = translate("Imports", "All files are valid; importing would change %1.")
            self.banner.set_message(text.replace("%1", counts), "success")
        elif run.failed and run.imported:
            text = translate(
                "Imports", "%1. Imported before the failure: %2 file(s), %3. The rest was not."
            )
            self.banner.set_message(
                text.replace("%1", errors)
                .replace("%2", str(len(run.imported)))
                .replace("%3", counts),
                "danger",
            )
        elif run.failed:
            text = translate("Imports", "Nothing was imported: %1. Correct the files and retry.")
            self.banner.set_message(text.replace("%1", errors), "danger")
        else:
            text = translate("Imports", "Imported %1 file(s): %2.")
            self.banner.set_message(
                text.replace("%1", str(len(run.imported))).replace("%2", counts), "success"
            )

    # ----------------------------------------------------------------- state
    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_state()

    def _update_state(self, *_args: object) -> None:
        has_files = self.files_model.rowCount() > 0
        self.files_stack.setCurrentIndex(1 if has_files else 0)
        for button in (self.validate_button, self.import_button, self.clear_button):
            button.setEnabled(has_files and not self._busy)
        self.remove_button.setEnabled(has_files and not self._busy)
        self.add_button.setEnabled(not self._busy)
        self.kind_combo.setEnabled(not self._busy)
        n = self.errors_view.error_model.rowCount()
        self.errors_title.setText(
            translate("Imports", "Problems (%1)").replace("%1", f"{n:,}")
            if n
            else translate("Imports", "Problems: none")
        )
        self.status_changed.emit()


def create(ctx: DesktopContext, parent: QWidget | None = None) -> ImportsScreen:
    return ImportsScreen(ctx, parent)
