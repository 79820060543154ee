"""What-if for one client (issue 16 item 5): lots still openable, margin freed by a
close, the effect of a margin-rate change, from the client's position after a
settlement.

The basis is the start of the next trading day: margins at the settlement price S of
the settled day D and the open rate (rate_settle(D) + the firm's add-on, spec 2.a),
the pledge quota fixed at D's settlement (2.c), equity the day's balance. That is where
the client panel's figures stand (``core.services.client_detail``), and a what-if
without changes reproduces them to the fen.

``whatif_book(reader, WhatIfRequest(client, day))`` reads once (the client panel's
read plus every contract's S(D) and open rate, ``day_margin_rates``);
``what_if(book, WhatIf(...))`` is pure and fast (the panel calls it as the desk types):

* **close** k lots of a line: releases r(k) = line_margin(n) − line_margin(n − k)
  (``CloseBook.released``, the client forced close's rule; closing at S realises no
  P&L against S);
* **rate change**: points (ppm) on top of the open rate of one contract or of every
  contract: each line's ``line_margin`` at the new rate;
* the funds after both: ``offset_used`` (per product min(pledge, margin), capped),
  ``available_funds``, the risk ratio and level (``RiskLevels.assess``);
* **lots openable** per contract and side (speculation), after those changes: the
  most lots n with available funds ≥ 0 once the line holds n more lots at S and the
  open rate, found exactly on the rules' own funds (they fall as n grows). Fees of the
  opening trade are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from core.db import client_queries as cq
from core.db.reader import Reader
from core.errors import InputError
from core.money import group_sum, row_sums
from core.rules.client_forced_close import CloseBook
from core.rules.funds import available_funds, line_margin, offset_used
from core.rules.margin_schedule import PPM, day_margin_rates
from core.rules.risk_levels import RiskLevels
from core.rules.sides import LONG, SHORT, side_code
from core.services.client_detail import ClientDetail, ClientDetailRequest, client_detail
from core.trading_calendar import TradingCalendar, default_calendar

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class WhatIfLine:
    """A position line at the basis: lots, S, multiplier, open rate (client rate, ppm)."""

    contract: str
    product: str
    side: str
    hedge: bool
    lots: int
    settle_fen: int
    multiplier: int
    rate_ppm: int
    margin_fen: int


@dataclass(frozen=True)
class WhatIfContract:
    """A contract that can be opened: S(D), multiplier, open rates (speculation and
    hedge; client rates) and one lot's speculative margin."""

    contract: str
    product: str
    settle_fen: int
    multiplier: int
    rate_ppm: int
    hedge_rate_ppm: int
    lot_margin_fen: int


@dataclass(frozen=True)
class WhatIfBook:
    """One client at the basis (module doc): money in fen, rates in ppm; ``pledge_fen``
    per product of ``products``."""

    client: str
    name: str
    day: date
    balance_fen: int
    margin_fen: int
    offset_used_fen: int
    available_fen: int
    risk_ratio_ppm: int
    level: int
    lines: tuple[WhatIfLine, ...]
    contracts: tuple[WhatIfContract, ...]
    products: tuple[str, ...]
    pledge_fen: tuple[int, ...]
    cash_cap_ppm: int | None
    levels: RiskLevels = field(default_factory=RiskLevels)


@dataclass(frozen=True)
class WhatIf:
    """The desk's changes: close ``close_lots`` of line ``close_line`` (index into
    ``WhatIfBook.lines``); add ``points_ppm`` to the open rate of ``points_contract``
    (None: every contract). Rates stay within 0 … 100 %."""

    close_line: int | None = None
    close_lots: int = 0
    points_ppm: int = 0
    points_contract: str | None = None


@dataclass(frozen=True)
class Openable:
    """Lots still openable in one contract (speculation) at S and the open rate after
    the changes; None where one lot needs no margin (a rate of 0)."""

    contract: str
    settle_fen: int
    rate_ppm: int
    lot_margin_fen: int
    long_lots: int | None
    short_lots: int | None


@dataclass(frozen=True)
class WhatIfResult:
    """The client before and after the changes (fen, ppm, level codes)."""

    margin_before_fen: int
    margin_after_fen: int
    offset_before_fen: int
    offset_after_fen: int
    available_before_fen: int
    available_after_fen: int
    ratio_before_ppm: int
    ratio_after_ppm: int
    level_before: int
    level_after: int
    released_fen: int
    """Margin freed by the close, at the changed rates (r(k))."""
    rate_change_fen: int
    """Margin added by the rate change to the lines left (negative: freed)."""
    line_margins_fen: tuple[int, ...]
    """Each line's margin after the changes."""
    openable: tuple[Openable, ...]


@dataclass(frozen=True)
class WhatIfRequest:
    """Which client and settled day (None: its latest)."""

    client: str
    day: date | None = None


def whatif_book(
    reader: Reader,
    request: WhatIfRequest,
    calendar: TradingCalendar | None = None,
    *,
    detail: ClientDetail | None = None,
) -> WhatIfBook:
    """The client at the basis (module doc). A read; InputError as ``client_detail``.
    ``detail``: the client panel's read of the same client and day, when at hand (then
    only the contracts' prices and rates are read)."""
    cal = calendar or default_calendar()
    if detail is None or detail.facts.code != request.client.strip():
        detail = client_detail(reader, ClientDetailRequest(request.client, request.day), cal)
    day = detail.day
    session = reader.session
    receipts = cq.held_receipts(session, detail.facts.code)
    inputs = cq.client_day_inputs(session, detail.facts, day, cal.prev_td(day), receipts)
    addon = ClientDetailRequest(request.client).params.addon_ppm()
    nxt = cal.next_td(day)
    open_now = [
        k
        for k, c in enumerate(inputs.contracts)
        if inputs.settle_fen[k] > 0 and c.is_listed_on(nxt)
    ]
    rates = day_margin_rates(
        inputs.contracts,
        day,
        lock_runs=inputs.limit_lock_runs,
        adjustments=inputs.adjustments,
        pairs={(k, h) for k in open_now for h in (False, True)},
        cal=cal,
    )
    contracts = []
    for k in open_now:
        if (k, False) not in rates.ppm or (k, True) not in rates.ppm:
            continue  # no rate: the rules' problem is the client panel's warning
        c = inputs.contracts[k]
        rate = rates.rate(k, False) + addon
        contracts.append(
            WhatIfContract(
                contract=c.code,
                product=c.product,
                settle_fen=int(inputs.settle_fen[k]),
                multiplier=c.multiplier,
                rate_ppm=rate,
                hedge_rate_ppm=rates.rate(k, True) + addon,
                lot_margin_fen=int(
                    line_margin([inputs.settle_fen[k]], [c.multiplier], [1], [rate])[0]
                ),
            )
        )
    products = tuple(inputs.products)
    pledge = {p.product: p.pledge_fen for p in detail.offset.products}
    f = detail.funds
    return WhatIfBook(
        client=detail.facts.code,
        name=detail.facts.name,
        day=day,
        balance_fen=f.balance_fen,
        margin_fen=f.margin_fen,
        offset_used_fen=f.offset_used_fen,
        available_fen=f.available_fen,
        risk_ratio_ppm=f.risk_ratio_ppm,
        level=f.risk_level,
        lines=tuple(
            WhatIfLine(
                contract=ln.contract,
                product=ln.product,
                side=ln.side,
                hedge=ln.hedge,
                lots=ln.lots,
                settle_fen=ln.settlement_fen,
                multiplier=ln.multiplier,
                rate_ppm=ln.rate_ppm,
                margin_fen=ln.margin_fen,
            )
            for ln in detail.lines
        ),
        contracts=tuple(contracts),
        products=products,
        pledge_fen=tuple(int(pledge.get(p, 0)) for p in products),
        cash_cap_ppm=ClientDetailRequest(request.client).params.cash_cap_ppm,
        levels=detail.levels,
    )


# =============================================================================
# The what-if (pure)
# =============================================================================


def _rates(book: WhatIfBook, codes: list[str], base: I64, change: WhatIf) -> I64:
    """Open rates after the rate change (within 0 … 100 %)."""
    hit = np.array(
        [change.points_contract is None or c == change.points_contract for c in codes], np.bool_
    )
    moved = base + np.where(hit, change.points_ppm, 0)
    return np.clip(moved, 0, PPM).astype(np.int64)


def _funds(book: WhatIfBook, margin_by_product: I64) -> tuple[int, int, int]:
    """(margin, offset used, available funds) of the client with these product
    margins: ``offset_used`` and ``available_funds``, equity the balance."""
    margin = int(margin_by_product.sum())
    used = int(
        offset_used(
            margin_by_product.reshape(1, -1),
            np.asarray(book.pledge_fen, np.int64).reshape(1, -1),
            np.array([book.balance_fen], np.int64),
            book.cash_cap_ppm,
        )[0]
    )
    return margin, used, int(available_funds(book.balance_fen, margin, used))


def what_if(book: WhatIfBook, change: WhatIf) -> WhatIfResult:
    """The client after ``change`` (module doc). InputError naming the field for a line
    that does not exist, lots outside 0 … the line's, or an unknown contract."""
    lines = book.lines
    n = len(lines)
    if change.close_line is not None and not 0 <= change.close_line < n:
        raise InputError(f"no line {change.close_line}", field="line")
    close = np.zeros(n, np.int64)
    if change.close_line is not None:
        held = lines[change.close_line].lots
        if not 0 <= change.close_lots <= held:
            raise InputError(
                f"close 0 … {held} lots of {lines[change.close_line].contract}, "
                f"not {change.close_lots}",
                field="lots",
            )
        close[change.close_line] = change.close_lots
    codes = [c.contract for c in book.contracts]
    if change.points_contract is not None and change.points_contract not in (
        set(codes) | {ln.contract for ln in lines}
    ):
        raise InputError(f"no contract {change.points_contract!r}", field="contract")
    p_index = {p: i for i, p in enumerate(book.products)}
    n_p = len(book.products)

    price = np.array([ln.settle_fen for ln in lines], np.int64)
    mult = np.array([ln.multiplier for ln in lines], np.int64)
    lots = np.array([ln.lots for ln in lines], np.int64)
    base_rate = np.array([ln.rate_ppm for ln in lines], np.int64)
    product = np.array([p_index[ln.product] for ln in lines], np.int64)
    rate = _rates(book, [ln.contract for ln in lines], base_rate, change)
    before = line_margin(price, mult, lots, base_rate)
    # closing k of n lots releases r(k) = line_margin(n) − line_margin(n − k) (2.a)
    closing = CloseBook.of(np.zeros(n, np.int64), price, mult, lots, rate, n_clients=1)
    released = closing.released(close)
    after = closing.margin(lots - close)
    kept_before = line_margin(price, mult, lots - close, base_rate)
    by_product = group_sum(product, after, n_p, "margin") if n else np.zeros(n_p, np.int64)
    margin_b, used_b, avail_b = _funds(
        book, group_sum(product, before, n_p, "margin") if n else np.zeros(n_p, np.int64)
    )
    margin_a, used_a, avail_a = _funds(book, by_product)
    ratio, level = book.levels.assess(
        np.array([margin_b, margin_a], np.int64),
        np.array([book.balance_fen] * 2, np.int64),
        np.array([avail_b, avail_a], np.int64),
    )
    return WhatIfResult(
        margin_before_fen=margin_b,
        margin_after_fen=margin_a,
        offset_before_fen=used_b,
        offset_after_fen=used_a,
        available_before_fen=avail_b,
        available_after_fen=avail_a,
        ratio_before_ppm=int(ratio[0]),
        ratio_after_ppm=int(ratio[1]),
        level_before=int(level[0]),
        level_after=int(level[1]),
        released_fen=int(released.sum()),
        rate_change_fen=int((after - kept_before).sum()),
        line_margins_fen=tuple(int(x) for x in after),
        openable=_openable(book, change, lines, lots - close, rate, by_product),
    )


def _openable(
    book: WhatIfBook,
    change: WhatIf,
    lines: tuple[WhatIfLine, ...],
    lots_left: I64,
    line_rate: I64,
    by_product: I64,
) -> tuple[Openable, ...]:
    """Per contract and side: the most lots with available funds ≥ 0 after opening them
    (bisection on the rules' funds, which fall as the lots grow)."""
    contracts = book.contracts
    if not contracts:
        return ()
    codes = [c.contract for c in contracts]
    p_index = {p: i for i, p in enumerate(book.products)}
    rate = _rates(book, codes, np.array([c.rate_ppm for c in contracts], np.int64), change)
    price = np.array([c.settle_fen for c in contracts], np.int64)
    mult = np.array([c.multiplier for c in contracts], np.int64)
    product = np.array([p_index[c.product] for c in contracts], np.int64)
    one = line_margin(price, mult, np.ones(len(contracts), np.int64), rate)
    # the lots a speculative line of each contract and side holds already
    held = np.zeros((len(contracts), 2), np.int64)
    c_index = {c: i for i, c in enumerate(codes)}
    for ln, left, r in zip(lines, lots_left.tolist(), line_rate.tolist(), strict=True):
        if not ln.hedge and ln.contract in c_index:
            ki = c_index[ln.contract]
            held[ki, side_code(ln.side)] = left
            rate[ki] = r  # the line's own rate (the same open rate, with the change)
    k = np.repeat(np.arange(len(contracts)), 2)
    side = np.tile(np.array([LONG, SHORT]), len(contracts))
    have = held[k, side]

    def available(extra: I64) -> I64:
        """Available funds after ``extra`` more lots on each (contract, side) line."""
        added = line_margin(price[k], mult[k], have + extra, rate[k]) - line_margin(
            price[k], mult[k], have, rate[k]
        )
        m = np.repeat(by_product.reshape(1, -1), k.size, axis=0)
        m[np.arange(k.size), product[k]] += added
        used = offset_used(
            m,
            np.repeat(np.asarray(book.pledge_fen, np.int64).reshape(1, -1), k.size, axis=0),
            np.full(k.size, book.balance_fen, np.int64),
            book.cash_cap_ppm,
        )
        return available_funds(book.balance_fen, row_sums(m, "margin"), used)

    free = one[k] == 0
    # n more lots add at least n × (one lot's margin − ½) − 1 fen (each line rounds
    # once, half up) and the receipts cover at most their pledge: past ``hi`` lots the
    # funds are below zero
    pledge = np.asarray(book.pledge_fen, np.int64)[product[k]]
    start = available(np.zeros(k.size, np.int64))
    lo = np.zeros(k.size, np.int64)
    hi = 2 * (np.maximum(start, 0) + pledge + 1) // np.maximum(2 * one[k] - 1, 1) + 2
    ok0 = start >= 0
    lo[~ok0] = -1
    while True:
        open_ = np.flatnonzero(ok0 & ~free & (hi - lo > 1))
        if not open_.size:
            break
        mid = lo.copy()
        mid[open_] = (lo[open_] + hi[open_]) // 2
        fine = available(np.maximum(mid, 0)) >= 0
        up = open_[fine[open_]]
        down = open_[~fine[open_]]
        lo[up] = mid[up]
        hi[down] = mid[down]
    lots = np.maximum(lo, 0)
    out = []
    for i, c in enumerate(contracts):
        pair = [None if free[2 * i + s] else int(lots[2 * i + s]) for s in (0, 1)]
        out.append(
            Openable(
                contract=c.contract,
                settle_fen=c.settle_fen,
                rate_ppm=int(rate[i]),
                lot_margin_fen=int(one[i]),
                long_lots=pair[0],
                short_lots=pair[1],
            )
        )
    return tuple(out)
