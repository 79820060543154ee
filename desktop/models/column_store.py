"""Per-column storage of table models: plain numpy, categorical codes, masked integers.

A frame of ~1,000,000 position lines would cost a second to turn into object arrays
(one Python object per cell). Categorical columns (client, contract, product codes and
names) and nullable integers (a settlement price that may be missing) are kept as
their numpy parts instead; the model reads one cell at a time for the visible rows,
and sorts, filters and searches on whole arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


class CodedColumn:
    """``categories[codes[row]]``; a code of -1 is a missing value (None)."""

    def __init__(self, codes: npt.NDArray[np.integer[Any]], categories: npt.NDArray[Any]) -> None:
        self.codes = np.asarray(codes, dtype=np.int64)
        self.categories = categories

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, row: int) -> Any:
        code = self.codes[row]
        return None if code < 0 else self.categories[code]

    @property
    def missing(self) -> npt.NDArray[np.bool_]:
        return self.codes < 0

    def equals(self, value: Any) -> npt.NDArray[np.bool_]:
        hits = np.flatnonzero(self.categories == value)
        return np.isin(self.codes, hits) if len(hits) else np.zeros(len(self.codes), np.bool_)

    def per_category(self, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """``values`` (one per category) mapped onto the rows; rows with a missing value
        get ``values[0]`` (callers mask them with ``missing``)."""
        if not len(values):
            return np.zeros(len(self.codes), dtype=values.dtype)
        return values[np.where(self.codes < 0, 0, self.codes)]


class MaskedColumn:
    """Nullable integers as values and a missing mask (``data()`` gives None)."""

    def __init__(self, values: npt.NDArray[Any], mask: npt.NDArray[np.bool_]) -> None:
        self.values = values
        self.mask = mask

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, row: int) -> Any:
        return None if self.mask[row] else self.values[row].item()

    def equals(self, value: Any) -> npt.NDArray[np.bool_]:
        if value is None:
            return self.mask.copy()
        return np.asarray(~self.mask & (self.values == value), dtype=np.bool_)


Stored = npt.NDArray[Any] | CodedColumn | MaskedColumn


def store(series: pd.Series) -> Stored:
    """The storage of one frame column (raw values, never formatted)."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = np.asarray(series.cat.categories.astype(object), dtype=object)
        return CodedColumn(series.cat.codes.to_numpy(), cats)
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and not isinstance(
        dtype, pd.StringDtype
    ):
        array = series.array
        if isinstance(array, pd.arrays.IntegerArray | pd.arrays.BooleanArray):
            # pandas' masked arrays: values and mask without a per-row conversion
            values = np.asarray(array.to_numpy(dtype=series.dtype.type, na_value=0))
            return MaskedColumn(values, np.asarray(array.isna(), dtype=np.bool_))
        values = np.array(series.astype(object).to_numpy(), dtype=object)
        missing = pd.isna(values)
        if missing.any():
            values[missing] = None
        return values
    if pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
        return series.astype(object).to_numpy()
    return series.to_numpy()


def equals(stored: Stored, value: Any) -> npt.NDArray[np.bool_]:
    """Rows equal to ``value``."""
    if isinstance(stored, CodedColumn | MaskedColumn):
        return stored.equals(value)
    return np.asarray(stored == value, dtype=np.bool_)


def lower_text(series: pd.Series) -> pa.Array:
    """``series`` as lowercase Arrow strings ("" when missing), per row."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        if len(series.cat.categories) == 0:
            return pa.array([""] * len(series), type=pa.large_string())
        cats = pa.array(series.cat.categories.astype(str).to_list(), type=pa.large_string())
        text = pc.take(pc.utf8_lower(cats), pa.array(np.where(codes < 0, 0, codes)))
        return pc.if_else(pa.array(codes < 0), "", text)
    if pd.api.types.is_string_dtype(series.dtype) or pd.api.types.is_object_dtype(series.dtype):
        values = series.to_numpy(dtype=object, na_value="")
    else:
        values = series.astype(str).to_numpy(dtype=object)
    return pc.utf8_lower(pa.array(values, type=pa.large_string()))


def contains(keys: pa.Array, needle: str) -> npt.NDArray[np.bool_]:
    """Rows whose lowercase search key contains ``needle`` (already lowercase)."""
    return np.asarray(pc.match_substring(keys, needle).to_numpy(zero_copy_only=False), np.bool_)
