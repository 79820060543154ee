"""Import errors in the UI language: messages from their code, fields as Chinese headers.

The core words every import error in English from a template (``core.imports.TEMPLATES``)
and keeps the template's code and parameters on the error (``ImportInputError``). Here
each template is a catalogue entry of the "ValidationErrors" context, so the Chinese
text is filled with the same parameters; nothing parses the English. A column named by
an error is shown with the Chinese header the imports accept for it (the first Chinese
alias of the layout column), unless the file itself used a Chinese header. Errors
without a code (other services' refusals) and codes without a catalogue entry are shown
as the core wrote them. ``tests/desktop/test_imports_i18n.py`` fails when a template has
no entry here or no Chinese translation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.errors import InputError
from core.imports import LAYOUTS, ImportInputError
from desktop.i18n import QT_TRANSLATE_NOOP, current_language, translate

CONTEXT = "ValidationErrors"

MESSAGE_TEXTS: dict[str, str] = {
    "unknown_kind": QT_TRANSLATE_NOOP(
        "ValidationErrors", "unknown import kind {kind}; known kinds: {kinds}"
    ),
    "unsupported_file_type": QT_TRANSLATE_NOOP(
        "ValidationErrors", "unsupported file type {suffix}; use .csv or .xlsx"
    ),
    "cannot_read": QT_TRANSLATE_NOOP("ValidationErrors", "cannot read the file: {reason}"),
    "file_empty": QT_TRANSLATE_NOOP(
        "ValidationErrors", "the file is empty (expected a header in row 1)"
    ),
    "header_row_empty": QT_TRANSLATE_NOOP(
        "ValidationErrors", "row 1 must hold the column headers; it is empty"
    ),
    "cannot_decode": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "cannot decode the file as UTF-8 or GB18030 text; save it as CSV UTF-8",
    ),
    "malformed_csv": QT_TRANSLATE_NOOP("ValidationErrors", "malformed CSV: {detail}"),
    "bad_workbook": QT_TRANSLATE_NOOP(
        "ValidationErrors", "not a readable .xlsx workbook: {detail}"
    ),
    "no_sheets": QT_TRANSLATE_NOOP("ValidationErrors", "the workbook has no sheets"),
    "duplicate_column": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "column '{column}' appears twice (as '{first}' in column {first_position} "
        "and in column {position})",
    ),
    "missing_column": QT_TRANSLATE_NOOP(
        "ValidationErrors", "required column is missing (accepted headers: {accepted})"
    ),
    "no_data_rows": QT_TRANSLATE_NOOP("ValidationErrors", "the file has no data rows"),
    "more_errors": QT_TRANSLATE_NOOP(
        "ValidationErrors", "{count} more error(s) not shown; fix these and re-run"
    ),
    "missing_value": QT_TRANSLATE_NOOP("ValidationErrors", "required value is missing"),
    "whole_number": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must be a whole number >= {minimum}, got '{value}'"
    ),
    "yuan_amount": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must be a yuan amount such as 3012.50, got '{value}'"
    ),
    "yuan_price": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must be a price in yuan such as 3012.50, got '{value}'"
    ),
    "whole_fen": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must have at most two decimals (whole fen), got '{value}'"
    ),
    "price_positive": QT_TRANSLATE_NOOP("ValidationErrors", "must be a price > 0, got '{value}'"),
    "amount_bound": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must be an amount {bound}, got '{value}'"
    ),
    "date": QT_TRANSLATE_NOOP("ValidationErrors", "must be a date YYYY-MM-DD, got '{value}'"),
    "beyond_calendar": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "'{value}' is outside the trading calendar ({known_from} to {known_until}): {detail}",
    ),
    "weekend": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must be a trading day, got '{value}' (a {weekday})"
    ),
    "exchange_closed": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must be a trading day, got '{value}' (a {weekday}, exchange closed)"
    ),
    "date_time": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must be a date and time YYYY-MM-DD HH:MM:SS, got '{value}'"
    ),
    "too_long": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must be at most {max_length} characters, got {length}"
    ),
    "one_of": QT_TRANSLATE_NOOP("ValidationErrors", "must be one of {allowed}, got '{value}'"),
    "hedge": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must be 0 (speculative) or 1 (hedge), got '{value}'"
    ),
    "unknown_contract": QT_TRANSLATE_NOOP(
        "ValidationErrors", "unknown contract (not in the contract table), got '{value}'"
    ),
    "unknown_product": QT_TRANSLATE_NOOP(
        "ValidationErrors", "unknown product (not in the product table), got '{value}'"
    ),
    "unknown_client": QT_TRANSLATE_NOOP(
        "ValidationErrors", "unknown client (not in the client table), got '{value}'"
    ),
    "unknown_member": QT_TRANSLATE_NOOP(
        "ValidationErrors", "unknown member (not in the member table), got '{value}'"
    ),
    "unknown_warehouse": QT_TRANSLATE_NOOP(
        "ValidationErrors", "unknown warehouse (not in the warehouse table), got '{value}'"
    ),
    "unknown_holder": QT_TRANSLATE_NOOP(
        "ValidationErrors", "unknown holder (neither a client nor a member code), got '{value}'"
    ),
    "invalid_value": QT_TRANSLATE_NOOP("ValidationErrors", "'{value}' is not valid: {detail}"),
    "individual": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must be 1 (individual) or 0 (institution), got '{value}'"
    ),
    "contract_code": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must be a contract code: product letters + YYMM such as m2701, got '{value}'",
    ),
    "month_not_listed": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must be a delivery month the product lists ({allowed}), got '{value}'"
    ),
    "rate": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must be a rate > 0 and <= 1 such as 0.07 or 7%, got '{value}'"
    ),
    "rate_precision": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must be a whole number of millionths (at most 6 decimals, 4 in percent), got '{value}'",
    ),
    "product_of_contract": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must be the product of contract {contract}, got '{value}'"
    ),
    "below_minimum_margin": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must not be below the contract minimum margin rate ({minimum}), got '{value}'",
    ),
    "listed_after_last_day": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must not be after the last trading day ({last}), got '{value}'"
    ),
    "trading_code_too_long": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "member code + client code make the trading code '{value}', longer than "
        "{max_length} characters",
    ),
    "trading_code_taken": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "the trading code '{value}' (member code + client code) belongs to client {client}",
    ),
    "off_tick": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must be a multiple of the tick of {contract} ({tick} yuan), got '{value}'",
    ),
    "not_listed_yet": QT_TRANSLATE_NOOP(
        "ValidationErrors", "contract {contract} was not listed yet on {day} (listed {listed})"
    ),
    "expired": QT_TRANSLATE_NOOP(
        "ValidationErrors", "contract {contract} had expired by {day} (last day {last})"
    ),
    "today_over_lots": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must not exceed lots ({lots}), got '{value}'"
    ),
    "limit_below_settlement": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must not be below the settlement price ({settlement}), got '{value}'"
    ),
    "limit_above_settlement": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must not be above the settlement price ({settlement}), got '{value}'"
    ),
    "other_member": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must be a client of member {member} or the member itself, got member code '{value}'",
    ),
    "client_of_other_member": QT_TRANSLATE_NOOP(
        "ValidationErrors", "client {client} belongs to member {owner}, not to {member}"
    ),
    "produced_after_registration": QT_TRANSLATE_NOOP(
        "ValidationErrors", "must not be after the registration date ({registered}), got '{value}'"
    ),
    "duplicate_key": QT_TRANSLATE_NOOP(
        "ValidationErrors", "duplicate key ({key}): already on row {first_row}"
    ),
    "same_client": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must be a different client from the other party, got '{value}' for both",
    ),
    "individual_delivery": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must not be an individual client (individuals may not deliver), got '{value}'",
    ),
    "not_rolling_day": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must be a rolling-delivery matching day of {contract} ({first} to {last}), got '{value}'",
    ),
    "no_settlement_price": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "no settlement price of {contract} on {day} is stored; import the settlement "
        "prices first or give the price",
    ),
    "not_settlement_price": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must be the settlement price of {contract} on {day} ({settlement}), got '{value}'",
    ),
    "no_fee_rate": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "no EFP fee rate is in force for {contract} on {day} (resources/fees.toml)",
    ),
    "stored_key_twice": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "the database holds {count} records with this key; an import cannot tell which "
        "one to update",
    ),
    "allocated_match": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "cannot change a match whose receipts are already allocated to warehouses, got '{value}'",
    ),
    "too_large": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "too large: must be at most {maximum}, got '{value}'",
    ),
    "code_characters": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must use only letters A-Z, digits 0-9 and - _ . (starting with a "
        "letter or a digit), got '{value}' ({character} at position {position})",
    ),
    "text_control": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must not contain control characters or line breaks, got {character} at "
        "position {position}",
    ),
    "unknown_case": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "unknown {what}: codes are case-sensitive and the {what} table has "
        "'{other}', got '{value}'",
    ),
    "case_collision": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "differs only in letter case from the stored {what} '{other}'; codes "
        "are case-sensitive, so this would be a second {what}, got '{value}'",
    ),
    "case_collision_row": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "differs only in letter case from '{other}' on row {first_row}; codes "
        "are case-sensitive, so this would be a second {what}, got '{value}'",
    ),
    "date_future": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must not be after today ({today}), got '{value}'",
    ),
    "date_too_early": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must not be before {earliest}, got '{value}'",
    ),
    "outside_band": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must lie within the limit prices of {contract} on {day} ({lower} to "
        "{upper}), got '{value}'",
    ),
    "outside_derived_band": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must lie within {multiple} price limits of {contract}'s settlement "
        "price {reference} on {reference_day} ({lower} to {upper}), got "
        "'{value}'",
    ),
    "price_ratio": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must lie within {ratio} times {contract}'s settlement price "
        "{reference} on {reference_day} ({lower} to {upper}), got '{value}'",
    ),
    "fee_too_large": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must not exceed {maximum} for {lots} lot(s) at {price} (lots x "
        "{per_lot} + {share} of the value), got '{value}'",
    ),
    "traded_at_window": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must fall within the sessions of trading day {day} ({from_day} 00:00 "
        "to {day} 23:59:59, Beijing time), got '{value}'",
    ),
    "lock_not_at_limit": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "a {lock} close needs the settlement price at the {side} limit price "
        "{limit}, got settlement price {settlement}",
    ),
    "receipt_tons": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "must be {low} to {high} tons for {lots} lot(s) of {product} ({unit} t "
        "a lot), got '{value}'",
    ),
    "tick_leaves_prices_off": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "a tick of {tick} yuan leaves {count} distinct stored price(s) of "
        "{contract} off the tick (e.g. the {price_kind} {price}), got '{value}'",
    ),
    "too_large_line": QT_TRANSLATE_NOOP(
        "ValidationErrors",
        "too large for client {client} in {contract}: must be at most {maximum}, got '{value}'",
    ),
}
"""Message code → catalogue entry: the core's English template, except where that is a
bare "{detail}" (a text the core passes on), which gets a source text of its own."""
OWN_SOURCES = frozenset({"beyond_calendar", "invalid_value"})

# Parameters holding a word of a fixed English vocabulary (``weekday``, ``what``,
# ``price_kind``).
WORDS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("ValidationErrors", "Monday"),
    QT_TRANSLATE_NOOP("ValidationErrors", "Tuesday"),
    QT_TRANSLATE_NOOP("ValidationErrors", "Wednesday"),
    QT_TRANSLATE_NOOP("ValidationErrors", "Thursday"),
    QT_TRANSLATE_NOOP("ValidationErrors", "Friday"),
    QT_TRANSLATE_NOOP("ValidationErrors", "Saturday"),
    QT_TRANSLATE_NOOP("ValidationErrors", "Sunday"),
    QT_TRANSLATE_NOOP("ValidationErrors", "client"),
    QT_TRANSLATE_NOOP("ValidationErrors", "member"),
    QT_TRANSLATE_NOOP("ValidationErrors", "warehouse"),
    QT_TRANSLATE_NOOP("ValidationErrors", "holder"),
    QT_TRANSLATE_NOOP("ValidationErrors", "contract"),
    QT_TRANSLATE_NOOP("ValidationErrors", "product"),
    QT_TRANSLATE_NOOP("ValidationErrors", "settlement price"),
    QT_TRANSLATE_NOOP("ValidationErrors", "upper limit"),
    QT_TRANSLATE_NOOP("ValidationErrors", "lower limit"),
    QT_TRANSLATE_NOOP("ValidationErrors", "trade price"),
    QT_TRANSLATE_NOOP("ValidationErrors", "closing order price"),
    QT_TRANSLATE_NOOP("ValidationErrors", "delivery price"),
)
_WORD_PARAMS = ("weekday", "what", "price_kind")

# Punctuation and the place of an error ("file, row 3, field 'lots': message").
LIST_SEPARATOR = QT_TRANSLATE_NOOP("ValidationErrors", ", ")
ROW = QT_TRANSLATE_NOOP("ValidationErrors", "row %1")
FIELD = QT_TRANSLATE_NOOP("ValidationErrors", "field '%1'")
PLACED = QT_TRANSLATE_NOOP("ValidationErrors", "%1: %2")
COUNTED = QT_TRANSLATE_NOOP("ValidationErrors", "%1 error(s): %2")
SUMMARY_SEPARATOR = QT_TRANSLATE_NOOP("ValidationErrors", "; ")
AND_MORE = QT_TRANSLATE_NOOP("ValidationErrors", " (and %1 more)")
AS_IN_FILE = QT_TRANSLATE_NOOP("ValidationErrors", "Header in the file: %1")


def _tr(text: str) -> str:
    return translate(CONTEXT, text)


def _fill(template: str, *args: str) -> str:
    """Qt-style ``%1``…``%9`` in one pass (an argument's own "%2" stays as it is)."""
    return re.sub(
        r"%([1-9])",
        lambda m: args[int(m.group(1)) - 1] if int(m.group(1)) <= len(args) else m.group(0),
        template,
    )


def header_name(kind: str, column: str, file_header: str = "") -> str:
    """How the UI names layout column ``column`` of ``kind``.

    English: the file's header (what the core reports), else the column name. Chinese:
    the file's header when it is Chinese already, else the first Chinese header the
    layout accepts for the column (``Column.aliases``), else the column name.
    """
    plain = file_header or column
    if current_language() == "en" or (file_header and not file_header.isascii()):
        return plain
    layout = LAYOUTS.get(kind)
    if layout is None:
        return plain
    try:
        aliases = layout.column(column).aliases
    except KeyError:
        return plain
    return next((a for a in aliases if not a.isascii()), plain)


def field_text(error: InputError) -> str:
    """The field of ``error`` in the UI language ("" where it names none)."""
    if current_language() == "en" or not isinstance(error, ImportInputError) or not error.columns:
        return error.field
    headers = error.headers if len(error.headers) == len(error.columns) else error.columns
    names = (header_name(error.kind, c, h) for c, h in zip(error.columns, headers, strict=True))
    return "+".join(names)


def message_text(error: InputError) -> str:
    """The message of ``error`` in the UI language.

    English, an error without a code, a code without a catalogue entry or an entry
    without a translation: the core's own text.
    """
    if current_language() == "en" or not isinstance(error, ImportInputError):
        return error.message
    msg = error.msg
    source = MESSAGE_TEXTS.get(msg.code)
    template = None if source is None else _tr(source)
    if source is None or not template or template == source:
        return error.message
    params = dict(msg.params)
    for name in _WORD_PARAMS:
        if params.get(name) in WORDS:
            params[name] = _tr(params[name])
    if "column" in params:
        params["column"] = header_name(error.kind, params["column"])
    if msg.pairs:
        headers = dict(zip(error.columns, error.headers, strict=False))
        params["key"] = _tr(LIST_SEPARATOR).join(
            f"{header_name(error.kind, c, headers.get(c, ''))}={v}" for c, v in msg.pairs
        )
    try:
        text = template.format_map(params)
    except (KeyError, ValueError, IndexError):  # a broken translation: keep the English
        return error.message
    return text or error.message


def header_tooltip(error: InputError) -> str:
    """The file's own header when the field is shown under another name, else ""."""
    shown = field_text(error)
    if (
        not isinstance(error, ImportInputError)
        or shown == error.field
        or error.msg.code == "missing_column"  # not in the file at all
    ):
        return ""
    return _fill(_tr(AS_IN_FILE), error.field)


def describe(error: InputError) -> str:
    """``InputError.describe`` in the UI language: file, row, field, then the message."""
    where = []
    if error.source:
        where.append(error.source)
    if error.row is not None:
        where.append(_fill(_tr(ROW), str(error.row)))
    field = field_text(error)
    if field:
        where.append(_fill(_tr(FIELD), field))
    text = message_text(error)
    if not where:
        return text
    return _fill(_tr(PLACED), _tr(LIST_SEPARATOR).join(where), text)


def summary(errors: Sequence[InputError], fallback: str) -> str:
    """A banner line for the import ``errors`` a refusal stands for.

    ``fallback`` is the refusal's own text (``str`` of the exception), kept when no error
    is an import's; in English the result equals it (``ValidationErrors`` wording: the
    first five errors, then a count).
    """
    if not any(isinstance(e, ImportInputError) for e in errors):
        return fallback
    if len(errors) == 1 and fallback == errors[0].describe():  # one error, not a batch
        return describe(errors[0])
    head = _tr(SUMMARY_SEPARATOR).join(describe(e) for e in errors[:5])
    more = _fill(_tr(AND_MORE), str(len(errors) - 5)) if len(errors) > 5 else ""
    return _fill(_tr(COUNTED), str(len(errors)), head + more)
