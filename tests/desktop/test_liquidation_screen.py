"""Forced liquidation workbench: stored reserve, assumed reserve, what-if deposit, export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from core.audit import recent
from core.db import risk_queries as rq
from core.db.engine import open_database
from core.money import bp_to_str, format_yuan, ratio_bp
from core.services.liquidation import preview_liquidation
from desktop import i18n
from desktop.screens.liquidation import LiquidationScreen, create
from tests.desktop import test_reduction_screen as shared
from tests.desktop.test_forced_close_screen import double_click
from tests.desktop.test_reduction_screen import open_screen, raw, wait_loaded

# The demo database fixtures are shared with the reduction tests (one build per session).
demo_ctx = shared.demo_ctx
demo_template = shared.demo_template
demo_url = shared.demo_url


@pytest.fixture
def screen(demo_ctx, qtbot) -> LiquidationScreen:  # type: ignore[no-untyped-def]
    return open_screen(create, demo_ctx, qtbot)


def _fact(screen: LiquidationScreen, key: str) -> str:
    return screen.facts[key][1].text()


def _stored_reserve(demo_url: str, member: str) -> tuple[date, int]:
    """The member's reserve after the latest settled day, from the reserve history."""
    db = open_database(demo_url)
    try:
        with db.sessions.begin() as session:
            day = rq.latest_price_day(session)
            assert day is not None
            row = rq.reserve_on(session, member, day)
    finally:
        db.engine.dispose()
    assert row is not None
    return day, row.reserve_fen


def test_stored_reserve_needs_no_liquidation(
    screen: LiquidationScreen, demo_url: str, qtmodeltester
) -> None:
    assert screen.member_combo.currentData() == "0101"
    day, reserve = _stored_reserve(demo_url, "0101")
    # The demo member's reserve on its last day (2026-11-20) is well above zero.
    assert (day, reserve) == (date(2026, 11, 20), 2_518_400_228)
    assert _fact(screen, "reserve") == format_yuan(reserve) == "25,184,002.28"
    assert not screen.facts["reserve"][1].styleSheet()  # not red
    assert _fact(screen, "min_reserve") == "2,000,000.00"
    # A positive reserve: nothing to release, no orders, no ban, and the screen says so.
    assert _fact(screen, "required") == "0.00"
    assert not screen.facts["required"][1].styleSheet()
    assert _fact(screen, "lots") == "0"
    assert not screen.ban_banner.isVisible()
    assert "No forced liquidation" in screen.banner.text()
    assert screen.orders_model.rowCount() == 0
    assert screen.members_model.index(0, 2).data() == format_yuan(reserve)
    for model in (screen.members_model, screen.clients_model, screen.orders_model):
        qtmodeltester.check(model)


def test_assumed_reserve_and_what_if_deposit(screen: LiquidationScreen, demo_ctx, qtbot) -> None:
    screen.assume_check.setChecked(True)
    wait_loaded(screen, demo_ctx, qtbot)
    screen.reserve_edit.setText("-5,000,000")
    screen.recompute()
    wait_loaded(screen, demo_ctx, qtbot)
    assert _fact(screen, "required") == "5,000,000.00"
    assert screen.facts["required"][1].styleSheet()  # shown in red
    assert screen.ban_banner.isVisible()
    assert screen.ban_banner.tone == "danger"
    assert "2,000,000.00" in screen.ban_banner.text()
    lots = sum(int(v) for v in raw(screen.orders_model, "close_lots"))
    assert lots == int(_fact(screen, "lots").replace(",", "")) > 0
    assert raw(screen.orders_model, "close_side")[0] in ("sell", "buy")
    # Typing a deposit recomputes after a pause: the requirement drops.
    qtbot.keyClicks(screen.deposit_edit, "1500000")
    qtbot.waitUntil(lambda: _fact(screen, "required") == "3,500,000.00", timeout=10_000)
    assert _fact(screen, "deposit") == "1,500,000.00"
    assert screen.ban_banner.isVisible()  # still below zero


def test_changing_the_lots_method_is_tagged(screen: LiquidationScreen, demo_ctx, qtbot) -> None:
    assert screen.params.tag_state("lots_method") == "unverified"
    combo = screen.params.editors["lots_method"]
    combo.setCurrentIndex(combo.findData("fewest_lots"))
    wait_loaded(screen, demo_ctx, qtbot)
    assert screen.params.tag_state("lots_method") == "edited"


def test_export_order_list(screen: LiquidationScreen, demo_ctx, qtbot, tmp_path: Path) -> None:
    screen.assume_check.setChecked(True)
    screen.reserve_edit.setText("-1000000.00")
    screen.recompute()
    wait_loaded(screen, demo_ctx, qtbot)
    with qtbot.waitSignal(screen.exported, timeout=10_000):
        screen.export_to(tmp_path / "orders.csv")
    lines = (tmp_path / "orders.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "client_code,contract_code,side_to_close,lots"
    with demo_ctx.db.reader() as reader:
        (entry,) = recent(reader.session, 10, "export.liquidation_orders")
    detail = entry.detail_data()
    assert detail == {"kind": "liquidation_orders", "rows": len(lines) - 1, "file": "orders.csv"}


def test_an_export_that_cannot_be_written_is_not_audited(
    screen: LiquidationScreen, demo_ctx, qtbot, tmp_path: Path
) -> None:
    target = tmp_path / "no-such-folder" / "orders.csv"
    screen.export_to(target)
    qtbot.waitUntil(lambda: "cannot write" in screen.error_banner.text(), timeout=10_000)
    qtbot.waitUntil(lambda: demo_ctx.tasks.is_idle, timeout=10_000)
    with demo_ctx.db.reader() as reader:
        assert recent(reader.session, 10, "export.liquidation_orders") == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_smoke_in_both_languages(demo_ctx, qtbot, lang: str) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language(lang)
    screen = open_screen(create, demo_ctx, qtbot)
    assert screen.title_label.text() == ("强行平仓" if lang == "zh" else "Forced liquidation")
    assert screen.facts["reserve"][0].text() == (
        "结算准备金 (元)" if lang == "zh" else "Settlement reserve (CNY)"
    )


# ------------------------------------------------------------------ issue #11
def _service_report(demo_ctx, reserve_fen: int, deposit_fen: int, method: str | None = None):  # type: ignore[no-untyped-def]
    with demo_ctx.db.reader() as reader:
        return preview_liquidation(
            reader, "0101", reserve_fen=reserve_fen, deposit_fen=deposit_fen, lots_method=method
        )


def _type(qtbot, edit, text: str) -> None:  # type: ignore[no-untyped-def]
    """Click into the field (which selects what it holds; it stays selected after an
    Enter there), type, press Enter. A character QTest cannot type (the minus sign
    U+2212) arrives as the key event an input method sends: no key code, the
    character as its text."""
    if not edit.hasFocus():
        # another test's window left in this process may hold the activation: a click
        # gives focus only inside the active window, as for a user
        edit.window().activateWindow()
        qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: edit.hasFocus() and edit.selectedText() == edit.text(), timeout=15_000)
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(edit, ch)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch)
                QApplication.sendEvent(edit, event)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_typed_reserve_replaces_and_enter_recomputes(
    screen: LiquidationScreen, demo_ctx, qtbot, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    # Ticking starts from an empty field (the stored reserve is only the placeholder),
    # focused: what is typed is the whole value.
    qtbot.mouseClick(screen.assume_check, Qt.MouseButton.LeftButton)
    wait_loaded(screen, demo_ctx, qtbot)
    assert screen.reserve_edit.text() == ""
    assert screen.reserve_edit.placeholderText() == "25,184,002.28"
    _type(qtbot, screen.reserve_edit, "−5,000,000.00")  # typographic minus, as in documents
    # Enter recomputed at once: no pause, a load under way
    assert not screen._debounce.isActive()
    assert screen.is_loading
    wait_loaded(screen, demo_ctx, qtbot)
    assert _fact(screen, "required") == "5,000,000.00"
    _type(qtbot, screen.deposit_edit, "1,500,000.00")
    assert screen.is_loading
    wait_loaded(screen, demo_ctx, qtbot)
    assert _fact(screen, "required") == "3,500,000.00"
    assert _fact(screen, "reserve") == "-5,000,000.00"

    # released ÷ required and the over-release, as the service computes them
    report = _service_report(demo_ctx, -500_000_000, 150_000_000)
    pv = report.preview
    assert report.params.lots_method == "largest_remainder"  # the spec's default (2.f)
    assert _fact(screen, "released") == format_yuan(pv.total_released_fen)
    assert _fact(screen, "released_ratio") == bp_to_str(
        ratio_bp(pv.total_released_fen, 350_000_000)
    )
    assert _fact(screen, "over") == format_yuan(pv.total_released_fen - 350_000_000)
    # what the clients' margin can release and the shortfall beside the release
    assert _fact(screen, "release") == format_yuan(pv.total_release_fen)
    assert _fact(screen, "releasable") == format_yuan(report.releasable_fen)
    assert _fact(screen, "shortfall") == "0.00"
    clients = screen.clients_model
    assert clients.column_of("releasable_fen") == clients.column_of("release_fen") + 1
    assert clients.column_of("shortfall_fen") == clients.column_of("release_fen") + 2

    # the lot methods side by side, each from the one service
    methods = screen.methods_model
    assert raw(methods, "lots_method") == ["largest_remainder", "same_ratio", "fewest_lots"]
    assert "Back to zero" in screen.methods_title.text()
    scen = report.scenarios.set_index(["requirement", "lots_method"]).loc["to_zero"]
    for r, method in enumerate(raw(methods, "lots_method")):
        assert methods.index(r, methods.column_of("released_fen")).data() == format_yuan(
            int(scen.loc[method, "released_fen"])
        )
        assert methods.index(r, methods.column_of("over_release_fen")).data() == format_yuan(
            int(scen.loc[method, "over_release_fen"])
        )
        assert (
            methods.index(r, methods.column_of("lines")).data() == f"{scen.loc[method, 'lines']:,}"
        )
    over = dict(zip(raw(methods, "lots_method"), raw(methods, "over_release_fen"), strict=True))
    # largest remainder: over by less than one lot's margin of a line given one (spec 2.f)
    lines = report.lines
    closed = lines[lines["close_lots"] > 0]
    assert 0 <= over["largest_remainder"] < int(closed["margin_per_lot_fen"].max())
    assert over["largest_remainder"] < over["fewest_lots"] < over["same_ratio"]
    # the chosen method tinted; the two far above 110 % in red, with no banner for
    # the chosen one (100.14 %)
    assert methods.flag(0) == "chosen"
    assert methods.flag(1) == methods.flag(2) == "over"
    assert not screen.over_banner.isVisible()

    # a second value typed into the field replaces the first
    _type(qtbot, screen.reserve_edit, "-6000000")
    assert screen.reserve_edit.text() == "-6000000"
    wait_loaded(screen, demo_ctx, qtbot)
    assert _fact(screen, "required") == "4,500,000.00"
    qtmodeltester.check(methods)


def test_warning_above_the_threshold_and_shortfall(
    screen: LiquidationScreen, demo_ctx, qtbot
) -> None:  # type: ignore[no-untyped-def]
    screen.assume_check.setChecked(True)
    _type(qtbot, screen.reserve_edit, "-3,500,000.00")
    wait_loaded(screen, demo_ctx, qtbot)
    combo = screen.params.editors["lots_method"]
    combo.setCurrentIndex(combo.findData("same_ratio"))
    wait_loaded(screen, demo_ctx, qtbot)
    report = _service_report(demo_ctx, -350_000_000, 0, "same_ratio")
    assert report.is_over
    ratio = bp_to_str(report.released_ratio_bp)
    assert ratio == "610.78%"
    banner = screen.over_banner
    assert banner.isVisible()
    assert banner.tone == "warning"
    assert f"release {ratio} of the requirement (above 110.00%)" in banner.text()
    assert screen.facts["released_ratio"][1].styleSheet()  # in red
    assert screen.methods_model.flag(1) == "over"  # same ratio: chosen, and above

    # a reserve beyond every client's margin: shares above the margin, the shortfall
    _type(qtbot, screen.reserve_edit, "-500,000,000.00")
    wait_loaded(screen, demo_ctx, qtbot)
    short = _service_report(demo_ctx, -50_000_000_000, 0, "same_ratio")
    assert _fact(screen, "shortfall") == format_yuan(short.preview.shortfall_fen)
    assert short.preview.shortfall_fen == 50_000_000_000 - short.preview.total_margin_fen
    assert screen.facts["shortfall"][1].styleSheet()
    assert _fact(screen, "releasable") == format_yuan(short.preview.total_margin_fen)
    clients = screen.clients_model
    row = 0
    release = clients.raw_value(row, "release_fen")
    assert clients.raw_value(row, "releasable_fen") == clients.raw_value(row, "margin_fen")
    assert (
        clients.raw_value(row, "shortfall_fen")
        == release - clients.raw_value(row, "margin_fen")
        > 0
    )


def test_bad_amount_names_the_field(screen: LiquidationScreen, demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    _type(qtbot, screen.deposit_edit, "1.234")
    assert "Amounts" in screen.error_banner.text()
    assert not screen.is_loading


def test_double_click_a_client_opens_it(screen: LiquidationScreen, demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    screen.assume_check.setChecked(True)
    _type(qtbot, screen.reserve_edit, "-1,000,000.00")
    wait_loaded(screen, demo_ctx, qtbot)
    view = screen.orders_view
    index = screen.orders_model.index(0, 0)
    code = screen.orders_model.raw_value(0, "client_code")
    with qtbot.waitSignal(demo_ctx.bus.client_requested, timeout=5_000) as signal:
        double_click(qtbot, view, index)
    assert signal.args == [code, date(2026, 11, 20)]


def test_new_figures_in_chinese(demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language("zh")
    screen = open_screen(create, demo_ctx, qtbot)
    assert screen.facts["released_ratio"][0].text() == "释放 ÷ 应追加"
    assert screen.facts["releasable"][0].text() == "可释放 (元)"
    assert screen.methods_title.text() == "手数算法对比（追加口径：补足至零）"
    model = screen.methods_model
    header = model.headerData(model.column_of("over_release_fen"), Qt.Orientation.Horizontal)
    assert header == "超额释放 (元)"
    assert model.index(0, 0).data() == "最大余数法（超额释放最少）"
