"""Application-wide signals: what changed, so that screens refresh only what concerns them."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppBus(QObject):
    """Signals emitted on the GUI thread after an operation or a database switch.

    ``changes_applied(changes: core.changes.Changes, initiator: object | None)``: emitted
    after each successful operation; ``initiator`` is the widget that started it, so that
    it can skip its own refresh (Anki's ``operation_did_execute``).
    ``database_opened(url: str)``: another database is now in ``DesktopContext.db``;
    followed by ``changes_applied(Changes.everything(), None)``.
    ``client_requested(client: str, day: datetime.date | None)``: the user asked to see
    one client (double-click or "Open client" on any account anywhere); the main window
    answers by showing the client panel, for ``day`` or the latest settled day.
    """

    changes_applied = Signal(object, object)
    database_opened = Signal(str)
    client_requested = Signal(str, object)
