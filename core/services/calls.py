"""Margin calls (追加保证金), after settlement and intraday: reads.

``settled_calls`` reads the stored client balances of a settled day; ``intraday_calls``
takes a live ``RiskSnapshot`` (the live monitor's, no database). Both run the one rule,
``core.rules.margin_calls.margin_calls``, and return a ``CallList``: every client at
margin call or worse (the full list, never a top-N), the total to call, the accounts per
level and the deadline. A screen calls them directly (a Reader from
``Database.reader()``, or the snapshot it already shows); they write nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import numpy as np
import pandas as pd

from core.db.call_queries import latest_balance_day
from core.db.queries import accounts_frame
from core.db.reader import Reader
from core.errors import InputError
from core.live.snapshot import RiskSnapshot
from core.money import exact_sum
from core.rules.call_deadline import CallDeadline, default_call_deadline
from core.rules.margin_calls import CallSettings, default_call_settings, margin_calls
from core.rules.risk_levels import (
    LEVEL_NAMES,
    MARGIN_CALL,
    RiskLevels,
    default_risk_levels,
)
from core.trading_calendar import TradingCalendar, default_calendar

Basis = Literal["settled", "intraday"]

CALL_COLUMNS = (
    "client_code",
    "client_name",
    "member_code",
    "level",
    "level_name",
    "equity_fen",
    "margin_fen",
    "available_fen",
    "risk_ratio_ppm",
    "to_available_fen",
    "to_ratio_fen",
    "call_fen",
)
"""Columns of ``CallList.calls``: level is the ``core.rules.risk_levels`` code; equity is
the day's balance (settled) or the dynamic equity (intraday); to_available / to_ratio
are the two requirements (0 where the setting does not ask for one); call is the amount
to call (the larger)."""


@dataclass(frozen=True)
class CallRequest:
    """What to list: clients at ``min_level`` or worse (default margin call); the day
    (settled lists; None = the last settled day); the settings (None = the shipped
    ones: the call target, the deadline rule of ``core.rules.call_deadline``, the
    risk levels)."""

    day: date | None = None
    min_level: int = MARGIN_CALL
    settings: CallSettings | None = None
    deadline: CallDeadline | None = None
    levels: RiskLevels | None = None


@dataclass(frozen=True)
class CallList:
    """A call list; money in fen.

    ``calls`` (``CALL_COLUMNS``): every client at ``min_level`` or worse, most severe
    level first, then the largest call, then client code. ``counts``: all accounts per
    level name (zeros included). ``total_call_fen``: Σ call over ``calls``.
    ``deadline``: when the calls fall due (Asia/Shanghai).
    """

    basis: Basis
    trading_day: date
    deadline: datetime
    settings: CallSettings
    levels: RiskLevels
    min_level: int
    calls: pd.DataFrame
    counts: dict[str, int]
    accounts: int
    total_call_fen: int

    @property
    def called(self) -> int:
        """Clients on the list with a positive amount to call."""
        return int((self.calls["call_fen"] > 0).sum())


def build_call_list(
    basis: Basis,
    day: date,
    codes: np.ndarray,
    names: np.ndarray | None,
    members: np.ndarray | None,
    margin: np.ndarray,
    equity: np.ndarray,
    available: np.ndarray,
    request: CallRequest,
    calendar: TradingCalendar | None,
) -> CallList:
    """The call list of clients given as columns (one row each; codes sorted for a
    stable order): the one rule, then the frame, counts and deadline."""
    levels = request.levels or default_risk_levels()
    settings = request.settings or default_call_settings()
    if not 0 <= request.min_level < len(LEVEL_NAMES):
        raise InputError(f"unknown risk level {request.min_level}")
    arrays = margin_calls(margin, equity, available, levels=levels, settings=settings)
    rows = np.flatnonzero(arrays.level >= request.min_level)
    # most severe first, then the largest call, then client code (codes are sorted)
    rows = rows[np.lexsort((rows, -arrays.call_fen[rows], -arrays.level[rows]))]
    blank = np.full(rows.size, "", dtype=object)
    frame = pd.DataFrame(
        {
            "client_code": codes[rows],
            "client_name": blank if names is None else names[rows],
            "member_code": blank if members is None else members[rows],
            "level": arrays.level[rows],
            "level_name": np.asarray(LEVEL_NAMES, dtype=object)[arrays.level[rows]],
            "equity_fen": equity[rows],
            "margin_fen": margin[rows],
            "available_fen": available[rows],
            "risk_ratio_ppm": arrays.ratio_ppm[rows],
            "to_available_fen": arrays.to_available_fen[rows],
            "to_ratio_fen": arrays.to_ratio_fen[rows],
            "call_fen": arrays.call_fen[rows],
        },
        columns=list(CALL_COLUMNS),
    )
    return CallList(
        basis=basis,
        trading_day=day,
        deadline=(request.deadline or default_call_deadline()).due_at(
            day, calendar or default_calendar()
        ),
        settings=settings,
        levels=levels,
        min_level=request.min_level,
        calls=frame.reset_index(drop=True),
        counts=levels.counts(arrays.level),
        accounts=int(margin.size),
        total_call_fen=exact_sum(arrays.call_fen[rows]),
    )


def settled_calls(
    reader: Reader, request: CallRequest | None = None, calendar: TradingCalendar | None = None
) -> CallList:
    """The call list after the settlement of ``request.day`` (default: the last settled
    day), from the stored client balances as the Accounts screen reads them
    (``core.db.queries.accounts_frame``): equity = the day's balance, available = the
    stored available funds. Due before the next trading day opens (the setting). A read.
    Raises InputError when no day is settled or the day has no balances.
    """
    req = request or CallRequest()
    session = reader.session
    day = req.day or latest_balance_day(session)
    if day is None:
        raise InputError("no settled day: run a settlement or 'riskdesk demo' first")
    # the Accounts screen's frame: the call list lists the very figures it shows
    frame = accounts_frame(session, day, req.levels)
    if frame.empty:
        raise InputError(f"no client balances on {day}: that day is not settled")
    return calls_from_accounts(day, frame, req, calendar)


def calls_from_accounts(
    day: date,
    frame: pd.DataFrame,
    request: CallRequest | None = None,
    calendar: TradingCalendar | None = None,
) -> CallList:
    """The settled call list of ``day`` from its Accounts frame
    (``core.db.queries.accounts_frame``, read with the same risk levels): what
    ``settled_calls`` does after its read. The Overview, which reads that frame already,
    calls it so that its call card and the call list are one computation."""
    req = request or CallRequest()
    return build_call_list(
        "settled",
        day,
        frame["client_code"].to_numpy(dtype=object),
        frame["client_name"].to_numpy(dtype=object),
        frame["member_code"].to_numpy(dtype=object),
        frame["margin_fen"].to_numpy(dtype=np.int64),
        frame["balance_fen"].to_numpy(dtype=np.int64),
        frame["available_fen"].to_numpy(dtype=np.int64),
        req,
        calendar,
    )


def intraday_calls(
    snapshot: RiskSnapshot,
    request: CallRequest | None = None,
    calendar: TradingCalendar | None = None,
) -> CallList:
    """The call list of a live snapshot: equity = the dynamic equity, available = the
    intraday available funds (with the engine's floating-loss option), as the engine
    classifies them. Due before the next trading day opens. Any thread; no database.
    Raises InputError for a snapshot without a trading day.
    """
    req = request or CallRequest()
    if snapshot.trading_day is None:
        raise InputError("the live snapshot has no trading day yet")
    acc = snapshot.accounts
    codes = np.asarray(list(acc.keys), dtype=object)
    return build_call_list(
        "intraday",
        snapshot.trading_day,
        codes,
        None,
        None,
        np.asarray(acc["margin_fen"], dtype=np.int64),
        np.asarray(acc["dynamic_equity_fen"], dtype=np.int64),
        np.asarray(acc["available_fen"], dtype=np.int64),
        req,
        calendar,
    )
