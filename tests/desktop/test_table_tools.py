"""What every table offers, on the Accounts screen of the sample database: the context
menu (Open client first, copy with and without headers as tab-separated text, export of
the selection, audited), per-column filters (a range typed in percent, a list of
values; a bad bound is named and changes nothing), the column chooser, named layouts,
and the colour convention of P&L (Chinese red profit by default, switchable)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from core.audit import recent
from core.money import format_yuan
from desktop import palette
from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.models.column_filter import BoundError, ColumnFilter, parse_bound
from desktop.models.column_model import RAW_ROLE
from desktop.screens.table_screen import TableScreen
from desktop.settings import UiSettings
from desktop.table_export import export_rows
from desktop.widgets.column_filter_dialog import ColumnFilterDialog
from desktop.widgets.data_table import DataTableView

LOAD_MS = 20_000


def open_accounts(ctx: DesktopContext, qtbot: Any) -> tuple[MainWindow, TableScreen]:
    window = MainWindow(ctx, "accounts")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(window.is_ready, timeout=LOAD_MS)
    screen = window.current_page()
    assert isinstance(screen, TableScreen)
    return window, screen


def raw_column(view: DataTableView, key: str) -> list[Any]:
    model = view.column_model()
    assert model is not None
    column = model.column_of(key)
    return [model.index(r, column).data(RAW_ROLE) for r in range(model.rowCount())]


def menu_names(view: DataTableView) -> list[str]:
    menu = view.context_menu(view.visualRect(view.currentIndex()).center())
    return [a.objectName() or a.text() for a in menu.actions() if not a.isSeparator()]


def test_the_context_menu_opens_the_client_copies_exports_and_filters(
    ctx: DesktopContext, qtbot: Any
) -> None:
    _window, screen = open_accounts(ctx, qtbot)
    view = screen.view
    view.setCurrentIndex(view.model().index(0, 0))
    names = menu_names(view)
    assert names[0] == "openClient"
    for name in ("copyRows", "copyRowsWithHeaders", "exportSelected", "exportTable"):
        assert name in names
    assert "filterColumn" in names


def test_copy_takes_the_selected_rows_tab_separated_with_or_without_headers(
    ctx: DesktopContext, qtbot: Any
) -> None:
    _window, screen = open_accounts(ctx, qtbot)
    view, model = screen.view, screen.model
    code, balance = model.column_of("client_code"), model.column_of("balance_fen")
    view.selectRow(1)
    view.selectionModel().select(
        model.index(3, 0),
        view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows,
    )
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().split("\n")
    assert len(lines) == 2
    first = lines[0].split("\t")
    assert len(first) == model.columnCount()
    assert first[code] == model.index(1, code).data()
    fen = model.index(1, balance).data(RAW_ROLE)
    # Exact yuan without separators, so that a spreadsheet reads a number.
    assert first[balance] == format_yuan(fen, separators=False)
    assert "," not in first[balance]
    assert "." in first[balance]
    assert lines[1].split("\t")[code] == model.index(3, code).data()

    qtbot.keyClick(
        view,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    with_headers = QGuiApplication.clipboard().text().split("\n")
    assert len(with_headers) == 3
    assert with_headers[0].split("\t")[code] == "Client code"
    assert with_headers[1:] == lines


def test_a_hidden_column_leaves_the_copy_and_comes_back(ctx: DesktopContext, qtbot: Any) -> None:
    _window, screen = open_accounts(ctx, qtbot)
    view, model = screen.view, screen.model
    name_column = model.column_of("client_name")
    view.set_column_shown(name_column, False)
    view.selectRow(0)
    headers = view.copy_rows(headers=True).split("\n")[0].split("\t")
    assert "Client name" not in headers
    assert len(headers) == model.columnCount() - 1
    view.show_all_columns()
    assert "Client name" in view.copy_rows(headers=True).split("\n")[0].split("\t")


def test_a_risk_ratio_range_typed_in_percent_keeps_the_accounts_at_or_above_it(
    ctx: DesktopContext, qtbot: Any
) -> None:
    _window, screen = open_accounts(ctx, qtbot)
    view, model = screen.view, screen.model
    ratios = raw_column(view, "risk_ratio_ppm")
    total = len(ratios)
    expected = sum(1 for r in ratios if r is not None and r >= 1_000_000)  # ≥ 100 %
    assert 0 < expected < total  # the sample has both
    column = model.column_of("risk_ratio_ppm")
    dialog = view.edit_filter(column)
    assert isinstance(dialog, ColumnFilterDialog)
    dialog.low_edit.setText("100")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == expected
    assert all(r >= 1_000_000 for r in raw_column(view, "risk_ratio_ppm"))
    tip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip == "Risk ratio — filtered: ≥ 100.00%"
    model.set_column_filter(column, None)
    assert model.rowCount() == total


def test_a_bad_bound_is_named_and_changes_nothing(ctx: DesktopContext, qtbot: Any) -> None:
    _window, screen = open_accounts(ctx, qtbot)
    view, model = screen.view, screen.model
    total = model.rowCount()
    dialog = view.edit_filter(model.column_of("balance_fen"))
    assert isinstance(dialog, ColumnFilterDialog)
    dialog.high_edit.setText("12abc")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error_label.text() == "To (at most): “12abc” is not a number in yuan."
    assert model.rowCount() == total
    assert model.column_filters == {}
    dialog.reject()


def test_a_list_of_values_keeps_only_the_rows_with_them(ctx: DesktopContext, qtbot: Any) -> None:
    _window, screen = open_accounts(ctx, qtbot)
    view, model = screen.view, screen.model
    column = model.column_of("client_code")
    codes = raw_column(view, "client_code")
    chosen = frozenset(codes[:2])
    model.set_column_filter(column, ColumnFilter(values=chosen))
    assert set(raw_column(view, "client_code")) == set(chosen)
    counts = dict(model.distinct_values(column))
    assert counts[codes[0]] == 1  # each code once, counted over every row, not the shown


def test_parse_bound_reads_the_display_unit_exactly() -> None:
    from desktop.models.columns import Column, Kind

    money = Column("m", "Money", Kind.MONEY, 10)
    ratio = Column("r", "Ratio", Kind.PPM, 10)
    lots = Column("l", "Lots", Kind.INT, 10)
    assert parse_bound(money, "1,234.56") == 123_456
    assert parse_bound(money, "１２３．４") == 12_340  # full-width digits
    assert parse_bound(ratio, "80.5 %") == 805_000
    assert parse_bound(lots, " ") is None
    with pytest.raises(BoundError) as raised:
        parse_bound(lots, "2.5")
    assert raised.value.reason == "whole"
    with pytest.raises(BoundError):
        parse_bound(money, "1.234")


def test_export_of_the_selection_writes_the_rows_shown_and_is_audited(
    ctx: DesktopContext, qtbot: Any, tmp_path: Path
) -> None:
    _window, screen = open_accounts(ctx, qtbot)
    view, model = screen.view, screen.model
    view.selectRow(2)
    code = model.index(2, model.column_of("client_code")).data()
    written: list[Path] = []
    path = tmp_path / "selected.csv"
    assert export_rows(ctx, view, True, "Accounts", path=path, on_done=written.append)
    qtbot.waitUntil(lambda: bool(written), timeout=LOAD_MS)
    with path.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 2  # the header and the one selected row
    assert rows[1][rows[0].index("Client code")] == code
    with ctx.db.reader() as reader:
        entry = recent(reader.session, limit=1, action="export.table")[0]
    detail = entry.detail_data()
    assert detail["rows"] == 1
    assert detail["table"] == view.name
    assert detail["rows_of"] == "selected"


def test_a_named_layout_brings_back_hidden_columns_and_filters(
    ctx: DesktopContext, qtbot: Any
) -> None:
    _window, screen = open_accounts(ctx, qtbot)
    view, model = screen.view, screen.model
    total = model.rowCount()
    ratio, name = model.column_of("risk_ratio_ppm"), model.column_of("client_name")
    model.set_column_filter(ratio, ColumnFilter(low=1_000_000))
    view.set_column_shown(name, False)
    filtered = model.rowCount()
    view.save_layout("At risk")
    view.reset_layout()
    assert model.rowCount() == total
    assert not view.horizontalHeader().isSectionHidden(name)
    assert view.apply_layout("At risk")
    assert model.rowCount() == filtered
    assert view.horizontalHeader().isSectionHidden(name)
    # Saved in the user's settings: another session finds it.
    assert "At risk" in UiSettings().table_layouts(view.name)


def test_pnl_is_red_for_a_profit_by_default_and_green_after_switching(
    ctx: DesktopContext, qtbot: Any
) -> None:
    window, _screen = open_accounts(ctx, qtbot)
    try:
        assert palette.convention() == palette.CHINESE
        assert palette.sign_brush(5) == palette.RED_BRUSH
        assert palette.sign_brush(-5) == palette.GREEN_BRUSH
        window.desk_tools.colour_actions[palette.INTERNATIONAL].trigger()
        assert palette.sign_brush(5) == palette.GREEN_BRUSH
        assert palette.sign_brush(-5) == palette.RED_BRUSH
        assert UiSettings().colour_convention == palette.INTERNATIONAL
        # Danger stays red whatever the convention.
        assert palette.RED_BRUSH is not palette.up_brush()
    finally:
        palette.set_convention(palette.CHINESE)
