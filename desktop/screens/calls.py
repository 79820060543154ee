"""Margin calls (追加保证金): the full call list of a settled day, or intraday from the
live monitor's snapshot, with each client's notice of the day; notices generated and
e-mailed from the list.

The list is ``core.services.calls``' (through ``core.services.call_desk``): every client
at the chosen level or worse, never a top-N, in a virtual table (100,000 rows are a
numpy frame, only the visible cells are formatted). The level filter and the target
(available funds / risk ratio / both, target ratio) are the service's request, so the
summary line's counts and total are the service's too. Intraday, the list is made from
the snapshot the monitor's call card was computed from (``ctx.live``): the card and the
list are one computation on one snapshot; the list does not move under the user until
Refresh.

Actions (on the selected rows, or on every listed row): generate notices (追加保证金
通知书 / 强行平仓通知书, ``core.services.notices.generate_notices``) and send them by
e-mail (``core.services.notice_delivery.send_notices``, SMTP settings from the settings
file, the password from the environment or a password file, never the database), both
on the write worker with progress; a client's notice history (the Notices screen,
filtered); double-click, Enter or "Open client" asks for the client panel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.changes import Changes
from core.errors import InputError
from core.money import format_yuan
from core.progress import ProgressState
from core.rules.margin_calls import CALL_TARGETS, CallSettings, default_call_settings
from core.rules.risk_levels import (
    LEVEL_NAMES,
    MARGIN_CALL,
    NORMAL,
    default_risk_levels,
)
from core.services.call_desk import (
    CallView,
    intraday_call_view,
    notice_selection,
    notices_to_send,
    parse_target_ratio,
    proposed_kind,
    settled_call_view,
    settled_days,
)
from core.services.calls import CallRequest
from core.services.notices import GenerateRequest, GenerateResult, generate_notices
from core.services.store import Reader
from core.trading_calendar import EXCHANGE_TZ
from desktop import palette
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.columns import Column, Kind, ppm_text
from desktop.models.frame_table import TintedFrameModel
from desktop.models.levels import CONTEXT as LEVELS_CONTEXT
from desktop.models.levels import LEVEL_FILTERS, LEVEL_LABELS, level_column
from desktop.screens import notice_actions
from desktop.screens.base import Screen
from desktop.screens.notice_actions import html_text
from desktop.screens.notice_dialogs import GenerateChoice, GenerateDialog
from desktop.screens.notice_text import CONTEXT as NOTICES_CONTEXT
from desktop.screens.notice_text import KIND_LABELS, STATUS_BRUSHES, STATUS_LABELS
from desktop.screens.ops_outcome import OpOutcome, StageNamedProgress, capture
from desktop.screens.table_screen import row_count_text
from desktop.tasks import run_op
from desktop.widgets.banner import Banner
from desktop.widgets.data_table import DataTableView

CALL_COLUMNS = (
    Column("client_code", QT_TRANSLATE_NOOP("Columns", "Client code"), Kind.CODE, 88),
    Column("client_name", QT_TRANSLATE_NOOP("Columns", "Client name"), Kind.TEXT, 120),
    Column("member_code", QT_TRANSLATE_NOOP("Columns", "Member"), Kind.CODE, 60),
    level_column(96),
    Column("risk_ratio_ppm", QT_TRANSLATE_NOOP("Columns", "Risk ratio"), Kind.PPM, 76),
    Column("equity_fen", QT_TRANSLATE_NOOP("Columns", "Equity (CNY)"), Kind.MONEY, 100),
    Column("margin_fen", QT_TRANSLATE_NOOP("Columns", "Margin (CNY)"), Kind.MONEY, 100),
    Column("available_fen", QT_TRANSLATE_NOOP("Columns", "Available (CNY)"), Kind.MONEY, 116),
    Column(
        "call_fen",
        QT_TRANSLATE_NOOP("Columns", "To call (CNY)"),
        Kind.MONEY,
        108,
        mute_zero=True,
    ),
    Column("deadline", QT_TRANSLATE_NOOP("Columns", "Deadline"), Kind.TEXT, 122),
    Column(
        "notice_status",
        QT_TRANSLATE_NOOP("Columns", "Notice"),
        Kind.ENUM,
        108,
        labels=STATUS_LABELS,
        label_context=NOTICES_CONTEXT,
        value_brushes=STATUS_BRUSHES,
    ),
    Column("notice_number", QT_TRANSLATE_NOOP("Columns", "Notice no."), Kind.CODE, 120),
)
FILTER_KEYS = ("client_code", "client_name", "member_code")
BASES = (
    ("settled", QT_TRANSLATE_NOOP("Calls", "After settlement")),
    ("intraday", QT_TRANSLATE_NOOP("Calls", "Intraday (live monitor)")),
)
TARGETS = {
    "available": QT_TRANSLATE_NOOP("Calls", "Available funds ≥ 0"),
    "risk_ratio": QT_TRANSLATE_NOOP("Calls", "Risk ratio back to the target"),
    "both": QT_TRANSLATE_NOOP("Calls", "Both (the larger)"),
}
DEFAULT_LEVEL_FILTER = [level for level, _ in LEVEL_FILTERS].index(MARGIN_CALL)


@dataclass(frozen=True)
class CallsData:
    """A loaded list: the service's view and the rows as the table shows them."""

    view: CallView
    frame: pd.DataFrame


def shape(view: CallView) -> CallsData:
    """Worker thread: the display columns (the level code under the level column's key,
    the deadline as exchange time)."""
    rows = view.rows
    deadline = view.calls.deadline.astimezone(EXCHANGE_TZ).strftime("%Y-%m-%d %H:%M")
    frame = rows.assign(
        risk_level=rows["level"].to_numpy(),
        deadline=np.full(len(rows), deadline, dtype=object),
    )
    return CallsData(view, frame)


def open_file(path: str) -> bool:
    """Hand ``path`` to the desktop's viewer (tests replace this)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


class CallsScreen(Screen):
    """Toolbar (basis, day, target), summary, filters, actions and the call list."""

    watched = ("clients", "balances", "notices")
    navigate_requested = Signal(str)
    """Another screen to show: the Notices screen filtered to a client."""

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "calls", parent)
        self._data: CallsData | None = None
        self._basis = "settled"
        self._day: date | None = None  # None: the last settled day
        self._settings: CallSettings = default_call_settings()
        self._levels = default_risk_levels()
        self._error = ""
        self.generate_dialog: GenerateDialog | None = None
        self.send_question: QMessageBox | None = None

        self.title_label = QLabel()
        self.title_label.setObjectName("screenTitle")
        self.subtitle_label = QLabel()
        self.subtitle_label.setObjectName("screenSubtitle")
        self._build_toolbar()
        self.banner = Banner("calls_error", self)
        self.result_banner = Banner("calls_result", self)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("callSummary")
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._build_table()
        self._build_actions()
        self._layout()
        ctx.live.changed.connect(self._on_live_changed)
        self.retranslate()
        self._on_live_changed()

    # ----------------------------------------------------------------- building
    def _build_toolbar(self) -> None:
        self.basis_label = QLabel()
        self.basis_combo = QComboBox()
        self.basis_combo.setObjectName("basisCombo")
        for key, _label in BASES:
            self.basis_combo.addItem("", key)
        self.day_label = QLabel()
        self.day_combo = QComboBox()
        self.day_combo.setObjectName("dayCombo")
        self.day_combo.setMinimumWidth(110)
        self.target_label = QLabel()
        self.target_combo = QComboBox()
        self.target_combo.setObjectName("targetCombo")
        for key in CALL_TARGETS:
            self.target_combo.addItem("", key)
        self.target_combo.setCurrentIndex(self.target_combo.findData(self._settings.target))
        self.ratio_label = QLabel()
        self.ratio_edit = QLineEdit()
        self.ratio_edit.setObjectName("targetRatioEdit")
        self.ratio_edit.setMaximumWidth(90)
        if self._settings.target_ratio_ppm is not None:
            self.ratio_edit.setText(ppm_text(self._settings.target_ratio_ppm).rstrip("%"))
        self.ratio_edit.setEnabled(self._settings.target != "available")
        self.refresh_button = QPushButton()
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.setShortcut(QKeySequence("Ctrl+R"))
        self.basis_combo.currentIndexChanged.connect(self._on_basis)
        self.day_combo.activated.connect(self._on_day)
        self.target_combo.currentIndexChanged.connect(self._on_target)
        self.ratio_edit.editingFinished.connect(self._on_target)
        self.refresh_button.clicked.connect(self.refresh)

    def _build_table(self) -> None:
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(200)
        self.level_combo = QComboBox()
        self.level_combo.setObjectName("levelCombo")
        for level, _label in LEVEL_FILTERS:
            self.level_combo.addItem("", level)
        self.level_combo.setCurrentIndex(DEFAULT_LEVEL_FILTER)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.model = TintedFrameModel(
            CALL_COLUMNS,
            self,
            flag_key="risk_level",
            tints=palette.LEVEL_TINTS,
            filter_keys=FILTER_KEYS,
        )
        self.view = DataTableView(self.ctx.settings, "calls", self)
        self.view.setModel(self.model)
        self.view.apply_default_widths(CALL_COLUMNS, "client_name")
        if not self.view.restore_header():
            # the service's order: worst level first, the largest call within it
            self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.doubleClicked.connect(self._on_double_click)
        self.view.installEventFilter(self)
        self.model.modelReset.connect(self._update_counts)
        selection = self.view.selectionModel()
        selection.selectionChanged.connect(lambda *_: self._update_actions())
        selection.currentRowChanged.connect(lambda *_: self._update_actions())
        self.filter_edit.textChanged.connect(self.model.set_text_filter)
        self.level_combo.currentIndexChanged.connect(lambda _i: self._request_reload())

    def _build_actions(self) -> None:
        self.generate_button = QPushButton()
        self.generate_button.setObjectName("generateButton")
        self.send_button = QPushButton()
        self.send_button.setObjectName("sendButton")
        self.history_button = QPushButton()
        self.history_button.setObjectName("historyButton")
        self.client_button = QPushButton()
        self.client_button.setObjectName("openClientButton")
        self.generate_button.clicked.connect(self.ask_generate)
        self.send_button.clicked.connect(self.ask_send)
        self.history_button.clicked.connect(self.open_history)
        self.client_button.clicked.connect(self.open_client)
        self.open_client_action = QAction(self)
        self.open_client_action.triggered.connect(self.open_client)
        self.history_action = QAction(self)
        self.history_action.triggered.connect(self.open_history)
        self.generate_action = QAction(self)
        self.generate_action.triggered.connect(self.ask_generate)
        self.send_action = QAction(self)
        self.send_action.triggered.connect(self.ask_send)
        # First in the table's context menu, above its copy, export and filters.
        self.view.add_row_actions(
            [self.open_client_action, self.history_action, self.generate_action, self.send_action]
        )

    def _layout(self) -> None:
        head = QHBoxLayout()
        head.addWidget(self.title_label)
        head.addSpacing(12)
        head.addWidget(self.subtitle_label, 1, Qt.AlignmentFlag.AlignBottom)
        bar = QHBoxLayout()
        bar.setSpacing(6)
        widgets: tuple[QWidget, ...] = (
            self.basis_label,
            self.basis_combo,
            self.day_label,
            self.day_combo,
            self.target_label,
            self.target_combo,
            self.ratio_label,
            self.ratio_edit,
        )
        for i, w in enumerate(widgets):
            if i == 4:
                bar.addSpacing(12)
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.refresh_button)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(self.filter_edit)
        filters.addWidget(self.level_combo)
        filters.addSpacing(12)
        for button in (
            self.generate_button,
            self.send_button,
            self.history_button,
            self.client_button,
        ):
            filters.addWidget(button)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.result_banner)
        layout.addWidget(self.summary_label)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)

    # ----------------------------------------------------------------- Screen
    def build_query(self) -> Callable[[Reader], Any]:
        level = self.level_combo.currentData()
        request = CallRequest(
            day=self._day,
            min_level=NORMAL if level is None else int(level),
            settings=self._settings,
            levels=self._levels,
        )
        live = self.ctx.live.latest() if self._basis == "intraday" else None
        if live is None:

            def settled(reader: Reader) -> CallsData | None:
                # a new database has nothing settled: the screen says so, no error box
                return shape(settled_call_view(reader, request)) if settled_days(reader) else None

            return settled
        intraday = replace(request, day=None)
        snapshot, names = live.snapshot, live.client_names
        member, base = live.member_code, live.base_day

        def load(reader: Reader) -> CallsData:
            view = intraday_call_view(
                reader, snapshot, intraday, names=names, member=member, notice_day=base
            )
            return shape(view)

        return load

    def apply(self, result: Any) -> None:
        if result is None:
            self._show_nothing_settled()
            return
        assert isinstance(result, CallsData)
        self._data = result
        self._error = ""
        self.banner.clear()
        self.model.set_frame(result.frame)
        # One member (a firm's usual database): its code on every row says nothing.
        members = result.frame["member_code"]
        self.view.setColumnHidden(
            self.model.column_of("member_code"), len(members) > 0 and members.nunique() <= 1
        )
        self._fill_days(result.view.days)
        self._update_texts()

    def load_failed(self, exc: Exception) -> None:
        # a day without balances, a bad request: said on the screen, not in a box
        self._data = None
        self._error = str(exc)
        self.model.set_frame(pd.DataFrame(columns=[c.key for c in CALL_COLUMNS]))
        self._update_texts()

    def _show_nothing_settled(self) -> None:
        self._data = None
        self._error = ""
        self.model.set_frame(pd.DataFrame(columns=[c.key for c in CALL_COLUMNS]))
        self._fill_days(())
        self._update_texts()
        self.banner.set_message(
            html_text(
                translate(
                    "Calls",
                    "No settled day yet: margin calls are listed after the daily settlement "
                    "(%1), or intraday from the live risk monitor.",
                ).replace("%1", translate("Screens", "Daily settlement"))
            ),
            "info",
        )

    def loading_started(self) -> None:
        self.subtitle_label.setText(translate("Calls", "Loading…"))
        self._update_actions()

    def trading_day(self) -> date | None:
        return self._data.view.calls.trading_day if self._data else None

    def status_text(self) -> str:
        return self.count_label.text()

    def navigate_to(self, argument: str) -> None:
        """``"intraday"``: the live monitor's list (when a live day is loaded);
        ``"settled"``: the last settled day's."""
        basis = "intraday" if argument == "intraday" and self.ctx.live.latest() else "settled"
        self._day = None
        self.basis_combo.blockSignals(True)
        self.basis_combo.setCurrentIndex(self.basis_combo.findData(basis))
        self.basis_combo.blockSignals(False)
        self._basis = basis
        self._request_reload()

    def role_gates(self) -> Sequence[tuple[str, Sequence[QWidget | QAction]]]:
        return (
            ("notice.generate", (self.generate_button, self.generate_action)),
            ("notice.send", (self.send_button, self.send_action)),
        )

    def retranslate(self) -> None:
        self.title_label.setText(translate("Screens", "Margin calls"))
        self.basis_label.setText(translate("Calls", "Figures"))
        for i, (_key, label) in enumerate(BASES):
            self.basis_combo.setItemText(i, translate("Calls", label))
        self.day_label.setText(translate("Calls", "Settled day"))
        self.target_label.setText(translate("Calls", "Call target"))
        for i, key in enumerate(CALL_TARGETS):
            self.target_combo.setItemText(i, translate("Calls", TARGETS[key]))
        self.ratio_label.setText(translate("Calls", "Target ratio (%)"))
        self.ratio_edit.setPlaceholderText(ppm_text(self._levels.warning_ppm).rstrip("%"))
        self.ratio_edit.setToolTip(
            translate("Calls", "Empty: the warning threshold (%1)").replace(
                "%1", ppm_text(self._levels.warning_ppm)
            )
        )
        self.refresh_button.setText(translate("Calls", "Refresh"))
        self.refresh_button.setToolTip(
            translate("Calls", "Read the list again (intraday: the monitor's newest snapshot)")
        )
        self.filter_edit.setPlaceholderText(translate("Calls", "Filter by client code or name"))
        for i, (_level, label) in enumerate(LEVEL_FILTERS):
            self.level_combo.setItemText(i, translate(LEVELS_CONTEXT, label))
        self.generate_button.setText(translate("Calls", "Generate notices…"))
        self.send_button.setText(translate("Calls", "Send by e-mail…"))
        self.history_button.setText(translate("Calls", "Notice history"))
        self.client_button.setText(translate("Calls", "Open client"))
        self.open_client_action.setText(translate("Calls", "Open client"))
        self.history_action.setText(translate("Calls", "Notice history"))
        self.generate_action.setText(translate("Calls", "Generate notices…"))
        self.send_action.setText(translate("Calls", "Send by e-mail…"))
        self.model.retranslate()
        self._on_live_changed()
        self._update_texts()

    # ----------------------------------------------------------------- reading back
    @property
    def data(self) -> CallsData | None:
        return self._data

    @property
    def basis(self) -> str:
        return self._basis

    def selected_clients(self) -> list[str]:
        """Client codes of the selected rows, in view order."""
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [str(self.model.raw_value(r, "client_code")) for r in rows]

    def listed_clients(self) -> list[str]:
        """Client codes of every row the table shows (after the search), in view order."""
        return [str(self.model.raw_value(r, "client_code")) for r in range(self.model.rowCount())]

    def current_client(self) -> str | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return str(self.model.raw_value(index.row(), "client_code"))

    # ----------------------------------------------------------------- controls
    def refresh(self) -> None:
        self.reload()

    def _request_reload(self) -> None:
        self._stale = True
        if self.isVisible():
            self.reload()

    def _on_basis(self, _index: int) -> None:
        self._basis = str(self.basis_combo.currentData())
        self._request_reload()

    def _on_day(self, _index: int) -> None:
        day = self.day_combo.currentData()
        self._day = day if isinstance(day, date) else None
        self._request_reload()

    def _on_target(self, *_args: object) -> None:
        target = str(self.target_combo.currentData())
        self.ratio_edit.setEnabled(target != "available")
        try:
            ratio = parse_target_ratio(self.ratio_edit.text())
        except InputError as exc:
            # the list stays as it was: only a valid setting is applied
            self.banner.set_message(
                translate("Calls", "Target ratio: %1").replace("%1", html_text(exc.message)),
                "danger",
            )
            return
        self.banner.clear()
        settings = CallSettings(target=target, target_ratio_ppm=ratio)  # type: ignore[arg-type]
        if settings != self._settings:
            self._settings = settings
            self._request_reload()

    def _on_live_changed(self) -> None:
        live = self.ctx.live.latest()
        item = self.basis_combo.model().item(1)  # type: ignore[attr-defined]
        item.setEnabled(live is not None)
        item.setToolTip(
            ""
            if live is not None
            else translate("Calls", "Start the live risk monitor to list intraday calls")
        )
        if live is None and self._basis == "intraday":
            self.navigate_to("settled")

    def _fill_days(self, days: Sequence[date]) -> None:
        combo = self.day_combo
        combo.blockSignals(True)
        combo.clear()
        for day in days:
            combo.addItem(day.isoformat(), day)
        shown = self._data.view.calls.trading_day if self._data else None
        if self._basis == "settled" and shown is not None:
            combo.setCurrentIndex(max(combo.findData(shown), 0))
        combo.setEnabled(self._basis == "settled")
        combo.blockSignals(False)

    # ----------------------------------------------------------------- texts
    def _update_texts(self) -> None:
        self._update_subtitle()
        self._update_summary()
        self._update_counts()
        self._update_actions()
        if self._error:
            self.banner.set_message(html_text(self._error), "danger")

    def _update_subtitle(self) -> None:
        if self.is_loading:
            return
        data = self._data
        if data is None:
            self.subtitle_label.setText("")
            return
        view = data.view
        deadline = view.calls.deadline.astimezone(EXCHANGE_TZ).strftime("%Y-%m-%d %H:%M")
        if view.calls.basis == "settled":
            text = translate("Calls", "After the settlement of %1 · due by %2 (Beijing time)")
        else:
            as_of = view.live_as_of.astimezone(EXCHANGE_TZ) if view.live_as_of else None
            text = translate(
                "Calls", "Intraday %1, live snapshot of %3 · due by %2 (Beijing time)"
            ).replace("%3", as_of.strftime("%H:%M:%S") if as_of else "—")
        text = text.replace("%1", view.calls.trading_day.isoformat()).replace("%2", deadline)
        self.subtitle_label.setText(text)

    def _update_summary(self) -> None:
        data = self._data
        if data is None:
            self.summary_label.setText("")
            return
        calls = data.view.calls
        parts = []
        for level in range(len(LEVEL_NAMES)):
            n = calls.counts.get(LEVEL_NAMES[level], 0)
            colour = palette.LEVEL_COLOURS.get(level, palette.MUTED) if n else palette.MUTED
            label = html_text(translate(LEVELS_CONTEXT, LEVEL_LABELS[level]))
            parts.append(f'<span style="color:{colour}">{label} {n:,}</span>')
        listed = (
            translate("Calls", "Listed %1 · to call %2 · total to call %3 CNY")
            .replace("%1", f"{len(calls.calls):,}")
            .replace("%2", f"{calls.called:,}")
            .replace("%3", f"<b>{format_yuan(calls.total_call_fen)}</b>")
        )
        accounts = translate("Calls", "Accounts per level (%1 in all):").replace(
            "%1", f"{calls.accounts:,}"
        )
        text = f"{html_text(accounts)} {' · '.join(parts)}&nbsp;&nbsp;&nbsp;&nbsp;{listed}"
        if calls.settings.target != "available":
            text += "&nbsp;&nbsp;·&nbsp;&nbsp;" + html_text(
                translate(
                    "Calls",
                    "Notices ask for the settlement's amount (available funds back to zero)",
                )
            )
        self.summary_label.setText(text)

    def _update_counts(self) -> None:
        self.count_label.setText(row_count_text(self.model.rowCount(), self.model.total_rows))
        self._update_actions()
        self.status_changed.emit()

    def _update_actions(self) -> None:
        loaded = self._data is not None and not self.is_loading and self.model.rowCount() > 0
        settled = self._data is not None and self._data.view.calls.basis == "settled"
        one = self.current_client() is not None
        self.generate_button.setEnabled(loaded and settled)
        self.generate_button.setToolTip(
            ""
            if settled
            else translate(
                "Calls",
                "Notices state the figures of a settlement: list a settled day to generate them",
            )
        )
        self.send_button.setEnabled(loaded)
        self.history_button.setEnabled(loaded and one)
        self.client_button.setEnabled(loaded and one)
        self.generate_action.setEnabled(self.generate_button.isEnabled())
        self.send_action.setEnabled(self.send_button.isEnabled())
        self.history_action.setEnabled(self.history_button.isEnabled())
        self.open_client_action.setEnabled(self.client_button.isEnabled())

    # ----------------------------------------------------------------- drill-down
    def open_client(self) -> None:
        code = self.current_client()
        if code is None or self._data is None:
            return
        calls = self._data.view.calls
        self.ctx.bus.client_requested.emit(
            code, calls.trading_day if calls.basis == "settled" else None
        )

    def open_history(self) -> None:
        code = self.current_client()
        if code is not None:
            self.navigate_requested.emit(f"notices:client={code}")

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

    # ----------------------------------------------------------------- generate
    def _scope(self, scope: str) -> list[str]:
        return self.selected_clients() if scope == "selected" else self.listed_clients()

    def ask_generate(self) -> GenerateDialog | None:
        """Open the dialog (kind, language, channel, selected or listed clients); on OK
        the notices are generated on the write worker."""
        if self._data is None or self._data.view.calls.basis != "settled":
            return None
        rows = self._data.frame

        def describe(kind: str, scope: str) -> tuple[str, bool]:
            sel = notice_selection(rows, self._scope(scope), kind)  # type: ignore[arg-type]
            text = translate("Calls", "%1 client(s) get a notice.").replace(
                "%1", f"{len(sel.due):,}"
            )
            if sel.not_due:
                text += " " + translate(
                    "Calls", "%1 left out: available funds not below zero (no call to notice)."
                ).replace("%1", f"{len(sel.not_due):,}")
            if sel.noticed:
                text += " " + translate(
                    "Calls", "%1 left out: they already hold this notice for the day."
                ).replace("%1", f"{len(sel.noticed):,}")
            return text, bool(sel.due)

        kind = proposed_kind(rows, self.selected_clients())
        dialog = GenerateDialog(
            self, len(self.selected_clients()), self.model.rowCount(), describe, kind=kind
        )
        dialog.chosen.connect(self.generate)
        dialog.finished.connect(dialog.deleteLater)
        self.generate_dialog = dialog
        dialog.open()
        return dialog

    def generate(self, choice: GenerateChoice) -> None:
        """Generate ``choice``'s notices for the clients core's selection allows."""
        if self._data is None:
            return
        view = self._data.view
        sel = notice_selection(self._data.frame, self._scope(choice.scope), choice.kind)  # type: ignore[arg-type]
        if not sel.due or view.notice_day is None:
            self.result_banner.set_message(
                translate("Calls", "No notice to generate for these clients."), "warning"
            )
            return
        request = GenerateRequest(
            day=view.notice_day,
            kind=choice.kind,  # type: ignore[arg-type]
            clients=sel.due,
            lang=choice.lang,  # type: ignore[arg-type]
            channel=choice.channel,  # type: ignore[arg-type]
        )
        db, user = self.ctx.db, self.ctx.config.user
        names = notice_actions.stage_names()

        def op(progress: ProgressState) -> tuple[GenerateResult, Changes]:
            staged = StageNamedProgress(progress, names)
            return generate_notices(db, request, user=user, progress=staged)

        left_out = len(sel.not_due) + len(sel.noticed)
        run_op(
            self.ctx,
            self,
            translate("Calls", "Generating notices"),
            capture(op),
            lambda outcome: self._generated(outcome, left_out),
        )

    def _generated(self, outcome: OpOutcome[GenerateResult], left_out: int) -> None:
        result = outcome.value
        if result is None:
            if outcome.refused:
                self.result_banner.set_message(html_text(outcome.message), "danger")
            return
        numbers = [n.number for n in result.notices]
        shown = ", ".join(numbers[:4]) + (" …" if len(numbers) > 4 else "")
        text = (
            translate("Calls", "Generated %1 %2: %3.")
            .replace("%1", f"{len(numbers):,}")
            .replace("%2", translate(NOTICES_CONTEXT, KIND_LABELS[result.notices[0].kind]))
            .replace("%3", shown)
            if numbers
            else translate("Calls", "No notice generated.")
        )
        if left_out:
            text += " " + translate("Calls", "%1 client(s) left out.").replace(
                "%1", f"{left_out:,}"
            )
        self.result_banner.set_message(html_text(text), "success" if numbers else "warning")

    # ----------------------------------------------------------------- send
    def ask_send(self) -> QMessageBox | None:
        """Ask before e-mailing the notices of the selected (else every listed) clients;
        on Yes they are sent on the write worker (``notice_actions``)."""
        if self._data is None:
            return None
        clients = self.selected_clients() or self.listed_clients()
        sel = notices_to_send(self._data.frame, clients)
        if not sel.numbers:
            self.result_banner.set_message(
                translate(
                    "Calls",
                    "No notice to send: generate the notices first (or they were sent already).",
                ),
                "warning",
            )
            return None
        notes = []
        if sel.without:
            notes.append(
                translate("Calls", "%1 client(s) have no notice yet.").replace(
                    "%1", f"{len(sel.without):,}"
                )
            )
        if sel.delivered:
            notes.append(
                translate("Calls", "%1 notice(s) were sent already.").replace(
                    "%1", f"{len(sel.delivered):,}"
                )
            )
        self.send_question = notice_actions.ask_send(
            self, self.ctx, self.result_banner, sel.numbers, notes
        )
        return self.send_question


def create(ctx: DesktopContext, parent: QWidget | None = None) -> CallsScreen:
    return CallsScreen(ctx, parent)
