"""Server mode as a desk sees it, on a real PostgreSQL server (issue #14): the window
shows the login and its role, disables what the role may not do and audits the login;
another desk's write refreshes this window through the doorbell."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton
from sqlalchemy import text
from sqlalchemy.engine import make_url

from core.changes import Changes
from core.config import AppConfig
from core.db.engine import open_database
from core.services.store import Written, write
from desktop.bus import AppBus
from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.settings import UiSettings
from desktop.tasks import TaskManager
from tests.integration.test_server_roles import PASSWORD, book, logins

__all__ = ["book", "logins"]  # the server-mode book and its logins, one per role

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("postgres-server-roles")]


def _context(url: str, user: str = "os-user") -> DesktopContext:
    return DesktopContext(
        db=open_database(url),
        tasks=TaskManager(),
        bus=AppBus(),
        settings=UiSettings(),
        config=AppConfig(db_url=url, user=user),
    )


def test_window_shows_the_login_and_its_role_and_audits_the_login(
    book: str,
    logins: dict[str, str],
    qtbot,
    qapp,  # type: ignore[no-untyped-def]
) -> None:

    url = make_url(book).set(username=logins["viewer"], password=PASSWORD)
    ctx = _context(url.render_as_string(hide_password=False))
    try:
        window = MainWindow(ctx, "main")
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(window.is_ready, timeout=20_000)
        assert window.user_label.text() == f"User: {logins['viewer']} · viewer"
        assert "Server mode" in window.user_label.toolTip()

        def logged() -> bool:
            with ctx.db.reader() as reader:
                return (
                    reader.session.execute(
                        text(
                            "SELECT count(*) FROM audit_log WHERE action = 'session.login' "
                            'AND "user" = :u'
                        ),
                        {"u": logins["viewer"]},
                    ).scalar_one()
                    > 0
                )

        qtbot.waitUntil(logged, timeout=20_000)
        # what the role may not do is disabled and says why; it stays so when the
        # screen's own logic enables it again
        window.select_screen("settlement")
        qtbot.waitUntil(window.is_ready, timeout=20_000)
        run = window.findChild(QPushButton, "runSettlement")
        assert run is not None
        assert not run.isEnabled()
        assert run.toolTip() == "Your role (viewer) may not do this: it needs the role clearing."
        run.setEnabled(True)
        assert not run.isEnabled()
        window.close()
    finally:
        ctx.close()


def test_another_window_reloads_after_a_write_elsewhere(
    pg_fresh_url: str,
    qtbot,
    qapp,  # type: ignore[no-untyped-def]
) -> None:

    here, there = _context(pg_fresh_url, "tester"), _context(pg_fresh_url, "tester")
    try:
        window = MainWindow(here, "main")
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(window.is_ready, timeout=20_000)
        qtbot.wait(300)  # the listener connects
        with qtbot.waitSignal(here.bus.changes_applied, timeout=10_000) as heard:
            write(there.db, "export.x", lambda _s: Written(None, Changes(balances=True), "x"))
        changes, initiator = heard.args
        assert changes == Changes(balances=True)
        assert initiator is None
        assert window.doorbell.heard == 1
        # its own writes do not come back through the doorbell
        write(here.db, "export.y", lambda _s: Written(None, Changes(prices=True), "y"))
        qtbot.wait(1_500)
        assert window.doorbell.heard == 1
        window.close()
    finally:
        here.close()
        there.close()
