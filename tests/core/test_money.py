"""The project's money rules (core/money.py): fen, half-up rounding, formatting."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import (
    ceil_fen,
    fen_to_decimal,
    fen_to_str,
    format_yuan,
    half_up_div,
    parse_yuan,
    round_half_up_fen,
    yuan_to_fen_exact,
)


@pytest.mark.parametrize(
    ("yuan", "fen"),
    [
        pytest.param("0.005", 1, id="half-up"),
        pytest.param("-0.005", -1, id="half-away-from-zero"),
        pytest.param("0.0049", 0, id="below-half"),
        pytest.param("26400.00", 2_640_000, id="2b-example"),
        pytest.param("8750.000", 875_000, id="2c-interest"),
    ],
)
def test_round_half_up_fen(yuan: str, fen: int) -> None:
    assert round_half_up_fen(Decimal(yuan)) == fen


def test_ceil_fen_rounds_up() -> None:
    assert ceil_fen(Decimal("0.001")) == 1
    assert ceil_fen(Decimal("-0.009")) == 0


def test_parse_and_format() -> None:
    assert parse_yuan("-600000.00") == -60_000_000
    assert parse_yuan("12.5") == 1_250
    for bad in ("1,000.00", "1.234", "1e3", ""):
        with pytest.raises(ValueError, match="money"):
            parse_yuan(bad)
    assert fen_to_str(-5) == "-0.05"
    assert fen_to_str(852_766_500) == "8527665.00"
    assert format_yuan(852_766_500) == "8,527,665.00"
    assert fen_to_decimal(123) == Decimal("1.23")
    assert yuan_to_fen_exact(Decimal("1.23")) == 123
    with pytest.raises(ValueError, match="whole number of fen"):
        yuan_to_fen_exact(Decimal("1.234"))


@given(st.integers(-(10**15), 10**15))
def test_fen_to_str_round_trips(fen: int) -> None:
    assert parse_yuan(fen_to_str(fen)) == fen


@given(
    st.lists(st.integers(-(10**17), 10**17), min_size=1, max_size=50),
    st.sampled_from([1, 2, 10, 100, 1_000_000, 7]),
)
def test_half_up_div_matches_decimal_rule(nums: list[int], den: int) -> None:
    """The vectorised rounding gives the fen of round_half_up_fen for every input."""
    got = half_up_div(np.array(nums, dtype=np.int64), den).tolist()
    want = [round_half_up_fen(Decimal(n) / den / 100) for n in nums]
    assert got == want


@given(
    st.lists(
        st.tuples(st.integers(-(10**17), 10**17), st.integers(1, 10**12)), min_size=1, max_size=50
    ),
    st.sampled_from([1, -1]),
)
def test_half_up_div_by_arrays_and_signed_divisors(pairs: list[tuple[int, int]], sign: int) -> None:
    """Per-element and negative divisors (the general path) round like the scalar path."""
    nums = np.array([n for n, _ in pairs], dtype=np.int64)
    dens = np.array([d * sign for _, d in pairs], dtype=np.int64)
    want = [
        round_half_up_fen(Decimal(int(n)) / int(d) / 100) for n, d in zip(nums, dens, strict=True)
    ]
    assert half_up_div(nums, dens).tolist() == want
    if sign == 1:
        assert [int(half_up_div(nums[i : i + 1], int(d))[0]) for i, d in enumerate(dens)] == want


def test_half_up_div_exact_halves_go_away_from_zero() -> None:
    nums = np.array([5, -5, 15, -15, 25, -25, 4, -4, 6, -6], dtype=np.int64)
    assert half_up_div(nums, 10).tolist() == [1, -1, 2, -2, 3, -3, 0, 0, 1, -1]
    big = 2**61  # the largest divisor of the one-division path, and one past it
    assert half_up_div(np.array([big // 2, -(big // 2)]), big).tolist() == [1, -1]
    assert half_up_div(np.array([big, -big]), big + 2).tolist() == [1, -1]
