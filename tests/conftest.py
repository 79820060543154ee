"""Shared fixtures: a real, throwaway PostgreSQL server on loopback for the ``postgres``
tests (tests/integration and tests/consistency use it).

``pg_url`` (session scope) runs initdb into a temporary folder and starts the server on
127.0.0.1 with a free port; it is stopped and deleted at the end of the session. Under
pytest-xdist every worker that needs it starts its own server. ``pg_fresh_url`` gives
each test its own empty database on that server. ``empty_db_url`` runs a test on an
empty SQLite file and on an empty PostgreSQL database.

PostgreSQL refuses to run as root: when the tests run as root, initdb and pg_ctl run as
the ``postgres`` OS user through runuser. Missing binaries fail the tests with a hint
to run scripts/setup; RISKDESK_SKIP_POSTGRES=1 skips them instead.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

SKIP_ENV = "RISKDESK_SKIP_POSTGRES"
PG_USER = "riskdesk"
PG_PASSWORD = "riskdesk-test-pw"  # scram over TCP, so the wrong-password test is real
# Durability off: the cluster is thrown away, and it makes initdb and DDL much faster.
SERVER_SETTINGS = (
    "listen_addresses = '127.0.0.1'",
    "fsync = off",
    "synchronous_commit = off",
    "full_page_writes = off",
    "max_connections = 40",
    "shared_buffers = 16MB",
    "logging_collector = off",
)


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    user: str
    password: str
    folder: Path
    started_in_s: float

    def url(self, database: str = "postgres", *, password: str | None = None) -> str:
        pw = self.password if password is None else password
        return f"postgresql+psycopg://{self.user}:{pw}@{self.host}:{self.port}/{database}"


def find_pg_bindir() -> Path | None:
    """Folder with initdb and pg_ctl: ``pg_config --bindir``, else the newest Debian."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = [p for p in debian.iterdir() if p.name.isdigit()]
        candidates += [p / "bin" for p in sorted(versions, key=lambda p: -int(p.name))]
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _make_traversable(folder: Path) -> None:
    # The postgres user must be able to reach the data folder through its parents.
    for parent in folder.parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            os.chmod(parent, mode | stat.S_IXOTH)


class _Runner:
    """Runs PostgreSQL tools, as the ``postgres`` OS user when we are root."""

    def __init__(self, bindir: Path, folder: Path) -> None:
        self.bindir = bindir
        self.folder = folder
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("running as root needs the 'postgres' OS user; run scripts/setup")
            if runuser is None:
                pytest.fail("running as root needs runuser (util-linux) to start PostgreSQL")
            self.prefix = [runuser, "-u", "postgres", "--"]
            _make_traversable(folder)
            os.chown(folder, account.pw_uid, account.pw_gid)

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, str(self.bindir / tool), *args],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
        )

    def write(self, path: Path, content: str) -> None:
        path.write_text(content, encoding="utf-8")
        if self.prefix:
            account = pwd.getpwnam("postgres")
            os.chown(path, account.pw_uid, account.pw_gid)


def _start_server(bindir: Path) -> tuple[PgServer, _Runner]:
    began = time.perf_counter()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    folder = Path(tempfile.mkdtemp(prefix=f"riskdesk-pg-{worker}-"))
    runner = _Runner(bindir, folder)
    pwfile = folder / "pwfile"
    runner.write(pwfile, PG_PASSWORD + "\n")
    data = folder / "data"
    init = runner.run(
        "initdb",
        "-D",
        str(data),
        "-U",
        PG_USER,
        f"--pwfile={pwfile}",
        "-E",
        "UTF8",
        "--locale=C",
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
        "--no-sync",
        "--no-instructions",
    )
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"initdb failed:\n{init.stdout}\n{init.stderr}")
    settings = [*SERVER_SETTINGS, f"unix_socket_directories = '{folder}'"]
    with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write("\n# riskdesk test server\n" + "\n".join(settings) + "\n")
    log = folder / "server.log"
    last = ""
    for _attempt in range(5):  # another process may take the free port before we bind it
        port = _free_port()
        start = runner.run(
            "pg_ctl",
            "start",
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port}",
        )
        if start.returncode == 0:
            server = PgServer(
                host="127.0.0.1",
                port=port,
                user=PG_USER,
                password=PG_PASSWORD,
                folder=folder,
                started_in_s=time.perf_counter() - began,
            )
            return server, runner
        last = start.stdout + start.stderr + (log.read_text() if log.exists() else "")
        if "already in use" not in last:
            break
    shutil.rmtree(folder, ignore_errors=True)
    pytest.fail(f"pg_ctl start failed:\n{last}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"{SKIP_ENV}=1: PostgreSQL tests skipped")
    bindir = find_pg_bindir()
    if bindir is None:
        pytest.fail(
            "PostgreSQL server binaries (initdb, pg_ctl) not found via pg_config or in "
            "/usr/lib/postgresql/*/bin. Run scripts/setup (it installs the Debian "
            f"'postgresql' package), or set {SKIP_ENV}=1 to skip the PostgreSQL tests."
        )
    server, runner = _start_server(bindir)
    try:
        yield server
    finally:
        runner.run("pg_ctl", "stop", "-D", str(server.folder / "data"), "-m", "immediate", "-w")
        shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_url(pg_server: PgServer) -> str:
    """URL of the test server's ``postgres`` database (superuser ``riskdesk``)."""
    return pg_server.url()


@pytest.fixture
def pg_fresh_url(pg_server: PgServer) -> Iterator[str]:
    """URL of a new, empty database, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server.url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
        yield pg_server.url(name)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or a new database on the test server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    url: str = request.getfixturevalue("pg_fresh_url")
    return url


@pytest.fixture(scope="session", autouse=True)
def _trading_calendar_built_on_the_main_thread() -> None:
    """Build the default trading calendar once, here, before any test.

    Building it silences a third-party deprecation with ``warnings.catch_warnings``,
    which is not thread-safe: when a test's first use happened on a worker thread (a
    screen's load), the warning could reach the "error" filter pytest installs around
    every test and fail it at random. The app builds it once too; only the thread
    differs.
    """
    from core.trading_calendar import default_calendar

    default_calendar()


@pytest.fixture(scope="session", autouse=True)
def _log_file_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The log file (``core.logfile``) of in-process commands goes to the session's temp
    folder, never the developer's own log folder (tests that need their own set it)."""
    previous = os.environ.get("RISKDESK_LOG_DIR")
    os.environ["RISKDESK_LOG_DIR"] = str(tmp_path_factory.mktemp("logs"))
    yield
    if previous is None:
        os.environ.pop("RISKDESK_LOG_DIR", None)
    else:
        os.environ["RISKDESK_LOG_DIR"] = previous
