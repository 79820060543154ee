"""Audit trail: written in the caller's transaction, read back as frozen values."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from core import audit
from core.db.engine import Database, open_database


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file built once; each test copies it (STYLE B9)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    open_database(f"sqlite:///{path}").engine.dispose()  # last close checkpoints the WAL
    return path


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "risk.sqlite"
    shutil.copy(template_db, path)
    database = open_database(f"sqlite:///{path}")
    yield database
    database.engine.dispose()


def test_record_then_recent_roundtrip(db: Database) -> None:
    before = datetime.now(UTC)
    with db.sessions.begin() as session:
        written = audit.record(
            session,
            "import.positions",
            {
                "file": "持仓.csv",
                "rows": 3,
                "day": date(2024, 6, 3),
                "fee": Decimal("1.50"),
            },
            user="ops",
        )
    with db.sessions() as session:
        (read,) = audit.recent(session, 10)
    assert read == written
    assert read.id > 0
    assert (read.user, read.action) == ("ops", "import.positions")
    assert read.at.tzinfo is UTC
    assert before <= read.at <= datetime.now(UTC)
    assert read.detail == ('{"day": "2024-06-03", "fee": "1.50", "file": "持仓.csv", "rows": 3}')
    assert read.detail_data()["file"] == "持仓.csv"


def test_text_detail_and_default_user(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISKDESK_USER", "alice")
    with db.sessions.begin() as session:
        entry = audit.record(session, "note", "plain words")
    assert entry.user == "alice"
    assert entry.detail == "plain words"
    assert entry.detail_data() == "plain words"


def test_recent_is_newest_first_limited_and_filtered(db: Database) -> None:
    with db.sessions.begin() as session:
        for i in range(5):
            audit.record(session, "settlement.run" if i % 2 else "preview", {"i": i}, "u")
    with db.sessions() as session:
        newest = audit.recent(session, 3)
        runs = audit.recent(session, 10, action="settlement.run")
    assert [e.detail_data()["i"] for e in newest] == [4, 3, 2]
    assert [e.detail_data()["i"] for e in runs] == [3, 1]


def test_entries_are_frozen_values(db: Database) -> None:
    with db.sessions.begin() as session:
        audit.record(session, "x", "y", "u")
    with db.sessions() as session:
        (entry,) = audit.recent(session, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.action = "changed"  # type: ignore[misc]
    assert entry.action == "x"  # still readable after the session closed


def _failing_settlement(db: Database) -> None:
    with db.sessions.begin() as session:
        audit.record(session, "settlement.run", "day 2024-06-03", "u")
        raise RuntimeError("settlement failed")


def test_entry_rolls_back_with_the_action(db: Database) -> None:
    with pytest.raises(RuntimeError, match="settlement failed"):
        _failing_settlement(db)
    with db.sessions() as session:
        assert audit.recent(session, 10) == []


@pytest.mark.parametrize(
    ("action", "user"), [("", "u"), ("  ", "u"), ("a" * 65, "u"), ("ok", "u" * 65)]
)
def test_bad_action_or_user_is_rejected(db: Database, action: str, user: str) -> None:
    with db.sessions.begin() as session, pytest.raises(ValueError, match="audit"):
        audit.record(session, action, "detail", user)
