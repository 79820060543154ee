"""A table model over ``InputError``s: file, row, field, message (imports, refusals).

Implements Qt's QAbstractTableModel contract
(https://doc.qt.io/qt-6/qabstracttablemodel.html#subclassing). The errors are kept as a
tuple of frozen values; ``sort()`` reorders an index array inside
``layoutAboutToBeChanged``/``layoutChanged`` (rows sort numerically, missing rows last),
and ``copy_text`` renders rows as tab-separated text for the clipboard (Excel pastes it
into columns). Fields and messages are shown in the UI language (``desktop.import_text``:
import errors carry a message code; others are shown as the core wrote them); the texts
are computed once per language and set of errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QObject, Qt

from core.errors import InputError
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.import_text import field_text, header_tooltip, message_text
from desktop.models.column_model import DISPLAY, ROOT, AnyIndex
from desktop.models.columns import CENTER, LEFT, RIGHT

COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", QT_TRANSLATE_NOOP("ValidationErrors", "File")),
    ("row", QT_TRANSLATE_NOOP("ValidationErrors", "Row")),
    ("field", QT_TRANSLATE_NOOP("ValidationErrors", "Field")),
    ("message", QT_TRANSLATE_NOOP("ValidationErrors", "Message")),
)
_ALIGN = (LEFT, RIGHT, LEFT, LEFT)
_NO_PLACE = "—"


Texts = tuple[str, str, str, str]
"""The shown cells of one error: file, row, field, message."""


def _shown_texts(error: InputError) -> Texts:
    row = "" if error.row is None else str(error.row)
    return (error.source, row, field_text(error), message_text(error))


class ValidationErrorsModel(QAbstractTableModel):
    """Read-only rows of ``InputError``s; GUI thread only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._errors: tuple[InputError, ...] = ()
        self._order: list[int] = []
        self._texts: list[Texts] | None = None  # by error, in the current language

    # ----------------------------------------------------------------- data in
    def set_errors(self, errors: Iterable[InputError]) -> None:
        """Show ``errors`` in the given order (a reset: the set of rows changes)."""
        self.beginResetModel()
        self._errors = tuple(errors)
        self._order = list(range(len(self._errors)))
        self._texts = None
        self.endResetModel()

    def clear(self) -> None:
        self.set_errors(())

    def error(self, row: int) -> InputError:
        """The error shown at view row ``row``."""
        return self._errors[self._order[row]]

    @property
    def errors(self) -> tuple[InputError, ...]:
        """All errors in the order shown."""
        return tuple(self._errors[i] for i in self._order)

    def retranslate(self) -> None:
        self._texts = None
        last = self.columnCount() - 1
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, last)
        if self._errors:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._errors) - 1, last))

    def _shown(self) -> list[Texts]:
        if self._texts is None:
            self._texts = [_shown_texts(e) for e in self._errors]
        return self._texts

    # ----------------------------------------------------------------- Qt contract
    def rowCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._errors)

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN[index.column()]
        if role not in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return None
        text = self.cell_text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == 2:
                return header_tooltip(self.error(index.row())) or None
            return text if index.column() == 3 else None
        return text or _NO_PLACE

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == DISPLAY:
            return translate("ValidationErrors", COLUMNS[section][1])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN[section] if section != 1 else CENTER
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        sources = [(self._order[i.row()], i.column()) for i in persistent]
        shown = self._shown()

        def key(i: int) -> tuple[Any, ...]:
            if column == 1:  # missing rows (file-level problems) after numbered rows
                row = self._errors[i].row
                return (row is None, row or 0)
            return (shown[i][column].lower(),)

        # Stable: ties keep file order (source, then row) whatever the direction.
        self._order = sorted(
            range(len(self._errors)), key=key, reverse=order == Qt.SortOrder.DescendingOrder
        )
        position = {source: row for row, source in enumerate(self._order)}
        self.changePersistentIndexList(persistent, [self.index(position[s], c) for s, c in sources])
        self.layoutChanged.emit()

    # ----------------------------------------------------------------- text
    def cell_text(self, row: int, column: int) -> str:
        """Shown text of a cell ("" where the error names no file, row or field)."""
        return self._shown()[self._order[row]][column]

    def copy_text(self, rows: Sequence[int] | None = None, *, header: bool = True) -> str:
        """Rows (view order; all when None) as tab-separated lines, with a header line."""
        chosen = range(self.rowCount()) if rows is None else sorted(set(rows))
        lines = []
        if header:
            lines.append("\t".join(translate("ValidationErrors", c[1]) for c in COLUMNS))
        for row in chosen:
            cells = (self.cell_text(row, c).replace("\t", " ") for c in range(len(COLUMNS)))
            lines.append("\t".join(cells))
        return "\n".join(lines)
