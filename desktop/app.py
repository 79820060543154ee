"""Start the desktop application: QApplication, fonts, style, language, excepthook, window.

``run_gui(args)`` is called by ``riskdesk gui`` (desktop/cli.py). Exit codes: 0 normal
end or screenshot written, 1 the screenshot could not be made, 2 bad configuration
(database URL, --size).
"""

from __future__ import annotations

import argparse
import gc
import logging
import logging.handlers
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

log = logging.getLogger("riskdesk.desktop")

SCREENSHOT_TIMEOUT_S = 30.0
FONT_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "WenQuanYi Micro Hei",
    "Noto Sans",
    "DejaVu Sans",
)
FONT_POINT_SIZE = 9
ENV_LOG_DIR = "RISKDESK_LOG_DIR"


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("riskdesk")
    except PackageNotFoundError:
        return "dev"


def parse_size(text: str) -> tuple[int, int]:
    """``"1366x768"`` → (1366, 768); ConfigError for anything else."""
    from core.errors import ConfigError

    width, sep, height = text.lower().partition("x")
    if not sep or not width.isdigit() or not height.isdigit():
        raise ConfigError(f"--size {text!r}: expected WIDTHxHEIGHT, e.g. 1366x768")
    w, h = int(width), int(height)
    if not (320 <= w <= 10000 and 240 <= h <= 10000):
        raise ConfigError(f"--size {text!r}: width and height must be 320..10000 pixels")
    return w, h


def configure_logging() -> Path | None:
    """Log to stderr (warnings) and to a rotating file; returns the file path."""
    root = logging.getLogger("riskdesk")
    if getattr(root, "_riskdesk_configured", False):
        return getattr(root, "_riskdesk_log_file", None)
    root.setLevel(logging.INFO)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.WARNING)
    stderr.setFormatter(logging.Formatter("riskdesk: %(levelname)s: %(message)s"))
    root.addHandler(stderr)
    path: Path | None = None
    try:
        import platformdirs

        folder = Path(
            os.environ.get(ENV_LOG_DIR) or platformdirs.user_log_dir("RiskDesk", appauthor=False)
        )
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "riskdesk.log"
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s %(threadName)s: %(message)s")
        )
        root.addHandler(handler)
    except OSError as exc:
        root.warning("cannot write the log file: %s", exc)
    root._riskdesk_configured = True  # type: ignore[attr-defined]
    root._riskdesk_log_file = path  # type: ignore[attr-defined]
    return path


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def make_excepthook(interactive: bool, on_error: Callable[[], None] | None = None) -> ExceptHook:
    """A sys.excepthook that logs every unexpected exception and shows it in a dialog.

    Nothing is swallowed: the full traceback goes to the log (and stderr); on the GUI
    thread of an interactive run a critical dialog shows it too. ``on_error`` is called
    after logging (screenshot runs use it to exit with status 1).
    """

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        if on_error is not None:
            on_error()
        if not interactive:
            return
        from PySide6.QtCore import QThread
        from PySide6.QtWidgets import QApplication, QMessageBox

        from desktop.i18n import translate

        app = QApplication.instance()
        if app is None or QThread.currentThread() is not app.thread():
            return
        box = QMessageBox(QApplication.activeWindow())
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(translate("App", "Unexpected error"))
        box.setText(
            translate(
                "App",
                "RiskDesk hit an unexpected error. The details are in the log; please report them.",
            )
            + f"\n\n{exc_type.__name__}: {exc}"
        )
        box.setDetailedText("".join(traceback.format_exception(exc_type, exc, tb)))
        box.exec()

    return hook


def _prepare_application(offscreen: bool) -> object:
    """Create (or reuse, e.g. under pytest-qt) the QApplication with app-wide settings."""
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from desktop.settings import APPLICATION, ORGANIZATION

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication([sys.argv[0] if sys.argv else "riskdesk"])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("RiskDesk")
    app.setApplicationVersion(version())
    apply_look(app)
    return app


def apply_look(app: object) -> None:
    """Icon, CJK-capable font with tabular digits, Fusion style and the style sheet."""
    from PySide6.QtGui import QFont, QFontDatabase
    from PySide6.QtWidgets import QApplication

    from desktop.resources import app_icon, style_sheet

    assert isinstance(app, QApplication)
    app.setWindowIcon(app_icon())
    app.setStyle("Fusion")
    available = set(QFontDatabase.families())
    families = [f for f in FONT_FAMILIES if f in available]
    font = QFont()
    if families:
        font.setFamilies(families)
    font.setPointSize(FONT_POINT_SIZE)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)
    app.setStyleSheet(style_sheet())


def freeze_startup_objects() -> None:
    """Leave what exists once the window is up out of the cyclic collector's full passes.

    Everything imported by then (modules, classes, functions: ~130,000 objects) lives as
    long as the app; each full pass over them cost ~150 ms while a large book loaded, on
    whichever thread allocated. Later objects are collected as usual (CPython's
    ``gc.freeze``).
    """
    gc.collect()
    gc.freeze()


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window on the database of ``args.db`` (see the module docstring)."""
    from core.config import AppConfig
    from core.errors import ConfigError
    from core.services.store import open_database

    configure_logging()
    screenshot: Path | None = getattr(args, "screenshot", None)
    offscreen = bool(getattr(args, "offscreen", False))
    interactive = screenshot is None
    app = _prepare_application(offscreen)

    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop import i18n
    from desktop.bus import AppBus
    from desktop.context import DesktopContext
    from desktop.main_window import MainWindow
    from desktop.screens.registry import DEFAULT_SCREEN
    from desktop.settings import UiSettings
    from desktop.tasks import TaskManager

    assert isinstance(app, QApplication)
    settings = UiSettings()
    language = getattr(args, "lang", None) or settings.language
    i18n.set_language(language)
    if getattr(args, "lang", None):
        settings.language = language

    def fail(message: str) -> int:
        sys.stderr.write(f"riskdesk: {message}\n")
        if interactive and not offscreen:
            QMessageBox.critical(None, i18n.translate("App", "RiskDesk"), message)
        return 2

    try:
        size = parse_size(args.size) if getattr(args, "size", None) else None
        config = AppConfig.from_args(getattr(args, "db", None))
        db = open_database(config.db_url)
    except ConfigError as exc:
        return fail(str(exc))

    errors: list[int] = []
    previous_hook = sys.excepthook
    sys.excepthook = make_excepthook(interactive and not offscreen, lambda: errors.append(1))
    tasks = TaskManager()
    ctx = DesktopContext(db=db, tasks=tasks, bus=AppBus(), settings=settings, config=config)
    try:
        window = MainWindow(ctx, getattr(args, "screen", None) or DEFAULT_SCREEN)
        if size is not None:
            window.resize(*size)
        if client := getattr(args, "client", None):
            panel = window.show_client(client)
            if tab := getattr(args, "client_tab", None):
                panel.select_tab(tab)
        if screenshot is not None:
            window.set_save_on_close(False)
            code = take_screenshot(window, screenshot)
            window.close()
            window.deleteLater()
            return 1 if errors else code
        window.show()
        freeze_startup_objects()
        return int(app.exec())
    finally:
        ctx.close()
        sys.excepthook = previous_hook


def take_screenshot(window: object, path: Path, timeout_s: float = SCREENSHOT_TIMEOUT_S) -> int:
    """Show ``window``, wait until its data is loaded, save it as PNG; 0 on success."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.show()
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    timer = QTimer(interval=30)
    settled = {"polls": 0}

    def poll() -> None:
        # Ready for three polls in a row: the last results have been applied and laid out.
        settled["polls"] = settled["polls"] + 1 if window.is_ready() else 0
        if settled["polls"] >= 3 or time.monotonic() > deadline:
            loop.quit()

    timer.timeout.connect(poll)
    timer.start()
    loop.exec()
    timer.stop()
    QApplication.processEvents()
    if not window.is_ready():
        sys.stderr.write(f"riskdesk: screenshot: data not loaded after {timeout_s:.0f} s\n")
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path), "PNG"):
        sys.stderr.write(f"riskdesk: cannot write screenshot {path}\n")
        return 1
    return 0
