"""The Margin calls screen on the small demo (settled 2026-11-20: 13 clients at forced
close, 12 of them short of 248,109.37 in all), read as the user sees it: cells, the
summary line, the dialogs; and the Overview's call card against the list."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMessageBox

from core.audit import recent
from core.money import format_yuan
from core.rules.margin_calls import CallSettings
from core.rules.risk_levels import NORMAL
from core.services.calls import CallRequest, settled_calls
from core.services.notice_delivery import set_client_contact
from core.services.notices import GenerateRequest, NoticeFilter, generate_notices, list_notices
from desktop import i18n
from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.models.levels import LEVEL_FILTERS
from desktop.screens.calls import CallsScreen, create
from desktop.screens.overview import OverviewScreen
from tests.core.test_notice_mail import Inbox, smtp_server
from tests.desktop.test_reduction_screen import (
    demo_ctx,
    demo_template,
    demo_url,
    open_screen,
    wait_loaded,
)

__all__ = ["demo_ctx", "demo_template", "demo_url", "smtp_server"]  # fixtures used here

DAY = date(2026, 11, 20)
TOTAL = "248,109.37"


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).replace("&nbsp;", " ")


def cell(screen: CallsScreen, row: int, key: str) -> str:
    return str(screen.model.index(row, screen.model.column_of(key)).data())


def row_of(screen: CallsScreen, code: str) -> int:
    rows = [r for r in range(screen.model.rowCount()) if cell(screen, r, "client_code") == code]
    assert rows, code
    return rows[0]


def select_clients(screen: CallsScreen, codes: list[str]) -> None:
    view, model = screen.view, screen.model
    view.clearSelection()
    for code in codes:
        index = model.index(row_of(screen, code), 0)
        view.selectionModel().select(
            index,
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
        view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)


@pytest.fixture
def screen(demo_ctx: DesktopContext, qtbot: Any) -> CallsScreen:
    return open_screen(create, demo_ctx, qtbot)  # type: ignore[no-any-return]


def test_the_list_is_the_services_full_list(
    screen: CallsScreen, demo_ctx: DesktopContext, qtmodeltester: Any
) -> None:
    with demo_ctx.db.reader() as r:
        calls = settled_calls(r)
    assert calls.trading_day == DAY
    want = {
        (code, format_yuan(int(x)))
        for code, x in zip(calls.calls["client_code"], calls.calls["call_fen"], strict=True)
    }
    model = screen.model
    shown = {(cell(screen, r, "client_code"), cell(screen, r, "call_fen")) for r in range(13)}
    assert model.rowCount() == len(want) == 13
    assert shown == want
    first = 0  # the service's order: the largest call first within the worst level
    assert (cell(screen, first, "client_code"), cell(screen, first, "call_fen")) == (
        "10000370",
        "118,538.86",
    )
    assert cell(screen, first, "risk_level") == "Forced close"
    assert cell(screen, first, "deadline") == "2026-11-23 09:00"
    assert cell(screen, first, "notice_status") == "Not generated"
    # the client at forced close whose receipts cover its margin: listed, nothing to call
    assert cell(screen, row_of(screen, "10000250"), "call_fen") == "0.00"
    summary = plain(screen.summary_label.text())
    assert "Accounts per level (500 in all): Normal 443 · Warning 44" in summary
    assert f"Listed 13 · to call 12 · total to call {TOTAL} CNY" in summary
    assert screen.count_label.text() == "13 rows"
    assert screen.subtitle_label.text() == (
        "After the settlement of 2026-11-20 · due by 2026-11-23 09:00 (Beijing time)"
    )
    assert screen.view.isColumnHidden(model.column_of("member_code"))  # one member
    qtmodeltester.check(model)


def test_search_level_and_target(screen: CallsScreen, demo_ctx: DesktopContext, qtbot: Any) -> None:
    screen.filter_edit.setText("王立")
    assert [cell(screen, r, "client_code") for r in range(screen.model.rowCount())] == ["10000032"]
    assert screen.count_label.text() == "1 of 13 rows"
    screen.filter_edit.clear()

    # every account: the level filter asks the service again, the table holds 500 rows
    screen.level_combo.setCurrentIndex([lv for lv, _ in LEVEL_FILTERS].index(None))
    wait_loaded(screen, demo_ctx, qtbot)
    assert screen.model.rowCount() == 500
    assert f"Listed 500 · to call 12 · total to call {TOTAL} CNY" in plain(
        screen.summary_label.text()
    )
    screen.level_combo.setCurrentIndex(len(LEVEL_FILTERS) - 1)  # deficit only
    wait_loaded(screen, demo_ctx, qtbot)
    assert screen.model.rowCount() == 0
    assert "Listed 0 · to call 0 · total to call 0.00 CNY" in plain(screen.summary_label.text())
    screen.level_combo.setCurrentIndex(2)  # margin call or worse
    wait_loaded(screen, demo_ctx, qtbot)

    # a bad target ratio is refused by name and changes nothing
    screen.target_combo.setCurrentIndex(screen.target_combo.findData("both"))
    wait_loaded(screen, demo_ctx, qtbot)
    screen.ratio_edit.setText("eighty")
    screen.ratio_edit.editingFinished.emit()
    assert screen.banner.isVisibleTo(screen)
    assert plain(screen.banner.text()) == "Target ratio: 'eighty' is not a percentage"
    # back to the warning threshold (80 %): the larger of the two requirements
    screen.ratio_edit.setText("80")
    screen.ratio_edit.editingFinished.emit()
    wait_loaded(screen, demo_ctx, qtbot)
    assert not screen.banner.isVisibleTo(screen)
    with demo_ctx.db.reader() as r:
        both = settled_calls(r, CallRequest(settings=CallSettings("both", 800_000)))
        every = settled_calls(r, CallRequest(min_level=NORMAL))
    assert both.total_call_fen > every.total_call_fen  # back to 80 % asks for more
    summary = plain(screen.summary_label.text())
    assert f"total to call {format_yuan(both.total_call_fen)} CNY" in summary
    assert "Notices ask for the settlement's amount" in summary
    row = row_of(screen, "10000370")
    code = both.calls["client_code"].tolist().index("10000370")
    assert cell(screen, row, "call_fen") == format_yuan(int(both.calls["call_fen"].iat[code]))


def test_generating_notices_for_two_clients(
    screen: CallsScreen, demo_ctx: DesktopContext, qtbot: Any
) -> None:
    select_clients(screen, ["10000347", "10000032"])
    qtbot.mouseClick(screen.generate_button, Qt.MouseButton.LeftButton)
    dialog = screen.generate_dialog
    assert dialog is not None
    assert dialog.isVisible()
    # both are at forced close: that notice first; the desk picks the margin call
    assert dialog.kind_combo.currentData() == "forced_close"
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("margin_call"))
    assert dialog.selected_radio.isChecked()
    assert dialog.outcome.text() == "2 client(s) get a notice."
    dialog.listed_radio.setChecked(True)  # all 13: the one with nothing to call is left out
    assert dialog.outcome.text() == (
        "12 client(s) get a notice. 1 left out: available funds not below zero (no call to notice)."
    )
    dialog.selected_radio.setChecked(True)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    def shown() -> bool:
        return (
            screen.is_loaded
            and demo_ctx.tasks.is_idle
            and (cell(screen, row_of(screen, "10000347"), "notice_status") == "Generated")
        )

    qtbot.waitUntil(shown, timeout=15_000)
    numbered = {
        code: cell(screen, row_of(screen, code), "notice_number")
        for code in ("10000032", "10000347")
    }
    # numbered in client order within the member, no gap
    assert numbered == {"10000032": "MC2026-000001", "10000347": "MC2026-000002"}
    assert cell(screen, row_of(screen, "10000370"), "notice_status") == "Not generated"
    assert plain(screen.result_banner.text()) == (
        "Generated 2 Margin call notice: MC2026-000001, MC2026-000002."
    )
    with demo_ctx.db.reader() as r:
        notices = list_notices(r, NoticeFilter(day=DAY))
        (entry,) = recent(r.session, 5, action="notice.generate")
    assert sorted(n.number for n in notices) == ["MC2026-000001", "MC2026-000002"]
    assert {n.call_fen for n in notices} == {5_198_636, 2_261_163}  # 51,986.36 and 22,611.63
    assert entry.detail_data()["numbers"] == ["MC2026-000001", "MC2026-000002"]
    assert entry.user == "tester"

    # the same two again: they hold the notice already, the dialog says so
    select_clients(screen, ["10000347", "10000032"])
    dialog = screen.ask_generate()
    assert dialog is not None
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("margin_call"))
    assert dialog.outcome.text() == (
        "0 client(s) get a notice. 2 left out: they already hold this notice for the day."
    )
    assert not dialog.ok_button.isEnabled()
    dialog.reject()


def test_double_click_and_enter_ask_for_the_client_panel(
    screen: CallsScreen, demo_ctx: DesktopContext, qtbot: Any
) -> None:
    row = row_of(screen, "10000288")
    rect = screen.view.visualRect(screen.model.index(row, 0))
    with qtbot.waitSignal(demo_ctx.bus.client_requested) as signal:
        qtbot.mouseClick(screen.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(screen.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == ["10000288", DAY]
    with qtbot.waitSignal(demo_ctx.bus.client_requested) as signal:
        qtbot.keyClick(screen.view, Qt.Key.Key_Return)
    assert signal.args == ["10000288", DAY]


def test_the_overview_card_is_the_lists_total(demo_ctx: DesktopContext, qtbot: Any) -> None:
    window = MainWindow(demo_ctx, "main")
    window.set_save_on_close(False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(window.is_ready, timeout=20_000)
    overview = window.current_page()
    assert isinstance(overview, OverviewScreen)
    card = overview.cards["margin_call"]
    assert card.value.text() == TOTAL
    assert card.note.text() == "13 clients: Forced close 13"
    assert card.is_clickable
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert window.current_key == "calls"
    qtbot.waitUntil(window.is_ready, timeout=20_000)
    calls = window.current_page()
    assert isinstance(calls, CallsScreen)
    assert calls.data is not None
    assert overview.calls is not None
    listed = calls.data.view.calls
    assert (listed.total_call_fen, listed.counts) == (
        overview.calls.total_call_fen,
        overview.calls.counts,
    )
    assert f"total to call {card.value.text()} CNY" in plain(calls.summary_label.text())
    window.close()


def test_chinese_labels(demo_ctx: DesktopContext, qtbot: Any) -> None:
    i18n.set_language("zh")
    screen = open_screen(create, demo_ctx, qtbot)
    assert screen.title_label.text() == "追加保证金"
    assert cell(screen, 0, "risk_level") == "强平"
    assert cell(screen, 0, "notice_status") == "未生成"
    model = screen.model
    headers = [
        model.headerData(model.column_of(k), Qt.Orientation.Horizontal)
        for k in ("call_fen", "deadline", "notice_status")
    ]
    assert headers == ["应追加 (元)", "追加期限", "通知书"]
    assert screen.generate_button.text() == "生成通知书…"
    assert screen.basis_combo.currentText() == "日终结算后"
    summary = plain(screen.summary_label.text())
    assert f"名单 13 户 · 需追保 12 户 · 应追加合计 {TOTAL} 元" in summary
    assert "正常 443 · 警示 44 · 追保 0 · 强平 13 · 穿仓 0" in summary


@pytest.fixture
def smtp_config(
    smtp_server: tuple[Inbox, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Inbox, int]:
    """The settings file the desk's RiskDesk reads (``$RISKDESK_CONFIG``), pointing at
    the loopback SMTP server; no login, so no password anywhere."""
    inbox, port = smtp_server
    config = tmp_path / "riskdesk.toml"
    config.write_text(
        "[notices.smtp]\n"
        'host = "127.0.0.1"\n'
        f"port = {port}\n"
        'tls = "none"\n'
        'sender = "风控部 <risk@firm.example>"\n'
        "timeout_s = 5\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("RISKDESK_CONFIG", str(config))
    return inbox, port


def test_sending_by_e_mail_from_the_screen(
    demo_ctx: DesktopContext, qtbot: Any, smtp_config: tuple[Inbox, int]
) -> None:
    db = demo_ctx.db
    set_client_contact(db, "10000347", email="zhang@client.example")
    set_client_contact(db, "10000032", email="wang@client.example")
    generate_notices(db, GenerateRequest(day=DAY, clients=("10000032", "10000347")))
    screen = open_screen(create, demo_ctx, qtbot)
    select_clients(screen, ["10000347", "10000032", "10000370"])  # 10000370: no notice
    qtbot.mouseClick(screen.send_button, Qt.MouseButton.LeftButton)
    box = screen.send_question
    assert box is not None
    inbox, port = smtp_config
    assert box.text() == (
        f"Send 2 notice(s) by e-mail through 127.0.0.1:{port} as 风控部 <risk@firm.example>?"
    )
    assert box.informativeText() == "1 client(s) have no notice yet."
    box.button(QMessageBox.StandardButton.Yes).click()

    def sent() -> bool:
        return (
            screen.is_loaded
            and demo_ctx.tasks.is_idle
            and cell(screen, row_of(screen, "10000032"), "notice_status") == "Sent"
            and cell(screen, row_of(screen, "10000347"), "notice_status") == "Sent"
        )

    qtbot.waitUntil(sent, timeout=20_000)
    assert plain(screen.result_banner.text()) == "Sent 2, failed 0, skipped 0."
    assert screen.result_banner.tone == "success"
    recipients = sorted(rcpt[0] for _sender, rcpt, _raw in inbox.messages)
    assert recipients == ["wang@client.example", "zhang@client.example"]
    assert all(b"MC2026-00000" in raw for _s, _r, raw in inbox.messages)
    with db.reader() as r:
        entries = recent(r.session, 10, action="notice.send")
    assert sorted(e.detail_data()["status"] for e in entries) == ["sent", "sent"]

    # sent already: nothing is offered again
    select_clients(screen, ["10000347"])
    assert screen.ask_send() is None
    assert "No notice to send" in screen.result_banner.text()


def test_e_mail_that_is_not_set_up_is_said_and_nothing_is_sent(
    demo_ctx: DesktopContext, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "riskdesk.toml"
    config.write_text('[notices.smtp]\nsender = "risk@firm.example"\n', encoding="utf-8")
    monkeypatch.setenv("RISKDESK_CONFIG", str(config))
    generate_notices(demo_ctx.db, GenerateRequest(day=DAY, clients=("10000032",)))
    screen = open_screen(create, demo_ctx, qtbot)
    select_clients(screen, ["10000032"])
    assert screen.ask_send() is None
    assert plain(screen.result_banner.text()) == (
        "E-mail is not set up: settings: notices.smtp.host is required (text)"
    )
    assert cell(screen, row_of(screen, "10000032"), "notice_status") == "Generated"


def test_a_new_database_says_nothing_is_settled(tmp_path: Path, qtbot: Any) -> None:
    from tests.desktop.test_empty_database import _context

    ctx = _context(f"sqlite:///{tmp_path / 'new.sqlite'}")
    try:
        screen = open_screen(create, ctx, qtbot)
        assert screen.model.rowCount() == 0
        assert screen.banner.tone == "info"
        assert plain(screen.banner.text()) == (
            "No settled day yet: margin calls are listed after the daily settlement "
            "(Daily settlement), or intraday from the live risk monitor."
        )
        assert not screen.generate_button.isEnabled()
        assert not screen.send_button.isEnabled()
    finally:
        ctx.close()
