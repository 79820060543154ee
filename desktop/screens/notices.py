"""Notices (通知书): every margin-call and forced-close notice with its delivery status,
the selected notice's history, and the desk's hand-recorded steps.

A screen of its own rather than a panel of the call list: notices outlive a day's call
list (a notice is marked received or confirmed days later, a failed e-mail is retried,
a client's history spans many days), and the desk works them as a list of its own
(everything "sent but not received"). The call list links here with the client filter
set (its "Notice history"), so a client's history is one click away.

Rows come from ``core.services.call_desk.notices_table`` (``list_notices`` with the
filters: client, day, kind, status; newest first, at most ``NOTICES_LIMIT`` and the
screen says when there are more); the selected notice's history and the client's
contact from ``core.services.notices.notice_history``. Every change goes through the
write door, audited: marking a status by hand with its channel
(``notice_delivery.mark_notice``, statuses only move forward), e-mailing
(``send_notices``), a client's contact (``set_client_contact``) and PDF export
(``export_notice_pdfs``). Opening a PDF renders it from the stored notice into a
temporary file (a read: nothing is written to the database).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.changes import Changes
from core.errors import RiskDeskError
from core.progress import ProgressState
from core.reports.notices import write_notice_pdfs
from core.rules.notice_status import STATUSES, can_move, next_statuses
from core.services.call_desk import NoticesTable, notices_table
from core.services.notice_delivery import mark_notice, set_client_contact
from core.services.notices import (
    ClientNoticeHistory,
    NoticeFilter,
    export_notice_pdfs,
    notice_documents,
    notice_history,
)
from core.services.store import Reader
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.columns import Column, Kind
from desktop.models.frame_table import FrameTableModel
from desktop.screens import notice_actions
from desktop.screens.alerts import local_times
from desktop.screens.base import Screen
from desktop.screens.notice_actions import html_text
from desktop.screens.notice_dialogs import ContactChoice, ContactDialog, MarkChoice, MarkDialog
from desktop.screens.notice_text import (
    CHANNEL_LABELS,
    CONTEXT,
    KIND_LABELS,
    STATUS_BRUSHES,
    STATUS_LABELS,
)
from desktop.screens.ops_outcome import OpOutcome, StageNamedProgress, capture
from desktop.screens.table_screen import row_count_text
from desktop.tasks import run_op, run_query
from desktop.widgets.banner import Banner
from desktop.widgets.data_table import DataTableView

NOTICE_COLUMNS = (
    Column("number", QT_TRANSLATE_NOOP("Columns", "Notice no."), Kind.CODE, 122),
    Column(
        "kind",
        QT_TRANSLATE_NOOP("Columns", "Kind"),
        Kind.ENUM,
        140,
        labels=KIND_LABELS,
        label_context=CONTEXT,
    ),
    Column("client_code", QT_TRANSLATE_NOOP("Columns", "Client code"), Kind.CODE, 84),
    Column("client_name", QT_TRANSLATE_NOOP("Columns", "Client name"), Kind.TEXT, 130),
    Column("trading_day", QT_TRANSLATE_NOOP("Columns", "Trading day"), Kind.DATE, 88),
    Column("call_fen", QT_TRANSLATE_NOOP("Columns", "To call (CNY)"), Kind.MONEY, 108),
    Column("deadline", QT_TRANSLATE_NOOP("Columns", "Deadline"), Kind.TEXT, 122),
    Column(
        "status",
        QT_TRANSLATE_NOOP("Columns", "Status"),
        Kind.ENUM,
        96,
        labels=STATUS_LABELS,
        label_context=CONTEXT,
        value_brushes=STATUS_BRUSHES,
    ),
    Column(
        "channel",
        QT_TRANSLATE_NOOP("Columns", "Channel"),
        Kind.ENUM,
        80,
        labels=CHANNEL_LABELS,
        label_context=CONTEXT,
    ),
    Column("created", QT_TRANSLATE_NOOP("Columns", "Created at"), Kind.TEXT, 136),
)
HISTORY_COLUMNS = (
    Column("at_local", QT_TRANSLATE_NOOP("Columns", "Time"), Kind.TEXT, 136),
    Column(
        "status",
        QT_TRANSLATE_NOOP("Columns", "Status"),
        Kind.ENUM,
        96,
        labels=STATUS_LABELS,
        label_context=CONTEXT,
        value_brushes=STATUS_BRUSHES,
    ),
    Column(
        "channel",
        QT_TRANSLATE_NOOP("Columns", "Channel"),
        Kind.ENUM,
        76,
        labels=CHANNEL_LABELS,
        label_context=CONTEXT,
    ),
    Column("user", QT_TRANSLATE_NOOP("Columns", "User"), Kind.TEXT, 80),
    Column("detail", QT_TRANSLATE_NOOP("Columns", "Detail"), Kind.TEXT, 400),
)
FILTER_KEYS = ("number", "client_code", "client_name")
HAND_STATUSES = ("sent", "received", "confirmed", "failed")
"""Statuses a change recorded by hand may set (``mark_notice``)."""


@dataclass(frozen=True)
class NoticesData:
    table: NoticesTable
    frame: pd.DataFrame


def shape(table: NoticesTable) -> NoticesData:
    """Worker thread: times as exchange-time text."""
    frame = table.frame
    deadline = local_times(frame["deadline_at"].to_numpy())
    created = local_times(frame["created_at"].to_numpy())
    return NoticesData(
        table,
        frame.assign(
            deadline=np.asarray([d[:16] for d in deadline], dtype=object), created=created
        ),
    )


def history_frame(history: ClientNoticeHistory, number: str) -> pd.DataFrame:
    """The delivery history of ``number`` (oldest first), times as exchange time."""
    steps = next((d.history for d in history.notices if d.notice.number == number), ())
    frame = pd.DataFrame(
        {
            "at": np.asarray([s.at for s in steps], dtype=object),
            "status": np.asarray([s.status for s in steps], dtype=object),
            "channel": np.asarray([s.channel for s in steps], dtype=object),
            "user": np.asarray([s.user for s in steps], dtype=object),
            "detail": np.asarray([s.detail for s in steps], dtype=object),
        }
    )
    return frame.assign(at_local=local_times(frame["at"].to_numpy()))


@dataclass(frozen=True)
class MarkOutcome:
    """Notices marked, and those refused with the reason (each change is its own
    audited write: the others stand)."""

    marked: tuple[str, ...]
    refused: tuple[tuple[str, str], ...]


def open_file(path: str) -> bool:
    """Hand ``path`` to the desktop's viewer (tests replace this)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


class NoticesScreen(Screen):
    """Filters, actions, the notices and the selected notice's history."""

    watched = ("notices", "clients")

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "notices", parent)
        self._data: NoticesData | None = None
        self._history: ClientNoticeHistory | None = None
        self._history_generation = 0
        self._pdf_dir: Path | None = None
        self.mark_dialog: MarkDialog | None = None
        self.contact_dialog: ContactDialog | None = None
        self.send_question: QMessageBox | None = None
        self.opened: list[str] = []
        """PDF files handed to the viewer (tests read it)."""

        self.title_label = QLabel()
        self.title_label.setObjectName("screenTitle")
        self.subtitle_label = QLabel()
        self.subtitle_label.setObjectName("screenSubtitle")
        self._build_filters()
        self._build_actions()
        self.banner = Banner("notices_result", self)
        self.model = FrameTableModel(NOTICE_COLUMNS, self, filter_keys=FILTER_KEYS)
        self.view = DataTableView(ctx.settings, "notices", self)
        self.view.setModel(self.model)
        self.view.apply_default_widths(NOTICE_COLUMNS, "client_name")
        if not self.view.restore_header():
            self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        # First in the table's context menu, above its copy, export and filters.
        self.view.add_row_actions(
            [self._actions[k] for k in ("client", "mark", "send", "pdf", "export", "contact")]
        )
        self.view.doubleClicked.connect(self._on_double_click)
        self.view.installEventFilter(self)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        self.model.modelReset.connect(self._update_counts)
        self.history_title = QLabel()
        self.history_title.setObjectName("sectionTitle")
        self.history_model = FrameTableModel(HISTORY_COLUMNS, self)
        self.history_view = DataTableView(ctx.settings, "notice_history", self)
        self.history_view.setModel(self.history_model)
        self.history_view.setSortingEnabled(False)
        self.history_view.apply_default_widths(HISTORY_COLUMNS)
        self._layout()
        self.retranslate()

    # ----------------------------------------------------------------- building
    def _build_filters(self) -> None:
        self.client_label = QLabel()
        self.client_edit = QLineEdit()
        self.client_edit.setObjectName("clientEdit")
        self.client_edit.setClearButtonEnabled(True)
        self.client_edit.setMaximumWidth(120)
        self.day_combo = QComboBox()
        self.day_combo.setObjectName("dayCombo")
        self.day_combo.addItem("", None)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindCombo")
        self.kind_combo.addItem("", None)
        for code in KIND_LABELS:
            self.kind_combo.addItem("", code)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusCombo")
        self.status_combo.addItem("", None)
        for code in STATUSES:
            self.status_combo.addItem("", code)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(160)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.client_edit.editingFinished.connect(self._on_client)
        for combo in (self.day_combo, self.kind_combo, self.status_combo):
            combo.activated.connect(lambda _i: self._request_reload())
        self.filter_edit.textChanged.connect(lambda text: self.model.set_text_filter(text))

    def _build_actions(self) -> None:
        self.mark_button = QPushButton()
        self.mark_button.setObjectName("markButton")
        self.send_button = QPushButton()
        self.send_button.setObjectName("sendButton")
        self.pdf_button = QPushButton()
        self.pdf_button.setObjectName("openPdfButton")
        self.export_button = QPushButton()
        self.export_button.setObjectName("exportButton")
        self.contact_button = QPushButton()
        self.contact_button.setObjectName("contactButton")
        self.client_button = QPushButton()
        self.client_button.setObjectName("openClientButton")
        self.mark_button.clicked.connect(self.ask_mark)
        self.send_button.clicked.connect(self.ask_send)
        self.pdf_button.clicked.connect(self.open_pdf)
        self.export_button.clicked.connect(self.ask_export)
        self.contact_button.clicked.connect(self.ask_contact)
        self.client_button.clicked.connect(self.open_client)
        self._actions = {
            "mark": QAction(self),
            "send": QAction(self),
            "pdf": QAction(self),
            "export": QAction(self),
            "contact": QAction(self),
            "client": QAction(self),
        }
        for key, slot in (
            ("mark", self.ask_mark),
            ("send", self.ask_send),
            ("pdf", self.open_pdf),
            ("export", self.ask_export),
            ("contact", self.ask_contact),
            ("client", self.open_client),
        ):
            self._actions[key].triggered.connect(slot)

    def _layout(self) -> None:
        head = QHBoxLayout()
        head.addWidget(self.title_label)
        head.addSpacing(12)
        head.addWidget(self.subtitle_label, 1, Qt.AlignmentFlag.AlignBottom)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        for w in (
            self.client_label,
            self.client_edit,
            self.day_combo,
            self.kind_combo,
            self.status_combo,
            self.filter_edit,
        ):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        actions = QHBoxLayout()
        actions.setSpacing(6)
        for button in (
            self.mark_button,
            self.send_button,
            self.pdf_button,
            self.export_button,
            self.contact_button,
            self.client_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 4, 0, 0)
        lower_layout.setSpacing(4)
        lower_layout.addWidget(self.history_title)
        lower_layout.addWidget(self.history_view, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("noticesSplitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([460, 180])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)

    # ----------------------------------------------------------------- Screen
    def current_filter(self) -> NoticeFilter:
        day = self.day_combo.currentData()
        return NoticeFilter(
            day=day if isinstance(day, date) else None,
            client=self.client_edit.text().strip() or None,
            status=self.status_combo.currentData(),
            kind=self.kind_combo.currentData(),
        )

    def build_query(self) -> Callable[[Reader], Any]:
        filt = self.current_filter()
        return lambda reader: shape(notices_table(reader, filt))

    def apply(self, result: Any) -> None:
        assert isinstance(result, NoticesData)
        self._data = result
        kept = self._current("number")  # the reset loses the current row: find it again
        self.model.set_frame(result.frame)
        self._fill_days(result.table.days)
        self._update_texts()
        if not (kept is not None and self.select_number(str(kept))):
            if self.model.rowCount():  # the newest notice's history shows at once
                self.view.setCurrentIndex(self.model.index(0, 0))
            else:
                self._on_current(QModelIndex(), QModelIndex())
        if not result.table.days:
            self.banner.set_message(
                html_text(
                    translate(
                        "Notices", "No notice yet: generate notices on the %1 screen."
                    ).replace("%1", translate("Screens", "Margin calls"))
                ),
                "info",
            )
        elif self.banner.tone == "info":
            self.banner.clear()

    def loading_started(self) -> None:
        self.subtitle_label.setText(translate("Notices", "Loading…"))

    def trading_day(self) -> date | None:
        day = self.day_combo.currentData()
        return day if isinstance(day, date) else None

    def status_text(self) -> str:
        return self.count_label.text()

    def navigate_to(self, argument: str) -> None:
        """``"client=CODE"``: that client's notices, every day, kind and status."""
        key, _, value = argument.partition("=")
        if key != "client":
            return
        self.client_edit.setText(value)
        for combo in (self.day_combo, self.kind_combo, self.status_combo):
            combo.setCurrentIndex(0)
        self.filter_edit.clear()
        self._request_reload()

    def role_gates(self) -> Sequence[tuple[str, Sequence[QWidget | QAction]]]:
        acts = self._actions
        return (
            ("notice.mark", (self.mark_button, acts["mark"])),
            ("notice.send", (self.send_button, acts["send"])),
            ("notice.contact", (self.contact_button, acts["contact"])),
        )

    def retranslate(self) -> None:
        self.title_label.setText(translate("Screens", "Notices"))
        self.client_label.setText(translate("Notices", "Client"))
        self.client_edit.setPlaceholderText(translate("Notices", "all clients"))
        self.day_combo.setItemText(0, translate("Notices", "All days"))
        self.kind_combo.setItemText(0, translate("Notices", "All kinds"))
        for i, code in enumerate(KIND_LABELS, start=1):
            self.kind_combo.setItemText(i, translate(CONTEXT, KIND_LABELS[code]))
        self.status_combo.setItemText(0, translate("Notices", "All statuses"))
        for i, code in enumerate(STATUSES, start=1):
            self.status_combo.setItemText(i, translate(CONTEXT, STATUS_LABELS[code]))
        self.filter_edit.setPlaceholderText(translate("Notices", "Search number or client"))
        texts = {
            "mark": translate("Notices", "Mark status…"),
            "send": translate("Notices", "Send by e-mail…"),
            "pdf": translate("Notices", "Open PDF"),
            "export": translate("Notices", "Export PDF…"),
            "contact": translate("Notices", "Contact…"),
            "client": translate("Notices", "Open client"),
        }
        buttons = {
            "mark": self.mark_button,
            "send": self.send_button,
            "pdf": self.pdf_button,
            "export": self.export_button,
            "contact": self.contact_button,
            "client": self.client_button,
        }
        for key, text in texts.items():
            buttons[key].setText(text)
            self._actions[key].setText(text)
        self.mark_button.setToolTip(
            translate(
                "Notices",
                "Record a delivery made outside RiskDesk (SMS, system message, by hand) or the "
                "client's receipt and confirmation; audited, statuses only move forward",
            )
        )
        self.model.retranslate()
        self.history_model.retranslate()
        self._update_texts()

    # ----------------------------------------------------------------- reading back
    @property
    def data(self) -> NoticesData | None:
        return self._data

    @property
    def history(self) -> ClientNoticeHistory | None:
        return self._history

    def selected_numbers(self) -> list[str]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [str(self.model.raw_value(r, "number")) for r in rows]

    def _current(self, key: str) -> Any:
        index = self.view.currentIndex()
        return self.model.raw_value(index.row(), key) if index.isValid() else None

    def select_number(self, number: str) -> bool:
        """Make the notice ``number`` the current, selected row."""
        for row in range(self.model.rowCount()):
            if self.model.raw_value(row, "number") == number:
                self.view.selectRow(row)
                self.view.setCurrentIndex(self.model.index(row, 0))
                return True
        return False

    # ----------------------------------------------------------------- filters
    def _request_reload(self) -> None:
        self._stale = True
        if self.isVisible():
            self.reload()

    def _on_client(self) -> None:
        self._request_reload()

    def _fill_days(self, days: tuple[date, ...]) -> None:
        combo = self.day_combo
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for day in days:
            combo.addItem(day.isoformat(), day)
        combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
        combo.blockSignals(False)

    # ----------------------------------------------------------------- texts
    def _update_texts(self) -> None:
        if not self.is_loading:
            self.subtitle_label.setText(
                translate(
                    "Notices",
                    "Margin-call and forced-close notices: delivery status and history "
                    "(every change is audited)",
                )
            )
        self._update_counts()
        self._update_history_title()

    def _update_counts(self) -> None:
        shown, loaded = self.model.rowCount(), self.model.total_rows
        text = row_count_text(shown, loaded)
        total = self._data.table.total if self._data else 0
        if total > loaded:
            text = (
                translate("Notices", "the newest %1 of %2 notices")
                .replace("%1", f"{loaded:,}")
                .replace("%2", f"{total:,}")
                + " · "
                + text
            )
        self.count_label.setText(text)
        self._update_actions()
        self.status_changed.emit()

    def _update_actions(self) -> None:
        any_selected = bool(self.view.selectionModel().selectedRows())
        one = self.view.currentIndex().isValid()
        enabled = {
            "mark": any_selected,
            "send": any_selected,
            "pdf": one,
            "export": any_selected,
            "contact": one,
            "client": one,
        }
        buttons = {
            "mark": self.mark_button,
            "send": self.send_button,
            "pdf": self.pdf_button,
            "export": self.export_button,
            "contact": self.contact_button,
            "client": self.client_button,
        }
        for key, on in enabled.items():
            buttons[key].setEnabled(on)
            self._actions[key].setEnabled(on)

    def _update_history_title(self) -> None:
        number = self._current("number")
        history = self._history
        if number is None or history is None:
            self.history_title.setText(translate("Notices", "History: select a notice"))
            return
        text = (
            translate("Notices", "History of %1 · client %2 %3 · e-mail %4 · mobile %5")
            .replace("%1", str(number))
            .replace("%2", history.client_code)
            .replace("%3", history.client_name)
            .replace("%4", history.email or "—")
            .replace("%5", history.phone or "—")
        )
        self.history_title.setText(text)

    # ----------------------------------------------------------------- history
    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_actions()
        if not current.isValid():
            self._history = None
            self.history_model.set_frame(history_frame_empty())
            self._update_history_title()
            return
        client = str(self.model.raw_value(current.row(), "client_code"))
        number = str(self.model.raw_value(current.row(), "number"))
        self._history_generation += 1
        generation = self._history_generation

        def done(result: tuple[ClientNoticeHistory, pd.DataFrame]) -> None:
            if generation == self._history_generation:
                self._history, frame = result
                self.history_model.set_frame(frame)
                self._update_history_title()

        def load(reader: Reader) -> tuple[ClientNoticeHistory, pd.DataFrame]:
            history = notice_history(reader, client)
            return history, history_frame(history, number)

        run_query(self.ctx, load, done, owner=self, on_failure=self._show_failure)

    def _show_failure(self, exc: RiskDeskError) -> None:
        self.banner.set_message(html_text(str(exc)), "danger")

    # ----------------------------------------------------------------- drill-down
    def open_client(self) -> None:
        client, day = self._current("client_code"), self._current("trading_day")
        if client is not None:
            self.ctx.bus.client_requested.emit(str(client), day)

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_client()

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 (Qt override)
        if (
            watched is self.view
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.open_client()
            return True
        return super().eventFilter(watched, event)

    # ----------------------------------------------------------------- mark
    def ask_mark(self) -> MarkDialog | None:
        """The mark dialog over the selected notices: only the statuses every one of
        them may move to are offered (``core.rules.notice_status``)."""
        numbers = self.selected_numbers()
        if not numbers:
            return None
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        current = [str(self.model.raw_value(r, "status")) for r in rows]
        allowed = [
            s
            for s in HAND_STATUSES
            if all(s in next_statuses(c) for c in current)  # type: ignore[arg-type]
        ]
        if not allowed:
            self.banner.set_message(
                html_text(
                    translate(
                        "Notices",
                        "No status can follow for all of these notices: a confirmed notice "
                        "is final, and statuses only move forward.",
                    )
                ),
                "warning",
            )
            return None
        dialog = MarkDialog(self, numbers, allowed)
        dialog.chosen.connect(lambda choice: self.mark(numbers, choice))
        dialog.finished.connect(dialog.deleteLater)
        self.mark_dialog = dialog
        dialog.open()
        return dialog

    def mark(self, numbers: list[str], choice: MarkChoice) -> None:
        """Record ``choice`` for each of ``numbers`` through the write door (one audited
        ``notice.mark`` each), on the write worker."""
        db, user = self.ctx.db, self.ctx.config.user

        def op(_progress: ProgressState) -> tuple[MarkOutcome, Changes]:
            changes = Changes.none()
            marked, refused = [], []
            for number in numbers:
                try:
                    _summary, changed = mark_notice(
                        db,
                        number,
                        choice.status,  # type: ignore[arg-type]
                        choice.channel,  # type: ignore[arg-type]
                        note=choice.note,
                        user=user,
                    )
                except RiskDeskError as exc:
                    refused.append((number, str(exc)))
                    continue
                marked.append(number)
                changes |= changed
            return MarkOutcome(tuple(marked), tuple(refused)), changes

        run_op(self.ctx, self, translate("Notices", "Recording"), capture(op), self._marked)

    def _marked(self, outcome: OpOutcome[MarkOutcome]) -> None:
        if not notice_actions.outcome_message(outcome, self.banner):
            return
        result = outcome.value
        assert result is not None
        text = translate("Notices", "Recorded for %1 notice(s).").replace(
            "%1", f"{len(result.marked):,}"
        )
        lines = [html_text(text)] + [html_text(f"{n}: {why}") for n, why in result.refused[:5]]
        self.banner.set_message("<br>".join(lines), "danger" if result.refused else "success")

    # ----------------------------------------------------------------- send
    def ask_send(self) -> QMessageBox | None:
        numbers = self.selected_numbers()
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        statuses = [str(self.model.raw_value(r, "status")) for r in rows]
        ready = [n for n, s in zip(numbers, statuses, strict=True) if can_move(s, "sent")]  # type: ignore[arg-type]
        if not ready:
            self.banner.set_message(
                html_text(translate("Notices", "These notices were sent already.")), "warning"
            )
            return None
        notes = []
        if len(ready) < len(numbers):
            notes.append(
                translate("Notices", "%1 notice(s) were sent already.").replace(
                    "%1", f"{len(numbers) - len(ready):,}"
                )
            )
        self.send_question = notice_actions.ask_send(self, self.ctx, self.banner, ready, notes)
        return self.send_question

    # ----------------------------------------------------------------- PDF
    def open_pdf(self) -> None:
        """Render the current notice into a temporary file and open it (a read)."""
        number = self._current("number")
        if number is None:
            return
        if self._pdf_dir is None:
            self._pdf_dir = Path(tempfile.mkdtemp(prefix="riskdesk-notices-"))
        folder, numbers = self._pdf_dir, [str(number)]

        def load(reader: Reader) -> str:
            try:
                (path,) = write_notice_pdfs(notice_documents(reader, numbers), folder)
            except OSError as exc:
                raise RiskDeskError(f"{folder}: cannot write: {exc.strerror or exc}") from None
            return str(path)

        def done(path: str) -> None:
            self.opened.append(path)
            if not open_file(path):
                self.banner.set_message(
                    html_text(translate("Notices", "No PDF viewer opened %1").replace("%1", path)),
                    "warning",
                )

        run_query(self.ctx, load, done, owner=self, on_failure=self._show_failure)

    def ask_export(self) -> None:
        numbers = self.selected_numbers()
        if not numbers:
            return
        folder = QFileDialog.getExistingDirectory(
            self, translate("Notices", "Export notices as PDF to"), str(Path.home())
        )
        if folder:
            self.export(numbers, Path(folder))

    def export(self, numbers: list[str], folder: Path) -> None:
        """Write ``numbers`` as PDF files into ``folder`` (audited ``export.notices``)."""
        db, user, names = self.ctx.db, self.ctx.config.user, notice_actions.stage_names()

        def op(progress: ProgressState) -> tuple[list[Path], Changes]:
            staged = StageNamedProgress(progress, names)
            return export_notice_pdfs(db, numbers, folder, user=user, progress=staged)

        def done(outcome: OpOutcome[list[Path]]) -> None:
            if notice_actions.outcome_message(outcome, self.banner):
                paths = outcome.value or []
                self.banner.set_message(
                    html_text(
                        translate("Notices", "Wrote %1 PDF file(s) to %2")
                        .replace("%1", f"{len(paths):,}")
                        .replace("%2", str(folder))
                    ),
                    "success",
                )

        run_op(self.ctx, self, translate("Notices", "Writing PDF files"), capture(op), done)

    # ----------------------------------------------------------------- contact
    def ask_contact(self) -> ContactDialog | None:
        client = self._current("client_code")
        if client is None:
            return None
        history = self._history if self._history and self._history.client_code == client else None
        dialog = ContactDialog(
            self,
            str(client),
            (history.email or "") if history else "",
            (history.phone or "") if history else "",
        )
        dialog.chosen.connect(lambda choice: self.save_contact(str(client), choice))
        dialog.finished.connect(dialog.deleteLater)
        self.contact_dialog = dialog
        dialog.open()
        return dialog

    def save_contact(self, client: str, choice: ContactChoice) -> None:
        """Store the client's e-mail and mobile (audited ``notice.contact``)."""
        db, user = self.ctx.db, self.ctx.config.user

        def op(_progress: ProgressState) -> tuple[None, Changes]:
            return set_client_contact(db, client, email=choice.email, phone=choice.phone, user=user)

        def done(outcome: OpOutcome[None]) -> None:
            if outcome.refused:
                self.banner.set_message(html_text(outcome.message), "danger")
            elif outcome.succeeded:
                self.banner.set_message(
                    html_text(translate("Notices", "Contact of %1 saved.").replace("%1", client)),
                    "success",
                )

        run_op(self.ctx, self, translate("Notices", "Recording"), capture(op), done)


def history_frame_empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["at", "at_local", "status", "channel", "user", "detail"])


def create(ctx: DesktopContext, parent: QWidget | None = None) -> NoticesScreen:
    return NoticesScreen(ctx, parent)
