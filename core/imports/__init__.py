"""File imports: reference data (members, clients, contracts, warehouses) and the daily
files (positions, trades, settlement prices, fund movements, receipts, orders, delivery).

``import_file(db, kind, path, user=...)`` validates a CSV or XLSX file against its
layout (``core.imports.layouts``, documented in ``docs/imports.md``) and upserts it
all-or-nothing; ``validate_file`` lists the errors without writing, ``check_files`` those
of a batch whose files depend on each other. No Qt: the GUI
calls these on a worker thread. Their errors are ``ImportInputError``s: English text plus a
message code and parameters (``core.imports.messages``) for other languages.
"""

from __future__ import annotations

from core.imports.layouts import (
    KINDS,
    LAYOUTS,
    REFERENCE_KINDS,
    Column,
    Layout,
    layout_markdown,
)
from core.imports.messages import TEMPLATES, ImportInputError, Message
from core.imports.service import (
    FileCheck,
    ImportResult,
    check_files,
    import_file,
    layout_for,
    validate_file,
)
from core.imports.validate import MAX_ERRORS, ProgressCallback

__all__ = [
    "KINDS",
    "LAYOUTS",
    "MAX_ERRORS",
    "REFERENCE_KINDS",
    "TEMPLATES",
    "Column",
    "FileCheck",
    "ImportInputError",
    "ImportResult",
    "Layout",
    "Message",
    "ProgressCallback",
    "check_files",
    "import_file",
    "layout_for",
    "layout_markdown",
    "validate_file",
]
