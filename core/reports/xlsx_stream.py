"""A one-sheet XLSX table written column-wise, fast enough for a million lines.

openpyxl builds a Python object per cell (about a minute for a 950,000-line order list,
issue #17). Here each column is factorised: the XML of a cell is made once per
distinct value (a shared string index, a number, a boolean), integer columns are
written in numpy, and the rows are assembled from those pieces as byte matrices
(``core.reports.text_rows``), a chunk of rows at a time, into the zip stream. Cells
follow ``core.reports.cells``: every text is a shared string (never a formula), control
characters XML cannot hold are written as visible escapes, and formula-like text gets
the quote-prefix style (Excel keeps it text when edited). Numbers stay numbers, booleans
booleans; missing values leave the cell empty.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.reports.cells import distinct_codes, is_formula_text, xml_safe
from core.reports.text_rows import (
    Coded,
    Constant,
    Digits,
    Field,
    IfPresent,
    integer_fields,
    text_lines,
)

ObjArray = npt.NDArray[np.object_]

CHUNK_ROWS = 50_000
"""Rows turned into XML at a time (bounds the memory of the text being built, and how
long a chunk holds the interpreter lock)."""
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{REL_NS}/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
# Style 0: plain; style 1: quote prefix (text that looks like a formula stays text).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{MAIN_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(index: int) -> str:
    """A, B, …, Z, AA, … for 0, 1, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class SharedStrings:
    """The shared-string table: each distinct text once, in order of first use."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.uses = 0

    def add(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.index)
        return found

    def xml(self) -> bytes:
        items = "".join(f"<si>{_text_element(t)}</si>" for t in self.index)
        head = f'<sst xmlns="{MAIN_NS}" count="{self.uses}" uniqueCount="{len(self.index)}">'
        return (_DECL + head + items + "</sst>").encode("utf-8")


_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _text_element(text: str) -> str:
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f"<t{space}>{escape(text)}</t>"


def cell_tail(value: Any, strings: SharedStrings) -> str | None:
    """The XML of a cell after its reference (``r="B7"``), or None for an empty cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return f' t="b"><v>{int(bool(value))}</v></c>'
    if isinstance(value, int | np.integer):
        return f"><v>{int(value)}</v></c>"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None
        if math.isfinite(value):
            return f"><v>{float(value)!r}</v></c>"
    text = xml_safe(str(value))
    if not text:  # as openpyxl: an empty text is an empty cell
        return None
    style = ' s="1"' if is_formula_text(text) else ""
    return f'{style} t="s"><v>{strings.add(text)}</v></c>'


@dataclass(frozen=True)
class SheetColumn:
    """One column's cells: row ``i`` is ``tails[codes[i]]`` (the XML of a cell after its
    reference, ``cell_tail``; None: no cell), or, with ``integers``, a number cell of
    ``integers[i]`` on every row (formatted in numpy)."""

    codes: npt.NDArray[np.intp] | None = None
    tails: tuple[str | None, ...] = ()
    integers: npt.NDArray[Any] | None = None

    def string_cells(self) -> int:
        """How many of its cells are shared strings."""
        if self.codes is None or not self.tails:
            return 0
        is_text = np.array([t is not None and 't="s"' in t for t in self.tails], dtype=np.int64)
        return int(np.bincount(self.codes, minlength=len(self.tails)) @ is_text)


def tail_column(values: Any, strings: SharedStrings) -> SheetColumn:
    """The cells of ``values`` (``cell_tail`` once per distinct value, in the order of
    first use, so the shared strings are numbered as the rows meet them)."""
    codes, tails = distinct_codes(values, lambda v: cell_tail(v, strings))
    return SheetColumn(codes, tuple(tails.tolist()))


def write_xlsx(
    frame: pd.DataFrame,
    target: Path,
    *,
    sheet: str = "report",
    widths: Sequence[float] | None = None,
) -> Path:
    """Write ``frame`` (header row from its column names) as one sheet of ``target``."""
    strings = SharedStrings()
    header = [cell_tail(str(c), strings) for c in frame.columns]
    columns: list[SheetColumn] = []
    for column in frame.columns:
        series = frame[column]
        plain = isinstance(series.dtype, np.dtype) and series.dtype.kind in "biuf"
        values = series.to_numpy() if plain else series.to_numpy(dtype=object)
        columns.append(tail_column(values, strings))
    return write_sheet(header, columns, len(frame), target, strings, sheet=sheet, widths=widths)


def write_sheet(
    header: Sequence[str | None],
    columns: Sequence[SheetColumn],
    rows: int,
    target: Path,
    strings: SharedStrings,
    *,
    sheet: str = "report",
    widths: Sequence[float] | None = None,
) -> Path:
    """Write the sheet: the header cells (``cell_tail``s), then ``rows`` rows of
    ``columns``, assembled column-wise (``core.reports.text_rows``) a chunk of rows at
    a time into the zip stream; ``strings`` holds every shared string the cells use."""
    strings.uses = sum(1 for t in header if t and 't="s"' in t)
    strings.uses += sum(c.string_cells() for c in columns)
    letters = [column_letter(i) for i in range(len(columns))]
    cols = ""
    if widths:
        cols = (
            "<cols>"
            + "".join(
                f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                for i, w in enumerate(widths, start=1)
            )
            + "</cols>"
        )
    last = f"{letters[-1] if letters else 'A'}{rows + 1}"
    head = (
        f'{_DECL}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f'<dimension ref="A1:{last}"/>{cols}<sheetData>'
    )
    fields = _row_fields(columns, letters, rows)
    chunk = CHUNK_ROWS * max(1, sum(f.width for f in fields))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(head.encode("utf-8"))
            pairs = zip(letters, header, strict=True)
            first = "".join(f'<c r="{letter}1"{tail}' for letter, tail in pairs if tail)
            out.write(f'<row r="1">{first}</row>'.encode())
            for part in text_lines(fields, rows, chunk):
                out.write(part)
            out.write(b"</sheetData></worksheet>")
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr(
            "xl/workbook.xml",
            f'{_DECL}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
            f'<sheet name={quoteattr(sheet[:31])} sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        book.writestr("xl/sharedStrings.xml", strings.xml())
    return target


def _row_fields(columns: Sequence[SheetColumn], letters: list[str], rows: int) -> list[Field]:
    """``<row r="N">`` + each present cell ``<c r="BN"`` + its tail + ``</row>``."""
    number = Digits(np.arange(2, rows + 2, dtype=np.uint64))
    fields: list[Field] = [Constant(b'<row r="'), number, Constant(b'">')]
    for letter, column in zip(letters, columns, strict=True):
        reference = (Constant(f'<c r="{letter}'.encode()), number)
        if column.integers is not None:
            fields += [*reference, Constant(b'"><v>'), *integer_fields(column.integers)]
            fields.append(Constant(b"</v></c>"))
            continue
        assert column.codes is not None
        texts = [b"" if t is None else f'"{t}'.encode() for t in column.tails]
        present = np.array([t is not None for t in column.tails], dtype=np.bool_)
        cell = (*reference, Coded.of(texts, column.codes))
        if present.all():
            fields += cell
        else:
            fields.append(IfPresent(cell, present[column.codes]))
    fields.append(Constant(b"</row>"))
    return fields
