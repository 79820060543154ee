"""``riskdesk server init | add-user | users | whoami``: server mode on PostgreSQL
(issue #14, docs/server.md).

``init`` (as the schema's owner or a superuser) creates or upgrades the schema, the five
desk roles and their GRANTs; run it again after an upgrade. ``add-user NAME --role R``
makes a PostgreSQL login in a role (a password from a prompt or stdin, or none where
``pg_hba.conf`` allows peer or certificate logins). ``users`` lists the logins and their
roles; ``whoami`` prints who this connection is at the desk.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from core.access import ROLE_TITLES, ROLES


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "server",
        help="server mode on PostgreSQL: roles, logins (see docs/server.md)",
        description="Several desks on one PostgreSQL book: roles and logins.",
    )
    actions = p.add_subparsers(dest="server_action", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init", help="create the schema, the desk roles and their GRANTs (as the owner)"
    )
    init.set_defaults(func=run_init)
    add = actions.add_parser("add-user", help="make a PostgreSQL login in a desk role")
    add.add_argument("name", help="login name (lower-case letters, digits, _)")
    add.add_argument("--role", required=True, choices=ROLES, help="the desk role")
    how = add.add_mutually_exclusive_group()
    how.add_argument(
        "--password", action="store_true", help="ask for a password (typed twice, not shown)"
    )
    how.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.set_defaults(func=run_add_user)
    users = actions.add_parser("users", help="list the logins and their desk roles")
    users.set_defaults(func=run_users)
    who = actions.add_parser("whoami", help="who this connection is at the desk")
    who.set_defaults(func=run_whoami)


def run_init(args: argparse.Namespace) -> int:
    from core.cli.support import open_cli_database
    from core.services.server import init_server

    db = open_cli_database(args)
    try:
        report = init_server(db)
    finally:
        db.engine.dispose()
    print(f"database  {db.masked_url}")
    made = ", ".join(report.created) if report.created else "none (all existed)"
    print(f"roles created: {made}")
    print(f"GRANTs on {len(report.tables)} tables for {', '.join(ROLES)}")
    print("audit entries now carry the login's own name (trigger audit_log_user_is_login)")
    print("next: riskdesk server add-user NAME --role ROLE")
    return 0


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            raise SystemExit("riskdesk: no password on standard input")
        return line
    if args.password:
        first = getpass.getpass("password: ")
        if first != getpass.getpass("again: "):
            raise SystemExit("riskdesk: the two passwords differ; nothing was changed")
        if not first:
            raise SystemExit("riskdesk: empty password; nothing was changed")
        return first
    return None


def run_add_user(args: argparse.Namespace) -> int:
    from core.cli.support import open_cli_database
    from core.services.server import add_user

    password = _password(args)
    db = open_cli_database(args)
    try:
        created = add_user(db, args.name, args.role, password)
    finally:
        db.engine.dispose()
    state = "created" if created else "existing login"
    pw = "password set" if password is not None else "no password (peer/certificate login)"
    print(f"{args.name}: {state}, role {ROLE_TITLES[args.role]}, {pw}")
    return 0


def run_users(args: argparse.Namespace) -> int:
    from core.cli.support import open_cli_database
    from core.services.server import list_users

    db = open_cli_database(args)
    try:
        found = list_users(db)
    finally:
        db.engine.dispose()
    if not found:
        print("no logins in a desk role (riskdesk server add-user NAME --role ROLE)")
    for login in found:
        print(f"{login.user:<24} {', '.join(ROLE_TITLES[r] for r in login.roles)}")
    return 0


def run_whoami(args: argparse.Namespace) -> int:
    from core.cli.support import open_cli_database

    db = open_cli_database(args)
    try:
        desk = db.desk
    finally:
        db.engine.dispose()
    mode = "server mode" if desk.server else "single desk"
    print(f"{desk.label} ({mode}, {db.masked_url})")
    return 0
