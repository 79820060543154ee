"""Paint a table view's visible rows in one pass (the live monitor's tables, issue #17).

Qt paints an item view cell by cell: per cell a delegate call and about eight
``data()`` calls into Python, and the style's item drawing (a text layout per cell).
On the monitor's positions table at 1600 × 900 that was 25–30 ms a repaint, most of
the GUI budget of a tick. ``paint_rows`` asks the model once for the visible block
(``ColumnTableModel.row_looks``, the same texts and brushes ``data()`` gives) and draws
each cell with one ``drawText`` at a point it places itself: about a fifth of the
time (``benchmarks/bench_table_paint.py``).

What it draws is what the delegate drew for these views, pixel for pixel
(tests/desktop/test_row_painter.py compares): the alternate row colour, then the
selection or else the row's tint, across the visible width; each cell's text in its
column's alignment, vertically centred, inset as the style sheet's item padding (8 px)
plus the style's text margin, placed in fractional pixels as Qt's text layout places
it, elided on the right when too long, in the cell's foreground colour (the
selection's text colour on a selected row). No grid, no focus frame, no decorations,
check boxes or fonts per cell: the views that use it show none (``usable`` says when a
model is one it can paint; otherwise the view paints as usual).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QTableView

from desktop.models.column_model import ColumnTableModel

TEXT_INSET = 8 + 3
"""The style sheet's ``QTableView::item`` padding (8 px) plus the style's text margin
(``PM_FocusFrameHMargin`` + 1 = 3 px): where the delegate put the text."""
_RIGHT = int(Qt.AlignmentFlag.AlignRight)
_H_CENTER = int(Qt.AlignmentFlag.AlignHCenter)
_ELIDE = Qt.TextElideMode.ElideRight


def usable(model: object) -> bool:
    """A model whose cells ``paint_rows`` can paint: a ``ColumnTableModel`` answering
    every role through its hooks (a subclass overriding ``data()`` may answer more)."""
    return isinstance(model, ColumnTableModel) and type(model).data is ColumnTableModel.data


def paint_rows(view: QTableView, event: QPaintEvent) -> bool:
    """Paint the rows of ``view`` that ``event`` exposes; False (nothing painted) when
    there are none or the model is not ``usable``: the caller then paints as Qt does."""
    model = view.model()
    if not usable(model):
        return False
    assert isinstance(model, ColumnTableModel)
    rect = event.rect()
    first = view.rowAt(rect.top())
    if first < 0:
        return False
    last = view.rowAt(rect.bottom())
    if last < 0:
        last = model.rowCount() - 1
    header = view.horizontalHeader()
    left = max(header.visualIndexAt(rect.left()), 0)
    right = header.visualIndexAt(rect.right())
    if right < 0:
        right = header.count() - 1
    columns: list[tuple[int, int, int]] = []  # logical column, x, width
    for visual in range(left, right + 1):
        column = header.logicalIndex(visual)
        if not header.isSectionHidden(column):
            columns.append((column, view.columnViewportPosition(column), view.columnWidth(column)))
    rows = range(first, last + 1)
    looks = model.row_looks(rows, [c for c, _, _ in columns])
    aligns = [int(model.columns[c].alignment) for c, _, _ in columns]
    palette = view.palette()
    highlight, alternate = palette.highlight(), palette.alternateBase()
    text_colour, chosen_colour = palette.text().color(), palette.highlightedText().color()
    alternating = view.alternatingRowColors()
    # the selected rows among these, from the selection's ranges in one call
    # (isRowSelected per row cost ~50 us each: it checks every column); the views
    # select whole rows, so a range's rows are selected rows
    chosen_rows: set[int] = set()
    selection = view.selectionModel()
    if selection is not None:
        ranges = selection.selection()
        for i in range(ranges.count()):
            block = ranges.at(i)
            chosen_rows.update(range(max(block.top(), first), min(block.bottom(), last) + 1))
    viewport = view.viewport()
    width = viewport.width()
    painter = QPainter(viewport)
    try:
        metrics = QFontMetricsF(painter.font())
        # the baseline of text centred vertically in a row (as AlignVCenter puts it)
        ascent, descent = metrics.ascent(), metrics.descent()
        for row, (tint, cells) in zip(rows, looks, strict=True):
            y, height = view.rowViewportPosition(row), view.rowHeight(row)
            baseline = (height - ascent - descent) / 2 + ascent
            chosen = row in chosen_rows
            if alternating and row % 2:  # under a tint too: tints are translucent
                painter.fillRect(0, y, width, height, alternate)
            if chosen:
                painter.fillRect(0, y, width, height, highlight)
            elif tint is not None:
                painter.fillRect(0, y, width, height, tint)
            for (_column, x, w), (text, brush), align in zip(columns, cells, aligns, strict=True):
                if not text:
                    continue
                if chosen:
                    painter.setPen(chosen_colour)
                else:
                    painter.setPen(brush.color() if brush is not None else text_colour)
                room = w - 2 * TEXT_INSET
                advance = metrics.horizontalAdvance(text)
                if advance > room:
                    text = metrics.elidedText(text, _ELIDE, max(room, 0))
                    advance = metrics.horizontalAdvance(text)
                # placed here (in fractional pixels, as Qt's layout places it: the
                # pixels come out the same) and drawn at a point: drawText into a
                # rectangle with flags lays the text out again, per cell
                if align & _RIGHT:
                    at = x + w - TEXT_INSET - advance
                elif align & _H_CENTER:
                    at = x + (w - advance) / 2
                else:
                    at = float(x + TEXT_INSET)
                painter.drawText(QPointF(at, y + baseline), text)
    finally:
        painter.end()
    return True
