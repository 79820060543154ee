"""Validation of an import table against its layout: every bad cell, or clean rows.

Column-wise: each column is factorised, its distinct values parsed once
(``core.imports.values``), and cross-field rules (tick, today_lots ≤ lots, limit order,
client of member, parties that differ, duplicate keys) are numpy expressions over whole
columns; the delivery kinds add their rules and computed columns (``core.imports.derive``).
Messages are built only for failing rows, and at most ``max_errors`` of them per check;
each is an ``ImportInputError`` carrying its message code and parameters
(``core.imports.messages``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.errors import InputError
from core.imports.derive import RowText, derive
from core.imports.layouts import Column, Layout, ValueType, normalise_header
from core.imports.messages import CellError, ImportInputError, Message, message
from core.imports.plausible import plausibility_problems
from core.imports.reader import RawTable
from core.imports.reference import ReferenceData
from core.imports.values import CODE_RE, Parser, parser_for
from core.money import FEN_PER_YUAN
from core.trading_calendar import TradingCalendar

MAX_ERRORS = 200

ProgressCallback = Callable[[str, int, int | None], None]
"""``progress(stage, done, total)``; may raise OperationCancelledError to abort."""

ObjArray = npt.NDArray[np.object_]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Stored value of an empty optional cell; other types store NULL.
_EMPTY_DEFAULTS: dict[ValueType, Any] = {
    ValueType.INTEGER: 0,
    ValueType.MONEY: 0,
    ValueType.HEDGE: False,
    ValueType.LIMIT_LOCK: "none",
    ValueType.RECEIPT_STATUS: "held",
    ValueType.WAREHOUSE_KIND: "warehouse",
    ValueType.TEXT: "",
}
_BOOL_TYPES = (ValueType.HEDGE, ValueType.INDIVIDUAL)
_INT_TYPES = (ValueType.INTEGER, ValueType.MONEY, ValueType.PRICE)


@dataclass(frozen=True)
class ValidRows:
    """Clean rows ready to store: ``frame`` columns are ORM attribute names.

    ``present`` holds the attributes the file supplied or the import computed; a
    re-import updates only those (an absent optional column keeps the stored value, new
    rows get its default). ``headers`` maps layout column names to the file's headers.
    """

    layout: Layout
    frame: pd.DataFrame
    present: frozenset[str]
    rows: IntArray
    ignored_headers: tuple[str, ...]
    headers: dict[str, str] = dataclass_field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class Validation:
    """Outcome of validating one table: clean rows, or the errors (sorted by row)."""

    valid: ValidRows | None
    errors: list[InputError]


class RowErrors:
    """Collects errors per check, keeping at most ``limit`` messages of each (also used
    by ``core.imports.upsert`` for the checks against stored rows)."""

    def __init__(self, source: str, rows: IntArray, limit: int, kind: str) -> None:
        self.source = source
        self.kind = kind
        self.rows = rows
        self.limit = limit
        self.total = 0
        self.bad: BoolArray = np.zeros(len(rows), dtype=bool)
        self._items: list[tuple[int, int, InputError]] = []

    def has_errors(self) -> bool:
        return self.total > 0

    def _problem(
        self,
        msg: Message,
        row: int | None,
        field: str,
        columns: tuple[str, ...],
        headers: tuple[str, ...] | None = None,
    ) -> ImportInputError:
        # ``field`` is the file's header of the column (of each key column, "+"-joined).
        if headers is None:
            headers = (field,) if columns else ()
        return ImportInputError(
            msg,
            source=self.source,
            row=row,
            field=field,
            kind=self.kind,
            columns=columns,
            headers=headers,
        )

    def header(self, order: int, field: str, msg: Message, column: str = "") -> None:
        self.total += 1
        columns = (column,) if column else ()
        self._items.append((1, order, self._problem(msg, 1, field, columns)))

    def add(
        self,
        mask: BoolArray,
        order: int,
        field: str,
        msg: Callable[[int], Message],
        columns: tuple[str, ...],
        headers: tuple[str, ...] | None = None,
    ) -> None:
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        self.total += len(idx)
        self.bad[idx] = True
        for i in idx[: self.limit]:
            row = int(self.rows[i])
            problem = self._problem(msg(int(i)), row, field, columns, headers)
            self._items.append((row, order, problem))

    def result(self) -> list[InputError]:
        items = sorted(self._items, key=lambda t: (t[0], t[1]))[: self.limit]
        out = [e for _, _, e in items]
        if self.total > len(out):
            more = message("more_errors", count=self.total - len(out))
            out.append(ImportInputError(more, source=self.source, kind=self.kind))
        return out


@dataclass
class _Parsed:
    """One column: raw text, parsed values and masks (per row)."""

    column: Column
    field: str
    order: int
    text: RowText
    values: ObjArray
    ok: BoolArray
    empty: BoolArray

    def ints(self) -> IntArray:
        """Values as int64 (0 where bad or empty without default)."""
        filled = np.where(self.ok & ~pd.isna(self.values), self.values, 0)
        return filled.astype(np.int64)


def _map_headers(
    layout: Layout, raw_headers: tuple[str, ...], errors: RowErrors
) -> tuple[dict[str, int], tuple[str, ...]]:
    """Column name → file position; reports missing and doubled columns on row 1."""
    lookup: dict[str, str] = {}
    for c in layout.columns:
        for alias in (c.name, *c.aliases):
            lookup[normalise_header(alias)] = c.name
    found: dict[str, int] = {}
    ignored: list[str] = []
    for pos, header in enumerate(raw_headers):
        name = lookup.get(normalise_header(header))
        if name is None:
            if header:
                ignored.append(header)
            continue
        if name in found:
            first = raw_headers[found[name]]
            errors.header(
                pos,
                header,
                message(
                    "duplicate_column",
                    column=name,
                    first=first,
                    first_position=found[name] + 1,
                    position=pos + 1,
                ),
                name,
            )
            continue
        found[name] = pos
    for order, c in enumerate(layout.columns):
        if c.required and c.name not in found:
            accepted = ", ".join((c.name, *c.aliases))
            errors.header(
                1000 + order, c.name, message("missing_column", accepted=accepted), c.name
            )
    return found, tuple(ignored)


@dataclass(frozen=True)
class CodedText:
    """A categorical column's cells as written: row ``i`` is ``uniques[codes[i]]``."""

    codes: npt.NDArray[np.integer[Any]]
    uniques: ObjArray

    def __getitem__(self, row: int, /) -> Any:
        return self.uniques[self.codes[row]]


def _parse_column(
    column: Column,
    field: str,
    order: int,
    text: ObjArray | CodedText,
    parser: Parser,
    errors: RowErrors,
    whose: Callable[[int], dict[str, str]] | None = None,
    factors: tuple[npt.NDArray[np.integer[Any]], ObjArray] | None = None,
) -> _Parsed:
    """Parse one column's distinct values; ``whose(i)`` names the client and contract of
    row ``i`` for a value too large (a lot count of 4,000,000,000,000 is worth naming).
    ``factors`` are the column's codes and distinct values if the reader has them."""
    if factors is not None:
        codes, uniques = factors
    else:
        assert not isinstance(text, CodedText)
        codes, uniques = pd.factorize(text)
    n_unique = len(uniques)
    values_u = np.empty(n_unique, dtype=object)
    message_u: list[Message | None] = [None] * n_unique
    empty_u = np.zeros(n_unique, dtype=bool)
    default = _EMPTY_DEFAULTS.get(column.type)
    normalise = column.type is not ValueType.TEXT  # free text is kept as written
    todo: Any = range(n_unique)
    if column.type is ValueType.CODE and n_unique > _VECTOR_ABOVE:
        # Plain ASCII codes within the length are their own parsed value (NFKC and
        # strip change nothing): one vectorised match instead of a parser call each.
        plain = _plain_codes(uniques, column.max_length)
        values_u[plain] = uniques[plain]
        todo = np.flatnonzero(~plain).tolist()
    for k in todo:
        raw_cell = uniques[k]
        cell = str(raw_cell).strip()
        if normalise:  # NFKC: full-width digits and letters are the ASCII ones
            cell = unicodedata.normalize("NFKC", cell).strip()
        if cell == "":
            empty_u[k] = True
            if column.required:
                message_u[k] = message("missing_value")
            values_u[k] = default
            continue
        try:
            values_u[k] = parser(cell)
        except CellError as exc:
            message_u[k] = exc.msg
        except ValueError as exc:  # not worded by a parser: kept as it is
            message_u[k] = message("invalid_value", detail=exc, value=cell)
    bad_u = np.array([m is not None for m in message_u], dtype=bool)
    bad = bad_u[codes]

    def cell_message(i: int) -> Message:
        found = message_u[int(codes[i])]
        assert found is not None
        if found.code == "too_large" and whose is not None:
            named = whose(i)
            if named:
                return Message("too_large_line", {**found.params, **named})
        return found

    errors.add(bad, order, field, cell_message, (column.name,))
    return _Parsed(column, field, order, text, values_u[codes], ~bad, empty_u[codes])


_VECTOR_ABOVE = 1_000
_CODE_BODY = CODE_RE.pattern.removeprefix("^").removesuffix("$")


def _plain_codes(uniques: ObjArray, max_length: int | None) -> BoolArray:
    """Which distinct cells are codes exactly as written (``CODE_RE``, whole cell).

    Matched by Arrow (RE2, in C++: a million distinct trade numbers in a few tens of
    milliseconds); the pattern is ASCII classes only, which RE2 and ``re`` read alike,
    anchored at both ends as ``fullmatch``. Anything not a plain code goes through the
    parser, which has the words for what is wrong with it."""
    try:
        text = pa.array(uniques, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all text: the parser decides
        return np.zeros(len(uniques), dtype=bool)
    plain = pc.match_substring_regex(text, f"^(?:{_CODE_BODY})$")
    if max_length is not None:
        plain = pc.and_(plain, pc.less_equal(pc.utf8_length(text), max_length))
    return np.asarray(plain.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def validate_table(
    layout: Layout,
    raw: RawTable,
    refs: ReferenceData,
    calendar: TradingCalendar,
    *,
    max_errors: int = MAX_ERRORS,
    progress: ProgressCallback | None = None,
) -> Validation:
    """Check every cell of ``raw`` against ``layout``.

    Pure: reads nothing but its arguments. Returns the clean rows if there is no error,
    else the errors sorted by row (at most ``max_errors``, plus one "more" line).
    """
    errors = RowErrors(raw.source, raw.rows, max_errors, layout.kind)
    found, ignored = _map_headers(layout, raw.headers, errors)
    if errors.has_errors():
        return Validation(None, errors.result())
    if len(raw) == 0:
        errors.header(0, "", message("no_data_rows"))
        return Validation(None, errors.result())

    known = refs.known()
    parsed: dict[str, _Parsed] = {}
    present = [c for c in layout.columns if c.name in found]
    for done, c in enumerate(present):
        if progress is not None:
            progress("validate", done, len(present))
        pos = found[c.name]
        column = raw.frame[pos]
        text: ObjArray | CodedText
        factors = None
        if isinstance(column.dtype, pd.CategoricalDtype):  # the CSV reader's
            cat = column.cat
            factors = (cat.codes.to_numpy(), cat.categories.to_numpy(dtype=object))
            text = CodedText(*factors)  # no object array of a million cells
        else:
            text = column.to_numpy(dtype=object)
        parsed[c.name] = _parse_column(
            c,
            raw.headers[pos],
            layout.columns.index(c),
            text,
            parser_for(c, calendar, known, refs.product_facts, refs.limits, refs.today),
            errors,
            _whose(parsed),
            factors,
        )
    if progress is not None:
        progress("validate", len(present), len(present))

    _resolve_buy_sell(layout, parsed)
    _check_ticks(parsed, refs, errors)
    _check_contract_life(layout, parsed, refs, errors)
    _check_rules(layout, parsed, refs, errors)
    derived = derive(layout, parsed, refs, calendar)
    plausible = plausibility_problems(layout, parsed, refs, calendar, raw.rows)
    for problem in [*derived.problems, *plausible]:
        p = parsed.get(problem.column)
        order = layout.columns.index(layout.column(problem.column))
        field = p.field if p is not None else problem.column
        errors.add(problem.mask, order, field, problem.message, (problem.column,))
    _check_duplicates(layout, parsed, found, raw.headers, errors)
    if errors.has_errors():
        return Validation(None, errors.result())

    n = len(raw)
    data: dict[str, Any] = {}
    for c in layout.columns:
        p = parsed.get(c.name)
        if p is None:
            default = _EMPTY_DEFAULTS.get(c.type)
            data[c.db] = np.full(n, default, dtype=object)
        elif c.type in _INT_TYPES and not (c.type is ValueType.PRICE and not c.required):
            data[c.db] = p.ints()
        elif c.type in _BOOL_TYPES:
            data[c.db] = p.values.astype(bool)
        else:
            data[c.db] = p.values
    # Defaults that depend on the row (a contract's product), then computed columns.
    data.update(derived.fills)
    data.update(derived.values)
    # Explicit object dtype: pandas would turn text columns into its "str" dtype, where
    # None (NULL) becomes NaN. copy=False: a block per column, as given (stacking a
    # million-row trades file's object columns into one 2-D block took seconds).
    frame = pd.DataFrame(
        {
            name: pd.Series(values, dtype=object) if values.dtype == object else values
            for name, values in data.items()
        },
        copy=False,
    )
    return Validation(
        ValidRows(
            layout=layout,
            frame=frame,
            present=frozenset(layout.column(name).db for name in found) | set(derived.values),
            rows=raw.rows,
            ignored_headers=ignored,
            headers={name: raw.headers[pos] for name, pos in found.items()},
            source=raw.source,
        ),
        [],
    )


def _whose(parsed: dict[str, _Parsed]) -> Callable[[int], dict[str, str]] | None:
    """The client and contract of a row, from the columns parsed so far (the layouts
    put them before the numbers)."""
    client = parsed.get("client") or parsed.get("seller")
    contract = parsed.get("contract")
    if client is None or contract is None:
        return None

    def named(i: int) -> dict[str, str]:
        if not (client.ok[i] and contract.ok[i]):
            return {}
        return {"client": str(client.values[i]), "contract": str(contract.values[i])}

    return named


# ------------------------------------------------------------------ cross-field rules
def _resolve_buy_sell(layout: Layout, parsed: dict[str, _Parsed]) -> None:
    """Turn buy/sell into the position side (see ``Layout.buy_sell``)."""
    side = parsed.get("side")
    if side is None:
        return
    values = side.values
    is_buy = values == "buy"
    is_sell = values == "sell"
    if not (is_buy.any() or is_sell.any()):
        return
    if layout.buy_sell == "action":
        action = parsed["action"]
        closes = action.ok & (action.values == "close")
        buy_side = np.where(closes, "short", "long")
    elif layout.buy_sell == "closing":
        buy_side = np.full(len(values), "short", dtype=object)
    else:
        buy_side = np.full(len(values), "long", dtype=object)
    sell_side = np.where(buy_side == "long", "short", "long")
    side.values = np.where(is_buy, buy_side, np.where(is_sell, sell_side, values)).astype(object)


def _yuan(fen: int) -> str:
    whole, cents = divmod(fen, FEN_PER_YUAN)
    return f"{whole}.{cents:02d}"


def _check_ticks(parsed: dict[str, _Parsed], refs: ReferenceData, errors: RowErrors) -> None:
    contract = parsed.get("contract")
    if contract is None:
        return
    codes, uniques = pd.factorize(np.where(contract.ok, contract.values, ""))
    tick_u = np.array([refs.contract_ticks.get(str(u), 0) for u in uniques], dtype=np.int64)
    ticks = tick_u[codes]
    for p in parsed.values():
        if p.column.type is ValueType.PRICE:
            _check_tick(p, contract, ticks, errors)


def _check_tick(price: _Parsed, contract: _Parsed, ticks: IntArray, errors: RowErrors) -> None:
    fen = price.ints()
    on_tick = fen % np.where(ticks > 0, ticks, 1) == 0
    mask = price.ok & ~price.empty & (ticks > 0) & ~on_tick

    def off_tick(i: int) -> Message:
        return message(
            "off_tick",
            contract=contract.values[i],
            tick=_yuan(int(ticks[i])),
            value=price.text[i],
        )

    errors.add(mask, price.order, price.field, off_tick, (price.column.name,))
    price.ok = price.ok & ~mask


def _check_contract_life(
    layout: Layout, parsed: dict[str, _Parsed], refs: ReferenceData, errors: RowErrors
) -> None:
    """A row's day (``Layout.day``) must fall within its contract's life (listed, not
    expired)."""
    contract, day = parsed.get("contract"), parsed.get(layout.day)
    if contract is None or day is None or not refs.contract_life:
        return
    idx = np.flatnonzero(contract.ok & day.ok)
    c_codes, c_uniques = pd.factorize(contract.values[idx])
    d_codes, d_uniques = pd.factorize(day.values[idx])
    pairs, inverse = np.unique(c_codes * len(d_uniques) + d_codes, return_inverse=True)
    problems: dict[int, tuple[str, dict[str, object]]] = {}
    for k, pair in enumerate(pairs.tolist()):
        code, when = c_uniques[pair // len(d_uniques)], d_uniques[pair % len(d_uniques)]
        listed, last = refs.contract_life.get(str(code), (None, None))
        if listed is not None and when < listed:
            problems[k] = ("not_listed_yet", {"day": when, "listed": listed})
        elif last is not None and when > last:
            problems[k] = ("expired", {"day": when, "last": last})
    if not problems:
        return
    pair_of_row = np.full(len(contract.ok), -1, dtype=np.int64)
    pair_of_row[idx] = inverse.reshape(-1)
    mask = np.isin(pair_of_row, np.fromiter(problems, dtype=np.int64))

    def outside_life(i: int) -> Message:
        code, params = problems[int(pair_of_row[i])]
        return message(code, contract=contract.values[i], **params)

    errors.add(mask, contract.order, contract.field, outside_life, (contract.column.name,))
    contract.ok = contract.ok & ~mask


def _check_rules(
    layout: Layout, parsed: dict[str, _Parsed], refs: ReferenceData, errors: RowErrors
) -> None:
    if "today_lots" in parsed:
        _check_today_lots(parsed["lots"], parsed["today_lots"], errors)
    if "settlement_price" in parsed:
        settle = parsed["settlement_price"]
        for name, sign in (("upper_limit", 1), ("lower_limit", -1)):
            limit = parsed.get(name)
            if limit is not None:
                _check_limit(settle, limit, sign, errors)
    member = parsed.get("member")
    for name in ("client", "holder"):
        party = parsed.get(name)
        # Only a party named by reference: the clients import defines its clients.
        if party is not None and member is not None and party.column.type in _PARTY_TYPES:
            _check_member_of(party, member, refs, errors)
    if "production_date" in parsed and "registration_date" in parsed:
        _check_production(parsed["production_date"], parsed["registration_date"], errors)
    if layout.parties:
        first, second = (parsed[name] for name in layout.parties)
        _check_parties_differ(first, second, errors)
    for name in layout.institutions:
        _check_not_individual(parsed[name], refs, errors)


_PARTY_TYPES = (ValueType.CLIENT, ValueType.HOLDER)


def _check_parties_differ(first: _Parsed, second: _Parsed, errors: RowErrors) -> None:
    """The two sides of a delivery or an EFP are different clients (reported on the second)."""
    same = first.ok & second.ok & (first.values == second.values)

    def same_client(i: int) -> Message:
        return message("same_client", value=second.text[i])

    errors.add(same, second.order, second.field, same_client, (second.column.name,))
    second.ok = second.ok & ~same


def _check_not_individual(party: _Parsed, refs: ReferenceData, errors: RowErrors) -> None:
    """Individuals may not deliver (spec 2.j, Delivery Rules art. 4)."""
    codes, uniques = pd.factorize(np.where(party.ok, party.values, ""))
    individual_u = np.array([str(u) in refs.individuals for u in uniques], dtype=bool)
    mask = party.ok & individual_u[codes]

    def individual(i: int) -> Message:
        return message("individual_delivery", value=party.text[i])

    errors.add(mask, party.order, party.field, individual, (party.column.name,))
    party.ok = party.ok & ~mask


def _check_today_lots(lots: _Parsed, today: _Parsed, errors: RowErrors) -> None:
    mask = lots.ok & today.ok & (today.ints() > lots.ints())

    def over_lots(i: int) -> Message:
        return message("today_over_lots", lots=lots.text[i], value=today.text[i])

    errors.add(mask, today.order, today.field, over_lots, (today.column.name,))


def _check_limit(settle: _Parsed, limit: _Parsed, sign: int, errors: RowErrors) -> None:
    both = settle.ok & limit.ok & ~limit.empty
    wrong_side = (limit.ints() - settle.ints()) * sign < 0
    code = "limit_below_settlement" if sign == 1 else "limit_above_settlement"

    def wrong(i: int) -> Message:
        return message(code, settlement=settle.text[i], value=limit.text[i])

    errors.add(both & wrong_side, limit.order, limit.field, wrong, (limit.column.name,))


def _check_member_of(
    party: _Parsed, member: _Parsed, refs: ReferenceData, errors: RowErrors
) -> None:
    """A client (or receipt holder) must belong to the row's member."""
    # empty optional cells hold None, which factorize codes as -1 (not a valid index)
    codes, uniques = pd.factorize(np.where(party.ok & ~party.empty, party.values, ""))
    owner_u = np.array([refs.client_members.get(str(u), "") for u in uniques], dtype=object)
    owner = owner_u[codes]
    is_member_itself = party.values == member.values
    mask = party.ok & member.ok & ~party.empty & ~is_member_itself & (owner != member.values)

    def not_of_member(i: int) -> Message:
        if not owner[i]:  # another member's own code
            return message("other_member", member=member.values[i], value=party.text[i])
        return message(
            "client_of_other_member",
            client=party.values[i],
            owner=owner[i],
            member=member.values[i],
        )

    errors.add(mask, party.order, party.field, not_of_member, (party.column.name,))


def _check_production(made: _Parsed, registered: _Parsed, errors: RowErrors) -> None:
    both = made.ok & registered.ok & ~made.empty
    later = np.zeros(len(both), dtype=bool)
    idx = np.flatnonzero(both)
    later[idx] = made.values[idx] > registered.values[idx]

    def too_late(i: int) -> Message:
        return message(
            "produced_after_registration",
            registered=registered.values[i].isoformat(),
            value=made.text[i],
        )

    errors.add(later, made.order, made.field, too_late, (made.column.name,))


def _check_duplicates(
    layout: Layout,
    parsed: dict[str, _Parsed],
    found: dict[str, int],
    headers: tuple[str, ...],
    errors: RowErrors,
) -> None:
    key_parsed = [parsed[name] for name in layout.key if name in parsed]
    ok = np.logical_and.reduce([p.ok for p in key_parsed])
    if not ok.any():
        return
    # One integer per distinct key (as DataFrame.duplicated: each column factorised,
    # missing values equal to each other), without a frame of the key columns.
    key = pd.Series(_key_codes([p.values for p in key_parsed]))
    dup = key.duplicated(keep="first").to_numpy(dtype=bool) & ok
    if not dup.any():
        return
    involved = np.flatnonzero(key.duplicated(keep=False).to_numpy(dtype=bool) & ok)
    first_row: dict[tuple[Any, ...], int] = {}
    for i in involved:
        first_row.setdefault(tuple(p.values[i] for p in key_parsed), int(errors.rows[i]))
    key_headers = tuple(headers[found[p.column.name]] for p in key_parsed)
    field = "+".join(key_headers)

    def duplicate(i: int) -> Message:
        key = tuple(p.values[i] for p in key_parsed)
        pairs = tuple((p.column.name, show(v)) for p, v in zip(key_parsed, key, strict=True))
        shown = ", ".join(f"{name}={value}" for name, value in pairs)
        return Message(
            "duplicate_key", {"key": shown, "first_row": str(first_row[key])}, pairs=pairs
        )

    columns = tuple(p.column.name for p in key_parsed)
    errors.add(dup, key_parsed[-1].order, field, duplicate, columns, key_headers)


def _key_codes(columns: list[ObjArray]) -> IntArray:
    """A code per row equal for rows whose values are equal in every column."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for values in columns:
        codes, uniques = pd.factorize(values)  # missing: −1, one code of its own
        key = key * (len(uniques) + 1) + (codes + 1)
        key = pd.factorize(key)[0].astype(np.int64)  # keeps the product within int64
    return key


def show(value: Any) -> str:
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    return str(value)
