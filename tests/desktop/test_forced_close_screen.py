"""Client forced close (强平单) on the small demo: the due clients after 2026-11-20, what
the screen shows against the service to the fen, hand edits reviewed as they are typed,
refused entries, reset, the audited export and the drill-down."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from core.audit import recent
from core.money import bp_to_str, format_yuan, ratio_bp
from core.services.forced_close import ForcedCloseRequest, preview_forced_close
from core.trading_calendar import EXCHANGE_TZ
from desktop import i18n
from desktop.context import DesktopContext
from desktop.screens.forced_close import ForcedCloseScreen, create
from tests.desktop import test_reduction_screen as shared
from tests.desktop.test_reduction_screen import column, wait_loaded

demo_ctx = shared.demo_ctx
demo_template = shared.demo_template
demo_url = shared.demo_url

DAY = date(2026, 11, 20)
AFTER_DEADLINE = datetime(2026, 11, 23, 9, 0, tzinfo=EXCHANGE_TZ)
BEFORE_DEADLINE = datetime(2026, 11, 23, 8, 59, tzinfo=EXCHANGE_TZ)
CLIENT = "10000012"
"""Required 7,254.02; the proposal sells 3 of 8 m2701 long at 2,738.40 a lot."""


def _open(ctx: DesktopContext, qtbot, now: datetime = AFTER_DEADLINE) -> ForcedCloseScreen:  # type: ignore[no-untyped-def]
    screen = create(ctx, None)
    screen.clock = lambda: now
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    wait_loaded(screen, ctx, qtbot)
    return screen


@pytest.fixture
def screen(demo_ctx: DesktopContext, qtbot) -> ForcedCloseScreen:  # type: ignore[no-untyped-def]
    return _open(demo_ctx, qtbot)


def _fact(screen: ForcedCloseScreen, key: str) -> str:
    return screen.facts[key][1].text()


def _client_row(screen: ForcedCloseScreen, code: str) -> int:
    model = screen.clients_model
    return next(r for r in range(model.rowCount()) if model.raw_value(r, "client_code") == code)


def _cell(model, row: int, key: str) -> str:  # type: ignore[no-untyped-def]
    return str(model.index(row, model.column_of(key)).data())


def _line_row(screen: ForcedCloseScreen, contract: str) -> int:
    model = screen.lines_model
    return next(
        r for r in range(model.rowCount()) if model.raw_value(r, "contract_code") == contract
    )


def double_click(qtbot, view, index) -> None:  # type: ignore[no-untyped-def]
    """As a user does it: press and release, then the double-click (QTest's mouseDClick
    alone sends no press, and a view acts only on a double-click of the pressed item)."""
    pos = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def _item(combo, data: object) -> int:  # type: ignore[no-untyped-def]
    """The index of the item holding ``data`` (findData compares some types by identity)."""
    return next(i for i in range(combo.count()) if combo.itemData(i) == data)


def _service(ctx: DesktopContext):  # type: ignore[no-untyped-def]
    with ctx.db.reader() as reader:
        return preview_forced_close(reader, ForcedCloseRequest(day=DAY))


def test_due_clients_shown_as_the_service_computes_them(
    screen: ForcedCloseScreen, demo_ctx: DesktopContext, qtmodeltester
) -> None:
    pv = _service(demo_ctx)
    model = screen.clients_model
    assert model.rowCount() == len(pv.clients) == 12
    assert screen.day_combo.currentData() == DAY
    assert [screen.day_combo.itemData(i) for i in range(screen.day_combo.count())] == [
        DAY,
        date(2026, 11, 19),
    ]
    # every due client: what the screen shows is the service's figure to the fen
    for row in pv.clients.itertuples(index=False):
        r = _client_row(screen, row.client_code)
        assert _cell(model, r, "required_fen") == format_yuan(row.required_fen)
        assert _cell(model, r, "released_fen") == format_yuan(row.released_fen)
        assert _cell(model, r, "ratio_bp") == bp_to_str(int(row.ratio_bp))
        assert model.raw_value(r, "released_fen") >= model.raw_value(r, "required_fen")
    assert _fact(screen, "required") == format_yuan(pv.required_fen)
    assert _fact(screen, "released") == format_yuan(pv.released_fen)
    assert _fact(screen, "ratio") == bp_to_str(ratio_bp(pv.released_fen, pv.required_fen))
    assert _fact(screen, "clients") == "12"
    assert _fact(screen, "proven") == "11 of 12"
    # statuses in words: proven optimal, or the best found within the budget
    statuses = set(column(model, "status"))
    assert statuses == {"Optimal (search)", "Best within budget"}
    # the deadline has passed: the banner says the clients are due
    assert "has passed" in screen.banner.text()
    assert "10000370" in screen.banner.text()  # the one not proven optimal
    # above 110 %: a warning banner and the rows tinted
    over = screen.over_banner
    assert over.isVisible()
    assert over.tone == "warning"
    for code in ("10000012", "10000301", "10000378"):
        assert code in over.text()
    assert "110.00%" in over.text()
    assert model.index(_client_row(screen, "10000378"), 0).data(Qt.ItemDataRole.BackgroundRole)
    assert (
        model.index(_client_row(screen, "10000032"), 0).data(Qt.ItemDataRole.BackgroundRole) is None
    )
    for m in (screen.clients_model, screen.lines_model, screen.alternatives_model):
        qtmodeltester.check(m)


def test_the_lines_and_the_sets_beaten(screen: ForcedCloseScreen, demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = screen.clients_view
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.visualRect(
            screen.clients_model.index(_client_row(screen, "10000378"), 1)
        ).center(),
    )
    assert screen.lines_title.text().startswith("Lines of client 10000378")
    lines = screen.lines_model
    r = _line_row(screen, "c2701")
    assert _cell(lines, r, "side") == "Short"
    assert _cell(lines, r, "hedge") in ("Spec.", "Hedge")
    assert _cell(lines, r, "close_lots") == "1"
    assert _cell(lines, r, "released_fen") == "1,534.40"
    assert _cell(lines, r, "why") == "Needed: one lot fewer leaves 965.12 short"
    alternatives = screen.alternatives_model
    assert column(alternatives, "method")[0] == "Proposal"
    assert column(alternatives, "over_release_fen")[0] == "569.28"
    over = [
        int(v)
        for v in (
            alternatives.raw_value(i, "over_release_fen") for i in range(alternatives.rowCount())
        )
    ]
    assert min(over) == over[0]  # no other set releases less over the requirement


def test_hand_edits_are_reviewed_refused_and_reset(
    screen: ForcedCloseScreen, demo_ctx, qtbot
) -> None:  # type: ignore[no-untyped-def]
    assert screen.select_client(CLIENT)
    lines, clients = screen.lines_model, screen.clients_model
    r = _line_row(screen, "m2701")
    index = lines.index(r, lines.edit_column)
    assert _cell(lines, r, "close_lots") == "3"
    assert not screen.review_banner.isVisible()

    # below the proposal, typed into the cell: the list no longer covers
    view = screen.lines_view
    double_click(qtbot, view, index)
    qtbot.waitUntil(lambda: view.state() == view.State.EditingState)
    editor = view.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "2")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _cell(lines, r, "close_lots") == "2")
    banner = screen.review_banner
    assert banner.isVisible()
    assert banner.tone == "danger"
    assert "10000012 no longer covers its requirement" in banner.text()
    assert bp_to_str(ratio_bp(547_680, 725_402)) in banner.text()  # 75.50 %
    row = _client_row(screen, CLIENT)
    assert _cell(clients, row, "status") == "Edited by hand"
    assert _cell(clients, row, "released_fen") == "5,476.80"
    assert _cell(clients, row, "shortfall_fen") == "1,777.22"
    assert _cell(lines, r, "released_fen") == "5,476.80"
    assert _cell(lines, r, "why").startswith("Edited (proposal 3)")
    assert _fact(screen, "shortfall") == "1,777.22"

    # above it: 4 lots release 10,953.60 of 7,254.02 = 151.00 %, above 110 %
    assert lines.setData(index, "4")
    assert banner.tone == "warning"
    assert "10000012 releases 151.00%, above 110.00%" in banner.text()
    assert _cell(clients, row, "ratio_bp") == "151.00%"

    # refused: not whole lots, beyond the lots held, negative; nothing changes
    for bad in ("x", "2.5", "9", "-1", ""):
        assert not lines.setData(index, bad)
        assert screen.error_banner.isVisible()
        assert "Lots to close" in screen.error_banner.text()
        assert "0 to 8" in screen.error_banner.text()
        assert f"“{bad}”" in screen.error_banner.text()
        assert _cell(lines, r, "close_lots") == "4"

    # reset: the computed orders again
    qtbot.mouseClick(screen.reset_button, Qt.MouseButton.LeftButton)
    assert _cell(lines, r, "close_lots") == "3"
    assert not banner.isVisible()
    assert not screen.error_banner.isVisible()
    assert _cell(clients, row, "status") == "Optimal (search)"
    assert _cell(clients, row, "released_fen") == "8,215.20"


def test_export_keeps_the_flag_and_the_edits_and_is_audited(
    screen: ForcedCloseScreen, demo_ctx, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert screen.select_client(CLIENT)
    lines = screen.lines_model
    assert lines.setData(lines.index(_line_row(screen, "m2701"), lines.edit_column), "4")
    target = tmp_path / "orders.csv"
    with qtbot.waitSignal(screen.exported, timeout=15_000):
        screen.export_to(target)
    table = pd.read_csv(target, dtype={"client_code": str}, encoding="utf-8-sig")
    assert "flag" in table.columns
    assert set(table["flag"]) <= {"speculative", "hedge"}
    assert {"trading_day", "settlement_yuan", "rate_ppm", "required_yuan"} <= set(table.columns)
    mine = table[table["client_code"] == CLIENT]
    assert mine[["contract_code", "close_lots"]].values.tolist() == [["m2701", 4]]
    assert len(table) == 29  # the other clients' orders as proposed
    with demo_ctx.db.reader() as reader:
        (entry,) = recent(reader.session, 10, "export.forced_close_orders")
    assert entry.detail_data() == {"kind": "forced_close_orders", "rows": 29, "file": "orders.csv"}


def test_before_the_deadline_the_orders_are_a_preview(demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    screen = _open(demo_ctx, qtbot, BEFORE_DEADLINE)
    assert screen.banner.tone == "warning"
    assert "has not passed" in screen.banner.text()
    assert "preview only" in screen.banner.text()


def test_one_client_typed_and_bad_codes(screen: ForcedCloseScreen, demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(screen.client_edit, "10000001")
    qtbot.keyClick(screen.client_edit, Qt.Key.Key_Return)
    wait_loaded(screen, demo_ctx, qtbot)
    assert screen.clients_model.rowCount() == 1
    assert column(screen.clients_model, "status") == ["Nothing to release"]
    assert "client 10000001" in screen.subtitle_label.text()
    screen.client_edit.clear()
    qtbot.keyClicks(screen.client_edit, "nobody")
    qtbot.keyClick(screen.client_edit, Qt.Key.Key_Return)
    wait_loaded(screen, demo_ctx, qtbot)
    assert "nobody" in screen.error_banner.text()
    assert screen.clients_model.rowCount() == 0
    screen.client_edit.clear()
    qtbot.keyClicks(screen.client_edit, "a b")
    qtbot.keyClick(screen.client_edit, Qt.Key.Key_Return)
    assert screen.error_banner.text() == "Client: “a b” is not a client code."


def test_another_day_and_target(screen: ForcedCloseScreen, demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    combo = screen.day_combo
    combo.setCurrentIndex(_item(combo, date(2026, 11, 19)))
    combo.activated.emit(combo.currentIndex())
    wait_loaded(screen, demo_ctx, qtbot)
    assert screen.clients_model.rowCount() == 0  # nobody short after 2026-11-19
    assert _fact(screen, "clients") == "0"
    combo.setCurrentIndex(_item(combo, DAY))
    target = screen.target_combo
    target.setCurrentIndex(_item(target, "both"))
    target.activated.emit(target.currentIndex())
    wait_loaded(screen, demo_ctx, qtbot)
    # the ratio target asks more of some clients, never less
    assert screen.clients_model.rowCount() > 12
    row = _client_row(screen, CLIENT)
    assert screen.clients_model.raw_value(row, "required_fen") >= 725_402
    assert target.currentText() == "Both"
    assert target.itemText(_item(target, "risk_ratio")) == "Risk ratio ≤ 80.00%"


def test_double_click_opens_the_client(screen: ForcedCloseScreen, demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = screen.clients_view
    index = screen.clients_model.index(_client_row(screen, "10000301"), 0)
    with qtbot.waitSignal(demo_ctx.bus.client_requested, timeout=5_000) as signal:
        double_click(qtbot, view, index)
    assert signal.args == ["10000301", DAY]
    assert screen.clients_view.client_link.action.text() == "Open client"


def test_chinese_labels(demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language("zh")
    screen = _open(demo_ctx, qtbot)
    assert screen.title_label.text() == "强平单"
    assert screen.facts["deadline"][0].text() == "追保截止时间"
    assert screen.facts["warned"][0].text() == "超过 110.00%（客户数）"
    model = screen.clients_model
    assert (
        model.headerData(model.column_of("ratio_bp"), Qt.Orientation.Horizontal) == "释放 ÷ 应释放"
    )
    assert "最优（完全搜索）" in column(model, "status")
    assert "追保截止时间" in screen.banner.text()
    assert screen.reset_button.text() == "恢复建议方案"
    assert screen.clients_view.client_link.action.text() == "查看客户"
