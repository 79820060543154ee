"""The read door on PostgreSQL too: a READ ONLY transaction refuses raw SQL writes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.services.store import Database, open_database
from tests.core.test_store import assert_reader_refuses_writes

pytestmark = pytest.mark.xdist_group("postgres-services")


@pytest.fixture
def db(empty_db_url: str) -> Iterator[Database]:
    database = open_database(empty_db_url)
    yield database
    database.engine.dispose()


def test_reader_refuses_a_write(db: Database) -> None:
    assert_reader_refuses_writes(db)
