"""Schema migrations: Alembic, run in code on the caller's connection (no alembic.ini).

The revisions live in ``core/db/migrations/versions`` and are numbered ``0001``,
``0002``, … ``open_database`` calls ``prepare_schema``; ``riskdesk db`` uses the rest.
Every function that changes the schema runs inside one transaction, so a failed
upgrade leaves the database as it was (PostgreSQL and, with the BEGIN handling of
``core.db.engine``, SQLite too).
"""

from __future__ import annotations

import importlib
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, MetaData, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from core.db.base import Base
from core.db.engine import SQLITE_BEGIN_IMMEDIATE, db_error_reason, mask_url
from core.db.faults import database_fault
from core.errors import ConfigError

log = logging.getLogger(__name__)

SCRIPT_LOCATION = Path(__file__).resolve().with_name("migrations")
"""Alembic script directory. Tests point it at a copy with an extra revision."""

TABLE_MODULES = (
    "core.db.tables",
    "core.db.delivery_tables",
    "core.db.alert_table",
    "core.db.notice_tables",
    "core.db.live_event_table",
    "core.db.stress_scenario_table",
)
"""Every module that declares tables on ``Base``: a new one must be listed here, or the
metadata-compare test (tests/integration/test_migrations.py) fails."""

AUTOGENERATE_PLUGINS = ["alembic.autogenerate.*", "alembic.ext.checkconstraint_byname"]
"""Alembic's defaults plus its opt-in comparison of CHECK constraints by name."""

_PG_LOCK_KEY = 0x5249534B4445534B  # "RISKDESK": serialises concurrent upgrades


class SchemaState(StrEnum):
    EMPTY = "empty"  # no RiskDesk tables and no revision: will be created
    CURRENT = "current"  # at this version's head revision
    BEHIND = "behind"  # an older revision: will be upgraded
    NEWER = "newer"  # a revision this version does not know: refused
    UNVERSIONED = "unversioned"  # RiskDesk tables without a revision stamp


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database's schema stands relative to this version of RiskDesk."""

    current: tuple[str, ...]
    """Revisions stamped in the database (empty when it has none)."""
    head: str
    """Newest revision this version of RiskDesk knows."""
    state: SchemaState

    @property
    def current_label(self) -> str:
        return ", ".join(self.current) or "none"


def orm_metadata() -> MetaData:
    """``Base.metadata`` with every table of ``TABLE_MODULES`` registered on it."""
    for module in TABLE_MODULES:
        importlib.import_module(module)
    return Base.metadata


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic Config built in code; ``connection`` is what env.py migrates."""
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    cfg.set_main_option("path_separator", "os")
    # ConfigParser interpolation: %% is a literal %. New files: versions/0002_slug.py
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    if head is None:  # pragma: no cover - the package always ships 0001
        raise ConfigError(f"no migrations found in {SCRIPT_LOCATION}")
    return head


def schema_status(connection: Connection) -> SchemaStatus:
    """Compare the revision stamped in the database with this version's head."""
    scripts = script_directory()
    head = scripts.get_current_head() or ""
    current = tuple(MigrationContext.configure(connection).get_current_heads())
    if not current:
        ours = set(orm_metadata().tables)
        present = ours & set(inspect(connection).get_table_names())
        state = SchemaState.UNVERSIONED if present else SchemaState.EMPTY
    elif any(_unknown(scripts, rev) for rev in current):
        state = SchemaState.NEWER
    elif current == (head,):
        state = SchemaState.CURRENT
    else:
        state = SchemaState.BEHIND
    return SchemaStatus(current=current, head=head, state=state)


def schema_diffs(connection: Connection) -> list[Any]:
    """Differences between the database and the ORM tables (empty when they agree).

    Alembic's autogenerate comparison: tables, columns, types, nullability, comments,
    indexes, unique and foreign keys, and CHECK constraints by name (not by expression).
    """
    metadata = orm_metadata()
    ctx = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "target_metadata": metadata,
            "autogenerate_plugins": AUTOGENERATE_PLUGINS,
        },
    )
    return list(compare_metadata(ctx, metadata))


def prepare_schema(engine: Engine, *, write: bool = True, read_only: bool = False) -> SchemaStatus:
    """Bring the schema to head and sync the product table (``open_database``'s work).

    A first read-only pass returns at once when nothing is to be done, so that opening
    a current database takes no write lock. Returns the status found before any change.
    With ``write`` false, raises ConfigError unless the schema is already current (for
    a ``read_only`` file the message says it cannot be upgraded because it is read-only).
    """
    from core.db.reference_load import load_reference_data, pending_reference_changes

    where = mask_url(engine.url)
    try:
        with engine.connect() as conn, conn.begin():
            before = schema_status(conn)
            if before.state is SchemaState.CURRENT and not write:
                return before
            if before.state is SchemaState.CURRENT:
                with Session(bind=conn) as session:
                    if pending_reference_changes(session) == 0:
                        return before
        if read_only and before.state is not SchemaState.CURRENT:
            raise ConfigError(
                f"database {where} is read-only (opened for viewing) and its schema is "
                f"{before.state} (revision {before.current_label}, this RiskDesk "
                f"{before.head}): it cannot be upgraded; open a writable copy"
            )
        _refuse(before, where, write=write)
        with _write_transaction(engine) as conn:
            status = schema_status(conn)  # again: another process may have upgraded
            _refuse(status, where, write=True)
            _apply(conn, status, where)
            with Session(bind=conn) as session:
                load = load_reference_data(session)
            if load.inserted or load.updated:
                log.info(
                    "product table: %d inserted, %d updated",
                    load.inserted,
                    load.updated,
                )
    except DBAPIError as exc:
        fault = database_fault(exc, where)
        if fault is not None and fault.kind != "duplicate":
            raise fault from None  # damaged, full, busy, ...: one line with what to do
        raise ConfigError(
            f"database {where}: schema check or upgrade failed, nothing was changed: "
            f"{db_error_reason(exc, engine.url)}"
        ) from None
    return before


def upgrade(engine: Engine, revision: str = "head") -> SchemaStatus:
    """Migrate to ``revision`` (default head) in one transaction; returns the status."""
    with _write_transaction(engine) as conn:
        command.upgrade(alembic_config(conn), revision)
        return schema_status(conn)


def downgrade(engine: Engine, revision: str) -> SchemaStatus:
    """Migrate down to ``revision`` (``"base"`` drops everything): tests, repairs."""
    with _write_transaction(engine) as conn:
        command.downgrade(alembic_config(conn), revision)
        return schema_status(conn)


def new_revision(message: str, *, autogenerate: bool = True) -> Path:
    """Write ``versions/NNNN_<slug>.py`` for a schema change (developers only).

    With ``autogenerate`` the body is drafted by comparing the ORM tables with a scratch
    SQLite database at head. Review it: a CHECK whose expression changed under the same
    name is not detected, and SQLite changes must stay in ``op.batch_alter_table``.
    """
    from core.db.engine import make_engine

    scripts = script_directory()
    numbers = [int(s.revision) for s in scripts.walk_revisions() if s.revision.isdigit()]
    rev_id = f"{max(numbers, default=0) + 1:04d}"
    with tempfile.TemporaryDirectory(prefix="riskdesk-rev-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'head.sqlite'}")
        try:
            upgrade(engine)
            with engine.connect() as conn:
                script = command.revision(
                    alembic_config(conn),
                    message=message,
                    autogenerate=autogenerate,
                    rev_id=rev_id,
                )
        finally:
            engine.dispose()
    if script is None or isinstance(script, list):  # pragma: no cover - single head
        raise ConfigError("alembic did not write a revision")
    return Path(script.path)


# --------------------------------------------------------------------- internals
@contextmanager
def _write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the schema write lock.

    SQLite: BEGIN IMMEDIATE. PostgreSQL: a transaction-scoped advisory lock, so two
    processes opening an old database do not both upgrade it.
    """
    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            with conn.begin():
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
                yield conn
            return
        # SQLite's own ALTER procedure: foreign keys off (a no-op inside a transaction,
        # hence on the raw connection first), because batch migrations drop and rebuild
        # parent tables; then check every reference before committing.
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            conn.execution_options(**{SQLITE_BEGIN_IMMEDIATE: True})
            with conn.begin():
                yield conn
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise ConfigError(
                        f"migration left {len(broken)} broken references, e.g. "
                        f"table {broken[0][0]} row {broken[0][1]} -> {broken[0][2]}; "
                        "rolled back"
                    )
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def _unknown(scripts: ScriptDirectory, rev: str) -> bool:
    try:
        return scripts.get_revision(rev) is None
    except (RevisionError, CommandError):  # depends on the alembic version
        return True


def _refuse(status: SchemaStatus, where: str, *, write: bool) -> None:
    if status.state is SchemaState.NEWER:
        raise ConfigError(
            f"database {where} has schema revision {status.current_label}, which this "
            f"version of RiskDesk does not know (its newest is {status.head}): it was "
            "written by a newer RiskDesk. Install that version to open it."
        )
    if write or status.state is SchemaState.CURRENT:
        return
    if status.state is SchemaState.BEHIND:
        raise ConfigError(
            f"database {where} is at schema revision {status.current_label}, older "
            f"than this RiskDesk ({status.head}); run 'riskdesk db upgrade'"
        )
    raise ConfigError(
        f"database {where} has no RiskDesk schema ({status.state}); "
        "run 'riskdesk db upgrade' to create it"
    )


def _apply(conn: Connection, status: SchemaStatus, where: str) -> None:
    if status.state is SchemaState.UNVERSIONED:
        # A database made by Base.metadata.create_all (early builds, ad hoc scripts):
        # adopt it when it is exactly the head schema, otherwise refuse to guess.
        diffs = schema_diffs(conn)
        if diffs:
            sample = "; ".join(str(d) for d in diffs[:3])
            raise ConfigError(
                f"database {where} has RiskDesk tables but no schema revision, and "
                f"they differ from this version's schema ({len(diffs)} differences, "
                f"e.g. {sample}); use an empty database"
            )
        log.info("database %s: adopting an unversioned schema as %s", where, status.head)
        command.stamp(alembic_config(conn), "head")
    elif status.state is not SchemaState.CURRENT:
        log.info("database %s: schema %s -> %s", where, status.current_label, status.head)
        command.upgrade(alembic_config(conn), "head")
