"""Live alerts: rules over RiskSnapshots → Alert records, deduplicated, acknowledgeable.

Rules (levels are settings, docs/live-monitor.md):

* ``risk_ratio``: an account's risk ratio crosses a level upwards (default 80 %, 100 %);
* ``negative_available``: available funds fall below zero (spec 2.c);
* ``position_limit``: a speculative line reaches 80 % of its client limit (spec 2.g);
* ``limit_lock``: a contract's last price sits at its upper or lower limit;
* ``receipt_expiry``: a warehouse receipt's deadline (given by the caller) is near.

Each condition raises one alert when it becomes true and re-arms when it is false again,
so an account oscillating around 80 % raises once per upward crossing, never per tick.
``AlertMonitor`` is not thread-safe: call it from one thread (the feed runner's, right
after ``engine.apply``, or the GUI's timer). ``core.services.alerts`` stores alerts and
acknowledgements through the write door.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt

from core.live.feed import DCE_TZ
from core.live.snapshot import RiskSnapshot
from core.money import format_yuan

AlertKind = Literal[
    "risk_ratio", "negative_available", "position_limit", "limit_lock", "receipt_expiry"
]
Severity = Literal["warning", "critical"]


@dataclass(frozen=True, slots=True)
class Alert:
    """One raised alert. ``threshold_ppm`` is the crossed level where one applies."""

    alert_id: int
    at: datetime
    kind: AlertKind
    severity: Severity
    message: str
    account: str | None = None
    contract: str | None = None
    receipt: str | None = None
    threshold_ppm: int | None = None


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    alert_id: int
    user: str
    at: datetime


@dataclass(frozen=True)
class AlertSettings:
    """Alert levels; ppm: 800_000 = 80 %."""

    risk_ratio_levels_ppm: tuple[int, ...] = (800_000, 1_000_000)
    critical_from_ppm: int = 1_000_000
    position_limit_warn_ppm: int = 800_000
    receipt_warn_before: timedelta = timedelta(days=3)
    rearm_gap_ppm: int = 50_000
    """A risk-ratio or position-limit alert fires again only after the value has fallen
    this far below its level (5 percentage points): without the gap, an account hovering
    around 80 % raises an alert on every tick and buries the ones that matter."""


def _pct(ppm: int) -> str:
    return f"{ppm / 10_000:.2f} %"


@dataclass
class _Armed:
    """One re-arming condition over rows: True where an alert may be raised."""

    armed: npt.NDArray[np.bool_] = field(default_factory=lambda: np.ones(0, dtype=bool))

    def crossings(
        self,
        rows: npt.NDArray[np.intp],
        cond: npt.NDArray[np.bool_],
        n: int,
        rearm: npt.NDArray[np.bool_] | None = None,
    ) -> npt.NDArray[np.intp]:
        """Rows (of ``rows``) where ``cond`` became true; updates the arming state.

        A row that fired is disarmed until ``rearm`` holds for it (default: as soon as
        ``cond`` is false again)."""
        if len(self.armed) < n:
            grown = np.ones(n, dtype=bool)
            grown[: len(self.armed)] = self.armed
            self.armed = grown
        armed = self.armed[rows]
        fire = rows[cond & armed]
        back = ~cond if rearm is None else rearm
        self.armed[rows] = np.where(cond, False, armed | back)
        return fire


class AlertMonitor:
    """Evaluates snapshots, keeps the alerts raised today and their acknowledgements."""

    def __init__(self, settings: AlertSettings | None = None) -> None:
        self.settings = settings or AlertSettings()
        self._levels = {lv: _Armed() for lv in self.settings.risk_ratio_levels_ppm}
        self._negative = _Armed()
        self._limit = _Armed()
        self._lock = _Armed()
        self._receipts_seen: set[tuple[str, datetime]] = set()
        self._alerts: list[Alert] = []
        self._acks: dict[int, Acknowledgement] = {}
        self._critical = 0  # raised critical alerts
        self._critical_acked = 0  # of which acknowledged
        self._seen_seq = -1
        self._seen_keys: object = None

    @property
    def alerts(self) -> tuple[Alert, ...]:
        return tuple(self._alerts)

    @property
    def acknowledgements(self) -> tuple[Acknowledgement, ...]:
        return tuple(self._acks.values())

    def unacknowledged(self) -> list[Alert]:
        return [a for a in self._alerts if a.alert_id not in self._acks]

    @property
    def count(self) -> int:
        """Alerts raised today (without copying them, as ``alerts`` does)."""
        return len(self._alerts)

    def open_counts(self) -> tuple[int, int]:
        """(unacknowledged, unacknowledged critical), kept as alerts come and go: a
        status line asks every tick, and a large book raises ~24,000 alerts a day."""
        return len(self._alerts) - len(self._acks), self._critical - self._critical_acked

    def acknowledge(self, alert_id: int, user: str, at: datetime) -> Acknowledgement:
        """Record that ``user`` saw alert ``alert_id``; the first acknowledgement wins.

        Raises KeyError for an unknown alert id.
        """
        if not 1 <= alert_id <= len(self._alerts):
            raise KeyError(f"no alert {alert_id}")
        if alert_id not in self._acks and self._alerts[alert_id - 1].severity == "critical":
            self._critical_acked += 1
        return self._acks.setdefault(alert_id, Acknowledgement(alert_id, user, at))

    def evaluate(
        self,
        snap: RiskSnapshot,
        receipts: Iterable[tuple[str, date | datetime]] = (),
    ) -> list[Alert]:
        """New alerts raised by ``snap`` and by receipt deadlines, in a stable order.

        Only rows changed since the last evaluated snapshot are examined when the row
        set is unchanged, so a quiet tick costs almost nothing.
        """
        new: list[Alert] = []
        at = snap.as_of
        acc, pos, con = snap.accounts, snap.positions, snap.contracts
        incremental = self._seen_keys is acc.keys and self._seen_seq >= 0
        since = self._seen_seq if incremental else -1
        self._seen_seq, self._seen_keys = snap.seq, acc.keys

        rows = acc.rows_changed_since(since) if incremental else np.arange(acc.row_count)
        ratio = acc["risk_ratio_ppm"][rows]
        gap = self.settings.rearm_gap_ppm
        for level, armed in self._levels.items():
            crossed = armed.crossings(rows, ratio >= level, acc.row_count, ratio < level - gap)
            for r in crossed.tolist():
                sev: Severity = (
                    "critical" if level >= self.settings.critical_from_ppm else "warning"
                )
                value = int(acc["risk_ratio_ppm"][r])
                new.append(
                    self._raise(
                        at,
                        "risk_ratio",
                        sev,
                        f"risk ratio {_pct(value)} crossed {_pct(level)}",
                        account=str(acc.keys[r]),
                        threshold_ppm=level,
                    )
                )
        avail = acc["available_fen"][rows]
        for r in self._negative.crossings(rows, avail < 0, acc.row_count).tolist():
            new.append(
                self._raise(
                    at,
                    "negative_available",
                    "critical",
                    f"available funds {format_yuan(int(acc['available_fen'][r]))} below zero",
                    account=str(acc.keys[r]),
                )
            )

        prows = pos.rows_changed_since(since) if incremental else np.arange(pos.row_count)
        limit, lots = pos["limit_lots"][prows], pos["lots"][prows]
        warn = self.settings.position_limit_warn_ppm
        near = (limit >= 0) & (lots * 1_000_000 >= limit * warn) & (lots > 0)
        clear = (limit < 0) | (lots * 1_000_000 < limit * (warn - gap))
        for r in self._limit.crossings(prows, near, pos.row_count, clear).tolist():
            lim, held = int(pos["limit_lots"][r]), int(pos["lots"][r])
            side = "long" if pos["side"][r] > 0 else "short"
            contract = str(con.keys[int(pos["contract_index"][r])])
            new.append(
                self._raise(
                    at,
                    "position_limit",
                    "critical" if held >= lim else "warning",
                    f"{side} {held} lots of {contract}: "
                    f"{_pct(held * 1_000_000 // max(lim, 1))}"
                    f" of the {lim}-lot limit",
                    account=str(acc.keys[int(pos["account_index"][r])]),
                    contract=contract,
                    threshold_ppm=warn,
                )
            )

        crows = np.arange(con.row_count)
        locked = con["limit_lock"] != 0
        for r in self._lock.crossings(crows, locked, con.row_count).tolist():
            where = "upper" if con["limit_lock"][r] > 0 else "lower"
            new.append(
                self._raise(
                    at,
                    "limit_lock",
                    "warning",
                    f"{con.keys[r]} locked at its {where} limit "
                    f"{format_yuan(int(con['last_price_fen'][r]))}",
                    contract=str(con.keys[r]),
                )
            )

        for receipt, deadline in receipts:
            due = (
                deadline
                if isinstance(deadline, datetime)
                else datetime.combine(deadline, time(15, 0), tzinfo=DCE_TZ)
            )
            key = (receipt, due)
            if key in self._receipts_seen or due - at > self.settings.receipt_warn_before:
                continue
            self._receipts_seen.add(key)
            left = due - at
            new.append(
                self._raise(
                    at,
                    "receipt_expiry",
                    "critical" if left <= timedelta(0) else "warning",
                    f"receipt {receipt} must be cancelled by {due.isoformat()}",
                    receipt=receipt,
                )
            )
        return new

    def _raise(
        self,
        at: datetime,
        kind: AlertKind,
        severity: Severity,
        message: str,
        *,
        account: str | None = None,
        contract: str | None = None,
        receipt: str | None = None,
        threshold_ppm: int | None = None,
    ) -> Alert:
        alert = Alert(
            len(self._alerts) + 1,
            at,
            kind,
            severity,
            message,
            account,
            contract,
            receipt,
            threshold_ppm,
        )
        self._alerts.append(alert)
        if severity == "critical":
            self._critical += 1
        return alert
