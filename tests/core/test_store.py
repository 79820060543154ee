"""The two doors: a Reader refuses every write; ``write`` audits once, atomically."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db.tables import AuditLog, Member
from core.errors import InputError, OperationCancelledError
from core.services.store import Database, ReadOnlyError, Written, write
from tests.core.test_audit import db, template_db

__all__ = ["db", "template_db"]  # fixtures: an empty migrated database per test


def _member(code: str) -> Member:
    return Member(code=code, name=f"会员{code}", kind="brokerage", min_reserve_fen=0)


def count(db: Database, table: type) -> int:
    with db.reader() as reader:
        return int(reader.session.scalar(select(func.count()).select_from(table)) or 0)


def assert_reader_refuses_writes(db: Database) -> None:
    """Shared with the PostgreSQL test: ORM flush, DML statement and raw SQL all fail."""
    with db.reader() as reader:
        reader.session.add(_member("0101"))
        with pytest.raises(ReadOnlyError, match="flush refused"):
            reader.session.flush()
        reader.session.expunge_all()
        with pytest.raises(ReadOnlyError):
            reader.session.execute(insert(Member).values(code="0102", name="x", kind="brokerage"))
        with pytest.raises(ReadOnlyError):
            reader.session.execute(update(Member).values(name="y"))
    with db.reader() as reader, pytest.raises(DBAPIError):
        reader.session.connection().exec_driver_sql("DELETE FROM member")
    assert count(db, Member) == 0
    # The connection a reader used writes again once back in the pool.
    with db.sessions.begin() as session:
        session.add(_member("0103"))
    assert count(db, Member) == 1


def test_reader_refuses_a_write(db: Database) -> None:
    assert_reader_refuses_writes(db)


def _add_member(code: str) -> Callable[[Session], Written[str]]:
    def work(session: Session) -> Written[str]:
        session.add(_member(code))
        session.flush()
        return Written(code, Changes(members=True), {"member": code, "day": date(2026, 11, 23)})

    return work


def test_write_records_exactly_one_audit_entry_in_its_transaction(db: Database) -> None:
    before = datetime.now(UTC)
    result, changes = write(db, "member.add", _add_member("0101"), user="ops")
    assert result == "0101"
    assert changes == Changes(members=True, audit=True)
    with db.reader() as reader:
        (entry,) = reader.session.scalars(select(AuditLog)).all()
        assert (entry.action, entry.user) == ("member.add", "ops")
        assert entry.detail == '{"day": "2026-11-23", "member": "0101"}'
        assert entry.at.replace(tzinfo=UTC) >= before
    assert count(db, Member) == 1


@pytest.mark.parametrize("error", [InputError("bad"), OperationCancelledError("write")])
def test_a_failed_write_keeps_neither_its_work_nor_an_audit_entry(
    db: Database, error: Exception
) -> None:
    def work(session: Session) -> Written[None]:
        _add_member("0101")(session)
        raise error

    with pytest.raises(type(error)):
        write(db, "member.add", work)
    assert (count(db, Member), count(db, AuditLog)) == (0, 0)


def test_an_audit_entry_that_cannot_be_recorded_rolls_the_work_back(db: Database) -> None:
    def work(session: Session) -> Written[None]:
        _add_member("0101")(session)
        return Written(None, Changes.none(), {})

    with pytest.raises(ValueError, match="longer than 64"):
        write(db, "x" * 65, work)
    assert (count(db, Member), count(db, AuditLog)) == (0, 0)
