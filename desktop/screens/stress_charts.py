"""The Stress screen's charts (issue 16 item 3): Σ member reserve by day, the accounts
at each risk level by day, and the distribution of the clients' losses.

Every figure is the run's own table (``core.services.stress.day_table``,
``loss_histogram``), plotted in 10,000 CNY (万元) for display only. Colours: the risk
levels in their palette colours; losses in the user's "down" colour and gains in its
"up" colour (Chinese convention by default: green loss, red gain), a bar across zero
grey, the reserve line
in the monitor's reserve colour. Texts: context "Stress".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtWidgets import QHBoxLayout, QWidget

from core.money import format_yuan
from core.rules.risk_levels import LEVEL_NAMES
from core.services.stress import StressView
from desktop import palette
from desktop.i18n import translate
from desktop.models.levels import LEVEL_LABELS
from desktop.widgets.charts import RESERVE_COLOUR, WAN
from desktop.widgets.stress_charts import BarsChart, DayChart

NORMAL_COLOUR = "#1f6feb"


class StressCharts(QWidget):
    """Three charts side by side; ``show_view`` fills them from a run."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stressCharts")
        self.reserve = DayChart(self)
        self.levels = DayChart(self)
        self.losses = BarsChart(self)
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 4, 0, 0)
        box.setSpacing(10)
        for chart in (self.reserve, self.levels, self.losses):
            box.addWidget(chart, 1)
        self._view: StressView | None = None
        self.retranslate()

    def show_view(self, view: StressView | None) -> None:
        self._view = view
        days = view.days if view is not None else pd.DataFrame()
        labels = [d.isoformat()[5:] for d in days["day"]] if len(days) else []
        reserve = (
            days["reserve_fen"].to_numpy(dtype=np.int64).astype(np.float64) / WAN
            if len(days)
            else np.zeros(0)
        )
        self.reserve.set_lines(
            labels,
            [(translate("Stress", "Σ member reserve (10,000 CNY)"), RESERVE_COLOUR, reserve)],
            zero_line=True,
        )
        lines = []
        for level, name in enumerate(LEVEL_NAMES):
            colour = palette.LEVEL_COLOURS.get(level, NORMAL_COLOUR)
            values = (
                days[f"level_{name}"].to_numpy(dtype=np.int64).astype(np.float64)
                if len(days)
                else np.zeros(0)
            )
            lines.append((translate("RiskLevels", LEVEL_LABELS[level]), colour, values))
        self.levels.set_lines(labels, lines)
        hist = view.losses if view is not None and view.losses is not None else None
        if hist is not None and len(hist):
            lower = hist["lower_fen"].to_numpy(dtype=np.int64)
            upper = hist["upper_fen"].to_numpy(dtype=np.int64)
            counts = hist["clients"].to_numpy(dtype=np.int64).astype(np.float64)
            # a bar of losses in the down colour, of gains in the up one, across zero muted
            colours = [
                palette.down_colour()
                if lo >= 0
                else palette.up_colour()
                if hi <= 0
                else palette.MUTED
                for lo, hi in zip(lower.tolist(), upper.tolist(), strict=True)
            ]
            bar_labels = [f"{int(lo) / WAN:,.0f}" for lo in lower]  # 万元, display only
            self.losses.set_bars(bar_labels, counts, colours)
            self.losses.setToolTip(
                translate("Stress", "Loss from %1 to %2 CNY; a negative loss is a gain")
                .replace("%1", format_yuan(int(lower[0])))
                .replace("%2", format_yuan(int(upper[-1])))
            )
        else:
            self.losses.set_bars([], np.zeros(0), [])
        self._titles()

    def _titles(self) -> None:
        self.reserve.set_title(translate("Stress", "Member reserve by day"))
        self.levels.set_title(translate("Stress", "Accounts per risk level by day"))
        self.losses.set_title(
            translate("Stress", "Clients by loss over the scenario (10,000 CNY, bar's lower end)")
        )

    def retranslate(self) -> None:
        self.show_view(self._view)
