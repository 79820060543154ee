"""A stacked bar per day of counts (a reconciliation of many days: matched, differing,
only on one side), with a click on a day's bar reported as that day.

pyqtgraph stays inside this module (STYLE A3): ``set_days`` takes the days and one
integer count per series and day; ``day_clicked`` carries the day clicked (None for a
click beside the bars). The x axis names each day (``MM-DD``; every n-th when many).
A few breaks among hundreds of statements are too thin a slice to see, so every day
with counts in the series after the first (``flagged``) is labelled with their sum
above its bar, in the colour of the first such series; the selected day's bar is
outlined.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Signal
from PySide6.QtWidgets import QWidget

from desktop.widgets.charts import _ChartFrame, swatch

BAR_WIDTH = 0.7
MAX_LABELS = 12
"""Day labels on the axis at most (a month of days: every other one)."""


class DayBarsChart(_ChartFrame):
    """Stacked integer counts per day; the series in the order given, bottom up."""

    day_clicked = Signal(object)
    """The day whose bar was clicked (a ``date``), or None for a click off the bars."""

    def __init__(self, colours: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent, time_axis=False)
        self._colours = tuple(colours)
        self._names: tuple[str, ...] = ("",) * len(colours)
        self._days: tuple[date, ...] = ()
        self._counts = np.zeros((len(colours), 0), dtype=np.int64)
        self._bars: list[Any] = []
        self._labels: list[Any] = []
        self._outline: Any = None
        self._selected: date | None = None
        self.plot_item.setMouseEnabled(x=False, y=False)
        self.plot.scene().sigMouseClicked.connect(self._on_click)

    def set_series_names(self, names: Sequence[str]) -> None:
        self._names = tuple(names)
        self._update_legend()

    def set_days(self, days: Sequence[date], counts: Sequence[Sequence[int]]) -> None:
        """One bar per day of ``days``; ``counts[s][i]``: series s on day i."""
        self._days = tuple(days)
        self._counts = np.asarray(counts, dtype=np.int64).reshape(len(self._colours), len(days))
        for item in (*self._bars, *self._labels):
            self.plot.removeItem(item)
        self._bars, self._labels = [], []
        x = np.arange(len(days), dtype=np.float64)
        base = np.zeros(len(days), dtype=np.int64)
        for s, colour in enumerate(self._colours):
            height = self._counts[s]
            bars = pg.BarGraphItem(
                x=x, y0=base.copy(), height=height, width=BAR_WIDTH, brush=colour, pen=None
            )
            self.plot.addItem(bars)
            self._bars.append(bars)
            base = base + height
        step = max(1, -(-len(days) // MAX_LABELS))
        ticks = [(float(i), f"{d:%m-%d}") for i, d in enumerate(days) if i % step == 0]
        self.plot_item.getAxis("bottom").setTicks([ticks, []])
        top = int(base.max(initial=0))
        flagged = self._counts[1:].sum(axis=0)
        for i in np.flatnonzero(flagged).tolist():
            label = pg.TextItem(f"{int(flagged[i]):,}", color=self._colours[1], anchor=(0.5, 1.0))
            label.setPos(float(i), float(base[i]))
            self.plot.addItem(label)
            self._labels.append(label)
        self.plot_item.setXRange(-0.6, max(len(days) - 0.4, 0.6), padding=0.0)
        self.plot_item.setYRange(0, max(top, 1) * 1.2, padding=0.0)
        self._draw_outline()
        self._update_legend()

    def days(self) -> tuple[date, ...]:
        return self._days

    def counts(self, series: int) -> list[int]:
        """The counts of ``series`` per day (what the bars show)."""
        return [int(v) for v in self._counts[series]]

    def set_selected(self, day: date | None) -> None:
        """The day the table is filtered to (outlined, and named in the legend)."""
        self._selected = day
        self._draw_outline()
        self._update_legend()

    def _draw_outline(self) -> None:
        if self._outline is not None:
            self.plot.removeItem(self._outline)
            self._outline = None
        if self._selected is None or self._selected not in self._days:
            return
        i = self._days.index(self._selected)
        top = int(self._counts[:, i].sum())
        self._outline = pg.BarGraphItem(
            x=[float(i)],
            y0=[0],
            height=[max(top, 0)],
            width=BAR_WIDTH + 0.08,
            brush=None,
            pen=pg.mkPen("#1f2937", width=2),
        )
        self.plot.addItem(self._outline)

    def bar_position(self, index: int) -> QPoint:
        """Widget coordinates (of the plot widget) of the middle of day ``index``'s bar."""
        top = int(self._counts[:, index].sum())
        scene = self.plot_item.vb.mapViewToScene(QPointF(float(index), max(top, 1) / 2))
        return self.plot.mapFromScene(scene)

    def _on_click(self, event: Any) -> None:
        if not self._days:
            return
        point = self.plot_item.vb.mapSceneToView(event.scenePos())
        i = round(point.x())
        inside = 0 <= i < len(self._days) and abs(point.x() - i) <= BAR_WIDTH / 2
        self.day_clicked.emit(self._days[i] if inside else None)

    def _update_legend(self) -> None:
        totals = self._counts.sum(axis=1) if self._counts.size else [0] * len(self._colours)
        parts = [
            swatch(colour, f"{name} {int(total):,}")
            for colour, name, total in zip(self._colours, self._names, totals, strict=True)
            if name
        ]
        if self._selected is not None:
            parts.append(f"<b>{self._selected.isoformat()}</b>")
        self.set_legend("&nbsp; ".join(parts))
