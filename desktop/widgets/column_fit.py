"""Column widths that keep every title readable, and a free-width column that never
shrinks below its default (issue #12, "Fit").

* ``title_width(header, text)``: the narrowest section that shows ``text`` whole in
  the semi-bold section font of the style sheet (``QHeaderView::section`` in
  ``riskdesk.qss``), with the style's padding. The sort arrow sits above the title
  (``QHeaderView::up-arrow`` there), so it takes no width.
* ``ColumnFit``: installed on a table view. Every section is at least as wide as its
  title, also after a change of language (the model's ``headerDataChanged``); one
  column may take the width left over (``fill``), but unlike Qt's ``Stretch`` mode it
  keeps at least its own width and stays resizable: on a narrow window the table
  scrolls instead of squeezing the names to nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QHeaderView,
    QStyle,
    QStyleOptionHeader,
    QStyleOptionViewItem,
    QTableView,
)

from desktop.models.columns import Column, Kind

_PROBE_WIDTH = 200


def title_font(header: QHeaderView) -> QFont:
    """The section titles' font: the style sheet makes them semi-bold."""
    font = QFont(header.font())
    font.setWeight(QFont.Weight.DemiBold)
    return font


def title_width(header: QHeaderView, text: str) -> int:
    """Pixels a horizontal section needs to show ``text`` (one or more lines) whole."""
    option = QStyleOptionHeader()
    option.initFrom(header)
    option.orientation = Qt.Orientation.Horizontal
    option.state |= QStyle.StateFlag.State_Horizontal
    option.rect = QRect(0, 0, _PROBE_WIDTH, max(header.height(), 24))
    label = header.style().subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
    metrics = QFontMetrics(title_font(header))
    widest = max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)
    return widest + (_PROBE_WIDTH - label.width()) + 1


class ColumnFit(QObject):
    """Keeps ``view``'s sections at least as wide as their titles; optionally lets one
    column take the free width (``fill``). GUI thread only."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self._view = view
        self._fill: int | None = None
        self._fill_min = 0
        self._base_min = 0
        self._to_contents = False
        self._filling = False
        self._model: QObject | None = None
        header = view.horizontalHeader()
        header.sectionResized.connect(self._on_resized)
        view.viewport().installEventFilter(self)

    # ----------------------------------------------------------------- titles
    def titles_fit(self) -> None:
        """Widen every visible section that is narrower than its title."""
        view = self._view
        header = view.horizontalHeader()
        if header.count() == 0:
            return  # no model yet, or no columns
        model = view.model()
        self._watch(model)
        for logical in range(header.count()):
            if header.isSectionHidden(logical):
                continue
            if header.sectionResizeMode(logical) != QHeaderView.ResizeMode.Interactive:
                continue  # sized by Qt (to contents: the title counts there already)
            text = model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            need = title_width(header, text) if isinstance(text, str) and text else 0
            need = max(need, self._known_values_width(model, logical))
            if header.sectionSize(logical) < need:
                header.resizeSection(logical, need)
        self.refill()

    def _known_values_width(self, model: QObject, logical: int) -> int:
        """What a column needs for the values it can hold when they are known in
        advance: an enumeration's labels in this language, a date."""
        columns = getattr(model, "columns", None)
        if not isinstance(columns, tuple) or not 0 <= logical < len(columns):
            return 0
        column = columns[logical]
        if not isinstance(column, Column):
            return 0
        if column.kind == Kind.ENUM and column.labels:
            texts = [column.format(value) for value in column.labels]
        elif column.kind == Kind.DATE:
            texts = ["2026-12-31"]
        else:
            return 0
        metrics = self._view.fontMetrics()
        widest = max(metrics.horizontalAdvance(text) for text in texts)
        return widest + self._cell_chrome()

    def _cell_chrome(self) -> int:
        """A cell's width around its text: the style sheet's padding and the style's
        text margins."""
        view = self._view
        option = QStyleOptionViewItem()
        option.initFrom(view)
        option.rect = QRect(0, 0, _PROBE_WIDTH, 24)
        option.features = QStyleOptionViewItem.ViewItemFeature.HasDisplay
        style = view.style()
        text = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        return _PROBE_WIDTH - text.width() + 2 * margin + 1

    def _watch(self, model: QObject) -> None:
        if model is self._model:
            return
        self._model = model
        model.headerDataChanged.connect(self._on_titles_changed)  # type: ignore[attr-defined]
        model.modelReset.connect(self._on_rows_changed)  # type: ignore[attr-defined]
        model.layoutChanged.connect(self._on_rows_changed)  # type: ignore[attr-defined]
        model.rowsInserted.connect(self._on_rows_changed)  # type: ignore[attr-defined]

    def _on_titles_changed(self, orientation: Qt.Orientation, _first: int, _last: int) -> None:
        if orientation == Qt.Orientation.Horizontal:
            self.titles_fit()

    # ----------------------------------------------------------------- free width
    def fill(self, logical: int | None, minimum: int = 0, *, to_contents: bool = False) -> None:
        """Let column ``logical`` take the free width, never below ``minimum`` nor its
        title, nor (``to_contents``) its widest cell in the rows loaded (None: no
        column does; the last section is not stretched either)."""
        header = self._view.horizontalHeader()
        self._fill = logical
        self._to_contents = to_contents
        if (model := self._view.model()) is not None:
            self._watch(model)
        header.setStretchLastSection(False)
        if logical is not None:
            header.setSectionResizeMode(logical, QHeaderView.ResizeMode.Interactive)
            model = self._view.model()
            text = (
                model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
                if model is not None
                else None
            )
            title = title_width(header, text) if isinstance(text, str) else 0
            self._base_min = max(minimum, title, header.minimumSectionSize())
            self._fill_min = self._base_min
            if to_contents:
                self._fill_min = max(self._base_min, self._view.sizeHintForColumn(logical))
        self.refill()

    def _on_rows_changed(self, *_args: object) -> None:
        """New rows: the fill column's least width follows its widest cell again."""
        logical = self._fill
        if logical is None or not self._to_contents:
            return
        self._fill_min = max(self._base_min, self._view.sizeHintForColumn(logical))
        self.refill()

    def reapply(self) -> None:
        """After a saved header state was restored: the free-width column stays
        resizable and fills, every title fits."""
        logical = self._fill
        if logical is not None:
            header = self._view.horizontalHeader()
            header.setStretchLastSection(False)
            header.setSectionResizeMode(logical, QHeaderView.ResizeMode.Interactive)
        self.titles_fit()

    def set_fill_minimum(self, minimum: int) -> None:
        """The fill column's least width (e.g. its widest cell once the data is in)."""
        self._fill_min = max(self._fill_min, minimum)
        self.refill()

    def refill(self) -> None:
        logical = self._fill
        view = self._view
        if logical is None or self._filling:
            return
        header = view.horizontalHeader()
        if logical >= header.count() or header.isSectionHidden(logical):
            return
        others = sum(
            header.sectionSize(i)
            for i in range(header.count())
            if i != logical and not header.isSectionHidden(i)
        )
        width = max(self._fill_min, view.viewport().width() - others)
        if header.sectionSize(logical) != width:
            self._filling = True
            try:
                header.resizeSection(logical, width)
            finally:
                self._filling = False

    def _on_resized(self, logical: int, _old: int, new: int) -> None:
        if self._filling:
            return
        if logical == self._fill:
            self._fill_min = self._base_min = new  # the user sized it: keep at least that
            return
        self.refill()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Resize and watched is self._view.viewport():
            self.refill()
        return False
