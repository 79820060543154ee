"""Delivery of notices: e-mail through SMTP, status changes by hand, client contacts.

Every change goes through the write door with one audit entry: ``notice.send`` per
e-mail attempt (sent, with the server's answer, the Message-ID and the PDF's SHA-256;
or failed, with the error), ``notice.mark`` per change recorded by hand (SMS, handed
over, received, confirmed, failed) and ``notice.contact``. Statuses only move forward
(``core.rules.notice_status``). Sending talks to the network outside any database
transaction: the write lock is held only while an attempt is recorded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.changes import Changes
from core.config import SmtpSettings, current_user
from core.db.notice_tables import ClientContact, Notice, NoticeStatusChange
from core.db.tables import Client
from core.errors import InputError
from core.mail import MailError, SmtpConnection
from core.progress import ProgressState
from core.reports.notice_mail import compose_notice_mail
from core.reports.notices import NoticeDocument, render_notice_pdf
from core.rules.notice_status import CHANNELS, NoticeChannel, NoticeStatus, can_move
from core.services._common import report
from core.services.notices import (
    NoticeSummary,
    check_choice,
    chunked,
    documents_of,
    find_notices,
    summary_of,
)
from core.services.store import Database, Written, write

_DETAIL_MAX = 500  # notice_status.detail


@dataclass(frozen=True)
class SendAttempt:
    """One e-mail attempt: the status it recorded and the detail (recipient, server's
    answer, Message-ID, PDF hash; or the error)."""

    number: str
    status: NoticeStatus
    detail: str


@dataclass(frozen=True)
class SendReport:
    attempts: tuple[SendAttempt, ...]
    skipped: tuple[SendAttempt, ...]
    """Notices not attempted because of their status (already sent, received, …)."""

    @property
    def sent(self) -> int:
        return sum(a.status == "sent" for a in self.attempts)

    @property
    def failed(self) -> int:
        return sum(a.status == "failed" for a in self.attempts)


# --------------------------------------------------------------------- status changes
def _change(
    session: Session,
    notice: Notice,
    status: NoticeStatus,
    channel: NoticeChannel,
    detail: str,
    user: str,
) -> None:
    current: NoticeStatus = notice.status  # type: ignore[assignment]
    if not can_move(current, status):
        raise InputError(
            f"notice {notice.number} is {current}: it cannot become {status} "
            "(statuses only move forward; only an unsent notice can fail)",
            field="status",
        )
    notice.status = status
    notice.channel = channel
    session.add(
        NoticeStatusChange(
            notice_id=notice.id,
            status=status,
            at=datetime.now(UTC),
            user=user,
            channel=channel,
            detail=detail[:_DETAIL_MAX],
        )
    )


def mark_notice(
    db: Database,
    number: str,
    status: NoticeStatus,
    channel: NoticeChannel,
    *,
    note: str = "",
    member: str | None = None,
    user: str | None = None,
) -> tuple[NoticeSummary, Changes]:
    """Record a status change made by hand (sent by SMS or handed over, received,
    confirmed, failed) with its channel and note; audit entry ``notice.mark``.

    Raises InputError for an unknown notice, status or channel, or a change that does
    not move forward (``core.rules.notice_status``).
    """
    check_choice("status", status, ("sent", "received", "confirmed", "failed"))
    check_choice("channel", channel, CHANNELS)
    who = user or current_user()

    def work(session: Session) -> Written[NoticeSummary]:
        (notice,) = find_notices(session, [number], member)
        _change(session, notice, status, channel, note, who)
        session.flush()
        client = session.get(Client, notice.client_code)
        name = client.name if client else ""
        detail = {"number": number, "status": status, "channel": channel, "note": note}
        return Written(summary_of(notice, name), Changes(notices=True), detail)

    return write(db, "notice.mark", work, user=who)


def _record_attempt(
    db: Database, number: str, member: str, status: NoticeStatus, detail: str, user: str
) -> Changes:
    def work(session: Session) -> Written[None]:
        (notice,) = find_notices(session, [number], member)
        _change(session, notice, status, "email", detail, user)
        audit = {"number": number, "status": status, "detail": detail[:_DETAIL_MAX]}
        return Written(None, Changes(notices=True), audit)

    return write(db, "notice.send", work, user=user)[1]


def send_notices(
    db: Database,
    numbers: Sequence[str],
    smtp: SmtpSettings,
    *,
    to: str | None = None,
    member: str | None = None,
    user: str | None = None,
    progress: ProgressState | None = None,
) -> tuple[SendReport, Changes]:
    """E-mail the notices ``numbers`` (PDF attached) to their clients' addresses, or to
    ``to`` (one notice only), over one SMTP connection.

    Each attempt records, through the write door, "sent" (detail: recipient, the
    server's answer, Message-ID, SHA-256 of the PDF) or "failed" (the error; also when
    the server cannot be reached or the client has no address). Notices already sent or
    further are skipped; a failed one is tried again. Blocks on the network: call it on
    a worker. Raises InputError for an unknown number, or ``to`` with several notices;
    ConfigError when the SMTP password is missing.
    """
    if to is not None and len(numbers) != 1:
        raise InputError("--to names the address of one notice only", field="to")
    who = user or current_user()
    password = smtp.password()
    with db.reader() as reader:
        rows = find_notices(reader.session, numbers, member)
        ready = [n for n in rows if can_move(n.status, "sent")]  # type: ignore[arg-type]
        docs = documents_of(reader.session, ready)
        emails = _emails(reader.session, [n.client_code for n in ready])
    skipped = tuple(
        SendAttempt(n.number, n.status, f"not sent: the notice is {n.status}")  # type: ignore[arg-type]
        for n in rows
        if not can_move(n.status, "sent")  # type: ignore[arg-type]
    )
    attempts: list[SendAttempt] = []
    changes = Changes.none()

    def record(doc: NoticeDocument, status: NoticeStatus, detail: str) -> None:
        nonlocal changes
        changes |= _record_attempt(db, doc.number, doc.member_code, status, detail, who)
        attempts.append(SendAttempt(doc.number, status, detail))
        report(progress, "send", len(attempts), len(docs))

    report(progress, "send", 0, len(docs))
    if not docs:
        return SendReport((), skipped), changes
    connection = SmtpConnection(smtp, password)
    try:
        connection.open()
    except MailError as exc:
        for doc in docs:
            record(doc, "failed", str(exc))
        return SendReport(tuple(attempts), skipped), changes
    with connection:
        for doc in docs:
            address = to or emails.get(doc.client_code)
            if not address:
                record(doc, "failed", f"no e-mail address for client {doc.client_code}")
                continue
            pdf = render_notice_pdf(doc)
            try:
                message = compose_notice_mail(doc, pdf, sender=smtp.sender, to=address)
                answer = connection.send(message)
            except (MailError, ValueError) as exc:
                record(doc, "failed", f"to {address}: {exc}")
                continue
            digest = hashlib.sha256(pdf).hexdigest()
            detail = (
                f"to {address}; server {answer}; message-id {message['Message-ID']}; "
                f"pdf sha256 {digest}"
            )
            record(doc, "sent", detail)
    return SendReport(tuple(attempts), skipped), changes


def _emails(session: Session, codes: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in chunked(sorted(set(codes))):
        for code, email in session.execute(
            select(ClientContact.client_code, ClientContact.email).where(
                ClientContact.client_code.in_(chunk)
            )
        ):
            if email:
                out[code] = email
    return out


# --------------------------------------------------------------------- contacts
def set_client_contact(
    db: Database,
    client_code: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    user: str | None = None,
) -> tuple[None, Changes]:
    """Store where ``client_code``'s notices go (None keeps a stored value, "" clears
    it); audit entry ``notice.contact``. InputError for an unknown client or an e-mail
    address without "@"."""
    if email and ("@" not in email or any(c.isspace() for c in email)):
        raise InputError(f"{email!r} is not an e-mail address", field="email")
    who = user or current_user()

    def work(session: Session) -> Written[None]:
        if session.get(Client, client_code) is None:
            raise InputError(f"no client {client_code!r}", field="client")
        row = session.get(ClientContact, client_code)
        if row is None:
            row = ClientContact(client_code=client_code, email=None, phone=None)
            session.add(row)
        if email is not None:
            row.email = email or None
        if phone is not None:
            row.phone = phone or None
        row.updated_by, row.updated_at = who, datetime.now(UTC)
        detail = {"client": client_code, "email": row.email, "phone": row.phone}
        return Written(None, Changes(notices=True), detail)

    return write(db, "notice.contact", work, user=who)
