"""The desk's jobs scripted on the real main window over the small demo, counting what
the user does (a click, a double-click, a key, a right-click, a menu item, typing into
one field: one action each), so that a change that adds steps to a job fails here.

The "before" counts were measured on the app at commit 85e65fd (before issue #12) by
the same kind of script over the same small demo (/work/notes/before_jobs/
test_before_jobs.py, run in a checkout of that commit; not part of this suite).

Job a, "which accounts are at 100 % or more, and why", from the Overview to a position
line's margin formula. Before, 6 actions, and the job could not be finished: click
Accounts (1); click the Risk ratio header twice, the first click sorts ascending (2,
3); read the 13 accounts at the top, remember a code; click Positions (4), click its
filter (5), type the code (6): the line's margin amount, but no multiplier, rate or
formula anywhere in the app (an earlier reconstruction counted 13 with the price
screen and the parameters file; the measured 6 is the stricter bound). Now, 3: click
the Overview's "Forced close · Risk ratio ≥ 100.00%" card (Accounts at that level or
worse), double-click the first account, the client panel's Positions tab: the formula
on screen.

Job b, "forced-liquidation preview, what-if deposit, export" (the demo member's reserve
is positive: the preview needs an assumed reserve). Before, 9: click Forced liquidation
(1), tick "Assume reserve" (2), click the field, prefilled with the stored reserve (3),
Ctrl+A (4), type the reserve (5), click the deposit (6), type it (7), Ctrl+E (8), Enter
in the save dialog (9). Now, 7: Ctrl+9 (1), tick (2: the cursor lands in the empty
field), type the reserve (3), click the deposit (4), type it (5), Ctrl+E (6), Enter
(7). Not half: two amounts typed, a move between them, opening the screen and the save
dialog are 6 actions at the least under this count.

Job c, "receipts expiring within 10 trading days, by warehouse". Before, 11: click
Warehouse receipts (1); the banner says 88 receipts within 10 trading days, but the
tree counts every receipt (none per warehouse that expire), so the only per-warehouse
list is the calendar's: the first deadline, 2026-11-27, is selected and lists its 88
receipts (88 = the banner: no other date); click its Warehouse header to sort (2);
PageDown through the 88 rows, 9 visible, tallying by eye (3-11). Now, 3: click
Warehouse receipts (1), tick "Only expiring within 10 trading days" (2), tick "Group by
warehouse" (3): one row per warehouse, named, with its count.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu, QTabWidget, QWidget

from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.screens.table_screen import TableScreen
from desktop.widgets.data_table import DataTableView
from tests.desktop.test_client_panel import demo_ctx, demo_template, shown_panel

__all__ = ["demo_ctx", "demo_template"]  # the client panel tests' small demo fixtures

LOAD_MS = 20_000
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
JOB_A_BEFORE = 6
JOB_B_BEFORE = 9
JOB_C_BEFORE = 11
"""Actions each job took before issue #12, measured (the module doc lists them)."""


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
    from core.rules.risk_levels import DEFICIT
    from desktop.screens.overview import OverviewScreen

    window = open_window(demo_ctx, qtbot)
    overview = window.current_page()
    assert isinstance(overview, OverviewScreen)
    card = overview.cards["level_forced_close"]
    assert card.note.text() == "Risk ratio ≥ 100.00%"
    at_100 = int(card.value.text().replace(",", ""))
    deficit = int(overview.cards["level_deficit"].value.text().replace(",", ""))
    assert at_100 > 0
    clicks = Clicks(qtbot)
    clicks.click(card)  # the card "Forced close: risk ratio ≥ 100.00%" opens Accounts
    qtbot.waitUntil(window.is_ready, timeout=LOAD_MS)
    screen = window.current_page()
    assert isinstance(screen, TableScreen)
    assert screen.key == "accounts"
    assert screen.level_combo is not None
    assert screen.level_combo.currentText() == "Forced close or worse"
    view, model = screen.view, screen.model
    ratio, level = model.column_of("risk_ratio_ppm"), model.column_of("risk_level")
    raw = Qt.ItemDataRole.UserRole + 1
    shown = model.rowCount()
    assert shown == at_100 + deficit < model.total_rows
    assert all(
        model.index(r, ratio).data(raw) >= 1_000_000 or model.index(r, level).data(raw) == DEFICIT
        for r in range(shown)
    )
    frame = model.frame  # every account of the day: none at 100 % is left out
    assert int((frame["risk_ratio_ppm"] >= 1_000_000).sum()) <= shown
    code = model.index(0, model.column_of("client_code")).data()
    clicks.double_click_row(view, 0)
    panel = shown_panel(window, qtbot, code)
    clicks.tab(panel.tabs, [k for k, _t in TABS].index("positions"))
    assert panel.tabs.currentWidget() is panel.pages["positions"]
    formula = panel.positions_model.index(0, panel.positions_model.column_of("formula")).data()
    assert " × " in formula
    assert " = " in formula
    assert clicks.count == 3, clicks.log
    assert clicks.count * 2 <= JOB_A_BEFORE


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
    clicks.click(screen.assume_check)  # the tick puts the cursor in the empty reserve field
    settle(window, qtbot)
    qtbot.waitUntil(screen.reserve_edit.hasFocus, timeout=LOAD_MS)
    assert screen.reserve_edit.text() == ""
    clicks.type(screen.reserve_edit, "-5000000")  # recomputed when the typing stops
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
    assert clicks.count == 7, clicks.log
    # Fewer than before, not half: two typed amounts, a field to move to, the screen
    # and the save dialog leave no room for 4 (see the module doc).
    assert clicks.count < JOB_B_BEFORE


from desktop.client_panel import TABS  # noqa: E402 (after the fixtures it re-exports)


def test_job_c_receipts_expiring_within_10_trading_days_by_warehouse(
    demo_ctx: DesktopContext, qtbot: Any
) -> None:
    from core.db import risk_queries as rq
    from core.services.receipts import receipts_report
    from desktop.screens.receipts import EXPIRING_COLUMN, RECEIPTS_COLUMN, ReceiptsScreen

    # What the user should read, from the core's expiry list of the fixture's database.
    with demo_ctx.db.reader() as reader:
        report = receipts_report(reader, expiring_days=10)
        _products, warehouses, _holders = rq.receipt_names(reader.session)
    by_warehouse = Counter(str(w) for w in report.expiring["warehouse_code"])
    assert sum(by_warehouse.values()) == 88  # m and y receipts due on 2026-11-27
    assert len(by_warehouse) == 8
    window = open_window(demo_ctx, qtbot)
    clicks = Clicks(qtbot)
    clicks.nav(window, "receipts")
    screen = window.current_page()
    assert isinstance(screen, ReceiptsScreen)
    assert screen.expiring_spin.value() == 10  # the window the job asks for, by default
    clicks.click(screen.expiring_check)
    settle(window, qtbot)
    clicks.click(screen.by_warehouse_check)
    settle(window, qtbot)
    assert screen.expiring_count.text() == f"({len(report.expiring):,} receipts)"
    assert screen.tree_title.text().startswith("Expiring within 10 trading days: 88 receipts")
    model, view = screen.tree_model, screen.tree_view
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Warehouse / product / holder"
    shown = {}
    for row in range(model.rowCount()):
        code = model.index(row, 0).data(Qt.ItemDataRole.UserRole)
        name = warehouses[code][1]
        assert model.index(row, 0).data() == f"{code}  {name}"  # named, in English
        # The tree holds only the expiring receipts: its Receipts column, on screen
        # without scrolling sideways, is the warehouse's count (the Expiring one too).
        receipts = model.index(row, RECEIPTS_COLUMN)
        assert view.viewport().rect().contains(view.visualRect(receipts))
        shown[code] = int(receipts.data().replace(",", ""))
        assert model.index(row, EXPIRING_COLUMN).data() == receipts.data()
    assert shown == by_warehouse
    assert clicks.count == 3, clicks.log
    assert clicks.count * 2 <= JOB_C_BEFORE
