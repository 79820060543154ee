"""Position limits workbench: checked sides, hedge lots apart, no-data warning."""

from __future__ import annotations

from datetime import date

import pytest

from desktop import i18n
from desktop.screens.limits import LimitsScreen, create
from desktop.screens.workbench_data import period_effective_from
from tests.desktop import test_reduction_screen as shared
from tests.desktop.test_reduction_screen import column, open_screen, raw, wait_loaded

# The demo database fixtures are shared with the reduction tests (one build per session).
demo_ctx = shared.demo_ctx
demo_template = shared.demo_template
demo_url = shared.demo_url


@pytest.fixture
def screen(demo_ctx, qtbot) -> LimitsScreen:  # type: ignore[no-untyped-def]
    return open_screen(create, demo_ctx, qtbot)


def test_rows_and_no_data_warning(screen: LimitsScreen, qtmodeltester) -> None:
    model = screen.rows_model
    assert model.rowCount() > 0
    # Nothing is near the limit in the demo: the screen shows every checked side.
    assert screen.show_combo.currentData() == "all"
    assert "over 0" in screen.rows_title.text()
    assert set(raw(model, "status")) <= {"ok", "near", "over", "unlimited"}
    hedge = raw(model, "hedge_lots")
    assert any(int(h) > 0 for h in hedge)  # hedge lots shown in their own column
    assert column(model, "limit_lots")[0].replace(",", "").isdigit()
    assert screen.no_data_banner.isVisible()
    assert "no limit is guessed" in screen.no_data_banner.text()
    assert screen.no_data_model.rowCount() > 0
    qtmodeltester.check(model)
    qtmodeltester.check(screen.no_data_model)


def test_flagged_filter_and_version_switch(screen: LimitsScreen, demo_ctx, qtbot) -> None:
    screen.show_combo.setCurrentIndex(screen.show_combo.findData("flagged"))
    screen.show_combo.activated.emit(screen.show_combo.currentIndex())
    assert screen.rows_model.rowCount() == 0
    screen.version_combo.setCurrentIndex(screen.version_combo.findData("current"))
    screen.version_combo.activated.emit(screen.version_combo.currentIndex())
    wait_loaded(screen, demo_ctx, qtbot)
    assert "Current table" in screen.subtitle_label.text()
    assert "Unverified limit rows" in screen.banner.text()


def test_effective_date_follows_r25() -> None:
    assert period_effective_from(date(2026, 11, 20), date(2027, 1, 1), "general") is None
    # m2612 is in its month-before-delivery period on 2026-11-20: that period starts on
    # the 15th trading day of November and applies from the trading day before (R25).
    effective = period_effective_from(date(2026, 11, 20), date(2026, 12, 1), "pre_delivery")
    assert effective is not None
    assert effective < date(2026, 11, 20)
    assert effective.month == 11


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_smoke_in_both_languages(demo_ctx, qtbot, lang: str) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language(lang)
    screen = open_screen(create, demo_ctx, qtbot)
    assert screen.title_label.text() == ("持仓限额" if lang == "zh" else "Position limits")
