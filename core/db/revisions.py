"""Per-table revision counters (table ``data_revision``) for in-process read caches.

Every RiskDesk code path that bulk-writes a cached table calls ``bump`` inside its own
transaction: the settlement run, imports and the demo generator. A reader takes
``current`` first and then reads the data in the same transaction, so a cached result
is never labelled with a revision newer than its data (at worst it is read again).
Rows written by other programs behind RiskDesk's back are not seen by the caches;
``docs/database.md`` says so.
"""

from __future__ import annotations

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from core.db.tables import DataRevision


def bump(bind: Session | Connection, table_name: str) -> None:
    """Raise ``table_name``'s revision by one in the caller's transaction."""
    table = DataRevision.__table__
    done = bind.execute(
        update(table)  # type: ignore[arg-type]
        .where(table.c.table_name == table_name)
        .values(revision=table.c.revision + 1)
    )
    if not done.rowcount:  # type: ignore[attr-defined]
        bind.execute(table.insert().values(table_name=table_name, revision=1))  # type: ignore[attr-defined]


def current(bind: Session | Connection, table_name: str) -> int:
    """``table_name``'s revision (0 before its first bulk write)."""
    value = bind.execute(
        select(DataRevision.revision).where(DataRevision.table_name == table_name)
    ).scalar_one_or_none()
    return int(value or 0)
