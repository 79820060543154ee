"""Bulk I/O (issue #17): large imports stay all-or-nothing and exact, the driver-level
insert stores what the Core insert stores, and the column-wise exports write every cell
as ``core.reports.cells`` says (no formula, exact yuan)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.db.engine import Database, open_database
from core.db.tables import Position, Trade
from core.errors import InputError, OperationCancelledError, ValidationErrors
from core.imports import reader, upsert
from core.reports import xlsx_stream
from core.reports.cells import map_distinct
from core.reports.export import export_frame, write_table
from core.services.imports import import_file
from tests.core.test_imports import (
    DAILY_KINDS,
    POSITIONS_HEADER,
    TABLES,
    add_reference_rows,
    contents,
    copy_db,
    counts,
    import_sample,
    write,
)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference rows of tests/core/test_imports.py in a migrated file, built once."""
    path = tmp_path_factory.mktemp("bulk") / "template.sqlite"
    database = open_database(f"sqlite:///{path}")
    with database.sessions.begin() as session:
        add_reference_rows(session)
    database.engine.dispose()
    return path


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Iterator[Database]:
    database = copy_db(template_db, tmp_path)
    yield database
    database.engine.dispose()


TRADES_HEADER = "trading_day,trade_no,traded_at,client,contract,side,action,hedge,lots,price,fee"


def _trades(n: int) -> list[str]:
    """``n`` good trades of 2026-11-20 (distinct trade numbers, prices on m2701's tick)."""
    return [
        f"2026-11-20,N{i:06d},2026-11-20 09:{i // 60 % 60:02d}:{i % 60:02d},"
        f"1000000{1 + i % 5},m2701,{'long' if i % 2 else 'short'},open,0,{1 + i % 7},"
        f"{3000 + i % 40},{(1 + i % 7) * 1.5:.2f}"
        for i in range(n)
    ]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of a few hundred rows, so that a test file of thousands crosses many."""
    monkeypatch.setattr(reader, "CSV_CHUNK_ROWS", 700)
    monkeypatch.setattr(upsert, "WRITE_CHUNK", 500)


def _trade_count(db: Database) -> int:
    with db.sessions() as session:
        return int(session.execute(select(func.count()).select_from(Trade)).scalar_one())


@pytest.mark.usefixtures("small_chunks")
def test_bad_last_row_of_a_large_file_is_named_and_nothing_is_written(
    db: Database, tmp_path: Path
) -> None:
    lines = _trades(3_000)
    bad = lines[-1].rsplit(",", 2)
    lines[-1] = f"{bad[0]},3012.5,{bad[2]}"  # off m2701's 1.00 tick, on the last row
    path = write(tmp_path, "t.csv", "\n".join([TRADES_HEADER, *lines]) + "\n")
    before = counts(db)
    with pytest.raises(ValidationErrors) as info:
        import_file(db, "trades", path, user="tester")
    assert counts(db) == before
    assert [e.describe() for e in info.value.errors] == [
        "t.csv, row 3001, field 'price': must be a multiple of the tick of m2701 (1.00 yuan), "
        "got '3012.5'"
    ]

    lines[-1] = f"{bad[0]},3012,{bad[2]}"
    path = write(tmp_path, "t.csv", "\n".join([TRADES_HEADER, *lines]) + "\n")
    result, _ = import_file(db, "trades", path, user="tester")
    assert (result.rows, result.inserted) == (3_000, 3_000)
    assert _trade_count(db) == 3_000
    with db.sessions() as session:
        last = session.scalars(select(Trade).where(Trade.trade_no == "N002999")).one()
    # row 3001: i = 2999 → client 1000000(1 + 2999 % 5 = 5), 1 + 2999 % 7 = 4 lots,
    # fee 4 × 1.50 = 6.00, the corrected price 3012
    assert (last.client_code, last.lots, last.price_fen, last.fee_fen) == (
        "10000005",
        4,
        301_200,
        600,
    )


@pytest.mark.usefixtures("small_chunks")
def test_a_failure_after_chunks_were_written_rolls_all_of_them_back(
    db: Database, tmp_path: Path
) -> None:
    path = write(tmp_path, "t.csv", "\n".join([TRADES_HEADER, *_trades(2_600)]) + "\n")
    writes: list[int] = []

    def progress(stage: str, done: int, total: int | None) -> None:
        if stage == "write":
            writes.append(done)
            if done >= 1_500:  # three chunks of 500 are in the transaction
                raise OperationCancelledError("stop")

    before = counts(db)
    with pytest.raises(OperationCancelledError):
        import_file(db, "trades", path, user="tester", progress=progress)
    assert writes == [0, 500, 1_000, 1_500]
    assert counts(db) == before


def _trade_indexes(db: Database) -> list[tuple[str, str]]:
    with db.engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'trade' "
            "ORDER BY name"
        ).all()
    return [(str(name), str(sql)) for name, sql in found]


def test_a_bulk_insert_rebuilds_the_plain_index_as_it_was(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many new rows (the threshold lowered to this file): the table's plain index is
    dropped for the insert and created again from its own statement in the same
    transaction; a cancelled import leaves it as it was too, and the connection's page
    cache is back to its size."""
    monkeypatch.setattr(upsert, "REBUILD_INDEXES_FROM", 1_000)
    monkeypatch.setattr(upsert, "WRITE_CHUNK", 500)
    indexes = _trade_indexes(db)
    assert tuple(n for n, s in indexes if s != "None") == ("ix_trade_day_client",)
    dropped: list[str] = []
    real_plain = upsert._plain_indexes

    def plain(session: Any, table: str) -> list[tuple[str, str]]:
        found = real_plain(session, table)
        dropped.extend(name for name, _ in found)
        return found

    monkeypatch.setattr(upsert, "_plain_indexes", plain)
    path = write(tmp_path, "t.csv", "\n".join([TRADES_HEADER, *_trades(2_600)]) + "\n")

    def cancel(stage: str, done: int, total: int | None) -> None:
        if stage == "write" and done >= 1_500:
            raise OperationCancelledError("stop")

    with pytest.raises(OperationCancelledError):
        import_file(db, "trades", path, user="tester", progress=cancel)
    assert dropped == ["ix_trade_day_client"]
    assert _trade_indexes(db) == indexes
    assert _trade_count(db) == 0
    result, _ = import_file(db, "trades", path, user="tester")
    assert dropped == ["ix_trade_day_client"] * 2
    assert result.inserted == 2_600
    assert _trade_indexes(db) == indexes
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -2000
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM trade WHERE trading_day = '2026-11-20' "
            "AND client_code = '10000003'"
        ).all()
        assert "ix_trade_day_client" in str(plan)
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    # few rows against the table: inserted with the index in place
    more = [line.replace(",N", ",M") for line in _trades(1_200)]
    path = write(tmp_path, "m.csv", "\n".join([TRADES_HEADER, *more]) + "\n")
    import_file(db, "trades", path, user="tester")
    assert dropped == ["ix_trade_day_client"] * 2
    assert _trade_count(db) == 3_800


CSV_PIECES = ["a", "B7", ",", ",", "\n", "\r\n", "\r", " ", "中", "\t", "#", "\ufeff", "'", "="]


@settings(max_examples=400, deadline=None)
@given(
    text=st.lists(st.sampled_from(CSV_PIECES), min_size=1, max_size=30).map("".join),
    quoted=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_arrow_reads_a_csv_as_the_pandas_parser_does(
    text: str, quoted: bool, encoding: str
) -> None:
    """Whatever Arrow reads (files without quotes, first line not empty) is what the
    pandas parser reads, cell for cell and row number for row number; every other
    file is the pandas parser's."""
    if quoted:
        text = text.replace("B7", '"B,7"', 1)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    path = Path("t.csv")

    def table(arrow: bool) -> tuple[Any, ...] | str:
        saved = reader._arrow_frame
        try:
            if not arrow:
                reader._arrow_frame = lambda _data, _encoding: None  # type: ignore[assignment]
            raw = reader.read_table(path, data)
        except InputError as exc:
            return str(exc)
        finally:
            reader._arrow_frame = saved  # type: ignore[method-assign]
        cells = raw.frame.astype(object).to_numpy().tolist()
        return raw.headers, raw.rows.tolist(), cells

    assert table(True) == table(False)
    if '"' in text:
        with_bom = text.encode("utf-8-sig")
        assert reader._arrow_frame(with_bom, "utf-8-sig") is None


def test_arrow_reads_the_sample_files_as_pandas_does(tmp_path: Path) -> None:
    lines = "\n".join([TRADES_HEADER, *_trades(3_000)]) + "\n"
    for encoding in ("utf-8", "utf-8-sig", "gb18030"):
        data = lines.encode(encoding)
        fast = reader._arrow_frame(data, "gb18030" if encoding == "gb18030" else "utf-8-sig")
        assert fast is not None
        raw = reader.read_table(Path("t.csv"), data)
        assert raw.headers[:3] == ("trading_day", "trade_no", "traded_at")
        assert len(raw) == 3_000
        assert raw.frame[1].tolist()[:2] == ["N000000", "N000001"]


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("0.07", 7),
        ("1234.56", 123_456),
        ("99999999.99", 9_999_999_999),
        ("0.1", 10),
        ("1234.560", 123_456),
        ("１２３４.５６", 123_456),  # full-width digits are the ASCII ones
    ],
)
def test_awkward_amounts_are_stored_and_exported_to_the_fen(
    db: Database, tmp_path: Path, text: str, fen: int
) -> None:
    row = f"2026-11-20,10000001,i2701,long,0,5,0,1234.5,{text}"
    path = write(tmp_path, "p.csv", f"{POSITIONS_HEADER}\n{row}\n")
    import_file(db, "positions", path, user="tester")
    with db.sessions() as session:
        stored = session.scalars(select(Position)).one()
    assert (stored.open_price_fen, stored.margin_fen) == (123_450, fen)
    out = write_table(
        [{"margin_fen": stored.margin_fen, "price_fen": stored.open_price_fen}],
        tmp_path / "p.csv",
    )
    with out.open(encoding="utf-8-sig", newline="") as f:
        assert list(csv.reader(f)) == [
            ["margin_yuan", "price_yuan"],
            [f"{fen // 100}.{fen % 100:02d}", "1234.50"],
        ]


def test_driver_insert_stores_what_the_core_insert_stores(
    db: Database, template_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The samples of every daily kind (dates, Beijing times, booleans, NULLs, fen)
    through the driver (``executemany`` of tuples) and through SQLAlchemy Core."""
    for kind in DAILY_KINDS:
        import_sample(db, kind)
    (tmp_path / "core").mkdir()
    core_db = copy_db(template_db, tmp_path / "core")
    monkeypatch.setattr(upsert, "_driver_insert", lambda *_args: None)
    try:
        for kind in DAILY_KINDS:
            import_sample(core_db, kind)
        for kind in DAILY_KINDS:
            assert contents(db, TABLES[kind]) == contents(core_db, TABLES[kind]), kind
            assert contents(db, TABLES[kind]), kind
    finally:
        core_db.engine.dispose()


def test_many_distinct_codes_take_the_vectorised_path(db: Database, tmp_path: Path) -> None:
    """Over a thousand distinct trade numbers: plain ones pass as written, a bad one is
    still named with its character."""
    lines = _trades(1_200)
    lines[700] = lines[700].replace("N000700", "N0007 00")
    path = write(tmp_path, "t.csv", "\n".join([TRADES_HEADER, *lines]) + "\n")
    with pytest.raises(ValidationErrors) as info:
        import_file(db, "trades", path, user="tester")
    [error] = info.value.errors
    assert error.describe().startswith("t.csv, row 702, field 'trade_no': ")
    assert "U+0020 SPACE" in error.describe()
    lines[700] = lines[700].replace("N0007 00", "N000700")
    path = write(tmp_path, "t.csv", "\n".join([TRADES_HEADER, *lines]) + "\n")
    import_file(db, "trades", path, user="tester")
    with db.sessions() as session:
        numbers = set(session.scalars(select(Trade.trade_no)))
    assert numbers == {f"N{i:06d}" for i in range(1_200)}


# --------------------------------------------------------------------- exports
def test_map_distinct_keeps_equal_values_of_other_types_apart() -> None:
    values = [1, True, 1.0, "1", None, 1, True, float("nan"), np.int64(1)]
    assert map_distinct(values, repr).tolist() == [repr(v) for v in values]
    assert map_distinct(np.array([3, 3, 4]), lambda v: v * 2).tolist() == [6, 6, 8]


HOSTILE = ["=1+1", "+cmd|'/C calc'!A0", "@SUM(A1:A9)", "-1+1", "\t=2"]


def _orders(n: int) -> pd.DataFrame:
    codes = [HOSTILE[i % 5] if i % 11 == 0 else f"{10_000_000 + i % 97}" for i in range(n)]
    return pd.DataFrame(
        {
            "client_code": codes,
            "contract_code": ["m2701", "i2701", "c2701"] * (n // 3) + ["y2701"] * (n % 3),
            "side_to_close": ["卖平", "买平"] * (n // 2) + ["卖平"] * (n % 2),
            "lots": np.arange(n, dtype=np.int64) % 13 - 2,
            "hedge": [i % 3 == 0 for i in range(n)],
            "release_fen": [None if i % 17 == 0 else i * 7 - 5 for i in range(n)],
        }
    )


def test_xlsx_of_many_rows_reads_back_cell_for_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_stream, "CHUNK_ROWS", 7)  # many chunks
    frame = _orders(100)
    path = write_table(frame, tmp_path / "orders.xlsx", labels={"client_code": "客户"})
    expected = export_frame(frame, {"client_code": "客户"})
    ws = load_workbook(path).active
    assert ws is not None
    rows = list(ws.iter_rows())
    assert [c.value for c in rows[0]] == list(expected.columns)
    assert len(rows) == 101
    for row, want in zip(rows[1:], expected.itertuples(index=False), strict=True):
        assert [c.value for c in row] == [None if v is None else v for v in want]
        code = row[0]
        assert code.data_type == "s"
        assert code.quotePrefix == (code.value in HOSTILE)
        assert all(c.data_type != "f" for c in row)
    assert rows[1][5].value is None  # row 0: release_fen None → empty cell
    assert rows[2][5].value == "0.02"  # 1 × 7 − 5 fen, exact text
    assert rows[2][3].value == -1  # lots 1 % 13 − 2: a negative number stays a number
    assert rows[2][4].value is False


def test_csv_of_many_rows_neutralises_every_formula_cell(tmp_path: Path) -> None:
    frame = _orders(100)
    path = write_table(frame, tmp_path / "orders.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 101
    for i, row in enumerate(rows[1:]):
        code = frame["client_code"][i]
        assert row[0] == ("'" + code if code in HOSTILE else code)
        fen = i * 7 - 5
        assert row[5] == ("" if i % 17 == 0 else f"{fen // 100}.{fen % 100:02d}")
