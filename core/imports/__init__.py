"""File imports: positions, trades, settlement prices, fund movements, receipts, orders.

``import_file(db, kind, path, user=...)`` validates a CSV or XLSX file against its
layout (``core.imports.layouts``, documented in ``docs/imports.md``) and upserts it
all-or-nothing; ``validate_file`` lists the errors without writing. No Qt: the GUI
calls these on a worker thread. Their errors are ``ImportInputError``s: English text plus a
message code and parameters (``core.imports.messages``) for other languages.
"""

from __future__ import annotations

from core.imports.layouts import KINDS, LAYOUTS, Column, Layout, layout_markdown
from core.imports.messages import TEMPLATES, ImportInputError, Message
from core.imports.service import ImportResult, import_file, layout_for, validate_file
from core.imports.validate import MAX_ERRORS, ProgressCallback

__all__ = [
    "KINDS",
    "LAYOUTS",
    "MAX_ERRORS",
    "TEMPLATES",
    "Column",
    "ImportInputError",
    "ImportResult",
    "Layout",
    "Message",
    "ProgressCallback",
    "import_file",
    "layout_for",
    "layout_markdown",
    "validate_file",
]
