"""``riskdesk db upgrade|info|check|revision``: create, upgrade, inspect, verify.

The database is ``--db``, else ``$RISKDESK_DB_URL``, else the per-user SQLite file
(``core.config.resolve_db_url``). Passwords are never printed. ``check`` exits with 1
when a check fails; errors opening the database exit with 2 (see ``core.cli``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from core.db.migrate import SchemaStatus


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "db",
        help="create, upgrade, inspect or check the database (see docs/database.md)",
        description="Create, upgrade, inspect or check the RiskDesk database.",
    )
    actions = p.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    actions.add_parser(
        "upgrade",
        help="create the schema or upgrade it to this version; sync products",
    ).set_defaults(func=run_upgrade)
    actions.add_parser(
        "info",
        help="URL (password hidden), schema revision and row counts; changes nothing",
    ).set_defaults(func=run_info)
    actions.add_parser(
        "check",
        help="verify schema, reference data and integrity; exit 1 on a problem",
    ).set_defaults(func=run_check)
    rev = actions.add_parser(
        "revision",
        help="developers: write a migration for a change in core/db/tables.py",
    )
    rev.add_argument("-m", "--message", required=True, help="what the revision changes")
    rev.add_argument("--empty", action="store_true", help="write an empty revision body")
    rev.set_defaults(func=run_revision)


def run_upgrade(args: argparse.Namespace) -> int:
    from core.config import resolve_db_url
    from core.db.engine import make_engine, mask_url, open_database

    url = resolve_db_url(args.db)
    engine = make_engine(url)
    try:
        before = _status(engine)
    finally:
        engine.dispose()
    db = open_database(url)
    try:
        after = _status(db.engine)
    finally:
        db.engine.dispose()
    print(f"database  {mask_url(url)}")
    if before.current == after.current:
        print(f"schema    {after.current_label} (already current)")
    else:
        print(f"schema    {before.current_label} -> {after.current_label} (was {before.state})")
    return 0


def run_info(args: argparse.Namespace) -> int:
    from sqlalchemy import func, inspect, select

    from core.config import resolve_db_url
    from core.db.engine import make_engine, mask_url
    from core.db.migrate import orm_metadata

    url = resolve_db_url(args.db)
    engine = make_engine(url, create=False)
    tables = orm_metadata().sorted_tables
    try:
        status = _status(engine)
        with engine.connect() as conn:
            version = ".".join(str(n) for n in conn.dialect.server_version_info or ())
            present = set(inspect(conn).get_table_names())
            counts = {
                table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in tables
                if table.name in present
            }
    finally:
        engine.dispose()
    print(f"database  {mask_url(url)}")
    print(f"backend   {engine.dialect.name} {version} ({engine.dialect.driver})")
    print(f"schema    {status.current_label} (this RiskDesk: {status.head}; {status.state})")
    print("rows")
    for name in sorted(t.name for t in tables):
        count = counts.get(name)
        print(f"  {name:<20} {'missing' if count is None else count:>10}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Each check on its own line; a check that cannot run (a damaged file) is a FAIL
    with the database's reason, never a traceback."""
    from sqlalchemy import Connection
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm import Session

    from core.config import resolve_db_url
    from core.db.engine import make_engine, mask_url
    from core.db.faults import driver_reason, sqlite_integrity
    from core.db.migrate import SchemaState, schema_diffs, schema_status
    from core.db.reference_load import pending_reference_changes
    from core.errors import DatabaseFaultError

    url = resolve_db_url(args.db)
    print(f"database  {mask_url(url)}")
    try:
        engine = make_engine(url, create=False)
    except DatabaseFaultError as exc:  # damaged where SQLite reads first: check it raw
        print(f"FAIL  sqlite integrity: {_raw_integrity(url, exc.reason)}; restore a backup")
        return 1
    results: list[tuple[str, bool, str]] = []

    def check(name: str, run: Callable[[Connection], tuple[bool, str]]) -> None:
        try:
            with engine.connect() as conn:
                ok, detail = run(conn)
        except DBAPIError as exc:
            ok, detail = False, f"cannot be checked: {driver_reason(exc)}"
        results.append((name, ok, detail))

    def integrity(conn: Connection) -> tuple[bool, str]:
        problems = sqlite_integrity(conn, quick=False, limit=10)
        if not problems:
            return True, "ok"
        return False, f"damaged: {'; '.join(problems)}; restore a backup"

    def foreign_keys(conn: Connection) -> tuple[bool, str]:
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        return (
            not broken,
            f"{len(broken)} broken references" if broken else "all references resolve",
        )

    def revision(conn: Connection) -> tuple[bool, str]:
        status = schema_status(conn)
        return status.state is SchemaState.CURRENT, f"{status.current_label}, {status.state}"

    def tables(conn: Connection) -> tuple[bool, str]:
        diffs = schema_diffs(conn)
        return not diffs, "; ".join(str(d) for d in diffs[:5]) or "tables match this version"

    def products(conn: Connection) -> tuple[bool, str]:
        with Session(bind=conn) as session:
            pending = pending_reference_changes(session)
        if pending:
            return False, f"{pending} products differ; run 'riskdesk db upgrade'"
        return True, "matches products.toml"

    try:
        if engine.dialect.name == "sqlite":
            check("sqlite integrity", integrity)  # first: the other checks read the file
            check("foreign keys", foreign_keys)
        check("schema revision", revision)
        if results[-1][1]:
            check("schema tables", tables)
            check("product table", products)
    finally:
        engine.dispose()
    for name, ok, detail in results:
        print(f"{'ok  ' if ok else 'FAIL'}  {name}: {detail}")
    return 0 if all(ok for _, ok, _ in results) else 1


def _raw_integrity(url: str, reason: str) -> str:
    """What SQLite's integrity check says of a file too damaged to open the usual way
    (no WAL switch, no schema read); ``reason`` when even that cannot run."""
    import sqlite3
    from urllib.parse import quote

    from sqlalchemy.engine import make_url

    from core.safe_text import escape_controls

    path = make_url(url).database or ""
    try:
        with sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True) as conn:
            found = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(10)")]
    except sqlite3.Error as exc:
        return escape_controls(str(exc) or reason, one_line=True)
    problems = [line.strip() for text in found for line in text.splitlines()]
    problems = [p for p in problems if p and p != "ok" and not p.startswith("*** in database")]
    return escape_controls(f"damaged: {'; '.join(problems) or reason}", one_line=True)


def run_revision(args: argparse.Namespace) -> int:
    from core.db.migrate import new_revision

    path = new_revision(args.message, autogenerate=not args.empty)
    print(f"wrote {Path(path)}")
    print("review it (see docs/database.md), then run the test suite")
    return 0


def _status(engine: Engine) -> SchemaStatus:
    from sqlalchemy.exc import DBAPIError

    from core.db.engine import db_error_reason, mask_url
    from core.db.migrate import schema_status
    from core.errors import ConfigError

    try:
        with engine.connect() as conn:
            return schema_status(conn)
    except DBAPIError as exc:
        raise ConfigError(
            f"database {mask_url(engine.url)}: {db_error_reason(exc, engine.url)}"
        ) from None
