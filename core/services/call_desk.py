"""Reads behind the desk's Margin calls and Notices screens (issue #11 items 1 and 2).

The call list itself is ``core.services.calls``' (``settled_calls``, ``intraday_calls``:
the one rule, the full list); this module adds what the screen shows beside each row,
where the client's notice of the day stands (number, kind, status, channel), and the
choices the screen's actions make from it:

* ``settled_call_view`` / ``intraday_call_view``: the list with its notices joined, and
  the settled days to choose from;
* ``notice_selection``: of the clients a user picked, which a batch of notices of one
  kind can be generated for (due a call, ``core.services.notices.due_for_call``, and
  not yet noticed of that kind for the day), and which not and why;
* ``notices_to_send``: the picked clients' notices that an e-mail can still go out for;
* ``notices_table``: the Notices screen's list (any filter, newest first, a stated limit).

Reads only; every write is ``core.services.notices`` / ``notice_delivery``'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from core.db import call_queries
from core.db.notice_tables import Notice
from core.db.reader import Reader
from core.errors import InputError
from core.live.snapshot import RiskSnapshot
from core.money import parse_decimal
from core.reports.notices import NoticeKind
from core.rules.notice_status import can_move
from core.rules.risk_levels import FORCED_CLOSE, PPM
from core.services.calls import CallList, CallRequest, intraday_calls, settled_calls
from core.services.notices import (
    ClientFigures,
    NoticeFilter,
    NoticeSummary,
    due_for_call,
    list_notices,
)
from core.trading_calendar import TradingCalendar

NOT_GENERATED = "not_generated"
"""``notice_status`` of a listed client without a notice of the day."""

NOTICE_ROW_COLUMNS = (
    "notice_number",
    "notice_kind",
    "notice_status",
    "notice_channel",
    "margin_call_noticed",
    "forced_close_noticed",
)
"""Columns a call view adds to ``core.services.calls.CALL_COLUMNS``: the client's newest
notice of the notice day (number, kind, status, channel; "" and ``NOT_GENERATED``
without one) and whether it holds one of each kind for that day."""

NOTICES_LIMIT = 20_000
"""Rows the Notices screen loads at most (newest first); it says when there are more."""


@dataclass(frozen=True)
class CallView:
    """A call list as the Margin calls screen shows it.

    ``rows``: ``calls.calls`` with ``NOTICE_ROW_COLUMNS``; ``notice_day``: the settled
    day whose notices are joined (the list's day after settlement; intraday, the settled
    day the live day starts from, whose calls fall due at its opening); ``days``: the
    settled days, newest first; ``live_seq`` / ``live_as_of``: the snapshot an intraday
    list was made from.
    """

    calls: CallList
    rows: pd.DataFrame
    notice_day: date | None
    days: tuple[date, ...]
    live_seq: int | None = None
    live_as_of: datetime | None = None


def settled_days(reader: Reader) -> tuple[date, ...]:
    """The settled days (with stored client balances), newest first; empty on a new
    database."""
    return call_queries.settled_days(reader.session)


def settled_call_view(
    reader: Reader, request: CallRequest | None = None, calendar: TradingCalendar | None = None
) -> CallView:
    """The settled call list of ``request.day`` (default the last settled day) with each
    client's notice of that day. InputError when nothing is settled."""
    calls = settled_calls(reader, request, calendar)
    return CallView(
        calls=calls,
        rows=_with_notices(reader, calls.calls, calls.trading_day),
        notice_day=calls.trading_day,
        days=call_queries.settled_days(reader.session),
    )


def intraday_call_view(
    reader: Reader,
    snapshot: RiskSnapshot,
    request: CallRequest | None = None,
    calendar: TradingCalendar | None = None,
    *,
    names: Mapping[str, str] | None = None,
    member: str | None = None,
    notice_day: date | None = None,
) -> CallView:
    """The intraday call list of the live ``snapshot`` (the monitor's), with the clients'
    names and member (the monitor's start values) and their notices of ``notice_day``.
    The reader only reads notices and the settled days."""
    calls = intraday_calls(snapshot, request, calendar)
    frame = calls.calls
    if names is not None and len(frame):
        codes = frame["client_code"]
        frame = frame.assign(
            client_name=np.asarray([names.get(c, "") for c in codes], dtype=object),
            member_code=np.full(len(frame), member or "", dtype=object),
        )
    return CallView(
        calls=calls,
        rows=_with_notices(reader, frame, notice_day),
        notice_day=notice_day,
        days=call_queries.settled_days(reader.session),
        live_seq=snapshot.seq,
        live_as_of=snapshot.as_of,
    )


def _with_notices(reader: Reader, calls: pd.DataFrame, day: date | None) -> pd.DataFrame:
    """``calls`` with ``NOTICE_ROW_COLUMNS`` from the notices of ``day``: each client's
    newest (created last, then the higher number) and which kinds it holds. The rows
    are matched by index lookup, not per row: a list of every account is 100,000 rows
    and the notices a few thousand."""
    n = len(calls)
    number = np.full(n, "", dtype=object)
    kind = np.full(n, "", dtype=object)
    status = np.full(n, NOT_GENERATED, dtype=object)
    channel = np.full(n, "", dtype=object)
    has_mc = np.zeros(n, dtype=bool)
    has_fc = np.zeros(n, dtype=bool)
    notices = list_notices(reader, NoticeFilter(day=day)) if day is not None and n else ()
    if notices:
        newest: dict[str, NoticeSummary] = {}
        kinds: dict[str, set[str]] = {}
        for s in notices:
            kinds.setdefault(s.client_code, set()).add(s.kind)
            held = newest.get(s.client_code)
            if held is None or (s.created_at, s.number) > (held.created_at, held.number):
                newest[s.client_code] = s
        clients = list(newest)
        rows = pd.Index(clients).get_indexer(pd.Index(calls["client_code"]))
        hit = np.flatnonzero(rows >= 0)
        at = rows[hit]
        latest = [newest[c] for c in clients]
        number[hit] = np.asarray([s.number for s in latest], dtype=object)[at]
        kind[hit] = np.asarray([s.kind for s in latest], dtype=object)[at]
        status[hit] = np.asarray([s.status for s in latest], dtype=object)[at]
        channel[hit] = np.asarray([s.channel for s in latest], dtype=object)[at]
        has_mc[hit] = np.asarray(["margin_call" in kinds[c] for c in clients])[at]
        has_fc[hit] = np.asarray(["forced_close" in kinds[c] for c in clients])[at]
    return calls.assign(
        notice_number=number,
        notice_kind=kind,
        notice_status=status,
        notice_channel=channel,
        margin_call_noticed=has_mc,
        forced_close_noticed=has_fc,
    ).reset_index(drop=True)


# --------------------------------------------------------------------- settings typed
MAX_TARGET_PERCENT = 1_000


def parse_target_ratio(text: str) -> int | None:
    """A target risk ratio typed as a percentage ("80", "85.5") in ppm (80 % =
    800,000); None for an empty text (the setting's default: the warning threshold).
    InputError naming the field for anything else: not a number, not above zero, above
    1,000 %, or finer than a millionth (four decimals of a percent)."""
    raw = text.strip().removesuffix("%").strip()
    if not raw:
        return None
    try:
        percent = parse_decimal(raw)
    except ValueError:
        raise InputError(f"{text.strip()!r} is not a percentage", field="target ratio") from None
    if not 0 < percent <= MAX_TARGET_PERCENT:
        raise InputError(
            f"{text.strip()!r}: the target ratio must be above 0 % and at most "
            f"{MAX_TARGET_PERCENT:,} %",
            field="target ratio",
        )
    ppm = percent * (PPM // 100)
    if ppm != ppm.to_integral_value():
        raise InputError(
            f"{text.strip()!r}: at most four decimals of a percent", field="target ratio"
        )
    return int(ppm)


# --------------------------------------------------------------------- actions' choices
@dataclass(frozen=True)
class NoticeSelection:
    """Of the clients picked on a call list, for a notice ``kind``: ``due`` (a notice
    can be generated: available funds below zero, none of the kind yet for the day),
    ``not_due`` (available funds not below zero: a notice calls for the settlement's
    amount, which is zero) and ``noticed`` (already hold one of the kind that day)."""

    kind: NoticeKind
    due: tuple[str, ...]
    not_due: tuple[str, ...]
    noticed: tuple[str, ...]


def notice_selection(
    rows: pd.DataFrame, clients: Sequence[str], kind: NoticeKind
) -> NoticeSelection:
    """Sort the picked ``clients`` (rows of a ``CallView``) for a batch of ``kind``
    notices; the order of ``clients`` is kept. InputError for a bad kind or a client
    not on the list."""
    if kind not in ("margin_call", "forced_close"):
        raise InputError(f"{kind!r} is not a notice kind", field="kind")
    index = {code: i for i, code in enumerate(rows["client_code"])}
    missing = [c for c in clients if c not in index]
    if missing:
        raise InputError(f"client {missing[0]} is not on the call list", field="client")
    picked = [index[c] for c in clients]
    equity, margin, available, call = (
        rows[k].to_numpy(dtype=np.int64)
        for k in ("equity_fen", "margin_fen", "available_fen", "to_available_fen")
    )
    figures = [
        ClientFigures(code, int(equity[i]), int(margin[i]), int(available[i]), int(call[i]))
        for code, i in zip(clients, picked, strict=True)
    ]
    due_codes = {f.client_code for f in due_for_call(figures)}
    noticed_col = rows[f"{kind}_noticed"].to_numpy(dtype=bool)
    due, not_due, noticed = [], [], []
    for code, i in zip(clients, picked, strict=True):
        if code not in due_codes:
            not_due.append(code)
        elif noticed_col[i]:
            noticed.append(code)
        else:
            due.append(code)
    return NoticeSelection(kind, tuple(due), tuple(not_due), tuple(noticed))


def proposed_kind(rows: pd.DataFrame, clients: Sequence[str]) -> NoticeKind:
    """The notice a dialog proposes for the picked ``clients``: the forced-close notice
    when every one of them is at forced close or worse (``core.rules.risk_levels``),
    else the margin call. The desk may choose the other."""
    picked = rows.loc[rows["client_code"].isin(list(clients)), "level"]
    if len(picked) and bool((picked >= FORCED_CLOSE).all()):
        return "forced_close"
    return "margin_call"


@dataclass(frozen=True)
class SendSelection:
    """Of the clients picked on a call list: the ``numbers`` of their notices an e-mail
    can still go out for (generated or failed), the clients ``without`` a notice of the
    day, and those whose notice is ``delivered`` (sent or further)."""

    numbers: tuple[str, ...]
    without: tuple[str, ...]
    delivered: tuple[str, ...]


def notices_to_send(rows: pd.DataFrame, clients: Sequence[str]) -> SendSelection:
    """The picked clients' newest notices of the day that can be e-mailed
    (``core.rules.notice_status.can_move`` to "sent")."""
    pairs = zip(rows["notice_status"], rows["notice_number"], strict=True)
    notice = dict(zip(rows["client_code"], pairs, strict=True))
    numbers, without, delivered = [], [], []
    for code in clients:
        status, number = notice.get(code, (NOT_GENERATED, ""))
        if status == NOT_GENERATED:
            without.append(code)
        elif can_move(status, "sent"):
            numbers.append(str(number))
        else:
            delivered.append(code)
    return SendSelection(tuple(numbers), tuple(without), tuple(delivered))


# --------------------------------------------------------------------- notices screen
NOTICE_TABLE_COLUMNS = (
    "number",
    "member_code",
    "kind",
    "client_code",
    "client_name",
    "trading_day",
    "call_fen",
    "available_fen",
    "balance_fen",
    "margin_fen",
    "risk_ratio_ppm",
    "deadline_at",
    "status",
    "channel",
    "lang",
    "created_by",
    "created_at",
)
"""Columns of ``NoticesTable.frame`` (``deadline_at`` and ``created_at`` aware UTC)."""


@dataclass(frozen=True)
class NoticesTable:
    """Notices matching a filter, newest trading day first (``frame``:
    ``NOTICE_TABLE_COLUMNS``); ``total`` of them match (``frame`` holds the first
    ``NOTICES_LIMIT``); ``days``: every day with notices, newest first."""

    frame: pd.DataFrame
    total: int
    days: tuple[date, ...]


def notices_table(
    reader: Reader, filt: NoticeFilter | None = None, limit: int = NOTICES_LIMIT
) -> NoticesTable:
    """The Notices screen's rows: ``list_notices`` with ``filt`` (its own limit is
    replaced by ``limit``), how many match in all, and the days with notices."""
    filt = filt or NoticeFilter()
    session = reader.session
    count = select(func.count()).select_from(Notice)
    for column, value in (
        (Notice.trading_day, filt.day),
        (Notice.client_code, filt.client),
        (Notice.status, filt.status),
        (Notice.kind, filt.kind),
        (Notice.member_code, filt.member),
    ):
        if value is not None:
            count = count.where(column == value)
    total = int(session.scalar(count) or 0)
    rows = list_notices(
        reader,
        NoticeFilter(filt.day, filt.client, filt.status, filt.kind, filt.member, limit),
    )
    frame = pd.DataFrame(
        {
            name: np.asarray([getattr(r, name) for r in rows], dtype=object)
            for name in NOTICE_TABLE_COLUMNS
        },
        columns=list(NOTICE_TABLE_COLUMNS),
    )
    for name in ("call_fen", "available_fen", "balance_fen", "margin_fen", "risk_ratio_ppm"):
        frame[name] = frame[name].astype(np.int64)
    days = session.scalars(
        select(Notice.trading_day).distinct().order_by(Notice.trading_day.desc())
    )
    return NoticesTable(frame, total, tuple(days))


__all__ = [
    "NOTICES_LIMIT",
    "NOTICE_ROW_COLUMNS",
    "NOTICE_TABLE_COLUMNS",
    "NOT_GENERATED",
    "CallView",
    "NoticeSelection",
    "NoticesTable",
    "SendSelection",
    "intraday_call_view",
    "notice_selection",
    "notices_table",
    "notices_to_send",
    "parse_target_ratio",
    "proposed_kind",
    "settled_call_view",
    "settled_days",
]
