"""Cross-desk refresh on PostgreSQL (issue #14): every write rings a doorbell, every desk
listens.

The write door (``core.services.store.write``) calls ``ring`` inside the write's own
transaction: ``pg_notify`` on ``CHANNEL`` with what changed (the ``Changes`` flags), the
action, the user and the writing desk's ``origin``. PostgreSQL delivers it only when the
transaction commits, so a desk never hears of a write that was rolled back. A desk's
``Doorbell`` holds one LISTEN connection of its own and hands the rings to the desk,
which reloads the screens the flags concern (the desktop's ``doorbell_link``). The
doorbell carries no data: the desk reads the book again, so a missed ring costs only a
later refresh, never a wrong figure. SQLite has no doorbell (one desk per file).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from core.changes import Changes
from core.errors import ConfigError

CHANNEL = "riskdesk_changes"


@dataclass(frozen=True)
class Ring:
    """One committed write as a desk hears it."""

    origin: str
    """The writing desk (``Database.origin``): a desk ignores its own rings."""
    changes: Changes
    action: str
    user: str


def ring(conn: Connection, changes: Changes, action: str, user: str, origin: str) -> None:
    """Queue the doorbell for this write (sent at commit; PostgreSQL only)."""
    if conn.dialect.name != "postgresql":
        return
    payload = json.dumps(
        {
            "o": origin,
            "c": [f.name for f in fields(changes) if getattr(changes, f.name)],
            "a": action,
            "u": user,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    conn.execute(
        text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload}
    )


def parse(payload: str) -> Ring | None:
    """A ring from its payload; None for one that is not RiskDesk's (another program on
    the channel), so that a stranger's NOTIFY cannot break a desk."""
    try:
        data: Any = json.loads(payload)
        names = {f.name for f in fields(Changes)}
        flags = {str(n): True for n in data["c"] if n in names}
        return Ring(str(data["o"]), Changes(**flags), str(data["a"]), str(data["u"]))
    except (ValueError, KeyError, TypeError):
        return None


class Doorbell:
    """A LISTEN connection to the book at ``url`` (a SQLAlchemy PostgreSQL URL).

    ``wait(timeout)`` blocks up to ``timeout`` seconds for rings and returns those that
    arrived (possibly none). Use from one thread; ``close`` from any. Raises ConfigError
    when the server cannot be reached (the caller retries later).
    """

    def __init__(self, url: str, *, connect_timeout_s: int = 10) -> None:
        self._conn = listen(url, CHANNEL, purpose="doorbell", connect_timeout_s=connect_timeout_s)

    def wait(self, timeout: float) -> list[Ring]:
        """The rings that arrive within ``timeout`` seconds: returns soon after the first
        (with any that came with it), or empty at the timeout."""
        import psycopg

        notes: list[psycopg.Notify] = []
        try:
            notes.extend(self._conn.notifies(timeout=timeout, stop_after=1))
            if notes:  # drain what arrived with it
                notes.extend(self._conn.notifies(timeout=0.05))
        except (psycopg.Error, OSError) as exc:
            raise ConfigError(f"doorbell: the connection was lost ({exc})") from None
        return [r for r in (parse(n.payload) for n in notes) if r is not None]

    def close(self) -> None:
        self._conn.close()


def listen(url: str, channel: str, *, purpose: str, connect_timeout_s: int = 10) -> Any:
    """A psycopg connection of its own (autocommit) LISTENing on ``channel`` of the book
    at ``url`` (a SQLAlchemy PostgreSQL URL): the doorbell's and the live feed's. Raises
    ConfigError naming ``purpose`` when the server cannot be reached."""
    import psycopg

    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise ConfigError(f"the {purpose} needs PostgreSQL")
    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        conn = psycopg.connect(
            conninfo,
            autocommit=True,
            connect_timeout=connect_timeout_s,
            application_name=f"riskdesk-{purpose.replace(' ', '-')}",
        )
        conn.execute(f"LISTEN {channel}")
    except psycopg.Error as exc:
        raise ConfigError(f"{purpose}: cannot listen on the book ({exc})") from None
    return conn
