"""Margin-call and forced-close notices: generate, list, print (issue #11 item 2).

Writes go through the write door (``core.services.store.write``), one audit entry each:
``notice.generate`` (a batch is one entry naming the count and the numbers) and
``export.notices`` (PDF files); sending, marking and contacts are in
``core.services.notice_delivery``. Reads take a ``Reader`` and return frozen values:
``due_clients``, ``list_notices``, ``notice_detail``, ``notice_history``,
``notice_documents``. ``find_notices``, ``documents_of``, ``summary_of``, ``chunked`` and
``check_choice`` serve ``notice_delivery`` inside a transaction.

The figures a notice states are the settled client balance of the day (the
``client_balance`` row the daily settlement wrote: balance, margin, available funds and
its margin call, which is the amount that brings available funds back to zero), with
the firm's risk ratio from ``core.rules.risk_levels`` and the deadline from
``core.rules.call_deadline``. They are stored with the notice, so that it prints later
exactly as it was issued. A client is due a call when its available funds are below
zero (``due_for_call``); the selection takes any list of ``ClientFigures``, so the
intraday figures of the live monitor can be passed instead of the settled ones.

Numbers are ``MC2026-000123`` (margin call) and ``FC2026-…`` (forced close): per member,
kind and year of the trading day, consecutive and without gaps (``notice_counter`` is
raised in the transaction that uses the numbers, so a rolled-back batch gives its
numbers back; concurrent writers wait for each other on the counter row).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.changes import Changes
from core.config import current_user
from core.db.notice_tables import (
    ClientContact,
    Notice,
    NoticeCloseOrder,
    NoticeCounter,
    NoticeStatusChange,
)
from core.db.reader import Reader
from core.db.tables import Client, ClientBalance, Member
from core.errors import InputError
from core.progress import ProgressState
from core.reports.notices import (
    KINDS,
    NUMBER_PREFIX,
    RULE_KEY,
    CloseOrderLine,
    NoticeDocument,
    NoticeFigures,
    NoticeKind,
    write_notice_pdfs,
)
from core.reports.statements import Lang
from core.rules.call_deadline import default_call_deadline
from core.rules.notice_status import CHANNELS, NoticeChannel, NoticeStatus
from core.rules.risk_levels import default_risk_levels
from core.services._common import report
from core.services.store import Database, Written, write
from core.trading_calendar import EXCHANGE_TZ

_IN_CHUNK = 5_000  # values per IN (...) list, under SQLite's bound-parameter limit


# --------------------------------------------------------------------- values
@dataclass(frozen=True)
class ClientFigures:
    """A client's figures a notice states (fen): equity, margin in use, available funds
    and the amount to add (``call_fen``: what brings available funds back to ≥ 0)."""

    client_code: str
    balance_fen: int
    margin_fen: int
    available_fen: int
    call_fen: int


@dataclass(frozen=True)
class NoticeSummary(NoticeFigures):
    """One notice as a list shows it: its figures and where its delivery stands (times
    timezone-aware UTC)."""

    channel: NoticeChannel
    status: NoticeStatus
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class StatusChange:
    """One step of a notice's delivery history."""

    status: NoticeStatus
    at: datetime
    user: str
    channel: NoticeChannel
    detail: str


@dataclass(frozen=True)
class NoticeDetail:
    """A notice with its delivery history (oldest first) and the orders it names."""

    notice: NoticeSummary
    history: tuple[StatusChange, ...]
    close_orders: tuple[CloseOrderLine, ...]


@dataclass(frozen=True)
class ClientNoticeHistory:
    """Every notice of one client, newest first, each with its history."""

    client_code: str
    client_name: str
    email: str | None
    phone: str | None
    notices: tuple[NoticeDetail, ...]


@dataclass(frozen=True)
class GenerateRequest:
    """What to generate: notices of ``kind`` for the trading day ``day``.

    ``clients`` None means every client due a call (all or nothing otherwise: a named
    client that is unknown, not settled, not due or already noticed refuses the
    request). ``figures`` None reads the settled balances of ``day``; a list (e.g. the
    live monitor's intraday figures) is used instead. ``close_orders`` are the orders a
    forced-close notice names (each line names its client).
    """

    day: date
    kind: NoticeKind = "margin_call"
    clients: tuple[str, ...] | None = None
    lang: Lang = "zh"
    channel: NoticeChannel = "email"
    figures: tuple[ClientFigures, ...] | None = None
    close_orders: tuple[CloseOrderLine, ...] = ()


@dataclass(frozen=True)
class SkippedClient:
    client_code: str
    reason: str


@dataclass(frozen=True)
class GenerateResult:
    """The notices generated (in number order) and the due clients left out (those
    that already hold a notice of the kind for the day)."""

    notices: tuple[NoticeSummary, ...]
    skipped: tuple[SkippedClient, ...]


@dataclass(frozen=True)
class NoticeFilter:
    """Filters of ``list_notices``; None = any. ``limit`` None = all (newest first)."""

    day: date | None = None
    client: str | None = None
    status: NoticeStatus | None = None
    kind: NoticeKind | None = None
    member: str | None = None
    limit: int | None = None


# --------------------------------------------------------------------- selection
def due_for_call(figures: Iterable[ClientFigures]) -> list[ClientFigures]:
    """The clients due a margin call: available funds below zero (spec 2.c, the
    margin-call level of ``core.rules.risk_levels``), in the order given."""
    return [f for f in figures if f.available_fen < 0]


def settled_figures(
    session: Session, day: date, clients: Sequence[str] | None = None
) -> list[ClientFigures]:
    """The stored client balances of the settled ``day`` (all clients, or ``clients``),
    in client order."""
    query = (
        select(
            ClientBalance.client_code,
            ClientBalance.balance_fen,
            ClientBalance.margin_fen,
            ClientBalance.available_fen,
            ClientBalance.margin_call_fen,
        )
        .where(ClientBalance.trading_day == day)
        .order_by(ClientBalance.client_code)
    )
    if clients is None:
        rows = list(session.execute(query))
    else:
        rows = []
        for chunk in chunked(sorted(set(clients))):
            rows += session.execute(query.where(ClientBalance.client_code.in_(chunk))).all()
        rows.sort(key=lambda r: r[0])
    return [ClientFigures(str(c), int(b), int(m), int(a), int(k)) for c, b, m, a, k in rows]


def due_clients(reader: Reader, day: date) -> tuple[ClientFigures, ...]:
    """The clients due a call after the settlement of ``day`` (available funds < 0),
    in client order: the list a batch of margin calls is made for."""
    return tuple(due_for_call(settled_figures(reader.session, day)))


# --------------------------------------------------------------------- generate
def generate_notices(
    db: Database,
    request: GenerateRequest,
    *,
    user: str | None = None,
    progress: ProgressState | None = None,
) -> tuple[GenerateResult, Changes]:
    """Generate the notices ``request`` asks for, numbered and in status "generated";
    one audit entry ``notice.generate`` naming the kind, the day, the count and the
    numbers. No PDF is written here (``export_notice_pdfs`` writes them).

    Raises InputError for an unknown client, a client without a settlement on the day,
    a named client that is not due or already holds a notice of the kind for the day,
    a bad kind, language or channel; nothing is written then.
    """
    check_choice("kind", request.kind, KINDS)
    check_choice("lang", request.lang, ("zh", "en"))
    check_choice("channel", request.channel, CHANNELS)
    who = user or current_user()

    def work(session: Session) -> Written[GenerateResult]:
        result = _generate(session, request, who, progress)
        numbers = [n.number for n in result.notices]
        detail = {
            "kind": request.kind,
            "day": request.day,
            "count": len(numbers),
            "numbers": numbers,
            "skipped": len(result.skipped),
        }
        return Written(result, Changes(notices=True), detail)

    return write(db, "notice.generate", work, user=who)


def _generate(
    session: Session, request: GenerateRequest, user: str, progress: ProgressState | None
) -> GenerateResult:
    day, kind = request.day, request.kind
    named = request.clients
    if named is not None:
        _require_clients(session, named)
    if request.figures is not None:
        wanted = None if named is None else set(named)
        figures = [f for f in request.figures if wanted is None or f.client_code in wanted]
    else:
        figures = settled_figures(session, day, named)
    if named is not None:
        found = {f.client_code for f in figures}
        missing = [c for c in named if c not in found]
        if missing:
            raise InputError(
                f"client {missing[0]} has no settlement for {day.isoformat()}: run "
                f"'riskdesk settle --date {day.isoformat()}' first",
                field="client",
            )
        not_due = [f.client_code for f in figures if f.available_fen >= 0]
        if not_due:
            raise InputError(
                f"client {not_due[0]} is not due a call on {day.isoformat()}: its available "
                "funds are not below zero",
                field="client",
            )
    due = due_for_call(figures)
    existing = _existing_notices(session, day, kind, [f.client_code for f in due])
    if named is not None and existing:
        client, number = next(iter(sorted(existing.items())))
        raise InputError(
            f"client {client} already has notice {number} ({kind}) for {day.isoformat()}",
            field="client",
        )
    skipped = tuple(SkippedClient(c, f"already has notice {existing[c]}") for c in sorted(existing))
    due = [f for f in due if f.client_code not in existing]
    report(progress, "notices", 0, len(due))
    if not due:
        return GenerateResult((), skipped)
    clients = _clients(session, [f.client_code for f in due])
    levels = default_risk_levels()
    ratios = levels.ratio(
        [f.margin_fen for f in due], [f.balance_fen for f in due], [f.available_fen for f in due]
    )
    deadline = default_call_deadline().due_at(day).astimezone(UTC)
    now = datetime.now(UTC)
    orders = _orders_by_client(request.close_orders, kind)
    by_member: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(due):
        by_member[clients[f.client_code][0]].append(i)
    rows: list[Notice] = []
    for member in sorted(by_member):
        indexes = by_member[member]
        first = _allocate(session, member, kind, day.year, len(indexes))
        for seq, i in enumerate(indexes, start=first):
            f = due[i]
            rows.append(
                Notice(
                    number=f"{NUMBER_PREFIX[kind]}{day.year}-{seq:06d}",
                    member_code=member,
                    kind=kind,
                    year=day.year,
                    sequence=seq,
                    client_code=f.client_code,
                    trading_day=day,
                    balance_fen=f.balance_fen,
                    margin_fen=f.margin_fen,
                    available_fen=f.available_fen,
                    risk_ratio_ppm=int(ratios[i]),
                    call_fen=f.call_fen,
                    deadline_at=deadline,
                    rule_key=RULE_KEY,
                    lang=request.lang,
                    channel=request.channel,
                    status="generated",
                    created_by=user,
                    created_at=now,
                )
            )
    session.add_all(rows)
    session.flush()  # ids for the history and order lines
    session.execute(
        insert(NoticeStatusChange),
        [
            {
                "notice_id": n.id,
                "status": "generated",
                "at": now,
                "user": user,
                "channel": request.channel,
                "detail": "",
            }
            for n in rows
        ],
    )
    lines = [
        {
            "notice_id": n.id,
            "line_no": k,
            "client_code": o.client_code,
            "contract_code": o.contract,
            "side": o.side,
            "lots": o.lots,
        }
        for n in rows
        for k, o in enumerate(orders.get(n.client_code, ()), start=1)
    ]
    if lines:
        session.execute(insert(NoticeCloseOrder), lines)
    report(progress, "notices", len(rows), len(rows))
    return GenerateResult(tuple(summary_of(n, clients[n.client_code][1]) for n in rows), skipped)


def check_choice(name: str, value: str, allowed: Sequence[str]) -> None:
    """InputError naming ``name`` when ``value`` is not one of ``allowed``."""
    if value not in allowed:
        raise InputError(f"{value!r} is not one of {', '.join(allowed)}", field=name)


def chunked(values: Sequence[str]) -> Iterable[Sequence[str]]:
    """``values`` in slices short enough for one IN (...) list on SQLite."""
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def _require_clients(session: Session, codes: Sequence[str]) -> None:
    known: set[str] = set()
    for chunk in chunked(sorted(set(codes))):
        known.update(session.scalars(select(Client.code).where(Client.code.in_(chunk))))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise InputError(f"no client {unknown[0]!r}", field="client")


def _clients(session: Session, codes: Sequence[str]) -> dict[str, tuple[str, str]]:
    """client → (member, name)."""
    out: dict[str, tuple[str, str]] = {}
    for chunk in chunked(sorted(set(codes))):
        for code, member, name in session.execute(
            select(Client.code, Client.member_code, Client.name).where(Client.code.in_(chunk))
        ):
            out[code] = (member, name)
    return out


def _existing_notices(
    session: Session, day: date, kind: str, codes: Sequence[str]
) -> dict[str, str]:
    """client → number of its notice of ``kind`` for ``day`` (the first one)."""
    out: dict[str, str] = {}
    for chunk in chunked(sorted(set(codes))):
        for client, number in session.execute(
            select(Notice.client_code, Notice.number)
            .where(Notice.trading_day == day, Notice.kind == kind, Notice.client_code.in_(chunk))
            .order_by(Notice.id)
        ):
            out.setdefault(client, number)
    return out


def _orders_by_client(
    lines: Sequence[CloseOrderLine], kind: NoticeKind
) -> dict[str, list[CloseOrderLine]]:
    if lines and kind != "forced_close":
        raise InputError("only a forced-close notice names close orders", field="close_orders")
    out: dict[str, list[CloseOrderLine]] = defaultdict(list)
    for line in lines:
        if line.lots <= 0 or line.side not in ("long", "short"):
            raise InputError(
                f"close order {line.contract} {line.side} {line.lots}: lots must be > 0 and "
                "the side long or short",
                field="close_orders",
            )
        out[line.client_code].append(line)
    return out


def _allocate(session: Session, member: str, kind: str, year: int, count: int) -> int:
    """Reserve ``count`` consecutive numbers; the first. The counter row is created if
    missing (INSERT … ON CONFLICT DO NOTHING, so two first writers do not collide) and
    raised with UPDATE … RETURNING, which holds its row lock until the transaction
    ends: a concurrent writer waits and then continues after our numbers."""
    key = {"member_code": member, "kind": kind, "year": year}
    dialect = session.get_bind().dialect.name
    make_insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(make_insert(NoticeCounter).values(**key, last=0).on_conflict_do_nothing())
    last = session.execute(
        update(NoticeCounter)
        .where(
            NoticeCounter.member_code == member,
            NoticeCounter.kind == kind,
            NoticeCounter.year == year,
        )
        .values(last=NoticeCounter.last + count)
        .returning(NoticeCounter.last)
    ).scalar_one()
    return int(last) - count + 1


# --------------------------------------------------------------------- reads
def _utc(at: datetime) -> datetime:
    # SQLite keeps no offset (values are written in UTC); PostgreSQL returns timestamptz.
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def summary_of(n: Notice, client_name: str) -> NoticeSummary:
    """The frozen summary of a stored notice (no ORM object leaves the session)."""
    return NoticeSummary(
        number=n.number,
        member_code=n.member_code,
        kind=n.kind,  # type: ignore[arg-type]
        client_code=n.client_code,
        client_name=client_name,
        trading_day=n.trading_day,
        balance_fen=n.balance_fen,
        margin_fen=n.margin_fen,
        available_fen=n.available_fen,
        risk_ratio_ppm=n.risk_ratio_ppm,
        call_fen=n.call_fen,
        deadline_at=_utc(n.deadline_at),
        lang=n.lang,  # type: ignore[arg-type]
        channel=n.channel,  # type: ignore[arg-type]
        status=n.status,  # type: ignore[arg-type]
        created_by=n.created_by,
        created_at=_utc(n.created_at),
    )


def list_notices(reader: Reader, filt: NoticeFilter = NoticeFilter()) -> tuple[NoticeSummary, ...]:
    """Notices matching ``filt``, newest trading day first, then by number."""
    query = select(Notice, Client.name).join(Client, Client.code == Notice.client_code)
    if filt.day is not None:
        query = query.where(Notice.trading_day == filt.day)
    if filt.client is not None:
        query = query.where(Notice.client_code == filt.client)
    if filt.status is not None:
        query = query.where(Notice.status == filt.status)
    if filt.kind is not None:
        query = query.where(Notice.kind == filt.kind)
    if filt.member is not None:
        query = query.where(Notice.member_code == filt.member)
    query = query.order_by(Notice.trading_day.desc(), Notice.member_code, Notice.number)
    if filt.limit is not None:
        query = query.limit(filt.limit)
    return tuple(summary_of(n, name) for n, name in reader.session.execute(query))


def find_notices(session: Session, numbers: Sequence[str], member: str | None) -> list[Notice]:
    """The stored notices named, in the order given; InputError for an unknown number or one
    that several members use (then the member must be named)."""
    query = select(Notice)
    if member is not None:
        query = query.where(Notice.member_code == member)
    found: dict[str, list[Notice]] = defaultdict(list)
    for chunk in chunked(sorted(set(numbers))):
        for n in session.scalars(query.where(Notice.number.in_(chunk))):
            found[n.number].append(n)
    out = []
    for number in numbers:
        rows = found.get(number, [])
        if not rows:
            raise InputError(f"no notice {number!r}", field="number")
        if len(rows) > 1:
            members = ", ".join(sorted(r.member_code for r in rows))
            raise InputError(
                f"notice {number} exists for members {members}: name the member",
                field="member",
            )
        out.append(rows[0])
    return out


def _history(session: Session, ids: Sequence[int]) -> dict[int, list[StatusChange]]:
    out: dict[int, list[StatusChange]] = defaultdict(list)
    for row in session.scalars(
        select(NoticeStatusChange)
        .where(NoticeStatusChange.notice_id.in_(ids))
        .order_by(NoticeStatusChange.id)
    ):
        out[row.notice_id].append(
            StatusChange(row.status, _utc(row.at), row.user, row.channel, row.detail)  # type: ignore[arg-type]
        )
    return out


def _close_orders(session: Session, ids: Sequence[int]) -> dict[int, list[CloseOrderLine]]:
    out: dict[int, list[CloseOrderLine]] = defaultdict(list)
    for row in session.scalars(
        select(NoticeCloseOrder)
        .where(NoticeCloseOrder.notice_id.in_(ids))
        .order_by(NoticeCloseOrder.notice_id, NoticeCloseOrder.line_no)
    ):
        out[row.notice_id].append(
            CloseOrderLine(row.client_code, row.contract_code, row.side, row.lots)  # type: ignore[arg-type]
        )
    return out


def _details(session: Session, rows: Sequence[Notice]) -> tuple[NoticeDetail, ...]:
    names = {c: name for c, (_m, name) in _clients(session, [n.client_code for n in rows]).items()}
    out: list[NoticeDetail] = []
    for start in range(0, len(rows), _IN_CHUNK):
        part = rows[start : start + _IN_CHUNK]
        ids = [n.id for n in part]
        history, orders = _history(session, ids), _close_orders(session, ids)
        out += [
            NoticeDetail(
                summary_of(n, names[n.client_code]),
                tuple(history.get(n.id, ())),
                tuple(orders.get(n.id, ())),
            )
            for n in part
        ]
    return tuple(out)


def notice_detail(reader: Reader, number: str, *, member: str | None = None) -> NoticeDetail:
    """One notice with its delivery history; InputError for an unknown number."""
    return _details(reader.session, find_notices(reader.session, [number], member))[0]


def notice_history(reader: Reader, client_code: str) -> ClientNoticeHistory:
    """Every notice of ``client_code`` (newest first) with its history and the
    client's contact; InputError for an unknown client."""
    session = reader.session
    client = session.get(Client, client_code)
    if client is None:
        raise InputError(f"no client {client_code!r}", field="client")
    rows = list(
        session.scalars(
            select(Notice)
            .where(Notice.client_code == client_code)
            .order_by(Notice.trading_day.desc(), Notice.id.desc())
        )
    )
    contact = session.get(ClientContact, client_code)
    return ClientNoticeHistory(
        client_code=client_code,
        client_name=client.name,
        email=contact.email if contact else None,
        phone=contact.phone if contact else None,
        notices=_details(session, rows),
    )


def documents_of(session: Session, rows: Sequence[Notice]) -> list[NoticeDocument]:
    """What the stored notices ``rows`` state, in their order."""
    codes = sorted({n.member_code for n in rows})
    members: dict[str, str] = {}
    for code, name in session.execute(
        select(Member.code, Member.name).where(Member.code.in_(codes))
    ):
        members[code] = name
    docs = []
    for row, d in zip(rows, _details(session, rows), strict=True):
        s = d.notice
        docs.append(
            NoticeDocument(
                **{f.name: getattr(s, f.name) for f in fields(NoticeFigures)},
                member_name=members[s.member_code],
                rule_key=row.rule_key,
                issued_on=s.created_at.astimezone(EXCHANGE_TZ).date(),
                close_orders=d.close_orders,
            )
        )
    return docs


def notice_documents(
    reader: Reader, numbers: Sequence[str], *, member: str | None = None
) -> list[NoticeDocument]:
    """What the notices ``numbers`` state, ready to render (``core.reports.notices``);
    InputError for an unknown number."""
    return documents_of(reader.session, find_notices(reader.session, numbers, member))


# --------------------------------------------------------------------- export
def export_notice_pdfs(
    db: Database,
    numbers: Sequence[str],
    folder: Path,
    *,
    member: str | None = None,
    user: str | None = None,
    progress: ProgressState | None = None,
) -> tuple[list[Path], Changes]:
    """Write the notices as ``folder/<number>.pdf`` and audit it as ``export.notices``
    (count, folder, numbers); the paths. The files are written before the audit
    entry's transaction (the write lock is not held while PDFs are rendered).

    Raises InputError for an unknown number or a folder that cannot be written.
    """
    with db.reader() as reader:
        docs = notice_documents(reader, numbers, member=member)
    report(progress, "pdf", 0, len(docs))
    try:
        paths = write_notice_pdfs(docs, folder)
    except OSError as exc:
        where = exc.filename or folder
        raise InputError(f"{where}: cannot write: {exc.strerror or exc}") from None
    report(progress, "pdf", len(docs), len(docs))
    detail = {"kind": "notices", "rows": len(paths), "folder": str(folder), "numbers": numbers}

    def work(_session: Session) -> Written[list[Path]]:
        return Written(paths, Changes.none(), detail)

    return write(db, "export.notices", work, user=user)


__all__ = [
    "ClientFigures",
    "ClientNoticeHistory",
    "GenerateRequest",
    "GenerateResult",
    "NoticeDetail",
    "NoticeFilter",
    "NoticeSummary",
    "SkippedClient",
    "StatusChange",
    "due_clients",
    "due_for_call",
    "export_notice_pdfs",
    "generate_notices",
    "list_notices",
    "notice_detail",
    "notice_documents",
    "notice_history",
    "settled_figures",
]
