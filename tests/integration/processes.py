"""Real processes against real databases: the crash and concurrency tests' tools.

* ``Copies``: the small demo built once per session and backend, copied per test (a file
  copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL).
* ``start_cli``: ``riskdesk`` in a new Python process (the real command line, no Qt).
* ``start_holder``: a process that holds the database's writer lock through the real
  write door until told to let go (``tests/integration/writer_holder.py``).
* ``checksums``: one digest per table over every column but the timestamps, ordered by
  key, so two databases compare equal exactly when they hold the same data.
* ``writer_started``: whether a writer holds the lock now (the SQLite holder file, or
  the holder's ``application_name`` on PostgreSQL), so a kill can land inside the
  transaction.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import DateTime, Engine, create_engine, make_url, select, text
from sqlalchemy.pool import NullPool

from core.db.engine import open_database
from core.db.migrate import orm_metadata
from core.services.demo import create_demo_data
from tests.conftest import PgServer

ROOT = Path(__file__).resolve().parents[2]
CLI = "import sys; from core.cli import main; sys.exit(main())"
DAY = "2026-11-20"  # the small demo's last settled day
NEXT_DAY = "2026-11-23"


class Copies:
    """Databases of one backend: the small demo template and throwaway copies of it."""

    name = ""

    def __init__(self) -> None:
        self._n = itertools.count(1)
        self._template: str | None = None

    def template(self) -> str:
        """The small demo (500 clients, settled to 2026-11-20), built on first use."""
        if self._template is None:
            url = self._new("demo_template")
            db = open_database(url)
            try:
                create_demo_data(db, scale="small", user="tester")
            finally:
                db.engine.dispose()
            self._template = url
        return self._template

    def copy(self, source: str | None = None) -> str:
        """A new database holding what ``source`` (default: the demo) holds."""
        return self._clone(source or self.template(), f"copy_{next(self._n)}")

    def _new(self, name: str) -> str:
        raise NotImplementedError

    def _clone(self, source: str, name: str) -> str:
        raise NotImplementedError

    def drop(self, url: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Release the backend's own connections."""


class SqliteCopies(Copies):
    name = "sqlite"

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def _new(self, name: str) -> str:
        return f"sqlite:///{self.folder / name}.sqlite"

    def _clone(self, source: str, name: str) -> str:
        url = self._new(name)
        shutil.copyfile(sqlite_path(source), sqlite_path(url))
        return url

    def drop(self, url: str) -> None:
        path = sqlite_path(url)
        for extra in ("", "-wal", "-shm", "-writer"):
            Path(f"{path}{extra}").unlink(missing_ok=True)


class PostgresCopies(Copies):
    name = "postgresql"

    def __init__(self, server: PgServer) -> None:
        super().__init__()
        self.server = server
        self.admin = create_engine(server.url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self._prefix = f"w{os.getpid()}"

    def _run(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def _new(self, name: str) -> str:
        full = f"{self._prefix}_{name}"
        self._run(f'CREATE DATABASE "{full}" TEMPLATE template0')
        return self.server.url(full)

    def _clone(self, source: str, name: str) -> str:
        full = f"{self._prefix}_{name}"
        self._run(f'CREATE DATABASE "{full}" TEMPLATE "{make_url(source).database}"')
        return self.server.url(full)

    def drop(self, url: str) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        self.admin.dispose()


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "")


@contextmanager
def engine_of(url: str) -> Iterator[Engine]:
    """A plain engine (no RiskDesk set-up, no pool) for the test's own reads and edits."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        yield engine
    finally:
        engine.dispose()


def checksums(url: str, *, natural: bool = False) -> dict[str, str]:
    """Table name → SHA-256 of its rows (every column but timestamps), in key order.

    ``natural`` also leaves out surrogate ids (PostgreSQL's sequences hand them out
    outside transactions, so a rolled-back write still uses some up), the audit
    details that quote them (an import's batch number) and the audit chain's hashes
    (they hash the entry's time).
    """
    out: dict[str, str] = {}
    with engine_of(url) as engine, engine.connect() as conn:
        for table in orm_metadata().sorted_tables:
            columns = [c for c in table.columns if not isinstance(c.type, DateTime)]
            if natural:
                columns = [
                    c
                    for c in columns
                    if not (c.primary_key and c.name == "id")
                    and (table.name, c.name)
                    not in {
                        ("audit_log", "detail"),
                        ("audit_log", "prev_hash"),
                        ("audit_log", "entry_hash"),
                    }
                ]
            order = columns if natural else list(table.primary_key.columns) or columns
            rows = conn.execute(select(*columns).order_by(*order)).all()
            out[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def audit_chain_holds(url: str) -> bool:
    """``riskdesk audit verify``'s check: every link of the audit chain holds."""
    from sqlalchemy.orm import Session

    from core.audit import verify_chain

    with engine_of(url) as engine, Session(engine) as session:
        return verify_chain(session).ok


def count(url: str, table: str) -> int:
    with engine_of(url) as engine, engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def environment(log_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "RISKDESK_USER": "tester",
        "RISKDESK_LOG_DIR": str(log_dir),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def start_cli(
    url: str, *args: str, log_dir: Path, stdin: int | None = None
) -> subprocess.Popen[str]:
    """``riskdesk --db URL ARGS`` in a new process (stdout and stderr piped, text)."""
    return subprocess.Popen(
        [sys.executable, "-c", CLI, "--db", url, *args],
        cwd=ROOT,
        env=environment(log_dir),
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_holder(url: str, what: str, *, log_dir: Path) -> subprocess.Popen[str]:
    """A process holding the writer lock as ``what``; returns once it holds it.

    Write a line to its stdin to let it go; it then rolls back (writes nothing).
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.writer_holder", url, what],
        cwd=ROOT,
        env=environment(log_dir),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "holding":
        proc.kill()
        _out, err = proc.communicate()
        raise AssertionError(f"the holder did not take the lock: {line!r} {err}")
    return proc


def release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.write("go\n")
    holder.stdin.flush()
    _out, err = holder.communicate(timeout=60)
    assert holder.returncode == 0, err


def writer_started(url: str, admin: Engine | None) -> bool:
    """Whether a RiskDesk writer holds ``url``'s writer lock now."""
    if url.startswith("sqlite"):
        return Path(f"{sqlite_path(url)}-writer").exists()
    assert admin is not None
    with admin.connect() as conn:
        found = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :db "
                "AND application_name LIKE 'rdw|%'"
            ),
            {"db": make_url(url).database},
        ).scalar_one()
    return bool(found)


def one_line(stderr: str) -> str:
    """The single line a refused command printed (fails when there are more)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def results(procs: Mapping[str, subprocess.Popen[str]]) -> dict[str, tuple[int, str, str]]:
    """Wait for every process: name → (exit code, stdout, stderr)."""
    done = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        done[name] = (proc.returncode, out, err)
    return done


def fund_movements_file(path: Path, rows: int, clients: int = 500) -> Path:
    """A fund-movements CSV of ``rows`` deposits of 100.00 on 2026-11-23 (the day after
    the demo's last settlement, so it changes no settled figure) for the first
    ``clients`` demo clients."""
    lines = ["movement_no,trading_day,member,client,kind,amount,note"]
    lines += [
        f"F{NEXT_DAY.replace('-', '')}-T{i:05d},{NEXT_DAY},0101,{10000001 + i % clients},"
        "deposit,100.00,writer test"
        for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
