"""``riskdesk audit verify``: check the audit log's hash chain (docs/server.md).

Prints the number of entries and the head hash when every link holds (exit 0), else
the first broken link: the entry, its time, user and action, and what differs (exit 1).
It also says whether the append-only triggers are in place; a missing trigger alone is
a warning, since the chain is what proves the log intact. Reads only.
"""

from __future__ import annotations

import argparse
import re


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "audit",
        help="check the tamper-evident audit log (see docs/server.md)",
        description="Check the audit log's hash chain.",
    )
    actions = p.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify",
        help="check every link of the audit chain; exit 1 at the first broken one",
    )
    verify.add_argument(
        "--head",
        metavar="HASH",
        type=_head_hash,
        default=None,
        help="a head hash printed by an earlier verify: it must still be in the chain "
        "(detects entries cut off the end or a rebuilt chain)",
    )
    verify.set_defaults(func=run_verify)


def _head_hash(text: str) -> str:
    value = text.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        raise argparse.ArgumentTypeError(f"expected 64 hex digits (SHA-256), got {text!r}")
    return value


def run_verify(args: argparse.Namespace) -> int:
    from core.audit import missing_guards, verify_chain
    from core.cli.support import open_cli_database

    db = open_cli_database(args)
    try:
        with db.reader() as reader:
            check = verify_chain(reader.session, expected_head=args.head)
            missing = missing_guards(reader.session.connection())
    finally:
        db.engine.dispose()
    print(f"database  {db.masked_url}")
    if check.broken is not None:
        b = check.broken
        when = b.at.isoformat(sep=" ", timespec="seconds") if b.at else "?"
        print(f"audit chain BROKEN at entry #{b.entry_id} ({when}, {b.user}, {b.action}):")
        print(f"  {b.reason}")
        print(f"  {check.entries - 1} entries before it verified")
        return 1
    print(f"audit chain OK: {check.entries} entries, head {check.head}")
    if check.head_found is False:
        print(
            f"audit chain BROKEN: the expected head {args.head} is not in the chain: "
            "entries were removed from the end, or the chain was rebuilt"
        )
        return 1
    if check.head_found:
        print("expected head found: nothing was cut off before it")
    if missing:
        print(
            f"warning: append-only trigger(s) {', '.join(missing)} missing or disabled: "
            "the log can be changed (the chain still shows any change)"
        )
    else:
        print("append-only triggers in place")
    return 0
