"""The Stress screen's safe price ranges (issue 16 item 4) and the client panel's
What-if tab (item 5), on the small demo: what they show is the services' figures to the
fen, a click opens the binding client, typing changes the figures, both speak Chinese.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from core.db.engine import open_database
from core.money import format_yuan
from core.services.client_whatif import WhatIf, WhatIfRequest, what_if, whatif_book
from core.services.safe_range import (
    SafeRangeRequest,
    move_ppm,
    move_text,
    range_table,
    safe_range_result,
)
from desktop import i18n
from desktop.context import DesktopContext
from desktop.screens.stress import StressScreen, create
from tests.desktop import test_client_panel as panel_tests
from tests.desktop import test_reduction_screen as shared
from tests.desktop.test_reduction_screen import column, open_screen

demo_ctx = shared.demo_ctx
demo_template = shared.demo_template
demo_url = shared.demo_url


@pytest.fixture
def screen(demo_ctx: DesktopContext, qtbot: Any) -> StressScreen:
    return open_screen(create, demo_ctx, qtbot)


def _ranges_shown(screen: StressScreen, demo_ctx: DesktopContext, qtbot: Any) -> None:
    qtbot.mouseClick(
        screen.result_tabs.tabBar(),
        Qt.MouseButton.LeftButton,
        pos=screen.result_tabs.tabBar().tabRect(1).center(),
    )
    qtbot.waitUntil(lambda: screen.safe_ranges.is_loaded and demo_ctx.tasks.is_idle, timeout=30_000)


def test_opening_computes_nothing_then_the_tab_shows_the_services_table(
    screen: StressScreen, demo_ctx: DesktopContext, demo_url: str, qtbot: Any, qtmodeltester: Any
) -> None:
    section = screen.safe_ranges
    assert section.data is None
    assert section.model.rowCount() == 0
    _ranges_shown(screen, demo_ctx, qtbot)
    db = open_database(demo_url)
    try:
        with db.reader() as reader:
            result = safe_range_result(reader, SafeRangeRequest())
    finally:
        db.engine.dispose()
    table = range_table(result)
    model = section.model
    assert column(model, "contract") == table["contract"].tolist()
    for key in ("lower_fen", "upper_fen", "member_upper_fen"):
        assert column(model, key) == [
            "—" if v is pd.NA else format_yuan(int(v)) for v in table[key].tolist()
        ]
    m2701 = column(model, "contract").index("m2701")
    r = next(x for x in result.contracts if x.contract == "m2701")
    assert model.index(m2701, model.column_of("lower_ticks")).data() == str(r.lower.ticks)
    assert model.index(m2701, model.column_of("lower_who")).data().startswith(r.lower.binding[0])
    # the move, truncated towards zero to the hundredth of a percent, as the command
    assert r.lower.price_fen is not None
    assert model.index(m2701, model.column_of("lower_bp")).data() == move_text(
        move_ppm(r.lower.price_fen, r.settle_fen)
    )
    # rows narrower than a limit move are tinted
    tinted = [
        model.index(i, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
        for i in range(model.rowCount())
    ]
    assert tinted == table["inside_limits"].tolist()
    assert f"{len(result.below_zero):,} clients below zero at S" in section.status.text()
    assert "2026-11-20" in section.title.text()
    qtmodeltester.check(model)


def test_a_row_opens_the_binding_client_of_the_side_clicked(
    screen: StressScreen, demo_ctx: DesktopContext, qtbot: Any
) -> None:
    _ranges_shown(screen, demo_ctx, qtbot)
    section = screen.safe_ranges
    model = section.model
    row = column(model, "contract").index("m2701")
    upper = model.raw_value(row, "upper_client")
    lower = model.raw_value(row, "lower_client")
    view = section.view
    for key, code in (("upper_ticks", upper), ("lower_fen", lower), ("contract", lower)):
        index = model.index(row, model.column_of(key))
        view.scrollTo(index)
        rect = view.visualRect(index)
        with qtbot.waitSignal(demo_ctx.bus.client_requested, timeout=5_000) as sig:
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert sig.args[0] == code
        assert sig.args[1].isoformat() == "2026-11-20"


def test_the_safe_ranges_in_chinese(
    screen: StressScreen, demo_ctx: DesktopContext, qtbot: Any
) -> None:
    i18n.set_language("zh")
    try:
        screen.retranslate()
        _ranges_shown(screen, demo_ctx, qtbot)
        assert screen.result_tabs.tabText(1) == "安全价格区间"
        model = screen.safe_ranges.model
        heads = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(5)]
        assert heads == ["合约", "结算价 (元)", "客户数", "可用已负", "下行安全至"]
        assert "结算后的安全价格区间" in screen.safe_ranges.title.text()
        assert screen.safe_ranges.recompute_button.text() == "重新计算"
    finally:
        i18n.set_language("en")


# ============================================================== the What-if tab
def _whatif(demo_ctx: DesktopContext, qtbot: Any, code: str = "10000010") -> Any:
    window = panel_tests.open_window(demo_ctx, qtbot, "accounts")
    window.show_client(code)
    panel = panel_tests.shown_panel(window, qtbot, code)
    panel.select_tab("whatif")
    qtbot.waitUntil(lambda: panel.whatif.is_loaded, timeout=15_000)
    return panel


def figure(page: Any, key: str, column: int = 2) -> str:
    model = page.figures_model
    return str(model.index(model.row_of(key), column).data())


def test_the_whatif_tab_starts_at_the_panels_figures_and_follows_the_inputs(
    demo_ctx: DesktopContext, qtbot: Any, qtmodeltester: Any
) -> None:
    panel = _whatif(demo_ctx, qtbot)
    page = panel.whatif
    # the same figure on two surfaces: the panel's facts and the What-if's "now"
    assert figure(page, "available", 1) == panel.fact_values["available"].text() == "90,004.39"
    assert figure(page, "margin", 1) == panel.fact_values["margin"].text() == "83,673.40"
    assert figure(page, "available") == "90,004.39"
    db = open_database(str(demo_ctx.db.engine.url))
    try:
        with db.reader() as reader:
            book = whatif_book(reader, WhatIfRequest("10000010"))
    finally:
        db.engine.dispose()
    # close 1 of the 2 i2704 lots, typed: 11,479.00 freed
    line = next(i for i, ln in enumerate(book.lines) if ln.contract == "i2704")
    page.line_combo.setCurrentIndex(line + 1)
    assert page.lots_spin.maximum() == 2
    page.lots_spin.lineEdit().selectAll()
    qtbot.keyClicks(page.lots_spin.lineEdit(), "1")
    assert figure(page, "released") == "11,479.00"
    assert figure(page, "margin") == "72,194.40"
    assert figure(page, "available") == "101,483.39"
    # and 5 points on every contract, typed
    page.points_spin.lineEdit().selectAll()
    qtbot.keyClicks(page.points_spin.lineEdit(), "5")
    expected = what_if(book, WhatIf(close_line=line, close_lots=1, points_ppm=50_000))
    assert figure(page, "margin") == format_yuan(expected.margin_after_fen) == "109,738.90"
    assert figure(page, "available") == format_yuan(expected.available_after_fen)
    assert figure(page, "rate_change") == format_yuan(expected.rate_change_fen)
    opened = page.open_model
    a2701 = column(opened, "contract").index("a2701")
    shown = expected.openable[[o.contract for o in expected.openable].index("a2701")]
    assert opened.index(a2701, opened.column_of("long_lots")).data() == f"{shown.long_lots:,}"
    qtmodeltester.check(opened)
    qtmodeltester.check(page.figures_model)
    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    assert figure(page, "available") == "90,004.39"
    assert page.line_combo.currentIndex() == 0


def test_the_whatif_tab_in_chinese(demo_ctx: DesktopContext, qtbot: Any) -> None:
    i18n.set_language("zh")
    try:
        panel = _whatif(demo_ctx, qtbot)
        index = panel.tabs.indexOf(panel.whatif)
        assert panel.tabs.tabText(index) == "假设分析"
        page = panel.whatif
        assert page.line_combo.itemText(0) == "不平仓"
        assert figure(page, "available", 0) == "可用资金"
        assert page.open_model.headerData(4, Qt.Orientation.Horizontal) == "可开多 (手)"
    finally:
        i18n.set_language("en")
