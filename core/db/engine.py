"""Opening a database: URL validation, SQLite pragmas, schema creation or upgrade.

``open_database(url)`` is the one entry point. The caller owns transactions: services
open one ``with db.sessions.begin() as session:`` per user action (STYLE B6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from core.db.tables import Base
from core.errors import ConfigError


@dataclass(frozen=True)
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")  # off by default in SQLite
    cur.execute("PRAGMA journal_mode=WAL")  # GUI reads while a worker writes
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def open_database(url: str, *, create: bool = True) -> Database:
    """Open (and with ``create``, create or upgrade) the database at ``url``.

    Raises ConfigError naming the URL when it is malformed or its driver is unknown.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"database URL {url!r} is not valid: {exc}") from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False}
        if parsed.database:
            from pathlib import Path

            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise ConfigError(f"database URL {url!r}: unsupported driver ({exc})") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if create:
        Base.metadata.create_all(engine)  # replaced by Alembic upgrade (core/db/migrate.py)
    return Database(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
