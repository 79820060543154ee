"""The steps of an import: read a file, plan its upsert, store it; validate a file or a
batch of files that depend on each other (members, then their clients, …).

The use case ``core.services.imports.import_file`` runs ``read_file`` first, then
``plan_file`` and ``store_file`` in the write door's one transaction, so that either
every row is stored, with its batch row and audit entry, or none. Callable from any
single worker thread (no Qt); the progress callback runs on that thread. A
``progress`` that raises (``OperationCancelledError``) aborts the import and rolls its
transaction back, as does any error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from core.db.engine import Database
from core.db.tables import ImportBatch
from core.errors import InputError, ValidationErrors
from core.imports.layouts import LAYOUTS, Layout
from core.imports.messages import file_problem
from core.imports.reader import RawTable, read_table
from core.imports.reference import load_reference
from core.imports.upsert import UpsertPlan, apply_upsert, checks_stored_rows, plan_upsert
from core.imports.validate import (
    MAX_ERRORS,
    ProgressCallback,
    Validation,
    validate_table,
)
from core.trading_calendar import TradingCalendar, default_calendar

AUDIT_ACTION = "import"
"""Audit actions are ``import.<kind>``, e.g. ``import.positions``."""


@dataclass(frozen=True)
class ImportResult:
    """Outcome of one import (or of a dry run, which writes nothing).

    ``rows`` = ``inserted + updated + unchanged``. ``batch_id`` is the ImportBatch row
    (None for a dry run). ``ignored_columns`` are headers the layout does not know.
    """

    kind: str
    file_name: str
    sha256: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    dry_run: bool
    batch_id: int | None
    ignored_columns: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line for the CLI and the status bar."""
        verb = "would import" if self.dry_run else "imported"
        text = (
            f"{self.file_name}: {verb} {self.rows} {self.kind} row(s): "
            f"{self.inserted} new, {self.updated} updated, {self.unchanged} unchanged"
        )
        return text + (
            " (dry run, nothing written)" if self.dry_run else f" (batch {self.batch_id})"
        )


def layout_for(kind: str) -> Layout:
    """The layout of ``kind``; InputError listing the known kinds otherwise."""
    try:
        return LAYOUTS[kind]
    except KeyError:
        raise file_problem("unknown_kind", "", kind=repr(kind), kinds=", ".join(LAYOUTS)) from None


def _read(path: Path) -> tuple[bytes, RawTable]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise file_problem("cannot_read", path.name, reason=exc.strerror) from None
    return data, read_table(path, data)


def _validate(
    session: Session,
    layout: Layout,
    raw: RawTable,
    calendar: TradingCalendar,
    max_errors: int,
    progress: ProgressCallback | None,
) -> Validation:
    refs = load_reference(session, layout)
    return validate_table(layout, raw, refs, calendar, max_errors=max_errors, progress=progress)


def validate_file(
    db: Database,
    kind: str,
    path: Path,
    *,
    progress: ProgressCallback | None = None,
    max_errors: int = MAX_ERRORS,
    calendar: TradingCalendar | None = None,
) -> list[InputError]:
    """Every error of ``path`` as an import of ``kind`` (empty list: it would import).

    Reads the reference tables (and, for kinds whose stored rows can refuse a file row,
    the stored rows of the file's keys); writes nothing. Errors are sorted by row; at
    most ``max_errors`` are listed, plus a final "N more" entry when there are more.
    """
    try:
        layout = layout_for(kind)
        _data, raw = _read(path)
    except InputError as exc:
        return [exc]
    if progress is not None:
        progress("read", len(raw), len(raw))
    with db.reader() as reader:
        session = reader.session
        outcome = _validate(
            session, layout, raw, calendar or default_calendar(), max_errors, progress
        )
        if outcome.valid is not None and checks_stored_rows(layout):
            return plan_upsert(session, outcome.valid, progress, max_errors).errors
    return outcome.errors


@dataclass(frozen=True)
class FileRead:
    """A file read for import, not yet checked against the database."""

    layout: Layout
    raw: RawTable
    sha256: str


def read_file(kind: str, path: Path, progress: ProgressCallback | None = None) -> FileRead:
    """Read ``path`` as ``kind``; ValidationErrors for an unknown kind or unreadable file."""
    try:
        layout = layout_for(kind)
        data, raw = _read(path)
    except InputError as exc:
        raise ValidationErrors([exc]) from None
    if progress is not None:
        progress("read", len(raw), len(raw))
    return FileRead(layout, raw, hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class FilePlan:
    """What importing a read file would change: its valid rows and their upsert."""

    file: FileRead
    outcome: Validation
    upsert: UpsertPlan


def plan_file(
    session: Session,
    file: FileRead,
    *,
    progress: ProgressCallback | None = None,
    max_errors: int = MAX_ERRORS,
    calendar: TradingCalendar | None = None,
) -> FilePlan:
    """Validate ``file`` against the reference tables and the stored rows of its keys;
    reads only. Raises ValidationErrors with every bad cell (file, row, field)."""
    cal = calendar or default_calendar()
    outcome = _validate(session, file.layout, file.raw, cal, max_errors, progress)
    if outcome.valid is None:
        raise ValidationErrors(outcome.errors)
    plan = plan_upsert(session, outcome.valid, progress, max_errors)
    if plan.errors:
        raise ValidationErrors(plan.errors)
    return FilePlan(file, outcome, plan)


def dry_run_result(plan: FilePlan) -> ImportResult:
    """What ``store_file`` would report for ``plan``, nothing written."""
    f = plan.file
    return _result(
        f.layout, f.raw, f.sha256, plan.upsert, plan.outcome, dry_run=True, batch_id=None
    )


def store_file(
    session: Session,
    plan: FilePlan,
    *,
    user: str,
    progress: ProgressCallback | None = None,
) -> tuple[ImportResult, dict[str, object]]:
    """Upsert ``plan``'s rows and record its ``ImportBatch`` row in the caller's
    transaction; the result and the detail of its audit entry (``AUDIT_ACTION``.kind)."""
    f, upsert = plan.file, plan.upsert
    apply_upsert(session, upsert, progress)
    batch = ImportBatch(
        kind=f.layout.kind,
        file_name=f.raw.source[:260],
        sha256=f.sha256,
        rows=len(f.raw),
        inserted=len(upsert.inserts),
        updated=len(upsert.updates),
        imported_at=datetime.now(UTC),
        user=user[:64],
    )
    session.add(batch)
    session.flush()
    result = _result(
        f.layout, f.raw, f.sha256, upsert, plan.outcome, dry_run=False, batch_id=batch.id
    )
    detail: dict[str, object] = {
        "kind": result.kind,
        "file": result.file_name,
        "sha256": result.sha256,
        "batch": batch.id,
        "rows": result.rows,
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }
    return result, detail


def _result(
    layout: Layout,
    raw: RawTable,
    sha256: str,
    plan: UpsertPlan,
    outcome: Validation,
    *,
    dry_run: bool,
    batch_id: int | None,
) -> ImportResult:
    assert outcome.valid is not None
    return ImportResult(
        kind=layout.kind,
        file_name=raw.source,
        sha256=sha256,
        rows=len(raw),
        inserted=len(plan.inserts),
        updated=len(plan.updates),
        unchanged=plan.unchanged,
        dry_run=dry_run,
        batch_id=batch_id,
        ignored_columns=outcome.valid.ignored_headers,
    )


@dataclass(frozen=True)
class FileCheck:
    """One file of a batch check: its errors, and what importing it would change
    (``result``, a dry run's; None where it has errors or was not counted)."""

    path: Path
    kind: str
    result: ImportResult | None = None
    errors: tuple[InputError, ...] = ()


def check_files(
    db: Database,
    files: Sequence[tuple[Path, str]],
    *,
    counts: bool = True,
    progress_for: Callable[[int, Path], ProgressCallback] | None = None,
    max_errors: int = MAX_ERRORS,
    calendar: TradingCalendar | None = None,
) -> list[FileCheck]:
    """Validate ``files`` [(path, kind)] as importing them in this order would, writing
    nothing.

    Each file is checked against the stored rows *and the files before it in the
    batch* that its kind uses (``Layout.uses``: the clients file of the members file,
    the positions file of the clients and contracts files, …), so that a new firm's
    reference data and daily files validate together on an empty database. To that
    end those earlier files are written in the check's transaction, which is always
    rolled back. ``counts`` also compares every file with the stored rows for the
    dry-run counts (``FileCheck.result``); without it only what may refuse a row is
    compared. ``progress_for(index, path)`` gives each file's progress callback.
    """
    cal = calendar or default_calendar()
    kinds = [kind for _, kind in files]
    out: list[FileCheck] = []
    with db.sessions() as session:
        try:
            for i, (path, kind) in enumerate(files):
                progress = progress_for(i, path) if progress_for is not None else None
                try:
                    layout = layout_for(kind)
                    data, raw = _read(path)
                except InputError as exc:
                    out.append(FileCheck(path, kind, errors=(exc,)))
                    continue
                if progress is not None:
                    progress("read", len(raw), len(raw))
                outcome = _validate(session, layout, raw, cal, max_errors, progress)
                if outcome.valid is None:
                    out.append(FileCheck(path, kind, errors=tuple(outcome.errors)))
                    continue
                later_use = any(kind in LAYOUTS[k].uses for k in kinds[i + 1 :] if k in LAYOUTS)
                if not (counts or later_use or checks_stored_rows(layout)):
                    out.append(FileCheck(path, kind))
                    continue
                plan = plan_upsert(session, outcome.valid, progress, max_errors)
                if plan.errors:
                    out.append(FileCheck(path, kind, errors=tuple(plan.errors)))
                    continue
                if later_use:
                    apply_upsert(session, plan, progress)
                sha256 = hashlib.sha256(data).hexdigest()
                result = _result(layout, raw, sha256, plan, outcome, dry_run=True, batch_id=None)
                out.append(FileCheck(path, kind, result=result if counts else None))
        finally:
            session.rollback()  # the earlier files written for the later ones' sake
    return out
