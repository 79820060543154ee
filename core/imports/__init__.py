"""File imports: reference data (members, clients, contracts, warehouses) and the daily
files (positions, trades, settlement prices, fund movements, receipts, orders, delivery).

The use case ``core.services.imports.import_file(db, kind, path, user=...)`` validates
a CSV or XLSX file against its layout (``core.imports.layouts``, documented in
``docs/imports.md``) and upserts it all-or-nothing through the write door, with the
steps of ``core.imports.service``; ``validate_file`` lists the errors without writing,
``check_files`` those of a batch whose files depend on each other. No Qt: the GUI
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
    "layout_for",
    "layout_markdown",
    "validate_file",
]
