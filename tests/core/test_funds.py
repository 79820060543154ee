"""Intraday margin, receipt offset, available funds and interest (spec 2.a, 2.c)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.money import MoneyOverflowError, check_sum_bound, mul_half_up
from core.rules.funds import (
    ACTION_CLOSE,
    ACTION_DELIVER,
    ACTION_OPEN,
    AccountBook,
    FundsParams,
    LineBook,
    OverCloseError,
    PositionLine,
    Receipt,
    Trade,
    TradeBatch,
    apply_trades,
    client_funds,
    interest_fen,
    intraday_funds,
    line_margin_fen,
    offset_value_matrix,
    replay_line,
)
from core.rules.margin_schedule import PPM

D = Decimal
ACT = {"open": ACTION_OPEN, "close": ACTION_CLOSE, "deliver": ACTION_DELIVER}


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def _m2409(trades: tuple[Trade, ...] = (), historic: int = 30) -> PositionLine:
    return PositionLine("m2409", "m", 10, "long", False, D(3200), D("0.08"), historic, trades)


# ----------------------------------------------------------------- worked examples


def test_worked_example_a_intraday_margin() -> None:
    """Spec 2.a: 76,800 held; close 5 releases 12,800; opens at S(prev): 115,200."""
    assert line_margin_fen(D(3200), 10, 30, D("0.08")) == 7_680_000
    rep = replay_line(_m2409((Trade("close", 5, D(3240)),)))
    after_close = line_margin_fen(D(3200), 10, rep.lots_left, D("0.08"))
    assert 7_680_000 - after_close == 1_280_000
    rep = replay_line(_m2409((Trade("close", 5, D(3240)), Trade("open", 20, D(3215)))))
    assert rep.historic_left == 25
    assert rep.lots_left == 45
    assert line_margin_fen(D(3200), 10, rep.lots_left, D("0.08")) == 11_520_000
    assert line_margin_fen(D(3260), 10, 45, D("0.08")) == 11_736_000
    assert line_margin_fen(D(3215), 10, 20, D("0.08")) == 5_144_000  # never used


def _client_k(receipts: list[Receipt]) -> object:
    m = _m2409((Trade("close", 5, D(3240), 750), Trade("open", 20, D(3215), 3000)))
    i = PositionLine("i2409", "i", 100, "short", False, D(800), D("0.12"), 10)
    return client_funds(50_000_000, 10_000_000, 0, [m, i], receipts)


def test_worked_example_c_client_k() -> None:
    """Spec 2.c: available 505,962.50 with receipts, 390,762.50 without."""
    res = _client_k([Receipt("m", 200, D(3150))])
    assert res.close_pnl_fen == 200_000  # type: ignore[attr-defined]
    assert res.fees_fen == 3_750  # type: ignore[attr-defined]
    assert res.equity_cash_fen == 60_196_250  # type: ignore[attr-defined]
    assert res.margin_fen == 21_120_000  # type: ignore[attr-defined]
    by = {p.product: p for p in res.products}  # type: ignore[attr-defined]
    assert by["m"].offset_value_fen == 50_400_000
    assert by["m"].offset_used_fen == 11_520_000
    assert by["i"].offset_used_fen == 0  # receipts never cover another product
    assert res.available_fen == 50_596_250  # type: ignore[attr-defined]
    assert _client_k([]).available_fen == 39_076_250  # type: ignore[attr-defined]


def test_worked_example_c_interest() -> None:
    """Spec 2.c: 10,000,000.00 × 0.35 % × 90 / 360 = 8,750.00; pledge quota earns 0."""
    assert interest_fen([(1_000_000_000, 90)], D("0.0035")) == 875_000
    daily = [(1_000_000_000, 1)] * 90
    assert interest_fen(daily, D("0.0035")) == 875_000
    assert interest_fen([(200_000_000, 90)], D("0.0035")) == 175_000  # pre-R01 extra


def test_cash_cap_and_floating_loss_options() -> None:
    line = PositionLine("m2409", "m", 10, "long", False, D(3200), D("0.08"), 30, last_price=D(3100))
    rec = [Receipt("m", 1000, D(3200))]
    no_cap = client_funds(1_000_000, 0, 0, [line], rec, FundsParams(cash_cap_multiple=None))
    capped = client_funds(1_000_000, 0, 0, [line], rec)
    assert no_cap.offset_used_fen == 7_680_000
    assert capped.offset_used_fen == 4_000_000  # 4 × 10,000.00
    floating = client_funds(
        1_000_000,
        0,
        0,
        [line],
        rec,
        FundsParams(cash_cap_multiple=None, deduct_floating_loss=True),
    )
    assert floating.floating_loss_fen == 3_000_000
    assert floating.available_fen == no_cap.available_fen - 3_000_000
    negative = client_funds(-100, 0, 0, [line], rec)
    assert negative.offset_cap_fen == 0
    assert negative.offset_used_fen == 0


def test_short_close_pnl_and_fifo_today_lots() -> None:
    line = PositionLine(
        "i2409",
        "i",
        100,
        "short",
        False,
        D(800),
        D("0.12"),
        2,
        (
            Trade("open", 3, D(810)),
            Trade("open", 2, D(805)),
            Trade("close", 4, D(790)),
        ),
    )
    rep = replay_line(line)
    # 2 historic at 800, then 2 of the 810 opens: (800-790)*100*2 + (810-790)*100*2
    assert rep.close_pnl_fen == (2000 + 4000) * 100
    assert [(o.lots, o.basis) for o in rep.open_lots] == [(1, D(810)), (2, D(805))]


def test_over_close_raises_with_line_and_trade() -> None:
    with pytest.raises(OverCloseError) as info:
        client_funds(0, 0, 0, [_m2409((Trade("close", 31, D(3240)),))])
    assert (info.value.line, info.value.trade, info.value.held) == (0, 0, 30)


def test_mul_half_up_overflow_fallback_is_exact() -> None:
    big = np.array([10**6, 3], dtype=np.int64)
    res = mul_half_up(
        (big, np.array([10**6, 7]), np.array([10**6, 11]), np.array([9_000, 13])), 10**6
    )
    assert res.tolist() == [9_000 * 10**12, round(3 * 7 * 11 * 13 / 10**6)]
    big4 = np.full(4, 2**61, dtype=np.int64)
    with pytest.raises(MoneyOverflowError):
        check_sum_bound(big4, "one group", np.zeros(4, np.int64))
    check_sum_bound(big4, "four groups", np.arange(4))
    half = mul_half_up((np.array([-5, 5, 15]), np.array([1, 1, 1])), 10)
    assert half.tolist() == [-1, 1, 2]


# ----------------------------------------------------------------- random portfolios


@dataclass
class Portfolio:
    n_accounts: int
    n_products: int
    account: list[int]
    product: list[int]
    mult: list[int]
    sign: list[int]
    prior: list[int]
    rate: list[int]
    hist: list[int]
    last: list[int]  # -1 = none
    trades: list[list[tuple[str, int, int, int]]]  # per line: (action, lots, price, fee)
    order: list[int]  # global arrival order as line ids (per-line order kept)
    receipts: list[tuple[int, int, int, int]]  # account, product, tons, base fen
    balance: list[int]
    deposits: list[int]
    withdrawals: list[int]

    def lines_of(self, a: int) -> list[int]:
        return [i for i, acc in enumerate(self.account) if acc == a]

    def position_line(
        self,
        i: int,
        *,
        settle: int | None = None,
        settle_rate: int | None = None,
        extra: tuple[Trade, ...] = (),
    ) -> PositionLine:
        return PositionLine(
            contract=f"k{i}",
            product=f"p{self.product[i]}",
            multiplier=self.mult[i],
            side="long" if self.sign[i] == 1 else "short",
            hedge=False,
            prior_settlement=_yuan(self.prior[i]),
            rate=D(self.rate[i] if settle_rate is None else settle_rate) / PPM,
            historic_lots=self.hist[i],
            trades=tuple(Trade(a, n, _yuan(p), f) for a, n, p, f in self.trades[i]) + extra,
            last_price=_yuan(self.last[i]) if self.last[i] >= 0 else None,
            settlement=_yuan(settle) if settle is not None else None,
        )

    def receipts_of(self, a: int) -> list[Receipt]:
        return [Receipt(f"p{p}", t, _yuan(b)) for acc, p, t, b in self.receipts if acc == a]

    def book(self) -> LineBook:
        return LineBook.from_arrays(
            account=self.account,
            product=self.product,
            multiplier=self.mult,
            side=[0 if s > 0 else 1 for s in self.sign],
            prior_fen=self.prior,
            rate_ppm=self.rate,
            hist_lots=self.hist,
            n_accounts=self.n_accounts,
            n_products=self.n_products,
            last_fen=self.last,
        )

    def batches(self, split: int) -> list[TradeBatch]:
        cursor = [0] * len(self.account)
        rows = []
        for line in self.order:
            a, n, p, f = self.trades[line][cursor[line]]
            cursor[line] += 1
            rows.append((line, ACT[a], n, p, f))
        parts = [rows[:split], rows[split:]]
        return [TradeBatch.of(*zip(*part, strict=True)) for part in parts if part]


@st.composite
def portfolios(draw: st.DrawFn, *, deliver: bool = False) -> Portfolio:
    n_acc = draw(st.integers(1, 4))
    n_prod = 3
    n_lines = draw(st.integers(1, 8))
    account = [draw(st.integers(0, n_acc - 1)) for _ in range(n_lines)]
    product = [draw(st.integers(0, n_prod - 1)) for _ in range(n_lines)]
    mult = [draw(st.sampled_from([5, 10, 100])) for _ in range(n_lines)]
    sign = [draw(st.sampled_from([1, -1])) for _ in range(n_lines)]
    prior = [draw(st.integers(100, 2_000_000)) for _ in range(n_lines)]
    rate = [draw(st.integers(50_000, 300_000)) for _ in range(n_lines)]
    hist = [draw(st.integers(0, 40)) for _ in range(n_lines)]
    last = [draw(st.one_of(st.just(-1), st.integers(100, 2_000_000))) for _ in range(n_lines)]
    actions = ["open", "close", "deliver"] if deliver else ["open", "close"]
    trades: list[list[tuple[str, int, int, int]]] = []
    for i in range(n_lines):
        held = hist[i]
        seq = []
        for _ in range(draw(st.integers(0, 5))):
            action = draw(st.sampled_from(actions))
            price = draw(st.integers(100, 2_000_000))
            if action == "open":
                lots = draw(st.integers(0, 20))
                held += lots
                fee = draw(st.integers(0, 10_000))
            else:
                lots = draw(st.integers(0, held))
                held -= lots
                fee = 0 if action == "deliver" else draw(st.integers(0, 10_000))
            seq.append((action, lots, price, fee))
        trades.append(seq)
    labels = [i for i in range(n_lines) for _ in trades[i]]
    order = draw(st.permutations(labels)) if labels else []
    receipts = [
        (
            draw(st.integers(0, n_acc - 1)),
            draw(st.integers(0, n_prod - 1)),
            draw(st.integers(0, 2_000)),
            draw(st.integers(100, 1_000_000)),
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    money = st.integers(-(10**9), 10**11)
    return Portfolio(
        n_acc,
        n_prod,
        account,
        product,
        mult,
        sign,
        prior,
        rate,
        hist,
        last,
        trades,
        list(order),
        receipts,
        [draw(money) for _ in range(n_acc)],
        [draw(st.integers(0, 10**9)) for _ in range(n_acc)],
        [draw(st.integers(0, 10**9)) for _ in range(n_acc)],
    )


CAPS = st.sampled_from([None, 4 * PPM, 500_000, 0, 1_333_333])
HAIRCUTS = st.sampled_from([800_000, 1_000_000, 333_333, 0])
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def vector_funds(
    pf: Portfolio, split: int, haircut: int, cap: int | None, deduct: bool
) -> tuple[LineBook, AccountBook, object]:
    book = pf.book()
    accounts = AccountBook.zeros(pf.n_accounts)
    accounts.balance[:] = pf.balance
    accounts.deposits[:] = pf.deposits
    accounts.withdrawals[:] = pf.withdrawals
    for batch in pf.batches(split):
        apply_trades(book, accounts, batch)
    r = pf.receipts
    ov = offset_value_matrix(
        [x[0] for x in r],
        [x[1] for x in r],
        [x[2] for x in r],
        [x[3] for x in r],
        haircut,
        pf.n_accounts,
        pf.n_products,
    )
    res = intraday_funds(book, accounts, ov, cash_cap_ppm=cap, deduct_floating_loss=deduct)
    return book, accounts, (res, ov)


@FAST
@given(
    pf=portfolios(deliver=True),
    split=st.integers(0, 30),
    haircut=HAIRCUTS,
    cap=CAPS,
    deduct=st.booleans(),
)
def test_vectorised_funds_equal_decimal_reference(
    pf: Portfolio, split: int, haircut: int, cap: int | None, deduct: bool
) -> None:
    book, accounts, (res, ov) = vector_funds(pf, split, haircut, cap, deduct)  # type: ignore[misc]
    params = FundsParams(
        haircut=D(haircut) / PPM,
        cash_cap_multiple=None if cap is None else D(cap) / PPM,
        deduct_floating_loss=deduct,
    )
    for a in range(pf.n_accounts):
        lines = [pf.position_line(i) for i in pf.lines_of(a)]
        ref = client_funds(
            pf.balance[a],
            pf.deposits[a],
            pf.withdrawals[a],
            lines,
            pf.receipts_of(a),
            params,
        )
        assert int(res.equity_cash[a]) == ref.equity_cash_fen
        assert int(res.margin[a]) == ref.margin_fen
        assert int(res.offset_used[a]) == ref.offset_used_fen
        assert int(res.floating_loss[a]) == (ref.floating_loss_fen if deduct else 0)
        assert int(res.available[a]) == ref.available_fen
    # incremental recompute of a subset gives the same figures
    subset = np.arange(0, pf.n_accounts, 2, dtype=np.int64)
    part = intraday_funds(
        book, accounts, ov, cash_cap_ppm=cap, deduct_floating_loss=deduct, only=subset
    )
    assert part.available.tolist() == res.available[subset].tolist()


@FAST
@given(pf=portfolios(), split=st.integers(0, 30))
def test_vectorised_close_pnl_per_trade_equals_reference(pf: Portfolio, split: int) -> None:
    book = pf.book()
    accounts = AccountBook.zeros(pf.n_accounts)
    got: dict[int, list[int]] = {i: [] for i in range(len(pf.account))}
    for batch in pf.batches(split):
        res = apply_trades(book, accounts, batch)
        for line, pnl in zip(batch.line.tolist(), res.trade_pnl_fen.tolist(), strict=True):
            got[line].append(pnl)
    for i in range(len(pf.account)):
        rep = replay_line(pf.position_line(i))
        assert got[i] == list(rep.trade_pnl_fen)
        assert int(book.hist_lots[i]) == rep.historic_left
        assert int(book.today_lots[i]) == rep.lots_left - rep.historic_left


@FAST
@given(pf=portfolios())
def test_closes_never_release_more_than_carried(pf: Portfolio) -> None:
    for i in range(len(pf.account)):
        line = pf.position_line(i)
        before = line_margin_fen(
            line.prior_settlement, line.multiplier, line.historic_lots, line.rate
        )
        for k, tr in enumerate(line.trades):
            rep = replay_line(PositionLine(**{**line.__dict__, "trades": line.trades[: k + 1]}))
            after = line_margin_fen(
                line.prior_settlement, line.multiplier, rep.lots_left, line.rate
            )
            if tr.action != "open":
                assert 0 <= before - after <= before
            before = after


def test_vectorised_over_close_raises_and_leaves_book_unchanged() -> None:
    book = LineBook.from_arrays(
        account=[0],
        product=[0],
        multiplier=[10],
        side=[0],
        prior_fen=[320_000],
        rate_ppm=[80_000],
        hist_lots=[5],
        n_accounts=1,
        n_products=1,
    )
    accounts = AccountBook.zeros(1)
    with pytest.raises(OverCloseError) as info:
        apply_trades(
            book,
            accounts,
            TradeBatch.of([0, 0], [ACTION_CLOSE, ACTION_OPEN], [6, 10], [320_000, 320_000]),
        )
    assert (info.value.trade, info.value.held, info.value.requested) == (0, 5, 6)
    assert int(book.hist_lots[0]) == 5
    assert book.ol_lots.size == 0
    assert int(accounts.close_pnl[0]) == 0


def test_vectorised_funds_worked_example_c() -> None:
    """Client K of spec 2.c through the vectorised engine: 505,962.50."""
    book = LineBook.from_arrays(
        account=[0, 0],
        product=[0, 1],
        multiplier=[10, 100],
        side=[0, 1],
        prior_fen=[320_000, 80_000],
        rate_ppm=[80_000, 120_000],
        hist_lots=[30, 10],
        n_accounts=1,
        n_products=2,
    )
    accounts = AccountBook.zeros(1)
    accounts.balance[0], accounts.deposits[0] = 50_000_000, 10_000_000
    apply_trades(
        book,
        accounts,
        TradeBatch.of(
            [0, 0],
            [ACTION_CLOSE, ACTION_OPEN],
            [5, 20],
            [324_000, 321_500],
            [750, 3_000],
        ),
    )
    ov = offset_value_matrix([0], [0], [200], [315_000], 800_000, 1, 2)
    res = intraday_funds(book, accounts, ov)
    assert res.available.tolist() == [50_596_250]
    assert res.margin.tolist() == [21_120_000]
