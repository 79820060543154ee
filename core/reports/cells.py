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
from collections.abc import Iterable
from typing import Any

from core.safe_text import escape_controls

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
