"""``riskdesk notices``: generate, pdf, send, list, mark, history, contact, exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.cli import main
from tests.core.notice_fixtures import build_notice_db
from tests.core.test_notice_mail import Inbox, free_port, smtp_server

__all__ = ["smtp_server"]  # fixture: an SMTP server on loopback


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-notices") / "template.sqlite"
    build_notice_db(path)
    return path


@pytest.fixture
def db_args(template: Path, tmp_path: Path) -> list[str]:
    target = tmp_path / "notices.sqlite"
    shutil.copy(template, target)
    return ["--db", f"sqlite:///{target}", "notices"]


def test_generate_all_due_writes_pdfs_and_lists(
    db_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pdf"
    args = [*db_args, "generate", "--day", "2024-05-10", "--all-due", "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "MC2024-000001  2024-05-10 K3" in printed
    assert "generated 1 notice(s), skipped 0" in printed
    text = PdfReader(out / "MC2024-000001.pdf").pages[0].extract_text()
    assert "80.00 元" in text
    assert main([*db_args, "generate", "--day", "2024-05-10", "--all-due"]) == 0
    assert "skipped K3: already has notice MC2024-000001" in capsys.readouterr().out
    assert main([*db_args, "list", "--status", "generated"]) == 0
    listed = capsys.readouterr().out
    assert "80.00 generated  email  margin_call" in listed
    assert "1 notice(s)" in listed


def test_bad_input_exits_2_without_traceback(
    db_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*db_args, "generate", "--day", "2024-05-10", "--client", "K1"]) == 2
    err = capsys.readouterr().err
    assert "not due a call" in err
    assert "Traceback" not in err
    assert main([*db_args, "mark", "MC2024-000009", "--status", "sent", "--channel", "hand"]) == 2
    assert "no notice 'MC2024-000009'" in capsys.readouterr().err


def test_send_mark_history_and_a_dead_server(
    db_args: list[str],
    smtp_server: tuple[Inbox, int],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    inbox, port = smtp_server
    assert main([*db_args, "generate", "--day", "2024-05-10", "--client", "K3"]) == 0
    assert main([*db_args, "contact", "K3", "--email", "k3@client.example"]) == 0
    config = tmp_path / "riskdesk.toml"
    config.write_text(
        '[notices.smtp]\nhost = "127.0.0.1"\ntls = "none"\nsender = "risk@firm.example"\n'
        "timeout_s = 5\n",
        encoding="utf-8",
    )
    dead = ["--config", str(config), "--smtp-port", str(free_port())]
    capsys.readouterr()
    assert main([*db_args, "send", "--all-generated", *dead]) == 1
    out, err = capsys.readouterr()
    assert "MC2024-000001  failed" in out
    assert "sent 0, failed 1, skipped 0" in out
    assert "Traceback" not in out + err
    live = ["--config", str(config), "--smtp-port", str(port)]
    assert main([*db_args, "send", "MC2024-000001", *live]) == 0
    assert "sent 1, failed 0" in capsys.readouterr().out
    assert len(inbox.messages) == 1
    mark = [*db_args, "mark", "MC2024-000001", "--channel", "hand", "--note", "signed"]
    assert main([*mark, "--status", "received"]) == 0
    assert main([*mark, "--status", "sent"]) == 2
    assert "cannot become sent" in capsys.readouterr().err
    assert main([*db_args, "history", "K3"]) == 0
    history = capsys.readouterr().out
    assert "e-mail k3@client.example" in history
    steps = [line.split()[1] for line in history.splitlines() if line.startswith("    ")]
    assert steps == ["generated", "failed", "sent", "received"]


def test_pdf_again_and_an_unwritable_folder(
    db_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*db_args, "generate", "--day", "2024-05-10", "--client", "K3"]) == 0
    assert main([*db_args, "pdf", "MC2024-000001", "--out", str(tmp_path / "again")]) == 0
    assert (tmp_path / "again" / "MC2024-000001.pdf").stat().st_size > 1000
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main([*db_args, "pdf", "MC2024-000001", "--out", str(blocker / "sub")]) == 2
    assert "cannot write" in capsys.readouterr().err
