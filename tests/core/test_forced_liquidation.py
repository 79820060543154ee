"""Forced liquidation (spec 2.f): worked example, lots methods, what-if, properties."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.rules.forced_liquidation import (
    LiquidationParams,
    MarginBook,
    MarginLine,
    default_liquidation_params,
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


def test_spec_example_to_zero() -> None:
    res = preview_forced_liquidation(EXAMPLE, -60_000_000, member="B")
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
    params = LiquidationParams(requirement="to_min_reserve", min_reserve_fen=200_000_000)
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
    assert (res.release == res.client_margin).all()
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
        "same_ratio",
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
    method=st.sampled_from(["same_ratio", "fewest_lots"]),
)
def test_released_covers_requirement(book, deficit, method) -> None:  # type: ignore[no-untyped-def]
    res = preview_forced_liquidation(book, -deficit, params=LiquidationParams(lots_method=method))
    assert (res.line_lots <= book.lots).all()
    assert (res.line_lots >= 0).all()
    covered = min(deficit, res.total_margin_fen)
    assert res.total_release_fen >= covered
    released = np.bincount(
        book.client, weights=res.line_released, minlength=len(book.clients)
    ).astype(np.int64)
    assert (released >= res.release).all()
    assert res.total_released_fen >= covered
    # each client's release is the exact ratio rounded up to the fen
    for c in range(len(book.clients)):
        exact = Fraction(int(res.client_margin[c])) * res.ratio
        assert int(res.release[c]) == min(
            -(-exact.numerator // exact.denominator), int(res.client_margin[c])
        )
