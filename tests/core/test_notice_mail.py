"""E-mailing notices through a real SMTP server started on loopback (aiosmtpd), and the
``[notices.smtp]`` settings with their password rules."""

from __future__ import annotations

import email
import io
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pypdf import PdfReader

from core import audit
from core.config import SmtpSettings, smtp_settings
from core.db.engine import Database
from core.errors import ConfigError, InputError
from core.services.notice_delivery import send_notices, set_client_contact
from core.services.notices import GenerateRequest, generate_notices, notice_detail
from tests.core.notice_fixtures import D, build_notice_db, copy_db

USER, PASSWORD = "desk", "s3cret-pw"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Inbox:
    """What the test server accepted; recipients in ``refuse`` get 550."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return f"250 OK queued as Q{len(self.messages)}"


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # not handled: the server answers 535


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_require_tls=False,  # loopback only: the test checks the login, not TLS
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("notice-mail") / "template.sqlite"
    build_notice_db(path)
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Iterator[Database]:
    database = copy_db(template, tmp_path)
    generate_notices(database, GenerateRequest(day=D, clients=("K3",)))
    set_client_contact(database, "K3", email="k3@client.example", phone="13800000000")
    yield database
    database.engine.dispose()


def _settings(port: int, **kw: Any) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1",
        port=port,
        tls="none",
        sender="RiskDesk <risk@firm.example>",
        password_env="TEST_RISKDESK_SMTP_PW",
        timeout_s=5,
        **kw,
    )


def test_a_notice_arrives_with_its_pdf(
    db: Database, smtp_server: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = smtp_server
    monkeypatch.setenv("TEST_RISKDESK_SMTP_PW", PASSWORD)
    sent, changes = send_notices(db, ["MC2024-000001"], _settings(port, user=USER), user="ops")
    assert (sent.sent, sent.failed, sent.skipped) == (1, 0, ())
    assert changes.notices
    ((mail_from, rcpt, raw),) = inbox.messages
    assert (mail_from, rcpt) == ("risk@firm.example", ["k3@client.example"])
    message = email.message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    assert message["Subject"] == "追加保证金通知书 MC2024-000001（资金账号 K3）"
    assert message["To"] == "k3@client.example"
    body = message.get_body(("plain",))
    assert body is not None
    assert "应追加保证金 80.00 元" in body.get_content()
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "MC2024-000001.pdf"
    assert attachment.get_content_type() == "application/pdf"
    pdf = PdfReader(io.BytesIO(attachment.get_content()))
    assert "MC2024-000001" in pdf.pages[0].extract_text()
    with db.reader() as reader:
        detail = notice_detail(reader, "MC2024-000001")
        (entry,) = audit.recent(reader.session, 1, action="notice.send")
    assert detail.notice.status == "sent"
    last = detail.history[-1]
    assert (last.status, last.channel, last.user) == ("sent", "email", "ops")
    assert "to k3@client.example; server 250 OK queued as Q1" in last.detail
    assert f"message-id {str(message['Message-ID']).strip()}" in last.detail
    assert "pdf sha256 " in last.detail
    assert entry.detail_data()["status"] == "sent"
    assert PASSWORD not in entry.detail
    # A sent notice is not sent again.
    again, _ = send_notices(db, ["MC2024-000001"], _settings(port, user=USER))
    assert again.attempts == ()
    assert [a.detail for a in again.skipped] == ["not sent: the notice is sent"]
    assert len(inbox.messages) == 1


def test_an_unreachable_server_records_failed_and_a_retry_succeeds(
    db: Database, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    dead = free_port()  # nothing listens there
    sent, _ = send_notices(db, ["MC2024-000001"], _settings(dead))
    ((attempt,),) = (sent.attempts,)
    assert attempt.status == "failed"
    assert attempt.detail.startswith(f"SMTP server 127.0.0.1:{dead}: ")
    assert "Traceback" not in attempt.detail
    retry, _ = send_notices(db, ["MC2024-000001"], _settings(port))
    assert retry.sent == 1
    with db.reader() as reader:
        detail = notice_detail(reader, "MC2024-000001")
        attempts = audit.recent(reader.session, 5, action="notice.send")
    assert [h.status for h in detail.history] == ["generated", "failed", "sent"]
    assert [e.detail_data()["status"] for e in attempts] == ["sent", "failed"]
    assert len(inbox.messages) == 1


def test_a_refused_recipient_and_a_wrong_password_fail_cleanly(
    db: Database, smtp_server: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = smtp_server
    inbox.refuse.add("k3@client.example")
    sent, _ = send_notices(db, ["MC2024-000001"], _settings(port))
    assert sent.attempts[0].status == "failed"
    assert "550 5.1.1 no such mailbox" in sent.attempts[0].detail
    monkeypatch.setenv("TEST_RISKDESK_SMTP_PW", "wrong")
    sent, _ = send_notices(db, ["MC2024-000001"], _settings(port, user=USER))
    assert sent.attempts[0].status == "failed"
    assert sent.attempts[0].detail.startswith(f"SMTP server 127.0.0.1:{port}: 535")
    assert "wrong" not in sent.attempts[0].detail
    assert inbox.messages == []


def test_no_address_fails_and_to_overrides(db: Database, smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    set_client_contact(db, "K3", email="")
    sent, _ = send_notices(db, ["MC2024-000001"], _settings(port))
    assert sent.attempts[0].detail == "no e-mail address for client K3"
    sent, _ = send_notices(db, ["MC2024-000001"], _settings(port), to="desk@firm.example")
    assert sent.sent == 1
    assert inbox.messages[0][1] == ["desk@firm.example"]
    with pytest.raises(InputError, match="one notice only"):
        send_notices(db, ["A", "B"], _settings(port), to="x@y.example")


# --------------------------------------------------------------------- settings
def test_smtp_settings_from_the_settings_file_with_overrides() -> None:
    settings = {
        "notices": {"smtp": {"host": "smtp.firm.cn", "tls": "ssl", "user": "u", "sender": "a@b"}}
    }
    s = smtp_settings(settings)
    assert (s.host, s.port, s.tls, s.user, s.sender) == ("smtp.firm.cn", 465, "ssl", "u", "a@b")
    o = smtp_settings(settings, host="127.0.0.1", port=2525, tls="none", user=None)
    assert (o.host, o.port, o.tls, o.user) == ("127.0.0.1", 2525, "none", "u")
    assert smtp_settings({"notices": {"smtp": {"host": "h", "sender": "s"}}}).port == 587


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"host": "h", "sender": "s", "password": "pw"}, "password is not allowed"),
        ({"sender": "s"}, "host is required"),
        ({"host": "h", "sender": "s", "tls": "tls"}, "tls: 'tls' is not one of"),
        ({"host": "h", "sender": "s", "port": 0}, "port: 0 is not a port"),
        ({"host": "h", "sender": "s", "hots": "x"}, "hots is not a setting"),
    ],
)
def test_bad_smtp_settings_are_refused(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        smtp_settings({"notices": {"smtp": table}})


def test_the_password_comes_from_the_environment_or_a_private_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_RISKDESK_SMTP_PW", raising=False)
    secret = tmp_path / "smtp.pw"
    secret.write_text("from-file\n", encoding="utf-8")
    os.chmod(secret, 0o600)
    s = _settings(25, user=USER, password_file=secret)
    assert s.password() == "from-file"
    monkeypatch.setenv("TEST_RISKDESK_SMTP_PW", "from-env")
    assert s.password() == "from-env"
    monkeypatch.delenv("TEST_RISKDESK_SMTP_PW")
    os.chmod(secret, 0o644)
    with pytest.raises(ConfigError, match="readable by its owner only"):
        s.password()
    with pytest.raises(ConfigError, match="needs a password"):
        _settings(25, user=USER).password()
    assert _settings(25).password() is None  # no login, no password
    assert "from-file" not in repr(s)
