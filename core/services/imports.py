"""Import use cases: one file or a batch of files, each through the write door; the
recent import batches.

``import_file`` stores a file all-or-nothing with its ``ImportBatch`` row and one audit
entry ``import.<kind>`` in one transaction (``core.services.store.write``); a dry run
is a read. ``import_files`` validates a batch as a whole first (``core.imports.
check_files``: a new firm's members, clients and contracts validate together with the
daily files that name them) and imports none of it if any row of any file fails. The
steps themselves (read, validate, upsert) are ``core.imports``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db import settlement_queries as sq
from core.db.reader import Reader
from core.errors import InputError, ValidationErrors
from core.imports import KINDS, MAX_ERRORS, ImportResult, ProgressCallback, check_files
from core.imports.service import (
    AUDIT_ACTION,
    FilePlan,
    dry_run_result,
    plan_file,
    read_file,
    store_file,
)
from core.services.store import Database, Written, write
from core.trading_calendar import TradingCalendar

KIND_CHANGES: dict[str, Changes] = {
    "members": Changes(members=True),
    "clients": Changes(clients=True),  # with their trading codes
    "contracts": Changes(reference=True),
    "warehouses": Changes(reference=True),
    "positions": Changes(positions=True),
    "trades": Changes(positions=True),
    "settlement-prices": Changes(prices=True),
    "fund-movements": Changes(balances=True),
    "receipts": Changes(receipts=True),
    "closing-orders": Changes(positions=True),
    # as core.services.delivery.record_delivery_match / record_efp report them
    "delivery-matches": Changes(positions=True),
    "efp": Changes(positions=True, balances=True),
}
"""The data an import of each kind writes (positions covers trades and orders)."""


def changes_of(result: ImportResult) -> Changes:
    """The data an import really changed: none for a dry run or an unchanged file."""
    if result.dry_run or not (result.inserted or result.updated):
        return Changes.none()
    return KIND_CHANGES[result.kind]


def import_file(
    db: Database,
    kind: str,
    path: Path,
    *,
    user: str,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
    max_errors: int = MAX_ERRORS,
    calendar: TradingCalendar | None = None,
) -> tuple[ImportResult, Changes]:
    """Import ``path`` as ``kind``: all rows in one transaction, upserted by key.

    Prices and money are stored as exact integer fen. Re-importing the same file changes
    nothing (every row is reported unchanged); a corrected file updates the rows whose
    content differs. Each import records an ImportBatch row and the audit entry
    ``import.<kind>``. ``dry_run`` validates and counts what would change, through a
    ``Reader``: nothing is written, no audit entry either.

    Raises ValidationErrors (with every bad cell: file, row, field) if any row is bad;
    nothing is written then. The import kinds and their columns: ``docs/imports.md``.
    """
    file = read_file(kind, path, progress)

    def plan(session: Session) -> FilePlan:
        return plan_file(session, file, progress=progress, max_errors=max_errors, calendar=calendar)

    if dry_run:
        with db.reader() as reader:
            return dry_run_result(plan(reader.session)), Changes.none()

    def work(session: Session) -> Written[ImportResult]:
        result, detail = store_file(session, plan(session), user=user, progress=progress)
        return Written(result, changes_of(result), detail)

    kind_name = file.layout.kind
    return write(
        db,
        f"{AUDIT_ACTION}.{kind_name}",
        work,
        user=user[:64],
        what=f"import of {kind_name} ({path.name})",
        bulk=True,
    )


@dataclass(frozen=True)
class FileOutcome:
    """One file of a batch: its counts, or its errors (empty ``errors`` and no
    ``result``: not imported because another file failed)."""

    path: Path
    kind: str
    result: ImportResult | None = None
    errors: tuple[InputError, ...] = ()


@dataclass(frozen=True)
class FilesRun:
    """What a validation or import of several files did."""

    dry_run: bool
    files: tuple[FileOutcome, ...]

    @property
    def errors(self) -> tuple[InputError, ...]:
        return tuple(e for f in self.files for e in f.errors)

    @property
    def failed(self) -> bool:
        return any(f.errors for f in self.files)

    @property
    def imported(self) -> tuple[ImportResult, ...]:
        return tuple(r for r in self.results if not r.dry_run)

    @property
    def results(self) -> tuple[ImportResult, ...]:
        return tuple(f.result for f in self.files if f.result is not None)


def import_files(
    db: Database,
    files: Sequence[tuple[Path, str]],
    *,
    user: str,
    dry_run: bool,
    progress_for: Callable[[int, Path], ProgressCallback] | None = None,
) -> tuple[FilesRun, Changes]:
    """Validate (``dry_run``) or import ``files`` [(path, kind)], in the order given
    (``sort_by_kind`` puts reference data first).

    The batch is validated as a whole first; an import then stores nothing unless every
    file validates, and stores the files one by one, each in its own transaction with
    its audit entry. ``progress_for(index, path)`` gives each file's progress callback;
    a cancel raised there rolls back the file being imported. Worker thread.
    """
    checks = check_files(db, files, counts=dry_run, progress_for=progress_for)
    checked = tuple(FileOutcome(c.path, c.kind, c.result, c.errors) for c in checks)
    if dry_run:
        return FilesRun(True, checked), Changes.none()
    if any(c.errors for c in checks):
        return FilesRun(False, checked), Changes.none()
    outcomes: list[FileOutcome] = []
    changes = Changes.none()
    for i, (path, kind) in enumerate(files):
        progress = progress_for(i, path) if progress_for is not None else None
        try:
            result, changed = import_file(db, kind, path, user=user, progress=progress)
        except ValidationErrors as exc:  # changed under us since the check: stop here
            outcomes.append(FileOutcome(path, kind, errors=tuple(exc.errors)))
            outcomes.extend(FileOutcome(p, k) for p, k in files[i + 1 :])
            break
        outcomes.append(FileOutcome(path, kind, result=result))
        changes = changes | changed
    return FilesRun(False, tuple(outcomes)), changes


def sort_by_kind(files: Sequence[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Files in the order of ``KINDS``: reference data (members, clients, contracts,
    warehouses) before the files that name it."""
    return sorted(files, key=lambda f: KINDS.index(f[1]) if f[1] in KINDS else len(KINDS))


def recent_imports(reader: Reader) -> pd.DataFrame:
    """The newest import batches, newest first (``core.db.settlement_queries.
    recent_imports``; ``imported_at`` as stored, UTC)."""
    return sq.recent_imports(reader.session)
