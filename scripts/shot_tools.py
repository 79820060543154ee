"""What the screenshot scripts share: an offscreen app with the app's look over a
database, and waiting for a window to settle (``scripts/screenshots_*.py``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def offscreen_desk(url: str) -> tuple[Any, Any]:
    """The QApplication (offscreen, the app's look) and a ``DesktopContext`` on ``url``."""
    from core.config import AppConfig
    from core.db.engine import open_database
    from desktop.app import _prepare_application, apply_look
    from desktop.bus import AppBus
    from desktop.context import DesktopContext
    from desktop.settings import UiSettings
    from desktop.tasks import TaskManager

    app = _prepare_application(True)
    apply_look(app)
    config = AppConfig.from_args(url)
    ctx = DesktopContext(
        db=open_database(config.db_url),
        tasks=TaskManager(),
        bus=AppBus(),
        settings=UiSettings(),
        config=config,
    )
    return app, ctx


def settle(window: Any, until: Callable[[], bool] | None = None, timeout_s: float = 120) -> None:
    """Process events until ``window`` is ready (and ``until()`` holds) five polls in a
    row, or ``timeout_s`` passed."""
    from PySide6.QtWidgets import QApplication  # noqa: TID251 (a desktop tool)

    end = time.monotonic() + timeout_s
    ready = 0
    while time.monotonic() < end and ready < 5:
        QApplication.processEvents()
        done = window.is_ready() and (until is None or until())
        ready = ready + 1 if done else 0
        time.sleep(0.02)


def pump(seconds: float) -> None:
    """Process events for ``seconds`` (a live screen is never "ready" for good)."""
    from PySide6.QtWidgets import QApplication  # noqa: TID251 (a desktop tool)

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)
