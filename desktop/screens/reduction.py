"""Forced reduction preview (强制减仓): allocation of both sides, rounding comparison,
per-client explanation, export.

Figures come from ``core.services.reduction.preview_reduction`` (both roundings are
computed at once, so switching the rounding only changes what is shown) and the
explanation from ``ReductionPreview.explain_client``. The preview is the desk's
estimate: a banner says which unverified defaults it rests on.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import pandas as pd
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QButtonGroup, QCheckBox, QLabel, QRadioButton, QWidget

from core.money import format_yuan
from core.rules.forced_reduction import LockDirection, ReductionParams
from core.services.reduction import (
    ReductionOverrides,
    ReductionRequest,
    ReductionView,
    reduction_view,
)
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.columns import HEDGE_LABELS, LIMIT_LOCK_LABELS, Column, Kind
from desktop.models.frame_table import FrameTableModel, TintedFrameModel
from desktop.palette import DIFF_BRUSH
from desktop.screens.workbench_common import WorkbenchScreen, empty_frame, unverified_names
from desktop.screens.workbench_data import (
    ROUNDINGS,
    ExplainedPosition,
    Rounding,
    default_params,
    explain_client,
    percent_text,
    reduction_export_frame,
)
from desktop.widgets.data_combo import data_combo, refill_combo, retranslate_items
from desktop.widgets.facts_panel import FactsPanel
from desktop.widgets.params_panel import ParamsPanel, ParamSpec
from desktop.widgets.sections import column, scrolling, section_title, splitter

SHORT_HEDGE_LABELS = {
    False: QT_TRANSLATE_NOOP("Values", "Spec."),
    True: QT_TRANSLATE_NOOP("Values", "Hedge"),
}
ROUNDING_LABELS = {
    "largest_remainder": QT_TRANSLATE_NOOP("Reduction", "Largest remainder (R23)"),
    "half_up": QT_TRANSLATE_NOOP("Reduction", "Half-up (old rule, comparison)"),
}
ROLE_LABELS = {
    "declared": QT_TRANSLATE_NOOP("Reduction", "declaring side"),
    "profitable": QT_TRANSLATE_NOOP("Reduction", "profitable side"),
    "none": QT_TRANSLATE_NOOP("Reduction", "not involved"),
}
SIDE_LABELS = {
    "long": QT_TRANSLATE_NOOP("Reduction", "long"),
    "short": QT_TRANSLATE_NOOP("Reduction", "short"),
    "flat": QT_TRANSLATE_NOOP("Reduction", "flat"),
    "profitable": QT_TRANSLATE_NOOP("Reduction", "profitable side shares"),
    "declared": QT_TRANSLATE_NOOP("Reduction", "declared side shares"),
}
PARAM_NAMES = {
    "loss_threshold": QT_TRANSLATE_NOOP("Reduction", "loss threshold"),
    "tier_bounds": QT_TRANSLATE_NOOP("Reduction", "tier bounds"),
    "hedge_last": QT_TRANSLATE_NOOP("Reduction", "hedges last"),
    "pnl_method": QT_TRANSLATE_NOOP("Reduction", "P&L method"),
    "tie_break": QT_TRANSLATE_NOOP("Reduction", "remainder tie-break"),
    "rounding": QT_TRANSLATE_NOOP("Reduction", "rounding"),
}

_CLIENT = Column("client_code", QT_TRANSLATE_NOOP("Columns", "Client"), Kind.CODE, 80)
_HEDGE = Column(
    "hedge", QT_TRANSLATE_NOOP("Columns", "Type"), Kind.ENUM, 50, labels=SHORT_HEDGE_LABELS
)
_NET = Column("net_lots", QT_TRANSLATE_NOOP("Columns", "Net"), Kind.INT, 58)
_UNIT = Column("unit_pnl_bp", QT_TRANSLATE_NOOP("Columns", "Unit P&L %"), Kind.BP, 84, signed=True)
_OTHER = Column("other", QT_TRANSLATE_NOOP("Columns", "Other"), Kind.INT, 52)
DECLARING_COLUMNS = (
    _CLIENT,
    _HEDGE,
    _NET,
    _UNIT,
    Column("order_lots", QT_TRANSLATE_NOOP("Columns", "Orders"), Kind.INT, 68),
    Column("declared_lots", QT_TRANSLATE_NOOP("Columns", "Declared"), Kind.INT, 66),
    Column("shown", QT_TRANSLATE_NOOP("Columns", "Filled"), Kind.INT, 52),
    _OTHER,
)
PROFITABLE_COLUMNS = (
    _CLIENT,
    _HEDGE,
    Column("tier", QT_TRANSLATE_NOOP("Columns", "Tier"), Kind.INT, 44),
    _NET,
    _UNIT,
    Column("shown", QT_TRANSLATE_NOOP("Columns", "Reduced"), Kind.INT, 64),
    _OTHER,
)
STEP_COLUMNS = (
    Column("tier", QT_TRANSLATE_NOOP("Columns", "Tier"), Kind.INT, 44),
    Column("raw", QT_TRANSLATE_NOOP("Columns", "Raw share"), Kind.TEXT, 72),
    Column("floor", QT_TRANSLATE_NOOP("Columns", "Floor"), Kind.INT, 44),
    Column("fraction", QT_TRANSLATE_NOOP("Columns", "Fraction"), Kind.TEXT, 64),
    Column("rounding_step", QT_TRANSLATE_NOOP("Columns", "Step"), Kind.INT, 44),
    Column("lots", QT_TRANSLATE_NOOP("Columns", "Lots"), Kind.INT, 44),
)
_TINTED = ("shown", "other")


def _percent_default(x: Fraction) -> str:
    return str((Decimal(x.numerator) * 100 / Decimal(x.denominator)).normalize())


def reduction_param_specs(p: ReductionParams) -> list[ParamSpec]:
    """The parameter form's rows for defaults ``p`` (percent texts, "6" = 6 %)."""
    unverified = set(p.unverified)
    return [
        ParamSpec(
            "loss_threshold",
            QT_TRANSLATE_NOOP("Params", "Loss threshold X (% of S(D3))"),
            "percent",
            _percent_default(p.loss_threshold),
            "loss_threshold" not in unverified,
            tooltip=QT_TRANSLATE_NOOP(
                "Params", "Declared orders count when the unit net loss is at least X"
            ),
        ),
        ParamSpec(
            "tier_bounds",
            QT_TRANSLATE_NOOP("Params", "Tier bounds T1, T2 (%)"),
            "percent_list",
            ", ".join(_percent_default(b) for b in p.tier_bounds),
            "tier_bounds" not in unverified,
            tooltip=QT_TRANSLATE_NOOP(
                "Params", "Profitable clients: tier 1 at or above T1, tier 2 at or above T2"
            ),
        ),
        ParamSpec(
            "hedge_last",
            QT_TRANSLATE_NOOP("Params", "Hedge positions last"),
            "bool",
            p.hedge_last,
            "hedge_last" not in unverified,
        ),
        ParamSpec(
            "pnl_method",
            QT_TRANSLATE_NOOP("Params", "P&L method"),
            "choice",
            p.pnl_method,
            "pnl_method" not in unverified,
            choices=(
                ("open_price", QT_TRANSLATE_NOOP("Params", "Opening price")),
                ("d0_settlement", QT_TRANSLATE_NOOP("Params", "S(D0) (needs opening days)")),
            ),
            disabled=frozenset({"d0_settlement"}),
            tooltip=QT_TRANSLATE_NOOP(
                "Params", "The database does not keep each line's opening day"
            ),
        ),
    ]


def _percent(text: str) -> Fraction:
    return Fraction(Decimal(text.strip())) / 100


def parse_overrides(values: dict[str, str | bool]) -> ReductionOverrides:
    """The form's texts as service overrides; ValueError for unreadable numbers."""
    try:
        bounds_text = str(values["tier_bounds"]).replace("，", ",").replace("/", ",")
        return ReductionOverrides(
            loss_threshold=_percent(str(values["loss_threshold"])),
            tier_bounds=tuple(_percent(b) for b in bounds_text.split(",") if b.strip()),
            hedge_last=bool(values["hedge_last"]),
        )
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(str(exc)) from None


class ReductionScreen(WorkbenchScreen):
    """Contract choice, parameters, both sides' allocation, rounding switch, explanation."""

    watched = ("positions", "prices", "reference")
    title_source = QT_TRANSLATE_NOOP("Screens", "Forced reduction")
    export_kind = "reduction"
    progress_source = QT_TRANSLATE_NOOP("Reduction", "Computing the forced-reduction preview…")

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "reduction", reduction_view, parent)
        self._defaults = default_params()[0]
        self._data: ReductionView | None = None
        self._rounding: Rounding = "largest_remainder"
        self._request = ReductionRequest()
        self._selected: str | None = None

        # ---- controls
        self.contract_label = QLabel()
        self.contract_combo = data_combo("contractCombo")
        self.contract_combo.setMinimumWidth(250)
        self.contract_combo.activated.connect(self._on_contract)
        self.as_if_check = QCheckBox()
        self.as_if_check.setObjectName("asIfD3")
        self.as_if_check.toggled.connect(self._on_as_if)
        self.direction_combo = data_combo(
            "directionCombo", (d.value for d in (LockDirection.LIMIT_DOWN, LockDirection.LIMIT_UP))
        )
        self.direction_combo.setEnabled(False)
        self.direction_combo.activated.connect(lambda _i: self.recompute())
        self.rounding_label = QLabel()
        self.rounding_group = QButtonGroup(self)
        self.rounding_buttons: dict[str, QRadioButton] = {}
        for rounding in ROUNDINGS:
            button = QRadioButton()
            button.setObjectName(f"rounding_{rounding}")
            self.rounding_group.addButton(button)
            self.rounding_buttons[rounding] = button
        self.rounding_buttons["largest_remainder"].setChecked(True)
        self.rounding_group.buttonToggled.connect(self._on_rounding)
        self.add_toolbar(
            (self.contract_label, self.contract_combo),
            (self.as_if_check, self.direction_combo),
            14,
            (self.rounding_label, *self.rounding_buttons.values()),
        )

        # ---- left column: parameters and figures
        self.params = ParamsPanel(
            "reduction",
            QT_TRANSLATE_NOOP("Params", "Parameters"),
            reduction_param_specs(self._defaults),
            self,
        )
        self.params.changed.connect(self.recompute)
        self.summary = FactsPanel("reductionSummary", FACT_KEYS, wrap_long_rows=True)
        self.facts = self.summary.facts
        side = column(self.params, self.summary, spacing=8)
        side.setObjectName("reductionSide")
        side.setMinimumWidth(230)
        side.setMaximumWidth(290)
        left = scrolling(side)

        # ---- tables
        self.declaring_title = section_title()
        self.declaring_model = self._side_model(DECLARING_COLUMNS)
        self.declaring_view = self.add_table(
            "reduction_declaring", self.declaring_model, "client_code"
        )
        self.profitable_title = section_title()
        self.profitable_model = self._side_model(PROFITABLE_COLUMNS)
        self.profitable_view = self.add_table(
            "reduction_profitable", self.profitable_model, "client_code"
        )
        for view in (self.declaring_view, self.profitable_view):
            view.horizontalHeader().setMinimumSectionSize(36)
            view.selectionModel().currentRowChanged.connect(self._on_row)
        tables = splitter(
            Qt.Orientation.Vertical,
            column(self.declaring_title, self.declaring_view),
            column(self.profitable_title, self.profitable_view),
        )

        # ---- explanation
        self.explain_title = section_title(word_wrap=True)
        self.explain_facts = QLabel()
        self.explain_facts.setObjectName("explainFacts")
        self.explain_facts.setWordWrap(True)
        self.explain_facts.setTextFormat(Qt.TextFormat.RichText)
        self.steps_model = FrameTableModel(STEP_COLUMNS, self)
        self.steps_view = self.add_table("reduction_steps", self.steps_model)
        self.steps_view.setSortingEnabled(False)
        self.steps_view.horizontalHeader().setMinimumSectionSize(36)
        explain = column(self.explain_title, self.explain_facts, self.steps_view)
        explain.setMinimumWidth(300)

        body = splitter(Qt.Orientation.Horizontal, left, tables, explain, stretch=(0, 2, 1))
        self.root.addWidget(body, 1)
        self.retranslate()

    def _side_model(self, columns: tuple[Column, ...]) -> TintedFrameModel:
        """A side's allocation: lots tinted where the two roundings differ."""
        return TintedFrameModel(
            columns, self, flag_key="differs", tints={True: DIFF_BRUSH}, tint_columns=_TINTED
        )

    # ----------------------------------------------------------------- loading
    def apply_result(self, result: Any) -> None:
        assert isinstance(result, ReductionView)
        self._data = result
        self._fill_contracts()
        if result.report is None and not result.error and result.day is not None:
            self.error_banner.set_message(
                translate(
                    "Reduction",
                    "No contract has three consecutive limit-locked days; choose a "
                    "contract and preview it as if today were D3.",
                ),
                "info",
            )
        self._show_rounding()
        self._update_banner()
        if self._selected is None or not self.select_client(self._selected):
            model, view = self.profitable_model, self.profitable_view
            if not model.rowCount():
                model, view = self.declaring_model, self.declaring_view
            if model.rowCount():
                row = next((r for r in range(model.rowCount()) if model.flag(r)), 0)
                view.setCurrentIndex(model.index(row, 0))
            else:
                self._selected = None
                self._explain(None)

    def recompute(self) -> None:
        """Read the controls into a request and reload (Ctrl+R)."""
        try:
            overrides = parse_overrides(self.params.values())
        except ValueError as exc:
            self.set_error(translate("Reduction", "Parameters: %1").replace("%1", str(exc)))
            return
        contract = self.contract_combo.currentData()
        as_if = (
            LockDirection(self.direction_combo.currentData())
            if self.as_if_check.isChecked()
            else None
        )
        self._request = ReductionRequest(
            contract=contract if isinstance(contract, str) else None,
            as_if_d3=as_if,
            overrides=overrides,
        )
        self.reload()

    # ----------------------------------------------------------------- controls
    def _fill_contracts(self) -> None:
        data = self._data
        if data is None:
            return
        items: list[tuple[str, object] | None] = []
        locked_codes = set()
        for c in data.locked:
            locked_codes.add(c.code)
            direction = translate("Values", LIMIT_LOCK_LABELS[c.direction.value])
            if c.d3 is not None:
                text = (
                    translate("Reduction", "%1 · %2 · D3 %3")
                    .replace("%1", c.code)
                    .replace("%2", direction)
                    .replace("%3", c.d3.isoformat())
                )
            else:
                text = (
                    translate("Reduction", "%1 · %2 %3 day(s), last %4")
                    .replace("%1", c.code)
                    .replace("%2", direction)
                    .replace("%3", str(c.run_days))
                    .replace("%4", c.last_locked.isoformat())
                )
            items.append((text, c.code))
        if data.locked and len(data.contracts) > len(locked_codes):
            items.append(None)
        items.extend((code, code) for code in data.contracts if code not in locked_codes)
        refill_combo(self.contract_combo, items, data.contract)

    def _on_contract(self, _index: int) -> None:
        data = self._data
        code = self.contract_combo.currentData()
        if data is not None and isinstance(code, str):
            hit = next((c for c in data.locked if c.code == code), None)
            if hit is not None and hit.d3 is None:
                self.as_if_check.blockSignals(True)
                self.as_if_check.setChecked(True)
                self.as_if_check.blockSignals(False)
                self.direction_combo.setEnabled(True)
                self.direction_combo.setCurrentIndex(
                    max(self.direction_combo.findData(hit.direction.value), 0)
                )
            elif hit is None and not self.as_if_check.isChecked():
                self.as_if_check.blockSignals(True)
                self.as_if_check.setChecked(True)
                self.as_if_check.blockSignals(False)
                self.direction_combo.setEnabled(True)
        self.recompute()

    def _on_as_if(self, checked: bool) -> None:
        self.direction_combo.setEnabled(checked)
        self.recompute()

    def set_rounding(self, rounding: Rounding) -> None:
        self.rounding_buttons[rounding].setChecked(True)

    def _on_rounding(self, button: QRadioButton, checked: bool) -> None:
        if not checked:
            return
        for rounding, candidate in self.rounding_buttons.items():
            if candidate is button:
                self._rounding = rounding  # type: ignore[assignment]
        self._show_rounding()
        self._update_banner()

    # ----------------------------------------------------------------- display
    def _show_rounding(self) -> None:
        data = self._data
        chosen = f"closed_{self._rounding}"
        other = (
            "closed_half_up"
            if self._rounding == "largest_remainder"
            else ("closed_largest_remainder")
        )
        for model, frame in (
            (self.declaring_model, None if data is None else data.declaring),
            (self.profitable_model, None if data is None else data.profitable),
        ):
            if frame is None or frame.empty:
                model.set_frame(empty_frame(model.columns, "differs"))
            else:
                model.set_frame(frame.assign(shown=frame[chosen], other=frame[other]))
        self._update_facts()
        self._update_section_titles()
        self._explain(self._selected)

    def _update_section_titles(self) -> None:
        data = self._data
        totals = None if data is None else data.totals.get(self._rounding)
        self.declaring_title.setText(
            translate("Reduction", "Declaring side (lots): %1 clients, %2 declared")
            .replace("%1", f"{self.declaring_model.rowCount():,}")
            .replace("%2", f"{totals.declared:,}" if totals else "—")
        )
        self.profitable_title.setText(
            translate("Reduction", "Profitable side (lots): %1 clients, %2 reduced")
            .replace("%1", f"{self.profitable_model.rowCount():,}")
            .replace("%2", f"{totals.reduced:,}" if totals else "—")
        )

    def _update_facts(self) -> None:
        data = self._data
        report = None if data is None else data.report
        values: dict[str, str] = dict.fromkeys(FACT_KEYS, "—")
        tones: dict[str, str] = {}
        if data is not None and report is not None:
            totals = data.totals[self._rounding]
            other = data.totals[
                "half_up" if self._rounding == "largest_remainder" else "largest_remainder"
            ]
            values.update(
                {
                    "days": f"{report.d1:%m-%d} → {report.d3:%m-%d}",
                    "direction": translate("Values", LIMIT_LOCK_LABELS[report.direction.value])
                    + (translate("Reduction", " (as if D3)") if report.as_if_d3 else ""),
                    "settlement": format_yuan(report.settlement_fen),
                    "multiplier": f"{report.multiplier:,}",
                    "lines": f"{report.positions_count:,} / {report.orders_count:,}",
                    "declared": f"{totals.declared:,}",
                    "filled": f"{totals.filled:,}",
                    "reduced": f"{totals.reduced:,}",
                    "unfilled": f"{totals.unfilled:,}",
                    "overshoot": f"{totals.overshoot:,}",
                    "other": f"{other.reduced:,} / {other.overshoot:,}",
                    "status": translate("Reduction", STATUS_LABELS.get(report.status, "")),
                }
            )
            if totals.overshoot:
                tones["overshoot"] = "color: #c0392b; font-weight: 600;"
            if other.overshoot:
                tones["other"] = "color: #c0392b;"
            if totals.unfilled:
                tones["unfilled"] = "color: #b7791f; font-weight: 600;"
        self.summary.show_values(values, tones)
        self.facts["other"][0].setToolTip(
            translate(
                "Reduction",
                ROUNDING_LABELS[
                    "half_up" if self._rounding == "largest_remainder" else "largest_remainder"
                ],
            )
        )

    def _update_banner(self) -> None:
        data = self._data
        report = None if data is None else data.report
        if report is None:
            self.banner.set_message("")
            return
        text = translate(
            "Reduction",
            "Preview rests on unverified defaults (%1); the exchange's result is authoritative.",
        ).replace("%1", unverified_names(self.params, report.unverified, "Reduction", PARAM_NAMES))
        if report.exchange_may_choose:
            text += " " + translate(
                "Reduction",
                "For this product the exchange may choose other measures instead.",
            )
        self.banner.set_message(text, "warning")

    # ----------------------------------------------------------------- explanation
    def _on_row(self, current: QModelIndex | QPersistentModelIndex, _prev: Any) -> None:
        if not current.isValid():
            return
        model = current.model()
        if isinstance(model, FrameTableModel):
            code = model.raw_value(current.row(), "client_code")
            self._selected = str(code)
            self._explain(self._selected)

    def select_client(self, code: str) -> bool:
        """Select ``code``'s row (declaring side first); False if not shown."""
        for view, model in (
            (self.declaring_view, self.declaring_model),
            (self.profitable_view, self.profitable_model),
        ):
            for row in range(model.rowCount()):
                if model.raw_value(row, "client_code") == code:
                    view.setCurrentIndex(model.index(row, 0))
                    return True
        return False

    def _explain(self, client: str | None) -> None:
        data = self._data
        report = None if data is None else data.report
        rounding = translate("Reduction", ROUNDING_LABELS[self._rounding])
        if report is None or client is None:
            self.explain_title.setText(translate("Reduction", "Explanation"))
            self.explain_facts.setText(
                translate(
                    "Reduction",
                    "Select a client in either table to see how its lots were allocated.",
                )
            )
            self.steps_model.set_frame(empty_frame(STEP_COLUMNS))
            return
        preview = (
            report.largest_remainder if self._rounding == "largest_remainder" else (report.half_up)
        )
        try:
            positions = explain_client(preview, client)
        except KeyError:
            positions = []
        self.explain_title.setText(
            translate("Reduction", "Explanation: client %1 (%2)")
            .replace("%1", client)
            .replace("%2", rounding)
        )
        lines = []
        for p in positions:
            lines.append(self._position_text(p))
            for step in p.steps.to_dict("records"):
                lines.append(
                    translate("Reduction", "Tier %1, %2: %3 × %4 ⁄ %5 = %6 → %7 lots")
                    .replace("%1", str(step["tier"]))
                    .replace("%2", translate("Reduction", SIDE_LABELS[str(step["side"])]))
                    .replace("%3", f"{step['target']:,}")
                    .replace("%4", f"{step['weight']:,}")
                    .replace("%5", f"{step['total_weight']:,}")
                    .replace("%6", str(step["raw"]))
                    .replace("%7", f"{step['lots']:,}")
                )
        if positions and all(p.steps.empty for p in positions):
            lines.append(
                translate(
                    "Reduction",
                    "No pro-rata share: the other side covered this position in full.",
                )
            )
        self.explain_facts.setText("<br>".join(lines))
        frames = []
        for p in positions:
            if p.steps.empty:
                continue
            label = translate("Values", SHORT_HEDGE_LABELS[p.hedge])
            frames.append(p.steps.assign(position=label))
        self.steps_model.set_frame(
            pd.concat(frames, ignore_index=True) if frames else empty_frame(STEP_COLUMNS)
        )

    def _position_text(self, p: ExplainedPosition) -> str:
        tier = "—" if p.tier is None else str(p.tier)
        return (
            translate(
                "Reduction",
                "<b>%1 %2 %3 lots</b>: position P&L %4 CNY, unit P&L %5 CNY/lot (%6 of "
                "S(D3)); %7, tier %8; declared %9, filled %10, reduced %11",
            )
            .replace("%10", f"{p.filled:,}")
            .replace("%11", f"{p.reduced:,}")
            .replace("%1", translate("Values", HEDGE_LABELS[p.hedge]))
            .replace("%2", translate("Reduction", SIDE_LABELS[p.side]))
            .replace("%3", f"{p.net_lots:,}")
            .replace("%4", _money_html(p.pnl_fen))
            .replace("%5", p.unit_pnl_yuan)
            .replace("%6", p.unit_pnl_pct)
            .replace("%7", translate("Reduction", ROLE_LABELS[p.role]))
            .replace("%8", tier)
            .replace("%9", f"{p.declared:,}")
        )

    # ----------------------------------------------------------------- texts
    def describe(self) -> str:
        data = self._data
        report = None if data is None else data.report
        if report is None:
            return translate("Reduction", "Desk preview; the exchange's result counts")
        return (
            translate("Reduction", "%1 · D1 %2 · D3 %3 · X %4")
            .replace("%1", report.contract)
            .replace("%2", report.d1.isoformat())
            .replace("%3", report.d3.isoformat())
            .replace("%4", percent_text(report.params.loss_threshold))
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.contract_label.setText(translate("Reduction", "Contract"))
        self.as_if_check.setText(translate("Reduction", "As if D3"))
        self.as_if_check.setToolTip(
            translate("Reduction", "Treat today as D3 locked in the chosen direction")
        )
        retranslate_items(self.direction_combo, "Values", LIMIT_LOCK_LABELS)
        self.rounding_label.setText(translate("Reduction", "Rounding:"))
        for rounding, button in self.rounding_buttons.items():
            button.setText(translate("Reduction", ROUNDING_LABELS[rounding]))
        self.summary.title.setText(translate("Reduction", "Preview figures"))
        for key, (caption, _) in self.facts.items():
            caption.setText(translate("Reduction", FACT_LABELS[key]))
        self.params.retranslate()
        self._fill_contracts()
        self._update_facts()
        self._update_section_titles()
        self._update_banner()
        self._explain(self._selected)

    def status_text(self) -> str:
        data = self._data
        if data is None or data.report is None:
            return ""
        return (
            translate("Reduction", "%1 declaring, %2 profitable clients")
            .replace("%1", f"{len(data.declaring):,}")
            .replace("%2", f"{len(data.profitable):,}")
        )

    # ----------------------------------------------------------------- export
    def export_request(self) -> tuple[pd.DataFrame, str, list[str]] | None:
        data = self._data
        if data is None or data.report is None:
            return None
        frame = reduction_export_frame(data, self._rounding)
        frame = frame.drop(columns=["closed_largest_remainder", "closed_half_up"])
        title = translate("Reduction", "Forced reduction preview %1").replace(
            "%1", data.report.contract
        )
        totals = data.totals[self._rounding]
        notes = [
            self.subtitle_label.text(),
            translate("Reduction", "Rounding: %1").replace(
                "%1", translate("Reduction", ROUNDING_LABELS[self._rounding])
            ),
            translate("Reduction", "Declared %1, filled %2, reduced %3, unfilled %4, overshoot %5")
            .replace("%1", f"{totals.declared:,}")
            .replace("%2", f"{totals.filled:,}")
            .replace("%3", f"{totals.reduced:,}")
            .replace("%4", f"{totals.unfilled:,}")
            .replace("%5", f"{totals.overshoot:,}"),
            self.banner.text(),
        ]
        return frame, title, notes


FACT_KEYS = (
    "days",
    "direction",
    "settlement",
    "multiplier",
    "lines",
    "declared",
    "filled",
    "reduced",
    "unfilled",
    "overshoot",
    "other",
    "status",
)
FACT_LABELS = {
    "days": QT_TRANSLATE_NOOP("Reduction", "D1 → D3"),
    "direction": QT_TRANSLATE_NOOP("Reduction", "Limit lock"),
    "settlement": QT_TRANSLATE_NOOP("Reduction", "S(D3) (CNY)"),
    "multiplier": QT_TRANSLATE_NOOP("Reduction", "Multiplier"),
    "lines": QT_TRANSLATE_NOOP("Reduction", "Position lines / orders"),
    "declared": QT_TRANSLATE_NOOP("Reduction", "Declared (lots)"),
    "filled": QT_TRANSLATE_NOOP("Reduction", "Filled (lots)"),
    "reduced": QT_TRANSLATE_NOOP("Reduction", "Reduced (lots)"),
    "unfilled": QT_TRANSLATE_NOOP("Reduction", "Unfilled (lots)"),
    "overshoot": QT_TRANSLATE_NOOP("Reduction", "Overshoot (lots)"),
    "other": QT_TRANSLATE_NOOP("Reduction", "Other: reduced / overshoot"),
    "status": QT_TRANSLATE_NOOP("Reduction", "Status"),
}
STATUS_LABELS = {
    "reduction will run": QT_TRANSLATE_NOOP("Reduction", "Reduction will run"),
    "reduction possible (exchange may choose other measures)": QT_TRANSLATE_NOOP(
        "Reduction", "Possible (exchange may choose)"
    ),
    "nothing to reduce": QT_TRANSLATE_NOOP("Reduction", "Nothing to reduce"),
}


def _money_html(fen: int) -> str:
    text = format_yuan(fen)
    return f'<span style="color:#c0392b">{text}</span>' if fen < 0 else text


def create(ctx: DesktopContext, parent: QWidget | None = None) -> ReductionScreen:
    return ReductionScreen(ctx, parent)
