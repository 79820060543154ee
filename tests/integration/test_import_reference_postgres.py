"""Reference-data imports on an empty PostgreSQL database (and SQLite, for parity): every
sample in dependency order, idempotent re-imports, the computed contract dates and
trading codes, a batch check rolled back, and the refusals that read stored rows, where
dates, booleans, VARCHAR limits and transactions could differ."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.db.engine import Database, open_database
from core.db.tables import Client, Contract, Member, Position, TradingCode
from core.errors import ValidationErrors
from core.imports import KINDS, REFERENCE_KINDS, check_files
from core.services.imports import import_file
from tests.core.test_imports import SAMPLES

pytestmark = pytest.mark.xdist_group("postgres-services")


@pytest.fixture
def db(empty_db_url: str) -> Iterator[Database]:
    database = open_database(empty_db_url)
    yield database
    database.engine.dispose()


def _count(db: Database, model: type[Member | Client | TradingCode | Position]) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_every_sample_imports_on_an_empty_database(db: Database, tmp_path: Path) -> None:
    files = [(SAMPLES / f"{kind}.csv", kind) for kind in KINDS]
    checks = check_files(db, files)
    assert [c.errors for c in checks] == [()] * len(KINDS)
    assert _count(db, Member) == 0  # the batch check was rolled back

    for path, kind in files:
        assert import_file(db, kind, path, user="tester")[0].inserted > 0
    for kind in REFERENCE_KINDS:
        again, _ = import_file(db, kind, SAMPLES / f"{kind}.csv", user="tester")
        assert (again.inserted, again.updated) == (0, 0)
    assert (_count(db, Client), _count(db, TradingCode), _count(db, Position)) == (13, 13, 6)
    with db.sessions() as session:
        c2611 = session.get(Contract, "c2611")
        company = session.get(Client, "10000331")
        code = session.get(TradingCode, "010110000331")
    assert c2611 is not None
    assert (c2611.last_trading_day, c2611.last_delivery_day, c2611.tick_fen) == (
        date(2026, 11, 13),
        date(2026, 11, 18),
        100,
    )
    assert company is not None
    assert company.is_individual is False
    assert code is not None
    assert code.client_code == "10000331"

    # A code too long for the 16-character trading code is refused before PostgreSQL
    # would refuse the insert; nothing is written.
    long_code = tmp_path / "clients.csv"
    long_code.write_text(
        "client,name,member,individual\n1234567890123,长号,0101,0\n", encoding="utf-8"
    )
    with pytest.raises(ValidationErrors) as info:
        import_file(db, "clients", long_code, user="tester")
    assert [e.describe() for e in info.value.errors] == [
        "clients.csv, row 2, field 'client': member code + client code make the trading code "
        "'01011234567890123', longer than 16 characters"
    ]
    assert _count(db, Client) == 13
