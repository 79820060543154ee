"""Alerts: the stored alert history with acknowledgements, and the audit log.

Both lists are read on a worker (``core.services.alerts.alert_history``) and shown in
filterable ``FrameTableModel`` tables: text filter, plus acknowledgement state for
alerts and action for the audit log (who ran which settlement, import or export).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.services.alerts import alert_history
from core.services.store import Reader
from core.trading_calendar import EXCHANGE_TZ
from desktop.alert_text import localized_alert_messages
from desktop.audit_text import action_text, detail_text
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, current_language, translate
from desktop.models.columns import Column, Kind
from desktop.models.frame_table import FrameTableModel
from desktop.screens.base import Screen
from desktop.screens.table_screen import row_count_text
from desktop.widgets.data_table import DataTableView

HISTORY_LIMIT = 20_000
AUDIT_LIMIT = 5_000

SEVERITY = {
    "warning": QT_TRANSLATE_NOOP("Values", "Warning"),
    "critical": QT_TRANSLATE_NOOP("Values", "Critical"),
}
KINDS = {
    "risk_level": QT_TRANSLATE_NOOP("Values", "Risk level"),
    "position_limit": QT_TRANSLATE_NOOP("Values", "Position limit"),
    "limit_lock": QT_TRANSLATE_NOOP("Values", "Limit lock"),
    "receipt_expiry": QT_TRANSLATE_NOOP("Values", "Receipt expiry"),
}
ACK_STATE = {
    True: QT_TRANSLATE_NOOP("Values", "Acknowledged"),
    False: QT_TRANSLATE_NOOP("Values", "Open"),
}
ALERT_COLUMNS = (
    Column("trading_day", QT_TRANSLATE_NOOP("Columns", "Trading day"), Kind.DATE, 90),
    Column("raised", QT_TRANSLATE_NOOP("Columns", "Time"), Kind.TEXT, 150),
    Column("severity", QT_TRANSLATE_NOOP("Columns", "Level"), Kind.ENUM, 70, labels=SEVERITY),
    Column("kind", QT_TRANSLATE_NOOP("Columns", "Rule"), Kind.ENUM, 110, labels=KINDS),
    Column("subject", QT_TRANSLATE_NOOP("Columns", "Account / contract"), Kind.CODE, 130),
    Column("message", QT_TRANSLATE_NOOP("Columns", "Message"), Kind.TEXT, 320),
    Column("is_acked", QT_TRANSLATE_NOOP("Columns", "State"), Kind.ENUM, 80, labels=ACK_STATE),
    Column("acknowledged_by", QT_TRANSLATE_NOOP("Columns", "Acknowledged by"), Kind.TEXT, 100),
    Column("acked", QT_TRANSLATE_NOOP("Columns", "Acknowledged at"), Kind.TEXT, 130),
)
AUDIT_COLUMNS = (
    Column("at_local", QT_TRANSLATE_NOOP("Columns", "Time"), Kind.TEXT, 140),
    Column("user", QT_TRANSLATE_NOOP("Columns", "User"), Kind.TEXT, 100),
    Column("action", QT_TRANSLATE_NOOP("Columns", "Action"), Kind.TEXT, 200),
    Column("detail", QT_TRANSLATE_NOOP("Columns", "Detail"), Kind.TEXT, 400),
)
AUDIT_RAW = ("action_key", "detail_raw")
"""The stored action key and JSON detail beside the words shown (``audit_words``)."""


def local_times(values: Sequence[Any] | npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Instants as exchange-time text "YYYY-MM-DD HH:MM:SS" ("" when missing), as objects.

    Naive values are UTC (SQLite keeps no offset). Each distinct instant is converted
    once (an alert check stamps many alerts alike), by pandas for all of them together: a
    ``Timestamp`` per value cost ~10 µs, 0.4 s for a full alert history.
    """
    codes, distinct = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    if len(distinct) == 0:
        return np.empty(0, dtype=object)
    utc = pd.to_datetime(pd.Series(distinct, dtype=object), utc=True)
    wall = utc.dt.tz_convert(EXCHANGE_TZ).dt.tz_localize(None).to_numpy()
    # datetime64[s] drops the fraction of a second as strftime("%S") does.
    text = np.strings.replace(
        np.datetime_as_string(wall.astype("datetime64[s]"), unit="s"), "T", " "
    )
    out: npt.NDArray[Any] = text.astype(object)
    out[utc.isna().to_numpy()] = ""
    return out[codes]


@dataclass(frozen=True)
class AlertsData:
    """Both lists, ready to show. ``alerts["message"]`` is in ``language``;
    ``stored_messages`` keeps the stored English texts for a change of language.
    ``more_alerts``: older alerts are stored than the ``HISTORY_LIMIT`` loaded."""

    alerts: pd.DataFrame
    stored_messages: npt.NDArray[Any]
    language: str
    more_alerts: bool
    audit: pd.DataFrame
    last_day: date | None


def _objects(values: Sequence[Any] | npt.NDArray[Any]) -> pd.Series:
    # Plain object columns: FrameTableModel reads them without converting every cell.
    return pd.Series(np.asarray(values, dtype=object), dtype="object", copy=False)


def load_alerts(reader: Reader, language: str = "en") -> AlertsData:
    """Worker thread: the newest stored alerts and audit entries, newest first, with the
    display columns built (times in exchange time, messages in ``language``)."""
    history = alert_history(reader, HISTORY_LIMIT, AUDIT_LIMIT)
    c = history.columns
    day, raised, message, by = c["trading_day"], c["raised_at"], c["message"], c["acknowledged_by"]
    stored = np.asarray(message, dtype=object)
    acked_by = np.asarray(by, dtype=object)
    is_acked = ~pd.isna(acked_by)
    acked_by[~is_acked] = ""
    alerts = pd.DataFrame(
        {
            "trading_day": _objects(day),
            "raised": _objects(local_times(raised)),
            "severity": _objects(c["severity"]),
            "kind": _objects(c["kind"]),
            "subject": _objects(
                [
                    " · ".join(filter(None, parts))
                    for parts in zip(c["account"], c["contract"], c["receipt"], strict=True)
                ]
            ),
            "message": _objects(localized_alert_messages(stored, language)),
            "is_acked": pd.Series(is_acked, dtype=bool),
            "acknowledged_by": _objects(acked_by),
            "acked": _objects(local_times(c["acknowledged_at"])),
            "account": _objects(c["account"]),
        },
        columns=[*(c.key for c in ALERT_COLUMNS), "account"],
    )
    entries = history.audit
    log = pd.DataFrame(
        {
            "at_local": _objects(local_times([e.at for e in entries])),
            "user": _objects([e.user for e in entries]),
            "action": _objects([e.action for e in entries]),
            "detail": _objects([e.detail for e in entries]),
            "action_key": _objects([e.action for e in entries]),
            "detail_raw": _objects([e.detail for e in entries]),
        },
        columns=[*(c.key for c in AUDIT_COLUMNS), *AUDIT_RAW],
    )
    return AlertsData(alerts, stored, language, history.more, log, day[0] if day else None)


def audit_words(log: pd.DataFrame) -> pd.DataFrame:
    """``log`` with its action and detail in words in the current language (GUI
    thread: Qt's translators), from the stored ``action_key`` and ``detail_raw``."""
    return log.assign(
        action=_objects([action_text(a) for a in log["action_key"]]),
        detail=_objects([detail_text(d) for d in log["detail_raw"]]),
    )


class _Section(QWidget):
    """Title, text filter, one choice combo and a table."""

    def __init__(
        self,
        ctx: DesktopContext,
        name: str,
        columns: tuple[Column, ...],
        filter_keys: tuple[str, ...],
        choice_key: str,
        stretch_key: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.choice_key = choice_key
        self._note = ""
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName(f"{name}Filter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(220)
        self.choice = QComboBox()
        self.choice.setObjectName(f"{name}Choice")
        self.choice.setMinimumWidth(140)
        self.user_choice = QComboBox()  # shown for the audit log only
        self.user_choice.setObjectName(f"{name}User")
        self.user_choice.addItem("", None)
        self.user_choice.setVisible(False)
        self.count = QLabel()
        self.count.setObjectName("countLabel")
        self.model = FrameTableModel(columns, self, filter_keys=filter_keys)
        self.view = DataTableView(ctx.settings, name, self)
        self.view.setModel(self.model)
        self.view.apply_default_widths(columns, stretch_key)
        self.view.restore_header()
        self.filter_edit.textChanged.connect(self._refilter)
        self.choice.currentIndexChanged.connect(self._refilter)
        self.user_choice.currentIndexChanged.connect(self._refilter)
        self.model.modelReset.connect(self.update_count)
        bar = QHBoxLayout()
        bar.addWidget(self.title)
        bar.addSpacing(8)
        bar.addWidget(self.filter_edit)
        bar.addWidget(self.choice)
        bar.addWidget(self.user_choice)
        bar.addStretch(1)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

    def set_frame(self, frame: pd.DataFrame, choices: list[tuple[str, Any]]) -> None:
        current = self.choice.currentData()
        self.choice.blockSignals(True)
        while self.choice.count() > 1:
            self.choice.removeItem(1)
        for label, value in choices:
            self.choice.addItem(label, value)
        self.choice.setCurrentIndex(
            max(self.choice.findData(current), 0) if current is not None else 0
        )
        self.choice.blockSignals(False)
        self.model.set_frame(frame)
        self._refilter()

    def _refilter(self, *_args: object) -> None:
        self.model.set_text_filter(self.filter_edit.text())
        self.model.set_value_filter(self.choice_key, self.choice.currentData())
        if self.user_choice.isVisibleTo(self):
            self.model.set_value_filter("user", self.user_choice.currentData())
        self.update_count()

    def set_users(self, users: list[str]) -> None:
        """The user filter's choices (its first item: every user), keeping the choice."""
        current = self.user_choice.currentData()
        self.user_choice.blockSignals(True)
        while self.user_choice.count() > 1:
            self.user_choice.removeItem(1)
        for user in users:
            self.user_choice.addItem(user, user)
        self.user_choice.setCurrentIndex(max(self.user_choice.findData(current), 0))
        self.user_choice.blockSignals(False)

    def set_note(self, note: str) -> None:
        """Text shown after the row count (and as its tooltip); "" for none."""
        self._note = note
        self.count.setToolTip(note)
        self.update_count()

    def update_count(self) -> None:
        text = row_count_text(self.model.rowCount(), self.model.total_rows)
        self.count.setText(f"{text} · {self._note}" if self._note else text)


class AlertsScreen(Screen):
    """Stored alert history above the audit log; both filterable."""

    watched = ("audit", "alerts")  # another desk's acknowledgement rings "alerts" (#14)

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "alerts", parent)
        self._day: date | None = None
        self._alerts = pd.DataFrame(columns=[*(c.key for c in ALERT_COLUMNS), "account"])
        self._stored_messages: npt.NDArray[Any] = np.empty(0, dtype=object)
        self._alerts_language = current_language()
        self._more_alerts = False
        self.title_label = QLabel()
        self.title_label.setObjectName("screenTitle")
        self.subtitle_label = QLabel()
        self.subtitle_label.setObjectName("screenSubtitle")
        self.history = _Section(
            ctx,
            "alert_history",
            ALERT_COLUMNS,
            ("subject", "message", "acknowledged_by", "kind", "account"),
            "is_acked",
            "message",
            self,
        )
        self.audit = _Section(
            ctx,
            "audit_log",
            AUDIT_COLUMNS,
            ("user", "action", "detail", "action_key"),
            "action_key",
            "detail",
            self,
        )
        self.audit.user_choice.setVisible(True)
        self._audit = pd.DataFrame(columns=[*(c.key for c in AUDIT_COLUMNS), *AUDIT_RAW])
        # An account's alert opens the client panel of the settlement before that day.
        history = self.history.model
        self.history.view.link_clients(
            lambda row: history.raw_value(row, "account"),
            lambda code: ctx.bus.client_requested.emit(
                code, history.raw_value(self.history.view.currentIndex().row(), "trading_day")
            ),
        )
        self.history.choice.addItem("", None)
        self.audit.choice.addItem("", None)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.history)
        splitter.addWidget(self.audit)
        splitter.setChildrenCollapsible(False)
        head = QHBoxLayout()
        head.addWidget(self.title_label)
        head.addSpacing(12)
        head.addWidget(self.subtitle_label, 1, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addWidget(splitter, 1)
        self.retranslate()

    def build_query(self) -> Callable[[Reader], Any]:
        language = current_language()
        return lambda reader: load_alerts(reader, language)

    def apply(self, result: Any) -> None:
        assert isinstance(result, AlertsData)
        self._day = result.last_day
        self._alerts = result.alerts
        self._stored_messages = result.stored_messages
        self._alerts_language = result.language
        self._more_alerts = result.more_alerts
        self._set_history_note()
        self._show_alerts()
        self._audit = result.audit
        self._show_audit()
        self.subtitle_label.setText(
            translate("Alerts", "Stored live-monitor alerts and the audit log")
        )
        self.status_changed.emit()

    def _show_alerts(self) -> None:
        """The stored alerts with their messages in the current language."""
        language = current_language()
        if language != self._alerts_language:  # switched since the load was started
            self._alerts = self._alerts.assign(
                message=pd.Series(
                    localized_alert_messages(self._stored_messages, language),
                    index=self._alerts.index,
                    dtype="object",
                )
            )
            self._alerts_language = language
        self.history.set_frame(
            self._alerts,
            [
                (translate("Values", ACK_STATE[False]), False),
                (translate("Values", ACK_STATE[True]), True),
            ],
        )

    def _show_audit(self) -> None:
        """The audit log in words; its filters: each action (in words) and each user."""
        log = audit_words(self._audit)
        actions = sorted(
            {(action_text(a), a) for a in log["action_key"].tolist()}, key=lambda p: p[0]
        )
        self.audit.set_users(sorted(set(log["user"].tolist())))
        self.audit.set_frame(log, actions)

    def _set_history_note(self) -> None:
        """Say so when more alerts are stored than were loaded (``HISTORY_LIMIT``)."""
        self.history.set_note(
            translate("Alerts", "only the newest %1 alerts are loaded").replace(
                "%1", f"{len(self._alerts):,}"
            )
            if self._more_alerts
            else ""
        )

    def showEvent(self, event: QShowEvent) -> None:
        self._stale = True  # alerts are written by the monitor without a Changes flag
        super().showEvent(event)

    def loading_started(self) -> None:
        self.subtitle_label.setText(translate("TableScreen", "Loading…"))

    def retranslate(self) -> None:
        self.title_label.setText(translate("Screens", "Alerts"))
        if not self.is_loading:
            self.subtitle_label.setText(
                translate("Alerts", "Stored live-monitor alerts and the audit log")
            )
        self.history.title.setText(translate("Alerts", "Alert history"))
        self.audit.title.setText(translate("Alerts", "Audit log"))
        self.history.filter_edit.setPlaceholderText(
            translate("Alerts", "Filter by account, contract or message")
        )
        self.audit.filter_edit.setPlaceholderText(
            translate("Alerts", "Filter by user, action or detail")
        )
        self.history.choice.setItemText(0, translate("Alerts", "All alerts"))
        self.audit.choice.setItemText(0, translate("Alerts", "All actions"))
        self.audit.user_choice.setItemText(0, translate("AuditLog", "All users"))
        if self.history.choice.count() == 3:
            self.history.choice.setItemText(1, translate("Values", ACK_STATE[False]))
            self.history.choice.setItemText(2, translate("Values", ACK_STATE[True]))
        self._set_history_note()
        self.audit.update_count()
        self.history.model.retranslate()
        self.audit.model.retranslate()
        if not self._alerts.empty and self._alerts_language != current_language():
            self._show_alerts()
        if not self._audit.empty:
            self._show_audit()

    def trading_day(self) -> date | None:
        return self._day

    def status_text(self) -> str:
        return self.history.count.text()


def create(ctx: DesktopContext, parent: QWidget | None = None) -> AlertsScreen:
    return AlertsScreen(ctx, parent)
