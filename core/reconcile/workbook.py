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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
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


@lru_cache(maxsize=8192)
def label(text: str) -> str:
    """A label or header as looked up: ``clean`` without any space or trailing colon
    (``客户 名称：`` → ``客户名称``). Cached: a statement repeats its labels."""
    return "".join(clean(text).split()).rstrip(":")


def _number_text(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return "#NUM!"
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def read_sheets(path: Path, wanted: Callable[[str], bool] | None = None) -> list[Sheet]:
    """The sheets of the workbook at ``path`` (.xls or .xlsx by its first bytes): every
    one, or those whose name ``wanted`` accepts (the others are not parsed)."""
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(OLE2_MAGIC):
        return list(_xls(path, wanted))
    if head.startswith(ZIP_MAGIC):
        return list(_xlsx(path, wanted))
    raise StatementFormatError(
        "not an Excel workbook (.xls or .xlsx): a CFMMC daily statement is one",
        source=path.name,
        field="file",
    )


def _xls(path: Path, wanted: Callable[[str], bool] | None) -> Iterator[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # noqa: BLE001 (xlrd raises many kinds for a damaged file)
        raise StatementFormatError(
            f"not a readable .xls workbook ({exc})", source=path.name, field="file"
        ) from None
    try:
        for index, name in enumerate(book.sheet_names()):
            if wanted is not None and not wanted(clean(name)):
                continue
            sh = book.sheet_by_index(index)
            rows = []
            for r in range(sh.nrows):
                out = []
                for kind, value in zip(sh.row_types(r), sh.row_values(r), strict=True):
                    if kind == xlrd.XL_CELL_TEXT:
                        out.append(clean(value))
                    elif kind == xlrd.XL_CELL_NUMBER:
                        out.append(_number_text(float(value)))
                    elif kind == xlrd.XL_CELL_DATE:
                        y, mo, d, *_ = xlrd.xldate_as_tuple(value, book.datemode)
                        out.append(f"{y:04d}-{mo:02d}-{d:02d}")
                    elif kind == xlrd.XL_CELL_BOOLEAN:
                        out.append("TRUE" if value else "FALSE")
                    elif kind == xlrd.XL_CELL_ERROR:
                        out.append("#ERR")
                    else:
                        out.append("")
                rows.append(out)
            book.unload_sheet(index)
            yield Sheet(clean(name), rows)
    finally:
        book.release_resources()


def _xlsx(path: Path, wanted: Callable[[str], bool] | None) -> Iterator[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds for a damaged file)
        raise StatementFormatError(
            f"not a readable .xlsx workbook ({exc})", source=path.name, field="file"
        ) from None
    try:
        for ws in book.worksheets:
            if wanted is not None and not wanted(clean(str(ws.title))):
                continue
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
