"""Export any table's rows from its context menu: the core's export, audited.

``connect_exports(ctx, root, title)`` gives every ``DataTableView`` under ``root`` the
*Export selected rows…* and *Export the table…* items. The rows go as the table shows
them (its shown columns in their order, the headers in the UI language, numbers
without separators) through ``core.services.exports.export_table`` on the write
worker: XLSX, CSV or PDF by the file's suffix, with one audit entry
(``export.table``, the table's name, which rows, how many, the file). A PDF says which
filters were on.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import pandas as pd
from PySide6.QtWidgets import QFileDialog, QMainWindow, QWidget

from core.changes import Changes
from core.errors import RiskDeskError
from core.services.exports import TableExport, export_table
from desktop.context import DesktopContext
from desktop.i18n import translate
from desktop.models.column_filter import describe
from desktop.widgets.data_table import DataTableView
from desktop.widgets.error_view import show_error

CONTEXT = "TableTools"
STATUS_MS = 10_000


def ask_export_path(parent: QWidget, suggested: str) -> str:
    """Ask where to write (tests replace this); "" when cancelled."""
    filters = ";;".join(
        [
            translate("TableTools", "Excel workbook (*.xlsx)"),
            translate("TableTools", "CSV, UTF-8 (*.csv)"),
            translate("TableTools", "PDF (*.pdf)"),
        ]
    )
    path, _ = QFileDialog.getSaveFileName(
        parent, translate("TableTools", "Export rows"), str(Path.home() / suggested), filters
    )
    return path


def rows_frame(view: DataTableView, rows: list[int]) -> pd.DataFrame:
    """``rows`` of ``view`` as text, one column per shown column, headed by its title
    (a repeated title gets a number: a frame's columns are unique)."""
    columns = view.shown_columns()
    data: dict[str, list[str]] = {}
    for title, column in zip(view.header_titles(columns), columns, strict=True):
        name, n = title, 2
        while name in data:
            name, n = f"{title} ({n})", n + 1
        data[name] = [view.cell_text(r, column) for r in rows]
    return pd.DataFrame(data, dtype=object)


def filter_notes(view: DataTableView) -> list[str]:
    """The column filters in force, one line each ("Risk ratio: ≥ 100.00%")."""
    model = view.column_model()
    if model is None:
        return []
    return [
        f"{model.columns[c].title()}: {describe(model.columns[c], f, model.value_labels(c))}"
        for c, f in sorted(model.column_filters.items())
    ]


def export_rows(
    ctx: DesktopContext,
    view: DataTableView,
    selected_only: bool,
    title: str,
    *,
    path: str | Path | None = None,
    on_done: Callable[[Path], None] | None = None,
) -> bool:
    """Write the selected rows (or every shown row) of ``view`` to ``path`` (asked for
    when None), audited, on the write worker. False when there was nothing to do."""
    model = view.model()
    rows = view.selected_rows() if selected_only else list(range(model.rowCount()))
    if not rows:
        return False
    if path is None:
        path = ask_export_path(view, f"{view.name}.xlsx")
        if not path:
            return False
    frame = rows_frame(view, rows)
    which = "selected" if selected_only else "shown"
    notes = [
        translate("TableTools", "%1 of %2 rows")
        .replace("%1", f"{len(rows):,}")
        .replace("%2", f"{model.rowCount():,}"),
        *filter_notes(view),
    ]
    export = TableExport(
        "table",
        frame,
        title,
        tuple(notes),
        sheet=view.name[:31],
        about={"table": view.name, "rows_of": which},
    )
    db, user, target = ctx.db, ctx.config.user, Path(path)

    def done(future: Future[tuple[Path, Changes]]) -> None:
        try:
            written, changes = future.result()
        except RiskDeskError as exc:
            show_error(view, exc)
            return
        ctx.bus.changes_applied.emit(changes, view)
        window = view.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(
                translate("TableTools", "Exported %1 rows to %2")
                .replace("%1", f"{len(rows):,}")
                .replace("%2", str(written)),
                STATUS_MS,
            )
        if on_done is not None:
            on_done(written)

    ctx.tasks.submit(
        lambda: export_table(db, export, target, user=user), done, writes=True, owner=view
    )
    return True


def connect_exports(ctx: DesktopContext, root: QWidget, title: Callable[[], str]) -> None:
    """Give every ``DataTableView`` under ``root`` (``root`` too) the export items;
    ``title`` names the export (the screen's title, in the UI language)."""
    views = root.findChildren(DataTableView)
    if isinstance(root, DataTableView):
        views.append(root)
    for view in views:
        if view.exporter is None:
            view.exporter = lambda v, selected: _export(ctx, v, selected, title())


def _export(ctx: DesktopContext, view: DataTableView, selected: bool, title: str) -> None:
    export_rows(ctx, view, selected, title)
