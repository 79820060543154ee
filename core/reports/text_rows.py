"""Lines of a text file built column-wise in numpy, without a Python string per cell.

A million-line CSV written through pandas or ``str.join`` makes a Python object per
cell and per line (about 3 s for the 950,000-line order list, issue #17). Here every
field of a chunk of lines is a byte matrix (one line per row, padded) with each line's
length; the fields are laid side by side, the padding is masked out and what is left
is the chunk's bytes, in one numpy pass. A field is a constant (``Constant``), a
code per line into a table of distinct texts (``Coded``: a column made once per
distinct value) or a non-negative integer in decimal (``Digits``); ``integer_fields``
and ``fen_fields`` give the text of signed integers and of exact yuan (integer fen →
``-1234.56``, as ``core.money.fen_to_str``) from int64 arrays with integer arithmetic
only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

U8Matrix = npt.NDArray[np.uint8]
IntArray = npt.NDArray[np.int64]
UIntArray = npt.NDArray[np.uint64]

CHUNK_BYTES = 8 << 20
"""Bytes of padded matrix per chunk: bounds the memory, and the time a chunk holds the
interpreter lock (a few milliseconds), whatever the row count."""


class Field(Protocol):
    """One field of every line."""

    @property
    def width(self) -> int:
        """The widest text of the field, in bytes."""
        ...

    def fill(self, start: int, stop: int, out: U8Matrix, keep: npt.NDArray[np.bool_]) -> None:
        """Lines ``start:stop``: their bytes into ``out`` (``stop - start`` × ``width``),
        and which of those bytes belong to the line into ``keep``."""
        ...


@dataclass(frozen=True)
class Constant:
    """The same bytes on every line."""

    text: bytes

    @property
    def width(self) -> int:
        return len(self.text)

    def fill(self, start: int, stop: int, out: U8Matrix, keep: npt.NDArray[np.bool_]) -> None:
        out[:] = np.frombuffer(self.text, dtype=np.uint8)
        keep[:] = True


@dataclass(frozen=True)
class Coded:
    """Line ``i`` holds ``texts[codes[i]]`` (a code of -1: the last text)."""

    table: U8Matrix
    lengths: IntArray
    codes: npt.NDArray[np.intp]
    _columns: IntArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_columns", np.arange(self.table.shape[1], dtype=np.int64))

    @classmethod
    def of(cls, texts: Sequence[bytes], codes: npt.NDArray[np.intp]) -> Coded:
        """The field of ``codes`` into ``texts`` (each already encoded)."""
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        return cls.packed(lengths, np.frombuffer(b"".join(texts), np.uint8), codes)

    @classmethod
    def packed(
        cls, lengths: IntArray, data: npt.NDArray[np.uint8], codes: npt.NDArray[np.intp]
    ) -> Coded:
        """The field of ``codes`` into texts given as their lengths and their bytes one
        after another (an Arrow string array's buffers, say)."""
        width = int(lengths.max(initial=0))
        table = np.zeros((lengths.size, width), dtype=np.uint8)
        table[np.arange(width) < lengths[:, None]] = data
        return cls(table, lengths, codes)

    @property
    def width(self) -> int:
        return int(self.table.shape[1])

    def fill(self, start: int, stop: int, out: U8Matrix, keep: npt.NDArray[np.bool_]) -> None:
        codes = self.codes[start:stop]
        out[:] = self.table[codes]
        np.less(self._columns, self.lengths[codes][:, None], out=keep)


@dataclass(frozen=True)
class Digits:
    """A non-negative integer in decimal, no leading zeros (``0`` for zero)."""

    values: UIntArray
    _width: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        top = int(self.values.max(initial=0))
        object.__setattr__(self, "_width", len(str(top)))

    @property
    def width(self) -> int:
        return self._width

    def fill(self, start: int, stop: int, out: U8Matrix, keep: npt.NDArray[np.bool_]) -> None:
        rest = self.values[start:stop].copy()
        w = self._width
        # Two digits a step through a table of "00" … "99": right-aligned.
        column = w
        while column >= 2:
            pair = _PAIRS[(rest % np.uint64(100)).astype(np.intp)]
            out[:, column - 2 : column] = pair
            rest //= np.uint64(100)
            column -= 2
        if column == 1:
            out[:, 0] = (rest % np.uint64(10)).astype(np.uint8) + ord("0")
        digits = np.searchsorted(_POWERS[1:w], self.values[start:stop], side="right") + 1
        np.greater_equal(_COLUMNS[:w], (w - digits)[:, None], out=keep)


@dataclass(frozen=True)
class IfPresent:
    """``fields`` on the lines where ``present`` is true, nothing on the others (an
    XLSX cell, reference and value, or no cell at all)."""

    fields: tuple[Field, ...]
    present: npt.NDArray[np.bool_]

    @property
    def width(self) -> int:
        return sum(f.width for f in self.fields)

    def fill(self, start: int, stop: int, out: U8Matrix, keep: npt.NDArray[np.bool_]) -> None:
        left = 0
        for f in self.fields:
            right = left + f.width
            if right > left:
                f.fill(start, stop, out[:, left:right], keep[:, left:right])
            left = right
        keep &= self.present[start:stop, None]


_PAIRS: U8Matrix = np.frombuffer(
    "".join(f"{i:02d}" for i in range(100)).encode(), dtype=np.uint8
).reshape(100, 2)
_POWERS: UIntArray = np.array([10**k for k in range(20)], dtype=np.uint64)
_COLUMNS: IntArray = np.arange(20, dtype=np.int64)
_SIGN = Coded.of([b"", b"-"], np.zeros(0, dtype=np.intp))


def magnitude(
    values: npt.NDArray[np.signedinteger] | npt.NDArray[np.unsignedinteger],
) -> tuple[npt.NDArray[np.bool_], UIntArray]:
    """(is negative, |value|) of an integer array, exact for every int64 (|−2⁶³| is a
    uint64)."""
    if values.dtype.kind == "u":
        return np.zeros(values.shape, dtype=np.bool_), values.astype(np.uint64)
    signed = values.astype(np.int64)
    negative = signed < 0
    wrapped = signed.astype(np.uint64)  # two's complement: −v is 2⁶⁴ − v modulo 2⁶⁴
    return negative, np.where(negative, np.uint64(0) - wrapped, wrapped)


def _sign(negative: npt.NDArray[np.bool_]) -> Coded:
    return Coded(_SIGN.table, _SIGN.lengths, negative.astype(np.intp))


def integer_fields(
    values: npt.NDArray[np.signedinteger] | npt.NDArray[np.unsignedinteger],
) -> list[Field]:
    """An integer as ``str(int(v))``: a minus sign when negative, then its digits."""
    negative, size = magnitude(values)
    return [_sign(negative), Digits(size)]


def fen_fields(
    values: npt.NDArray[np.signedinteger] | npt.NDArray[np.unsignedinteger], suffix: bytes = b""
) -> list[Field]:
    """Integer hundredths as text with two decimals: ``-1234.56`` for −123456, then
    ``suffix`` (``core.money.fen_to_str``; with ``b"%"``, ``bp_to_str`` of basis
    points). Integer division of the magnitude: no float, exact to the last digit."""
    negative, size = magnitude(values)
    whole, cents = np.divmod(size, np.uint64(100))
    fields: list[Field] = [
        _sign(negative),
        Digits(whole),
        Constant(b"."),
        Coded(_HUNDREDTHS.table, _HUNDREDTHS.lengths, cents.astype(np.intp)),
    ]
    if suffix:
        fields.append(Constant(suffix))
    return fields


_HUNDREDTHS = Coded.of([f"{i:02d}".encode() for i in range(100)], np.zeros(0, dtype=np.intp))


def text_lines(
    fields: Sequence[Field], rows: int, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[bytes]:
    """The bytes of lines ``0 … rows − 1`` (each the fields in order, with whatever
    separators and line ends the fields hold), a chunk of lines at a time."""
    widths = [f.width for f in fields]
    total = sum(widths)
    step = max(1, min(rows, chunk_bytes // max(total, 1)))
    bounds = np.cumsum([0, *widths]).tolist()
    for start in range(0, rows, step):
        stop = min(start + step, rows)
        out = np.empty((stop - start, total), dtype=np.uint8)
        keep = np.empty((stop - start, total), dtype=np.bool_)
        for f, left, right in zip(fields, bounds, bounds[1:], strict=False):
            if right > left:
                f.fill(start, stop, out[:, left:right], keep[:, left:right])
        yield out[keep].tobytes()
