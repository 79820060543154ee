"""Forced liquidation (spec 2.f): worked example, lots methods, what-if, properties."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.rules.forced_liquidation import (
    LiquidationParams,
    MarginBook,
    MarginLine,
    allocate_lots,
    book_margins,
    default_liquidation_params,
    liquidation_shares,
    margin_book_from_lines,
    preview_forced_liquidation,
)

EXAMPLE = margin_book_from_lines(
    [
        MarginLine("C1", "m2409", "long", 520, 360_000),
        MarginLine("C1", "i2409", "short", 390, 1_066_000),
        MarginLine("C2", "y2409", "long", 300, 702_000),
        MarginLine("C3", "c2409", "short", 800, 188_000),
        MarginLine("C3", "jm2409", "long", 150, 1_350_000),
    ]
)


def test_spec_example_to_zero_largest_remainder() -> None:
    # spec 2.f worked example with the default lot method: floors 26/20/15/41/7 release
    # 583,680.00; m (0.748) and jm (0.716) get one more lot: 600,780.00 ≥ 600,000.00
    res = preview_forced_liquidation(EXAMPLE, -60_000_000, member="B")
    assert res.params.lots_method == "largest_remainder"
    assert res.line_lots.tolist() == [27, 20, 15, 41, 8]
    assert res.total_released_fen == 60_078_000
    assert res.total_release_fen == 60_000_001  # the clients' pro-rata shares, rounded up


def test_spec_example_to_zero() -> None:
    same_ratio = LiquidationParams(lots_method="same_ratio")
    res = preview_forced_liquidation(EXAMPLE, -60_000_000, member="B", params=same_ratio)
    assert res.required_fen == 60_000_000
    assert res.ratio == Fraction(600_000, 11_664_400)
    assert str(res.ratio_decimal())[:14] == "0.051438565206"
    assert res.release.tolist() == [31_014_369, 10_832_962, 18_152_670]
    assert res.line_lots.tolist() == [27, 21, 16, 42, 8]
    assert res.total_release_fen == 60_000_001
    assert res.total_released_fen == 62_034_000
    assert res.opening_banned
    assert res.below_min_reserve
    rows = res.client_rows()
    assert [ln["contract"] for ln in rows[0]["lines"]] == ["i2409", "m2409"]
    assert any("UNVERIFIED" in line for line in res.explain_lines())


def test_spec_example_to_min_reserve() -> None:
    params = LiquidationParams(
        requirement="to_min_reserve", min_reserve_fen=200_000_000, lots_method="same_ratio"
    )
    res = preview_forced_liquidation(EXAMPLE, -60_000_000, params=params)
    assert res.required_fen == 260_000_000
    assert res.line_lots.tolist() == [116, 87, 67, 179, 34]
    assert res.total_released_fen == 261_088_000


def test_fewest_lots_closes_the_largest_margin_lines_first() -> None:
    res = preview_forced_liquidation(
        EXAMPLE, -60_000_000, params=LiquidationParams(lots_method="fewest_lots")
    )
    # C1 release 310,143.69: i2409 (10,660/lot) ceil(29.09) = 30 lots, m2409 untouched
    assert res.line_lots.tolist() == [0, 30, 16, 0, 14]
    released = np.bincount(EXAMPLE.client, weights=res.line_released).astype(np.int64)
    assert (released >= res.release).all()


def test_what_if_deposit_recomputes_and_can_lift_the_trigger() -> None:
    half = preview_forced_liquidation(EXAMPLE, -60_000_000, deposit_fen=30_000_000)
    assert half.required_fen == 30_000_000
    assert half.opening_banned
    full = preview_forced_liquidation(EXAMPLE, -60_000_000, deposit_fen=60_000_000)
    assert full.required_fen == 0
    assert not full.opening_banned
    assert full.below_min_reserve  # R26: the minimum reserve is still not restored
    assert int(full.line_lots.sum()) == 0
    with pytest.raises(ValueError, match="deposit"):
        preview_forced_liquidation(EXAMPLE, -1, deposit_fen=-1)


def test_ratio_above_one_closes_everything_and_reports_shortfall() -> None:
    res = preview_forced_liquidation(EXAMPLE, -2_000_000_000)
    assert res.ratio > 1
    assert (res.line_lots == EXAMPLE.lots).all()
    # each client's share is its margin × ratio, beyond what it holds: not capped
    assert (res.release > res.client_margin).all()
    assert res.total_released_fen == res.total_margin_fen
    assert res.shortfall_fen == 2_000_000_000 - res.total_margin_fen


def test_zero_margin_lines_close_nothing() -> None:
    book = margin_book_from_lines(
        [
            MarginLine("A", "m2409", "long", 10, 0),
            MarginLine("A", "y2409", "long", 10, 1_000),
        ]
    )
    res = preview_forced_liquidation(book, -500)  # ratio 5 %: ceil(0.5) on y2409
    assert res.line_lots.tolist() == [0, 1]
    assert res.release.tolist() == [500]


def test_huge_amounts_stay_exact() -> None:
    # margin × required beyond int64: the Python-int path gives the exact ceiling
    book = margin_book_from_lines([MarginLine("A", "m", "long", 10**6, 10**11)])
    res = preview_forced_liquidation(book, -(10**16 + 7))
    assert res.release.tolist() == [10**16 + 7]
    assert res.line_lots.tolist() == [-(-(10**6) * (10**16 + 7) // 10**17)]


def test_defaults_from_resources() -> None:
    p = default_liquidation_params()
    assert (p.requirement, p.lots_method, p.min_reserve_fen) == (
        "to_zero",
        "largest_remainder",  # spec 2.f / Q13 default since the rule change
        200_000_000,
    )
    assert "min_reserve" in p.unverified


def test_bad_books() -> None:
    with pytest.raises(ValueError, match="side"):
        margin_book_from_lines([MarginLine("A", "m", "flat", 1, 1)])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lots must not be negative"):
        margin_book_from_lines([MarginLine("A", "m", "long", -1, 1)])
    with pytest.raises(ValueError, match="margin per lot"):
        margin_book_from_lines([MarginLine("A", "m", "long", 1, -1)])
    with pytest.raises(ValueError, match="requirement"):
        LiquidationParams(requirement="to_moon")  # type: ignore[arg-type]


@st.composite
def margin_books(draw: st.DrawFn) -> MarginBook:
    n = draw(st.integers(1, 30))
    lines = [
        MarginLine(
            f"C{draw(st.integers(0, 6))}",
            f"k{draw(st.integers(0, 3))}",
            draw(st.sampled_from(["long", "short"])),
            draw(st.integers(0, 500)),
            draw(st.integers(0, 2_000_000)),
        )
        for _ in range(n)
    ]
    return margin_book_from_lines(lines)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(
    book=margin_books(),
    deficit=st.integers(1, 10**10),
    method=st.sampled_from(["largest_remainder", "same_ratio", "fewest_lots"]),
)
def test_released_covers_requirement(book, deficit, method) -> None:  # type: ignore[no-untyped-def]
    res = preview_forced_liquidation(book, -deficit, params=LiquidationParams(lots_method=method))
    assert (res.line_lots <= book.lots).all()
    assert (res.line_lots >= 0).all()
    covered = min(deficit, res.total_margin_fen)
    assert res.total_release_fen >= covered
    assert res.total_released_fen >= covered
    released = np.bincount(
        book.client, weights=res.line_released, minlength=len(book.clients)
    ).astype(np.int64)
    if method != "largest_remainder":  # these cover every client's own share
        assert (released >= np.minimum(res.release, res.client_margin)).all()
    # each client's release is its exact share rounded up to the fen, not capped
    for c in range(len(book.clients)):
        exact = Fraction(int(res.client_margin[c])) * res.ratio
        assert int(res.release[c]) == -(-exact.numerator // exact.denominator)


@settings(max_examples=200, deadline=None)
@given(book=margin_books(), deficit=st.integers(1, 10**10))
def test_largest_remainder_releases_less_than_one_lot_too_much(book, deficit) -> None:  # type: ignore[no-untyped-def]
    res = preview_forced_liquidation(book, -deficit)  # the default method
    required = res.required_fen
    with_margin = book.margin_per_lot_fen > 0
    if required >= res.total_margin_fen:  # ratio ≥ 1: everything closes, shortfall shown
        assert res.line_lots.tolist() == np.where(with_margin, book.lots, 0).tolist()
        assert res.shortfall_fen == required - res.total_margin_fen
        return
    exact = [Fraction(int(n) * required, res.total_margin_fen) for n in book.lots]
    floor = np.array([x.numerator // x.denominator for x in exact], dtype=np.int64)
    extra = res.line_lots - np.where(with_margin, floor, 0)
    assert set(extra.tolist()) <= {0, 1}  # within one lot of the exact share
    assert res.total_released_fen >= required
    given = book.margin_per_lot_fen[extra == 1]
    if given.size:
        # the release exceeds the requirement by less than one lot's margin (spec 2.f)
        assert res.total_released_fen - required < int(given.max())


def _largest_remainder_by_full_sort(book: MarginBook, required: int, total: int) -> list[int]:
    """The rule of spec 2.f written out: every line ranked (Python tuples), extra lots
    down the ranking until the requirement is met."""
    mpl, lots = book.margin_per_lot_fen.tolist(), book.lots.tolist()
    floor = [n * required // total if m > 0 else 0 for n, m in zip(lots, mpl, strict=True)]
    need = required - sum(f * m for f, m in zip(floor, mpl, strict=True))
    out = list(floor)
    if need <= 0:
        return out
    order = sorted(
        (i for i in range(len(lots)) if mpl[i] > 0 and lots[i] * required % total),
        key=lambda i: (
            -(lots[i] * required % total),
            -mpl[i],
            book.clients[int(book.client[i])],
            book.contracts[int(book.contract[i])],
            int(book.side[i]),
            i,
        ),
    )
    for i in order:
        out[i] += 1
        need -= mpl[i]
        if need <= 0:
            break
    return out


@st.composite
def tied_books(draw: st.DrawFn) -> MarginBook:
    """Few distinct lots and margins, so that many lines tie on the remainder."""
    n = draw(st.integers(1, 40))
    lines = [
        MarginLine(
            f"C{draw(st.integers(0, 1))}",
            f"k{draw(st.integers(0, 1))}",
            draw(st.sampled_from(["long", "short"])),
            draw(st.sampled_from([1, 2, 3])),
            draw(st.sampled_from([0, 100, 250])),
        )
        for _ in range(n)
    ]
    return margin_book_from_lines(lines)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(
    book=st.one_of(margin_books(), tied_books()),
    share=st.fractions(min_value=0, max_value=1),
    first_pool=st.integers(1, 5),
)
def test_largest_remainder_ranks_only_the_head_yet_agrees(book, share, first_pool) -> None:  # type: ignore[no-untyped-def]
    """Ranking only the lines with the largest remainders (the pool grown until their
    margins cover the need) gives the full ranking's lots, ties included."""
    from core.rules.forced_liquidation import _largest_remainder_lots

    total = int((book.lots * book.margin_per_lot_fen).sum())
    if total == 0:
        return
    required = max(1, int(total * share))
    if required >= total:
        return
    got = _largest_remainder_lots(book, required, total, first_pool=first_pool)
    assert got.tolist() == _largest_remainder_by_full_sort(book, required, total)


@settings(max_examples=100, deadline=None)
@given(
    book=margin_books(),
    deficit=st.integers(0, 10**10),
    deposit=st.integers(0, 10**9),
    requirement=st.sampled_from(["to_zero", "to_min_reserve"]),
)
def test_shares_computed_once_give_every_method_its_own_preview(  # type: ignore[no-untyped-def]
    book, deficit, deposit, requirement
) -> None:
    """The book's margins and the clients' shares computed once, then the lots per
    method (the service's comparison), equal a whole preview per method."""
    params = LiquidationParams(requirement=requirement, min_reserve_fen=50_000_000)
    shares = liquidation_shares(
        book, -deficit, params=params, deposit_fen=deposit, margins=book_margins(book)
    )
    for method in ("largest_remainder", "same_ratio", "fewest_lots"):
        alone = preview_forced_liquidation(
            book, -deficit, params=replace(params, lots_method=method), deposit_fen=deposit
        )
        shared = allocate_lots(shares, method)
        assert shared.params == alone.params
        assert shared.line_lots.tolist() == alone.line_lots.tolist()
        assert shared.line_released.tolist() == alone.line_released.tolist()
        assert shared.release.tolist() == alone.release.tolist()
        assert (shared.required_fen, shared.total_margin_fen, shared.ratio) == (
            alone.required_fen,
            alone.total_margin_fen,
            alone.ratio,
        )
        assert (shared.opening_banned, shared.below_min_reserve, shared.shortfall_fen) == (
            alone.opening_banned,
            alone.below_min_reserve,
            alone.shortfall_fen,
        )
