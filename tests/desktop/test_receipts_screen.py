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
from desktop.screens.receipts import (
    DEADLINE_COLUMN,
    EXPIRING_COLUMN,
    OVERDUE_COLUMN,
    ReceiptsScreen,
    create,
)
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
            out.setdefault(node.deadline_status, set()).add(
                model.index(row, DEADLINE_COLUMN, parent).data()
            )
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
    assert texts["beyond_calendar"] == {f"after {until}"}
    assert "—" not in set().union(*texts.values())
    banner = screen.banner.text()
    assert f"{no_rule:,} receipts have no deadline: no validity rule" in banner
    assert (
        f"{beyond:,} receipts have their deadline beyond the trading calendar (known to {until})"
        in banner
    )
    # The column shows a short text; its tooltip the whole reason.
    first = next(
        r
        for r in range(screen.tree_model.rowCount())
        if screen.tree_model.node(screen.tree_model.index(r, 0)).deadline_status
        == "beyond_calendar"
    )
    cell = screen.tree_model.index(first, DEADLINE_COLUMN)
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == (
        f"The deadline lies beyond the trading calendar, which is known to {until}."
    )


def test_missing_deadlines_in_chinese(demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language("zh")
    screen = open_screen(create, demo_ctx, qtbot)
    data = screen._data
    assert data is not None
    assert data.report is not None
    until = data.report.calendar_until.isoformat()
    texts = _deadline_texts(screen)
    assert texts["no_rule"] == {"无规则"}
    assert texts["beyond_calendar"] == {f"晚于 {until}"}
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


def _code(model, index: QModelIndex) -> str:  # type: ignore[no-untyped-def]
    node = model.node(index)
    assert node is not None
    return str(node.code)


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
                    out.append((leaf, _code(model, product), _code(model, warehouse)))
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
    assert any((p, w, _code(model, i)) == ("m", "DL01", "0101") for i, p, w in leaves)
    for leaf, _, _ in leaves:
        row, parent = leaf.row(), leaf.parent()
        assert model.index(row, DEADLINE_COLUMN, parent).data() == "2026-07-30 overdue"
        assert int(str(model.index(row, DEADLINE_COLUMN + 1, parent).data()).replace(",", "")) < 0
        background = model.index(row, 0, parent).data(Qt.ItemDataRole.BackgroundRole)
        assert background == URGENCY_BRUSHES["past"]
        # The warehouse and product rows above show the earliest deadline: the missed one.
        for up in (parent, parent.parent()):
            assert (
                model.index(up.row(), DEADLINE_COLUMN, up.parent()).data() == "2026-07-30 overdue"
            )
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
    assert (
        screen.tree_model.index(leaf.row(), DEADLINE_COLUMN, leaf.parent()).data()
        == "2026-07-30 逾期"
    )
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


def _tree_rows(screen: ReceiptsScreen, column: int) -> dict[str, list[str]]:
    """Texts of ``column`` by level ("product", "warehouse", "holder"), top to bottom."""
    model = screen.tree_model
    out: dict[str, list[str]] = {"product": [], "warehouse": [], "holder": []}
    levels = list(out)

    def walk(parent: QModelIndex, level: int) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            out[levels[level]].append(str(model.index(row, column, parent).data()))
            walk(index, level + 1)

    walk(QModelIndex(), 0)
    return out


@pytest.mark.parametrize(
    ("lang", "product", "warehouse"),
    [
        ("en", "a  No.1 soybean", "DL01  Dalian Beiliang port grain warehouse"),
        ("zh", "a  黄大豆1号", "DL01  大连北良港散粮仓库"),
    ],
)
def test_products_and_warehouses_are_named(demo_ctx, qtbot, lang, product, warehouse) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language(lang)
    screen = open_screen(create, demo_ctx, qtbot)
    names = _tree_rows(screen, 0)
    assert names["product"][0] == product
    assert warehouse in names["warehouse"]
    assert "0101  大连恒泰期货有限公司" in names["holder"]  # the member holds receipts too
    first = screen.tree_model.index(0, 0)
    assert first.data(Qt.ItemDataRole.ToolTipRole) == "a / 黄大豆1号 / No.1 soybean"


def test_warehouses_keep_their_own_status_under_an_overdue_product(
    screen: ReceiptsScreen,
) -> None:
    """Meal (m) rolls up to red "overdue", yet its row and its warehouses' rows still
    count the receipts expiring soon, tinted amber."""
    data = screen._data
    assert data is not None
    assert data.report is not None
    model = screen.tree_model
    row = next(r for r in range(model.rowCount()) if _code(model, model.index(r, 0)) == "m")
    meal = model.index(row, 0)
    assert model.node(meal).urgency == "past"
    assert meal.data(Qt.ItemDataRole.BackgroundRole) == URGENCY_BRUSHES["past"]
    expiring = model.index(row, EXPIRING_COLUMN)
    receipts = data.receipts
    meal_soon = int(((receipts["product_code"] == "m") & (receipts["urgency"] == "soon")).sum())
    assert meal_soon > 0
    assert int(expiring.data().replace(",", "")) == meal_soon
    assert expiring.data(Qt.ItemDataRole.BackgroundRole) == URGENCY_BRUSHES["soon"]
    assert model.index(row, OVERDUE_COLUMN).data() == "2"  # the two overdue meal receipts
    # Its warehouses add up to it; at least one of them is amber only.
    counts = [
        (model.node(model.index(w, 0, meal)).overdue, model.node(model.index(w, 0, meal)).expiring)
        for w in range(model.rowCount(meal))
    ]
    assert sum(e for _, e in counts) == meal_soon
    assert any(o == 0 and e > 0 for o, e in counts)
    # Over every product: the expiring counts are the report's expiry list.
    products = _tree_rows(screen, EXPIRING_COLUMN)["product"]
    assert sum(int(t.replace(",", "") or 0) for t in products) == len(data.report.expiring)
    overdue = _tree_rows(screen, OVERDUE_COLUMN)["product"]
    assert sum(int(t or 0) for t in overdue) == len(data.report.overdue) == 4


def test_only_receipts_expiring_within_n_trading_days(
    screen: ReceiptsScreen, demo_ctx, qtbot
) -> None:  # type: ignore[no-untyped-def]
    data = screen._data
    assert data is not None
    assert screen.expiring_spin.value() == 10
    assert screen.expiring_count.text() == f"({data.expiring_count:,} receipts)"
    assert data.expiring_count == 88  # m and y receipts due on 2026-11-27 (5 trading days)
    qtbot.mouseClick(screen.expiring_check, Qt.MouseButton.LeftButton)
    wait_loaded(screen, demo_ctx, qtbot)
    data = screen._data
    assert data is not None
    assert data.only_expiring
    assert screen.tree_title.text() == (
        f"Expiring within 10 trading days: 88 receipts, {data.shown_lots:,} lots, "
        f"{data.shown_tons:,} tons (of {len(data.receipts):,})"
    )
    soon = data.receipts[data.receipts["urgency"] == "soon"]
    assert (data.shown_lots, data.shown_tons) == (int(soon["lots"].sum()), int(soon["tons"].sum()))
    # The tree holds exactly the expiring receipts, all expanded down to their holders.
    receipts = [int(t) for t in _tree_rows(screen, 2)["product"]]
    assert sum(receipts) == 88
    assert sorted(_code(screen.tree_model, screen.tree_model.index(r, 0)) for r in range(2)) == [
        "m",
        "y",
    ]
    assert _tree_rows(screen, DEADLINE_COLUMN)["holder"]
    assert set(_tree_rows(screen, DEADLINE_COLUMN)["holder"]) == {"2026-11-27"}
    assert "expiring within 10 trading days" in screen.subtitle_label.text()
    # A window of 4 trading days: 2026-11-27 is 5 away, so nothing is expiring.
    screen.expiring_spin.setValue(4)
    screen.expiring_spin.editingFinished.emit()
    wait_loaded(screen, demo_ctx, qtbot)
    assert screen.expiring_count.text() == "(0 receipts)"
    assert screen.tree_model.rowCount() == 0
    assert "within 4 trading days" in screen.banner.text()


def test_holder_search_by_part_of_a_name(screen: ReceiptsScreen, demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    combo = screen.holder_combo
    assert combo.findText("0101  大连恒泰期货有限公司") > 0
    line = combo.lineEdit()
    line.setText("恒泰")  # as an input method commits it (QTest types ASCII only)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    wait_loaded(screen, demo_ctx, qtbot)
    assert combo.currentData() == "0101"
    assert set(screen._data.receipts["holder_code"]) == {"0101"}
    # Nothing matches: said in the banner, the shown holder is kept.
    line.clear()
    qtbot.keyClicks(line, "no such holder")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert "no holder matches “no such holder”" in screen.banner.text()
    assert set(screen._data.receipts["holder_code"]) == {"0101"}


def test_group_by_warehouse(screen: ReceiptsScreen, demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Warehouse first: each warehouse's row sums its receipts over every product, and
    its products below it add up to it."""
    data = screen._data
    assert data is not None
    receipts = data.receipts
    qtbot.mouseClick(screen.by_warehouse_check, Qt.MouseButton.LeftButton)
    wait_loaded(screen, demo_ctx, qtbot)
    model = screen.tree_model
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Warehouse / product / holder"
    codes = [_code(model, model.index(r, 0)) for r in range(model.rowCount())]
    assert codes == sorted(set(receipts["warehouse_code"]))
    dl01 = model.index(codes.index("DL01"), 0)
    assert dl01.data() == "DL01  Dalian Beiliang port grain warehouse"
    at_dl01 = receipts[receipts["warehouse_code"] == "DL01"]
    assert _tons(model.index(dl01.row(), 4).data()) == int(at_dl01["tons"].sum())
    assert screen.tree_view.isExpanded(dl01)  # its products, not yet their holders
    products = [model.index(r, 0, dl01) for r in range(model.rowCount(dl01))]
    assert [_code(model, p) for p in products] == sorted(set(at_dl01["product_code"]))
    assert not screen.tree_view.isExpanded(products[0])
    assert sum(_tons(model.index(p.row(), 4, dl01).data()) for p in products) == int(
        at_dl01["tons"].sum()
    )
    qtbot.mouseClick(screen.by_warehouse_check, Qt.MouseButton.LeftButton)
    wait_loaded(screen, demo_ctx, qtbot)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Product / warehouse / holder"
    assert _code(model, model.index(0, 0)) == "a"


def test_group_by_warehouse_in_chinese(demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language("zh")
    screen = open_screen(create, demo_ctx, qtbot)
    assert screen.by_warehouse_check.text() == "按仓库分组(&W)"
    screen.by_warehouse_check.setChecked(True)
    wait_loaded(screen, demo_ctx, qtbot)
    assert screen.tree_model.headerData(0, Qt.Orientation.Horizontal) == "仓库 / 品种 / 持有人"
    assert "DL01  大连北良港散粮仓库" in _tree_rows(screen, 0)["product"]  # the first level


def test_view_choices_are_remembered(screen: ReceiptsScreen, demo_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    """ "Group by warehouse", "Only expiring within" and its days are the desk's habit:
    the next time the screen opens (a new window, same user) they are as left."""
    qtbot.mouseClick(screen.by_warehouse_check, Qt.MouseButton.LeftButton)
    screen.expiring_spin.setValue(10)
    qtbot.mouseClick(screen.expiring_check, Qt.MouseButton.LeftButton)
    wait_loaded(screen, demo_ctx, qtbot)
    demo_ctx.settings.sync()
    again = open_screen(create, demo_ctx, qtbot)
    assert again.by_warehouse_check.isChecked()
    assert again.expiring_check.isChecked()
    assert again.expiring_spin.value() == 10
    header = again.tree_model.headerData(0, Qt.Orientation.Horizontal)
    assert header == "Warehouse / product / holder"  # loaded as remembered
    qtbot.mouseClick(again.by_warehouse_check, Qt.MouseButton.LeftButton)
    wait_loaded(again, demo_ctx, qtbot)
    assert not open_screen(create, demo_ctx, qtbot).by_warehouse_check.isChecked()
