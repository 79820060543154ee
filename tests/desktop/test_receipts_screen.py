"""Warehouse receipts workbench: tree sums, calendar, my receipts, 45-day rule, versions."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt

from core.db import risk_queries as rq
from core.db.engine import open_database
from core.db.tables import WarehouseReceipt
from core.errors import CalendarHorizonError
from core.rules.receipt_expiry import next_deadline
from desktop import i18n
from desktop.screens.receipts import ReceiptsScreen, create
from desktop.screens.workbench_common import URGENCY_BRUSHES
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
    # Products roll up their most urgent warehouse (m and y hold overdue receipts too):
    # look for amber among the warehouses.
    soon = [
        model.index(w, 0, model.index(p, 0))
        for p in range(model.rowCount())
        for w in range(model.rowCount(model.index(p, 0)))
        if model.node(model.index(w, 0, model.index(p, 0))).urgency == "soon"
    ]
    assert soon
    assert soon[0].data(8) == URGENCY_BRUSHES["soon"]  # amber background
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


def _overdue_in_db(demo_url: str) -> dict[str, date]:
    """Receipts still registered on the demo's last day whose deadline at registration
    (the first on or after it, current rules) has passed: {receipt_no: deadline}."""
    db = open_database(demo_url)
    try:
        with db.sessions.begin() as session:
            day = rq.latest_price_day(session)
            frame = rq.receipts_frame(session, statuses=("held", "margin", "delivery"))
    finally:
        db.engine.dispose()
    assert day is not None
    out = {}
    for row in frame.to_dict("records"):
        try:
            deadline = next_deadline(str(row["product_code"]), row["registration_date"])
        except CalendarHorizonError:  # next March: beyond the calendar, not overdue
            continue
        if deadline is not None and deadline < day:
            out[str(row["receipt_no"])] = deadline
    return out


def _overdue_leaves(screen: ReceiptsScreen) -> list[tuple[QModelIndex, str, str]]:
    """(index, product, warehouse) of the tree's holder rows whose status is overdue."""
    model = screen.tree_model
    out = []
    for p in range(model.rowCount()):
        product = model.index(p, 0)
        for w in range(model.rowCount(product)):
            warehouse = model.index(w, 0, product)
            for h in range(model.rowCount(warehouse)):
                leaf = model.index(h, 0, warehouse)
                node = model.node(leaf)
                assert node is not None
                if node.deadline_status == "overdue":
                    out.append((leaf, str(product.data()), str(warehouse.data())))
    return out


def test_overdue_receipts_are_red_with_the_missed_deadline(
    screen: ReceiptsScreen, demo_url: str
) -> None:
    expected = _overdue_in_db(demo_url)
    # The demo's four m/y receipts registered before the July 2026 deadline, still held.
    assert len(expected) == 4
    assert set(expected.values()) == {date(2026, 7, 30)}
    data = screen._data
    assert data is not None
    assert data.report is not None
    receipts = data.receipts.set_index("receipt_no")
    overdue = receipts[receipts["deadline_status"] == "overdue"]
    assert dict(zip(overdue.index, overdue["deadline"], strict=True)) == expected
    assert (overdue["trading_days_left"] < 0).all()
    assert set(overdue["urgency"]) == {"past"}
    assert not overdue["offset_eligible"].any()
    # The banner counts them (red) and says what it means.
    banner = screen.banner.text()
    assert "4 are past it (red)" in banner
    assert "4 receipts are overdue" in banner
    assert "count for no margin offset" in banner
    assert screen.banner.tone == "danger"
    # The tree: the holder rows say "overdue" next to the missed deadline, negative days
    # left, red; their warehouse and product rows too.
    model = screen.tree_model
    leaves = _overdue_leaves(screen)
    assert {
        (str(receipts.loc[n, "product_code"]), str(receipts.loc[n, "warehouse_code"]))
        for n in expected
    } == {(p, w) for _, p, w in leaves}
    # The member's own meal receipt in Dalian is one of them.
    assert any((p, w, i.data()) == ("m", "DL01", "0101") for i, p, w in leaves)
    for leaf, _, _ in leaves:
        row, parent = leaf.row(), leaf.parent()
        assert model.index(row, 5, parent).data() == "2026-07-30 overdue"
        assert int(str(model.index(row, 6, parent).data()).replace(",", "")) < 0
        background = model.index(row, 0, parent).data(Qt.ItemDataRole.BackgroundRole)
        assert background == URGENCY_BRUSHES["past"]
        # The warehouse and product rows above show the earliest deadline: the missed one.
        for up in (parent, parent.parent()):
            assert model.index(up.row(), 5, up.parent()).data() == "2026-07-30 overdue"
            assert model.node(up).urgency == "past"
    # Not in the amber "due soon" count of the calendar's next deadline.
    soon_day = min(d for d in data.deadlines if d >= data.day)
    assert not set(expected) & set(receipts[receipts["deadline"] == soon_day].index)


def test_overdue_receipts_in_chinese(demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language("zh")
    screen = open_screen(create, demo_ctx, qtbot)
    leaves = _overdue_leaves(screen)
    assert len(leaves) >= 2
    leaf = leaves[0][0]
    assert screen.tree_model.index(leaf.row(), 5, leaf.parent()).data() == "2026-07-30 逾期"
    assert "4 张仓单逾期" in screen.banner.text()
    assert "4 张已过期（红色）" in screen.banner.text()


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
