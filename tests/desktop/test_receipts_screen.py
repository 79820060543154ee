"""Warehouse receipts workbench: tree sums, calendar, my receipts, 45-day rule, versions."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt

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


def _deadline_texts(screen: ReceiptsScreen) -> dict[str, set[str]]:
    """Texts of the "Next deadline" column by deadline status, over all tree nodes."""
    model = screen.tree_model
    out: dict[str, set[str]] = {}

    def walk(parent) -> None:  # type: ignore[no-untyped-def]
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            node = model.node(index)
            assert node is not None
            out.setdefault(node.deadline_status, set()).add(model.index(row, 5, parent).data())
            walk(index)

    walk(QModelIndex())
    return out


def test_missing_deadlines_say_why(screen: ReceiptsScreen) -> None:
    data = screen._data
    assert data is not None
    report = data.report
    assert report is not None
    until = report.calendar_until.isoformat()
    no_rule, beyond = report.deadline_count("no_rule"), report.deadline_count("beyond_calendar")
    # The demo holds products without a validity rule (iron ore, coal…) and soybeans and
    # corn, whose next March deadline lies past the calendar's end.
    assert no_rule
    assert beyond
    texts = _deadline_texts(screen)
    assert texts["no_rule"] == {"no rule"}
    assert texts["beyond_calendar"] == {f"beyond calendar (to {until})"}
    assert "—" not in set().union(*texts.values())
    banner = screen.banner.text()
    assert f"{no_rule:,} receipts have no deadline: no validity rule" in banner
    assert (
        f"{beyond:,} receipts have their deadline beyond the trading calendar (known to {until})"
        in banner
    )
    # The column shows the whole text (its tooltip too).
    first = next(
        r
        for r in range(screen.tree_model.rowCount())
        if screen.tree_model.node(screen.tree_model.index(r, 0)).deadline_status
        == "beyond_calendar"
    )
    cell = screen.tree_model.index(first, 5)
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == f"beyond calendar (to {until})"


def test_missing_deadlines_in_chinese(demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language("zh")
    screen = open_screen(create, demo_ctx, qtbot)
    data = screen._data
    assert data is not None
    assert data.report is not None
    until = data.report.calendar_until.isoformat()
    texts = _deadline_texts(screen)
    assert texts["no_rule"] == {"无规则"}
    assert texts["beyond_calendar"] == {f"日历外 (至 {until})"}
    assert f"超出交易日历（已知至 {until}）" in screen.banner.text()
    assert "无此品种的有效期规则" in screen.banner.text()


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
