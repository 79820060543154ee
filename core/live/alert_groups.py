"""Alerts grouped by what they are about (an account, else a contract or a receipt), with
counts, kept up to date as alerts are raised and acknowledged; and the trading day and
session of an alert's time.

A desk with 24,000 unacknowledged alerts reads them per account: how many are open,
how many critical, the newest. ``AlertGroups`` keeps those counts incrementally (the
monitor raises alerts four times a second), so a group view never rescans the list.

DCE trades a night session (21:00–23:00 exchange time) that belongs to the *next*
trading day: an alert at 21:05 on Friday 20 November is on the trading day of Monday
23 November. ``trading_session`` says which, so that alert times are read next to the
trading day the monitor shows, not the calendar date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

from core.live.alerts import Alert
from core.trading_calendar import EXCHANGE_TZ, TradingCalendar

NIGHT_STARTS = time(20, 0)
"""From here on an exchange-time clock is in the night session (call auction 20:55)."""
Session = Literal["day", "night"]


def trading_session(at: datetime, calendar: TradingCalendar) -> tuple[date, Session]:
    """The trading day and session of the moment ``at`` (timezone-aware): the night
    session belongs to the next trading day; a moment on a closed day to the next one."""
    local = at.astimezone(EXCHANGE_TZ)
    day = local.date()
    if local.time() >= NIGHT_STARTS:
        return calendar.next_td(day), "night"
    if calendar.is_trading_day(day):
        return day, "day"
    return calendar.next_td(day), "day"


def group_key(alert: Alert) -> str:
    """What an alert is about: its account, else its contract, else its receipt."""
    return alert.account or alert.contract or alert.receipt or ""


@dataclass
class AlertGroup:
    """The alerts about one account (or contract, or receipt)."""

    key: str
    total: int = 0
    open: int = 0
    """Unacknowledged."""
    critical: int = 0
    """Unacknowledged and critical."""
    latest: Alert | None = None
    """The newest alert (acknowledged or not)."""

    @property
    def is_account(self) -> bool:
        return self.latest is not None and self.latest.account == self.key


class AlertGroups:
    """Groups by ``group_key`` with their counts, updated per raised alert and per
    acknowledgement (each alert id counted once)."""

    def __init__(self) -> None:
        self._groups: dict[str, AlertGroup] = {}
        self._alerts: dict[int, Alert] = {}
        self._acknowledged: set[int] = set()
        self._ids: dict[str, list[int]] = {}
        self._rank: dict[str, tuple[int, int, float, str]] = {}
        """Each group's sort key (``ordered``), kept as its counts change: sorting reads
        it, never recomputes it (a desk holds tens of thousands of groups)."""
        self._sorted: list[str] = []
        """The group keys in the last order: sorting again from it touches only the
        few groups that moved (timsort on a nearly sorted list)."""
        self._order: list[AlertGroup] | None = None
        """The last ``ordered()`` list while nothing has changed since."""

    def __len__(self) -> int:
        return len(self._groups)

    def clear(self) -> None:
        self._groups.clear()
        self._alerts.clear()
        self._acknowledged.clear()
        self._ids.clear()
        self._rank.clear()
        self._sorted.clear()
        self._order = None

    def _ranked(self, changed: set[str]) -> set[str]:
        """Refresh the sort keys of the ``changed`` groups (and forget the last order)."""
        for key in changed:
            g = self._groups[key]
            latest = g.latest.at.timestamp() if g.latest is not None else 0.0
            if key not in self._rank:
                self._sorted.append(key)
            self._rank[key] = (-g.critical, -g.open, -latest, key)
        if changed:
            self._order = None
        return changed

    def add(self, alerts: Iterable[Alert]) -> set[str]:
        """Count newly raised ``alerts``; the keys of the groups that changed."""
        changed: set[str] = set()
        for a in alerts:
            if a.alert_id in self._alerts:
                continue
            self._alerts[a.alert_id] = a
            key = group_key(a)
            group = self._groups.get(key)
            if group is None:
                group = self._groups[key] = AlertGroup(key)
                self._ids[key] = []
            self._ids[key].append(a.alert_id)
            group.total += 1
            group.open += 1
            group.critical += a.severity == "critical"
            if group.latest is None or (a.at, a.alert_id) >= (
                group.latest.at,
                group.latest.alert_id,
            ):
                group.latest = a
            changed.add(key)
        return self._ranked(changed)

    def acknowledge(self, alert_ids: Iterable[int]) -> set[str]:
        """Count ``alert_ids`` as acknowledged (again: no change); the changed keys."""
        changed: set[str] = set()
        for alert_id in alert_ids:
            a = self._alerts.get(alert_id)
            if a is None or alert_id in self._acknowledged:
                continue
            self._acknowledged.add(alert_id)
            group = self._groups[group_key(a)]
            group.open -= 1
            group.critical -= a.severity == "critical"
            changed.add(group.key)
        return self._ranked(changed)

    def group(self, key: str) -> AlertGroup | None:
        return self._groups.get(key)

    def ordered(self) -> list[AlertGroup]:
        """Groups worst first: most open critical alerts, then most open alerts, then
        the newest; groups with nothing open last. Sorted by the kept keys, and only
        when a group changed since the last call (the monitor asks four times a
        second); a new list each time, so a caller may keep it."""
        if self._order is None:
            self._sorted.sort(key=self._rank.__getitem__)
            groups = self._groups
            self._order = [groups[k] for k in self._sorted]
        return list(self._order)

    def open_ids(self, key: str) -> list[int]:
        """The unacknowledged alert ids of the group ``key`` (to acknowledge it whole)."""
        return [i for i in self._ids.get(key, ()) if i not in self._acknowledged]
