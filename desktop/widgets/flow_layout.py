"""A layout that places its items left to right and wraps onto the next row when the
width runs out (Qt's "Flow Layout" example, https://doc.qt.io/qt-6/qtwidgets-layouts-flowlayout-example.html).

For a workbench's row of controls: on a 1280-pixel window they take two rows instead
of forcing the window wider than the screen (issue #12, "Fit"). Items keep their size
hints; a spacing item (``addSpacing``) is a gap that is dropped at the start of a row.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QSpacerItem,
    QWidget,
)


class FlowLayout(QLayout):
    """Items in rows, wrapped to the width; rows are ``vspacing`` apart and items in a
    row ``hspacing`` apart, vertically centred in their row."""

    def __init__(self, parent: QWidget | None = None, hspacing: int = 8, vspacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._hspacing = hspacing
        self._vspacing = vspacing
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    # ----------------------------------------------------------------- items
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt override)
        self._items.append(item)

    def addSpacing(self, size: int) -> None:  # noqa: N802 (Qt naming)
        self.addItem(QSpacerItem(size, 0, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt override)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt override)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    # ----------------------------------------------------------------- geometry
    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt override)
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt override)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt override)
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt override)
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """Everything on one row."""
        visible = [i for i in self._items if not i.isEmpty()]
        width = sum(i.sizeHint().width() for i in visible)
        width += self._hspacing * max(len(visible) - 1, 0)
        height = max((i.sizeHint().height() for i in visible), default=0)
        margins = self.contentsMargins()
        return QSize(
            width + margins.left() + margins.right(), height + margins.top() + margins.bottom()
        )

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt override)
        """The widest item: everything else may wrap."""
        size = QSize()
        for item in self._items:
            if not item.isEmpty() and not isinstance(item, QSpacerItem):
                size = size.expandedTo(item.minimumSize()).expandedTo(item.sizeHint())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        rows: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = 0
        for item in self._items:
            if item.isEmpty():
                continue
            size = item.sizeHint()
            gap = self._hspacing if rows[-1] else 0
            if rows[-1] and x + gap + size.width() > area.width():
                rows.append([])
                x, gap = 0, 0
            if isinstance(item, QSpacerItem) and not rows[-1]:
                continue  # a gap does not start a row
            rows[-1].append((item, size))
            x += gap + size.width()
        y = area.y()
        for row in rows:
            if not row:
                continue
            while row and isinstance(row[-1][0], QSpacerItem):
                row.pop()  # nor end one
            height = max(size.height() for _, size in row)
            x = area.x()
            for item, size in row:
                if move:
                    top = y + (height - size.height()) // 2
                    item.setGeometry(QRect(QPoint(x, top), size))
                x += size.width() + self._hspacing
            y += height + self._vspacing
        used = y - self._vspacing - area.y() if y > area.y() else 0
        return used + margins.top() + margins.bottom()


def flow_of(*items: QWidget | int | tuple[QWidget, ...], spacing: int = 8) -> FlowLayout:
    """A ``FlowLayout`` of ``items``: a widget, a gap in pixels (int) or a tuple of
    widgets kept together on one row (a label and its field)."""
    flow = FlowLayout(hspacing=spacing)
    for item in items:
        if isinstance(item, int):
            flow.addSpacing(item)
        elif isinstance(item, tuple):
            group = QWidget()
            row = QHBoxLayout(group)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(6)
            for widget in item:
                row.addWidget(widget)
            flow.addWidget(group)
        else:
            flow.addWidget(item)
    return flow
