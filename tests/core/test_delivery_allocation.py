"""Minimum-pairing delivery allocation (spec 2.j): examples, exactness, bounds."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.rules.delivery_allocation import (
    Pair,
    allocate_delivery,
    allocation_matrix,
    max_zero_sum_groups,
)


def _check_valid(res, ws, bs) -> None:  # type: ignore[no-untyped-def]
    m = allocation_matrix(res, [w for w, _ in ws], [b for b, _ in bs])
    assert (m >= 0).all()
    assert m.sum(axis=1).tolist() == [v for _, v in ws]
    assert m.sum(axis=0).tolist() == [v for _, v in bs]
    assert res.pair_count == int((m > 0).sum()) == len(res.pairs)
    assert res.lower_bound <= res.pair_count


def test_spec_three_warehouses() -> None:
    res = allocate_delivery([("A", 30), ("B", 20), ("C", 10)], [("X", 20), ("Y", 30), ("Z", 10)])
    assert res.pairs == (Pair("A", "Y", 30), Pair("B", "X", 20), Pair("C", "Z", 10))
    assert (res.pair_count, res.lower_bound, res.optimal) == (3, 3, True)


def test_spec_four_by_four() -> None:
    ws = [("W1", 40), ("W2", 25), ("W3", 15), ("W4", 10)]
    bs = [("B1", 30), ("B2", 25), ("B3", 20), ("B4", 15)]
    res = allocate_delivery(ws, bs)
    assert res.pair_count == 5
    assert res.optimal
    assert {(p.warehouse, p.buyer, p.lots) for p in res.pairs} == {
        ("W1", "B1", 30),
        ("W1", "B3", 10),
        ("W4", "B3", 10),
        ("W2", "B2", 25),
        ("W3", "B4", 15),
    }


def test_spec_no_split() -> None:
    ws, bs = [("W1", 25), ("W2", 15)], [("B1", 10), ("B2", 20), ("B3", 10)]
    res = allocate_delivery(ws, bs)
    assert (res.pair_count, res.lower_bound, res.optimal) == (4, 4, True)
    _check_valid(res, ws, bs)


def test_zero_lots_and_empty() -> None:
    res = allocate_delivery([("W", 0), ("V", 5)], [("B", 5), ("C", 0)])
    assert res.pairs == (Pair("V", "B", 5),)
    empty = allocate_delivery([], [])
    assert (empty.pair_count, empty.lower_bound, empty.optimal) == (0, 0, True)


@pytest.mark.parametrize(
    ("ws", "bs", "message"),
    [
        ([("W", 10)], [("B", 9)], "must be equal"),
        ([("W", 5), ("W", 5)], [("B", 10)], "duplicate"),
        ([("W", -1)], [("B", -1)], "non-negative"),
        ([("", 1)], [("B", 1)], "empty"),
    ],
)
def test_bad_input(ws, bs, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        allocate_delivery(ws, bs)


def _brute_min_pairs(values: list[int]) -> int:
    """k + m − max zero-sum groups, by trying every ordering's zero prefixes."""
    n = len(values)
    best = 0
    for perm in itertools.permutations(values):
        c = sum(1 for s in itertools.accumulate(perm) if s == 0)
        best = max(best, c)
    return n - best


def test_dp_matches_brute_force_on_small_instances() -> None:
    rng = random.Random(7)
    for _ in range(40):
        ws = [rng.randint(1, 6) for _ in range(rng.randint(1, 3))]
        bs = [rng.randint(1, 6) for _ in range(rng.randint(1, 3))]
        diff = sum(ws) - sum(bs)
        if diff > 0:
            bs.append(diff)
        elif diff < 0:
            ws.append(-diff)
        values = ws + [-b for b in bs]
        groups = max_zero_sum_groups(values)
        assert len(values) - len(groups) == _brute_min_pairs(values)
        assert sorted(i for g in groups for i in g) == list(range(len(values)))
        assert all(sum(values[i] for i in g) == 0 for g in groups)


def test_exact_at_twenty_items() -> None:
    rng = random.Random(3)
    ws = [(f"W{i:02d}", rng.randint(1, 40) * 10 + 1) for i in range(10)]
    bs = [(f"B{i:02d}", rng.randint(1, 40) * 10) for i in range(9)]
    bs.append(("B09", sum(v for _, v in ws) - sum(v for _, v in bs)))
    if bs[-1][1] > 0:
        res = allocate_delivery(ws, bs)
        assert res.method == "exact"
        assert res.optimal
        _check_valid(res, ws, bs)


@st.composite
def sellers(draw: st.DrawFn, max_items: int = 8) -> tuple[list, list]:
    ws = draw(st.lists(st.integers(1, 12), min_size=1, max_size=max_items // 2))
    bs = draw(st.lists(st.integers(1, 12), min_size=0, max_size=max_items // 2 - 1))
    diff = sum(ws) - sum(bs)
    if diff > 0:
        bs.append(diff)
    elif diff < 0:
        ws.append(-diff)
    return (
        [(f"W{i}", v) for i, v in enumerate(ws)],
        [(f"B{j}", v) for j, v in enumerate(bs)],
    )


@settings(max_examples=150, deadline=None)
@given(data=sellers(max_items=12))
def test_exact_never_worse_than_heuristic_nor_below_its_bound(data) -> None:  # type: ignore[no-untyped-def]
    ws, bs = data
    exact = allocate_delivery(ws, bs)
    heur = allocate_delivery(ws, bs, exact_limit=0)
    _check_valid(exact, ws, bs)
    _check_valid(heur, ws, bs)
    assert exact.optimal
    assert exact.method == "exact"
    assert heur.lower_bound <= exact.pair_count <= heur.pair_count
    assert heur.optimal == (heur.pair_count == heur.lower_bound)


@settings(max_examples=80, deadline=None)
@given(data=sellers(max_items=10), seed=st.integers(0, 1000))
def test_independent_of_input_order(data, seed) -> None:  # type: ignore[no-untyped-def]
    ws, bs = data
    rng = random.Random(seed)
    ws2, bs2 = ws[:], bs[:]
    rng.shuffle(ws2)
    rng.shuffle(bs2)
    assert allocate_delivery(ws, bs) == allocate_delivery(ws2, bs2)


def test_heuristic_on_large_seller_is_valid() -> None:
    rng = np.random.default_rng(5)
    w = (rng.integers(1, 60, 100) * 10).tolist()
    b = (rng.integers(1, 50, 99) * 10).tolist()
    b.append(sum(w) - sum(b))
    if b[-1] <= 0:
        pytest.skip("generated seller has unequal totals")
    ws = [(f"W{i:03d}", v) for i, v in enumerate(w)]
    bs = [(f"B{i:03d}", v) for i, v in enumerate(b)]
    res = allocate_delivery(ws, bs)
    _check_valid(res, ws, bs)
    assert res.pair_count <= len(ws) + len(bs) - 1
