"""The grid of scenarios × outcomes and the charts of the Stress screen (issue 16
item 3), on the small demo database: a grid row equals the single run of its scenario
to the fen, the charts plot the run's own per-day figures, the Grid tab runs and opens
a scenario, the command prints and exports (audited)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from core.audit import recent
from core.cli import main
from core.db.engine import open_database
from core.money import format_yuan
from core.services.stress import StressRequest, day_table, loss_histogram, run_stress
from core.services.stress_grid import GridRequest, grid_row, run_grid, shock_scenarios
from core.services.stress_library import all_scenarios
from desktop.context import DesktopContext
from desktop.screens.stress import StressScreen, create
from desktop.widgets.charts import WAN
from tests.desktop import test_reduction_screen as shared
from tests.desktop.test_forced_close_screen import double_click
from tests.desktop.test_reduction_screen import column, open_screen, wait_loaded

demo_ctx = shared.demo_ctx
demo_template = shared.demo_template
demo_url = shared.demo_url


def test_a_grid_row_is_the_single_run_of_its_scenario(demo_url: str) -> None:
    db = open_database(demo_url)
    try:
        with db.reader() as reader:
            library = all_scenarios(reader)
            shocks = shock_scenarios(reader)
            chosen = [*library, shocks[0], shocks[9], shocks[-1]]
            view = run_grid(reader, GridRequest(tuple(chosen)))
            singles = [grid_row(s, run_stress(reader, StressRequest(s))) for s in chosen]
    finally:
        db.engine.dispose()
    assert view.table["scenario"].tolist() == [s.name for s in chosen]
    expected = pd.DataFrame(singles, columns=list(view.table.columns))
    for key in view.table.columns:
        assert [str(x) for x in view.table[key]] == [str(x) for x in expected[key]], key
    # the outcomes differ from scenario to scenario (the grid is not one run repeated)
    assert view.table["total_call_fen"].nunique() == len(chosen)
    # five products, −5 … +5 %, one day each
    assert len(shocks) == 50
    assert [s.name for s in shocks[:10]] == [
        *(f"m -{k}%" for k in range(1, 6)),
        *(f"m +{k}%" for k in range(1, 6)),
    ]
    assert all(len(s.days) == 1 for s in shocks)
    # the three-day lock scenario: its worst day is the third, with the reduction
    row = view.table.iloc[0]
    assert str(row["worst_day"]) == "2026-11-25"
    assert int(row["reduced_lots"]) > 0


def test_a_scenario_that_cannot_run_keeps_its_row(demo_url: str) -> None:
    from core.rules.stress_scenario import parse_scenario

    bad = parse_scenario(
        'name = "deposit of nobody"\n[[day]]\ndeposit = [{ client = "x", amount = "1.00" }]\n'
    )
    db = open_database(demo_url)
    try:
        with db.reader() as reader:
            view = run_grid(reader, GridRequest((bad, all_scenarios(reader)[2])))
    finally:
        db.engine.dispose()
    assert "no client 'x'" in view.table["error"].iloc[0]
    assert pd.isna(view.table["total_call_fen"].iloc[0])
    assert view.table["error"].iloc[1] == ""


def test_the_loss_histogram_counts_every_client_once(demo_url: str) -> None:
    db = open_database(demo_url)
    try:
        with db.reader() as reader:
            result = run_stress(reader, StressRequest(all_scenarios(reader)[0]))
    finally:
        db.engine.dispose()
    hist = loss_histogram(result, bins=7)
    loss = result.loss_fen()
    assert len(hist) == 7
    assert int(hist["clients"].sum()) == len(result.clients)
    assert int(hist["lower_fen"].iloc[0]) == int(loss.min())
    assert int(hist["upper_fen"].iloc[-1]) == int(loss.max()) + 1
    assert (hist["lower_fen"].iloc[1:].to_numpy() == hist["upper_fen"].iloc[:-1].to_numpy()).all()
    for lo, hi, n in hist.itertuples(index=False):
        assert n == int(((loss >= lo) & (loss < hi)).sum())


@pytest.fixture
def screen(demo_ctx: DesktopContext, qtbot) -> StressScreen:  # type: ignore[no-untyped-def]
    return open_screen(create, demo_ctx, qtbot)


def test_the_charts_plot_the_runs_own_figures(
    screen: StressScreen, demo_ctx: DesktopContext, demo_url: str, qtbot
) -> None:
    qtbot.mouseClick(screen.recompute_button, Qt.MouseButton.LeftButton)
    wait_loaded(screen, demo_ctx, qtbot)
    screen.result_tabs.setCurrentWidget(screen.charts)
    db = open_database(demo_url)
    try:
        with db.reader() as reader:
            result = run_stress(reader, StressRequest(all_scenarios(reader)[0]))
    finally:
        db.engine.dispose()
    days = day_table(result)
    (reserve,) = screen.charts.reserve.series.values()
    assert reserve.tolist() == [int(v) / WAN for v in days["reserve_fen"]]
    assert screen.charts.reserve.axis.labels == ["11-23", "11-24", "11-25"]
    levels = screen.charts.levels.series
    assert list(levels) == ["Normal", "Warning", "Margin call", "Forced close", "Deficit"]
    assert levels["Deficit"].tolist() == [float(v) for v in days["level_deficit"]]
    assert levels["Normal"].tolist() == [float(v) for v in days["level_normal"]]
    bars = screen.charts.losses.series["bars"]
    assert bars.tolist() == [float(n) for n in loss_histogram(result)["clients"]]
    assert int(bars.sum()) == len(result.clients) == 500
    assert screen.charts.reserve.title.text() == "Member reserve by day"


def test_the_grid_tab_runs_and_a_row_opens_the_scenario(
    screen: StressScreen, demo_ctx: DesktopContext, demo_url: str, qtbot
) -> None:
    screen.result_tabs.setCurrentWidget(screen.grid)
    grid = screen.grid
    assert grid.model.rowCount() == 0  # opening the tab runs nothing
    assert "press Run grid" in grid.title.text()
    qtbot.mouseClick(grid.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: grid.is_loaded and demo_ctx.tasks.is_idle, timeout=30_000)
    db = open_database(demo_url)
    try:
        with db.reader() as reader:
            library = all_scenarios(reader)
            singles = [run_stress(reader, StressRequest(s)) for s in library]
    finally:
        db.engine.dispose()
    assert column(grid.model, "title") == [s.name for s in library]
    assert column(grid.model, "total_call_fen") == [
        format_yuan(int(day_table(r)["total_call_fen"].max())) for r in singles
    ]
    assert column(grid.model, "min_reserve_fen") == [
        format_yuan(int(day_table(r)["reserve_fen"].min())) for r in singles
    ]
    assert "after 2026-11-20: 4 scenarios" in grid.title.text()
    # double-click "Margin +5 points": the editor holds it and the screen runs it
    row = 2
    double_click(qtbot, grid.view, grid.model.index(row, 3))
    qtbot.waitUntil(lambda: screen.days_model.rowCount() == 1, timeout=30_000)
    wait_loaded(screen, demo_ctx, qtbot)
    assert [(r.target, r.margin) for r in screen.editor_model.rows()] == [("*", "+5")]
    assert screen.scenario_combo.currentIndex() == 2
    assert column(screen.days_model, "total_call_fen") == [
        format_yuan(int(day_table(singles[2])["total_call_fen"].iloc[0]))
    ]
    assert screen.result_tabs.currentIndex() == 0


def test_the_grid_tab_in_chinese(screen: StressScreen, demo_ctx: DesktopContext, qtbot) -> None:
    from desktop import i18n

    i18n.set_language("zh")
    screen.retranslate()
    assert screen.result_tabs.tabText(2) == "图表"
    assert screen.result_tabs.tabText(3) == "情景矩阵"
    assert screen.grid.run_button.text() == "运行矩阵"
    assert screen.grid.model.headerData(0, Qt.Orientation.Horizontal) == "情景"
    assert screen.save_button.text() == "保存"


def test_the_command_prints_the_grid_and_exports_it(
    demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "grid.xlsx"
    assert main(["--db", demo_url, "stress", "--grid", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "4 scenario(s) after 2026-11-20" in text
    assert "m2701 as it happened (18-20 Nov)" in text
    assert f"written 4 rows to {out}" in text
    frame = pd.read_excel(out)
    assert frame.shape[0] == 4
    db = open_database(demo_url)
    try:
        with db.reader() as reader:
            assert recent(reader.session, 1, "export.stress_grid")
    finally:
        db.engine.dispose()
    assert main(["--db", demo_url, "stress", "--grid", "shocks"]) == 0
    shocks = capsys.readouterr().out
    assert "50 scenario(s) after 2026-11-20" in shocks
    assert np.all([f"m {k:+d}%" in shocks for k in (-5, -1, 1, 5)])


def test_the_shared_first_day_settles_like_the_whole_book(demo_url: str) -> None:
    """Each one-day shock settled from the shared first day (only the accounts holding
    the moved product settled again, the members from the merged lines) equals the
    whole book's ``settle_prepared`` at the same prices and rates, to the fen."""
    from dataclasses import replace as dc_replace

    from core.rules.daily_settlement import DaySettlementParams, prepare_day, settle_prepared
    from core.rules.stress_run import hypothetical_day, moved_prices, prepare_first_day
    from core.services.stress import start_inputs
    from core.trading_calendar import default_calendar

    cal = default_calendar()
    db = open_database(demo_url)
    try:
        with db.reader() as reader:
            start = start_inputs(reader, None, cal)
            shocks = shock_scenarios(reader)
    finally:
        db.engine.dispose()
    params = DaySettlementParams(calendar=cal)
    shared = prepare_first_day(start, cal, params)
    sub_used = 0
    for scenario in [shocks[0], shocks[4], shocks[12], shocks[25], shocks[-1]]:
        prices, runs = moved_prices(start, scenario.days[0], start.prior_limit_lock_runs)
        day = dc_replace(hypothetical_day(start), settle_fen=prices, limit_lock_runs=runs)
        whole_pd = prepare_day(day, params, cal)
        whole = settle_prepared(whole_pd, settle_fen=prices, rates=whole_pd.rates)
        fast = shared.settle(prices, whole_pd.rates)
        for key, values in whole.client.items():
            assert fast.client[key].tolist() == values.tolist(), (scenario.name, key)
        assert fast.members == whole.members
        assert fast.line_margin_fen.tolist() == whole.line_margin_fen.tolist()
        assert fast.line_position_pnl_fen.tolist() == whole.line_position_pnl_fen.tolist()
        assert fast is not shared.base
        sub_used += sum(1 for v in shared._subs.values() if v is not None)
    assert sub_used > 0  # the accounts-only path was taken, not the whole-book fallback
