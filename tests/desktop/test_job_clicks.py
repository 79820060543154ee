"""The desk's jobs scripted on the real main window over the small demo, counting what
the user does (a click, a double-click, a key, a right-click, a menu item, typing into
one field: one action each), so that a change that adds steps to a job fails here.

Job a, "which accounts are at 100 % or more, and why", from the Overview to a position
line's margin formula. Before issue #12 (reconstructed from the screens then: no
drill-down, no range filter, no formula on screen) it took 13 actions: click Accounts
(1); click the Risk ratio header twice for descending (2, 3); remember a code; click
Positions (4), click its filter (5), type the code (6); Prices (7), type the contract
(8, 9); the rate from the parameters (10-13). Now: Accounts in the navigation, a
filter on the Risk ratio typed in percent from the header's menu, a double-click, the
Positions tab: 7 actions, the formula on screen.

Job b, "forced-liquidation preview, what-if deposit, export": Ctrl+9 opens the
workbench (the ninth screen of the navigation), tick the assumed reserve and type it,
type the deposit (the figures recompute as it is typed), Ctrl+E and Enter in the save
dialog: 9 actions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu, QTabWidget, QWidget

from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.screens.table_screen import TableScreen
from desktop.widgets.column_filter_dialog import ColumnFilterDialog
from desktop.widgets.data_table import DataTableView
from tests.desktop.test_client_panel import demo_ctx, demo_template, shown_panel

__all__ = ["demo_ctx", "demo_template"]  # the client panel tests' small demo fixtures

LOAD_MS = 20_000
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
JOB_A_BEFORE = 13
"""Actions job a took before issue #12 (the module doc lists them)."""


class Clicks:
    """qtbot's gestures, counted: ``count`` is what the user did."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        self.count = 0
        self.log: list[str] = []

    def _note(self, what: str) -> None:
        self.count += 1
        self.log.append(what)

    def key(
        self, widget: QWidget, key: Qt.Key, modifier: Any = Qt.KeyboardModifier.NoModifier
    ) -> None:
        self._note(f"key {key.name}")
        self.qtbot.keyClick(widget, key, modifier)

    def type(self, widget: QWidget, text: str) -> None:
        """Typing into one field is one action, however long the text."""
        self._note(f"type {text!r}")
        self.qtbot.keyClicks(widget, text)

    def click(self, widget: QWidget, pos: QPoint | None = None) -> None:
        self._note(f"click {widget.objectName()}")
        if pos is None:
            self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        else:
            self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)

    def double_click_row(self, view: DataTableView, row: int) -> None:
        self._note(f"double-click row {row}")
        index = view.model().index(row, 1)
        view.scrollTo(index)
        centre = view.visualRect(index).center()
        self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        self.qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)

    def header_menu(self, view: DataTableView, section: int) -> QMenu:
        """A right-click on a header section: its menu."""
        self._note(f"right-click header {section}")
        return view.header_menu(section)

    def menu_item(self, menu: QMenu, name: str) -> None:
        self._note(f"menu {name}")
        action = next(a for a in menu.actions() if a.objectName() == name)
        action.trigger()

    def nav(self, window: MainWindow, key: str) -> None:
        """Click the screen ``key`` in the navigation."""
        item = window._nav_item(key)
        assert item is not None
        self.click(window.nav.viewport(), window.nav.visualItemRect(item).center())
        self.qtbot.waitUntil(window.is_ready, timeout=LOAD_MS)

    def tab(self, tabs: QTabWidget, index: int) -> None:
        bar = tabs.tabBar()
        self.click(bar, bar.tabRect(index).center())


def open_window(ctx: DesktopContext, qtbot: Any) -> MainWindow:
    window = MainWindow(ctx, "main")  # the Overview
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.is_ready() and window.isActiveWindow(), timeout=LOAD_MS)
    return window


def settle(window: MainWindow, qtbot: Any) -> None:
    """Wait for the screen's work; the window active again (offscreen, a progress
    dialog that closed does not hand the activation back, and a click then gives no
    focus)."""
    qtbot.waitUntil(window.is_ready, timeout=LOAD_MS)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=LOAD_MS)


def test_job_a_accounts_at_100_percent_and_why_in_half_the_actions(
    demo_ctx: DesktopContext, qtbot: Any
) -> None:
    window = open_window(demo_ctx, qtbot)
    clicks = Clicks(qtbot)
    clicks.nav(window, "accounts")
    screen = window.current_page()
    assert isinstance(screen, TableScreen)
    assert screen.key == "accounts"
    view, model = screen.view, screen.model
    total = model.rowCount()
    ratio = model.column_of("risk_ratio_ppm")
    clicks.menu_item(clicks.header_menu(view, ratio), "filterColumn")
    dialog = view.findChild(ColumnFilterDialog)
    assert dialog is not None
    clicks.type(dialog.low_edit, "100")
    clicks.key(dialog.low_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    shown = model.rowCount()
    assert 0 < shown < total
    assert all(
        model.index(r, ratio).data(Qt.ItemDataRole.UserRole + 1) >= 1_000_000 for r in range(shown)
    )
    code = model.index(0, model.column_of("client_code")).data()
    clicks.double_click_row(view, 0)
    panel = shown_panel(window, qtbot, code)
    clicks.tab(panel.tabs, [k for k, _t in TABS].index("positions"))
    assert panel.tabs.currentWidget() is panel.pages["positions"]
    formula = panel.positions_model.index(0, panel.positions_model.column_of("formula")).data()
    assert " × " in formula
    assert " = " in formula
    assert clicks.count == 7, clicks.log
    assert clicks.count * 2 <= JOB_A_BEFORE + 1  # half, rounded up


def test_job_b_liquidation_what_if_deposit_and_export(
    demo_ctx: DesktopContext, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from desktop.screens import workbench_common
    from desktop.screens.liquidation import LiquidationScreen

    target = tmp_path / "orders.csv"
    window = open_window(demo_ctx, qtbot)
    clicks = Clicks(qtbot)
    clicks.key(window, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)  # 9th in the list
    qtbot.waitUntil(window.is_ready, timeout=LOAD_MS)
    screen = window.current_page()
    assert isinstance(screen, LiquidationScreen)
    clicks.click(screen.assume_check)
    settle(window, qtbot)
    clicks.click(screen.reserve_edit)
    qtbot.waitUntil(screen.reserve_edit.hasFocus, timeout=LOAD_MS)
    clicks.type(screen.reserve_edit, "-5000000")
    clicks.key(screen.reserve_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.facts["required"][1].text() == "5,000,000.00", timeout=LOAD_MS)
    settle(window, qtbot)
    clicks.click(screen.deposit_edit)
    qtbot.waitUntil(screen.deposit_edit.hasFocus, timeout=LOAD_MS)
    clicks.type(screen.deposit_edit, "1500000")
    qtbot.waitUntil(lambda: screen.facts["required"][1].text() == "3,500,000.00", timeout=LOAD_MS)
    settle(window, qtbot)
    # The save dialog stands in for the user pressing Enter on a file name there.
    monkeypatch.setattr(
        workbench_common.QFileDialog,
        "getSaveFileName",
        lambda *_a, **_k: (str(target), ""),
    )
    with qtbot.waitSignal(screen.exported, timeout=LOAD_MS):
        clicks.key(screen.deposit_edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        clicks._note("Enter in the save dialog")
    assert target.read_text(encoding="utf-8-sig").splitlines()[0].startswith("client_code")
    assert clicks.count == 9, clicks.log


from desktop.client_panel import TABS  # noqa: E402 (after the fixtures it re-exports)
