"""A really read-only database and a really full disk (issue #13 point 5).

Both need a file system of their own: the command line runs inside a private mount
namespace (``unshare --mount``, as root) on a read-only bind mount of the database's
folder, or on a tmpfs a little larger than the database. Without that privilege the
read-only case uses file permissions instead (a user cannot write a 0444 file in a 0555
folder; root can, hence the namespace). tests/core/test_cli_errors.py covers both
faults in-process on every machine (the page-count limit for a full disk).
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.db.engine import open_database
from core.services.demo import create_demo_data
from tests.integration.processes import CLI, DAY, ROOT, environment, fund_movements_file


def _namespaces() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True, check=False)
    return probe.returncode == 0


NAMESPACES = _namespaces()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "demo.sqlite"
    db = open_database(f"sqlite:///{path}")
    try:
        create_demo_data(db, scale="small", clients=60, user="tester")
    finally:
        db.engine.dispose()  # the last connection checkpoints the WAL away
    assert not Path(f"{path}-wal").exists()
    return path


def _cli_line(db: Path, out: Path, *args: str) -> str:
    """Shell words running ``riskdesk --db DB ARGS``, stdout/stderr/exit code to files."""
    argv = [sys.executable, "-c", CLI, "--db", f"sqlite:///{db}", *args]
    return f"rc=0; {shlex.join(argv)} >{out}.out 2>{out}.err || rc=$?; echo $rc >{out}.rc"


def _result(out: Path) -> tuple[int, str, str]:
    return (
        int(Path(f"{out}.rc").read_text()),
        Path(f"{out}.out").read_text(encoding="utf-8"),
        Path(f"{out}.err").read_text(encoding="utf-8"),
    )


def _in_namespace(script: str, tmp_path: Path) -> None:
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-ec", script],
        cwd=ROOT,
        env=environment(tmp_path / "logs"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _commands(db: Path, tmp_path: Path) -> list[str]:
    return [
        _cli_line(db, tmp_path / "limits", "limits", "--day", DAY),
        _cli_line(db, tmp_path / "settle", "settle", "--date", DAY),
        _cli_line(db, tmp_path / "calls", "calls", "--out", str(tmp_path / "calls.csv")),
        _cli_line(db, tmp_path / "check", "db", "check"),
    ]


def _check_read_only_results(db: Path, tmp_path: Path) -> None:
    code, out, err = _result(tmp_path / "limits")
    assert code == 0, err
    assert "position limits on 2026-11-20" in out
    code, _out, err = _result(tmp_path / "settle")
    assert code == 1
    assert err == (
        f"riskdesk: database sqlite:///{db} is read-only (opened for viewing only): the "
        f"settlement of {DAY} needs to write to it; nothing was written\n"
    )
    code, _out, err = _result(tmp_path / "calls")
    assert code == 1
    assert "is read-only (opened for viewing only): an export" in err
    assert not (tmp_path / "calls.csv").exists()
    code, out, err = _result(tmp_path / "check")
    assert code == 0, out + err
    assert "ok    sqlite integrity: ok" in out


@pytest.mark.skipif(not NAMESPACES, reason="needs root and unshare for a read-only mount")
def test_a_read_only_mount_is_viewed_and_refuses_writes(demo: Path, tmp_path: Path) -> None:
    source, mount = tmp_path / "data", tmp_path / "mnt"
    source.mkdir()
    mount.mkdir()
    shutil.copyfile(demo, source / "demo.sqlite")
    before = (source / "demo.sqlite").read_bytes()
    db = mount / "demo.sqlite"
    script = "\n".join(
        [
            f"mount --bind {source} {mount}",
            f"mount -o remount,bind,ro {mount}",
            *_commands(db, tmp_path),
        ]
    )
    _in_namespace(script, tmp_path)
    _check_read_only_results(db, tmp_path)
    assert (source / "demo.sqlite").read_bytes() == before
    assert sorted(p.name for p in source.iterdir()) == ["demo.sqlite"]  # no -wal, -shm


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes any file: see the mount test")
def test_a_read_only_file_is_viewed_and_refuses_writes(demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "demo.sqlite"
    shutil.copyfile(demo, db)
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        for line in _commands(db, tmp_path):
            subprocess.run(
                ["sh", "-c", line], cwd=ROOT, env=environment(tmp_path / "logs"), check=True
            )
        _check_read_only_results(db, tmp_path)
        assert sorted(p.name for p in folder.iterdir()) == ["demo.sqlite"]
    finally:
        folder.chmod(0o755)


@pytest.mark.skipif(not NAMESPACES, reason="needs root and unshare for a small tmpfs")
def test_a_full_disk_is_one_line_and_leaves_the_database_sound(demo: Path, tmp_path: Path) -> None:
    mount = tmp_path / "small-disk"
    mount.mkdir()
    deposits = fund_movements_file(tmp_path / "deposits.csv", 6000, clients=60)
    size_kb = demo.stat().st_size // 1024 + 96  # the database and a little room
    db = mount / "demo.sqlite"
    script = "\n".join(
        [
            f"mount -t tmpfs -o size={size_kb}k tmpfs {mount}",
            f"cp {demo} {db}",
            _cli_line(db, tmp_path / "import", "import", "fund-movements", str(deposits)),
            f"cp {db} {tmp_path / 'after.sqlite'}",
        ]
    )
    _in_namespace(script, tmp_path)
    code, _out, err = _result(tmp_path / "import")
    assert code == 1
    assert err == (
        f"riskdesk: database sqlite:///{db} is full (database or disk is full); the import "
        f"of fund-movements (deposits.csv) was rolled back, nothing was written; free disk "
        "space and try again\n"
    )
    assert "writer test" not in err  # no row data
    with sqlite3.connect(tmp_path / "after.sqlite") as after, sqlite3.connect(demo) as original:
        assert after.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        query = "SELECT count(*), sum(amount_fen) FROM fund_movement"
        assert after.execute(query).fetchone() == original.execute(query).fetchone()
