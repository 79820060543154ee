"""Keyboard first, on the main window over the sample database: Ctrl+1 … 9 open the
screens in the navigation's order, the navigation takes the focus and the arrows, Enter
goes into the screen's table and Enter there opens the row's client; Ctrl+K (and
Ctrl+F) finds a client by part of its name and opens the client panel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.services.client_search import ClientDirectory
from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.widgets.data_table import DataTableView

LOAD_MS = 20_000
CTRL = Qt.KeyboardModifier.ControlModifier


def open_window(ctx: DesktopContext, qtbot: Any, screen: str = "main") -> MainWindow:
    window = MainWindow(ctx, screen)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.is_ready, timeout=LOAD_MS)
    return window


def test_ctrl_digits_open_the_screens_in_the_navigations_order(
    ctx: DesktopContext, qtbot: Any
) -> None:
    window = open_window(ctx, qtbot)
    keys = window.desk_tools.screen_keys()
    assert len(keys) >= 9
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)
    qtbot.waitUntil(window.is_ready, timeout=LOAD_MS)
    assert window.current_key == keys[2]
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL)
    assert window.current_key == keys[0]
    item = window._nav_item(keys[1])
    assert item is not None
    assert item.toolTip().endswith("(Ctrl+2)")


def test_the_navigation_takes_the_keys_and_enter_drills_down_to_the_client(
    ctx: DesktopContext, qtbot: Any
) -> None:
    window = open_window(ctx, qtbot, "main")
    keys = window.desk_tools.screen_keys()
    qtbot.keyClick(window, Qt.Key.Key_0, CTRL)
    qtbot.waitUntil(window.nav.hasFocus)
    # Down from the current screen to the next one in the list.
    current = keys.index(window.current_key)
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.current_key == keys[current + 1]
    window.select_screen("accounts")
    window.desk_tools.focus_navigation()
    qtbot.waitUntil(lambda: window.is_ready() and window.nav.hasFocus())
    qtbot.keyClick(window.nav, Qt.Key.Key_Return)
    focused = QApplication.focusWidget()
    assert isinstance(focused, DataTableView)
    assert focused.currentIndex().row() == 0
    code = focused.model().index(0, 0).data()
    with qtbot.waitSignal(ctx.bus.client_requested, timeout=5_000) as signal:
        qtbot.keyClick(focused, Qt.Key.Key_Return)
    assert signal.args[0] == code


def test_ctrl_k_finds_a_client_by_part_of_its_name_and_enter_opens_the_panel(
    ctx: DesktopContext, qtbot: Any
) -> None:
    window = open_window(ctx, qtbot, "accounts")
    screen = window.current_page()
    view = screen.findChild(DataTableView)
    assert view is not None
    model = view.column_model()
    assert model is not None
    name_column, code_column = model.column_of("client_name"), model.column_of("client_code")
    row = min(4, model.rowCount() - 1)
    name, code = model.index(row, name_column).data(), model.index(row, code_column).data()
    qtbot.keyClick(window, Qt.Key.Key_K, CTRL)
    dialog = window.desk_tools.client_search
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.directory is not None)
    assert dialog.status.text() == f"{model.rowCount()} clients"
    dialog.edit.setText(name)  # Chinese arrives from the input method, not as key codes
    assert dialog.chosen_code() == code
    with qtbot.waitSignal(ctx.bus.client_requested, timeout=5_000) as signal:
        qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert signal.args == [code, None]
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: window.client_panel is not None and window.client_panel.isVisible())
    # Ctrl+F opens it too, empty again.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert dialog.isVisible()
    assert dialog.edit.text() == ""
    qtbot.keyClicks(dialog.edit, "no such client at all")
    assert dialog.chosen_code() is None
    assert dialog.status.text() == "No client matches “no such client at all”."
    dialog.reject()


def test_the_directory_puts_the_exact_code_first_then_prefixes_then_names() -> None:
    directory = ClientDirectory.of(
        {
            "10000012": "大连粮油贸易",
            "10000120": "Alpha Grain",
            "20001000": "Beta 10000120 Trust",
            "10000001": "Gamma",
        }
    )
    assert directory.search("10000120") == [
        ("10000120", "Alpha Grain"),
        ("20001000", "Beta 10000120 Trust"),
    ]
    assert [c for c, _ in directory.search("1000001")] == ["10000012"]
    assert [c for c, _ in directory.search("１０００００１２")] == ["10000012"]  # full width
    assert [c for c, _ in directory.search("粮油")] == ["10000012"]
    assert [c for c, _ in directory.search("grain")] == ["10000120"]
    assert directory.search("   ") == []
    assert len(directory.search("1", limit=2)) == 2
    assert directory.name_of("10000001") == "Gamma"
    assert directory.name_of("999") is None
