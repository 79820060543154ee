"""Notices (issue #11 item 2): a hand-checked margin call, numbering, statuses, PDFs.

The example is K3 of ``tests/core/notice_fixtures.py`` (figures worked out there).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core import audit
from core.db.engine import Database
from core.db.notice_tables import Notice, NoticeCounter
from core.errors import InputError
from core.reports.notices import CloseOrderLine, NoticeDocument, render_notice_pdf
from core.rules.notice_status import can_move, next_statuses
from core.services.notice_delivery import mark_notice
from core.services.notices import (
    ClientFigures,
    GenerateRequest,
    NoticeFilter,
    due_clients,
    export_notice_pdfs,
    generate_notices,
    list_notices,
    notice_detail,
    notice_documents,
    notice_history,
)
from tests.core.notice_fixtures import (
    K3_AVAILABLE,
    K3_BALANCE,
    K3_CALL,
    K3_DEADLINE,
    K3_MARGIN,
    K3_NAME,
    K3_RATIO_PPM,
    D,
    build_notice_db,
    copy_db,
)

EXTRA = 40


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("notices") / "template.sqlite"
    build_notice_db(path, extra_clients=EXTRA)
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Iterator[Database]:
    database = copy_db(template, tmp_path)
    yield database
    database.engine.dispose()


def _short(code: str, call_fen: int = 10_000) -> ClientFigures:
    """Figures of a client short by ``call_fen`` (margin 1,000.00 on a smaller balance)."""
    return ClientFigures(code, 100_000 - call_fen, 100_000, -call_fen, call_fen)


def _pdf_text(data: bytes | Path) -> str:
    reader = PdfReader(data if isinstance(data, Path) else io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


# --------------------------------------------------------------------- the example
def test_the_margin_call_states_the_settled_figures_and_the_deadline(db: Database) -> None:
    with db.reader() as reader:
        due = due_clients(reader, D)
    assert [f.client_code for f in due] == ["K3"]  # K1 and K2 have funds to spare
    result, changes = generate_notices(db, GenerateRequest(day=D, clients=("K3",)), user="risk")
    assert changes.notices
    assert changes.audit
    (notice,) = result.notices
    assert notice.number == "MC2024-000001"
    assert (notice.client_code, notice.client_name, notice.member_code) == ("K3", K3_NAME, "0101")
    assert notice.balance_fen == K3_BALANCE == 2_600_000  # 26,000.00
    assert notice.margin_fen == K3_MARGIN == 2_608_000  # 3,260 × 10 × 10 × 8 %
    assert notice.available_fen == K3_AVAILABLE == -8_000
    assert notice.call_fen == K3_CALL == 8_000  # 80.00 brings available funds to 0
    assert notice.risk_ratio_ppm == K3_RATIO_PPM == 2_608_000 * 1_000_000 // 2_600_000
    assert notice.deadline_at == K3_DEADLINE  # Monday 2024-05-13 09:00 Beijing time
    assert (notice.status, notice.channel, notice.created_by) == ("generated", "email", "risk")
    with db.reader() as reader:
        (entry,) = audit.recent(reader.session, 1, action="notice.generate")
        detail = notice_detail(reader, "MC2024-000001")
    assert entry.user == "risk"
    assert entry.detail_data() == {
        "count": 1,
        "day": "2024-05-10",
        "kind": "margin_call",
        "numbers": ["MC2024-000001"],
        "skipped": 0,
    }
    assert [(h.status, h.user) for h in detail.history] == [("generated", "risk")]


def test_the_pdf_shows_the_figures_and_the_escaped_name(db: Database, tmp_path: Path) -> None:
    result, _ = generate_notices(db, GenerateRequest(day=D, clients=("K3",)))
    (notice,) = result.notices
    paths, _ = export_notice_pdfs(db, [notice.number], tmp_path / "out", user="risk")
    assert [p.name for p in paths] == ["MC2024-000001.pdf"]
    text = _pdf_text(paths[0])
    for expected in (
        "追加保证金通知书",
        "示例期货",  # the member firm
        "MC2024-000001",
        "<font size=40>大户</font> & Co",  # markup in a name is printed as it is
        "26,000.00 元",
        "26,080.00 元",
        "-80.00 元",
        "100.30%",  # 26,080.00 ÷ 26,000.00 = 100.3077 %, floored as on every surface
        "80.00 元",
        "2024年5月13日 09:00（北京时间）",
        "按照期货经纪合同约定及相关规定",
        "第 1 页",
    ):
        assert expected in text, expected
    with db.reader() as reader:
        assert audit.recent(reader.session, 1)[0].action == "export.notices"


def test_english_forced_close_notice_prints_its_orders(db: Database) -> None:
    orders = (CloseOrderLine("K3", "m2409", "long", 1),)
    request = GenerateRequest(
        day=D, kind="forced_close", clients=("K3",), lang="en", close_orders=orders
    )
    result, _ = generate_notices(db, request)
    (notice,) = result.notices
    assert notice.number == "FC2024-000001"  # its own sequence
    with db.reader() as reader:
        (doc,) = notice_documents(reader, [notice.number])
    assert doc.close_orders == orders
    text = _pdf_text(render_notice_pdf(doc))
    for expected in ("Forced Close Notice", "FC2024-000001", "Positions to be closed", "m2409"):
        assert expected in text, expected
    assert "80.00 yuan" in text
    assert "09:00 on 13 May 2024 (Beijing time)" in text


def test_markup_in_every_data_field_is_literal() -> None:
    hostile = "<font size=40>X</font>"
    doc = NoticeDocument(
        number="MC2026-000001",
        kind="forced_close",
        lang="zh",
        member_code="0101",
        member_name=hostile + "期货",
        client_code="<b>K</b>",
        client_name=hostile,
        trading_day=date(2026, 11, 20),
        balance_fen=1,
        margin_fen=2,
        available_fen=-1,
        risk_ratio_ppm=2_000_000,
        call_fen=1,
        deadline_at=K3_DEADLINE,
        rule_key="contract_and_rules.v1",
        issued_on=date(2026, 11, 20),
        close_orders=(CloseOrderLine("<i>C</i>", "<u>m</u>", "short", 2),),
    )
    text = _pdf_text(render_notice_pdf(doc))
    for literal in (hostile + "期货", "<b>K</b>", "<i>C</i>", "<u>m</u>", "平空"):
        assert literal in text, literal


# --------------------------------------------------------------------- selection
def test_all_due_skips_clients_already_noticed(db: Database) -> None:
    first, _ = generate_notices(db, GenerateRequest(day=D))
    assert [n.client_code for n in first.notices] == ["K3"]
    again, _ = generate_notices(db, GenerateRequest(day=D))
    assert again.notices == ()
    assert [(s.client_code, s.reason) for s in again.skipped] == [
        ("K3", "already has notice MC2024-000001")
    ]
    with pytest.raises(InputError, match="already has notice MC2024-000001"):
        generate_notices(db, GenerateRequest(day=D, clients=("K3",)))


@pytest.mark.parametrize(
    ("clients", "message"),
    [
        (("K1",), "not due a call"),
        (("NOPE",), "no client 'NOPE'"),
        (("C001",), "no settlement for 2024-05-10"),
    ],
)
def test_a_named_client_must_be_due(db: Database, clients: tuple[str, ...], message: str) -> None:
    with pytest.raises(InputError, match=message):
        generate_notices(db, GenerateRequest(day=D, clients=clients))
    with db.reader() as reader:
        assert list_notices(reader) == ()
        assert audit.recent(reader.session, 5, action="notice.generate") == []


def test_given_figures_replace_the_settled_ones(db: Database) -> None:
    """The intraday list of the monitor can be passed instead of the settled balances."""
    figures = (_short("C001", 1), ClientFigures("C002", 5, 1, 4, 0), _short("C003", 250))
    result, _ = generate_notices(db, GenerateRequest(day=D, figures=figures))
    assert [(n.client_code, n.call_fen) for n in result.notices] == [("C001", 1), ("C003", 250)]


# --------------------------------------------------------------------- numbering
def test_numbers_run_on_without_gaps_and_a_failed_batch_gives_them_back(db: Database) -> None:
    figures = tuple(_short(f"C{i:03d}") for i in range(1, 6))
    result, _ = generate_notices(db, GenerateRequest(day=D, figures=figures[:3]))
    assert [n.number for n in result.notices] == [f"MC2024-{i:06d}" for i in (1, 2, 3)]
    orders = (CloseOrderLine("C004", "m2409", "long", 1),)  # refused: not a forced close
    with pytest.raises(InputError, match="only a forced-close notice"):
        generate_notices(db, GenerateRequest(day=D, figures=figures[3:], close_orders=orders))
    result, _ = generate_notices(db, GenerateRequest(day=D, figures=figures[3:]))
    assert [n.number for n in result.notices] == ["MC2024-000004", "MC2024-000005"]
    next_year = GenerateRequest(day=date(2025, 1, 2), figures=(_short("C001"),))
    assert generate_notices(db, next_year)[0].notices[0].number == "MC2025-000001"


def test_two_writers_get_unique_consecutive_numbers(db: Database) -> None:
    assert_two_writers_number_in_sequence(db)


def assert_two_writers_number_in_sequence(db: Database, per_writer: int = 15) -> None:
    """Two threads generate notices one by one at the same time (shared with the
    PostgreSQL test): every number is used once and they run 1…n without a gap."""
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(offset: int) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                code = f"C{offset + i + 1:03d}"
                generate_notices(db, GenerateRequest(day=D, figures=(_short(code),)))
        except BaseException as exc:  # noqa: BLE001 (the main thread asserts on it)
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k * per_writer,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.reader() as reader:
        numbers = sorted(reader.session.scalars(select(Notice.number)))
        last = reader.session.scalar(select(NoticeCounter.last))
    assert numbers == [f"MC2024-{i:06d}" for i in range(1, 2 * per_writer + 1)]
    assert last == 2 * per_writer


# --------------------------------------------------------------------- statuses
def test_status_order() -> None:
    assert next_statuses("generated") == ("sent", "received", "confirmed", "failed")
    assert next_statuses("failed") == ("sent", "received", "confirmed", "failed")
    assert next_statuses("sent") == ("received", "confirmed")
    assert next_statuses("confirmed") == ()
    assert not can_move("received", "sent")
    assert not can_move("sent", "failed")
    assert not can_move("generated", "generated")


def test_statuses_move_forward_only_and_a_failure_can_be_retried(db: Database) -> None:
    generate_notices(db, GenerateRequest(day=D, clients=("K3",)), user="risk")
    number = "MC2024-000001"
    mark_notice(db, number, "failed", "sms", note="phone switched off", user="ops")
    mark_notice(db, number, "sent", "sms", note="resent", user="ops")
    with pytest.raises(InputError, match="is sent: it cannot become failed"):
        mark_notice(db, number, "failed", "sms")
    notice, _ = mark_notice(db, number, "received", "hand", note="signed", user="ops")
    assert (notice.status, notice.channel) == ("received", "hand")
    with pytest.raises(InputError, match="is received: it cannot become sent"):
        mark_notice(db, number, "sent", "email")
    mark_notice(db, number, "confirmed", "system", user="ops")
    with pytest.raises(InputError, match="not one of"):
        mark_notice(db, number, "generated", "hand")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="not one of"):
        mark_notice(db, number, "received", "fax")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="no notice 'MC2024-999999'"):
        mark_notice(db, "MC2024-999999", "received", "hand")
    with db.reader() as reader:
        history = notice_history(reader, "K3")
        marks = audit.recent(reader.session, 10, action="notice.mark")
        confirmed = list_notices(reader, NoticeFilter(status="confirmed", client="K3"))
    (detail,) = history.notices
    assert [(h.status, h.channel, h.detail) for h in detail.history] == [
        ("generated", "email", ""),
        ("failed", "sms", "phone switched off"),
        ("sent", "sms", "resent"),
        ("received", "hand", "signed"),
        ("confirmed", "system", ""),
    ]
    assert len(marks) == 4  # one entry per change; the refused ones left none
    assert [n.number for n in confirmed] == [number]


def test_list_filters(db: Database) -> None:
    generate_notices(db, GenerateRequest(day=D))
    generate_notices(db, GenerateRequest(day=D, kind="forced_close"))
    later = GenerateRequest(day=date(2024, 5, 13), figures=(_short("C001"),))
    generate_notices(db, later)
    with db.reader() as reader:
        every = list_notices(reader)
        on_d = list_notices(reader, NoticeFilter(day=D))
        calls = list_notices(reader, NoticeFilter(kind="margin_call"))
        k3 = list_notices(reader, NoticeFilter(client="K3", kind="forced_close"))
        newest = list_notices(reader, NoticeFilter(limit=1))
    assert [n.number for n in every] == ["MC2024-000002", "FC2024-000001", "MC2024-000001"]
    assert {n.number for n in on_d} == {"FC2024-000001", "MC2024-000001"}
    assert [n.client_code for n in calls] == ["C001", "K3"]
    assert [n.number for n in k3] == ["FC2024-000001"]
    assert [n.number for n in newest] == ["MC2024-000002"]
