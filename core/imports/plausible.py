"""Plausibility of an import's rows beyond single cells (issue #13, spec 2.b, 2.i).

Each cell is already within its limit (``core.imports.values``: lots, prices, amounts,
dates, code characters). Here the rules that need two columns or the stored data:

* a trade or closing-order price lies within the day's limit prices (the stored
  settlement-price row of that day), or, where that row has none, within
  ``price_band_multiple`` price limits of the latest stored settlement price;
* an average open price (positions) or an EFP price lies within ``price_ratio`` times
  the contract's settlement price (the day's, else the latest before it);
* a trade's fee is at most lots × ``max_fee_per_lot`` + ``max_fee_share`` of its value;
* ``traded_at`` falls within the trading day's sessions (from the previous trading day,
  whose evening holds the night session, to the day itself);
* a limit-locked settlement price sits at that limit price;
* a receipt's tons are its lots × the product's tons a lot, within the tolerance;
* a new member, client or warehouse code does not differ from a stored one (or from
  another row of the file) only in letter case.

Where the stored data a rule needs is missing (no settlement price yet), the rule is
skipped: the cell limits still hold. Limits: ``core.rules.plausibility``; each problem
is reported like any other error, with its own message code.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.errors import CalendarHorizonError
from core.imports.derive import Cells, Problem
from core.imports.layouts import Layout
from core.imports.messages import Message, message
from core.imports.reference import ReferenceData, StoredPrice
from core.imports.values import BEIJING
from core.money import fen_to_str
from core.trading_calendar import TradingCalendar

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

_BAND_KINDS = ("trades", "closing-orders")
_RATIO_COLUMNS = {"positions": ("open_price", "trading_day"), "efp": ("price", "approved_day")}
_CASE_KINDS = {"members": "member", "clients": "client", "warehouses": "warehouse"}


def plausibility_problems(
    layout: Layout,
    cells: Mapping[str, Cells],
    refs: ReferenceData,
    calendar: TradingCalendar,
    rows: IntArray,
) -> list[Problem]:
    """The layout's cross-column plausibility problems (module docstring); ``rows`` are
    the spreadsheet rows of the cells (to name an earlier row)."""
    out: list[Problem] = []
    if layout.kind in _BAND_KINDS:
        out.append(_band(cells, refs))
    if layout.kind in _RATIO_COLUMNS:
        price, day = _RATIO_COLUMNS[layout.kind]
        out.append(_ratio(cells, refs, price, day))
    if layout.kind == "trades":
        if "fee" in cells:
            out.append(_fee(cells, refs))
        if "traded_at" in cells:
            out.append(_traded_at(cells, calendar))
    if layout.kind == "settlement-prices" and "limit_lock" in cells:
        out.extend(_locks(cells))
    if layout.kind == "receipts":
        out.append(_tons(cells, refs))
    if layout.kind in _CASE_KINDS:
        out.append(_case_collisions(layout, cells, refs, rows))
    return out


def _ints(cells: Cells, rows: BoolArray) -> IntArray:
    """The values as int64 (0 outside ``rows``)."""
    out = np.zeros(len(cells.values), dtype=np.int64)
    idx = np.flatnonzero(rows)
    if idx.size:
        out[idx] = np.asarray(cells.values[idx].tolist(), dtype=np.int64)
    return out


def _given(cells: Cells) -> BoolArray:
    return np.asarray(cells.ok & ~cells.empty, dtype=np.bool_)


def _pairs(contract: Cells, day: Cells, rows: BoolArray) -> tuple[IntArray, list[tuple[str, Any]]]:
    """Each row's (contract, day) pair as an index into the distinct pairs (−1 outside
    ``rows``): the stored prices are looked up once per pair."""
    idx = np.flatnonzero(rows)
    codes = np.full(len(rows), -1, dtype=np.int64)
    if not idx.size:
        return codes, []
    # one factorisation per column, then integer pairs (a MultiIndex of a million dates
    # costs ten times as much)
    c_codes, c_uniques = pd.factorize(contract.values[idx])
    d_codes, d_uniques = pd.factorize(day.values[idx])
    pairs, inverse = np.unique(c_codes * len(d_uniques) + d_codes, return_inverse=True)
    codes[idx] = inverse.reshape(-1)
    return codes, [
        (str(c_uniques[k // len(d_uniques)]), d_uniques[k % len(d_uniques)]) for k in pairs.tolist()
    ]


def _outside(values: IntArray, codes: IntArray, ranges: list[tuple[int, int] | None]) -> BoolArray:
    """Rows whose value lies outside their pair's range (rows without a range pass)."""
    has = np.array([r is not None for r in ranges] + [False], dtype=np.bool_)
    low = np.array([r[0] if r else 0 for r in ranges] + [0], dtype=np.int64)
    high = np.array([r[1] if r else 0 for r in ranges] + [0], dtype=np.int64)
    k = np.where(codes >= 0, codes, len(ranges))
    return np.asarray(has[k] & ((values < low[k]) | (values > high[k])), dtype=np.bool_)


# ----------------------------------------------------------------------- prices
def _band(cells: Mapping[str, Cells], refs: ReferenceData) -> Problem:
    """Trade and order prices within the day's limit prices (spec 2.b)."""
    price, contract, day = cells["price"], cells["contract"], cells["trading_day"]
    rows = _given(price) & contract.ok & day.ok
    codes, pairs = _pairs(contract, day, rows)
    lim = refs.limits
    found: list[tuple[str, dict[str, str]] | None] = []
    ranges: list[tuple[int, int] | None] = []
    for code, when in pairs:
        today = refs.prices.on(code, when)
        if today is not None and today.upper_fen is not None and today.lower_fen is not None:
            ranges.append((today.lower_fen, today.upper_fen))
            found.append(("outside_band", _range_params(today.lower_fen, today.upper_fen)))
            continue
        prior = refs.prices.before(code, when)
        limit = refs.contract_limits.get(code)
        if prior is None or limit is None:
            ranges.append(None)
            found.append(None)
            continue
        low, high = lim.band(prior.settle_fen, limit)
        ranges.append((low, high))
        params = _range_params(low, high) | _reference_params(prior)
        found.append(("outside_derived_band", params | {"multiple": str(lim.price_band_multiple)}))
    mask = _outside(_ints(price, rows), codes, ranges)

    def outside(i: int) -> Message:
        code, params = found[int(codes[i])] or ("", {})
        when = day.values[i]
        return message(
            code, contract=contract.values[i], day=when.isoformat(), value=price.text[i], **params
        )

    return Problem("price", mask, outside)


def _ratio(
    cells: Mapping[str, Cells], refs: ReferenceData, column: str, day_column: str
) -> Problem:
    """Open prices and EFP prices within ``price_ratio`` of the settlement price."""
    price, contract, day = cells[column], cells["contract"], cells[day_column]
    rows = _given(price) & contract.ok & day.ok
    codes, pairs = _pairs(contract, day, rows)
    refs_found: list[StoredPrice | None] = [
        refs.prices.before(c, d, inclusive=True) for c, d in pairs
    ]
    ranges = [refs.limits.ratio_range(r.settle_fen) if r else None for r in refs_found]
    mask = _outside(_ints(price, rows), codes, ranges)
    ratio = refs.limits.price_ratio

    def far(i: int) -> Message:
        k = int(codes[i])
        ref, bounds = refs_found[k], ranges[k]
        assert ref is not None
        assert bounds is not None
        return message(
            "price_ratio",
            ratio=str(ratio.numerator) if ratio.denominator == 1 else str(float(ratio)),
            contract=contract.values[i],
            value=price.text[i],
            **_range_params(*bounds),
            **_reference_params(ref),
        )

    return Problem(column, mask, far)


def _range_params(low: int, high: int) -> dict[str, str]:
    return {"lower": fen_to_str(low), "upper": fen_to_str(high)}


def _reference_params(ref: StoredPrice) -> dict[str, str]:
    return {"reference": fen_to_str(ref.settle_fen), "reference_day": ref.day.isoformat()}


# ----------------------------------------------------------------------- trades
def _fee(cells: Mapping[str, Cells], refs: ReferenceData) -> Problem:
    """A fee above lots × the fee per lot + the share of the value is implausible."""
    fee, lots, price, contract = cells["fee"], cells["lots"], cells["price"], cells["contract"]
    rows = _given(fee) & lots.ok & _given(price) & contract.ok
    n = len(rows)
    units = refs.product_units
    # the multiplier once per distinct contract
    codes, uniques = pd.factorize(np.where(rows, contract.values, ""))
    mult_u = np.array(
        [units.get(refs.contract_products.get(str(u), ""), (0, 0))[0] for u in uniques],
        dtype=np.int64,
    )
    mult = np.where(rows, mult_u[codes], 0)
    rows &= mult > 0
    lim = refs.limits
    ceiling = np.zeros(n, dtype=np.int64)
    idx = np.flatnonzero(rows)
    if idx.size:
        ceiling[idx] = lim.fee_ceiling_fen(
            _ints(lots, rows)[idx], _ints(price, rows)[idx], mult[idx]
        )
    mask = rows & (_ints(fee, rows) > ceiling)
    share = lim.max_fee_share_ppm

    def too_big(i: int) -> Message:
        return message(
            "fee_too_large",
            maximum=fen_to_str(int(ceiling[i])),
            lots=lots.values[i],
            price=price.text[i],
            per_lot=fen_to_str(lim.max_fee_per_lot_fen),
            share=f"{share / 10_000:g}%",
            value=fee.text[i],
        )

    return Problem("fee", mask, too_big)


def _traded_at(cells: Mapping[str, Cells], calendar: TradingCalendar) -> Problem:
    """A fill belongs to its trading day's sessions: the night session on the evening of
    the previous trading day (past midnight too) and the day session."""
    at, day = cells["traded_at"], cells["trading_day"]
    rows = _given(at) & day.ok
    first: dict[date, date] = {}
    idx = np.flatnonzero(rows)
    # Once per distinct day and distinct time, then integer comparisons per row.
    d_codes, d_uniques = pd.factorize(day.values[idx])
    a_codes, a_uniques = pd.factorize(at.values[idx])
    for d in d_uniques:
        try:
            first[d] = calendar.prev_td(d)
        except CalendarHorizonError:
            first[d] = d - timedelta(days=7)  # before the calendar: a week of slack
    day_u = np.array([d.toordinal() for d in d_uniques], dtype=np.int64)
    first_u = np.array([first[d].toordinal() for d in d_uniques], dtype=np.int64)
    when_u: list[datetime] = list(a_uniques)
    local_u = np.array([w.astimezone(BEIJING).date().toordinal() for w in when_u], np.int64)
    local = local_u[a_codes]
    mask = np.zeros(len(rows), dtype=np.bool_)
    mask[idx] = ~((first_u[d_codes] <= local) & (local <= day_u[d_codes]))

    def outside(i: int) -> Message:
        d = day.values[i]
        return message(
            "traded_at_window", day=d.isoformat(), from_day=first[d].isoformat(), value=at.text[i]
        )

    return Problem("traded_at", mask, outside)


# ----------------------------------------------------------------------- settlement prices
def _locks(cells: Mapping[str, Cells]) -> list[Problem]:
    """A limit-locked close (单边市) settles at its limit price, where that is given."""
    lock, settle = cells["limit_lock"], cells["settlement_price"]
    out = []
    for flag, column, side in (
        ("limit_up", "upper_limit", "upper"),
        ("limit_down", "lower_limit", "lower"),
    ):
        limit = cells.get(column)
        if limit is None:
            continue
        rows = lock.ok & (lock.values == flag) & settle.ok & _given(limit)
        mask = rows & (_ints(settle, rows) != _ints(limit, rows))

        def not_at_limit(
            i: int, limit: Cells = limit, flag: str = flag, side: str = side
        ) -> Message:
            return message(
                "lock_not_at_limit",
                lock=flag,
                side=side,
                limit=limit.text[i],
                settlement=settle.text[i],
                value=lock.text[i],
            )

        out.append(Problem("limit_lock", mask, not_at_limit))
    return out


# ----------------------------------------------------------------------- receipts
def _tons(cells: Mapping[str, Cells], refs: ReferenceData) -> Problem:
    """A receipt carries its lots × the product's tons a lot (within the tolerance)."""
    tons, lots, product = cells["tons"], cells["lots"], cells["product"]
    rows = tons.ok & lots.ok & product.ok
    n = len(rows)
    low = np.zeros(n, dtype=np.int64)
    high = np.zeros(n, dtype=np.int64)
    unit = np.zeros(n, dtype=np.int64)
    for i in np.flatnonzero(rows).tolist():
        unit[i] = refs.product_units.get(str(product.values[i]), (0, 0))[1]
        if unit[i]:
            low[i], high[i] = refs.limits.tons_range(int(lots.values[i]), int(unit[i]))
    rows &= unit > 0
    t = _ints(tons, rows)
    mask = rows & ((t < low) | (t > high))

    def implausible(i: int) -> Message:
        return message(
            "receipt_tons",
            low=int(low[i]),
            high=int(high[i]),
            lots=lots.values[i],
            product=product.values[i],
            unit=int(unit[i]),
            value=tons.text[i],
        )

    return Problem("tons", mask, implausible)


# ----------------------------------------------------------------------- codes
def _case_collisions(
    layout: Layout, cells: Mapping[str, Cells], refs: ReferenceData, rows: IntArray
) -> Problem:
    """A new code equal to a stored or an earlier row's code but for letter case (codes
    are case-sensitive: ``abc`` next to ``ABC`` would be a second client)."""
    what = _CASE_KINDS[layout.kind]
    column = layout.key[0]
    code = cells[column]
    stored = {
        "member": refs.members,
        "client": frozenset(refs.client_members),
        "warehouse": refs.warehouses,
    }[what]
    folded: dict[str, str] = {}
    for known in sorted(stored):
        folded.setdefault(known.casefold(), known)
    mask = np.zeros(len(code.values), dtype=np.bool_)
    other: dict[int, tuple[str, int]] = {}  # (the other code, its row; 0 = stored)
    seen: dict[str, tuple[str, int]] = {}
    for i in np.flatnonzero(code.ok).tolist():
        value = str(code.values[i])
        key = value.casefold()
        if value in stored:
            continue
        if key in folded:
            mask[i], other[i] = True, (folded[key], 0)
        elif key in seen and seen[key][0] != value:
            mask[i], other[i] = True, seen[key]
        else:
            seen.setdefault(key, (value, int(rows[i])))

    def collision(i: int) -> Message:
        found, row = other[i]
        if row:
            return message(
                "case_collision_row", what=what, other=found, first_row=row, value=code.text[i]
            )
        return message("case_collision", what=what, other=found, value=code.text[i])

    return Problem(column, mask, collision)
