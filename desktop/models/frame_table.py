"""A table model over a pandas DataFrame: numpy sorting, precomputed text filter.

The Qt contract (headers, roles, sort with persistent indexes) is
``column_model.ColumnTableModel``'s; this module says where the values live. Raw values
are kept per column as numpy arrays, categorical codes or masked integers
(``column_store``); ``data()`` formats only the visible cells and never touches the
database. ``sort()`` orders the rows with ``numpy.argsort`` on the raw column
(categories ranked once) inside ``layoutAboutToBeChanged``/``layoutChanged`` (no
Python ``lessThan``). Filtering matches a lowercase Arrow key column built once per
frame (``pyarrow.compute``), and resets the model because the set of rows changes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush

from desktop.models import column_store as cs
from desktop.models.column_model import (
    ABSENT,
    RAW_ROLE,
    AnyIndex,
    ColumnTableModel,
    SortKeys,
)
from desktop.models.columns import Column, Kind, is_missing

__all__ = ["RAW_ROLE", "AnyIndex", "FrameTableModel", "TintedFrameModel"]

_BACKGROUND = Qt.ItemDataRole.BackgroundRole


class FrameTableModel(ColumnTableModel):
    """Read-only rows of a DataFrame shown through ``Column`` specs.

    ``filter_keys`` are the frame columns matched by ``set_text_filter`` (case
    insensitive substring). ``set_value_filter(key, value)`` keeps rows whose ``key``
    equals ``value``, ``set_minimum_filter(key, value)`` those whose numeric ``key`` is
    at least ``value`` (None removes either filter). GUI thread only.
    """

    def __init__(
        self,
        columns: Sequence[Column],
        parent: QObject | None = None,
        *,
        filter_keys: Sequence[str] = (),
    ) -> None:
        super().__init__(columns, parent)
        self._filter_keys = tuple(filter_keys)
        self._frame = pd.DataFrame()
        self._arrays: dict[str, cs.Stored] = {}
        self._search: Any = None  # lowercase Arrow search keys, built on first use
        self._text = ""
        self._value_filters: dict[str, Any] = {}
        self._minimum_filters: dict[str, Any] = {}

    # ----------------------------------------------------------------- data in
    @property
    def frame(self) -> pd.DataFrame:
        return self._frame

    def set_frame(self, frame: pd.DataFrame) -> None:
        """Show ``frame`` (it is not copied: callers hand over a frame they no longer change).

        Keeps the current sort and filters. Resets the model.
        """
        self.beginResetModel()
        self._frame = frame
        keys = (
            {c.key for c in self._columns}
            | {c.key_en for c in self._columns if c.key_en}
            | set(self._filter_keys)
            | set(self._value_filters)
            | set(self._minimum_filters)
        )
        self._arrays = {k: cs.store(frame[k]) for k in keys if k in frame.columns}
        self._search = None  # built on the first text filter (``_search_keys``)
        self._resort()
        self._mask = self._filter_mask()
        self._col_mask = self._column_mask()
        self._set_shown()
        self.endResetModel()

    # ----------------------------------------------------------------- cells
    def _cell(self, source_row: int, column: int, raw: bool) -> Any:
        spec = self._columns[column]
        array = self._arrays.get(spec.key if raw else spec.display_key())
        return ABSENT if array is None else array[source_row]

    def _filter_array(self, column: int) -> cs.Stored | None:
        # Text columns by what is shown (the English name in English), others raw.
        spec = self._columns[column]
        return self._arrays.get(spec.display_key() if spec.kind == Kind.TEXT else spec.key)

    # ----------------------------------------------------------------- sorting
    def _sort_values(self, column: int) -> SortKeys:
        spec = self._columns[column]
        key = spec.display_key() if spec.kind == Kind.TEXT else spec.key
        raw = self._arrays.get(key, np.empty(len(self._frame), dtype=object))
        if isinstance(raw, cs.CodedColumn):
            # Rank the categories once; rows sort by their category's rank.
            cats = raw.categories
            if spec.kind == Kind.ENUM:
                labels = np.array([spec.format(v) for v in cats], dtype=object)
            else:
                labels = np.array([str(v).lower() for v in cats], dtype=object)
            rank = np.empty(len(cats), dtype=np.int64)
            rank[np.argsort(labels, kind="stable")] = np.arange(len(cats), dtype=np.int64)
            return raw.per_category(rank), raw.missing
        if isinstance(raw, cs.MaskedColumn):
            return raw.values, raw.mask
        if raw.dtype == object:
            missing = np.fromiter((is_missing(v) for v in raw), dtype=bool, count=len(raw))
            if spec.is_numeric:
                values = np.array(
                    [0 if m else v for v, m in zip(raw, missing, strict=True)],
                    dtype=np.float64 if spec.kind == Kind.RATIO else np.int64,
                )
            elif spec.kind == Kind.ENUM:
                values = np.array([spec.format(v) for v in raw], dtype=object)
            else:
                values = np.array(
                    ["" if m else str(v).lower() for v, m in zip(raw, missing, strict=True)],
                    dtype=object,
                )
            return values, missing
        if raw.dtype.kind == "f":
            return raw, np.isnan(raw)
        if spec.kind == Kind.ENUM and not spec.ordered:
            return np.array([spec.format(v) for v in raw], dtype=object), np.zeros(
                len(raw), dtype=bool
            )
        return raw, np.zeros(len(raw), dtype=bool)

    # ----------------------------------------------------------------- filtering
    def set_text_filter(self, text: str) -> None:
        """Keep rows whose filter keys contain ``text`` (case-insensitive; "" = all)."""
        text = text.strip().lower()
        if text != self._text:
            self._text = text
            self._refilter()

    def set_value_filter(self, key: str, value: Any | None) -> None:
        """Keep rows whose column ``key`` equals ``value``; None removes the filter."""
        self._set_filter(self._value_filters, key, value)

    def set_minimum_filter(self, key: str, value: Any | None) -> None:
        """Keep rows whose numeric column ``key`` is ``value`` or more (e.g. a risk level
        "warning or worse"); None removes the filter."""
        self._set_filter(self._minimum_filters, key, value)

    def _set_filter(self, filters: dict[str, Any], key: str, value: Any | None) -> None:
        """Set (or with None remove) ``filters[key]`` and filter again if it changed."""
        if value is None:
            if filters.pop(key, None) is None:
                return
        else:
            if key not in self._arrays and key in self._frame.columns:
                self._arrays[key] = cs.store(self._frame[key])
            filters[key] = value
        self._refilter()

    def _filter_mask(self) -> npt.NDArray[np.bool_] | None:
        """Source rows passing the filters; None when there is no filter."""
        if not self._text and not self._value_filters and not self._minimum_filters:
            return None
        mask = np.ones(len(self._frame), dtype=bool)
        if self._text:
            mask &= cs.contains(self._search_keys(), self._text)
        for key, value in self._value_filters.items():
            array = self._arrays.get(key)
            if array is not None:
                mask &= cs.equals(array, value)
        for key, value in self._minimum_filters.items():
            array = self._arrays.get(key)
            if isinstance(array, np.ndarray):
                mask &= array >= value
        return mask

    def _search_keys(self) -> Any:
        """Lowercase filter keys of every source row joined by \\x1f, as Arrow strings
        (built once per frame, when a text filter is first applied: most frames are
        never searched)."""
        if self._search is None:
            frame, n = self._frame, len(self._frame)
            parts = [cs.lower_text(frame[k]) for k in self._filter_keys if k in frame.columns]
            if parts and n:
                separator = pa.scalar("\x1f", type=pa.large_string())
                self._search = pc.binary_join_element_wise(*parts, separator)
            else:
                self._search = pa.array([""] * n, type=pa.large_string())
        return self._search

    def _refilter(self) -> None:
        self.beginResetModel()
        self._mask = self._filter_mask()
        self._set_shown()
        self.endResetModel()

    # ----------------------------------------------------------------- reading back
    @property
    def total_rows(self) -> int:
        return len(self._frame)

    def raw_value(self, view_row: int, key: str) -> Any:
        """Raw value of frame column ``key`` (shown or not) at ``view_row``."""
        value = self._arrays[key][self.source_row(view_row)]
        return value.item() if isinstance(value, np.generic) else value


class TintedFrameModel(FrameTableModel):
    """A ``FrameTableModel`` that paints cell backgrounds from a flag column.

    ``flag_key`` names a frame column; ``tints`` maps its values to brushes;
    ``tint_columns`` limits the tint to those column keys (None: the whole row).
    The brushes reach the screen through ``DataTableView``'s delegate.
    """

    def __init__(
        self,
        columns: Sequence[Column],
        parent: QObject | None = None,
        *,
        flag_key: str,
        tints: Mapping[Any, QBrush],
        tint_columns: Collection[str] | None = None,
        filter_keys: Sequence[str] = (),
    ) -> None:
        super().__init__(columns, parent, filter_keys=filter_keys)
        self._flag_key = flag_key
        self._tints = dict(tints)
        self._tint_columns = None if tint_columns is None else frozenset(tint_columns)
        self._flags: list[Any] = []

    def set_frame(self, frame: pd.DataFrame) -> None:
        self._flags = frame[self._flag_key].tolist() if self._flag_key in frame else []
        super().set_frame(frame)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != _BACKGROUND:
            return super().data(index, role)
        if not index.isValid() or not self._flags:
            return None
        if self._tint_columns is not None and (
            self.columns[index.column()].key not in self._tint_columns
        ):
            return None
        return self._tints.get(self._flags[self.source_row(index.row())])

    def flag(self, view_row: int) -> Any:
        return self._flags[self.source_row(view_row)]
