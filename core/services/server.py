"""Server mode (issue #14): initialise a PostgreSQL book for several desks, add logins in
roles, list them, and record a desk's login — each through the write door, audited.

The roles and GRANTs themselves are ``core.db.server_roles``; who may do what is
``core.access``. See docs/server.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db.doorbell import Doorbell, Ring
from core.db.engine import Database
from core.db.server_roles import RolesReport, add_login, init_roles, logins
from core.errors import ConfigError
from core.services.store import Written, write

__all__ = [
    "Doorbell",
    "Login",
    "Ring",
    "add_user",
    "init_server",
    "list_users",
    "record_login",
]


@dataclass(frozen=True)
class Login:
    user: str
    roles: tuple[str, ...]


def init_server(db: Database) -> RolesReport:
    """Create the desk roles and grant them this book (``server_roles.init_roles``), as
    the schema's owner; audited ``server.init``. Idempotent: run it again after an
    upgrade. ConfigError on SQLite."""
    if db.engine.dialect.name != "postgresql":
        raise ConfigError("server mode needs PostgreSQL; SQLite is the single-desk book")

    def work(session: Session) -> Written[RolesReport]:
        report = init_roles(session.connection())
        detail = {"roles_created": list(report.created), "tables": len(report.tables)}
        return Written(report, Changes(), detail)

    with db.engine.connect() as conn:  # the trigger made here checks this entry's name
        login = str(conn.execute(text("SELECT session_user")).scalar_one())
    report, _ = write(db, "server.init", work, user=login, what="server mode initialisation")
    return report


def add_user(db: Database, name: str, role: str, password: str | None) -> bool:
    """Make ``name`` a login in ``role`` (``server_roles.add_login``); audited
    ``users.add`` (the password never is). True when the login was created now."""

    def work(session: Session) -> Written[bool]:
        created = add_login(session.connection(), name, role, password)
        detail = {"login": name, "role": role, "created": created}
        return Written(created, Changes(), detail)

    created, _ = write(db, "users.add", work, what=f"login {name} as {role}")
    return created


def list_users(db: Database) -> list[Login]:
    """Every login holding a desk role, with its roles."""
    with db.reader() as reader:
        return [Login(u, r) for u, r in logins(reader.session.connection())]


def record_login(db: Database) -> None:
    """A desk opened the book in server mode: one ``session.login`` entry (who, which
    role). Nothing in single-desk mode, where the OS login is the only desk."""
    desk = db.desk
    if not desk.server or db.read_only:
        return

    def work(session: Session) -> Written[None]:
        return Written(None, Changes(), {"role": desk.role, "roles": list(desk.roles)})

    write(db, "session.login", work, what="login")
