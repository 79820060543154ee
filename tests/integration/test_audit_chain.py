"""The tamper-evident audit log on SQLite and on the real PostgreSQL test server.

Entries are written through the one write door (``core.services.store.write``); the
tampering is done the way a superuser would: drop the append-only trigger, then UPDATE
or DELETE with plain SQL. ``riskdesk audit verify`` must name the first broken link.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Connection, create_engine, insert, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from core import audit
from core.changes import Changes
from core.cli import main
from core.db import migrate
from core.db.engine import Database, make_engine, open_database
from core.db.tables import AuditLog
from core.services.store import Written, write


@pytest.fixture
def db(empty_db_url: str) -> Iterator[Database]:
    database = open_database(empty_db_url)
    yield database
    database.engine.dispose()


def _note(n: int) -> Written[int]:
    return Written(n, Changes(), {"n": n, "what": "导出"})


def _write_entries(db: Database, count: int, start: int = 1) -> None:
    for n in range(start, start + count):
        write(db, f"export.test{n}", lambda _s, n=n: _note(n), user=f"user{n}")


def _superuser_sql(db: Database, *statements: str) -> None:
    """Plain SQL on a connection of its own, as an administrator would type it."""
    engine = create_engine(db.engine.url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def _drop_guards(conn_dialect: str) -> tuple[str, ...]:
    if conn_dialect == "sqlite":
        return ("DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete")
    return ("DROP TRIGGER audit_log_append_only ON audit_log",)


def _verify(db: Database, head: str | None = None) -> audit.ChainCheck:
    with db.reader() as reader:
        return audit.verify_chain(reader.session, expected_head=head)


def _cli(db: Database, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    url = db.engine.url.render_as_string(hide_password=False)
    code = main(["--db", url, "audit", "verify", *extra])
    return code, capsys.readouterr().out


def _entry_ids(db: Database) -> list[int]:
    with db.reader() as reader:
        return list(reader.session.scalars(text("SELECT id FROM audit_log ORDER BY id")))


def _revision_0008() -> Any:
    path = migrate.SCRIPT_LOCATION / "versions" / "0008_audit_chain.py"
    spec = importlib.util.spec_from_file_location("revision_0008", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------- the hash itself
def test_chain_hash_is_sha256_of_the_canonical_content() -> None:
    at = datetime(2026, 12, 3, 6, 30, 1, 250, tzinfo=UTC)
    blob = (
        '{"action":"export.limits","at":"2026-12-03T06:30:01.000250+00:00",'
        '"detail":"{\\"rows\\": 3}","prev":"' + "0" * 64 + '","user":"张三"}'
    )
    expected = hashlib.sha256(blob.encode("utf-8")).hexdigest()
    assert audit.chain_hash(at, "张三", "export.limits", '{"rows": 3}', audit.GENESIS) == expected
    frozen = _revision_0008().chain_hash(at, "张三", "export.limits", '{"rows": 3}', "0" * 64)
    assert frozen == expected  # the migration's frozen copy agrees
    # A naive time read back from SQLite is UTC: the same hash.
    naive = at.replace(tzinfo=None)
    assert audit.chain_hash(naive, "张三", "export.limits", '{"rows": 3}', audit.GENESIS) == (
        expected
    )


# --------------------------------------------------------------------- untouched
def test_untouched_chain_verifies(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    _write_entries(db, 4)
    check = _verify(db)
    assert (check.ok, check.entries, check.broken) == (True, 4, None)
    with db.reader() as reader:
        hashes = [
            (str(prev), str(entry))
            for prev, entry in reader.session.execute(
                text("SELECT prev_hash, entry_hash FROM audit_log ORDER BY id")
            )
        ]
        assert not audit.missing_guards(reader.session.connection())
    assert len(hashes) == 4
    assert hashes[0][0] == audit.GENESIS
    assert [prev for prev, _ in hashes[1:]] == [h for _, h in hashes[:-1]]
    assert check.head == hashes[-1][1]
    code, out = _cli(db, capsys)
    assert code == 0
    assert f"audit chain OK: 4 entries, head {check.head}" in out
    assert "append-only triggers in place" in out
    code, out = _cli(db, capsys, "--head", hashes[1][1])
    assert code == 0
    assert "expected head found" in out


def test_empty_log_verifies(db: Database) -> None:
    check = _verify(db)
    assert (check.ok, check.entries, check.head) == (True, 0, audit.GENESIS)


# --------------------------------------------------------------------- the triggers
def test_update_and_delete_are_refused_by_the_database(db: Database) -> None:
    _write_entries(db, 2)
    for statement in (
        "UPDATE audit_log SET detail = 'changed' WHERE id = 1",
        "DELETE FROM audit_log WHERE id = 1",
        "DELETE FROM audit_log",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            _superuser_sql(db, statement)
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            _superuser_sql(db, "TRUNCATE audit_log")
    assert _entry_ids(db) == [1, 2]
    assert _verify(db).ok


# --------------------------------------------------------------------- tampering
def test_edited_entry_is_detected(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    _write_entries(db, 4)
    dialect = db.engine.dialect.name
    _superuser_sql(
        db,
        *_drop_guards(dialect),
        'UPDATE audit_log SET detail = \'{"n": 2, "what": "nothing"}\' WHERE id = 2',
    )
    check = _verify(db)
    assert check.broken is not None
    assert (check.broken.entry_id, check.broken.user, check.broken.action) == (
        2,
        "user2",
        "export.test2",
    )
    assert "no longer matches its hash" in check.broken.reason
    code, out = _cli(db, capsys)
    assert code == 1
    assert "audit chain BROKEN at entry #2" in out
    assert "user2, export.test2" in out
    assert "the entry was edited" in out
    assert "1 entries before it verified" in out


def test_edited_and_rehashed_entry_is_detected_at_the_next_link(db: Database) -> None:
    _write_entries(db, 3)
    with db.reader() as reader:
        at, prev = reader.session.execute(
            text("SELECT at, prev_hash FROM audit_log WHERE id = 2")
        ).one()
    forged = audit.chain_hash(
        at if isinstance(at, datetime) else datetime.fromisoformat(at),
        "user2",
        "export.test2",
        "{}",
        prev,
    )
    _superuser_sql(
        db,
        *_drop_guards(db.engine.dialect.name),
        f"UPDATE audit_log SET detail = '{{}}', entry_hash = '{forged}' WHERE id = 2",
    )
    check = _verify(db)
    assert check.broken is not None
    assert check.broken.entry_id == 3
    assert "the entry before it (#2)" in check.broken.reason
    assert "edited and re-hashed" in check.broken.reason


def test_deleted_entry_is_detected(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    _write_entries(db, 4)
    _superuser_sql(db, *_drop_guards(db.engine.dialect.name), "DELETE FROM audit_log WHERE id = 2")
    check = _verify(db)
    assert check.broken is not None
    assert check.broken.entry_id == 3
    assert "was deleted" in check.broken.reason
    code, out = _cli(db, capsys)
    assert code == 1
    assert "audit chain BROKEN at entry #3" in out
    assert "warning" not in out  # a broken chain is the finding, not the triggers


def test_deleted_first_entry_is_detected(db: Database) -> None:
    _write_entries(db, 2)
    _superuser_sql(db, *_drop_guards(db.engine.dialect.name), "DELETE FROM audit_log WHERE id = 1")
    check = _verify(db)
    assert check.broken is not None
    assert check.broken.entry_id == 2
    assert "entries before it were deleted" in check.broken.reason


def test_cut_off_tail_is_detected_only_with_a_kept_head(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_entries(db, 3)
    head = _verify(db).head
    _superuser_sql(db, *_drop_guards(db.engine.dialect.name), "DELETE FROM audit_log WHERE id = 3")
    assert _verify(db).ok  # what the chain alone cannot show
    code, out = _cli(db, capsys, "--head", head)
    assert code == 1
    assert f"the expected head {head} is not in the chain" in out
    assert "warning: append-only trigger(s)" not in out
    code, out = _cli(db, capsys)
    assert code == 0
    assert "warning: append-only trigger(s)" in out  # the dropped guard is reported


# --------------------------------------------------------------------- concurrency
def test_two_writers_at_once_never_fork_the_chain(empty_db_url: str) -> None:
    open_database(empty_db_url).engine.dispose()
    desks = [open_database(empty_db_url, write_wait_s=60) for _ in range(2)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(db: Database, desk: int) -> None:
        try:
            barrier.wait()
            for n in range(15):
                write(db, f"export.desk{desk}", lambda _s, n=n: _note(n), user=f"desk{desk}")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(db, i)) for i, db in enumerate(desks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        check = _verify(desks[0])
        assert (check.ok, check.entries) == (True, 30)
    finally:
        for db in desks:
            db.engine.dispose()


def test_a_second_entry_on_the_same_predecessor_is_refused(db: Database) -> None:
    """A writer that skipped the writer lock still cannot fork: prev_hash is unique."""
    _write_entries(db, 1)
    with db.reader() as reader:
        head = _verify(db).head
        assert reader.session.scalar(text("SELECT count(*) FROM audit_log")) == 1
    row = {"at": datetime.now(UTC), "user": "x", "action": "fork", "detail": ""}
    with pytest.raises(IntegrityError), db.sessions.begin() as session:
        session.execute(
            insert(AuditLog).values(
                **row, prev_hash=audit.GENESIS, entry_hash=audit.chain_hash(**row, prev_hash=head)
            )
        )
    assert _entry_ids(db) == [1]


# --------------------------------------------------------------------- migration
def test_upgrade_chains_the_entries_already_stored(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        migrate.upgrade(engine, "0007")
        with engine.begin() as conn:
            _old_entries(conn)
        migrate.upgrade(engine)
        with Session(engine) as session:
            check = audit.verify_chain(session)
            assert (check.ok, check.entries) == (True, 2)
            assert not audit.missing_guards(session.connection())
        migrate.downgrade(engine, "0007")  # and back: triggers and columns go
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log WHERE id = 1"))
    finally:
        engine.dispose()


def _old_entries(conn: Connection) -> None:
    """Entries as RiskDesk 0007 wrote them (no hash columns yet)."""
    old = sa.table(
        "audit_log",
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("user", sa.String),
        sa.column("action", sa.String),
        sa.column("detail", sa.Text),
    )
    for n, (user, action) in enumerate((("ops", "settlement.run"), ("张三", "import.trades"))):
        conn.execute(
            old.insert().values(
                at=datetime(2026, 11, 20, 8, n, tzinfo=UTC),
                user=user,
                action=action,
                detail=f'{{"n": {n}}}',
            )
        )
