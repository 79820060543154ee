"""Notices on PostgreSQL: the hand-checked margin call, numbering under two concurrent
writers (row lock on the counter), forward-only statuses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.db.engine import Database, open_database
from core.errors import InputError
from core.services.notice_delivery import mark_notice
from core.services.notices import GenerateRequest, generate_notices, notice_history
from tests.core.notice_fixtures import K3_CALL, K3_DEADLINE, K3_RATIO_PPM, D, build_notice_db
from tests.core.test_notices import assert_two_writers_number_in_sequence

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("postgres-services")]


@pytest.fixture
def db(pg_fresh_url: str) -> Iterator[Database]:
    build_notice_db(pg_fresh_url, extra_clients=30)
    database = open_database(pg_fresh_url)
    yield database
    database.engine.dispose()


def test_margin_call_and_statuses_on_postgres(db: Database) -> None:
    result, _ = generate_notices(db, GenerateRequest(day=D), user="risk")
    (notice,) = result.notices
    assert (notice.number, notice.call_fen, notice.risk_ratio_ppm) == (
        "MC2024-000001",
        K3_CALL,
        K3_RATIO_PPM,
    )
    assert notice.deadline_at == K3_DEADLINE
    mark_notice(db, notice.number, "received", "hand", note="signed")
    with pytest.raises(InputError, match="cannot become sent"):
        mark_notice(db, notice.number, "sent", "email")
    with db.reader() as reader:
        history = notice_history(reader, "K3")
    assert [h.status for h in history.notices[0].history] == ["generated", "received"]
    assert history.notices[0].notice.deadline_at == K3_DEADLINE


def test_two_writers_get_unique_consecutive_numbers_on_postgres(db: Database) -> None:
    assert_two_writers_number_in_sequence(db)
