"""The frozen first column lies exactly over its table's first column: its rows where the
table's rows are (no strip below the last row, no row shifted by the overlay's frame),
with few rows or many, with and without the horizontal scroll bar, scrolled or not;
under the application's style sheet, whose table border would give the overlay a frame
of its own."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractItemView, QWidget

from desktop.models.columns import Column, Kind
from desktop.models.frame_table import FrameTableModel
from desktop.resources import style_sheet
from desktop.settings import UiSettings
from desktop.widgets.data_table import DataTableView

COLUMNS = (
    Column("code", "Client code", Kind.CODE, 100),
    *(Column(f"v{i}", f"Value {i}", Kind.INT, 120) for i in range(8)),
)


def _table(qtbot: Any, rows: int, width: int, height: int = 300) -> DataTableView:
    frame = pd.DataFrame(
        {"code": [f"C{r:05d}" for r in range(rows)]}
        | {f"v{i}": list(range(rows)) for i in range(8)}
    )
    model = FrameTableModel(COLUMNS)
    model.set_frame(frame)
    view = DataTableView(UiSettings(), "frozen_geometry")
    view.setStyleSheet(style_sheet())  # the application's table border and header
    view.setModel(model)
    model.setParent(view)
    view.apply_default_widths(COLUMNS)
    view.freeze_first_column()
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    return view


def _in(view: QWidget, widget: QWidget, rect: QRect) -> QRect:
    """``rect`` of ``widget`` in ``view``'s coordinates."""
    return QRect(widget.mapTo(view, rect.topLeft()), rect.size())


def _assert_overlay_matches(view: DataTableView) -> None:
    frozen = view.frozen
    assert frozen is not None
    table_port = _in(view, view.viewport(), view.viewport().rect())
    frozen_port = _in(view, frozen.viewport(), frozen.viewport().rect())
    # The same band of rows: top and bottom of the two viewports agree, and the frozen
    # one spans the first column.
    assert (frozen_port.top(), frozen_port.bottom()) == (table_port.top(), table_port.bottom())
    assert frozen_port.left() == table_port.left()
    assert frozen_port.width() >= view.columnWidth(0) - 1  # its right border at most
    header, frozen_header = view.horizontalHeader(), frozen.horizontalHeader()
    assert _in(view, frozen_header, frozen_header.rect()).top() == (
        _in(view, header, header.rect()).top()
    )
    assert frozen_header.height() == header.height()
    assert frozen.verticalScrollBar().maximum() == view.verticalScrollBar().maximum()
    assert frozen.verticalScrollBar().value() == view.verticalScrollBar().value()
    model = view.model()
    for row in {0, model.rowCount() // 2, model.rowCount() - 1}:
        index = model.index(row, 0)
        cell = _in(view, view.viewport(), view.visualRect(index))
        overlay = _in(view, frozen.viewport(), frozen.visualRect(index))
        assert (overlay.top(), overlay.height()) == (cell.top(), cell.height()), row
    # Below the last row, both show the same empty canvas, down to the same pixel row.
    last = model.index(model.rowCount() - 1, 0)
    below = _in(view, view.viewport(), view.visualRect(last)).bottom() + 1
    if below <= table_port.bottom():
        assert frozen.indexAt(frozen.viewport().mapFrom(view, QPoint(5, below))).row() == -1


@pytest.mark.parametrize(
    ("rows", "width"),
    [
        (3, 1400),  # few rows, no horizontal scroll bar
        (3, 500),  # few rows, the horizontal scroll bar shown
        (60, 1400),  # more rows than fit
        (60, 500),  # more rows than fit and the horizontal scroll bar
    ],
)
def test_the_frozen_column_lies_exactly_over_the_first_column(
    qtbot: Any, rows: int, width: int
) -> None:
    view = _table(qtbot, rows, width)
    assert view.horizontalScrollBar().isVisible() == (width < 1000)
    _assert_overlay_matches(view)
    # Scrolled to the end, both ways.
    view.scrollTo(view.model().index(rows - 1, 8), QAbstractItemView.ScrollHint.PositionAtBottom)
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().maximum())
    _assert_overlay_matches(view)


def test_the_overlay_follows_when_a_column_brings_the_scroll_bar(qtbot: Any) -> None:
    """A wider column shows the horizontal scroll bar without resizing the table: the
    overlay ends above it like the rows do; narrowed again, it reaches down again."""
    view = _table(qtbot, 60, 1300)
    assert not view.horizontalScrollBar().isVisible()
    _assert_overlay_matches(view)
    view.setColumnWidth(8, 400)
    qtbot.waitUntil(view.horizontalScrollBar().isVisible)
    _assert_overlay_matches(view)
    view.setColumnWidth(8, 120)
    qtbot.waitUntil(lambda: not view.horizontalScrollBar().isVisible())
    _assert_overlay_matches(view)
