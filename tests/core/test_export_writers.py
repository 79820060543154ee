"""The column-wise CSV and XLSX writers (issue #17) write the very bytes the writers
before them wrote (pandas' ``to_csv``; the XLSX sheet as a string per row), and format
integer fen, basis points and counts exactly as ``core.money`` does, down to the int64
bounds."""

from __future__ import annotations

import csv
import zipfile
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from core.money import bp_to_str, fen_to_str
from core.reports import text_rows, xlsx_stream
from core.reports.cells import csv_cell, map_distinct
from core.reports.export import LABELS_ZH, export_frame, write_table
from core.reports.text_rows import fen_fields, integer_fields, text_lines

I64 = np.iinfo(np.int64)
EDGES = [0, 1, -1, 5, -5, 99, -99, 100, -100, 101, -101, 12_345, -12_345, I64.max, I64.min]
EDGES += [I64.max - 1, I64.min + 1, 10**18, -(10**18), 999_999_999_999_999_999]


def _pandas_csv(data: Any, path: Path, labels: dict[str, str] | None = None) -> bytes:
    """What ``write_table`` wrote to CSV before issue #17: ``export_frame``, each cell
    through ``csv_cell``, then pandas' ``to_csv``."""
    frame = export_frame(data, labels)
    safe = pd.DataFrame(
        {i: [csv_cell(v) for v in frame[c].tolist()] for i, c in enumerate(frame.columns)},
        dtype=object,
    )
    safe.columns = [csv_cell(str(c)) for c in frame.columns]
    safe.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path.read_bytes()


def _written(data: Any, path: Path, labels: dict[str, str] | None = None) -> bytes:
    return write_table(data, path, labels=labels).read_bytes()


def _order_list(n: int) -> pd.DataFrame:
    """An order list with every kind of column an export holds."""
    rng = np.random.default_rng(17)
    fen = rng.integers(-(10**12), 10**12, n)
    fen[: len(EDGES)] = EDGES
    hostile = ["=1+1", "+cmd|'/C calc'!A0", "@SUM(A1:A9)", "-1+1", "\t=2", '=HYPERLINK("x")']
    odd = ["a,b", 'say "hi"', "two\nlines", "cr\rhere", " padded ", "-1,234.56", "", "客户,一"]
    codes = [f"{10_000_000 + i % 997}" for i in range(n)]
    for i in range(0, n, 37):
        codes[i] = (hostile + odd)[i // 37 % (len(hostile) + len(odd))]
    contracts = np.array(["m2701", "i2701", "c2701", "jd2612", "豆一2701"])[rng.integers(0, 5, n)]
    day = [date(2026, 11, 20), date(2026, 11, 23), None]
    return pd.DataFrame(
        {
            "client_code": pd.Series(codes, dtype=object),
            "contract_code": pd.Categorical(contracts),
            "side": pd.Series(np.where(rng.random(n) < 0.5, "long", "short"), dtype="str"),
            "close_side": pd.Series(
                [None if i % 29 == 0 else ("卖出平仓" if i % 2 else "买入平仓") for i in range(n)],
                dtype="str",
            ),
            "hedge": rng.random(n) < 0.1,
            "spec_hedge": np.where(rng.random(n) < 0.1, "套保", "投机"),
            "lots": rng.integers(-3, 400, n),
            "close_lots": pd.array(
                [None if i % 13 == 0 else i % 50 for i in range(n)], dtype="Int64"
            ),
            "released_fen": fen,
            "margin_fen": [None if i % 11 == 0 else int(v) for i, v in enumerate(fen[::-1])],
            "ratio_bp": rng.integers(-20_000, 20_000, n),
            "usage_bp": np.abs(rng.integers(0, 30_000, n)).astype(np.uint32),
            "deadline": [day[i % 3] for i in range(n)],
            "ratio": [Fraction(i, 7) if i % 5 else Decimal(i) / 3 for i in range(n)],
            "price": [float(i) / 8 if i % 19 else float("nan") for i in range(n)],
            "note": [None if i % 3 else ("ok" if i % 2 else i) for i in range(n)],
        }
    )


@pytest.mark.parametrize("labels", [None, {**LABELS_ZH, "close_side": "平仓方向"}])
def test_csv_is_the_bytes_the_pandas_writer_wrote(
    tmp_path: Path, labels: dict[str, str] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_rows, "CHUNK_BYTES", 4_096)  # many chunks
    frame = _order_list(3_000)
    new = _written(frame, tmp_path / "new.csv", labels)
    assert new == _pandas_csv(frame, tmp_path / "old.csv", labels)
    assert new.startswith("\ufeff".encode())  # UTF-8 with a BOM, the one encoding
    with (tmp_path / "new.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    money = header.index("平仓释放保证金" if labels else "released_yuan")
    assert [r[money] for r in rows[1 : len(EDGES) + 1]] == [fen_to_str(v) for v in EDGES]
    assert rows[1][money] == "0.00"
    assert "-92233720368547758.08" in {r[money] for r in rows}  # −2⁶³ fen, exact
    assert "92233720368547758.07" in {r[money] for r in rows}
    codes = [r[0] for r in rows[1:]]
    assert codes[0] == "'=1+1"
    assert codes[37 * 6] == "a,b"
    assert codes[37 * 8] == "two\nlines"
    assert labels is None or header[:4] == ["客户", "合约", "方向", "平仓方向"]


@pytest.mark.parametrize(
    "data",
    [
        pd.DataFrame({"a": []}, dtype=object),
        pd.DataFrame(index=range(3)),
        pd.DataFrame({"": ["", None, "x", "=1"]}),
        pd.DataFrame({"only": pd.Series(["", "b", None], dtype="str")}),
        pd.DataFrame({"n": [1, 2]}),
        pd.DataFrame({"x_fen": [1, 2], "x_yuan": ["a", "b"]}),  # one exported name, twice
        [{"client_code": "=2", "pnl_fen": -5}, {"client_code": "c", "pnl_fen": None}],
        pd.DataFrame({"t": [True, 1, 1.0, "1", np.int64(1), None, float("nan"), 2.5]}),
        pd.DataFrame({"u": np.array([0, 2**64 - 1], dtype=np.uint64)}),
        pd.DataFrame({"d": pd.to_datetime(pd.Series(["2026-11-20", None]))}),
    ],
    ids=[
        "no-rows",
        "no-columns",
        "one-unnamed-column",
        "one-text-column",
        "ints",
        "duplicate-name",
        "row-dicts",
        "mixed-types",
        "uint64",
        "datetimes",
    ],
)
def test_awkward_tables_match_the_pandas_writer(tmp_path: Path, data: Any) -> None:
    assert _written(data, tmp_path / "new.csv") == _pandas_csv(data, tmp_path / "old.csv")


def _old_xlsx(data: Any, labels: dict[str, str] | None, sheet: str = "report") -> list[bytes]:
    """The sheet and shared strings the XLSX writer wrote before issue #17:
    ``export_frame``, each distinct cell's XML (``cell_tail``), then the rows as
    Python strings."""
    frame = export_frame(data, labels)
    strings = xlsx_stream.SharedStrings()
    header = [xlsx_stream.cell_tail(str(c), strings) for c in frame.columns]
    tails = [
        map_distinct(
            frame.iloc[:, k].to_numpy(dtype=object), lambda v: xlsx_stream.cell_tail(v, strings)
        )
        for k in range(frame.shape[1])
    ]
    strings.uses = sum(1 for t in header if t and 't="s"' in t)
    strings.uses += sum(1 for column in tails for t in column if t and 't="s"' in t)
    widths = [
        min(
            max([_width(str(c))] + [_width(str(v)) for v in frame.iloc[:, k].tolist()[:200]]) + 2,
            60,
        )
        for k, c in enumerate(frame.columns)
    ]
    letters = [xlsx_stream.column_letter(i) for i in range(frame.shape[1])]
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
        for i, w in enumerate(widths, start=1)
    )
    n = len(frame)
    body = [
        f'{xlsx_stream._DECL}<worksheet xmlns="{xlsx_stream.MAIN_NS}" '
        f'xmlns:r="{xlsx_stream.REL_NS}"><dimension ref="A1:{letters[-1] if letters else "A"}'
        f'{n + 1}"/>{"<cols>" + cols + "</cols>" if widths else ""}<sheetData>'
    ]
    body.append(
        '<row r="1">'
        + "".join(f'<c r="{x}1"{t}' for x, t in zip(letters, header, strict=True) if t)
        + "</row>"
    )
    for i in range(n):
        cells = "".join(
            f'<c r="{x}{i + 2}"{t[i]}' for x, t in zip(letters, tails, strict=True) if t[i]
        )
        body.append(f'<row r="{i + 2}">{cells}</row>')
    body.append("</sheetData></worksheet>")
    return ["".join(body).encode(), strings.xml()]


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@pytest.mark.parametrize("labels", [None, {**LABELS_ZH, "close_side": "平仓方向"}])
def test_xlsx_is_the_sheet_the_row_by_row_writer_wrote(
    tmp_path: Path, labels: dict[str, str] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_stream, "CHUNK_ROWS", 37)  # many chunks
    frame = _order_list(2_000)
    path = write_table(frame, tmp_path / "new.xlsx", labels=labels, sheet="订单")
    with zipfile.ZipFile(path) as book:
        got = [book.read("xl/worksheets/sheet1.xml"), book.read("xl/sharedStrings.xml")]
        assert b'name="\xe8\xae\xa2\xe5\x8d\x95"' in book.read("xl/workbook.xml")
    assert got == _old_xlsx(frame, labels)
    assert b"<v>-92233720368547758.08</v>" not in got[0]  # money is text, not a number
    assert b"-92233720368547758.08" in got[1]


@pytest.mark.parametrize(
    "data",
    [
        pd.DataFrame({"a": []}, dtype=object),
        pd.DataFrame(index=range(3)),
        pd.DataFrame({"c": pd.Categorical(["z", None, "a", "z"], categories=["a", "q", "z"])}),
        pd.DataFrame({"x_fen": [1, 2], "x_yuan": ["a", "b"]}),
        [{"client_code": "=2", "pnl_fen": -5}, {"client_code": "c", "pnl_fen": None}],
        pd.DataFrame({"t": [True, 1, 1.0, "1", np.int64(1), None, float("nan"), 2.5, ""]}),
        pd.DataFrame({"u": np.array([0, 2**64 - 1], dtype=np.uint64), "i": [-(2**63), 7]}),
        pd.DataFrame({"s": pd.Series(["\x1b", " x ", "", None, "a\nb"], dtype="str")}),
    ],
    ids=[
        "no-rows",
        "no-columns",
        "categorical-unused-categories",
        "duplicate-name",
        "row-dicts",
        "mixed-types",
        "int64-bounds",
        "controls-and-spaces",
    ],
)
def test_awkward_tables_match_the_row_by_row_xlsx_writer(tmp_path: Path, data: Any) -> None:
    path = write_table(data, tmp_path / "new.xlsx")
    with zipfile.ZipFile(path) as book:
        got = [book.read("xl/worksheets/sheet1.xml"), book.read("xl/sharedStrings.xml")]
    assert got == _old_xlsx(data, None)


def _lines(fields: list[text_rows.Field], n: int) -> list[str]:
    return (
        b"".join(text_lines([*fields, text_rows.Constant(b"\n")], n, 64)).decode().split("\n")[:-1]
    )


def test_fen_and_integer_text_is_exact_to_the_int64_bounds() -> None:
    rng = np.random.default_rng(3)
    values = np.concatenate(
        [np.array(EDGES, dtype=np.int64), rng.integers(I64.min, I64.max, 2_000, endpoint=True)]
    )
    assert _lines(fen_fields(values), values.size) == [fen_to_str(int(v)) for v in values]
    assert _lines(fen_fields(values, b"%"), values.size) == [bp_to_str(int(v)) for v in values]
    assert _lines(integer_fields(values), values.size) == [str(int(v)) for v in values]
    unsigned = np.array([0, 7, 10, 2**63, 2**64 - 1], dtype=np.uint64)
    assert _lines(integer_fields(unsigned), 5) == [str(int(v)) for v in unsigned]
    small = np.array([0, -3, 120], dtype=np.int8)
    assert _lines(fen_fields(small), 3) == ["0.00", "-0.03", "1.20"]
