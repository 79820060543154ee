"""Rules and computed columns of the delivery imports (spec 2.j, 2.k).

A rolling-delivery match lies in its contract's rolling window, is priced at the
matching day's settlement price and is delivered on the second trading day after
matching (as ``core.services.delivery.record_delivery_match``); an EFP's fee per party
and its waiver come from the fee schedule on the approval day (as ``record_efp``). The
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

from core.errors import CalendarHorizonError
from core.imports.layouts import Layout
from core.imports.messages import Message, message
from core.imports.reference import ReferenceData
from core.money import fen_to_str
from core.trading_calendar import TradingCalendar

ObjArray = npt.NDArray[np.object_]
BoolArray = npt.NDArray[np.bool_]

DELIVERY_DAYS_AFTER_MATCH = 2
"""Spec 2.j: the delivery day is the second trading day after the matching day."""


class Cells(Protocol):
    """One parsed column (``validate._Parsed``): values, masks and the raw text."""

    values: ObjArray
    ok: BoolArray
    empty: BoolArray
    text: ObjArray


@dataclass(frozen=True)
class Problem:
    """Rows (``mask``) failing one rule, reported on layout column ``column``."""

    column: str
    mask: BoolArray
    message: Callable[[int], Message]


@dataclass
class Derived:
    """Computed stored columns (ORM names → one value per row) and the problems found."""

    values: dict[str, npt.NDArray[Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


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
