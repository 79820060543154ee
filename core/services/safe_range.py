"""Safe price ranges over the stored book (issue 16 item 4): a read.

``safe_range_result(reader, SafeRangeRequest(base_day, contracts))`` reads the book
after a settled base day (default: the last) exactly as the daily settlement of the
next trading day reads it (``read_day_inputs``, as ``core.services.stress`` does) and
finds each contract's safe range with ``core.rules.safe_range`` (the settlement's own
rule functions). ``range_table`` turns the result into the table the Stress screen and
``riskdesk stress --safe-range`` show (money and prices in fen, moves in ppm of S).
Nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from core.db.call_queries import latest_balance_day
from core.db.day_inputs import read_day_inputs
from core.db.reader import Reader
from core.errors import CalendarHorizonError, InputError
from core.progress import ProgressState
from core.rules.daily_settlement import DaySettlementParams, SettlementRefusedError
from core.rules.day_inputs import DayInputs
from core.rules.safe_range import SafeEnd, SafeRanges, safe_range_day, safe_ranges
from core.trading_calendar import TradingCalendar, default_calendar

Report = Callable[[int, int], None]
PPM = 1_000_000

RANGE_COLUMNS = (
    "contract",
    "product",
    "settle_fen",
    "tick_fen",
    "lower_limit_fen",
    "upper_limit_fen",
    "clients",
    "below_zero",
    "lower_fen",
    "lower_ticks",
    "lower_ppm",
    "lower_client",
    "lower_binding",
    "upper_fen",
    "upper_ticks",
    "upper_ppm",
    "upper_client",
    "upper_binding",
    "member_lower_fen",
    "member_lower_ticks",
    "member_lower_ppm",
    "member_lower_member",
    "member_upper_fen",
    "member_upper_ticks",
    "member_upper_ppm",
    "member_upper_member",
    "members_below_zero",
    "inside_limits",
)
"""``range_table``: one row per contract. ``*_fen``/``*_ticks``/``*_ppm``: the last safe
price, its ticks from S and its move from S in ppm (truncated towards zero); missing
(NA) where no price on that side makes anyone fall below zero. ``*_client`` /
``*_member``: the binding account with the lowest funds one tick beyond, ``*_binding``
how many bind. ``below_zero``: clients holding the contract already below zero at S.
``inside_limits``: the clients' safe range is narrower than the day's limit band (one
limit move makes a client's funds negative)."""


@dataclass(frozen=True)
class SafeRangeRequest:
    """The contracts (None: every one with a price) after ``base_day`` (None: the last
    settled day)."""

    base_day: date | None = None
    contracts: tuple[str, ...] | None = None


def start_inputs(reader: Reader, base_day: date | None, cal: TradingCalendar) -> DayInputs:
    """The inputs of the trading day after ``base_day`` (default: the last settled day)
    as the daily settlement reads them. InputError (field "base day") when nothing is
    settled, the day is not a trading day or not settled, or the calendar ends."""
    session = reader.session
    base = base_day or latest_balance_day(session)
    if base is None:
        raise InputError("no day is settled yet: settle a day first", field="base day")
    try:
        if not cal.is_trading_day(base):
            raise InputError(f"{base} is not a trading day", field="base day")
        first, prior = cal.next_td(base), cal.prev_td(base)
    except CalendarHorizonError as exc:
        raise InputError(str(exc), field="base day") from None
    inputs = read_day_inputs(session, first, base, None, prior_base_day=prior)
    if inputs.prev_balance_rows == 0:
        raise InputError(f"{base} is not settled (no client balances)", field="base day")
    return inputs


def safe_range_result(
    reader: Reader,
    request: SafeRangeRequest,
    *,
    cal: TradingCalendar | None = None,
    report: Report | None = None,
) -> SafeRanges:
    """Every asked contract's safe range after the base day (a read).

    Raises InputError for a day that cannot be used (``start_inputs``) or an unknown
    contract (field "contract"); ``SettlementRefusedError`` when the book cannot be
    settled (a held contract without a price).
    """
    calendar = cal or default_calendar()
    start = start_inputs(reader, request.base_day, calendar)
    if request.contracts is not None:
        known = start.contract_index
        for code in request.contracts:
            if code not in known:
                raise InputError(f"no contract {code!r}", field="contract")
    prepared = safe_range_day(start, DaySettlementParams(calendar=calendar), calendar)
    return safe_ranges(prepared, contracts=request.contracts, report=report)


def move_ppm(price_fen: int, settle_fen: int) -> int:
    """(price − S) ÷ S in ppm, truncated towards zero (a safe move is never overstated)."""
    diff = price_fen - settle_fen
    magnitude = abs(diff) * PPM // settle_fen
    return magnitude if diff >= 0 else -magnitude


def move_text(ppm: int) -> str:
    """A move in ppm of S as "+2.52%" / "-2.52%": hundredths of a percent, truncated
    towards zero (as ``move_ppm``), with its sign."""
    whole, rest = divmod(abs(ppm) // 100, 100)
    sign = "-" if ppm < 0 else "+" if ppm > 0 else ""
    return f"{sign}{whole:,}.{rest:02d}%"


def _end(prefix: str, end: SafeEnd, settle_fen: int, who: str) -> dict[str, object]:
    bounded = end.price_fen is not None
    return {
        f"{prefix}_fen": end.price_fen,
        f"{prefix}_ticks": end.ticks,
        f"{prefix}_ppm": move_ppm(end.price_fen, settle_fen) if end.price_fen is not None else None,
        f"{prefix}_{who}": end.binding[0] if bounded and end.binding else "",
        **({f"{prefix}_binding": len(end.binding)} if who == "client" else {}),
    }


def range_table(result: SafeRanges) -> pd.DataFrame:
    """One row per contract (``RANGE_COLUMNS``)."""
    rows = []
    for r in result.contracts:
        lower_in = r.lower.price_fen is not None and r.lower.price_fen > r.lower_limit_fen
        upper_in = r.upper.price_fen is not None and r.upper.price_fen < r.upper_limit_fen
        rows.append(
            {
                "contract": r.contract,
                "product": r.product,
                "settle_fen": r.settle_fen,
                "tick_fen": r.tick_fen,
                "lower_limit_fen": r.lower_limit_fen,
                "upper_limit_fen": r.upper_limit_fen,
                "clients": r.clients,
                "below_zero": len(r.below_zero),
                **_end("lower", r.lower, r.settle_fen, "client"),
                **_end("upper", r.upper, r.settle_fen, "client"),
                **_end("member_lower", r.member_lower, r.settle_fen, "member"),
                **_end("member_upper", r.member_upper, r.settle_fen, "member"),
                "members_below_zero": len(r.members_below_zero),
                "inside_limits": lower_in or upper_in,
            }
        )
    frame = pd.DataFrame(rows, columns=list(RANGE_COLUMNS))
    for column in RANGE_COLUMNS:
        if column.endswith(("_fen", "_ticks", "_ppm", "_binding")) or column in (
            "clients",
            "below_zero",
            "members_below_zero",
        ):
            frame[column] = frame[column].astype("Int64")
    frame["inside_limits"] = frame["inside_limits"].astype(bool)
    return frame


@dataclass(frozen=True)
class SafeRangeView:
    """What the Stress screen's safe-range table shows: the base day, the result (None
    before the first computation) and its table; ``error`` a one-line reason."""

    day: date | None
    result: SafeRanges | None
    table: pd.DataFrame
    error: str = ""


def safe_range_view(
    reader: Reader, request: SafeRangeRequest, progress: ProgressState | None = None
) -> SafeRangeView:
    """The screen's load: every contract's safe range (on a worker, with progress)."""

    def report(done: int, total: int) -> None:
        if progress is not None:
            progress.report("safe range", done, total)

    try:
        result = safe_range_result(reader, request, report=report)
    except (InputError, SettlementRefusedError) as exc:
        return SafeRangeView(
            request.base_day or latest_balance_day(reader.session),
            None,
            pd.DataFrame(columns=list(RANGE_COLUMNS)),
            str(exc),
        )
    return SafeRangeView(result.base_day, result, range_table(result))
