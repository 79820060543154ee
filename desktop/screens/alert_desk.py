"""The monitor's alerts as a desk reads 24,000 of them: grouped by account with counts
(``core.live.alert_groups``), a sound and a tray notification for new critical ones,
a snooze, and times next to their trading day.

``AlertGroupModel`` lists the groups worst first (open critical, open, newest);
``AlertNotifier`` beeps (``QApplication.beep``: no Qt Multimedia in the package) and
shows a tray message for the critical alerts of a batch, at most one notification per
``NOTIFY_GAP_S``, none while snoozed; ``alert_time`` writes an alert's exchange time
with the session when it belongs to another trading day (the night session).
"""

from __future__ import annotations

import time as walltime
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from core.live import Alert
from core.live.alert_groups import AlertGroup, AlertGroups, trading_session
from core.trading_calendar import EXCHANGE_TZ, default_calendar
from desktop import palette
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.columns import LEFT, MUTED_BRUSH, RIGHT
from desktop.resources import app_icon

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_DISPLAY = Qt.ItemDataRole.DisplayRole
CONTEXT = "AlertDesk"
GROUP_KEY_ROLE = Qt.ItemDataRole.UserRole + 2
NOTIFY_GAP_S = 10.0
"""At most one sound and tray message per this many seconds (a burst is one message)."""
SNOOZE_MINUTES = 15

GROUP_HEADERS = (
    QT_TRANSLATE_NOOP("AlertDesk", "Account / contract"),
    QT_TRANSLATE_NOOP("AlertDesk", "Open"),
    QT_TRANSLATE_NOOP("AlertDesk", "Critical"),
    QT_TRANSLATE_NOOP("AlertDesk", "All"),
    QT_TRANSLATE_NOOP("AlertDesk", "Latest"),
    QT_TRANSLATE_NOOP("AlertDesk", "Latest message"),
)
GROUP_WIDTHS = (150, 56, 62, 56, 116, 420)


def alert_time(at: datetime | None) -> tuple[str, str]:
    """An alert's time as shown ("21:05:03", or "21:05:03 night" when it belongs to the
    next trading day) and its tooltip (the date, the trading day and session)."""
    if at is None:
        return "", ""
    local = at.astimezone(EXCHANGE_TZ)
    day, session = trading_session(at, default_calendar())
    clock = local.strftime("%H:%M:%S")
    text = clock
    if session == "night":
        text = translate("AlertDesk", "%1 night").replace("%1", clock)
    tip = (
        translate("AlertDesk", "%1 exchange time; trading day %2, %3 session")
        .replace("%1", local.strftime("%Y-%m-%d %H:%M:%S"))
        .replace("%2", day.isoformat())
        .replace("%3", translate("AlertDesk", session))
    )
    return text, tip


QT_TRANSLATE_NOOP("AlertDesk", "day")
QT_TRANSLATE_NOOP("AlertDesk", "night")


REORDER_EVERY_S = 1.0
"""The groups re-order at most once a second: rows jumping four times a second cannot be
read, and ordering 100,000 groups (the large book, alerts on most accounts) costs tens of
milliseconds of the GUI thread. In between, the shown groups' counts repaint in place."""


class AlertGroupModel(QAbstractTableModel):
    """The alert groups, worst first. GUI thread only; ``refresh`` re-orders them (at
    most once per ``REORDER_EVERY_S``: a call inside the window repaints the counts and
    ``reorder_due`` fires when the window ends, for the owner to ``refresh`` again)."""

    reorder_due = Signal()

    def __init__(
        self, groups: AlertGroups, text: Callable[[Alert], str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._source = groups
        self._text = text
        self._rows: list[AlertGroup] = []
        self._row_of: dict[str, int] | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        self._ordered_at = -REORDER_EVERY_S
        self._due = QTimer(self)
        self._due.setSingleShot(True)
        self._due.timeout.connect(self.reorder_due)

    def refresh(self, *, now: float | None = None) -> None:
        """Re-order the groups, or (inside the throttle window, with rows shown) repaint
        their counts and schedule ``reorder_due``. ``now``: ``time.monotonic()``."""
        now = walltime.monotonic() if now is None else now
        wait = self._ordered_at + REORDER_EVERY_S - now
        if self._rows and wait > 0:
            last = self.index(len(self._rows) - 1, len(GROUP_HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            if not self._due.isActive():
                self._due.start(int(wait * 1000) + 1)
            return
        self._due.stop()
        self._ordered_at = now
        self.beginResetModel()
        self._rows = self._source.ordered()
        self._row_of = None
        self.endResetModel()

    def group_at(self, row: int) -> AlertGroup:
        return self._rows[row]

    def row_of(self, key: str) -> int:
        if self._row_of is None:  # once per order, for the selection kept across it
            self._row_of = {g.key: r for r, g in enumerate(self._rows)}
        return self._row_of.get(key, -1)

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(GROUP_HEADERS)

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        g = self._rows[index.row()]
        col = index.column()
        if role == _DISPLAY:
            if col == 0:
                return g.key
            if col in (1, 2, 3):
                return f"{(g.open, g.critical, g.total)[col - 1]:,}"
            if col == 4:
                return alert_time(g.latest.at if g.latest else None)[0]
            return self._text(g.latest) if g.latest else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 4 and g.latest is not None:
                return alert_time(g.latest.at)[1]
            if col == 5 and g.latest is not None:
                return self._text(g.latest)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if col in (1, 2, 3) else LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            if g.open == 0:
                return MUTED_BRUSH
            if col == 2 and g.critical:
                return palette.RED_BRUSH
            return None
        if role == Qt.ItemDataRole.FontRole and col in (1, 2) and g.critical:
            return self._bold
        if role == GROUP_KEY_ROLE:
            return g.key
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(GROUP_HEADERS):
            return None
        if role == _DISPLAY:
            return translate("AlertDesk", GROUP_HEADERS[section])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if section in (1, 2, 3) else LEFT
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(GROUP_HEADERS) - 1)
        if self._rows:
            last = self.index(len(self._rows) - 1, len(GROUP_HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last, [_DISPLAY])


class AlertNotifier(QObject):
    """Sound and a tray message for new critical alerts, throttled, with a snooze.

    ``notifications`` keeps what was notified (title, message) for the status line and
    for tests; the tray icon is made only where the platform has a tray."""

    def __init__(self, parent: QWidget | None = None, clock: Callable[[], float] | None = None):
        super().__init__(parent)
        self._clock = clock or walltime.monotonic
        self._last = -NOTIFY_GAP_S
        self._pending: list[Alert] = []
        self.snoozed_until: float | None = None
        self.notifications: list[tuple[str, str]] = []
        self.tray: QSystemTrayIcon | None = None

    def snooze(self, minutes: int = SNOOZE_MINUTES) -> None:
        """No sound or tray message for ``minutes`` (the alerts are still listed)."""
        self.snoozed_until = self._clock() + minutes * 60
        self._pending.clear()

    def wake(self) -> None:
        self.snoozed_until = None

    @property
    def is_snoozed(self) -> bool:
        return self.snoozed_until is not None and self._clock() < self.snoozed_until

    def snooze_left_s(self) -> float:
        return max(0.0, (self.snoozed_until or 0.0) - self._clock())

    def raised(self, alerts: Sequence[Alert]) -> bool:
        """New alerts from the monitor; True when a notification went out now."""
        if self.is_snoozed:
            return False
        self._pending.extend(a for a in alerts if a.severity == "critical")
        now = self._clock()
        if not self._pending or now - self._last < NOTIFY_GAP_S:
            return False
        critical, self._pending = self._pending, []
        self._last = now
        accounts = sorted({a.account or a.contract or a.receipt or "" for a in critical})
        title = translate("AlertDesk", "%1 new critical alerts").replace("%1", f"{len(critical):,}")
        shown = ", ".join(accounts[:5]) + (" …" if len(accounts) > 5 else "")
        self.notifications.append((title, shown))
        QApplication.beep()
        if self.tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.show()
        if self.tray is not None:
            self.tray.showMessage(title, shown, QSystemTrayIcon.MessageIcon.Critical, 8_000)
        return True
