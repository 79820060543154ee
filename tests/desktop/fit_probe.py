"""Finds text a user cannot read whole on a window as it is laid out now: labels,
buttons, combo boxes, tab titles, header sections, navigation items and table cells
narrower (or shorter) than their text, or cut off by a parent.

Each check asks Qt what the text needs (``QFontMetrics.horizontalAdvance`` in the font
the style sheet gives it, the style's margins and padding) and compares it with what
the widget got (its geometry, as far as its ancestors let it be seen). Used by
``test_fit.py`` and by hand:

    .venv/bin/python -m tests.desktop.fit_probe sqlite:////tmp/demo.sqlite 1280x720 zh

Allowed on purpose: a table cell in a column the user can widen
(``QHeaderView.ResizeMode.Interactive``) whose tooltip holds its whole text (free text,
``Kind.TEXT``: ``ColumnTableModel`` gives it as the tooltip). Nothing else may cut text.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionComboBox,
    QStyleOptionHeader,
    QStyleOptionViewItem,
    QTabBar,
    QTableView,
    QTabWidget,
    QToolButton,
    QTreeView,
    QWidget,
)

from desktop.widgets.frozen_column import FrozenColumn

MAX_ROWS = 40
"""Cells are checked in the first rows of each table (the ones a screen opens on)."""
SLACK = 1
"""Pixels of rounding allowed between Qt's metrics and a widget's width."""


@dataclass(frozen=True)
class Clip:
    """One piece of text that does not fit: what, where, needed and given pixels."""

    kind: str
    where: str
    text: str
    need: int
    have: int

    def __str__(self) -> str:
        return f"{self.kind} {self.where}: {self.text!r} needs {self.need} px, has {self.have}"


def path_of(widget: QWidget) -> str:
    """``screen_receipts/…/receiptsTree``: object names up the tree (class names where a
    widget has none), for messages."""
    parts: list[str] = []
    w: QWidget | None = widget
    while w is not None and not w.isWindow():
        parts.append(w.objectName() or type(w).__name__)
        w = w.parentWidget()
    return "/".join(reversed(parts[:5]))


def visible_rect(widget: QWidget) -> QRect:
    """The part of ``widget`` (its own coordinates) its ancestors let be seen.

    A scroll area's contents are seen through its viewport: what lies beyond it can be
    scrolled to, which is not a clip of the widget itself, so the walk stops there.
    """
    rect = widget.rect()
    child = widget
    parent = widget.parentWidget()
    while parent is not None:
        offset = child.mapTo(parent, child.rect().topLeft())
        in_parent = rect.translated(offset)
        if isinstance(parent.parentWidget(), QAbstractScrollArea) and (
            parent is parent.parentWidget().viewport()  # type: ignore[union-attr]
        ):
            return rect
        in_parent = in_parent.intersected(parent.rect())
        rect = in_parent.translated(-offset)
        if parent.isWindow():
            break
        child, parent = parent, parent.parentWidget()
    return rect


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def _plain(text: str) -> str:
    """Button text without its mnemonic ampersands."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _lines_width(metrics: QFontMetrics, text: str) -> int:
    return max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)


# ---------------------------------------------------------------- widgets
def _label(label: QLabel) -> Clip | None:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    inner = label.contentsRect().adjusted(
        label.margin(), label.margin(), -label.margin(), -label.margin()
    )
    seen = visible_rect(label)
    width = min(inner.width(), seen.width() - (label.width() - inner.width()))
    height = min(inner.height(), seen.height() - (label.height() - inner.height()))
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
    )
    if label.wordWrap():
        need_h = label.heightForWidth(label.width())
        room = min(label.height(), height + (label.height() - inner.height()))
        if need_h > room + SLACK:
            return Clip("label (height)", path_of(label), text[:80], need_h, height)
        if rich:
            return None
        # A wrapped label can still cut one long word (a path, a code).
        longest = max((label.fontMetrics().horizontalAdvance(w) for w in text.split()), default=0)
        if longest > width + SLACK:
            return Clip("label", path_of(label), text[:80], longest, width)
        return None
    if rich:
        doc = QTextDocument()
        doc.setDefaultFont(label.font())
        doc.setDocumentMargin(0)
        doc.setHtml(text)
        need = int(doc.idealWidth() + 0.999)
    else:
        need = _lines_width(label.fontMetrics(), text)
    if need > width + SLACK:
        return Clip("label", path_of(label), text[:80], need, width)
    lines = text.count("\n") + 1 if not rich else 1
    need_h = label.fontMetrics().height() * lines
    if need_h > height + SLACK:
        return Clip("label (height)", path_of(label), text[:80], need_h, height)
    return None


def _button(button: QAbstractButton) -> Clip | None:
    text = _plain(button.text())
    if not text:
        return None
    seen = visible_rect(button).width()
    if isinstance(button, (QPushButton, QCheckBox, QRadioButton)):
        need = button.sizeHint().width()
        # Fusion's push buttons ask for some air beyond the text; the text itself is
        # what must fit: sizeHint minus the part of the air the style may give up.
        if isinstance(button, QPushButton):
            air = 2 * button.style().pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, button)
            need = max(need - air, button.fontMetrics().horizontalAdvance(text))
    elif isinstance(button, QToolButton):
        if button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly:
            return None
        need = button.fontMetrics().horizontalAdvance(text)
    else:
        need = button.fontMetrics().horizontalAdvance(text)
    have = min(button.width(), seen)
    if need > have + SLACK:
        return Clip("button", path_of(button), text, need, have)
    return None


def _combo(combo: QComboBox) -> Clip | None:
    text = combo.currentText()
    if not text or combo.isEditable():
        return None
    option = QStyleOptionComboBox()
    option.initFrom(combo)
    option.currentText = text
    option.editable = False
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox,
        option,
        QStyle.SubControl.SC_ComboBoxEditField,
        combo,
    )
    icon = combo.itemIcon(combo.currentIndex())
    extra = combo.iconSize().width() + 4 if not icon.isNull() else 0
    need = combo.fontMetrics().horizontalAdvance(text) + extra
    have = min(field.width(), visible_rect(combo).width() - (combo.width() - field.width()))
    if need > have + SLACK:
        return Clip("combo", path_of(combo), text, need, have)
    return None


def _tabs(bar: QTabBar) -> list[Clip]:
    out = []
    space = bar.style().pixelMetric(QStyle.PixelMetric.PM_TabBarTabHSpace, None, bar)
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        text = _plain(bar.tabText(i))
        rect = bar.tabRect(i)
        icon = bar.iconSize().width() + 4 if not bar.tabIcon(i).isNull() else 0
        need = bar.fontMetrics().horizontalAdvance(text) + icon + space // 2
        have = rect.intersected(visible_rect(bar)).width()
        if need > have + SLACK:
            out.append(Clip("tab", path_of(bar), text, need, have))
    return out


# ---------------------------------------------------------------- item views
def header_font(header: QHeaderView) -> QFont:
    """The sections' font: the style sheet makes them semi-bold (riskdesk.qss)."""
    font = QFont(header.font())
    font.setWeight(QFont.Weight.DemiBold)
    return font


def _header(header: QHeaderView) -> list[Clip]:
    """Horizontal header sections whose title is wider than the section (with the
    style's padding and, where sorting is on, room for the sort arrow)."""
    model = header.model()
    if model is None or header.orientation() != Qt.Orientation.Horizontal:
        return []
    out = []
    metrics = QFontMetrics(header_font(header))
    style = header.style()
    viewport = header.viewport().rect()
    for logical in range(header.count()):
        if header.isSectionHidden(logical):
            continue
        text = model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or not text:
            continue
        option = QStyleOptionHeader()
        option.initFrom(header)
        option.section = logical
        option.text = text
        option.orientation = Qt.Orientation.Horizontal
        option.state |= QStyle.StateFlag.State_Horizontal
        left = header.sectionViewportPosition(logical)
        width = header.sectionSize(logical)
        option.rect = QRect(0, 0, width, header.height())
        label = style.subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
        have = label.width()
        need = _lines_width(metrics, text)
        # The arrow is drawn on the section the table is sorted by: the title must not
        # run under it (other sections get it when the user sorts by them).
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == logical:
            option.sortIndicator = QStyleOptionHeader.SortIndicator.SortDown
            arrow = style.subElementRect(QStyle.SubElement.SE_HeaderArrow, option, header)
            lines = text.count("\n") + 1
            flags = _header_alignment(header, logical)
            title = QStyle.alignedRect(
                Qt.LayoutDirection.LeftToRight,
                flags,
                QSize(min(need, label.width()), metrics.height() * lines),
                label,
            )
            if title.intersects(arrow):
                if arrow.left() > title.left():
                    have = min(have, arrow.left() - label.left() - 2)
                else:
                    have = 0
        seen = QRect(left, 0, width, 1).intersected(viewport).width()
        if seen <= 0:
            continue  # scrolled out of view: the user scrolls to it, nothing is cut
        if seen < width:
            continue  # runs on past the table's edge: the user scrolls to it
        if need > have + SLACK:
            out.append(Clip("header", path_of(header), text.replace("\n", " / "), need, have))
    return out


def _header_alignment(header: QHeaderView, logical: int) -> Qt.AlignmentFlag:
    model = header.model()
    value = model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole)
    if value is None:
        return header.defaultAlignment()
    return Qt.AlignmentFlag(int(value))


def _elision_allowed(view: QAbstractItemView, index: QModelIndex, text: str) -> bool:
    """Free text in a column the user can widen, whose tooltip shows the whole text."""
    if not isinstance(view, QTableView):
        return False
    header = view.horizontalHeader()
    if header.sectionResizeMode(index.column()) != QHeaderView.ResizeMode.Interactive:
        return False
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    return isinstance(tip, str) and text in tip


def _cells(view: QAbstractItemView) -> list[Clip]:
    model = view.model()
    if model is None or (isinstance(view, QListView) and view.objectName() == "nav"):
        return []
    out: list[Clip] = []
    style = view.style()
    viewport = view.viewport().rect()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    seen_columns: set[int] = set()

    def check(index: QModelIndex) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or not text:
            return
        rect = view.visualRect(index)
        if rect.isEmpty() or not rect.intersects(viewport):
            return
        option = QStyleOptionViewItem()
        option.initFrom(view)
        option.rect = rect
        option.text = text
        option.features = QStyleOptionViewItem.ViewItemFeature.HasDisplay
        font = index.data(Qt.ItemDataRole.FontRole)
        option.font = font if isinstance(font, QFont) else view.font()
        option.fontMetrics = QFontMetrics(option.font)
        if index.data(Qt.ItemDataRole.DecorationRole) is not None:
            option.features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration
            option.decorationSize = view.iconSize()
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
        have = text_rect.width() - 2 * margin
        if text_rect.right() > viewport.right() and index.column() not in seen_columns:
            return  # the column runs on past the edge: scrolled to, not cut
        need = _lines_width(option.fontMetrics, text)
        if need > have + SLACK and not _elision_allowed(view, index, text):
            seen_columns.add(index.column())
            out.append(
                Clip(
                    f"cell (column {index.column()})",
                    path_of(view),
                    text,
                    need,
                    have,
                )
            )

    def walk(parent: QModelIndex, depth: int, budget: list[int]) -> None:
        for row in range(model.rowCount(parent)):
            if budget[0] <= 0:
                return
            budget[0] -= 1
            for column in range(model.columnCount(parent)):
                if isinstance(view, QTableView) and view.isColumnHidden(column):
                    continue
                if isinstance(view, QTreeView) and view.isColumnHidden(column):
                    continue
                if column in seen_columns:
                    continue
                check(model.index(row, column, parent))
            first = model.index(row, 0, parent)
            if isinstance(view, QTreeView) and depth < 3 and view.isExpanded(first):
                walk(first, depth + 1, budget)

    walk(QModelIndex(), 0, [MAX_ROWS])
    return out


def _unscrollable(view: QAbstractItemView) -> list[Clip]:
    """A view that cannot scroll must show all its rows (the deadline calendar). The
    frozen first column is exempt: it scrolls with its table, not by itself."""
    out = []
    if isinstance(view, FrozenColumn):
        return out
    if view.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff and isinstance(
        view, QTableView
    ):
        need = view.verticalHeader().length()
        have = view.viewport().height()
        if need > have + SLACK:
            out.append(Clip("rows", path_of(view), "last row", need, have))
    return out


def _nav(view: QListView) -> list[Clip]:
    """The navigation: every entry's text beside its icon, every entry on screen."""
    out = []
    model = view.model()
    style = view.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    viewport = view.viewport().rect()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or not text:
            continue
        rect = view.visualRect(index)
        if rect.top() < viewport.top() or rect.bottom() > viewport.bottom():
            out.append(
                Clip("nav (off screen)", path_of(view), text, rect.bottom(), viewport.bottom())
            )
            continue
        rect = rect.intersected(viewport)
        option = QStyleOptionViewItem()
        option.initFrom(view)
        option.rect = rect
        option.text = text
        option.font = view.font()
        option.fontMetrics = view.fontMetrics()
        option.features = QStyleOptionViewItem.ViewItemFeature.HasDisplay
        if index.data(Qt.ItemDataRole.DecorationRole) is not None:
            option.features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration
            option.decorationSize = view.iconSize()
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
        need = view.fontMetrics().horizontalAdvance(text)
        have = text_rect.width() - 2 * margin
        if need > have + SLACK:
            out.append(Clip("nav", path_of(view), text, need, have))
    return out


# ---------------------------------------------------------------- the walk
def _inside_control(widget: QWidget) -> bool:
    """Qt's own parts of a combo box, spin box or line edit (popups, arrows)."""
    parent = widget.parentWidget()
    return parent is not None and type(parent).__name__ in ("QComboBox", "QSpinBox", "QDateEdit")


def clips(root: QWidget) -> list[Clip]:
    """Everything shown in ``root`` (a window) whose text does not fit."""
    found: list[Clip] = []
    widgets = [root, *root.findChildren(QWidget)]
    # A live screen changes texts between two event loops: lay out what changed last
    # (Qt does it on its next LayoutRequest), so only a lasting cut is reported.
    for widget in widgets:
        layout = widget.layout()
        if layout is not None:
            layout.activate()
    for widget in widgets:
        if not _shown(widget) or _inside_control(widget):
            continue
        if isinstance(widget, QLabel):
            clip = _label(widget)
            found += [clip] if clip else []
        elif isinstance(widget, QAbstractButton):
            clip = _button(widget)
            found += [clip] if clip else []
        elif isinstance(widget, QComboBox):
            clip = _combo(widget)
            found += [clip] if clip else []
        elif isinstance(widget, QTabBar):
            found += _tabs(widget)
        elif isinstance(widget, QHeaderView):
            found += _header(widget)
        elif isinstance(widget, QListView) and widget.objectName() == "nav":
            found += _nav(widget)
        elif isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
            if type(widget.parentWidget()).__name__ == "QComboBox" or widget.isWindow():
                continue
            found += _cells(widget)
            found += _unscrollable(widget)
    return found


def tab_states(page: QWidget, settle: Callable[[], None]) -> Iterator[str]:
    """Shows ``page`` as it opened, then each other tab of each of its visible tab
    widgets once (``settle`` lets Qt lay it out and load it), then the tabs it opened
    on again; yields what is shown ("" for the page as it opened)."""
    yield ""
    for tabs in page.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        start = tabs.currentIndex()
        for index in range(tabs.count()):
            if index == start or not tabs.isTabEnabled(index) or not tabs.isTabVisible(index):
                continue
            tabs.setCurrentIndex(index)
            settle()
            yield f"tab {tabs.tabText(index)!r}"
        tabs.setCurrentIndex(start)
        settle()


def new_clips(known: list[Clip], found: list[Clip], shown: str) -> list[Clip]:
    """``found`` less what ``known`` has already (the same text cut in the same place),
    each named with the tab ``shown``."""
    seen = {(c.kind, c.where.partition(" [")[0], c.text) for c in known}
    return [
        Clip(c.kind, f"{c.where} [{shown}]" if shown else c.where, c.text, c.need, c.have)
        for c in found
        if (c.kind, c.where, c.text) not in seen
    ]


def _main(argv: list[str]) -> int:
    """Open the window on ``URL`` at ``WxH`` in ``LANG``, print every clip per screen."""
    import time

    from PySide6.QtWidgets import QApplication

    from core.config import AppConfig
    from core.services.store import open_database
    from desktop import i18n
    from desktop.app import _prepare_application, install_offscreen_filter
    from desktop.bus import AppBus
    from desktop.context import DesktopContext
    from desktop.main_window import MainWindow
    from desktop.screens.registry import SCREEN_KEYS
    from desktop.settings import UiSettings
    from desktop.tasks import TaskManager

    url, size, lang = argv[0], argv[1], argv[2]
    keys = argv[3].split(",") if len(argv) > 3 else list(SCREEN_KEYS)
    width, height = (int(x) for x in size.split("x"))
    app = _prepare_application(True)
    assert isinstance(app, QApplication)
    install_offscreen_filter()
    i18n.set_language(lang)
    config = AppConfig.from_args(url)
    ctx = DesktopContext(
        db=open_database(config.db_url),
        tasks=TaskManager(),
        bus=AppBus(),
        settings=UiSettings(persist=False),
        config=config,
    )
    window = MainWindow(ctx)
    window.set_save_on_close(False)
    window.resize(width, height)
    window.show()
    total = 0
    for key in keys:
        window.select_screen(key)

        def settle() -> None:
            deadline = time.monotonic() + 30
            while not window.is_ready() and time.monotonic() < deadline:
                app.processEvents()
                time.sleep(0.01)
            for _ in range(5):
                app.processEvents()

        settle()
        found = []
        for shown in tab_states(window.stack.currentWidget(), settle):
            found += new_clips(found, clips(window), shown)
        total += len(found)
        least = window.stack.currentWidget().minimumSizeHint()
        sys.stdout.write(
            f"== {key} ({window.width()}x{window.height()}; page {window.stack.width()}x"
            f"{window.stack.height()}, least {least.width()}x{least.height()}): {len(found)}\n"
        )
        for clip in found:
            sys.stdout.write(f"   {clip}\n")
    window.close()
    ctx.close()
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
