"""Warehouse receipts workbench: tree sums, calendar, my receipts, 45-day rule, versions."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from core.db.engine import open_database
from core.db.tables import WarehouseReceipt
from desktop import i18n
from desktop.screens.receipts import ReceiptsScreen, create
from tests.desktop import test_reduction_screen as shared
from tests.desktop.test_reduction_screen import open_screen, raw, wait_loaded

# The demo database fixtures are shared with the reduction tests (one build per session).
demo_ctx = shared.demo_ctx
demo_template = shared.demo_template
demo_url = shared.demo_url


@pytest.fixture
def screen(demo_ctx, qtbot) -> ReceiptsScreen:  # type: ignore[no-untyped-def]
    return open_screen(create, demo_ctx, qtbot)


def _tons(text: str) -> int:
    return int(text.replace(",", ""))


def test_tree_tons_add_up(screen: ReceiptsScreen, qtmodeltester) -> None:
    model = screen.tree_model
    data = screen._data
    assert data is not None
    products = [model.index(r, 4).data() for r in range(model.rowCount())]
    assert sum(_tons(t) for t in products) == data.total_tons == int(data.receipts["tons"].sum())
    assert f"{data.total_tons:,} tons" in screen.tree_title.text()
    # Expand the first product: its warehouses add up to it, and their holders to them.
    first = model.index(0, 0)
    screen.tree_view.expand(first)
    assert screen.tree_view.isExpanded(first)
    warehouses = [model.index(r, 4, first) for r in range(model.rowCount(first))]
    assert sum(_tons(w.data()) for w in warehouses) == _tons(products[0])
    w0 = model.index(0, 0, first)
    holders = [model.index(r, 4, w0).data() for r in range(model.rowCount(w0))]
    assert sum(_tons(h) for h in holders) == _tons(model.index(0, 4, first).data())
    assert model.index(0, 1, w0).data() in ("Free", "Pledged as margin", "In delivery")
    qtmodeltester.check(model)
    qtmodeltester.check(screen.due_model)


def test_expiring_receipts_are_highlighted(screen: ReceiptsScreen) -> None:
    model = screen.tree_model
    soon = [r for r in range(model.rowCount()) if model.node(model.index(r, 0)).urgency == "soon"]
    assert soon
    assert model.index(soon[0], 0).data(8) is not None  # amber background
    assert "within 10 trading days" in screen.banner.text()


def test_calendar_click_lists_the_receipts_due(screen: ReceiptsScreen) -> None:
    data = screen._data
    assert data is not None
    assert data.deadlines
    day = min(d for d in data.deadlines if d >= date(2026, 11, 20))
    qdate = QDate(day.year, day.month, day.day)
    assert screen.calendar.dateTextFormat(qdate).fontWeight() > 400  # marked
    screen.calendar.setSelectedDate(qdate)
    screen.calendar.clicked.emit(qdate)
    assert screen.due_model.rowCount() == data.deadlines[day]
    assert day.isoformat() in screen.due_title.text()
    empty = QDate(2026, 11, 22)  # a Sunday: nothing due
    screen.calendar.clicked.emit(empty)
    assert screen.due_model.rowCount() == 0


def test_my_receipts_and_rule_version(screen: ReceiptsScreen, demo_ctx, qtbot) -> None:
    total = screen._data.total_tons
    screen.set_holder("0101")
    wait_loaded(screen, demo_ctx, qtbot)
    assert "Holder 0101" in screen.subtitle_label.text()
    assert 0 < screen._data.total_tons < total
    assert set(screen._data.receipts["holder_code"]) == {"0101"}
    screen.version_combo.setCurrentIndex(screen.version_combo.findData("seed"))
    screen.version_combo.activated.emit(screen.version_combo.currentIndex())
    wait_loaded(screen, demo_ctx, qtbot)
    assert "Seed rules" in screen.banner.text()


def test_registration_blocked_by_the_45_day_rule(demo_url, demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    db = open_database(demo_url)
    with db.sessions.begin() as session:
        session.add(
            WarehouseReceipt(
                receipt_no="M-TEST-LATE",
                product_code="m",
                warehouse_code="DL01",
                member_code="0101",
                holder_code="0101",
                lots=2,
                tons=20,
                registration_date=date(2026, 11, 2),
                production_date=date(2026, 8, 3),
                status="held",
            )
        )
    db.engine.dispose()
    screen = open_screen(create, demo_ctx, qtbot)
    assert screen.blocked_model.rowCount() == 1
    assert raw(screen.blocked_model, "receipt_no") == ["M-TEST-LATE"]
    assert "45" in str(raw(screen.blocked_model, "reason")[0])
    assert screen.blocked_title.text().endswith(": 1")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_smoke_in_both_languages(demo_ctx, qtbot, lang: str) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language(lang)
    screen = open_screen(create, demo_ctx, qtbot)
    assert screen.title_label.text() == ("标准仓单" if lang == "zh" else "Warehouse receipts")
    header = screen.tree_model.headerData(0, Qt.Orientation.Horizontal)
    assert header == ("品种 / 仓库 / 持有人" if lang == "zh" else "Product / warehouse / holder")
