"""Forced liquidation workbench: stored reserve, assumed reserve, what-if deposit, export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.audit import recent
from core.db import risk_queries as rq
from core.db.engine import open_database
from core.money import format_yuan
from desktop import i18n
from desktop.screens.liquidation import LiquidationScreen, create
from tests.desktop import test_reduction_screen as shared
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
