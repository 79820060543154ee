"""Rules and computed columns of the delivery and reference imports (spec 2.j, 2.k, 3).

A rolling-delivery match lies in its contract's rolling window, is priced at the
matching day's settlement price and is delivered on the second trading day after
matching (as ``core.services.delivery.record_delivery_match``); an EFP's fee per party
and its waiver come from the fee schedule on the approval day (as ``record_efp``). A
contract's product, delivery month, last trading and last delivery day follow from its
code and the product's rules (``resources/products.toml``), which also give the
defaults of its listing day, tick, price limit and margin rates. A stored client keeps
its member, and its trading code (member code + client code) must fit the table. The
user is not asked for figures the rules define: the import computes them.

Each function works on the parsed columns of a whole file, one Python call per distinct
contract, day or fee case (import files of these kinds are small, but a distinct-value
loop keeps a large one cheap too), and returns the problems it found as masks with
their message builders; ``core.imports.validate`` reports them like any other error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from core.db.reference_load import product_row_values
from core.db.tables import TradingCode
from core.errors import CalendarHorizonError
from core.imports.layouts import Layout
from core.imports.messages import Message, message
from core.imports.reference import ReferenceData
from core.money import fen_to_str
from core.reference.products import Product
from core.trading_calendar import TradingCalendar

ObjArray = npt.NDArray[np.object_]
BoolArray = npt.NDArray[np.bool_]

DELIVERY_DAYS_AFTER_MATCH = 2
"""Spec 2.j: the delivery day is the second trading day after the matching day."""
TRADING_CODE_LENGTH: int = TradingCode.__table__.c.code.type.length  # type: ignore[attr-defined]
"""Longest trading code the table holds (PostgreSQL enforces it)."""


class RowText(Protocol):
    """A column's cells as written, one row at a time (for messages)."""

    def __getitem__(self, row: int, /) -> Any: ...


class Cells(Protocol):
    """One parsed column (``validate._Parsed``): values, masks and the raw text."""

    values: ObjArray
    ok: BoolArray
    empty: BoolArray
    text: RowText


@dataclass(frozen=True)
class Problem:
    """Rows (``mask``) failing one rule, reported on layout column ``column``."""

    column: str
    mask: BoolArray
    message: Callable[[int], Message]


@dataclass
class Derived:
    """Computed stored columns (ORM names → one value per row) and the problems found.

    ``fills`` are columns the file may give (ORM names → one value per row: the file's
    value, else the row's default); unlike ``values`` they count as given only when the
    file has the column, so a re-import without it keeps the stored values.
    """

    values: dict[str, npt.NDArray[Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    fills: dict[str, npt.NDArray[Any]] = field(default_factory=dict)


def derive(
    layout: Layout,
    cells: Mapping[str, Cells],
    refs: ReferenceData,
    calendar: TradingCalendar,
) -> Derived:
    """The layout's rules and computed columns (nothing for layouts without them)."""
    if layout.kind == "delivery-matches":
        return _matches(cells, refs, calendar)
    if layout.kind == "efp":
        return _efp(cells, refs)
    if layout.kind == "clients":
        return _clients(cells, refs)
    if layout.kind == "contracts":
        return _contracts(cells, refs, calendar)
    return Derived()


def _rolling_window(
    contract: str, refs: ReferenceData, calendar: TradingCalendar
) -> tuple[date, date] | None:
    """First and last matching day of ``contract``: from the first trading day of its
    delivery month to the trading day before its last trading day (spec 2.j). Calendar
    days bound it where the trading calendar does not reach."""
    found = refs.contract_delivery.get(contract)
    if found is None:
        return None
    month, last_trading = found
    month_end = date(month.year + (month.month == 12), month.month % 12 + 1, 1) - timedelta(1)
    try:
        first = calendar.next_td(month - timedelta(days=1))
    except CalendarHorizonError:
        first = month
    if last_trading is None:
        return first, month_end
    try:
        return first, calendar.prev_td(last_trading)
    except CalendarHorizonError:
        return first, last_trading - timedelta(days=1)


def _matches(cells: Mapping[str, Cells], refs: ReferenceData, cal: TradingCalendar) -> Derived:
    out = Derived()
    day, contract = cells["match_day"], cells["contract"]
    n = len(day.values)
    both = day.ok & contract.ok

    # The rolling window of each contract named in the file.
    windows = {str(c): _rolling_window(str(c), refs, cal) for c in set(contract.values[both])}
    outside = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(both):
        window = windows[str(contract.values[i])]
        if window is not None and not window[0] <= day.values[i] <= window[1]:
            outside[i] = True

    def not_rolling(i: int) -> Message:
        window = windows[str(contract.values[i])]
        assert window is not None
        return message(
            "not_rolling_day",
            contract=contract.values[i],
            first=window[0].isoformat(),
            last=window[1].isoformat(),
            value=day.text[i],
        )

    out.problems.append(Problem("match_day", outside, not_rolling))
    usable = both & ~outside

    # Delivery day: the second trading day after matching.
    delivery: dict[date, date | CalendarHorizonError] = {}
    for d in set(day.values[usable]):
        try:
            delivery[d] = cal.add_trading_days(d, DELIVERY_DAYS_AFTER_MATCH)
        except CalendarHorizonError as exc:
            delivery[d] = exc
    delivery_days = np.full(n, None, dtype=object)
    beyond = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(usable):
        found = delivery[day.values[i]]
        if isinstance(found, CalendarHorizonError):
            beyond[i] = True
        else:
            delivery_days[i] = found

    def beyond_calendar(i: int) -> Message:
        return message(
            "beyond_calendar",
            detail=delivery[day.values[i]],
            value=day.text[i],
            known_from=cal.known_from.isoformat(),
            known_until=cal.known_until.isoformat(),
        )

    out.problems.append(Problem("match_day", beyond, beyond_calendar))
    out.values["delivery_day"] = delivery_days

    # Price: the matching day's settlement price; a given price must be that price.
    price = cells.get("price")
    prices = np.full(n, None, dtype=object)
    unpriced = np.zeros(n, dtype=bool)
    differs = np.zeros(n, dtype=bool)
    settled: dict[int, int] = {}
    for row in (int(x) for x in np.flatnonzero(usable)):
        stored = refs.delivery_prices.get((str(contract.values[row]), day.values[row]))
        if price is not None and price.ok[row] and not price.empty[row]:
            prices[row] = int(price.values[row])
            if stored is not None and stored != prices[row]:
                differs[row] = True
                settled[row] = stored
        elif stored is None:
            unpriced[row] = True
        else:
            prices[row] = stored

    def no_price(i: int) -> Message:
        return message(
            "no_settlement_price", contract=contract.values[i], day=day.values[i].isoformat()
        )

    def other_price(i: int) -> Message:
        assert price is not None
        return message(
            "not_settlement_price",
            contract=contract.values[i],
            day=day.values[i].isoformat(),
            settlement=fen_to_str(settled[i]),
            value=price.text[i],
        )

    out.problems.append(Problem("price", unpriced, no_price))
    out.problems.append(Problem("price", differs, other_price))
    out.values["price_fen"] = prices
    return out


def _efp(cells: Mapping[str, Cells], refs: ReferenceData) -> Derived:
    """Fee per party and waiver on the approval day (``efp_standard`` or
    ``efp_nonstandard`` of the contract's product, half up to the fen)."""
    out = Derived()
    day, contract = cells["approved_day"], cells["contract"]
    kind, lots = cells["kind"], cells["lots"]
    n = len(day.values)
    usable = day.ok & contract.ok & kind.ok & lots.ok
    fees = refs.fees
    assert fees is not None, "load_reference loads the fee schedule for EFP imports"
    lines: dict[tuple[str, str, date, int], tuple[int, int] | None] = {}
    fee_fen = np.zeros(n, dtype=np.int64)
    waived_fen = np.zeros(n, dtype=np.int64)
    no_rate = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(usable):
        product = refs.contract_products.get(str(contract.values[i]), "")
        case = (product, str(kind.values[i]), day.values[i], int(lots.values[i]))
        if case not in lines:
            fee_type = "efp_standard" if case[1] == "standard" else "efp_nonstandard"
            try:
                line = fees.fee(fee_type, product, case[2], lots=case[3])
            except LookupError:
                lines[case] = None
            else:
                lines[case] = (int(line.computed_fen), int(line.waived_fen))
        found = lines[case]
        if found is None:
            no_rate[i] = True
        else:
            fee_fen[i], waived_fen[i] = found

    def missing_rate(i: int) -> Message:
        return message("no_fee_rate", contract=contract.values[i], day=day.values[i].isoformat())

    out.problems.append(Problem("approved_day", no_rate, missing_rate))
    out.values["fee_fen"] = fee_fen
    out.values["waived_fen"] = waived_fen
    return out


# ------------------------------------------------------------------ reference data
def _clients(cells: Mapping[str, Cells], refs: ReferenceData) -> Derived:
    """A stored client stays with its member; member + client code must fit a trading
    code (the trading codes themselves are written by ``core.imports.upsert``)."""
    out = Derived()
    client, member = cells["client"], cells["member"]
    both = client.ok & member.ok
    owner = np.array([refs.client_members.get(str(c), "") for c in client.values], dtype=object)
    moved = both & (owner != "") & (owner != member.values)

    def other_member(i: int) -> Message:
        return message(
            "client_of_other_member",
            client=client.values[i],
            owner=owner[i],
            member=member.values[i],
        )

    out.problems.append(Problem("member", moved, other_member))
    lengths = np.array(
        [len(str(m)) + len(str(c)) for m, c in zip(member.values, client.values, strict=True)],
        dtype=np.int64,
    )
    too_long = both & (lengths > TRADING_CODE_LENGTH)

    def long_code(i: int) -> Message:
        return message(
            "trading_code_too_long",
            value=f"{member.values[i]}{client.values[i]}",
            max_length=TRADING_CODE_LENGTH,
        )

    out.problems.append(Problem("client", too_long, long_code))
    return out


@dataclass(frozen=True)
class ContractFacts:
    """What the product rules define for one contract code (dates None past the
    calendar)."""

    product: str
    delivery_month: date
    listing_date: date | None
    last_trading_day: date | None
    last_delivery_day: date | None
    tick_fen: int
    price_limit_ppm: int
    min_margin_ppm: int


def _within_calendar(compute: Callable[[], date]) -> date | None:
    try:
        return compute()
    except CalendarHorizonError:
        return None


def contract_facts(code: str, product: Product, calendar: TradingCalendar) -> ContractFacts:
    """The facts of ``code`` (a product's letters + YYMM) by ``product``'s rules.

    The default listing day is the trading day after the last trading day of the same
    month's contract a year earlier (a month's contract is listed when the previous
    one expires), as the demo data assumes.
    """
    year, month = 2000 + int(code[-4:-2]), int(code[-2:])
    ltd = _within_calendar(lambda: product.last_trading_day(year, month, calendar))
    ldd = None
    if ltd is not None:
        ldd = _within_calendar(
            lambda: calendar.add_trading_days(ltd, product.last_delivery_td_after_ltd)
        )
    previous = _within_calendar(lambda: product.last_trading_day(year - 1, month, calendar))
    listing = None
    if previous is not None:
        listing = _within_calendar(lambda: calendar.next_td(previous))
    row = product_row_values(product)
    return ContractFacts(
        product=product.code,
        delivery_month=date(year, month, 1),
        listing_date=listing,
        last_trading_day=ltd,
        last_delivery_day=ldd,
        tick_fen=int(row["tick_fen"]),
        price_limit_ppm=int(row["price_limit_ppm"]),
        min_margin_ppm=int(row["min_margin_ppm"]),
    )


def _given(cells: Mapping[str, Cells], name: str, n: int) -> tuple[ObjArray, BoolArray]:
    """The column's values and where a good value was given (all False when absent)."""
    column = cells.get(name)
    if column is None:
        return np.full(n, None, dtype=object), np.zeros(n, dtype=bool)
    return column.values, column.ok & ~column.empty


def _percent(ppm: int) -> str:
    whole, rest = divmod(ppm, 10_000)
    return f"{whole}%" if not rest else f"{whole}.{rest:04d}".rstrip("0") + "%"


def _contracts(
    cells: Mapping[str, Cells], refs: ReferenceData, calendar: TradingCalendar
) -> Derived:
    out = Derived()
    contract = cells["contract"]
    n = len(contract.values)
    facts: dict[str, ContractFacts] = {}
    for code in set(contract.values[contract.ok]):
        product = refs.product_facts[str(code)[:-4]]  # the parser checked it is known
        facts[str(code)] = contract_facts(str(code), product, calendar)
    rows = [
        facts.get(str(c)) if ok else None
        for c, ok in zip(contract.values, contract.ok, strict=True)
    ]

    def column(pick: Callable[[ContractFacts], Any], dtype: Any = object) -> npt.NDArray[Any]:
        return np.array([pick(f) if f is not None else None for f in rows], dtype=dtype)

    out.values["product_code"] = column(lambda f: f.product)
    out.values["delivery_month"] = column(lambda f: f.delivery_month)
    out.values["last_trading_day"] = column(lambda f: f.last_trading_day)
    out.values["last_delivery_day"] = column(lambda f: f.last_delivery_day)
    known = contract.ok

    # A given product must be the code's.
    named, named_given = _given(cells, "product", n)
    mismatch = known & named_given & (named != out.values["product_code"])

    def other_product(i: int) -> Message:
        text = cells["product"].text[i]
        return message("product_of_contract", contract=contract.values[i], value=text)

    out.problems.append(Problem("product", mismatch, other_product))

    # Listing day: given (not after the last trading day), else the rule's.
    listing, listing_given = _given(cells, "listing_date", n)
    last = out.values["last_trading_day"]
    late = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(known & listing_given):
        late[i] = last[i] is not None and listing[i] > last[i]

    def after_last(i: int) -> Message:
        return message(
            "listed_after_last_day",
            last=last[i].isoformat(),
            value=cells["listing_date"].text[i],
        )

    out.problems.append(Problem("listing_date", late, after_last))
    out.fills["listing_date"] = np.where(
        listing_given, listing, column(lambda f: f.listing_date)
    ).astype(object)

    # Tick and price limit: given, else the product's.
    for name, db, pick in (
        ("tick", "tick_fen", lambda f: f.tick_fen),
        ("price_limit", "price_limit_ppm", lambda f: f.price_limit_ppm),
    ):
        value, has = _given(cells, name, n)
        out.fills[db] = np.where(has, value, column(pick)).astype(object)

    # Margin rates: given (not below the contract minimum), else the minimum; the hedge
    # rate defaults to the row's speculative rate.
    minimum = column(lambda f: f.min_margin_ppm)
    spec, spec_given = _given(cells, "margin_rate", n)
    spec_rate = np.where(spec_given, spec, minimum).astype(object)
    hedge, hedge_given = _given(cells, "hedge_margin_rate", n)
    out.fills["general_margin_ppm"] = spec_rate
    out.fills["hedge_margin_ppm"] = np.where(hedge_given, hedge, spec_rate).astype(object)
    for name, values, has_rate in (
        ("margin_rate", spec, spec_given),
        ("hedge_margin_rate", hedge, hedge_given),
    ):
        low = np.zeros(n, dtype=bool)
        for i in np.flatnonzero(known & has_rate):
            low[i] = int(values[i]) < int(minimum[i])

        def below(i: int, name: str = name) -> Message:
            return message(
                "below_minimum_margin",
                minimum=_percent(int(minimum[i])),
                value=cells[name].text[i],
            )

        out.problems.append(Problem(name, low, below))
    return out
