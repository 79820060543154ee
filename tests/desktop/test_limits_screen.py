"""Position limits workbench: accounts near and over their limit, hedge lots apart,
no-data warning."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from core.rules.position_limits import period_effective_from
from core.services.limits import LimitsReport, limits_report
from core.services.store import open_database
from core.trading_calendar import default_calendar
from desktop import i18n
from desktop.palette import DANGER_ROW_BRUSH, WARN_ROW_BRUSH
from desktop.screens.limits import LimitsScreen, create
from tests.desktop import test_reduction_screen as shared
from tests.desktop.test_reduction_screen import column, open_screen, raw, wait_loaded

# The demo database fixtures are shared with the reduction tests (one build per session).
demo_ctx = shared.demo_ctx
demo_template = shared.demo_template
demo_url = shared.demo_url


@pytest.fixture
def screen(demo_ctx, qtbot) -> LimitsScreen:  # type: ignore[no-untyped-def]
    return open_screen(create, demo_ctx, qtbot)


def _report(demo_url: str, version: str = "seed") -> LimitsReport:
    """The limits report the screen shows, straight from core."""
    db = open_database(demo_url)
    try:
        with db.reader() as reader:
            report = limits_report(reader, version=version)
    finally:
        db.engine.dispose()
    return report


_KEYS = ("client_code", "contract_code", "side", "status")


def _shown(model) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return sorted(zip(*(raw(model, k) for k in _KEYS), strict=True))


def _expected(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    return sorted(frame[list(_KEYS)].itertuples(index=False, name=None))


def test_rows_and_no_data_warning(screen: LimitsScreen, demo_url: str, qtmodeltester) -> None:
    report = _report(demo_url)
    flagged = report.flagged
    counts = report.rows["status"].value_counts()
    model = screen.rows_model
    # Accounts near or over their limit: the screen opens on them.
    assert screen.show_combo.currentData() == "flagged"
    assert len(flagged) == model.rowCount() == 5
    assert _shown(model) == _expected(flagged)
    title = screen.rows_title.text()
    assert f"Client sides checked (lots): {len(report.rows):,}" in title
    assert f"over {counts['over']} · near (≥ 80%) {counts['near']} · shown 5" in title
    assert (counts["over"], counts["near"]) == (2, 3)
    # Worst first: the long m2703 line at 104.5 % of its limit, then a2701 at 101.2 %.
    assert column(model, "client_code")[:2] == ["10000407", "10000096"]
    assert column(model, "contract_code")[:2] == ["m2703", "a2701"]
    assert column(model, "usage_bp")[:2] == ["104.50%", "101.20%"]
    assert column(model, "status")[:2] == ["Over limit", "Over limit"]
    assert model.flag(0) == "over"
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) == DANGER_ROW_BRUSH
    near = [r for r in range(model.rowCount()) if model.flag(r) == "near"]
    assert {str(model.raw_value(r, "client_code")) for r in near} == {
        "10000212",
        "10000274",
        "10000384",
    }
    assert model.index(near[0], 0).data(Qt.ItemDataRole.BackgroundRole) == WARN_ROW_BRUSH
    for r in range(model.rowCount()):
        usage = Fraction(int(model.raw_value(r, "usage_bp")), 10_000)
        assert usage >= Fraction(8, 10)
    # Hedge lots: their own column, not counted against the limit.
    row = {k: model.raw_value(0, k) for k in ("speculative_lots", "hedge_lots", "limit_lots")}
    assert (row["speculative_lots"], row["hedge_lots"], row["limit_lots"]) == (20900, 3000, 20000)
    assert column(model, "hedge_lots")[0] == "3,000"
    assert model.raw_value(0, "excess_lots") == 900  # 20,900 − 20,000: the hedge is exempt
    for r in range(model.rowCount()):
        spec, limit = int(model.raw_value(r, "speculative_lots")), model.raw_value(r, "limit_lots")
        assert int(model.raw_value(r, "excess_lots")) == max(0, spec - int(limit))
    # Shown and checked, but no limit is guessed for contracts without data.
    assert screen.no_data_banner.isVisible()
    assert "no limit is guessed" in screen.no_data_banner.text()
    assert screen.no_data_model.rowCount() == len(report.no_data) > 0
    qtmodeltester.check(model)
    qtmodeltester.check(screen.no_data_model)


def test_flagged_filter_and_version_switch(
    screen: LimitsScreen, demo_url: str, demo_ctx, qtbot
) -> None:  # type: ignore[no-untyped-def]
    report = _report(demo_url)
    screen.show_combo.setCurrentIndex(screen.show_combo.findData("all"))
    screen.show_combo.activated.emit(screen.show_combo.currentIndex())
    model = screen.rows_model
    assert model.rowCount() == len(report.rows)
    assert f"shown {len(report.rows):,}" in screen.rows_title.text()
    # Speculative 70 % plus hedge 55 % of the limit: over it together, but the hedge lots
    # are exempt, so the account is within its limit and not flagged.
    hedged = [
        r
        for r in range(model.rowCount())
        if model.raw_value(r, "limit_lots") is not None
        and int(model.raw_value(r, "speculative_lots")) + int(model.raw_value(r, "hedge_lots"))
        > int(model.raw_value(r, "limit_lots"))
        and model.raw_value(r, "status") == "ok"
    ]
    assert hedged
    r = hedged[0]
    assert (model.raw_value(r, "speculative_lots"), model.raw_value(r, "hedge_lots")) == (
        14000,
        11000,
    )
    assert model.index(r, model.column_of("usage_bp")).data() == "70.00%"
    assert model.raw_value(r, "excess_lots") == 0
    assert model.index(r, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    # Back to the flagged accounts.
    screen.show_combo.setCurrentIndex(screen.show_combo.findData("flagged"))
    screen.show_combo.activated.emit(screen.show_combo.currentIndex())
    assert model.rowCount() == len(report.flagged) == 5
    assert set(raw(model, "status")) == {"over", "near"}
    # The current table: partly unverified, and said so.
    screen.version_combo.setCurrentIndex(screen.version_combo.findData("current"))
    screen.version_combo.activated.emit(screen.version_combo.currentIndex())
    wait_loaded(screen, demo_ctx, qtbot)
    assert "Current table" in screen.subtitle_label.text()
    assert "Unverified limit rows" in screen.banner.text()
    current = _report(demo_url, "current")
    assert screen.show_combo.currentData() == "flagged"  # the user's choice is kept
    assert _shown(model) == _expected(current.flagged)


def test_effective_date_follows_r25() -> None:
    cal = default_calendar()
    assert period_effective_from(date(2026, 11, 20), date(2027, 1, 1), "general", cal) is None
    # m2612 is in its month-before-delivery period on 2026-11-20: that period starts on
    # the 15th trading day of November and applies from the trading day before (R25).
    effective = period_effective_from(date(2026, 11, 20), date(2026, 12, 1), "pre_delivery", cal)
    assert effective is not None
    assert effective < date(2026, 11, 20)
    assert effective.month == 11


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_smoke_in_both_languages(demo_ctx, qtbot, lang: str) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language(lang)
    screen = open_screen(create, demo_ctx, qtbot)
    assert screen.title_label.text() == ("持仓限额" if lang == "zh" else "Position limits")
