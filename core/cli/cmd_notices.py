"""``riskdesk notices``: margin-call and forced-close notices from the command line.

::

    riskdesk notices generate --day D (--client C [--client C2 …] | --all-due)
        [--kind margin_call|forced_close] [--lang zh|en] [--channel …] [--out DIR]
    riskdesk notices send (NUMBER … | --all-generated) [--to ADDR] [--config FILE]
        [--smtp-host H] [--smtp-port P] [--smtp-tls none|starttls|ssl]
        [--smtp-user U] [--smtp-sender ADDR]
    riskdesk notices list [--day D] [--client C] [--status S] [--kind K] [--limit N]
    riskdesk notices mark NUMBER --status S --channel C [--note TEXT]
    riskdesk notices history CLIENT
    riskdesk notices pdf NUMBER … --out DIR
    riskdesk notices contact CLIENT [--email ADDR] [--phone NUMBER]

Every write is audited (docs/notices.md). Exit codes: 0 done; 1 some e-mail could not be
sent (each failure is recorded as "failed" and printed); 2 bad input or settings.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.services.notices import NoticeSummary

from core.cli.cmd_risk import _database
from core.cli.cmd_settle import _day
from core.money import format_yuan

KINDS = ("margin_call", "forced_close")
STATUSES = ("generated", "sent", "received", "confirmed", "failed")
CHANNELS = ("system", "sms", "email", "hand")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "notices",
        help="margin-call and forced-close notices: generate, send, list, mark",
        description="Margin-call (追加保证金通知书) and forced-close (强行平仓通知书) notices: "
        "generate them from a settled day, write PDFs, e-mail them, record deliveries.",
    )
    cmds = p.add_subparsers(dest="notices_command", metavar="ACTION", required=True)

    g = cmds.add_parser("generate", help="generate notices for one client or all due clients")
    g.add_argument("--day", type=_day, required=True, metavar="YYYY-MM-DD")
    who = g.add_mutually_exclusive_group(required=True)
    who.add_argument("--client", action="append", metavar="CODE", help="repeatable")
    who.add_argument(
        "--all-due", action="store_true", help="every client whose available funds are < 0"
    )
    g.add_argument("--kind", choices=KINDS, default="margin_call")
    g.add_argument("--lang", choices=("zh", "en"), default="zh")
    g.add_argument("--channel", choices=CHANNELS, default="email", help="intended channel")
    g.add_argument("--out", type=Path, metavar="DIR", help="also write each notice as a PDF")
    g.set_defaults(func=run_generate)

    s = cmds.add_parser("send", help="e-mail notices (PDF attached) through SMTP")
    which = s.add_mutually_exclusive_group(required=True)
    which.add_argument("numbers", nargs="*", default=[], metavar="NUMBER")
    which.add_argument(
        "--all-generated", action="store_true", help="every notice not sent yet (generated)"
    )
    s.add_argument("--to", metavar="ADDR", help="recipient instead of the client's (one notice)")
    s.add_argument("--member", metavar="CODE", help="when several members use a number")
    s.add_argument("--config", type=Path, metavar="FILE", help="settings file (riskdesk.toml)")
    s.add_argument("--smtp-host", metavar="HOST")
    s.add_argument("--smtp-port", type=int, metavar="PORT")
    s.add_argument("--smtp-tls", choices=("none", "starttls", "ssl"))
    s.add_argument("--smtp-user", metavar="USER")
    s.add_argument("--smtp-sender", metavar="ADDR")
    s.set_defaults(func=run_send)

    ls = cmds.add_parser("list", help="list notices (newest trading day first)")
    ls.add_argument("--day", type=_day, metavar="YYYY-MM-DD")
    ls.add_argument("--client", metavar="CODE")
    ls.add_argument("--status", choices=STATUSES)
    ls.add_argument("--kind", choices=KINDS)
    ls.add_argument("--member", metavar="CODE")
    ls.add_argument("--limit", type=int, metavar="N")
    ls.set_defaults(func=run_list)

    m = cmds.add_parser("mark", help="record a status change made by hand")
    m.add_argument("number", metavar="NUMBER")
    m.add_argument("--status", choices=STATUSES[1:], required=True)
    m.add_argument("--channel", choices=CHANNELS, required=True)
    m.add_argument("--note", default="", metavar="TEXT")
    m.add_argument("--member", metavar="CODE", help="when several members use the number")
    m.set_defaults(func=run_mark)

    h = cmds.add_parser("history", help="a client's notices and their delivery history")
    h.add_argument("client", metavar="CLIENT")
    h.set_defaults(func=run_history)

    pdf = cmds.add_parser("pdf", help="write notices as PDF files again")
    pdf.add_argument("numbers", nargs="+", metavar="NUMBER")
    pdf.add_argument("--out", type=Path, required=True, metavar="DIR")
    pdf.add_argument("--member", metavar="CODE")
    pdf.set_defaults(func=run_pdf)

    c = cmds.add_parser("contact", help="set a client's e-mail address or phone number")
    c.add_argument("client", metavar="CLIENT")
    c.add_argument("--email", metavar="ADDR", help='"" clears it')
    c.add_argument("--phone", metavar="NUMBER", help='"" clears it')
    c.set_defaults(func=run_contact)


def _line(n: NoticeSummary) -> str:
    return (
        f"{n.number:<14} {n.trading_day.isoformat()} {n.client_code:<10} "
        f"{format_yuan(n.call_fen):>16} {n.status:<10} {n.channel:<6} {n.kind}"
    )


def run_generate(args: argparse.Namespace) -> int:
    from core.config import current_user
    from core.services.notices import GenerateRequest, export_notice_pdfs, generate_notices

    request = GenerateRequest(
        day=args.day,
        kind=args.kind,
        clients=None if args.all_due else tuple(args.client),
        lang=args.lang,
        channel=args.channel,
    )
    with _database(args) as db:
        result, _ = generate_notices(db, request, user=current_user())
        for n in result.notices:
            print(_line(n))
        for s in result.skipped:
            print(f"skipped {s.client_code}: {s.reason}")
        print(f"generated {len(result.notices)} notice(s), skipped {len(result.skipped)}")
        if args.out is not None and result.notices:
            numbers = [n.number for n in result.notices]
            paths, _ = export_notice_pdfs(db, numbers, args.out, user=current_user())
            print(f"wrote {len(paths)} PDF file(s) to {args.out}")
    return 0


def run_send(args: argparse.Namespace) -> int:
    from core.config import current_user, load_settings, smtp_settings
    from core.services.notice_delivery import send_notices
    from core.services.notices import NoticeFilter, list_notices

    settings = smtp_settings(
        load_settings(args.config),
        host=args.smtp_host,
        port=args.smtp_port,
        tls=args.smtp_tls,
        user=args.smtp_user,
        sender=args.smtp_sender,
    )
    with _database(args) as db:
        numbers = list(args.numbers)
        member = args.member
        if args.all_generated:
            with db.reader() as reader:
                pending = list_notices(reader, NoticeFilter(status="generated", member=member))
            if len({n.number for n in pending}) < len(pending):
                from core.errors import InputError

                raise InputError("several members use the same numbers: name --member")
            numbers = [n.number for n in pending]
        if not numbers:
            print("no notice to send")
            return 0
        sent, _ = send_notices(
            db, numbers, settings, to=args.to, member=member, user=current_user()
        )
    for a in (*sent.attempts, *sent.skipped):
        print(f"{a.number:<14} {a.status:<9} {a.detail}")
    print(f"sent {sent.sent}, failed {sent.failed}, skipped {len(sent.skipped)}")
    return 1 if sent.failed else 0


def run_list(args: argparse.Namespace) -> int:
    from core.services.notices import NoticeFilter, list_notices

    filt = NoticeFilter(
        day=args.day,
        client=args.client,
        status=args.status,
        kind=args.kind,
        member=args.member,
        limit=args.limit,
    )
    with _database(args) as db, db.reader() as reader:
        rows = list_notices(reader, filt)
    head = f"{'number':<14} {'day':<10} {'client':<10} {'amount (yuan)':>16}"
    print(f"{head} status     channel kind")
    for n in rows:
        print(_line(n))
    print(f"{len(rows)} notice(s)")
    return 0


def run_mark(args: argparse.Namespace) -> int:
    from core.config import current_user
    from core.services.notice_delivery import mark_notice

    with _database(args) as db:
        notice, _ = mark_notice(
            db,
            args.number,
            args.status,
            args.channel,
            note=args.note,
            member=args.member,
            user=current_user(),
        )
    print(_line(notice))
    return 0


def run_history(args: argparse.Namespace) -> int:
    from core.services.notices import notice_history

    with _database(args) as db, db.reader() as reader:
        history = notice_history(reader, args.client)
    print(f"client {history.client_code} {history.client_name}")
    print(f"e-mail {history.email or '-'}, phone {history.phone or '-'}")
    for d in history.notices:
        print(_line(d.notice))
        for step in d.history:
            at = step.at.isoformat(timespec="seconds")
            print(f"    {at} {step.status:<9} {step.channel:<6} {step.user} {step.detail}")
    print(f"{len(history.notices)} notice(s)")
    return 0


def run_pdf(args: argparse.Namespace) -> int:
    from core.config import current_user
    from core.services.notices import export_notice_pdfs

    with _database(args) as db:
        paths, _ = export_notice_pdfs(
            db, args.numbers, args.out, member=args.member, user=current_user()
        )
    for path in paths:
        print(f"wrote {path}")
    return 0


def run_contact(args: argparse.Namespace) -> int:
    from core.config import current_user
    from core.services.notice_delivery import set_client_contact

    with _database(args) as db:
        set_client_contact(db, args.client, email=args.email, phone=args.phone, user=current_user())
    print(f"contact of {args.client} saved")
    return 0
