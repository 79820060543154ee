"""A new install opens on an empty database: the overview and the live monitor say so and
offer the imports or "Create demo data…", which fills the database on the write worker; a
database holding other data is refused and left as it was."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton
from sqlalchemy import func, select

from core.changes import Changes
from core.config import AppConfig
from core.db.engine import open_database
from core.db.tables import AuditLog, Client, ImportBatch, Position
from core.progress import ProgressState
from core.resources import resources_dir
from core.services.demo import create_demo
from core.services.imports import import_file
from core.services.overview import is_database_empty
from desktop import demo_action, i18n
from desktop import main_window as main_window_module
from desktop.bus import AppBus
from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.screens.monitor import MonitorScreen
from desktop.screens.overview import OverviewScreen
from desktop.settings import UiSettings
from desktop.tasks import TaskManager
from tests.desktop.test_reduction_screen import demo_template

__all__ = ["demo_template"]  # the session's small demo database, shared with that module

LOAD_TIMEOUT_MS = 30_000
SMALL_CLIENTS = 500


def _context(url: str) -> DesktopContext:
    return DesktopContext(
        db=open_database(url),
        tasks=TaskManager(),
        bus=AppBus(),
        settings=UiSettings(),
        config=AppConfig(db_url=url, user="tester"),
    )


@pytest.fixture
def empty_ctx(tmp_path: Path, qapp: object) -> Iterator[DesktopContext]:
    """A database that has never held anything (a new install)."""
    context = _context(f"sqlite:///{tmp_path / 'new.sqlite'}")
    yield context
    context.close()


@pytest.fixture
def imported_ctx(demo_template: Path, tmp_path: Path, qapp: object) -> Iterator[DesktopContext]:
    """The demo database after the member imported a real file into it."""
    path = tmp_path / "imported.sqlite"
    shutil.copyfile(demo_template, path)
    db = open_database(f"sqlite:///{path}")
    try:
        import_file(db, "positions", resources_dir() / "samples" / "positions.csv", user="me")
    finally:
        db.engine.dispose()
    context = _context(f"sqlite:///{path}")
    yield context
    context.close()


def _open(ctx: DesktopContext, key: str, qtbot: Any) -> MainWindow:
    window = MainWindow(ctx, key)
    window.set_save_on_close(False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(window.is_ready, timeout=LOAD_TIMEOUT_MS)
    return window


def _count(ctx: DesktopContext, table: Any, *where: Any) -> int:
    with ctx.db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(table).where(*where)) or 0)


def _demo_runs(ctx: DesktopContext) -> int:
    return _count(ctx, AuditLog, AuditLog.action == "demo.create")


def _answer(monkeypatch: pytest.MonkeyPatch, scale: str | None) -> list[object]:
    """Stand in for the scale question: record who asked, answer ``scale``."""
    asked: list[object] = []

    def ask(parent: object) -> str | None:
        asked.append(parent)
        return scale

    monkeypatch.setattr(main_window_module, "ask_demo_scale", ask)
    return asked


def _visible_message_boxes() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


# ---------------------------------------------------------------------------- no Qt
def test_demo_op_fills_an_empty_database_and_names_every_stage(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'op.sqlite'}")
    stages: list[str] = []

    class Recorder(ProgressState):
        def report(self, stage: str, done: int, total: int | None = None) -> None:
            stages.append(stage)
            super().report(stage, done, total)

    try:
        with db.reader() as reader:
            assert is_database_empty(reader)
        outcome, changes = create_demo(db, "small", user="me", progress=Recorder())
        with db.reader() as reader:
            assert not is_database_empty(reader)
    finally:
        db.engine.dispose()
    assert outcome.summary is not None
    assert not outcome.refused
    assert outcome.summary.counts["client"] == SMALL_CLIENTS
    assert changes == Changes.everything()
    # Every stage the core reports has a display name in the progress dialog.
    names = demo_action.stage_names("generating", "deleting", "table %1 of %2")
    assert stages
    assert set(stages) <= set(names)
    assert names["write member"] == "table 1 of 17"


# ---------------------------------------------------------------------------- overview
def test_empty_overview_offers_demo_data_which_fills_it(
    empty_ctx: DesktopContext, qtbot: Any
) -> None:
    window = _open(empty_ctx, "main", qtbot)
    overview = window.current_page()
    assert isinstance(overview, OverviewScreen)
    banner = overview.empty_banner
    assert overview.shows_empty_hint
    assert banner.isVisible()
    assert banner.tone == "info"
    assert "The database is empty" in banner.text()
    assert "Imports" in banner.text()
    assert overview.demo_button.text() == "Create demo data…"
    assert overview.demo_button.isVisible()
    assert window.demo_action.text() == "Create &demo data…"
    assert window.demo_action in window.file_menu.actions()
    assert _visible_message_boxes() == []

    # The real question: both scales with their cost, what is replaced; pick "small".
    seen: list[tuple[str, str, list[str]]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        buttons = {b.text(): b for b in box.buttons()}
        seen.append((box.text(), box.informativeText(), list(buttons)))
        small = buttons["Small data set"]
        assert box.defaultButton() is small
        small.click()

    QTimer.singleShot(0, answer)
    overview.demo_button.click()
    ((question, details, buttons),) = seen
    assert question == "Create a demo data set in this database?"
    assert "500 clients" in details
    assert "100,000 clients" in details
    assert "replace" in details
    assert {"Small data set", "Large data set", "Cancel"} <= set(buttons)

    qtbot.waitUntil(lambda: not overview.shows_empty_hint, timeout=LOAD_TIMEOUT_MS)
    qtbot.waitUntil(window.is_ready, timeout=LOAD_TIMEOUT_MS)
    assert not banner.isVisible()
    assert _count(empty_ctx, Client) == SMALL_CLIENTS
    assert _demo_runs(empty_ctx) == 1
    assert overview.cards["clients"].value.text() == f"{SMALL_CLIENTS:,}"
    assert overview.at_risk_model.rowCount() > 0
    assert "Demo data created: 500 clients" in window.statusBar().currentMessage()
    assert window.day_label.text() != "Trading day: —"
    assert _visible_message_boxes() == []


def test_cancelling_the_question_writes_nothing(
    empty_ctx: DesktopContext, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _open(empty_ctx, "main", qtbot)
    asked = _answer(monkeypatch, None)
    window.demo_action.trigger()
    qtbot.waitUntil(window.is_ready, timeout=LOAD_TIMEOUT_MS)
    assert asked == [window]
    assert _count(empty_ctx, Client) == 0
    overview = window.current_page()
    assert isinstance(overview, OverviewScreen)
    assert overview.shows_empty_hint


def test_the_hint_opens_the_imports_screen(empty_ctx: DesktopContext, qtbot: Any) -> None:
    window = _open(empty_ctx, "main", qtbot)
    overview = window.current_page()
    assert isinstance(overview, OverviewScreen)
    assert overview.imports_button.text() == "Open Imports"
    overview.imports_button.click()
    assert window.current_key == "imports"


def test_the_hint_in_chinese_fits_its_buttons(empty_ctx: DesktopContext, qtbot: Any) -> None:
    window = _open(empty_ctx, "main", qtbot)
    i18n.set_language("zh")
    window.set_language("zh")
    overview = window.current_page()
    assert isinstance(overview, OverviewScreen)
    qtbot.waitUntil(lambda: overview.demo_button.text() == "创建演示数据…", timeout=5_000)
    assert "数据库为空" in overview.empty_banner.text()
    assert "数据导入" in overview.empty_banner.text()
    assert overview.imports_button.text() == "前往数据导入"
    assert window.demo_action.text() == "创建演示数据(&D)…"
    for button in overview.empty_banner.findChildren(QPushButton):
        assert button.width() >= button.sizeHint().width(), button.text()  # not clipped


# ---------------------------------------------------------------------------- monitor
def test_empty_monitor_shows_its_hint_and_starts_once_data_exists(
    empty_ctx: DesktopContext, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _open(empty_ctx, "monitor", qtbot)  # is_ready: the screenshot run waits on it
    monitor = window.current_page()
    assert isinstance(monitor, MonitorScreen)
    assert monitor.is_loaded
    assert monitor.shows_empty_hint
    assert monitor.empty_banner.isVisible()
    assert "No positions to monitor" in monitor.empty_banner.text()
    assert monitor.subtitle_label.text() == "No positions in the database"
    assert monitor.feed_state == "stopped"
    assert monitor.runner is None
    assert not monitor.stop_button.isEnabled()
    assert monitor.accounts_model.rowCount() == 0
    assert _visible_message_boxes() == []  # no error dialog

    asked = _answer(monkeypatch, "small")
    monitor.demo_button.click()
    assert asked == [window]
    qtbot.waitUntil(
        lambda: not monitor.shows_empty_hint and monitor.is_loaded, timeout=LOAD_TIMEOUT_MS
    )
    assert not monitor.empty_banner.isVisible()
    assert monitor.accounts_model.rowCount() == SMALL_CLIENTS
    assert monitor.runner is not None
    assert monitor.runner.is_alive
    assert monitor.trading_day() is not None
    window.close()
    assert not monitor.runner.is_alive


def test_monitor_hint_in_chinese(empty_ctx: DesktopContext, qtbot: Any) -> None:
    i18n.set_language("zh")
    window = _open(empty_ctx, "monitor", qtbot)
    monitor = window.current_page()
    assert isinstance(monitor, MonitorScreen)
    assert "暂无可监控的持仓" in monitor.empty_banner.text()
    assert monitor.demo_button.text() == "创建演示数据…"
    assert monitor.imports_button.text() == "前往数据导入"
    assert monitor.subtitle_label.text() == "数据库中没有持仓"
    monitor.imports_button.click()
    assert window.current_key == "imports"


# ---------------------------------------------------------------------------- refusal
def test_demo_data_is_refused_where_files_were_imported(
    imported_ctx: DesktopContext, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = imported_ctx
    before = (_count(ctx, Position), _count(ctx, ImportBatch), _demo_runs(ctx))
    assert before[1] == 1
    window = _open(ctx, "main", qtbot)
    overview = window.current_page()
    assert isinstance(overview, OverviewScreen)
    assert not overview.shows_empty_hint  # it holds data: no hint
    assert not overview.empty_banner.isVisible()
    changes: list[Changes] = []
    ctx.bus.changes_applied.connect(lambda c, _who: changes.append(c))

    _answer(monkeypatch, "small")
    window.demo_action.trigger()
    qtbot.waitUntil(lambda: window.demo_message is not None, timeout=LOAD_TIMEOUT_MS)
    box = window.demo_message
    assert box is not None
    assert box.isVisible()
    assert box.icon() == QMessageBox.Icon.Warning
    assert box.text() == "This database already holds other data."
    assert "nothing was written" in box.informativeText()
    assert (_count(ctx, Position), _count(ctx, ImportBatch), _demo_runs(ctx)) == before
    assert all(not c.any for c in changes)  # no screen reloads for nothing
    box.close()


def test_the_refusal_is_in_chinese(
    ctx: DesktopContext, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample database holds a second member: not demo data either."""
    clients = _count(ctx, Client)
    i18n.set_language("zh")
    window = _open(ctx, "main", qtbot)
    _answer(monkeypatch, "small")
    window.create_demo_data()
    qtbot.waitUntil(lambda: window.demo_message is not None, timeout=LOAD_TIMEOUT_MS)
    box = window.demo_message
    assert box is not None
    assert box.windowTitle() == "创建演示数据"
    assert box.text() == "此数据库中已有其他数据。"
    assert "未写入任何内容" in box.informativeText()
    assert _count(ctx, Client) == clients
    assert _demo_runs(ctx) == 0
    box.close()


def test_new_database_creates_an_empty_one_and_never_overwrites(
    ctx: DesktopContext, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(ctx, "main")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.is_ready, timeout=10_000)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))

    existing = tmp_path / "kept.sqlite"
    existing.write_bytes(b"not touched")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(existing), ""))
    window.choose_new_database()
    assert len(warnings) == 1
    assert "kept.sqlite" in warnings[0]
    assert existing.read_bytes() == b"not touched"
    assert ctx.db.url != f"sqlite:///{existing}"

    fresh = tmp_path / "desk"  # no suffix: .sqlite is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(fresh), ""))
    window.choose_new_database()
    qtbot.waitUntil(lambda: ctx.db.url == f"sqlite:///{fresh}.sqlite", timeout=10_000)
    qtbot.waitUntil(window.is_ready, timeout=10_000)
    assert (tmp_path / "desk.sqlite").exists()
    overview = window.current_page()
    assert overview.empty_banner.isVisible()  # the empty-database hint with its actions
