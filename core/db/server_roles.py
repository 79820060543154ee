"""Server mode on PostgreSQL (issue #14): the desk roles as group roles with GRANTs,
logins, and who is at a desk.

``init_roles`` (run by ``riskdesk server init`` as the schema's owner, inside the write
door's transaction) creates the group roles ``riskdesk_viewer`` … ``riskdesk_auditor``
(NOLOGIN), grants each what ``core.access`` gives it — SELECT on the book, INSERT /
UPDATE / DELETE on the tables of its capabilities, SELECT and INSERT on the append-only
audit log (never UPDATE or DELETE) — and a trigger that refuses an audit entry stamped
with another name than the login's (``session_user``), so nobody can write as someone
else.
PostgreSQL enforces all of it: a viewer's settlement is refused by the server itself.

``add_login`` creates a login in a role (password optional: ``pg_hba.conf`` may allow
peer or certificate logins); RiskDesk keeps no password table. ``read_identity`` tells
the desk who its login is and which roles it holds (one query at open).

Roles are the cluster's; the GRANTs and the trigger are the database's, so one server
can hold several books. Run ``server init`` again after an upgrade: the GRANTs of new
tables follow (it is idempotent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, inspect, text

from core.access import (
    AUDIT_TABLE,
    CAPABILITY_INSERTS,
    CAPABILITY_TABLES,
    ROLE_CAPABILITIES,
    ROLE_PREFIX,
    ROLES,
    Identity,
    pg_role,
    single_desk,
)
from core.errors import ConfigError

AUDIT_USER_TRIGGER = "audit_log_user_is_login"
_AUDIT_USER_FUNCTION = "riskdesk_audit_user_is_login"
_LOGIN = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class RolesReport:
    """What ``init_roles`` did: the group roles created now (the others existed) and the
    tables granted."""

    created: tuple[str, ...]
    tables: tuple[str, ...]


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def read_identity(conn: Connection, fallback_user: str) -> Identity:
    """Who this connection's desk is. SQLite, or PostgreSQL without the desk roles (no
    ``server init``): the single desk, named ``fallback_user``. Server mode: the login
    (``session_user``), the desk roles it is a member of (directly or through another
    role), and whether it owns the schema (or is a superuser)."""
    if not is_postgres(conn):
        return single_desk(fallback_user)
    names = [pg_role(r) for r in ROLES]
    row = conn.execute(
        text(
            "SELECT session_user, "
            "(SELECT rolsuper FROM pg_roles WHERE rolname = session_user), "
            "(SELECT count(*) FROM pg_roles WHERE rolname = ANY(:names)), "
            "(SELECT tableowner = session_user FROM pg_tables "
            " WHERE schemaname = current_schema() AND tablename = :audit)"
        ),
        {"names": names, "audit": AUDIT_TABLE},
    ).one()
    user, superuser, n_roles, owns = str(row[0]), bool(row[1]), int(row[2]), bool(row[3])
    if n_roles < len(ROLES) or not _initialised(conn):
        return single_desk(user)
    held = set(
        conn.execute(
            text(
                "SELECT rolname FROM pg_roles WHERE rolname = ANY(:names) "
                "AND pg_has_role(session_user, oid, 'MEMBER')"
            ),
            {"names": names},
        ).scalars()
    )
    roles = tuple(r for r in ROLES if ROLE_PREFIX + r in held)
    return Identity(user=user, roles=roles, server=True, owner=superuser or owns)


def _initialised(conn: Connection) -> bool:
    """This database was initialised for server mode: its audit trigger exists."""
    found = conn.execute(
        text("SELECT 1 FROM pg_trigger WHERE tgname = :name AND NOT tgisinternal"),
        {"name": AUDIT_USER_TRIGGER},
    ).first()
    return found is not None


def init_roles(conn: Connection) -> RolesReport:
    """Create the desk roles (when missing) and grant them this database's tables
    (module docstring), in the caller's transaction. PostgreSQL only; the caller must
    own the tables (or be a superuser) and may create roles."""
    if not is_postgres(conn):
        raise ConfigError("server mode needs PostgreSQL; SQLite is the single-desk book")
    existing = set(
        conn.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"),
            {"names": [pg_role(r) for r in ROLES]},
        ).scalars()
    )
    created: list[str] = []
    for role in ROLES:
        name = pg_role(role)
        if name not in existing:
            conn.execute(text(f"CREATE ROLE {_q(conn, name)} NOLOGIN"))
            created.append(name)
    # the head of risk does everything a risk officer does
    conn.execute(
        text(f"GRANT {_q(conn, pg_role('risk_officer'))} TO {_q(conn, pg_role('head_of_risk'))}")
    )
    tables = sorted(inspect(conn).get_table_names())
    everyone = ", ".join(_q(conn, pg_role(r)) for r in ROLES)
    schema = _q(conn, str(conn.execute(text("SELECT current_schema()")).scalar_one()))
    conn.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {everyone}"))
    for table in tables:
        t = _q(conn, table)
        conn.execute(text(f"REVOKE ALL ON {t} FROM {everyone}"))
        if table != AUDIT_TABLE:
            conn.execute(text(f"GRANT SELECT ON {t} TO {everyone}"))
    # every desk reads the log (settlement history, alert history) and appends to it;
    # UPDATE and DELETE are granted to nobody, and the 0008 triggers refuse them anyway
    conn.execute(text(f"GRANT SELECT, INSERT ON {_q(conn, AUDIT_TABLE)} TO {everyone}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {everyone}"))
    for role in ROLES:
        for cap in sorted(ROLE_CAPABILITIES[role]):
            for table in CAPABILITY_TABLES.get(cap, ()):
                if table in tables:
                    conn.execute(
                        text(
                            f"GRANT INSERT, UPDATE, DELETE ON {_q(conn, table)} "
                            f"TO {_q(conn, pg_role(role))}"
                        )
                    )
            for table in CAPABILITY_INSERTS.get(cap, ()):
                if table in tables:
                    conn.execute(
                        text(f"GRANT INSERT ON {_q(conn, table)} TO {_q(conn, pg_role(role))}")
                    )
    _audit_user_trigger(conn)
    return RolesReport(created=tuple(created), tables=tuple(tables))


def _audit_user_trigger(conn: Connection) -> None:
    """An audit entry must carry the login's own name: the entry's hash covers it, so
    the name is checked as the row arrives, not rewritten."""
    conn.execute(
        text(
            f"CREATE OR REPLACE FUNCTION {_AUDIT_USER_FUNCTION}() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            'IF NEW."user" IS DISTINCT FROM session_user THEN '
            "RAISE EXCEPTION 'audit entries carry the login''s own name: % may not write "
            "as %', session_user, NEW.\"user\" USING ERRCODE = 'insufficient_privilege'; "
            "END IF; RETURN NEW; END $$"
        )
    )
    conn.execute(text(f"DROP TRIGGER IF EXISTS {AUDIT_USER_TRIGGER} ON {AUDIT_TABLE}"))
    conn.execute(
        text(
            f"CREATE TRIGGER {AUDIT_USER_TRIGGER} BEFORE INSERT ON {AUDIT_TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {_AUDIT_USER_FUNCTION}()"
        )
    )


def add_login(conn: Connection, name: str, role: str, password: str | None) -> bool:
    """Make ``name`` a login in the desk ``role`` (``core.access.ROLES``); True when the
    login was created now, False when it existed (it is then granted the role; its
    password changes only when one is given). Raises ConfigError for a name that is not
    a plain lower-case identifier or an unknown role."""
    if not _LOGIN.fullmatch(name) or name.startswith(ROLE_PREFIX):
        raise ConfigError(
            f"login name {name!r}: use lower-case letters, digits and _ (at most 63, not "
            f"starting with a digit or {ROLE_PREFIX!r})"
        )
    try:
        group = pg_role(role)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    who = _q(conn, name)
    if exists is None:
        conn.execute(text(f"CREATE ROLE {who} LOGIN"))
    if password is not None:
        _set_password(conn, name, password)
    conn.execute(text(f"GRANT {_q(conn, group)} TO {who}"))
    if role == "head_of_risk":  # manages the desk's logins (riskdesk server add-user)
        conn.execute(text(f"ALTER ROLE {who} CREATEROLE"))
    return exists is None


def logins(conn: Connection) -> list[tuple[str, tuple[str, ...]]]:
    """Every login holding a desk role (directly or through another: a head of risk is a
    risk officer too), with its roles (``server users``)."""
    rows = conn.execute(
        text(
            "SELECT u.rolname, g.rolname FROM pg_roles u CROSS JOIN pg_roles g "
            "WHERE g.rolname = ANY(:names) AND u.rolcanlogin AND NOT u.rolsuper "
            "AND pg_has_role(u.oid, g.oid, 'MEMBER') ORDER BY 1, 2"
        ),
        {"names": [pg_role(r) for r in ROLES]},
    ).all()
    out: dict[str, list[str]] = {}
    for user, group in rows:
        out.setdefault(str(user), []).append(str(group)[len(ROLE_PREFIX) :])
    return [(u, tuple(r for r in ROLES if r in rs)) for u, rs in out.items()]


def _q(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _set_password(conn: Connection, name: str, password: str) -> None:
    """ALTER ROLE … PASSWORD, composed by the driver (DDL takes no bound parameters);
    PostgreSQL stores only the SCRAM verifier."""
    from psycopg import sql

    if "\x00" in password:
        raise ConfigError("a password may not contain a NUL character")
    raw = conn.connection.driver_connection
    with raw.cursor() as cur:  # type: ignore[union-attr]
        cur.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name), sql.Literal(password))
        )
