"""Margin calls and client forced closes on PostgreSQL (and SQLite, for parity): the
small demo's call list and close orders are the same on both, and the order export's
audit entry is written through the door on a real server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from core import audit
from core.db.engine import Database, open_database
from core.services.calls import settled_calls
from core.services.demo import create_demo_data
from core.services.forced_close import export_orders, preview_forced_close

pytestmark = pytest.mark.xdist_group("postgres-services")


@pytest.fixture
def db(empty_db_url: str) -> Iterator[Database]:
    database = open_database(empty_db_url)
    create_demo_data(database, scale="small", user="tester")
    yield database
    database.engine.dispose()


def test_calls_and_close_orders_on_both_back_ends(db: Database, tmp_path: Path) -> None:
    with db.reader() as reader:
        calls = settled_calls(reader)
        preview = preview_forced_close(reader)
    assert calls.trading_day == date(2026, 11, 20)
    assert calls.called == 12
    assert calls.total_call_fen == 24_810_937  # Σ of the stored required top-ups
    assert len(preview.clients) == 12
    assert (preview.clients["released_fen"] >= preview.clients["required_fen"]).all()
    path, changes = export_orders(db, preview, tmp_path / "orders.csv", user="tester")
    assert changes.audit
    assert path.read_text(encoding="utf-8-sig").count("\n") == len(preview.orders) + 1
    with db.reader() as reader:
        entries = audit.recent(reader.session, action="export.forced_close_orders")
    assert [e.user for e in entries] == ["tester"]
    assert entries[0].detail_data()["rows"] == len(preview.orders)
