"""Reading CSV and XLSX import files into a table of stripped strings.

Every cell is read as text, so that numbers never pass through binary floating point
before validation (Excel's numbers are written back in their shortest exact form). Row
numbers are the spreadsheet's: the header is row 1, blank rows are dropped but keep the
numbering of the rows after them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.imports.messages import file_problem

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
CSV_CHUNK_ROWS = 100_000
"""Rows parsed at a time: only one chunk of cells is ever held as Python strings."""
"""UTF-8 (with or without BOM) first; GB18030 is what Chinese Excel saves as "CSV"."""


@dataclass(frozen=True)
class RawTable:
    """The cells of one file as text; ``frame`` columns are positions 0..n-1."""

    source: str
    headers: tuple[str, ...]
    frame: pd.DataFrame
    rows: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.rows)


def read_table(path: Path, data: bytes | None = None) -> RawTable:
    """Read ``path`` (.csv or .xlsx, the first sheet) with its header in row 1.

    ``data`` is the file's content if the caller has already read it (for the hash).
    Raises InputError (an ``ImportInputError``) naming the file when it cannot be read or has
    no header.
    """
    source = path.name
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise file_problem("unsupported_file_type", source, suffix=repr(suffix or "(none)"))
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise file_problem("cannot_read", source, reason=exc.strerror) from None
    cells = _read_xlsx(data, source) if suffix != ".csv" else _read_csv(data, source)
    return _to_table(cells, source)


def _to_table(cells: pd.DataFrame, source: str) -> RawTable:
    if cells.shape[0] == 0 or cells.shape[1] == 0:
        raise file_problem("file_empty", source)
    # Cells keep their surrounding spaces here (stripping a million cells costs
    # seconds); the validator strips each distinct value once.
    cells = cells.fillna("")
    # Column by column: a row across categorical columns would hash every category.
    header_cells = [str(cells[c].iloc[0]).strip() for c in cells.columns]
    # Trailing empty header cells are spreadsheet noise; inner ones are ignored later.
    width = len(header_cells)
    while width and not header_cells[width - 1]:
        width -= 1
    if width == 0:
        raise file_problem("header_row_empty", source)
    body = cells.iloc[1:, :width]
    body.columns = pd.RangeIndex(width)
    rows = np.arange(2, len(body) + 2, dtype=np.int64)
    non_blank = (body != "").any(axis=1).to_numpy(dtype=bool, copy=True)
    body = body.loc[non_blank].reset_index(drop=True)
    return RawTable(
        source=source,
        headers=tuple(h.replace("\ufeff", "").strip() for h in header_cells[:width]),
        frame=body,
        rows=rows[non_blank],
    )


def _read_csv(data: bytes, source: str) -> pd.DataFrame:
    found: str | None = None
    for encoding in CSV_ENCODINGS:
        try:
            blank = not data.decode(encoding).strip()
            found = encoding
            break
        except UnicodeDecodeError:
            continue
    if found is None:
        raise file_problem("cannot_decode", source)
    if blank:
        raise file_problem("file_empty", source)
    fast = _arrow_frame(data, found)
    if fast is not None:
        return fast
    try:
        # The parser decodes the bytes itself: a StringIO of the text would hold four
        # bytes a character (330 MB for a million trades).
        chunks = pd.read_csv(
            io.BytesIO(data),
            encoding=found,
            header=None,
            dtype=object,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
            chunksize=CSV_CHUNK_ROWS,
        )
        return _categorical_frame(chunks)
    except (pd.errors.ParserError, ValueError) as exc:
        # pandas counts lines from 1 including the header, as a spreadsheet does.
        raise file_problem("malformed_csv", source, detail=exc) from None


_ARROW_ENCODINGS = {"utf-8-sig": "utf8", "gb18030": "gb18030"}
_BOMS = {"utf-8-sig": b"\xef\xbb\xbf", "gb18030": "\ufeff".encode("gb18030")}


def _arrow_frame(data: bytes, encoding: str) -> pd.DataFrame | None:
    """The cells as ``_categorical_frame`` gives them, parsed by Arrow's CSV reader
    (in C++: about 1 s of CPU against 3 s for a million trades), or None
    where its reading could differ from the pandas parser's, which then reads it.

    Arrow is used for files without quote characters only (quoting is where the two
    parsers differ: an unclosed quote, a quote inside a field), and not when the first
    line is empty or starts with a second byte-order mark (pandas refuses those or
    strips the mark twice); a row longer or shorter than the first is an Arrow error,
    so pandas reads that file too (it has the words for what is wrong with it). A
    randomised comparison of the two readers is in tests/core/test_bulk_io.py.
    """
    if b'"' in data:
        return None
    bom = b"\xef\xbb\xbf"
    body = data[len(bom) :] if data.startswith(bom) else data
    if body[:1] in (b"\n", b"\r") or body.startswith(_BOMS[encoding]):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    end = body.find(b"\n")
    width = body[: end if end >= 0 else len(body)].count(b",") + 1
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            # One thread: on the shared 2-core machine Arrow's thread pool tripled the
            # CPU of the read and of the encoding after it (a few large chunks).
            read_options=pacsv.ReadOptions(
                autogenerate_column_names=True,
                encoding=_ARROW_ENCODINGS[encoding],
                use_threads=False,
                block_size=16 << 20,
            ),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if table.num_columns != width or any(t != pa.string() for t in table.schema.types):
        return None
    out: dict[int, pd.Categorical] = {}
    for pos in range(width):
        # one column at a time in one piece: one dictionary, codes in first-seen order
        encoded = pc.dictionary_encode(table.column(pos).combine_chunks())
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        words = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
        out[pos] = pd.Categorical.from_codes(codes, categories=pd.Index(words, dtype=object))
    del table, encoded
    pa.default_memory_pool().release_unused()  # Arrow's allocator keeps freed pages
    return pd.DataFrame(out)


def _categorical_frame(chunks: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """The chunks as one frame of categorical columns (codes and each distinct text
    once): a million rows of text cells as Python strings would take ~700 MB, and the
    validator factorises every column anyway. Missing cells of short rows are ""."""
    codes: dict[int, list[npt.NDArray[np.intp]]] = {}
    uniques: dict[int, list[npt.NDArray[np.object_]]] = {}
    rows = 0
    for chunk in chunks:
        for pos in range(chunk.shape[1]):
            if pos not in codes:  # a column first seen in a later chunk: "" above
                codes[pos] = [np.zeros(rows, dtype=np.intp)]
                uniques[pos] = [np.array([""], dtype=object)]
            c, u = pd.factorize(chunk.iloc[:, pos].to_numpy(dtype=object))
            u = np.append(np.asarray(u, dtype=object), "")  # missing cells (code -1)
            codes[pos].append(np.where(c < 0, len(u) - 1, c))
            uniques[pos].append(u)
        for pos in codes:
            if pos >= chunk.shape[1]:
                codes[pos].append(np.zeros(len(chunk), dtype=np.intp))
                uniques[pos].append(np.array([""], dtype=object))
        rows += len(chunk)
    out: dict[int, pd.Categorical] = {}
    for pos in sorted(codes):
        # one code space per column: each chunk's uniques mapped into the union
        inverse, union = pd.factorize(np.concatenate(uniques[pos]))
        parts, offset = [], 0
        for c, u in zip(codes[pos], uniques[pos], strict=True):
            parts.append(inverse[offset : offset + len(u)][c])
            offset += len(u)
        all_codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)
        out[pos] = pd.Categorical.from_codes(all_codes, categories=pd.Index(union, dtype=object))
    return pd.DataFrame(out)


def _read_xlsx(data: bytes, source: str) -> pd.DataFrame:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise file_problem("bad_workbook", source, detail=exc) from None
    try:
        if not book.worksheets:
            raise file_problem("no_sheets", source)
        sheet = book.worksheets[0]
        out: list[list[str]] = []
        expected_row = 1
        for row in sheet.iter_rows():
            cells = [c for c in row if getattr(c, "row", None) is not None]
            number = cells[0].row if cells else expected_row
            while expected_row < number:  # read-only sheets may skip empty rows
                out.append([])
                expected_row += 1
            out.append([_cell_text(c.value) for c in row])
            expected_row = number + 1
    finally:
        book.close()
    width = max((len(r) for r in out), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in out], dtype=object)


def _cell_text(value: object) -> str:
    """An Excel cell as the text a person typed: 3521.5 → "3521.5", dates → ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)  # shortest round-trip form: the decimal that was typed
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    return str(value)
