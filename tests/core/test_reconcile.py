"""Reconciliation on the small demo (settled day 2026-11-20, 500 clients), SQLite:
RiskDesk's own statements written in the CTP layout and read back reconcile to zero;
each seeded perturbation is found as a difference naming client, field and amount, with
its likely cause; the public sample's layout is read to the figures it prints; bad
files are refused naming file, line and field."""

from __future__ import annotations

import itertools
import re
import shutil
from datetime import date
from functools import partial
from pathlib import Path

import pandas as pd
import pytest

from core import audit
from core.cli import main
from core.db import reconcile_queries as rq
from core.reconcile.causes import classify
from core.reconcile.compare import Reconciliation, compare
from core.reconcile.ctp_text import read_ctp_chunks, read_ctp_file
from core.reconcile.statements import StatementFormatError, StatementFrames
from core.services import reconcile as rec
from core.services.demo import create_demo_data
from core.services.store import Database, open_database

DAY = date(2026, 11, 20)
PUBLIC = Path(__file__).parent / "data" / "reconcile" / "ctp_public_layout.txt"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("reconcile")
    path = folder / "demo.sqlite"
    db = open_database(f"sqlite:///{path}")
    create_demo_data(db, scale="small", user="tester")
    text = folder / "statements.txt"
    rec.write_riskdesk_statements(db, DAY, text, user="tester")
    db.engine.dispose()
    return path, text


@pytest.fixture
def db(template: tuple[Path, Path], tmp_path: Path) -> Database:
    target = tmp_path / "demo.sqlite"
    shutil.copy(template[0], target)
    database = open_database(f"sqlite:///{target}")
    yield database  # type: ignore[misc]
    database.engine.dispose()


@pytest.fixture
def statements(template: tuple[Path, Path], tmp_path: Path) -> Path:
    target = tmp_path / "statements.txt"
    shutil.copy(template[1], target)
    return target


def _edit(path: Path, pattern: str, new: str) -> str:
    """Replace the first match of ``pattern``'s group 1 with ``new`` right-aligned in
    the same width (the layout is fixed width); the matched text, as it was."""
    text = path.read_bytes().decode("gbk")
    m = re.search(pattern, text)
    assert m is not None, pattern
    old = m.group(1)
    path.write_bytes((text[: m.start(1)] + new.rjust(len(old)) + text[m.end(1) :]).encode("gbk"))
    return old


def _against_riskdesk(db: Database, counter: StatementFrames) -> Reconciliation:
    with db.reader() as reader:
        side = rec.riskdesk_side(reader, DAY)
        result = compare(counter, side.frames)
        return classify(
            result, counter, side.frames, partial(rq.movements_between, reader.session), DAY
        )


def _only_diff(result: Reconciliation, **where: object) -> pd.DataFrame:
    d = result.differences
    for k, v in where.items():
        d = d[d[k] == v]
    return d


# ----------------------------------------------------------------- round trip
def test_riskdesk_statements_read_back_reconcile_to_zero(db: Database, statements: Path) -> None:
    run, _ = rec.reconcile(db, [statements], user="tester")
    assert run.statements_read == 500
    assert run.days == (DAY,)
    (day,) = run.result.days
    assert (day.matched, day.differing, day.only_counter, day.only_riskdesk) == (500, 0, 0, 0)
    assert run.result.total_differences == 0
    # the run is audited with the file's digest and the counts, never the rows
    with db.reader() as reader:
        (entry,) = [e for e in audit.recent(reader.session, 20) if e.action == "reconcile.run"]
    detail = entry.detail_data()
    assert detail["statements"] == 500
    assert detail["differences"] == 0
    assert list(detail["files"]) == ["statements.txt"]


def test_statements_carry_the_stored_figures_and_gbk_names(statements: Path) -> None:
    frames = read_ctp_file(statements).frames()
    s = frames["summary"]
    first = s[s["client"] == "10000001"].set_index("field")["value"]
    # hand-read from the written statement of 10000001 (also what the demo stored)
    assert first["prior_balance"] == 50_208_745
    assert first["balance"] == 52_290_392
    assert first["fees"] == 2_353
    assert first["margin"] == 22_260_550
    assert first["risk_ratio_bp"] == 4_257
    assert frames.names["10000001"] == "汪雪"


def test_500_byte_chunks_joined_as_bytes_read_like_the_file(statements: Path) -> None:
    data = statements.read_bytes()
    # each client's query returns its statement in 500-byte chunks: take the first
    # statement whose chunk grid cuts a two-byte GBK character (decoding alone fails)
    firm = "大连恒泰期货有限公司".encode("gbk")
    starts: list[int] = []
    at = data.find(firm)
    while at >= 0 and len(starts) < 50:
        starts.append(data.rfind(b"\n", 0, at) + 1)  # the line the statement begins
        at = data.find(firm, at + 1)
    statement = next(
        data[a:b]
        for a, b in itertools.pairwise(starts)
        if any(_splits_a_character(data[i : min(i + 500, b)]) for i in range(a, b, 500))
    )
    chunks = [statement[i : i + 500] for i in range(0, len(statement), 500)]
    joined = read_ctp_chunks(chunks).frames()
    ((client, _day, _src),) = joined.statements
    whole = read_ctp_file(statements).frames()
    assert joined.names[client] == whole.names[client]
    for table in ("summary", "positions", "trades", "closed"):
        w = whole[table]
        mine = w[w["client"] == client].reset_index(drop=True)
        pd.testing.assert_frame_equal(joined[table].reset_index(drop=True), mine)
    # a chunk a binding decoded on its own is refused, not guessed
    with pytest.raises(StatementFormatError, match="decoded on its own"):
        read_ctp_chunks([chunks[0].decode("gbk", errors="replace")])


def _splits_a_character(chunk: bytes) -> bool:
    try:
        chunk.decode("gbk")
    except UnicodeDecodeError:
        return True
    return False


# ----------------------------------------------------------------- perturbations
def test_a_fee_off_by_one_fen_is_a_break_naming_client_field_and_amount(
    db: Database, statements: Path, tmp_path: Path
) -> None:
    old = _edit(statements, r"手 续 费 Commission：\s*(\d+\.\d\d)", "23.54")
    assert old.strip() == "23.53"  # client 10000001's commission
    run, _ = rec.reconcile(db, [statements], user="tester")
    d = run.result.differences
    assert len(d) == 1
    row = d.iloc[0]
    assert (row["client"], row["section"], row["field"]) == ("10000001", "summary", "fees")
    assert (row["counter"], row["riskdesk"], row["difference"]) == (2_354, 2_353, 1)
    (day,) = run.result.days
    assert (day.matched, day.differing) == (499, 1)
    # the command line reports it and fails
    out = tmp_path / "breaks.csv"
    code = main(
        [
            "--db",
            str(db.engine.url),
            "reconcile",
            "--date",
            DAY.isoformat(),
            str(statements),
            "--out",
            str(out),
        ]
    )
    assert code == 1
    exported = pd.read_csv(out, dtype=str)
    assert exported[["client", "field", "counter", "riskdesk", "difference"]].values.tolist() == [
        ["10000001", "fees", "23.54", "23.53", "0.01"]
    ]


def test_a_missing_position_is_only_in_riskdesk(db: Database, statements: Path) -> None:
    counter = read_ctp_file(statements).frames()
    pos = counter["positions"]
    dropped = pos.iloc[0]
    tables = dict(counter.tables)
    tables["positions"] = pos.iloc[1:].reset_index(drop=True)
    result = _against_riskdesk(db, StatementFrames(tables, counter.statements, counter.names))
    d = _only_diff(result, section="positions", client=dropped["client"])
    assert len(d) >= 1
    assert set(d["key"]) == {"c2701 long spec"}
    lots = d[d["field"] == "lots"].iloc[0]
    assert (lots["counter"], lots["riskdesk"]) == (None, 3)


def test_a_flipped_hedge_flag_is_named(db: Database, statements: Path) -> None:
    counter = read_ctp_file(statements).frames()
    tables = dict(counter.tables)
    pos = tables["positions"].copy()
    pos.loc[0, "hedge"] = True  # 10000001's c2701 long line, speculative in RiskDesk
    tables["positions"] = pos
    result = _against_riskdesk(db, StatementFrames(tables, counter.statements, counter.names))
    d = _only_diff(result, client="10000001", section="positions")
    assert len(d) >= 2  # the hedge line on the counter only, the spec line in RiskDesk only
    assert set(d["cause"]) == {"hedge_flag"}


def test_a_deposit_on_the_wrong_day_is_named(db: Database, statements: Path) -> None:
    counter = read_ctp_file(statements).frames()
    tables = dict(counter.tables)
    dep = tables["deposits"].copy()
    client, amount = dep.loc[0, "client"], dep.loc[0, "amount_fen"]
    dep.loc[0, "on"] = date(2026, 11, 19)
    tables["deposits"] = dep
    result = _against_riskdesk(db, StatementFrames(tables, counter.statements, counter.names))
    d = _only_diff(result, client=client, section="deposits")
    assert len(d) == 2
    assert set(d["cause"]) == {"deposit_day"}
    assert {v for v in d["counter"].tolist() + d["riskdesk"].tolist() if v is not None} == {amount}


def test_a_trade_split_in_two_is_named(db: Database, statements: Path) -> None:
    counter = read_ctp_file(statements).frames()
    tables = dict(counter.tables)
    tr = tables["trades"]
    two = tr[tr["lots"] >= 2].iloc[0]
    a, b = two.copy(), two.copy()
    a["lots"], b["lots"] = 1, int(two["lots"]) - 1
    a["trade_no"], b["trade_no"] = f"{two['trade_no']}a", f"{two['trade_no']}b"
    rest = tr[tr["trade_no"] != two["trade_no"]]
    tables["trades"] = pd.concat([rest, pd.DataFrame([a, b])], ignore_index=True)
    result = _against_riskdesk(db, StatementFrames(tables, counter.statements, counter.names))
    d = _only_diff(result, client=two["client"], section="trades")
    assert len(d) >= 3
    assert set(d["cause"]) == {"split_trade"}


# ----------------------------------------------------------------- the public layout
def test_the_public_sample_layout_reads_to_the_figures_it_prints() -> None:
    frames = read_ctp_file(PUBLIC).frames()
    s = frames["summary"].set_index("field")["value"]
    assert s["prior_balance"] == 1_000_000_000  # 10000000.00
    assert s["close_pnl"] == 24_000  # 240.00
    assert s["position_pnl"] == -137_000  # -1370.00
    assert s["fees"] == 1_141  # 11.41
    assert s["balance"] == 999_885_859  # 9998858.59
    assert s["margin"] == 17_204_320  # 172043.20: SHFE's larger side
    assert s["available"] == 982_681_539
    assert s["risk_ratio_bp"] == 172
    # its position-detail lines add up to 200,132.80 (both sides of ag2306)
    assert int(frames["positions"]["margin_fen"].sum()) == 20_013_280
    assert frames["trades"]["lots"].tolist() == [4, 4, 4, 2, 2]
    assert int(frames["trades"]["fee_fen"].sum()) == 1_141


# ----------------------------------------------------------------- bad input
def test_a_malformed_figure_names_file_line_and_field(statements: Path) -> None:
    old = _edit(statements, r"\|[^|\n]*\|\s*\d+\|\s*\d+\.\d\d\|[^|\n]*\|\s*(\d+\.\d\d)\|", "2x.53")
    assert old
    text = statements.read_bytes().decode("gbk")
    line = text[: text.index("2x.53")].count("\n") + 1
    with pytest.raises(StatementFormatError) as err:
        read_ctp_file(statements)
    assert err.value.source == "statements.txt"
    assert err.value.row == line
    assert err.value.field
    assert f"statements.txt, row {line}" in str(err.value)


def test_a_day_the_files_do_not_hold_is_refused(db: Database, statements: Path) -> None:
    from core.errors import InputError

    with pytest.raises(InputError, match="no statement of 2026-11-19") as err:
        rec.reconcile(db, [statements], day=date(2026, 11, 19))
    assert err.value.field == "date"
    with db.reader() as reader:
        assert not [e for e in audit.recent(reader.session, 20) if e.action == "reconcile.run"]
