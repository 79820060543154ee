"""The main window as a user sees it: screens load, tables sort and filter, language
switches, layout is remembered, screenshots are written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from sqlalchemy import update

from core.changes import Changes
from core.db.tables import ClientBalance
from core.errors import InputError
from core.money import format_yuan
from core.progress import ProgressState
from core.rules.risk_levels import FORCED_CLOSE, NORMAL
from core.services.store import url_label
from desktop.app import make_excepthook, parse_size, run_gui
from desktop.context import DesktopContext
from desktop.main_window import KEY_ROLE, MainWindow
from desktop.models.levels import LEVEL_FILTERS, LEVEL_LABELS
from desktop.palette import LEVEL_TEXT_BRUSHES, LEVEL_TINTS
from desktop.screens import overview as overview_screen
from desktop.screens.overview import LEVEL_CARDS, OverviewScreen
from desktop.screens.registry import GROUPS, SCREEN_KEYS, SCREENS
from desktop.screens.table_screen import TableScreen
from desktop.settings import UiSettings
from desktop.tasks import run_op
from tests.desktop.conftest import DAY, gui_args

H = Qt.Orientation.Horizontal


@pytest.fixture
def window(ctx: DesktopContext, qtbot) -> Iterator[MainWindow]:
    win = MainWindow(ctx, "accounts")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(win.is_ready, timeout=10_000)
    yield win
    win.close()


def _table(window: MainWindow, key: str, qtbot) -> TableScreen:
    screen = window.select_screen(key)
    assert isinstance(screen, TableScreen)
    qtbot.waitUntil(window.is_ready, timeout=10_000)
    return screen


def _cells(screen: TableScreen, key: str) -> list[str]:
    model = screen.view.model()
    col = screen.model.column_of(key)
    return [model.index(r, col).data() for r in range(model.rowCount())]


def _row_of(screen: TableScreen, client: str) -> int:
    return _cells(screen, "client_code").index(client)


def test_accounts_show_formatted_balances(window: MainWindow, qtbot) -> None:
    screen = _table(window, "accounts", qtbot)
    model = screen.view.model()
    row = _row_of(screen, "C0001")
    assert model.index(row, screen.model.column_of("balance_fen")).data() == "1,234,567.89"
    assert model.index(row, screen.model.column_of("available_fen")).data() == "9.00"
    row4 = _row_of(screen, "C0004")
    assert model.index(row4, screen.model.column_of("risk_ratio_ppm")).data() == "125.00%"
    assert model.index(row4, screen.model.column_of("risk_level")).data() == "Forced close"
    assert screen.count_label.text() == "12 rows"
    assert DAY.isoformat() in screen.subtitle_label.text()
    assert DAY.isoformat() in window.day_label.text()
    assert window.user_label.text() == "User: tester"


def test_accounts_show_the_level_and_filter_by_it(window: MainWindow, qtbot) -> None:
    screen = _table(window, "accounts", qtbot)
    assert screen.level_combo is not None
    model = screen.model
    level_col = model.column_of("risk_level")
    ratio_col = model.column_of("risk_ratio_ppm")
    levels = {
        model.raw_value(r, "client_code"): model.raw_value(r, "risk_level")
        for r in range(model.rowCount())
    }
    # the sample's ratios (10 % … 108 %, C0004 125 %): several levels, each shown by name
    assert levels["C0004"] == FORCED_CLOSE
    assert len(set(levels.values())) >= 3
    names = {"Normal", "Warning", "Margin call", "Forced close", "Deficit"}
    background = Qt.ItemDataRole.BackgroundRole
    for r in range(model.rowCount()):
        level = model.raw_value(r, "risk_level")
        assert model.index(r, level_col).data() in names
        # the row tint and the level text colour are the level's (palette)
        assert model.index(r, ratio_col).data(background) == LEVEL_TINTS.get(level)
        foreground = model.index(r, level_col).data(Qt.ItemDataRole.ForegroundRole)
        assert foreground == LEVEL_TEXT_BRUSHES.get(level)
    for index, (minimum, _label) in enumerate(LEVEL_FILTERS):
        screen.level_combo.setCurrentIndex(index)
        shown = {model.raw_value(r, "client_code") for r in range(model.rowCount())}
        want = {c for c, lv in levels.items() if minimum is None or lv >= minimum}
        assert shown == want, minimum
    screen.level_combo.setCurrentIndex(1)  # warning or worse
    assert screen.level_combo.currentText() == "Warning or worse"
    assert screen.count_label.text() == f"{model.rowCount()} of 12 rows"
    # sorting the level column orders by severity, not by the names' spelling
    screen.view.sortByColumn(level_col, Qt.SortOrder.DescendingOrder)
    shown_levels = [model.raw_value(r, "risk_level") for r in range(model.rowCount())]
    assert shown_levels == sorted(shown_levels, reverse=True)
    screen.level_combo.setCurrentIndex(0)
    assert model.rowCount() == 12


def test_overview_counts_the_accounts_screens_levels(
    window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts = _table(window, "accounts", qtbot)
    rows = range(accounts.model.rowCount())
    levels = [accounts.model.raw_value(r, "risk_level") for r in rows]
    calls = sum(accounts.model.raw_value(r, "margin_call_fen") for r in rows)
    screen = window.select_screen("main")
    assert isinstance(screen, OverviewScreen)
    qtbot.waitUntil(window.is_ready, timeout=10_000)
    for key, level in LEVEL_CARDS:
        card = screen.cards[key]
        assert card.caption.text() == LEVEL_LABELS[level]
        assert card.value.text() == f"{levels.count(level):,}"
    assert screen.cards["level_warning"].note.text() == "Risk ratio ≥ 80.00%"
    assert screen.cards["level_margin_call"].note.text() == "Available funds < 0"
    assert screen.cards["margin_call"].value.text() == format_yuan(calls)
    # settled figures, and the screen says so
    assert screen.subtitle_label.text().startswith(f"After the settlement of {DAY.isoformat()}")
    assert screen.cards["day"].note.text() == "After the day's settlement"
    # the at-risk list: every account at warning or worse, the worst first
    at_risk = sum(level > NORMAL for level in levels)
    assert screen.at_risk_model.rowCount() == at_risk
    assert screen.at_risk_title.text() == f"Accounts at warning or worse: {at_risk}"
    shown = [screen.at_risk_model.raw_value(r, "risk_level") for r in range(at_risk)]
    assert shown == sorted(shown, reverse=True)
    assert NORMAL not in shown
    # a slice says it is one
    monkeypatch.setattr(overview_screen, "AT_RISK_LIMIT", 2)
    screen.reload()
    qtbot.waitUntil(lambda: screen.at_risk_model.rowCount() == 2, timeout=10_000)
    assert screen.at_risk_title.text() == (
        f"Accounts at warning or worse: the worst 2 of {at_risk}"
    )


def test_a_level_card_opens_the_accounts_at_that_level_or_worse(window: MainWindow, qtbot) -> None:
    """A click on an Overview level card (from 警示 up) lists those accounts and the
    worse ones; a text filter left on Accounts is cleared. The 正常 card is no link."""
    accounts = _table(window, "accounts", qtbot)
    model = accounts.model
    levels = {
        model.raw_value(r, "client_code"): model.raw_value(r, "risk_level") for r in range(12)
    }
    accounts.filter_edit.setText("C0001")
    overview = window.select_screen("main")
    assert isinstance(overview, OverviewScreen)
    qtbot.waitUntil(window.is_ready, timeout=10_000)
    assert not overview.cards["level_normal"].is_clickable
    for key, level in LEVEL_CARDS[1:]:
        card = overview.cards[key]
        assert card.is_clickable
        label = dict(LEVEL_FILTERS)[level]
        assert card.toolTip() == f"Open Accounts: {label}"
        window.select_screen("main")
        qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
        assert window.current_key == "accounts"
        assert accounts.filter_edit.text() == ""
        assert accounts.level_combo is not None
        assert accounts.level_combo.currentText() == label
        shown = {model.raw_value(r, "client_code") for r in range(model.rowCount())}
        assert shown == {c for c, lv in levels.items() if lv >= level}, label


def test_sorting_by_available_funds_is_numeric(window: MainWindow, qtbot) -> None:
    screen = _table(window, "accounts", qtbot)
    col = screen.model.column_of("available_fen")
    screen.view.sortByColumn(col, Qt.SortOrder.AscendingOrder)
    values = _cells(screen, "available_fen")
    small = [v for v in values if v in ("9.00", "10.00", "100.00")]
    assert small == ["9.00", "10.00", "100.00"]
    raws = [screen.model.raw_value(r, "available_fen") for r in range(len(values))]
    assert raws == sorted(raws)


def test_filter_by_client_code(window: MainWindow, qtbot) -> None:
    screen = _table(window, "accounts", qtbot)
    qtbot.keyClicks(screen.filter_edit, "c0003")
    assert _cells(screen, "client_code") == ["C0003"]
    assert screen.count_label.text() == "1 of 12 rows"
    screen.filter_edit.clear()
    assert len(_cells(screen, "client_code")) == 12


def test_positions_filter_by_product(window: MainWindow, qtbot) -> None:
    screen = _table(window, "positions", qtbot)
    assert screen.choice_combo is not None
    total = screen.model.rowCount()
    screen.choice_combo.setCurrentIndex(screen.choice_combo.findData("m"))
    contracts = _cells(screen, "contract_code")
    assert contracts
    assert all(c.startswith("m") for c in contracts)
    assert len(contracts) < total
    qtbot.keyClicks(screen.filter_edit, "C0002")
    assert set(_cells(screen, "client_code")) <= {"C0002"}


def test_prices_screen_shows_limit_locks(window: MainWindow, qtbot) -> None:
    prices = _table(window, "prices", qtbot)
    locks = dict(zip(_cells(prices, "contract_code"), _cells(prices, "limit_lock"), strict=True))
    assert locks["a2501"] == "Limit up"
    assert locks["i2501"] == "Limit down"


def test_overview_cards_and_at_risk_table(ctx: DesktopContext, qtbot) -> None:
    win = MainWindow(ctx, "main")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(win.is_ready, timeout=10_000)
    overview = win.current_page()
    assert overview.cards["day"].value.text() == DAY.isoformat()
    assert overview.cards["clients"].value.text() == "12"
    model = overview.at_risk_view.model()
    assert model.index(0, 0).data() == "C0004"  # 125 %: the riskiest account first
    win.close()


def test_language_switch_changes_headers_and_navigation(window: MainWindow, qtbot) -> None:
    screen = _table(window, "accounts", qtbot)
    col = screen.model.column_of("available_fen")
    assert screen.view.model().headerData(col, H) == "Available (CNY)"
    window.set_language("zh")
    assert screen.view.model().headerData(col, H) == "可用资金 (元)"
    assert screen.title_label.text() == "客户资金"
    assert window.nav.currentItem().text() == "客户资金"
    assert window.file_menu.title() == "文件(&F)"
    assert screen.count_label.text() == "共 12 行"
    assert UiSettings().language == "zh"
    window.set_language("en")
    assert screen.view.model().headerData(col, H) == "Available (CNY)"
    assert window.nav.currentItem().text() == "Accounts"


def test_navigation_lists_every_screen_under_its_group(window: MainWindow) -> None:
    rows = [window.nav.item(r) for r in range(window.nav.count())]
    keys = [item.data(KEY_ROLE) for item in rows]
    assert [k for k in keys if not k.startswith("#")] == [
        s.key for g, _ in GROUPS for s in SCREENS if s.group == g
    ]
    assert [k for k in keys if k.startswith("#")] == [f"#{g}" for g, _ in GROUPS]
    assert {s.key for s in SCREENS} == set(SCREEN_KEYS)
    headers = [item.text() for item in rows if item.data(KEY_ROLE).startswith("#")]
    assert headers == ["MONITORING", "CLEARING", "RISK ACTIONS", "DATA"]
    window.set_language("zh")
    headers = [item.text() for item in rows if item.data(KEY_ROLE).startswith("#")]
    assert headers == ["监控", "清算", "风险处置", "数据"]
    window.set_language("en")


def test_changes_reload_only_concerned_screens(window: MainWindow, ctx, qtbot) -> None:
    screen = _table(window, "accounts", qtbot)
    with ctx.db.sessions.begin() as s:
        s.execute(
            update(ClientBalance)
            .where(ClientBalance.client_code == "C0001", ClientBalance.trading_day == DAY)
            .values(balance_fen=777)
        )
    ctx.bus.changes_applied.emit(Changes(receipts=True), None)
    qtbot.waitUntil(window.is_ready)
    col = screen.model.column_of("balance_fen")
    assert screen.view.model().index(_row_of(screen, "C0001"), col).data() == "1,234,567.89"
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        ctx.bus.changes_applied.emit(Changes(balances=True), None)
    assert screen.view.model().index(_row_of(screen, "C0001"), col).data() == "7.77"


def test_header_layout_is_remembered(ctx: DesktopContext, qtbot) -> None:
    win = MainWindow(ctx, "accounts")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(win.is_ready, timeout=10_000)
    screen = win.current_page()
    assert isinstance(screen, TableScreen)
    col = screen.model.column_of("margin_fen")
    screen.view.setColumnWidth(col, 233)
    win.close()
    again = MainWindow(ctx, "accounts")
    qtbot.addWidget(again)
    restored = again.current_page()
    assert isinstance(restored, TableScreen)
    assert restored.view.columnWidth(col) == 233
    again.close()


@pytest.mark.parametrize(
    ("key", "view_name"),
    [("liquidation", "clients_view"), ("limits", "rows_view"), ("delivery", "matches_view")],
)
def test_every_screens_tables_remember_their_layout(
    ctx: DesktopContext, qtbot, key: str, view_name: str
) -> None:
    """Workbenches too, not only the table screens: widths survive a restart."""
    win = MainWindow(ctx, key)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(win.is_ready, timeout=10_000)
    view = getattr(win.current_page(), view_name)
    view.setColumnWidth(1, 211)
    win.close()
    again = MainWindow(ctx, key)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(again.is_ready, timeout=10_000)
    assert getattr(again.current_page(), view_name).columnWidth(1) == 211
    again.close()


def test_run_op_reports_success_and_changes(ctx: DesktopContext, qtbot) -> None:
    results: list[int] = []
    seen: list[Changes] = []
    ctx.bus.changes_applied.connect(lambda changes, _who: seen.append(changes))

    def op(progress: ProgressState) -> tuple[int, Changes]:
        progress.report("working", 1, 2)
        return 42, Changes(receipts=True)

    run_op(ctx, None, "Test", op, results.append)
    qtbot.waitUntil(lambda: bool(results) and ctx.tasks.is_idle, timeout=5_000)
    assert results == [42]
    assert seen == [Changes(receipts=True)]


def test_run_op_shows_expected_errors(ctx: DesktopContext, qtbot, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        "desktop.widgets.error_view.show_error",
        lambda _parent, exc, title=None: shown.append(str(exc)),
    )

    def op(progress: ProgressState) -> tuple[int, Changes]:
        raise InputError("bad price", source="prices.csv", row=3, field="settlement")

    run_op(ctx, None, "Test", op, lambda _r: None)
    qtbot.waitUntil(lambda: bool(shown), timeout=5_000)
    assert shown == ["prices.csv, row 3, field 'settlement': bad price"]


def test_excepthook_logs_and_never_swallows(caplog) -> None:
    calls: list[int] = []
    hook = make_excepthook(interactive=False, on_error=lambda: calls.append(1))
    try:
        raise ValueError("boom")
    except ValueError as exc:
        hook(ValueError, exc, exc.__traceback__)
    assert calls == [1]
    assert "unexpected error" in caplog.text
    assert "boom" in caplog.text


def test_screenshot_writes_a_png_of_the_requested_size(sample_db_url, tmp_path, qapp):
    out = tmp_path / "shot.png"
    code = run_gui(gui_args(sample_db_url, screenshot=out, size="1280x720", lang="zh"))
    assert code == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 720)
    assert out.stat().st_size > 10_000


def test_bad_database_url_exits_with_2(qapp, capsys) -> None:
    assert run_gui(gui_args("nosuchdriver://x/y")) == 2
    assert "riskdesk:" in capsys.readouterr().err


def test_bad_size_exits_with_2(sample_db_url, qapp) -> None:
    assert run_gui(gui_args(sample_db_url, size="big")) == 2
    assert parse_size("1366x768") == (1366, 768)


def test_url_label_hides_passwords() -> None:
    assert "secret" not in url_label("postgresql+psycopg://u:secret@host/db")
    assert url_label("sqlite:////tmp/x.sqlite") == "SQLite · /tmp/x.sqlite"


def test_demo_database_smoke(tmp_path: Path, qapp) -> None:
    """The demo generator's database opens and renders (when core.demo is available)."""
    from core.services.demo import create_demo_data as create
    from core.services.store import open_database

    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    db = open_database(url)
    try:
        create(db, scale="small")
    finally:
        db.engine.dispose()
    assert run_gui(gui_args(url, screenshot=tmp_path / "demo.png", size="1366x768")) == 0
