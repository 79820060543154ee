"""Delivery workbench: a seller's minimum pairing from stored matches, ad hoc calculator."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from core.db.engine import open_database
from core.services.delivery import record_delivery_match
from desktop import i18n
from desktop.screens.delivery import DeliveryScreen, create
from tests.desktop import test_reduction_screen as shared
from tests.desktop.test_reduction_screen import open_screen, raw

# The demo database fixtures are shared with the reduction tests (one build per session).
demo_ctx = shared.demo_ctx
demo_template = shared.demo_template
demo_url = shared.demo_url


@pytest.fixture
def screen(demo_ctx, qtbot) -> DeliveryScreen:  # type: ignore[no-untyped-def]
    return open_screen(create, demo_ctx, qtbot)


def _wait_adhoc(screen: DeliveryScreen, demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: demo_ctx.tasks.is_idle, timeout=10_000)


def test_ad_hoc_calculator(screen: DeliveryScreen, demo_ctx, qtbot, qtmodeltester) -> None:
    assert screen.adhoc_panel.model.rowCount() == 3  # the prefilled worked example
    screen.warehouses_edit.clear()
    screen.buyers_edit.clear()
    qtbot.keyClicks(screen.warehouses_edit, "W1:30, W2:20, W3:10")
    qtbot.keyClicks(screen.buyers_edit, "B1:20, B2:30, B3:5, B4:5")
    qtbot.mouseClick(screen.allocate_button, Qt.MouseButton.LeftButton)
    _wait_adhoc(screen, demo_ctx, qtbot)
    model = screen.adhoc_panel.model
    assert sum(int(v) for v in raw(model, "lots")) == 60
    assert model.rowCount() == 4
    assert "4 pairs" in screen.adhoc_panel.summary.text()
    assert "optimal" in screen.adhoc_panel.summary.text()
    qtmodeltester.check(model)
    qtmodeltester.check(screen.matches_model)
    # Totals that differ are refused with the reason.
    screen.buyers_edit.setText("B1:1")
    screen.allocate_ad_hoc()
    _wait_adhoc(screen, demo_ctx, qtbot)
    assert screen.adhoc_error.text()
    assert screen.adhoc_panel.model.rowCount() == 0


def test_no_stored_matches(screen: DeliveryScreen) -> None:
    assert screen.matches_model.rowCount() == 0
    assert "No stored delivery matches" in screen.seller_panel.summary.text()


def test_seller_allocation_from_stored_matches(demo_url, demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    # Seller 10000304 has 35 lots of m frozen for delivery in TJ02 (demo data).
    db = open_database(demo_url)
    with db.sessions.begin() as session:
        for buyer, lots in (("10000011", 20), ("10000013", 15)):
            record_delivery_match(session, date(2026, 11, 20), "m2701", "10000304", buyer, lots)
    db.engine.dispose()
    screen = open_screen(create, demo_ctx, qtbot)
    assert screen.matches_model.rowCount() == 2
    assert screen.seller_combo.currentData() == ("10000304", "m2701")
    pairs = screen.seller_panel.model
    assert sum(int(v) for v in raw(pairs, "lots")) == 35
    text = screen.seller_panel.summary.text()
    assert f"{pairs.rowCount()} pairs" in text
    assert "lower bound" in text
    assert "10000304" in screen.seller_panel.title.text()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_smoke_in_both_languages(demo_ctx, qtbot, lang: str) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language(lang)
    screen = open_screen(create, demo_ctx, qtbot)
    assert screen.title_label.text() == ("交割" if lang == "zh" else "Delivery")
    assert screen.adhoc_title.text() == ("临时计算器" if lang == "zh" else "Ad hoc calculator")
