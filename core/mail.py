"""Sending e-mail through the firm's SMTP server (``[notices.smtp]`` settings).

``SmtpConnection`` opens one connection (plain, STARTTLS or implicit TLS; certificates
are verified against the system's trust store), logs in when a user is set, and sends
messages one by one, returning the server's answer to each, which the notice's history
keeps as proof of delivery to the server. Every failure (refused connection, TLS,
login, a refused sender or recipient, a timeout) becomes ``MailError`` with a short
reason: no traceback reaches the user, and the password appears in no message, log or
exception (smtplib's debug output stays off).
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from types import TracebackType

from core.config import SmtpSettings
from core.errors import RiskDeskError


class MailError(RiskDeskError):
    """An e-mail could not be handed to the SMTP server; the text says why."""


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error
        text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
        return f"{exc.smtp_code} {text}".strip()
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "recipient refused: " + ", ".join(
            f"{who} ({code} {msg.decode('utf-8', 'replace')})"
            for who, (code, msg) in exc.recipients.items()
        )
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


class SmtpConnection:
    """One SMTP session: ``with SmtpConnection(settings, password) as smtp: smtp.send(m)``.

    Blocks on the network: call it on a worker thread, never on the GUI thread.
    Raises MailError when connecting, TLS or login fails.
    """

    def __init__(self, settings: SmtpSettings, password: str | None) -> None:
        self._settings = settings
        self._password = password
        self._smtp: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        return f"{self._settings.host}:{self._settings.port}"

    def __enter__(self) -> SmtpConnection:
        if self._smtp is None:
            self.open()
        return self

    def open(self) -> None:
        """Connect, start TLS as set, log in; MailError when any step fails."""
        s = self._settings
        try:
            if s.tls == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout_s, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
            self._smtp = smtp
            if s.tls == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if s.user is not None:
                smtp.login(s.user, self._password or "")
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise MailError(f"SMTP server {self.where}: {_reason(exc)}") from None

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Say QUIT (or drop the connection when the server no longer answers)."""
        if self._smtp is None:
            return
        smtp, self._smtp = self._smtp, None
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def send(self, message: EmailMessage) -> str:
        """Hand ``message`` to the server (envelope from its From and To headers); the
        server's answer to the data, e.g. ``250 OK queued as 1A2B``.

        Raises MailError when the server refuses the sender, a recipient or the data.
        """
        if self._smtp is None:
            raise MailError("SMTP connection is not open")
        sender = parseaddr(str(message["From"]))[1]
        recipients = [addr for _name, addr in getaddresses(message.get_all("To", []))]
        try:
            self._smtp.ehlo_or_helo_if_needed()
            code, answer = self._smtp.mail(sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, answer, sender)
            for rcpt in recipients:
                code, answer = self._smtp.rcpt(rcpt)
                if code not in (250, 251):
                    raise smtplib.SMTPRecipientsRefused({rcpt: (code, answer)})
            code, answer = self._smtp.data(message.as_bytes())
        except (smtplib.SMTPException, OSError) as exc:
            self._reset()
            raise MailError(f"SMTP server {self.where}: {_reason(exc)}") from None
        return f"{code} {answer.decode('utf-8', 'replace')}".strip()

    def _reset(self) -> None:
        # After a refused envelope the next message needs a clean transaction (RSET).
        if self._smtp is None:
            return
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()
