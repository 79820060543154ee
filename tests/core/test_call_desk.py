"""The reads behind the Margin calls and Notices screens (``core.services.call_desk``) on
the notice example: K3 is due a call of 80.00 after the settlement of D (figures in
``tests/core/notice_fixtures.py``); K1 and K2 are not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.db.engine import Database
from core.errors import InputError
from core.rules.risk_levels import FORCED_CLOSE, NORMAL
from core.services.call_desk import (
    NOT_GENERATED,
    notice_selection,
    notices_table,
    notices_to_send,
    parse_target_ratio,
    proposed_kind,
    settled_call_view,
)
from core.services.calls import CallRequest, settled_calls
from core.services.notice_delivery import mark_notice
from core.services.notices import GenerateRequest, NoticeFilter, generate_notices
from tests.core.notice_fixtures import K3_CALL, D, build_notice_db, copy_db


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("call-desk") / "template.sqlite"
    build_notice_db(path)
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Iterator[Database]:
    database = copy_db(template, tmp_path)
    yield database
    database.engine.dispose()


def test_the_view_is_the_call_list_with_each_clients_notice(db: Database) -> None:
    with db.reader() as r:
        view = settled_call_view(r)
        calls = settled_calls(r)
    assert view.calls.calls.equals(calls.calls)
    assert (view.calls.total_call_fen, view.calls.counts) == (calls.total_call_fen, calls.counts)
    assert view.notice_day == D
    assert view.days == (D, D.replace(day=9))  # the settled days, newest first
    (row,) = view.rows.itertuples()
    assert (row.client_code, row.level, row.call_fen) == ("K3", FORCED_CLOSE, K3_CALL)
    assert (row.notice_number, row.notice_status) == ("", NOT_GENERATED)

    generate_notices(db, GenerateRequest(day=D, clients=("K3",)), user="desk")
    mark_notice(db, "MC2024-000001", "sent", "sms", note="138…", user="desk")
    with db.reader() as r:
        row = next(settled_call_view(r).rows.itertuples())
    assert (row.notice_number, row.notice_kind, row.notice_status, row.notice_channel) == (
        "MC2024-000001",
        "margin_call",
        "sent",
        "sms",
    )
    assert (row.margin_call_noticed, row.forced_close_noticed) == (True, False)

    # a forced-close notice later is the newest: the row shows it
    generate_notices(db, GenerateRequest(day=D, kind="forced_close", clients=("K3",)))
    with db.reader() as r:
        row = next(settled_call_view(r).rows.itertuples())
    assert (row.notice_number, row.notice_status) == ("FC2024-000001", "generated")
    assert (row.margin_call_noticed, row.forced_close_noticed) == (True, True)


def test_the_selection_names_who_gets_a_notice_and_why_not(db: Database) -> None:
    with db.reader() as r:
        rows = settled_call_view(r, CallRequest(min_level=NORMAL)).rows  # every account
    assert set(rows["client_code"]) == {"K1", "K2", "K3"}
    sel = notice_selection(rows, ["K1", "K3", "K2"], "margin_call")
    assert (sel.due, sel.not_due, sel.noticed) == (("K3",), ("K1", "K2"), ())
    with pytest.raises(InputError, match="K9 is not on the call list") as err:
        notice_selection(rows, ["K9"], "margin_call")
    assert err.value.field == "client"
    with pytest.raises(InputError, match="not a notice kind"):
        notice_selection(rows, ["K3"], "reminder")  # type: ignore[arg-type]

    generate_notices(db, GenerateRequest(day=D, clients=("K3",)))
    with db.reader() as r:
        rows = settled_call_view(r, CallRequest(min_level=NORMAL)).rows
    sel = notice_selection(rows, ["K3"], "margin_call")
    assert (sel.due, sel.noticed) == ((), ("K3",))
    assert notice_selection(rows, ["K3"], "forced_close").due == ("K3",)  # the other kind


def test_only_notices_not_yet_sent_are_offered_for_e_mail(db: Database) -> None:
    with db.reader() as r:
        rows = settled_call_view(r, CallRequest(min_level=NORMAL)).rows
    assert notices_to_send(rows, ["K3", "K1"]).without == ("K3", "K1")
    generate_notices(db, GenerateRequest(day=D, clients=("K3",)))
    with db.reader() as r:
        rows = settled_call_view(r, CallRequest(min_level=NORMAL)).rows
    sel = notices_to_send(rows, ["K3", "K1"])
    assert (sel.numbers, sel.without, sel.delivered) == (("MC2024-000001",), ("K1",), ())
    mark_notice(db, "MC2024-000001", "failed", "email", note="bounced")
    with db.reader() as r:
        rows = settled_call_view(r).rows
    assert notices_to_send(rows, ["K3"]).numbers == ("MC2024-000001",)  # a retry
    mark_notice(db, "MC2024-000001", "received", "hand")
    with db.reader() as r:
        rows = settled_call_view(r).rows
    assert notices_to_send(rows, ["K3"]).delivered == ("K3",)


def test_the_notices_table_says_how_many_match_beyond_its_limit(db: Database) -> None:
    generate_notices(db, GenerateRequest(day=D, clients=("K3",)))
    generate_notices(db, GenerateRequest(day=D, kind="forced_close", clients=("K3",)))
    with db.reader() as r:
        table = notices_table(r, limit=1)
        everything = notices_table(r)
        by_kind = notices_table(r, NoticeFilter(kind="forced_close"))
        nobody = notices_table(r, NoticeFilter(client="K1"))
    assert (table.total, len(table.frame)) == (2, 1)
    assert list(everything.frame["number"]) == ["FC2024-000001", "MC2024-000001"]
    assert list(everything.frame["call_fen"]) == [K3_CALL, K3_CALL]
    assert everything.days == (D,)
    assert list(by_kind.frame["number"]) == ["FC2024-000001"]
    assert (nobody.total, len(nobody.frame)) == (0, 0)


@pytest.mark.parametrize(
    ("text", "ppm"),
    [("", None), ("  ", None), ("80", 800_000), ("85.5%", 855_000), ("100.0001", 1_000_001)],
)
def test_a_target_ratio_is_a_percentage(text: str, ppm: int | None) -> None:
    assert parse_target_ratio(text) == ppm


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "'abc' is not a percentage"),
        ("0", "must be above 0 %"),
        ("-5", "must be above 0 %"),
        ("1000.5", "at most 1,000 %"),
        ("80.00001", "at most four decimals"),
        ("8e1", None),  # Decimal reads it: 80 %, no float on the way
    ],
)
def test_a_bad_target_ratio_names_the_field(text: str, message: str | None) -> None:
    if message is None:
        assert parse_target_ratio(text) == 800_000
        return
    with pytest.raises(InputError, match=message) as err:
        parse_target_ratio(text)
    assert err.value.field == "target ratio"


def test_the_forced_close_notice_is_proposed_when_every_pick_is_at_forced_close(
    db: Database,
) -> None:
    with db.reader() as r:
        rows = settled_call_view(r, CallRequest(min_level=NORMAL)).rows
    assert proposed_kind(rows, ["K3"]) == "forced_close"  # ratio 100.30 %: forced close
    assert proposed_kind(rows, ["K3", "K1"]) == "margin_call"
    assert proposed_kind(rows, []) == "margin_call"
