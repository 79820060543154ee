"""Everything a screen needs, passed explicitly: no global main-window singleton (STYLE B5)."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.config import AppConfig
from core.services.store import Database
from desktop.bus import AppBus
from desktop.live_link import LiveLink
from desktop.settings import UiSettings
from desktop.tasks import TaskManager


@dataclass
class DesktopContext:
    """Database, background tasks, signals, UI settings and configuration of one window,
    and ``live``: what the live monitor shows (``desktop.live_link``).

    ``db`` is replaced when the user opens another database (``replace_database``);
    screens therefore read ``ctx.db`` when they start a query, never keep their own copy.
    """

    db: Database
    tasks: TaskManager
    bus: AppBus
    settings: UiSettings
    config: AppConfig
    live: LiveLink = field(default_factory=LiveLink)

    def replace_database(self, db: Database) -> None:
        """Switch to ``db`` and announce it; the old engine is disposed. GUI thread only."""
        from core.changes import Changes

        old, self.db = self.db, db
        self.tasks.wait_idle()
        old.engine.dispose()
        self.bus.database_opened.emit(db.url)
        self.bus.changes_applied.emit(Changes.everything(), None)

    def close(self) -> None:
        """Stop the workers (waiting for running tasks) and close the database pool."""
        self.tasks.shutdown()
        self.db.engine.dispose()
