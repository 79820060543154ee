"""The Reconciliation screen on the small demo (settled 2026-11-20, 500 clients): the
statements RiskDesk writes in the CTP layout reconcile to zero; one commission changed
by a fen shows as the one break, naming the client, the field and both values, and
its row opens the client panel; the table agrees with the command line's export. A
CFMMC workbook and the member's CSV are read the same way: the user sees their
breaks, the member card and the member's rows."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from core.audit import recent
from core.services.reconcile import (
    write_cfmmc_statements,
    write_member_statements,
    write_riskdesk_statements,
)
from desktop import i18n
from desktop.context import DesktopContext
from desktop.screens.reconcile import ReconcileScreen, create
from tests.core.cfmmc_grid import put, put_pair, read_grid, write_grid
from tests.desktop.test_reduction_screen import demo_ctx, demo_template, demo_url, open_screen

__all__ = ["demo_ctx", "demo_template", "demo_url"]  # fixtures used here

DAY = date(2026, 11, 20)


@pytest.fixture
def statements(demo_ctx: DesktopContext, tmp_path: Path) -> Path:
    path = tmp_path / "counter.txt"
    write_riskdesk_statements(demo_ctx.db, DAY, path, user="tester")
    return path


@pytest.fixture
def screen(demo_ctx: DesktopContext, qtbot: Any) -> ReconcileScreen:
    return open_screen(create, demo_ctx, qtbot)  # type: ignore[no-any-return]


def _run(screen: ReconcileScreen, qtbot: Any, files: list[Path]) -> None:
    screen.set_files(files)
    assert screen.set_day(DAY)
    with qtbot.waitSignal(screen.finished, timeout=60_000):
        qtbot.mouseClick(screen.run_button, Qt.MouseButton.LeftButton)


def _cells(screen: ReconcileScreen, row: int) -> dict[str, str]:
    m = screen.model
    return {c.key: str(m.index(row, i).data()) for i, c in enumerate(m.columns)}


def test_riskdesk_statements_reconcile_to_zero(
    screen: ReconcileScreen, statements: Path, qtbot: Any, qtmodeltester: Any
) -> None:
    assert not screen.run_button.isEnabled()  # nothing chosen yet
    _run(screen, qtbot, [statements])
    assert screen.cards["matched"].value.text() == "500"
    assert screen.cards["differences"].value.text() == "0"
    assert screen.model.rowCount() == 0
    assert screen.banner.tone == "success"
    assert "500 statements of 2026-11-20 agree" in screen.banner.text()
    assert not screen.export_button.isEnabled()
    qtmodeltester.check(screen.model)
    with screen.ctx.db.reader() as r:
        assert recent(r.session, 5, action="reconcile.run")  # the run is audited


def test_a_fee_off_by_a_fen_is_the_one_break_and_opens_the_client(
    screen: ReconcileScreen,
    statements: Path,
    qtbot: Any,
    qtmodeltester: Any,
    tmp_path: Path,
) -> None:
    text = statements.read_bytes().decode("gbk")
    m = re.search(r"手 续 费 Commission：\s*(23\.53)", text)
    assert m is not None
    statements.write_bytes((text[: m.start(1)] + "23.54" + text[m.end(1) :]).encode("gbk"))
    _run(screen, qtbot, [statements])
    assert screen.model.rowCount() == 1
    row = _cells(screen, 0)
    assert row["client"] == "10000001"
    assert row["name"] == "汪雪"
    assert row["section"] == "Account summary"
    assert row["field"] == "Commission"
    assert (row["counter"], row["riskdesk"], row["difference"]) == ("23.54", "23.53", "0.01")
    assert screen.cards["differing"].value.text() == "1"
    assert screen.cards["matched"].value.text() == "499"
    assert screen.banner.tone == "danger"
    qtmodeltester.check(screen.model)
    # double-click opens the client panel of that client and day
    rect = screen.view.visualRect(screen.model.index(0, 0))
    with qtbot.waitSignal(screen.ctx.bus.client_requested) as sig:
        qtbot.mouseClick(screen.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(screen.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sig.args == ["10000001", DAY]
    with qtbot.waitSignal(screen.ctx.bus.client_requested) as sig:
        qtbot.keyClick(screen.view, Qt.Key.Key_Return)
    assert sig.args == ["10000001", DAY]
    # the export is the table, to the fen
    out = tmp_path / "breaks.csv"
    screen.export_to(out)
    qtbot.waitUntil(lambda: screen.banner.text().startswith("Exported"), timeout=15_000)
    exported = pd.read_csv(out, dtype=str)
    assert exported[["client", "field", "counter", "riskdesk", "difference"]].values.tolist() == [
        ["10000001", "fees", "23.54", "23.53", "0.01"]
    ]
    # in Chinese the section, field and cards read in the counter's words
    i18n.set_language("zh")
    screen.retranslate()
    row = _cells(screen, 0)
    assert (row["section"], row["field"]) == ("资金状况", "手续费")
    assert screen.run_button.text() == "对账"
    # a workbook is for people: headers and words in the user's language, the values
    # the statements' text; the CSV above kept the command line's keys for tools
    book = tmp_path / "breaks.xlsx"
    screen.export_to(book)
    qtbot.waitUntil(lambda: "breaks.xlsx" in screen.banner.text(), timeout=15_000)
    sheet = load_workbook(book).active
    assert sheet is not None
    head, first = (list(r) for r in sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    cells = dict(zip(head, first, strict=True))
    assert (cells["客户"], cells["部分"], cells["字段"]) == ("10000001", "资金状况", "手续费")
    assert (cells["文件"], cells["RiskDesk"], cells["差额"]) == ("23.54", "23.53", "0.01")
    assert (cells["可能原因"], cells["详情"]) == ("舍入", "一分")


def test_a_file_that_is_not_a_statement_is_refused_by_name(
    screen: ReconcileScreen, qtbot: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "counter.xls"
    bad.write_bytes(b"not a workbook")
    _run(screen, qtbot, [bad])
    assert screen.banner.tone == "danger"
    assert "counter.xls" in screen.banner.text()
    assert screen.model.rowCount() == 0
    with screen.ctx.db.reader() as r:
        assert not recent(r.session, 5, action="reconcile.run")  # nothing recorded


@pytest.fixture
def cfmmc_book(demo_ctx: DesktopContext, tmp_path: Path) -> Path:
    """Client 10000001's CFMMC daily statement with the fill's fee one fen higher (the
    fill, its total row and the account's 当日手续费)."""
    (path,), _ = write_cfmmc_statements(
        demo_ctx.db, DAY, tmp_path / "cfmmc", clients=["10000001"], user="tester"
    )
    grid = read_grid(path)
    assert put(grid, "成交明细", "j2702", "手续费", "23.54") == "23.53"
    put(grid, "成交明细", "合计", "手续费", "23.54")
    put_pair(grid, "客户交易结算日报", "当日手续费", "23.54")
    write_grid(path, grid)
    return path


@pytest.fixture
def member_csv(demo_ctx: DesktopContext, tmp_path: Path) -> Path:
    """The member's settlement CSV with a2701 long spec's margin one fen higher."""
    path = tmp_path / "member.csv"
    write_member_statements(demo_ctx.db, DAY, path, user="tester")
    text = path.read_text(encoding="utf-8-sig")
    line = "a2701,long,spec,16554,51966316.80"
    assert line in text
    path.write_text(text.replace(line, line[:-1] + "1"), encoding="utf-8")
    return path


def test_a_cfmmc_workbook_and_the_member_csv_show_their_breaks(
    screen: ReconcileScreen, cfmmc_book: Path, member_csv: Path, qtbot: Any, qtmodeltester: Any
) -> None:
    _run(screen, qtbot, [cfmmc_book, member_csv])
    # the workbook's client and the member take part, each with its breaks
    assert screen.cards["matched"].value.text() == "0"
    assert screen.cards["differing"].value.text() == "2"
    assert screen.cards["only_riskdesk"].value.text() == "0"
    assert screen.cards["differences"].value.text() == "3"
    assert screen.cards["member"].value.text() == "1"
    assert screen.cards["member"].note.text() == "member 0101"
    assert screen.banner.tone == "danger"
    assert "Files read: 1 CFMMC daily statements, 1 member settlement CSV." in screen.banner.text()
    rows = sorted(
        (_cells(screen, r) for r in range(screen.model.rowCount())), key=lambda c: c["section"]
    )
    seen = [
        (
            r["client"],
            r["section"],
            r["key"],
            r["field"],
            r["counter"],
            r["riskdesk"],
            r["difference"],
        )
        for r in rows
    ]
    assert seen == [
        ("10000001", "Account summary", "", "Commission", "23.54", "23.53", "0.01"),
        (
            "0101",
            "Member",
            "a2701 long spec",
            "Margin occupied",
            "51,966,316.81",
            "51,966,316.80",
            "0.01",
        ),
        ("10000001", "Trades", "00000476", "Commission", "23.54", "23.53", "0.01"),
    ]
    qtmodeltester.check(screen.model)
    # the tooltip gives the values as the file prints them (the export's text)
    member = next(
        r for r in range(screen.model.rowCount()) if _cells(screen, r)["client"] == "0101"
    )
    col = [c.key for c in screen.model.columns].index("riskdesk")
    tip = screen.model.index(member, col).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "File: 51966316.81\nRiskDesk: 51966316.80\nDifference: 0.01"
    # the member card lists the member's rows only; a member row opens no client panel
    qtbot.mouseClick(screen.cards["member"], Qt.MouseButton.LeftButton)
    assert screen.model.rowCount() == 1
    assert _cells(screen, 0)["name"] == "大连恒泰期货有限公司"
    rect = screen.view.visualRect(screen.model.index(0, 0))
    emitted: list[object] = []
    screen.ctx.bus.client_requested.connect(lambda *a: emitted.append(a))
    qtbot.mouseClick(screen.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(screen.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert emitted == []
    # in Chinese the member's line and figure read in the exchange's words
    i18n.set_language("zh")
    screen.retranslate()
    row = _cells(screen, 0)
    assert (row["section"], row["field"], row["key"]) == ("会员", "保证金占用", "a2701 多头 投机")
    assert (row["cause"], row["cause_detail"]) == ("舍入", "一分")
    assert screen.cards["member"].caption.text() == "会员数据"
    assert screen.cards["member"].note.text() == "会员 0101"
    with screen.ctx.db.reader() as r:
        (entry,) = recent(r.session, 5, action="reconcile.run")
    assert entry.detail_data()["formats"] == {"cfmmc": 1, "member": 1}


def test_the_file_dialog_offers_every_format(screen: ReconcileScreen, monkeypatch: Any) -> None:
    seen: dict[str, str] = {}

    def fake(_parent: object, _title: str, _start: str, filters: str) -> tuple[list[str], str]:
        seen["filters"] = filters
        return [], ""

    monkeypatch.setattr("desktop.screens.reconcile.QFileDialog.getOpenFileNames", fake)
    screen.choose_files()
    first = seen["filters"].split(";;")[0]
    for pattern in ("*.txt", "*.xls", "*.xlsx", "*.csv"):
        assert pattern in first


def _bump(path: Path, label: str, count: int) -> list[str]:
    """Raise the figure ``label`` of the first ``count`` statements where it is not zero
    by a fen; the clients changed."""
    text = path.read_bytes().decode("gbk")
    out, clients, at = [], [], 0
    for m in re.finditer(label + r"：\s*(\d+)\.(\d\d)", text):
        fen = int(m[1]) * 100 + int(m[2])
        if not fen or len(clients) == count:
            continue
        client = re.findall(r"客户号 Client ID：\s*(\S+)", text[: m.start()])[-1]
        out += [text[at : m.start(1)], f"{(fen + 1) // 100}.{(fen + 1) % 100:02d}"]
        at = m.end(2)
        clients.append(client)
    path.write_bytes(("".join(out) + text[at:]).encode("gbk"))
    return clients


def test_a_run_of_several_days_charts_each_day_and_a_bar_filters_the_table(
    screen: ReconcileScreen, demo_ctx: DesktopContext, qtbot: Any, tmp_path: Path
) -> None:
    days = (date(2026, 11, 19), DAY)
    files = []
    # no fills on 11-19: its break is a fund available; 11-20's two commissions
    for day, label, bumps in zip(
        days, ("可用资金 Fund Avail.", "手 续 费 Commission"), (1, 2), strict=True
    ):
        path = tmp_path / f"counter_{day}.txt"
        write_riskdesk_statements(demo_ctx.db, day, path, user="tester")
        assert len(_bump(path, re.escape(label), bumps)) == bumps
        files.append(path)
    assert not screen.day_chart.isVisible()
    screen.set_files(files)
    assert screen.set_day(None)  # every day in the files
    with qtbot.waitSignal(screen.finished, timeout=60_000):
        qtbot.mouseClick(screen.run_button, Qt.MouseButton.LeftButton)
    chart = screen.day_chart
    assert chart.isVisible()
    assert chart.days() == days
    assert chart.counts(0) == [499, 498]  # matched
    assert chart.counts(1) == [1, 2]  # differing
    assert chart.counts(2) == [0, 0]  # on one side only
    assert screen.model.rowCount() == 3
    # a click on 2026-11-20's bar lists that day's differences only
    plot = chart.plot.viewport()
    with qtbot.waitSignal(chart.day_clicked) as sig:
        qtbot.mouseClick(plot, Qt.MouseButton.LeftButton, pos=chart.bar_position(1))
    assert sig.args == [DAY]
    assert screen.model.rowCount() == 2
    assert {_cells(screen, r)["day"] for r in range(2)} == {"2026-11-20"}
    assert "2026-11-20" in chart.legend.text()
    assert screen.count_label.text() == "2 of 3 differences"
    with qtbot.waitSignal(chart.day_clicked):
        qtbot.mouseClick(plot, Qt.MouseButton.LeftButton, pos=chart.bar_position(0))
    assert [_cells(screen, 0)["day"]] == ["2026-11-19"]
    assert screen.model.rowCount() == 1
    # beside the bars: every day again
    beside = chart.bar_position(0)
    beside.setX((beside.x() + chart.bar_position(1).x()) // 2)
    with qtbot.waitSignal(chart.day_clicked) as sig:
        qtbot.mouseClick(plot, Qt.MouseButton.LeftButton, pos=beside)
    assert sig.args == [None]
    assert screen.model.rowCount() == 3
    i18n.set_language("zh")
    screen.retranslate()
    assert "一致 997" in chart.legend.text()
    assert chart.title.text() == "每日结算单（点击某日，列出当日的差异）"


def test_a_runs_warnings_speak_the_users_language() -> None:
    """A run's warnings are English where they are printed (the command line, the
    tests) and carry their key and values, so the screen says them in Chinese; the
    screen's English sources are core's own texts."""
    from core.services.reconcile import CAVEATS, Caveat
    from desktop.screens.reconcile import CAVEAT_TEXTS, caveat_text

    assert CAVEAT_TEXTS == CAVEATS
    w = Caveat("member_differs", "2026-11-20", "0101")
    assert w == (
        "2026-11-20: member 0101's stored reserve, margin or offset differ from a "
        "settlement of the stored inputs: settle the day again before trusting the member "
        "differences"
    )
    assert caveat_text(w) == w
    assert caveat_text("a reader's own warning") == "a reader's own warning"
    i18n.set_language("zh")
    assert caveat_text(w) == (
        "2026-11-20：会员 0101 存储的结算准备金、保证金或充抵金额与按已存输入重算的结算"
        "不一致：请重新结算该日，再判断会员数据的差异"
    )
    refused = Caveat("not_compared", "2026-11-19", "settlement of 2026-11-19: …")
    assert caveat_text(refused).startswith("2026-11-19：未比对持仓明细、成交和平仓明细")
