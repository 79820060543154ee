"""The imports screen's work, without Qt: kind from a file name, and the run of several
files with progress named for the dialog.

``run_files`` runs on the write worker (``run_op``) and calls the use case
``core.services.imports.import_files``: the batch validates as a whole, then imports
all-or-nothing, file by file, each through the write door with its audit entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from core.changes import Changes
from core.progress import ProgressState
from core.services.imports import FilesRun, import_files
from core.services.store import Database

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

    return import_files(db, files, user=user, dry_run=dry_run, progress_for=reporter)
