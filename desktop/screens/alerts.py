"""Alerts: the stored alert history with acknowledgements, and the audit log.

Both lists are read on a worker (``alert`` table, ``core.audit.recent``) and shown in
filterable ``FrameTableModel`` tables: text filter, plus acknowledgement state for
alerts and action for the audit log (who ran which settlement, preview or import).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

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
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.live.alert_table import AlertRow
from core.live.feed import DCE_TZ
from desktop.alert_text import localized_alert_message
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, current_language, translate
from desktop.models.columns import Column, Kind
from desktop.models.frame_table import FrameTableModel
from desktop.screens.base import Screen
from desktop.widgets.data_table import DataTableView

HISTORY_LIMIT = 20_000
AUDIT_LIMIT = 5_000

SEVERITY = {
    "warning": QT_TRANSLATE_NOOP("Values", "Warning"),
    "critical": QT_TRANSLATE_NOOP("Values", "Critical"),
}
KINDS = {
    "risk_ratio": QT_TRANSLATE_NOOP("Values", "Risk ratio"),
    "negative_available": QT_TRANSLATE_NOOP("Values", "Negative available"),
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
    Column("action", QT_TRANSLATE_NOOP("Columns", "Action"), Kind.CODE, 160),
    Column("detail", QT_TRANSLATE_NOOP("Columns", "Detail"), Kind.TEXT, 400),
)


def _local(at: Any) -> str:
    if at is None or at != at:
        return ""
    ts = pd.Timestamp(at)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return str(ts.tz_convert(DCE_TZ).strftime("%Y-%m-%d %H:%M:%S"))


@dataclass(frozen=True)
class AlertsData:
    alerts: pd.DataFrame
    audit: pd.DataFrame
    last_day: date | None


def load_alerts(session: Session) -> AlertsData:
    """Worker thread: the newest stored alerts and audit entries, newest first."""
    rows = session.execute(
        select(
            AlertRow.trading_day,
            AlertRow.raised_at,
            AlertRow.severity,
            AlertRow.kind,
            AlertRow.account,
            AlertRow.contract,
            AlertRow.receipt,
            AlertRow.message,
            AlertRow.acknowledged_by,
            AlertRow.acknowledged_at,
        )
        .order_by(AlertRow.trading_day.desc(), AlertRow.raised_at.desc(), AlertRow.alert_id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    alerts = pd.DataFrame(
        {
            "trading_day": [r[0] for r in rows],
            "raised": [_local(r[1]) for r in rows],
            "severity": [r[2] for r in rows],
            "kind": [r[3] for r in rows],
            "subject": [" · ".join(x for x in (r[4], r[5], r[6]) if x) for r in rows],
            "message": [r[7] for r in rows],
            "is_acked": [r[8] is not None for r in rows],
            "acknowledged_by": [r[8] or "" for r in rows],
            "acked": [_local(r[9]) for r in rows],
        },
        columns=[c.key for c in ALERT_COLUMNS],
    )
    entries = audit.recent(session, limit=AUDIT_LIMIT)
    log = pd.DataFrame(
        {
            "at_local": [_local(e.at) for e in entries],
            "user": [e.user for e in entries],
            "action": [e.action for e in entries],
            "detail": [e.detail for e in entries],
        },
        columns=[c.key for c in AUDIT_COLUMNS],
    )
    return AlertsData(alerts, log, rows[0][0] if rows else None)


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
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName(f"{name}Filter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(220)
        self.choice = QComboBox()
        self.choice.setObjectName(f"{name}Choice")
        self.choice.setMinimumWidth(140)
        self.count = QLabel()
        self.count.setObjectName("countLabel")
        self.model = FrameTableModel(columns, self, filter_keys=filter_keys)
        self.view = DataTableView(ctx.settings, name, self)
        self.view.setModel(self.model)
        self.view.apply_default_widths(columns, stretch_key)
        self.view.restore_header()
        self.filter_edit.textChanged.connect(self._refilter)
        self.choice.currentIndexChanged.connect(self._refilter)
        self.model.modelReset.connect(self._update_count)
        bar = QHBoxLayout()
        bar.addWidget(self.title)
        bar.addSpacing(8)
        bar.addWidget(self.filter_edit)
        bar.addWidget(self.choice)
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
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total_rows
        text = (
            translate("TableScreen", "%1 rows").replace("%1", f"{total:,}")
            if shown == total
            else translate("TableScreen", "%1 of %2 rows")
            .replace("%1", f"{shown:,}")
            .replace("%2", f"{total:,}")
        )
        self.count.setText(text)


class AlertsScreen(Screen):
    """Stored alert history above the audit log; both filterable."""

    watched = ("audit",)

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "alerts", parent)
        self._day: date | None = None
        self._alerts = pd.DataFrame(columns=[c.key for c in ALERT_COLUMNS])
        self.title_label = QLabel()
        self.title_label.setObjectName("screenTitle")
        self.subtitle_label = QLabel()
        self.subtitle_label.setObjectName("screenSubtitle")
        self.history = _Section(
            ctx,
            "alert_history",
            ALERT_COLUMNS,
            ("subject", "message", "acknowledged_by", "kind"),
            "is_acked",
            "message",
            self,
        )
        self.audit = _Section(
            ctx, "audit_log", AUDIT_COLUMNS, ("user", "action", "detail"), "action", "detail", self
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

    def build_query(self) -> Callable[[Session], Any]:
        return load_alerts

    def apply(self, result: Any) -> None:
        assert isinstance(result, AlertsData)
        self._day = result.last_day
        self._alerts = result.alerts
        self._show_alerts()
        actions = sorted(set(result.audit["action"].tolist()))
        self.audit.set_frame(result.audit, [(a, a) for a in actions])
        self.subtitle_label.setText(
            translate("Alerts", "Stored live-monitor alerts and the audit log")
        )
        self.status_changed.emit()

    def _show_alerts(self) -> None:
        """The stored alerts with their messages in the current language."""
        language = current_language()
        alerts = self._alerts.assign(
            message=[localized_alert_message(m, language) for m in self._alerts["message"]]
        )
        self.history.set_frame(
            alerts,
            [
                (translate("Values", ACK_STATE[False]), False),
                (translate("Values", ACK_STATE[True]), True),
            ],
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
        if self.history.choice.count() == 3:
            self.history.choice.setItemText(1, translate("Values", ACK_STATE[False]))
            self.history.choice.setItemText(2, translate("Values", ACK_STATE[True]))
        self.history.model.retranslate()
        self.audit.model.retranslate()
        if not self._alerts.empty:
            self._show_alerts()

    def trading_day(self) -> date | None:
        return self._day

    def status_text(self) -> str:
        return self.history.count.text()

    def save_state(self) -> None:
        self.history.view.save_header()
        self.audit.view.save_header()


def create(ctx: DesktopContext, parent: QWidget | None = None) -> AlertsScreen:
    return AlertsScreen(ctx, parent)
