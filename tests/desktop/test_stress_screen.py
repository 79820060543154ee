"""Stress scenarios screen and command (issue 16), on the small demo database.

The screen shows what the service computes (to the fen), the command prints the same
figures, and a scenario that moves nothing starts from the stored settlement.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.audit import recent
from core.cli import main
from core.db.engine import open_database
from core.db.queries import accounts_frame
from core.money import format_yuan
from core.rules.stress_run import StressResult
from core.rules.stress_scenario import Scenario, ScenarioDay, library_scenarios
from core.services.stress import StressRequest, day_table, run_stress
from desktop import i18n
from desktop.context import DesktopContext
from desktop.screens.stress import StressScreen, create
from tests.desktop import test_reduction_screen as shared
from tests.desktop.test_forced_close_screen import double_click
from tests.desktop.test_reduction_screen import column, open_screen, wait_loaded

demo_ctx = shared.demo_ctx
demo_template = shared.demo_template
demo_url = shared.demo_url

BASE = date(2026, 11, 20)
M_THREE_DOWN = "m: three limit-down days"


@pytest.fixture
def screen(demo_ctx: DesktopContext, qtbot) -> StressScreen:  # type: ignore[no-untyped-def]
    return open_screen(create, demo_ctx, qtbot)


def _run(url: str, scenario: Scenario) -> StressResult:
    db = open_database(url)
    try:
        with db.reader() as reader:
            return run_stress(reader, StressRequest(scenario))
    finally:
        db.engine.dispose()


def test_opens_without_running_then_runs_and_shows_the_service_figures(
    screen: StressScreen, demo_ctx: DesktopContext, demo_url: str, qtbot, qtmodeltester
) -> None:
    # opening runs nothing: the editor holds the first library scenario
    assert screen.days_model.rowCount() == 0
    assert "Run (Ctrl+R)" in screen.days_title.text()
    rows = screen.editor_model.rows()
    assert [(r.day, r.target, r.price) for r in rows] == [
        ("1", "m", "limit_down"),
        ("2", "m", "limit_down"),
        ("3", "m", "limit_down"),
    ]
    qtbot.mouseClick(screen.recompute_button, Qt.MouseButton.LeftButton)
    wait_loaded(screen, demo_ctx, qtbot)
    expected = day_table(_run(demo_url, library_scenarios()[0]))
    assert column(screen.days_model, "day") == ["2026-11-23", "2026-11-24", "2026-11-25"]
    assert column(screen.days_model, "total_call_fen") == [
        format_yuan(int(v)) for v in expected["total_call_fen"]
    ]
    assert column(screen.days_model, "reserve_fen") == [
        format_yuan(int(v)) for v in expected["reserve_fen"]
    ]
    assert column(screen.days_model, "level_deficit") == [
        f"{int(v):,}" for v in expected["level_deficit"]
    ]
    # the third lock day reduces m2701 (2.e); the member went below zero (2.f)
    assert "forced reduction" in screen.banner.text()
    assert "m2701" in screen.banner.text()
    assert "below zero" in screen.banner.text()
    assert "2026-11-20" in screen.days_title.text()
    for model in (screen.days_model, screen.clients_model, screen.editor_model):
        qtmodeltester.check(model)


def test_a_client_row_opens_the_client_panel(
    screen: StressScreen, demo_ctx: DesktopContext, qtbot
) -> None:
    screen.recompute()
    wait_loaded(screen, demo_ctx, qtbot)
    code = screen.clients_model.raw_value(0, "client_code")
    index = screen.clients_model.index(0, 0)
    with qtbot.waitSignal(demo_ctx.bus.client_requested, timeout=5_000) as sig:
        double_click(qtbot, screen.clients_view, index)
    assert sig.args == [code, BASE]


def test_a_bad_cell_is_named_and_nothing_runs(
    screen: StressScreen, demo_ctx: DesktopContext, qtbot
) -> None:
    model = screen.editor_model
    assert model.setData(model.index(1, 2), "down a lot")
    qtbot.mouseClick(screen.recompute_button, Qt.MouseButton.LeftButton)
    assert "Row 2, Price move" in screen.error_banner.text()
    assert "not a price move" in screen.error_banner.text()
    assert screen.days_model.rowCount() == 0
    assert demo_ctx.tasks.is_idle


def test_editing_rows_and_the_library(
    screen: StressScreen, demo_ctx: DesktopContext, qtbot
) -> None:
    screen.scenario_combo.setCurrentIndex(2)
    screen.scenario_combo.activated.emit(2)
    assert [(r.target, r.margin) for r in screen.editor_model.rows()] == [("*", "+5")]
    screen.editor_view.setCurrentIndex(screen.editor_model.index(0, 0))
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    model = screen.editor_model
    model.setData(model.index(1, 0), "2")
    model.setData(model.index(1, 1), "m2701")
    model.setData(model.index(1, 2), "-3%")
    scenario = screen.scenario_from_editor()
    assert len(scenario.days) == 2
    assert scenario.days[1].moves[0].target.code == "m2701"
    screen.editor_view.setCurrentIndex(model.index(1, 0))
    qtbot.mouseClick(screen.remove_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 1


def test_chinese_texts(screen: StressScreen) -> None:
    i18n.set_language("zh")
    screen.retranslate()
    heads = [
        screen.editor_model.headerData(i, Qt.Orientation.Horizontal)
        for i in range(screen.editor_model.columnCount())
    ]
    assert heads == ["日", "对象", "价格变动", "保证金调整", "入金 (元)"]
    assert screen.title_label.text() == "压力测试"
    assert screen.recompute_button.text() == "运行 (Ctrl+R)"
    assert screen.scenario_combo.itemText(0) == "豆粕连续三个跌停"
    assert screen.days_model.headerData(2, Qt.Orientation.Horizontal) == "正常"


def test_a_scenario_that_moves_nothing_starts_from_the_stored_settlement(demo_url: str) -> None:
    """Day 1 with no move: every client's equity is its stored balance of the base day
    (the Accounts screen's figure) to the fen."""
    result = _run(demo_url, Scenario("nothing", (ScenarioDay(),)))
    db = open_database(demo_url)
    try:
        with db.reader() as reader:
            stored = accounts_frame(reader.session, BASE)
    finally:
        db.engine.dispose()
    by_code = dict(zip(stored["client_code"], stored["balance_fen"], strict=True))
    equity = result.days[0].equity_fen
    assert len(result.clients) == len(by_code)
    assert equity.tolist() == [int(by_code[c]) for c in result.clients]
    assert not np.any(result.days[0].pnl_fen)


def test_the_command_prints_the_chain_and_writes_an_audited_table(
    demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "stress.csv"
    code = main(["--db", demo_url, "stress", "--scenario", M_THREE_DOWN, "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0
    assert "3 day(s) after 2026-11-20" in text
    assert "2026-11-25 forced reduction m2701 at " in text
    assert "forced liquidation of " in text
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 500
    assert "loss_yuan" in rows[0]
    db = open_database(demo_url)
    try:
        with db.reader() as reader:
            assert recent(reader.session, 5, "export.stress")
    finally:
        db.engine.dispose()
    assert main(["--db", demo_url, "stress", "--scenario", "no such"]) == 2
    assert "no scenario 'no such'" in capsys.readouterr().err
