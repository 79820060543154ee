"""Showing expected failures (RiskDeskError) to the user, with the place of bad input."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from core.errors import DatabaseFaultError, InputError, RiskDeskError, ValidationErrors
from desktop.i18n import QT_TRANSLATE_NOOP, translate

FAULT_HEADLINES = {
    "busy": QT_TRANSLATE_NOOP("Faults", "Another writer is using the database."),
    "full": QT_TRANSLATE_NOOP("Faults", "The database is full."),
    "damaged": QT_TRANSLATE_NOOP("Faults", "The database is damaged."),
    "read-only": QT_TRANSLATE_NOOP("Faults", "The database is read-only."),
    "io": QT_TRANSLATE_NOOP("Faults", "The database file cannot be read or written."),
    "duplicate": QT_TRANSLATE_NOOP("Faults", "Another writer stored the same data meanwhile."),
    "connection": QT_TRANSLATE_NOOP("Faults", "The connection to the database was lost."),
}
"""A translated first line per ``DatabaseFaultError.kind``; the core's message follows."""


def error_details(exc: RiskDeskError) -> str:
    """Where the error is (file, row, field) as lines, or "" when it names no place."""
    errors = exc.errors if isinstance(exc, ValidationErrors) else [exc]
    lines = []
    for err in errors:
        if isinstance(err, InputError) and (err.source or err.row is not None or err.field):
            parts = []
            if err.source:
                parts.append(translate("ErrorView", "File: %1").replace("%1", err.source))
            if err.row is not None:
                parts.append(translate("ErrorView", "Row: %1").replace("%1", str(err.row)))
            if err.field:
                parts.append(translate("ErrorView", "Field: %1").replace("%1", err.field))
            lines.append("  ".join(parts) + f"\n    {err.message}")
    return "\n".join(lines)


def show_error(parent: QWidget | None, exc: RiskDeskError, title: str | None = None) -> QMessageBox:
    """Show ``exc`` in a non-blocking warning box (the details list every bad input)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title or translate("ErrorView", "RiskDesk"))
    box.setText(str(exc) if not isinstance(exc, InputError) else exc.message)
    if isinstance(exc, DatabaseFaultError) and exc.kind in FAULT_HEADLINES:
        box.setText(translate("Faults", FAULT_HEADLINES[exc.kind]))
        box.setInformativeText(str(exc))
    details = error_details(exc)
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()
    return box
