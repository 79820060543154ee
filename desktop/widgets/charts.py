"""Typed wrappers over pyqtgraph for the live monitor (STYLE A3, B4 charts).

pyqtgraph is untyped; these widgets keep it inside this module and offer small typed
methods. Data go into preallocated numpy ring buffers (``append``) and reach the plot
only in ``refresh()``, which the monitor calls on its GUI timer: one ``setData`` per
curve per tick, whatever the feed rate. Curves use peak downsampling and clip to the
view; pens are built once. Times are epoch seconds shown with ``DateAxisItem``;
amounts are plotted in 10,000 CNY (万元), display only (money stays int fen elsewhere).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

F64 = npt.NDArray[np.float64]
WAN = 1_000_000.0
"""Fen per 10,000 CNY (万元): chart amounts are fen / WAN."""

pg.setConfigOptions(antialias=False, background="w", foreground="#3b4754")

# Pens and brushes built once.
_PEN_EQUITY = pg.mkPen("#1f6feb", width=1.6)
_PEN_RESERVE = pg.mkPen("#d97706", width=1.6)
_PEN_PRICE = pg.mkPen("#1f2937", width=1.4)
_PEN_UPPER = pg.mkPen("#c0392b", width=1, style=Qt.PenStyle.DashLine)
_PEN_LOWER = pg.mkPen("#1e8449", width=1, style=Qt.PenStyle.DashLine)
_PEN_PRIOR = pg.mkPen("#7b8794", width=1, style=Qt.PenStyle.DotLine)
_PEN_RATIO = pg.mkPen("#c0392b", width=1.4)
_BRUSH_BARS = pg.mkBrush("#5b8def")
_BRUSH_WARN = pg.mkBrush("#e0a030")
_BRUSH_DANGER = pg.mkBrush("#c0392b")
PALETTE = {
    "equity": _PEN_EQUITY,
    "reserve": _PEN_RESERVE,
    "price": _PEN_PRICE,
    "ratio": _PEN_RATIO,
}


class RingBuffer:
    """The last ``capacity`` rows of ``width`` float columns plus their times.

    ``append`` is O(width); ``times()``/``column(i)`` return chronological copies
    (two slices at most). Not thread-safe: GUI thread only.
    """

    def __init__(self, capacity: int, width: int = 1) -> None:
        if capacity < 2 or width < 1:
            raise ValueError("capacity ≥ 2 and width ≥ 1 needed")
        self.capacity = capacity
        self._t = np.zeros(capacity)
        self._v = np.zeros((capacity, width))
        self._next = 0
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def clear(self) -> None:
        self._next = self._size = 0

    def append(self, t: float, values: Sequence[float] | F64) -> None:
        i = self._next
        self._t[i] = t
        self._v[i] = values
        self._next = (i + 1) % self.capacity
        self._size = min(self._size + 1, self.capacity)

    def _chrono(self, a: npt.NDArray[Any]) -> npt.NDArray[Any]:
        if self._size < self.capacity:
            return a[: self._size]
        return np.concatenate([a[self._next :], a[: self._next]])

    def times(self) -> F64:
        return self._chrono(self._t)

    def column(self, i: int) -> F64:
        return self._chrono(self._v[:, i])

    def last_time(self) -> float | None:
        return float(self._t[(self._next - 1) % self.capacity]) if self._size else None


def _plot(parent: QWidget | None, date_axis: bool = True) -> Any:
    axes = {"bottom": pg.DateAxisItem(orientation="bottom")} if date_axis else {}
    widget = pg.PlotWidget(parent=parent, axisItems=axes)
    widget.setMenuEnabled(False)
    widget.showGrid(x=True, y=True, alpha=0.15)
    widget.setMinimumSize(160, 120)
    item = widget.getPlotItem()
    item.hideButtons()
    item.getAxis("left").setWidth(54)
    return widget


def _curve(widget: Any, pen: Any, name: str | None = None) -> Any:
    curve = widget.plot(pen=pen, name=name)
    curve.setDownsampling(auto=True, method="peak")
    curve.setClipToView(True)
    return curve


class _ChartFrame(QWidget):
    """A title label above a plot widget."""

    def __init__(self, parent: QWidget | None, date_axis: bool = True) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("chartTitle")
        # Long titles must not widen the chart column: they are clipped instead.
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.plot = _plot(self, date_axis)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)

    def set_title(self, text: str) -> None:
        self.title.setText(text)

    def set_axis_label(self, side: str, text: str) -> None:
        self.plot.getPlotItem().getAxis(side).setLabel(text)


class TimeSeriesChart(_ChartFrame):
    """Named curves over time from a ring buffer (member equity and reserve)."""

    def __init__(
        self,
        series: Sequence[str],
        capacity: int = 20_000,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._keys = tuple(series)
        self.buffer = RingBuffer(capacity, len(self._keys))
        self._legend = self.plot.addLegend(offset=(6, 6), labelTextSize="8pt")
        self._curves = [_curve(self.plot, PALETTE.get(k, _PEN_PRICE), k) for k in self._keys]

    def set_series_names(self, names: Sequence[str]) -> None:
        self._legend.clear()
        for curve, name in zip(self._curves, names, strict=True):
            self._legend.addItem(curve, name)

    def append(self, t: float, values: Sequence[float]) -> None:
        self.buffer.append(t, values)

    def clear(self) -> None:
        self.buffer.clear()
        self.refresh()

    def refresh(self) -> None:
        t = self.buffer.times()
        for i, curve in enumerate(self._curves):
            curve.setData(t, self.buffer.column(i), skipFiniteCheck=True)

    def point_count(self) -> int:
        return len(self.buffer)


class DualAxisChart(_ChartFrame):
    """Two curves over time on a left and a right axis (an account's equity and risk)."""

    def __init__(self, capacity: int = 20_000, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buffer = RingBuffer(capacity, 2)
        item = self.plot.getPlotItem()
        self._left = _curve(self.plot, _PEN_EQUITY)
        item.showAxis("right")
        item.getAxis("right").setWidth(44)
        self._right_box = pg.ViewBox()
        item.scene().addItem(self._right_box)
        item.getAxis("right").linkToView(self._right_box)
        self._right_box.setXLink(item)
        self._right = pg.PlotDataItem(pen=_PEN_RATIO)
        self._right.setDownsampling(auto=True, method="peak")
        self._right.setClipToView(True)
        self._right_box.addItem(self._right)
        item.vb.sigResized.connect(self._sync_views)

    def _sync_views(self) -> None:
        item = self.plot.getPlotItem()
        self._right_box.setGeometry(item.vb.sceneBoundingRect())
        self._right_box.linkedViewChanged(item.vb, self._right_box.XAxis)

    def append(self, t: float, left: float, right: float) -> None:
        self.buffer.append(t, (left, right))

    def clear(self) -> None:
        self.buffer.clear()
        self.refresh()

    def refresh(self) -> None:
        t = self.buffer.times()
        self._left.setData(t, self.buffer.column(0), skipFiniteCheck=True)
        right = self.buffer.column(1)
        self._right.setData(t, np.where(np.isfinite(right), right, np.nan), connect="finite")
        self._right_box.enableAutoRange(axis=pg.ViewBox.YAxis)

    def point_count(self) -> int:
        return len(self.buffer)


class PriceBandChart(_ChartFrame):
    """One contract's last price with its limit-up/limit-down band and prior settlement."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._price = _curve(self.plot, _PEN_PRICE)
        self._upper = pg.InfiniteLine(angle=0, pen=_PEN_UPPER, movable=False)
        self._lower = pg.InfiniteLine(angle=0, pen=_PEN_LOWER, movable=False)
        self._prior = pg.InfiniteLine(angle=0, pen=_PEN_PRIOR, movable=False)
        for line in (self._upper, self._lower, self._prior):
            self.plot.addItem(line, ignoreBounds=False)
        self._t: F64 = np.zeros(0)
        self._y: F64 = np.zeros(0)
        self._band = (0.0, 0.0)

    def set_band(self, prior: float, upper: float, lower: float) -> None:
        """Horizontal lines in yuan; the y range always shows the whole band."""
        self._prior.setValue(prior)
        self._upper.setValue(upper)
        self._lower.setValue(lower)
        pad = max((upper - lower) * 0.05, 1.0)
        self._band = (lower - pad, upper + pad)
        self.plot.getPlotItem().setYRange(*self._band, padding=0)

    def set_history(self, t: F64, price_yuan: F64) -> None:
        self._t, self._y = t, price_yuan

    def refresh(self) -> None:
        self._price.setData(self._t, self._y, skipFiniteCheck=True)

    def point_count(self) -> int:
        return len(self._t)


class HistogramChart(_ChartFrame):
    """Counts of values in fixed bins; bars at or above the warn/danger edges are tinted."""

    def __init__(
        self,
        edges: Sequence[float],
        warn_at: float,
        danger_at: float,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, date_axis=False)
        self.edges = np.asarray(edges, dtype=np.float64)
        left = self.edges[:-1]
        widths = np.diff(self.edges)
        brushes = [
            _BRUSH_DANGER if x >= danger_at else _BRUSH_WARN if x >= warn_at else _BRUSH_BARS
            for x in left
        ]
        self.counts = np.zeros(len(left), dtype=np.int64)
        self._bars = pg.BarGraphItem(
            x0=left, width=widths * 0.9, height=self.counts, brushes=brushes, pen=None
        )
        self.plot.addItem(self._bars)
        self.plot.getPlotItem().setXRange(float(self.edges[0]), float(self.edges[-1]), padding=0.02)
        self.plot.getPlotItem().setMouseEnabled(x=False, y=False)

    def set_values(self, values: npt.ArrayLike) -> None:
        """Histogram of ``values``; values beyond the last edge count in the last bin."""
        v = np.asarray(values, dtype=np.float64)
        v = np.clip(v[np.isfinite(v) | (v > 0)], self.edges[0], self.edges[-1] - 1e-9)
        self.counts, _ = np.histogram(v, bins=self.edges)
        self._bars.setOpts(height=self.counts)
        self.plot.getPlotItem().setYRange(0, max(int(self.counts.max(initial=0)), 1) * 1.1)
