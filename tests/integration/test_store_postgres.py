"""The read door on PostgreSQL too: a READ ONLY transaction refuses raw SQL writes."""

from __future__ import annotations

import pytest

from core.services.store import Database
from tests.core.test_store import assert_reader_refuses_writes
from tests.integration.test_services_postgres import db

__all__ = ["db"]  # fixture: an empty database, on SQLite and on PostgreSQL

pytestmark = pytest.mark.xdist_group("postgres-services")


def test_reader_refuses_a_write(db: Database) -> None:
    assert_reader_refuses_writes(db)
