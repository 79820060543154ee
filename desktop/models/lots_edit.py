"""Tables whose rows stay while their values change, and the one cell the desk edits.

``RefreshableFrameModel.refresh_values`` shows new figures of the same rows without a
model reset, so a selection and an open editor survive a recomputation (the forced-close
screen reviews a hand edit and repaints the client's figures). ``LotsEditModel`` makes
one whole-lots column editable (Qt's editable-model contract:
https://doc.qt.io/qt-6/model-view-programming.html#an-editable-model): ``setData``
takes a whole number from 0 to the row's held lots, anything else is refused with a
message naming the field (``edit_refused``) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush

from desktop.i18n import translate
from desktop.models import column_store as cs
from desktop.models.column_model import AnyIndex
from desktop.models.columns import Column
from desktop.models.frame_table import TintedFrameModel

_EDIT = Qt.ItemDataRole.EditRole


class RefreshableFrameModel(TintedFrameModel):
    """A ``TintedFrameModel`` that can show new values of the same rows in place."""

    def refresh_values(self, frame: pd.DataFrame) -> None:
        """Show ``frame``: the same rows in the same order with new values. Repaints
        every cell (``dataChanged``) instead of resetting, so the selection, the current
        index and an open editor stay; the sort order is not recomputed. ValueError for
        another number of rows."""
        if len(frame) != len(self._frame):
            raise ValueError(f"{len(frame)} rows for a table of {len(self._frame)}")
        self._frame = frame
        self._flags = frame[self._flag_key].tolist() if self._flag_key in frame else []
        self._arrays = {k: cs.store(frame[k]) for k in self._arrays if k in frame.columns}
        self._search = None
        if len(frame):
            last = self.index(self.rowCount() - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)


class LotsEditModel(RefreshableFrameModel):
    """Rows with one editable whole-lots column ``edit_key`` bounded by ``max_key``.

    ``lots_edited(source_row, lots)`` follows an accepted edit (the cell shows it at
    once); ``edit_refused(message)`` a refused one. The editor is a text field (the
    edit role is text), so what the user types reaches ``setData`` and a bad entry is
    answered with a message rather than silently clamped. ``refusal`` is that
    message's source text in the catalogue ``context`` (marked where it is written):
    %1 the column's title, %2 the line (``label_keys``' shown values), %3 what was
    typed, %4 the lots held.
    """

    lots_edited = Signal(int, int)
    edit_refused = Signal(str)

    def __init__(
        self,
        columns: Sequence[Column],
        parent: QObject | None = None,
        *,
        edit_key: str,
        max_key: str,
        label_keys: Sequence[str],
        context: str,
        refusal: str,
        flag_key: str,
        tints: Mapping[Any, QBrush],
        tint_columns: Collection[str] | None = None,
    ) -> None:
        super().__init__(columns, parent, flag_key=flag_key, tints=tints, tint_columns=tint_columns)
        self._edit_key = edit_key
        self._max_key = max_key
        self._label_keys = tuple(label_keys)
        self._context = context
        self._refusal = refusal

    @property
    def edit_column(self) -> int:
        return self.column_of(self._edit_key)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.edit_column:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == _EDIT:
            if not index.isValid() or index.column() != self.edit_column:
                return None
            return str(self.raw_value(index.row(), self._edit_key))
        return super().data(index, role)

    def setData(self, index: AnyIndex, value: Any, role: int = _EDIT) -> bool:
        if role != _EDIT or not index.isValid() or index.column() != self.edit_column:
            return False
        row = index.row()
        held = int(self.raw_value(row, self._max_key))
        lots = _whole_lots(value)
        if lots is None or not 0 <= lots <= held:
            shown = (self.index(row, self.column_of(k)).data() for k in self._label_keys)
            line = " ".join(str(text) for text in shown)
            message = (
                translate(self._context, self._refusal)
                .replace("%1", self.columns[self.edit_column].title())
                .replace("%2", line)
                .replace("%3", str(value).strip())
                .replace("%4", f"{held:,}")
            )
            self.edit_refused.emit(message)
            return False
        if lots == int(self.raw_value(row, self._edit_key)):
            return True
        source = self.source_row(row)
        values = self._frame[self._edit_key].to_numpy(dtype=np.int64, copy=True)
        values[source] = lots
        self._frame = self._frame.assign(**{self._edit_key: values})
        self._arrays[self._edit_key] = cs.store(self._frame[self._edit_key])
        self.dataChanged.emit(index, index)
        self.lots_edited.emit(source, lots)
        return True

    def edited_lots(self) -> list[int]:
        """The edit column of every source row, in source order."""
        return [int(v) for v in self._frame[self._edit_key].tolist()]


def _whole_lots(value: Any) -> int | None:
    """A whole number of lots from an editor's value: an int, or text of decimal digits
    only (full-width digits too, as a Chinese input method may type them); None for
    anything else (signs, decimals, separators, letters)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        return int(text) if text.isdecimal() else None
    return None
