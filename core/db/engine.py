"""Opening a database: URL validation, SQLite pragmas, schema creation or upgrade.

``open_database(url)`` is the one entry point. Reads go through ``Database.reader()``
(a read-only ``core.db.reader.Reader``); writes through the write door
``core.services.store.write``, which opens one ``db.sessions.begin()`` transaction per
user action and records its audit entry in it (STYLE B6, B11).

Supported URLs: ``sqlite:///path/file.sqlite`` (``~`` is expanded; ``sqlite://`` is an
in-memory database shared by all threads, for tests) and
``postgresql+psycopg://user:password@host:port/dbname`` (plain ``postgresql://`` and
``postgres://`` mean psycopg 3). Every failure to open becomes a ``ConfigError`` that
names the URL with its password masked.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import uuid
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from core.errors import ConfigError

if TYPE_CHECKING:
    from core.access import Identity
    from core.db.day_book import DayBookCache
    from core.db.reader import Reader

log = logging.getLogger(__name__)

SUPPORTED = "sqlite:///FILE or postgresql://USER:PASSWORD@HOST:PORT/DBNAME"
PG_CONNECT_TIMEOUT_S = 10
"""Seconds before an unreachable PostgreSQL host is reported (libpq waits for ever)."""

SQLITE_BEGIN_IMMEDIATE = "riskdesk_sqlite_begin_immediate"
"""Execution option: start SQLite transactions with BEGIN IMMEDIATE (take the write
lock up front, so that a read-then-write transaction cannot fail with SQLITE_BUSY)."""

SQLITE_QUERY_ONLY = "riskdesk_sqlite_query_only"
"""Pool-record flag: a ``Reader`` switched ``PRAGMA query_only`` on for this connection;
it is switched off when the connection is checked in."""

DEFAULT_WRITE_WAIT_S = 30.0
"""Seconds a write waits for another writer before it is refused (``RISKDESK_WRITE_WAIT``,
``riskdesk --wait``)."""

_USERINFO_RE = re.compile(r"(://[^:/@]*:)[^@]*@")
_READ_ONLY: weakref.WeakSet[Engine] = weakref.WeakSet()
SqliteAccess = Literal["rw", "ro", "immutable"]


@dataclass(frozen=True)
class Database:
    """An open database: ``sessions.begin()`` gives one transaction per user action.

    ``read_only``: opened for viewing only (an SQLite file or folder the user cannot
    write); the write door refuses every write. ``write_wait_s`` and ``on_wait``: how
    long a write waits for another writer, and who is told that it waits
    (``core.db.writer_lock``).
    """

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    read_only: bool = False
    write_wait_s: float = DEFAULT_WRITE_WAIT_S
    on_wait: Callable[[str], None] | None = None
    identity: Identity | None = None
    """Who is at this desk (``core.access``): read at open; None for a Database made by
    hand (tests), which acts as the single desk."""
    origin: str = field(default_factory=lambda: uuid.uuid4().hex)
    """This open book's id in the doorbell's rings (``core.db.doorbell``): a desk ignores
    the rings of its own writes."""

    @property
    def desk(self) -> Identity:
        """``identity``, or the single desk of the configured user."""
        from core.access import single_desk
        from core.config import current_user

        return self.identity or single_desk(current_user())

    @property
    def day_books(self) -> DayBookCache | None:
        """The cache of whole-day position reads shared by this database's sessions."""
        from core.db.day_book import CACHE_KEY, DayBookCache

        cache = (self.sessions.kw.get("info") or {}).get(CACHE_KEY)
        return cache if isinstance(cache, DayBookCache) else None

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        """A read-only ``Reader`` for one query: its own session, writes refused
        (``core.db.reader``). Any thread; the session closes when the block ends.

        A database fault while reading (a damaged file, a lost connection) is raised as
        a one-line ``DatabaseFaultError`` (``core.db.faults``).
        """
        from core.db.faults import database_fault
        from core.db.reader import open_reader

        try:
            with open_reader(self.sessions) as reader:
                yield reader
        except DBAPIError as exc:
            fault = database_fault(exc, self.masked_url)
            if fault is None:
                raise
            raise fault from None

    @property
    def masked_url(self) -> str:
        """The URL with its password replaced by ``***`` (for logs and the GUI)."""
        return mask_url(self.url)


def mask_url(url: str | URL) -> str:
    """``url`` with the password hidden; works on strings SQLAlchemy cannot parse."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url.strip()).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return _USERINFO_RE.sub(r"\1***@", url.strip())


def url_label(url: str) -> str:
    """``url`` for display: SQLite as "SQLite · FILE", other URLs with the password
    hidden; "?" when it cannot be parsed."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return "?"
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite · {parsed.database or ':memory:'}"
    return parsed.render_as_string(hide_password=True)


def database_name(url: str) -> str:
    """A short name for ``url``: a SQLite file's name or the database's name (else
    ``url_label``)."""
    try:
        name = Path(make_url(url).database or "").name
    except (ArgumentError, ValueError):
        name = ""
    return name or url_label(url)


def normalize_url(url: str) -> URL:
    """Parse ``url`` and pick RiskDesk's driver; ConfigError if it cannot be used.

    ``postgresql://`` and ``postgres://`` become ``postgresql+psycopg://``; ``~`` in a
    SQLite path is expanded. Only SQLite (pysqlite) and PostgreSQL (psycopg 3) are
    supported, because the migrations and constraints are tested on those two.
    """
    text = url.strip()
    if not text:
        raise ConfigError(f"database URL is empty; expected {SUPPORTED}")
    try:
        parsed = make_url(text)
    except (ArgumentError, ValueError) as exc:
        raise ConfigError(
            f"database URL {mask_url(text)!r} is not valid ({exc}); expected {SUPPORTED}"
        ) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgres", "postgresql") and driver in ("", "psycopg"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend == "sqlite" and driver in ("", "pysqlite"):
        if parsed.database and parsed.database != ":memory:":
            parsed = parsed.set(database=str(Path(parsed.database).expanduser()))
    else:
        raise ConfigError(
            f"database URL {mask_url(parsed)!r}: driver {parsed.drivername!r} is not "
            "supported; RiskDesk runs on SQLite or PostgreSQL via psycopg "
            f"({SUPPORTED})"
        )
    return parsed


def is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def make_engine(url: str, *, create: bool = True) -> Engine:
    """An Engine for ``url`` that has connected once (so a bad URL fails here).

    SQLite: foreign keys on, WAL journal, and real transactions (SQLAlchemy emits BEGIN,
    so DDL and SAVEPOINTs are transactional); the file and its folder are created when
    ``create`` is true, and a missing file is an error ("no database at PATH") when it
    is false. A file the user cannot write (or in a folder they cannot write, which WAL
    needs) is opened read-only (``is_read_only``): SQLite's ``mode=ro``, or
    ``immutable=1`` when not even the shared-memory file can be made.
    PostgreSQL: psycopg 3, a connect timeout, and pre-ping for a long-running GUI.
    Raises ConfigError naming the URL (password masked). Does not touch the schema.
    """
    parsed = normalize_url(url)
    where = mask_url(parsed)
    kwargs: dict[str, Any] = {}
    access: SqliteAccess = "rw"
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False}
        if is_memory_sqlite(parsed):
            kwargs["poolclass"] = StaticPool  # one database for all threads, not per thread
        else:
            path = Path(str(parsed.database))
            _check_sqlite_path(path, where, create=create)
            access = sqlite_access(path)
            if access != "rw":
                kwargs["creator"] = partial(_connect_read_only, path, access)
    else:
        connect_args: dict[str, Any] = {"application_name": "riskdesk"}
        if "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        kwargs["connect_args"] = connect_args
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise ConfigError(f"database URL {where!r}: driver not available ({exc})") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", partial(_sqlite_on_connect, read_only=access != "rw"))
        event.listen(engine, "begin", _sqlite_on_begin)
        event.listen(engine, "checkin", _sqlite_on_checkin)
        if access != "rw":
            _READ_ONLY.add(engine)
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        engine.dispose()
        from core.db.faults import database_fault

        fault = database_fault(exc, where)
        if fault is not None and fault.kind == "damaged":
            raise fault from None  # "run riskdesk db check", not a bad URL
        raise ConfigError(f"cannot open database {where}: {db_error_reason(exc, parsed)}") from None
    return engine


def open_database(
    url: str,
    *,
    create: bool = True,
    new_file: bool = True,
    write_wait_s: float = DEFAULT_WRITE_WAIT_S,
    on_wait: Callable[[str], None] | None = None,
) -> Database:
    """Open the database at ``url``, bringing its schema to this version of RiskDesk.

    With ``create`` (the default) an empty database gets the schema, an older one is
    upgraded to the newest migration, and the product table is synced from
    resources/products.toml. Without it nothing is written, and the schema must
    already be current. ``new_file`` false: a missing SQLite file is refused ("no
    database at PATH") instead of created — only ``riskdesk demo``, ``db upgrade`` and
    File → New database create one. A file the user cannot write opens read-only
    (``Database.read_only``; its schema must be current). ``write_wait_s`` and
    ``on_wait`` go to ``Database``. Raises ConfigError, naming the URL with its
    password masked, when the URL is malformed, the server cannot be reached or
    refuses the login, the database was written by a newer RiskDesk, or (without
    ``create``, or read-only) it is not current.
    May be called from any thread; it blocks while connecting and migrating.
    """
    from core.config import current_user
    from core.db.migrate import prepare_schema

    engine = make_engine(url, create=create and new_file)
    read_only = is_read_only(engine)
    try:
        identity = _identity(engine, current_user())
        # in server mode only the administrator upgrades the schema or syncs products
        may_write = create and not read_only and (not identity.server or identity.owner)
        prepare_schema(engine, write=may_write, read_only=read_only)
    except BaseException:
        engine.dispose()
        raise
    from core.db.day_book import CACHE_KEY, DayBookCache

    sessions = sessionmaker(engine, expire_on_commit=False, info={CACHE_KEY: DayBookCache()})
    return Database(
        url=url,
        engine=engine,
        sessions=sessions,
        read_only=read_only,
        write_wait_s=write_wait_s,
        on_wait=on_wait,
        identity=identity,
    )


def _identity(engine: Engine, fallback_user: str) -> Identity:
    """Who this desk is (``core.db.server_roles.read_identity``): one query on
    PostgreSQL, none on SQLite."""
    from core.access import single_desk
    from core.db.server_roles import read_identity

    if engine.dialect.name != "postgresql":
        return single_desk(fallback_user)
    try:
        with engine.connect() as conn:
            return read_identity(conn, fallback_user)
    except DBAPIError as exc:
        raise ConfigError(
            f"cannot open database {mask_url(engine.url)}: {db_error_reason(exc)}"
        ) from None


def is_read_only(engine: Engine) -> bool:
    """Whether ``engine`` opened its SQLite file read-only (``make_engine``)."""
    return engine in _READ_ONLY


def sqlite_access(path: Path) -> SqliteAccess:
    """How an existing SQLite file can be opened by this user: "rw"; "ro" (the file or
    its folder cannot be written, but the WAL shared-memory file exists or can be
    made); "immutable" (nothing can be written beside it).

    WAL needs the ``-wal`` and ``-shm`` files beside the database, so a writable file in
    a folder the user cannot write is read-only too unless both already exist and are
    writable.
    """
    if not path.exists():
        return "rw"
    folder_writable = os.access(path.parent, os.W_OK | os.X_OK)
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    if os.access(path, os.W_OK) and (
        folder_writable or all(p.exists() and os.access(p, os.W_OK) for p in (wal, shm))
    ):
        return "rw"
    if folder_writable or shm.exists():
        return "ro"
    if wal.exists() and wal.stat().st_size > 0:
        return "ro"  # immutable would silently skip committed pages still in the WAL
    return "immutable"


def _connect_read_only(path: Path, access: SqliteAccess) -> sqlite3.Connection:
    # SQLite URI filename: the path percent-encoded, then the read-only parameters.
    mode = "mode=ro" if access == "ro" else "mode=ro&immutable=1"
    uri = f"file:{quote(str(path.resolve()))}?{mode}"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def db_error_reason(exc: DBAPIError, url: URL | None = None) -> str:
    """The driver's message on one line, without SQLAlchemy's SQL or the password."""
    lines = [line.strip().rstrip(".") for line in str(exc.orig).splitlines() if line.strip()]
    text = ". ".join(lines)
    if url is not None and url.password:
        text = text.replace(str(url.password), "***")
    return text or type(exc.orig).__name__


def _check_sqlite_path(path: Path, where: str, *, create: bool) -> None:
    if path.is_dir():
        raise ConfigError(f"cannot open database {where}: {path} is a folder, not a file")
    if path.exists():
        return
    if not create:
        raise ConfigError(
            f"no database at {path}: nothing was created; create one with 'riskdesk db "
            "upgrade' or 'riskdesk demo' (in the window: File → New database), or check "
            "the path"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cannot open database {where}: cannot create folder {path.parent}: "
            f"{exc.strerror or exc}"
        ) from None


def _sqlite_on_connect(dbapi_conn: Any, _record: Any, *, read_only: bool = False) -> None:
    # Let SQLAlchemy emit BEGIN (see _sqlite_on_begin): pysqlite's legacy mode runs DDL
    # and SAVEPOINT outside the transaction, so a failed migration would be half done.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA foreign_keys=ON")  # off by default in SQLite
        if read_only:
            cur.execute("PRAGMA query_only=ON")  # switching to WAL would be a write
            return
        cur.execute("PRAGMA journal_mode=WAL")  # GUI reads while a worker writes
        cur.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; no fsync per commit
    finally:
        cur.close()


def _sqlite_on_checkin(dbapi_conn: Any, record: Any) -> None:
    if dbapi_conn is not None and record.info.pop(SQLITE_QUERY_ONLY, False):
        dbapi_conn.execute("PRAGMA query_only = OFF")  # a reader's; the next user may write


def _sqlite_on_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(SQLITE_BEGIN_IMMEDIATE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
