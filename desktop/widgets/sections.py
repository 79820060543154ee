"""Layout blocks of the workbench pages: section titles, margin-less columns, splitters.

The workbenches build their pages from the same few pieces: a bold title above each
table, columns that add no margins of their own (the screen's root layout has them),
and splitters whose panes the user can resize but never collapse away.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLayout, QSplitter, QVBoxLayout, QWidget


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
