"""A notice as an e-mail: subject and body in the notice's language, the PDF attached."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid, parseaddr

from core.reports.notices import NoticeDocument, mail_body, mail_subject, notice_file_name


def compose_notice_mail(doc: NoticeDocument, pdf: bytes, *, sender: str, to: str) -> EmailMessage:
    """The e-mail carrying ``doc`` (its PDF bytes ``pdf``) from ``sender`` to ``to``.

    The Message-ID is made here, so that the notice's history can name the message
    the server accepted. Raises ValueError for an address the e-mail library refuses.
    """
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = mail_subject(doc)
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid(idstring=doc.number, domain=domain)
    msg.set_content(mail_body(doc), charset="utf-8")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=notice_file_name(doc))
    return msg
