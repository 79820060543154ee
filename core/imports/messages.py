"""The import errors' wording: stable message codes, English templates and parameters.

Every message an import reports is ``TEMPLATES[code]`` filled with its parameters, so a
front end can word it in another language from the code and the parameters alone,
without parsing the English (the desktop keeps a Chinese catalogue of these templates,
and a test there fails when a code has no translation). The English text is what the
CLI prints; ``ImportInputError.message`` is exactly that text.

Parameters are plain strings. A few name things a front end may word itself:
``column`` is a layout column name, ``weekday`` an English weekday name, ``what`` the
kind of a code (client, member, warehouse, holder, contract, product), ``price_kind``
the kind of a stored price (settlement price, upper limit, lower limit, trade price,
closing order price, delivery price), and ``pairs`` (duplicate keys) holds the (column
name, value) pairs rendered in ``{key}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from core.errors import InputError

TEMPLATES: dict[str, str] = {
    # files (reader, service)
    "unknown_kind": "unknown import kind {kind}; known kinds: {kinds}",
    "unsupported_file_type": "unsupported file type {suffix}; use .csv or .xlsx",
    "cannot_read": "cannot read the file: {reason}",
    "file_empty": "the file is empty (expected a header in row 1)",
    "header_row_empty": "row 1 must hold the column headers; it is empty",
    "cannot_decode": "cannot decode the file as UTF-8 or GB18030 text; save it as CSV UTF-8",
    "malformed_csv": "malformed CSV: {detail}",
    "bad_workbook": "not a readable .xlsx workbook: {detail}",
    "no_sheets": "the workbook has no sheets",
    # headers and rows (validate)
    "duplicate_column": (
        "column '{column}' appears twice (as '{first}' in column {first_position} "
        "and in column {position})"
    ),
    "missing_column": "required column is missing (accepted headers: {accepted})",
    "no_data_rows": "the file has no data rows",
    "more_errors": "{count} more error(s) not shown; fix these and re-run",
    "missing_value": "required value is missing",
    # cells (values)
    "whole_number": "must be a whole number >= {minimum}, got '{value}'",
    "yuan_amount": "must be a yuan amount such as 3012.50, got '{value}'",
    "yuan_price": "must be a price in yuan such as 3012.50, got '{value}'",
    "whole_fen": "must have at most two decimals (whole fen), got '{value}'",
    "price_positive": "must be a price > 0, got '{value}'",
    "amount_bound": "must be an amount {bound}, got '{value}'",
    "date": "must be a date YYYY-MM-DD, got '{value}'",
    "beyond_calendar": "{detail}",
    "weekend": "must be a trading day, got '{value}' (a {weekday})",
    "exchange_closed": "must be a trading day, got '{value}' (a {weekday}, exchange closed)",
    "date_time": "must be a date and time YYYY-MM-DD HH:MM:SS, got '{value}'",
    "too_long": "must be at most {max_length} characters, got {length}",
    "one_of": "must be one of {allowed}, got '{value}'",
    "hedge": "must be 0 (speculative) or 1 (hedge), got '{value}'",
    "unknown_contract": "unknown contract (not in the contract table), got '{value}'",
    "unknown_product": "unknown product (not in the product table), got '{value}'",
    "unknown_client": "unknown client (not in the client table), got '{value}'",
    "unknown_member": "unknown member (not in the member table), got '{value}'",
    "unknown_warehouse": "unknown warehouse (not in the warehouse table), got '{value}'",
    "unknown_holder": "unknown holder (neither a client nor a member code), got '{value}'",
    "invalid_value": "{detail}",
    # plausibility (values, plausible; limits of [plausibility] in risk_params.toml)
    "too_large": "too large: must be at most {maximum}, got '{value}'",
    "too_large_line": (
        "too large for client {client} in {contract}: must be at most {maximum}, got '{value}'"
    ),
    "code_characters": (
        "must use only letters A-Z, digits 0-9 and - _ . (starting with a letter or a "
        "digit), got '{value}' ({character} at position {position})"
    ),
    "text_control": (
        "must not contain control characters or line breaks, got {character} at position {position}"
    ),
    "unknown_case": (
        "unknown {what}: codes are case-sensitive and the {what} table has '{other}', got '{value}'"
    ),
    "case_collision": (
        "differs only in letter case from the stored {what} '{other}'; codes are "
        "case-sensitive, so this would be a second {what}, got '{value}'"
    ),
    "case_collision_row": (
        "differs only in letter case from '{other}' on row {first_row}; codes are "
        "case-sensitive, so this would be a second {what}, got '{value}'"
    ),
    "date_future": "must not be after today ({today}), got '{value}'",
    "date_too_early": "must not be before {earliest}, got '{value}'",
    # reference data (values, validate, derive, upsert)
    "individual": "must be 1 (individual) or 0 (institution), got '{value}'",
    "contract_code": "must be a contract code: product letters + YYMM such as m2701, got '{value}'",
    "month_not_listed": "must be a delivery month the product lists ({allowed}), got '{value}'",
    "rate": "must be a rate > 0 and <= 1 such as 0.07 or 7%, got '{value}'",
    "rate_precision": (
        "must be a whole number of millionths (at most 6 decimals, 4 in percent), got '{value}'"
    ),
    "product_of_contract": "must be the product of contract {contract}, got '{value}'",
    "below_minimum_margin": (
        "must not be below the contract minimum margin rate ({minimum}), got '{value}'"
    ),
    "listed_after_last_day": "must not be after the last trading day ({last}), got '{value}'",
    "trading_code_too_long": (
        "member code + client code make the trading code '{value}', longer than "
        "{max_length} characters"
    ),
    "trading_code_taken": (
        "the trading code '{value}' (member code + client code) belongs to client {client}"
    ),
    # cross-field rules (validate)
    "off_tick": "must be a multiple of the tick of {contract} ({tick} yuan), got '{value}'",
    "not_listed_yet": "contract {contract} was not listed yet on {day} (listed {listed})",
    "expired": "contract {contract} had expired by {day} (last day {last})",
    "today_over_lots": "must not exceed lots ({lots}), got '{value}'",
    "limit_below_settlement": (
        "must not be below the settlement price ({settlement}), got '{value}'"
    ),
    "limit_above_settlement": (
        "must not be above the settlement price ({settlement}), got '{value}'"
    ),
    "other_member": (
        "must be a client of member {member} or the member itself, got member code '{value}'"
    ),
    "client_of_other_member": "client {client} belongs to member {owner}, not to {member}",
    "produced_after_registration": (
        "must not be after the registration date ({registered}), got '{value}'"
    ),
    "duplicate_key": "duplicate key ({key}): already on row {first_row}",
    "outside_band": (
        "must lie within the limit prices of {contract} on {day} ({lower} to {upper}), "
        "got '{value}'"
    ),
    "outside_derived_band": (
        "must lie within {multiple} price limits of {contract}'s settlement price "
        "{reference} on {reference_day} ({lower} to {upper}), got '{value}'"
    ),
    "price_ratio": (
        "must lie within {ratio} times {contract}'s settlement price {reference} on "
        "{reference_day} ({lower} to {upper}), got '{value}'"
    ),
    "fee_too_large": (
        "must not exceed {maximum} for {lots} lot(s) at {price} (lots x {per_lot} + "
        "{share} of the value), got '{value}'"
    ),
    "traded_at_window": (
        "must fall within the sessions of trading day {day} ({from_day} 00:00 to {day} "
        "23:59:59, Beijing time), got '{value}'"
    ),
    "lock_not_at_limit": (
        "a {lock} close needs the settlement price at the {side} limit price {limit}, "
        "got settlement price {settlement}"
    ),
    "receipt_tons": (
        "must be {low} to {high} tons for {lots} lot(s) of {product} ({unit} t a lot), "
        "got '{value}'"
    ),
    # delivery matches and EFP (validate, derive)
    "same_client": "must be a different client from the other party, got '{value}' for both",
    "individual_delivery": (
        "must not be an individual client (individuals may not deliver), got '{value}'"
    ),
    "not_rolling_day": (
        "must be a rolling-delivery matching day of {contract} ({first} to {last}), got '{value}'"
    ),
    "no_settlement_price": (
        "no settlement price of {contract} on {day} is stored; import the settlement "
        "prices first or give the price"
    ),
    "not_settlement_price": (
        "must be the settlement price of {contract} on {day} ({settlement}), got '{value}'"
    ),
    "no_fee_rate": "no EFP fee rate is in force for {contract} on {day} (resources/fees.toml)",
    # stored rows (upsert)
    "stored_key_twice": (
        "the database holds {count} records with this key; an import cannot tell which "
        "one to update"
    ),
    "allocated_match": (
        "cannot change a match whose receipts are already allocated to warehouses, got '{value}'"
    ),
    "tick_leaves_prices_off": (
        "a tick of {tick} yuan leaves {count} distinct stored price(s) of {contract} off "
        "the tick (e.g. the {price_kind} {price}), got '{value}'"
    ),
}


@dataclass(frozen=True)
class Message:
    """One message: ``TEMPLATES[code]`` and the values of its placeholders."""

    code: str
    params: Mapping[str, str] = dataclass_field(default_factory=dict)
    pairs: tuple[tuple[str, str], ...] = ()

    def text(self) -> str:
        """The English text (KeyError for an unknown code: every message has a template)."""
        return TEMPLATES[self.code].format_map(self.params)


def message(code: str, **params: object) -> Message:
    return Message(code, {name: str(value) for name, value in params.items()})


class CellError(ValueError):
    """A cell parser's refusal; ``str()`` is the English text."""

    def __init__(self, code: str, **params: object) -> None:
        self.msg = message(code, **params)
        super().__init__(self.msg.text())


class ImportInputError(InputError):
    """An InputError of an import that also carries its message code and parameters.

    ``kind`` is the import kind (when known), ``columns`` the layout columns the field
    stands for (one; several for a duplicate key) and ``headers`` their headers as the
    file spells them.
    """

    def __init__(
        self,
        msg: Message,
        *,
        source: str = "",
        row: int | None = None,
        field: str = "",
        kind: str = "",
        columns: tuple[str, ...] = (),
        headers: tuple[str, ...] = (),
    ) -> None:
        self.msg = msg
        self.kind = kind
        self.columns = columns
        self.headers = headers
        super().__init__(msg.text(), source=source, row=row, field=field)

    def __reduce__(self) -> tuple[object, ...]:
        # Exceptions pickle as cls(*args); ours are keyword-only.
        return (
            _rebuild,
            (
                self.msg,
                self.source,
                self.row,
                self.field,
                self.kind,
                self.columns,
                self.headers,
            ),
        )


def _rebuild(
    msg: Message,
    source: str,
    row: int | None,
    field: str,
    kind: str,
    columns: tuple[str, ...],
    headers: tuple[str, ...],
) -> ImportInputError:
    return ImportInputError(
        msg, source=source, row=row, field=field, kind=kind, columns=columns, headers=headers
    )


def file_problem(code: str, source: str, **params: object) -> ImportInputError:
    """A problem of the whole file (no row, no field)."""
    return ImportInputError(message(code, **params), source=source)
