"""The monitor's alerts: evaluation on the GUI timer, the newest-first list, persistence.

``AlertBook`` owns the ``AlertMonitor`` (not thread-safe: it is only used on the GUI
thread, after each snapshot the timer takes) and stores new alerts and
acknowledgements through ``core.services.alerts`` on the write worker (STYLE B5: the
GUI thread never waits on the database), with the offset past the ids already stored
for the day that the monitor's start read.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future
from datetime import date, datetime
from functools import cache
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.access import Identity
from core.changes import Changes
from core.errors import RiskDeskError
from core.live import Acknowledgement, Alert, AlertMonitor, AlertSettings, RiskSnapshot
from core.live.alert_groups import AlertGroups
from core.rules.risk_levels import FORCED_CLOSE, WARNING, RiskLevels
from core.services.alerts import acknowledge_alerts, store_alerts
from core.services.book_alerts import BookAlerts, read_book_alerts
from core.trading_calendar import EXCHANGE_TZ
from desktop import palette
from desktop.alert_text import localized_alert_message
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, current_language, translate
from desktop.models.columns import DANGER_BRUSH, MUTED_BRUSH, WARNING_BRUSH
from desktop.models.levels import level_tint
from desktop.role_gate import gate
from desktop.screens.alert_desk import (
    GROUP_WIDTHS,
    SNOOZE_MINUTES,
    AlertGroupModel,
    AlertNotifier,
    alert_time,
)
from desktop.settings import UiSettings
from desktop.tasks import run_query
from desktop.widgets.data_table import DataTableView

log = logging.getLogger(__name__)

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_DISPLAY = Qt.ItemDataRole.DisplayRole
ALERT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
# The accounts table's colours: a risk-level alert in its level's tint, others red when
# critical, amber when a warning; acknowledged rows grey.
SEVERITY_TINTS = {
    "critical": palette.LEVEL_TINTS[FORCED_CLOSE],
    "warning": palette.LEVEL_TINTS[WARNING],
}
SEVERITY_BRUSHES = {"critical": DANGER_BRUSH, "warning": WARNING_BRUSH}
COUNT_COLOURS = {"critical": palette.RED, "warning": palette.AMBER, None: palette.MUTED}


def alert_tint(a: Alert) -> QBrush | None:
    """Row background of an unacknowledged alert."""
    if a.risk_level is not None:
        return level_tint(a.risk_level)
    return SEVERITY_TINTS.get(a.severity)


@cache
def _bold() -> QFont:
    """Bold over the view's font (only the weight is set; built once, after the app)."""
    font = QFont()
    font.setBold(True)
    return font


HEADERS = (
    QT_TRANSLATE_NOOP("Alerts", "Time"),
    QT_TRANSLATE_NOOP("Alerts", "Level"),
    QT_TRANSLATE_NOOP("Alerts", "Account / contract"),
    QT_TRANSLATE_NOOP("Alerts", "Message"),
    QT_TRANSLATE_NOOP("Alerts", "Acknowledged by"),
    QT_TRANSLATE_NOOP("Alerts", "Acknowledged at"),
)
SEVERITY_LABELS = {
    "warning": QT_TRANSLATE_NOOP("Alerts", "Warning"),
    "critical": QT_TRANSLATE_NOOP("Alerts", "Critical"),
}


def local_time(at: datetime | None, with_date: bool = False) -> str:
    if at is None:
        return ""
    local = at.astimezone(EXCHANGE_TZ)
    return local.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S")


def alert_text(a: Alert) -> str:
    """The alert's message in the UI language, with its figures (core writes English)."""
    return localized_alert_message(a.message, current_language())


class AlertListModel(QAbstractTableModel):
    """Alerts newest first, with their acknowledgements. GUI thread only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._alerts: list[Alert] = []  # in raise order; view row r is the (n-1-r)th
        self._acks: dict[int, Acknowledgement] = {}

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._alerts)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def alert_at(self, row: int) -> Alert:
        return self._alerts[len(self._alerts) - 1 - row]

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        a = self.alert_at(index.row())
        col = index.column()
        ack = self._acks.get(a.alert_id)
        if role == _DISPLAY:
            if col == 0:
                return alert_time(a.at)[0]
            if col == 1:
                return translate("Alerts", SEVERITY_LABELS[a.severity])
            if col == 2:
                return " · ".join(x for x in (a.account, a.contract, a.receipt) if x)
            if col == 3:
                return alert_text(a)
            if col == 4:
                return ack.user if ack else ""
            return local_time(ack.at) if ack else ""
        if role == Qt.ItemDataRole.ToolTipRole and col == 3:
            return alert_text(a)  # the whole message where the column cuts it
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return alert_time(a.at)[1]
        if role == Qt.ItemDataRole.ForegroundRole:
            if ack is not None:
                return MUTED_BRUSH
            return SEVERITY_BRUSHES.get(a.severity) if col == 1 else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return alert_tint(a) if ack is None else None
        if role == Qt.ItemDataRole.FontRole and col == 1 and ack is None:
            return _bold()
        if role == ALERT_ID_ROLE:
            return a.alert_id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == _DISPLAY
            and 0 <= section < len(HEADERS)
        ):
            return translate("Alerts", HEADERS[section])
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def add(self, alerts: Sequence[Alert]) -> None:
        if not alerts:
            return
        self.beginInsertRows(_ROOT, 0, len(alerts) - 1)
        self._alerts.extend(alerts)
        self.endInsertRows()

    def set_acknowledged(self, acks: Sequence[Acknowledgement]) -> None:
        n = len(self._alerts)
        for ack in acks:
            self._acks[ack.alert_id] = ack
            row = n - ack.alert_id  # alert ids are 1..n in raise order
            if 0 <= row < n:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def clear(self) -> None:
        self.beginResetModel()
        self._alerts, self._acks = [], {}
        self.endResetModel()

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(HEADERS) - 1)
        if self._alerts:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._alerts) - 1, len(HEADERS) - 1), [_DISPLAY]
            )


class AlertBook(QObject):
    """Evaluates snapshots, keeps the list model, persists alerts and acknowledgements."""

    changed = Signal()  # new alerts or acknowledgements (GUI thread)
    raised = Signal(list)  # the alerts an evaluation raised (for the notifier)

    def __init__(
        self, ctx: DesktopContext, levels: RiskLevels, parent: QObject | None = None
    ) -> None:
        """``levels``: the monitor's ``LiveSettings.risk_levels`` (the engine's)."""
        super().__init__(parent)
        self._ctx = ctx
        self._levels = levels
        self.model = AlertListModel(self)
        self.groups = AlertGroups()
        """The alerts by account (or contract, receipt) with their counts."""
        self.monitor = AlertMonitor(levels, AlertSettings())
        self._day: date | None = None
        self._offset = 0
        self._pending: list[Alert] = []
        self.writes_in_flight = 0
        # Following the book's shared feed: the alerts are the book's (raised by the
        # feed process); the monitor mirrors them, local id ↔ stored id.
        self.shared = False
        self._stored_of: dict[int, int] = {}
        self._local_of: dict[int, int] = {}
        self._reading = False
        ctx.bus.changes_applied.connect(self._on_changes)

    def start_day(
        self,
        day: date,
        id_offset: int,
        monitor: AlertMonitor | None = None,
        raised: Sequence[Alert] = (),
        shared: BookAlerts | None = None,
    ) -> None:
        """A new engine: start a fresh monitor (stored ids continue after ``id_offset``),
        or take ``monitor`` that a worker already ran over the first snapshot, with the
        alerts it ``raised`` there. ``shared``: the monitor follows the book's shared
        feed, whose alerts (these so far) are the book's: none is raised here."""
        self.flush()
        self.shared = shared is not None
        self._stored_of, self._local_of = {}, {}
        self.monitor = (
            AlertMonitor(self._levels, AlertSettings())
            if shared is not None
            else monitor or AlertMonitor(self._levels, AlertSettings())
        )
        self._day, self._offset = day, id_offset
        self.model.clear()
        self.groups.clear()
        if shared is not None:
            self._take_shared(shared, notify=False)
            return
        if raised:
            self.model.add(list(raised))
            self.groups.add(raised)
            self._pending.extend(raised)
        self.changed.emit()

    def evaluate(self, snap: RiskSnapshot) -> list[Alert]:
        if self.shared:
            return []  # the book's alerts are raised by the feed process
        new = self.monitor.evaluate(snap)
        if new:
            self.model.add(new)
            self.groups.add(new)
            self._pending.extend(new)
            self.changed.emit()
            self.raised.emit(new)
        return new

    def unacknowledged_count(self) -> int:
        return self.monitor.open_counts()[0]

    def acknowledge(self, alert_ids: Sequence[int], user: str, at: datetime) -> None:
        """Record ``user`` on the given alerts (first acknowledgement wins) and store.
        The book's alerts are acknowledged in the book first; what it then holds (this
        desk's acknowledgement, or another desk's that came first) is shown."""
        if self.shared:
            open_ids = [i for i in alert_ids if i not in {k.alert_id for k in self._acks()}]
            self.flush([Acknowledgement(i, user, at) for i in open_ids], user)
            return
        acks = [self.monitor.acknowledge(i, user, at) for i in alert_ids]
        fresh = [a for a in acks if a.user == user and a.at == at]
        if not fresh:
            return
        self.model.set_acknowledged(fresh)
        self.groups.acknowledge(a.alert_id for a in fresh)
        self.changed.emit()
        self.flush(fresh, user)

    @property
    def desk(self) -> Identity:
        """Who is at this desk (server mode gates the acknowledgement)."""
        return self._ctx.db.desk

    def _acks(self) -> tuple[Acknowledgement, ...]:
        return self.monitor.acknowledgements

    def flush(self, acks: Sequence[Acknowledgement] = (), user: str | None = None) -> None:
        """Store pending alerts (then ``acks`` by ``user``) on the write worker. Following
        the book: store only ``acks`` (by the book's ids), then read the book's alerts;
        with nothing to store, just read them (the fallback when no doorbell rang)."""
        if self.shared and self._day is not None:
            if not acks:
                self.refresh_shared()
                return
            # the book's own ids (stored ids, no offset)
            acks = [Acknowledgement(self._stored_of[k.alert_id], k.user, k.at) for k in acks]
        if self._day is None or (not self._pending and not acks):
            return
        day, offset = self._day, 0 if self.shared else self._offset
        pending, self._pending = self._pending, []
        acknowledged = tuple(acks)
        db = self._ctx.db

        def job() -> Changes:
            # server mode: a desk whose role may not store alerts keeps them on screen
            if pending and db.desk.may("alert.store"):
                store_alerts(db, day, pending, id_offset=offset, user=user)
            if not acknowledged:
                # The monitor's own stream: announcing it would reload every screen
                # that shows the audit log, every two seconds.
                return Changes.none()
            return acknowledge_alerts(db, day, acknowledged, id_offset=offset, user=user)[1]

        def done(future: Future[Changes]) -> None:
            self.writes_in_flight -= 1
            try:
                changes = future.result()
            except RiskDeskError as exc:
                log.warning("alerts not stored: %s", exc)
                return
            if changes.any:
                self._ctx.bus.changes_applied.emit(changes, self)
            if self.shared:
                self.refresh_shared()

        self.writes_in_flight += 1
        self._ctx.tasks.submit(job, done, writes=True, owner=self)

    # ----------------------------------------------------------------- the book's
    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        """Another desk acknowledged, or the feed raised: read the book's alerts."""
        if self.shared and changes.alerts:
            self.refresh_shared()

    def refresh_shared(self) -> None:
        """Read the book's alerts raised since the last read and its acknowledgements
        on a worker; one read at a time."""
        if not self.shared or self._day is None or self._reading:
            return
        day, after = self._day, max(self._local_of, default=0)
        self._reading = True

        def done(found: BookAlerts) -> None:
            self._reading = False
            if self.shared and self._day == day:
                self._take_shared(found, notify=True)

        def failed(exc: RiskDeskError) -> None:
            self._reading = False
            log.warning("the book's alerts not read: %s", exc)

        run_query(
            self._ctx,
            lambda reader: read_book_alerts(reader, day, after),
            done,
            owner=self,
            on_failure=failed,
        )

    def _take_shared(self, found: BookAlerts, *, notify: bool) -> None:
        """Mirror the book's new alerts (renumbered in raise order) and every
        acknowledgement not shown yet."""
        new = [a for a in found.alerts if a.alert_id not in self._local_of]
        local = self.monitor.adopt(new)
        for stored, mine in zip(new, local, strict=True):
            self._local_of[stored.alert_id] = mine.alert_id
            self._stored_of[mine.alert_id] = stored.alert_id
        shown = {k.alert_id for k in self.monitor.acknowledgements}
        fresh = [
            self.monitor.acknowledge(self._local_of[k.alert_id], k.user, k.at)
            for k in found.acks
            if k.alert_id in self._local_of and self._local_of[k.alert_id] not in shown
        ]
        if local:
            self.model.add(local)
            self.groups.add(local)
        if fresh:
            self.model.set_acknowledged(fresh)
            self.groups.acknowledge(a.alert_id for a in fresh)
        if local or fresh or not notify:
            self.changed.emit()
        if local and notify:
            self.raised.emit(local)

    def stored_id(self, alert_id: int) -> int:
        """The book's id of this monitor's alert ``alert_id`` (following the book)."""
        return self._stored_of[alert_id]


class AlertsPanel(QWidget):
    """Title, unacknowledged count, the alerts by account (or the list, newest first),
    the Acknowledge buttons and the snooze of their sound and tray notification."""

    acknowledge_requested = Signal(list)  # alert ids
    client_requested = Signal(str)
    """An account alert's client was asked for (double-click, Enter, "Open client")."""

    def __init__(
        self, book: AlertBook, settings: UiSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.book = book
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.group_check = QCheckBox()
        self.group_check.setObjectName("groupAlerts")
        self.group_check.setChecked(True)
        self.snooze_button = QPushButton()
        self.snooze_button.setObjectName("snoozeAlerts")
        self.snooze_button.setCheckable(True)
        self.ack_button = QPushButton()
        self.ack_button.setObjectName("ackButton")
        self.ack_all_button = QPushButton()
        self.view = DataTableView(settings, "monitor_alerts", self)
        self.view.setSortingEnabled(False)
        self.view.setModel(book.model)
        # "21:05:03 night" (trading-day time), "Warning" beside its icon
        for i, width in enumerate((112, 84, 150, 440, 120, 110)):
            self.view.setColumnWidth(i, width)
        self.view.link_clients(
            lambda row: book.model.alert_at(row).account, self.client_requested.emit
        )
        self.group_model = AlertGroupModel(book.groups, alert_text, self)
        self.group_model.reorder_due.connect(self._refresh_groups)
        self.group_view = DataTableView(settings, "monitor_alert_groups", self)
        self.group_view.setSortingEnabled(False)
        self.group_view.setModel(self.group_model)
        for i, width in enumerate(GROUP_WIDTHS):
            self.group_view.setColumnWidth(i, width)
        self.group_view.link_clients(self._account_of_group, self.client_requested.emit)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.group_view)
        self.stack.addWidget(self.view)
        self.notifier = AlertNotifier(self)
        book.raised.connect(self.notifier.raised)
        self.group_check.toggled.connect(self.set_grouped)
        self.snooze_button.toggled.connect(self._on_snooze)
        self.ack_button.clicked.connect(self._ack_selected)
        self.ack_all_button.clicked.connect(self._ack_all)
        book.changed.connect(self._update_count)
        book.changed.connect(self._refresh_groups)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.count_label)
        head.addStretch(1)
        head.addWidget(self.group_check)
        head.addWidget(self.snooze_button)
        head.addWidget(self.ack_button)
        head.addWidget(self.ack_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addWidget(self.stack, 1)
        self.retranslate()
        self._refresh_groups()

    # ----------------------------------------------------------------- grouping
    @property
    def grouped(self) -> bool:
        return self.stack.currentWidget() is self.group_view

    def set_grouped(self, grouped: bool) -> None:
        """Show the alerts by account (counts) or as the list, newest first."""
        self.group_check.setChecked(grouped)
        self.stack.setCurrentWidget(self.group_view if grouped else self.view)
        self._refresh_groups()

    def current_view(self) -> DataTableView:
        return self.group_view if self.grouped else self.view

    def _account_of_group(self, row: int) -> str | None:
        group = self.group_model.group_at(row)
        return group.key if group.is_account else None

    def _refresh_groups(self) -> None:
        """Re-order the groups (only while they are shown), the selection kept."""
        if not self.grouped:
            return
        view = self.group_view
        current = view.currentIndex()
        key = self.group_model.group_at(current.row()).key if current.isValid() else None
        self.group_model.refresh()
        if key is not None and (row := self.group_model.row_of(key)) >= 0:
            view.selectRow(row)

    # ----------------------------------------------------------------- snooze
    def _on_snooze(self, checked: bool) -> None:
        if checked:
            self.notifier.snooze(SNOOZE_MINUTES)
        else:
            self.notifier.wake()
        self.retranslate()

    # ----------------------------------------------------------------- acknowledge
    def _ack_selected(self) -> None:
        if self.grouped:
            rows = sorted({i.row() for i in self.group_view.selectionModel().selectedRows()})
            ids = [
                i for r in rows for i in self.book.groups.open_ids(self.group_model.group_at(r).key)
            ]
        else:
            ids = [
                int(self.book.model.data(i, ALERT_ID_ROLE))
                for i in self.view.selectionModel().selectedRows()
            ]
        if ids:
            self.acknowledge_requested.emit(ids)

    def _ack_all(self) -> None:
        ids = [a.alert_id for a in self.book.monitor.unacknowledged()]
        if ids:
            self.acknowledge_requested.emit(ids)

    def _update_count(self) -> None:
        if self.book.shared:  # following the book: its alerts, every desk's
            self.title.setText(translate("BookFeed", "The book's alerts"))
            self.title.setToolTip(
                translate(
                    "BookFeed",
                    "Raised once by the feed process for every desk; an acknowledgement"
                    " here is every desk's.",
                )
            )
        else:
            self.title.setText(translate("Monitor", "Alerts"))
            self.title.setToolTip("")
        total = self.book.monitor.count
        n, critical = self.book.monitor.open_counts()
        if total == 0:
            text = translate("Monitor", "No alerts")
        elif n == 0:
            text = translate("Monitor", "All %1 acknowledged").replace("%1", f"{total:,}")
        else:
            text = (
                translate("Monitor", "%1 of %2 unacknowledged")
                .replace("%1", f"{n:,}")
                .replace("%2", f"{total:,}")
            )
        worst = "critical" if critical else "warning" if n else None
        self.count_label.setText(text)
        self.count_label.setStyleSheet(
            f"color: {COUNT_COLOURS[worst]};" + (" font-weight: 600;" if worst else "")
        )
        self.ack_all_button.setEnabled(n > 0)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        gate(self.book.desk, (("alert.acknowledge", (self.ack_button, self.ack_all_button)),))

    def retranslate(self) -> None:
        self.title.setText(translate("Monitor", "Alerts"))
        self.ack_button.setText(translate("Monitor", "Acknowledge"))
        self.ack_all_button.setText(translate("Monitor", "Acknowledge all"))
        self.group_check.setText(translate("AlertDesk", "By account"))
        self.snooze_button.setText(
            translate("AlertDesk", "Snoozed")
            if self.snooze_button.isChecked()
            else translate("AlertDesk", "Snooze %1 min").replace("%1", str(SNOOZE_MINUTES))
        )
        self.snooze_button.setToolTip(
            translate(
                "AlertDesk",
                "No sound or desktop notification for new critical alerts for %1 minutes;"
                " the alerts are still listed.",
            ).replace("%1", str(SNOOZE_MINUTES))
        )
        self.group_model.retranslate()
        self.book.model.retranslate()
        self._update_count()
