"""Forced liquidation workbench (强行平仓): members below zero, clients' release and lots,
what-if deposit, opening ban, the lot methods compared, order list for the trading desk.

Figures come from ``core.services.liquidation.preview_liquidation`` (every lot method
in one read, on a worker): released ÷ required and the over-release of each method,
what the clients' margin can release and the shortfall, the warning above the firm's
threshold (``is_over``, the one ``[client_forced_close] warn_above``). Typing a what-if
deposit (or an assumed reserve) recomputes after a short pause, Enter at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pandas as pd
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QLabel, QWidget

from core.money import bp_to_str, format_yuan
from core.rules.forced_liquidation import LiquidationParams
from core.rules.liquidation_methods import LotsMethod, Requirement
from core.services.liquidation import (
    LiquidationReport,
    LiquidationRequest,
    LiquidationView,
    liquidation_view,
)
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.columns import HEDGE_LABELS, SIDE_LABELS, Column, Kind
from desktop.models.frame_table import FrameTableModel, TintedFrameModel
from desktop.palette import DANGER_ROW_BRUSH, DIFF_BRUSH, RED
from desktop.screens.workbench_common import WorkbenchScreen, empty_frame, unverified_names
from desktop.screens.workbench_data import default_params, liquidation_order_list
from desktop.widgets.banner import Banner
from desktop.widgets.data_combo import data_combo, refill_combo
from desktop.widgets.data_table import ROW_HEIGHT
from desktop.widgets.facts_panel import FactsPanel
from desktop.widgets.money_edit import MoneyEdit, parse_money
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
    Column("client_code", QT_TRANSLATE_NOOP("Columns", "Client"), Kind.CODE, 82),
    Column("margin_fen", QT_TRANSLATE_NOOP("Columns", "Trading margin (CNY)"), Kind.MONEY, 142),
    Column("release_fen", QT_TRANSLATE_NOOP("Columns", "To release (CNY)"), Kind.MONEY, 116),
    Column("releasable_fen", QT_TRANSLATE_NOOP("Columns", "Can release (CNY)"), Kind.MONEY, 120),
    Column(
        "shortfall_fen",
        QT_TRANSLATE_NOOP("Columns", "Shortfall (CNY)"),
        Kind.MONEY,
        104,
        mute_zero=True,
    ),
    Column("released_fen", QT_TRANSLATE_NOOP("Columns", "Released by lots (CNY)"), Kind.MONEY, 152),
    Column("close_lots", QT_TRANSLATE_NOOP("Columns", "Lots"), Kind.INT, 46),
)
REQUIREMENT_LABELS = {
    "to_zero": QT_TRANSLATE_NOOP("Params", "Back to zero"),
    "to_min_reserve": QT_TRANSLATE_NOOP("Params", "Back to the minimum reserve"),
}
METHOD_LABELS = {
    "largest_remainder": QT_TRANSLATE_NOOP("Params", "Largest remainder (least over-release)"),
    "same_ratio": QT_TRANSLATE_NOOP("Params", "Same ratio on every line"),
    "fewest_lots": QT_TRANSLATE_NOOP("Params", "Fewest lots per client"),
}
METHOD_COLUMNS = (
    Column(
        "lots_method",
        QT_TRANSLATE_NOOP("Columns", "Lots method"),
        Kind.ENUM,
        230,
        labels=METHOD_LABELS,
        label_context="Params",
    ),
    Column("lines", QT_TRANSLATE_NOOP("Columns", "Lines"), Kind.INT, 64),
    Column("close_lots", QT_TRANSLATE_NOOP("Columns", "Lots"), Kind.INT, 64),
    Column("released_fen", QT_TRANSLATE_NOOP("Columns", "Released (CNY)"), Kind.MONEY, 150),
    Column("released_ratio_bp", QT_TRANSLATE_NOOP("Columns", "Released ÷ required"), Kind.BP, 146),
    Column("over_release_fen", QT_TRANSLATE_NOOP("Columns", "Over-release (CNY)"), Kind.MONEY, 150),
)
"""The lot methods side by side for the chosen requirement (``scenarios``)."""
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
    ("ratio", QT_TRANSLATE_NOOP("Liquidation", "Ratio (required ÷ margin)")),
    ("release", QT_TRANSLATE_NOOP("Liquidation", "To release (CNY)")),
    ("releasable", QT_TRANSLATE_NOOP("Liquidation", "Can release (CNY)")),
    ("shortfall", QT_TRANSLATE_NOOP("Liquidation", "Shortfall (CNY)")),
    ("released", QT_TRANSLATE_NOOP("Liquidation", "Released by lots (CNY)")),
    ("released_ratio", QT_TRANSLATE_NOOP("Liquidation", "Released ÷ required")),
    ("over", QT_TRANSLATE_NOOP("Liquidation", "Over-release (CNY)")),
    ("lots", QT_TRANSLATE_NOOP("Liquidation", "Lots to close")),
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
            choices=tuple(REQUIREMENT_LABELS.items()),
        ),
        ParamSpec(
            "lots_method",
            QT_TRANSLATE_NOOP("Params", "Lots per line"),
            "choice",
            p.lots_method,
            "lots_method" not in unverified,
            choices=tuple(METHOD_LABELS.items()),
        ),
    ]


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
        self.over_banner = Banner("liquidation_over", self)
        self.root.insertWidget(2, self.over_banner)

        self.member_label = QLabel()
        self.member_combo = data_combo("memberCombo")
        self.member_combo.setMinimumWidth(200)
        self.member_combo.activated.connect(lambda _i: self.recompute())
        self.assume_check = QCheckBox()
        self.assume_check.setObjectName("assumeReserve")
        # The assumed reserve starts empty (the stored one is its placeholder): what the
        # user types is the whole value, never appended to a pre-filled figure.
        self.reserve_edit = MoneyEdit("reserveEdit")
        self.reserve_edit.setEnabled(False)
        self.reserve_edit.setMaximumWidth(150)
        self.assume_check.toggled.connect(self._on_assume)
        self.deposit_label = QLabel()
        self.deposit_edit = MoneyEdit("depositEdit")
        self.deposit_edit.setMaximumWidth(150)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.recompute)
        for edit in (self.deposit_edit, self.reserve_edit):
            edit.textEdited.connect(lambda _t: self._debounce.start())
            edit.returnPressed.connect(self.recompute)
        self.add_toolbar(
            (self.member_label, self.member_combo),
            (self.assume_check, self.reserve_edit),
            (self.deposit_label, self.deposit_edit),
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
        left.setMinimumWidth(280)
        left.setMaximumWidth(290)

        self.members_title = section_title()
        self.members_model = TintedFrameModel(
            MEMBER_COLUMNS, self, flag_key="below_zero", tints={True: DANGER_ROW_BRUSH}
        )
        self.members_view = self.add_table(
            "liquidation_members", self.members_model, "member_name", fit=True
        )
        self.members_view.setMaximumHeight(84)
        self.methods_title = section_title()
        self.methods_model = TintedFrameModel(
            METHOD_COLUMNS,
            self,
            flag_key="tint",
            tints={"chosen": DIFF_BRUSH, "over": DANGER_ROW_BRUSH},
        )
        self.methods_view = self.add_table(
            "liquidation_methods", self.methods_model, "lots_method", fit=True
        )
        self.methods_view.setSortingEnabled(False)
        view = self.methods_view  # one row per lot method, no more
        view.setFixedHeight(
            view.horizontalHeader().sizeHint().height()
            + len(METHOD_LABELS) * ROW_HEIGHT
            + 2 * view.frameWidth()
        )
        self.clients_title = section_title()
        self.clients_model = FrameTableModel(CLIENT_COLUMNS, self)
        self.clients_view = self.add_table("liquidation_clients", self.clients_model)
        self.orders_title = section_title()
        self.orders_model = FrameTableModel(ORDER_COLUMNS, self)
        self.orders_view = self.add_table("liquidation_orders", self.orders_model)
        for view, model in (
            (self.clients_view, self.clients_model),
            (self.orders_view, self.orders_model),
        ):
            view.link_clients(_client_of(model), self._open_client)
        lower = splitter(
            Qt.Orientation.Vertical,
            column(self.clients_title, self.clients_view),
            column(self.orders_title, self.orders_view),
        )
        right = column(
            self.members_title,
            self.members_view,
            self.methods_title,
            self.methods_view,
            lower,
            spacing=6,
        )
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
        if checked:
            self.reserve_edit.setFocus()  # selects it: typing replaces
        else:
            self.reserve_edit.clear()  # a later tick starts from the stored reserve again
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
        self.methods_model.set_frame(self._methods_frame(report))
        stored = result.members.loc[result.members["member_code"] == result.member, "reserve_fen"]
        self.reserve_edit.setPlaceholderText(
            format_yuan(int(stored.iloc[0])) if len(stored) and pd.notna(stored.iloc[0]) else ""
        )
        self._update_texts()

    @staticmethod
    def _methods_frame(report: LiquidationReport | None) -> pd.DataFrame:
        """The scenarios of the chosen requirement, one per lot method; the chosen method
        tinted, a method above the warning threshold in red."""
        if report is None:
            return empty_frame(METHOD_COLUMNS, "tint")
        scen = report.scenarios
        rows = scen[scen["requirement"] == report.params.requirement].reset_index(drop=True)
        tint = pd.Series(None, index=rows.index, dtype=object)
        tint[rows["lots_method"] == report.params.lots_method] = "chosen"
        tint[rows["is_over"].astype(bool)] = "over"
        return rows.assign(tint=tint)

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
                    "releasable": format_yuan(report.releasable_fen),
                    "shortfall": format_yuan(pv.shortfall_fen),
                    "released": format_yuan(pv.total_released_fen),
                    "released_ratio": (
                        "—"
                        if report.released_ratio_bp is None
                        else bp_to_str(report.released_ratio_bp)
                    ),
                    "over": format_yuan(report.over_release_fen),
                    "lots": f"{int(pv.line_lots.sum()):,}",
                }
            )
            red = {"reserve"} if report.reserve_fen < 0 else set()
            if pv.required_fen > 0:
                red.add("required")
            if pv.shortfall_fen > 0:
                red.add("shortfall")
            if report.is_over:
                red |= {"released_ratio", "over"}
        self.figures.show_values(values, dict.fromkeys(red, f"color: {RED}; font-weight: 600;"))
        if report is not None and report.is_over and report.released_ratio_bp is not None:
            self.over_banner.set_message(
                translate(
                    "Liquidation",
                    "The lots release %1 of the requirement (above %2): over-release %3 "
                    "CNY. Closing more than the shortfall needs exposes the firm to the "
                    "clients' losses; compare the lot methods below.",
                )
                .replace("%1", bp_to_str(report.released_ratio_bp))
                .replace("%2", bp_to_str(report.warn_above_bp))
                .replace("%3", format_yuan(report.over_release_fen)),
                "warning",
            )
        else:
            self.over_banner.set_message("")
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
        self.methods_title.setText(
            translate("Liquidation", "Lot methods compared (requirement: %1)").replace(
                "%1",
                "—"
                if report is None
                else translate("Params", REQUIREMENT_LABELS[report.params.requirement]),
            )
        )
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

    def _open_client(self, code: str) -> None:
        self.ctx.bus.client_requested.emit(code, self._day)

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
        # once per side, not per line: the list may hold a million lines
        labels = {s: translate("Values", label) for s, label in CLOSE_SIDE_LABELS.items()}
        frame["side_to_close"] = frame["side_to_close"].map(labels)
        title = translate("Liquidation", "Forced liquidation order list, member %1").replace(
            "%1", data.report.member
        )
        notes = [self.subtitle_label.text(), self.ban_banner.text(), self.banner.text()]
        return frame, title, [n for n in notes if n]


def _client_of(model: FrameTableModel) -> Callable[[int], str | None]:
    """The client code of a view row of ``model`` (``DataTableView.link_clients``)."""
    return lambda row: str(model.raw_value(row, "client_code"))


def create(ctx: DesktopContext, parent: QWidget | None = None) -> LiquidationScreen:
    return LiquidationScreen(ctx, parent)
