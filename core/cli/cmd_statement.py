"""``riskdesk statement``: a client's or a member's settlement statement as PDF or XLSX.

``riskdesk statement --client C --date D --out FILE.pdf|.xlsx [--lang en]``: the client's
statement of a settled day; the PDF is the statement to sign off (firm letterhead, the
account summary in the counter's order, closed and open positions, deposits, risk
degree and margin call, page numbers, the confirmation text with its deadline;
``core.reports.signoff``). ``--month YYYY-MM`` instead of ``--date``: the client's
monthly statement (the month's settled days summed). ``riskdesk statement --member [M]
--date D --out FILE``: the member's (exchange view). The day must have been settled
(``riskdesk settle``). The export is audited (``export.client_statement``,
``export.client_monthly_statement`` or ``export.member_statement``). Exit 0 written, 2
bad input (unknown client or member, day not settled, no settled day in the month,
unsupported file type).
"""

from __future__ import annotations

import argparse

from core.cli.cmd_settle import _day
from core.cli.support import out_file


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "statement",
        help="write a client's (daily or monthly) or a member's statement (PDF or XLSX)",
        description="Write the settlement statement of a client (--client) for a settled "
        "day (--date) or a month (--month), or of a member (--member, exchange view) "
        "for a settled day. A client's PDF is the statement the client signs off.",
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
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", type=_day, metavar="YYYY-MM-DD", dest="day")
    when.add_argument(
        "--month", metavar="YYYY-MM", help="a client's monthly statement (its settled days)"
    )
    p.add_argument("--out", type=out_file, required=True, metavar="FILE.pdf|FILE.xlsx")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="labels (default zh)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.cli.support import open_cli_database
    from core.config import current_user
    from core.errors import InputError
    from core.services.client_statements import export_client_statement
    from core.services.exports import export_statement
    from core.services.settlement_history import (
        ClientStatement,
        MemberStatement,
        client_statement,
        member_statement,
    )

    if args.month is not None and args.client is None:
        raise InputError("a monthly statement is a client's: give --client", field="month")
    db = open_cli_database(args)
    try:
        if args.client is not None and (
            args.month is not None or args.out.suffix.lower() == ".pdf"
        ):
            path, _ = export_client_statement(
                db,
                args.client,
                args.out,
                args.lang,
                day=args.day,
                month=args.month,
                user=current_user(),
            )
        else:
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
