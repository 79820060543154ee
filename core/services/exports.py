"""Export use cases: a table or a statement written to a file, audited through the write
door (``export.<kind>`` with what was exported: kind, rows, file name).

The file is written first, then its audit entry goes through the door: a file that
cannot be written leaves no entry (InputError naming the file), and the database's write
lock is not held while a large file is written. Formats come from
the suffix: CSV, JSON, XLSX (``core.reports.export``) or PDF (``core.reports.pdf_table``)
for tables; XLSX or PDF (``core.reports.statements``) for statements.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from core.changes import Changes
from core.errors import DatabaseFaultError, InputError
from core.reports.export import write_table
from core.reports.pdf_table import write_pdf_table
from core.reports.signoff import SignoffStatement, write_signoff
from core.reports.statements import ClientStatement, Lang, MemberStatement, write_statement
from core.services.store import Database, Written, write


@dataclass(frozen=True)
class TableExport:
    """A table to export. ``kind`` names it in the audit action ``export.<kind>``
    (``liquidation_orders``, ``limits``, …); ``title`` and ``notes`` head a PDF;
    ``labels`` rename columns (``core.reports.export.LABELS_ZH``); ``sheet`` names the
    XLSX sheet; ``about`` adds to the audit entry's detail (e.g. which table, which
    rows)."""

    kind: str
    frame: pd.DataFrame
    title: str = ""
    notes: tuple[str, ...] = ()
    labels: Mapping[str, str] | None = None
    sheet: str = "report"
    about: Mapping[str, object] | None = None


def export_table(
    db: Database, export: TableExport, path: Path, *, user: str | None = None
) -> tuple[Path, Changes]:
    """Write ``export`` to ``path`` (format from the suffix) and audit it; the path.

    Raises InputError for an unknown suffix or a file that cannot be written; nothing
    is audited then.
    """

    def write_file() -> Path:
        if path.suffix.lower() == ".pdf":
            return write_pdf_table(
                export.frame, path, title=export.title, notes=export.notes, labels=export.labels
            )
        return write_table(export.frame, path, labels=export.labels, sheet=export.sheet)

    return _audited(db, export.kind, len(export.frame), path, write_file, user, export.about)


def export_statement(
    db: Database,
    statement: ClientStatement | MemberStatement,
    path: Path,
    lang: Lang,
    *,
    user: str | None = None,
) -> tuple[Path, Changes]:
    """Write a settlement statement to ``path`` (.xlsx or .pdf, labels in ``lang``) and
    audit it as ``export.client_statement`` or ``export.member_statement`` (one
    statement: whose, which day); the path.

    Raises InputError for another suffix or a file that cannot be written.
    """
    if isinstance(statement, ClientStatement):
        kind, whose = "client_statement", {"client": statement.client_code}
    else:
        kind, whose = "member_statement", {"member": statement.member_code}
    detail = {**whose, "day": statement.day.isoformat()}
    return _audited(db, kind, 1, path, lambda: write_statement(statement, path, lang), user, detail)


def export_signoff(
    db: Database,
    statement: SignoffStatement,
    path: Path,
    lang: Lang,
    *,
    user: str | None = None,
) -> tuple[Path, Changes]:
    """Write a client's statement to sign off (``core.reports.signoff``; .pdf or .xlsx)
    and audit it as ``export.client_statement`` (a day) or
    ``export.client_monthly_statement`` (a month: its first and last settled day).

    Raises InputError for another suffix or a file that cannot be written.
    """
    if statement.kind == "daily":
        kind, when = "client_statement", {"day": statement.last.isoformat()}
    else:
        kind = "client_monthly_statement"
        when = {
            "month": f"{statement.first:%Y-%m}",
            "days": f"{statement.first.isoformat()}..{statement.last.isoformat()}",
        }
    detail = {"client": statement.client_code, **when}
    return _audited(db, kind, 1, path, lambda: write_signoff(statement, path, lang), user, detail)


def _audited(
    db: Database,
    kind: str,
    rows: int,
    path: Path,
    write_file: Callable[[], Path],
    user: str | None,
    about: Mapping[str, object] | None = None,
) -> tuple[Path, Changes]:
    if db.read_only:  # the export could not be audited: write no file either
        raise DatabaseFaultError(
            f"database {db.masked_url} is read-only (opened for viewing only): an export "
            "is recorded in its audit log, so none can be made; no file was written",
            "read-only",
        )
    try:
        written = write_file()
    except OSError as exc:  # a file the user cannot write: say so, not a crash
        where = exc.filename or path
        raise InputError(f"{where}: cannot write: {exc.strerror or exc}") from None
    detail = {"kind": kind, "rows": rows, "file": written.name, **(about or {})}

    def work(_session: Session) -> Written[Path]:
        return Written(written, Changes.none(), detail)

    try:
        return write(db, f"export.{kind}", work, user=user)
    except BaseException:
        written.unlink(missing_ok=True)  # every export is audited: none without its entry
        raise
