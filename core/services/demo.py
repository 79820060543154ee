"""Demo data use case: replace a database's demo data with a fresh set, through the write
door (one transaction, one ``demo.create`` audit entry); generation is ``core.demo``."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from core.changes import Changes
from core.demo import DEFAULT_SEED, DEMO_MEMBER_CODE, DemoDatabaseError, DemoSummary
from core.demo.generator import AUDIT_ACTION, Scale, demo_audit_detail, generate_demo, write_demo
from core.demo.writer import ProgressCallback, bulk_load, refuse_foreign_data
from core.progress import ProgressState
from core.services.store import Database, Written, write


def create_demo_data(
    db: Database,
    *,
    scale: Scale = "small",
    seed: int = DEFAULT_SEED,
    end_day: date | None = None,
    clients: int | None = None,
    progress: ProgressCallback | None = None,
    user: str | None = None,
) -> tuple[DemoSummary, Changes]:
    """Replace the demo data in ``db`` with a fresh set, all or nothing.

    The set is generated first (no database), then written in one transaction with its
    audit entry ``demo.create``; every kind of data changes. Runs on the caller's
    thread; ``progress`` may raise (for instance ``OperationCancelledError``) to abandon
    it, which rolls everything back. Raises DemoDatabaseError if the database holds
    another member or imported data, and CalendarHorizonError if the window does not
    fit the calendar.
    """
    started = time.perf_counter()
    data = generate_demo(
        scale=scale, seed=seed, end_day=end_day, clients=clients, progress=progress
    )
    generated = time.perf_counter()

    def work(session: Session) -> Written[dict[str, int]]:
        counts = write_demo(session.connection(), data, progress)
        return Written(counts, Changes.everything(), demo_audit_detail(data, counts))

    counts, changes = write(db, AUDIT_ACTION, work, user=user, prepare=bulk_load, bulk=True)
    summary = DemoSummary(
        scale=scale,
        seed=seed,
        first_day=data.days[0],
        end_day=data.days[-1],
        locked_contract=data.locked_contract,
        lock_days=tuple(data.lock_days),
        counts=counts,
        generate_seconds=generated - started,
        write_seconds=time.perf_counter() - generated,
    )
    return summary, changes


@dataclass(frozen=True)
class DemoOutcome:
    """What ``create_demo`` did: ``summary`` when created, ``refused`` when the database
    holds other data (imports or another member) and nothing was written."""

    summary: DemoSummary | None = None
    refused: bool = False


def create_demo(
    db: Database, scale: Scale, *, user: str, progress: ProgressState
) -> tuple[DemoOutcome, Changes]:
    """*Create demo data…*: ``create_demo_data``, a refusal as a value (no changes).

    Foreign data is looked for first, so that a refusal comes at once rather than after
    the large set's generation; ``create_demo_data`` checks again inside its transaction.
    A cancel (``OperationCancelledError`` from ``progress``) propagates and rolls back.
    """
    try:
        with db.reader() as reader:
            refuse_foreign_data(reader.session.connection(), DEMO_MEMBER_CODE)
        summary, changes = create_demo_data(db, scale=scale, user=user, progress=progress.report)
    except DemoDatabaseError:
        return DemoOutcome(refused=True), Changes.none()
    return DemoOutcome(summary=summary), changes
