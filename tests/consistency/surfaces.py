"""Every surface that shows a money figure, read as plain ints under one set of keys.

One function per surface. Each returns dictionaries keyed the same way everywhere:

* a position line by ``LineKey`` = (client, contract, side "long"/"short", hedge),
* a client by its code, a member by its code,
* a margin rate by ``RateKey`` = (contract, hedge),

with values as plain ``int`` (fen, lots, ppm) in small frozen dataclasses. The checks in
this package compare those dictionaries and never touch a product API themselves, so
when another engineer moves an API (issue #10: one ``DayInputs``, one rate function in
``core/rules/``), only this file changes.

Every function here only reads: previews run through a read-only ``Reader`` (they
write nothing) and the settlement with ``dry_run=True``, so one built database can serve
many checks.

Two inputs are taken from the rules the settlement itself calls: ``settlement_rates``
(``day_margin_rates`` of a day, spec 2.b) and ``pledge_quota_values`` (the receipt
offset values fixed at a settlement, spec 2.c: ``eligible_receipts`` and
``base_prices`` of ``core.rules.daily_settlement``). Reading of spec 2.c agreed with the
lead: the pledge quota fixed at a settlement holds until the next one, so intraday
figures of day L use the values of the settlement of prev_td(L).

Risk levels: every surface classifies with the firm's one ``RiskLevels`` setting; the
reference here (``reference_level``) is the level table of ``core.rules.risk_levels``
written out again in plain integers, so a surface that keeps thresholds of its own, or
a rule that drifts from its table, shows up.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import tempfile
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from core.calc import run_case
from core.cli import main as cli_main
from core.db import queries
from core.db.day_book import day_book
from core.db.day_inputs import read_day_inputs, read_live_day
from core.db.engine import Database
from core.db.tables import (
    Client,
    ClientBalance,
    Contract,
    Member,
    Position,
    Product,
    ReserveHistory,
    SettlementPrice,
)
from core.errors import InputError
from core.live import LiveRiskEngine, LiveSettings
from core.live.feed import FakeClock, PriceTick
from core.money import fen_to_str, parse_yuan
from core.rules import funds
from core.rules.daily_settlement import DaySettlementParams, base_prices, eligible_receipts
from core.rules.day_inputs import ACTION_NAMES, DayInputs
from core.rules.margin_schedule import day_margin_rates
from core.rules.risk_levels import (
    DEFICIT,
    FORCED_CLOSE,
    LEVEL_NAMES,
    MARGIN_CALL,
    NORMAL,
    WARNING,
    RiskLevels,
    default_risk_levels,
)
from core.services import settlement as settlement_service
from core.services.calls import CallList, CallRequest, intraday_calls, settled_calls
from core.services.limits import limits_report
from core.services.liquidation import MarginSource, preview_liquidation
from core.services.overview import overview as overview_service
from core.services.reduction import preview_reduction
from core.trading_calendar import TradingCalendar, default_calendar

LineKey = tuple[str, str, str, bool]
"""(client, contract, side "long"/"short", hedge)."""
RateKey = tuple[str, bool]
"""(contract, hedge)."""
NetKey = tuple[str, str, bool]
"""(client, contract, hedge): a net position (long − short lots)."""
SideKey = tuple[str, str, str]
"""(client, contract, side)."""

SIDES = ("long", "short")
PPM = 1_000_000
HAIRCUT_PPM = DaySettlementParams().haircut_ppm
CASH_CAP_PPM = DaySettlementParams().cash_cap_ppm
LEVELS = default_risk_levels()
"""The firm's one risk-level setting (what every surface classifies with)."""

_CLOCK_START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


_MEMO: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_MEMO_SIZE = 4096
F = TypeVar("F", bound=Callable[..., Any])


def read_once(fn: F) -> F:
    """Memoize a surface by (database URL, arguments).

    The suite's databases are read-only once built (every surface here only reads; the
    demo's copies are declared ``same_data_as`` their template), so a scenario's
    monitor, stored rows or rates are computed once and shared by every check that asks.
    Callers must not mutate results; a test that writes calls ``forget`` afterwards.
    """

    @functools.wraps(fn)
    def wrapper(db: Database, *args: Any, **kwargs: Any) -> Any:
        key = (fn.__name__, _SAME_AS.get(db.url, db.url), args, tuple(sorted(kwargs.items())))
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
        value = fn(db, *args, **kwargs)
        _MEMO[key] = value
        if len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
        return value

    return wrapper  # type: ignore[return-value]


_SAME_AS: dict[str, str] = {}


def same_data_as(db: Database, template_url: str) -> None:
    """Declare ``db`` an unchanged copy of ``template_url``: its surfaces are those of
    every other copy (the demo is copied per test, but no check writes)."""
    _SAME_AS[db.url] = template_url


def forget(db: Database) -> None:
    """Drop what ``read_once`` remembers of ``db`` (call it after changing ``db``)."""
    key_url = _SAME_AS.pop(db.url, db.url)
    if key_url == db.url:
        for key in [k for k in _MEMO if k[1] == db.url]:
            del _MEMO[key]


def _cal() -> TradingCalendar:
    return default_calendar()


def _side(value: object) -> str:
    """A side word from a word or a ``core.rules.sides`` code (0 long, 1 short)."""
    if isinstance(value, str):
        return value
    return SIDES[int(value)]  # type: ignore[call-overload]


def as_dict(figures: object) -> dict[str, Any]:
    """A figures dataclass as {field: value} (for messages)."""
    return {f.name: getattr(figures, f.name) for f in fields(figures)}  # type: ignore[arg-type]


# =============================================================================
# The daily settlement's stored rows
# =============================================================================


@dataclass(frozen=True)
class StoredLine:
    lots: int
    today_lots: int
    open_price_fen: int
    margin_fen: int


@dataclass(frozen=True)
class StoredBalance:
    balance_fen: int
    deposits_fen: int
    withdrawals_fen: int
    close_pnl_fen: int
    position_pnl_fen: int
    fees_fen: int
    waived_fen: int
    delivery_fen: int
    margin_fen: int
    offset_fen: int
    available_fen: int
    margin_call_fen: int


@dataclass(frozen=True)
class StoredReserve:
    member_code: str
    trading_day: date
    reserve_fen: int
    margin_fen: int
    offset_fen: int
    cash_fen: int
    close_pnl_fen: int
    position_pnl_fen: int
    fees_fen: int
    waived_fen: int
    deposits_fen: int
    withdrawals_fen: int
    delivery_fen: int
    margin_call_fen: int
    opening_banned: bool
    transfer_restricted: bool


@read_once
def member_clients(db: Database, member: str) -> set[str]:
    with db.sessions() as s:
        return set(s.scalars(select(Client.code).where(Client.member_code == member)))


@read_once
def stored_lines(db: Database, day: date, member: str | None = None) -> dict[LineKey, StoredLine]:
    """``position`` rows of ``day`` with open lots (the settlement's stored lines)."""
    stmt = select(
        Position.client_code,
        Position.contract_code,
        Position.side,
        Position.hedge,
        Position.lots,
        Position.today_lots,
        Position.open_price_fen,
        Position.margin_fen,
    ).where(Position.trading_day == day, Position.lots > 0)
    if member is not None:
        stmt = stmt.join(Client, Client.code == Position.client_code).where(
            Client.member_code == member
        )
    with db.sessions() as s:
        rows = s.execute(stmt).all()
    return {
        (str(r[0]), str(r[1]), str(r[2]), bool(r[3])): StoredLine(
            int(r[4]), int(r[5]), int(r[6]), int(r[7])
        )
        for r in rows
    }


@read_once
def stored_balances(db: Database, day: date, member: str | None = None) -> dict[str, StoredBalance]:
    """``client_balance`` rows of ``day`` (the client statements of the settlement)."""
    names = [f.name for f in fields(StoredBalance)]
    stmt = select(ClientBalance.client_code, *[getattr(ClientBalance, n) for n in names]).where(
        ClientBalance.trading_day == day
    )
    if member is not None:
        stmt = stmt.join(Client, Client.code == ClientBalance.client_code).where(
            Client.member_code == member
        )
    with db.sessions() as s:
        rows = s.execute(stmt).all()
    return {str(r[0]): StoredBalance(*(int(v) for v in r[1:])) for r in rows}


@read_once
def stored_reserves(db: Database, member: str | None = None) -> list[StoredReserve]:
    """Every ``reserve_history`` row (of ``member``), in member and day order."""
    names = [f.name for f in fields(StoredReserve)]
    stmt = select(*[getattr(ReserveHistory, n) for n in names]).order_by(
        ReserveHistory.member_code, ReserveHistory.trading_day
    )
    if member is not None:
        stmt = stmt.where(ReserveHistory.member_code == member)
    with db.sessions() as s:
        rows = s.execute(stmt).all()

    def value(name: str, v: Any) -> Any:
        if name in ("member_code", "trading_day"):
            return v
        return bool(v) if name in ("opening_banned", "transfer_restricted") else int(v)

    return [StoredReserve(**{n: value(n, v) for n, v in zip(names, r, strict=True)}) for r in rows]


def stored_reserve(db: Database, member: str, day: date) -> StoredReserve:
    for row in stored_reserves(db, member):
        if row.trading_day == day:
            return row
    raise LookupError(f"no reserve_history row of member {member} on {day}")


@read_once
def min_reserves(db: Database) -> dict[str, int]:
    """Each member's minimum settlement reserve (``member.min_reserve_fen``)."""
    with db.sessions() as s:
        return {str(c): int(v) for c, v in s.execute(select(Member.code, Member.min_reserve_fen))}


@read_once
def contract_multipliers(db: Database) -> dict[str, int]:
    """Value multiplier per contract (spec 2.0), from its product."""
    with db.sessions() as s:
        rows = s.execute(
            select(Contract.code, Product.multiplier).join(
                Product, Product.code == Contract.product_code
            )
        ).all()
    return {str(c): int(m) for c, m in rows}


@read_once
def settlement_prices(db: Database, day: date) -> dict[str, int]:
    with db.sessions() as s:
        rows = s.execute(
            select(SettlementPrice.contract_code, SettlementPrice.settlement_fen).where(
                SettlementPrice.trading_day == day
            )
        ).all()
    return {str(c): int(p) for c, p in rows}


# =============================================================================
# The day's book and the Positions screen
# =============================================================================


@read_once
def day_book_lines(db: Database, day: date) -> dict[LineKey, StoredLine]:
    """The day's book (``core.db.day_book``) that the monitor, limits and liquidation
    read."""
    with db.sessions() as s:
        book = day_book(s, day)
    return {
        (
            book.clients[int(c)],
            book.contracts[int(k)],
            SIDES[int(sd)],
            bool(h),
        ): StoredLine(int(n), int(t), int(o), int(m))
        for c, k, sd, h, n, t, o, m in zip(
            book.client,
            book.contract,
            book.side,
            book.hedge,
            book.lots,
            book.today_lots,
            book.open_price_fen,
            book.margin_fen,
            strict=True,
        )
    }


@read_once
def positions_screen(db: Database, day: date) -> dict[LineKey, StoredLine]:
    """The Positions screen's rows of ``day`` (``queries.positions_frame``)."""
    with db.sessions() as s:
        f = queries.positions_frame(s, day)
    return {
        (str(c), str(k), str(sd), bool(h)): StoredLine(int(n), int(t), int(o), int(m))
        for c, k, sd, h, n, t, o, m in zip(
            f["client_code"],
            f["contract_code"],
            f["side"],
            f["hedge"],
            f["lots"],
            f["today_lots"],
            f["open_price_fen"],
            f["margin_fen"],
            strict=True,
        )
    }


# =============================================================================
# The settlement service (dry run) and its rate of day D
# =============================================================================


@read_once
def _inputs(db: Database, day: date) -> DayInputs:
    """The settlement's own read of day ``day`` (no delivery payments); shared, read-only."""
    prev = _cal().prev_td(day)
    with db.reader() as r:
        return read_day_inputs(r.session, day, prev, None, prior_base_day=_cal().prev_td(prev))


@read_once
def settlement_rates(db: Database, day: date) -> dict[RateKey, int]:
    """rate_settle(day) in ppm per (contract, hedge) exactly as the daily settlement
    applies it (spec 2.b: period steps, limit-lock steps from the flags, every
    margin_adjustment, contract minimum; the highest wins). Contracts without a rate
    that day (expired) are absent."""
    inputs = _inputs(db, day)
    rates = day_margin_rates(
        inputs.contracts,
        day,
        lock_runs=inputs.limit_lock_runs,
        adjustments=inputs.adjustments,
        cal=_cal(),
    )
    return {(inputs.contracts[k].code, h): int(ppm) for (k, h), ppm in rates.ppm.items()}


@dataclass(frozen=True)
class SettlementMember:
    """The settlement service's member figures of a day (``MemberResult``)."""

    margin_fen: int
    offset_fen: int
    close_pnl_fen: int
    position_pnl_fen: int
    fees_fen: int
    waived_fen: int
    deposits_fen: int
    withdrawals_fen: int
    delivery_fen: int
    cash_fen: int
    reserve_fen: int
    interest_base_fen: int
    margin_call_fen: int
    opening_banned: bool
    transfer_restricted: bool


@dataclass(frozen=True)
class SettlementDryRun:
    members: dict[str, SettlementMember]
    converted_lots: int
    """Lots moved by hedge conversions (2.h) that day."""


@read_once
def settlement_dry_run(db: Database, day: date) -> SettlementDryRun:
    """The settlement of ``day`` recomputed by the service without writing."""
    run, _ = settlement_service.run_daily_settlement(db, day, user="consistency", dry_run=True)
    names = [f.name for f in fields(SettlementMember)]
    return SettlementDryRun(
        members={
            m.member_code: SettlementMember(*(getattr(m, n) for n in names)) for m in run.members
        },
        converted_lots=sum(c.converted for c in run.conversions),
    )


@read_once
def pledge_quota_values(db: Database, settled_day: date) -> dict[tuple[str, str], int]:
    """Receipt offset value per (holder client, product) fixed at the settlement of
    ``settled_day`` (spec 2.c: eligible receipts lodged before that day, base price
    S(prev_td) of the product's nearest listed contract, haircut), as the settlement
    computes it for its clients."""
    inputs = _inputs(db, settled_day)
    base = base_prices(inputs, settled_day, inputs.prior_settle_fen)
    rows = [
        r for r in eligible_receipts(inputs.receipts, settled_day, _cal(), []) if r.product in base
    ]
    holders = sorted({r.holder_code for r in rows})
    if not rows:
        return {}
    matrix = funds.offset_value_matrix(
        np.array([holders.index(r.holder_code) for r in rows], np.int64),
        np.array([inputs.products.index(r.product) for r in rows], np.int64),
        np.array([r.tons for r in rows], np.int64),
        np.array([base[r.product][1] for r in rows], np.int64),
        HAIRCUT_PPM,
        len(holders),
        len(inputs.products),
    )
    return {
        (holders[int(h)], inputs.products[int(p)]): int(matrix[h, p])
        for h, p in zip(*np.nonzero(matrix), strict=True)
    }


# =============================================================================
# The client panel (issue #11 item 5)
# =============================================================================


@dataclass(frozen=True)
class PanelClient:
    """The client panel's figures of one client after the settlement of a day."""

    day: date
    terms: dict[str, int]
    """Each funds term (``core.services.client_detail.TERM_KEYS``) as the panel shows it."""
    ops: dict[str, str]
    """How each term enters the breakdown ("", "+", "−", "=")."""
    differences: tuple[str, ...]
    """Terms the panel reports as differing from the stored row."""
    risk_ratio_ppm: int
    level: int
    top_up_fen: int
    stored_call_fen: int
    offset_cap_fen: int | None
    offset_uncapped_fen: int
    lines: dict[LineKey, tuple[int, int, int]]
    """Per line (client rate margin, exchange rate margin, stored margin) in fen."""
    raised: dict[LineKey, str]
    """Lines whose rate step is above the general rate: the step's reason."""


@read_once
def client_panel(db: Database, day: date, member: str | None = None) -> dict[str, PanelClient]:
    """The client panel (``core.services.client_detail``) of every client with a balance
    on ``day`` (of ``member``), as the desktop asks for it: one client, one day."""
    from core.services.client_detail import ClientDetailRequest, client_detail

    out: dict[str, PanelClient] = {}
    with db.reader() as reader:
        for code in sorted(stored_balances(db, day, member)):
            d = client_detail(reader, ClientDetailRequest(code, day))
            terms = d.funds.terms()
            out[code] = PanelClient(
                day=d.day,
                terms={t.key: t.value_fen for t in terms},
                ops={t.key: t.op for t in terms},
                differences=tuple(t.key for t in d.funds.differences()),
                risk_ratio_ppm=d.funds.risk_ratio_ppm,
                level=d.funds.risk_level,
                top_up_fen=d.call.top_up_fen,
                stored_call_fen=d.call.stored_call_fen,
                offset_cap_fen=d.funds.offset_cap_fen,
                offset_uncapped_fen=d.funds.offset_uncapped_fen,
                lines={
                    (code, ln.contract, ln.side, ln.hedge): (
                        ln.margin_fen,
                        ln.exchange_margin_fen,
                        ln.stored_margin_fen,
                    )
                    for ln in d.lines
                },
                raised={
                    (code, ln.contract, ln.side, ln.hedge): ln.step.reason
                    for ln in d.lines
                    if ln.step.is_raised
                },
            )
    return out


# =============================================================================
# Accounts and Overview screens
# =============================================================================


def reference_level(
    margin_fen: int, equity_fen: int, available_fen: int, levels: RiskLevels = LEVELS
) -> int:
    """The level table of ``core.rules.risk_levels`` in plain integers (margin ÷ equity,
    floored ppm): deficit if equity < 0, forced close from the forced-close threshold,
    margin call if available < 0, warning from the warning threshold, else normal."""
    assert levels.ratio_definition == "margin_over_equity"
    unbounded = 10**12 if margin_fen > 0 else 0
    ratio = margin_fen * PPM // equity_fen if equity_fen > 0 else unbounded
    if equity_fen < 0:
        return DEFICIT
    if ratio >= levels.forced_close_ppm:
        return FORCED_CLOSE
    if available_fen < 0:
        return MARGIN_CALL
    return WARNING if ratio >= levels.warning_ppm else NORMAL


@dataclass(frozen=True)
class AccountsRow:
    balance_fen: int
    margin_fen: int
    available_fen: int
    margin_call_fen: int
    level: int


@read_once
def accounts_screen(db: Database, day: date) -> dict[str, AccountsRow]:
    """The Accounts screen's rows of ``day`` (``queries.accounts_frame``)."""
    with db.sessions() as s:
        frame = queries.accounts_frame(s, day)
    out: dict[str, AccountsRow] = {}
    for code, bal, mar, av, call, level in zip(
        frame["client_code"],
        frame["balance_fen"],
        frame["margin_fen"],
        frame["available_fen"],
        frame["margin_call_fen"],
        frame["risk_level"],
        strict=True,
    ):
        out[str(code)] = AccountsRow(int(bal), int(mar), int(av), int(call), int(level))
    return out


@dataclass(frozen=True)
class OverviewFigures:
    reserve_fen: int | None
    exchange_margin_fen: int | None
    accounts_count: int
    client_balance_fen: int
    client_margin_fen: int
    client_available_fen: int
    margin_call_fen: int
    level_counts: tuple[int, ...]
    """Accounts per level code (normal … deficit)."""
    positions_count: int
    open_lots: int


@read_once
def overview(db: Database, day: date) -> OverviewFigures:
    """The Overview screen's key figures of ``day`` (``queries.overview_summary``)."""
    with db.sessions() as s:
        o = queries.overview_summary(s, day)
    return OverviewFigures(
        o.reserve_fen,
        o.exchange_margin_fen,
        o.accounts_count,
        o.client_balance_fen,
        o.client_margin_fen,
        o.client_available_fen,
        o.margin_call_fen,
        tuple(o.level_counts[name] for name in LEVEL_NAMES),
        o.positions_count,
        o.open_lots,
    )


# =============================================================================
# Margin calls: the call list, the Overview's call card, the monitor's intraday list
# =============================================================================


@dataclass(frozen=True)
class CallFigures:
    """A call list in plain integers: total, accounts per level code, and per listed
    client (level, amount to call)."""

    total_call_fen: int
    counts: tuple[int, ...]
    calls: dict[str, tuple[int, int]]


def _call_figures(calls: CallList) -> CallFigures:
    frame = calls.calls
    return CallFigures(
        calls.total_call_fen,
        tuple(calls.counts[name] for name in LEVEL_NAMES),
        {
            str(c): (int(lv), int(x))
            for c, lv, x in zip(
                frame["client_code"], frame["level"], frame["call_fen"], strict=True
            )
        },
    )


@read_once
def call_list(db: Database, day: date) -> CallFigures:
    """The Margin calls screen's list of ``day`` (``core.services.calls.settled_calls``)."""
    with db.reader() as r:
        return _call_figures(settled_calls(r, CallRequest(day=day)))


@read_once
def call_card(db: Database, day: date) -> CallFigures:
    """The Overview's call card: the list the Overview service computes over its own
    read of the day (``core.services.overview.overview(...).calls``). ``day`` must be
    the last settled day (the Overview shows that one)."""
    with db.reader() as r:
        calls = overview_service(r, 1).calls
    assert calls is not None, "the Overview shows no call list"
    assert calls.trading_day == day, "the Overview shows another day"
    return _call_figures(calls)


@read_once
def monitor_call_list(db: Database, live_day: date, member: str) -> CallFigures:
    """The live monitor's call card at the start of ``live_day`` (no tick, no trade):
    ``intraday_calls`` on the engine's first snapshot, as the monitor computes it."""
    with db.reader() as r:
        inputs = read_live_day(r.session, live_day, _cal())
    engine = LiveRiskEngine.from_day_inputs(
        inputs,
        member_code=member,
        settings=LiveSettings(),
        clock=FakeClock(_CLOCK_START),
        calendar=_cal(),
    )
    return _call_figures(intraday_calls(engine.snapshot()))


# =============================================================================
# The live monitor
# =============================================================================


@dataclass(frozen=True)
class MonitorLine:
    lots: int
    historic_lots: int
    today_lots: int
    margin_fen: int
    floating_pnl_fen: int


@dataclass(frozen=True)
class MonitorAccount:
    equity_cash_fen: int
    floating_pnl_fen: int
    dynamic_equity_fen: int
    margin_fen: int
    offset_used_fen: int
    available_fen: int
    level: int


@dataclass(frozen=True)
class MonitorMember:
    reserve_intraday_fen: int
    prior_reserve_fen: int
    prior_margin_fen: int
    prior_offset_fen: int
    deposits_fen: int
    withdrawals_fen: int
    close_pnl_fen: int
    fees_fen: int
    margin_intraday_fen: int
    offset_intraday_fen: int


@dataclass(frozen=True)
class MonitorView:
    live_day: date
    lines: dict[LineKey, MonitorLine]
    accounts: dict[str, MonitorAccount]
    member: MonitorMember
    rates: dict[RateKey, int]
    """The rates the live loader gave each contract (speculative and hedge)."""
    trades_replayed: int
    rejected_events: int


@read_once
def monitor(
    db: Database, live_day: date, member: str, *, mark_to_settlement: bool = False
) -> MonitorView:
    """The live monitor of ``live_day`` for ``member``, as the desktop starts it.

    ``read_live_day`` → ``LiveRiskEngine.from_day_inputs`` (replays the day's stored
    trades) → ``snapshot()``. With ``mark_to_settlement`` every contract's last price is
    then set to the day's settlement price S(live_day) (one tick each) before the
    snapshot. Lines with no lots left are left out.
    """
    clock = FakeClock(_CLOCK_START)
    with db.reader() as r:
        inputs = read_live_day(r.session, live_day, _cal())
    engine = LiveRiskEngine.from_day_inputs(
        inputs, member_code=member, settings=LiveSettings(), clock=clock, calendar=_cal()
    )
    m_index = inputs.members.index(member)
    replayed = int(
        (
            (inputs.client_member[inputs.tr_client] == m_index)
            & (inputs.tr_action != ACTION_NAMES.index("deliver"))
        ).sum()
    )
    if mark_to_settlement:
        prices = settlement_prices(db, live_day)
        ticks = [
            PriceTick(c.code, prices[c.code], clock.now())
            for c in engine.contracts
            if c.code in prices
        ]
        engine.update(ticks)
    snap = engine.snapshot()
    codes, contracts = engine.account_codes, [c.code for c in engine.contracts]
    p = snap.positions
    lines: dict[LineKey, MonitorLine] = {}
    for i in range(p.row_count):
        lots = int(p["lots"][i])
        if lots == 0:
            continue
        key = (
            codes[int(p["account_index"][i])],
            contracts[int(p["contract_index"][i])],
            _side(int(p["side"][i])),
            bool(p["hedge"][i]),
        )
        lines[key] = MonitorLine(
            lots,
            int(p["historic_lots"][i]),
            int(p["today_lots"][i]),
            int(p["margin_fen"][i]),
            int(p["floating_pnl_fen"][i]),
        )
    a = snap.accounts
    accounts = {
        str(code): MonitorAccount(
            int(a["equity_cash_fen"][i]),
            int(a["floating_pnl_fen"][i]),
            int(a["dynamic_equity_fen"][i]),
            int(a["margin_fen"][i]),
            int(a["offset_used_fen"][i]),
            int(a["available_fen"][i]),
            int(a["risk_level"][i]),
        )
        for i, code in enumerate(a.keys)
    }
    m = snap.member
    member_figures = MonitorMember(
        m.reserve_intraday_fen,
        m.prior_reserve_fen,
        m.prior_margin_fen,
        m.prior_offset_fen,
        m.deposits_fen,
        m.withdrawals_fen,
        m.close_pnl_fen,
        m.fees_fen,
        m.margin_intraday_fen,
        m.offset_intraday_fen,
    )
    rates: dict[RateKey, int] = {}
    for c in engine.contracts:
        rates[(c.code, False)] = c.spec_margin_ppm
        rates[(c.code, True)] = c.hedge_margin_ppm
    return MonitorView(
        live_day,
        lines,
        accounts,
        member_figures,
        rates,
        replayed,
        snap.rejected_events,
    )


# =============================================================================
# The vectorised rule core.rules.funds.intraday_funds on the same state
# =============================================================================


@dataclass(frozen=True)
class IntradayAccount:
    equity_cash_fen: int
    close_pnl_fen: int
    fees_fen: int
    margin_fen: int
    offset_used_fen: int
    available_fen: int
    floating_loss_fen: int
    """Σ line floating losses at the last price (0 without last prices)."""


@dataclass(frozen=True)
class IntradayLine:
    lots: int
    historic_lots: int
    today_lots: int
    prior_settlement_fen: int
    multiplier: int
    rate_ppm: int


@dataclass(frozen=True)
class IntradayView:
    live_day: date
    lines: dict[LineKey, IntradayLine]
    accounts: dict[str, IntradayAccount]


@read_once
def intraday(
    db: Database, live_day: date, member: str, *, mark_to_settlement: bool = False
) -> IntradayView:
    """``core.rules.funds`` (``LineBook`` → ``apply_trades`` → ``intraday_funds``) on the
    state of ``live_day``: prev_td's lines and balances, the day's movements and trades
    (stored order), S(prev_td) at rate_open(L) = ``settlement_rates(prev_td)`` (2.a),
    and the pledge quota fixed at prev_td's settlement (2.c, see module doc). With
    ``mark_to_settlement`` the last price of every line is S(live_day), which gives
    ``floating_loss_fen``."""
    prev = _cal().prev_td(live_day)
    inputs = _inputs(db, live_day)
    rates = settlement_rates(db, prev)
    quota = pledge_quota_values(db, prev)
    m_index = inputs.members.index(member)
    mine = np.flatnonzero(inputs.client_member == m_index)
    local = np.full(len(inputs.clients), -1, np.int64)
    local[mine] = np.arange(mine.size)
    n_k = len(inputs.contracts)

    def keys(
        client: npt.NDArray[np.int64], contract: Any, side: Any, hedge: Any
    ) -> npt.NDArray[np.int64]:
        out: npt.NDArray[np.int64] = ((client * n_k + contract) * 2 + side) * 2 + np.asarray(
            hedge, np.int64
        )
        return out

    pos_mine = local[inputs.pos_client] >= 0
    tr_mine = local[inputs.tr_client] >= 0
    pos_keys = keys(inputs.pos_client, inputs.pos_contract, inputs.pos_side, inputs.pos_hedge)[
        pos_mine
    ]
    tr_keys = keys(inputs.tr_client, inputs.tr_contract, inputs.tr_side, inputs.tr_hedge)[tr_mine]
    line_keys = np.unique(np.concatenate((pos_keys, tr_keys)))
    hedge = (line_keys % 2).astype(bool)
    side = (line_keys // 2) % 2
    contract = (line_keys // 4) % n_k
    client = line_keys // (4 * n_k)
    hist = np.zeros(line_keys.size, np.int64)
    np.add.at(hist, np.searchsorted(line_keys, pos_keys), inputs.pos_lots[pos_mine])
    mult = np.array([c.multiplier for c in inputs.contracts], np.int64)[contract]
    prior = inputs.prior_settle_fen[contract]
    rate = np.array(
        [
            rates[(inputs.contracts[int(k)].code, bool(h))]
            for k, h in zip(contract, hedge, strict=True)
        ],
        np.int64,
    )
    n_acc, n_p = mine.size, len(inputs.products)
    book = funds.LineBook.from_arrays(
        account=local[client],
        product=inputs.product_of_contract[contract],
        multiplier=mult,
        side=side,
        prior_fen=prior,
        rate_ppm=rate,
        hist_lots=hist,
        n_accounts=n_acc,
        n_products=n_p,
        last_fen=inputs.settle_fen[contract] if mark_to_settlement else None,
    )
    accounts = funds.AccountBook.zeros(n_acc)
    accounts.balance = np.where(inputs.has_prior_balance, inputs.prior_balance_fen, 0)[mine]
    for is_dep, target in ((True, accounts.deposits), (False, accounts.withdrawals)):
        sel = (inputs.fm_client >= 0) & (inputs.fm_deposit == is_dep)
        sel &= local[np.maximum(inputs.fm_client, 0)] >= 0
        np.add.at(target, local[inputs.fm_client[sel]], inputs.fm_amount_fen[sel])
    batch = funds.TradeBatch.of(
        np.searchsorted(line_keys, tr_keys),
        inputs.tr_action[tr_mine],
        inputs.tr_lots[tr_mine],
        inputs.tr_price_fen[tr_mine],
        inputs.tr_fee_fen[tr_mine],
    )
    funds.apply_trades(book, accounts, batch)
    values = np.zeros((n_acc, n_p), np.int64)
    clients = [inputs.clients[int(c)] for c in mine]
    for (holder, product), value in quota.items():
        if holder in clients and product in inputs.products:
            values[clients.index(holder), inputs.products.index(product)] = value
    plain = funds.intraday_funds(book, accounts, values, cash_cap_ppm=CASH_CAP_PPM)
    losses = (
        funds.intraday_funds(
            book, accounts, values, cash_cap_ppm=CASH_CAP_PPM, deduct_floating_loss=True
        ).floating_loss
        if mark_to_settlement
        else np.zeros(n_acc, np.int64)
    )
    out_accounts = {
        clients[i]: IntradayAccount(
            int(plain.equity_cash[i]),
            int(accounts.close_pnl[i]),
            int(accounts.fees[i]),
            int(plain.margin[i]),
            int(plain.offset_used[i]),
            int(plain.available[i]),
            int(losses[i]),
        )
        for i in range(n_acc)
    }
    lines: dict[LineKey, IntradayLine] = {}
    for j in range(line_keys.size):
        r = j  # row j of the book is line j
        h, t = int(book.hist_lots[r]), int(book.today_lots[r])
        if h + t == 0:
            continue
        key = (
            inputs.clients[int(client[j])],
            inputs.contracts[int(contract[j])].code,
            SIDES[int(side[j])],
            bool(hedge[j]),
        )
        lines[key] = IntradayLine(h + t, h, t, int(prior[j]), int(mult[j]), int(rate[j]))
    return IntradayView(live_day, lines, out_accounts)


# =============================================================================
# Risk actions: liquidation, reduction, limits
# =============================================================================


@dataclass(frozen=True)
class LiquidationLine:
    lots: int
    margin_per_lot_fen: int
    line_margin_fen: int


@read_once
def liquidation_lines(
    db: Database, member: str, day: date, source: MarginSource
) -> dict[LineKey, LiquidationLine]:
    """The forced-liquidation preview's lines (``preview_liquidation``)."""
    with db.reader() as r:
        report = preview_liquidation(r, member, day, margin_source=source)
    f = report.lines
    return {
        (str(c), str(k), str(sd), bool(h)): LiquidationLine(int(n), int(pl), int(lm))
        for c, k, sd, h, n, pl, lm in zip(
            f["client_code"],
            f["contract_code"],
            f["side"],
            f["hedge"],
            f["lots"],
            f["margin_per_lot_fen"],
            f["line_margin_fen"],
            strict=True,
        )
    }


@dataclass(frozen=True)
class ReductionView:
    net_lots: dict[NetKey, int]
    """Signed net lots (long − short) of every non-flat net position."""
    contracts: tuple[str, ...]
    """Contracts previewed (a contract whose D3 would be its last trading day cannot)."""


@read_once
def reduction_positions(db: Database, day: date, contracts: frozenset[str]) -> ReductionView:
    """What the forced-reduction preview sees of every contract in ``contracts`` on
    ``day``: each previewed as if ``day`` were D3, limit-down (``preview_reduction``,
    ``as_if_d3``)."""
    net: dict[NetKey, int] = {}
    done: list[str] = []
    with db.reader() as r:
        for contract in sorted(contracts):
            try:
                report = preview_reduction(r, contract, day, as_if_d3="limit_down")
            except InputError:
                continue
            done.append(contract)
            rows = report.rows
            for client, hedge, side, lots in zip(
                rows["client_code"], rows["hedge"], rows["side"], rows["net_lots"], strict=True
            ):
                if side == "flat":
                    continue
                net[(str(client), contract, bool(hedge))] = int(lots) * (
                    1 if side == "long" else -1
                )
    return ReductionView(net, tuple(done))


@dataclass(frozen=True)
class LimitsView:
    side_lots: dict[SideKey, tuple[int, int]]
    """(speculative, hedge) lots per client side with limit data."""
    no_data_accounts: dict[str, int]
    """Accounts per contract without limit data (summed over parties)."""


@read_once
def limits_positions(db: Database, day: date) -> LimitsView:
    """What the position-limits report sees on ``day`` (``limits_report``)."""
    with db.reader() as r:
        report = limits_report(r, day)
    rows = report.rows
    side_lots = {
        (str(c), str(k), str(sd)): (int(sp), int(hd))
        for c, k, sd, sp, hd in zip(
            rows["client_code"],
            rows["contract_code"],
            rows["side"],
            rows["speculative_lots"],
            rows["hedge_lots"],
            strict=True,
        )
    }
    no_data: dict[str, int] = defaultdict(int)
    for contract, accounts in zip(
        report.no_data["contract_code"], report.no_data["accounts"], strict=True
    ):
        no_data[str(contract)] += int(accounts)
    return LimitsView(side_lots, dict(no_data))


# =============================================================================
# riskdesk calc, fed with JSON cases built from the database's own data
# =============================================================================


def _yuan(fen: int) -> str:
    return fen_to_str(fen)


def _rate(ppm: int) -> str:
    return str(Decimal(ppm) / PPM)


def _run_json(case: dict[str, Any]) -> dict[str, Any]:
    """Through JSON text, as ``riskdesk calc CASE.json`` reads it (``run_case`` is what
    the command runs; one case per client through the command itself would only add
    argument parsing)."""
    return run_case(json.loads(json.dumps(case)))


def _run_cli(case: dict[str, Any]) -> dict[str, Any]:
    """``riskdesk calc CASE.json`` itself: the case written to a file, the command's
    JSON output read back; AssertionError if it does not exit 0."""
    with tempfile.TemporaryDirectory(prefix="riskdesk-calc-") as folder:
        path = Path(folder) / "case.json"
        path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_main(["calc", str(path)])
    assert code == 0, f"riskdesk calc exited {code}: {err.getvalue()}"
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def _day_lines(
    inputs: DayInputs, clients: set[int], rates: dict[RateKey, int], *, settlement: bool
) -> dict[int, list[dict[str, Any]]]:
    """Case lines per client index: prior lines plus the day's trades, stored order."""
    lines: dict[tuple[int, int, int, bool], dict[str, Any]] = {}

    def line(ci: int, k: int, side: int, hedge: bool) -> dict[str, Any]:
        key = (ci, k, side, hedge)
        if key not in lines:
            c = inputs.contracts[k]
            entry: dict[str, Any] = {
                "contract": c.code,
                "product": c.product,
                "multiplier": c.multiplier,
                "side": SIDES[side],
                "hedge": hedge,
                "prior_settlement": _yuan(int(inputs.prior_settle_fen[k])),
                "rate": _rate(rates[(c.code, hedge)]),
                "historic_lots": 0,
                "trades": [],
            }
            if inputs.settle_fen[k] > 0:
                entry["settlement" if settlement else "last_price"] = _yuan(
                    int(inputs.settle_fen[k])
                )
            lines[key] = entry
        return lines[key]

    for i in range(inputs.pos_client.size):
        ci = int(inputs.pos_client[i])
        if ci in clients:
            entry = line(
                ci, int(inputs.pos_contract[i]), int(inputs.pos_side[i]), bool(inputs.pos_hedge[i])
            )
            entry["historic_lots"] += int(inputs.pos_lots[i])
    actions = dict(enumerate(ACTION_NAMES))
    for i in range(inputs.tr_client.size):
        ci = int(inputs.tr_client[i])
        if ci not in clients:
            continue
        action = actions[int(inputs.tr_action[i])]
        if action == "deliver":
            raise NotImplementedError("calc cases with deliveries (and their delivery fees)")
        entry = line(
            ci, int(inputs.tr_contract[i]), int(inputs.tr_side[i]), bool(inputs.tr_hedge[i])
        )
        entry["trades"].append(
            {
                "action": action,
                "lots": int(inputs.tr_lots[i]),
                "price": _yuan(int(inputs.tr_price_fen[i])),
                "fee": _yuan(int(inputs.tr_fee_fen[i])),
            }
        )
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for (ci, *_), entry in sorted(lines.items()):
        out[ci].append(entry)
    return out


@dataclass(frozen=True)
class CalcFunds:
    close_pnl_fen: int
    fees_fen: int
    equity_cash_fen: int
    margin_fen: int
    offset_used_fen: int
    floating_loss_fen: int
    available_fen: int


@read_once
def client_funds_cases(db: Database, live_day: date, member: str) -> dict[str, dict[str, Any]]:
    """One ``client-funds`` case per client of ``member`` for ``live_day``: balance of
    prev_td, the day's deposits, withdrawals and trades, S(prev_td) and rate_open(L)
    (``settlement_rates(prev_td)``), last price S(L) where there is one, and the
    receipts behind the pledge quota fixed at prev_td's settlement."""
    prev = _cal().prev_td(live_day)
    inputs = _inputs(db, live_day)
    prev_inputs = _inputs(db, prev)
    rates = settlement_rates(db, prev)
    m_index = inputs.members.index(member)
    mine = {int(i) for i in np.flatnonzero(inputs.client_member == m_index)}
    lines = _day_lines(inputs, mine, rates, settlement=False)
    eligible = eligible_receipts(prev_inputs.receipts, prev, _cal(), [])
    base = base_prices(prev_inputs, prev, prev_inputs.prior_settle_fen)
    cases: dict[str, dict[str, Any]] = {}
    for ci in sorted(mine):
        code = inputs.clients[ci]
        deposits = withdrawals = 0
        for j in np.flatnonzero(inputs.fm_client == ci).tolist():
            if inputs.fm_deposit[j]:
                deposits += int(inputs.fm_amount_fen[j])
            else:
                withdrawals += int(inputs.fm_amount_fen[j])
        receipts = [
            {"product": r.product, "tons": r.tons, "base_price": _yuan(base[r.product][1])}
            for r in eligible
            if r.holder_code == code and r.product in base
        ]
        cases[code] = {
            "kind": "client-funds",
            "params": {
                "haircut": _rate(HAIRCUT_PPM),
                "cash_cap_multiple": _rate(CASH_CAP_PPM or 0),
            },
            "input": {
                "balance": _yuan(int(inputs.prior_balance_fen[ci])),
                "deposits": _yuan(deposits),
                "withdrawals": _yuan(withdrawals),
                "lines": lines.get(ci, []),
                "receipts": receipts,
            },
        }
    return cases


@read_once
def calc_client_funds(db: Database, live_day: date, member: str) -> dict[str, CalcFunds]:
    """``riskdesk calc`` kind ``client-funds`` for every client of ``member``."""
    out: dict[str, CalcFunds] = {}
    for code, case in client_funds_cases(db, live_day, member).items():
        r = _run_json(case)
        out[code] = CalcFunds(
            *(
                parse_yuan(r[k])
                for k in (
                    "close_pnl",
                    "fees",
                    "equity_cash",
                    "margin",
                    "offset_used",
                    "floating_loss",
                    "available",
                )
            )
        )
    return out


@read_once
def member_settlement_case(db: Database, day: date, member: str) -> dict[str, Any]:
    """A ``member-settlement`` case of ``member`` for ``day`` from the database: the
    prior reserve row, every client line of the member (prior lots and the day's trades)
    at S(D) and rate_settle(D), the member's eligible receipts at base S(prev_td), its own
    reserve transfers. Raises NotImplementedError for a day with deliveries or hedge
    conversions (calc cannot take charged delivery fees; conversions are not modelled)."""
    inputs = _inputs(db, day)
    prior = inputs.prior_reserve[member]
    rates = settlement_rates(db, day)
    m_index = inputs.members.index(member)
    mine = {int(i) for i in np.flatnonzero(inputs.client_member == m_index)}
    by_client = _day_lines(inputs, mine, rates, settlement=True)
    lines = [ln for ci in sorted(by_client) for ln in by_client[ci]]
    receipts = eligible_receipts(inputs.receipts, day, _cal(), [])
    base = base_prices(inputs, day, inputs.prior_settle_fen)
    own = inputs.fm_client < 0
    dep = int(inputs.fm_amount_fen[own & inputs.fm_deposit & (inputs.fm_member == m_index)].sum())
    wd = int(inputs.fm_amount_fen[own & ~inputs.fm_deposit & (inputs.fm_member == m_index)].sum())
    return {
        "kind": "member-settlement",
        "params": {
            "haircut": _rate(HAIRCUT_PPM),
            "cash_cap_multiple": _rate(CASH_CAP_PPM or 0),
            "min_reserve": _yuan(int(inputs.member_min_reserve_fen[m_index])),
            "prior_opening_banned": prior.opening_banned,
        },
        "input": {
            "prior_reserve": _yuan(prior.reserve_fen),
            "prior_margin": _yuan(prior.margin_fen),
            "prior_offset": _yuan(prior.offset_fen),
            "deposits": _yuan(dep),
            "withdrawals": _yuan(wd),
            "delivery_payments": [],  # none in the generated scenarios (delivery_fen 0)
            "waived_fees": [],
            "lines": lines,
            "receipts": [
                {"product": r.product, "tons": r.tons, "base_price": _yuan(base[r.product][1])}
                for r in receipts
                if r.member_code == member and r.product in base
            ],
        },
    }


@read_once
def calc_member_settlement(db: Database, day: date, member: str) -> SettlementMember:
    """``riskdesk calc CASE.json`` (kind ``member-settlement``) on
    ``member_settlement_case``."""
    case = member_settlement_case(db, day, member)
    r = _run_cli(case)
    money = {k: parse_yuan(v) for k, v in r.items() if isinstance(v, str)}
    return SettlementMember(
        margin_fen=money["margin"],
        offset_fen=money["offset"],
        close_pnl_fen=money["close_pnl"],
        position_pnl_fen=money["position_pnl"],
        fees_fen=money["fees"],
        waived_fen=money["waived"],
        deposits_fen=parse_yuan(case["input"]["deposits"]),
        withdrawals_fen=parse_yuan(case["input"]["withdrawals"]),
        delivery_fen=0,
        cash_fen=money["cash"],
        reserve_fen=money["ending_reserve"],
        interest_base_fen=money["interest_base"],
        margin_call_fen=money["margin_call"],
        opening_banned=bool(r["opening_banned"]),
        transfer_restricted=bool(r["transfer_restricted"]),
    )


# A closed piece as both surfaces list it: contract, position side, hedge, opened that day,
# lots, close price (fen), P&L (fen).
ClosedPiece = tuple[str, str, bool, bool, int, int, int]


@dataclass(frozen=True)
class SignoffView:
    """A client's daily statement to sign off, as its PDF states it (fen)."""

    summary: tuple[int, ...]
    """balance, deposits, withdrawals, close P&L, position P&L, fees, waived, delivery,
    margin, offset, available, margin call (``StoredBalance``'s order)."""
    closed: tuple[ClosedPiece, ...]


@read_once
def signoff_statements(db: Database, day: date) -> dict[str, SignoffView]:
    """Every client's daily statement to sign off (``core.services.client_statements``,
    one client at a time, its closed lines from its own inputs)."""
    from core.services.client_statements import daily_signoff

    out: dict[str, SignoffView] = {}
    with db.reader() as reader:
        for code in sorted(stored_balances(db, day)):
            st = daily_signoff(reader, code, day)
            out[code] = SignoffView(
                (
                    st.balance_fen,
                    st.deposits_fen,
                    st.withdrawals_fen,
                    st.close_pnl_fen,
                    st.position_pnl_fen,
                    st.fees_fen,
                    st.waived_fen,
                    st.delivery_fen,
                    st.margin_fen,
                    st.offset_fen,
                    st.available_fen,
                    st.margin_call_fen,
                ),
                tuple(
                    sorted(
                        (
                            c.contract,
                            "long" if c.side == "sell" else "short",
                            c.hedge,
                            c.today,
                            c.lots,
                            c.close_price_fen,
                            c.pnl_fen,
                        )
                        for c in st.closed
                    )
                ),
            )
    return out


@read_once
def reconcile_closed(db: Database, day: date) -> dict[str, tuple[ClosedPiece, ...]]:
    """The closed lines of RiskDesk's side of a reconciliation of ``day`` (the whole
    book's settlement recomputed, ``core.services.reconcile.riskdesk_side``) per client."""
    from core.services.reconcile import riskdesk_side

    with db.reader() as reader:
        side = riskdesk_side(reader, day, members=False)
    closed = side.frames.tables["closed"]
    out: dict[str, list[ClosedPiece]] = {}
    cols = {c: closed[c].tolist() for c in closed.columns}
    for i, client in enumerate(cols["client"]):
        out.setdefault(str(client), []).append(
            (
                str(cols["contract"][i]),
                _side(cols["side"][i]),
                bool(cols["hedge"][i]),
                bool(cols["today"][i]),
                int(cols["lots"][i]),
                int(cols["close_milli"][i]) // 10,
                int(cols["pnl_fen"][i]),
            )
        )
    return {k: tuple(sorted(v)) for k, v in out.items()}
