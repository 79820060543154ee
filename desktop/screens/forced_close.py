"""Client forced close (强平单): the close orders of one client or of every due client
after a settled day, with the least over-release, explained, editable by hand, exported.

Figures come from ``core.services.forced_close``: the preview (``forced_close_view``,
on a read worker with progress: the batch of every due client takes about a second on
100,000 accounts) and the audited export (``export_orders``, on the write worker).
Hand edits are reviewed by ``core.services.forced_close_desk.DeskOrders`` on the edited
client alone (``review_edits``: milliseconds, on the GUI thread), so the warnings
follow each keystroke. The deadline is the call's (``is_past_deadline``): before it
the orders are a preview only, and the screen says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

import pandas as pd
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from core import worker_pool
from core.changes import Changes
from core.errors import RiskDeskError
from core.money import bp_to_str, format_yuan
from core.rules.client_forced_close import default_close_settings
from core.rules.margin_calls import CallTarget, default_call_settings
from core.rules.risk_levels import default_risk_levels
from core.services.forced_close import (
    ForcedCloseRequest,
    ForcedCloseView,
    export_orders,
    forced_close_view,
    order_table,
)
from core.services.forced_close_desk import DeskOrders
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.columns import SIDE_LABELS, Column, Kind, ppm_text
from desktop.models.frame_table import TintedFrameModel
from desktop.models.lots_edit import LotsEditModel, RefreshableFrameModel
from desktop.palette import DANGER_ROW_BRUSH, DIFF_BRUSH, RED, WARN_ROW_BRUSH
from desktop.screens.reduction import SHORT_HEDGE_LABELS
from desktop.screens.workbench_common import WorkbenchScreen, empty_frame
from desktop.widgets.banner import Banner
from desktop.widgets.data_combo import data_combo, refill_combo
from desktop.widgets.data_table import ROW_HEIGHT
from desktop.widgets.facts_panel import FactsPanel
from desktop.widgets.sections import column, section_title, splitter

CONTEXT = "ForcedClose"

STATUS_LABELS = {
    "nothing_due": QT_TRANSLATE_NOOP("ForcedClose", "Nothing to release"),
    "close_all": QT_TRANSLATE_NOOP("ForcedClose", "Every line closed"),
    "one_line": QT_TRANSLATE_NOOP("ForcedClose", "Optimal (one line)"),
    "certified": QT_TRANSLATE_NOOP("ForcedClose", "Optimal (bounds)"),
    "searched": QT_TRANSLATE_NOOP("ForcedClose", "Optimal (search)"),
    "budget": QT_TRANSLATE_NOOP("ForcedClose", "Best within budget"),
    "edited": QT_TRANSLATE_NOOP("ForcedClose", "Edited by hand"),
}
"""``core.rules.client_forced_close.STATUSES`` and the desk's ``edited``."""
METHOD_LABELS = {
    "proposal": QT_TRANSLATE_NOOP("ForcedClose", "Proposal"),
    "best_single_line": QT_TRANSLATE_NOOP("ForcedClose", "One line"),
    "largest_remainder": QT_TRANSLATE_NOOP("ForcedClose", "Largest remainder"),
    "same_ratio": QT_TRANSLATE_NOOP("ForcedClose", "Same ratio"),
    "fewest_lots": QT_TRANSLATE_NOOP("ForcedClose", "Fewest lots"),
}
TARGET_LABELS = {
    "available": QT_TRANSLATE_NOOP("ForcedClose", "Available funds ≥ 0"),
    "risk_ratio": QT_TRANSLATE_NOOP("ForcedClose", "Risk ratio ≤ %1"),
    "both": QT_TRANSLATE_NOOP("ForcedClose", "Both"),
}
TARGETS: tuple[CallTarget, ...] = ("available", "risk_ratio", "both")


def _money(key: str, header: str, width: int, **extra: Any) -> Column:
    return Column(key, header, Kind.MONEY, width, **extra)


CLIENT_COLUMNS = (
    Column("client_code", QT_TRANSLATE_NOOP("Columns", "Client"), Kind.CODE, 84),
    _money("required_fen", QT_TRANSLATE_NOOP("Columns", "Required (CNY)"), 122),
    _money("released_fen", QT_TRANSLATE_NOOP("Columns", "Released (CNY)"), 122),
    Column("ratio_bp", QT_TRANSLATE_NOOP("Columns", "Released ÷ required"), Kind.BP, 146),
    _money("over_release_fen", QT_TRANSLATE_NOOP("Columns", "Over-release (CNY)"), 146),
    _money("shortfall_fen", QT_TRANSLATE_NOOP("Columns", "Shortfall (CNY)"), 122, mute_zero=True),
    Column("close_lots", QT_TRANSLATE_NOOP("Columns", "Lots"), Kind.INT, 48),
    Column("lines", QT_TRANSLATE_NOOP("Columns", "Lines"), Kind.INT, 48),
    Column(
        "status",
        QT_TRANSLATE_NOOP("Columns", "Status"),
        Kind.ENUM,
        128,
        labels=STATUS_LABELS,
        label_context=CONTEXT,
    ),
    Column("client_name", QT_TRANSLATE_NOOP("Columns", "Client name"), Kind.TEXT, 120),
)
LINE_COLUMNS = (
    Column("contract_code", QT_TRANSLATE_NOOP("Columns", "Contract"), Kind.CODE, 80),
    Column("side", QT_TRANSLATE_NOOP("Columns", "Position"), Kind.ENUM, 64, labels=SIDE_LABELS),
    Column(
        "hedge",
        QT_TRANSLATE_NOOP("Columns", "Spec/Hedge"),
        Kind.ENUM,
        92,
        labels=SHORT_HEDGE_LABELS,
    ),
    Column("lots", QT_TRANSLATE_NOOP("Columns", "Lots held"), Kind.INT, 80),
    Column("close_lots", QT_TRANSLATE_NOOP("Columns", "Lots to close"), Kind.INT, 100),
    _money("margin_per_lot_fen", QT_TRANSLATE_NOOP("Columns", "Margin per lot (CNY)"), 150),
    _money("released_fen", QT_TRANSLATE_NOOP("Columns", "Released (CNY)"), 122),
    Column("why", QT_TRANSLATE_NOOP("Columns", "Why"), Kind.TEXT, 240),
)
ALTERNATIVE_COLUMNS = (
    Column(
        "method",
        QT_TRANSLATE_NOOP("Columns", "Method"),
        Kind.ENUM,
        110,
        labels=METHOD_LABELS,
        label_context=CONTEXT,
    ),
    _money("over_release_fen", QT_TRANSLATE_NOOP("Columns", "Over-release (CNY)"), 100),
    Column("lots", QT_TRANSLATE_NOOP("Columns", "Lots"), Kind.INT, 40),
)
FACTS = (
    ("deadline", QT_TRANSLATE_NOOP("ForcedClose", "Call deadline")),
    ("close_day", QT_TRANSLATE_NOOP("ForcedClose", "Close on")),
    ("clients", QT_TRANSLATE_NOOP("ForcedClose", "Clients")),
    ("proven", QT_TRANSLATE_NOOP("ForcedClose", "Proven optimal")),
    ("required", QT_TRANSLATE_NOOP("ForcedClose", "Required (CNY)")),
    ("released", QT_TRANSLATE_NOOP("ForcedClose", "Released (CNY)")),
    ("ratio", QT_TRANSLATE_NOOP("ForcedClose", "Released ÷ required")),
    ("over", QT_TRANSLATE_NOOP("ForcedClose", "Over-release (CNY)")),
    ("shortfall", QT_TRANSLATE_NOOP("ForcedClose", "Shortfall (CNY)")),
    ("lots", QT_TRANSLATE_NOOP("ForcedClose", "Lots to close")),
    ("orders", QT_TRANSLATE_NOOP("ForcedClose", "Order lines")),
    ("warned", QT_TRANSLATE_NOOP("ForcedClose", "Above %1 (clients)")),
)
"""The figures, six per block."""
REFUSAL = QT_TRANSLATE_NOOP(
    "ForcedClose",
    "%1, line %2: “%3” is not a whole number of lots from 0 to %4; nothing was changed.",
)
"""A refused hand edit (``LotsEditModel``)."""
RED_STYLE = f"color: {RED}; font-weight: 600;"
AMBER_STYLE = "color: #b7791f; font-weight: 600;"


def _now() -> datetime:
    return datetime.now(UTC)


class ForcedCloseScreen(WorkbenchScreen):
    """Settled day, client or every due client, target, hedge lines; the clients, the
    chosen client's lines (lots editable) and the sets its proposal beat."""

    watched = ("balances", "positions", "prices", "reference")
    title_source = QT_TRANSLATE_NOOP("Screens", "Client forced close")
    export_kind = "forced_close_orders"
    progress_source = QT_TRANSLATE_NOOP("ForcedClose", "Sizing the forced-close orders…")

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "forced_close", forced_close_view, parent)
        worker_pool.warm()  # the sizing's joins run in a spare process: start it now
        self._call_defaults = default_call_settings()
        self._close_defaults = default_close_settings()
        self._levels = default_risk_levels()
        self._request = ForcedCloseRequest()
        self._data: ForcedCloseView | None = None
        self._desk: DeskOrders | None = None
        self._client: str | None = None
        self.clock: Callable[[], datetime] = _now
        """The current time (tests set it) against the call deadline."""

        self.over_banner = Banner("forced_close_over", self)
        self.review_banner = Banner("forced_close_review", self)
        self.root.insertWidget(2, self.over_banner)
        self.root.insertWidget(3, self.review_banner)

        # ---- controls
        self.day_label = QLabel()
        self.day_combo = data_combo("dayCombo")
        self.day_combo.setMinimumWidth(110)
        self.day_combo.activated.connect(lambda _i: self.recompute())
        self.client_label = QLabel()
        self.client_edit = QLineEdit()
        self.client_edit.setObjectName("clientEdit")
        self.client_edit.setClearButtonEnabled(True)
        self.client_edit.setMinimumWidth(150)
        self.client_edit.returnPressed.connect(self.recompute)
        self.target_label = QLabel()
        self.target_combo = data_combo("targetCombo", TARGETS)
        self.target_combo.setCurrentIndex(TARGETS.index(self._call_defaults.target))
        self.target_combo.activated.connect(lambda _i: self.recompute())
        self.hedge_check = QCheckBox()
        self.hedge_check.setObjectName("includeHedge")
        self.hedge_check.setChecked(self._close_defaults.include_hedge)
        self.hedge_check.toggled.connect(lambda _c: self.recompute())
        self.add_toolbar(
            (self.day_label, self.day_combo),
            10,
            (self.client_label, self.client_edit),
            10,
            (self.target_label, self.target_combo),
            10,
            self.hedge_check,
        )

        # ---- across the top: the figures in two blocks, the chosen client's alternatives
        self.figures = [
            FactsPanel(f"forcedCloseFigures{i}", (key for key, _ in FACTS[6 * i : 6 * i + 6]))
            for i in range(2)
        ]
        self.facts = {k: v for panel in self.figures for k, v in panel.facts.items()}
        self.alternatives_title = section_title(word_wrap=True)
        self.alternatives_model = TintedFrameModel(
            ALTERNATIVE_COLUMNS, self, flag_key="method", tints={"proposal": DIFF_BRUSH}
        )
        self.alternatives_view = self.add_table(
            "forced_close_alternatives", self.alternatives_model, "over_release_fen", fit=True
        )
        self.alternatives_view.setSortingEnabled(False)
        # Five sets and a header, no more: the tables below take the height.
        view = self.alternatives_view
        view.setFixedHeight(
            view.horizontalHeader().sizeHint().height() + 5 * ROW_HEIGHT + 2 * view.frameWidth()
        )
        top = QHBoxLayout()
        top.setSpacing(8)
        for panel in self.figures:
            panel.title.hide()
            top.addWidget(panel, 1)
        top.addWidget(column(self.alternatives_title, self.alternatives_view), 1)
        self.root.addLayout(top)

        # ---- clients over the chosen client's lines and alternatives
        self.clients_title = section_title()
        self.clients_model = RefreshableFrameModel(
            CLIENT_COLUMNS,
            self,
            flag_key="tint",
            tints={"over": WARN_ROW_BRUSH, "short": DANGER_ROW_BRUSH},
        )
        self.clients_view = self.add_table(
            "forced_close_clients", self.clients_model, "client_name"
        )
        self.clients_view.selectionModel().currentRowChanged.connect(self._on_client_row)
        self.clients_view.link_clients(
            lambda row: str(self.clients_model.raw_value(row, "client_code")),
            lambda code: ctx.bus.client_requested.emit(code, self._day),
        )
        self.lines_title = section_title()
        self.reset_button = QPushButton()
        self.reset_button.setObjectName("resetButton")
        self.reset_button.clicked.connect(self.reset_edits)
        self.lines_model = LotsEditModel(
            LINE_COLUMNS,
            self,
            edit_key="close_lots",
            max_key="lots",
            label_keys=("contract_code", "side", "hedge"),
            context=CONTEXT,
            refusal=REFUSAL,
            flag_key="changed",
            tints={True: DIFF_BRUSH},
            tint_columns=("close_lots",),
        )
        self.lines_model.lots_edited.connect(self._on_lots_edited)
        self.lines_model.edit_refused.connect(self._on_edit_refused)
        self.lines_view = self.add_table("forced_close_lines", self.lines_model, "why")
        self.lines_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        lines_head = QHBoxLayout()
        lines_head.setContentsMargins(0, 0, 0, 0)
        lines_head.addWidget(self.lines_title, 1)
        lines_head.addWidget(self.reset_button)
        body = splitter(
            Qt.Orientation.Vertical,
            column(self.clients_title, self.clients_view),
            column(lines_head, self.lines_view),
            stretch=(3, 2),
        )
        self.root.addWidget(body, 1)
        self.retranslate()

    # ----------------------------------------------------------------- loading
    def recompute(self) -> None:
        """Read the controls into a request and preview again (Ctrl+R); hand edits of
        the previous preview are dropped with it."""
        code = self.client_edit.text().strip()
        if code and not all(ch.isalnum() or ch in "-_." for ch in code):
            self.set_error(
                translate("ForcedClose", "Client: “%1” is not a client code.").replace("%1", code)
            )
            return
        self.error_banner.set_message("")
        day = self.day_combo.currentData()
        target = self.target_combo.currentData()
        self._request = ForcedCloseRequest(
            day=day if isinstance(day, date) else None,
            clients=(code,) if code else None,
            call_settings=replace(self._call_defaults, target=cast(CallTarget, target)),
            close_settings=replace(
                self._close_defaults, include_hedge=self.hedge_check.isChecked()
            ),
            levels=self._levels,
        )
        self.reload()

    def apply_result(self, result: Any) -> None:
        assert isinstance(result, ForcedCloseView)
        self._data = result
        refill_combo(self.day_combo, ((d.isoformat(), d) for d in result.days), result.day)
        preview = result.preview
        self._desk = None if preview is None else DeskOrders(preview)
        if self._desk is None:
            self.clients_model.set_frame(empty_frame(CLIENT_COLUMNS, "tint"))
        else:
            self.clients_model.set_frame(self._client_frame(self._desk))
        if not self._select_client(self._client):
            if self.clients_model.rowCount():
                self.clients_view.setCurrentIndex(self.clients_model.index(0, 0))
            else:
                self._show_client(None)
        self._update_texts()

    # ----------------------------------------------------------------- clients
    @staticmethod
    def _client_frame(desk: DeskOrders) -> pd.DataFrame:
        frame = desk.clients
        tint = pd.Series(None, index=frame.index, dtype=object)
        tint[frame["is_over"].astype(bool)] = "over"
        tint[frame["is_short"].astype(bool)] = "short"
        return frame.assign(tint=tint)

    def _on_client_row(self, current: QModelIndex | QPersistentModelIndex, _prev: Any) -> None:
        if current.isValid():
            self._show_client(str(self.clients_model.raw_value(current.row(), "client_code")))

    def _select_client(self, code: str | None) -> bool:
        if code is None:
            return False
        for row in range(self.clients_model.rowCount()):
            if self.clients_model.raw_value(row, "client_code") == code:
                self.clients_view.setCurrentIndex(self.clients_model.index(row, 0))
                self._show_client(code)
                return True
        return False

    def select_client(self, code: str) -> bool:
        """Show ``code``'s lines (select its row); False when it is not listed."""
        return self._select_client(code)

    def _show_client(self, code: str | None) -> None:
        self._client = code
        desk = self._desk
        if desk is None or code is None:
            self.lines_model.set_frame(empty_frame(LINE_COLUMNS, "changed"))
            self.alternatives_model.set_frame(empty_frame(ALTERNATIVE_COLUMNS))
        else:
            self.lines_model.set_frame(self._line_frame(desk, code))
            self.alternatives_model.set_frame(desk.alternatives(code))
        self._update_section_titles()

    def _line_frame(self, desk: DeskOrders, code: str) -> pd.DataFrame:
        lines = desk.client_lines(code)
        clients = desk.clients
        required = int(clients["required_fen"].to_numpy()[clients["client_code"] == code][0])
        keys = ["close_lots", "proposed_lots", "one_less_short_fen", "eligible", "hedge"]
        why = [self._why(required, line) for line in lines[keys].itertuples(index=False)]
        return lines.assign(why=why, changed=lines["close_lots"] != lines["proposed_lots"])

    def _why(self, required: int, line: Any) -> str:
        """Why a line closes what it closes (display text of the rule's figures)."""
        close_lots, proposed, short, eligible, hedge = line
        text = self._why_text(required, close_lots, short, eligible, hedge)
        if close_lots != proposed:
            return (
                translate("ForcedClose", "Edited (proposal %1); %2")
                .replace("%1", f"{int(proposed):,}")
                .replace("%2", text)
            )
        return text

    def _why_text(
        self, required: int, close_lots: int, short: int, eligible: bool, hedge: bool
    ) -> str:
        if close_lots > 0:
            if short > 0:
                return translate("ForcedClose", "Needed: one lot fewer leaves %1 short").replace(
                    "%1", format_yuan(int(short))
                )
            return translate("ForcedClose", "Not needed: one lot fewer still covers")
        if not eligible:
            if hedge and not self._request_hedge():
                return translate("ForcedClose", "Hedge lines are excluded")
            return translate("ForcedClose", "No margin to release")
        if required <= 0:
            return translate("ForcedClose", "Nothing to release")
        return translate("ForcedClose", "Not needed (least over-release)")

    def _request_hedge(self) -> bool:
        settings = self._request.close_settings
        return bool(settings.include_hedge) if settings is not None else True

    # ----------------------------------------------------------------- hand edits
    def _on_lots_edited(self, _source_row: int, _lots: int) -> None:
        desk, code = self._desk, self._client
        if desk is None or code is None:
            return
        try:
            self._desk = desk.edit(code, self.lines_model.edited_lots())
        except RiskDeskError as exc:
            self.set_error(str(exc))
            return
        self.error_banner.set_message("")
        self._refresh_after_edit()

    def _on_edit_refused(self, message: str) -> None:
        self.set_error(message)

    def reset_edits(self) -> None:
        """Every client back to the computed orders."""
        if self._desk is None:
            return
        self._desk = self._desk.reset()
        self.error_banner.set_message("")
        self._refresh_after_edit()

    def _refresh_after_edit(self) -> None:
        desk, code = self._desk, self._client
        assert desk is not None
        self.clients_model.refresh_values(self._client_frame(desk))
        if code is not None:
            self.lines_model.refresh_values(self._line_frame(desk, code))
        self._update_texts()

    # ----------------------------------------------------------------- display
    def _update_texts(self) -> None:
        self._update_facts()
        self._update_banners()
        self._update_section_titles()
        self.update_subtitle()
        self.status_changed.emit()

    def _update_facts(self) -> None:
        values = {key: "—" for key, _ in FACTS}
        styles: dict[str, str] = {}
        desk = self._desk
        if desk is not None:
            pv, t = desk.preview, desk.totals
            past = pv.is_past_deadline(self.clock())
            values.update(
                {
                    "deadline": f"{pv.deadline:%Y-%m-%d %H:%M}",
                    "close_day": pv.close_day.isoformat(),
                    "clients": f"{t.clients:,}",
                    "required": format_yuan(t.required_fen),
                    "released": format_yuan(t.released_fen),
                    "ratio": "—" if t.ratio_bp is None else bp_to_str(t.ratio_bp),
                    "over": format_yuan(t.over_release_fen),
                    "shortfall": format_yuan(t.shortfall_fen),
                    "lots": f"{t.lots:,}",
                    "orders": f"{t.order_lines:,}",
                    "proven": translate("ForcedClose", "%1 of %2")
                    .replace("%1", f"{t.proven:,}")
                    .replace("%2", f"{t.clients:,}"),
                    "warned": f"{t.over:,}",
                }
            )
            styles["deadline"] = RED_STYLE if past else AMBER_STYLE
            if t.over:
                styles["warned"] = AMBER_STYLE
            if t.shortfall_fen:
                styles["shortfall"] = RED_STYLE
            if t.proven < t.clients:
                styles["proven"] = AMBER_STYLE
        for panel in self.figures:
            panel.show_values({k: values[k] for k in panel.facts}, styles)

    def _update_banners(self) -> None:
        desk = self._desk
        if desk is None:
            for banner in (self.banner, self.over_banner, self.review_banner):
                banner.set_message("")
            return
        pv = desk.preview
        warn = bp_to_str(pv.close_settings.warn_above_bp)
        deadline = f"{pv.deadline:%Y-%m-%d %H:%M}"
        n = len(pv.clients)
        if pv.is_past_deadline(self.clock()):
            text = (
                translate(
                    "ForcedClose",
                    "The call deadline (%1, exchange time) has passed: %2 client(s) are due "
                    "for forced close on %3.",
                )
                .replace("%1", deadline)
                .replace("%2", f"{n:,}")
                .replace("%3", pv.close_day.isoformat())
            )
            tone = "info"
        else:
            text = translate(
                "ForcedClose",
                "The call deadline (%1, exchange time) has not passed: these orders are a "
                "preview only; the clients may still pay.",
            ).replace("%1", deadline)
            tone = "warning"
        budget = pv.clients.loc[pv.clients["status"] == "budget", "client_code"].tolist()
        if budget:
            text += " " + translate(
                "ForcedClose",
                "%1 client(s) have the best set found within the search budget, not proven "
                "optimal: %2.",
            ).replace("%1", f"{len(budget):,}").replace("%2", _codes(budget))
        offset = pv.clients.loc[pv.clients["has_offset"].astype(bool), "client_code"].tolist()
        if offset:
            text += " " + translate(
                "ForcedClose",
                "Receipts pledged as margin: closing frees less than it releases for %1.",
            ).replace("%1", _codes(offset))
        self.banner.set_message(text, tone)

        flagged = pv.clients[pv.clients["is_over"].astype(bool)]
        over = list(zip(flagged["client_code"].tolist(), flagged["ratio_bp"].tolist(), strict=True))
        if over:
            self.over_banner.set_message(
                translate(
                    "ForcedClose",
                    "%1 client(s) release more than %2 of the requirement: %3. Their "
                    "smallest close set already exceeds it; check before sending.",
                )
                .replace("%1", f"{len(over):,}")
                .replace("%2", warn)
                .replace("%3", _codes([f"{c} {bp_to_str(int(r))}" for c, r in over])),
                "warning",
            )
        else:
            self.over_banner.set_message("")

        if not desk.is_edited:
            self.review_banner.set_message("")
            return
        parts = []
        for code, kind, ratio in desk.warnings:
            ratio_text = "—" if ratio is None else bp_to_str(ratio)
            if kind == "short":
                parts.append(
                    translate("ForcedClose", "%1 no longer covers its requirement (released %2)")
                    .replace("%1", code)
                    .replace("%2", ratio_text)
                )
            else:
                parts.append(
                    translate("ForcedClose", "%1 releases %2, above %3")
                    .replace("%1", code)
                    .replace("%2", ratio_text)
                    .replace("%3", warn)
                )
        head = translate("ForcedClose", "Edited by hand: %1 client(s).").replace(
            "%1", f"{len(desk.edits):,}"
        )
        if parts:
            tone = "danger" if any(k == "short" for _, k, _ in desk.warnings) else "warning"
            detail = translate("ForcedClose", "%1.").replace(
                "%1", translate("ForcedClose", "; ").join(parts)
            )
            self.review_banner.set_message(head + " " + detail, tone)
        else:
            self.review_banner.set_message(
                head
                + " "
                + translate(
                    "ForcedClose", "Every edited list covers its requirement within %1."
                ).replace("%1", warn),
                "info",
            )

    def _update_section_titles(self) -> None:
        self.clients_title.setText(
            translate("ForcedClose", "Clients: %1").replace(
                "%1", f"{self.clients_model.rowCount():,}"
            )
        )
        code = self._client
        if code is None:
            self.lines_title.setText(translate("ForcedClose", "Lines"))
            self.alternatives_title.setText(translate("ForcedClose", "Alternatives"))
            return
        self.lines_title.setText(
            translate(
                "ForcedClose",
                "Lines of client %1 (double-click a number of lots to close to edit it)",
            ).replace("%1", code)
        )
        self.alternatives_title.setText(
            translate("ForcedClose", "Sets beaten for client %1").replace("%1", code)
        )

    def describe(self) -> str:
        desk = self._desk
        if desk is None:
            return ""
        pv = desk.preview
        who = (
            translate("ForcedClose", "all due clients")
            if self._request.clients is None
            else translate("ForcedClose", "client %1").replace("%1", self._request.clients[0])
        )
        return (
            translate("ForcedClose", "close on %1 · %2")
            .replace("%1", pv.close_day.isoformat())
            .replace("%2", who)
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.day_label.setText(translate("ForcedClose", "Settled day"))
        self.client_label.setText(translate("ForcedClose", "Client"))
        self.client_edit.setPlaceholderText(translate("ForcedClose", "all due clients"))
        self.client_edit.setToolTip(
            translate(
                "ForcedClose",
                "Type a client code and press Enter for one client; leave empty for every "
                "client due after the settled day.",
            )
        )
        self.target_label.setText(translate("ForcedClose", "Target"))
        ratio = ppm_text(self._call_defaults.ratio_ppm(self._levels))
        for i in range(self.target_combo.count()):
            target = str(self.target_combo.itemData(i))
            self.target_combo.setItemText(
                i, translate("ForcedClose", TARGET_LABELS[target]).replace("%1", ratio)
            )
        self.hedge_check.setText(translate("ForcedClose", "Close hedge lines too"))
        self.reset_button.setText(translate("ForcedClose", "Reset to proposal"))
        self.export_button.setText(translate("ForcedClose", "Export order list… (Ctrl+E)"))
        warn = bp_to_str(self._close_defaults.warn_above_bp)
        for key, caption in FACTS:
            self.facts[key][0].setText(translate("ForcedClose", caption).replace("%1", warn))
        self._update_texts()

    def status_text(self) -> str:
        desk = self._desk
        if desk is None:
            return ""
        return (
            translate("ForcedClose", "%1 clients, %2 order lines")
            .replace("%1", f"{desk.totals.clients:,}")
            .replace("%2", f"{desk.totals.order_lines:,}")
        )

    # ----------------------------------------------------------------- export
    def export_request(self) -> tuple[pd.DataFrame, str, list[str]] | None:
        desk = self._desk
        if desk is None:
            return None
        title = translate("ForcedClose", "Forced close orders")
        return order_table(desk.preview, desk.export_lines()), title, []

    def export_to(self, path: str | Path) -> None:
        """Write the order list (the desk's edits included) with ``export_orders``, which
        keeps the speculative/hedge flag and the inputs and audits the export; on the
        write worker. ``exported(path)`` follows, or an error banner."""
        desk = self._desk
        if desk is None:
            return
        db, user, target = self.ctx.db, self.ctx.config.user, Path(path)
        preview, orders = desk.preview, desk.export_lines()

        def done(future: Any) -> None:
            try:
                written, changes = future.result()
            except RiskDeskError as exc:
                self.set_error(str(exc))
                return
            assert isinstance(changes, Changes)
            self.status_label.setText(
                translate("Workbench", "Exported %1").replace("%1", str(written))
            )
            self.ctx.bus.changes_applied.emit(changes, self)
            self.exported.emit(str(written))

        self.ctx.tasks.submit(
            lambda: export_orders(db, preview, target, orders=orders, user=user),
            done,
            writes=True,
            owner=self,
        )


def _codes(codes: list[str], limit: int = 8) -> str:
    """The first ``limit`` codes, joined, with how many more."""
    shown = translate("Workbench", ", ").join(codes[:limit])
    rest = len(codes) - limit
    if rest > 0:
        shown += " " + translate("ForcedClose", "and %1 more").replace("%1", f"{rest:,}")
    return shown


def create(ctx: DesktopContext, parent: QWidget | None = None) -> ForcedCloseScreen:
    return ForcedCloseScreen(ctx, parent)
