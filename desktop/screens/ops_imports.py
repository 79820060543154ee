"""The imports screen's work, without Qt: kind from a file name, validation and import of
several files all-or-nothing, and the ``Changes`` an import makes.

``run_files`` runs on the write worker (``run_op``). For an import it first validates
every file and imports none if any row of any file fails, so the user never gets half a
batch; then it imports the files one by one (each in its own transaction, see
``core.imports.import_file``). Files are validated in the order of ``KINDS`` as a batch
(``core.imports.check_files``), so a new firm's members, clients and contracts validate
together with the daily files that name them, on an empty database too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.changes import Changes
from core.db.engine import Database
from core.errors import InputError, ValidationErrors
from core.imports import KINDS, ImportResult, check_files, import_file
from core.progress import ProgressState

SUFFIXES = (".csv", ".xlsx", ".xlsm")
"""File types the import reader accepts (docs/imports.md, "File format")."""

# File-name stems that name a kind, English and the Chinese of typical exports. The
# longest match wins ("closing-orders" before a bare "orders", 平仓委托 before 委托).
_NAME_HINTS: dict[str, tuple[str, ...]] = {
    "members": ("members", "member", "会员"),
    "clients": ("clients", "client", "客户"),
    "contracts": ("contracts", "contract", "合约"),
    "warehouses": ("warehouses", "warehouse", "仓库", "交割库"),
    "positions": ("positions", "position", "持仓"),
    "trades": ("trades", "trade", "成交"),
    "settlement-prices": ("settlement-prices", "settlement-price", "prices", "结算价"),
    "fund-movements": ("fund-movements", "fund-movement", "funds", "出入金", "资金"),
    "receipts": ("receipts", "receipt", "warehouse-receipts", "warehouse-receipt", "仓单"),
    "closing-orders": ("closing-orders", "closing-order", "orders", "平仓委托", "委托"),
    "delivery-matches": ("delivery-matches", "delivery-match", "matches", "交割配对", "配对"),
    "efp": ("efp", "期转现"),
}

# What each kind writes (core.changes.Changes flags; positions covers trades and orders).
_CHANGES: dict[str, Changes] = {
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


def is_importable(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def kind_from_name(path: Path) -> str | None:
    """The import kind a file name starts with (``positions_20261120.csv``), or None."""
    stem = re.sub(r"[\s_]+", "-", path.stem.strip().lower())
    best: tuple[int, str] | None = None
    for kind, hints in _NAME_HINTS.items():
        for hint in hints:
            if stem.startswith(hint) and (best is None or len(hint) > best[0]):
                best = (len(hint), kind)
    return best[1] if best else None


def changes_of(results: Sequence[ImportResult]) -> Changes:
    """Flags of the data the imports changed; the audit trail changes with every import."""
    changes = Changes(audit=True) if any(not r.dry_run for r in results) else Changes.none()
    for r in results:
        if not r.dry_run and (r.inserted or r.updated):
            changes = changes | _CHANGES[r.kind]
    return changes


@dataclass(frozen=True)
class FileOutcome:
    """One file of a run: its counts, or its errors (empty ``errors`` and no ``result``:
    not imported because another file failed)."""

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


def run_files(
    db: Database,
    files: Sequence[tuple[Path, str]],
    *,
    user: str,
    dry_run: bool,
    progress: ProgressState,
    stage_names: Mapping[str, str],
) -> tuple[FilesRun, Changes]:
    """Validate (``dry_run``) or import ``files`` [(path, kind)]; worker thread.

    ``stage_names`` translates the core's progress stages (read, validate, compare,
    write) for the dialog; it is built on the GUI thread. A cancel raises
    OperationCancelledError from ``progress``: the file being imported rolls back.
    """
    count = len(files)

    def reporter(index: int, path: Path) -> Callable[[str, int, int | None], None]:
        def report(stage: str, done: int, total: int | None = None) -> None:
            name = stage_names.get(stage, stage)
            progress.report(f"{path.name} ({index + 1}/{count}) · {name}", done, total)

        return report

    # Validated as a batch: a file may name what an earlier one defines (its clients).
    checks = check_files(db, files, counts=dry_run, progress_for=reporter)
    checked = tuple(FileOutcome(c.path, c.kind, c.result, c.errors) for c in checks)
    if dry_run:
        return FilesRun(True, checked), Changes.none()
    # All or nothing over the batch: import only if every file validates.
    if any(c.errors for c in checks):
        return FilesRun(False, checked), Changes.none()
    outcomes: list[FileOutcome] = []
    for i, (path, kind) in enumerate(files):
        try:
            result = import_file(db, kind, path, user=user, progress=reporter(i, path))
        except ValidationErrors as exc:  # changed under us since the check: stop here
            outcomes.append(FileOutcome(path, kind, errors=tuple(exc.errors)))
            outcomes.extend(FileOutcome(p, k) for p, k in files[i + 1 :])
            break
        outcomes.append(FileOutcome(path, kind, result=result))
    run = FilesRun(False, tuple(outcomes))
    return run, changes_of(run.results)


def sort_by_kind(files: Sequence[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Files in the order of ``KINDS``: reference data (members, clients, contracts,
    warehouses) before the files that name it."""
    return sorted(files, key=lambda f: KINDS.index(f[1]) if f[1] in KINDS else len(KINDS))
