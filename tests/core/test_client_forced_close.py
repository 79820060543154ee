"""Client forced close sizing (core.rules.client_forced_close): a hand-checked minimal
close set, and properties against exhaustive enumeration on small books."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.rules.client_forced_close import (
    PROVEN,
    STATUSES,
    CloseBook,
    alternatives,
    load_close_settings,
    one_less_short,
    release_required,
    review_orders,
    size_forced_closes,
)
from core.rules.funds import line_margin
from core.rules.risk_levels import RiskLevels

# A 3-line client, computed by hand (docs/margin-calls.md):
#   A m  S 3,200.00 x 10  x 8 %  = 2,560.00 per lot, 5 lots
#   B i  S   800.00 x 100 x 12 % = 9,600.00 per lot, 2 lots
#   C c  S 2,350.00 x 10  x 8 %  = 1,880.00 per lot, 4 lots
# Required 12,000.00. Every release is a multiple of 40.00 (gcd of the per-lot margins),
# so in units of 40.00: 64a + 240b + 47c = 300 + e. Modulo 16, 47c ≡ −c, so c ≡ −(300 + e)
# mod 16: e = 0 needs c = 4 and then 4a + 15b = 7 (no), e = 1 needs c = 3 and 4a + 15b =
# 10 (no), e = 2 needs c = 2 and 4a + 15b = 13 (no), e = 3 needs c = 1 and 4a + 15b = 16:
# a = 4, b = 0. The least over-release is 120.00: close 4 m and 1 c (12,120.00), which
# beats one i and one m (12,160.00: fewer lots, 40.00 more released) and 5 m.
HAND = CloseBook.of(
    client=[0, 0, 0],
    price_fen=[320_000, 80_000, 235_000],
    multiplier=[10, 100, 10],
    lots=[5, 2, 4],
    rate_ppm=[80_000, 120_000, 80_000],
)


def test_hand_checked_minimal_close_set() -> None:
    sizing = size_forced_closes(HAND, [1_200_000])
    assert sizing.close_lots.tolist() == [4, 0, 1]
    assert sizing.released_fen.tolist() == [1_024_000, 0, 188_000]
    assert int(sizing.released[0]) == 1_212_000
    assert int(sizing.over_release[0]) == 12_000
    assert sizing.status_of(0) in PROVEN
    # each order is needed: one lot fewer leaves the requirement short
    assert one_less_short(HAND, sizing.close_lots, sizing.over_release).tolist() == [
        244_000,
        0,
        176_000,
    ]


def test_hand_checked_alternatives_it_beats() -> None:
    alts = {a.method: a for a in alternatives(HAND, 1_200_000)}
    assert alts["best_single_line"].released_fen == 1_280_000  # 5 m
    # spec 2.f fewest lots: the largest per-lot margin first, ceil(12,000 / 9,600) = 2 i
    assert alts["fewest_lots"].close_lots == (0, 2, 0)
    assert alts["fewest_lots"].released_fen == 1_920_000
    assert all(a.released_fen - 1_200_000 > 12_000 for a in alts.values())


def test_nothing_due_and_close_all() -> None:
    sizing = size_forced_closes(HAND, [0])
    assert sizing.close_lots.tolist() == [0, 0, 0]
    assert sizing.status_of(0) == "nothing_due"
    total = int(HAND.margin().sum())
    sizing = size_forced_closes(HAND, [total + 5])
    assert sizing.close_lots.tolist() == [5, 2, 4]
    assert sizing.status_of(0) == "close_all"
    assert int(sizing.shortfall[0]) == 5


def test_hedge_lines_can_be_excluded() -> None:
    book = CloseBook.of(
        [0, 0], [320_000, 80_000], [10, 100], [5, 2], [80_000, 120_000], hedge=[False, True]
    )
    with_hedge = size_forced_closes(book, [900_000])
    without = size_forced_closes(book, [900_000], include_hedge=False)
    assert with_hedge.close_lots.tolist() == [0, 1]
    assert without.close_lots.tolist() == [4, 0]
    assert not bool(without.eligible[1])


def test_review_of_hand_edited_orders() -> None:
    ok = review_orders(HAND, [4, 0, 1], 1_200_000, 11_000)
    assert (ok.released_fen, ok.ratio_bp, ok.is_short, ok.is_over) == (
        1_212_000,
        10_100,
        False,
        False,
    )
    over = review_orders(HAND, [5, 1, 0], 1_200_000, 11_000)
    assert over.released_fen == 2_240_000
    assert over.is_over
    assert not over.is_short
    short = review_orders(HAND, [4, 0, 0], 1_200_000, 11_000)
    assert short.is_short
    with pytest.raises(ValueError, match="closes 6 of 5"):
        review_orders(HAND, [6, 0, 0], 1_200_000, 11_000)


def test_release_required_to_available_and_to_ratio() -> None:
    levels = RiskLevels()
    # margin 110,000.00, balance 100,000.00, available −10,000.00
    need = release_required([11_000_000], [10_000_000], [-1_000_000])
    assert need.tolist() == [1_000_000]
    # ratio back to 80 %: margin may be 80,000.00, so 30,000.00 must go
    need = release_required(
        [11_000_000],
        [10_000_000],
        [-1_000_000],
        to_available=False,
        target_ratio_ppm=800_000,
        levels=levels,
    )
    assert need.tolist() == [3_000_000]
    # no positive equity: no close reaches a ratio, all the margin
    need = release_required(
        [500], [-10], [-600], to_available=False, target_ratio_ppm=800_000, levels=levels
    )
    assert need.tolist() == [500]


def test_settings_file(tmp_path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        "[client_forced_close.include_hedge]\nvalue = false\nverified = true\n"
        '[client_forced_close.warn_above]\nvalue = "1.25"\nverified = true\n',
        encoding="utf-8",
    )
    s = load_close_settings(path)
    assert (s.include_hedge, s.warn_above_bp) == (False, 12_500)


# ----------------------------------------------------------------- exhaustive oracle
def _oracle(book: CloseBook, need: int, include_hedge: bool = True) -> list[int]:
    """The least (over-release, lots, lines, search order) set by enumerating all sets."""
    n = len(book)
    full = book.margin()
    unit = book.margin(np.ones(n, np.int64))
    eligible = [
        i
        for i in range(n)
        if book.lots[i] > 0 and full[i] > 0 and (include_hedge or not book.hedge[i])
    ]
    if need <= 0:
        return [0] * n
    if sum(int(full[i]) for i in eligible) <= need:
        return [int(book.lots[i]) if i in eligible else 0 for i in range(n)]
    order = sorted(eligible, key=lambda i: (-int(unit[i]), i))
    best: tuple[tuple[int, int, int, tuple[int, ...]], tuple[int, ...]] | None = None
    for ks in itertools.product(*(range(int(book.lots[i]) + 1) for i in order)):
        vec = np.zeros(n, np.int64)
        vec[order] = ks
        total = int(book.released(vec).sum())
        if total < need:
            continue
        key = (total - need, sum(ks), sum(1 for k in ks if k), tuple(-k for k in ks))
        if best is None or key < best[0]:
            best = (key, ks)
    assert best is not None
    out = [0] * n
    for i, k in zip(order, best[1], strict=True):
        out[i] = k
    return out


PRICES = [219_200, 88_450, 315_400, 151_650, 754_401, 1_234_567, 3_203, 228_200]
MULTS = [10, 100, 60, 5, 1]
RATES = [80_000, 120_000, 70_000, 123_457, 99_999]


@st.composite
def small_books(draw: st.DrawFn) -> tuple[CloseBook, int]:
    n = draw(st.integers(1, 4))
    book = CloseBook.of(
        client=[0] * n,
        price_fen=[draw(st.sampled_from(PRICES)) + draw(st.integers(0, 3)) for _ in range(n)],
        multiplier=[draw(st.sampled_from(MULTS)) for _ in range(n)],
        lots=[draw(st.integers(0, 6)) for _ in range(n)],
        rate_ppm=[draw(st.sampled_from(RATES)) for _ in range(n)],
        hedge=[draw(st.booleans()) for _ in range(n)],
    )
    total = int(book.margin().sum())
    need = draw(st.integers(-10, int(total * 1.1) + 10))
    return book, need


@pytest.mark.parametrize("path", ["search", "join"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=small_books(), include_hedge=st.booleans())
def test_never_beaten_by_any_set(
    path: str, case: tuple[CloseBook, int], include_hedge: bool
) -> None:
    book, need = case
    box = 0 if path == "join" else 10**9  # force the exact join, or the plain search
    sizing = size_forced_closes(book, [need], include_hedge=include_hedge, search_max_box=box)
    assert sizing.close_lots.tolist() == _oracle(book, need, include_hedge)
    assert sizing.status_of(0) in PROVEN


@settings(max_examples=150, deadline=None)
@given(case=small_books())
def test_restores_and_stays_within_lots(case: tuple[CloseBook, int]) -> None:
    book, need = case
    sizing = size_forced_closes(book, [need])
    k = sizing.close_lots
    assert ((k >= 0) & (k <= book.lots)).all()
    released = int(sizing.released[0])
    assert released == int(book.released(k).sum())
    if need > 0 and int(book.margin().sum()) >= need:
        assert released >= need  # the requirement is met
    short = one_less_short(book, k, sizing.over_release)
    assert (short[k > 0] > 0).all()  # no order can lose a lot


@settings(max_examples=60, deadline=None)
@given(cases=st.lists(small_books(), min_size=1, max_size=6))
def test_batch_equals_one_client_at_a_time(cases: list[tuple[CloseBook, int]]) -> None:
    parts = [size_forced_closes(b, [r]).close_lots for b, r in cases]
    client = np.concatenate([np.full(len(b), c) for c, (b, _) in enumerate(cases)])
    merged = CloseBook.of(
        client,
        np.concatenate([b.price_fen for b, _ in cases]),
        np.concatenate([b.multiplier for b, _ in cases]),
        np.concatenate([b.lots for b, _ in cases]),
        np.concatenate([b.rate_ppm for b, _ in cases]),
        np.concatenate([b.hedge for b, _ in cases]),
        n_clients=len(cases),
    )
    required = [r for _, r in cases]
    sizing = size_forced_closes(merged, required)
    assert sizing.close_lots.tolist() == np.concatenate(parts).tolist()
    # shuffled lines: the same release, lots and lines per client (twin lines may swap:
    # the last tie-break is the input order)
    perm = np.random.default_rng(len(client)).permutation(len(client))
    shuffled = CloseBook.of(
        merged.client[perm],
        merged.price_fen[perm],
        merged.multiplier[perm],
        merged.lots[perm],
        merged.rate_ppm[perm],
        merged.hedge[perm],
        n_clients=len(cases),
    )
    other = size_forced_closes(shuffled, required)
    for name in ("released", "lots", "lines", "over_release"):
        assert getattr(other, name).tolist() == getattr(sizing, name).tolist()


def test_cover_window_on_rounding_lines() -> None:
    """Lines whose margin rounds (non-linear in lots) still find the least cover."""
    book = CloseBook.of([0], [3_203], [1], [997], [123_457])
    full = int(book.margin()[0])
    one = np.ones(1, np.int64)

    def released(j: int) -> int:
        return int(full - line_margin(3_203 * one, one, (997 - j) * one, 123_457 * one)[0])

    for need in (1, 395, 396, full // 3, full - 1, full):
        k = int(size_forced_closes(book, [need]).close_lots[0])
        assert released(k) >= need
        assert k == 1 or released(k - 1) < need


def test_budget_status_is_reported() -> None:
    rng = np.random.default_rng(3)
    n = 14
    book = CloseBook.of(
        np.zeros(n, np.int64),
        rng.integers(100_000, 900_000, n),
        np.full(n, 10),
        rng.integers(20, 60, n),
        np.full(n, 80_000),
    )
    need = int(book.margin().sum()) // 7
    sizing = size_forced_closes(book, [need], max_nodes=50, search_max_box=10**30)
    assert sizing.status_of(0) == "budget"
    assert int(sizing.released[0]) >= need  # still a covering set
    assert STATUSES.index("budget") == int(sizing.status[0])


@st.composite
def client_batches(draw: st.DrawFn) -> tuple[CloseBook, list[int]]:
    n_clients = draw(st.integers(1, 5))
    cols: dict[str, list[int]] = {k: [] for k in ("client", "price", "mult", "lots", "rate")}
    for c in range(n_clients):
        for _ in range(draw(st.integers(1, 6))):
            cols["client"].append(c)
            cols["price"].append(draw(st.sampled_from(PRICES)) + draw(st.integers(0, 2)))
            cols["mult"].append(draw(st.sampled_from(MULTS)))
            cols["lots"].append(draw(st.integers(0, 12)))
            cols["rate"].append(draw(st.sampled_from(RATES)))
    book = CloseBook.of(
        cols["client"],
        cols["price"],
        cols["mult"],
        cols["lots"],
        cols["rate"],
        n_clients=n_clients,
    )
    full = book.margin()
    need = [
        draw(st.integers(1, max(1, int(full[book.client == c].sum())))) for c in range(n_clients)
    ]
    return book, need


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=client_batches())
def test_join_of_many_clients_equals_the_complete_search(case: tuple[CloseBook, list[int]]) -> None:
    book, need = case
    joined = size_forced_closes(book, need, search_max_box=0)
    searched = size_forced_closes(book, need, search_max_box=10**30, max_nodes=10**9)
    assert joined.close_lots.tolist() == searched.close_lots.tolist()
    assert all(joined.status_of(c) in PROVEN for c in range(book.n_clients))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=small_books(),
    cash=st.integers(-(10**7), 10**8),
    target=st.integers(100_000, 1_500_000),
    definition=st.sampled_from(["margin_over_equity", "one_minus_available_over_equity"]),
    to_available=st.booleans(),
)
def test_the_close_set_restores_available_funds_or_the_target(
    case: tuple[CloseBook, int], cash: int, target: int, definition: str, to_available: bool
) -> None:
    """A client whose margin is its lines' margin: after closing the set, available funds
    are ≥ 0 and the ratio is ≤ the target (what was asked), unless even every line
    cannot (then every eligible line closes and the shortfall is the rest)."""
    book, _ = case
    levels = RiskLevels(ratio_definition=definition)  # type: ignore[arg-type]
    margin = int(book.margin().sum())
    equity, available = cash, cash - margin  # no receipts: A = cash − M
    need = int(
        release_required(
            [margin],
            [equity],
            [available],
            to_available=to_available,
            target_ratio_ppm=target,
            levels=levels,
        )[0]
    )
    sizing = size_forced_closes(book, [need])
    released = int(sizing.released[0])
    if int(sizing.shortfall[0]):
        assert (sizing.close_lots == book.lots).all()
        return
    margin_after = margin - released
    available_after = available + released
    if to_available:
        assert available_after >= 0
    num_after = margin_after if definition == "margin_over_equity" else equity - available_after
    if equity > 0:
        assert num_after * 1_000_000 <= target * equity  # the exact ratio ≤ target
    else:
        assert num_after <= 0  # no equity: only closing all the margin reaches a ratio


# ------------------------------------------------------- the join capped in lots
# Two linear lines: A 10.00 a lot (9 lots), B 3.00 a lot (9 lots); required 22.00. The
# least lots is ⌈22 ÷ 10⌉ = 3. Every release is a multiple of 1.00, so no set releases
# less than 22.00 + 0: one A and four B (22.00, 5 lots) is the least. Within 3 lots the
# best is two A and one B (23.00). Capped at 3 + 2 = 5 lots, the last side keeps four B
# (12.00, 4 lots) only because 12.00 + (5 − 4) × 10.00 reaches 22.00 exactly: a prune
# that dropped that boundary would miss the least set.
CAPPED = CloseBook.of([0, 0], [10_000, 3_000], [1, 1], [9, 9], [100_000, 100_000])


def _key(book: CloseBook, need: int, ks: list[int]) -> tuple[int, int, int]:
    released = int(book.released(np.array(ks, np.int64)).sum())
    return released - need, sum(ks), sum(1 for k in ks if k)


def test_capped_join_within_and_beyond_its_cap() -> None:
    # neither the complete plain search nor the exact join; the node-budget search
    # stops at its first set (three A, 30.00)
    forced = {"search_max_box": 0, "join_max_side": 0, "max_nodes": 0}
    tight = size_forced_closes(CAPPED, [2_200], lots_slack=0, **forced)
    assert tight.close_lots.tolist() == [2, 1]  # the best of at most 3 lots, 23.00
    assert tight.status_of(0) == "budget"  # a set of more lots might release less
    wide = size_forced_closes(CAPPED, [2_200], lots_slack=2, **forced)
    assert wide.close_lots.tolist() == [1, 4] == _oracle(CAPPED, 2_200)
    assert int(wide.over_release[0]) == 0
    assert wide.status_of(0) == "searched"  # the lattice's least over-release, 5 lots


def test_capped_join_proves_when_more_lots_release_more() -> None:
    """Every set of more lots than the cap releases more than the one found."""
    # 10.00, 9.00 and 8.01 a lot (gcd 0.01: the lattice bound is 0); required 25.50, at
    # least 3 lots. Of 3 lots the least release above it is two of 9.00 and one of 8.01,
    # 26.01 (over 0.51); any 4 lots release at least 4 × 8.01 = 32.04 > 26.01.
    book = CloseBook.of([0, 0, 0], [10_000, 9_000, 8_010], [1, 1, 1], [3, 3, 3], [100_000] * 3)
    sizing = size_forced_closes(
        book, [2_550], lots_slack=0, search_max_box=0, join_max_side=0, max_nodes=0
    )
    assert sizing.close_lots.tolist() == _oracle(book, 2_550) == [0, 2, 1]
    assert int(sizing.over_release[0]) == 51
    assert sizing.status_of(0) == "searched"


@st.composite
def linear_books(draw: st.DrawFn) -> tuple[CloseBook, int]:
    """Books whose lines release exactly k × u (price in whole yuan, rate in whole
    percent), with twin lines and common factors."""
    n = draw(st.integers(2, 4))
    book = CloseBook.of(
        client=[0] * n,
        price_fen=[100 * draw(st.sampled_from([25, 31, 40, 47, 64, 96])) for _ in range(n)],
        multiplier=[draw(st.sampled_from([1, 5, 10])) for _ in range(n)],
        lots=[draw(st.integers(0, 7)) for _ in range(n)],
        rate_ppm=[10_000 * draw(st.sampled_from([5, 8, 12])) for _ in range(n)],
        hedge=[False] * n,
    )
    total = int(book.margin().sum())
    return book, draw(st.integers(1, max(1, total)))


@pytest.mark.parametrize("slack", [0, 1, 3])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=linear_books())
def test_capped_join_is_the_least_set_wherever_it_says_proven(
    slack: int, case: tuple[CloseBook, int]
) -> None:
    """Proven means equal to the exhaustive enumeration (any pruning or proof error
    shows here); best found means a covering set never better than the least."""
    book, need = case
    sizing = size_forced_closes(
        book, [need], lots_slack=slack, search_max_box=0, join_max_side=0, max_nodes=0
    )
    got = sizing.close_lots.tolist()
    best = _oracle(book, need)
    if sizing.status_of(0) in PROVEN:
        assert got == best
    else:
        assert sizing.status_of(0) == "budget"
        assert int(sizing.released[0]) >= need
        assert _key(book, need, got) >= _key(book, need, best)


def test_capped_join_only_after_the_node_budget_search_and_never_worse() -> None:
    """The node-budget search runs first: when it completes the book is proven by it
    (the capped join at 3 lots would not prove its 23.00); when it stops and the capped
    join cannot prove its set either, the client stays best found."""
    forced = {"search_max_box": 0, "join_max_side": 0}
    done = size_forced_closes(CAPPED, [2_200], lots_slack=0, **forced)
    assert done.close_lots.tolist() == [1, 4]  # 22.00, the least
    assert done.status_of(0) == "searched"
    # 40.00 a lot (1 lot) and 3.00 a lot (20 lots); required 39.00: the search's first set
    # is the one A (40.00, over 1.00); the capped join at 1 lot finds only that one too
    # (13 B = 39.00 is beyond the cap), so the search's set stays, unproven
    book = CloseBook.of([0, 0], [40_000, 3_000], [1, 1], [1, 20], [100_000, 100_000])
    kept = size_forced_closes(book, [3_900], lots_slack=0, max_nodes=0, **forced)
    assert kept.close_lots.tolist() == [1, 0]
    assert kept.status_of(0) == "budget"
    assert _oracle(book, 3_900) == [0, 13]


def test_answer_does_not_depend_on_processes_or_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Joins run in chunks in a spare process while the searches run in the caller's,
    which takes back the chunks not yet begun: many small chunks in a real spare process
    give the same sets, statuses and work as one chunk in one process."""
    import core.rules.client_forced_close as cfc
    from core import worker_pool

    rng = np.random.default_rng(11)
    n_clients = 300
    lines = rng.integers(2, 12, n_clients)
    client = np.repeat(np.arange(n_clients), lines)
    k = rng.integers(0, len(PRICES), client.size)
    book = CloseBook.of(
        client,
        np.array(PRICES)[k],
        np.array(MULTS)[rng.integers(0, len(MULTS), client.size)],
        rng.integers(1, 40, client.size),
        np.array(RATES)[rng.integers(0, len(RATES), client.size)],
        n_clients=n_clients,
    )
    total = np.bincount(client, weights=book.margin(), minlength=n_clients)
    need = (total * rng.uniform(0.01, 0.2, n_clients)).astype(np.int64)

    sent: list[int] = []
    packed = cfc._Packed.of

    def counted(plans: list[cfc._Plan]) -> cfc._Packed:
        sent.append(len(plans))
        return packed(plans)

    monkeypatch.setattr(cfc._Packed, "of", staticmethod(counted))

    def sized(workers: int, chunk: int) -> tuple[list[int], list[int], list[int]]:
        monkeypatch.setenv(worker_pool.ENV, str(workers))
        monkeypatch.setattr(cfc, "_JOIN_CHUNK", chunk)
        monkeypatch.setattr(cfc, "SPARE_MIN_COMBINATIONS", 0)
        s = size_forced_closes(book, need, search_max_box=64)
        return s.close_lots.tolist(), s.status.tolist(), s.nodes.tolist()

    one = sized(0, 1 << 40)
    assert not sent  # no spare process
    assert STATUSES.index("searched") in one[1]  # joins and searches both ran
    assert sum(one[2]) > 0
    assert sized(1, 2_000) == one
    assert len(sent) > 2  # many chunks went to the spare process (or were taken back)


def test_packed_plans_cross_a_process_unchanged() -> None:
    """What a spare process is sent: the packed plans unpack to the same tables, needs,
    splits and mixed-radix weights, and join to the same answer."""
    import core.rules.client_forced_close as cfc

    tables = [
        [np.array([0, 500, 1_000]), np.array([0, 300]), np.array([0, 200, 400, 600])],
        [np.array([0, 900]), np.array([0, 250, 500]), np.array([0, 100, 200])],
    ]
    needs = (1_100, 700)
    plans = [cfc._Plan.of(t, n, max_side=1 << 15) for t, n in zip(tables, needs, strict=True)]
    assert all(p is not None for p in plans)
    exact = [p for p in plans if p is not None]
    back = cfc._Packed.of(exact).plans()
    for a, b in zip(exact, back, strict=True):
        assert [t.tolist() for t in a.tables] == [t.tolist() for t in b.tables]
        assert (a.need, a.split, a.radix, a.weights) == (b.need, b.split, b.radix, b.weights)
    assert cfc._decoded(exact, *cfc._join_packed(cfc._Packed.of(exact))) == cfc._join(exact)
    # hand-checked: of the first book only 500 + 600 (k = 1, 0, 3) releases exactly 1,100
    assert cfc._join(exact)[0][0] == [1, 0, 3]
