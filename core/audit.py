"""The audit trail: who did what and when (settlements, imports, exports, acks, …).

The write door ``core.services.store.write`` calls ``record`` inside the transaction of
the action it audits, once per write, so the entry commits or rolls back with it; reads
write none. Readers get frozen ``AuditEntry`` values, never ORM
objects, so the result may cross to the GUI thread.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import current_user
from core.db.tables import AuditLog

_MAX_NAME = 64  # length of audit_log.action and audit_log.user


@dataclass(frozen=True)
class AuditEntry:
    """One audit-log line. ``at`` is timezone-aware UTC on every backend."""

    id: int
    at: datetime
    user: str
    action: str
    detail: str
    """JSON text when ``record`` was given a dict, else the text as given."""

    def detail_data(self) -> Any:
        """``detail`` parsed as JSON, or the plain text when it is not JSON."""
        try:
            return json.loads(self.detail)
        except ValueError:
            return self.detail


def record(
    session: Session,
    action: str,
    detail: Mapping[str, Any] | str,
    user: str | None = None,
) -> AuditEntry:
    """Add an audit entry stamped now (UTC); the caller's transaction commits it.

    ``detail`` may be a mapping (stored as JSON with sorted keys; dates and decimals as
    strings) or text. ``user`` defaults to ``core.config.current_user()``. Raises
    ValueError when ``action`` is empty or ``action``/``user`` exceed 64 characters.
    """
    who = current_user() if user is None else user
    if not action.strip():
        raise ValueError("audit action must not be empty")
    for name, value in (("action", action), ("user", who)):
        if len(value) > _MAX_NAME:
            raise ValueError(f"audit {name} is longer than {_MAX_NAME} characters: {value!r}")
    text = (
        detail
        if isinstance(detail, str)
        else json.dumps(dict(detail), ensure_ascii=False, sort_keys=True, default=str)
    )
    row = AuditLog(at=datetime.now(UTC), user=who, action=action, detail=text)
    session.add(row)
    session.flush()  # assigns the id
    return _entry(row)


def recent(session: Session, limit: int = 100, action: str | None = None) -> list[AuditEntry]:
    """The newest ``limit`` entries (newest first), optionally of one ``action``."""
    query = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditLog.action == action)
    return [_entry(row) for row in session.scalars(query)]


def _entry(row: AuditLog) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=_as_utc(row.at),
        user=row.user,
        action=row.action,
        detail=row.detail,
    )


def _as_utc(at: datetime) -> datetime:
    # SQLite keeps no offset: values written by ``record`` are UTC, so attach it.
    # PostgreSQL returns timestamptz in the session's time zone: convert.
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
