"""Delivery-match and EFP imports on PostgreSQL (and SQLite, for parity): the computed
columns, the re-import, and the refusals that read stored rows (a key stored twice, an
allocated match), where dates, booleans and the missing unique constraint could differ.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update

from core.db.delivery_tables import DeliveryMatch, EfpRecord
from core.db.engine import Database, open_database
from core.errors import ValidationErrors
from core.imports import validate_file
from core.services.delivery import record_delivery_match
from core.services.imports import import_file
from tests.core.test_imports import SAMPLES, add_reference_rows

pytestmark = pytest.mark.xdist_group("postgres-services")

PRICES = "trading_day,contract,settlement_price\n2026-11-10,c2611,2200\n2026-11-11,c2611,2198\n"


@pytest.fixture
def db(empty_db_url: str) -> Iterator[Database]:
    database = open_database(empty_db_url)
    with database.sessions.begin() as session:
        add_reference_rows(session)
    yield database
    database.engine.dispose()


def test_computed_columns_reimport_and_stored_row_refusals(db: Database, tmp_path: Path) -> None:
    prices = tmp_path / "settlement-prices.csv"
    prices.write_text(PRICES, encoding="utf-8")
    import_file(db, "settlement-prices", prices, user="tester")
    unpriced = tmp_path / "delivery-matches.csv"
    sample = (SAMPLES / "delivery-matches.csv").read_text(encoding="utf-8")
    unpriced.write_text(sample.replace(",2200\n", ",\n").replace(",2198\n", ",\n"), "utf-8")
    first, _ = import_file(db, "delivery-matches", unpriced, user="tester")
    assert first.inserted == 3
    again, _ = import_file(db, "delivery-matches", SAMPLES / "delivery-matches.csv", user="tester")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    efp, _ = import_file(db, "efp", SAMPLES / "efp.csv", user="tester")
    assert efp.inserted == 3
    with db.sessions() as session:
        stored = session.execute(
            select(
                DeliveryMatch.buyer_code, DeliveryMatch.price_fen, DeliveryMatch.delivery_day
            ).where(DeliveryMatch.match_day == date(2026, 11, 11))
        ).one()
        fees = session.execute(
            select(EfpRecord.fee_fen, EfpRecord.waived_fen).where(
                EfpRecord.contract_code == "m2701"
            )
        ).one()
    assert tuple(stored) == ("10000073", 219_800, date(2026, 11, 13))
    assert tuple(fees) == (2_500, 2_500)

    with db.sessions.begin() as session:
        session.execute(
            update(DeliveryMatch)
            .where(DeliveryMatch.buyer_code == "10000073")
            .values(allocation_state="allocated", allocation='{"DL01": 30}')
        )
    record_delivery_match(
        db, date(2026, 11, 10), "c2611", "10000331", "10000159", 5, price_fen=220_000
    )
    changed = tmp_path / "changed.csv"
    changed.write_text(sample.replace(",30,2198", ",31,2198"), encoding="utf-8")
    expected = [
        "changed.csv, row 2, field 'match_day+contract+seller+buyer': the database holds 2 "
        "records with this key; an import cannot tell which one to update",
        "changed.csv, row 4, field 'lots': cannot change a match whose receipts are already "
        "allocated to warehouses, got '31'",
    ]
    assert [e.describe() for e in validate_file(db, "delivery-matches", changed)] == expected
    with pytest.raises(ValidationErrors) as info:
        import_file(db, "delivery-matches", changed, user="tester")
    assert [e.describe() for e in info.value.errors] == expected
    with db.sessions() as session:
        lots = session.scalar(
            select(DeliveryMatch.lots).where(DeliveryMatch.buyer_code == "10000073")
        )
    assert lots == 30
