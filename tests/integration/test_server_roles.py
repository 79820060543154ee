"""Server mode on a real PostgreSQL server (issue #14): ``server init`` makes the desk
roles and GRANTs, ``add-user`` the logins, and PostgreSQL itself refuses what a role may
not do — not only the write door, which says why first.

Each test opens the small demo book as different logins over TCP with a password
(scram-sha-256, as the test server's pg_hba.conf requires).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from core.access import ROLES, Identity, needed_capability
from core.audit import verify_chain
from core.changes import Changes
from core.db.engine import Database, open_database
from core.errors import ConfigError, PermissionRefusedError
from core.services.demo import create_demo_data
from core.services.server import add_user, init_server, list_users, record_login
from core.services.settlement import run_daily_settlement
from core.services.store import Written, write

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("postgres-server-roles")]

PASSWORD = "s3cret 'quoted' :colon %pct"


@pytest.fixture(scope="module")
def book(pg_server) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A small demo book initialised for server mode, with one login per role."""
    name = f"srv_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_server.url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    url = pg_server.url(name)
    db = open_database(url)
    try:
        create_demo_data(db, scale="small", user="tester")
        init_server(db)
    finally:
        db.engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def logins(book: str) -> dict[str, str]:
    """role → a login of that role (unique names: roles are the cluster's)."""
    db = open_database(book)
    suffix = uuid.uuid4().hex[:6]
    made = {}
    try:
        for role in ROLES:
            user = f"{role}_{suffix}"
            assert add_user(db, user, role, PASSWORD) is True
            made[role] = user
    finally:
        db.engine.dispose()
    return made


@pytest.fixture
def desk(book: str, logins: dict[str, str]) -> Iterator[Callable[[str], Database]]:
    """Opens the book as the login of a role."""
    opened: list[Database] = []

    def open_as(role: str) -> Database:
        url = make_url(book).set(username=logins[role], password=PASSWORD)
        db = open_database(url.render_as_string(hide_password=False))
        opened.append(db)
        return db

    yield open_as
    for db in opened:
        db.engine.dispose()


def _settle(db: Database) -> None:
    run_daily_settlement(db, date(2026, 11, 20), user=None)


def test_each_login_is_itself_in_its_role(
    desk: Callable[[str], Database], logins: dict[str, str], book: str
) -> None:
    for role in ROLES:
        ident = desk(role).desk
        assert ident == Identity(user=logins[role], roles=_held(role), server=True, owner=False)
        assert ident.role == role
    admin = open_database(book)
    try:
        assert admin.desk.server
        assert admin.desk.owner
        assert admin.desk.role == "owner"
        listed = {u.user: u.roles for u in list_users(admin)}  # roles held, also through another
        assert listed[logins["head_of_risk"]] == ("risk_officer", "head_of_risk")
        assert listed[logins["viewer"]] == ("viewer",)
    finally:
        admin.engine.dispose()


def _held(role: str) -> tuple[str, ...]:
    return ("risk_officer", "head_of_risk") if role == "head_of_risk" else (role,)


def test_viewer_settlement_is_refused_by_the_door_and_by_postgresql(
    desk: Callable[[str], Database],
) -> None:
    viewer = desk("viewer")
    with pytest.raises(PermissionRefusedError) as door:
        _settle(viewer)
    assert "may not run the settlement" in str(door.value)
    assert "clearing" in str(door.value)
    # past the door (a program talking SQL directly): PostgreSQL refuses it itself
    with viewer.engine.connect() as conn, pytest.raises(DBAPIError) as server:
        conn.execute(text("UPDATE settlement_price SET trading_day = trading_day"))
    assert getattr(server.value.orig, "sqlstate", "") == "42501"
    # and through the door with the role check lifted: the same refusal, one clear line
    lifted = Database(
        url=viewer.url,
        engine=viewer.engine,
        sessions=viewer.sessions,
        identity=Identity(user=viewer.desk.user, server=True, owner=True),
    )
    with pytest.raises(PermissionRefusedError) as refused:
        _settle(lifted)
    assert "refused it" in str(refused.value)
    assert "nothing was written" in str(refused.value)


def test_clearing_settles_risk_officer_may_not(
    desk: Callable[[str], Database], logins: dict[str, str]
) -> None:
    with pytest.raises(PermissionRefusedError):
        _settle(desk("risk_officer"))
    clearing = desk("clearing")
    _settle(clearing)  # a rerun of the stored day: same rows, audited as the login
    with clearing.reader() as reader:
        who, action = reader.session.execute(
            text('SELECT "user", action FROM audit_log ORDER BY id DESC LIMIT 1')
        ).one()
    assert (who, action) == (logins["clearing"], "settlement.run")


def test_every_role_may_export_and_login_is_audited_under_its_own_name(
    desk: Callable[[str], Database], logins: dict[str, str]
) -> None:
    for role in ROLES:
        db = desk(role)
        record_login(db)
        write(db, "export.test", lambda _s: Written(None, Changes(), {"rows": 1}), user="alias")
    auditor = desk("auditor")
    with auditor.reader() as reader:
        rows = reader.session.execute(
            text('SELECT "user", action FROM audit_log ORDER BY id DESC LIMIT 10')
        ).all()
        check = verify_chain(reader.session)
    assert check.broken is None
    stamped = {(u, a) for u, a in rows}
    for role in ROLES:
        assert (logins[role], "session.login") in stamped
        assert (logins[role], "export.test") in stamped  # not "alias": the login is the user


def test_no_role_changes_the_log_nor_writes_under_another_name(
    desk: Callable[[str], Database], logins: dict[str, str]
) -> None:
    for role in ROLES:
        with desk(role).engine.connect() as conn, pytest.raises(DBAPIError) as denied:
            conn.execute(text("DELETE FROM audit_log"))
        assert getattr(denied.value.orig, "sqlstate", "") == "42501"
    officer = desk("risk_officer")
    with officer.engine.connect() as conn, pytest.raises(DBAPIError) as forged:
        conn.execute(
            text(
                'INSERT INTO audit_log (at, "user", action, detail, prev_hash, entry_hash) '
                "VALUES (now(), :who, 'export.x', '', :p, :h)"
            ),
            {"who": logins["head_of_risk"], "p": "f" * 64, "h": "e" * 64},
        )
    assert "may not write as" in str(forged.value.orig)


def test_risk_officer_acknowledges_alerts_viewer_may_not(desk: Callable[[str], Database]) -> None:
    def touch_alerts(session: Session) -> Written[int]:
        done = session.execute(text("UPDATE alert SET acknowledged_at = acknowledged_at"))
        return Written(int(done.rowcount), Changes(), {"alerts": 0})  # type: ignore[attr-defined]

    write(desk("risk_officer"), "alert.acknowledge", touch_alerts)
    write(desk("head_of_risk"), "alert.acknowledge", touch_alerts)  # inherits risk officer
    with pytest.raises(PermissionRefusedError):
        write(desk("viewer"), "alert.acknowledge", touch_alerts)
    with pytest.raises(PermissionRefusedError):
        write(desk("clearing"), "alert.acknowledge", touch_alerts)


def test_desk_roles_do_not_upgrade_or_sync_the_schema(book: str, desk) -> None:  # type: ignore[no-untyped-def]
    # a desk opens a current book without writing (the administrator upgrades)
    db = desk("viewer")
    with db.reader() as reader:
        n = reader.session.execute(text("SELECT count(*) FROM product")).scalar_one()
    assert n > 0


def test_init_is_idempotent_and_sqlite_has_no_server_mode(book: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = open_database(book)
    try:
        again = init_server(db)
        assert again.created == ()
    finally:
        db.engine.dispose()
    lite = open_database(f"sqlite:///{tmp_path / 'one.sqlite'}")
    try:
        assert not lite.desk.server
        assert lite.desk.may("settlement.run")
        with pytest.raises(ConfigError, match="needs PostgreSQL"):
            init_server(lite)
    finally:
        lite.engine.dispose()


def test_every_action_the_code_writes_has_a_capability() -> None:
    """A write action without a capability would be refused to every desk role."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found: set[str] = set()
    call = re.compile(r"\bwrite\(\s*\w+(?:\.\w+)?,\s*f?\"([a-z_]+\.)")
    constant = re.compile(r"^\w*ACTION\w*\s*(?::\s*\w+\s*)?=\s*\"([a-z_]+)[.\"]", re.M)
    for path in [*root.joinpath("core").rglob("*.py"), *root.joinpath("desktop").rglob("*.py")]:
        source = path.read_text(encoding="utf-8")
        found |= set(call.findall(source))
        found |= {f"{name}." for name in constant.findall(source)}
    assert {"settlement.", "import.", "alert.", "notice.", "export."} <= found
    assert {p for p in found if needed_capability(p + "x") == "owner"} <= {"demo.", "server."}


def test_the_feed_login_raises_the_books_alerts_and_cannot_acknowledge_them(
    desk: Callable[[str], Database],
) -> None:
    """The feed process runs as clearing: it may INSERT the book's alerts (feed.alerts)
    but not acknowledge them, not even by SQL past the door; a viewer raises none."""
    from datetime import UTC, datetime

    from core.live.alerts import Alert
    from core.services.book_alerts import raise_book_alerts

    day = date(2031, 1, 6)  # a day of its own: the module's book is shared by the tests
    alert = Alert(1, datetime(2031, 1, 6, 1, tzinfo=UTC), "risk_level", "critical", "m", "X1")
    clearing = desk("clearing")
    assert raise_book_alerts(clearing, day, 7, [alert]) == 1
    assert raise_book_alerts(clearing, day, 7, [alert]) == 0  # once
    with pytest.raises(PermissionRefusedError):
        raise_book_alerts(desk("viewer"), day, 8, [alert])

    def ack_by_sql(session: Session) -> Written[int]:
        session.execute(
            text("UPDATE alert SET acknowledged_by = 'x' WHERE trading_day = :d"), {"d": day}
        )
        return Written(0, Changes(), {})

    with pytest.raises(PermissionRefusedError):  # past the door: PostgreSQL refuses
        write(clearing, "feed.test", ack_by_sql)
