"""Delivery (交割): stored matches, a seller's minimum-pairing allocation, and an ad hoc
calculator of the fewest (warehouse, buyer) pairs (最少配对).

Allocations come from the read services of ``core.services.delivery``
(``delivery_view``: the screen previews, it never writes) and ``allocate_given`` (the
typed lots, parsed by ``parse_lots_list``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from core.errors import InputError
from core.services.delivery import (
    DeliveryRequest,
    DeliveryView,
    SellerAllocation,
    allocate_given,
    delivery_view,
)
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.columns import Column, Kind
from desktop.models.frame_table import FrameTableModel
from desktop.screens.workbench_common import WorkbenchScreen, empty_frame
from desktop.widgets.data_combo import data_combo, refill_combo
from desktop.widgets.data_table import DataTableView
from desktop.widgets.sections import column, section_title, splitter

EXAMPLE_WAREHOUSES = "A:30, B:20, C:10"
EXAMPLE_BUYERS = "X:20, Y:30, Z:10"
"""The worked example of docs/cli.md, prefilled so that the calculator shows a result."""

STATE_LABELS = {
    "pending": QT_TRANSLATE_NOOP("Values", "Pending"),
    "allocated": QT_TRANSLATE_NOOP("Values", "Allocated"),
}
MATCH_COLUMNS = (
    Column("match_day", QT_TRANSLATE_NOOP("Columns", "Matched on"), Kind.DATE, 90),
    Column("contract_code", QT_TRANSLATE_NOOP("Columns", "Contract"), Kind.CODE, 70),
    Column("seller_code", QT_TRANSLATE_NOOP("Columns", "Seller"), Kind.CODE, 80),
    Column("buyer_code", QT_TRANSLATE_NOOP("Columns", "Buyer"), Kind.CODE, 80),
    Column("lots", QT_TRANSLATE_NOOP("Columns", "Lots"), Kind.INT, 50),
    Column("price_fen", QT_TRANSLATE_NOOP("Columns", "Price (CNY)"), Kind.PRICE, 90),
    Column("delivery_day", QT_TRANSLATE_NOOP("Columns", "Delivery day"), Kind.DATE, 90),
    Column(
        "allocation_state",
        QT_TRANSLATE_NOOP("Columns", "Allocation"),
        Kind.ENUM,
        80,
        labels=STATE_LABELS,
    ),
)
PAIR_COLUMNS = (
    Column("warehouse_code", QT_TRANSLATE_NOOP("Columns", "Warehouse"), Kind.CODE, 90),
    Column("buyer_code", QT_TRANSLATE_NOOP("Columns", "Buyer"), Kind.CODE, 90),
    Column("lots", QT_TRANSLATE_NOOP("Columns", "Lots"), Kind.INT, 60),
)


class AllocationPanel(QWidget):
    """Pair count, lower bound, optimal flag and the pairs of one allocation."""

    def __init__(self, ctx: DesktopContext, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = section_title()
        self.summary = QLabel()
        self.summary.setObjectName(f"{name}Summary")
        self.summary.setWordWrap(True)
        self.model = FrameTableModel(PAIR_COLUMNS, self)
        self.view = DataTableView(ctx.settings, f"delivery_{name}", self)
        self.view.setModel(self.model)
        self.view.apply_default_widths(PAIR_COLUMNS, "buyer_code")
        column(self.title, self.summary, self.view, widget=self)
        self.allocation: SellerAllocation | None = None

    def show_allocation(self, allocation: SellerAllocation | None, empty_text: str = "") -> None:
        self.allocation = allocation
        if allocation is None:
            self.model.set_frame(empty_frame(PAIR_COLUMNS))
            self.summary.setText(empty_text)
            return
        self.model.set_frame(allocation.pairs)
        self.retranslate()

    def retranslate(self) -> None:
        self.model.retranslate()
        a = self.allocation
        if a is None:
            return
        al = a.allocation
        warehouses = ", ".join(f"{w} {n:,}" for w, n in a.warehouses)
        buyers = ", ".join(f"{b} {n:,}" for b, n in a.buyers)
        self.summary.setText(
            translate(
                "Delivery",
                "<b>%1 pairs</b> (lower bound %2, %3) · warehouses: %4 · buyers: %5",
            )
            .replace("%1", f"{al.pair_count:,}")
            .replace("%2", f"{al.lower_bound:,}")
            .replace(
                "%3",
                translate("Delivery", "optimal")
                if al.optimal
                else translate("Delivery", "may not be optimal"),
            )
            .replace("%4", warehouses)
            .replace("%5", buyers)
        )


class DeliveryScreen(WorkbenchScreen):
    """Stored matches, the chosen seller's allocation, and the ad hoc calculator."""

    watched = ("positions", "receipts")
    title_source = QT_TRANSLATE_NOOP("Screens", "Delivery")
    export_kind = "delivery_allocation"
    progress_source = QT_TRANSLATE_NOOP("Delivery", "Allocating receipts…")

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "delivery", delivery_view, parent)
        self._data: DeliveryView | None = None
        self._request = DeliveryRequest()
        self.seller_label = QLabel()
        self.seller_combo = data_combo("sellerCombo")
        self.seller_combo.setMinimumWidth(180)
        self.seller_combo.activated.connect(lambda _i: self.recompute())
        self.add_toolbar((self.seller_label, self.seller_combo))

        self.matches_title = section_title()
        self.matches_model = FrameTableModel(
            MATCH_COLUMNS, self, filter_keys=("seller_code", "buyer_code", "contract_code")
        )
        self.matches_view = self.add_table("delivery_matches", self.matches_model)
        self.seller_panel = AllocationPanel(ctx, "seller", self)

        self.adhoc_title = section_title()
        self.adhoc_hint = QLabel()
        self.adhoc_hint.setWordWrap(True)
        self.adhoc_hint.setObjectName("screenSubtitle")
        self.warehouses_label = QLabel()
        self.warehouses_edit = QLineEdit(EXAMPLE_WAREHOUSES)
        self.warehouses_edit.setObjectName("warehousesEdit")
        self.buyers_label = QLabel()
        self.buyers_edit = QLineEdit(EXAMPLE_BUYERS)
        self.buyers_edit.setObjectName("buyersEdit")
        self.allocate_button = QPushButton()
        self.allocate_button.setObjectName("allocateButton")
        self.allocate_button.clicked.connect(self.allocate_ad_hoc)
        for edit in (self.warehouses_edit, self.buyers_edit):
            edit.returnPressed.connect(self.allocate_ad_hoc)
        self.adhoc_error = QLabel()
        self.adhoc_error.setObjectName("adhocError")
        self.adhoc_error.setStyleSheet("color: #c0392b;")
        self.adhoc_error.setWordWrap(True)
        self.adhoc_panel = AllocationPanel(ctx, "adhoc", self)
        form = QGridLayout()
        form.addWidget(self.warehouses_label, 0, 0)
        form.addWidget(self.warehouses_edit, 0, 1)
        form.addWidget(self.buyers_label, 1, 0)
        form.addWidget(self.buyers_edit, 1, 1)
        form.addWidget(self.allocate_button, 1, 2)
        adhoc = column(self.adhoc_title, self.adhoc_hint, form, self.adhoc_error, self.adhoc_panel)

        left = splitter(
            Qt.Orientation.Vertical,
            column(self.matches_title, self.matches_view),
            self.seller_panel,
        )
        self.root.addWidget(splitter(Qt.Orientation.Horizontal, left, adhoc, stretch=(3, 2)), 1)
        self.retranslate()

    # ----------------------------------------------------------------- loading
    def recompute(self) -> None:
        choice = self.seller_combo.currentData()
        if isinstance(choice, tuple):
            self._request = DeliveryRequest(seller=str(choice[0]), contract=str(choice[1]))
        self.reload()
        self.allocate_ad_hoc()

    def apply_result(self, result: Any) -> None:
        assert isinstance(result, DeliveryView)
        self._data = result
        refill_combo(
            self.seller_combo,
            ((f"{seller} · {contract}", (seller, contract)) for seller, contract in result.sellers),
            result.chosen,
        )
        self.matches_model.set_frame(result.matches)
        self.seller_panel.show_allocation(
            result.allocation,
            translate(
                "Delivery",
                "No stored delivery matches: use the calculator on the right for given lots.",
            )
            if not result.sellers
            else "",
        )
        if self.adhoc_panel.allocation is None and not self.adhoc_error.text():
            self.allocate_ad_hoc()
        self._update_texts()

    # ----------------------------------------------------------------- ad hoc
    def allocate_ad_hoc(self) -> None:
        """Run the minimal-pairs allocation of the typed lots on a worker."""
        warehouses, buyers = self.warehouses_edit.text(), self.buyers_edit.text()

        def job() -> SellerAllocation:
            return allocate_given(warehouses, buyers)

        def done(future: Any) -> None:
            try:
                allocation = future.result()
            except InputError as exc:
                self.adhoc_error.setText(str(exc))
                self.adhoc_panel.show_allocation(None)
                return
            self.adhoc_error.setText("")
            self.adhoc_panel.show_allocation(allocation)

        self.ctx.tasks.submit(job, done, owner=self)

    # ----------------------------------------------------------------- texts
    def _update_texts(self) -> None:
        data = self._data
        self.matches_title.setText(
            translate("Delivery", "Delivery matches: %1").replace(
                "%1", f"{0 if data is None else len(data.matches):,}"
            )
        )
        allocation = None if data is None else data.allocation
        self.seller_panel.title.setText(
            translate("Delivery", "Minimum pairing for seller %1 (%2)")
            .replace("%1", allocation.seller)
            .replace("%2", allocation.contract)
            if allocation is not None
            else translate("Delivery", "Minimum pairing for a seller")
        )
        self.banner.set_message(
            translate(
                "Delivery",
                "Allocations are previews: nothing is recorded here. Fewest pairs "
                "are exact up to 20 warehouses and buyers after equal pairs; "
                "beyond, the lower bound tells how far from optimal.",
            ),
            "info",
        )
        self.update_subtitle()

    def retranslate(self) -> None:
        super().retranslate()
        self.seller_label.setText(translate("Delivery", "Seller"))
        self.adhoc_title.setText(translate("Delivery", "Ad hoc calculator"))
        self.adhoc_hint.setText(
            translate(
                "Delivery",
                "Enter the seller's receipts by warehouse and the buyers' lots as CODE:LOTS, "
                "separated by commas; both sides must total the same lots.",
            )
        )
        self.warehouses_label.setText(translate("Delivery", "Warehouses"))
        self.buyers_label.setText(translate("Delivery", "Buyers"))
        self.allocate_button.setText(translate("Delivery", "Allocate"))
        self.adhoc_panel.title.setText(translate("Delivery", "Fewest pairs"))
        self.seller_panel.retranslate()
        self.adhoc_panel.retranslate()
        self._update_texts()

    def status_text(self) -> str:
        data = self._data
        if data is None:
            return ""
        return translate("Delivery", "%1 matches").replace("%1", f"{len(data.matches):,}")

    def export_request(self) -> tuple[pd.DataFrame, str, list[str]] | None:
        panel = self.seller_panel if self.seller_panel.allocation is not None else self.adhoc_panel
        if panel.allocation is None:
            return None
        title = translate("Delivery", "Delivery allocation")
        return (
            panel.allocation.pairs,
            title,
            [panel.summary.text().replace("<b>", "").replace("</b>", "")],
        )


def create(ctx: DesktopContext, parent: QWidget | None = None) -> DeliveryScreen:
    return DeliveryScreen(ctx, parent)
