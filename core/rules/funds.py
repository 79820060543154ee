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
from typing import Literal

import numpy as np
import numpy.typing as npt

from core.errors import RiskDeskError
from core.money import Fen, half_up_div, round_half_up_fen
from core.rules.margin_schedule import PPM

I64 = npt.NDArray[np.int64]
Side = Literal["long", "short"]
ACTIONS = ("open", "close", "deliver")
ACTION_OPEN, ACTION_CLOSE, ACTION_DELIVER = 0, 1, 2
_INT64_SAFE = 2**62
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


class MoneyOverflowError(RiskDeskError):
    """A vectorised money total could leave int64; the batch was not applied."""


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


def _mul_half_up(factors: Sequence[I64], den: int) -> I64:
    """Element-wise round_half_up(Π factors ÷ den), exact; int64 where safe, else Python
    int.

    The fast path needs the product of the factors' maxima below 2^62; otherwise rows
    whose own product could overflow are redone in exact Python integers.
    """
    arrays = [np.asarray(f, dtype=np.int64) for f in factors]
    n = arrays[0].shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    bound = 1
    for a in arrays:
        bound *= int(np.abs(a).max())
    if bound < _INT64_SAFE:
        prod = arrays[0].copy()
        for a in arrays[1:]:
            prod *= a
        return half_up_div(prod, den)
    est = np.ones(n, dtype=np.float64)
    for a in arrays:
        est *= np.abs(a).astype(np.float64)
    risky = est >= _INT64_SAFE / 4
    safe = ~risky
    out = np.zeros(n, dtype=np.int64)
    if safe.any():
        prod = arrays[0][safe].copy()
        for a in arrays[1:]:
            prod *= a[safe]
        out[safe] = half_up_div(prod, den)
    for i in np.flatnonzero(risky):
        num = 1
        for a in arrays:
            num *= int(a[i])
        q, r = divmod(abs(num), den)
        q += 2 * r >= den
        value = q if num >= 0 else -q
        if abs(value) >= 2**63:
            raise MoneyOverflowError(f"row {i}: money line {value} fen exceeds int64")
        out[i] = value
    return out


def _check_sum_bound(values: I64, what: str, groups: I64 | None = None) -> None:
    """Raise MoneyOverflowError if a sum of ``values`` (per group) could leave int64."""
    if not values.size or int(np.abs(values).max()) * values.size < 2**63:
        return
    if groups is not None:
        # float64 estimate of each group's magnitude; 2^62 leaves room for its error
        mags = np.bincount(groups, weights=np.abs(values).astype(np.float64))
        if mags.max() < 2.0**62:
            return
    raise MoneyOverflowError(f"{what}: a sum of {values.size} lines could exceed int64")


@dataclass
class LineBook:
    """Position lines of many accounts as int64 columns, sorted by (account, product).

    Prices in fen, rates in ppm. ``hist_lots``/``today_lots`` are the lots still open;
    ``today_cost`` is Σ open price (fen) × lots left of today's lots (for marks).
    Today's opens are also kept lot-queue style (``ol_*``) for first-in-first-out
    closes. ``order[row]`` is the caller's index of a book row; ``row_of[index]`` the
    inverse. Mutable state owned by one thread (the engine thread); not thread-safe.
    """

    account: I64
    product: I64
    multiplier: I64
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
    order: I64
    row_of: I64
    acct_start: I64
    acct_end: I64
    ol_line: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    ol_lots: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    ol_price: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    ol_seq: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    next_seq: int = 0

    @classmethod
    def from_arrays(
        cls,
        *,
        account: npt.ArrayLike,
        product: npt.ArrayLike,
        multiplier: npt.ArrayLike,
        sign: npt.ArrayLike,
        prior_fen: npt.ArrayLike,
        rate_ppm: npt.ArrayLike,
        hist_lots: npt.ArrayLike,
        n_accounts: int,
        n_products: int,
        last_fen: npt.ArrayLike | None = None,
    ) -> LineBook:
        """A book at the start of a day (no opens yet); ValueError on bad columns."""
        acc = np.asarray(account, dtype=np.int64)
        prod = np.asarray(product, dtype=np.int64)
        n = acc.shape[0]
        cols = {
            "multiplier": np.asarray(multiplier, dtype=np.int64),
            "sign": np.asarray(sign, dtype=np.int64),
            "prior_fen": np.asarray(prior_fen, dtype=np.int64),
            "rate_ppm": np.asarray(rate_ppm, dtype=np.int64),
            "hist_lots": np.asarray(hist_lots, dtype=np.int64),
        }
        for name, col in cols.items():
            if col.shape != (n,):
                raise ValueError(f"{name}: expected {n} rows, got shape {col.shape}")
        if prod.shape != (n,):
            raise ValueError(f"product: expected {n} rows")
        if n and (acc.min() < 0 or acc.max() >= n_accounts):
            raise ValueError("account index out of range")
        if n and (prod.min() < 0 or prod.max() >= n_products):
            raise ValueError("product index out of range")
        if (cols["hist_lots"] < 0).any() or (cols["multiplier"] <= 0).any():
            raise ValueError("lots must be >= 0 and multipliers > 0")
        if not np.isin(cols["sign"], (-1, 1)).all():
            raise ValueError("sign must be +1 (long) or -1 (short)")
        if last_fen is None:
            last = np.zeros(n, dtype=np.int64)
            has_last = np.zeros(n, dtype=np.bool_)
        else:
            last = np.asarray(last_fen, dtype=np.int64)
            has_last = last >= 0
            last = np.where(has_last, last, 0)
        order = np.lexsort((prod, acc)).astype(np.int64)
        row_of = np.empty(n, dtype=np.int64)
        row_of[order] = np.arange(n, dtype=np.int64)
        acc_s = acc[order]
        ids = np.arange(n_accounts, dtype=np.int64)
        return cls(
            account=acc_s,
            product=prod[order],
            multiplier=cols["multiplier"][order],
            sign=cols["sign"][order],
            prior_fen=cols["prior_fen"][order],
            rate_ppm=cols["rate_ppm"][order],
            hist_lots=cols["hist_lots"][order],
            today_lots=np.zeros(n, dtype=np.int64),
            today_cost=np.zeros(n, dtype=np.int64),
            last_fen=last[order],
            has_last=has_last[order],
            n_accounts=n_accounts,
            n_products=n_products,
            order=order,
            row_of=row_of,
            acct_start=np.searchsorted(acc_s, ids, side="left").astype(np.int64),
            acct_end=np.searchsorted(acc_s, ids, side="right").astype(np.int64),
        )

    def rows_of_accounts(self, accounts: I64) -> I64:
        """Book rows of the given accounts (sorted unique ids), in book order."""
        starts, ends = self.acct_start[accounts], self.acct_end[accounts]
        lens = ends - starts
        total = int(lens.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        offsets = np.repeat(starts - np.cumsum(lens) + lens, lens)
        return (offsets + np.arange(total, dtype=np.int64)).astype(np.int64)

    def compact_open_queue(self) -> None:
        """Drop fully closed open-lot rows (between batches, when many are empty)."""
        keep = self.ol_lots > 0
        self.ol_line, self.ol_lots = self.ol_line[keep], self.ol_lots[keep]
        self.ol_price, self.ol_seq = self.ol_price[keep], self.ol_seq[keep]


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

    def equity_cash(self, idx: I64 | None = None) -> I64:
        sl = slice(None) if idx is None else idx
        return (
            self.balance[sl]
            + self.deposits[sl]
            - self.withdrawals[sl]
            + self.close_pnl[sl]
            - self.fees[sl]
        ).astype(np.int64)


@dataclass(frozen=True)
class TradeBatch:
    """Trades in arrival order: ``line`` is the caller's line index, ``action`` 0/1/2 =
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
class TradeBatchResult:
    """Close P&L per trade (fen, 0 for opens, batch order); accounts touched."""

    trade_pnl_fen: I64
    touched_accounts: I64


def _segment_starts(keys: I64) -> I64:
    if keys.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(([0], np.flatnonzero(np.diff(keys)) + 1)).astype(np.int64)


def _over_close_at(book: LineBook, batch: TradeBatch, trade: int) -> OverCloseError:
    """The error for a close that comes before the opens it would need (slow path)."""
    line = int(batch.line[trade])
    row = int(book.row_of[line])
    held = int(book.hist_lots[row] + book.today_lots[row])
    for t in range(trade):
        if int(batch.line[t]) == line:
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
        return TradeBatchResult(np.zeros(0, np.int64), np.zeros(0, np.int64))
    if (batch.lots < 0).any():
        raise ValueError(f"trade {int(np.flatnonzero(batch.lots < 0)[0])}: negative lots")
    if not np.isin(batch.action, (ACTION_OPEN, ACTION_CLOSE, ACTION_DELIVER)).all():
        raise ValueError("unknown trade action code")
    rows = book.row_of[batch.line]
    seq = np.arange(n_tr, dtype=np.int64)
    o = np.lexsort((seq, rows))
    t_row, t_seq = rows[o], seq[o]
    t_act, t_lots, t_price = batch.action[o], batch.lots[o], batch.price_fen[o]
    touched = np.unique(t_row)
    is_open = t_act == ACTION_OPEN

    # Queue elements of touched lines: historic, existing opens, this batch's opens.
    mask = np.zeros(book.account.shape[0], dtype=np.bool_)
    mask[touched] = True
    ex = (
        np.flatnonzero(mask[book.ol_line] & (book.ol_lots > 0))
        if book.ol_line.size
        else (np.zeros(0, np.int64))
    )
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
        seg = _mul_half_up(
            (
                length,
                (c_price[k] - q_basis[j]).astype(np.int64),
                book.multiplier[rowk],
                book.sign[rowk],
            ),
            1,
        )
        np.add.at(c_pnl, k, seg)
        np.add.at(consumed, j, length)

    # ---- commit (no exception past this point) ----
    left = q_lots - consumed
    hist_el = q_group == 0
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
    today_el = ~hist_el
    t_left = np.zeros(touched.size, dtype=np.int64)
    t_cost = np.zeros(touched.size, dtype=np.int64)
    lt = np.searchsorted(touched, q_line[today_el])
    np.add.at(t_left, lt, left[today_el])
    np.add.at(t_cost, lt, left[today_el] * q_basis[today_el])
    book.today_lots[touched] = t_left
    book.today_cost[touched] = t_cost

    pnl_sorted = np.zeros(n_tr, dtype=np.int64)
    pnl_sorted[np.flatnonzero(is_close)] = c_pnl
    trade_pnl = np.zeros(n_tr, dtype=np.int64)
    trade_pnl[o] = pnl_sorted
    acc = book.account[rows]
    np.add.at(accounts.close_pnl, acc, trade_pnl)
    np.add.at(accounts.fees, acc, batch.fee_fen)
    return TradeBatchResult(trade_pnl, np.unique(acc))


@dataclass(frozen=True)
class FundsArrays:
    """Vectorised intraday funds of ``accounts`` (sorted ids), fen per account."""

    accounts: I64
    equity_cash: I64
    margin: I64
    offset_used: I64
    floating_loss: I64
    available: I64


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
    num = np.zeros(n_accounts * n_products, dtype=np.int64)
    if acc.size:
        raw = _mul_half_up(
            (
                np.asarray(tons, np.int64),
                np.asarray(base_fen, np.int64),
                np.full(acc.size, haircut_ppm, np.int64),
            ),
            1,
        )
        cells = acc * n_products + prod
        _check_sum_bound(raw, "receipt offset", cells)
        np.add.at(num, cells, raw)
    return half_up_div(num, PPM).reshape(n_accounts, n_products)


def _group_by_account_product(
    book: LineBook, rows: I64, line_values: Sequence[I64], n_acc: int, acc_local: I64
) -> list[I64]:
    """Dense (accounts × products) sums of per-row values by (account, product)."""
    out = []
    keys = book.account[rows] * book.n_products + book.product[rows]
    starts = _segment_starts(keys)
    g_acc = acc_local[starts] if starts.size else starts
    g_prod = book.product[rows[starts]] if starts.size else starts
    for vals in line_values:
        _check_sum_bound(vals, "group sum", keys)
        dense = np.zeros((n_acc, book.n_products), dtype=np.int64)
        if starts.size:
            dense[g_acc, g_prod] = np.add.reduceat(vals, starts)
        out.append(dense)
    return out


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

    Same rules and fen as ``client_funds``: margin line = half_up(S(prev) × mult × lots
    × rate_ppm ÷ 10^6); offset per product min(value, margin); total capped at
    half_up(cap_ppm × equity ÷ 10^6), ≥ 0 (``None`` = no cap). ``offset_value`` is the
    (accounts × products) matrix of ``offset_value_matrix``.
    """
    ids = (
        np.arange(book.n_accounts, dtype=np.int64)
        if only is None
        else np.asarray(only, dtype=np.int64)
    )
    rows = (
        np.arange(book.account.size, dtype=np.int64)
        if only is None
        else (book.rows_of_accounts(ids))
    )
    acc_local = book.account[rows] if only is None else np.searchsorted(ids, book.account[rows])
    lots = book.hist_lots[rows] + book.today_lots[rows]
    margin_line = _mul_half_up(
        (book.prior_fen[rows], book.multiplier[rows], lots, book.rate_ppm[rows]), PPM
    )
    values = [margin_line]
    if deduct_floating_loss:
        last = book.last_fen[rows]
        mark = (
            (last - book.prior_fen[rows]) * book.hist_lots[rows]
            + last * book.today_lots[rows]
            - book.today_cost[rows]
        )
        fl = mark * book.multiplier[rows] * book.sign[rows]
        values.append(np.where(book.has_last[rows], np.minimum(fl, 0), 0).astype(np.int64))
    dense = _group_by_account_product(book, rows, values, ids.size, acc_local.astype(np.int64))
    margin_ap = dense[0]
    used = np.minimum(offset_value[ids], margin_ap).clip(min=0).sum(axis=1)
    margin = margin_ap.sum(axis=1)
    equity = accounts.equity_cash(ids)
    if cash_cap_ppm is not None:
        cap = np.maximum(_mul_half_up((equity, np.full(ids.size, cash_cap_ppm)), PPM), 0)
        used = np.minimum(used, cap)
    floating_loss = -dense[1].sum(axis=1) if deduct_floating_loss else np.zeros_like(margin)
    available = equity - (margin - used) - accounts.frozen[ids] - floating_loss
    return FundsArrays(
        accounts=ids,
        equity_cash=equity,
        margin=margin.astype(np.int64),
        offset_used=used.astype(np.int64),
        floating_loss=floating_loss.astype(np.int64),
        available=available.astype(np.int64),
    )
