"""Two writers at once, in real processes, on SQLite and PostgreSQL (issue #13 point 4).

A second settlement, an import during a settlement, two overlapping imports: the later
one waits for the writer lock (saying whom it waits for) or, when its wait ends, is
refused with one line naming the other writer — never "database is locked" or a
unique-key violation with a traceback — and writes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from core.db.engine import open_database
from core.db.tables import Member
from core.errors import DatabaseFaultError
from core.services.store import Written, write
from tests.integration.processes import (
    DAY,
    Copies,
    checksums,
    count,
    fund_movements_file,
    one_line,
    release,
    results,
    start_cli,
    start_holder,
)

STARTED = r"started by holder at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d\d:\d\d, process PID"


@pytest.fixture(scope="module")
def movements(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fund_movements_file(tmp_path_factory.mktemp("writers") / "deposits.csv", 400)


def test_a_second_writer_is_told_who_writes_and_writes_nothing(
    copies: Copies, movements: Path, tmp_path: Path
) -> None:
    url = copies.copy()
    before = checksums(url)
    holder = start_holder(url, f"settlement of {DAY}", log_dir=tmp_path)
    started = STARTED.replace("PID", str(holder.pid))
    try:
        refused = results(
            {
                "settle": start_cli(url, "--wait", "0", "settle", "--date", DAY, log_dir=tmp_path),
                "import": start_cli(
                    url, "--wait", "0", "import", "fund-movements", str(movements), log_dir=tmp_path
                ),
            }
        )
        waiting = start_cli(
            url, "--wait", "120", "import", "fund-movements", str(movements), log_dir=tmp_path
        )
        assert waiting.stderr is not None
        said = waiting.stderr.readline()  # blocks until the waiting writer speaks
        assert checksums(url) == before  # the refused writers wrote nothing
    finally:
        release(holder)
    for name, doing in (
        ("settle", f"the settlement of {DAY}"),
        ("import", f"the import of fund-movements \\({movements.name}\\)"),
    ):
        code, _out, err = refused[name]
        assert code == 1, err
        assert re.fullmatch(
            f"riskdesk: cannot start {doing} now: another settlement of {DAY} is running "
            f"\\({started}\\); nothing was written; try again when it has finished",
            one_line(err),
        ), err
    assert re.fullmatch(
        f"riskdesk: waiting up to 120 s: another settlement of {DAY} is running \\({started}\\)\n",
        said,
    ), said
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert "imported 400 fund-movements row(s): 400 new" in out
    assert "Traceback" not in err


def test_two_settlements_and_two_imports_at_once_all_succeed_one_after_another(
    copies: Copies, movements: Path, tmp_path: Path
) -> None:
    url = copies.copy()
    deposits = count(url, "fund_movement")
    done = results(
        {
            "settle 1": start_cli(url, "settle", "--date", DAY, log_dir=tmp_path),
            "import 1": start_cli(
                url, "import", "fund-movements", str(movements), log_dir=tmp_path
            ),
            "settle 2": start_cli(url, "settle", "--date", DAY, log_dir=tmp_path),
            "import 2": start_cli(
                url, "import", "fund-movements", str(movements), log_dir=tmp_path
            ),
        }
    )
    for name, (code, _out, err) in done.items():
        assert code == 0, (name, err)
        for word in ("Traceback", "locked", "Integrity"):
            assert word not in err, (name, err)
    assert done["settle 1"][1] == done["settle 2"][1]  # the same settlement twice
    summaries = sorted(done[name][1].split(": ", 1)[1] for name in ("import 1", "import 2"))
    assert summaries == [
        "imported 400 fund-movements row(s): 0 new, 0 updated, 400 unchanged (batch 2)\n",
        "imported 400 fund-movements row(s): 400 new, 0 updated, 0 unchanged (batch 1)\n",
    ]
    assert count(url, "fund_movement") == deposits + 400
    assert count(url, "import_batch") == 2


def test_a_key_stored_meanwhile_is_one_line_without_the_row(copies: Copies) -> None:
    # The lock keeps RiskDesk's writers apart; a row stored by anything else between a
    # check and an insert still ends as one line naming the constraint, not the values.
    db = open_database(copies.copy(), create=False)

    def work(session: Session) -> Written[None]:
        session.add(Member(code="ZZ99", name="first", kind="brokerage", min_reserve_fen=0))
        session.flush()
        session.add(Member(code="ZZ99", name="second", kind="brokerage", min_reserve_fen=0))
        session.flush()
        return Written(None, None, {})  # type: ignore[arg-type]

    try:
        with pytest.raises(DatabaseFaultError) as caught:
            write(db, "members.add", work)
        with db.reader() as reader:
            assert reader.session.get(Member, "ZZ99") is None
    finally:
        db.engine.dispose()
    message = str(caught.value)
    assert caught.value.kind == "duplicate"
    assert "refused a row whose key already exists" in message
    assert "the members.add was rolled back, nothing was written" in message
    assert "ZZ99" not in message
    assert "\n" not in message
