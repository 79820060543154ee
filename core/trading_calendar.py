"""DCE trading days: the Shanghai Stock Exchange calendar (exchange_calendars' XSHG).

DCE trades on the Shanghai exchange calendar: weekends and Chinese public holidays are
closed, and adjusted weekend working days are *not* trading days. The calendar package
knows holidays only up to a horizon (XSHG: end of 2026 at the time of writing). Dates past
it are refused with ``CalendarHorizonError`` unless ``resources/calendar.toml`` extends the
calendar from an exchange notice: a date is never silently treated as a trading day.

Night sessions belong to the next trading day (spec 2.0); callers pass trading days.
"""

from __future__ import annotations

import tomllib
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from core.errors import CalendarHorizonError, ConfigError
from core.resources import resource

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

EXCHANGE_TZ = ZoneInfo("Asia/Shanghai")
"""Exchange time (Beijing time, UTC+8 all year): sessions, deadlines."""


def _to_day(d: date) -> int:
    """Days since 1970-01-01 (pure Python: calendar queries run thousands of times)."""
    return d.toordinal() - _EPOCH_ORDINAL


def _from_day(n: int | np.integer) -> date:
    return date.fromordinal(int(n) + _EPOCH_ORDINAL)


@dataclass(frozen=True)
class Closure:
    """One exchange-announced non-trading day added on top of the calendar package."""

    day: date
    note: str


class TradingCalendar:
    """Sorted trading days between ``known_from`` and ``known_until`` (inclusive).

    All queries are O(log n) on an int array of day numbers. Thread-safe (immutable).
    """

    def __init__(
        self,
        sessions: Iterable[date],
        *,
        known_from: date,
        known_until: date,
        name: str = "XSHG",
    ) -> None:
        days = sorted({_to_day(d) for d in sessions})
        self._days: npt.NDArray[np.int64] = np.array(days, dtype=np.int64)
        self.known_from = known_from
        self.known_until = known_until
        self.name = name

    # ------------------------------------------------------------------ guards
    def _check(self, d: date) -> int:
        if d > self.known_until:
            raise CalendarHorizonError(
                f"{d.isoformat()} is beyond the trading calendar ({self.name} is known "
                f"to {self.known_until.isoformat()}); enter the exchange's closures "
                "for that period in resources/calendar.toml [extension]"
            )
        if d < self.known_from:
            raise CalendarHorizonError(
                f"{d.isoformat()} is before the trading calendar "
                f"(known from {self.known_from.isoformat()})"
            )
        return _to_day(d)

    # ------------------------------------------------------------------ queries
    def is_trading_day(self, d: date) -> bool:
        n = self._check(d)
        i = int(np.searchsorted(self._days, n))
        return i < len(self._days) and int(self._days[i]) == n

    def next_td(self, d: date) -> date:
        """The first trading day strictly after ``d``."""
        n = self._check(d)
        i = int(np.searchsorted(self._days, n, side="right"))
        if i >= len(self._days):
            raise CalendarHorizonError(
                f"the trading day after {d.isoformat()} is beyond the trading calendar "
                f"(known to {self.known_until.isoformat()})"
            )
        return _from_day(self._days[i])

    def prev_td(self, d: date) -> date:
        """The last trading day strictly before ``d``."""
        n = self._check(d)
        i = int(np.searchsorted(self._days, n, side="left"))
        if i == 0:
            raise CalendarHorizonError(
                f"the trading day before {d.isoformat()} is before the trading calendar"
            )
        return _from_day(self._days[i - 1])

    def add_trading_days(self, d: date, n: int) -> date:
        """The trading day ``n`` trading days after (n > 0) or before (n < 0) ``d``.

        ``d`` itself need not be a trading day; ``n == 0`` returns ``d`` if it trades.
        """
        self._check(d)
        key = _to_day(d)
        if n >= 0:
            i = int(np.searchsorted(self._days, key, side="left"))
            if n == 0:
                if i < len(self._days) and int(self._days[i]) == key:
                    return d
                raise ValueError(f"{d.isoformat()} is not a trading day")
            if i < len(self._days) and int(self._days[i]) == key:
                i += n
            else:
                i += n - 1
        else:
            i = int(np.searchsorted(self._days, key, side="right")) - 1
            if i >= 0 and int(self._days[i]) == key:
                i += n
            else:
                i += n + 1
        if i < 0 or i >= len(self._days):
            raise CalendarHorizonError(
                f"{n:+d} trading days from {d.isoformat()} leaves the trading calendar "
                f"({self.known_from.isoformat()} to {self.known_until.isoformat()})"
            )
        return _from_day(self._days[i])

    def trading_days(self, start: date, end: date) -> list[date]:
        """Trading days in [start, end], both inclusive."""
        a, b = self._check(start), self._check(end)
        i = int(np.searchsorted(self._days, a, side="left"))
        j = int(np.searchsorted(self._days, b, side="right"))
        return [_from_day(x) for x in self._days[i:j]]

    def month_trading_days(self, year: int, month: int) -> list[date]:
        first = date(year, month, 1)
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        return self.trading_days(first, nxt - timedelta(days=1))

    def nth_trading_day(self, year: int, month: int, n: int) -> date | None:
        """The n-th (1-based) trading day of a month; None if the month has fewer."""
        days = self.month_trading_days(year, month)
        return days[n - 1] if 1 <= n <= len(days) else None

    def last_trading_day(self, year: int, month: int) -> date:
        days = self.month_trading_days(year, month)
        if not days:
            raise CalendarHorizonError(f"{year}-{month:02d} has no trading day")
        return days[-1]

    def day_numbers(self) -> npt.NDArray[np.int64]:
        """All trading days as int64 days since 1970-01-01 (read-only view)."""
        view = self._days.view()
        view.flags.writeable = False
        return view


def _parse_date(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(f"{where}: expected a date YYYY-MM-DD, got {value!r}")


def build_calendar(config_path: Path | None = None) -> TradingCalendar:
    """XSHG sessions plus the closures and extension of ``resources/calendar.toml``."""
    import exchange_calendars as xc  # slow import (~0.5 s): keep it off module import

    path = config_path or resource("calendar.toml")
    try:
        cfg = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the calendar settings: {exc}") from exc

    start = _parse_date(cfg.get("start", "2006-01-04"), f"{path}: start")
    with warnings.catch_warnings():
        # exchange_calendars 4.x trips a pandas 3.1 deprecation internally; not ours to fix.
        warnings.simplefilter("ignore", category=FutureWarning)
        warnings.simplefilter("ignore", category=DeprecationWarning)
        cal = xc.get_calendar("XSHG", start=start.isoformat())
        package_until: date = cal.last_session.date()
        sessions = {ts.date() for ts in cal.sessions}

    closures = [
        Closure(
            _parse_date(c.get("date"), f"{path}: closures[{i}].date"),
            str(c.get("note", "")),
        )
        for i, c in enumerate(cfg.get("closures", []))
    ]
    known_until = package_until
    ext = cfg.get("extension", {})
    if ext.get("until"):
        ext_until = _parse_date(ext["until"], f"{path}: extension.until")
        if ext_until > package_until:
            # Weekdays after the package horizon are trading days except the closures
            # the exchange announced; entering ``until`` asserts they are all listed.
            d = package_until + timedelta(days=1)
            while d <= ext_until:
                if d.weekday() < 5:
                    sessions.add(d)
                d += timedelta(days=1)
            known_until = ext_until
    for c in closures:
        sessions.discard(c.day)
    return TradingCalendar(sessions, known_from=start, known_until=known_until)


@lru_cache(maxsize=1)
def default_calendar() -> TradingCalendar:
    """The process-wide calendar (built once; immutable)."""
    return build_calendar()
