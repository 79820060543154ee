"""Delivery workbench: a seller's minimum pairing from stored matches, ad hoc calculator."""

from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import delete

from core.db import risk_queries as rq
from core.db.delivery_tables import DeliveryMatch
from core.db.engine import open_database
from core.rules.delivery_allocation import allocate_delivery
from desktop import i18n
from desktop.screens.delivery import DeliveryScreen, create
from tests.desktop import test_reduction_screen as shared
from tests.desktop.test_reduction_screen import column, open_screen, raw, wait_loaded

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


def _pending_seller(demo_url: str) -> tuple[str, str, pd.DataFrame, pd.DataFrame]:
    """The seller whose matches wait for allocation, its contract, those matches and
    its receipts frozen for delivery (from the database, not the screen)."""
    db = open_database(demo_url)
    try:
        with db.sessions.begin() as session:
            matches = rq.delivery_matches(session)
            pending = matches[matches["allocation_state"] == "pending"]
            assert pending[["seller_code", "contract_code"]].drop_duplicates().shape[0] == 1
            seller, contract = (str(v) for v in pending.iloc[0][["seller_code", "contract_code"]])
            info = rq.contract_info(session, contract)
            assert info is not None
            frozen = rq.receipts_frame(
                session, holder=seller, product=info.product_code, statuses=("delivery",)
            )
    finally:
        db.engine.dispose()
    return seller, contract, pending, frozen


def test_stored_matches_are_listed(screen: DeliveryScreen, demo_url: str, qtmodeltester) -> None:
    db = open_database(demo_url)
    with db.sessions.begin() as session:
        stored = rq.delivery_matches(session)
    db.engine.dispose()
    model = screen.matches_model
    assert len(stored) > 0
    assert model.rowCount() == len(stored)
    assert screen.matches_title.text() == f"Delivery matches: {len(stored):,}"
    # Newest matching day first: the demo's pending c2611 seller, then the allocated ones.
    assert raw(model, "match_day") == sorted(raw(model, "match_day"), reverse=True)
    assert set(raw(model, "contract_code")) == {"c2611"}
    assert raw(model, "seller_code")[0] == "10000398"
    assert raw(model, "allocation_state")[0] == "pending"
    assert {"pending", "allocated"} == set(raw(model, "allocation_state"))
    states = dict(zip(column(model, "seller_code"), column(model, "allocation_state"), strict=True))
    assert states["10000398"] == "Pending"
    assert "No stored delivery matches" not in screen.seller_panel.summary.text()
    assert not screen.error_banner.isVisible()
    qtmodeltester.check(model)


def test_seller_allocation_from_stored_matches(screen: DeliveryScreen, demo_url: str) -> None:
    seller, contract, pending, frozen = _pending_seller(demo_url)
    assert (seller, contract) == ("10000398", "c2611")
    # The screen opens on the seller still waiting for its allocation, listed first; the
    # sellers already allocated follow.
    assert screen.seller_combo.currentData() == (seller, contract)
    assert screen.seller_combo.currentIndex() == 0
    assert screen.seller_combo.count() == len(
        set(
            zip(
                raw(screen.matches_model, "seller_code"),
                raw(screen.matches_model, "contract_code"),
                strict=True,
            )
        )
    )
    assert seller in screen.seller_panel.title.text()
    assert contract in screen.seller_panel.title.text()
    pairs = screen.seller_panel.model
    lots = pd.DataFrame(
        {k: raw(pairs, k) for k in ("warehouse_code", "buyer_code", "lots")}
    ).astype({"lots": int})
    # Every frozen receipt goes out exactly once and every buyer gets its matched lots.
    by_warehouse = frozen.groupby("warehouse_code")["lots"].sum().to_dict()
    by_buyer = pending.groupby("buyer_code")["lots"].sum().to_dict()
    assert lots.groupby("warehouse_code")["lots"].sum().to_dict() == by_warehouse
    assert lots.groupby("buyer_code")["lots"].sum().to_dict() == by_buyer
    assert set(by_warehouse) == {"DL01", "YK01", "JZ01"}
    assert len(by_buyer) == 4
    # The fewest pairs, as core computes them: 5 for 3 warehouses and 4 buyers here.
    best = allocate_delivery(list(by_warehouse.items()), list(by_buyer.items()))
    assert pairs.rowCount() == best.pair_count == 5
    assert (best.lower_bound, best.optimal) == (5, True)
    text = screen.seller_panel.summary.text()
    assert "<b>5 pairs</b> (lower bound 5, optimal)" in text
    for warehouse, n in by_warehouse.items():
        assert f"{warehouse} {n:,}" in text
    # A preview: the matches are still pending in the database.
    _, _, still_pending, _ = _pending_seller(demo_url)
    assert len(still_pending) == len(pending)


def _choose_allocated_seller(screen: DeliveryScreen, demo_ctx, qtbot) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    combo = screen.seller_combo
    assert combo.count() > 1
    allocated = combo.itemData(1)  # after the pending seller
    assert allocated[0] != "10000398"
    combo.setCurrentIndex(1)
    combo.activated.emit(1)
    wait_loaded(screen, demo_ctx, qtbot)
    return allocated


def test_an_allocated_seller_says_why_there_is_nothing_to_allocate(
    screen: DeliveryScreen, demo_ctx, qtbot
) -> None:  # type: ignore[no-untyped-def]
    allocated = _choose_allocated_seller(screen, demo_ctx, qtbot)
    # Its receipts went to its buyers on the delivery day.
    assert screen.error_banner.isVisible()
    assert f"seller '{allocated[0]}' holds no c receipts" in screen.error_banner.text()
    assert screen.seller_panel.model.rowCount() == 0


def test_a_chosen_seller_stays_chosen(screen: DeliveryScreen, demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    allocated = _choose_allocated_seller(screen, demo_ctx, qtbot)
    assert screen.seller_combo.currentData() == allocated


def test_no_stored_matches(demo_url: str, demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    db = open_database(demo_url)
    with db.sessions.begin() as session:
        session.execute(delete(DeliveryMatch))
    db.engine.dispose()
    screen = open_screen(create, demo_ctx, qtbot)
    assert screen.matches_model.rowCount() == 0
    assert screen.seller_combo.count() == 0
    assert "No stored delivery matches" in screen.seller_panel.summary.text()
    assert screen.adhoc_panel.model.rowCount() == 3  # the calculator still works


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_smoke_in_both_languages(demo_ctx, qtbot, lang: str) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language(lang)
    screen = open_screen(create, demo_ctx, qtbot)
    assert screen.title_label.text() == ("交割" if lang == "zh" else "Delivery")
    assert screen.adhoc_title.text() == ("临时计算器" if lang == "zh" else "Ad hoc calculator")
