"""``riskdesk statement``: a client's or a member's settlement statement as XLSX or PDF.

``riskdesk statement --client C --date D --out FILE.xlsx|.pdf [--lang en]`` and
``riskdesk statement --member [M] --date D --out FILE``; the day must have been settled
(``riskdesk settle``). The export is audited (``export.client_statement`` or
``export.member_statement``). Exit 0 written, 2 bad input (unknown client or member, day not
settled, unsupported file type).
"""

from __future__ import annotations

import argparse

from core.cli.cmd_settle import _day
from core.cli.support import out_file


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "statement",
        help="write a client or member settlement statement (XLSX or PDF)",
        description="Write the settlement statement of a client (--client) or of a member "
        "(--member, exchange view) for a settled trading day.",
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--client", metavar="CODE")
    who.add_argument(
        "--member",
        metavar="CODE",
        nargs="?",
        const="",
        help="member code (optional when the database has one settled member)",
    )
    p.add_argument("--date", type=_day, required=True, metavar="YYYY-MM-DD", dest="day")
    p.add_argument("--out", type=out_file, required=True, metavar="FILE.xlsx|FILE.pdf")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="labels (default zh)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.cli.support import open_cli_database
    from core.config import current_user
    from core.services.exports import export_statement
    from core.services.settlement_history import (
        ClientStatement,
        MemberStatement,
        client_statement,
        member_statement,
    )

    db = open_cli_database(args)
    try:
        with db.reader() as reader:
            statement: ClientStatement | MemberStatement
            if args.client is not None:
                statement = client_statement(reader, args.client, args.day)
            else:
                statement = member_statement(reader, args.member or None, args.day)
        path, _ = export_statement(db, statement, args.out, args.lang, user=current_user())
    finally:
        db.engine.dispose()
    print(f"wrote {path}")
    return 0
