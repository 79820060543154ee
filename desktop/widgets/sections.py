"""Layout blocks of the workbench pages: section titles, margin-less columns, splitters.

The workbenches build their pages from the same few pieces: a bold title above each
table, columns that add no margins of their own (the screen's root layout has them),
and splitters whose panes the user can resize but never collapse away.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLayout,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)


def section_title(*, word_wrap: bool = False) -> QLabel:
    """An empty section title (styled by ``QLabel#sectionTitle`` in the QSS)."""
    label = QLabel()
    label.setObjectName("sectionTitle")
    if word_wrap:
        label.setWordWrap(True)
    return label


def column(
    *items: QWidget | QLayout,
    spacing: int = 4,
    stretch: QWidget | None = None,
    widget: QWidget | None = None,
) -> QWidget:
    """``items`` top to bottom without margins; ``stretch`` (by default the last item)
    takes the free height. Lays out ``widget`` when given, else a new widget."""
    box = QWidget() if widget is None else widget
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(spacing)
    grows = items[-1] if stretch is None else stretch
    for item in items:
        factor = 1 if item is grows else 0
        if isinstance(item, QLayout):
            layout.addLayout(item, factor)
        else:
            layout.addWidget(item, factor)
    return box


def splitter(
    orientation: Qt.Orientation, *panes: QWidget, stretch: Sequence[int] = ()
) -> QSplitter:
    """``panes`` in a splitter that never collapses one; ``stretch`` holds the first
    panes' stretch factors (the others keep Qt's default)."""
    split = QSplitter(orientation)
    split.setChildrenCollapsible(False)
    for pane in panes:
        split.addWidget(pane)
    for index, factor in enumerate(stretch):
        split.setStretchFactor(index, factor)
    return split


QWIDGETSIZE_MAX = 16_777_215
"""Qt's "no maximum" for a widget's size."""


class SideScroll(QScrollArea):
    """A side column (parameters and figures) that scrolls vertically when the window
    is too low for it and never sideways: the area is always as wide as the column's
    own layout needs, however its texts change (language, values)."""

    def __init__(self, pane: QWidget, name: str = "") -> None:
        super().__init__()
        self._pane = pane
        self.setObjectName(name or f"{pane.objectName() or 'pane'}Scroll")
        self.setWidget(pane)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setAutoFillBackground(False)
        pane.setAutoFillBackground(False)
        pane.installEventFilter(self)

    def _pane_width(self) -> int:
        """The pane's preferred width (its forms lay out best there; a squeezed form
        cuts its values), within its minimum and maximum, plus the scroll bar."""
        pane = self._pane
        width = max(pane.minimumWidth(), pane.minimumSizeHint().width(), pane.sizeHint().width())
        width = min(width, max(pane.maximumWidth(), pane.minimumWidth()))
        return width + self.verticalScrollBar().sizeHint().width()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(self._pane_width(), super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        return QSize(self._pane_width(), self._pane.sizeHint().height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self._pane and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # its texts changed: the splitter asks again
        return super().eventFilter(watched, event)


def scrolling(pane: QWidget, *, name: str = "") -> SideScroll:
    """``pane`` in a ``SideScroll``; the area's width follows the pane's maximum."""
    area = SideScroll(pane, name)
    if pane.maximumWidth() < QWIDGETSIZE_MAX:
        area.setMaximumWidth(pane.maximumWidth() + area.verticalScrollBar().sizeHint().width())
    return area
