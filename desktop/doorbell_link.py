"""Cross-desk refresh (issue #14): a listener thread hears the book's doorbell and the
window reloads what another desk's write changed.

On a PostgreSQL book every committed write rings ``core.db.doorbell.CHANNEL`` with its
``Changes`` flags. ``DoorbellLink`` listens on its own connection on a plain Python
thread (it only waits on a socket) and re-emits each ring from another desk on the GUI
thread as ``AppBus.changes_applied(changes, None)``, so every screen refreshes exactly
as after a write of its own. A lost connection is retried every few seconds; a ring
missed meanwhile costs only a later refresh (the doorbell carries no data). SQLite books
have no doorbell.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from core.errors import ConfigError
from core.services.server import Doorbell, Ring
from desktop.context import DesktopContext

log = logging.getLogger(__name__)

RETRY_S = 5.0
WAIT_S = 1.0


class DoorbellLink(QObject):
    """Listens to the book of ``ctx.db`` while started; ``heard`` counts the rings
    re-emitted (for the status bar and tests)."""

    rang = Signal(object)

    def __init__(self, ctx: DesktopContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.heard = 0
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self.rang.connect(self._on_ring)  # emitted on the listener thread: queued

    def start(self) -> None:
        """Listen to the current book (after ``stop`` of any earlier one)."""
        self.stop()
        db = self.ctx.db
        if db.engine.dialect.name != "postgresql":
            return
        stop = threading.Event()
        thread = threading.Thread(
            target=self._listen,
            args=(db.url, db.origin, stop),
            name="riskdesk-doorbell",
            daemon=True,
        )
        self._stop, self._thread = stop, thread
        thread.start()

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=WAIT_S + 2)
        self._stop = self._thread = None

    def _listen(self, url: str, origin: str, stop: threading.Event) -> None:
        bell: Doorbell | None = None
        while not stop.is_set():
            try:
                if bell is None:
                    bell = Doorbell(url)
                for found in bell.wait(WAIT_S):
                    if found.origin != origin and not stop.is_set():
                        self.rang.emit(found)
            except ConfigError as exc:
                log.warning("%s; retrying in %.0f s", exc, RETRY_S)
                if bell is not None:
                    bell.close()
                bell = None
                stop.wait(RETRY_S)
        if bell is not None:
            bell.close()

    def _on_ring(self, found: Ring) -> None:
        if found.changes.any:
            self.heard += 1
            self.ctx.bus.changes_applied.emit(found.changes, None)
