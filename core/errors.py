"""Exceptions raised by the core. Every user-facing failure is a RiskDeskError."""

from __future__ import annotations


class RiskDeskError(Exception):
    """Base class for expected failures that the user can act on.

    ``exit_code`` is the command line's exit status for it: 2 bad input or usage (the
    default), 1 an operation that could not be done now (``DatabaseFaultError``).
    """

    exit_code = 2


class InputError(RiskDeskError):
    """Bad input: names the source (file or JSON document), the row and the field.

    ``row`` is 1-based as a person counts lines in a spreadsheet (the header is row 1),
    or ``None`` where the input has no rows.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str = "",
        row: int | None = None,
        field: str = "",
    ) -> None:
        self.message = message
        self.source = source
        self.row = row
        self.field = field
        super().__init__(self.describe())

    def describe(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ValidationErrors(RiskDeskError):  # noqa: N818 (a batch of InputErrors)
    """Several InputErrors found in one pass (imports report every bad row at once)."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        head = "; ".join(e.describe() for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"{len(errors)} error(s): {head}{more}")


class CaseError(RiskDeskError):
    """A rule-case JSON value is bad; ``path`` is its JSON path, e.g. input.lines[2].lots."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


class ConfigError(RiskDeskError):
    """A setting (database URL, config file key, parameter) is missing or invalid."""


class CalendarHorizonError(RiskDeskError):
    """A date lies beyond the trading calendar the app knows; refusing beats guessing."""


class OperationCancelledError(RiskDeskError):
    """The user cancelled a long operation; its transaction was rolled back."""


class DatabaseFaultError(RiskDeskError):
    """The database cannot do what was asked: damaged, full, read-only, unreachable or
    busy with another writer. The message is one line naming the database (password
    hidden) without SQL or row data, and says whether anything was written. ``kind``:
    "busy", "full", "damaged", "read-only", "io", "duplicate", "connection" or "refused"
    (``core.db.faults``); ``reason`` the driver's own words, when there are any."""

    exit_code = 1

    def __init__(self, message: str, kind: str = "", reason: str = "") -> None:
        self.kind = kind
        self.reason = reason or message
        super().__init__(message)


class PermissionRefusedError(DatabaseFaultError):
    """Server mode: the login's desk role may not do this write (``core.access``). Raised
    by the write door before writing, or when PostgreSQL itself refuses (SQLSTATE 42501);
    nothing was written."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message, "refused", reason)


class WriterBusyError(DatabaseFaultError):
    """Another writer (a settlement, an import, ...) holds the database's write lock and
    did not finish within the wait; nothing was written. ``holder`` describes it."""

    def __init__(self, message: str, holder: str = "") -> None:
        self.holder = holder
        super().__init__(message, "busy")
