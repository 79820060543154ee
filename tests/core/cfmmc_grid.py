"""Editing CFMMC workbooks in tests: read a workbook as text grids, change cells, write
it again (xlwt). Numbers are written as number cells unless ``as_text`` (the quirk of
numbers stored as text)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import xlwt

from core.reconcile.workbook import read_sheets

Grid = dict[str, list[list[str]]]


def read_grid(path: Path) -> Grid:
    return {s.name: [list(r) for r in s.rows] for s in read_sheets(path)}


def write_grid(path: Path, grid: Grid, *, as_text: bool = False) -> None:
    wb = xlwt.Workbook(encoding="utf-8")
    for name, rows in grid.items():
        ws = wb.add_sheet(name)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                if text == "":
                    continue
                ws.write(r, c, text if as_text else _number_or_text(text))
    wb.save(str(path))


def _number_or_text(text: str) -> object:
    """A number cell for a number, text for codes (leading zeros: ``00000476``) and the
    rest."""
    if not text or not (text[0].isdigit() or text[0] == "-") or "-" in text[1:]:
        return text
    if len(text) > 1 and text[0] == "0" and text[1] != ".":
        return text
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    return float(value)


def find(grid: Grid, sheet: str, first: str, column: str, *, nth: int = 0) -> tuple[int, int]:
    """(row, column) of the cell under header ``column`` (the nearest header row above
    holding it) in the ``nth`` row whose first cell is ``first``."""
    rows = grid[sheet]
    seen = 0
    col: int | None = None
    for r, row in enumerate(rows):
        if column in row:
            col = row.index(column)
            continue
        if col is not None and row and row[0] == first:
            if seen == nth:
                return r, col
            seen += 1
    raise AssertionError(f"no {first!r} under {column!r} on {sheet}")


def put(grid: Grid, sheet: str, first: str, column: str, text: str, *, nth: int = 0) -> str:
    """Set the cell (``find``); the text it held."""
    r, c = find(grid, sheet, first, column, nth=nth)
    old = grid[sheet][r][c]
    grid[sheet][r][c] = text
    return old


def drop_row(grid: Grid, sheet: str, first: str, column: str, *, nth: int = 0) -> list[str]:
    r, _c = find(grid, sheet, first, column, nth=nth)
    return grid[sheet].pop(r)


def put_pair(grid: Grid, sheet: str, label: str, text: str) -> str:
    """Set the value of a label/value pair (the next filled cell right of ``label``)."""
    for row in grid[sheet]:
        if label in row:
            c = row.index(label)
            v = next(i for i in range(c + 1, len(row)) if row[i])
            old = row[v]
            row[v] = text
            return old
    raise AssertionError(f"no {label!r} on {sheet}")


def get(grid: Grid, sheet: str, first: str, column: str, *, nth: int = 0) -> str:
    r, c = find(grid, sheet, first, column, nth=nth)
    return grid[sheet][r][c]
