"""Live alerts: rules over RiskSnapshots → Alert records, deduplicated, acknowledgeable.

Rules (settings in docs/live-monitor.md):

* ``risk_level``: an account's risk level rises into warning, margin call, forced close
  or deficit (``core.rules.risk_levels``: the firm's one setting, the same ``RiskLevels``
  object the engine classifies with, ``LiveSettings.risk_levels``); critical from
  margin call up;
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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from core.live.snapshot import RiskSnapshot, Table
from core.money import format_yuan
from core.rules.risk_levels import (
    AT_RISK_LEVELS,
    LEVEL_NAMES,
    MARGIN_CALL,
    RiskLevels,
    ratio_text,
)
from core.trading_calendar import EXCHANGE_TZ

AlertKind = Literal["risk_level", "position_limit", "limit_lock", "receipt_expiry"]
Severity = Literal["warning", "critical"]

CRITICAL_FROM_LEVEL = MARGIN_CALL
"""From a margin call up the client must act now (追保, 强平, 穿仓): critical alerts."""


@dataclass(frozen=True, slots=True)
class Alert:
    """One raised alert. ``threshold_ppm`` is the crossed threshold where one applies;
    ``risk_level`` the level code a ``risk_level`` alert entered."""

    alert_id: int
    at: datetime
    kind: AlertKind
    severity: Severity
    message: str
    account: str | None = None
    contract: str | None = None
    receipt: str | None = None
    threshold_ppm: int | None = None
    risk_level: int | None = None


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    alert_id: int
    user: str
    at: datetime


@dataclass(frozen=True)
class AlertSettings:
    """Alert settings besides the risk levels (those are ``RiskLevels``, shared with the
    engine); ppm: 800_000 = 80 %."""

    position_limit_warn_ppm: int = 800_000
    receipt_warn_before: timedelta = timedelta(days=3)
    rearm_gap_ppm: int = 50_000
    """A ratio-based risk level (warning, forced close) or a position-limit alert fires
    again only after the ratio has fallen this far below its threshold (5 percentage
    points): without the gap, an account hovering around 80 % raises an alert on every
    tick and buries the ones that matter."""


def _pct(ppm: int) -> str:
    """The ratio's one text (``ratio_text``, floored) in the stored alert format "84.60 %"
    (a space before the sign: desktop/alert_text.py reads stored messages in that form)."""
    text = ratio_text(ppm, "∞%")
    return f"{text[:-1]} %"


def level_words(level: int) -> str:
    """The English name of a level code in alert messages ("margin call")."""
    return LEVEL_NAMES[level].replace("_", " ")


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


@dataclass
class _LevelArms:
    """Per account and level: may entering that level raise an alert?

    An account at level ``cur`` (warning or worse) raises an alert when ``cur`` is
    armed; every level up to ``cur`` is then spent (falling from forced close to a
    margin call is not an upward crossing). Level L is armed again once the account is
    below L and, for a ratio-based level (warning, forced close), its risk ratio is
    ``gap`` below L's threshold: an account hovering at 80 % raises one alert, not one
    per tick. The money levels (margin call, deficit) re-arm as soon as the account is
    below them.
    """

    armed: npt.NDArray[np.bool_] = field(
        default_factory=lambda: np.ones((len(LEVEL_NAMES), 0), dtype=bool)
    )

    def entered(
        self,
        rows: npt.NDArray[np.intp],
        level: npt.NDArray[np.integer[Any]],
        ratio_ppm: npt.NDArray[np.int64],
        n: int,
        levels: RiskLevels,
        gap: int,
    ) -> npt.NDArray[np.intp]:
        """Rows (of ``rows``) that raise an alert for their current level; updates the
        arming state."""
        if self.armed.shape[1] < n:
            grown = np.ones((len(LEVEL_NAMES), n), dtype=bool)
            grown[:, : self.armed.shape[1]] = self.armed
            self.armed = grown
        cur = level.astype(np.intp)
        arms = self.armed[:, rows]
        for lv in AT_RISK_LEVELS:
            threshold = levels.threshold_ppm(lv)
            rearm = cur < lv
            if threshold is not None:
                rearm &= ratio_ppm < threshold - gap
            arms[lv] |= rearm
        fire = (cur >= AT_RISK_LEVELS[0]) & arms[cur, np.arange(len(rows))]
        arms[np.arange(len(LEVEL_NAMES))[:, None] <= cur[None, :]] = False
        self.armed[:, rows] = arms
        return rows[fire]


class AlertMonitor:
    """Evaluates snapshots, keeps the alerts raised today and their acknowledgements."""

    def __init__(self, levels: RiskLevels, settings: AlertSettings | None = None) -> None:
        """``levels``: the engine's ``LiveSettings.risk_levels`` (its thresholds decide
        when a ratio-based level re-arms, so it must be the object that classified the
        snapshot's ``risk_level`` column)."""
        self.levels = levels
        self.settings = settings or AlertSettings()
        self._risk = _LevelArms()
        self._limit = _Armed()
        self._lock = _Armed()
        self._receipts_seen: set[tuple[str, datetime]] = set()
        self._alerts: list[Alert] = []
        self._acks: dict[int, Acknowledgement] = {}
        self._critical = 0  # raised critical alerts
        self._critical_acked = 0  # of which acknowledged
        self._seen_seq = -1
        self._seen_keys: object = None
        self._seen_lines: tuple[object, object] = (None, None)
        """The lots and limit columns last evaluated: snapshots share a column that did
        not change (copy-on-write), so the same objects mean no line's lots or limit
        moved and no position-limit alert can be raised."""

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

    def adopt(self, alerts: Sequence[Alert]) -> list[Alert]:
        """Take alerts raised elsewhere (the book's, ``core.services.book_alerts``) as
        this monitor's next ones, renumbered 1, 2, … in order after its own; returns
        them renumbered. A desk following the book mirrors its alerts this way."""
        out = []
        for a in alerts:
            mine = replace(a, alert_id=len(self._alerts) + 1)
            self._alerts.append(mine)
            if mine.severity == "critical":
                self._critical += 1
            out.append(mine)
        return out

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
        new.extend(self._risk_level_alerts(at, acc, rows))

        lines = (pos["lots"], pos["limit_lots"])
        if incremental and all(a is b for a, b in zip(lines, self._seen_lines, strict=True)):
            # a price tick moves P&L and margin, not lots or limits: nothing to look at
            # (on the large book this was a pass over 600,000 lines per tick)
            prows = np.empty(0, dtype=np.intp)
        else:
            prows = pos.rows_changed_since(since) if incremental else np.arange(pos.row_count)
        self._seen_lines = lines
        limit, lots = pos["limit_lots"][prows], pos["lots"][prows]
        warn, gap = self.settings.position_limit_warn_ppm, self.settings.rearm_gap_ppm
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
                else datetime.combine(deadline, time(15, 0), tzinfo=EXCHANGE_TZ)
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

    def _risk_level_alerts(
        self, at: datetime, acc: Table, rows: npt.NDArray[np.intp]
    ) -> list[Alert]:
        """One alert per account that entered a level still armed for it, naming that
        level (see ``_LevelArms``)."""
        entered = self._risk.entered(
            rows,
            acc["risk_level"][rows],
            acc["risk_ratio_ppm"][rows],
            acc.row_count,
            self.levels,
            self.settings.rearm_gap_ppm,
        )
        alerts = []
        for r in entered.tolist():
            lv = int(acc["risk_level"][r])
            alerts.append(
                self._raise(
                    at,
                    "risk_level",
                    "critical" if lv >= CRITICAL_FROM_LEVEL else "warning",
                    f"risk level {level_words(lv)}: risk ratio "
                    f"{_pct(int(acc['risk_ratio_ppm'][r]))}, available funds "
                    f"{format_yuan(int(acc['available_fen'][r]))}, equity "
                    f"{format_yuan(int(acc['dynamic_equity_fen'][r]))}",
                    account=str(acc.keys[r]),
                    threshold_ppm=self.levels.threshold_ppm(lv),
                    risk_level=lv,
                )
            )
        return alerts

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
        risk_level: int | None = None,
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
            risk_level,
        )
        self._alerts.append(alert)
        if severity == "critical":
            self._critical += 1
        return alert
