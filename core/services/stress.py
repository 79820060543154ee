"""Stress scenarios over the stored book (issue 16): reads, then the chained run.

``run_stress(reader, request)`` reads the book after a settled base day (default: the
last settled day) exactly as the daily settlement of the next trading day reads it
(``read_day_inputs``) and runs the scenario with the pure rule
``core.rules.stress_run.run_scenario`` (settlement, lock steps, forced reduction,
forced liquidation: the rules' own functions). It writes nothing; an export of its
tables goes through ``core.services.exports`` (audited).

``day_table``, ``member_table`` and ``client_table`` turn a result into the tables the
screen and ``riskdesk stress`` show (money in fen, levels as ``core.rules.risk_levels``
codes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from core.db.call_queries import latest_balance_day
from core.db.day_inputs import read_day_inputs
from core.db.reader import Reader
from core.db.risk_queries import closing_orders
from core.errors import CalendarHorizonError, InputError
from core.progress import ProgressState
from core.rules.daily_settlement import DaySettlementParams, SettlementRefusedError
from core.rules.day_inputs import I64, DayInputs
from core.rules.risk_levels import DEFICIT, FORCED_CLOSE, LEVEL_NAMES, MARGIN_CALL, RiskLevels
from core.rules.stress_run import StoredOrders, StressResult, run_scenario
from core.rules.stress_scenario import Scenario, library_scenarios
from core.services.stress_library import all_scenarios, resolve
from core.trading_calendar import TradingCalendar, default_calendar

Report = Callable[[int, int], None]

DAY_COLUMNS = (
    "day",
    "locked",
    *(f"level_{n}" for n in LEVEL_NAMES),
    "total_call_fen",
    "reserve_fen",
    "members_below_zero",
    "reduced_lots",
    "liquidated_lots",
)
"""``day_table``: one row per scenario day; ``reserve_fen`` is Σ over the members."""

CLIENT_COLUMNS = (
    "client_code",
    "member_code",
    "start_equity_fen",
    "end_equity_fen",
    "end_margin_fen",
    "end_available_fen",
    "end_ratio_ppm",
    "end_level",
    "worst_level",
    "loss_fen",
    "shortfall_fen",
    "first_margin_call",
    "first_forced_close",
    "first_deficit",
)
"""``client_table``: one row per client; ``shortfall_fen`` is the amount to call on the
last day (max(0, −available)); ``first_*`` the first day at that level or worse."""


@dataclass(frozen=True)
class StressRequest:
    """A scenario to run after ``base_day`` (None: the last settled day)."""

    scenario: Scenario
    base_day: date | None = None
    levels: RiskLevels | None = None
    keep_settlements: bool = False


def scenario_library() -> list[Scenario]:
    """The starter library (``resources/scenarios``)."""
    return library_scenarios()


def run_stress(
    reader: Reader,
    request: StressRequest,
    *,
    cal: TradingCalendar | None = None,
    report: Report | None = None,
) -> StressResult:
    """Run ``request.scenario`` over the whole stored book (a read; writes nothing).

    Raises InputError when no day is settled, the base day is not settled or the
    calendar does not reach the scenario's days; ``SettlementRefusedError`` when the
    book cannot be settled (a held contract without a price).
    """
    calendar = cal or default_calendar()
    scenario = resolve(reader, request.scenario)
    inputs = start_inputs(reader, request.base_day, calendar)
    check_horizon(inputs.prev_day, len(scenario.days), calendar)
    return run_scenario(
        inputs,
        scenario,
        calendar,
        params=DaySettlementParams(calendar=calendar),
        levels=request.levels,
        keep_settlements=request.keep_settlements,
        report=report,
        stored_orders=stored_closing_orders(reader),
    )


def start_inputs(reader: Reader, base_day: date | None, calendar: TradingCalendar) -> DayInputs:
    """The book after ``base_day`` (None: the last settled day) as the next day's daily
    settlement reads it; InputError when no day or not that day is settled."""
    session = reader.session
    base = base_day or latest_balance_day(session)
    if base is None:
        raise InputError("no day is settled yet: settle a day first", field="base day")
    try:
        if not calendar.is_trading_day(base):
            raise InputError(f"{base} is not a trading day", field="base day")
        first = calendar.next_td(base)
        prior_base = calendar.prev_td(base)
    except CalendarHorizonError as exc:
        raise InputError(str(exc), field="base day") from None
    inputs = read_day_inputs(session, first, base, None, prior_base_day=prior_base)
    if inputs.prev_balance_rows == 0:
        raise InputError(f"{base} is not settled (no client balances)", field="base day")
    return inputs


def check_horizon(base: date, days: int, calendar: TradingCalendar) -> None:
    try:
        calendar.add_trading_days(base, days)
    except CalendarHorizonError as exc:
        raise InputError(str(exc), field="base day") from None


def stored_closing_orders(reader: Reader) -> StoredOrders:
    """The book's unfilled closing orders at a limit price (the forced-reduction
    preview's orders, ``risk_queries.closing_orders``) for ``reduction_orders =
    "stored"``."""
    session = reader.session

    def orders(day: date, contract: str, side: str, price_fen: int) -> tuple[list[str], I64]:
        frame = closing_orders(session, contract, day, side=side, price_fen=price_fen)
        codes = [str(x) for x in frame["client_code"]]
        return codes, frame["lots"].to_numpy(dtype=np.int64)

    return orders


def day_table(result: StressResult) -> pd.DataFrame:
    """Per scenario day: accounts per level, total call, Σ member reserve, members
    below zero, lots reduced (2.e) and liquidated (2.f)."""
    rows = []
    for d in result.days:
        counts = d.level_counts()
        rows.append(
            {
                "day": d.day,
                "locked": ", ".join(
                    f"{code} {'↓' if v[0] == 'limit_down' else '↑'}{v[1]}"
                    for code, v in sorted(d.locks.items())
                ),
                **{f"level_{n}": counts[n] for n in LEVEL_NAMES},
                "total_call_fen": d.total_call_fen,
                "reserve_fen": sum(m.reserve_fen for m in d.members),
                "members_below_zero": sum(1 for m in d.members if m.reserve_fen < 0),
                "reduced_lots": d.reduced_lots,
                "liquidated_lots": d.liquidated_lots,
            }
        )
    return pd.DataFrame(rows, columns=list(DAY_COLUMNS))


def member_table(result: StressResult) -> pd.DataFrame:
    """Per day and member: reserve, margin, margin call, opening ban."""
    rows = [
        {
            "day": d.day,
            "member_code": m.member,
            "reserve_fen": m.reserve_fen,
            "margin_fen": m.margin_fen,
            "margin_call_fen": m.margin_call_fen,
            "opening_banned": m.opening_banned,
        }
        for d in result.days
        for m in d.members
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "day",
            "member_code",
            "reserve_fen",
            "margin_fen",
            "margin_call_fen",
            "opening_banned",
        ],
    )


def client_table(result: StressResult) -> pd.DataFrame:
    """Per client: the start and the last day, the worst level, the loss and the first
    day at each of margin call, forced close and deficit."""
    n = len(result.clients)
    if not result.days:
        return pd.DataFrame(columns=list(CLIENT_COLUMNS))
    last = result.days[-1]

    def firsts(level: int) -> pd.Series:
        return pd.Series(result.first_day_at(level), dtype="object")

    return pd.DataFrame(
        {
            "client_code": result.clients,
            "member_code": result.client_member,
            "start_equity_fen": result.start_equity_fen,
            "end_equity_fen": last.equity_fen,
            "end_margin_fen": last.margin_fen,
            "end_available_fen": last.available_fen,
            "end_ratio_ppm": last.ratio_ppm,
            "end_level": last.level.astype(np.int64),
            "worst_level": result.worst_level().astype(np.int64),
            "loss_fen": result.loss_fen(),
            "shortfall_fen": last.call_fen,
            "first_margin_call": firsts(MARGIN_CALL),
            "first_forced_close": firsts(FORCED_CLOSE),
            "first_deficit": firsts(DEFICIT),
        },
        index=pd.RangeIndex(n),
        columns=list(CLIENT_COLUMNS),
    )


def client_path(result: StressResult, client: str) -> pd.DataFrame:
    """One client's path: per day equity, margin, available, ratio, level, call, P&L."""
    try:
        i = result.clients.index(client)
    except ValueError:
        raise InputError(f"no client {client!r} in the book", field="client") from None
    return pd.DataFrame(
        [
            {
                "day": d.day,
                "equity_fen": int(d.equity_fen[i]),
                "margin_fen": int(d.margin_fen[i]),
                "available_fen": int(d.available_fen[i]),
                "ratio_ppm": int(d.ratio_ppm[i]),
                "level": int(d.level[i]),
                "call_fen": int(d.call_fen[i]),
                "pnl_fen": int(d.pnl_fen[i]),
            }
            for d in result.days
        ]
    )


@dataclass(frozen=True)
class StressView:
    """What the Stress screen shows: the base day, the run (None before the first Run)
    and its tables; ``error`` a one-line reason the run could not be made."""

    day: date | None
    result: StressResult | None
    days: pd.DataFrame
    clients: pd.DataFrame
    error: str = ""
    library: tuple[Scenario, ...] = ()
    """The starter and saved scenarios (``stress_library.all_scenarios``)."""
    losses: pd.DataFrame | None = None
    """``loss_histogram`` of the run (None before a run)."""


def stress_view(
    reader: Reader, request: StressRequest | None, progress: ProgressState | None = None
) -> StressView:
    """The screen's load: the base day alone (``request`` None, fast) or the run."""
    base = latest_balance_day(reader.session)
    library = tuple(all_scenarios(reader))
    if request is None:
        return StressView(
            base, None, pd.DataFrame(columns=list(DAY_COLUMNS)), pd.DataFrame(), library=library
        )

    def report(done: int, total: int) -> None:
        if progress is not None:
            progress.report("stress", done, total)

    try:
        result = run_stress(reader, request, report=report)
    except (InputError, SettlementRefusedError) as exc:
        return StressView(
            request.base_day or base,
            None,
            pd.DataFrame(columns=list(DAY_COLUMNS)),
            pd.DataFrame(columns=list(CLIENT_COLUMNS)),
            str(exc),
            library,
        )
    return StressView(
        result.base_day,
        result,
        day_table(result),
        client_table(result),
        library=library,
        losses=loss_histogram(result),
    )


LOSS_BINS = 20
"""Bars of the loss distribution (``loss_histogram``)."""


def loss_histogram(result: StressResult, bins: int = LOSS_BINS) -> pd.DataFrame:
    """The distribution of the clients' losses over the scenario (``loss_fen``: start
    equity − end equity net of deposits; a negative loss is a gain) in ``bins`` bars
    [lower_fen, upper_fen): the first from the least loss and the last to the greatest
    (tails: below the 1st and from the 99th percentile client), the others of equal
    whole-fen width between them, so a few extreme accounts do not squeeze everyone
    into one bar. Exact integers: every client is counted in exactly one bar."""
    loss = np.sort(result.loss_fen())
    if loss.size == 0:
        return pd.DataFrame(columns=["lower_fen", "upper_fen", "clients"])
    lo_all, hi_all = int(loss[0]), int(loss[-1]) + 1
    inner = max(1, bins - 2)
    lo = int(loss[(loss.size - 1) // 100])
    hi = int(loss[(loss.size - 1) * 99 // 100]) + 1
    width = max(1, -(-(hi - lo) // inner))  # ceil: inner × width covers [lo, hi)
    edges = [lo_all, *(lo + width * k for k in range(inner + 1)), hi_all]
    # drop empty tails (no client beyond the percentiles) and keep edges increasing
    edges = sorted({min(max(e, lo_all), hi_all) for e in edges})
    cuts = np.asarray(edges, np.int64)
    counts = np.diff(np.searchsorted(loss, cuts, side="left"))
    return pd.DataFrame(
        {"lower_fen": cuts[:-1], "upper_fen": cuts[1:], "clients": counts.astype(np.int64)}
    )
