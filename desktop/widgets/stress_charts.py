"""Typed pyqtgraph wrappers for the Stress screen's charts (issue 16 item 3).

Day-by-day lines over the scenario's days (``DayChart``: the member reserve path, the
accounts at each risk level) and bars (``BarsChart``: the distribution of the clients'
losses). Like ``desktop.widgets.charts`` (whose frame, axes and styles they share),
pyqtgraph stays inside this module; amounts are plotted in 10,000 CNY (万元), display
only (the figures stay int fen in core). The x axis of a day chart shows the days'
dates; the data are static, so the view fits them once per ``set_*``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from desktop.widgets.charts import _ChartFrame, _style_axis, swatch

F64 = npt.NDArray[np.float64]


class LabelAxis(pg.AxisItem):
    """A bottom axis whose ticks are the integers 0..n−1 labelled with given texts."""

    def __init__(self, orientation: str = "bottom", **kw: Any) -> None:
        super().__init__(orientation, **kw)
        self.enableAutoSIPrefix(False)
        self.labels: list[str] = []

    def tickValues(  # noqa: N802 (pyqtgraph override)
        self,
        minVal: float,  # noqa: N803
        maxVal: float,  # noqa: N803
        size: float,
    ) -> list[tuple[float, list[float]]]:
        n = len(self.labels)
        if not n:
            return []
        step = max(1, int(np.ceil(n / max(1.0, size / 80.0))))
        return [(float(step), [float(i) for i in range(0, n, step)])]

    def tickStrings(  # noqa: N802 (pyqtgraph override)
        self, values: list[float], scale: float, spacing: float
    ) -> list[str]:
        out = []
        for v in values:
            i = round(v)
            out.append(self.labels[i] if 0 <= i < len(self.labels) and abs(v - i) < 1e-6 else "")
        return out


class _StaticChart(_ChartFrame):
    """A frame with a label axis at the bottom; mouse zoom off (the data fit once)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, time_axis=False)
        self.axis = LabelAxis("bottom")
        _style_axis(self.axis)
        self.plot_item.setAxisItems({"bottom": self.axis})
        self.plot_item.setMouseEnabled(x=False, y=False)
        self._items: list[Any] = []
        self.series: dict[str, F64] = {}
        """The values shown, by series name (tests read them)."""

    def _clear(self) -> None:
        for item in self._items:
            self.plot_item.removeItem(item)
        self._items = []
        self.series = {}


class DayChart(_StaticChart):
    """One line per series over the scenario's days (points marked)."""

    def set_lines(
        self,
        days: Sequence[str],
        lines: Sequence[tuple[str, str, F64]],
        *,
        zero_line: bool = False,
    ) -> None:
        """``lines``: (name, colour, values per day); a legend names each in its colour."""
        self._clear()
        self.axis.labels = list(days)
        x = np.arange(len(days), dtype=np.float64)
        for name, colour, values in lines:
            pen = pg.mkPen(colour, width=1.8)
            item = self.plot.plot(
                x, values, pen=pen, symbol="o", symbolSize=6, symbolBrush=colour, symbolPen=pen
            )
            self._items.append(item)
            self.series[name] = np.asarray(values, dtype=np.float64)
        if zero_line:
            line = pg.InfiniteLine(
                pos=0.0, angle=0, pen=pg.mkPen("#7b8794", width=1, style=Qt.PenStyle.DotLine)
            )
            self.plot_item.addItem(line)
            self._items.append(line)
        self.set_legend("&nbsp;&nbsp;".join(swatch(c, n) for n, c, _v in lines))
        if len(days):
            self.plot_item.setXRange(-0.3, len(days) - 0.7, padding=0.0)
        self.plot_item.enableAutoRange(axis="y")


class BarsChart(_StaticChart):
    """Bars over labelled intervals (a histogram), each bar in its own colour."""

    def set_bars(self, labels: Sequence[str], heights: F64, colours: Sequence[str]) -> None:
        self._clear()
        self.axis.labels = list(labels)
        x = np.arange(len(labels), dtype=np.float64)
        self.series["bars"] = np.asarray(heights, dtype=np.float64)
        if not len(labels):
            return
        brushes = [pg.mkBrush(c) for c in colours]
        pens = [pg.mkPen(c) for c in colours]
        bars = pg.BarGraphItem(x=x, height=heights, width=0.85, brushes=brushes, pens=pens)
        self.plot_item.addItem(bars)
        self._items.append(bars)
        if len(labels):
            self.plot_item.setXRange(-0.6, len(labels) - 0.4, padding=0.0)
        self.plot_item.enableAutoRange(axis="y")
