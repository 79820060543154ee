"""Exports stay data (issue #13 point 2): no formula in XLSX, none live in CSV, no markup
in PDF, whatever a client's code or name holds."""

from __future__ import annotations

import ast
import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from sqlalchemy import select

from core.db.engine import Database, open_database
from core.db.tables import Client, Trade
from core.reports.cells import csv_cell, is_formula_text
from core.reports.export import format_table, write_table
from core.reports.pdf_table import write_pdf_table
from core.reports.pdf_text import paragraph
from core.reports.statements import client_statement, write_statement
from core.services.exports import TableExport, export_table
from core.services.settlement import run_daily_settlement
from tests.core.test_settlement_service import D, _build

HOSTILE = (
    "=1+1",
    "+cmd|'/C calc'!A0",
    "-1+1",
    "@SUM(A1:A9)",
    "\t=2",
    "\r=3",
    '=HYPERLINK("http://evil.example","click")',
)
HARMLESS = ("10000012", "-1,234.56", "-5.00%", "+1", "a=b", "客户一", "")
MARKUP = "<font size=40>Big</font> & <b>bold</b>"


def _rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"client_code": text, "note": "x", "lots": -3, "pnl_fen": -12_345} for text in HOSTILE
    ]
    rows += [{"client_code": text, "note": "y", "lots": 7, "pnl_fen": 5} for text in HARMLESS]
    return rows


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_recognised(text: str) -> None:
    assert is_formula_text(text)
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", [*HARMLESS, -3, 0, 2.5, None, True])
def test_numbers_and_plain_text_are_left_alone(value: object) -> None:
    assert not is_formula_text(value)
    assert csv_cell(value) == value


def test_xlsx_export_has_no_formula_cell_and_keeps_the_text(tmp_path: Path) -> None:
    path = write_table(_rows(), tmp_path / "t.xlsx")
    with zipfile.ZipFile(path) as book:
        sheet_xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula element at all
    assert "<f " not in sheet_xml
    ws = load_workbook(path).active
    assert ws is not None
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    codes = [row[0].value for row in ws.iter_rows(min_row=2)]
    # The text unchanged (XML reads a carriage return as a line feed).
    assert codes == [t.replace("\r", "\n") for t in HOSTILE] + [t or None for t in HARMLESS]
    by_code = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    for text in HOSTILE:
        cell = by_code[text.replace("\r", "\n")][0]
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text even when edited
    assert not by_code["-1,234.56"][0].quotePrefix
    lots = [row[2].value for row in ws.iter_rows(min_row=2)]
    assert lots[0] == -3  # a negative number stays a number
    assert ws["D2"].value == "-123.45"  # exact yuan, as text


def test_csv_export_reads_back_with_formula_text_quoted(tmp_path: Path) -> None:
    path = write_table(_rows(), tmp_path / "t.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    codes = [r["client_code"] for r in rows]
    assert codes == ["'" + t for t in HOSTILE] + list(HARMLESS)
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in codes[: len(HOSTILE)])
    assert rows[0]["lots"] == "-3"
    assert rows[0]["pnl_yuan"] == "-123.45"  # money stays a plain number


def test_json_export_keeps_every_value_as_it_is(tmp_path: Path) -> None:
    import json

    path = write_table(_rows(), tmp_path / "t.json")
    codes = [r["client_code"] for r in json.loads(path.read_text(encoding="utf-8"))]
    assert codes == [*HOSTILE, *HARMLESS]


def test_control_characters_are_escaped_not_refused(tmp_path: Path) -> None:
    rows = [{"client_name": "A\x1b[31mB\x07", "lots": 1}]
    ws = load_workbook(write_table(rows, tmp_path / "c.xlsx")).active
    assert ws is not None
    assert ws["A2"].value == "A\\x1b[31mB\\x07"  # XML cannot hold them; openpyxl refused
    shown = format_table(rows)
    assert "\x1b" not in shown
    assert "A\\x1b[31mB\\x07" in shown


def test_audited_table_export_is_neutralised_too(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'e.sqlite'}")
    try:
        import pandas as pd

        frame = pd.DataFrame(_rows())
        path, _ = export_table(db, TableExport("limits", frame), tmp_path / "limits.xlsx")
    finally:
        db.engine.dispose()
    ws = load_workbook(path).active
    assert ws is not None
    assert ws["A2"].value == "=1+1"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


# --------------------------------------------------------------------- statements
@pytest.fixture
def hostile_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'stmt.sqlite'}")
    with database.sessions.begin() as s:
        _build(s)
        client = s.get(Client, "K1")
        assert client is not None
        client.name = MARKUP
        trade = s.execute(select(Trade).where(Trade.trade_no == "T1")).scalar_one()
        trade.trade_no = "=1+1"  # the first cell of its row in the statement
    run_daily_settlement(database, D, user="tester")
    yield database
    database.engine.dispose()


def test_statement_xlsx_has_no_formula_and_pdf_shows_markup_literally(
    hostile_db: Database, tmp_path: Path
) -> None:
    with hostile_db.reader() as reader:
        statement = client_statement(reader.session, "K1", D)
    xlsx = write_statement(statement, tmp_path / "k1.xlsx", "en")
    ws = load_workbook(xlsx).active
    assert ws is not None
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    (trade_no,) = [c for c in cells if c.value == "=1+1"]
    assert trade_no.data_type == "s"
    assert trade_no.quotePrefix
    assert any(c.value == f"K1 {MARKUP}" for c in cells)
    pdf = write_statement(statement, tmp_path / "k1.pdf", "en")
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "<font size=40>Big</font> & <b>bold</b>" in text  # shown, not applied


def test_table_pdf_title_and_notes_show_markup_literally(tmp_path: Path) -> None:
    pdf = write_pdf_table(
        [{"client_code": MARKUP}], tmp_path / "t.pdf", title=MARKUP, notes=("<i>note</i>",)
    )
    text = PdfReader(pdf).pages[0].extract_text()
    assert text.count("<font size=40>Big</font>") == 2  # the title and the cell
    assert "<i>note</i>" in text


def test_paragraph_escapes_and_keeps_the_style() -> None:
    style = ParagraphStyle("t", fontSize=9)
    made = paragraph(MARKUP + "\x1b[2J", style)
    assert made.getPlainText() == MARKUP + "\\x1b[2J"
    assert {frag.fontSize for frag in made.frags} == {9}  # <font size=40> not applied


def test_every_paragraph_is_made_by_the_one_helper() -> None:
    # A Paragraph built elsewhere could forget the escaping; only pdf_text makes them.
    core = Path(__file__).resolve().parents[2] / "core"
    offenders = []
    for source in core.rglob("*.py"):
        if source.name == "pdf_text.py":
            continue
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "Paragraph":
                    offenders.append(f"{source.relative_to(core.parent)}:{node.lineno}")
    assert offenders == []
