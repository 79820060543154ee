"""A one-sheet XLSX table written column-wise, fast enough for a million lines.

openpyxl builds a Python object per cell (about a minute for a 950,000-line order list,
issue #17). Here each column is factorised: the XML of a cell is made once per
distinct value (a shared string index, a number, a boolean) and the rows are joined
from those pieces with numpy, a chunk of rows at a time, into the zip stream. Cells
follow ``core.reports.cells``: every text is a shared string (never a formula), control
characters XML cannot hold are written as visible escapes, and formula-like text gets
the quote-prefix style (Excel keeps it text when edited). Numbers stay numbers, booleans
booleans; missing values leave the cell empty.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.reports.cells import is_formula_text, map_distinct, xml_safe

ObjArray = npt.NDArray[np.object_]

CHUNK_ROWS = 50_000
"""Rows turned into XML at a time (bounds the memory of the text being built)."""
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


class _Strings:
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


def _cell_tail(value: Any, strings: _Strings) -> str | None:
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


def write_xlsx(
    frame: pd.DataFrame,
    target: Path,
    *,
    sheet: str = "report",
    widths: Sequence[float] | None = None,
) -> Path:
    """Write ``frame`` (header row from its column names) as one sheet of ``target``."""
    strings = _Strings()
    n = len(frame)
    header = [_cell_tail(str(c), strings) for c in frame.columns]
    tails: list[ObjArray] = []
    for column in frame.columns:
        series = frame[column]
        plain = isinstance(series.dtype, np.dtype) and series.dtype.kind in "biuf"
        values = series.to_numpy() if plain else series.to_numpy(dtype=object)
        tails.append(map_distinct(values, lambda v: _cell_tail(v, strings)))
    strings.uses = sum(1 for t in header if t and 't="s"' in t)
    strings.uses += sum(int(np.count_nonzero(_is_string(t))) for t in tails)
    letters = [column_letter(i) for i in range(len(frame.columns))]
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
    last = f"{letters[-1] if letters else 'A'}{n + 1}"
    head = (
        f'{_DECL}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f'<dimension ref="A1:{last}"/>{cols}<sheetData>'
    )
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(head.encode("utf-8"))
            pairs = zip(letters, header, strict=True)
            first = "".join(f'<c r="{letter}1"{tail}' for letter, tail in pairs if tail)
            out.write(f'<row r="1">{first}</row>'.encode())
            for start in range(0, n, CHUNK_ROWS):
                stop = min(start + CHUNK_ROWS, n)
                out.write(_rows_xml(tails, letters, start, stop).encode("utf-8"))
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


def _is_string(tails: ObjArray) -> npt.NDArray[np.bool_]:
    return np.asarray(map_distinct(tails, lambda t: bool(t) and 't="s"' in t), dtype=bool)


def _rows_xml(tails: list[ObjArray], letters: list[str], start: int, stop: int) -> str:
    """Rows ``start:stop`` of the body (spreadsheet rows start + 2 …) as XML."""
    numbers: ObjArray = np.arange(start + 2, stop + 2).astype(str).astype(object)
    rows: ObjArray = '<row r="' + numbers + '">'
    for letter, tail in zip(letters, tails, strict=True):
        part = tail[start:stop]
        empty = np.asarray(pd.isna(part), dtype=bool)
        cells = f'<c r="{letter}' + numbers + '"' + np.where(empty, "", part)
        rows = rows + np.where(empty, "", cells)
    return "".join((rows + "</row>").tolist())
