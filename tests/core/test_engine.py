"""``open_database``: URL handling, SQLite set-up, every failure as a ConfigError.

PostgreSQL cases that need a live server (wrong password, missing database) are in
tests/integration/test_migrations.py.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from core.db.engine import mask_url, normalize_url, open_database
from core.db.tables import Member
from core.errors import ConfigError, DatabaseFaultError

SECRET = "s3cret-Pw"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once the socket is closed


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("", "empty", id="empty"),
        pytest.param("garbage", "not valid", id="garbage"),
        pytest.param("::://", "not valid", id="punctuation"),
        pytest.param(f"postgresql://u:{SECRET}@host:notaport/db", "not valid", id="bad-port"),
        pytest.param(f"mysql://u:{SECRET}@host/db", "not supported", id="other-backend"),
        pytest.param(f"postgresql+nosuch://u:{SECRET}@h/db", "not supported", id="unknown-driver"),
        pytest.param("sqlite+pysqlcipher:///x.db", "not supported", id="other-sqlite-driver"),
    ],
)
def test_bad_urls_raise_config_error_without_password(url: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected) as info:
        open_database(url)
    assert SECRET not in str(info.value)


def test_unreachable_postgres_names_the_masked_url() -> None:
    port = _closed_port()
    url = f"postgresql://riskdesk:{SECRET}@127.0.0.1:{port}/riskdesk"
    with pytest.raises(ConfigError, match="cannot open database") as info:
        open_database(url)
    message = str(info.value)
    assert f"postgresql+psycopg://riskdesk:***@127.0.0.1:{port}/riskdesk" in message
    assert SECRET not in message
    assert "refused" in message.lower()


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg"])
def test_postgres_schemes_map_to_psycopg(scheme: str) -> None:
    url = normalize_url(f"{scheme}://u:pw@db.example:5433/risk")
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.database) == ("db.example", 5433, "risk")


def test_sqlite_home_is_expanded() -> None:
    assert normalize_url("sqlite:///~/risk.sqlite").database == str(Path.home() / "risk.sqlite")


def test_mask_url_hides_password_even_when_unparseable() -> None:
    assert mask_url(f"postgresql://u:{SECRET}@h/db") == "postgresql://u:***@h/db"
    assert SECRET not in mask_url(f"postgresql://u:{SECRET}@h:xx/db")


def test_sqlite_file_gets_pragmas_and_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "risk.sqlite"
    db = open_database(f"sqlite:///{path}")
    try:
        assert path.is_file()
        for _ in range(2):  # every pooled connection, not only the first
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        db.engine.dispose()


def test_sqlite_ddl_is_transactional(tmp_path: Path) -> None:
    # engine.py lets SQLAlchemy emit BEGIN, so pysqlite does not autocommit DDL.
    db = open_database(f"sqlite:///{tmp_path / 'risk.sqlite'}")
    try:
        with db.engine.connect() as conn:
            conn.execute(text("CREATE TABLE scratch (id INTEGER)"))
            conn.rollback()
            assert "scratch" not in inspect(conn).get_table_names()
    finally:
        db.engine.dispose()


def test_sqlite_missing_file_without_create_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.sqlite"
    for kwargs in ({"create": False}, {"new_file": False}):
        with pytest.raises(ConfigError, match=r"no database at .*absent\.sqlite: nothing was"):
            open_database(f"sqlite:///{path}", **kwargs)  # type: ignore[arg-type]
        assert not path.exists()


def test_sqlite_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder"):
        open_database(f"sqlite:///{tmp_path}")


def test_sqlite_unusable_folder_is_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError, match="cannot create folder"):
        open_database(f"sqlite:///{blocker / 'sub' / 'risk.sqlite'}")


def test_sqlite_non_database_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"this is not an SQLite database, just some text" * 100)
    with pytest.raises(DatabaseFaultError, match="is not an SQLite database, or is damaged"):
        open_database(f"sqlite:///{path}")


def test_memory_database_is_shared_between_threads() -> None:
    db = open_database("sqlite://")
    try:
        with db.sessions.begin() as session:
            session.add(Member(code="0001", name="M", kind="brokerage", min_reserve_fen=0))
        found: list[str] = []

        def read() -> None:
            with db.sessions() as session:
                found.extend(session.scalars(select(Member.code)))

        worker = threading.Thread(target=read)
        worker.start()
        worker.join(timeout=10)
        assert found == ["0001"]
    finally:
        db.engine.dispose()


def test_database_masked_url() -> None:
    db = open_database("sqlite://")
    try:
        assert db.masked_url == "sqlite://"
        assert db.url == "sqlite://"
    finally:
        db.engine.dispose()
