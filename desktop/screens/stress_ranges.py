"""The safe price ranges section of the Stress screen (issue 16 item 4).

One row per contract (``core.services.safe_range.range_table``): the last price down
and up at which no client's available funds fall below zero (ticks and move from S),
the client that binds each end, the day's limit band, and the prices the member's
reserve stays ≥ 0 within. Rows whose safe range is narrower than the limit band (one
limit move takes a client below zero) are tinted. Computed on a worker with progress
and Cancel when the tab is first shown (and on Recompute, or when the book changes
while it is shown); opening the Stress screen computes nothing. A double-click on a
row opens the binding client of the side clicked (the lower one elsewhere). Texts:
catalogue context "SafeRange" (``resources/i18n/riskdesk-ranges_zh_CN.ts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.changes import Changes
from core.errors import OperationCancelledError, RiskDeskError
from core.money import format_yuan
from core.progress import ProgressState
from core.services.safe_range import SafeRangeRequest, SafeRangeView, safe_range_view
from core.services.store import Reader
from desktop import palette
from desktop.context import DesktopContext
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.columns import Column, Kind
from desktop.models.frame_table import TintedFrameModel
from desktop.tasks import ProgressQuery
from desktop.widgets.banner import Banner
from desktop.widgets.data_table import DataTableView
from desktop.widgets.sections import section_title

CONTEXT = "SafeRange"
WATCHED = ("positions", "prices", "balances", "reference", "clients", "receipts")


@dataclass(frozen=True)
class RangeColumn(Column):
    """A column whose header and tooltip are in this section's catalogue context."""

    def title(self) -> str:
        return translate(CONTEXT, self.header)


RANGE_COLUMNS = (
    RangeColumn("contract", QT_TRANSLATE_NOOP("SafeRange", "Contract"), Kind.CODE, 64),
    RangeColumn("settle_fen", QT_TRANSLATE_NOOP("SafeRange", "S (CNY)"), Kind.PRICE, 80),
    RangeColumn("clients", QT_TRANSLATE_NOOP("SafeRange", "Clients"), Kind.INT, 56),
    RangeColumn(
        "below_zero", QT_TRANSLATE_NOOP("SafeRange", "< 0 at S"), Kind.INT, 60, mute_zero=True
    ),
    RangeColumn("lower_fen", QT_TRANSLATE_NOOP("SafeRange", "Safe down to"), Kind.PRICE, 88),
    RangeColumn("lower_ticks", QT_TRANSLATE_NOOP("SafeRange", "Ticks"), Kind.INT, 60, signed=True),
    RangeColumn("lower_bp", QT_TRANSLATE_NOOP("SafeRange", "Move"), Kind.BP, 74, signed=True),
    RangeColumn("lower_who", QT_TRANSLATE_NOOP("SafeRange", "Bound by"), Kind.CODE, 92),
    RangeColumn("upper_fen", QT_TRANSLATE_NOOP("SafeRange", "Safe up to"), Kind.PRICE, 88),
    RangeColumn("upper_ticks", QT_TRANSLATE_NOOP("SafeRange", "Ticks"), Kind.INT, 60, signed=True),
    RangeColumn("upper_bp", QT_TRANSLATE_NOOP("SafeRange", "Move"), Kind.BP, 74, signed=True),
    RangeColumn("upper_who", QT_TRANSLATE_NOOP("SafeRange", "Bound by"), Kind.CODE, 92),
    RangeColumn(
        "member_lower_fen", QT_TRANSLATE_NOOP("SafeRange", "Member down to"), Kind.PRICE, 100
    ),
    RangeColumn(
        "member_upper_fen", QT_TRANSLATE_NOOP("SafeRange", "Member up to"), Kind.PRICE, 100
    ),
    RangeColumn("limits", QT_TRANSLATE_NOOP("SafeRange", "Limit band (CNY)"), Kind.TEXT, 132),
)
"""The clients' range (price, ticks and move from S, the binding client), the
member's range, the limit band. Missing ("—"): no price on that side takes anyone below
zero."""
_UPPER_KEYS = frozenset({"upper_fen", "upper_ticks", "upper_bp", "upper_who"})


def _bp(ppm: object) -> int | None:
    """A move in ppm as whole hundredths of a percent, truncated towards zero."""
    if ppm is None or ppm is pd.NA:
        return None
    value = int(str(ppm))
    return value // 100 if value >= 0 else -(-value // 100)


def _who(code: object, count: object) -> str:
    if not code:
        return ""
    more = 0 if count is None or count is pd.NA else int(str(count)) - 1
    return f"{code} +{more}" if more > 0 else str(code)


def view_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The service's table as the section shows it (money and prices stay fen)."""
    if table.empty:
        return pd.DataFrame(columns=[c.key for c in RANGE_COLUMNS] + ["inside_limits"])
    return table.assign(
        lower_bp=pd.Series([_bp(x) for x in table["lower_ppm"]], index=table.index, dtype="Int64"),
        upper_bp=pd.Series([_bp(x) for x in table["upper_ppm"]], index=table.index, dtype="Int64"),
        lower_who=[
            _who(c, n) for c, n in zip(table["lower_client"], table["lower_binding"], strict=True)
        ],
        upper_who=[
            _who(c, n) for c, n in zip(table["upper_client"], table["upper_binding"], strict=True)
        ],
        limits=[
            f"{format_yuan(int(lo))} – {format_yuan(int(hi))}"
            for lo, hi in zip(table["lower_limit_fen"], table["upper_limit_fen"], strict=True)
        ],
    )


class SafeRangeSection(QWidget):
    """The section (module doc): a title, a caption, Recompute, the table."""

    def __init__(self, ctx: DesktopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("safeRangeSection")
        self.data: SafeRangeView | None = None
        self._stale = True
        self._run = ProgressQuery(ctx, self)
        self.title = section_title()
        self.caption = QLabel()
        self.caption.setObjectName("safeRangeCaption")
        self.caption.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("countLabel")
        self.recompute_button = QPushButton()
        self.recompute_button.setObjectName("safeRangeRecompute")
        self.recompute_button.clicked.connect(self.compute)
        self.banner = Banner("safe_range_error", self)
        self.model = TintedFrameModel(
            RANGE_COLUMNS,
            self,
            flag_key="inside_limits",
            tints={True: palette.WARN_ROW_BRUSH},
            filter_keys=("contract", "lower_client", "upper_client"),
        )
        self.view = DataTableView(ctx.settings, "stress_safe_ranges", self)
        self.view.setModel(self.model)
        self.view.apply_default_widths(RANGE_COLUMNS)
        self.view.link_clients(self._client_at, self._open_client)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title, 1)
        head.addWidget(self.status, 0, Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(self.recompute_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 4, 0, 0)
        box.setSpacing(4)
        box.addLayout(head)
        box.addWidget(self.caption)
        box.addWidget(self.banner)
        box.addWidget(self.view, 1)
        ctx.bus.changes_applied.connect(self._on_changes)
        self.retranslate()

    # ----------------------------------------------------------------- loading
    @property
    def is_loaded(self) -> bool:
        return self.data is not None and not self._run.running

    @property
    def day(self) -> date | None:
        return self.data.day if self.data is not None else None

    def ensure_computed(self) -> None:
        """Compute when never computed or stale (the tab was shown)."""
        if self._stale and not self._run.running:
            self.compute()

    def compute(self) -> None:
        """Find every contract's safe range on a worker (Recompute)."""
        self._stale = False
        self.status.setText(translate("SafeRange", "Computing…"))

        def query(reader: Reader, progress: ProgressState) -> SafeRangeView:
            return safe_range_view(reader, SafeRangeRequest(), progress)

        def failed(exc: RiskDeskError) -> None:
            self._stale = True
            if isinstance(exc, OperationCancelledError):
                self.status.setText(translate("SafeRange", "Cancelled"))
                return
            self.status.setText("")
            self.banner.set_message(str(exc), "danger")

        label = translate("SafeRange", "Finding the safe price ranges…")
        self._run.start(label, query, self.show_view, failed)

    def show_view(self, result: SafeRangeView) -> None:
        self.data = result
        self.banner.set_message(result.error, "danger")
        self.model.set_frame(view_frame(result.table))
        self._update_texts()

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.touches(*WATCHED):
            self._stale = True
            if self.isVisible():
                self.compute()

    # ----------------------------------------------------------------- drill-down
    def _client_at(self, view_row: int) -> str | None:
        """The binding client of the side of the current column (the lower side's
        elsewhere; the other side's when that one binds no client)."""
        column = self.view.currentIndex().column()
        keys = [c.key for c in RANGE_COLUMNS]
        upper = 0 <= column < len(keys) and keys[column] in _UPPER_KEYS
        first, second = ("upper", "lower") if upper else ("lower", "upper")
        code = self.model.raw_value(view_row, f"{first}_client") or self.model.raw_value(
            view_row, f"{second}_client"
        )
        return str(code) if code else None

    def _open_client(self, code: str) -> None:
        self.ctx.bus.client_requested.emit(code, self.day)

    # ----------------------------------------------------------------- texts
    def _update_texts(self) -> None:
        data = self.data
        result = data.result if data is not None else None
        if result is None:
            self.title.setText(translate("SafeRange", "Safe price ranges"))
            self.status.setText("")
            return
        table = data.table if data is not None else pd.DataFrame()
        narrower = int(np.asarray(table["inside_limits"], dtype=bool).sum()) if len(table) else 0
        self.title.setText(
            translate(
                "SafeRange",
                "Safe price ranges after %1: %2 contracts, %3 narrower than a limit move",
            )
            .replace("%1", result.base_day.isoformat())
            .replace("%2", f"{len(result.contracts):,}")
            .replace("%3", f"{narrower:,}")
        )
        below = len(result.below_zero)
        self.status.setText(
            translate("SafeRange", "%1 clients below zero at S left out").replace(
                "%1", f"{below:,}"
            )
            if below
            else ""
        )

    def retranslate(self) -> None:
        self.recompute_button.setText(translate("SafeRange", "Recompute"))
        self.caption.setText(
            translate(
                "SafeRange",
                "Settling the next day at the settlement prices with one contract moved "
                "(the next day's margin rates): the last price down and up at which no "
                "client's available funds are below zero, and the client below zero one "
                "tick beyond; the member's reserve likewise. — : no price binds. Tinted: "
                "a move to the day's limit takes a client below zero.",
            )
        )
        self.model.retranslate()
        self._update_texts()
