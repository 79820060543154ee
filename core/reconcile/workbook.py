"""Spreadsheet sheets as rows of text cells, for the statement readers.

A CFMMC daily statement comes as ``.xls`` (BIFF8, read with xlrd); a copy saved again
in Excel may be ``.xlsx`` (read with openpyxl in read-only mode, row by row). Both
become the same thing: per sheet, rows of cell texts. Numbers keep their exact decimal
text: a number cell holds a binary double, whose shortest representation (``repr``) is
the decimal the writer meant (two decimals for money, three for prices), turned into
text without an exponent and never summed as a float. Dates become ``YYYY-MM-DD``.
Text is NFKC-normalised (full-width digits, colons, slashes and spaces become their
ASCII forms) and stripped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from core.reconcile.statements import StatementFormatError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name and its rows (0-based here; errors say row + 1)."""

    name: str
    rows: list[list[str]]


def clean(text: str) -> str:
    """Cell text as compared: NFKC (full-width forms to ASCII), no-break spaces to spaces,
    stripped."""
    return unicodedata.normalize("NFKC", text).replace("\xa0", " ").strip()


def label(text: str) -> str:
    """A label or header as looked up: ``clean`` without any space or trailing colon
    (``客户 名称：`` → ``客户名称``)."""
    return "".join(clean(text).split()).rstrip(":")


def _number_text(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return "#NUM!"
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of the workbook at ``path`` (.xls or .xlsx by its first bytes)."""
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(OLE2_MAGIC):
        return list(_xls(path))
    if head.startswith(ZIP_MAGIC):
        return list(_xlsx(path))
    raise StatementFormatError(
        "not an Excel workbook (.xls or .xlsx): a CFMMC daily statement is one",
        source=path.name,
        field="file",
    )


def _xls(path: Path) -> Iterator[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # noqa: BLE001 (xlrd raises many kinds for a damaged file)
        raise StatementFormatError(
            f"not a readable .xls workbook ({exc})", source=path.name, field="file"
        ) from None
    try:
        for index, name in enumerate(book.sheet_names()):
            sh = book.sheet_by_index(index)
            rows = []
            for r in range(sh.nrows):
                out = []
                for cell in sh.row(r):
                    kind = cell.ctype
                    if kind == xlrd.XL_CELL_TEXT:
                        out.append(clean(cell.value))
                    elif kind == xlrd.XL_CELL_NUMBER:
                        out.append(_number_text(float(cell.value)))
                    elif kind == xlrd.XL_CELL_DATE:
                        y, mo, d, *_ = xlrd.xldate_as_tuple(cell.value, book.datemode)
                        out.append(f"{y:04d}-{mo:02d}-{d:02d}")
                    elif kind == xlrd.XL_CELL_BOOLEAN:
                        out.append("TRUE" if cell.value else "FALSE")
                    elif kind == xlrd.XL_CELL_ERROR:
                        out.append("#ERR")
                    else:
                        out.append("")
                rows.append(out)
            book.unload_sheet(index)
            yield Sheet(clean(name), rows)
    finally:
        book.release_resources()


def _xlsx(path: Path) -> Iterator[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds for a damaged file)
        raise StatementFormatError(
            f"not a readable .xlsx workbook ({exc})", source=path.name, field="file"
        ) from None
    try:
        for ws in book.worksheets:
            rows = []
            for values in ws.iter_rows(values_only=True):
                rows.append([_cell_text(v) for v in values])
            yield Sheet(clean(str(ws.title)), rows)
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return clean(str(value))
