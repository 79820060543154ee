"""Start the desktop application: QApplication, fonts, style, language, excepthook, window.

``run_gui(args)`` is called by ``riskdesk gui`` (desktop/cli.py). Exit codes: 0 normal
end or screenshot written, 1 the screenshot could not be made, 2 bad configuration
(database URL, --size).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

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
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"
"""Qt's offscreen platform plugin says this whenever a shown window's size constraints
change (QPlatformWindow::propagateSizeHints is not implemented there); it means nothing
on any display, so offscreen runs drop exactly this message."""


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


def configure_logging() -> Path:
    """The log file and one-line warnings on stderr (``core.logfile``); its path."""
    from core.logfile import configure_logging as configure

    return configure()


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def make_excepthook(interactive: bool, on_error: Callable[[], None] | None = None) -> ExceptHook:
    """A sys.excepthook that logs every unexpected exception and tells the user where.

    Nothing is swallowed: the full traceback goes to the log file (``core.logfile.
    record_crash``); stderr gets one line with the file's path, and on the GUI thread of
    an interactive run a dialog says what happened and where the details are — never
    the traceback itself. ``on_error`` is called after logging (screenshot runs use it
    to exit with status 1).
    """

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        from core.logfile import crash_summary, record_crash

        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        path = record_crash(exc, "the window")
        sys.stderr.write(
            f"riskdesk: unexpected error ({crash_summary(exc)}); the details are in {path}\n"
        )
        if on_error is not None:
            on_error()
        if not interactive:
            return
        from PySide6.QtCore import Qt, QThread
        from PySide6.QtWidgets import QApplication, QMessageBox

        from desktop.i18n import translate

        app = QApplication.instance()
        if app is None or QThread.currentThread() is not app.thread():
            return
        box = QMessageBox(QApplication.activeWindow())
        box.setObjectName("unexpectedError")
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(translate("App", "Unexpected error"))
        box.setText(
            translate(
                "Faults",
                "RiskDesk hit an unexpected error (%1). Nothing more was done; the details "
                "are in the log file:",
            ).replace("%1", crash_summary(exc))
        )
        box.setInformativeText(
            str(path) + "\n\n" + translate("Faults", "Please send that file with your report.")
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()

    return hook


def make_thread_excepthook() -> Callable[[threading.ExceptHookArgs], object]:
    """threading.excepthook: an error that ends a worker thread goes to the log file and
    one stderr line, as on the GUI thread (no dialog: not the GUI thread)."""

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        from core.logfile import crash_summary, record_crash

        name = args.thread.name if args.thread is not None else "a thread"
        path = record_crash(args.exc_value, f"thread {name}")
        sys.stderr.write(
            f"riskdesk: unexpected error in {name} ({crash_summary(args.exc_value)}); "
            f"the details are in {path}\n"
        )

    return hook


def install_offscreen_filter() -> Callable[[], None]:
    """Drop ``OFFSCREEN_NOISE`` and pass every other Qt message on unchanged (to the
    handler installed before, e.g. pytest-qt's capture, or Qt's default output); the
    function returned puts the previous handler back."""
    from PySide6.QtCore import (
        QMessageLogContext,
        QtMsgType,
        qFormatLogMessage,
        qInstallMessageHandler,
    )

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message == OFFSCREEN_NOISE:
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            sys.stderr.write(qFormatLogMessage(kind, context, message) + "\n")

    previous = qInstallMessageHandler(handler)

    def restore() -> None:
        qInstallMessageHandler(previous)

    return restore


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
    from core.cli.support import write_wait
    from core.config import ENV_DB_URL, AppConfig
    from core.errors import ConfigError, DatabaseFaultError
    from core.services.store import open_database
    from desktop.tasks import report_wait

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
    # The language is the user's choice, saved only from View → Language: --lang is for
    # this run, and a screenshot run writes nothing to the settings file.
    settings = UiSettings(persist=interactive)
    i18n.set_language(getattr(args, "lang", None) or settings.language)

    def fail(message: str) -> int:
        sys.stderr.write(f"riskdesk: {message}\n")
        if interactive and not offscreen:
            QMessageBox.critical(None, i18n.translate("App", "RiskDesk"), message)
        return 2

    # The per-user database is made on first start; a --db or $RISKDESK_DB_URL that
    # names no file is a mistake to report, not a new empty database.
    default_db = getattr(args, "db", None) is None and not os.environ.get(ENV_DB_URL)
    try:
        size = parse_size(args.size) if getattr(args, "size", None) else None
        config = AppConfig.from_args(getattr(args, "db", None))
        db = open_database(
            config.db_url,
            new_file=default_db,
            write_wait_s=write_wait(args),
            on_wait=report_wait,
        )
    except (ConfigError, DatabaseFaultError) as exc:
        return fail(str(exc))

    errors: list[int] = []
    restore_messages = (
        install_offscreen_filter() if QApplication.platformName() == "offscreen" else None
    )
    previous_hook, previous_thread_hook = sys.excepthook, threading.excepthook
    sys.excepthook = make_excepthook(interactive and not offscreen, lambda: errors.append(1))
    threading.excepthook = make_thread_excepthook()
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
        sys.excepthook, threading.excepthook = previous_hook, previous_thread_hook
        if restore_messages is not None:
            restore_messages()


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
