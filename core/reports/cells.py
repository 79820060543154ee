"""Spreadsheet cells that stay data: no formula injection through CSV or XLSX exports.

A client code ``=1+1``, ``+cmd|'/C calc'!A0`` or ``@SUM(A1:A9)`` written as-is becomes
a live formula when the file is opened in a spreadsheet (issue #13). The OWASP rule
(CSV injection): a text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or
carriage return (we add line feed) is written as text — in CSV with a leading
apostrophe, which spreadsheets read as "this is text" and do not show; in XLSX as a
string cell with Excel's quote-prefix flag, never as a formula. Numbers stay numbers:
an int is never touched, and neither is a text that is a plain number (``-1,234.56``,
``-5.00%``, the exports' exact yuan strings), which no spreadsheet evaluates; the text
``-1+1`` is escaped.

Every CSV and XLSX writer goes through here: ``core.reports.export`` (tables) and
``core.reports.statements`` (statements).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.safe_text import escape_controls

ObjArray = npt.NDArray[np.object_]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters that make a spreadsheet read a cell as a formula (OWASP, plus LF)."""

_PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d+)?|\.\d+)%?")


def is_formula_text(value: object) -> bool:
    """Whether ``value`` is text a spreadsheet would evaluate: it starts with a trigger
    and is not a plain number."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_TRIGGERS)
        and _PLAIN_NUMBER.fullmatch(value) is None
    )


def csv_cell(value: Any) -> Any:
    """``value`` for a CSV cell: formula-like text gets a leading apostrophe; anything
    else (numbers, plain-number text, None) is returned unchanged."""
    return "'" + value if is_formula_text(value) else value


def append_row(sheet: Any, values: Iterable[Any]) -> int:
    """Append ``values`` to an openpyxl worksheet as data; returns the row number.

    Every ``str`` is a string cell (openpyxl would make ``=…`` a formula), and
    formula-like text also gets the quote prefix, so that Excel keeps it text even
    when the cell is edited. The text itself is written unchanged, except control
    characters XML cannot hold (openpyxl would refuse the whole file), which are
    written as visible escapes (``\x1b``).
    """
    cells = [_xml_safe(v) for v in values]
    sheet.append(cells)
    row = int(sheet.max_row)
    for column, value in enumerate(cells, start=1):
        if isinstance(value, str):
            cell = sheet.cell(row=row, column=column)
            cell.data_type = "s"
            if is_formula_text(value):
                cell.quotePrefix = True
    return row


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # as openpyxl's check


def _xml_safe(value: Any) -> Any:
    if isinstance(value, str) and _XML_ILLEGAL.search(value):
        return escape_controls(value)
    return value


def xml_safe(value: Any) -> Any:
    """``value`` with the control characters XML cannot hold written as visible escapes
    (``\x1b``); anything else unchanged."""
    return _xml_safe(value)


_type_of = np.frompyfunc(type, 1, 1)


def map_distinct(values: Any, fn: Callable[[Any], Any]) -> ObjArray:
    """``[fn(v) for v in values]`` as an object array, calling ``fn`` once per distinct
    value of each type (a million-line export holds few distinct codes and amounts).

    ``fn`` must be pure. Values are grouped by type first, so that ``True`` and ``1`` or
    ``1`` and ``1.0`` (equal, and hashed alike) each get their own result; a missing
    value (None, NaN, NA, NaT) is passed to ``fn`` as it is.
    """
    codes, results = distinct_codes(values, fn)
    out: ObjArray = results[codes]
    return out


def distinct_codes(values: Any, fn: Callable[[Any], Any]) -> tuple[npt.NDArray[np.intp], ObjArray]:
    """``(codes, results)`` with ``results[codes]`` equal to ``[fn(v) for v in values]``,
    ``fn`` called once per distinct value of each type (as ``map_distinct``).

    ``values``: an array, a list, or a Series (whose numbers are passed to ``fn`` as
    Python numbers, and its other values as ``Series.tolist`` gives them: Timestamps,
    category values; its missing values as the Series holds them).
    """
    if isinstance(values, pd.Series):
        if isinstance(values.dtype, np.dtype) and values.dtype.kind in "biufO":
            return distinct_codes(values.to_numpy(), fn)
        codes, uniques = values.factorize()
        done = [fn(v) for v in uniques.tolist()]
        missing = np.flatnonzero(codes < 0)
        if len(missing):
            done.append(fn(values.iloc[int(missing[0])]))
        return _coded(np.asarray(codes, dtype=np.intp), done)
    column = values if isinstance(values, np.ndarray) else _objects(values)
    n = len(column)
    if n == 0:
        return np.zeros(0, dtype=np.intp), np.empty(0, dtype=object)
    if column.dtype != object:
        return _distinct(column, fn)
    types: ObjArray = np.asarray(_type_of(column), dtype=object)
    kind_codes, kinds = pd.factorize(types)
    if len(kinds) == 1:
        return _distinct(column, fn)
    codes = np.empty(n, dtype=np.intp)
    tables: list[ObjArray] = []
    offset = 0
    for k in range(len(kinds)):
        idx = np.flatnonzero(kind_codes == k)
        part, table = _distinct(column[idx], fn)
        codes[idx] = part + offset
        tables.append(table)
        offset += len(table)
    return codes, np.concatenate(tables)


def _objects(values: Any) -> ObjArray:
    out: ObjArray = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _coded(codes: npt.NDArray[np.intp], done: list[Any]) -> tuple[npt.NDArray[np.intp], ObjArray]:
    """Codes with −1 (missing) turned into the index of ``done``'s last entry (the
    result of the missing value, present when one is)."""
    table: ObjArray = np.empty(len(done), dtype=object)
    table[:] = done
    return np.where(codes < 0, len(done) - 1, codes).astype(np.intp), table


def _distinct(values: Any, fn: Callable[[Any], Any]) -> tuple[npt.NDArray[np.intp], ObjArray]:
    try:
        codes, uniques = pd.factorize(values)
    except TypeError:  # unhashable values: one call each
        table: ObjArray = np.empty(len(values), dtype=object)
        table[:] = [fn(v) for v in values.tolist()]
        return np.arange(len(values), dtype=np.intp), table
    done = [fn(v) for v in np.asarray(uniques, dtype=object).tolist()]
    missing = np.flatnonzero(codes < 0)
    if len(missing):
        done.append(fn(values[missing[0]]))
    return _coded(np.asarray(codes, dtype=np.intp), done)
