"""The desk's window-wide tools, installed on the main window by ``DeskTools``.

* **Keys**: Ctrl+1 … Ctrl+9 open the first nine screens of the navigation (the
  tooltip of a navigation item says its key); Ctrl+0 puts the focus on the navigation,
  which takes the arrow keys, and Enter there moves into the screen's table, where
  Enter drills down (``ClientLink``); Ctrl+K or Ctrl+F finds a client anywhere and opens
  the client panel (``widgets.client_search``).
* **Panels** (View → Panels): the live monitor's charts and alerts into docks of the
  window (``widgets.panel_dock``), floatable onto a second screen; closing a dock puts
  the panel back.
* **Window layouts** (View → Window layouts): the window's docks (which monitor panels
  are out, where, floating), splitters and geometry saved under a name
  (``UiSettings.window_layouts``) and applied from the menu: a two-screen desk and a
  laptop layout, each one click away.
* **Colours** (View → Colours): the colour convention of prices and P&L,
  ``desktop.palette``: Chinese (red up, profit) by default or international (green up).
  Saved in ``UiSettings.colour_convention``; every table, statement and chart repaints.
"""

from __future__ import annotations

import base64
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QInputDialog, QMenu, QWidget

from desktop import palette
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.screens.registry import screen_spec
from desktop.widgets.client_search import ClientSearchDialog
from desktop.widgets.data_table import DataTableView

if TYPE_CHECKING:
    from desktop.main_window import MainWindow

CONVENTION_LABELS = {
    palette.CHINESE: QT_TRANSLATE_NOOP("DeskTools", "Chinese: red up and profit"),
    palette.INTERNATIONAL: QT_TRANSLATE_NOOP("DeskTools", "International: green up and profit"),
}


DOCK_LABELS = {
    "charts": QT_TRANSLATE_NOOP("DeskTools", "Monitor charts in their own window"),
    "alerts": QT_TRANSLATE_NOOP("DeskTools", "Monitor alerts in their own window"),
}
SCREEN_KEYS = 9
"""Ctrl+1 … Ctrl+9."""
FIND_KEYS = (QKeySequence("Ctrl+K"), QKeySequence("Ctrl+F"))


class DeskTools(QObject):
    """The keys, the client search and the colours menu of ``window`` (in its View
    menu), and the settings they apply."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.client_search: ClientSearchDialog | None = None
        self._docks_linked = False
        self._build_keys()
        settings = window.ctx.settings
        palette.set_convention(settings.colour_convention)
        self.colours_menu = QMenu(window)
        self.colours_menu.setObjectName("coloursMenu")
        window.view_menu.insertMenu(window.language_menu.menuAction(), self.colours_menu)
        group = QActionGroup(window)
        self.colour_actions: dict[str, QAction] = {}
        for name in palette.CONVENTIONS:
            action = QAction(window, checkable=True)
            action.setObjectName(f"colours_{name}")
            action.triggered.connect(lambda _c=False, name=name: self.set_colours(name))
            group.addAction(action)
            self.colours_menu.addAction(action)
            self.colour_actions[name] = action

    # ----------------------------------------------------------------- keys
    def _build_keys(self) -> None:
        window = self.window
        menu = window.view_menu
        first = menu.actions()[0]  # the language menu: the new items go above it
        self.find_action = QAction(window)
        self.find_action.setObjectName("findClient")
        self.find_action.setShortcuts(list(FIND_KEYS))
        self.find_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.find_action.triggered.connect(self.find_client)
        self.nav_action = QAction(window)
        self.nav_action.setObjectName("focusNavigation")
        self.nav_action.setShortcut(QKeySequence("Ctrl+0"))
        self.nav_action.triggered.connect(self.focus_navigation)
        menu.insertActions(first, [self.find_action, self.nav_action])
        menu.insertSeparator(first)
        self.screen_actions: list[QAction] = []
        for n, key in enumerate(self.screen_keys()[:SCREEN_KEYS], start=1):
            action = QAction(window)
            action.setObjectName(f"screen_{key}")
            action.setShortcut(QKeySequence(f"Ctrl+{n}"))
            action.triggered.connect(lambda _c=False, key=key: self.open_screen(key))
            window.addAction(action)
            self.screen_actions.append(action)
        window.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        window.nav.installEventFilter(self)
        # Monitor panels into docks: a desk with two screens floats them onto the other.
        self.docks_menu = QMenu(window)
        self.docks_menu.setObjectName("docksMenu")
        menu.insertMenu(first, self.docks_menu)
        self.dock_actions: dict[str, QAction] = {}
        for key in DOCK_LABELS:
            action = QAction(window, checkable=True)
            action.setObjectName(f"dock_{key}")
            action.toggled.connect(lambda on, key=key: self.set_docked(key, on))
            self.docks_menu.addAction(action)
            self.dock_actions[key] = action
        self.layouts_menu = QMenu(window)
        self.layouts_menu.setObjectName("windowLayoutsMenu")
        self.layouts_menu.aboutToShow.connect(self._fill_layouts_menu)
        menu.insertMenu(first, self.layouts_menu)

    def set_docked(self, key: str, docked: bool) -> None:
        """The live monitor's panel ``key`` into a dock of the window, or back."""
        page = self.window.page("monitor")
        set_docked = getattr(page, "set_docked", None)
        if not callable(set_docked):
            return
        if docked:
            self.window.select_screen("monitor")
        if not self._docks_linked:
            self._docks_linked = True
            page.docks_changed.connect(self._sync_docks)  # type: ignore[attr-defined]
        set_docked(key, docked)

    # ----------------------------------------------------------------- window layouts
    def window_layout(self) -> dict[str, Any]:
        """What a named window layout keeps: the docked monitor panels, the window's
        state (docks' places), its geometry and the navigation splitter."""
        window = self.window

        def b64(data: QByteArray) -> str:
            return base64.b64encode(bytes(data.data())).decode("ascii")

        docks = sorted(getattr(window.pages().get("monitor"), "docks", {}))
        return {
            "docks": docks,
            "state": b64(window.saveState()),
            "geometry": b64(window.saveGeometry()),
            "splitter": b64(window.splitter.saveState()),
        }

    def save_window_layout(self, name: str) -> None:
        """Save the window's layout as ``name`` (replacing one of that name)."""
        name = name.strip()
        if not name:
            raise ValueError("a window layout needs a name")
        settings = self.window.ctx.settings
        layouts = settings.window_layouts()
        layouts[name] = self.window_layout()
        settings.set_window_layouts(layouts)

    def apply_window_layout(self, name: str) -> bool:
        """Apply the window layout ``name``; False when there is none."""
        data = self.window.ctx.settings.window_layouts().get(name)
        if not isinstance(data, dict):
            return False
        docks = data.get("docks")
        wanted = {k for k in docks if k in DOCK_LABELS} if isinstance(docks, list) else set()
        current = set(getattr(self.window.pages().get("monitor"), "docks", {}))
        for key in DOCK_LABELS:
            if (key in wanted) != (key in current):
                self.set_docked(key, key in wanted)
        raw = {k: _bytes(data.get(k)) for k in ("geometry", "state", "splitter")}
        if raw["geometry"] is not None:
            self.window.restoreGeometry(raw["geometry"])
        if raw["state"] is not None:
            self.window.restoreState(raw["state"])
        if raw["splitter"] is not None:
            self.window.splitter.restoreState(raw["splitter"])
        return True

    def delete_window_layout(self, name: str) -> None:
        settings = self.window.ctx.settings
        layouts = settings.window_layouts()
        if layouts.pop(name, None) is not None:
            settings.set_window_layouts(layouts)

    def ask_save_window_layout(self) -> None:
        name, ok = QInputDialog.getText(
            self.window,
            translate("DeskTools", "Save window layout"),
            translate("DeskTools", "Name of this window layout (panels, docks, sizes):"),
        )
        if ok and name.strip():
            self.save_window_layout(name)

    def _fill_layouts_menu(self) -> None:
        menu = self.layouts_menu
        menu.clear()
        names = sorted(self.window.ctx.settings.window_layouts())
        for name in names:
            action = menu.addAction(name)
            action.setObjectName(f"windowLayout:{name}")
            action.triggered.connect(partial(self.apply_window_layout, name))
        if names:
            menu.addSeparator()
        save = menu.addAction(translate("DeskTools", "Save window layout as…"))
        save.setObjectName("saveWindowLayout")
        save.triggered.connect(self.ask_save_window_layout)
        if names:
            delete = menu.addMenu(translate("DeskTools", "Delete window layout"))
            for name in names:
                action = delete.addAction(name)
                action.triggered.connect(partial(self.delete_window_layout, name))

    def _sync_docks(self, _key: str) -> None:
        docks = getattr(self.window.page("monitor"), "docks", {})
        for key, action in self.dock_actions.items():
            action.blockSignals(True)
            action.setChecked(key in docks)
            action.blockSignals(False)

    def screen_keys(self) -> list[str]:
        """The screens in the navigation's order."""
        from desktop.main_window import KEY_ROLE  # loaded: the window is built

        nav = self.window.nav
        keys = (nav.item(row).data(KEY_ROLE) for row in range(nav.count()))
        return [k for k in keys if isinstance(k, str) and not k.startswith("#")]

    def open_screen(self, key: str) -> None:
        """Show the screen ``key`` and put the focus in its first table."""
        self.window.select_screen(key)
        self.focus_table()

    def focus_table(self) -> bool:
        """The focus into the current screen's first visible table (its current row
        kept, else the first row); False when it has none."""
        page = self.window.current_page()
        views = [v for v in page.findChildren(DataTableView) if v.isVisibleTo(page)]
        if not views:
            page.setFocus()
            return False
        view = views[0]
        view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        model = view.model()
        if not view.currentIndex().isValid() and model is not None and model.rowCount():
            view.setCurrentIndex(model.index(0, view.horizontalHeader().logicalIndex(0)))
        return True

    def focus_navigation(self) -> None:
        self.window.nav.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def find_client(self) -> ClientSearchDialog:
        """Open the client search (made on first use, kept with its directory)."""
        if self.client_search is None:
            self.client_search = ClientSearchDialog(self.window.ctx, self.window)
        self.client_search.start()
        return self.client_search

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Enter on a navigation item goes into the screen it shows.
        if watched is self.window.nav and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.focus_table()
                return True
        return super().eventFilter(watched, event)

    # ----------------------------------------------------------------- colours
    def set_colours(self, name: str) -> None:
        """Use the colour convention ``name`` now and remember it (ValueError if unknown)."""
        palette.set_convention(name)
        self.window.ctx.settings.colour_convention = name
        for action_name, action in self.colour_actions.items():
            action.setChecked(action_name == name)
        # Brushes are read per paint: repaint every table; charts recolour their lines.
        for view in self.window.findChildren(QAbstractItemView):
            view.viewport().update()
        for widget in self.window.findChildren(QWidget):
            apply_convention = getattr(widget, "apply_convention", None)
            if callable(apply_convention):  # a price chart's limit lines and legend
                apply_convention()

    def retranslate(self) -> None:
        self.find_action.setText(translate("DeskTools", "&Find a client…"))
        self.nav_action.setText(translate("DeskTools", "Go to the &navigation"))
        self.docks_menu.setTitle(translate("DeskTools", "&Panels"))
        self.layouts_menu.setTitle(translate("DeskTools", "&Window layouts"))
        for key, action in self.dock_actions.items():
            action.setText(translate("DeskTools", DOCK_LABELS[key]))
        for key, action in zip(self.screen_keys(), self.screen_actions, strict=False):
            item = self.window._nav_item(key)
            if item is not None:
                shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                title = translate("Screens", screen_spec(key).title)
                item.setToolTip(f"{title} ({shortcut})")
        if self.client_search is not None:
            self.client_search.retranslate()
        self.colours_menu.setTitle(translate("DeskTools", "&Colours"))
        current = palette.convention()
        for name, action in self.colour_actions.items():
            action.setText(translate("DeskTools", CONVENTION_LABELS[name]))
            action.setChecked(name == current)


def _bytes(value: object) -> QByteArray | None:
    """A base64 text of a saved layout as bytes; None when it is not one (a damaged or
    hand-edited settings file must not break the window)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return QByteArray(base64.b64decode(value.encode("ascii"), validate=True))
    except ValueError:
        return None
