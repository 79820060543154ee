"""Forced reduction (spec 2.e): worked example, explanation, trigger, properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.rules.allocation import half_up_shares, largest_remainder
from core.rules.forced_reduction import (
    D0Valuation,
    LockDirection,
    OpenPosition,
    PositionBook,
    ReductionParams,
    book_from_lines,
    default_reduction_params,
    find_reduction_triggers,
    preview_forced_reduction,
)

L, S = "long", "short"
EXAMPLE = [
    ("A", L, 10, "3300", False),
    ("B", L, 5, "3260", False),
    ("C", L, 3, "3220", False),
    ("E", L, 5, "3120", False),
    ("F", L, 8, "3250", False),
    ("F", S, 6, "3150", False),
    ("X", S, 5, "3260", False),
    ("Y", S, 4, "3200", False),
    ("Z", S, 60, "3120", False),
    ("Z", L, 7, "3080", False),
    ("W", S, 71, "3130", False),
    ("V", S, 36, "3100", False),
    ("U", S, 50, "3050", False),
    ("H", S, 30, "3400", True),
]
ORDERS = [("A", 7), ("B", 5), ("C", 3), ("E", 5), ("F", 8)]


def _example(rounding: str = "largest_remainder"):  # type: ignore[no-untyped-def]
    lines = [OpenPosition(c, s, n, Decimal(p), h) for c, s, n, p, h in EXAMPLE]  # type: ignore[arg-type]
    book = book_from_lines(lines)
    idx = {c: i for i, c in enumerate(book.clients)}
    return preview_forced_reduction(
        book,
        [idx[c] for c, _ in ORDERS],
        [n for _, n in ORDERS],
        settlement_fen=300_000,
        multiplier=10,
        locked="limit_down",
        params=ReductionParams(rounding=rounding),  # type: ignore[arg-type]
        contract="m2409",
    )


def test_spec_example_largest_remainder() -> None:
    res = _example()
    assert [(c, n) for c, n, _ in res.declared_rows()] == [
        ("A", 7),
        ("B", 5),
        ("C", 3),
        ("F", 2),
    ]
    assert res.fill_rows() == [("A", 7), ("B", 5), ("C", 3), ("F", 2)]
    assert res.reduction_rows() == [
        ("V", 2, 2, False),
        ("W", 3, 2, False),
        ("X", 5, 1, False),
        ("Y", 4, 1, False),
        ("Z", 3, 2, False),
    ]
    assert res.unfilled == 0
    assert res.overshoot == 0
    assert res.declared_rows()[1][2] == Fraction(-13000, 150000)


def test_spec_example_half_up_overshoots_on_profitable_side_only() -> None:
    res = _example("half_up")
    assert res.fill_rows() == [("A", 7), ("B", 5), ("C", 3), ("F", 2)]
    assert {c: n for c, n, _, _ in res.reduction_rows()}["W"] == 4
    assert res.overshoot == 1


def test_explanation_of_tier_one_rounding() -> None:
    res = _example()
    spec, hedge = res.explain_client("A")
    assert spec.role == "declared"
    assert spec.unit_pnl == Fraction(-3000)
    assert spec.unit_pnl_pct == Fraction(-1, 10)
    step = spec.steps[0]
    assert (step.tier, step.raw, step.floor, step.rounding_step, step.lots) == (
        1,
        Fraction(63, 17),
        3,
        1,
        4,
    )
    assert step.fraction == Fraction(12, 17)
    assert hedge.side == "flat"
    assert hedge.role == "none"
    (z, _) = res.explain_client("Z")
    assert z.tier == 2
    assert z.steps[0].raw == Fraction(53, 20)
    assert z.steps[0].lots == 3
    (e, _) = res.explain_client("E")
    assert "does not qualify" in e.note
    assert any("UNVERIFIED" in line for line in res.explain_lines())
    with pytest.raises(KeyError):
        res.explain_client("nobody")


def test_default_params_come_from_resources_and_are_flagged() -> None:
    p = default_reduction_params()
    assert p.loss_threshold == Fraction(6, 100)
    assert p.tier_bounds == (Fraction(6, 100), Fraction(3, 100))
    assert p.hedge_tier == 4
    assert {"loss_threshold", "tier_bounds", "hedge_last", "pnl_method"} <= set(p.unverified)
    assert "rounding" not in p.unverified


def test_limit_up_mirrors_limit_down() -> None:
    # shorts lose at limit-up; a long opened low is the counterparty
    book = book_from_lines(
        [
            OpenPosition("S1", "short", 10, Decimal("3000")),
            OpenPosition("L1", "long", 4, Decimal("2700")),
        ]
    )
    res = preview_forced_reduction(
        book, [0], [10], settlement_fen=330_000, multiplier=10, locked="limit_up"
    )
    assert res.fill_rows() == [("S1", 4)]
    assert res.reduction_rows() == [("L1", 4, 1, False)]
    assert res.unfilled == 6


def test_orders_go_to_hedge_position_when_speculative_is_not_losing() -> None:
    book = book_from_lines(
        [
            OpenPosition("A", "short", 2, Decimal("3000")),
            OpenPosition("A", "long", 5, Decimal("3300"), hedge=True),
            OpenPosition("X", "short", 5, Decimal("3300")),
        ]
    )
    res = preview_forced_reduction(
        book, [0], [9], settlement_fen=300_000, multiplier=10, locked="limit_down"
    )
    assert res.declared[1] == 5  # key 2*0 + 1: A's hedge net long
    assert res.fill_rows() == [("A", 5)]


def test_hedges_not_last_join_the_tiers() -> None:
    book = book_from_lines(
        [
            OpenPosition("A", "long", 10, Decimal("3300")),
            OpenPosition("H", "short", 10, Decimal("3400"), hedge=True),
        ]
    )
    last = preview_forced_reduction(
        book, [0], [10], settlement_fen=300_000, multiplier=10, locked="limit_down"
    )
    mixed = preview_forced_reduction(
        book,
        [0],
        [10],
        settlement_fen=300_000,
        multiplier=10,
        locked="limit_down",
        params=ReductionParams(hedge_last=False),
    )
    assert last.reduction_rows() == [("H", 10, 4, True)]
    assert mixed.reduction_rows() == [("H", 10, 1, True)]


def test_d0_method_values_old_lots_from_s_d0() -> None:
    lines = [
        OpenPosition("A", "long", 10, Decimal("3300"), open_day=date(2024, 8, 1)),
        OpenPosition("X", "short", 10, Decimal("3300"), open_day=date(2024, 8, 1)),
    ]
    book = book_from_lines(lines)
    kwargs = {"settlement_fen": 300_000, "multiplier": 10, "locked": "limit_down"}
    res = preview_forced_reduction(
        book,
        [0],
        [10],
        params=ReductionParams(pnl_method="d0_settlement"),
        d0=D0Valuation(date(2024, 8, 5), 310_000),
        **kwargs,  # type: ignore[arg-type]
    )
    # valued from S(D0) = 3,100: loss 100/3000 = 3.3 % < 6 %: nothing qualifies
    assert res.declared_rows() == []
    with pytest.raises(ValueError, match="D0"):
        preview_forced_reduction(
            book,
            [0],
            [10],
            params=ReductionParams(pnl_method="d0_settlement"),
            **kwargs,
        )  # type: ignore[arg-type]


def test_threshold_is_inclusive() -> None:
    # loss exactly 6 % of S qualifies; tier bound exactly 6 % is tier 1
    book = book_from_lines(
        [
            OpenPosition("A", "long", 1, Decimal("3180")),
            OpenPosition("X", "short", 1, Decimal("3180")),
        ]
    )
    res = preview_forced_reduction(
        book, [0], [1], settlement_fen=300_000, multiplier=10, locked="limit_down"
    )
    assert res.fill_rows() == [("A", 1)]
    assert res.reduction_rows() == [("X", 1, 1, False)]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"lots": np.array([-1])}, "lots must not be negative"),
        ({"open_price_fen": np.array([0])}, "open price must be positive"),
        ({"client": np.array([3])}, "client index out of range"),
    ],
)
def test_bad_book(bad: dict[str, np.ndarray], message: str) -> None:
    fields = {
        "clients": ("A",),
        "client": np.array([0]),
        "side": np.array([0]),
        "lots": np.array([1]),
        "open_price_fen": np.array([100]),
        "hedge": np.array([False]),
    }
    fields.update(bad)
    with pytest.raises(ValueError, match=message):
        PositionBook(**fields)  # type: ignore[arg-type]


def test_bad_params_and_orders() -> None:
    with pytest.raises(ValueError, match="descending"):
        ReductionParams(tier_bounds=(Fraction(1, 100), Fraction(2, 100)))
    book = book_from_lines([OpenPosition("A", "long", 1, Decimal("1"))])
    with pytest.raises(ValueError, match="lots must not be negative"):
        preview_forced_reduction(
            book, [0], [-1], settlement_fen=100, multiplier=1, locked="limit_down"
        )
    with pytest.raises(ValueError, match="sideways"):
        preview_forced_reduction(
            book, [0], [1], settlement_fen=100, multiplier=1, locked="sideways"
        )


# ---------------------------------------------------------------- D1–D3 detection

D = [date(2024, 9, d) for d in (2, 3, 4, 5, 6, 9, 10, 11)]


def test_trigger_on_third_same_direction_lock() -> None:
    flags = [
        "limit_down",
        "limit_down",
        "limit_down",
        None,
        "limit_up",
        "limit_up",
        "limit_down",
        "limit_down",
    ]
    found = find_reduction_triggers(list(zip(D, flags, strict=True)))
    assert [(t.d1, t.d3, t.direction) for t in found] == [(D[0], D[2], LockDirection.LIMIT_DOWN)]


def test_direction_change_restarts_and_long_runs_restart_after_d3() -> None:
    flags = [
        "limit_up",
        "limit_down",
        "limit_down",
        "limit_down",
        "limit_down",
        "limit_down",
        "limit_down",
        None,
    ]
    found = find_reduction_triggers(list(zip(D, flags, strict=True)))
    assert [t.d3 for t in found] == [D[3], D[6]]


def test_no_trigger_when_d3_is_last_trading_day() -> None:
    days = list(zip(D[:3], ["limit_up"] * 3, strict=True))
    assert find_reduction_triggers(days, last_trading_day=D[2]) == []
    assert len(find_reduction_triggers(days, last_trading_day=D[5])) == 1
    with pytest.raises(ValueError, match="increasing"):
        find_reduction_triggers([(D[1], None), (D[0], None)])


# ---------------------------------------------------------------- properties


@st.composite
def books(draw: st.DrawFn, distinct: bool = False) -> tuple[PositionBook, list[int], list[int]]:
    n = draw(st.integers(1, 25))
    if distinct:
        lots = draw(st.lists(st.integers(1, 400), min_size=n, max_size=n, unique=True))
    else:
        lots = draw(st.lists(st.integers(0, 60), min_size=n, max_size=n))
    lines = []
    for i in range(n):
        client = f"C{i:02d}" if distinct else f"C{draw(st.integers(0, 9)):02d}"
        side = draw(st.sampled_from(["long", "short"]))
        price = draw(st.integers(2_500, 3_500))
        hedge = False if distinct else draw(st.booleans())
        lines.append(OpenPosition(client, side, lots[i], Decimal(price), hedge))  # type: ignore[arg-type]
    book = book_from_lines(lines)
    k = len(book.clients)
    oc = draw(st.lists(st.integers(0, k - 1), max_size=k, unique=distinct))
    ol = draw(st.lists(st.integers(0, 80), min_size=len(oc), max_size=len(oc)))
    return book, oc, ol


KW = {"settlement_fen": 300_000, "multiplier": 10, "locked": "limit_down"}


@settings(max_examples=150, deadline=None)
@given(data=books(), rounding=st.sampled_from(["largest_remainder", "half_up"]))
def test_allocation_invariants(data, rounding) -> None:  # type: ignore[no-untyped-def]
    book, oc, ol = data
    res = preview_forced_reduction(book, oc, ol, params=ReductionParams(rounding=rounding), **KW)  # type: ignore[arg-type]
    assert (res.declared <= res.net_lots).all()
    assert (res.filled <= res.declared).all()
    assert (res.reduced <= res.net_lots).all()
    assert (res.reduced[res.declared > 0] == 0).all()
    assert res.unfilled == int((res.declared - res.filled).sum())
    if rounding == "largest_remainder":
        assert int(res.filled.sum()) == int(res.reduced.sum())
        assert res.overshoot == 0


@settings(max_examples=100, deadline=None)
@given(data=books(distinct=True), seed=st.integers(0, 2**32 - 1))
def test_result_independent_of_input_order(data, seed) -> None:  # type: ignore[no-untyped-def]
    book, oc, ol = data
    base = preview_forced_reduction(book, oc, ol, **KW)  # type: ignore[arg-type]
    rng = np.random.default_rng(seed)
    perm = rng.permutation(book.lots.size)
    shuffled = PositionBook(
        clients=book.clients,
        client=book.client[perm],
        side=book.side[perm],
        lots=book.lots[perm],
        open_price_fen=book.open_price_fen[perm],
        hedge=book.hedge[perm],
    )
    # The closing orders keep their order: it is their declaration time, which breaks
    # largest-remainder ties between equal declared lots (spec 2.e, Q10).
    other = preview_forced_reduction(shuffled, oc, ol, **KW)  # type: ignore[arg-type]
    assert other.fill_rows() == base.fill_rows()
    assert other.reduction_rows() == base.reduction_rows()


@settings(max_examples=200, deadline=None)
@given(
    weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=60),
    target=st.integers(0, 10**5),
)
def test_largest_remainder_sums_exactly_and_stays_near_half_up(weights, target) -> None:  # type: ignore[no-untyped-def]
    if sum(weights) == 0:
        target = 0
    lrm = largest_remainder(weights, target)
    half = half_up_shares(weights, target)
    assert int(lrm.lots.sum()) == target
    assert (lrm.lots >= 0).all()
    assert (np.abs(lrm.lots - half.lots) <= 1).all()
    for j in range(len(weights)):
        raw = lrm.raw(j)
        assert lrm.lots[j] in (int(raw), -(-raw.numerator // raw.denominator))


def test_largest_remainder_tie_break() -> None:
    # equal fractions: larger weight first, then lower tie rank
    shares = largest_remainder([1, 1, 2, 2], 3)  # raw .5 .5 1 1 → one left over
    assert shares.lots.tolist() == [1, 0, 1, 1]
    shares = largest_remainder([1, 1, 2, 2], 3, tie_rank=[1, 0, 2, 3])
    assert shares.lots.tolist() == [0, 1, 1, 1]
    with pytest.raises(ValueError, match="zero total weight"):
        largest_remainder([0, 0], 1)
    with pytest.raises(ValueError, match="negative"):
        largest_remainder([-1, 2], 1)
