"""Daily settlement of a member or a client (spec 2.d, 2.h, 2.k, R26, 2.l).

Reserve identity (spec 2.d)::

    cash(D) = cash(prev) + close P&L + position P&L − fees + deposits − withdrawals
              ± delivery payments ± other          with cash = R + M − O
    O(D)    = min(Σ_p min(offset value_p, margin_p), k × cash(D))
    R(D)    = cash(D) − M(D) + O(D)

so that R(D) = R(prev) + M(prev) − M(D) + O(D) − O(prev) + flows. Margin lines use the
settlement price S(D) and the settlement rate; close P&L is first-in-first-out (historic
lots vs S(prev), today's lots vs the open price, delivered lots vs either, which carries
the delivery difference, R11); position P&L marks the lots left to S(D). Hedge
conversions (2.h) close speculative lots at S(D) without fee and reopen them on the
hedge line.

A client statement is the same computation with prior margin and offset 0: ``cash`` is
the client's balance (today's 结存) and ``R`` its available funds (``settle_client``).

Reference (``settle_member``) and vectorised (``settle_book``) implementations agree to
the fen; rounding as in ``core.rules.funds`` (one money line half up).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from core.errors import RiskDeskError
from core.money import add_fen, checked_fen, exact_sum, row_sums
from core.rules.day_inputs import ACTION_CLOSE, ACTION_OPEN
from core.rules.fees import FeeLine
from core.rules.funds import (
    I64,
    AccountBook,
    LineBook,
    OverCloseError,
    PositionLine,
    ProductOffset,
    Receipt,
    Side,
    Trade,
    TradeBatch,
    apply_trades,
    available_funds,
    by_account_product,
    floating_pnl_fen,
    line_margin,
    line_margin_fen,
    offset_cap,
    offset_used,
    product_offsets,
    replay_line,
)
from core.rules.margin_schedule import PPM, rate_to_ppm
from core.rules.risk_levels import default_risk_levels

DEFAULT_MIN_RESERVE_FEN = 200_000_000  # 2,000,000.00 yuan, spec Q12 (unverified)


class ConversionError(RiskDeskError):
    """A hedge conversion names no speculative line, no hedge line or no settlement
    price.
    """

    def __init__(self, index: int, message: str) -> None:
        self.index = index
        super().__init__(f"hedge conversion {index}: {message}")


@dataclass(frozen=True)
class HedgeConversion:
    """A hedge quota starting today (spec 2.h): convert up to ``quota`` lots."""

    contract: str
    side: Side
    quota: int


@dataclass(frozen=True)
class ExtraFee:
    """A fee outside the trades (delivery, EFP, pledge …): charged and waived fen."""

    fee_type: str
    charged_fen: int
    waived_fen: int = 0

    @classmethod
    def from_fee_line(cls, line: FeeLine) -> ExtraFee:
        return cls(line.fee_type, line.charged_fen, line.waived_fen)


@dataclass(frozen=True)
class SettlementParams:
    """Settlement settings (Appendix A; haircut, cap, minimum unverified)."""

    haircut: Decimal = Decimal("0.8")
    cash_cap_multiple: Decimal | None = Decimal(4)
    min_reserve_fen: int = DEFAULT_MIN_RESERVE_FEN
    prior_opening_banned: bool = False


@dataclass(frozen=True)
class SettledLine:
    """One position line after settlement."""

    contract: str
    product: str
    side: str
    hedge: bool
    lots_left: int
    margin_fen: int
    close_pnl_fen: int
    position_pnl_fen: int
    fees_fen: int
    converted_lots: int


@dataclass(frozen=True)
class ConversionResult:
    """What a hedge conversion did: lots converted and the quota still available
    (``client``: whose quota, in a whole book's settlement)."""

    contract: str
    side: str
    quota: int
    converted: int
    client: str = ""

    @property
    def quota_remaining(self) -> int:
        return self.quota - self.converted


@dataclass(frozen=True)
class MemberSettlement:
    """A member's settlement statement of one day (spec 2.d, exchange view), money in fen.

    The one result type of a member's settlement: the reference ``settle_member``, the
    daily settlement of the whole book and the statements all use it. ``lines``,
    ``products``, ``conversions`` and ``extra_fees`` are filled by the line-by-line
    reference only.
    """

    prior_reserve_fen: int
    prior_margin_fen: int
    prior_offset_fen: int
    margin_fen: int
    offset_fen: int
    close_pnl_fen: int
    position_pnl_fen: int
    fees_fen: int
    waived_fen: int
    deposits_fen: int
    withdrawals_fen: int
    delivery_fen: int
    other_fen: int
    reserve_fen: int
    cash_fen: int
    interest_base_fen: int
    min_reserve_fen: int
    margin_call_fen: int
    opening_banned: bool
    transfer_restricted: bool
    member_code: str = ""
    clients: int = 0
    offset_cap_fen: int | None = None
    products: tuple[ProductOffset, ...] = ()
    lines: tuple[SettledLine, ...] = ()
    conversions: tuple[ConversionResult, ...] = ()
    extra_fees: tuple[ExtraFee, ...] = ()

    @property
    def prior_cash_fen(self) -> int:
        return self.prior_reserve_fen + self.prior_margin_fen - self.prior_offset_fen

    @property
    def flows_fen(self) -> int:
        """Today's cash flows: P&L, transfers, fees, delivery payments and other."""
        return (
            self.close_pnl_fen
            + self.position_pnl_fen
            + self.deposits_fen
            - self.withdrawals_fen
            - self.fees_fen
            + self.delivery_fen
            + self.other_fen
        )

    def identity_holds(self) -> bool:
        """R(D) = R(prev) + M(prev) − M(D) + O(D) − O(prev) + flows (spec 2.d)."""
        r = (
            self.prior_reserve_fen
            + self.prior_margin_fen
            - self.margin_fen
            + self.offset_fen
            - self.prior_offset_fen
            + self.flows_fen
        )
        return r == self.reserve_fen and (
            self.cash_fen == self.reserve_fen + self.margin_fen - self.offset_fen
        )


def opening_banned_after(reserve_fen: int, min_reserve_fen: int, banned_before: bool) -> bool:
    """R26: banned once the reserve is below zero, until it is back at the minimum."""
    return reserve_fen < 0 or (banned_before and reserve_fen < min_reserve_fen)


def _conversion_extras(
    lines: Sequence[PositionLine], conversions: Sequence[HedgeConversion]
) -> tuple[dict[int, list[Trade]], list[ConversionResult]]:
    """Synthetic fee-free close/open trades at S(D) for each conversion (spec 2.h)."""
    extras: dict[int, list[Trade]] = {}
    results: list[ConversionResult] = []
    for ci, conv in enumerate(conversions):
        if conv.quota < 0:
            raise ConversionError(ci, f"quota must not be negative, got {conv.quota}")

        def find(hedge: bool, conv: HedgeConversion = conv) -> list[int]:
            return [
                i
                for i, ln in enumerate(lines)
                if ln.contract == conv.contract and ln.side == conv.side and ln.hedge is hedge
            ]

        spec, hedge = find(False), find(True)
        if len(spec) != 1:
            raise ConversionError(
                ci,
                f"needs exactly one speculative {conv.side} {conv.contract} line, "
                f"found {len(spec)}",
            )
        if len(hedge) != 1:
            raise ConversionError(
                ci,
                f"needs exactly one hedge {conv.side} {conv.contract} line "
                f"(hedge: true), "
                f"found {len(hedge)}",
            )
        si, hi = spec[0], hedge[0]
        s_price = lines[si].settlement
        if s_price is None:
            raise ConversionError(ci, f"{conv.contract} has no settlement price")
        held = replay_line(lines[si], extras.get(si, [])).lots_left
        n = min(conv.quota, held)
        if n:
            extras.setdefault(si, []).append(Trade("close", n, s_price, 0))
            extras.setdefault(hi, []).append(Trade("open", n, s_price, 0))
        results.append(ConversionResult(conv.contract, conv.side, conv.quota, n))
    return extras, results


def settle_member(
    prior_reserve_fen: int,
    prior_margin_fen: int,
    prior_offset_fen: int,
    lines: Sequence[PositionLine],
    receipts: Sequence[Receipt] = (),
    *,
    deposits_fen: int = 0,
    withdrawals_fen: int = 0,
    delivery_payments_fen: Sequence[int] = (),
    other_fen: int = 0,
    extra_fees: Sequence[ExtraFee] = (),
    hedge_conversions: Sequence[HedgeConversion] = (),
    params: SettlementParams | None = None,
) -> MemberSettlement:
    """Settle one member for one trading day, exact Decimal reference (spec 2.d).

    Every line needs ``settlement`` (S(D)); its ``rate`` is the settlement rate. Raises
    ValueError for a line without settlement price, OverCloseError (with ``line``) for
    an impossible close and ConversionError for a bad hedge conversion.
    """
    p = params or SettlementParams()
    for i, ln in enumerate(lines):
        if ln.settlement is None:
            raise ValueError(f"line {i} ({ln.contract}): no settlement price")
    extras, conv_results = _conversion_extras(lines, hedge_conversions)
    converted_by_line = {
        i: sum(t.lots for t in ts if t.action == "close") for i, ts in extras.items()
    }
    settled: list[SettledLine] = []
    margin_by_product: dict[str, int] = {}
    close_pnl = position_pnl = fees = 0
    for i, ln in enumerate(lines):
        s_price = ln.settlement
        assert s_price is not None
        try:
            rep = replay_line(ln, extras.get(i, []))
        except OverCloseError as exc:
            raise OverCloseError(exc.trade, exc.held, exc.requested, line=i) from None
        lots = rep.lots_left
        margin: int = line_margin_fen(s_price, ln.multiplier, lots, ln.rate)
        pos = int(floating_pnl_fen(rep, s_price, ln.multiplier, ln.sign))
        margin_by_product[ln.product] = margin_by_product.get(ln.product, 0) + margin
        close_pnl += rep.close_pnl_fen
        position_pnl += pos
        fees += rep.fees_fen
        settled.append(
            SettledLine(
                ln.contract,
                ln.product,
                ln.side,
                ln.hedge,
                lots,
                margin,
                rep.close_pnl_fen,
                pos,
                rep.fees_fen,
                converted_by_line.get(i, 0),
            )
        )
    fees += sum(f.charged_fen for f in extra_fees)
    products = sorted(set(margin_by_product) | {r.product for r in receipts})
    offsets = product_offsets(margin_by_product, receipts, p.haircut)
    cap_ppm = None if p.cash_cap_multiple is None else rate_to_ppm(p.cash_cap_multiple)
    result = member_settlement(
        prior_reserve_fen=prior_reserve_fen,
        prior_margin_fen=prior_margin_fen,
        prior_offset_fen=prior_offset_fen,
        margin_by_product=np.array([margin_by_product.get(x, 0) for x in products], np.int64),
        offset_value_by_product=np.array(
            [o.offset_value_fen for o in sorted(offsets, key=lambda o: o.product)], np.int64
        ),
        close_pnl_fen=close_pnl,
        position_pnl_fen=position_pnl,
        fees_fen=fees,
        waived_fen=sum(f.waived_fen for f in extra_fees),
        deposits_fen=deposits_fen,
        withdrawals_fen=withdrawals_fen,
        delivery_fen=sum(delivery_payments_fen),
        other_fen=other_fen,
        cash_cap_ppm=cap_ppm,
        min_reserve_fen=p.min_reserve_fen,
        prior_opening_banned=p.prior_opening_banned,
    )
    return replace(
        result,
        products=tuple(offsets),
        lines=tuple(settled),
        conversions=tuple(conv_results),
        extra_fees=tuple(extra_fees),
    )


def member_cash_fen(
    prior_reserve_fen: int, prior_margin_fen: int, prior_offset_fen: int, flows_fen: int
) -> int:
    """cash = R(prev) + M(prev) − O(prev) + flows (spec 2.d check identity)."""
    return prior_reserve_fen + prior_margin_fen - prior_offset_fen + flows_fen


def intraday_reserve_fen(
    *,
    prior_reserve_fen: int,
    prior_margin_fen: int,
    prior_offset_fen: int,
    deposits_fen: int,
    withdrawals_fen: int,
    close_pnl_fen: int,
    fees_fen: int,
    margin_fen: int,
    offset_fen: int,
) -> int:
    """The member's intraday reserve (spec 2.c): the settlement identity with today's
    flows so far, the intraday margin (at S(prev)) and the intraday offset used."""
    cash = member_cash_fen(
        prior_reserve_fen,
        prior_margin_fen,
        prior_offset_fen,
        close_pnl_fen - fees_fen + deposits_fen - withdrawals_fen,
    )
    return int(available_funds(cash, margin_fen, offset_fen))


def member_settlement(
    *,
    prior_reserve_fen: int,
    prior_margin_fen: int,
    prior_offset_fen: int,
    margin_by_product: npt.ArrayLike,
    offset_value_by_product: npt.ArrayLike,
    close_pnl_fen: int,
    position_pnl_fen: int,
    fees_fen: int,
    deposits_fen: int,
    withdrawals_fen: int,
    delivery_fen: int = 0,
    other_fen: int = 0,
    waived_fen: int = 0,
    cash_cap_ppm: int | None = 4 * PPM,
    min_reserve_fen: int = DEFAULT_MIN_RESERVE_FEN,
    prior_opening_banned: bool = False,
    member_code: str = "",
    clients: int = 0,
) -> MemberSettlement:
    """The reserve identity of spec 2.d from a member's day totals: THE one place.

    cash(D) = R(prev) + M(prev) − O(prev) + flows; M(D) = Σ product margins; O(D) =
    ``offset_used`` (per product min(value, margin), capped at cap × cash); R(D) =
    ``available_funds(cash, M, O)``. Interest base max(0, R − O) (R01), margin call
    max(0, min_reserve − R), R26 opening ban, 2.l transfer restriction. The live
    monitor's intraday reserve (spec 2.c member formula) is the same identity with the
    intraday margin and offset (``intraday_reserve``).
    """
    margin_p = np.asarray(margin_by_product, dtype=np.int64)
    value_p = np.asarray(offset_value_by_product, dtype=np.int64)
    cash = member_cash_fen(
        prior_reserve_fen,
        prior_margin_fen,
        prior_offset_fen,
        close_pnl_fen
        + position_pnl_fen
        - fees_fen
        + deposits_fen
        - withdrawals_fen
        + delivery_fen
        + other_fen,
    )
    # Stored as int64 (reserve_history): refused, never wrapped, if a figure leaves it.
    who = f"member {member_code}" if member_code else "member"
    cash = checked_fen(cash, f"{who} cash")
    margin = checked_fen(exact_sum(margin_p), f"{who} margin")
    offset = int(offset_used(margin_p, value_p, cash, cash_cap_ppm))
    reserve = int(available_funds(cash, margin, offset))  # add_fen: refuses past int64
    cap = None if cash_cap_ppm is None else int(offset_cap(cash, cash_cap_ppm))
    return MemberSettlement(
        prior_reserve_fen=prior_reserve_fen,
        prior_margin_fen=prior_margin_fen,
        prior_offset_fen=prior_offset_fen,
        margin_fen=margin,
        offset_fen=offset,
        close_pnl_fen=close_pnl_fen,
        position_pnl_fen=position_pnl_fen,
        fees_fen=fees_fen,
        waived_fen=waived_fen,
        deposits_fen=deposits_fen,
        withdrawals_fen=withdrawals_fen,
        delivery_fen=delivery_fen,
        other_fen=other_fen,
        reserve_fen=reserve,
        cash_fen=cash,
        interest_base_fen=max(0, reserve - offset),
        min_reserve_fen=min_reserve_fen,
        margin_call_fen=max(0, min_reserve_fen - reserve),
        opening_banned=opening_banned_after(reserve, min_reserve_fen, prior_opening_banned),
        transfer_restricted=reserve < 0,
        member_code=member_code,
        clients=clients,
        offset_cap_fen=cap,
    )


@dataclass(frozen=True)
class ClientSettlement:
    """A client's daily statement (spec 2.d, futures-company view), money in fen."""

    prior_balance_fen: int
    balance_fen: int
    close_pnl_fen: int
    position_pnl_fen: int
    fees_fen: int
    waived_fen: int
    margin_fen: int
    offset_used_fen: int
    available_fen: int
    required_top_up_fen: int
    risk_ratio_ppm: int
    """``core.rules.risk_levels.risk_ratio_ppm`` (margin ÷ balance by default)."""
    lines: tuple[SettledLine, ...]


def settle_client(
    prior_balance_fen: int,
    lines: Sequence[PositionLine],
    receipts: Sequence[Receipt] = (),
    *,
    deposits_fen: int = 0,
    withdrawals_fen: int = 0,
    delivery_payments_fen: Sequence[int] = (),
    extra_fees: Sequence[ExtraFee] = (),
    hedge_conversions: Sequence[HedgeConversion] = (),
    params: SettlementParams | None = None,
) -> ClientSettlement:
    """Client statement: balance = prior + transfers + P&L − fees ± delivery.

    Margins use the lines' client rates (exchange rate + firm add-on). Available funds =
    balance − (margin − offset used); risk ratio = margin ÷ balance (None if balance ≤
    0); required top-up = max(0, −available). Same errors as ``settle_member``.
    """
    m = settle_member(
        prior_balance_fen,
        0,
        0,
        lines,
        receipts,
        deposits_fen=deposits_fen,
        withdrawals_fen=withdrawals_fen,
        delivery_payments_fen=delivery_payments_fen,
        extra_fees=extra_fees,
        hedge_conversions=hedge_conversions,
        params=params,
    )
    ratio = int(default_risk_levels().ratio(m.margin_fen, m.cash_fen, m.reserve_fen))
    return ClientSettlement(
        prior_balance_fen=prior_balance_fen,
        balance_fen=m.cash_fen,
        close_pnl_fen=m.close_pnl_fen,
        position_pnl_fen=m.position_pnl_fen,
        fees_fen=m.fees_fen,
        waived_fen=m.waived_fen,
        margin_fen=m.margin_fen,
        offset_used_fen=m.offset_fen,
        available_fen=m.reserve_fen,
        required_top_up_fen=max(0, -m.reserve_fen),
        risk_ratio_ppm=ratio,
        lines=m.lines,
    )


# =============================================================================
# Vectorised settlement
# =============================================================================


@dataclass(frozen=True)
class SettlementArrays:
    """Vectorised settlement of every account (fen arrays indexed by account id)."""

    cash: I64
    margin: I64
    offset: I64
    close_pnl: I64
    position_pnl: I64
    fees: I64
    reserve: I64
    margin_line: I64
    """Each line's margin at S(D) and the settlement rate (book row order)."""
    position_pnl_line: I64
    """Each line's position P&L marked to S(D) (book row order; Σ per account =
    ``position_pnl``)."""
    interest_base: I64
    margin_call: I64
    opening_banned: npt.NDArray[np.bool_]
    transfer_restricted: npt.NDArray[np.bool_]
    converted_lots: I64


def settle_book(
    book: LineBook,
    accounts: AccountBook,
    settle_fen: npt.ArrayLike,
    settle_rate_ppm: npt.ArrayLike,
    offset_value: I64,
    *,
    delivery_fen: npt.ArrayLike | None = None,
    other_fen: npt.ArrayLike | None = None,
    conversion_spec_line: npt.ArrayLike = (),
    conversion_hedge_line: npt.ArrayLike = (),
    conversion_quota: npt.ArrayLike = (),
    cash_cap_ppm: int | None = 4 * PPM,
    min_reserve_fen: int | npt.ArrayLike = DEFAULT_MIN_RESERVE_FEN,
    prior_opening_banned: npt.ArrayLike | None = None,
) -> SettlementArrays:
    """Settle every account at S(D), vectorised; same fen as ``settle_member``.

    ``accounts.balance`` holds the prior cash R + M − O (member) or the prior balance
    (client); today's close P&L and fees are in ``accounts`` after ``apply_trades``.
    ``settle_fen``/``settle_rate_ppm`` are per line in the caller's line order. Hedge
    conversions (caller line indices) are applied to ``book``/``accounts`` in place
    first, each converting min(quota, lots left) at S(D) without fee, oldest lots first.
    """
    n_acc = book.n_accounts
    s_row = np.asarray(settle_fen, dtype=np.int64)
    r_row = np.asarray(settle_rate_ppm, dtype=np.int64)
    spec = np.asarray(conversion_spec_line, dtype=np.int64)
    hedge = np.asarray(conversion_hedge_line, dtype=np.int64)
    quota = np.asarray(conversion_quota, dtype=np.int64)
    converted = np.zeros(spec.size, dtype=np.int64)
    if spec.size:
        if (quota < 0).any():
            raise ValueError("conversion quota must not be negative")
        # sequential per line in case one speculative line has several conversions
        held: dict[int, int] = {}
        for c in range(spec.size):
            row = int(spec[c])
            left = held.get(row, int(book.hist_lots[row] + book.today_lots[row]))
            converted[c] = min(int(quota[c]), left)
            held[row] = left - int(converted[c])
        price = s_row[spec]
        n = spec.size
        batch = TradeBatch.of(
            np.concatenate((spec, hedge)),
            np.concatenate((np.full(n, ACTION_CLOSE), np.full(n, ACTION_OPEN))),
            np.concatenate((converted, converted)),
            np.concatenate((price, price)),
        )
        apply_trades(book, accounts, batch)
    rows = np.arange(book.n, dtype=np.int64)
    margin_line = line_margin(s_row, book.multiplier, book.lots(), r_row)
    margin_ap = by_account_product(book, rows, margin_line)
    marks = book.marks(s_row)
    pos_ap = by_account_product(book, rows, marks)
    margin = row_sums(margin_ap, "margin")
    position_pnl = row_sums(pos_ap, "position P&L")
    delivery = (
        np.zeros(n_acc, np.int64)
        if delivery_fen is None
        else np.asarray(delivery_fen, dtype=np.int64)
    )
    other = np.zeros(n_acc, np.int64) if other_fen is None else np.asarray(other_fen, np.int64)
    cash = add_fen(
        ((1, accounts.equity_cash()), (1, position_pnl), (1, delivery), (1, other)), "cash"
    )
    offset = offset_used(margin_ap, offset_value, cash, cash_cap_ppm)
    reserve = available_funds(cash, margin, offset)
    min_res = np.broadcast_to(np.asarray(min_reserve_fen, dtype=np.int64), (n_acc,))
    banned_before = (
        np.zeros(n_acc, np.bool_)
        if prior_opening_banned is None
        else np.asarray(prior_opening_banned, dtype=np.bool_)
    )
    return SettlementArrays(
        cash=cash,
        margin=margin,
        offset=offset,
        close_pnl=accounts.close_pnl.copy(),
        position_pnl=position_pnl,
        fees=accounts.fees.copy(),
        reserve=reserve,
        margin_line=margin_line,
        position_pnl_line=marks,
        interest_base=np.maximum(add_fen(((1, reserve), (-1, offset)), "interest base"), 0),
        margin_call=np.maximum(add_fen(((1, min_res), (-1, reserve)), "margin call"), 0),
        opening_banned=(reserve < 0) | (banned_before & (reserve < min_res)),
        transfer_restricted=reserve < 0,
        converted_lots=converted,
    )


def roll_to_next_day(
    book: LineBook,
    accounts: AccountBook,
    result: SettlementArrays,
    settle_fen: npt.ArrayLike,
    settle_rate_ppm: npt.ArrayLike,
) -> AccountBook:
    """Carry the book into the next trading day: today's lots become historic at S(D),
    S(D) becomes the prior settlement, the settlement rate the open rate (spec 2.a); the
    new AccountBook starts from cash(D) with no flows. Mutates ``book``."""
    book.prior_fen[:] = np.asarray(settle_fen, dtype=np.int64)
    book.rate_ppm[:] = np.asarray(settle_rate_ppm, dtype=np.int64)
    book.hist_lots += book.today_lots
    book.today_lots[:] = 0
    book.today_cost[:] = 0
    book.forget_bounds()  # prices and lots moved wholesale: rescan when next needed
    book.ol_line = book.ol_line[:0]
    book.ol_lots, book.ol_price, book.ol_seq = (
        book.ol_lots[:0],
        book.ol_price[:0],
        book.ol_seq[:0],
    )
    nxt = AccountBook.zeros(book.n_accounts)
    nxt.balance = result.cash.copy()
    return nxt
