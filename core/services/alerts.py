"""Live alerts in the database: what the monitor raised, acknowledgements, the history.

``store_alerts`` and ``acknowledge_alerts`` are write use cases (one transaction and one
audit entry each, ``core.services.store.write``); ``alert_history`` and
``last_alert_id`` are reads. Alert ids restart at 1 with every monitor, so a
monitor stores its alerts with an offset past the ids already stored for the day
(``last_alert_id``); rows are keyed by (trading_day, alert_id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from core import audit
from core.changes import Changes
from core.db.alert_table import AlertRow
from core.db.reader import Reader
from core.live.alerts import Acknowledgement, Alert
from core.services.store import Database, Written, write

_IN_CHUNK = 5_000  # ids per IN (...) list, well under SQLite's bound-parameter limit

HISTORY_FIELDS = (
    "trading_day",
    "raised_at",
    "severity",
    "kind",
    "account",
    "contract",
    "receipt",
    "message",
    "acknowledged_by",
    "acknowledged_at",
    "alert_id",
)
"""Columns of ``AlertHistory.columns``, in this order."""


def store_alerts(
    db: Database,
    trading_day: date,
    alerts: Sequence[Alert],
    *,
    id_offset: int = 0,
    user: str | None = None,
) -> tuple[int, Changes]:
    """Store the monitor's ``alerts`` of ``trading_day`` (ids shifted by ``id_offset``),
    inserting new ids and updating stored ones; audit entry "alert.store". The number
    of alerts stored. No Changes flag but ``audit``: the alert table is the monitor's."""

    def work(session: Session) -> Written[int]:
        # Bulk statements, not one merge per alert: a busy day stores thousands of
        # alerts and the write lock must be held briefly.
        ids = [a.alert_id + id_offset for a in alerts]
        rows = [_values(trading_day, i, a) for i, a in zip(ids, alerts, strict=True)]
        stored = _stored_ids(session, trading_day, ids)
        new = [r for i, r in zip(ids, rows, strict=True) if i not in stored]
        if new:
            # Core INSERT (executemany): the ORM's per-row insert bookkeeping cost ~40%
            # more for the ~24,000 alerts a large book raises when the monitor starts.
            table = AlertRow.__table__
            assert isinstance(table, Table)
            session.execute(insert(table), new)
        changed = [r for i, r in zip(ids, rows, strict=True) if i in stored]
        if changed:
            # never over a book alert (raised by the feed, core.services.book_alerts)
            # that took one of this monitor's ids
            t = AlertRow.__table__
            assert isinstance(t, Table)
            names = [k for k in changed[0] if k not in ("trading_day", "alert_id")]
            session.execute(
                update(t)
                .where(
                    t.c.trading_day == bindparam("k_day"),
                    t.c.alert_id == bindparam("k_id"),
                    t.c.raise_key.is_(None),
                )
                .values({n: bindparam(n) for n in names}),
                [r | {"k_day": r["trading_day"], "k_id": r["alert_id"]} for r in changed],
            )
        detail = {"trading_day": trading_day, "alerts": len(ids)}
        if ids:
            detail |= {"first": min(ids), "last": max(ids)}
        return Written(len(ids), Changes.none(), detail)

    return write(db, "alert.store", work, user=user)


def acknowledge_alerts(
    db: Database,
    trading_day: date,
    acknowledgements: Sequence[Acknowledgement],
    *,
    id_offset: int = 0,
    user: str | None = None,
) -> tuple[int, Changes]:
    """Record who acknowledged which stored alerts of ``trading_day`` (ids shifted by
    ``id_offset``); audit entry "alert.acknowledge" by ``user``. The first
    acknowledgement of an alert wins; ``Changes.alerts`` rings the other desks. Raises KeyError, and
    writes nothing, for an acknowledgement of an alert not stored."""

    def work(session: Session) -> Written[int]:
        ids = [k.alert_id + id_offset for k in acknowledgements]
        missing = sorted(set(ids) - _stored_ids(session, trading_day, ids))
        if missing:
            raise KeyError(f"acknowledgement of unknown alert {missing[0]}")
        if ids:
            # The first acknowledgement wins: an alert another desk acknowledged
            # meanwhile keeps that desk's name and time (the book's shared alerts).
            t = AlertRow.__table__
            assert isinstance(t, Table)
            session.execute(
                update(t)
                .where(
                    t.c.trading_day == bindparam("d"),
                    t.c.alert_id == bindparam("i"),
                    t.c.acknowledged_by.is_(None),
                )
                .values(acknowledged_by=bindparam("u"), acknowledged_at=bindparam("t")),
                [
                    {"d": trading_day, "i": i, "u": k.user, "t": k.at}
                    for i, k in zip(ids, acknowledgements, strict=True)
                ],
            )
        detail = {"trading_day": trading_day, "alerts": ids}
        return Written(len(ids), Changes(alerts=True), detail)

    return write(db, "alert.acknowledge", work, user=user)


def _values(day: date, alert_id: int, a: Alert) -> dict[str, object]:
    """Column values of one alert; its acknowledgement is left as stored."""
    return {
        "trading_day": day,
        "alert_id": alert_id,
        "raised_at": a.at,
        "kind": a.kind,
        "severity": a.severity,
        "account": a.account,
        "contract": a.contract,
        "receipt": a.receipt,
        "threshold_ppm": a.threshold_ppm,
        "risk_level": a.risk_level,
        "message": a.message[:300],
    }


def _stored_ids(session: Session, day: date, ids: Sequence[int]) -> set[int]:
    wanted = sorted(set(ids))
    stored: set[int] = set()
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        stored.update(
            session.scalars(
                select(AlertRow.alert_id).where(
                    AlertRow.trading_day == day, AlertRow.alert_id.in_(chunk)
                )
            )
        )
    return stored


def last_alert_id(reader: Reader, trading_day: date) -> int:
    """The highest alert id stored for ``trading_day`` (0: none): a new monitor's
    ``id_offset``."""
    top = reader.session.scalar(
        select(func.max(AlertRow.alert_id)).where(AlertRow.trading_day == trading_day)
    )
    return int(top or 0)


@dataclass(frozen=True)
class AlertHistory:
    """The newest stored alerts, column by column (``HISTORY_FIELDS``; times as stored,
    UTC), whether older ones are left out, and the newest audit entries."""

    columns: dict[str, list[Any]]
    more: bool
    audit: tuple[audit.AuditEntry, ...]


def alert_history(reader: Reader, limit: int, audit_limit: int) -> AlertHistory:
    """The newest ``limit`` alerts (newest first by trading day, time and id) and the
    newest ``audit_limit`` audit entries. The order is that of the index
    ``ix_alert_day_time``, walked backwards: no sort, it stops at the limit."""
    fields = [getattr(AlertRow, name) for name in HISTORY_FIELDS]
    newest = (
        select(*fields)
        .order_by(AlertRow.trading_day.desc(), AlertRow.raised_at.desc(), AlertRow.alert_id.desc())
        .limit(limit + 1)  # one more tells whether older alerts are left out
    )
    columns: list[list[Any]] = [[] for _ in fields]
    # 500 rows at a time: 20k ``Row`` objects alive at once push the garbage collector
    # into a full pass (~80 ms with the app loaded).
    for part in reader.session.connection().execute(newest).partitions(500):
        for column, values in zip(columns, zip(*part, strict=True), strict=True):
            column.extend(values)
    more = len(columns[0]) > limit
    if more:
        columns = [column[:limit] for column in columns]
    entries = tuple(audit.recent(reader.session, limit=audit_limit))
    return AlertHistory(dict(zip(HISTORY_FIELDS, columns, strict=True)), more, entries)


@dataclass(frozen=True)
class ClientAlert:
    """One stored alert of an account (times as stored, UTC)."""

    trading_day: date
    alert_id: int
    raised_at: datetime
    kind: str
    severity: str
    message: str
    contract: str | None
    receipt: str | None
    risk_level: int | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None


def client_alerts(reader: Reader, client_code: str, limit: int = 500) -> tuple[ClientAlert, ...]:
    """The newest ``limit`` stored alerts of account ``client_code``, newest first (by
    day, time and id), through ``ix_alert_account``. A read."""
    rows = reader.session.execute(
        select(
            AlertRow.trading_day,
            AlertRow.alert_id,
            AlertRow.raised_at,
            AlertRow.kind,
            AlertRow.severity,
            AlertRow.message,
            AlertRow.contract,
            AlertRow.receipt,
            AlertRow.risk_level,
            AlertRow.acknowledged_by,
            AlertRow.acknowledged_at,
        )
        .where(AlertRow.account == client_code)
        .order_by(AlertRow.trading_day.desc(), AlertRow.raised_at.desc(), AlertRow.alert_id.desc())
        .limit(limit)
    ).all()
    return tuple(ClientAlert(*r) for r in rows)
