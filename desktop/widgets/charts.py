"""Typed wrappers over pyqtgraph for the live monitor (STYLE A3, B4 charts).

pyqtgraph is untyped; these widgets keep it inside this module and offer small typed
methods. Data go into preallocated numpy ring buffers (``append``) and reach the plot
only in ``refresh()``, which the monitor calls on its GUI timer: one ``setData`` per
curve per tick, whatever the feed rate. Curves use peak downsampling and clip to the
view; pens are built once. Times are epoch seconds shown as exchange-local clock times
(``ClockAxis``, HH:MM:SS); amounts are plotted in 10,000 CNY (万元), display only (money
stays int fen elsewhere).

Each chart is a frame: a title line and a legend line (coloured names and the current
values) above the plot, so no legend covers the data. The live charts follow the data
(x from the first point, at least ``MIN_SPAN_S`` wide; y fitted to the data with a
minimum span, so a small move is visible but noise is not blown up); mouse panning and
zooming are off, as the next refresh would undo them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, tzinfo
from functools import cache
from html import escape
from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.rules.risk_levels import FORCED_CLOSE, WARNING
from core.trading_calendar import EXCHANGE_TZ
from desktop import palette

F64 = npt.NDArray[np.float64]
WAN = 1_000_000.0
"""Fen per 10,000 CNY (万元): chart amounts are fen / WAN."""
MIN_SPAN_S = 60.0
"""The time axis shows at least this many seconds (a new feed does not fill the width)."""

pg.setConfigOptions(antialias=False, background="w", foreground="#3b4754")

# Colours and pens built once. Up/limit-up and down/limit-down follow the user's colour
# convention (``palette.up_colour``: Chinese red up by default); the risk ratio is danger.
EQUITY_COLOUR = "#1f6feb"
RESERVE_COLOUR = "#d97706"
RATIO_COLOUR = palette.RED
PRICE_COLOUR = "#1f2937"
MUTED_COLOUR = palette.MUTED
TEXT_COLOUR = "#3b4754"
_PEN_EQUITY = pg.mkPen(EQUITY_COLOUR, width=1.6)
_PEN_RESERVE = pg.mkPen(RESERVE_COLOUR, width=1.6)
_PEN_PRICE = pg.mkPen(PRICE_COLOUR, width=1.4)
_LIMIT_PENS = {
    colour: pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine)
    for colour in (palette.RED, palette.GREEN)
}
_PEN_PRIOR = pg.mkPen(MUTED_COLOUR, width=1, style=Qt.PenStyle.DotLine)
_PEN_ZERO = pg.mkPen(MUTED_COLOUR, width=1, style=Qt.PenStyle.DotLine)
_PEN_RATIO = pg.mkPen(RATIO_COLOUR, width=1.4)
_BRUSH_BARS = pg.mkBrush("#5b8def")
# Risk-ratio bars in the colours of the ratio levels they reach (warning, forced close).
_BRUSH_WARN = pg.mkBrush(palette.LEVEL_COLOURS[WARNING])
_BRUSH_DANGER = pg.mkBrush(palette.LEVEL_COLOURS[FORCED_CLOSE])
PALETTE = {
    "equity": _PEN_EQUITY,
    "reserve": _PEN_RESERVE,
    "price": _PEN_PRICE,
    "ratio": _PEN_RATIO,
}
COLOURS = {
    "equity": EQUITY_COLOUR,
    "reserve": RESERVE_COLOUR,
    "price": PRICE_COLOUR,
    "ratio": RATIO_COLOUR,
}
_CLOCK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400)


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

    @property
    def width(self) -> int:
        return int(self._v.shape[1])

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

    def first(self, i: int) -> float | None:
        """The oldest value kept of column ``i``."""
        if not self._size:
            return None
        start = 0 if self._size < self.capacity else self._next
        return float(self._v[start, i])

    def last(self, i: int) -> float | None:
        return float(self._v[(self._next - 1) % self.capacity, i]) if self._size else None

    def last_time(self) -> float | None:
        return float(self._t[(self._next - 1) % self.capacity]) if self._size else None


# --------------------------------------------------------------------- axes
def number_text(value: float, places: int = 0) -> str:
    """``1,234.5`` style, a real minus sign; ``places`` decimals (trailing .0 kept)."""
    text = f"{abs(value):,.{places}f}"
    return ("−" + text) if value < 0 and float(text.replace(",", "")) != 0 else text


class NumberAxis(pg.AxisItem):
    """Value axis with thousands separators and no SI-prefix rescaling."""

    def __init__(self, orientation: str, **kw: Any) -> None:
        super().__init__(orientation, **kw)
        self.enableAutoSIPrefix(False)

    def tickStrings(  # noqa: N802 (pyqtgraph override)
        self, values: list[float], scale: float, spacing: float
    ) -> list[str]:
        places = max(0, math.ceil(-math.log10(spacing * scale))) if spacing > 0 else 0
        return [number_text(v * scale, places) for v in values]


class ClockAxis(pg.AxisItem):
    """Time axis over epoch seconds: HH:MM:SS in the exchange's time zone (DCE, UTC+8).

    Ticks fall on whole seconds, minutes or hours, as many as fit without overlap.
    """

    def __init__(self, orientation: str = "bottom", tz: tzinfo = EXCHANGE_TZ, **kw: Any) -> None:
        super().__init__(orientation, **kw)
        self.enableAutoSIPrefix(False)
        self._tz = tz

    def tickSpacing(  # noqa: N802 (pyqtgraph override)
        self,
        minVal: float,  # noqa: N803
        maxVal: float,  # noqa: N803
        size: float,
    ) -> list[tuple[float, float]]:
        span = abs(maxVal - minVal)
        if span == 0 or size <= 0:
            return []
        room = _clock_label_px()
        major = next((s for s in _CLOCK_STEPS if size * s / span >= room), _CLOCK_STEPS[-1])
        return [(float(major), 0.0)]

    def tickValues(  # noqa: N802 (pyqtgraph override)
        self,
        minVal: float,  # noqa: N803
        maxVal: float,  # noqa: N803
        size: float,
    ) -> list[tuple[float, list[float]]]:
        # Ticks on the clock: whole minutes/hours of local time, not of epoch UTC.
        lo, hi = sorted((minVal, maxVal))
        offset = self._utc_offset(lo)
        out: list[tuple[float, list[float]]] = []
        for spacing, _ in self.tickSpacing(lo, hi, size):
            first = math.ceil((lo + offset) / spacing) * spacing - offset
            out.append((spacing, np.arange(first, hi + 1e-9, spacing).tolist()))
        return out

    def _utc_offset(self, ts: float) -> float:
        delta = datetime.fromtimestamp(ts, self._tz).utcoffset()
        return delta.total_seconds() if delta is not None else 0.0

    def tickStrings(  # noqa: N802 (pyqtgraph override)
        self, values: list[float], scale: float, spacing: float
    ) -> list[str]:
        out = []
        for v in values:
            try:
                out.append(datetime.fromtimestamp(v, self._tz).strftime("%H:%M:%S"))
            except (OverflowError, OSError, ValueError):
                out.append("")
        return out


@cache
def _tick_font() -> QFont:
    font = QFont()
    font.setPointSizeF(7.5)
    return font


@cache
def _clock_label_px() -> int:
    """Pixels between time ticks: one "HH:MM:SS" label and a small gap."""
    return QFontMetrics(_tick_font()).horizontalAdvance("00:00:00") + 6


def _style_axis(axis: Any, colour: str | None = None) -> None:
    axis.setTickFont(_tick_font())
    axis.setStyle(tickTextOffset=3, tickLength=-4)
    if colour is not None:
        axis.setPen(pg.mkPen(colour))
        axis.setTextPen(pg.mkPen(colour))


def _plot(parent: QWidget | None, time_axis: bool = True) -> Any:
    axes: dict[str, Any] = {"left": NumberAxis("left")}
    if time_axis:
        axes["bottom"] = ClockAxis("bottom")
    widget = pg.PlotWidget(parent=parent, axisItems=axes)
    widget.setMenuEnabled(False)
    widget.showGrid(x=True, y=True, alpha=0.15)
    widget.setMinimumSize(120, 90)
    item = widget.getPlotItem()
    item.hideButtons()
    item.setContentsMargins(0, 4, 6, 0)
    for side in ("left", "bottom"):
        _style_axis(item.getAxis(side))
    if time_axis:
        item.setMouseEnabled(x=False, y=False)
    return widget


def _curve(widget: Any, pen: Any, name: str | None = None) -> Any:
    curve = widget.plot(pen=pen, name=name)
    curve.setDownsampling(auto=True, method="peak")
    curve.setClipToView(True)
    return curve


def _fit(values: Sequence[F64], include: Sequence[float], min_span: float) -> tuple[float, float]:
    """A y range around the finite ``values`` and ``include``, at least ``min_span`` wide."""
    parts = [v[np.isfinite(v)] for v in values] + [np.asarray(include, dtype=np.float64)]
    data = np.concatenate(parts) if parts else np.zeros(0)
    if data.size == 0:
        return (0.0, max(min_span, 1e-9))
    lo, hi = float(data.min()), float(data.max())
    pad = max((hi - lo) * 0.08, 0.0)
    lo, hi = lo - pad, hi + pad
    if hi - lo < min_span:
        mid = (hi + lo) / 2
        lo, hi = mid - min_span / 2, mid + min_span / 2
    return lo, hi


def swatch(colour: str, text: str, line: bool = True) -> str:
    """Rich text: a coloured line mark (or none) and ``text`` in that colour."""
    mark = "━ " if line else ""
    return f'<span style="color:{colour}">{mark}{escape(text)}</span>'


class _ChartFrame(QWidget):
    """A title label and a legend label above a plot widget."""

    def __init__(self, parent: QWidget | None, time_axis: bool = True) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("chartTitle")
        # Long titles must not widen the chart column: they are clipped instead.
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.legend = QLabel()
        self.legend.setObjectName("chartLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.legend.setStyleSheet(f"color: {TEXT_COLOUR}; font-size: 11px;")
        self.legend.hide()
        self.plot = _plot(self, time_axis)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(self.title)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot, 1)

    @property
    def plot_item(self) -> Any:
        return self.plot.getPlotItem()

    def set_title(self, text: str, tooltip: str | None = None) -> None:
        self.title.setText(text)
        self.title.setToolTip(text if tooltip is None else tooltip)

    def set_legend(self, html: str) -> None:
        if html != self.legend.text():
            self.legend.setText(html)
        self.legend.setVisible(bool(html))

    def set_axis_label(self, side: str, text: str, colour: str | None = None) -> None:
        style = {"color": colour or TEXT_COLOUR, "font-size": "8pt"}
        self.plot_item.getAxis(side).setLabel(text, **style)

    def _follow_time(self, t: F64) -> None:
        if len(t):
            lo = float(t[0])
            self.plot_item.setXRange(lo, max(float(t[-1]), lo + MIN_SPAN_S), padding=0.0)


class TimeSeriesChart(_ChartFrame):
    """Named curves over time from a ring buffer (client equity and member reserve).

    With ``relative`` each curve shows its change since the first point appended after
    ``clear()`` (the live day's open: the monitor's first snapshot), so series of very
    different size (equity ~40,000 万元, reserve ~4,000 万元) share one axis and both
    show their movement; the legend gives each series' change. ``min_span`` is the
    smallest y range shown (in the curves' units).
    """

    def __init__(
        self,
        series: Sequence[str],
        capacity: int = 20_000,
        parent: QWidget | None = None,
        *,
        relative: bool = False,
        min_span: float = 1.0,
    ) -> None:
        super().__init__(parent)
        self._keys = tuple(series)
        self._names = list(self._keys)
        self._relative = relative
        self._min_span = min_span
        self.buffer = RingBuffer(capacity, len(self._keys))
        self._base: tuple[float, ...] | None = None
        self._zero = pg.InfiniteLine(pos=0.0, angle=0, pen=_PEN_ZERO, movable=False)
        if relative:
            self.plot.addItem(self._zero, ignoreBounds=True)
        self._curves = [_curve(self.plot, PALETTE.get(k, _PEN_PRICE), k) for k in self._keys]
        self._update_legend()

    @property
    def relative(self) -> bool:
        return self._relative

    def set_series_names(self, names: Sequence[str]) -> None:
        if len(names) != len(self._keys):
            raise ValueError("one name per series")
        self._names = list(names)
        self._update_legend()

    def append(self, t: float, values: Sequence[float]) -> None:
        if self._base is None:
            self._base = tuple(float(v) for v in values)
        self.buffer.append(t, values)

    def clear(self) -> None:
        self.buffer.clear()
        self._base = None
        self.refresh()

    def series(self, i: int) -> F64:
        """Column ``i`` as plotted (minus its first value when relative)."""
        values = self.buffer.column(i)
        if self._relative and self._base is not None:
            return values - self._base[i]
        return values

    def refresh(self) -> None:
        t = self.buffer.times()
        shown = [self.series(i) for i in range(len(self._curves))]
        for curve, y in zip(self._curves, shown, strict=True):
            curve.setData(t, y, skipFiniteCheck=True)
        include = [0.0] if self._relative else []
        self.plot_item.setYRange(*_fit(shown, include, self._min_span), padding=0.0)
        self._follow_time(t)
        self._update_legend()

    def _update_legend(self) -> None:
        parts = []
        for i, (key, name) in enumerate(zip(self._keys, self._names, strict=True)):
            text = name
            last = self.buffer.last(i)
            if last is not None:
                if self._relative and self._base is not None:
                    change = last - self._base[i]
                    sign = "+" if change > 0.005 else ""
                    text += f" {sign}{number_text(change, 2)}"
                else:
                    text += f" {number_text(last, 2)}"
            parts.append(swatch(COLOURS.get(key, PRICE_COLOUR), text))
        self.set_legend("&nbsp; ".join(parts))

    def point_count(self) -> int:
        return len(self.buffer)


class DualAxisChart(_ChartFrame):
    """Two curves over time on a left and a right axis (an account's equity and risk).

    Each axis is drawn in its curve's colour; ``set_labels`` names them (with units)
    and the legend line shows the latest values.
    """

    def __init__(self, capacity: int = 20_000, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buffer = RingBuffer(capacity, 2)
        item = self.plot_item
        self._left = _curve(self.plot, _PEN_EQUITY)
        item.showAxis("right")
        right_axis = item.getAxis("right")
        right_axis.enableAutoSIPrefix(False)
        _style_axis(item.getAxis("left"), EQUITY_COLOUR)
        _style_axis(right_axis, RATIO_COLOUR)
        self._right_box = pg.ViewBox(enableMenu=False)
        self._right_box.setMouseEnabled(x=False, y=False)
        item.scene().addItem(self._right_box)
        right_axis.linkToView(self._right_box)
        self._right_box.setXLink(item)
        self._right = pg.PlotDataItem(pen=_PEN_RATIO)
        self._right.setDownsampling(auto=True, method="peak")
        self._right.setClipToView(True)
        self._right_box.addItem(self._right)
        item.vb.sigResized.connect(self._sync_views)
        self._names = ("", "")
        self._units = ("", "")

    def set_labels(
        self,
        axes: tuple[str, str],
        names: tuple[str, str],
        units: tuple[str, str] = ("", ""),
    ) -> None:
        """Axis titles with units (e.g. "权益（万元）", "风险度（%）"), and the legend's
        names and value units (e.g. ("", "%"))."""
        self.set_axis_label("left", axes[0], EQUITY_COLOUR)
        self.set_axis_label("right", axes[1], RATIO_COLOUR)
        self._names = names
        self._units = units
        self._update_legend()

    def _sync_views(self) -> None:
        item = self.plot_item
        self._right_box.setGeometry(item.vb.sceneBoundingRect())
        self._right_box.linkedViewChanged(item.vb, self._right_box.XAxis)

    def append(self, t: float, left: float, right: float) -> None:
        self.buffer.append(t, (left, right))

    def clear(self) -> None:
        self.buffer.clear()
        self.refresh()

    def refresh(self) -> None:
        t = self.buffer.times()
        left = self.buffer.column(0)
        self._left.setData(t, left, skipFiniteCheck=True)
        right = self.buffer.column(1)
        right = np.where(np.isfinite(right), right, np.nan)
        self._right.setData(t, right, connect="finite")
        self.plot_item.setYRange(*_fit([left], [], 0.1), padding=0.0)
        self._right_box.setYRange(*_fit([right], [], 1.0), padding=0.0)
        self._follow_time(t)
        self._update_legend()

    def _update_legend(self) -> None:
        if not any(self._names):
            self.set_legend("")
            return
        parts = []
        for i, colour in ((0, EQUITY_COLOUR), (1, RATIO_COLOUR)):
            last = self.buffer.last(i)
            value = "—" if last is None else ("∞" if math.isinf(last) else number_text(last, 2))
            parts.append(swatch(colour, f"{self._names[i]} {value}{self._units[i]}"))
        self.set_legend("&nbsp; ".join(parts))

    def point_count(self) -> int:
        return len(self.buffer)


class PriceBandChart(_ChartFrame):
    """One contract's last price with its limit-up/limit-down lines and prior settlement.

    The y range fits the prices and the prior settlement (at least ``band_share`` of the
    limit band high), so intraday moves are visible; a limit line shows as the price
    gets near it. The legend gives last price and change (in the up or down colour of
    the user's convention) and the two limits.
    """

    def __init__(self, parent: QWidget | None = None, band_share: float = 0.2) -> None:
        super().__init__(parent)
        self._price = _curve(self.plot, _PEN_PRICE)
        self._upper = pg.InfiniteLine(angle=0, pen=_LIMIT_PENS[palette.up_colour()], movable=False)
        self._lower = pg.InfiniteLine(
            angle=0, pen=_LIMIT_PENS[palette.down_colour()], movable=False
        )
        self._prior = pg.InfiniteLine(angle=0, pen=_PEN_PRIOR, movable=False)
        for line in (self._upper, self._lower, self._prior):
            self.plot.addItem(line, ignoreBounds=True)
        self._t: F64 = np.zeros(0)
        self._y: F64 = np.zeros(0)
        self._band: tuple[float, float, float] | None = None  # prior, upper, lower
        self._share = band_share
        self._labels = ("", "")  # limit up, limit down: templates with %1 for the price

    def set_labels(self, limit_up: str, limit_down: str, tooltip: str = "") -> None:
        """Legend templates (``%1``: the limit price) and the legend's tooltip."""
        self._labels = (limit_up, limit_down)
        self.legend.setToolTip(tooltip)
        self._update_legend()

    def set_band(self, prior: float, upper: float, lower: float) -> None:
        """Horizontal lines in yuan."""
        self._prior.setValue(prior)
        self._upper.setValue(upper)
        self._lower.setValue(lower)
        self._band = (prior, upper, lower)
        self._fit_y()
        self._update_legend()

    def set_history(self, t: F64, price_yuan: F64) -> None:
        self._t, self._y = t, price_yuan

    def y_range(self) -> tuple[float, float]:
        lo, hi = self.plot_item.viewRange()[1]
        return float(lo), float(hi)

    def _fit_y(self) -> None:
        if self._band is None:
            return
        prior, upper, lower = self._band
        lo, hi = _fit([self._y], [prior], max((upper - lower) * self._share, 1e-6))
        pad = max((upper - lower) * 0.03, 1e-6)
        lo, hi = max(lo, lower - pad), min(hi, upper + pad)
        self.plot_item.setYRange(lo, hi, padding=0.0)

    def refresh(self) -> None:
        self._price.setData(self._t, self._y, skipFiniteCheck=True)
        self._fit_y()
        self._follow_time(self._t)
        self._update_legend()

    def apply_convention(self) -> None:
        """The limit lines and the legend in the colour convention now in force."""
        self._upper.setPen(_LIMIT_PENS[palette.up_colour()])
        self._lower.setPen(_LIMIT_PENS[palette.down_colour()])
        self._update_legend()

    def _update_legend(self) -> None:
        up_colour, down_colour = palette.up_colour(), palette.down_colour()
        up_label, down_label = self._labels
        if self._band is None or not up_label:
            self.set_legend("")
            return
        prior, upper, lower = self._band
        places = 0 if all(float(v).is_integer() for v in self._band) else 2
        parts = []
        if len(self._y):
            # The last price and its change on prior settlement, in the up/down colour.
            last = float(self._y[-1])
            change = last - prior
            colour = up_colour if change > 0 else down_colour if change < 0 else TEXT_COLOUR
            sign = "+" if change > 0 else "±" if change == 0 else ""
            text = f"{number_text(last, places)} {sign}{number_text(change, places)}"
            parts.append(f"<b>{swatch(colour, text, line=False)}</b>")
        parts.append(swatch(up_colour, up_label.replace("%1", number_text(upper, places))))
        parts.append(swatch(down_colour, down_label.replace("%1", number_text(lower, places))))
        self.set_legend("&nbsp; ".join(parts))

    def point_count(self) -> int:
        return len(self._t)


class HistogramChart(_ChartFrame):
    """Counts of values in fixed bins; bars at or above the warn/danger edges are tinted
    (the monitor passes its risk levels' warning and forced-close thresholds)."""

    def __init__(
        self,
        edges: Sequence[float],
        warn_at: float,
        danger_at: float,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, time_axis=False)
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
        self.plot_item.setXRange(float(self.edges[0]), float(self.edges[-1]), padding=0.02)
        self.plot_item.setMouseEnabled(x=False, y=False)

    def set_values(self, values: npt.ArrayLike) -> None:
        """Histogram of ``values``; values beyond the last edge count in the last bin."""
        v = np.asarray(values, dtype=np.float64)
        v = np.clip(v[np.isfinite(v) | (v > 0)], self.edges[0], self.edges[-1] - 1e-9)
        self.counts, _ = np.histogram(v, bins=self.edges)
        self._bars.setOpts(height=self.counts)
        self.plot_item.setYRange(0, max(int(self.counts.max(initial=0)), 1) * 1.1)
