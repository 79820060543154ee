"""Position limits (持仓限额): accounts near (≥ 80 %) or over their limits after settlement.

Rows come from ``core.services.limits.limits_report`` (speculative lots against the
limit of the period in force, R25); hedge lots are shown separately because they are
exempt. Contracts and parties without limit data are listed as a warning, never given
a guessed limit.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from core.services.limits import LimitsRequest, LimitsView, limits_view
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.columns import SIDE_LABELS, Column, Kind
from desktop.models.frame_table import FrameTableModel, TintedFrameModel
from desktop.palette import DANGER_ROW_BRUSH, WARN_ROW_BRUSH
from desktop.screens.workbench_common import WorkbenchScreen, empty_frame
from desktop.screens.workbench_data import percent_text
from desktop.widgets.banner import Banner
from desktop.widgets.data_combo import data_combo, retranslate_items
from desktop.widgets.sections import column, section_title, splitter

PERIOD_LABELS = {
    "general": QT_TRANSLATE_NOOP("Values", "General"),
    "pre_delivery": QT_TRANSLATE_NOOP("Values", "Pre-delivery"),
    "delivery": QT_TRANSLATE_NOOP("Values", "Delivery"),
    "": QT_TRANSLATE_NOOP("Values", "—"),
}
PARTY_LABELS = {
    "client": QT_TRANSLATE_NOOP("Values", "Client (entity)"),
    "individual": QT_TRANSLATE_NOOP("Values", "Individual"),
    "brokerage_member": QT_TRANSLATE_NOOP("Values", "Futures company member"),
    "non_brokerage_member": QT_TRANSLATE_NOOP("Values", "Non-brokerage member"),
}
STATUS_LABELS = {
    "over": QT_TRANSLATE_NOOP("Values", "Over limit"),
    "near": QT_TRANSLATE_NOOP("Values", "Near limit"),
    "ok": QT_TRANSLATE_NOOP("Values", "Within limit"),
    "unlimited": QT_TRANSLATE_NOOP("Values", "No limit"),
}
VERSION_LABELS = {
    "seed": QT_TRANSLATE_NOOP("Limits", "Seed table (verified)"),
    "current": QT_TRANSLATE_NOOP("Limits", "Current table (partly unverified)"),
}
SHOW_LABELS = {
    "flagged": QT_TRANSLATE_NOOP("Limits", "Near or over the limit"),
    "all": QT_TRANSLATE_NOOP("Limits", "All checked accounts"),
}
WARN_LEVELS = (Fraction(7, 10), Fraction(8, 10), Fraction(9, 10))

ROW_COLUMNS = (
    Column("client_code", QT_TRANSLATE_NOOP("Columns", "Client"), Kind.CODE, 80),
    Column("contract_code", QT_TRANSLATE_NOOP("Columns", "Contract"), Kind.CODE, 74),
    Column("side", QT_TRANSLATE_NOOP("Columns", "Side"), Kind.ENUM, 56, labels=SIDE_LABELS),
    Column("period", QT_TRANSLATE_NOOP("Columns", "Period"), Kind.ENUM, 100, labels=PERIOD_LABELS),
    Column("effective_from", QT_TRANSLATE_NOOP("Columns", "In force from"), Kind.DATE, 100),
    Column("party", QT_TRANSLATE_NOOP("Columns", "Party"), Kind.ENUM, 104, labels=PARTY_LABELS),
    Column("open_interest", QT_TRANSLATE_NOOP("Columns", "Open interest"), Kind.INT, 100),
    Column("speculative_lots", QT_TRANSLATE_NOOP("Columns", "Speculative"), Kind.INT, 90),
    Column(
        "hedge_lots",
        QT_TRANSLATE_NOOP("Columns", "Hedge"),
        Kind.INT,
        70,
        tooltip=QT_TRANSLATE_NOOP("Columns", "Hedge lots are exempt from the limit"),
    ),
    Column("limit_lots", QT_TRANSLATE_NOOP("Columns", "Limit"), Kind.INT, 70),
    Column("excess_lots", QT_TRANSLATE_NOOP("Columns", "Excess"), Kind.INT, 66, mute_zero=True),
    Column(
        "usage_bp",
        QT_TRANSLATE_NOOP("Columns", "Usage"),
        Kind.BP,
        84,
        warn_at=8_000,
        danger_at=10_000,
    ),
    Column("status", QT_TRANSLATE_NOOP("Columns", "Status"), Kind.ENUM, 90, labels=STATUS_LABELS),
)
NO_DATA_COLUMNS = (
    Column("product_code", QT_TRANSLATE_NOOP("Columns", "Product"), Kind.CODE, 80),
    Column("contract_code", QT_TRANSLATE_NOOP("Columns", "Contract"), Kind.CODE, 70),
    Column("period", QT_TRANSLATE_NOOP("Columns", "Period"), Kind.ENUM, 130, labels=PERIOD_LABELS),
    Column("party", QT_TRANSLATE_NOOP("Columns", "Party"), Kind.ENUM, 110, labels=PARTY_LABELS),
    Column("accounts", QT_TRANSLATE_NOOP("Columns", "Accounts"), Kind.INT, 70),
    Column("reason", QT_TRANSLATE_NOOP("Columns", "Reason"), Kind.TEXT, 300),
)


class LimitsScreen(WorkbenchScreen):
    """Flagged accounts with period, effective date and hedge lots; no-data warnings."""

    watched = ("positions", "prices", "reference", "clients")
    title_source = QT_TRANSLATE_NOOP("Screens", "Position limits")
    export_kind = "limits"
    progress_source = QT_TRANSLATE_NOOP("Limits", "Checking position limits…")

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "limits", limits_view, parent)
        self._data: LimitsView | None = None
        self._request = LimitsRequest()
        self._auto_all = True
        self.no_data_banner = Banner("limits_no_data", self)
        self.root.insertWidget(2, self.no_data_banner)
        self.version_label = QLabel()
        self.version_combo = data_combo("versionCombo", VERSION_LABELS)
        self.version_combo.activated.connect(lambda _i: self.recompute())
        self.warn_label = QLabel()
        self.warn_combo = data_combo("warnCombo")
        for level in WARN_LEVELS:
            self.warn_combo.addItem(percent_text(level, 0), level)
        self.warn_combo.setCurrentIndex(1)
        self.warn_combo.activated.connect(lambda _i: self.recompute())
        self.show_label = QLabel()
        self.show_combo = data_combo("showCombo", SHOW_LABELS)
        self.show_combo.activated.connect(self._on_show)
        self.add_toolbar(
            (self.version_label, self.version_combo),
            (self.warn_label, self.warn_combo),
            (self.show_label, self.show_combo),
        )

        self.rows_title = section_title()
        self.rows_model = TintedFrameModel(
            ROW_COLUMNS,
            self,
            flag_key="status",
            tints={"over": DANGER_ROW_BRUSH, "near": WARN_ROW_BRUSH},
            filter_keys=("client_code", "contract_code"),
        )
        self.rows_view = self.add_table("limits_rows", self.rows_model)
        self.no_data_title = section_title()
        self.no_data_model = FrameTableModel(NO_DATA_COLUMNS, self)
        self.no_data_view = self.add_table("limits_no_data", self.no_data_model, "reason")
        split = splitter(
            Qt.Orientation.Vertical,
            column(self.rows_title, self.rows_view),
            column(self.no_data_title, self.no_data_view),
            stretch=(3, 1),
        )
        self.root.addWidget(split, 1)
        self.retranslate()

    # ----------------------------------------------------------------- loading
    def recompute(self) -> None:
        level = self.warn_combo.currentData()
        self._request = LimitsRequest(
            version=str(self.version_combo.currentData()),
            warn_level=level if isinstance(level, Fraction) else Fraction(8, 10),
        )
        self.reload()

    def apply_result(self, result: Any) -> None:
        assert isinstance(result, LimitsView)
        self._data = result
        if self._auto_all and not result.rows.empty:
            # First load with nothing flagged: show every checked account instead.
            flagged = result.rows["status"].isin(["over", "near"]).any()
            self.show_combo.setCurrentIndex(0 if flagged else 1)
            self._auto_all = False
        no_data = result.no_data.copy()
        if len(no_data):
            no_data["reason"] = [_reason(r) for r in no_data["reason"]]
        self.no_data_model.set_frame(no_data)
        self._show_rows()

    def _on_show(self, _index: int) -> None:
        self._auto_all = False
        self._show_rows()

    def _show_rows(self) -> None:
        data = self._data
        if data is None or data.rows.empty:
            self.rows_model.set_frame(empty_frame(ROW_COLUMNS))
        elif self.show_combo.currentData() == "flagged":
            rows = data.rows
            self.rows_model.set_frame(rows[rows["status"].isin(["over", "near"])])
        else:
            self.rows_model.set_frame(data.rows)
        self._update_texts()

    def _update_texts(self) -> None:
        data = self._data
        rows = pd.DataFrame() if data is None else data.rows
        counts = rows["status"].value_counts() if "status" in rows else pd.Series(dtype=int)
        level = self.warn_combo.currentText()
        self.rows_title.setText(
            translate(
                "Limits", "Client sides checked (lots): %1 · over %2 · near (≥ %3) %4 · shown %5"
            )
            .replace("%1", f"{len(rows):,}")
            .replace("%2", f"{int(counts.get('over', 0)):,}")
            .replace("%3", level)
            .replace("%4", f"{int(counts.get('near', 0)):,}")
            .replace("%5", f"{self.rows_model.rowCount():,}")
        )
        if data is not None and data.no_data_products:
            accounts = int(data.no_data["accounts"].sum()) if len(data.no_data) else 0
            self.no_data_banner.set_message(
                translate(
                    "Limits",
                    "No limit data for products %1 (%2 account sides not checked): the "
                    "limit tables hold no value for their period or party; no limit is guessed.",
                )
                .replace("%1", translate("Workbench", ", ").join(data.no_data_products))
                .replace("%2", f"{accounts:,}"),
                "warning",
            )
        else:
            self.no_data_banner.set_message("")
        if data is not None and data.report is not None and data.report.unverified_sources:
            self.banner.set_message(
                translate("Limits", "Unverified limit rows in use: %1").replace(
                    "%1", "; ".join(data.report.unverified_sources)
                ),
                "info",
            )
        else:
            self.banner.set_message("")
        self.no_data_title.setText(
            translate("Limits", "Without limit data: %1 contract/party combinations").replace(
                "%1", f"{self.no_data_model.rowCount():,}"
            )
        )
        self.update_subtitle()

    def describe(self) -> str:
        version = self.version_combo.currentData()
        return translate("Limits", "Hedge lots are exempt; %1").replace(
            "%1", translate("Limits", VERSION_LABELS.get(str(version), ""))
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.version_label.setText(translate("Limits", "Limit table"))
        retranslate_items(self.version_combo, "Limits", VERSION_LABELS)
        self.warn_label.setText(translate("Limits", "Warn from"))
        self.show_label.setText(translate("Limits", "Show"))
        retranslate_items(self.show_combo, "Limits", SHOW_LABELS)
        self._update_texts()

    def status_text(self) -> str:
        return translate("Limits", "%1 rows shown").replace("%1", f"{self.rows_model.rowCount():,}")

    def export_request(self) -> tuple[pd.DataFrame, str, list[str]] | None:
        data = self._data
        if data is None or data.report is None:
            return None
        frame = self.rows_model.frame
        title = translate("Screens", "Position limits")
        notes = [self.subtitle_label.text(), self.rows_title.text(), self.no_data_banner.text()]
        return frame, title, [n for n in notes if n]


def _reason(text: str) -> str:
    """The service's reason in the UI language (its English text as the fallback)."""
    for prefix, source in REASONS:
        if text.startswith(prefix):
            return translate("Limits", source)
    return text


REASONS = (
    (
        "no limit data",
        QT_TRANSLATE_NOOP("Limits", "No limit value in the table for this period and party"),
    ),
    (
        "no settlement price",
        QT_TRANSLATE_NOOP("Limits", "No settlement price (open interest) that day"),
    ),
    (
        "limit period unknown",
        QT_TRANSLATE_NOOP("Limits", "Limit period unknown: beyond the trading calendar"),
    ),
)


def create(ctx: DesktopContext, parent: QWidget | None = None) -> LimitsScreen:
    return LimitsScreen(ctx, parent)
