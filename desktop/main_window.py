"""The main window: navigation, screen stack, menus and status bar. It owns nothing else.

Screens come from ``desktop.screens.registry`` and are created on first use. Data and
services reach screens through the ``DesktopContext`` given here (no global window
singleton).
"""

from __future__ import annotations

import importlib
import logging
from concurrent.futures import Future
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyleOptionViewItem,
    QWidget,
)

from core.changes import Changes
from core.demo.generator import Scale
from core.errors import RiskDeskError
from core.progress import ProgressState
from core.services.day_tables import latest_day, warm_up
from core.services.demo import DemoOutcome, create_demo
from core.services.server import record_login
from core.services.store import Database, Reader, database_name, open_database, url_label
from desktop import demo_action, i18n
from desktop.client_panel import DEFAULT_WIDTH as CLIENT_PANEL_WIDTH
from desktop.client_panel import ClientPanel
from desktop.context import DesktopContext
from desktop.desk_role import user_field
from desktop.desk_tools import DeskTools
from desktop.doorbell_link import DoorbellLink
from desktop.i18n import translate
from desktop.resources import app_icon, icon
from desktop.screens.base import Screen
from desktop.screens.ops_outcome import StageNamedProgress
from desktop.screens.registry import DEFAULT_SCREEN, GROUPS, SCREENS, ScreenSpec, screen_spec
from desktop.tasks import report_wait, run_op, run_query

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
NAV_WIDTH = 176
"""The navigation's width before it is fitted to its entries (``_fit_nav``)."""
NAV_ITEM_HEIGHT = 30
NAV_GROUP_HEIGHT = 26
"""Every entry fits a 1280×720 window: 4 groups × 26 + 16 screens × 30 = 584 px."""
DEFAULT_SIZE = QSize(1366, 768)
DEMO_MESSAGE_MS = 15_000
"""How long the status bar says what "Create demo data…" wrote."""


log = logging.getLogger(__name__)


def _warm_up(reader: Reader) -> bool:
    """Worker: read the latest day's position book and build the trading calendar
    (``core.services.day_tables.warm_up``), so that the first screen over positions
    (positions, limits, liquidation, the live monitor) opens from memory. Runs at start
    and after every change of positions; a failure here is not the user's business (the
    screen reads again and reports it), so it is only logged."""
    try:
        warm_up(reader)
    except Exception:
        log.warning("warm-up read failed", exc_info=True)
        return False
    return True


def _ignore(_exc: Exception) -> None:
    """The warm-up's failures are logged by ``_warm_up`` itself."""


def _widen(box: QMessageBox, width: int) -> None:
    """QMessageBox wraps a long informative text in a narrow column (CJK text worst)."""
    label = box.findChild(QLabel, "qt_msgbox_informativelabel")
    if label is not None:
        label.setMinimumWidth(width)


def short_db_label(url: str) -> str:
    """The status bar's name of the database: "SQLite · demo.sqlite", "PostgreSQL ·
    riskdesk". A path can be longer than the window; the whole URL is the tooltip."""
    kind = "SQLite" if url_label(url).startswith("SQLite") else "PostgreSQL"
    return f"{kind} · {database_name(url)}"


def ask_demo_scale(parent: QWidget) -> Scale | None:
    """Ask which demo data set to create, saying what it replaces; None when cancelled.

    One question for both the scale and the confirmation; tests replace it to answer.
    """
    box = QMessageBox(
        QMessageBox.Icon.Question,
        translate("MainWindow", "Create demo data"),
        translate("MainWindow", "Create a demo data set in this database?"),
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setObjectName("demoScaleQuestion")
    box.setInformativeText(
        translate(
            "MainWindow",
            "The demo data are invented: one brokerage member with its clients, 60 trading "
            "days of prices, positions, balances and warehouse receipts. They replace demo "
            "data created earlier in this database; a database holding imported data or "
            "other members is left untouched.<br><br>"
            "<b>Small</b>: 500 clients, about 3,500 position lines a day; a few seconds, "
            "about 2 MB.<br>"
            "<b>Large</b>: 100,000 clients, about 1,000,000 position lines a day; about "
            "half a minute to a minute, about 450 MB on disk and 1 GB of memory while "
            "it is built.",
        )
    )
    _widen(box, 440)
    small = box.addButton(
        translate("MainWindow", "Small data set"), QMessageBox.ButtonRole.AcceptRole
    )
    large = box.addButton(
        translate("MainWindow", "Large data set"), QMessageBox.ButtonRole.AcceptRole
    )
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(small)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return "small" if clicked is small else "large" if clicked is large else None


class MainWindow(QMainWindow):
    """Left navigation, one page per screen, File/View/Help menus, status bar."""

    screen_selected = Signal(str)

    def __init__(
        self,
        ctx: DesktopContext,
        initial_screen: str = DEFAULT_SCREEN,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self._pages: dict[str, QWidget] = {}
        self._save_on_close = True
        self._retranslate_queued = False
        self.demo_message: QMessageBox | None = None
        """The last refusal of "Create demo data…" (tests read it)."""

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setIconSize(QSize(18, 18))
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._build_nav()
        self.stack = QStackedWidget()
        self.stack.setObjectName("stack")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([NAV_WIDTH, DEFAULT_SIZE.width() - NAV_WIDTH])
        self.splitter.setHandleWidth(1)
        self.setCentralWidget(self.splitter)

        self._build_menus()
        self.desk_tools = DeskTools(self)
        self._build_status_bar()
        self.nav.currentItemChanged.connect(self._on_nav_changed)
        ctx.bus.database_opened.connect(self._on_database_opened)
        ctx.bus.changes_applied.connect(self._on_changes)
        self.client_panel: ClientPanel | None = None
        """The client panel dock, made on the first ``client_requested``."""
        ctx.bus.client_requested.connect(self.show_client)
        self._db_day: date | None = None

        self.resize(DEFAULT_SIZE)
        self._restore_layout()
        self.retranslate()
        self.select_screen(initial_screen)
        self._load_db_day()
        self._record_login()
        self.doorbell = DoorbellLink(ctx, self)  # other desks' writes refresh this window
        self.doorbell.start()

    # ----------------------------------------------------------------- navigation
    def _build_nav(self) -> None:
        self._nav_headers: list[tuple[QListWidgetItem, str]] = []
        for group, caption in GROUPS:
            specs = [s for s in SCREENS if s.group == group]
            if not specs:
                continue
            header = QListWidgetItem()
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            header.setData(KEY_ROLE, f"#{group}")
            header.setSizeHint(QSize(NAV_WIDTH, NAV_GROUP_HEIGHT))
            self.nav.addItem(header)
            self._nav_headers.append((header, caption))
            for spec in specs:
                item = QListWidgetItem(icon(spec.icon), "")
                item.setData(KEY_ROLE, spec.key)
                item.setSizeHint(QSize(NAV_WIDTH, NAV_ITEM_HEIGHT))
                self.nav.addItem(item)

    def _fit_nav(self) -> None:
        """The navigation is at least as wide as its longest entry in this language
        (icon, text, the style sheet's padding): never cut."""
        nav = self.nav
        nav.ensurePolished()  # the style sheet's padding is known from here on
        option = QStyleOptionViewItem()
        option.initFrom(nav)
        option.rect = QRect(0, 0, 400, NAV_ITEM_HEIGHT)
        option.features = (
            QStyleOptionViewItem.ViewItemFeature.HasDisplay
            | QStyleOptionViewItem.ViewItemFeature.HasDecoration
        )
        option.decorationSize = nav.iconSize()
        style = nav.style()
        text_room = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, nav)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, nav) + 1
        chrome = 400 - text_room.width() + 2 * margin + 2 * nav.frameWidth() + 2
        metrics = nav.fontMetrics()
        widest = max(
            (metrics.horizontalAdvance(nav.item(r).text()) for r in range(nav.count())),
            default=0,
        )
        nav.setMinimumWidth(widest + chrome)

    def _nav_item(self, key: str) -> QListWidgetItem | None:
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            if item.data(KEY_ROLE) == key:
                return item
        return None

    def select_screen(self, key: str) -> QWidget:
        """Show the screen ``key`` (creating it on first use); KeyError if unknown."""
        screen_spec(key)
        item = self._nav_item(key)
        if item is not None and self.nav.currentItem() is not item:
            self.nav.setCurrentItem(item)  # -> _on_nav_changed -> _show
        else:
            self._show(key)
        return self._pages[key]

    def navigate(self, target: str) -> QWidget:
        """Show the screen ``target`` names: ``"key"``, or ``"key:argument"`` where the
        argument goes to the screen's ``navigate_to`` first (e.g. ``"calls:intraday"``,
        ``"notices:client=10000370"``: a link from one screen to a view of another)."""
        key, _, argument = target.partition(":")
        if argument:
            page = self.page(key)
            navigate_to = getattr(page, "navigate_to", None)
            if callable(navigate_to):
                navigate_to(argument)
        return self.select_screen(key)

    def _on_nav_changed(self, current: QListWidgetItem | None, _prev: object) -> None:
        if current is not None:
            key = current.data(KEY_ROLE)
            if isinstance(key, str) and not key.startswith("#"):
                self._show(key)

    def _show(self, key: str) -> None:
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        if isinstance(page, Screen):
            page.ensure_loaded()
        self._update_status()
        self.screen_selected.emit(key)

    def page(self, key: str) -> QWidget:
        """The page of ``key``, created on first use."""
        if key not in self._pages:
            spec = screen_spec(key)
            page = self._create_page(spec)
            self._pages[key] = page
            self.stack.addWidget(page)
            if isinstance(page, Screen):
                page.status_changed.connect(self._update_status)
            live_status = getattr(page, "live_status_changed", None)
            if live_status is not None:  # the live monitor: feed state, data age, alerts
                live_status.connect(self._set_live_status)
            # Empty-database hints (overview, live monitor): a screen to open, demo data.
            navigate = getattr(page, "navigate_requested", None)
            if navigate is not None:
                navigate.connect(self.navigate)
            demo = getattr(page, "demo_requested", None)
            if demo is not None:
                demo.connect(self.create_demo_data)
        return self._pages[key]

    def pages(self) -> dict[str, QWidget]:
        """The pages opened so far, by screen key."""
        return dict(self._pages)

    def _create_page(self, spec: ScreenSpec) -> QWidget:
        module_name, _, function = spec.factory.partition(":")
        factory = getattr(importlib.import_module(module_name), function)
        page = factory(self.ctx, self.stack)
        assert isinstance(page, QWidget)
        return page

    @property
    def current_key(self) -> str:
        page = self.stack.currentWidget()
        return str(getattr(page, "key", ""))

    def current_page(self) -> QWidget:
        page = self.stack.currentWidget()
        assert page is not None  # select_screen ran in __init__
        return page

    def is_ready(self) -> bool:
        """The current screen (and the client panel, when open) has its data and no
        background task is pending."""
        page = self.stack.currentWidget()
        loaded = page.is_loaded if isinstance(page, Screen) else True
        panel = self.client_panel
        if panel is not None and panel.isVisible():
            loaded = loaded and panel.is_loaded
        return loaded and self.ctx.tasks.is_idle

    # ----------------------------------------------------------------- client panel
    def show_client(self, code: str, day: object = None) -> ClientPanel:
        """Show the client panel of ``code`` after the settlement of ``day`` (None: its
        latest), docked right of the current screen, which stays as it was."""
        panel = self.client_panel
        if panel is None:
            panel = ClientPanel(self.ctx, self)
            if not self.restoreDockWidget(panel):
                self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
                self.resizeDocks([panel], [CLIENT_PANEL_WIDTH], Qt.Orientation.Horizontal)
            self.client_panel = panel
        panel.show_client(code, day if isinstance(day, date) else None)
        panel.show()
        panel.raise_()
        return panel

    # ----------------------------------------------------------------- menus
    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.new_action = QAction(self)
        self.new_action.setObjectName("newDatabase")
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.choose_new_database)
        self.open_action = QAction(self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_database)
        self.demo_action = QAction(self)
        self.demo_action.setObjectName("createDemoData")
        self.demo_action.triggered.connect(self.create_demo_data)
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        self.file_menu.addAction(self.new_action)
        self.file_menu.addAction(self.open_action)
        self.file_menu.addAction(self.demo_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)

        self.view_menu = bar.addMenu("")
        self.language_menu = self.view_menu.addMenu("")
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for lang, label in (("zh", "中文（简体）"), ("en", "English")):
            action = QAction(label, self, checkable=True)
            action.setData(lang)
            action.triggered.connect(lambda _checked=False, lang=lang: self.set_language(lang))
            self.language_group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[lang] = action
        self.reload_action = QAction(self)
        self.reload_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.reload_action.triggered.connect(self.reload_current)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.reload_action)

        self.help_menu = bar.addMenu("")
        self.about_action = QAction(self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        self.help_menu.addAction(self.about_action)

    def set_language(self, language: str) -> None:
        """Switch the UI language now and remember it."""
        i18n.set_language(language)  # Qt sends LanguageChange -> changeEvent
        self.ctx.settings.language = language
        self.retranslate()

    def reload_current(self) -> None:
        page = self.stack.currentWidget()
        if isinstance(page, Screen):
            page.reload()

    def choose_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            translate("MainWindow", "Open database"),
            str(Path.home()),
            translate("MainWindow", "SQLite databases (*.sqlite *.sqlite3 *.db);;All files (*)"),
        )
        if path:
            self.open_database(f"sqlite:///{path}")

    def choose_new_database(self) -> None:
        """Ask for a new SQLite file and open it (the schema is created; the overview
        then offers demo data or imports). An existing file is never overwritten."""
        path, _ = QFileDialog.getSaveFileName(
            self,
            translate("MainWindow", "New database"),
            str(Path.home() / "riskdesk.sqlite"),
            translate("MainWindow", "SQLite databases (*.sqlite *.sqlite3 *.db);;All files (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not path:
            return
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".sqlite")
        if target.exists():
            QMessageBox.warning(
                self,
                translate("MainWindow", "New database"),
                translate(
                    "MainWindow",
                    "%1 already exists. Choose another name, or open it with File → Open database.",
                ).replace("%1", str(target)),
            )
            return
        self.open_database(f"sqlite:///{target}", new_file=True)

    def open_database(self, url: str, *, new_file: bool = False) -> None:
        """Open ``url`` on the write worker, then switch every screen to it.

        Only File → New database (``new_file``) may create a missing SQLite file; a
        file the user cannot write opens read-only (the status bar says so)."""
        wait_s = self.ctx.db.write_wait_s

        def op(progress: ProgressState) -> tuple[Database, Changes]:
            progress.report(translate("MainWindow", "Opening database"), 0, None)
            db = open_database(url, new_file=new_file, write_wait_s=wait_s, on_wait=report_wait)
            return db, Changes.none()

        run_op(
            self.ctx,
            self,
            translate("MainWindow", "Opening database"),
            op,
            self.ctx.replace_database,
        )

    def create_demo_data(self) -> None:
        """Ask for the scale, then replace the demo data on the write worker.

        A database holding other data is refused by the core and left as it was
        (``_demo_done`` says so); on success every screen reloads (``Changes``).
        """
        scale = ask_demo_scale(self)
        if scale is None:
            return
        names = demo_action.stage_names(
            translate("MainWindow", "Generating the demo data"),
            translate("MainWindow", "Removing the earlier demo data"),
            translate("MainWindow", "Writing table %1 of %2"),
        )
        db, user = self.ctx.db, self.ctx.config.user

        def op(progress: ProgressState) -> tuple[DemoOutcome, Changes]:
            return create_demo(db, scale, user=user, progress=StageNamedProgress(progress, names))

        run_op(self.ctx, self, translate("MainWindow", "Creating demo data"), op, self._demo_done)

    def _demo_done(self, outcome: DemoOutcome) -> None:
        self.demo_message = None
        summary = outcome.summary
        if summary is not None:
            self.statusBar().showMessage(
                translate("MainWindow", "Demo data created: %1 clients, %2 to %3")
                .replace("%1", f"{summary.counts.get('client', 0):,}")
                .replace("%2", summary.first_day.isoformat())
                .replace("%3", summary.end_day.isoformat()),
                DEMO_MESSAGE_MS,
            )
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            translate("MainWindow", "Create demo data"),
            translate("MainWindow", "This database already holds other data."),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("demoRefused")
        box.setInformativeText(
            translate(
                "MainWindow",
                "It holds imported files or members other than the demo member, so demo "
                "data are not created in it: nothing was written. Create demo data in an "
                "empty database, or in one that holds only demo data.",
            )
        )
        _widen(box, 380)
        box.open()  # not modal-blocking: the caller's event loop goes on
        self.demo_message = box

    def show_about(self) -> None:
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion

        from desktop import app

        QMessageBox.about(
            self,
            translate("MainWindow", "About RiskDesk"),
            translate(
                "MainWindow",
                "<b>RiskDesk</b> %1<br>Risk console for DCE member firms: "
                "margins, settlement, forced reduction and liquidation, warehouse receipts."
                "<br><br>Qt %2 · PySide6 %3",
            )
            .replace("%1", app.version())
            .replace("%2", qVersion())
            .replace("%3", pyside_version),
        )

    # ----------------------------------------------------------------- status bar
    def _build_status_bar(self) -> None:
        status = self.statusBar()
        status.setObjectName("statusBar")
        status.setSizeGripEnabled(False)
        self.db_label = QLabel()
        self.db_label.setObjectName("statusDb")
        self.day_label = QLabel()
        self.rows_label = QLabel()
        self.user_label = QLabel()
        self.live_label = QLabel()
        self.live_label.hide()
        status.addWidget(self.db_label, 1)
        for label in (self.live_label, self.day_label, self.rows_label, self.user_label):
            label.setObjectName("statusField")
            status.addPermanentWidget(label)

    def _update_status(self) -> None:
        page = self.stack.currentWidget()
        read_only = ""
        if self.ctx.db.read_only:
            read_only = " " + translate("Faults", "(read-only)")
        self.db_label.setText(
            translate("MainWindow", "Database: %1").replace("%1", short_db_label(self.ctx.db.url))
            + read_only
        )
        tip = url_label(self.ctx.db.url)
        if self.ctx.db.read_only:
            tip += "\n" + translate("Faults", "Opened read-only: it can be viewed, not changed.")
        self.db_label.setToolTip(tip)
        day = page.trading_day() if isinstance(page, Screen) else None
        day = day or self._db_day
        self.day_label.setText(
            translate("MainWindow", "Trading day: %1").replace(
                "%1", day.isoformat() if day else "—"
            )
        )
        rows = page.status_text() if isinstance(page, Screen) else ""
        self.rows_label.setText(rows)
        self.rows_label.setVisible(bool(rows))
        user_text, user_tip = user_field(self.ctx.db.desk, self.ctx.config.user)
        self.user_label.setText(user_text)
        self.user_label.setToolTip(user_tip)
        name = database_name(self.ctx.db.url)
        self.setWindowTitle(f"{translate('MainWindow', 'RiskDesk')} — {name}{read_only}")

    def _set_live_status(self, text: str) -> None:
        """Feed state, data age and unacknowledged alerts of the live monitor."""
        self.live_label.setText(text)
        self.live_label.setVisible(bool(text))

    def _on_database_opened(self, _url: str) -> None:
        self._update_status()
        self._record_login()
        self.doorbell.start()

    def _record_login(self) -> None:
        """Server mode: the login goes to the audit log (who opened the book, in which
        role); nothing at a single desk."""
        db = self.ctx.db
        if not db.desk.server:
            return

        def done(future: Future[None]) -> None:
            try:
                future.result()
            except RiskDeskError as exc:
                log.warning("login not audited: %s", exc)

        self.ctx.tasks.submit(lambda: record_login(db), done, writes=True, owner=self)

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.touches("balances", "positions", "prices"):
            self._load_db_day()

    def _load_db_day(self) -> None:
        """The database's last trading day, for pages that are not about one day."""
        run_query(self.ctx, latest_day, self._set_db_day, owner=self)
        run_query(self.ctx, _warm_up, lambda _done: None, owner=self, on_failure=_ignore)

    def _set_db_day(self, day: date | None) -> None:
        self._db_day = day
        self._update_status()

    # ----------------------------------------------------------------- language
    def retranslate(self) -> None:
        self.file_menu.setTitle(translate("MainWindow", "&File"))
        self.new_action.setText(translate("MainWindow", "&New database…"))
        self.open_action.setText(translate("MainWindow", "&Open database…"))
        self.demo_action.setText(translate("MainWindow", "Create &demo data…"))
        self.quit_action.setText(translate("MainWindow", "&Quit"))
        self.view_menu.setTitle(translate("MainWindow", "&View"))
        self.language_menu.setTitle(translate("MainWindow", "&Language"))
        self.reload_action.setText(translate("MainWindow", "&Reload"))
        self.help_menu.setTitle(translate("MainWindow", "&Help"))
        self.about_action.setText(translate("MainWindow", "&About RiskDesk"))
        self.desk_tools.retranslate()
        current = i18n.current_language()
        for lang, action in self.language_actions.items():
            action.setChecked(lang == current)
        for header, caption in self._nav_headers:
            header.setText(translate("MainWindow", caption).upper())
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            key = item.data(KEY_ROLE)
            if isinstance(key, str) and not key.startswith("#"):
                spec = screen_spec(key)
                item.setText(translate("Screens", spec.title))
        self._fit_nav()
        for page in self._pages.values():
            retranslate = getattr(page, "retranslate", None)
            if callable(retranslate):
                retranslate()
        self._update_status()

    def changeEvent(self, event: QEvent) -> None:
        # One LanguageChange arrives per installed or removed translator: coalesce them.
        if event.type() == QEvent.Type.LanguageChange and not self._retranslate_queued:
            self._retranslate_queued = True
            QTimer.singleShot(0, self, self._retranslate_queued_now)  # dropped if self dies
        super().changeEvent(event)

    def _retranslate_queued_now(self) -> None:
        self._retranslate_queued = False
        self.retranslate()

    # ----------------------------------------------------------------- layout state
    def _restore_layout(self) -> None:
        settings = self.ctx.settings
        if (geometry := settings.geometry) is not None:
            self.restoreGeometry(geometry)
        if (state := settings.window_state) is not None:
            self.restoreState(state)
        if (splitter := settings.splitter_state) is not None:
            self.splitter.restoreState(splitter)

    def set_save_on_close(self, enabled: bool) -> None:
        """Screenshot runs do not overwrite the user's saved layout."""
        self._save_on_close = enabled

    def save_layout(self) -> None:
        settings = self.ctx.settings
        settings.geometry = self.saveGeometry()
        settings.window_state = self.saveState()
        settings.splitter_state = self.splitter.saveState()
        for page in self._pages.values():
            if isinstance(page, Screen):
                page.save_state()
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._save_on_close:
            self.save_layout()
        self.doorbell.stop()
        super().closeEvent(event)
