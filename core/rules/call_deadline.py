"""Deadline of a margin call: the firm's setting and the moment it names.

The futures law (2022, art. 39) and the client's brokerage contract let the firm call
for margin and close positions when the client does not pay "within the agreed time";
the agreed time is the firm's choice. RiskDesk's default is the opening of the next
trading day (09:00 exchange time), set in ``resources/risk_params.toml``
[margin_call]: ``deadline_trading_days`` (1 = the next trading day) and
``deadline_time`` (HH:MM, exchange time). Holidays come from the trading calendar, so
a call made on the Friday before the National Day week falls due on the first trading
day after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

from core.errors import ConfigError
from core.rules.params import load_param_section
from core.trading_calendar import EXCHANGE_TZ, TradingCalendar, default_calendar

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class CallDeadline:
    """The firm's margin-call deadline: ``trading_days`` after the settled day, at
    ``at_time`` (exchange time)."""

    trading_days: int = 1
    at_time: time = time(9, 0)

    def __post_init__(self) -> None:
        if self.trading_days < 1:
            raise ValueError(f"the deadline must be a later trading day, got {self.trading_days}")

    def due_at(self, day: date, calendar: TradingCalendar | None = None) -> datetime:
        """The deadline of a call made on the settlement of trading day ``day``:
        timezone-aware, exchange time. Raises CalendarHorizonError past the calendar."""
        cal = calendar or default_calendar()
        due_day = cal.add_trading_days(day, self.trading_days)
        return datetime.combine(due_day, self.at_time, tzinfo=EXCHANGE_TZ)


def load_call_deadline(path: Path | None = None) -> CallDeadline:
    """The [margin_call] section of ``risk_params.toml`` (defaults where a key is absent).

    Raises ConfigError naming the key for a bad value.
    """
    sec = load_param_section("margin_call", path)
    days, at = CallDeadline.trading_days, CallDeadline.at_time
    if "deadline_trading_days" in sec:
        value = sec["deadline_trading_days"][0]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(
                "risk_params.toml: margin_call.deadline_trading_days: "
                f"{value!r} must be a whole number ≥ 1"
            )
        days = value
    if "deadline_time" in sec:
        text = sec["deadline_time"][0]
        match = _HHMM.match(text) if isinstance(text, str) else None
        if match is None:
            raise ConfigError(f"risk_params.toml: margin_call.deadline_time: {text!r} is not HH:MM")
        at = time(int(match[1]), int(match[2]))
    return CallDeadline(trading_days=days, at_time=at)


@lru_cache(maxsize=1)
def default_call_deadline() -> CallDeadline:
    """The shipped setting (read once)."""
    return load_call_deadline()
