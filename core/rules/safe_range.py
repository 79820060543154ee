"""Safe price ranges (issue 16 item 4): how far one contract's price can move before a
client's available funds, or a member's reserve, fall below zero.

**The question.** After the settlement of a base day D, settle the next trading day at
S(D) for every contract except ``c``, which settles at P, with the rates the rules give
that day (``day_margin_rates``: no lock, since a price alone locks nothing) and no
trades, transfers or hedge conversions: the stress run's one-day scenario that moves
only ``c`` (``core.rules.stress_run``; here the move may also pass the day's limits).
For every contract: the ticks around S(D) within which no client's available funds go
below zero (clients below zero already at S(D) are reported apart: no price is safe
for them), the clients that bind each end, and the same for each member's reserve.

**The funds as a function of P.** Moving c from S to P changes an account's cash by
the marked-to-market P&L of its c lines (``mark_to_market``: exactly linear in P) and
its margin by ``line_margin(P) − line_margin(S)`` per c line (one line, one rounding);
its offset is ``offset_used`` (per product min(pledge, margin), capped at cap × cash);
its funds ``available_funds``. The search calls exactly these functions
(``_Exposures.point`` and ``.funds``) at the ticks it visits, from the settlement's own
figures at S (``settle_prepared``). Properties of the rules make it exact:

* **Within a fen a line of a line.** Cash moves by exactly s × the one-tick mark; each
  line margin is the half-up rounding of a linear function of P, so over s ticks the
  margin moves by s × its slope within one fen a line. An account without a pledge has
  funds cash − margin, so within ± its lines of f0 + s × g: proven ≥ 0 up to one tick,
  proven < 0 from another (``_plain``); the few ticks between are settled exactly, one
  by one. That is almost every account.
* **Monotone in the arguments.** Funds rise with cash (cash + min(U, cap(cash)) is
  non-decreasing) and fall as any product's margin rises (the offset it adds back is at
  most the margin it adds). With one tick moving a line's margin by at most
  ``line_margin(tick) + 1`` (half-up rounding is subadditive up to one fen), an account
  with a pledge whose cash falls at least as fast as its margin can fall (or falls
  while its margin rises) has funds monotone on that side: its first tick below zero is
  bracketed exactly (``_falling``); one whose funds rise never crosses zero there.
* **Concave along a chord.** Over a range of ticks the margin is at most the chord
  through its ends plus a fen a line, and along it the funds are concave (cash −
  margin linear, the offset the minimum of a concave and, while cash > 0, a linear
  function): their least value is at an end. The remaining accounts (a pledge with
  lines on both sides, funds too flat to estimate) go through branch and bound on tick
  ranges with that bound (``lower_bound``, ``_mixed``), single ticks settled exactly.

So each end reported is the last tick of the contiguous range around S where every
account is ≥ 0, with at least one account (the binding ones) < 0 one tick beyond; or no
end within the prices the contract can have (one tick up to the plausibility limit's
highest price). Floats only choose where to look (with a relative margin larger than
their error); only the rule functions decide.

Pure: no database. Money int64 fen, prices fen, rates ppm.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from core.money import add_fen, check_sum_bound, group_sum, mul_half_up
from core.rules import price_limits
from core.rules.daily_settlement import (
    DaySettlement,
    DaySettlementParams,
    PreparedDay,
    prepare_day,
    settle_prepared,
)
from core.rules.day_inputs import DayInputs
from core.rules.funds import available_funds, line_margin, mark_to_market, offset_used
from core.rules.margin_schedule import PPM
from core.rules.plausibility import default_plausibility
from core.rules.stress_run import hypothetical_day
from core.trading_calendar import TradingCalendar

I64 = npt.NDArray[np.int64]
Report = Callable[[int, int], None]
DOWN, UP = 0, 1
DIRECTIONS = np.array([-1, 1], np.int64)
"""Price direction of each side: DOWN (index 0) moves −1 tick per step, UP +1."""
_MAX_ROUNDS = 200


# =============================================================================
# Results
# =============================================================================


@dataclass(frozen=True)
class SafeEnd:
    """One end of a safe range: the last safe price ``ticks`` from S (signed; 0 = S
    itself is the last safe price) and the accounts below zero one tick beyond
    (``binding``, lowest funds first, with their funds at the end and beyond).
    ``ticks`` None: no account falls below zero on that side at any price the contract
    can have (down to one tick, up to the plausible maximum price)."""

    ticks: int | None
    price_fen: int | None
    binding: tuple[str, ...] = ()
    funds_fen: tuple[int, ...] = ()
    """Each binding account's funds at the end (≥ 0)."""
    beyond_fen: tuple[int, ...] = ()
    """Each binding account's funds one tick beyond the end (< 0)."""

    @property
    def is_bounded(self) -> bool:
        return self.ticks is not None


UNBOUNDED = SafeEnd(None, None)


@dataclass(frozen=True)
class ContractRange:
    """The safe ranges of one contract around S (fen; ticks signed from S).

    ``lower``/``upper``: where the first client falls below zero; ``member_lower``/
    ``member_upper``: the same for the members' reserves. ``clients``/``members``: the
    accounts holding the contract that are not below zero at S; ``below_zero`` and
    ``members_below_zero`` those already below zero at S (no range is safe for them).
    ``lower_limit_fen``/``upper_limit_fen``: the day's limit prices, for reference.
    """

    contract: str
    product: str
    settle_fen: int
    tick_fen: int
    lower_limit_fen: int
    upper_limit_fen: int
    clients: int
    below_zero: tuple[str, ...]
    lower: SafeEnd
    upper: SafeEnd
    members: int
    members_below_zero: tuple[str, ...]
    member_lower: SafeEnd
    member_upper: SafeEnd


@dataclass
class SafeRanges:
    """Every contract's safe ranges for the day after ``base_day`` (``day``)."""

    base_day: date
    day: date
    contracts: list[ContractRange]
    below_zero: tuple[str, ...]
    """Clients below zero at S whatever the prices (holding a position or not)."""
    members_below_zero: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)


# =============================================================================
# The day
# =============================================================================


def safe_range_day(
    start: DayInputs, params: DaySettlementParams, cal: TradingCalendar
) -> PreparedDay:
    """The next trading day after the settled base day as the safe range reads it:
    ``start`` (the inputs of next_td(D), as the daily settlement reads them) without its
    own activity (``hypothetical_day``, as a stress scenario day) and settling at S(D),
    prepared (``prepare_day``). Raises ``SettlementRefusedError`` as the settlement does."""
    day = dataclasses.replace(hypothetical_day(start), settle_fen=start.prior_settle_fen.copy())
    return prepare_day(day, params, cal)


def settle_moved(prepared: PreparedDay, contract: int, price_fen: int) -> DaySettlement:
    """The settlement of the prepared day with only ``contract`` (index) at
    ``price_fen``: the settlement the ranges answer for (tests hold them equal)."""
    prices = prepared.inputs.settle_fen.copy()
    prices[contract] = price_fen
    return settle_prepared(prepared, settle_fen=prices)


# =============================================================================
# Accounts exposed to a contract
# =============================================================================


@dataclass(frozen=True)
class _Point:
    """Accounts' figures at one price each: cash, margin and, for the items whose
    account has a pledge (``rows``), the margins of the pledged products (``sub``)."""

    cash: I64
    margin: I64
    rows: I64
    sub: I64


@dataclass(eq=False)
class _Exposures:
    """Accounts (clients or members) and their lines in each contract.

    An exposure is (contract, account) with its lines ``e_start[e]:e_start[e + 1]``,
    exposures grouped by contract; a line may stand for ``l_weight`` identical lines (a
    member's). The account arrays hold the settlement's figures at S: cash (balance /
    cash), margin, funds (available funds / reserve), the margins of the pledged
    products (``a_sub``) and their pledge (``a_value``).
    """

    e_contract: I64
    e_account: I64
    e_start: I64
    e_col: I64
    """Column of the exposure's product among the pledged products (−1: none)."""
    l_mult: I64
    l_hist: I64
    l_today: I64
    l_cost: I64
    l_sign: I64
    l_prior: I64
    l_rate: I64
    l_weight: I64
    l_margin0: I64
    l_mark0: I64
    a_cash: I64
    a_margin: I64
    a_funds: I64
    a_sub: I64
    a_value: I64
    cap_ppm: int | None
    c_settle: I64
    c_tick: I64
    e_weight: I64 = field(init=False)
    """Lines of each exposure (Σ weights): the margin's rounding slack in fen."""
    a_pledged: npt.NDArray[np.bool_] = field(init=False)
    _unit: bool = field(init=False)

    def __post_init__(self) -> None:
        sizes = np.diff(self.e_start)
        self._unit = bool((self.l_weight == 1).all())
        if self._unit:
            self.e_weight = sizes.astype(np.int64)
        elif self.l_weight.size:
            self.e_weight = np.add.reduceat(self.l_weight, self.e_start[:-1]).astype(np.int64)
        else:
            self.e_weight = np.zeros(0, np.int64)
        self.a_pledged = np.asarray((self.a_value > 0).any(axis=1), np.bool_)

    @property
    def n(self) -> int:
        return int(self.e_contract.size)

    def _lines(self, e: I64) -> tuple[I64 | None, I64]:
        """(starts, line): the lines of the exposures ``e`` one after the other, and
        where each exposure's begin among them; starts None when every exposure has
        one line (line i is entry i's)."""
        first = self.e_start[e]
        counts = self.e_start[e + 1] - first
        total = int(counts.sum())
        if total == e.size:
            return None, first
        at = np.cumsum(counts) - counts
        offsets = np.repeat(first - at, counts)
        return at.astype(np.int64), (offsets + np.arange(total, dtype=np.int64)).astype(np.int64)

    def _per_item(self, starts: I64 | None, line: I64, values: I64, n: int, what: str) -> I64:
        """Σ weight × value of each exposure's lines (``_lines`` order; the weights count
        identical lines), exact: refused past int64 as ``group_sum`` does."""
        if not self._unit:
            values = mul_half_up((values, self.l_weight[line]), 1)
        if starts is None:
            return np.asarray(values, np.int64)
        check_sum_bound(values, what)
        return np.add.reduceat(np.asarray(values, np.int64), starts).astype(np.int64)

    @staticmethod
    def _spread(starts: I64 | None, per_item: I64, total: int) -> I64:
        """An exposure's value repeated for each of its lines (``_lines`` order)."""
        if starts is None:
            return per_item
        counts = np.diff(np.append(starts, total))
        return np.repeat(per_item, counts)

    def price(self, e: I64, s: I64, side: I64) -> I64:
        """The price of exposure ``e``'s contract ``s`` ticks from S towards ``side``."""
        k = self.e_contract[e]
        return np.asarray(self.c_settle[k] + DIRECTIONS[side] * s * self.c_tick[k], np.int64)

    def point(self, e: I64, s: I64, side: I64) -> _Point:
        """Each exposure's account with its contract ``s`` ticks from S towards ``side``:
        the rules' line margins and marks of its lines there, the rest as at S."""
        item, line = self._lines(e)
        price = self._spread(item, self.price(e, s, side), line.size)
        lots = self.l_hist[line] + self.l_today[line]
        margin = line_margin(price, self.l_mult[line], lots, self.l_rate[line])
        mark = mark_to_market(
            price,
            self.l_prior[line],
            self.l_hist[line],
            self.l_today[line],
            self.l_cost[line],
            self.l_mult[line],
            self.l_sign[line],
        )
        d_margin = self._per_item(item, line, margin - self.l_margin0[line], e.size, "margin")
        d_cash = self._per_item(item, line, mark - self.l_mark0[line], e.size, "P&L")
        acc = self.e_account[e]
        cash = add_fen(((1, self.a_cash[acc]), (1, d_cash)), "cash")
        total = add_fen(((1, self.a_margin[acc]), (1, d_margin)), "margin")
        rows = np.flatnonzero(self.a_pledged[acc])
        sub = self.a_sub[acc[rows]]
        col = self.e_col[e[rows]]
        mine = np.flatnonzero(col >= 0)
        if mine.size:
            sub[mine, col[mine]] = add_fen(
                ((1, sub[mine, col[mine]]), (1, d_margin[rows[mine]])), "margin"
            )
        return _Point(cash, total, rows, sub)

    def funds(self, e: I64, p: _Point) -> I64:
        """``available_funds`` of the point with its offset ``offset_used`` (accounts
        without a pledge use none: the rule gives them 0)."""
        used = np.zeros(e.size, np.int64)
        if p.rows.size:
            value = self.a_value[self.e_account[e[p.rows]]]
            used[p.rows] = offset_used(p.sub, value, p.cash[p.rows], self.cap_ppm)
        return available_funds(p.cash, p.margin, used)

    def at(self, e: I64, s: I64, side: I64) -> I64:
        """Exact funds of each exposure's account ``s`` ticks from S towards ``side``."""
        return self.funds(e, self.point(e, s, side))

    def lower_bound(self, e: I64, a: I64, b: I64, side: I64) -> tuple[I64, I64, I64]:
        """A lower bound of the funds over the ticks a … b, and the exact funds at a
        and at b.

        Cash is linear in the price and each line margin the half-up rounding of a
        linear function, so over the range the margin is at most the chord through its
        two ends plus one fen a line. Along that chord the funds are concave in the
        price (cash − margin linear; the offset min(Σ min(pledge, margin), cap) the
        minimum of a concave and, while cash > 0, a linear function), so their least
        value is at an end; less one fen for the cap's own rounding. Where cash is not
        positive at both ends: the lowest cash with the highest margins (funds rise
        with cash and fall with margin).
        """
        pa = self.point(e, a, side)
        at_a = self.funds(e, pa)
        pb = self.point(e, b, side)
        at_b = self.funds(e, pb)
        slack = self.e_weight[e]
        chord = np.minimum(
            self.funds(e, self._raised(e, pa, slack)), self.funds(e, self._raised(e, pb, slack))
        )
        if self.cap_ppm is None:
            bound = chord
        else:
            crude = _Point(
                np.minimum(pa.cash, pb.cash),
                np.maximum(pa.margin, pb.margin),
                pa.rows,
                np.maximum(pa.sub, pb.sub),
            )
            bound = np.where((pa.cash > 0) & (pb.cash > 0), chord - 1, self.funds(e, crude))
        bound = np.minimum(bound, np.minimum(at_a, at_b))
        return np.where(a == b, at_a, bound).astype(np.int64), at_a, at_b

    def _raised(self, e: I64, p: _Point, by: I64) -> _Point:
        """The point with ``by`` more margin on the exposure's own product."""
        sub = p.sub.copy()
        col = self.e_col[e[p.rows]]
        mine = np.flatnonzero(col >= 0)
        if mine.size:
            sub[mine, col[mine]] += by[p.rows[mine]]
        return _Point(p.cash, add_fen(((1, p.margin), (1, by)), "margin"), p.rows, sub)

    def steps(self, e: I64) -> tuple[I64, I64, I64]:
        """Per exposure: the cash change of one tick down and of one tick up, and the
        most one tick can move the margin (Σ line_margin(one tick) + 1 fen a line:
        half-up rounding is subadditive up to one fen)."""
        ones = np.ones(e.size, np.int64)
        down = self.point(e, ones, np.full(e.size, DOWN, np.int64))
        up = self.point(e, ones, np.full(e.size, UP, np.int64))
        cash = self.a_cash[self.e_account[e]]
        item, line = self._lines(e)
        tick = self.c_tick[self.e_contract[e]]
        lots = self.l_hist[line] + self.l_today[line]
        one = line_margin(
            self._spread(item, tick, line.size), self.l_mult[line], lots, self.l_rate[line]
        )
        return (
            add_fen(((1, down.cash), (-1, cash)), "P&L"),
            add_fen(((1, up.cash), (-1, cash)), "P&L"),
            self._per_item(item, line, one + 1, e.size, "margin step"),
        )

    def linear(self, e: I64) -> tuple[I64, I64]:
        """Per exposure: the cash change of one tick up (exact; the mark is linear in the
        price, so s ticks move it s times as much, down as much the other way) and the
        margin's slope per tick × 10^6: ``line_margin`` is half_up(P × mult × lots × rate
        ÷ 10^6), linear in P before its one rounding, so its slope per tick is tick ×
        mult × lots × rate ÷ 10^6 (kept × 10^6: an exact integer, no division)."""
        item, line = self._lines(e)
        tick = self.c_tick[self.e_contract[e]]
        price = self.c_settle[self.e_contract[e]] + tick
        tick = self._spread(item, tick, line.size)
        price = self._spread(item, price, line.size)
        mark = mark_to_market(
            price,
            self.l_prior[line],
            self.l_hist[line],
            self.l_today[line],
            self.l_cost[line],
            self.l_mult[line],
            self.l_sign[line],
        )
        lots = self.l_hist[line] + self.l_today[line]
        per_ppm = mul_half_up((tick, self.l_mult[line], lots, self.l_rate[line]), 1)
        return (
            self._per_item(item, line, mark - self.l_mark0[line], e.size, "P&L"),
            self._per_item(item, line, per_ppm, e.size, "margin slope"),
        )


def _client_exposures(
    prepared: PreparedDay, base: DaySettlement, columns: I64, keep: npt.NDArray[np.bool_]
) -> _Exposures:
    """Clients' exposures: every held line of the contracts ``keep`` (bool per
    contract). The lines come in (client, contract, side, hedge) order, so each
    (client, contract) is a run of them."""
    inputs = prepared.inputs
    book = prepared.book
    held = (book.lots() > 0) & keep[prepared.line_contract]
    rows = None if bool(held.all()) else np.flatnonzero(held)

    def pick(values: I64) -> I64:
        return values if rows is None else values[rows]

    contract = pick(prepared.line_contract)
    client = pick(prepared.line_client)
    value = prepared.quota.client[:, columns]
    e_start = _groups(client, contract)
    rates = prepared.rates.line_rates(contract, pick(prepared.line_hedge))
    e_contract = contract[e_start[:-1]]
    return _Exposures(
        e_contract=e_contract.astype(np.int64),
        e_account=client[e_start[:-1]].astype(np.int64),
        e_start=e_start,
        e_col=_columns(len(inputs.products), columns)[inputs.product_of_contract[e_contract]],
        l_mult=pick(book.multiplier),
        l_hist=pick(book.hist_lots),
        l_today=pick(book.today_lots),
        l_cost=pick(book.today_cost),
        l_sign=pick(book.sign),
        l_prior=pick(book.prior_fen),
        l_rate=(rates + prepared.addon).astype(np.int64),
        l_weight=np.ones(contract.size, np.int64),
        l_margin0=pick(base.line_client_margin_fen),
        l_mark0=pick(base.line_position_pnl_fen),
        a_cash=base.client["balance_fen"],
        a_margin=base.client["margin_fen"],
        a_funds=base.client["available_fen"],
        a_sub=_product_margins(
            prepared.line_client, prepared, base.line_client_margin_fen, value, columns
        ),
        a_value=value,
        cap_ppm=prepared.params.cash_cap_ppm,
        c_settle=inputs.settle_fen,
        c_tick=_ticks(inputs),
    )


def _member_exposures(
    prepared: PreparedDay, base: DaySettlement, columns: I64, keep: npt.NDArray[np.bool_]
) -> tuple[_Exposures, list[str]]:
    """Members' exposures: their clients' held lines at the exchange rate (the member
    statement's margin), identical lines grouped: same contract, side, hedge flag (so
    rate) and lots, none opened today (a member holds thousands of lines of one
    contract; the prior price is the contract's)."""
    inputs = prepared.inputs
    book = prepared.book
    codes = [m.member_code for m in base.members]
    m_index = {m: i for i, m in enumerate(inputs.members)}
    local = np.full(len(inputs.members), -1, np.int64)
    for i, code in enumerate(codes):
        local[m_index[code]] = i
    line_member = local[inputs.client_member[prepared.line_client]]
    lots = book.lots()
    held = np.flatnonzero((lots > 0) & keep[prepared.line_contract] & (line_member >= 0))
    n_m = len(codes)
    plain = (book.today_lots[held] == 0) & (book.today_cost[held] == 0)
    kinds = np.max(lots[held], initial=0) + 1
    key = (
        (
            (prepared.line_contract[held] * max(n_m, 1) + line_member[held]) * 2
            + prepared.line_side[held]
        )
        * 2
        + prepared.line_hedge[held].astype(np.int64)
    ) * kinds + lots[held]
    space = len(inputs.contracts) * max(n_m, 1) * 4 * int(kinds)
    if bool(plain.all()) and space <= 2**23:
        # few distinct keys: count them directly (no sort)
        counts = np.bincount(key, minlength=space)
        groups = np.flatnonzero(counts)
        rep_of = np.zeros(space, np.int32 if held.size < 2**31 else np.int64)
        rep_of[key] = held  # any line of a group stands for it
        rep = rep_of[groups].astype(np.int64)
        weight = counts[groups].astype(np.int64)
    else:
        # lines opened today each stand alone, after the grouped ones of the contract
        key = np.where(plain, key * 2, key * 2 + 1)
        order = np.argsort(key, kind="stable")
        key_sorted = key[order]
        first = np.ones(order.size, np.bool_)
        first[1:] = (key_sorted[1:] != key_sorted[:-1]) | (key_sorted[1:] % 2 == 1)
        starts = np.flatnonzero(first)
        rep = held[order[starts]]
        weight = np.diff(np.append(starts, order.size)).astype(np.int64)
    rep_member = line_member[rep]
    # exposures: (contract, member), the lines grouped in key order
    e_start = _groups(prepared.line_contract[rep], rep_member)
    e_contract = prepared.line_contract[rep][e_start[:-1]]
    rates = prepared.rates.line_rates(prepared.line_contract[rep], prepared.line_hedge[rep])
    member_rows = np.array([m_index[c] for c in codes], np.int64)
    value = prepared.quota.member[member_rows][:, columns]
    return (
        _Exposures(
            e_contract=e_contract.astype(np.int64),
            e_account=rep_member[e_start[:-1]].astype(np.int64),
            e_start=e_start,
            e_col=_columns(len(inputs.products), columns)[inputs.product_of_contract[e_contract]],
            l_mult=book.multiplier[rep],
            l_hist=book.hist_lots[rep],
            l_today=book.today_lots[rep],
            l_cost=book.today_cost[rep],
            l_sign=book.sign[rep],
            l_prior=book.prior_fen[rep],
            l_rate=rates.astype(np.int64),
            l_weight=weight,
            l_margin0=base.line_margin_fen[rep],
            l_mark0=base.line_position_pnl_fen[rep],
            a_cash=np.array([m.cash_fen for m in base.members], np.int64),
            a_margin=np.array([m.margin_fen for m in base.members], np.int64),
            a_funds=np.array([m.reserve_fen for m in base.members], np.int64),
            a_sub=_product_margins(line_member, prepared, base.line_margin_fen, value, columns),
            a_value=value,
            cap_ppm=prepared.params.cash_cap_ppm,
            c_settle=inputs.settle_fen,
            c_tick=_ticks(inputs),
        ),
        codes,
    )


def _small(codes: I64) -> npt.NDArray[np.signedinteger]:
    """Codes as int16 when they fit (numpy sorts those stably by radix: fast)."""
    return codes.astype(np.int16) if codes.size and int(codes.max()) < 2**15 else codes


def _ticks(inputs: DayInputs) -> I64:
    return np.array([max(c.tick_fen, 1) for c in inputs.contracts], np.int64)


def _groups(major: I64, minor: I64) -> I64:
    """The starts of the (major, minor) groups of rows sorted by them, with the end."""
    n = major.size
    if n == 0:
        return np.zeros(1, np.int64)
    new = np.ones(n, np.bool_)
    new[1:] = (major[1:] != major[:-1]) | (minor[1:] != minor[:-1])
    return np.append(np.flatnonzero(new), n).astype(np.int64)


def _columns(n_products: int, columns: I64) -> I64:
    """Column of each product among ``columns`` (−1: not among them)."""
    out = np.full(n_products, -1, np.int64)
    out[columns] = np.arange(columns.size, dtype=np.int64)
    return out


def _product_margins(
    account: I64, prepared: PreparedDay, margin: I64, value: I64, columns: I64
) -> I64:
    """Each account's margin of the pledged products ``columns`` at S (its lines'
    ``margin`` summed; ``account`` −1: a line of no account here); zeros for the
    accounts without a pledge (``value``), which never use them."""
    n_accounts, q = value.shape[0], max(columns.size, 1)
    pledged = np.append(np.asarray((value > 0).any(axis=1), np.bool_), False)
    rows = np.flatnonzero(pledged[account])  # −1 reads the appended False
    product = prepared.inputs.product_of_contract[prepared.line_contract[rows]]
    col = _columns(len(prepared.inputs.products), columns)[product]
    mine = col >= 0
    rows, col = rows[mine], col[mine]
    flat = group_sum(account[rows] * q + col, margin[rows], n_accounts * q, "margin")
    return flat.reshape(n_accounts, q)[:, : columns.size].copy()


# =============================================================================
# The search
# =============================================================================


@dataclass
class _Pairs:
    """(exposure, side) pairs and their (contract, side) index ``cs``."""

    e: I64
    side: I64
    cs: I64

    def take(self, rows: I64) -> _Pairs:
        return _Pairs(self.e[rows], self.side[rows], self.cs[rows])

    @staticmethod
    def join(*parts: _Pairs) -> _Pairs:
        return _Pairs(
            np.concatenate([p.e for p in parts]),
            np.concatenate([p.side for p in parts]),
            np.concatenate([p.cs for p in parts]),
        )

    @property
    def size(self) -> int:
        return int(self.e.size)


def _search(
    ex: _Exposures, limit: I64, probe: I64, report: Callable[[], None]
) -> tuple[I64, _Pairs]:
    """The first tick below zero per (contract, side) (index 2 × contract + side), or
    ``limit + 1`` where no account falls below zero within ``limit`` ticks; and the
    pairs that may be below zero there (every other pair is proven ≥ 0 up to it)."""
    best = limit + 1
    live = np.flatnonzero(ex.a_funds[ex.e_account] >= 0)
    pledged = ex.a_pledged[ex.e_account[live]]
    # accounts without a pledge: funds = cash − margin, within a fen a line of linear
    near, near_safe, wide, wide_from = _plain(ex, live[~pledged], limit, best)
    report()
    # accounts with a pledge: the offset's kinks; monotone ones bracketed, the others
    # (and the plain ones whose band was too wide to check tick by tick) by branch
    # and bound
    mine = live[pledged]
    pairs = _Pairs(
        np.repeat(mine, 2),
        np.tile(np.array([DOWN, UP], np.int64), mine.size),
        np.zeros(2 * mine.size, np.int64),
    )
    pairs.cs = ex.e_contract[pairs.e] * 2 + pairs.side
    pairs = pairs.take(np.flatnonzero(limit[pairs.cs] > 0))
    cash_down, cash_up, most = ex.steps(mine)
    where = np.searchsorted(mine, pairs.e)
    up = pairs.side == UP
    step_cash = np.where(up, cash_up[where], cash_down[where])
    rising = np.where(up, step_cash >= most[where], step_cash >= 0)
    falling = np.where(up, step_cash <= 0, step_cash <= -most[where])
    fall = pairs.take(np.flatnonzero(falling))
    fall_safe = _falling(ex, fall, limit, probe, best)
    report()
    mixed = pairs.take(np.flatnonzero(~rising & ~falling))
    both = _Pairs.join(mixed, wide)
    _mixed(ex, both, np.concatenate((np.ones(mixed.size, np.int64), wide_from)), best)
    # every pair not proven ≥ 0 at the end may bind it
    return best, _Pairs.join(
        near.take(np.flatnonzero(near_safe < best[near.cs])),
        fall.take(np.flatnonzero(fall_safe < best[fall.cs])),
        both,
    )


_SCAN = 64
"""Widest band of ticks checked one by one; wider ones go to branch and bound."""
_EPS = 1e-9
"""Relative margin on the float estimates, which only choose where to look."""


def _plain(ex: _Exposures, e: I64, limit: I64, best: I64) -> tuple[_Pairs, I64, _Pairs, I64]:
    """Accounts without a pledge. Their funds are cash − margin (no offset); over s
    ticks the cash moves by exactly s × the one-tick mark and the margin by s × its
    slope within one fen a line (each line margin is rounded once), so the funds lie
    within ± the lines of f0 + s × g, g the same with opposite signs on the two sides.
    On the side where g rises they are proven ≥ 0 (when f0 ≥ the lines); on the other
    proven ≥ 0 up to one tick and < 0 from another, and the ticks between are checked
    exactly with the rules (bands wider than ``_SCAN``: returned for branch and
    bound). Lowers ``best``; returns the pairs that may hold an end with the tick each
    is proven ≥ 0 to, and the wide pairs with the tick their band starts at."""
    empty = _Pairs(*(np.zeros(0, np.int64),) * 3)
    none = np.zeros(0, np.int64)
    if not e.size:
        return empty, none, empty, none
    step_up, slope_ppm = ex.linear(e)
    g = step_up.astype(np.float64) - slope_ppm.astype(np.float64) / PPM
    f0 = ex.a_funds[ex.e_account[e]].astype(np.float64)
    lines = ex.e_weight[e].astype(np.float64)
    rate = np.abs(g)
    fall_side = (g < 0).astype(np.int64)  # UP where g < 0, else DOWN
    cs = ex.e_contract[e] * 2 + fall_side
    lim = limit[cs]
    low = f0 - lines
    # g exactly 0 (cash and margin move alike): the funds stay within the lines of f0.
    # Nearly 0 (next to the float error of the estimates): no estimate, both sides
    # checked by branch and bound.
    zero = (slope_ppm % PPM == 0) & (step_up == slope_ppm // PPM)
    flat = ~zero & (rate <= (np.abs(step_up) + slope_ppm / PPM) * 1e-6)
    moving = ~zero & ~flat
    pos = np.where(moving, rate, 1.0)
    # the falling side: proven < 0 from ⌊(f0 + lines) ÷ rate⌋ + 1 (f0 ≥ 0 here), proven
    # ≥ 0 to ⌊(f0 − lines) ÷ rate⌋ (the float error is within the relative margin)
    under = np.where(moving, np.floor((f0 + lines) / pos * (1 + _EPS)) + 2, 2.0**62)
    below_from = np.minimum(under, lim + 1).astype(np.int64)
    safe = np.where(moving, np.floor(np.maximum(low, 0) / pos * (1 - _EPS)) - 1, 0)
    safe_to = np.minimum(np.maximum(safe, 0), lim).astype(np.int64)
    steady = zero & (low >= 0)
    safe_to[steady] = lim[steady]
    # a tick proven below zero bounds the end (confirmed exactly: the rules decide)
    proven = np.flatnonzero(below_from <= lim)
    if proven.size:
        bound = np.full(best.size, np.iinfo(np.int64).max, np.int64)
        np.minimum.at(bound, cs[proven], below_from[proven])
        at_bound = proven[below_from[proven] == bound[cs[proven]]]
        f = ex.at(e[at_bound], below_from[at_bound], fall_side[at_bound])
        if (f >= 0).any():
            raise RuntimeError("safe range: a tick proven below zero is not")
        np.minimum.at(best, cs[at_bound], below_from[at_bound])
    # bands to check tick by tick: the falling side's between proven ≥ 0 and proven
    # < 0; where f0 is within the rounding of zero, the rising side's until f0 − lines
    # + s × rate ≥ 0 (flat funds: the whole side)
    near = np.flatnonzero(safe_to < best[cs] - 1)
    sides = [_Pairs(e[near], fall_side[near], cs[near])]
    starts = [safe_to[near]]
    ends = [np.where(moving[near], below_from[near] - 1, lim[near])]
    edge = np.flatnonzero((low < 0) | flat)
    if edge.size:
        other = 1 - fall_side[edge]
        cs_o = ex.e_contract[e[edge]] * 2 + other
        lim_o = limit[cs_o]
        climb = np.ceil(-np.minimum(low[edge], 0) / pos[edge] * (1 + _EPS)) + 1
        sides.append(_Pairs(e[edge], other, cs_o))
        starts.append(np.zeros(edge.size, np.int64))
        ends.append(np.where(moving[edge], np.minimum(climb, lim_o), lim_o).astype(np.int64))
    band = _Pairs.join(*sides)
    start = np.concatenate(starts)
    end = np.minimum(np.concatenate(ends), best[band.cs] - 1)
    todo = np.flatnonzero(start < end)
    band, start, end = band.take(todo), start[todo], end[todo]
    # the pairs that may bind an end: not proven ≥ 0 at it
    near_all = np.flatnonzero(safe_to < best[cs])
    may = _Pairs(e[near_all], fall_side[near_all], cs[near_all])
    may_safe = safe_to[near_all]
    scan = np.flatnonzero(end - start <= _SCAN)
    if scan.size:
        w = (end[scan] - start[scan]).astype(np.int64)
        idx = np.repeat(scan, w)
        tick = start[idx] + 1 + (np.arange(idx.size) - np.repeat(np.cumsum(w) - w, w))
        f = ex.at(band.e[idx], tick, band.side[idx])
        neg = f < 0
        np.minimum.at(best, band.cs[idx[neg]], tick[neg])
        first = np.full(band.size, np.iinfo(np.int64).max, np.int64)
        np.minimum.at(first, idx[neg], tick[neg])
        # checked to the end of the band, or to the tick before the first below zero;
        # beyond a rising band the funds are proven ≥ 0, beyond a falling one < 0
        checked = np.minimum(end[scan], first[scan] - 1)
        may = _Pairs.join(may, band.take(scan))
        may_safe = np.concatenate((may_safe, checked))
    wide = np.flatnonzero(end - start > _SCAN)
    return may, may_safe, band.take(wide), start[wide] + 1


def _falling(ex: _Exposures, pairs: _Pairs, limit: I64, probe: I64, best: I64) -> I64:
    """Funds proven monotone falling: the first tick below zero of the pairs that may
    hold the end, exactly (bracketed to one tick), into ``best``. Returns the tick up
    to which each pair is known ≥ 0 (monotone: ≥ 0 at a tick means ≥ 0 from S to it)."""
    n = pairs.size
    if not n:
        return np.zeros(0, np.int64)
    e, side, cs = pairs.e, pairs.side, pairs.cs
    f0 = ex.a_funds[ex.e_account[e]]
    lim = limit[cs]
    # the funds at the day's limit move, then the secant's tick where they reach zero
    sp = np.clip(probe[cs], 1, lim)
    fp = ex.at(e, sp, side)
    lo = np.zeros(n, np.int64)
    hi = np.full(n, -1, np.int64)  # −1: no tick below zero known
    f_lo = f0.copy()
    f_hi = np.zeros(n, np.int64)
    _update(lo, hi, f_lo, f_hi, np.arange(n, dtype=np.int64), sp, fp)
    ahead = np.flatnonzero(fp >= 0)
    if ahead.size:
        drop = (f0[ahead] - fp[ahead]).astype(np.float64)
        reach = np.ceil(fp[ahead] * sp[ahead].astype(np.float64) / np.maximum(drop, 1.0))
        guess = np.where(drop > 0, sp[ahead] + reach, lim[ahead])
        s2 = np.clip(np.nan_to_num(guess, nan=0.0, posinf=0.0), 0, lim[ahead]).astype(np.int64)
        s2 = np.maximum(s2, sp[ahead])
        _update(lo, hi, f_lo, f_hi, ahead, s2, ex.at(e[ahead], s2, side[ahead]))
    # brackets narrowed to one tick where they may hold the end; then every other pair
    # checked at the tick before the end
    for _ in range(_MAX_ROUNDS):
        closed = np.flatnonzero((hi >= 0) & (hi == lo + 1))
        np.minimum.at(best, cs[closed], hi[closed])
        wide = np.flatnonzero((hi > lo + 1) & (lo < best[cs] - 1))
        if wide.size:
            _narrow(ex, pairs, lo, hi, f_lo, f_hi, wide)
            continue
        bound = np.minimum(best[cs] - 1, lim)
        unknown = np.flatnonzero((hi < 0) & (lo < bound))
        if not unknown.size:
            return lo
        s = bound[unknown]
        _update(lo, hi, f_lo, f_hi, unknown, s, ex.at(e[unknown], s, side[unknown]))
    raise RuntimeError("safe range: the bracketing did not converge")  # pragma: no cover


def _update(lo: I64, hi: I64, f_lo: I64, f_hi: I64, rows: I64, s: I64, f: I64) -> None:
    """Take the funds ``f`` at ticks ``s`` of the pairs ``rows`` into their brackets."""
    under = f < 0
    closer = under & ((hi[rows] < 0) | (s < hi[rows]))
    t = rows[closer]
    hi[t], f_hi[t] = s[closer], f[closer]
    further = ~under & (s > lo[rows])
    t = rows[further]
    lo[t], f_lo[t] = s[further], f[further]


def _narrow(
    ex: _Exposures, pairs: _Pairs, lo: I64, hi: I64, f_lo: I64, f_hi: I64, rows: I64
) -> None:
    """One round on the brackets ``rows``: the secant's tick and the next one (near
    linear funds land on the crossing); the middle when the secant strays."""
    a, b = lo[rows], hi[rows]
    fa, fb = f_lo[rows].astype(np.float64), f_hi[rows].astype(np.float64)
    width = (b - a).astype(np.float64)
    x = a + np.floor(fa * width / np.maximum(fa - fb, 1.0))
    mid = a + (b - a) // 2
    x = np.where((width > 64) & (np.abs(x - (a + width / 2)) > width / 4), mid, x)
    s1 = np.clip(np.nan_to_num(x, nan=0.0).astype(np.int64), a + 1, b - 1)
    s2 = np.minimum(s1 + 1, b - 1)
    ticks = np.concatenate((s1, s2))
    both = np.concatenate((rows, rows))
    f = ex.at(pairs.e[both], ticks, pairs.side[both])
    _update(lo, hi, f_lo, f_hi, both[: rows.size], s1, f[: rows.size])
    _update(lo, hi, f_lo, f_hi, both[rows.size :], s2, f[rows.size :])


def _mixed(ex: _Exposures, pairs: _Pairs, start: I64, best: I64) -> None:
    """Funds not proven monotone: branch and bound over tick ranges (``lower_bound``)
    from ``start`` up to the end found so far; a tick found below zero moves the end
    before it (and drops every range beyond it)."""
    if not pairs.size:
        return
    item = np.arange(pairs.size, dtype=np.int64)
    a = start.astype(np.int64)
    b = best[pairs.cs] - 1
    for _ in range(_MAX_ROUNDS):
        b = np.minimum(b, best[pairs.cs[item]] - 1)
        keep = a <= b
        item, a, b = item[keep], a[keep], b[keep]
        if not item.size:
            return
        lb, at_a, at_b = ex.lower_bound(pairs.e[item], a, b, pairs.side[item])
        # exact ticks below zero end the range
        np.minimum.at(best, pairs.cs[item[at_a < 0]], a[at_a < 0])
        np.minimum.at(best, pairs.cs[item[at_b < 0]], b[at_b < 0])
        split = (lb < 0) & (b - a > 1) & (at_a >= 0)
        item, a, b = item[split], a[split], b[split]
        mid = a + (b - a) // 2
        item = np.concatenate((item, item))
        a, b = np.concatenate((a + 1, mid + 1)), np.concatenate((mid, b - 1))
    raise RuntimeError("safe range: the branch and bound did not finish")  # pragma: no cover


def _ends(
    ex: _Exposures, codes: Sequence[str], best: I64, limit: I64, may: _Pairs
) -> dict[tuple[int, int], SafeEnd]:
    """The end of each bounded (contract, side) with its binding accounts: the pairs
    of ``may`` below zero one tick beyond the end."""
    out: dict[tuple[int, int], SafeEnd] = {}
    _, once = np.unique(may.e * 2 + may.side, return_index=True)
    may = may.take(once)
    pick = np.flatnonzero(best[may.cs] <= limit[may.cs])
    e, side, cs = may.e[pick], may.side[pick], may.cs[pick]
    beyond = ex.at(e, best[cs], side)
    neg = np.flatnonzero(beyond < 0)
    e, side, cs, beyond = e[neg], side[neg], cs[neg], beyond[neg]
    at_end = ex.at(e, best[cs] - 1, side)
    order = np.lexsort((ex.e_account[e], beyond, cs))
    groups: dict[int, list[int]] = {}
    for i in order.tolist():
        groups.setdefault(int(cs[i]), []).append(i)
    for key in np.flatnonzero(best <= limit).tolist():
        rows = groups.get(key, [])
        if not rows:
            raise RuntimeError("safe range: no account below zero at the end found")
        k, s = divmod(key, 2)
        ticks = int(best[key] - 1) * int(DIRECTIONS[s])
        out[(k, s)] = SafeEnd(
            ticks=ticks,
            price_fen=int(ex.c_settle[k] + ticks * ex.c_tick[k]),
            binding=tuple(codes[int(ex.e_account[e[i]])] for i in rows),
            funds_fen=tuple(int(at_end[i]) for i in rows),
            beyond_fen=tuple(int(beyond[i]) for i in rows),
        )
    return out


# =============================================================================
# Every contract
# =============================================================================


def safe_ranges(
    prepared: PreparedDay,
    base: DaySettlement | None = None,
    *,
    contracts: Sequence[str] | None = None,
    max_price_fen: int | None = None,
    report: Report | None = None,
) -> SafeRanges:
    """The safe ranges of ``contracts`` (default: every contract with a price S) on the
    prepared day (``safe_range_day``), from its settlement at S (``base``; default
    ``settle_prepared`` at the inputs' prices). ``max_price_fen`` caps the upward search
    (default: the plausibility limit's highest price). KeyError for an unknown code.
    """
    inputs = prepared.inputs
    settled = base if base is not None else settle_prepared(prepared)
    steps = 6
    done = [0]

    def tick() -> None:
        done[0] += 1
        if report is not None:
            report(min(done[0], steps), steps)

    if report is not None:
        report(0, steps)
    n_k = len(inputs.contracts)
    settle = inputs.settle_fen
    keep = settle > 0
    if contracts is not None:
        index = inputs.contract_index
        chosen = np.zeros(n_k, np.bool_)
        for code in contracts:
            chosen[index[code]] = True
        keep &= chosen
    top = max_price_fen if max_price_fen is not None else default_plausibility().max_price_fen
    tick_fen = _ticks(inputs)
    limit = np.zeros(2 * n_k, np.int64)
    limit[0::2] = np.where(keep, np.maximum(settle // tick_fen - 1, 0), 0)
    limit[1::2] = np.where(keep, np.maximum((top - settle) // tick_fen, 0), 0)
    lower_lim, upper_lim = _limits(inputs, settle, tick_fen)
    probe = np.zeros(2 * n_k, np.int64)
    probe[0::2] = np.maximum((settle - lower_lim) // tick_fen, 1)
    probe[1::2] = np.maximum((upper_lim - settle) // tick_fen, 1)

    pledged = np.flatnonzero(
        prepared.quota.client.any(axis=0) | prepared.quota.member.any(axis=0)
    ).astype(np.int64)
    clients = _client_exposures(prepared, settled, pledged, keep)
    tick()
    best_c, may_c = _search(clients, limit, probe, tick)
    ends_c = _ends(clients, inputs.clients, best_c, limit, may_c)
    tick()
    members, member_codes = _member_exposures(prepared, settled, pledged, keep)
    best_m, may_m = _search(members, limit, probe, tick)
    ends_m = _ends(members, member_codes, best_m, limit, may_m)

    client_codes = np.asarray(inputs.clients, dtype=object)
    holders, below = _holders(clients, n_k)
    m_holders, m_below = _holders(members, n_k)
    out: list[ContractRange] = []
    for k in np.flatnonzero(keep).tolist():
        c = inputs.contracts[k]
        out.append(
            ContractRange(
                contract=c.code,
                product=c.product,
                settle_fen=int(settle[k]),
                tick_fen=c.tick_fen,
                lower_limit_fen=int(lower_lim[k]),
                upper_limit_fen=int(upper_lim[k]),
                clients=int(holders[k]),
                below_zero=tuple(client_codes[below.get(k, [])].tolist()),
                lower=ends_c.get((k, DOWN), UNBOUNDED),
                upper=ends_c.get((k, UP), UNBOUNDED),
                members=int(m_holders[k]),
                members_below_zero=tuple(member_codes[i] for i in m_below.get(k, [])),
                member_lower=ends_m.get((k, DOWN), UNBOUNDED),
                member_upper=ends_m.get((k, UP), UNBOUNDED),
            )
        )
    tick()
    all_below = prepared.settled[settled.client["available_fen"][prepared.settled] < 0]
    return SafeRanges(
        base_day=inputs.prev_day,
        day=inputs.day,
        contracts=out,
        below_zero=tuple(client_codes[all_below].tolist()),
        members_below_zero=tuple(m.member_code for m in settled.members if m.reserve_fen < 0),
        warnings=list(prepared.warnings),
    )


def _holders(ex: _Exposures, n_k: int) -> tuple[I64, dict[int, list[int]]]:
    """Per contract: the accounts holding it not below zero at S, and those below
    zero (account indexes, ascending)."""
    negative = ex.a_funds[ex.e_account] < 0
    count = np.bincount(ex.e_contract[~negative], minlength=n_k).astype(np.int64)
    neg = np.flatnonzero(negative)
    order = np.lexsort((ex.e_account[neg], ex.e_contract[neg]))
    contract, account = ex.e_contract[neg][order], ex.e_account[neg][order]
    cut = np.flatnonzero(np.diff(contract)) + 1
    below = {
        int(ks[0]): accs.tolist()
        for ks, accs in zip(np.split(contract, cut), np.split(account, cut), strict=True)
        if ks.size
    }
    return count, below


def _limits(inputs: DayInputs, settle: I64, tick: I64) -> tuple[I64, I64]:
    """The day's limit prices around S (L0 widened by a lock run on the base day, as a
    scenario's limit move would use them)."""
    base = np.array(
        [
            price_limits.day_limit_ppm(
                c.price_limit_ppm, inputs.prior_limit_lock_runs.get(c.code, ("", 0))[1]
            )
            for c in inputs.contracts
        ],
        np.int64,
    )
    return price_limits.limit_prices(np.maximum(settle, 0), base, tick)
