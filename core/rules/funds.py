"""Intraday margin, receipt offset, available funds and interest (spec 2.a, 2.c).

Two implementations that give the same fen:

* a **reference** one, line by line in exact ``Decimal`` (``replay_line``,
  ``client_funds``), used by ``riskdesk calc`` and as the oracle of the tests;
* a **vectorised** one over ``int64`` fen columns for many accounts (``LineBook``,
  ``AccountBook``, ``apply_trades``, ``intraday_funds``), used by the live monitor.

Rounding (spec 2.0): each money line is rounded half up to the fen: one position line's
margin, one close trade's P&L (its first-in-first-out pieces summed first), one fee, one
product's receipt offset value. Totals are sums of rounded lines. With prices in whole
fen and integer multipliers, P&L lines are exact; margins (× rate) and offset values (×
haircut) are the lines that actually round.

int64 bounds (vectorised path): prices are fen, rates and haircuts ppm (millionths). A
margin line is ``price_fen × multiplier × lots × rate_ppm``; with 10,000 yuan prices,
multiplier 100, 10^6 lots and a 100 % rate that is 10^6 × 100 × 10^6 × 10^6 = 10^20,
above int64 (9.2 × 10^18). Products whose bound exceeds 2^62 are computed for the
affected rows in exact Python integers (``_mul_half_up``); group sums raise
``MoneyOverflowError`` if they could exceed int64 (an account total above 9.2 × 10^16
yuan).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from core.errors import RiskDeskError
from core.money import (
    INT64_SAFE,
    Fen,
    add_fen,
    add_into,
    check_add_into,
    check_sum_bound,
    group_sum,
    half_up_div,
    max_abs,
    mul_half_up,
    round_half_up_fen,
    row_sums,
)
from core.rules.day_inputs import ACTION_CLOSE, ACTION_DELIVER, ACTION_OPEN
from core.rules.margin_schedule import PPM
from core.rules.sides import LONG, SHORT, sign_of

I64 = npt.NDArray[np.int64]
Side = Literal["long", "short"]
ACTIONS = ("open", "close", "deliver")
_DEC_PREC = 60


class OverCloseError(RiskDeskError):
    """A close or delivery takes more lots than the line holds at that point."""

    def __init__(self, trade: int, held: int, requested: int, line: int | None = None) -> None:
        self.trade = trade
        self.held = held
        self.requested = requested
        self.line = line
        where = f"line {line}, " if line is not None else ""
        super().__init__(f"{where}trade {trade}: closes {requested} lots but only {held} are open")


# =============================================================================
# Reference implementation (exact Decimal, one line at a time)
# =============================================================================


@dataclass(frozen=True)
class Trade:
    """One trade on a position line; ``fee_fen`` is the money charged for the whole
    trade.
    """

    action: str
    lots: int
    price: Decimal
    fee_fen: int = 0


@dataclass(frozen=True)
class PositionLine:
    """A client's (or member's) position in one contract, side and hedge flag for a day.

    ``rate`` is the rate of the computation: the open rate intraday (= rate_settle of
    the previous day), the settlement rate at settlement. ``settlement`` is S(D), needed
    only at settlement; ``last_price`` only for the floating-loss option.
    """

    contract: str
    product: str
    multiplier: int
    side: Side
    hedge: bool
    prior_settlement: Decimal
    rate: Decimal
    historic_lots: int
    trades: tuple[Trade, ...] = ()
    last_price: Decimal | None = None
    settlement: Decimal | None = None

    @property
    def sign(self) -> int:
        return 1 if self.side == "long" else -1


@dataclass(frozen=True)
class Receipt:
    """Receipts lodged as margin (R02): tons of one product at a base price."""

    product: str
    tons: int
    base_price: Decimal


@dataclass(frozen=True)
class OpenLots:
    """Lots still open: ``basis`` is S(prev) for historic lots, else P_open."""

    lots: int
    basis: Decimal
    historic: bool


@dataclass(frozen=True)
class LineReplay:
    """A line after its trades, first-in-first-out (spec 2.0 close order)."""

    open_lots: tuple[OpenLots, ...]
    trade_pnl_fen: tuple[int, ...]
    close_pnl_fen: int
    fees_fen: int

    @property
    def historic_left(self) -> int:
        return sum(o.lots for o in self.open_lots if o.historic)

    @property
    def lots_left(self) -> int:
        return sum(o.lots for o in self.open_lots)


@dataclass(slots=True)
class _Lot:
    lots: int
    basis: Decimal
    historic: bool


def replay_line(line: PositionLine, extra: Sequence[Trade] = ()) -> LineReplay:
    """Apply the line's trades (then ``extra``) first-in-first-out.

    Closes and deliveries consume historic lots first, then today's opens in order; each
    close trade's P&L is ``Σ (price − basis) × multiplier × lots`` (reversed for
    shorts), rounded half up once per trade. Raises OverCloseError (``trade`` = index in
    the combined list) if a close takes more lots than are open.
    """
    queue: list[_Lot] = []
    if line.historic_lots:
        queue.append(_Lot(line.historic_lots, line.prior_settlement, True))
    pnls: list[int] = []
    fees = 0
    with localcontext() as ctx:
        ctx.prec = _DEC_PREC
        for i, tr in enumerate((*line.trades, *extra)):
            if tr.lots < 0:
                raise ValueError(f"trade {i}: lots must not be negative")
            if tr.action not in ACTIONS:
                raise ValueError(f"trade {i}: unknown action {tr.action!r}")
            fees += tr.fee_fen
            if tr.action == "open":
                if tr.lots:
                    queue.append(_Lot(tr.lots, tr.price, False))
                pnls.append(0)
                continue
            held = sum(q.lots for q in queue)
            if tr.lots > held:
                raise OverCloseError(i, held, tr.lots)
            need = tr.lots
            amount = Decimal(0)
            while need:
                head = queue[0]
                take = min(need, head.lots)
                amount += (tr.price - head.basis) * line.multiplier * take * line.sign
                head.lots -= take
                need -= take
                if head.lots == 0:
                    queue.pop(0)
            pnls.append(round_half_up_fen(amount))
    open_lots = tuple(OpenLots(q.lots, q.basis, q.historic) for q in queue)
    return LineReplay(open_lots, tuple(pnls), sum(pnls), fees)


def line_margin_fen(price: Decimal, multiplier: int, lots: int, rate: Decimal) -> Fen:
    """One margin line: price × mult × lots × rate, half up to the fen (2.a)."""
    with localcontext() as ctx:
        ctx.prec = _DEC_PREC
        return round_half_up_fen(price * multiplier * lots * rate)


def floating_pnl_fen(replay: LineReplay, price: Decimal, multiplier: int, sign: int) -> Fen:
    """Mark of the open lots to ``price``: historic vs S(prev), today's vs P_open."""
    with localcontext() as ctx:
        ctx.prec = _DEC_PREC
        total = sum(
            ((price - o.basis) * multiplier * o.lots * sign for o in replay.open_lots),
            Decimal(0),
        )
        return round_half_up_fen(total)


def offset_value_fen(receipts: Iterable[Receipt], haircut: Decimal) -> Fen:
    """One product's offset value: Σ tons × base price × haircut, half up once (spec
    2.c).
    """
    with localcontext() as ctx:
        ctx.prec = _DEC_PREC
        total = sum((r.base_price * r.tons for r in receipts), Decimal(0))
        return round_half_up_fen(total * haircut)


def cash_cap_fen(cash_fen: int, multiple: Decimal | None) -> int | None:
    """Offset cap: multiple × cash, half up, at least 0; None = no cap."""
    if multiple is None:
        return None
    with localcontext() as ctx:
        ctx.prec = _DEC_PREC
        return max(0, round_half_up_fen(multiple * Decimal(cash_fen) / 100))


@dataclass(frozen=True)
class ProductOffset:
    """Per product: margin, receipt offset value and the part used (≤ margin)."""

    product: str
    margin_fen: int
    offset_value_fen: int
    offset_used_fen: int


def product_offsets(
    margin_by_product: Mapping[str, int], receipts: Sequence[Receipt], haircut: Decimal
) -> list[ProductOffset]:
    """Offsets of every product with margin or receipts, sorted by product (R02, Q7)."""
    by_product: dict[str, list[Receipt]] = {}
    for r in receipts:
        by_product.setdefault(r.product, []).append(r)
    out = []
    for p in sorted(set(margin_by_product) | set(by_product)):
        margin = margin_by_product.get(p, 0)
        value = offset_value_fen(by_product.get(p, []), haircut)
        out.append(ProductOffset(p, margin, value, max(0, min(value, margin))))
    return out


@dataclass(frozen=True)
class FundsParams:
    """Firm settings of available funds (spec 2.c; Appendix A defaults, unverified
    Q8/Q9).
    """

    haircut: Decimal = Decimal("0.8")
    cash_cap_multiple: Decimal | None = Decimal(4)
    deduct_floating_loss: bool = False


@dataclass(frozen=True)
class LineFunds:
    """One line's intraday figures."""

    contract: str
    product: str
    side: str
    hedge: bool
    lots_left: int
    margin_fen: int
    close_pnl_fen: int
    fees_fen: int
    floating_pnl_fen: int | None


@dataclass(frozen=True)
class ClientFunds:
    """Intraday available funds of one account (spec 2.c), all money in fen."""

    close_pnl_fen: int
    fees_fen: int
    equity_cash_fen: int
    margin_fen: int
    offset_used_fen: int
    offset_cap_fen: int | None
    floating_loss_fen: int
    frozen_fen: int
    available_fen: int
    withdrawable_fen: int
    products: tuple[ProductOffset, ...]
    lines: tuple[LineFunds, ...]


def client_funds(
    balance_fen: int,
    deposits_fen: int,
    withdrawals_fen: int,
    lines: Sequence[PositionLine],
    receipts: Sequence[Receipt] = (),
    params: FundsParams | None = None,
    *,
    frozen_fen: int = 0,
) -> ClientFunds:
    """Intraday available funds of one account, exact Decimal reference (spec 2.a, 2.c).

    equity_cash = balance + deposits − withdrawals + close P&L − fees; margin = Σ lines
    S(prev) × mult × lots left × rate; offset per product min(value, margin), total
    capped at k × equity_cash; available = equity_cash − (margin − offset) − frozen [−
    floating losses]. Raises OverCloseError (with ``line``) for an impossible close.
    """
    p = params or FundsParams()
    line_out: list[LineFunds] = []
    margin_by_product: dict[str, int] = {}
    close_pnl = fees = floating_loss = 0
    for i, line in enumerate(lines):
        try:
            rep = replay_line(line)
        except OverCloseError as exc:
            raise OverCloseError(exc.trade, exc.held, exc.requested, line=i) from None
        lots = rep.lots_left
        margin: int = line_margin_fen(line.prior_settlement, line.multiplier, lots, line.rate)
        fl = None
        if line.last_price is not None:
            fl = int(floating_pnl_fen(rep, line.last_price, line.multiplier, line.sign))
            floating_loss += max(0, -fl)
        margin_by_product[line.product] = margin_by_product.get(line.product, 0) + margin
        close_pnl += rep.close_pnl_fen
        fees += rep.fees_fen
        line_out.append(
            LineFunds(
                line.contract,
                line.product,
                line.side,
                line.hedge,
                lots,
                margin,
                rep.close_pnl_fen,
                rep.fees_fen,
                fl,
            )
        )
    equity = balance_fen + deposits_fen - withdrawals_fen + close_pnl - fees
    offsets = product_offsets(margin_by_product, receipts, p.haircut)
    used = sum(o.offset_used_fen for o in offsets)
    cap = cash_cap_fen(equity, p.cash_cap_multiple)
    if cap is not None:
        used = min(used, cap)
    total_margin = sum(margin_by_product.values())
    deducted = floating_loss if p.deduct_floating_loss else 0
    available = equity - (total_margin - used) - frozen_fen - deducted
    return ClientFunds(
        close_pnl_fen=close_pnl,
        fees_fen=fees,
        equity_cash_fen=equity,
        margin_fen=total_margin,
        offset_used_fen=used,
        offset_cap_fen=cap,
        floating_loss_fen=floating_loss,
        frozen_fen=frozen_fen,
        available_fen=available,
        withdrawable_fen=max(0, available),
        products=tuple(offsets),
        lines=tuple(line_out),
    )


def interest_fen(
    base_days: Iterable[tuple[int, int]], annual_rate: Decimal, day_basis: int = 360
) -> Fen:
    """Interest on the cash in the reserve (R01): Σ base × days × rate ÷ day_basis.

    ``base_days`` holds (interest base in fen, calendar days it stood), e.g. one entry
    per settlement with the days until the next one (Actual/360 by default). Pledge
    quota earns nothing: pass ``interest_base = max(0, R − O)``. Rounded half up once
    for the period.
    """
    with localcontext() as ctx:
        ctx.prec = _DEC_PREC
        total = sum((Decimal(b) * d for b, d in base_days), Decimal(0))
        return round_half_up_fen(total * annual_rate / day_basis / 100)


# =============================================================================
# Vectorised implementation (int64 fen columns, many accounts)
# =============================================================================
#
# Each rule below is ONE function over arrays; the daily settlement
# (core.rules.daily_settlement), the live engine (core.live.engine) and the previews call
# these, never a formula of their own (STYLE B11).


def line_margin(
    price_fen: npt.ArrayLike,
    multiplier: npt.ArrayLike,
    lots: npt.ArrayLike,
    rate_ppm: npt.ArrayLike,
) -> I64:
    """Margin of position lines: half_up(price × mult × lots × rate ÷ 10^6) per line (2.a).

    ``price_fen`` is S(prev_td(D)) intraday (every lot, historic or new, spec 2.a) and
    S(D) at settlement; ``rate_ppm`` the matching rate. One line is one money line: its
    lots are rounded together, so a fully closed line carries exactly zero.
    """
    return mul_half_up((price_fen, multiplier, lots, rate_ppm), PPM)


def mark_to_market(
    price_fen: npt.ArrayLike,
    prior_fen: npt.ArrayLike,
    hist_lots: npt.ArrayLike,
    today_lots: npt.ArrayLike,
    today_cost: npt.ArrayLike,
    multiplier: npt.ArrayLike,
    sign: npt.ArrayLike,
    *,
    bounds: tuple[int, int, int, int, int] | None = None,
) -> I64:
    """P&L of the lots still open, marked to ``price_fen`` (spec 2.d position P&L).

    Historic lots against S(prev), today's lots against their open prices
    (``today_cost`` = Σ open price × lots left): sign × mult × ((price − prior) × hist +
    price × today − today_cost). Intraday with the last price it is the floating P&L;
    at S(D) it is the settlement's position P&L (the same fen, by construction). Exact.
    ``bounds`` (max |prior|, hist, today, cost, multiplier), when the caller keeps them,
    saves the scans that prove the int64 fast path safe.
    """
    price = np.asarray(price_fen, dtype=np.int64)
    prior = np.asarray(prior_fen, dtype=np.int64)
    hist = np.asarray(hist_lots, dtype=np.int64)
    today = np.asarray(today_lots, dtype=np.int64)
    cost = np.asarray(today_cost, dtype=np.int64)
    mult = np.asarray(multiplier, dtype=np.int64)
    b_prior, b_hist, b_today, b_cost, b_mult = bounds or (
        max_abs(prior),
        max_abs(hist),
        max_abs(today),
        max_abs(cost),
        max_abs(mult),
    )
    p = max_abs(price)
    bound = ((p + b_prior) * b_hist + p * b_today + b_cost) * b_mult
    if bound < INT64_SAFE:  # one int64 pass (the common case: prices × lots × mult ≪ 2^62)
        inner = (price - prior) * hist + price * today - cost
        return np.asarray(inner * mult * np.asarray(sign, dtype=np.int64), dtype=np.int64)
    diff = (price - prior).astype(np.int64)
    return (
        mul_half_up((diff, hist, mult, sign), 1)
        + mul_half_up((price, today, mult, sign), 1)
        - mul_half_up((cost, mult, sign), 1)
    ).astype(np.int64)


def average_open_price(
    hist_lots: npt.ArrayLike,
    hist_open_fen: npt.ArrayLike,
    today_lots: npt.ArrayLike,
    today_cost: npt.ArrayLike,
) -> I64:
    """A line's average open price after the day, half up to the fen (0 for no lots).

    Historic lots keep the prior line's average open price (the position table stores
    only the average); today's lots add their own open prices (``today_cost`` = Σ open
    price × lots left), hedge conversions at S(D) (2.h).
    """
    hist = np.asarray(hist_lots, dtype=np.int64)
    lots = hist + np.asarray(today_lots, dtype=np.int64)
    cost = mul_half_up((hist, hist_open_fen), 1) + np.asarray(today_cost, dtype=np.int64)
    out = np.zeros(lots.shape, np.int64)
    held = lots > 0
    out[held] = half_up_div(cost[held], lots[held])
    return out


def offset_used(
    margin_by_product: npt.ArrayLike,
    offset_value: npt.ArrayLike,
    cash_fen: npt.ArrayLike,
    cash_cap_ppm: int | None,
) -> I64:
    """Receipt offset used per account (rows of (accounts × products) matrices, 2.c).

    Per product min(offset value, that product's margin), at least 0 (receipts never
    cover another product's margin, Q7), summed, then capped at half_up(cap × cash ÷
    10^6), at least 0 (``cash_cap_ppm`` None = no cap). ``cash_fen`` is equity_cash
    intraday and the day's cash at settlement; the member's offset uses the same rule.
    """
    margin = np.asarray(margin_by_product, dtype=np.int64)
    value = np.asarray(offset_value, dtype=np.int64)
    used = row_sums(np.minimum(value, margin).clip(min=0), "receipt offset used")
    if cash_cap_ppm is not None:
        used = np.minimum(used, offset_cap(cash_fen, cash_cap_ppm))
    return np.asarray(used, dtype=np.int64)


def offset_cap(cash_fen: npt.ArrayLike, cash_cap_ppm: int) -> I64:
    """The receipt offset's cash cap: half_up(cap × cash ÷ 10^6), at least 0 (2.c)."""
    cash = np.atleast_1d(np.asarray(cash_fen, dtype=np.int64))
    cap = np.maximum(mul_half_up((cash, np.full(cash.shape, cash_cap_ppm)), PPM), 0)
    return cap.reshape(np.shape(cash_fen)).astype(np.int64)


def available_funds(
    cash_fen: npt.ArrayLike,
    margin_fen: npt.ArrayLike,
    offset_used_fen: npt.ArrayLike,
    frozen_fen: npt.ArrayLike = 0,
    floating_loss_fen: npt.ArrayLike = 0,
) -> I64:
    """cash − (margin − offset used) − frozen − deducted floating loss (spec 2.c, 2.d).

    A client's available funds (cash = equity_cash intraday, today's balance at
    settlement) and a member's settlement reserve R = cash − M + O are this one
    identity. ``floating_loss_fen`` is ≥ 0 and only non-zero under the firm option
    "deduct floating losses intraday" (Q9).
    """
    return add_fen(
        (
            (1, cash_fen),
            (-1, margin_fen),
            (1, offset_used_fen),
            (-1, frozen_fen),
            (-1, floating_loss_fen),
        ),
        "available funds",
    )


def offset_value_matrix(
    account: npt.ArrayLike,
    product: npt.ArrayLike,
    tons: npt.ArrayLike,
    base_fen: npt.ArrayLike,
    haircut_ppm: int,
    n_accounts: int,
    n_products: int,
) -> I64:
    """Offset value per (account, product), half up once per product line (spec 2.c)."""
    acc = np.asarray(account, dtype=np.int64)
    prod = np.asarray(product, dtype=np.int64)
    if not acc.size:
        return np.zeros((n_accounts, n_products), dtype=np.int64)
    raw = mul_half_up(
        (
            np.asarray(tons, np.int64),
            np.asarray(base_fen, np.int64),
            np.full(acc.size, haircut_ppm, np.int64),
        ),
        1,
    )
    # only the (account, product) cells that hold receipts: a few thousand of millions
    cells, inverse = np.unique(acc * n_products + prod, return_inverse=True)
    num = group_sum(inverse.ravel(), raw, cells.size, "receipt offset")
    out = np.zeros(n_accounts * n_products, dtype=np.int64)
    out[cells] = half_up_div(num, PPM)
    return out.reshape(n_accounts, n_products)


_LINE_FIELDS = (
    "account",
    "product",
    "multiplier",
    "side",
    "sign",
    "prior_fen",
    "rate_ppm",
    "hist_lots",
    "today_lots",
    "today_cost",
    "last_fen",
    "has_last",
)


@dataclass(eq=False)
class LineBook:
    """Position lines of many accounts as int64 columns; row i is the caller's line i.

    Prices in fen, rates in ppm, ``side`` in ``core.rules.sides`` codes (``sign`` is
    derived from it once, for the P&L formulas). ``hist_lots``/``today_lots`` are the
    lots still open; ``today_cost`` is Σ open price (fen) × lots left of today's lots.
    Today's opens are also kept queue style (``ol_*``) for first-in-first-out closes.
    Lines can be added (``add_lines``, amortised O(1) per line). Mutable state owned by
    one thread (the engine's or the settlement's); not thread-safe.
    """

    account: I64
    product: I64
    multiplier: I64
    side: I64
    sign: I64
    prior_fen: I64
    rate_ppm: I64
    hist_lots: I64
    today_lots: I64
    today_cost: I64
    last_fen: I64
    has_last: npt.NDArray[np.bool_]
    n_accounts: int
    n_products: int
    ol_line: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    ol_lots: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    ol_price: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    ol_seq: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    next_seq: int = 0
    _buffers: dict[str, npt.NDArray[Any]] = field(default_factory=dict, repr=False)
    _by_account: tuple[I64, I64] | None = field(default=None, repr=False)
    _bounds: tuple[int, int, int, int, int] | None = field(default=None, repr=False)

    @classmethod
    def from_arrays(
        cls,
        *,
        account: npt.ArrayLike,
        product: npt.ArrayLike,
        multiplier: npt.ArrayLike,
        side: npt.ArrayLike,
        prior_fen: npt.ArrayLike,
        rate_ppm: npt.ArrayLike,
        hist_lots: npt.ArrayLike,
        n_accounts: int,
        n_products: int,
        today_lots: npt.ArrayLike | None = None,
        today_open_price_fen: npt.ArrayLike | None = None,
        last_fen: npt.ArrayLike | None = None,
    ) -> LineBook:
        """A book at a point of the day; ValueError on bad columns.

        ``today_lots`` opened today at the average ``today_open_price_fen`` (default
        none) become one queue entry per line, after the historic lots.
        """
        acc = np.asarray(account, dtype=np.int64)
        n = acc.shape[0]
        cols = {
            "product": np.asarray(product, dtype=np.int64),
            "multiplier": np.asarray(multiplier, dtype=np.int64),
            "side": np.asarray(side, dtype=np.int64),
            "prior_fen": np.asarray(prior_fen, dtype=np.int64),
            "rate_ppm": np.asarray(rate_ppm, dtype=np.int64),
            "hist_lots": np.asarray(hist_lots, dtype=np.int64),
            "today_lots": (
                np.zeros(n, np.int64)
                if today_lots is None
                else np.asarray(today_lots, dtype=np.int64)
            ),
            "open_price": (
                np.zeros(n, np.int64)
                if today_open_price_fen is None
                else np.asarray(today_open_price_fen, dtype=np.int64)
            ),
        }
        for name, col in cols.items():
            if col.shape != (n,):
                raise ValueError(f"{name}: expected {n} rows, got shape {col.shape}")
        if n and (acc.min() < 0 or acc.max() >= n_accounts):
            raise ValueError("account index out of range")
        prod = cols["product"]
        if n and (prod.min() < 0 or prod.max() >= n_products):
            raise ValueError("product index out of range")
        if (cols["hist_lots"] < 0).any() or (cols["today_lots"] < 0).any():
            raise ValueError("lots must be >= 0")
        if (cols["multiplier"] <= 0).any():
            raise ValueError("multipliers must be > 0")
        if not np.isin(cols["side"], (LONG, SHORT)).all():
            raise ValueError("side must be 0 (long) or 1 (short)")
        if last_fen is None:
            last = np.zeros(n, dtype=np.int64)
            has_last = np.zeros(n, dtype=np.bool_)
        else:
            last = np.asarray(last_fen, dtype=np.int64)
            has_last = last >= 0
            last = np.where(has_last, last, 0)
        today = cols["today_lots"]
        opened = np.flatnonzero(today > 0)
        book = cls(
            account=acc,
            product=prod,
            multiplier=cols["multiplier"],
            side=cols["side"],
            sign=sign_of(cols["side"]),
            prior_fen=cols["prior_fen"],
            rate_ppm=cols["rate_ppm"],
            hist_lots=cols["hist_lots"],
            today_lots=today,
            today_cost=mul_half_up((cols["open_price"], today), 1),
            last_fen=last,
            has_last=has_last,
            n_accounts=n_accounts,
            n_products=n_products,
            ol_line=opened.astype(np.int64),
            ol_lots=today[opened],
            ol_price=cols["open_price"][opened],
            ol_seq=np.arange(opened.size, dtype=np.int64),
            next_seq=int(opened.size),
        )
        book._buffers = {name: getattr(book, name) for name in _LINE_FIELDS}
        return book

    @property
    def n(self) -> int:
        """Number of lines."""
        return int(self.account.shape[0])

    def lots(self, rows: npt.ArrayLike | None = None) -> I64:
        """Open lots (historic + today's) of ``rows`` (all by default)."""
        sl: Any = slice(None) if rows is None else rows
        return np.asarray(self.hist_lots[sl] + self.today_lots[sl], dtype=np.int64)

    def add_lines(
        self,
        *,
        account: npt.ArrayLike,
        product: npt.ArrayLike,
        multiplier: npt.ArrayLike,
        side: npt.ArrayLike,
        prior_fen: npt.ArrayLike,
        rate_ppm: npt.ArrayLike,
    ) -> I64:
        """Append empty lines (no lots yet); their row indices. Capacity doubles as
        needed, so adding lines one batch at a time stays cheap on a million-line book."""
        values: dict[str, npt.NDArray[Any]] = {
            "account": np.asarray(account, dtype=np.int64),
            "product": np.asarray(product, dtype=np.int64),
            "multiplier": np.asarray(multiplier, dtype=np.int64),
            "side": np.asarray(side, dtype=np.int64),
            "prior_fen": np.asarray(prior_fen, dtype=np.int64),
            "rate_ppm": np.asarray(rate_ppm, dtype=np.int64),
        }
        k = values["account"].shape[0]
        if k and (values["account"].min() < 0 or values["account"].max() >= self.n_accounts):
            raise ValueError("account index out of range")
        if k and (values["product"].min() < 0 or values["product"].max() >= self.n_products):
            raise ValueError("product index out of range")
        values["sign"] = sign_of(values["side"])
        old = self.n
        new_n = old + k
        for name in _LINE_FIELDS:
            buf = self._buffers.get(name)
            current = getattr(self, name)
            if buf is None or buf.shape[0] < new_n or current.base is not buf:
                grown = np.zeros(max(2 * new_n, 1024), dtype=current.dtype)
                grown[:old] = current
                buf = grown
                self._buffers[name] = buf
            buf[old:new_n] = values.get(name, 0)
            setattr(self, name, buf[:new_n])
        self._by_account = None
        self.raise_bounds(slice(old, new_n))
        return np.arange(old, new_n, dtype=np.int64)

    def rows_of_accounts(self, accounts: npt.ArrayLike) -> I64:
        """Rows of the given accounts (sorted unique ids), grouped by account."""
        if self._by_account is None:
            order = np.argsort(self.account, kind="stable").astype(np.int64)
            bounds = np.searchsorted(self.account[order], np.arange(self.n_accounts + 1)).astype(
                np.int64
            )
            self._by_account = (order, bounds)
        order, bounds = self._by_account
        ids = np.asarray(accounts, dtype=np.int64)
        starts, ends = bounds[ids], bounds[ids + 1]
        lens = ends - starts
        total = int(lens.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        offsets = np.repeat(starts - np.cumsum(lens) + lens, lens)
        return order[offsets + np.arange(total, dtype=np.int64)]

    def margin(
        self, rows: npt.ArrayLike | None = None, price_fen: npt.ArrayLike | None = None
    ) -> I64:
        """``line_margin`` of ``rows`` at ``price_fen`` (default the prior settlement,
        i.e. the intraday margin of spec 2.a) and the book's rates."""
        sl: Any = slice(None) if rows is None else rows
        price = self.prior_fen[sl] if price_fen is None else price_fen
        return line_margin(price, self.multiplier[sl], self.lots(sl), self.rate_ppm[sl])

    def marks(self, price_fen: npt.ArrayLike, rows: npt.ArrayLike | slice | None = None) -> I64:
        """``mark_to_market`` of ``rows`` at ``price_fen`` (one price per row)."""
        sl: Any = slice(None) if rows is None else rows
        return mark_to_market(
            price_fen,
            self.prior_fen[sl],
            self.hist_lots[sl],
            self.today_lots[sl],
            self.today_cost[sl],
            self.multiplier[sl],
            self.sign[sl],
            bounds=self.bounds(),
        )

    def bounds(self) -> tuple[int, int, int, int, int]:
        """Upper bounds of |prior|, hist lots, today's lots, today's cost, multiplier over
        every line (kept as lines change; only ever raised, so always safe)."""
        if self._bounds is None:
            self._bounds = self._scan_bounds(slice(None))
        return self._bounds

    def raise_bounds(self, rows: npt.ArrayLike | slice) -> None:
        """Take the values of ``rows`` into the bounds (after they changed)."""
        if self._bounds is not None:
            old, new = self._bounds, self._scan_bounds(rows)
            self._bounds = (
                max(old[0], new[0]),
                max(old[1], new[1]),
                max(old[2], new[2]),
                max(old[3], new[3]),
                max(old[4], new[4]),
            )

    def forget_bounds(self) -> None:
        """Drop the bounds after a wholesale change (the next use rescans)."""
        self._bounds = None

    def _scan_bounds(self, rows: Any) -> tuple[int, int, int, int, int]:
        return (
            max_abs(self.prior_fen[rows]),
            max_abs(self.hist_lots[rows]),
            max_abs(self.today_lots[rows]),
            max_abs(self.today_cost[rows]),
            max_abs(self.multiplier[rows]),
        )

    def compact_open_queue(self) -> None:
        """Drop fully closed open-lot rows (between batches, when many are empty)."""
        keep = self.ol_lots > 0
        self.ol_line, self.ol_lots = self.ol_line[keep], self.ol_lots[keep]
        self.ol_price, self.ol_seq = self.ol_price[keep], self.ol_seq[keep]


def by_account_product(book: LineBook, rows: I64, values: I64, accounts: I64 | None = None) -> I64:
    """Dense (accounts × products) sums of per-row ``values`` (exact, overflow-checked).

    ``accounts`` (sorted unique ids) selects and orders the matrix rows; the book's
    rows must belong to them. Default: every account.
    """
    acc = book.account[rows]
    if accounts is None:
        n_acc, local = book.n_accounts, acc
    else:
        n_acc, local = accounts.size, np.searchsorted(accounts, acc)
    keys = local * book.n_products + book.product[rows]
    return group_sum(keys, values, n_acc * book.n_products, "account total").reshape(
        n_acc, book.n_products
    )


@dataclass
class AccountBook:
    """Per-account money of the day (fen): prior balance and today's flows so far."""

    balance: I64
    deposits: I64
    withdrawals: I64
    close_pnl: I64
    fees: I64
    frozen: I64

    @classmethod
    def zeros(cls, n_accounts: int) -> AccountBook:
        def z() -> I64:
            return np.zeros(n_accounts, dtype=np.int64)

        return cls(z(), z(), z(), z(), z(), z())

    def equity_cash(self, idx: npt.ArrayLike | None = None) -> I64:
        """balance + deposits − withdrawals + close P&L − fees (spec 2.c equity_cash)."""
        sl: Any = slice(None) if idx is None else idx
        return add_fen(
            (
                (1, self.balance[sl]),
                (1, self.deposits[sl]),
                (-1, self.withdrawals[sl]),
                (1, self.close_pnl[sl]),
                (-1, self.fees[sl]),
            ),
            "equity cash",
        )


@dataclass(frozen=True)
class TradeBatch:
    """Trades in arrival order: ``line`` is the book row, ``action`` 0/1/2 =
    open/close/deliver, price and fee in fen (fee = money for the whole trade)."""

    line: I64
    action: npt.NDArray[np.int8]
    lots: I64
    price_fen: I64
    fee_fen: I64

    @classmethod
    def of(
        cls,
        line: npt.ArrayLike,
        action: npt.ArrayLike,
        lots: npt.ArrayLike,
        price_fen: npt.ArrayLike,
        fee_fen: npt.ArrayLike | None = None,
    ) -> TradeBatch:
        ln = np.asarray(line, dtype=np.int64)
        fee = np.zeros_like(ln) if fee_fen is None else np.asarray(fee_fen, dtype=np.int64)
        return cls(
            ln,
            np.asarray(action, dtype=np.int8),
            np.asarray(lots, dtype=np.int64),
            np.asarray(price_fen, dtype=np.int64),
            fee,
        )


@dataclass(frozen=True)
class ClosePieces:
    """The first-in-first-out pieces of a batch's closes (one per close trade × queue
    element it consumed): the trade's batch position, the lots, the basis (S(prev) for
    historic lots, else the open price), whether the lots were historic and the piece's
    P&L in fen (Σ pieces of a trade = its ``trade_pnl_fen``). What a counter statement's
    closed-position lines (平仓明细) list; the reconciliation compares them."""

    trade: I64
    lots: I64
    basis_fen: I64
    historic: npt.NDArray[np.bool_]
    pnl_fen: I64

    @classmethod
    def empty(cls) -> ClosePieces:
        z = np.zeros(0, np.int64)
        return cls(z, z, z, np.zeros(0, np.bool_), z)


@dataclass(frozen=True)
class TradeBatchResult:
    """Close P&L per trade (fen, 0 for opens, batch order); accounts and lines touched;
    the closes' first-in-first-out pieces."""

    trade_pnl_fen: I64
    touched_accounts: I64
    touched_lines: I64
    pieces: ClosePieces = field(default_factory=ClosePieces.empty)


def _segment_starts(keys: I64) -> I64:
    if keys.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(([0], np.flatnonzero(np.diff(keys)) + 1)).astype(np.int64)


def _over_close_at(book: LineBook, batch: TradeBatch, trade: int) -> OverCloseError:
    """The error for a close that comes before the opens it would need (slow path)."""
    row = int(batch.line[trade])
    held = int(book.hist_lots[row] + book.today_lots[row])
    for t in range(trade):
        if int(batch.line[t]) == row:
            step = int(batch.lots[t])
            held += step if int(batch.action[t]) == ACTION_OPEN else -step
    return OverCloseError(trade, held, int(batch.lots[trade]))


def apply_trades(book: LineBook, accounts: AccountBook, batch: TradeBatch) -> TradeBatchResult:
    """Apply a batch of trades first-in-first-out, vectorised (spec 2.0, 2.a).

    Each line's lots form a queue (historic lots at S(prev), then today's opens in
    order); the closes of the batch take consecutive intervals of it. Close P&L per
    trade is exact in fen. Updates ``book`` and ``accounts`` (close P&L, fees) in place;
    on OverCloseError (``trade`` = batch position) nothing is changed.
    """
    n_tr = batch.line.shape[0]
    if n_tr == 0:
        empty = np.zeros(0, np.int64)
        return TradeBatchResult(empty, empty, empty, ClosePieces.empty())
    if (batch.lots < 0).any():
        raise ValueError(f"trade {int(np.flatnonzero(batch.lots < 0)[0])}: negative lots")
    if not np.isin(batch.action, (ACTION_OPEN, ACTION_CLOSE, ACTION_DELIVER)).all():
        raise ValueError("unknown trade action code")
    rows = batch.line
    if rows.size and (rows.min() < 0 or rows.max() >= book.n):
        raise ValueError("trade on an unknown line")
    seq = np.arange(n_tr, dtype=np.int64)
    o = np.lexsort((seq, rows))
    t_row, t_seq = rows[o], seq[o]
    t_act, t_lots, t_price = batch.action[o], batch.lots[o], batch.price_fen[o]
    touched = np.unique(t_row)
    is_open = t_act == ACTION_OPEN

    # Queue elements of touched lines: historic, existing opens, this batch's opens.
    if book.ol_line.size:
        mask = np.zeros(book.n, dtype=np.bool_)
        mask[touched] = True
        ex = np.flatnonzero(mask[book.ol_line] & (book.ol_lots > 0))
    else:
        ex = np.zeros(0, np.int64)
    q_line = np.concatenate((touched, book.ol_line[ex], t_row[is_open]))
    q_group = np.concatenate(
        (
            np.zeros(touched.size, np.int64),
            np.ones(ex.size, np.int64),
            np.full(int(is_open.sum()), 2, np.int64),
        )
    )
    q_sub = np.concatenate((np.zeros(touched.size, np.int64), book.ol_seq[ex], t_seq[is_open]))
    q_lots = np.concatenate((book.hist_lots[touched], book.ol_lots[ex], t_lots[is_open]))
    q_basis = np.concatenate((book.prior_fen[touched], book.ol_price[ex], t_price[is_open]))
    q_created = np.concatenate((np.full(touched.size + ex.size, -1, np.int64), t_seq[is_open]))
    q_src = np.concatenate((np.arange(touched.size, dtype=np.int64), ex, np.flatnonzero(is_open)))
    qo = np.lexsort((q_sub, q_group, q_line))
    q_line, q_group, q_lots = q_line[qo], q_group[qo], q_lots[qo]
    q_basis, q_created, q_src = q_basis[qo], q_created[qo], q_src[qo]
    check_sum_bound(q_lots, "lots of a line's queue")  # lots, not fen: the cumsum below
    q_end = np.cumsum(q_lots)
    q_start = q_end - q_lots
    # every touched line has its historic element first, so line starts are well defined
    line_first = np.searchsorted(q_line, touched, side="left")
    line_base = q_start[line_first]
    line_total = np.add.reduceat(q_lots, line_first) if q_lots.size else q_lots

    # Closes (close and deliver) as intervals of their line's queue.
    is_close = ~is_open
    c_row, c_seq = t_row[is_close], t_seq[is_close]
    c_lots, c_price = t_lots[is_close], t_price[is_close]
    c_pnl = np.zeros(c_row.size, dtype=np.int64)
    consumed = np.zeros(q_lots.size, dtype=np.int64)
    pieces = ClosePieces.empty()
    if c_row.size:
        li = np.searchsorted(touched, c_row)
        cum = np.cumsum(c_lots)
        first = _segment_starts(c_row)
        before_line = np.repeat(cum[first] - c_lots[first], np.diff(np.append(first, c_row.size)))
        c_end_rel = cum - before_line
        over = c_end_rel > line_total[li]
        if over.any():
            bad = int(np.flatnonzero(over)[0])
            held = int(line_total[li[bad]] - (c_end_rel[bad] - c_lots[bad]))
            raise OverCloseError(int(c_seq[bad]), held, int(c_lots[bad]))
        c_end = line_base[li] + c_end_rel
        c_start = c_end - c_lots
        live = c_lots > 0
        bp = np.unique(np.concatenate((q_start, q_end, c_start[live], c_end[live])))
        s, length = bp[:-1], np.diff(bp)
        k = np.searchsorted(c_end, s, side="right")
        ok = k < c_end.size
        k_ok = np.where(ok, k, 0)
        ok &= (c_start[k_ok] <= s) & (length > 0)
        s, length, k = s[ok], length[ok], k[ok]
        j = np.searchsorted(q_end, s, side="right")
        early = q_created[j] > c_seq[k]
        if early.any():
            m = int(np.flatnonzero(early)[0])
            raise _over_close_at(book, batch, int(c_seq[k[m]]))
        rowk = c_row[k]
        seg = mul_half_up(
            (
                length,
                (c_price[k] - q_basis[j]).astype(np.int64),
                book.multiplier[rowk],
                book.sign[rowk],
            ),
            1,
        )
        c_pnl = group_sum(k, seg, c_row.size, "close P&L")
        np.add.at(consumed, j, length)  # Σ ≤ the queue's lots, bounded above
        pieces = ClosePieces(c_seq[k], length, q_basis[j], q_group[j] == 0, seg)

    # ---- what the batch leaves: lots, today's cost, P&L per trade (may still refuse) ----
    left = q_lots - consumed
    hist_el = q_group == 0
    today_el = ~hist_el
    t_left = np.zeros(touched.size, dtype=np.int64)
    lt = np.searchsorted(touched, q_line[today_el])
    np.add.at(t_left, lt, left[today_el])  # Σ ≤ the queue's lots, bounded above
    t_cost = group_sum(
        lt, mul_half_up((left[today_el], q_basis[today_el]), 1), touched.size, "open cost"
    )
    pnl_sorted = np.zeros(n_tr, dtype=np.int64)
    pnl_sorted[np.flatnonzero(is_close)] = c_pnl
    trade_pnl = np.zeros(n_tr, dtype=np.int64)
    trade_pnl[o] = pnl_sorted
    acc = book.account[rows]
    check_add_into(accounts.close_pnl, acc, trade_pnl)
    check_add_into(accounts.fees, acc, batch.fee_fen)

    # ---- commit (no exception past this point) ----
    book.hist_lots[q_line[hist_el]] = left[hist_el]
    ex_el = q_group == 1
    book.ol_lots[q_src[ex_el]] = left[ex_el]
    new_el = (q_group == 2) & (left > 0)
    open_idx = q_src[new_el]
    book.ol_line = np.concatenate((book.ol_line, q_line[new_el]))
    book.ol_lots = np.concatenate((book.ol_lots, left[new_el]))
    book.ol_price = np.concatenate((book.ol_price, q_basis[new_el]))
    book.ol_seq = np.concatenate((book.ol_seq, book.next_seq + t_seq[open_idx]))
    book.next_seq += n_tr
    book.today_lots[touched] = t_left
    book.today_cost[touched] = t_cost
    book.raise_bounds(touched)
    add_into(accounts.close_pnl, acc, trade_pnl)  # checked above: cannot raise
    add_into(accounts.fees, acc, batch.fee_fen)
    if book.ol_line.size > 4 * max(int(book.ol_lots.astype(np.bool_).sum()), 1024):
        book.compact_open_queue()
    return TradeBatchResult(trade_pnl, np.unique(acc), touched, pieces)


@dataclass(frozen=True)
class FundsArrays:
    """Vectorised intraday funds of ``accounts`` (sorted ids), fen per account."""

    accounts: I64
    equity_cash: I64
    margin: I64
    offset_used: I64
    floating_loss: I64
    available: I64


def intraday_funds(
    book: LineBook,
    accounts: AccountBook,
    offset_value: I64,
    *,
    cash_cap_ppm: int | None = 4 * PPM,
    deduct_floating_loss: bool = False,
    only: I64 | None = None,
) -> FundsArrays:
    """Intraday available funds of all accounts (or the sorted unique ids in ``only``).

    Same rules and fen as ``client_funds``: ``line_margin`` at S(prev) and the open
    rate; ``offset_used`` per product against ``offset_value`` (the (accounts ×
    products) matrix of ``offset_value_matrix``) capped by equity_cash;
    ``available_funds``; with the firm option, losing lines' floating losses at their
    last price are deducted (lines without a last price add nothing).
    """
    ids = (
        np.arange(book.n_accounts, dtype=np.int64)
        if only is None
        else np.asarray(only, dtype=np.int64)
    )
    rows = np.arange(book.n, dtype=np.int64) if only is None else book.rows_of_accounts(ids)
    sel = None if only is None else ids
    margin_ap = by_account_product(book, rows, book.margin(rows), sel)
    margin = row_sums(margin_ap, "margin")
    equity = accounts.equity_cash(ids)
    used = offset_used(margin_ap, offset_value[ids], equity, cash_cap_ppm)
    if deduct_floating_loss:
        losses = np.where(
            book.has_last[rows], np.minimum(book.marks(book.last_fen[rows], rows), 0), 0
        )
        floating_loss = -row_sums(
            by_account_product(book, rows, losses.astype(np.int64), sel), "floating loss"
        )
    else:
        floating_loss = np.zeros_like(margin)
    return FundsArrays(
        accounts=ids,
        equity_cash=equity,
        margin=margin,
        offset_used=used,
        floating_loss=floating_loss.astype(np.int64),
        available=available_funds(equity, margin, used, accounts.frozen[ids], floating_loss),
    )
