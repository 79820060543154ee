"""Demo data from the desktop, and whether a database is still empty. No Qt.

A new install (or the packaged app, which has no ``riskdesk`` command in a shell) opens on
an empty database. The overview and the live monitor ask ``is_database_empty`` on a read
worker and then offer the imports or "Create demo data…"; the main window runs
``create_demo`` for that action on the write worker (``desktop.tasks.run_op``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db.engine import Database
from core.db.tables import Client, Position
from core.demo import DEMO_MEMBER_CODE, DemoDatabaseError, DemoSummary, create_demo_data
from core.demo.generator import Scale
from core.demo.writer import INSERT_ORDER, refuse_foreign_data
from core.progress import ProgressState

SCALES: tuple[Scale, ...] = ("small", "large")

GENERATE_STAGES = (
    "generate market",
    "generate clients",
    "generate positions",
    "generate trades",
    "generate receipts",
    "generate funds and balances",
    "assemble tables",
    "generated",
)
"""The stages ``core.demo.generate_demo`` reports before anything is written."""
DELETE_STAGE = "delete previous demo data"


def is_database_empty(session: Session) -> bool:
    """True when the database holds no client and no position: nothing to show yet.

    Two primary-key/index probes (``LIMIT 1``), cheap on the large data set too.
    """
    for table in (Client, Position):
        if session.scalar(select(literal(1)).select_from(table).limit(1)) is not None:
            return False
    return True


@dataclass(frozen=True)
class DemoOutcome:
    """What ``create_demo`` did: ``summary`` when created, ``refused`` when the database
    holds other data (imports or another member) and nothing was written."""

    summary: DemoSummary | None = None
    refused: bool = False


def create_demo(
    db: Database, scale: Scale, *, user: str, progress: ProgressState
) -> tuple[DemoOutcome, Changes]:
    """Write worker: replace the demo data of ``db`` with a fresh set of ``scale``.

    Foreign data is looked for first, so that a refusal comes at once rather than after
    the large set's generation; ``create_demo_data`` checks again inside its transaction.
    A cancel (``OperationCancelledError`` from ``progress``) propagates and rolls back.
    """
    try:
        with db.sessions() as session:
            refuse_foreign_data(session.connection(), DEMO_MEMBER_CODE)
        summary = create_demo_data(db, scale=scale, user=user, progress=progress.report)
    except DemoDatabaseError:
        return DemoOutcome(refused=True), Changes.none()
    # Every kind of data was replaced: members, clients, prices, positions, receipts….
    return DemoOutcome(summary=summary), Changes.everything()


def stage_names(generating: str, deleting: str, writing: str) -> dict[str, str]:
    """Display names of the progress stages of ``create_demo``, from three (translated)
    texts; ``writing`` takes %1 (the table's number) and %2 (the number of tables)."""
    names = dict.fromkeys(GENERATE_STAGES, generating)
    names[DELETE_STAGE] = deleting
    count = len(INSERT_ORDER)
    for number, table in enumerate(INSERT_ORDER, 1):
        names[f"write {table.name}"] = writing.replace("%1", str(number)).replace("%2", str(count))
    return names
