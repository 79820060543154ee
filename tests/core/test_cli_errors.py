"""No traceback reaches a user of the command line (issue #13 points 4, 5 and 7).

Each failure is one line: an unexpected error names the log file that holds its
traceback; a database that is busy, damaged, full, read-only or missing says so; an
``--out`` that cannot be written is refused before any work; control characters in
arguments and data are printed escaped.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

import core.cli.cmd_settle
import core.db.engine
from core.cli import main
from core.db.engine import open_database
from core.services.demo import create_demo_data
from core.services.store import action_description

DAY = "2026-11-20"
NEXT_DAY = "2026-11-23"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-errors") / "demo.sqlite"
    db = open_database(f"sqlite:///{path}")
    try:
        create_demo_data(db, scale="small", clients=60, user="tester")
    finally:
        db.engine.dispose()
    return path


@pytest.fixture
def path(template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo.sqlite"
    shutil.copyfile(template, target)
    return target


@pytest.fixture
def url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture
def deposits(tmp_path: Path) -> Path:
    """Fund movements whose note is easy to find in any output (it must not appear)."""
    target = tmp_path / "deposits.csv"
    rows = [
        f"F20261123-Z{i:04d},{NEXT_DAY},0101,{10000001 + i % 60},deposit,100.00,ROWDATA-{i}"
        for i in range(400)
    ]
    header = "movement_no,trading_day,member,client,kind,amount,note"
    target.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return target


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


# --------------------------------------------------------------------- unexpected errors
def test_an_unexpected_error_is_logged_and_named_in_one_line(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_args: object) -> int:
        raise ValueError("boom \x1b[2J")

    monkeypatch.setattr(core.cli.cmd_settle, "run", broken)
    assert main(["--db", url, "settle", "--date", DAY]) == 1
    line = _one_line(capsys.readouterr().err)
    found = re.fullmatch(
        r"riskdesk: unexpected error \(ValueError: boom \\x1b\[2J\); the details are in "
        r"(?P<log>.+); please report them",
        line,
    )
    assert found, line
    log = Path(found["log"]).read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log
    assert 'raise ValueError("boom \\x1b[2J")' in log
    assert "unexpected error in riskdesk settle: ValueError: boom" in log


def test_a_database_error_outside_the_doors_is_one_line_without_sql(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorname = "SQLITE_BUSY"  # type: ignore[attr-defined]

    def locked(_args: object) -> int:
        raise OperationalError("INSERT INTO trade VALUES (?)", ("SECRET-ROW",), busy)

    monkeypatch.setattr(core.cli.cmd_settle, "run", locked)
    assert main(["--db", url, "settle", "--date", DAY]) == 1
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"riskdesk: database {url} is busy: another process holds a lock")
    assert "SECRET-ROW" not in line
    assert "INSERT" not in line


# --------------------------------------------------------------------- arguments
def test_control_characters_in_arguments_are_echoed_escaped(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", url, "import", "clients", "/tmp/\x1b]52;c;aGk=\x07x.csv"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\x07" not in err
    assert "\\x1b]52;c;aGk=\\x07x.csv" in err
    assert main(["--db", url, "limits", "--day", "2026-11-20\x1b[2J\r"]) == 2  # argparse's own
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\r" not in err
    assert "2026-11-20\\x1b[2J" in err


def test_out_into_a_missing_folder_or_a_folder_is_refused_before_the_work(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-folder" / "limits.csv"
    assert main(["--db", url, "limits", "--out", str(missing)]) == 2
    out, err = capsys.readouterr()
    assert out == ""  # refused before the table was computed
    assert "Traceback" not in err
    assert err.splitlines()[-1] == (
        f"riskdesk limits: error: argument --out: cannot write '{missing}': folder "
        f"'{missing.parent}' does not exist"
    )
    assert main(["--db", url, "calls", "--out", str(tmp_path)]) == 2
    assert f"'{tmp_path}' is a folder; give a file name" in capsys.readouterr().err
    out = tmp_path / "limits.xlsx"
    assert main(["--db", url, "limits", "--out", str(out)]) == 0
    assert out.stat().st_size > 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_out_into_an_unwritable_folder_is_refused(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    assert main(["--db", url, "limits", "--out", str(locked / "x.csv")]) == 2
    assert "is not writable" in capsys.readouterr().err


def test_a_mistyped_database_path_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], deposits: Path
) -> None:
    typo = tmp_path / "firm.sqlte"
    for argv in (
        ["settle", "--date", DAY],
        ["import", "fund-movements", str(deposits)],
        ["limits"],
        ["db", "info"],
        ["db", "check"],
    ):
        assert main(["--db", f"sqlite:///{typo}", *argv]) == 2, argv
        line = _one_line(capsys.readouterr().err)
        assert line.startswith(f"riskdesk: no database at {typo}: nothing was created")
        assert not typo.exists()
    assert main(["--db", f"sqlite:///{typo}", "db", "upgrade"]) == 0  # on request only
    assert typo.exists()


# --------------------------------------------------------------------- writers
def test_a_writer_outside_riskdesk_is_waited_for_then_refused(
    url: str, path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # e.g. the sqlite3 shell: no holder file
        before = _count(path, "reserve_history")
        assert main(["--db", url, "--wait", "0.1", "settle", "--date", DAY]) == 1
        err = capsys.readouterr().err.splitlines()
        assert err == [
            "riskdesk: waiting up to 0.1 s: another process is writing to the database",
            f"riskdesk: cannot start the settlement of {DAY} now: another process is writing "
            "to the database; waited 0.1 s, nothing was written; try again when it has finished",
        ]
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _count(path, "reserve_history") == before


def test_a_holder_file_left_by_a_killed_writer_names_no_one(
    url: str, path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A settlement killed with -9 leaves its holder file; SQLite's own lock is gone.
    dead = '{"what": "settlement of 2026-11-20", "user": "ops", "pid": 999999999, '
    dead += f'"host": "{os.uname().nodename}", "started": "2026-11-20T07:00:00+00:00"}}'
    Path(f"{path}-writer").write_text(dead, encoding="utf-8")
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        assert main(["--db", url, "--wait", "0", "settle", "--date", DAY]) == 1
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "another process is writing to the database" in capsys.readouterr().err
    assert main(["--db", url, "--wait", "0", "settle", "--date", DAY]) == 0  # free again
    assert not Path(f"{path}-writer").exists()  # replaced, then removed by the settlement


def test_writes_are_described_for_the_others() -> None:
    assert action_description("settlement.run") == "settlement"
    assert action_description("import.trades") == "import of trades"
    assert action_description("export.margin_calls") == "export of margin calls"
    assert action_description("something.else") == "something.else"


# --------------------------------------------------------------------- faults
def test_a_full_database_is_one_line_without_row_data(
    url: str,
    path: Path,
    deposits: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # No tiny disk without root: SQLite's page limit gives the same SQLITE_FULL.
    connect = core.db.engine._sqlite_on_connect

    def small_disk(dbapi_conn: sqlite3.Connection, record: object, **kwargs: bool) -> None:
        connect(dbapi_conn, record, **kwargs)
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 8}")

    monkeypatch.setattr(core.db.engine, "_sqlite_on_connect", small_disk)
    before = _count(path, "fund_movement")
    assert main(["--db", url, "import", "fund-movements", str(deposits)]) == 1
    line = _one_line(capsys.readouterr().err)
    assert line == (
        f"riskdesk: database {url} is full (database or disk is full); the import of "
        f"fund-movements ({deposits.name}) was rolled back, nothing was written; free disk "
        "space and try again"
    )
    assert "ROWDATA" not in line
    assert _count(path, "fund_movement") == before


def _damage(path: Path) -> None:
    """Overwrite ten pages two thirds into the file (data pages, not the schema)."""
    with path.open("r+b") as f:
        size = path.stat().st_size
        for offset in range(2 * size // 3, 2 * size // 3 + 10 * 4096, 4096):
            f.seek(offset + 100)
            f.write(bytes(range(256)) * 8)


def test_a_damaged_file_is_reported_by_db_check_and_refuses_writes(
    url: str, path: Path, deposits: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _damage(path)
    digest = _digest(path)
    assert main(["--db", url, "db", "check"]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert "Traceback" not in out
    integrity = next(line for line in out.splitlines() if "sqlite integrity" in line)
    assert integrity.startswith("FAIL  sqlite integrity: damaged: ")
    assert integrity.endswith("; restore a backup")
    for argv, doing in (
        (["settle", "--date", DAY], f"the settlement of {DAY}"),
        (
            ["import", "fund-movements", str(deposits)],
            f"the import of fund-movements ({deposits.name})",
        ),
    ):
        assert main(["--db", url, *argv]) == 1
        line = _one_line(capsys.readouterr().err)
        assert re.fullmatch(
            f"riskdesk: database {re.escape(url)} is damaged \\(.+\\); {re.escape(doing)} was "
            "(refused|rolled back), nothing was written; run 'riskdesk db check' and restore "
            "a backup",
            line,
        ), line
    assert _digest(path) == digest


def test_a_file_damaged_where_sqlite_reads_first(
    url: str, path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with path.open("r+b") as f:  # page 1 after the header: the schema
        f.seek(100)
        f.write(b"\xff" * 3000)
    assert main(["--db", url, "db", "check"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"database  {url}",
        "FAIL  sqlite integrity: database disk image is malformed; restore a backup",
    ]
    assert err == ""
    assert main(["--db", url, "limits"]) == 1
    assert "is damaged (database disk image is malformed)" in _one_line(capsys.readouterr().err)


def test_a_file_that_is_not_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.sqlite"
    notes.write_bytes(b"minutes of the risk meeting\n" * 300)
    assert main(["--db", f"sqlite:///{notes}", "db", "check"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  sqlite integrity: file is not a database; restore a backup" in out
    assert main(["--db", f"sqlite:///{notes}", "settle", "--date", DAY]) == 1
    line = _one_line(capsys.readouterr().err)
    assert "is not an SQLite database, or is damaged beyond reading" in line


@pytest.fixture
def read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Open every SQLite file as if the user could not write it (root can write any file;
    tests/integration/test_db_faults.py makes a really read-only one)."""
    monkeypatch.setattr(core.db.engine, "sqlite_access", lambda _path: "ro")


def test_a_read_only_database_is_viewed_and_refuses_writes(
    url: str, path: Path, tmp_path: Path, read_only: None, capsys: pytest.CaptureFixture[str]
) -> None:
    digest = _digest(path)
    assert main(["--db", url, "limits", "--day", DAY]) == 0
    capsys.readouterr()
    assert main(["--db", url, "settle", "--date", DAY]) == 1
    assert _one_line(capsys.readouterr().err) == (
        f"riskdesk: database {url} is read-only (opened for viewing only): the settlement "
        f"of {DAY} needs to write to it; nothing was written"
    )
    out = tmp_path / "calls.csv"
    assert main(["--db", url, "calls", "--out", str(out)]) == 1
    assert "is read-only (opened for viewing only): an export" in capsys.readouterr().err
    assert not out.exists()  # every export is audited: none without its entry
    assert _digest(path) == digest
