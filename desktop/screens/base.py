"""Base class of main-window screens: loads its data off the GUI thread, refreshes on Changes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import QAbstractButton, QSpinBox, QWidget

from core.changes import Changes
from desktop.context import DesktopContext
from desktop.i18n import translate
from desktop.role_gate import gate
from desktop.screens.registry import screen_spec
from desktop.table_export import connect_exports
from desktop.tasks import run_query
from desktop.widgets.data_table import DataTableView

if TYPE_CHECKING:
    from core.services.store import Reader


class Screen(QWidget):
    """A page of the main window.

    Subclasses implement ``build_query`` (GUI thread: returns a pure function run on a
    worker with its own read-only ``Reader``, which calls read services) and ``apply``
    (GUI thread: show the result). They list in ``watched`` the ``Changes`` flags that
    make their data stale. The screen loads when it is first shown and again when a
    watched flag changes; only the newest load's result is applied. ``retranslate`` is
    called by the main window when the language changes.
    """

    loaded = Signal()
    status_changed = Signal()
    watched: tuple[str, ...] = ()

    def __init__(self, ctx: DesktopContext, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.key = key
        self.setObjectName(f"screen_{key}")
        self._generation = 0
        self._loading = False
        self._loaded = False
        self._stale = True
        self._tables_restored = False
        ctx.bus.changes_applied.connect(self._on_changes)

    # ----------------------------------------------------------------- to override
    def build_query(self) -> Callable[[Reader], Any]:
        raise NotImplementedError

    def apply(self, result: Any) -> None:
        raise NotImplementedError

    def retranslate(self) -> None:
        """Re-set every visible text from the catalogue."""

    def status_text(self) -> str:
        """Row counts for the status bar ("" when not applicable)."""
        return ""

    def role_gates(self) -> Sequence[tuple[str, Sequence[QWidget | QAction]]]:
        """This screen's write actions (write-door action keys) and the buttons and menu
        actions that start them: disabled, with the reason, where the login's role may
        not run them (server mode, ``desktop.role_gate``)."""
        return ()

    def trading_day(self) -> date | None:
        return None

    def export_title(self) -> str:
        """The title of a table exported from this screen's context menus."""
        try:
            title = translate("Screens", screen_spec(self.key).title)
        except KeyError:
            title = self.key
        day = self.trading_day()
        return f"{title} {day.isoformat()}" if day else title

    def remember(self, name: str, widget: QAbstractButton | QSpinBox) -> None:
        """Keep a view choice (a tick box's state, a spin box's number) across sessions,
        per screen: restored now (call before connecting the widget's own signal, so the
        restore loads nothing), saved on every change."""
        settings, key = self.ctx.settings, self.key
        saved = settings.view_option(key, name)
        if isinstance(widget, QSpinBox):
            if saved is not None and saved.lstrip("-").isdigit():
                widget.setValue(int(saved))
            widget.valueChanged.connect(lambda v: settings.set_view_option(key, name, str(v)))
            return
        if saved in ("0", "1"):
            widget.setChecked(saved == "1")
        widget.toggled.connect(lambda on: settings.set_view_option(key, name, "1" if on else "0"))

    def save_state(self) -> None:
        """Store UI state in ``ctx.settings``: every table's header layout (widths,
        order, sort column), restored when the screen is first shown."""
        for view in self.findChildren(DataTableView):
            view.save_header()

    def _restore_tables(self) -> None:
        for view in self.findChildren(DataTableView):
            view.restore_header()

    # ----------------------------------------------------------------- loading
    @property
    def is_loaded(self) -> bool:
        """True once a load has completed and no newer load is running."""
        return self._loaded and not self._loading

    @property
    def is_loading(self) -> bool:
        return self._loading

    def reload(self) -> None:
        """Start a load; a result of an older load still running will be dropped."""
        self._generation += 1
        generation = self._generation
        self._loading = True
        self._stale = False
        self.loading_started()

        def done(result: Any) -> None:
            if generation != self._generation:
                return
            self._loading = False
            self._loaded = True
            self.apply(result)
            self.loaded.emit()
            self.status_changed.emit()

        def failed(exc: Exception) -> None:
            if generation == self._generation:
                self._loading = False
                self.load_failed(exc)

        run_query(self.ctx, self.build_query(), done, owner=self, on_failure=failed)

    def loading_started(self) -> None:
        """Hook: show a loading hint."""

    def load_failed(self, exc: Exception) -> None:
        """Hook: a RiskDeskError ended the load; default shows the error dialog."""
        from core.errors import RiskDeskError
        from desktop.widgets.error_view import show_error

        if isinstance(exc, RiskDeskError):
            show_error(self, exc)

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.touches(*self.watched):
            self._stale = True
            if self.isVisible():
                self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        gate(self.ctx.db.desk, self.role_gates())
        if not self._tables_restored:  # after the subclass set its default widths
            self._tables_restored = True
            self._restore_tables()
            connect_exports(self.ctx, self, self.export_title)
        if self._stale and not self._loading:
            self.reload()

    def ensure_loaded(self) -> None:
        """Load now if never loaded or stale (used before the screen is first shown)."""
        if self._stale and not self._loading:
            self.reload()
