"""Cross-desk refresh on a real PostgreSQL server (issue #14): a committed write rings
the doorbell with its Changes; a rolled-back one does not; another window reloads."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db.doorbell import Doorbell, parse
from core.db.engine import Database, open_database
from core.services.store import Written, write

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("postgres-doorbell")]


@pytest.fixture
def two_desks(pg_fresh_url: str) -> Iterator[tuple[Database, Database]]:
    a, b = open_database(pg_fresh_url), open_database(pg_fresh_url)
    yield a, b
    a.engine.dispose()
    b.engine.dispose()


def _rings_within(bell: Doorbell, seconds: float) -> list:  # type: ignore[type-arg]
    got: list = []  # type: ignore[type-arg]
    end = time.monotonic() + seconds
    while time.monotonic() < end and not got:
        got.extend(bell.wait(0.2))
    return got


def test_a_committed_write_rings_with_its_changes(two_desks: tuple[Database, Database]) -> None:
    a, b = two_desks
    bell = Doorbell(b.url)
    try:
        write(
            a, "export.test", lambda _s: Written(None, Changes(positions=True), {"n": 1}), user="u1"
        )
        rings = _rings_within(bell, 10)
        assert len(rings) == 1
        ring = rings[0]
        assert ring.origin == a.origin != b.origin
        assert ring.changes == Changes(positions=True)
        assert (ring.action, ring.user) == ("export.test", "u1")
    finally:
        bell.close()


def test_a_rolled_back_write_rings_nothing(two_desks: tuple[Database, Database]) -> None:
    a, b = two_desks
    bell = Doorbell(b.url)

    def fails(_session: Session) -> Written[None]:
        raise ValueError("no")

    try:
        with pytest.raises(ValueError, match="no"):
            write(a, "export.test", fails)
        # nothing was committed, so nothing rang
        assert _rings_within(bell, 1.5) == []
    finally:
        bell.close()


def test_strangers_on_the_channel_are_ignored() -> None:
    assert parse("not json") is None
    assert parse('{"o": "x"}') is None
    ring = parse('{"o":"x","c":["balances","no_such_flag"],"a":"settlement.run","u":"z"}')
    assert ring is not None
    assert ring.changes == Changes(balances=True)
