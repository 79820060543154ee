"""Fuzzing every import kind (issue #13): hostile cells and files never produce a traceback
or a partial write.

Each example takes rows of the kind's sample file and replaces cells with hostile values
(huge and malformed numbers, exponents, full-width digits, zero-width and control
characters, formula prefixes, dates out of range, look-alike codes). The import must
either succeed — the kind's table grows by exactly the rows reported new, a batch row and
an audit entry are written, a re-import changes nothing — or raise ``ValidationErrors``
whose every error names the file and, for a cell, its row and field; then no table
changed at all. Any other exception fails the test.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.db.base import Base
from core.db.engine import Database, open_database
from core.errors import ValidationErrors
from core.imports import KINDS, LAYOUTS, ImportInputError
from core.resources import resources_dir
from core.services.imports import import_file
from tests.core.test_imports import add_reference_rows, copy_db
from tests.fuzz.profile import FUZZ

SAMPLES = resources_dir() / "samples"
HOSTILE = (
    "",
    " ",
    "0",
    "-1",
    "4000000000000",
    "9" * 25,
    "9" * 5000,
    "1e400",
    "-1e400",
    "NaN",
    "inf",
    "１０",
    "３０１２．５",
    "3,000",
    "3012.505",
    "0.001",
    "2099-01-01",
    "0001-01-01",
    "1899-12-31",
    "2026-02-30",
    "2026-11-21",
    "2026-11-20 10:00:00",
    "2020-01-01 09:00:00",
    "=1+1",
    "+cmd|'/C'!A0",
    "@SUM(A1:A9)",
    "-2+3",
    "a\u200bb",
    "10000001\u200b",
    "ABC",
    "abc",
    "x" * 300,
    "line\nbreak",
    "tab\there",
    "\u202eevil",
    "'",
    '"',
    "<font size=40>big</font>",
    "long",
    "buy",
    "sell",
    "close",
    "deliver",
    "limit_up",
    "limit_down",
    "m2701",
    "M2701",
    "m9999",
    "10000001",
    "10000002",
    "0101",
    "DL01",
    "9000",
    "2188",
    "7.50",
    "100000000.00",
    "１０００００01",
)


def _sample(kind: str) -> tuple[list[str], list[list[str]]]:
    with (SAMPLES / f"{kind}.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def _count_all(db: Database) -> dict[str, int]:
    with db.sessions() as s:
        return {
            t.name: int(s.execute(select(func.count()).select_from(t)).scalar_one())
            for t in Base.metadata.sorted_tables
        }


@pytest.fixture(scope="module")
def fuzz_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz-imports") / "template.sqlite"
    database = open_database(f"sqlite:///{path}")
    with database.sessions.begin() as session:
        add_reference_rows(session)
    database.engine.dispose()
    return path


@pytest.fixture
def fuzz_db(fuzz_template: Path, tmp_path: Path) -> Iterator[Database]:
    database = copy_db(fuzz_template, tmp_path)
    yield database
    database.engine.dispose()


@st.composite
def hostile_file(draw: st.DrawFn, kind: str) -> str:
    header, rows = _sample(kind)
    picked = draw(st.lists(st.sampled_from(rows), min_size=1, max_size=4))
    out_rows = []
    for row in picked:
        cells = list(row)
        for i in range(len(cells)):
            if draw(st.integers(0, 3)) == 0:
                cells[i] = draw(st.sampled_from(HOSTILE) | st.text(max_size=12))
        out_rows.append(cells)
    columns = list(header)
    if draw(st.integers(0, 9)) == 0:  # now and then a column missing or doubled
        drop = draw(st.integers(0, len(columns) - 1))
        if draw(st.booleans()):
            columns.pop(drop)
            out_rows = [r[:drop] + r[drop + 1 :] for r in out_rows]
        else:
            columns.append(columns[drop])
            out_rows = [[*r, r[drop]] for r in out_rows]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(out_rows)
    return buf.getvalue()


def _check_errors(exc: ValidationErrors, name: str) -> None:
    assert exc.errors
    for e in exc.errors:
        assert isinstance(e, ImportInputError), e
        assert e.source == name, e
        assert e.message, e
        if e.row is not None and e.row >= 2:  # a cell or a row: its field too
            assert e.field, e
        # the message is the template's text, so it can be worded in Chinese too
        assert e.describe().startswith(name)


def _fuzz_one(db: Database, tmp_path: Path, kind: str, content: bytes) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(content)
    before = _count_all(db)
    try:
        result, _ = import_file(db, kind, path, user="fuzz")
    except ValidationErrors as exc:
        _check_errors(exc, path.name)
        assert _count_all(db) == before, "a refused import wrote something"
        return
    after = _count_all(db)
    table = LAYOUTS[kind].table.__tablename__
    changed = {t for t in after if after[t] != before[t]}
    assert changed <= {table, "import_batch", "audit_log", "trading_code", "data_revision"}
    assert after[table] - before[table] == result.inserted
    assert after["import_batch"] - before["import_batch"] == 1
    again, _ = import_file(db, kind, path, user="fuzz")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, result.rows)


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_cells_give_named_errors_or_a_clean_import(
    fuzz_db: Database, tmp_path: Path, kind: str
) -> None:
    @FUZZ
    @given(text=hostile_file(kind))
    def run(text: str) -> None:
        _fuzz_one(fuzz_db, tmp_path, kind, text.encode("utf-8", "surrogatepass"))

    run()


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_bytes_give_named_errors_or_a_clean_import(
    fuzz_db: Database, tmp_path: Path, kind: str
) -> None:
    header = (SAMPLES / f"{kind}.csv").read_bytes().splitlines()[0]

    @FUZZ
    @given(data=st.binary(max_size=200), with_header=st.booleans())
    def run(data: bytes, with_header: bool) -> None:
        _fuzz_one(fuzz_db, tmp_path, kind, header + b"\n" + data if with_header else data)

    run()
