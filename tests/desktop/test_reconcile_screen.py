"""The Reconciliation screen on the small demo (settled 2026-11-20, 500 clients): the
statements RiskDesk writes in the CTP layout reconcile to zero; one commission changed
by a fen shows as the one break, naming the client, the field and both values, and
its row opens the client panel; the table agrees with the command line's export."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from core.audit import recent
from core.services.reconcile import write_riskdesk_statements
from desktop import i18n
from desktop.context import DesktopContext
from desktop.screens.reconcile import ReconcileScreen, create
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
