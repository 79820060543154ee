"""Write a table (a DataFrame or a list of row dicts) as CSV, JSON, XLSX or terminal text.

Money columns (names ending ``_fen``, integer fen) are written as exact yuan strings with
two decimals (``fen_to_str``) and renamed ``…_yuan``; rate columns (``_bp``, basis
points) as percentages with two decimals (``bp_to_str``) renamed ``…_pct``; neither
passes through a float.
Dates become ISO strings, missing values empty (CSV, XLSX, text) or null (JSON).
Optional column labels (``LABELS_ZH`` for Chinese headers) replace the column names.
Text that a spreadsheet would run as a formula (a code ``=1+1``) is written as text
(``core.reports.cells``); the terminal table shows control characters escaped.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.errors import InputError
from core.money import bp_to_str, fen_to_str
from core.reports.cells import csv_cell, distinct_codes, map_distinct
from core.reports.text_rows import Coded, Constant, Field, fen_fields, integer_fields, text_lines
from core.reports.xlsx_stream import SharedStrings, SheetColumn, cell_tail, tail_column, write_sheet
from core.safe_text import escape_controls

Table = pd.DataFrame | Sequence[Mapping[str, Any]]
FORMATS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx"}
MONEY_SUFFIX = "_fen"
RATE_SUFFIX = "_bp"

LABELS_ZH: dict[str, str] = {
    "client_code": "客户",
    "member_code": "会员",
    "contract_code": "合约",
    "product_code": "品种",
    "warehouse_code": "仓库",
    "holder_code": "持有人",
    "buyer_code": "买方",
    "seller_code": "卖方",
    "receipt_no": "仓单号",
    "side": "方向",
    "hedge": "套保",
    "lots": "手数",
    "tons": "吨数",
    "net_lots": "净持仓",
    "pnl_yuan": "持仓盈亏",
    "unit_pnl_pct": "单位净持仓盈亏率",
    "role": "角色",
    "tier": "档位",
    "order_lots": "平仓申报",
    "declared_lots": "有效申报",
    "closed_lots": "减仓手数",
    "closed_largest_remainder": "减仓(最大余数)",
    "closed_half_up": "减仓(四舍五入)",
    "margin_per_lot_yuan": "每手保证金",
    "line_margin_yuan": "持仓保证金",
    "margin_yuan": "交易保证金",
    "release_yuan": "应释放保证金",
    "released_yuan": "平仓释放保证金",
    "close_lots": "强平手数",
    "requirement": "追加口径",
    "lots_method": "手数方法",
    "required_yuan": "应追加",
    "ratio": "比例",
    "shortfall_yuan": "缺口",
    "period": "期间",
    "party": "主体",
    "open_interest": "单边持仓量",
    "speculative_lots": "投机持仓",
    "hedge_lots": "套保持仓",
    "limit_lots": "限仓",
    "excess_lots": "超仓",
    "usage_pct": "使用率",
    "status": "状态",
    "receipts": "仓单数",
    "next_deadline": "最近注销日",
    "deadline": "注销日",
    "trading_days_left": "剩余交易日",
    "registration_date": "注册日",
    "production_date": "生产日",
    "offset_eligible": "可充抵",
    "registrable": "可注册",
    "days": "天数",
    "max_days": "上限天数",
    "reason": "原因",
    "note": "备注",
    "accounts": "账户数",
}
"""Chinese column labels of the risk-action tables (keys: exported column names)."""


def _money_name(column: str) -> str:
    return column[: -len(MONEY_SUFFIX)] + "_yuan"


def _rate_name(column: str) -> str:
    return column[: -len(RATE_SUFFIX)] + "_pct"


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Fraction | Decimal):
        return str(value)
    if hasattr(value, "item"):  # numpy scalar → Python
        return value.item()
    return value


def _money_cell(value: Any) -> str | None:
    return None if _cell(value) is None else fen_to_str(int(value))


def _rate_cell(value: Any) -> str | None:
    return None if _cell(value) is None else bp_to_str(int(value))


def _export_columns(frame: pd.DataFrame) -> dict[str, int]:
    """Exported name → position in ``frame`` (``*_fen`` → ``*_yuan``, ``*_bp`` →
    ``*_pct``); of two columns that export under one name, the later's values stand in
    the earlier's place."""
    out: dict[str, int] = {}
    for i, column in enumerate(frame.columns):
        name = str(column)
        if name.endswith(MONEY_SUFFIX):
            name = _money_name(name)
        elif name.endswith(RATE_SUFFIX):
            name = _rate_name(name)
        out[name] = i
    return out


def _converter(column: object) -> Callable[[Any], Any]:
    name = str(column)
    if name.endswith(MONEY_SUFFIX):
        return _money_cell
    if name.endswith(RATE_SUFFIX):
        return _rate_cell
    return _cell


def export_frame(data: Table, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The table as written: ``*_fen`` → ``*_yuan`` and ``*_bp`` → ``*_pct`` exact
    strings, plain Python cells.

    Every column is of object dtype holding str, int, bool or None. ``labels`` renames
    the (already renamed) columns it knows.
    """
    frame = _as_frame(data)
    out: dict[str, Any] = {}
    # Each conversion runs once per distinct value (``map_distinct``): an order list
    # of a million lines holds a few thousand codes and lot counts.
    for name, i in _export_columns(frame).items():
        series = frame.iloc[:, i]
        plain = isinstance(series.dtype, np.dtype) and series.dtype.kind in "biuf"
        values = series.to_numpy() if plain else series.tolist()
        out[name] = map_distinct(values, _converter(frame.columns[i]))
    # copy=False: a block per column; stacking a million-line table's object columns
    # into one 2-D block is one long call that holds the interpreter lock (seconds in
    # which the GUI thread cannot run, issue #17).
    result = pd.DataFrame(out, columns=list(out), dtype=object, copy=False)
    if labels:
        result = result.rename(columns={c: labels.get(c, c) for c in result.columns})
    return result


def _as_frame(data: Table) -> pd.DataFrame:
    return data if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data))


def table_format(path: Path) -> str:
    """ "csv", "json" or "xlsx" from the file suffix; InputError for anything else."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown output format {path.suffix!r}; use .csv, .json or .xlsx")
    return fmt


def write_table(
    data: Table,
    path: Path | str,
    *,
    labels: Mapping[str, str] | None = None,
    sheet: str = "report",
) -> Path:
    """Write the table to ``path`` in the format of its suffix; returns the path.

    CSV: UTF-8 with BOM (so that Excel shows Chinese labels), one header row. JSON: a
    list of row objects (UTF-8, money as strings). XLSX: one sheet, money as text
    cells so that no spreadsheet rounds them. In CSV and XLSX, text that a spreadsheet
    would evaluate (``=…``, ``+…``, ``-…``, ``@…``, tab, CR) is written as text
    (``core.reports.cells``); JSON keeps every value as it is. Raises InputError for
    an unknown suffix and OSError for an unwritable path.
    """
    target = Path(path)
    fmt = table_format(target)
    if fmt == "csv":
        _write_csv(data, target, labels)
        return target
    if fmt == "xlsx":
        _write_xlsx(data, target, sheet, labels)
        return target
    frame = export_frame(data, labels)
    if fmt == "json":
        rows = [dict(zip(frame.columns, row, strict=True)) for row in frame.itertuples(index=False)]
        target.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return target


CSV_SPECIAL = (",", '"', "\r", "\n")
"""Characters that make a CSV cell quoted (Python's csv module, QUOTE_MINIMAL, with
the CRLF line end)."""


def _write_csv(data: Table, target: Path, labels: Mapping[str, str] | None) -> None:
    """The CSV of ``write_table``, built column-wise (``core.reports.text_rows``): the
    bytes pandas' ``to_csv`` wrote for ``export_frame`` with formula text escaped
    (``csv_cell``), in a fraction of the time (issue #17). Integer money, rate and
    count columns are formatted in numpy with integer arithmetic; every other column
    once per distinct value, through the same cell functions as ``export_frame``.
    """
    frame = _as_frame(data)
    columns = _export_columns(frame)
    names = [(labels or {}).get(name, name) for name in columns]
    alone = len(columns) == 1  # a line of one empty cell is written as ""
    fields: list[Field] = []
    for k, i in enumerate(columns.values()):
        if k:
            fields.append(Constant(b","))
        fields.extend(_csv_fields(frame.iloc[:, i], _converter(frame.columns[i]), alone))
    fields.append(Constant(b"\r\n"))
    header = ",".join(_csv_text(str(name), alone) for name in names)
    with target.open("wb") as out:
        out.write(("\ufeff" + header + "\r\n").encode("utf-8"))  # BOM: Excel reads UTF-8
        rows = len(frame) if columns else 0  # a table without columns has no lines
        for chunk in text_lines(fields, rows):
            out.write(chunk)


def _csv_fields(series: pd.Series, convert: Callable[[Any], Any], alone: bool) -> list[Field]:
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        values = series.to_numpy()
        if convert is _money_cell:
            return fen_fields(values)
        if convert is _rate_cell:
            return fen_fields(values, b"%")
        return integer_fields(values)

    strings = _string_codes(series) if convert is _cell else None
    if strings is not None:
        return [_csv_strings(*strings, alone)]

    def text(value: Any) -> bytes:
        cell = convert(value)
        return _csv_text(cell, alone).encode("utf-8")

    codes, texts = distinct_codes(series, text)
    return [Coded.of(texts.tolist(), codes)]


_CSV_AS_IS = r'^[=+\-@\t\r\n]|[,"\r\n]'
"""Text that ``_csv_text`` may change (formula-like, or to be quoted); any other text is
written as it is."""


def _string_codes(series: pd.Series) -> tuple[npt.NDArray[np.intp], Any] | None:
    """Codes (−1: missing) and distinct values of a column of text only, else None."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        if dtype.categories.inferred_type != "string":
            return None
        return series.cat.codes.to_numpy().astype(np.intp), dtype.categories
    if isinstance(dtype, pd.StringDtype) or (
        dtype.kind == "O" and pd.api.types.infer_dtype(series, skipna=True) == "string"
    ):
        codes, uniques = series.factorize()
        return np.asarray(codes, dtype=np.intp), uniques
    return None


def _csv_strings(codes: npt.NDArray[np.intp], uniques: Any, alone: bool) -> Coded:
    """A text column's field: its distinct texts in UTF-8 straight from Arrow; only the
    few that ``_csv_text`` may change go through it (a million distinct codes would
    otherwise take seconds in Python). A missing value is an empty cell."""
    texts = pa.array(uniques, type=pa.large_string())
    check = pc.match_substring_regex(texts, _CSV_AS_IS)
    if alone:
        check = pc.or_(check, pc.equal(texts, ""))
    redo = np.flatnonzero(check.to_numpy(zero_copy_only=False))
    if redo.size:
        done = [_csv_text(t, alone) for t in texts.take(pa.array(redo)).to_pylist()]
        texts = pc.replace_with_mask(texts, check, pa.array(done, type=pa.large_string()))
    if bool((codes < 0).any()):
        empty = pa.array(['""' if alone else ""], type=pa.large_string())
        texts = pa.concat_arrays([texts, empty])
    _, offset_buffer, data_buffer = texts.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=np.int64)[texts.offset :][: len(texts) + 1]
    data = np.frombuffer(data_buffer or b"", dtype=np.uint8)[offsets[0] : offsets[-1]]
    return Coded.packed(np.diff(offsets), data, codes)


def _csv_text(cell: Any, alone: bool = False) -> str:
    """A cell as Python's csv writer writes it (floats by ``repr``, None empty,
    quoted when it holds a comma, quote or line break), formula text escaped."""
    value = csv_cell(cell)
    if value is None or (isinstance(value, float | complex) and value != value):
        text = ""  # pandas writes a missing value as na_rep ""
    elif isinstance(value, str):
        text = value
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = str(value)
    if any(ch in text for ch in CSV_SPECIAL):
        return '"' + text.replace('"', '""') + '"'
    return '""' if alone and not text else text


def _write_xlsx(data: Table, target: Path, sheet: str, labels: Mapping[str, str] | None) -> None:
    """The XLSX of ``write_table`` from the table itself (``export_frame``'s cells, not
    a million-row frame of them first): integer columns formatted in numpy, text
    columns through their distinct values; the shared strings numbered in the order
    the rows meet them, as ``xlsx_stream.write_xlsx`` of ``export_frame`` numbers them.
    Column widths from the first 200 rows' cells."""
    frame = _as_frame(data)
    columns = _export_columns(frame)
    head = export_frame(frame.head(200), labels)
    widths = [
        min(max([_width(str(name))] + [_width(str(v)) for v in head.iloc[:, k].tolist()]) + 2, 60)
        for k, name in enumerate(head.columns)
    ]
    strings = SharedStrings()
    header = [cell_tail(str(name), strings) for name in head.columns]
    cells = [
        _xlsx_column(frame.iloc[:, i], _converter(frame.columns[i]), strings)
        for i in columns.values()
    ]
    rows = len(frame) if columns else 0
    write_sheet(header, cells, rows, target, strings, sheet=sheet, widths=widths)


def _xlsx_column(
    series: pd.Series, convert: Callable[[Any], Any], strings: SharedStrings
) -> SheetColumn:
    dtype = series.dtype
    if convert is _cell and isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return SheetColumn(integers=series.to_numpy())
    text = _string_codes(series) if convert is _cell else None
    if text is None:  # as export_frame, then once per distinct cell
        values = (
            series.to_numpy()
            if isinstance(dtype, np.dtype) and dtype.kind in "biuf"
            else (series.tolist())
        )
        return tail_column(map_distinct(values, convert), strings)
    codes, uniques = text
    # the distinct texts in the order of their first row (a categorical's categories
    # are in their own order, and some may be unused)
    order, first = pd.factorize(codes)
    words = np.asarray(uniques, dtype=object)
    tails = tuple(None if k < 0 else cell_tail(words[k], strings) for k in first.tolist())
    return SheetColumn(np.asarray(order, dtype=np.intp), tails)


def _width(text: str) -> int:
    """Terminal columns of ``text``: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _is_numeric(name: str, values: list[Any]) -> bool:
    """Right-align money, percentages, ratios and integer columns (not codes)."""
    if name.endswith(("_yuan", "_pct")) or name == "ratio":
        return True
    present = [v for v in values if v is not None]
    return bool(present) and all(isinstance(v, int) and not isinstance(v, bool) for v in present)


def format_table(
    data: Table,
    *,
    labels: Mapping[str, str] | None = None,
    max_rows: int | None = None,
    title: str | None = None,
) -> str:
    """A plain, aligned text table for the terminal (numbers right-aligned).

    Shows at most ``max_rows`` rows and then a line saying how many were left out.
    An empty table prints "(no rows)" under the header.
    """
    frame = export_frame(data)
    shown = frame if max_rows is None else frame.head(max_rows)
    right = [_is_numeric(str(c), shown[c].tolist()) for c in frame.columns]
    names = labels or {}
    headers = [names.get(str(c), str(c)) for c in frame.columns]
    cells = [
        [
            ""
            if v is None
            else (
                "yes"
                if v is True
                else "no"
                if v is False
                else escape_controls(str(v), one_line=True)
            )
            for v in row
        ]
        for row in shown.itertuples(index=False)
    ]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, v in enumerate(values):
            pad = " " * (widths[i] - _width(v))
            parts.append(pad + v if right[i] else v + pad)
        return "  ".join(parts).rstrip()

    out = [title] if title else []
    out.append(line(headers))
    out.append("  ".join("-" * w for w in widths))
    out.extend(line(r) for r in cells)
    if not cells:
        out.append("(no rows)")
    if len(frame) > len(shown):
        out.append(f"… {len(frame) - len(shown)} more rows (use --out to get all)")
    return "\n".join(out)
