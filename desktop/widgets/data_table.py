"""The table view every screen uses, with the desk's table gestures in one place.

Compact rows, a sortable header remembered in QSettings, and what every table offers
(STYLE: shared behaviour in the view and the models, never per screen):

* **Context menu** (right click, the menu key): the screen's row actions (``Open
  client`` from ``link_clients``, the screen's own ``add_row_actions``), then *Copy*
  (Ctrl+C) and *Copy with headers* (Ctrl+Shift+C) of the selected rows as
  tab-separated text (Excel pastes it into cells; numbers without separators),
  *Export selected rows…* / *Export the table…* (written and audited by the core's
  export, ``desktop.table_export``), the column's filter, the column chooser and the
  named layouts.
* **Per-column filters** over ``ColumnTableModel`` (``desktop.models.column_filter``):
  a range for numbers (yuan, %, lots), a list of values otherwise; the header of a
  filtered column is bold and underlined and says the filter in its tooltip. Right
  click on the header: the column's filter and the column chooser.
* **Named layouts**: widths, order, hidden columns, sort and column filters saved
  under a name per table (``UiSettings.table_layouts``), applied from the menu.
* ``freeze_first_column()``: the first column stays put while the others scroll
  (``widgets.frozen_column``).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QModelIndex, QPersistentModelIndex, QPoint, Qt
from PySide6.QtGui import (
    QAction,
    QBrush,
    QContextMenuEvent,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QInputDialog,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from desktop.i18n import translate
from desktop.models.column_filter import ColumnFilter
from desktop.models.column_model import ColumnTableModel
from desktop.models.columns import Column
from desktop.settings import UiSettings
from desktop.widgets.client_link import ClientLink, link_clients
from desktop.widgets.column_fit import ColumnFit

if TYPE_CHECKING:
    from desktop.widgets.frozen_column import FrozenColumn

ROW_HEIGHT = 24
CONTEXT = "TableTools"
COPY_WITH_HEADERS = QKeySequence("Ctrl+Shift+C")

Exporter = Callable[["DataTableView", bool], None]
"""Writes a table's rows to a file: (view, selected rows only)."""


class TintDelegate(QStyledItemDelegate):
    """Paints the model's BackgroundRole brush (row tints) under the cell, without the
    per-cell focus frame (rows are selected whole; the frame is noise in a dense table).

    The application style sheet styles ``QTableView::item``, and Qt's style-sheet style
    then ignores BackgroundRole: the tints (risk levels, limits, deadlines, differing
    lots) are painted here instead. A selected row shows the selection, not its tint.
    """

    def initStyleOption(  # noqa: N802 (Qt override)
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.state &= ~QStyle.StateFlag.State_HasFocus

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        brush = index.data(Qt.ItemDataRole.BackgroundRole)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if isinstance(brush, QBrush) and not selected:
            painter.fillRect(option.rect, brush)
        super().paint(painter, option, index)


class DataTableView(QTableView):
    """A read-only, row-selecting, sortable table whose header layout is remembered.

    ``name`` is the key of the header state and of the named layouts in ``UiSettings``
    (one per table). See the module doc for the menus and the copy keys.
    """

    provides_context_menu = True
    """``ClientLink`` adds its action to this view's own menu (no actions menu)."""

    def __init__(self, settings: UiSettings, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._name = name
        self.client_link: ClientLink | None = None
        """Set by ``link_clients``: the row's client opens the client panel."""
        self.exporter: Exporter | None = None
        """Set by ``desktop.table_export.connect_exports``: "Export…" in the menu."""
        self._row_actions: list[QAction] = []
        self._default_state: QByteArray | None = None
        self.frozen: FrozenColumn | None = None
        """The first column's overlay after ``freeze_first_column``."""
        self.last_menu: QMenu | None = None
        """The last context menu shown (tests read it)."""
        self.setObjectName(f"table_{name}")
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setItemDelegate(TintDelegate(self))
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setMinimumSectionSize(48)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_menu)
        font = QFont(self.font())
        font.setFeature(QFont.Tag("tnum"), 1)  # tabular digits: amounts line up
        self.setFont(font)
        self.column_fit = ColumnFit(self)
        """Titles never cut; the free-width column keeps its own width (``fill``)."""

    @property
    def name(self) -> str:
        return self._name

    def column_model(self) -> ColumnTableModel | None:
        """The model when it is a ``ColumnTableModel`` (filters need one)."""
        model = self.model()
        return model if isinstance(model, ColumnTableModel) else None

    # ----------------------------------------------------------------- widths
    def apply_default_widths(
        self, columns: Sequence[Column], stretch_key: str | None = None
    ) -> None:
        """Initial widths, each at least its title's; ``stretch_key``'s column (else
        the last) takes the free width instead of the last column (so amounts stay next
        to the names they belong to), never less than its own width."""
        keys = [c.key for c in columns]
        for i, column in enumerate(columns):
            self.setColumnWidth(i, column.width)
        if not columns:
            return
        fill = keys.index(stretch_key) if stretch_key in keys else len(columns) - 1
        self.column_fit.fill(fill, columns[fill].width)
        self.column_fit.titles_fit()

    def fit_columns(self, columns: Sequence[Column], stretch_key: str) -> None:
        """Small tables: every column fits its contents, ``stretch_key`` takes the rest.

        Not for large tables: ResizeToContents measures every row.
        """
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionsMovable(False)
        for i, column in enumerate(columns):
            if column.key == stretch_key:
                self.column_fit.fill(i, column.width, to_contents=True)
            else:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)

    def freeze_first_column(self) -> None:
        """Keep the first column in place while the others scroll sideways."""
        from desktop.widgets.frozen_column import FrozenColumn

        if self.frozen is None:
            self.frozen = FrozenColumn(self)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.frozen is not None:
            self.frozen.update_geometry()

    def updateGeometries(self) -> None:  # noqa: N802 (Qt override)
        super().updateGeometries()
        if self.frozen is not None:
            self.frozen.update_geometry()

    # ----------------------------------------------------------------- drill-down
    def link_clients(
        self, client_at: Callable[[int], str | None], open_client: Callable[[str], None]
    ) -> None:
        """Double-click, Enter and "Open client" on a row open the row's client
        (``client_at(view_row)``; ``desktop.widgets.client_link``). A second call
        replaces the first."""
        if self.client_link is not None:
            self.client_link.detach()
        self.client_link = link_clients(self, client_at, open_client)

    def add_row_actions(self, actions: Sequence[QAction]) -> None:
        """The screen's own actions on the selected rows, first in the context menu."""
        self._row_actions.extend(actions)

    def row_actions(self) -> list[QAction]:
        link = [self.client_link.action] if self.client_link is not None else []
        return link + self._row_actions

    # ----------------------------------------------------------------- rows and text
    def selected_rows(self) -> list[int]:
        """The selected view rows in view order; the current row when none is."""
        selection = self.selectionModel()
        rows = sorted({i.row() for i in selection.selectedRows()}) if selection else []
        if not rows and self.currentIndex().isValid():
            rows = [self.currentIndex().row()]
        return rows

    def shown_columns(self) -> list[int]:
        """Logical columns in the order shown, hidden ones left out."""
        header = self.horizontalHeader()
        model = self.model()
        count = model.columnCount() if model is not None else 0
        logical = [header.logicalIndex(v) for v in range(count)]
        return [c for c in logical if c >= 0 and not header.isSectionHidden(c)]

    def header_titles(self, columns: Sequence[int]) -> list[str]:
        model = self.model()
        return [
            str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
            for c in columns
        ]

    def cell_text(self, row: int, column: int) -> str:
        """What the clipboard takes of a cell: numbers without separators."""
        model = self.model()
        if isinstance(model, ColumnTableModel):
            return model.plain_text(row, column)
        value = model.index(row, column).data(Qt.ItemDataRole.DisplayRole)
        return "" if value is None else str(value)

    def rows_text(self, rows: Sequence[int], *, headers: bool) -> str:
        """``rows`` as tab-separated lines (the shown columns, in their order)."""
        columns = self.shown_columns()
        lines = ["\t".join(self.header_titles(columns))] if headers else []
        for row in rows:
            cells = (_one_line(self.cell_text(row, c)) for c in columns)
            lines.append("\t".join(cells))
        return "\n".join(lines)

    def copy_rows(self, *, headers: bool = False) -> str:
        """Copy the selected rows to the clipboard; returns the text."""
        text = self.rows_text(self.selected_rows(), headers=headers)
        QGuiApplication.clipboard().setText(text)
        return text

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_rows()
            event.accept()
            return
        if QKeySequence(event.keyCombination()) == COPY_WITH_HEADERS:
            self.copy_rows(headers=True)
            event.accept()
            return
        super().keyPressEvent(event)

    # ----------------------------------------------------------------- menus
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        pos = self.viewport().mapFromGlobal(event.globalPos())
        menu = self.context_menu(pos)
        menu.popup(event.globalPos())

    def context_menu(self, pos: QPoint) -> QMenu:
        """The context menu at viewport position ``pos`` (the row under it becomes
        current when it is not selected yet, as in a spreadsheet)."""
        index = self.indexAt(pos)
        if index.isValid() and index.row() not in self.selected_rows():
            self.selectRow(index.row())
            self.setCurrentIndex(index)
        column = index.column() if index.isValid() else self.currentIndex().column()
        menu = QMenu(self)
        menu.setObjectName("tableMenu")
        actions = self.row_actions()
        for action in actions:
            menu.addAction(action)
        if actions:
            menu.addSeparator()
        has_rows = bool(self.selected_rows())
        self._menu_action(
            menu,
            "copyRows",
            translate("TableTools", "Copy"),
            self.copy_rows,
            QKeySequence.StandardKey.Copy,
            enabled=has_rows,
        )
        self._menu_action(
            menu,
            "copyRowsWithHeaders",
            translate("TableTools", "Copy with headers"),
            lambda: self.copy_rows(headers=True),
            COPY_WITH_HEADERS,
            enabled=has_rows,
        )
        exporter = self.exporter
        if exporter is not None:
            menu.addSeparator()
            self._menu_action(
                menu,
                "exportSelected",
                translate("TableTools", "Export selected rows…"),
                lambda: exporter(self, True),
                enabled=has_rows,
            )
            model = self.model()
            self._menu_action(
                menu,
                "exportTable",
                translate("TableTools", "Export the table…"),
                lambda: exporter(self, False),
                enabled=model is not None and model.rowCount() > 0,
            )
        menu.addSeparator()
        self._add_filter_items(menu, column)
        self._add_columns_menu(menu)
        self._add_layouts_menu(menu)
        self.last_menu = menu
        return menu

    def header_menu(self, section: int) -> QMenu:
        """The header's menu on ``section``: its filter, the column chooser."""
        menu = QMenu(self)
        menu.setObjectName("headerMenu")
        self._add_filter_items(menu, section)
        self._add_columns_menu(menu)
        self._add_layouts_menu(menu)
        self.last_menu = menu
        return menu

    def _on_header_menu(self, pos: QPoint) -> None:
        header = self.horizontalHeader()
        menu = self.header_menu(header.logicalIndexAt(pos))
        menu.popup(header.mapToGlobal(pos))

    @staticmethod
    def _menu_action(
        menu: QMenu,
        name: str,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
        *,
        enabled: bool = True,
        checked: bool | None = None,
    ) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutVisibleInContextMenu(True)
        if checked is not None:
            action.setCheckable(True)
            action.setChecked(checked)
        action.setEnabled(enabled)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _add_filter_items(self, menu: QMenu, column: int) -> None:
        model = self.column_model()
        if model is None:
            return
        if model.can_filter(column):
            title = model.columns[column].title()
            self._menu_action(
                menu,
                "filterColumn",
                translate("TableTools", "Filter “%1”…").replace("%1", title),
                lambda: self.edit_filter(column),
            )
            if model.column_filter(column) is not None:
                self._menu_action(
                    menu,
                    "clearColumnFilter",
                    translate("TableTools", "Clear the filter of “%1”").replace("%1", title),
                    lambda: model.set_column_filter(column, None),
                )
        if model.column_filters:
            self._menu_action(
                menu,
                "clearFilters",
                translate("TableTools", "Clear every column filter"),
                lambda: model.set_column_filters({}),
            )

    def _add_columns_menu(self, menu: QMenu) -> None:
        model = self.model()
        if model is None or model.columnCount() < 2:
            return
        sub = menu.addMenu(translate("TableTools", "Columns"))
        sub.setObjectName("columnsMenu")
        header = self.horizontalHeader()
        shown = len(self.shown_columns())
        for column in range(model.columnCount()):
            visible = not header.isSectionHidden(column)
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            self._menu_action(
                sub,
                f"column_{column}",
                title,
                partial(self.set_column_shown, column, not visible),
                enabled=not (visible and shown == 1),  # the last shown column stays
                checked=visible,
            )
        sub.addSeparator()
        self._menu_action(
            sub,
            "showAllColumns",
            translate("TableTools", "Show every column"),
            self.show_all_columns,
        )

    def set_column_shown(self, column: int, shown: bool) -> None:
        header = self.horizontalHeader()
        if shown:
            header.showSection(column)
            if header.sectionSize(column) < header.minimumSectionSize():
                header.resizeSection(column, header.defaultSectionSize())
        elif len(self.shown_columns()) > 1:
            header.hideSection(column)

    def show_all_columns(self) -> None:
        header = self.horizontalHeader()
        for column in range(header.count()):
            header.showSection(column)

    def edit_filter(self, column: int) -> Any:
        """Open the filter dialog of ``column`` (returns it, non-blocking)."""
        from desktop.widgets.column_filter_dialog import edit_column_filter

        model = self.column_model()
        if model is None or not model.can_filter(column):
            return None
        return edit_column_filter(model, column, self)

    # ----------------------------------------------------------------- named layouts
    def _add_layouts_menu(self, menu: QMenu) -> None:
        sub = menu.addMenu(translate("TableTools", "Layouts"))
        sub.setObjectName("layoutsMenu")
        names = sorted(self.layout_names())
        for name in names:
            self._menu_action(sub, f"layout:{name}", name, partial(self.apply_layout, name))
        if names:
            sub.addSeparator()
        self._menu_action(
            sub, "saveLayout", translate("TableTools", "Save layout as…"), self.ask_save_layout
        )
        if names:
            delete = sub.addMenu(translate("TableTools", "Delete layout"))
            delete.setObjectName("deleteLayoutMenu")
            for name in names:
                self._menu_action(delete, f"delete:{name}", name, partial(self.delete_layout, name))
        self._menu_action(
            sub,
            "defaultLayout",
            translate("TableTools", "Default layout"),
            self.reset_layout,
            enabled=self._default_state is not None,
        )

    def layout_names(self) -> list[str]:
        return list(self._settings.table_layouts(self._name))

    def layout_state(self) -> dict[str, Any]:
        """What a named layout keeps: the header (widths, order, hidden, sort) and the
        column filters by column key."""
        state = bytes(self.horizontalHeader().saveState().data())
        data: dict[str, Any] = {"header": base64.b64encode(state).decode("ascii")}
        model = self.column_model()
        if model is not None:
            data["filters"] = {
                model.columns[c].key: f.to_json() for c, f in model.column_filters.items()
            }
        return data

    def save_layout(self, name: str) -> None:
        """Save the current layout as ``name`` (replacing one of that name)."""
        name = name.strip()
        if not name:
            raise ValueError("a layout needs a name")
        layouts = self._settings.table_layouts(self._name)
        layouts[name] = self.layout_state()
        self._settings.set_table_layouts(self._name, layouts)

    def apply_layout(self, name: str) -> bool:
        """Apply the layout saved as ``name``; False when there is none."""
        data = self._settings.table_layouts(self._name).get(name)
        if not isinstance(data, dict):
            return False
        self.apply_layout_state(data)
        return True

    def apply_layout_state(self, data: dict[str, Any]) -> None:
        header_b64 = data.get("header")
        if isinstance(header_b64, str):
            try:
                raw = base64.b64decode(header_b64.encode("ascii"), validate=True)
            except ValueError:
                raw = b""
            if raw:
                self.horizontalHeader().restoreState(QByteArray(raw))
        model = self.column_model()
        filters = data.get("filters")
        if model is not None and isinstance(filters, dict):
            chosen: dict[int, ColumnFilter] = {}
            for key, value in filters.items():
                flt = ColumnFilter.from_json(value) if isinstance(value, dict) else None
                try:
                    column = model.column_of(str(key))
                except ValueError:
                    continue  # a column this version no longer has
                if flt is not None:
                    chosen[column] = flt
            model.set_column_filters(chosen)

    def delete_layout(self, name: str) -> None:
        layouts = self._settings.table_layouts(self._name)
        if layouts.pop(name, None) is not None:
            self._settings.set_table_layouts(self._name, layouts)

    def ask_save_layout(self) -> None:
        name, ok = QInputDialog.getText(
            self,
            translate("TableTools", "Save layout"),
            translate("TableTools", "Name of this layout (columns, widths, order, sort, filters):"),
        )
        if ok and name.strip():
            self.save_layout(name)

    def reset_layout(self) -> None:
        """The screen's default widths and order, every column shown, no column filter."""
        if self._default_state is not None:
            self.horizontalHeader().restoreState(self._default_state)
        self.show_all_columns()
        model = self.column_model()
        if model is not None:
            model.set_column_filters({})

    # ----------------------------------------------------------------- header state
    def restore_header(self) -> bool:
        if self._default_state is None:  # the screen's own widths, before the user's
            self._default_state = self.horizontalHeader().saveState()
        state = self._settings.header_state(self._name)
        restored = bool(state is not None and self.horizontalHeader().restoreState(state))
        if restored:  # a state saved before the free-width column was fitted
            self.column_fit.reapply()
        return restored

    def save_header(self) -> None:
        self._settings.set_header_state(self._name, self.horizontalHeader().saveState())


def _one_line(text: str) -> str:
    """A cell on one line of tab-separated text (a tab or newline would split it)."""
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
