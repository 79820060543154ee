"""A client's statements to sign off: one settled day, or a calendar month (issue #15 item 5).

``daily_signoff(reader, client, day)`` is the day's stored statement
(``settlement_history.client_statement``: the ``client_balance`` row, its lines and
fills) with what a client confirms besides: the firm (the member's name, as on the
notices), the closed lines (the daily settlement's first-in-first-out pieces,
``core.rules.daily_settlement.prepare_day`` over the client's own inputs of that day:
Σ their P&L is the stored realized P/L), the deposits and withdrawals, and the
objection deadline (the firm's call-deadline rule, ``core.rules.call_deadline``, on
the settled day: by default the next trading day's opening).

``monthly_statement(reader, client, "2026-11")`` sums the month's stored daily
statements (the same ``client_statement`` of each settled day; no figure is
recomputed): the opening balance is the first day's balance b/f, the closing balance
and the state figures (margin, available funds, risk degree, call, positions) the last
day's, the flows (deposits, withdrawals, realized and MTM P/L, fees, waived fees,
delivery) the sums of the days. Reads only.
"""

from __future__ import annotations

import calendar as _calendar
import re
from datetime import date, datetime
from pathlib import Path

import numpy as np

from core.changes import Changes
from core.db import statement_queries as sq
from core.db.reader import Reader
from core.errors import InputError
from core.reports.signoff import (
    ClosedLine,
    DayLine,
    Lang,
    MovementLine,
    SignoffStatement,
)
from core.rules.call_deadline import CallDeadline, default_call_deadline
from core.rules.daily_settlement import (
    DaySettlementParams,
    SettlementRefusedError,
    prepare_day,
)
from core.rules.day_inputs import ACTION_CLOSE, ACTION_DELIVER
from core.rules.sides import LONG
from core.services.exports import export_signoff
from core.services.settlement_history import ClientStatement, client_statement
from core.services.store import Database
from core.trading_calendar import EXCHANGE_TZ, TradingCalendar, default_calendar

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> date:
    """The first day of ``YYYY-MM``; InputError naming the field ``month``."""
    m = _MONTH.match(value.strip())
    if m is None or not 1 <= int(m[2]) <= 12:
        raise InputError(f"not a month (YYYY-MM): {value!r}", field="month")
    return date(int(m[1]), int(m[2]), 1)


def _today() -> date:
    return datetime.now(EXCHANGE_TZ).date()


def closed_lines(
    reader: Reader,
    client: str,
    day: date,
    cal: TradingCalendar | None = None,
    params: DaySettlementParams | None = None,
) -> tuple[ClosedLine, ...]:
    """The client's closed lines of ``day`` (module doc); () when it closed nothing.

    InputError when the stored inputs of ``day`` no longer settle (a price or trade
    re-imported after the settlement), naming the day.
    """
    cal = cal or default_calendar()
    session = reader.session
    prev = cal.prev_td(day)
    inputs = sq.client_day_book(session, client, day, prev)
    if not np.isin(inputs.tr_action, (ACTION_CLOSE, ACTION_DELIVER)).any():
        return ()  # nothing closed (a delivery closes lots too: its pieces are listed)
    try:
        prepared = prepare_day(inputs, params or DaySettlementParams(), cal)
    except SettlementRefusedError as exc:
        raise InputError(
            f"the closed lines of {day.isoformat()} cannot be recomputed from the stored "
            f"inputs: {exc}",
            field="date",
        ) from None
    pc = prepared.applied.pieces
    out: list[ClosedLine] = []
    for k in range(pc.trade.size):
        t = int(pc.trade[k])
        ki = int(inputs.tr_contract[t])
        historic = bool(pc.historic[k])
        # the fill's side is the position side it affects; the closing fill trades the other way
        closing = "sell" if int(inputs.tr_side[t]) == LONG else "buy"
        out.append(
            ClosedLine(
                day=day,
                contract=inputs.contracts[ki].code,
                side=closing,
                hedge=bool(inputs.tr_hedge[t]),
                today=not historic,
                lots=int(pc.lots[k]),
                open_price_fen=None if historic else int(pc.basis_fen[k]),
                prior_settle_fen=int(inputs.prior_settle_fen[ki]),
                close_price_fen=int(inputs.tr_price_fen[t]),
                pnl_fen=int(pc.pnl_fen[k]),
                delivered=int(inputs.tr_action[t]) == ACTION_DELIVER,
            )
        )
    return tuple(out)


def _movements(reader: Reader, client: str, first: date, last: date) -> tuple[MovementLine, ...]:
    return tuple(
        MovementLine(m.movement_no, m.day, m.kind, m.amount_fen, m.note)
        for m in sq.client_movements(reader.session, client, first, last)
    )


def _firm(reader: Reader, st: ClientStatement) -> str:
    return sq.member_name(reader.session, st.member_code)


def daily_signoff(
    reader: Reader,
    client: str,
    day: date,
    *,
    deadline: CallDeadline | None = None,
    cal: TradingCalendar | None = None,
    issued_on: date | None = None,
) -> SignoffStatement:
    """The statement of ``client`` for settled ``day`` to sign off (module doc).

    InputError for an unknown client or a day it was not settled.
    """
    cal = cal or default_calendar()
    st = client_statement(reader, client, day)
    return SignoffStatement(
        kind="daily",
        firm=_firm(reader, st),
        client_code=st.client_code,
        client_name=st.client_name,
        member_code=st.member_code,
        first=day,
        last=day,
        prior_balance_fen=st.prior_balance_fen,
        deposits_fen=st.deposits_fen,
        withdrawals_fen=st.withdrawals_fen,
        close_pnl_fen=st.close_pnl_fen,
        position_pnl_fen=st.position_pnl_fen,
        fees_fen=st.fees_fen,
        waived_fen=st.waived_fen,
        delivery_fen=st.delivery_fen,
        balance_fen=st.balance_fen,
        offset_fen=st.offset_fen,
        margin_fen=st.margin_fen,
        available_fen=st.available_fen,
        risk_ratio_ppm=st.risk_ratio_ppm,
        margin_call_fen=st.margin_call_fen,
        closed=closed_lines(reader, client, day, cal),
        positions=st.positions,
        movements=_movements(reader, client, day, day),
        days=(),
        deadline_at=(deadline or default_call_deadline()).due_at(day, cal),
        issued_on=issued_on or _today(),
    )


def monthly_statement(
    reader: Reader,
    client: str,
    month: str | date,
    *,
    deadline: CallDeadline | None = None,
    cal: TradingCalendar | None = None,
    issued_on: date | None = None,
) -> SignoffStatement:
    """The statement of ``client`` for a calendar month (``YYYY-MM`` or any day of it)
    from its stored daily statements (module doc).

    InputError naming ``month`` when the client has no settled day in it, ``client``
    when the client is unknown.
    """
    cal = cal or default_calendar()
    start = parse_month(month) if isinstance(month, str) else month.replace(day=1)
    end = start.replace(day=_calendar.monthrange(start.year, start.month)[1])
    days = sq.client_days(reader.session, client, start, end)
    if not days:
        if not sq.client_exists(reader.session, client):
            raise InputError(f"no client {client!r}", field="client")
        raise InputError(f"client {client} has no settled day in {start:%Y-%m}", field="month")
    daily = [client_statement(reader, client, d) for d in days]
    first, last = daily[0], daily[-1]
    return SignoffStatement(
        kind="monthly",
        firm=_firm(reader, last),
        client_code=last.client_code,
        client_name=last.client_name,
        member_code=last.member_code,
        first=days[0],
        last=days[-1],
        prior_balance_fen=first.prior_balance_fen,
        deposits_fen=sum(d.deposits_fen for d in daily),
        withdrawals_fen=sum(d.withdrawals_fen for d in daily),
        close_pnl_fen=sum(d.close_pnl_fen for d in daily),
        position_pnl_fen=sum(d.position_pnl_fen for d in daily),
        fees_fen=sum(d.fees_fen for d in daily),
        waived_fen=sum(d.waived_fen for d in daily),
        delivery_fen=sum(d.delivery_fen for d in daily),
        balance_fen=last.balance_fen,
        offset_fen=last.offset_fen,
        margin_fen=last.margin_fen,
        available_fen=last.available_fen,
        risk_ratio_ppm=last.risk_ratio_ppm,
        margin_call_fen=last.margin_call_fen,
        closed=(),
        positions=last.positions,
        movements=_movements(reader, client, start, end),
        days=tuple(
            DayLine(
                d.day,
                d.deposits_fen,
                d.withdrawals_fen,
                d.close_pnl_fen,
                d.position_pnl_fen,
                d.fees_fen,
                d.balance_fen,
            )
            for d in daily
        ),
        deadline_at=(deadline or default_call_deadline()).due_at(days[-1], cal),
        issued_on=issued_on or _today(),
    )


def export_client_statement(
    db: Database,
    client: str,
    path: Path,
    lang: Lang,
    *,
    day: date | None = None,
    month: str | date | None = None,
    user: str | None = None,
) -> tuple[Path, Changes]:
    """Read the client's statement of ``day`` (``daily_signoff``) or of ``month``
    (``monthly_statement``) and write it to ``path`` (.pdf or .xlsx) through the
    audited export door (``core.services.exports.export_signoff``); the path.

    InputError as the reads raise it, for another suffix, or a file not writable.
    """
    if (day is None) == (month is None):
        raise ValueError("give a day or a month")
    with db.reader() as reader:
        if day is not None:
            statement = daily_signoff(reader, client, day)
        else:
            assert month is not None
            statement = monthly_statement(reader, client, month)
    return export_signoff(db, statement, path, lang, user=user)
