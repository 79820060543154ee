"""The audit trail: who did what and when (settlements, imports, exports, acks, …).

The write door ``core.services.store.write`` calls ``record`` inside the transaction of
the action it audits, once per write, so the entry commits or rolls back with it; reads
write none. Readers get frozen ``AuditEntry`` values, never ORM
objects, so the result may cross to the GUI thread.

Tamper evidence (issue #14): every entry is chained to the one before it.
``entry_hash = SHA-256(canonical JSON of at, user, action, detail and prev_hash)`` and
``prev_hash`` is the previous entry's ``entry_hash`` (``GENESIS`` for the first).
``record`` runs under the database's writer lock (the write door takes it first), so
the entry it chains onto is the newest; the unique ``prev_hash`` makes a fork a
constraint violation even for a writer that skipped the lock. Triggers refuse UPDATE
and DELETE (migration 0008). ``verify_chain`` walks the log and names the first broken
link: an edited entry no longer hashes to its ``entry_hash``, a deleted one leaves the
next entry's ``prev_hash`` pointing at nothing. The chain cannot show the newest entries
cut off, nor a whole tail rewritten with fresh hashes: for that, keep the head hash
that ``riskdesk audit verify`` prints somewhere else and pass it back with ``--head``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from core.config import current_user
from core.db.tables import AuditLog

_MAX_NAME = 64  # length of audit_log.action and audit_log.user

GENESIS = "0" * 64
"""``prev_hash`` of the first entry of a log."""


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
    at = datetime.now(UTC)
    prev = session.scalars(
        select(AuditLog.entry_hash).order_by(AuditLog.id.desc()).limit(1)
    ).first()
    prev_hash = GENESIS if prev is None else prev
    row = AuditLog(
        at=at,
        user=who,
        action=action,
        detail=text,
        prev_hash=prev_hash,
        entry_hash=chain_hash(at, who, action, text, prev_hash),
    )
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


# --------------------------------------------------------------------- the chain
def chain_hash(at: datetime, user: str, action: str, detail: str, prev_hash: str) -> str:
    """SHA-256 (hex) of one entry's content and the previous entry's hash.

    The canonical content is JSON with sorted keys, no spaces, UTF-8, and ``at`` as UTC
    ISO 8601 with microseconds (what both backends store exactly). Never change this:
    every stored hash was made with it (migration 0008 hashes the older entries too).
    """
    content = {
        "action": action,
        "at": _as_utc(at).isoformat(timespec="microseconds"),
        "detail": detail,
        "prev": prev_hash,
        "user": user,
    }
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    """The first place where the chain does not hold: entry ``entry_id`` and why."""

    entry_id: int
    at: datetime | None
    user: str
    action: str
    reason: str


@dataclass(frozen=True)
class ChainCheck:
    """What ``verify_chain`` found: entries read, the newest hash, the first break."""

    entries: int
    head: str
    """``entry_hash`` of the newest entry verified (``GENESIS`` for an empty log)."""
    broken: BrokenLink | None
    head_found: bool | None = None
    """Whether the ``expected_head`` given to ``verify_chain`` is still in the chain
    (None when none was given)."""

    @property
    def ok(self) -> bool:
        return self.broken is None and self.head_found is not False


def verify_chain(session: Session, expected_head: str | None = None) -> ChainCheck:
    """Walk the audit log in id order and check every link; read only.

    An entry is broken when its content no longer hashes to its ``entry_hash`` (edited)
    or its ``prev_hash`` is not the hash of the entry before it (an entry before it
    deleted, or edited together with its hash). ``expected_head``, a head hash printed
    by an earlier verify, must still be some entry's hash: otherwise entries were cut
    off the end or the chain was rebuilt.
    """
    query = select(AuditLog).order_by(AuditLog.id).execution_options(yield_per=2000)
    result = session.scalars(query)  # streamed: a PostgreSQL server-side cursor
    try:
        return _walk(session, result, expected_head)
    finally:
        result.close()


def _walk(session: Session, rows: Iterable[AuditLog], expected_head: str | None) -> ChainCheck:
    expected_prev = GENESIS
    previous: tuple[int, str] | None = None  # (id, entry_hash) of the entry before
    count = 0
    head_found: bool | None = None if expected_head is None else False
    for row in rows:
        session.expunge(row)  # a long log is not kept in the session
        count += 1
        computed = chain_hash(row.at, row.user, row.action, row.detail, row.prev_hash or "")
        if row.entry_hash != computed:
            return ChainCheck(
                count,
                expected_prev,
                _broken(
                    row,
                    "its content (time, user, action or detail) no longer matches its "
                    f"hash: stored {_short(row.entry_hash)}, content hashes to "
                    f"{_short(computed)}; the entry was edited",
                ),
                head_found,
            )
        if row.prev_hash != expected_prev:
            if previous is None:
                why = (
                    f"it is the first entry but links to {_short(row.prev_hash)}, not the "
                    "start of the log: the entries before it were deleted"
                )
            else:
                why = (
                    f"it links to {_short(row.prev_hash)}, but the entry before it "
                    f"(#{previous[0]}) hashes to {_short(previous[1])}: an entry between "
                    f"them was deleted, or #{previous[0]} was edited and re-hashed"
                )
            return ChainCheck(count, expected_prev, _broken(row, why), head_found)
        if expected_head is not None and row.entry_hash == expected_head:
            head_found = True
        expected_prev = row.entry_hash
        previous = (row.id, row.entry_hash)
    return ChainCheck(count, expected_prev, None, head_found)


APPEND_ONLY_TRIGGERS = {
    "sqlite": ("audit_log_no_update", "audit_log_no_delete"),
    "postgresql": ("audit_log_append_only", "audit_log_no_truncate"),
}
"""The triggers of migration 0008 that refuse changes to ``audit_log``, per backend."""


def missing_guards(conn: Connection) -> list[str]:
    """The append-only triggers absent (or disabled) on this database: [] when guarded."""
    wanted = APPEND_ONLY_TRIGGERS.get(conn.dialect.name, ())
    if conn.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
    else:
        query = (
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass "
            "AND NOT tgisinternal AND tgenabled <> 'D'"
        )
    present = {str(name) for name in conn.execute(text(query)).scalars()}
    return [name for name in wanted if name not in present]


def _broken(row: AuditLog, reason: str) -> BrokenLink:
    at = _as_utc(row.at) if row.at is not None else None
    return BrokenLink(row.id, at, row.user or "", row.action or "", reason)


def _short(digest: str | None) -> str:
    return "(none)" if not digest else f"{digest[:16]}…"


def _as_utc(at: datetime) -> datetime:
    # SQLite keeps no offset: values written by ``record`` are UTC, so attach it.
    # PostgreSQL returns timestamptz in the session's time zone: convert.
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
