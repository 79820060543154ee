"""Three desk processes and a feed process on one PostgreSQL server that is restarted
under them (issue #14): everyone reconnects by themselves, nothing is lost or applied
twice, and the three desks end with identical figures, equal to a desk that replays
the log afterwards, and the same alerts.

The server is this test's own (started here, stopped and started again on its port),
not the session's, which other tests use meanwhile.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.db.alert_table import AlertRow
from core.db.engine import open_database
from core.db.live_event_table import LiveEvent
from core.live.feed import FakeClock
from core.services.book_desk import BookDesk
from core.services.demo import create_demo_data
from tests.conftest import PgServer, _Runner, _start_server, find_pg_bindir
from tests.integration.processes import start_cli

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("postgres-restart")]

DESK_LINE = re.compile(
    r"desk seq=(\d+) figures=([0-9a-f]{64}) alerts=(\d+) acknowledged=(\d+) disconnects=(\d+)"
)


@pytest.fixture
def own_server() -> Iterator[tuple[PgServer, _Runner]]:
    bindir = find_pg_bindir()
    if bindir is None:
        pytest.fail("PostgreSQL server binaries not found (run scripts/setup)")
    server, runner = _start_server(bindir)
    try:
        yield server, runner
    finally:
        runner.run("pg_ctl", "stop", "-D", str(server.folder / "data"), "-m", "immediate", "-w")
        shutil.rmtree(server.folder, ignore_errors=True)


def _restart(server: PgServer, runner: _Runner, down_s: float) -> None:
    data = str(server.folder / "data")
    stop = runner.run("pg_ctl", "stop", "-D", data, "-m", "fast", "-w")
    assert stop.returncode == 0, stop.stderr
    time.sleep(down_s)  # long enough for every desk to notice
    start = runner.run(
        "pg_ctl",
        "start",
        "-D",
        data,
        "-l",
        str(server.folder / "server.log"),
        "-w",
        "-t",
        "60",
        "-o",
        f"-p {server.port}",
    )
    assert start.returncode == 0, start.stdout + start.stderr


def _events(url: str) -> int:
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(LiveEvent)).scalar_one())
    finally:
        db.engine.dispose()


def test_three_desks_and_a_feed_survive_a_server_restart(
    own_server: tuple[PgServer, _Runner], tmp_path: Path
) -> None:
    server, runner = own_server
    admin = open_database(server.url())
    try:
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql('CREATE DATABASE "book"')
    finally:
        admin.engine.dispose()
    url = server.url("book")
    db = open_database(url)
    try:
        create_demo_data(db, scale="small", user="tester")
    finally:
        db.engine.dispose()
    until = tmp_path / "until-seq"
    desks = [
        start_cli(url, "follow", "--until-file", str(until), log_dir=tmp_path / f"d{i}")
        for i in range(3)
    ]
    feed: subprocess.Popen[str] | None = None
    heads: list[str] = []
    try:
        for desk in desks:  # each desk has started its engine and follows the log
            assert desk.stdout is not None
            heads.append(desk.stdout.readline())
            assert heads[-1].startswith("following "), heads[-1]
        feed = start_cli(
            url,
            "feed",
            "--source",
            "simulated",
            "--speed",
            "5",
            "--duration",
            "300",
            "--batch",
            "400",
            "--snapshot-every",
            "1500",
            log_dir=tmp_path,
        )
        deadline = time.monotonic() + 60
        while _events(url) < 2_000 and time.monotonic() < deadline:
            time.sleep(0.3)
        before = _events(url)
        assert before > 0
        _restart(server, runner, down_s=3.0)
        deadline = time.monotonic() + 60
        while _events(url) < before + 2_000 and time.monotonic() < deadline:
            time.sleep(0.3)  # the feed goes on after the restart
        feed.send_signal(signal.SIGTERM)  # how systemd stops it
        feed_out, feed_err = feed.communicate(timeout=120)
        assert feed.returncode == 0, feed_err
        assert "alerts raised for the book" in feed_out
        after = _events(url)
        assert after > before  # the feed went on after the restart
        db = open_database(url)
        try:
            with db.engine.connect() as conn:
                seqs = conn.execute(select(LiveEvent.seq).order_by(LiveEvent.seq)).scalars().all()
                alerts = int(
                    conn.execute(
                        select(func.count())
                        .select_from(AlertRow)
                        .where(AlertRow.raise_key.is_not(None))
                    ).scalar_one()
                )
            # a desk replaying the whole log now, in this process: the reference
            reference = BookDesk(
                db, FakeClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC)), from_snapshot=False
            )
            while reference.cursor < seqs[-1]:
                assert reference.step(0.1) >= 0
            reference.refresh_alerts()
            want = reference.digest()
            reference.close()
        finally:
            db.engine.dispose()
        assert len(set(seqs)) == len(seqs)  # no event twice
        until.write_text(str(seqs[-1]), encoding="utf-8")
        reports = []
        for desk in desks:
            out, err = desk.communicate(timeout=120)
            out = heads.pop(0) + out
            assert desk.returncode == 0, err
            found = DESK_LINE.search(out)
            assert found is not None, out + err
            reports.append(found.groups())
            assert "disconnected at seq" in out, out
            assert "reconnected at seq" in out, out
        assert {r[0] for r in reports} == {str(seqs[-1])}
        assert {r[1] for r in reports} == {want}  # identical figures, to the fen
        assert {int(r[2]) for r in reports} == {alerts} == {len(reference.alerts)}
        assert all(int(r[4]) >= 1 for r in reports)
        assert alerts > 0
    finally:
        for proc in (*desks, *([] if feed is None else [feed])):
            if proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=30)
