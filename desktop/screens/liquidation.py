"""Forced liquidation workbench (强行平仓): members below zero, clients' release and lots,
what-if deposit, opening ban, order list for the trading desk.

Figures come from ``core.services.liquidation.preview_liquidation``; typing a what-if
deposit (or an assumed reserve) recomputes on a worker after a short pause.
"""

from __future__ import annotations

from typing import Any, cast

import pandas as pd
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QWidget

from core.money import format_yuan, parse_yuan
from core.rules.forced_liquidation import LiquidationParams
from core.rules.liquidation_methods import LotsMethod, Requirement
from core.services.liquidation import LiquidationRequest, LiquidationView, liquidation_view
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.columns import HEDGE_LABELS, SIDE_LABELS, Column, Kind
from desktop.models.frame_table import FrameTableModel, TintedFrameModel
from desktop.palette import DANGER_ROW_BRUSH
from desktop.screens.workbench_common import WorkbenchScreen, empty_frame, unverified_names
from desktop.screens.workbench_data import default_params, liquidation_order_list
from desktop.widgets.banner import Banner
from desktop.widgets.data_combo import data_combo, refill_combo
from desktop.widgets.facts_panel import FactsPanel
from desktop.widgets.params_panel import ParamsPanel, ParamSpec
from desktop.widgets.sections import column, section_title, splitter

DEBOUNCE_MS = 400
"""Typing pauses this long before a what-if figure is recomputed."""

CLOSE_SIDE_LABELS = {
    "sell": QT_TRANSLATE_NOOP("Values", "Sell to close"),
    "buy": QT_TRANSLATE_NOOP("Values", "Buy to close"),
}
MEMBER_COLUMNS = (
    Column("member_code", QT_TRANSLATE_NOOP("Columns", "Member"), Kind.CODE, 70),
    Column("member_name", QT_TRANSLATE_NOOP("Columns", "Member name"), Kind.TEXT, 200),
    Column(
        "reserve_fen",
        QT_TRANSLATE_NOOP("Columns", "Settlement reserve (CNY)"),
        Kind.MONEY,
        160,
    ),
    Column(
        "min_reserve_fen", QT_TRANSLATE_NOOP("Columns", "Minimum reserve (CNY)"), Kind.MONEY, 150
    ),
)
CLIENT_COLUMNS = (
    Column("client_code", QT_TRANSLATE_NOOP("Columns", "Client"), Kind.CODE, 84),
    Column("margin_fen", QT_TRANSLATE_NOOP("Columns", "Trading margin (CNY)"), Kind.MONEY, 150),
    Column("release_fen", QT_TRANSLATE_NOOP("Columns", "To release (CNY)"), Kind.MONEY, 150),
    Column("released_fen", QT_TRANSLATE_NOOP("Columns", "Released by lots (CNY)"), Kind.MONEY, 170),
    Column("close_lots", QT_TRANSLATE_NOOP("Columns", "Lots to close"), Kind.INT, 100),
)
ORDER_COLUMNS = (
    Column("client_code", QT_TRANSLATE_NOOP("Columns", "Client"), Kind.CODE, 80),
    Column("contract_code", QT_TRANSLATE_NOOP("Columns", "Contract"), Kind.CODE, 80),
    Column("side", QT_TRANSLATE_NOOP("Columns", "Position"), Kind.ENUM, 80, labels=SIDE_LABELS),
    Column("hedge", QT_TRANSLATE_NOOP("Columns", "Type"), Kind.ENUM, 96, labels=HEDGE_LABELS),
    Column(
        "close_side",
        QT_TRANSLATE_NOOP("Columns", "Order"),
        Kind.ENUM,
        120,
        labels=CLOSE_SIDE_LABELS,
    ),
    Column("close_lots", QT_TRANSLATE_NOOP("Columns", "Lots"), Kind.INT, 70),
    Column("released_fen", QT_TRANSLATE_NOOP("Columns", "Released (CNY)"), Kind.MONEY, 150),
)
FACTS = (
    ("reserve", QT_TRANSLATE_NOOP("Liquidation", "Settlement reserve (CNY)")),
    ("deposit", QT_TRANSLATE_NOOP("Liquidation", "What-if deposit (CNY)")),
    ("min_reserve", QT_TRANSLATE_NOOP("Liquidation", "Minimum reserve (CNY)")),
    ("required", QT_TRANSLATE_NOOP("Liquidation", "Required (CNY)")),
    ("margin", QT_TRANSLATE_NOOP("Liquidation", "Clients' trading margin (CNY)")),
    ("ratio", QT_TRANSLATE_NOOP("Liquidation", "Ratio")),
    ("release", QT_TRANSLATE_NOOP("Liquidation", "To release (CNY)")),
    ("released", QT_TRANSLATE_NOOP("Liquidation", "Released by lots (CNY)")),
    ("lots", QT_TRANSLATE_NOOP("Liquidation", "Lots to close")),
    ("shortfall", QT_TRANSLATE_NOOP("Liquidation", "Shortfall (CNY)")),
)
PARAM_NAMES = {
    "requirement": QT_TRANSLATE_NOOP("Liquidation", "requirement reading"),
    "lots_method": QT_TRANSLATE_NOOP("Liquidation", "lots method"),
    "min_reserve": QT_TRANSLATE_NOOP("Liquidation", "minimum reserve"),
}


def liquidation_param_specs(p: LiquidationParams) -> list[ParamSpec]:
    unverified = set(p.unverified)
    return [
        ParamSpec(
            "requirement",
            QT_TRANSLATE_NOOP("Params", "Requirement"),
            "choice",
            p.requirement,
            "requirement" not in unverified,
            choices=(
                ("to_zero", QT_TRANSLATE_NOOP("Params", "Back to zero")),
                ("to_min_reserve", QT_TRANSLATE_NOOP("Params", "Back to the minimum reserve")),
            ),
        ),
        ParamSpec(
            "lots_method",
            QT_TRANSLATE_NOOP("Params", "Lots per line"),
            "choice",
            p.lots_method,
            "lots_method" not in unverified,
            choices=(
                (
                    "largest_remainder",
                    QT_TRANSLATE_NOOP("Params", "Largest remainder (least over-release)"),
                ),
                ("same_ratio", QT_TRANSLATE_NOOP("Params", "Same ratio on every line")),
                ("fewest_lots", QT_TRANSLATE_NOOP("Params", "Fewest lots per client")),
            ),
        ),
    ]


def parse_money(text: str) -> int | None:
    """Typed yuan ("1,000,000.50") as fen; None for an empty field. ValueError otherwise."""
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "")
    if not cleaned:
        return None
    return int(parse_yuan(cleaned))


class LiquidationScreen(WorkbenchScreen):
    """Member choice, what-if deposit, parameters, figures, clients and the order list."""

    watched = ("members", "balances", "positions", "prices")
    title_source = QT_TRANSLATE_NOOP("Screens", "Forced liquidation")
    export_kind = "liquidation_orders"
    progress_source = QT_TRANSLATE_NOOP("Liquidation", "Computing the forced-liquidation preview…")

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "liquidation", liquidation_view, parent)
        self._defaults = default_params()[1]
        self._data: LiquidationView | None = None
        self._request = LiquidationRequest()
        self.ban_banner = Banner("liquidation_ban", self)
        self.root.insertWidget(1, self.ban_banner)

        self.member_label = QLabel()
        self.member_combo = data_combo("memberCombo")
        self.member_combo.setMinimumWidth(200)
        self.member_combo.activated.connect(lambda _i: self.recompute())
        self.assume_check = QCheckBox()
        self.assume_check.setObjectName("assumeReserve")
        self.reserve_edit = QLineEdit()
        self.reserve_edit.setObjectName("reserveEdit")
        self.reserve_edit.setEnabled(False)
        self.reserve_edit.setMaximumWidth(150)
        self.assume_check.toggled.connect(self._on_assume)
        self.deposit_label = QLabel()
        self.deposit_edit = QLineEdit()
        self.deposit_edit.setObjectName("depositEdit")
        self.deposit_edit.setMaximumWidth(150)
        self.deposit_edit.setClearButtonEnabled(True)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.recompute)
        self.deposit_edit.textEdited.connect(lambda _t: self._debounce.start())
        self.reserve_edit.textEdited.connect(lambda _t: self._debounce.start())
        self.add_toolbar(
            self.member_label,
            self.member_combo,
            self.assume_check,
            self.reserve_edit,
            self.deposit_label,
            self.deposit_edit,
        )

        self.params = ParamsPanel(
            "liquidation",
            QT_TRANSLATE_NOOP("Params", "Parameters"),
            liquidation_param_specs(self._defaults),
            self,
        )
        self.params.changed.connect(self.recompute)
        self.figures = FactsPanel("liquidationFigures", (key for key, _ in FACTS))
        self.facts = self.figures.facts
        left = column(self.params, self.figures, spacing=8)
        left.setMinimumWidth(270)
        left.setMaximumWidth(310)

        self.members_title = section_title()
        self.members_model = TintedFrameModel(
            MEMBER_COLUMNS, self, flag_key="below_zero", tints={True: DANGER_ROW_BRUSH}
        )
        self.members_view = self.add_table(
            "liquidation_members", self.members_model, "member_name", fit=True
        )
        self.members_view.setMaximumHeight(84)
        self.clients_title = section_title()
        self.clients_model = FrameTableModel(CLIENT_COLUMNS, self)
        self.clients_view = self.add_table("liquidation_clients", self.clients_model)
        self.orders_title = section_title()
        self.orders_model = FrameTableModel(ORDER_COLUMNS, self)
        self.orders_view = self.add_table("liquidation_orders", self.orders_model)
        lower = splitter(
            Qt.Orientation.Vertical,
            column(self.clients_title, self.clients_view),
            column(self.orders_title, self.orders_view),
        )
        right = column(self.members_title, self.members_view, lower, spacing=6)
        self.root.addWidget(splitter(Qt.Orientation.Horizontal, left, right, stretch=(0, 1)), 1)
        self.retranslate()

    # ----------------------------------------------------------------- loading
    def recompute(self) -> None:
        """Read member, reserve, deposit and parameters; reload (Ctrl+R)."""
        self._debounce.stop()
        try:
            deposit = parse_money(self.deposit_edit.text()) or 0
            reserve = (
                parse_money(self.reserve_edit.text()) if self.assume_check.isChecked() else None
            )
        except ValueError:
            self.set_error(
                translate(
                    "Liquidation", "Amounts: yuan with at most two decimals, e.g. 1,000,000.00"
                )
            )
            return
        if deposit < 0:
            self.set_error(translate("Liquidation", "A what-if deposit must not be negative"))
            return
        self.error_banner.set_message("")
        values = self.params.values()
        member = self.member_combo.currentData()
        self._request = LiquidationRequest(
            member=member if isinstance(member, str) else None,
            reserve_fen=reserve,
            deposit_fen=deposit,
            requirement=cast(Requirement, values["requirement"]),
            lots_method=cast(LotsMethod, values["lots_method"]),
        )
        self.reload()

    def _on_assume(self, checked: bool) -> None:
        self.reserve_edit.setEnabled(checked)
        if checked and not self.reserve_edit.text() and self._data and self._data.report:
            self.reserve_edit.setText(format_yuan(self._data.report.reserve_fen))
        self.recompute()

    def apply_result(self, result: Any) -> None:
        assert isinstance(result, LiquidationView)
        self._data = result
        refill_combo(
            self.member_combo,
            (
                (f"{row['member_code']} {row['member_name']}", row["member_code"])
                for row in result.members.to_dict("records")
            ),
            result.member,
        )
        self.members_model.set_frame(result.members)
        report = result.report
        self.clients_model.set_frame(
            report.clients if report is not None else empty_frame(CLIENT_COLUMNS)
        )
        self.orders_model.set_frame(result.orders)
        self._update_texts()

    # ----------------------------------------------------------------- display
    def _update_texts(self) -> None:
        data = self._data
        report = None if data is None else data.report
        values = {key: "—" for key, _ in FACTS}
        red: set[str] = set()
        if report is not None:
            pv = report.preview
            values.update(
                {
                    "reserve": format_yuan(report.reserve_fen),
                    "deposit": format_yuan(report.deposit_fen),
                    "min_reserve": format_yuan(report.min_reserve_fen),
                    "required": format_yuan(pv.required_fen),
                    "margin": format_yuan(pv.total_margin_fen),
                    "ratio": f"{pv.ratio_decimal(8)}",
                    "release": format_yuan(pv.total_release_fen),
                    "released": format_yuan(pv.total_released_fen),
                    "lots": f"{int(pv.line_lots.sum()):,}",
                    "shortfall": format_yuan(pv.shortfall_fen),
                }
            )
            red = {"reserve"} if report.reserve_fen < 0 else set()
            if pv.required_fen > 0:
                red.add("required")
            if pv.shortfall_fen > 0:
                red.add("shortfall")
        self.figures.show_values(values, dict.fromkeys(red, "color: #c0392b; font-weight: 600;"))
        if report is not None and report.opening_banned:
            self.ban_banner.set_message(
                translate(
                    "Liquidation",
                    "Opening banned: the reserve is below zero; the member may not "
                    "open positions until the reserve is back to the minimum of %1 CNY (R26).",
                ).replace("%1", format_yuan(report.min_reserve_fen)),
                "danger",
            )
        else:
            self.ban_banner.set_message("")
        if report is not None:
            text = translate(
                "Liquidation",
                "Preview rests on unverified defaults (%1); the exchange's result is "
                "authoritative.",
            ).replace(
                "%1", unverified_names(self.params, report.unverified, "Liquidation", PARAM_NAMES)
            )
            if not report.is_triggered:
                text = (
                    translate(
                        "Liquidation",
                        "No forced liquidation: the reserve after the deposit is not below zero.",
                    )
                    + " "
                    + text
                )
            self.banner.set_message(text, "warning" if report.is_triggered else "info")
        else:
            self.banner.set_message("")
        lines = 0 if data is None else len(data.orders)
        self.members_title.setText(translate("Liquidation", "Members and their latest reserve"))
        self.clients_title.setText(
            translate("Liquidation", "Clients: %1").replace(
                "%1", f"{self.clients_model.rowCount():,}"
            )
        )
        self.orders_title.setText(
            translate("Liquidation", "Order list for the trading desk: %1 lines").replace(
                "%1", f"{lines:,}"
            )
        )
        self.update_subtitle()

    def describe(self) -> str:
        data = self._data
        if data is None or data.member is None:
            return ""
        return translate("Liquidation", "Member %1").replace("%1", data.member)

    def retranslate(self) -> None:
        super().retranslate()
        self.member_label.setText(translate("Liquidation", "Member"))
        self.assume_check.setText(translate("Liquidation", "Assume reserve (CNY)"))
        self.assume_check.setToolTip(
            translate("Liquidation", "Stress test: use this reserve instead of the stored one")
        )
        self.deposit_label.setText(translate("Liquidation", "What-if deposit (CNY)"))
        self.deposit_edit.setPlaceholderText("0.00")
        self.export_button.setText(translate("Liquidation", "Export order list… (Ctrl+E)"))
        self.figures.title.setText(translate("Liquidation", "Preview figures"))
        for key, caption_source in FACTS:
            self.facts[key][0].setText(translate("Liquidation", caption_source))
        self.params.retranslate()
        self._update_texts()

    def status_text(self) -> str:
        data = self._data
        if data is None:
            return ""
        return translate("Liquidation", "%1 lines to close").replace("%1", f"{len(data.orders):,}")

    def export_request(self) -> tuple[pd.DataFrame, str, list[str]] | None:
        data = self._data
        if data is None or data.report is None:
            return None
        frame = liquidation_order_list(data).copy()
        frame["side_to_close"] = [
            translate("Values", CLOSE_SIDE_LABELS[s]) for s in frame["side_to_close"]
        ]
        title = translate("Liquidation", "Forced liquidation order list, member %1").replace(
            "%1", data.report.member
        )
        notes = [self.subtitle_label.text(), self.ban_banner.text(), self.banner.text()]
        return frame, title, [n for n in notes if n]


def create(ctx: DesktopContext, parent: QWidget | None = None) -> LiquidationScreen:
    return LiquidationScreen(ctx, parent)
