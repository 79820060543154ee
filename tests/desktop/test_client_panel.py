"""The client panel as a risk officer uses it, on the small demo (settled 2026-11-20):
opened from Accounts, Overview, the live monitor and the alert history by double-click,
Enter or "Open client"; its figures equal the row the desk came from; day selector,
copy, Chinese."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from core.config import AppConfig
from core.live.alerts import Alert
from core.money import format_yuan
from core.services.alerts import store_alerts
from core.services.demo import create_demo_data
from core.services.store import open_database
from core.trading_calendar import EXCHANGE_TZ
from desktop import i18n
from desktop.bus import AppBus
from desktop.client_panel import ClientPanel
from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.models.text_table import KEY_ROLE
from desktop.screens.alerts import AlertsScreen
from desktop.screens.monitor import MonitorScreen
from desktop.screens.overview import OverviewScreen
from desktop.screens.table_screen import TableScreen
from desktop.settings import UiSettings
from desktop.tasks import TaskManager
from desktop.widgets.data_table import DataTableView

DAY = date(2026, 11, 20)
PREV = date(2026, 11, 19)
LOAD_MS = 20_000


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("panel") / "demo.sqlite"
    db = open_database(f"sqlite:///{path}")
    create_demo_data(db, scale="small", user="tester")
    db.engine.dispose()
    return path


@pytest.fixture
def demo_ctx(demo_template: Path, tmp_path: Path, qapp: object) -> Iterator[DesktopContext]:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    url = f"sqlite:///{path}"
    context = DesktopContext(
        db=open_database(url),
        tasks=TaskManager(),
        bus=AppBus(),
        settings=UiSettings(),
        config=AppConfig(db_url=url, user="tester"),
    )
    yield context
    context.close()


def open_window(ctx: DesktopContext, qtbot: Any, screen: str) -> MainWindow:
    window = MainWindow(ctx, screen)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(window.is_ready, timeout=LOAD_MS)
    return window


def double_click(qtbot: Any, view: DataTableView, row: int) -> None:
    """Double-click the middle of ``row``'s first visible cell, as a user does."""
    index = view.model().index(row, 0)
    view.scrollTo(index)
    rect = view.visualRect(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def shown_panel(window: MainWindow, qtbot: Any, code: str) -> ClientPanel:
    qtbot.waitUntil(
        lambda: (
            window.client_panel is not None
            and window.client_panel.isVisible()
            and window.client_panel.is_loaded
            and window.client_panel.detail is not None
            and window.client_panel.detail.facts.code == code
        ),
        timeout=LOAD_MS,
    )
    panel = window.client_panel
    assert panel is not None
    return panel


def funds_cell(panel: ClientPanel, key: str, column: int = 2) -> str:
    model = panel.funds_model
    for row in range(model.rowCount()):
        if model.index(row, 0).data(KEY_ROLE) == key:
            return str(model.index(row, column).data())
    raise AssertionError(f"no funds row {key}")


def row_of(view: DataTableView, column: int, text: str) -> int:
    model = view.model()
    for row in range(model.rowCount()):
        if model.index(row, column).data() == text:
            return row
    raise AssertionError(f"{text} not shown")


# ----------------------------------------------------------------- from Accounts
def test_double_click_on_an_accounts_row_opens_that_clients_panel(
    demo_ctx: DesktopContext, qtbot: Any
) -> None:
    window = open_window(demo_ctx, qtbot, "accounts")
    screen = window.current_page()
    assert isinstance(screen, TableScreen)
    qtbot.keyClicks(screen.filter_edit, "10000134")
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1)
    available = screen.model.index(0, screen.model.column_of("available_fen")).data()
    balance = screen.model.index(0, screen.model.column_of("balance_fen")).data()
    double_click(qtbot, screen.view, 0)
    panel = shown_panel(window, qtbot, "10000134")
    assert window.current_page() is screen  # the screen the desk came from stays
    assert panel.fact_values["available"].text() == available == "400,498.94"
    assert funds_cell(panel, "available") == available
    assert funds_cell(panel, "available", 3) == available  # as the settlement stored it
    assert funds_cell(panel, "balance") == balance
    assert panel.banner.isHidden()  # nothing differs
    assert panel.day_combo.currentText() == DAY.isoformat()
    # P&L in the Chinese convention: the close loss green, the position profit red
    assert funds_cell(panel, "close_pnl") == "-4,200.00"
    model = panel.funds_model
    rows = {model.index(r, 0).data(KEY_ROLE): r for r in range(model.rowCount())}
    assert model.index(rows["close_pnl"], 2).data(
        Qt.ItemDataRole.ForegroundRole
    ).color().name() == ("#1e8449")
    assert (
        model.index(rows["position_pnl"], 2).data(Qt.ItemDataRole.ForegroundRole).color().name()
        == "#c0392b"
    )


def test_enter_and_the_context_menu_action_open_the_current_row(
    demo_ctx: DesktopContext, qtbot: Any
) -> None:
    window = open_window(demo_ctx, qtbot, "accounts")
    screen = window.current_page()
    assert isinstance(screen, TableScreen)
    view = screen.view
    code_column = screen.model.column_of("client_code")
    view.setCurrentIndex(view.model().index(2, 0))
    third = view.model().index(2, code_column).data()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    shown_panel(window, qtbot, third)
    view.setCurrentIndex(view.model().index(5, 0))
    sixth = view.model().index(5, code_column).data()
    link = view.client_link
    assert link is not None
    assert link.action in view.actions()
    menu = view.context_menu(view.visualRect(view.currentIndex()).center())
    assert menu.actions()[0] is link.action  # first in the table's own menu
    assert link.action.text() == "Open client"
    link.action.trigger()
    shown_panel(window, qtbot, sixth)


def test_the_positions_tab_explains_each_line_and_its_rate_step(
    demo_ctx: DesktopContext, qtbot: Any, qtmodeltester: Any
) -> None:
    window = open_window(demo_ctx, qtbot, "accounts")
    window.show_client("10000010")
    panel = shown_panel(window, qtbot, "10000010")
    panel.select_tab("positions")
    model = panel.positions_model
    row = row_of(panel.positions_view, model.column_of("contract"), "y2612")
    formula = model.index(row, model.column_of("formula")).data()
    assert formula == "8,486.00 × 10 × 4 × 10.00% = 33,944.00"
    why = model.index(row, model.column_of("step")).data()
    assert why == (
        "Month before delivery: from its trading day 15 (2026-11-20); charged from the "
        "settlement of 2026-11-19, one trading day earlier (R19)"
    )
    # a raised step is tinted; a line at its general rate is not
    assert model.flag(row) is True
    general = row_of(panel.positions_view, model.column_of("contract"), "c2701")
    assert model.index(general, model.column_of("step")).data() == "General rate of the contract"
    assert model.flag(general) is False
    panel.positions_view.setCurrentIndex(model.index(row, 0))
    assert "general rate 8.00%, trading-period step 10.00%" in panel.line_why.text()
    qtmodeltester.check(model)
    qtmodeltester.check(panel.funds_model)
    qtmodeltester.check(panel.offset_model)


def test_receipt_offset_and_calls_tabs(demo_ctx: DesktopContext, qtbot: Any) -> None:
    window = open_window(demo_ctx, qtbot, "accounts")
    window.show_client("10000010")
    panel = shown_panel(window, qtbot, "10000010")
    products = panel.products_model
    assert products.rowCount() == 1
    assert products.index(0, products.column_of("pledge_fen")).data() == "262,560.00"
    assert products.index(0, products.column_of("used_fen")).data() == "4,603.20"
    receipts = panel.receipts_model
    assert receipts.index(0, receipts.column_of("state")).data() == "Counts"
    call = panel.call_model
    rows = {call.index(r, 0).data(KEY_ROLE): r for r in range(call.rowCount())}
    assert call.index(rows["call"], 1).data() == "0.00"
    assert call.index(rows["deadline"], 1).data() == "2026-11-23 09:00"


# ----------------------------------------------------------------- from Overview, monitor
def test_double_click_on_an_overview_at_risk_row(demo_ctx: DesktopContext, qtbot: Any) -> None:
    window = open_window(demo_ctx, qtbot, "main")
    screen = window.current_page()
    assert isinstance(screen, OverviewScreen)
    model = screen.at_risk_model
    assert model.rowCount() > 0
    code = model.index(0, model.column_of("client_code")).data()
    available = model.index(0, model.column_of("available_fen")).data()
    double_click(qtbot, screen.at_risk_view, 0)
    panel = shown_panel(window, qtbot, code)
    assert panel.fact_values["available"].text() == available
    assert panel.level_label.text() == model.index(0, model.column_of("risk_level")).data()


def test_double_click_on_a_live_monitor_account(demo_ctx: DesktopContext, qtbot: Any) -> None:
    window = open_window(demo_ctx, qtbot, "accounts")
    accounts = window.current_page()
    assert isinstance(accounts, TableScreen)
    stored = {
        accounts.model.raw_value(r, "client_code"): accounts.model.index(
            r, accounts.model.column_of("available_fen")
        ).data()
        for r in range(accounts.model.rowCount())
    }
    screen = window.select_screen("monitor")
    assert isinstance(screen, MonitorScreen)
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=LOAD_MS)
    code = str(screen.accounts_model.key_of(0))
    double_click(qtbot, screen.accounts_view, 0)
    panel = shown_panel(window, qtbot, code)
    # the monitor's day starts from this settlement: the panel shows its figures
    assert panel.detail is not None
    assert panel.detail.day == DAY
    assert panel.fact_values["available"].text() == stored[code]
    # an account's alert in the monitor's alert list opens its client too
    screen.alerts_panel.set_grouped(False)  # the list, newest first
    alerts = screen.alerts_panel.view
    qtbot.waitUntil(lambda: alerts.model().rowCount() > 0, timeout=LOAD_MS)
    link = alerts.client_link
    assert link is not None
    row = next(
        r for r in range(alerts.model().rowCount()) if link.client_of_row(r) not in (None, code)
    )
    account = link.client_of_row(row)
    assert account is not None
    double_click(qtbot, alerts, row)
    shown_panel(window, qtbot, account)


def test_an_account_alert_opens_the_settlement_before_its_day(
    demo_ctx: DesktopContext, qtbot: Any
) -> None:
    when = datetime(2026, 11, 23, 9, 31, tzinfo=EXCHANGE_TZ)
    store_alerts(
        demo_ctx.db,
        date(2026, 11, 23),
        [
            Alert(1, when, "risk_level", "critical", "m", account="10000134", risk_level=2),
            Alert(2, when, "limit_lock", "warning", "c", contract="m2701"),
        ],
        user="tester",
    )
    window = open_window(demo_ctx, qtbot, "alerts")
    screen = window.current_page()
    assert isinstance(screen, AlertsScreen)
    view = screen.history.view
    assert view.model().rowCount() == 2
    link = view.client_link
    assert link is not None
    rows = {link.client_of_row(r) for r in range(2)}
    assert rows == {"10000134", None}  # a contract's alert has no client
    row = next(r for r in range(2) if link.client_of_row(r) == "10000134")
    double_click(qtbot, view, row)
    panel = shown_panel(window, qtbot, "10000134")
    assert panel.detail is not None
    assert (panel.detail.requested_day, panel.detail.day) == (date(2026, 11, 23), DAY)
    assert panel.alerts_model.rowCount() == 1
    assert panel.tabs.tabText(5) == "Alerts (1)"


# ----------------------------------------------------------------- day, copy, language
def test_day_selector_shows_the_other_settlement_and_what_differs(
    demo_ctx: DesktopContext, qtbot: Any
) -> None:
    window = open_window(demo_ctx, qtbot, "accounts")
    window.show_client("10000134")
    panel = shown_panel(window, qtbot, "10000134")
    assert [panel.day_combo.itemText(i) for i in range(panel.day_combo.count())] == [
        DAY.isoformat(),
        PREV.isoformat(),
    ]
    panel.day_combo.setCurrentIndex(1)
    panel.day_combo.activated.emit(1)
    qtbot.waitUntil(
        lambda: panel.detail is not None and panel.detail.day == PREV and panel.is_loaded,
        timeout=LOAD_MS,
    )
    # the demo writes its first day directly: recomputed from no prior balance, the
    # breakdown differs from the stored row and the panel says so
    assert not panel.banner.isHidden()
    assert "differ from what the settlement of 2026-11-19 stored" in panel.banner.text()
    assert funds_cell(panel, "prior_balance", 4) == "None on 2026-11-18: starts from 0"


def test_copy_puts_the_tab_on_the_clipboard(demo_ctx: DesktopContext, qtbot: Any) -> None:
    window = open_window(demo_ctx, qtbot, "accounts")
    window.show_client("10000010")
    panel = shown_panel(window, qtbot, "10000010")
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    text = QGuiApplication.clipboard().text()
    assert text.startswith("10000010")
    assert "after the settlement of 2026-11-20" in text
    assert f"=\tAvailable funds\t{format_yuan(9_000_439)}\t{format_yuan(9_000_439)}\t" in text
    panel.select_tab("positions")
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    assert "8,486.00 × 10 × 4 × 10.00% = 33,944.00" in QGuiApplication.clipboard().text()


def test_the_panel_speaks_chinese(demo_ctx: DesktopContext, qtbot: Any) -> None:
    window = open_window(demo_ctx, qtbot, "accounts")
    window.show_client("10000010")
    panel = shown_panel(window, qtbot, "10000010")
    window.set_language("zh")
    qtbot.waitUntil(lambda: funds_cell(panel, "available", 1) == "可用资金", timeout=5_000)
    assert panel.tabs.tabText(0) == "资金"
    assert panel.windowTitle() == "客户详情"
    assert funds_cell(panel, "prior_balance", 1) == "上日结存"
    assert panel.fact_captions["available"].text() == "可用资金"
    model = panel.positions_model
    row = row_of(panel.positions_view, model.column_of("contract"), "y2612")
    assert model.index(row, model.column_of("step")).data().startswith("交割月前一月")
    assert model.headerData(model.column_of("step"), Qt.Orientation.Horizontal) == "保证金率依据"
    link = window.current_page().view.client_link  # type: ignore[attr-defined]
    assert link.action.text() == "查看客户"
    i18n.set_language("en")


def test_an_unknown_client_is_said_so(demo_ctx: DesktopContext, qtbot: Any) -> None:
    window = open_window(demo_ctx, qtbot, "accounts")
    demo_ctx.bus.client_requested.emit("99999999", None)
    qtbot.waitUntil(
        lambda: window.client_panel is not None and window.client_panel.is_loaded, timeout=LOAD_MS
    )
    panel = window.client_panel
    assert panel is not None
    assert panel.banner.tone == "danger"
    assert "no client '99999999'" in panel.banner.text()
    assert panel.fact_values["available"].text() == "—"


def test_the_panel_closes_and_opens_again_on_the_same_dock(
    demo_ctx: DesktopContext, qtbot: Any
) -> None:
    window = open_window(demo_ctx, qtbot, "accounts")
    first = window.show_client("10000010")
    shown_panel(window, qtbot, "10000010")
    qtbot.keyClick(first.funds_view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not first.isVisible())
    second = window.show_client("10000134")
    assert second is first
    shown_panel(window, qtbot, "10000134")
    assert window.dockWidgetArea(first) == Qt.DockWidgetArea.RightDockWidgetArea
