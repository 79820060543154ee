"""What the window shows of faults (issue #13): no traceback, the log's path, a read-only
database labelled, a write that waits for another writer saying so."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import core.db.engine
from core.changes import Changes
from core.config import AppConfig
from core.db.engine import open_database
from core.errors import DatabaseFaultError
from core.progress import ProgressState
from core.services.store import Written, write
from desktop import i18n
from desktop.app import make_excepthook
from desktop.bus import AppBus
from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.settings import UiSettings
from desktop.tasks import TaskManager, report_wait, run_op
from desktop.widgets.error_view import show_error


def test_an_unexpected_error_goes_to_the_log_and_one_line(capsys) -> None:
    failed: list[int] = []
    hook = make_excepthook(interactive=False, on_error=lambda: failed.append(1))
    try:
        raise ValueError("boom")
    except ValueError as exc:
        hook(ValueError, exc, exc.__traceback__)
    assert failed == [1]
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    found = re.fullmatch(
        r"riskdesk: unexpected error \(ValueError: boom\); the details are in (?P<log>.+)",
        lines[0],
    )
    assert found, lines
    log = Path(found["log"]).read_text(encoding="utf-8")
    assert "unexpected error in the window: ValueError: boom" in log
    assert "Traceback (most recent call last)" in log


@pytest.fixture
def read_only_ctx(
    sample_db_url: str, qapp: object, monkeypatch: pytest.MonkeyPatch
) -> Iterator[DesktopContext]:
    # Root can write any file: pretend this user cannot (the real read-only cases are
    # tests/integration/test_db_faults.py).
    monkeypatch.setattr(core.db.engine, "sqlite_access", lambda _path: "ro")
    context = DesktopContext(
        db=open_database(sample_db_url),
        tasks=TaskManager(),
        bus=AppBus(),
        settings=UiSettings(),
        config=AppConfig(db_url=sample_db_url, user="tester"),
    )
    yield context
    context.close()


@pytest.mark.parametrize(("lang", "mark"), [("en", " (read-only)"), ("zh", " （只读）")])
def test_a_read_only_database_is_labelled(
    read_only_ctx: DesktopContext, qtbot, lang: str, mark: str
) -> None:
    assert read_only_ctx.db.read_only
    i18n.set_language(lang)
    win = MainWindow(read_only_ctx, "accounts")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(win.is_ready, timeout=10_000)  # it reads as usual
    assert win.db_label.text().endswith(mark)
    assert win.windowTitle().endswith(mark)
    tip = win.db_label.toolTip().splitlines()[-1]
    assert (
        tip
        == {
            "en": "Opened read-only: it can be viewed, not changed.",
            "zh": "以只读方式打开：可以查看，不能修改。",
        }[lang]
    )
    win.close()


@pytest.mark.parametrize(
    ("lang", "headline"), [("en", "The database is read-only."), ("zh", "数据库为只读。")]
)
def test_a_database_fault_has_a_translated_headline(qapp: object, lang: str, headline: str) -> None:
    i18n.set_language(lang)
    fault = DatabaseFaultError("database sqlite:///x is read-only (…)", "read-only")
    box = show_error(None, fault)
    try:
        assert box.text() == headline
        assert box.informativeText() == str(fault)
    finally:
        box.close()


def test_a_write_waiting_for_another_writer_says_so(ctx: DesktopContext, qtbot) -> None:
    ctx.db = dataclasses.replace(ctx.db, write_wait_s=60.0, on_wait=report_wait)
    other = sqlite3.connect(make_url(ctx.db.url).database or "", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process's writer (no RiskDesk holder file)
    progress_seen: list[ProgressState] = []
    done: list[str] = []

    def op(progress: ProgressState) -> tuple[str, Changes]:
        progress_seen.append(progress)

        def work(_session: Session) -> Written[str]:
            return Written("written", Changes.none(), {})

        return write(ctx.db, "test.wait", work, what="test write")

    try:
        run_op(ctx, None, "Test", op, done.append)
        waiting = "Waiting for another writer: waiting up to 60 s: another process is writing"
        qtbot.waitUntil(
            lambda: bool(progress_seen) and progress_seen[0].latest().stage.startswith(waiting),
            timeout=10_000,
        )
        assert done == []
    finally:
        other.execute("ROLLBACK")
        other.close()
    qtbot.waitUntil(lambda: done == ["written"] and ctx.tasks.is_idle, timeout=10_000)
