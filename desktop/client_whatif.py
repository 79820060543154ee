"""The client panel's What-if tab (issue 16 item 5): the desk asks "what if he closes
N lots of this line, or the exchange adds five points?" and sees the answer as it
types.

Inputs: a line to close and the lots (0 … the line's), a margin-rate change in points
(−20 … +50) on one held contract or every contract. Figures: margin in use, receipt
offset used, available funds, risk ratio and level, now and after, the margin the close
frees (r(k), the client forced close's rule) and what the rate change adds; below,
the lots still openable per contract and side (speculation, at S and the open rate,
after the changes; fees not counted). The client's basis is read once on a worker
(``core.services.client_whatif.whatif_book``, from the panel's own read), each change
is ``what_if`` (pure, a few milliseconds) on the GUI thread. Texts: catalogue context
"WhatIf" (``resources/i18n/riskdesk-ranges_zh_CN.ts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.errors import InputError, RiskDeskError
from core.money import format_yuan
from core.services.client_detail import ClientDetail
from core.services.client_whatif import WhatIf, WhatIfBook, WhatIfResult, what_if, whatif_book
from core.services.client_whatif import WhatIfRequest as Request
from core.services.store import Reader
from desktop import palette
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.columns import LEFT, RIGHT, SIDE_LABELS, Column, Kind, ppm_text
from desktop.models.frame_table import FrameTableModel
from desktop.models.levels import CONTEXT as LEVELS_CONTEXT
from desktop.models.levels import LEVEL_LABELS
from desktop.models.text_table import TextRow, TextTableModel
from desktop.tasks import run_query
from desktop.widgets.banner import Banner
from desktop.widgets.data_table import DataTableView

CONTEXT = "WhatIf"
POINTS_RANGE = (-20.0, 50.0)
"""Rate changes offered, in percentage points."""


@dataclass(frozen=True)
class WhatIfColumn(Column):
    """A column whose header is in the What-if catalogue context."""

    def title(self) -> str:
        return translate(CONTEXT, self.header)


OPEN_COLUMNS = (
    WhatIfColumn("contract", QT_TRANSLATE_NOOP("WhatIf", "Contract"), Kind.CODE, 72),
    WhatIfColumn("settle_fen", QT_TRANSLATE_NOOP("WhatIf", "S (CNY)"), Kind.PRICE, 84),
    WhatIfColumn("rate_ppm", QT_TRANSLATE_NOOP("WhatIf", "Open rate"), Kind.PPM, 72),
    WhatIfColumn("lot_margin_fen", QT_TRANSLATE_NOOP("WhatIf", "One lot (CNY)"), Kind.MONEY, 100),
    WhatIfColumn("long_lots", QT_TRANSLATE_NOOP("WhatIf", "Long lots"), Kind.INT, 76),
    WhatIfColumn("short_lots", QT_TRANSLATE_NOOP("WhatIf", "Short lots"), Kind.INT, 76),
)
"""Lots still openable per contract (speculation); missing: one lot needs no margin."""

FIGURES = (
    ("margin", QT_TRANSLATE_NOOP("WhatIf", "Margin in use")),
    ("offset", QT_TRANSLATE_NOOP("WhatIf", "Receipt offset used")),
    ("available", QT_TRANSLATE_NOOP("WhatIf", "Available funds")),
    ("ratio", QT_TRANSLATE_NOOP("WhatIf", "Risk ratio")),
    ("level", QT_TRANSLATE_NOOP("WhatIf", "Risk level")),
    ("released", QT_TRANSLATE_NOOP("WhatIf", "Margin freed by the close")),
    ("rate_change", QT_TRANSLATE_NOOP("WhatIf", "Margin added by the rate change")),
)
_ALIGN = (LEFT, RIGHT, RIGHT, LEFT)
_HEDGE = {False: QT_TRANSLATE_NOOP("Values", "Spec."), True: QT_TRANSLATE_NOOP("Values", "Hedge")}


def _money_brush(fen: int) -> QBrush | None:
    return palette.RED_BRUSH if fen < 0 else None


class WhatIfPage(QWidget):
    """The What-if tab (module doc). ``set_detail`` gives it the panel's client."""

    loaded = Signal()

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("clientWhatIf")
        self.book: WhatIfBook | None = None
        self.result: WhatIfResult | None = None
        self._detail: ClientDetail | None = None
        self._code = ""
        self._day: date | None = None
        self._generation = 0
        self._loading = False
        self._stale = False
        self.error = ""

        self.close_caption = QLabel()
        self.line_combo = QComboBox()
        self.line_combo.setObjectName("whatIfLine")
        self.line_combo.setMinimumWidth(220)
        self.lots_spin = QSpinBox()
        self.lots_spin.setObjectName("whatIfLots")
        self.lots_spin.setRange(0, 0)
        self.lots_caption = QLabel()
        self.rate_caption = QLabel()
        self.points_spin = QDoubleSpinBox()
        self.points_spin.setObjectName("whatIfPoints")
        self.points_spin.setRange(*POINTS_RANGE)
        self.points_spin.setDecimals(2)
        self.points_spin.setSingleStep(0.5)
        self.points_spin.setKeyboardTracking(True)
        self.target_caption = QLabel()
        self.target_combo = QComboBox()
        self.target_combo.setObjectName("whatIfTarget")
        self.reset_button = QPushButton()
        self.reset_button.setObjectName("whatIfReset")
        self.reset_button.clicked.connect(self.reset)
        self.banner = Banner("whatif", self)
        self.figures_model = TextTableModel(_ALIGN, self)
        self.figures_view = DataTableView(ctx.settings, "client_whatif_figures", self)
        self.figures_view.setSortingEnabled(False)
        self.figures_view.setModel(self.figures_model)
        header = self.figures_view.horizontalHeader()
        header.setSectionsMovable(False)
        for i in range(3):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.open_title = QLabel()
        self.open_title.setObjectName("sectionTitle")
        self.open_title.setWordWrap(True)
        self.open_model = FrameTableModel(OPEN_COLUMNS, self, filter_keys=("contract",))
        self.open_view = DataTableView(ctx.settings, "client_whatif_open", self)
        self.open_view.setModel(self.open_model)
        self.open_view.apply_default_widths(OPEN_COLUMNS)
        self.open_view.restore_header()

        form = QGridLayout()
        form.setHorizontalSpacing(6)
        form.setVerticalSpacing(4)
        form.addWidget(self.close_caption, 0, 0)
        form.addWidget(self.line_combo, 0, 1)
        form.addWidget(self.lots_spin, 0, 2)
        form.addWidget(self.lots_caption, 0, 3)
        form.addWidget(self.rate_caption, 1, 0)
        form.addWidget(self.points_spin, 1, 2)
        form.addWidget(self.target_caption, 1, 3)
        form.addWidget(self.target_combo, 1, 1)
        form.addWidget(self.reset_button, 0, 4, 2, 1)
        form.setColumnStretch(5, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(form)
        layout.addWidget(self.banner)
        layout.addWidget(self.figures_view)
        layout.addWidget(self.open_title)
        layout.addWidget(self.open_view, 1)

        self.line_combo.currentIndexChanged.connect(self._on_line)
        self.lots_spin.valueChanged.connect(self.recompute)
        self.points_spin.valueChanged.connect(self.recompute)
        self.target_combo.currentIndexChanged.connect(self.recompute)
        self.retranslate()

    # ----------------------------------------------------------------- loading
    @property
    def is_loaded(self) -> bool:
        return not self._loading and (self.book is not None or bool(self.error))

    def set_detail(self, detail: ClientDetail | None, code: str = "", error: str = "") -> None:
        """The panel's client (None with ``error``: the panel could not load it)."""
        self._detail = detail
        self._code = detail.facts.code if detail is not None else code
        self._day = detail.day if detail is not None else None
        self.book, self.result = None, None
        self.error = error
        self._stale = detail is not None
        if detail is None:
            self._generation += 1
            self._loading = False
            self._show()
        elif self.isVisible():
            self.load()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and not self._loading:
            self.load()

    def load(self) -> None:
        """Read the client's basis on a worker (only the newest read is shown)."""
        if self._detail is None:
            return
        self._generation += 1
        generation = self._generation
        self._loading = True
        self._stale = False
        detail = self._detail
        request = Request(detail.facts.code, detail.day)

        def query(reader: Reader) -> WhatIfBook:
            return whatif_book(reader, request, detail=detail)

        def done(book: WhatIfBook) -> None:
            if generation == self._generation:
                self._loading = False
                self.book, self.error = book, ""
                self._fill_inputs()
                self.recompute()
                self.loaded.emit()

        def failed(exc: RiskDeskError) -> None:
            if generation == self._generation:
                self._loading = False
                self.book, self.error = None, str(exc)
                self._show()
                self.loaded.emit()

        run_query(self.ctx, query, done, owner=self, on_failure=failed)

    # ----------------------------------------------------------------- inputs
    def _fill_inputs(self) -> None:
        book = self.book
        for widget in (self.line_combo, self.target_combo, self.lots_spin, self.points_spin):
            widget.blockSignals(True)
        self.line_combo.clear()
        self.line_combo.addItem(translate("WhatIf", "No close"), None)
        self.target_combo.clear()
        self.target_combo.addItem(translate("WhatIf", "every contract"), None)
        if book is not None:
            for i in range(len(book.lines)):
                self.line_combo.addItem(self._line_text(i), i)
            for code in dict.fromkeys(ln.contract for ln in book.lines):
                self.target_combo.addItem(code, code)
        self.lots_spin.setRange(0, 0)
        self.lots_spin.setValue(0)
        self.points_spin.setValue(0.0)
        for widget in (self.line_combo, self.target_combo, self.lots_spin, self.points_spin):
            widget.blockSignals(False)

    def _line_text(self, i: int) -> str:
        assert self.book is not None
        ln = self.book.lines[i]
        return (
            translate("WhatIf", "%1 %2 · %3, %4 lots")
            .replace("%1", ln.contract)
            .replace("%2", translate("Values", SIDE_LABELS[ln.side]))
            .replace("%3", translate("Values", _HEDGE[ln.hedge]))
            .replace("%4", f"{ln.lots:,}")
        )

    def _on_line(self, _index: int) -> None:
        line = self.line_combo.currentData()
        held = self.book.lines[int(line)].lots if self.book is not None and line is not None else 0
        self.lots_spin.blockSignals(True)
        self.lots_spin.setRange(0, held)
        self.lots_spin.setValue(held if line is not None else 0)
        self.lots_spin.blockSignals(False)
        self.recompute()

    def change(self) -> WhatIf:
        """The changes the inputs say (the spin boxes keep them in range)."""
        line = self.line_combo.currentData()
        points = round(self.points_spin.value() * 10_000)  # points → ppm, exact to 0.01
        return WhatIf(
            close_line=int(line) if line is not None else None,
            close_lots=self.lots_spin.value() if line is not None else 0,
            points_ppm=points,
            points_contract=self.target_combo.currentData(),
        )

    def reset(self) -> None:
        self._fill_inputs()
        self.recompute()

    def recompute(self) -> None:
        """The figures for the inputs as they stand (``what_if``)."""
        if self.book is None:
            self._show()
            return
        try:
            self.result = what_if(self.book, self.change())
            self.banner.set_message("")
        except InputError as exc:
            self.result = None
            self.banner.set_message(str(exc), "danger")
        self._show()

    # ----------------------------------------------------------------- showing
    def _show(self) -> None:
        r = self.result
        if self.book is None or r is None:
            if self.error:
                self.banner.set_message(self.error, "danger")
            self.figures_model.set_rows([])
            self.open_model.set_frame(pd.DataFrame(columns=[c.key for c in OPEN_COLUMNS]))
            self._update_texts()
            return

        def money_row(key: str, before: int, after: int) -> TextRow:
            change = after - before
            return TextRow(
                key,
                (
                    translate(CONTEXT, dict(FIGURES)[key]),
                    format_yuan(before),
                    format_yuan(after),
                    "" if change == 0 else ("+" if change > 0 else "") + format_yuan(change),
                ),
                (None, _money_brush(before), _money_brush(after), None),
                bold=key == "available",
            )

        level_before = translate(LEVELS_CONTEXT, LEVEL_LABELS[r.level_before])
        level_after = translate(LEVELS_CONTEXT, LEVEL_LABELS[r.level_after])
        rows = [
            money_row("margin", r.margin_before_fen, r.margin_after_fen),
            money_row("offset", r.offset_before_fen, r.offset_after_fen),
            money_row("available", r.available_before_fen, r.available_after_fen),
            TextRow(
                "ratio",
                (
                    translate(CONTEXT, dict(FIGURES)["ratio"]),
                    ppm_text(r.ratio_before_ppm),
                    ppm_text(r.ratio_after_ppm),
                    "",
                ),
            ),
            TextRow(
                "level",
                (translate(CONTEXT, dict(FIGURES)["level"]), level_before, level_after, ""),
                (
                    None,
                    palette.LEVEL_TEXT_BRUSHES.get(r.level_before),
                    palette.LEVEL_TEXT_BRUSHES.get(r.level_after),
                    None,
                ),
            ),
            TextRow(
                "released",
                (
                    translate(CONTEXT, dict(FIGURES)["released"]),
                    "",
                    format_yuan(r.released_fen),
                    translate("WhatIf", "line_margin(n) − line_margin(n − k)"),
                ),
            ),
            TextRow(
                "rate_change",
                (
                    translate(CONTEXT, dict(FIGURES)["rate_change"]),
                    "",
                    format_yuan(r.rate_change_fen),
                    translate("WhatIf", "lines left at the changed rate"),
                ),
            ),
        ]
        self.figures_model.set_rows(rows)
        self._fit_figures()
        self.open_model.set_frame(
            pd.DataFrame(
                {
                    "contract": pd.Series([o.contract for o in r.openable], dtype=object),
                    "settle_fen": pd.Series([o.settle_fen for o in r.openable], dtype="int64"),
                    "rate_ppm": pd.Series([o.rate_ppm for o in r.openable], dtype="int64"),
                    "lot_margin_fen": pd.Series(
                        [o.lot_margin_fen for o in r.openable], dtype="int64"
                    ),
                    "long_lots": pd.Series([o.long_lots for o in r.openable], dtype="Int64"),
                    "short_lots": pd.Series([o.short_lots for o in r.openable], dtype="Int64"),
                }
            )
        )
        self._update_texts()

    def _fit_figures(self) -> None:
        view = self.figures_view
        rows = view.model().rowCount()
        header = view.horizontalHeader().sizeHint().height()
        body = rows * view.verticalHeader().defaultSectionSize()
        view.setFixedHeight(header + body + 2 * view.frameWidth() + 2)

    def _update_texts(self) -> None:
        book = self.book
        if book is None:
            self.open_title.setText(translate("WhatIf", "Lots still openable"))
            return
        self.open_title.setText(
            translate(
                "WhatIf",
                "Lots still openable after these changes (speculation, at S of %1 and the "
                "open rate, fees not counted)",
            ).replace("%1", book.day.isoformat())
        )

    def retranslate(self) -> None:
        self.close_caption.setText(translate("WhatIf", "Close"))
        self.lots_caption.setText(translate("WhatIf", "lots"))
        self.rate_caption.setText(translate("WhatIf", "Margin rate"))
        self.target_caption.setText(translate("WhatIf", "points"))
        self.points_spin.setToolTip(
            translate("WhatIf", "Percentage points added to the open rate (negative: cut)")
        )
        self.reset_button.setText(translate("WhatIf", "Reset"))
        self.figures_model.set_headers(
            [
                translate("WhatIf", "Figure"),
                translate("WhatIf", "Now"),
                translate("WhatIf", "After"),
                translate("WhatIf", "Change"),
            ]
        )
        self.open_model.retranslate()
        if self.book is not None:
            current = (self.line_combo.currentIndex(), self.target_combo.currentIndex())
            self.line_combo.setItemText(0, translate("WhatIf", "No close"))
            for i in range(len(self.book.lines)):
                self.line_combo.setItemText(i + 1, self._line_text(i))
            self.target_combo.setItemText(0, translate("WhatIf", "every contract"))
            self.line_combo.setCurrentIndex(current[0])
            self.target_combo.setCurrentIndex(current[1])
        self._show()


__all__ = ["OPEN_COLUMNS", "WhatIfPage"]
