"""Screens load through the read door: each query gets a read-only ``Reader``, and opening
a screen writes nothing (no audit entry either, issue #12)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from core.audit import AuditEntry, recent
from core.db.tables import AuditLog
from core.services.store import Database, Reader, ReadOnlyError
from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.screens.overview import OverviewScreen
from desktop.screens.registry import SCREEN_KEYS
from desktop.tasks import run_query
from tests.desktop.test_reduction_screen import demo_ctx, demo_template, demo_url

__all__ = ["demo_ctx", "demo_template", "demo_url"]  # fixtures shared with that module


@pytest.fixture
def readers(monkeypatch: pytest.MonkeyPatch) -> list[Reader]:
    """Every Reader ``Database.reader()`` hands out during the test."""
    handed: list[Reader] = []
    real = Database.reader

    @contextmanager
    def recording(self: Database) -> Iterator[Reader]:
        with real(self) as reader:
            handed.append(reader)
            yield reader

    monkeypatch.setattr(Database, "reader", recording)
    return handed


def _audit(ctx: DesktopContext) -> list[AuditEntry]:
    with ctx.db.reader() as reader:
        return recent(reader.session, 1_000)


def test_a_screen_loads_through_a_reader(
    ctx: DesktopContext, readers: list[Reader], qtbot: Any
) -> None:
    screen = OverviewScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=10_000)
    assert readers
    assert screen.cards["clients"].value.text() == "12"


def test_a_query_cannot_write(ctx: DesktopContext, qtbot: Any) -> None:
    def query(reader: Reader) -> str:
        reader.session.add(AuditLog(user="x", action="sneaky", detail=""))
        try:
            reader.session.flush()
        except ReadOnlyError:
            return "refused"
        return "written"

    outcome: list[str] = []
    run_query(ctx, query, outcome.append)
    qtbot.waitUntil(lambda: bool(outcome), timeout=10_000)
    assert outcome == ["refused"]
    assert _audit(ctx) == []


def test_opening_every_screen_writes_nothing(
    demo_ctx: DesktopContext, readers: list[Reader], qtbot: Any
) -> None:
    before = _audit(demo_ctx)
    window = MainWindow(demo_ctx, "main")
    window.set_save_on_close(False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.is_ready, timeout=20_000)
    # The live monitor is left out: its feed raises alerts, which it stores (a write).
    for key in SCREEN_KEYS:
        if key != "monitor":
            window.select_screen(key)
            qtbot.waitUntil(window.is_ready, timeout=20_000)
    assert len(readers) >= len(SCREEN_KEYS) - 1
    assert _audit(demo_ctx) == before
    window.close()
