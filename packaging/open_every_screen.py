"""Open every screen of the registry offscreen on a database and report what loaded.

    python packaging/open_every_screen.py sqlite:///demo.sqlite [LANG]

Prints one JSON object: ``screens`` opened, ``errors`` (uncaught exceptions and Qt
critical messages, as text) and ``qt_modules`` (the ``PySide6.Qt*`` modules imported on
the way, e.g. pyqtgraph's ``QtOpenGL``); exits 1 when there was an error or a screen
never finished loading. ``tests/integration/test_packaging.py`` runs it to check that
``packaging/riskdesk.spec`` excludes none of those modules.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path
from types import TracebackType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
LOAD_SECONDS = 60


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from core.config import AppConfig
    from core.services.store import open_database
    from desktop import i18n
    from desktop.app import _prepare_application
    from desktop.bus import AppBus
    from desktop.context import DesktopContext
    from desktop.main_window import MainWindow
    from desktop.screens.registry import SCREEN_KEYS
    from desktop.settings import UiSettings
    from desktop.tasks import TaskManager

    errors: list[str] = []

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        errors.append("".join(traceback.format_exception(kind, value, tb)))

    def messages(kind: QtMsgType, _context: object, text: str) -> None:
        if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            errors.append(text)

    sys.excepthook = hook
    qInstallMessageHandler(messages)
    url = argv[0]
    app = _prepare_application(True)
    assert isinstance(app, QApplication)
    i18n.set_language(argv[1] if len(argv) > 1 else "zh")
    config = AppConfig.from_args(url)
    ctx = DesktopContext(
        db=open_database(config.db_url),
        tasks=TaskManager(),
        bus=AppBus(),
        settings=UiSettings(persist=False),
        config=config,
    )
    window = MainWindow(ctx)
    window.set_save_on_close(False)
    window.resize(1366, 768)
    window.show()
    opened = []
    for key in SCREEN_KEYS:
        window.select_screen(key)
        deadline = time.monotonic() + LOAD_SECONDS
        while not window.is_ready() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        if not window.is_ready():
            errors.append(f"screen {key} did not finish loading in {LOAD_SECONDS} s")
        for _ in range(5):
            app.processEvents()
        opened.append(key)
    window.close()
    ctx.close()
    modules = sorted(m for m in sys.modules if m.startswith("PySide6.Qt"))
    print(json.dumps({"screens": opened, "errors": errors, "qt_modules": modules}))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
