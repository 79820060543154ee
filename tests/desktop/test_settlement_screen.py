"""The settlement screen on the small demo database: re-settle the last day through the
button (after confirming), a refusal that names the contract, a cancel that rolls back,
statements and their export, the client picker."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QWidget
from sqlalchemy import delete, func, select

from core.audit import recent
from core.config import AppConfig
from core.db.engine import open_database
from core.db.tables import (
    AuditLog,
    Client,
    ClientBalance,
    Member,
    Position,
    ReserveHistory,
    SettlementPrice,
)
from core.reports.statements import label
from core.services.demo import create_demo_data
from core.trading_calendar import default_calendar
from desktop.bus import AppBus
from desktop.context import DesktopContext
from desktop.progress_dialog import ProgressDialog
from desktop.screens import settlement as settlement_module
from desktop.screens.ops_widgets import StatementRowsModel
from desktop.screens.settlement import SettlementScreen
from desktop.settings import UiSettings
from desktop.tasks import TaskManager

TIMEOUT = 20_000
_REAL_CONFIRM = settlement_module.confirm


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, date]:
    """The small demo set (500 clients), built once; each test copies the file."""
    path = tmp_path_factory.mktemp("settlement-demo") / "demo.sqlite"
    db = open_database(f"sqlite:///{path}")
    try:
        summary, _ = create_demo_data(db, scale="small", user="tester")
    finally:
        db.engine.dispose()
    return path, summary.end_day


@pytest.fixture
def demo_ctx(
    demo_template: tuple[Path, date], tmp_path: Path, qapp: object
) -> Iterator[DesktopContext]:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_template[0], path)
    url = f"sqlite:///{path}"
    context = DesktopContext(
        db=open_database(url),
        tasks=TaskManager(),
        bus=AppBus(),
        settings=UiSettings(),
        config=AppConfig(db_url=url, user="tester"),
    )
    yield context
    context.close()


class Questions:
    """Stands in for ``settlement.confirm``: records each question, gives ``answer``."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, str]] = []
        self.answer = True

    def __call__(self, _parent: object, title: str, text: str, accept: str) -> bool:
        self.asked.append((title, text, accept))
        return self.answer


@pytest.fixture(autouse=True)
def questions(monkeypatch: pytest.MonkeyPatch) -> Questions:
    """Every test answers the re-settle question through this (a real message box would
    wait for a click); ``test_the_real_message_box_cancels`` restores the real one."""
    recorder = Questions()
    monkeypatch.setattr(settlement_module, "confirm", recorder)
    return recorder


@pytest.fixture
def last_day(demo_template: tuple[Path, date]) -> date:
    return demo_template[1]


@pytest.fixture
def screen(demo_ctx: DesktopContext, qtbot: Any) -> SettlementScreen:
    widget = SettlementScreen(demo_ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    _wait_idle(widget, qtbot)
    return widget


def _wait_idle(screen: SettlementScreen, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: screen.is_loaded and screen.ctx.tasks.is_idle, timeout=TIMEOUT)


def _stored(ctx: DesktopContext, day: date) -> dict[str, Any]:
    """The rows a settlement of ``day`` writes, as comparable values."""
    with ctx.db.sessions() as s:
        balances = s.execute(
            select(
                func.count(),
                func.sum(ClientBalance.margin_fen),
                func.sum(ClientBalance.balance_fen),
            ).where(ClientBalance.trading_day == day)
        ).one()
        calls = s.scalar(
            select(func.count()).where(
                ClientBalance.trading_day == day, ClientBalance.margin_call_fen > 0
            )
        )
        positions = s.execute(
            select(func.count(), func.sum(Position.lots), func.sum(Position.margin_fen)).where(
                Position.trading_day == day
            )
        ).one()
        reserve = s.execute(
            select(ReserveHistory.member_code, ReserveHistory.reserve_fen).where(
                ReserveHistory.trading_day == day
            )
        ).all()
        runs = s.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "settlement.run")
        )
    return {
        "clients": balances[0],
        "margin": balances[1],
        "balance": balances[2],
        "calls": calls,
        "positions": tuple(positions),
        "reserve": tuple(map(tuple, reserve)),
        "runs": runs,
    }


def _run(screen: SettlementScreen, qtbot: Any) -> Any:
    with qtbot.waitSignal(screen.run_finished, timeout=TIMEOUT) as blocker:
        qtbot.mouseClick(screen.run_button, Qt.MouseButton.LeftButton)
    _wait_idle(screen, qtbot)
    return blocker.args[0]


def _column(model: StatementRowsModel, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_resettle_latest_day_shows_the_stored_figures(
    screen: SettlementScreen,
    demo_ctx: DesktopContext,
    last_day: date,
    qtbot: Any,
    questions: Questions,
) -> None:
    assert screen.selected_day() == last_day  # nothing to settle after it: re-settle
    before = _stored(demo_ctx, last_day)
    outcome = _run(screen, qtbot)
    assert outcome.succeeded
    ((title, text, _accept),) = questions.asked  # confirmed first; no later days to name
    assert last_day.isoformat() in title
    assert "replaces the stored results" in text
    assert "later" not in text
    after = _stored(demo_ctx, last_day)
    assert after["runs"] == before["runs"] + 1
    # re-settling the demo's day reproduces its balances and reserve
    assert (after["clients"], after["margin"], after["balance"]) == (
        before["clients"],
        before["margin"],
        before["balance"],
    )
    cards = screen.cards
    assert cards["clients"].value.text() == f"{after['clients']:,}"
    assert cards["margin"].value.text() == _yuan(after["margin"])
    ((_member, reserve),) = after["reserve"]
    assert cards["reserve"].value.text() == _yuan(reserve)
    assert cards["calls"].value.text() == f"{after['calls']:,}"
    assert cards["by"].value.text() == "tester"
    assert screen.banner.tone == "success"
    assert last_day.isoformat() in screen.banner.text()
    # the member statement: 2.d lines with English labels, no tax line
    items = _column(screen.member_model, 0)
    assert label("ending_reserve", "en") in items
    assert not any("tax" in i.lower() or "税" in i for i in items)
    row = items.index(label("ending_reserve", "en"))
    assert screen.member_model.index(row, 1).data() == _yuan(reserve)
    # the settled-days table names who ran the day
    model = screen.settled_model
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    assert first[0] == last_day.isoformat()
    assert "tester" in first


def _yuan(fen: int) -> str:
    from core.money import format_yuan

    return format_yuan(int(fen))


def test_ctrl_enter_runs_the_settlement(screen: SettlementScreen, qtbot: Any) -> None:
    with qtbot.waitSignal(screen.run_finished, timeout=TIMEOUT) as blocker:
        screen.settled_view.setFocus()
        qtbot.keyClick(screen.settled_view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    _wait_idle(screen, qtbot)
    assert blocker.args[0].succeeded


def test_refusal_names_the_contract_and_writes_nothing(
    demo_ctx: DesktopContext, last_day: date, qtbot: Any
) -> None:
    prev = default_calendar().prev_td(last_day)
    with demo_ctx.db.sessions.begin() as s:
        contract = s.scalar(
            select(Position.contract_code)
            .where(Position.trading_day == prev, Position.lots > 0)
            .order_by(Position.contract_code)
            .limit(1)
        )
        assert contract is not None
        s.execute(
            delete(SettlementPrice).where(
                SettlementPrice.trading_day == last_day,
                SettlementPrice.contract_code == contract,
            )
        )
    before = _stored(demo_ctx, last_day)
    screen = SettlementScreen(demo_ctx)
    qtbot.addWidget(screen)
    screen.show()
    _wait_idle(screen, qtbot)
    outcome = _run(screen, qtbot)
    assert outcome.refused
    assert _stored(demo_ctx, last_day) == before
    problems = screen.problems_view.error_model
    texts = [problems.copy_text([r], header=False) for r in range(problems.rowCount())]
    assert any(contract in t and "settlement price" in t.lower() for t in texts), texts
    assert screen.banner.tone == "danger"
    assert "refused" in screen.banner.text()
    assert screen.tabs.currentIndex() == 2
    assert f"({problems.rowCount()})" in screen.tabs.tabText(2)


def test_cancel_from_the_progress_dialog_rolls_back(
    screen: SettlementScreen,
    demo_ctx: DesktopContext,
    last_day: date,
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cancel while the run is writing: the deletes and inserts done so far roll back."""
    reached, proceed = threading.Event(), threading.Event()
    real = settlement_module.run_daily_settlement

    class PauseInWrite:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def report(self, stage: str, done: int, total: int | None = None) -> None:
            self.inner.report(stage, done, total)
            if stage == "write" and done > 0 and not reached.is_set():
                reached.set()
                proceed.wait(10)
                self.inner.report(stage, done, total)  # raises once cancelled

    def paused(db: Any, day: date, *, user: str | None, progress: Any = None) -> Any:
        return real(db, day, user=user, progress=PauseInWrite(progress))

    monkeypatch.setattr(settlement_module, "run_daily_settlement", paused)
    before = _stored(demo_ctx, last_day)
    with qtbot.waitSignal(screen.run_finished, timeout=TIMEOUT) as blocker:
        qtbot.mouseClick(screen.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(reached.is_set, timeout=TIMEOUT)
        dialog = screen.findChild(ProgressDialog)
        assert dialog is not None
        buttons = dialog.findChild(QDialogButtonBox)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
        proceed.set()
    _wait_idle(screen, qtbot)
    assert blocker.args[0].cancelled
    assert screen.banner.tone == "warning"
    assert "rolled back" in screen.banner.text()
    assert _stored(demo_ctx, last_day) == before


def test_client_statement_and_exports(
    screen: SettlementScreen, last_day: date, tmp_path: Path, qtbot: Any, qtmodeltester: Any
) -> None:
    with screen.ctx.db.sessions() as s:
        client = s.scalar(
            select(Position.client_code)
            .where(Position.trading_day == last_day)
            .order_by(Position.client_code)
            .limit(1)
        )
        margin = s.scalar(
            select(ClientBalance.margin_fen).where(
                ClientBalance.client_code == client, ClientBalance.trading_day == last_day
            )
        )
        reserve = s.scalar(
            select(ReserveHistory.reserve_fen).where(ReserveHistory.trading_day == last_day)
        )
    assert client is not None
    assert margin is not None
    assert reserve is not None
    screen.tabs.setCurrentIndex(1)
    screen.select_client(client)
    _wait_idle(screen, qtbot)
    items = _column(screen.client_model, 0)
    row = items.index(label("margin", "en"))
    assert screen.client_model.index(row, 1).data() == _yuan(margin)
    assert screen.positions_model.rowCount() > 0
    for model in (screen.member_model, screen.client_model, screen.positions_model):
        qtmodeltester.check(model)

    member_xlsx = tmp_path / "member.xlsx"
    with qtbot.waitSignal(screen.exported, timeout=TIMEOUT):
        screen.export_member_statement(member_xlsx)
    sheet = load_workbook(member_xlsx).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert Decimal(str(values[label("ending_reserve", "en")])) == Decimal(reserve) / 100
    assert values[label("day", "en")] == last_day.isoformat()

    client_pdf = tmp_path / "client.pdf"
    with qtbot.waitSignal(screen.exported, timeout=TIMEOUT):
        screen.export_client_statement(client_pdf, suffix=".pdf")
    assert client_pdf.read_bytes().startswith(b"%PDF")
    assert str(client_pdf) in screen.banner.text()
    _wait_idle(screen, qtbot)
    # Both exports are audited: what (whose statement, which day) and where.
    with screen.ctx.db.reader() as reader:
        newest = recent(reader.session, 2)
    assert [(e.action, e.detail_data()["file"]) for e in newest] == [
        ("export.client_statement", "client.pdf"),
        ("export.member_statement", "member.xlsx"),
    ]
    assert newest[0].detail_data()["day"] == last_day.isoformat()


def test_picking_a_settled_day_shows_its_statement(
    screen: SettlementScreen, last_day: date, qtbot: Any
) -> None:
    earlier = default_calendar().prev_td(last_day)
    model = screen.settled_model
    rows = [r for r in range(model.rowCount()) if model.index(r, 0).data() == earlier.isoformat()]
    assert rows
    screen.settled_view.clicked.emit(model.index(rows[0], 0))
    _wait_idle(screen, qtbot)
    assert screen.selected_day() == earlier
    summary = screen.summary()
    assert summary is not None
    assert summary.day == earlier
    assert earlier.isoformat() in screen.member_info.text()


def test_chinese_labels(screen: SettlementScreen, last_day: date, qtbot: Any) -> None:
    from desktop import i18n

    i18n.set_language("zh")
    screen.retranslate()
    assert screen.run_button.text() == "执行结算"
    assert label("ending_reserve", "zh") in _column(screen.member_model, 0)
    earlier = default_calendar().prev_td(last_day)
    text = screen.resettle_question(earlier)
    assert text is not None
    assert f"{earlier.isoformat()} 已经结算" in text
    assert f"之后已结算的交易日 {last_day.isoformat()} 不会重新计算" in text


def _click_run(screen: SettlementScreen, qtbot: Any) -> None:
    qtbot.mouseClick(screen.run_button, Qt.MouseButton.LeftButton)


def test_cancelling_the_resettle_question_of_an_older_day_runs_nothing(
    screen: SettlementScreen,
    demo_ctx: DesktopContext,
    last_day: date,
    qtbot: Any,
    questions: Questions,
) -> None:
    earlier = default_calendar().prev_td(last_day)
    screen.set_day(earlier)
    _wait_idle(screen, qtbot)
    before = (_stored(demo_ctx, earlier), _stored(demo_ctx, last_day))
    finished: list[Any] = []
    screen.run_finished.connect(finished.append)
    questions.answer = False
    _click_run(screen, qtbot)
    _wait_idle(screen, qtbot)
    ((title, text, accept),) = questions.asked
    assert earlier.isoformat() in title
    assert accept == "Settle again"
    # which day, that its stored results are replaced, and that the later day is not
    # recomputed and has to be settled again
    assert f"{earlier.isoformat()} is already settled" in text
    assert "replaces the stored results" in text
    assert f"later settled day {last_day.isoformat()} is not recomputed" in text
    assert "Settle it again afterwards" in text
    assert finished == []
    assert screen.last_outcome is None
    assert screen.run_button.isEnabled()  # idle: nothing started
    assert (_stored(demo_ctx, earlier), _stored(demo_ctx, last_day)) == before


def test_confirming_the_resettle_question_runs_it(
    screen: SettlementScreen,
    last_day: date,
    qtbot: Any,
    questions: Questions,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Confirmed, the older day is handed to the service. (The demo set keeps no
    positions before it, so the service refuses it: a run that answered, not a skip.)"""
    earlier = default_calendar().prev_td(last_day)
    real = settlement_module.run_daily_settlement
    days: list[date] = []

    def spy(db: Any, day: date, *, user: str | None, progress: Any = None) -> Any:
        days.append(day)
        return real(db, day, user=user, progress=progress)

    monkeypatch.setattr(settlement_module, "run_daily_settlement", spy)
    screen.set_day(earlier)
    _wait_idle(screen, qtbot)
    outcome = _run(screen, qtbot)
    assert len(questions.asked) == 1
    assert days == [earlier]
    assert not outcome.cancelled
    assert screen.last_outcome is outcome
    assert earlier.isoformat() in screen.banner.text()


def test_the_question_counts_several_later_days(
    screen: SettlementScreen, last_day: date, qtbot: Any
) -> None:
    cal = default_calendar()
    two_back = cal.prev_td(cal.prev_td(last_day))
    overview = screen._overview
    assert overview is not None
    if two_back not in overview.settled_days:
        pytest.skip("the demo set settles fewer than three days")
    text = screen.resettle_question(two_back)
    assert text is not None
    later = [d for d in overview.settled_days if d > two_back]
    assert f"The {len(later)} later settled days ({later[0]} to {later[-1]})" in text
    assert "one day at a time in date order" in text


def test_settling_the_next_unsettled_day_does_not_ask(
    demo_ctx: DesktopContext, last_day: date, qtbot: Any, questions: Questions
) -> None:
    with demo_ctx.db.sessions.begin() as s:  # un-settle the last day: it is next again
        for table in (Position, ClientBalance, ReserveHistory):
            s.execute(delete(table).where(table.trading_day == last_day))
    screen = SettlementScreen(demo_ctx)
    qtbot.addWidget(screen)
    screen.show()
    _wait_idle(screen, qtbot)
    assert screen.selected_day() == last_day
    assert "Next day to settle" in screen.day_hint.text()
    assert screen.resettle_question(last_day) is None
    outcome = _run(screen, qtbot)
    assert outcome.succeeded
    assert questions.asked == []
    assert _stored(demo_ctx, last_day)["clients"] > 0
    # settled now: a second run asks first
    questions.answer = False
    _click_run(screen, qtbot)
    assert len(questions.asked) == 1


def test_the_real_message_box_cancels(
    screen: SettlementScreen,
    demo_ctx: DesktopContext,
    last_day: date,
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The real question: a modal warning whose default button is Cancel."""
    monkeypatch.setattr(settlement_module, "confirm", _REAL_CONFIRM)
    seen: list[tuple[str, str, bool]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        default = box.defaultButton()
        seen.append((box.windowTitle(), box.text(), default is not None))
        assert default is not None
        default.click()  # Cancel

    before = _stored(demo_ctx, last_day)
    QTimer.singleShot(0, answer)
    _click_run(screen, qtbot)
    _wait_idle(screen, qtbot)
    ((title, text, has_default),) = seen
    assert has_default
    assert last_day.isoformat() in title
    assert "already settled" in text
    assert screen.last_outcome is None
    assert _stored(demo_ctx, last_day) == before


def _type(widget: QWidget, text: str) -> None:
    """Key events carrying ``text`` one character at a time (QTest types ASCII only)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


# The completer's popup window raises itself and grabs the keyboard when shown; Qt's
# offscreen platform plugin implements neither, so Qt's default warns (a real display
# does not). Only this test opens a popup, hence the marker rather than a global ignore.
@pytest.mark.qt_log_ignore(
    r"^This plugin does not support raise\(\)$",
    r"^This plugin does not support grabbing the keyboard$",
)
def test_client_picker_finds_and_chooses_a_client(
    screen: SettlementScreen, last_day: date, qtbot: Any
) -> None:
    with screen.ctx.db.sessions() as s:
        client, name, margin = s.execute(
            select(Client.code, Client.name, ClientBalance.margin_fen)
            .join(ClientBalance, ClientBalance.client_code == Client.code)
            .where(ClientBalance.trading_day == last_day)
            .order_by(Client.code.desc())
            .limit(1)
        ).one()
    field = screen.client_field
    first = field.current_code()
    assert first is not None
    assert first != client
    screen.tabs.setCurrentIndex(1)
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, client)
    popup = field.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=TIMEOUT)
    labels = [field.matches.index(r, 0).data() for r in range(field.matches.rowCount())]
    assert labels[0] == f"{client}  {name}"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert field.current_code() == client
    assert field.text() == f"{client}  {name}"
    _wait_idle(screen, qtbot)
    items = _column(screen.client_model, 0)
    row = items.index(label("margin", "en"))
    assert screen.client_model.index(row, 1).data() == _yuan(margin)
    # by name (typed as an input method would, one character at a time), then Enter
    with screen.ctx.db.sessions() as s:
        other, other_name = s.execute(
            select(Client.code, Client.name)
            .where(Client.code != client)
            .group_by(Client.name)
            .having(func.count() == 1)
            .order_by(Client.code)
            .limit(1)
        ).one()
    field.selectAll()
    _type(field, other_name)
    qtbot.waitUntil(popup.isVisible, timeout=TIMEOUT)
    assert field.matches.index(0, 0).data() == f"{other}  {other_name}"
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert field.current_code() == other
    _wait_idle(screen, qtbot)
    statement = screen._client
    assert statement is not None
    assert statement.client_code == other
    # Down lists the clients from the current one; text naming no client falls back
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    qtbot.keyClick(field, Qt.Key.Key_Down)
    qtbot.waitUntil(popup.isVisible, timeout=TIMEOUT)
    assert field.matches.index(0, 0).data() == f"{other}  {other_name}"
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    field.selectAll()
    qtbot.keyClicks(field, "no such client")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.current_code() == other
    assert field.text() == f"{other}  {other_name}"
    with pytest.raises(KeyError):
        screen.select_client("no such client")


def test_statements_to_sign_off_from_the_client_tab(
    screen: SettlementScreen, last_day: date, tmp_path: Path, qtbot: Any
) -> None:
    """The client tab's PDF is the statement to sign off; Monthly statement… writes the
    month of the day shown: both read back, both audited."""

    client = "10000161"
    with screen.ctx.db.sessions() as s:
        stored = s.get(ClientBalance, (client, last_day))
        firm = s.scalar(select(Member.name))
    assert stored is not None
    screen.tabs.setCurrentIndex(1)
    screen.select_client(client)
    _wait_idle(screen, qtbot)
    assert screen.client_monthly.isEnabled()
    assert screen.client_monthly.text() == "Monthly statement…"
    assert f"{last_day:%Y-%m}" in screen.client_monthly.toolTip()

    daily = tmp_path / "daily.pdf"
    with qtbot.waitSignal(screen.exported, timeout=TIMEOUT):
        screen.export_client_statement(daily, suffix=".pdf")
    pages = [p.extract_text() for p in PdfReader(daily).pages]
    assert pages[0].startswith(str(firm))
    assert f"page 1 of {len(pages)}" in pages[0]
    assert _yuan(stored.balance_fen) in pages[0]
    assert "deemed confirmed" in " ".join("\n".join(pages).split())

    monthly = tmp_path / "monthly.pdf"
    with qtbot.waitSignal(screen.exported, timeout=TIMEOUT):
        screen.export_client_month(monthly)
    text = "\n".join(p.extract_text() for p in PdfReader(monthly).pages)
    assert "Client Monthly Statement" in text
    assert "(2026-11-19 to 2026-11-20, 2 trading days)" in text
    assert _yuan(stored.balance_fen) in text  # the month's closing balance: the last day's
    _wait_idle(screen, qtbot)
    with screen.ctx.db.reader() as reader:
        newest = recent(reader.session, 2)
    assert [(e.action, e.detail_data()["file"]) for e in newest] == [
        ("export.client_monthly_statement", "monthly.pdf"),
        ("export.client_statement", "daily.pdf"),
    ]
    assert newest[0].detail_data()["month"] == f"{last_day:%Y-%m}"
