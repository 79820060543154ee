"""Imports and the daily settlement on a real PostgreSQL server (and SQLite, for parity).

The unit tests run these services on SQLite; here the same good and bad imports, the
idempotent re-import, the demo data and a settlement run go through PostgreSQL too, so
dialect differences (booleans, big integers, transactions) cannot hide.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.db.engine import Database, open_database
from core.db.tables import ClientBalance, ImportBatch, Position, ReserveHistory
from core.errors import ValidationErrors
from core.imports import KINDS
from core.services.imports import import_file
from tests.core.test_import_reference import BAD_FILES as REFERENCE_BAD_FILES
from tests.core.test_imports import BAD_FILES, SAMPLES

pytestmark = pytest.mark.xdist_group("postgres-services")


@pytest.fixture
def db(empty_db_url: str) -> Iterator[Database]:
    database = open_database(empty_db_url)
    yield database
    database.engine.dispose()


def _count(db: Database, model: type) -> int:
    with db.sessions() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_every_import_kind_good_bad_and_again(db: Database, tmp_path: Path) -> None:
    # From an empty database: the reference kinds (members, clients, contracts,
    # warehouses) come first in KINDS, so the samples alone fill it.
    for kind in KINDS:
        first, _ = import_file(db, kind, SAMPLES / f"{kind}.csv", user="tester")
        assert first.inserted == first.rows > 0
        again, _ = import_file(db, kind, SAMPLES / f"{kind}.csv", user="tester")
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, again.rows)
    batches = _count(db, ImportBatch)
    for kind in KINDS:
        text, expected = {**BAD_FILES, **REFERENCE_BAD_FILES}[kind]
        bad = tmp_path / f"{kind}.csv"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(ValidationErrors) as info:
            import_file(db, kind, bad, user="tester")
        wanted = expected if isinstance(expected, list) else [expected]
        assert [e.describe() for e in info.value.errors] == wanted
    assert _count(db, ImportBatch) == batches  # nothing written by any failed import


def test_demo_data_and_settlement_run(db: Database) -> None:
    from core.services.demo import create_demo_data
    from core.services.settlement import run_daily_settlement

    summary, _ = create_demo_data(db, scale="small", clients=60)
    with db.sessions() as session:
        last = session.execute(select(func.max(ReserveHistory.trading_day))).scalar_one()
        before = session.execute(
            select(ClientBalance.client_code, ClientBalance.balance_fen, ClientBalance.margin_fen)
            .where(ClientBalance.trading_day == last)
            .order_by(ClientBalance.client_code)
        ).all()
    assert isinstance(last, date)
    assert summary is not None
    run, _changes = run_daily_settlement(db, last, user="tester")
    assert run.clients_settled == len(before)
    assert all(m.identity_holds() for m in run.members)
    with db.sessions() as session:
        after = session.execute(
            select(ClientBalance.client_code, ClientBalance.balance_fen, ClientBalance.margin_fen)
            .where(ClientBalance.trading_day == last)
            .order_by(ClientBalance.client_code)
        ).all()
        lines = session.execute(
            select(func.count()).select_from(Position).where(Position.trading_day == last)
        ).scalar_one()
    # Re-settling the demo's last day reproduces the generator's balances exactly.
    assert after == before
    assert lines == run.position_lines
