"""Minimum-pairing-count allocation of a seller's receipts to its buyers (spec 2.j).

Minimise the number of (warehouse, buyer) pairs with ``x > 0`` such that every warehouse
gives exactly its lots and every buyer receives exactly its lots (R17). An optimal
support is a forest, so ``min pairs = k + m − c*`` with ``c*`` the largest number of
zero-sum groups (items ``+r_w`` and ``−q_b``) the warehouses and buyers split into; a
north-west fill inside a group of a maximal split uses ``|W_g| + |B_g| − 1`` pairs.

Algorithm (deterministic; items are taken in code order so input order never matters):

1. Zero-lot items are dropped (they need no pair).
2. Equal pairs: a warehouse and a buyer with equal lots form a group. This never loses
   optimality (proof in docs/risk-actions.md): some maximal split contains that pair.
3. If at most ``exact_limit`` (20) items remain, ``c*`` of the rest is found exactly
   by a subset DP vectorised over all ``2^n`` masks,
   ``g(S) = max_{i∈S} g(S∖i) + [Σ S = 0]``, layer by layer of popcount; the groups
   are recovered by backtracking.
4. Otherwise a heuristic: greedy zero-sum triples (one warehouse = two buyers or the
   reverse, largest first), then a north-west fill of the rest by lots descending.
   The proven lower bound is ``k + m − (p + min(k', m', ⌊n'/3⌋))`` where ``p`` equal
   pairs were taken and ``k', m', n'`` count what was left (every other group has
   ≥ 3 items and at least one warehouse and one buyer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core.rules.plausibility import default_plausibility

EXACT_LIMIT = 20
"""Largest number of items (after equal pairs) solved exactly by the subset DP."""


@dataclass(frozen=True)
class Pair:
    warehouse: str
    buyer: str
    lots: int


@dataclass(frozen=True)
class DeliveryAllocation:
    """Result of ``allocate_delivery``.

    ``pairs`` sorted by (warehouse, buyer); ``lower_bound`` is a proven lower bound on
    the pair count (equal to it when solved exactly); ``optimal`` is true when they are
    equal; ``groups`` are the zero-sum groups used (warehouse codes, buyer codes).
    """

    pairs: tuple[Pair, ...]
    pair_count: int
    lower_bound: int
    optimal: bool
    method: str
    groups: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    equal_pairs: int

    def explain_lines(self) -> list[str]:
        out = [
            f"method {self.method}: {self.pair_count} pairs, lower bound "
            f"{self.lower_bound}, optimal {self.optimal} "
            f"({self.equal_pairs} equal pairs)"
        ]
        for ws, bs in self.groups:
            out.append(f"  group {{{', '.join(ws)}}} – {{{', '.join(bs)}}}")
        for p in self.pairs:
            out.append(f"  {p.warehouse} → {p.buyer}: {p.lots}")
        return out


_Item = tuple[str, int]


def _validate(items: Sequence[_Item], what: str) -> list[_Item]:
    seen: set[str] = set()
    max_lots = default_plausibility().max_lots
    for i, (code, lots) in enumerate(items):
        if not code:
            raise ValueError(f"{what}[{i}]: code must not be empty")
        if code in seen:
            raise ValueError(f"{what}[{i}]: duplicate code {code!r}")
        seen.add(code)
        if isinstance(lots, bool) or not isinstance(lots, int) or lots < 0:
            raise ValueError(f"{what}[{i}]: lots must be a non-negative integer, got {lots!r}")
        if lots > max_lots:  # the subset sums below are int64 ([plausibility] max_lots)
            raise ValueError(
                f"{what}[{i}]: too large: must be at most {max_lots:,} lots, got {lots}"
            )
    return sorted(items)


def _nw_fill(ws: Sequence[_Item], bs: Sequence[_Item]) -> list[Pair]:
    """North-west corner fill in the given order (totals must be equal)."""
    out: list[Pair] = []
    i = j = 0
    left_w = ws[0][1] if ws else 0
    left_b = bs[0][1] if bs else 0
    while i < len(ws) and j < len(bs):
        x = min(left_w, left_b)
        if x:
            out.append(Pair(ws[i][0], bs[j][0], x))
        left_w -= x
        left_b -= x
        if left_w == 0:
            i += 1
            left_w = ws[i][1] if i < len(ws) else 0
        if left_b == 0:
            j += 1
            left_b = bs[j][1] if j < len(bs) else 0
    return out


def max_zero_sum_groups(values: Sequence[int]) -> list[list[int]]:
    """Exact maximal split of signed ``values`` (Σ = 0, all non-zero) into zero-sum
    groups.

    Returns groups as lists of indices. Subset DP vectorised over ``2^n`` masks:
    O(n · 2^n) time, O(2^n) memory; ValueError above 24 items (memory guard).
    """
    n = len(values)
    if n == 0:
        return []
    if n > 24:
        raise ValueError(f"{n} items are too many for the exact subset DP")
    if sum(values) != 0:
        raise ValueError("values must sum to zero")
    sums = np.zeros(1, dtype=np.int64)
    pop = np.zeros(1, dtype=np.int8)
    for v in values:
        sums = np.concatenate((sums, sums + np.int64(v)))
        pop = np.concatenate((pop, pop + np.int8(1)))
    zero = (sums == 0).astype(np.int8)
    zero[0] = 0
    order = np.argsort(pop, kind="stable").astype(np.int64)
    bounds = np.searchsorted(pop[order], np.arange(n + 2, dtype=np.int8))
    g = np.zeros(sums.size, dtype=np.int8)
    np_bits = [np.int64(1 << i) for i in range(n)]
    for p in range(1, n + 1):
        layer = order[bounds[p] : bounds[p + 1]]
        best = np.zeros(layer.size, dtype=np.int8)
        for np_bit in np_bits:
            # masks without the bit look at themselves, still 0 in this layer: harmless.
            np.maximum(best, g[layer & ~np_bit], out=best)
        g[layer] = best + zero[layer]
    groups: list[list[int]] = []
    current: list[int] = []
    mask: int = (1 << n) - 1
    while mask:
        need = int(g[mask]) - int(zero[mask])
        for i in range(n):
            bit: int = 1 << i
            if mask & bit and int(g[mask ^ bit]) == need:
                current.append(i)
                mask = mask ^ bit
                break
        else:  # pragma: no cover - the DP guarantees a predecessor
            raise AssertionError("subset DP backtracking failed")
        if mask == 0 or zero[mask]:
            groups.append(sorted(current))
            current = []
    return groups


def allocate_delivery(
    warehouses: Sequence[tuple[str, int]],
    buyers: Sequence[tuple[str, int]],
    *,
    exact_limit: int = EXACT_LIMIT,
) -> DeliveryAllocation:
    """Allocate a seller's receipts by warehouse to its matched buyers (spec 2.j).

    ``warehouses``: (warehouse code, lots); ``buyers``: (trading code, lots); totals
    must be equal and codes unique. Exact (``optimal`` True) when at most
    ``exact_limit`` items remain after equal pairs, otherwise heuristic with a proven
    lower bound. Pure and deterministic: the result does not depend on input order.
    ValueError for bad input.
    """
    ws = _validate(warehouses, "warehouses")
    bs = _validate(buyers, "buyers")
    if sum(v for _, v in ws) != sum(v for _, v in bs):
        raise ValueError(
            f"warehouse lots ({sum(v for _, v in ws)}) and buyer lots "
            f"({sum(v for _, v in bs)}) must be equal"
        )
    ws = [x for x in ws if x[1] > 0]
    bs = [x for x in bs if x[1] > 0]
    k, m = len(ws), len(bs)
    groups: list[tuple[list[_Item], list[_Item]]] = []

    # 2. equal pairs, largest value first, codes ascending within a value
    by_value: dict[int, list[_Item]] = {}
    for b in bs:
        by_value.setdefault(b[1], []).append(b)
    rest_w: list[_Item] = []
    used_b: set[str] = set()
    for w in sorted(ws, key=lambda x: (-x[1], x[0])):
        cands = by_value.get(w[1])
        if cands:
            b = cands.pop(0)
            used_b.add(b[0])
            groups.append(([w], [b]))
        else:
            rest_w.append(w)
    rest_b = [b for b in bs if b[0] not in used_b]
    equal_pairs = len(groups)
    rest_w.sort()
    rest_b.sort()
    n_rest = len(rest_w) + len(rest_b)

    if n_rest <= exact_limit:
        values = [v for _, v in rest_w] + [-v for _, v in rest_b]
        for idx in max_zero_sum_groups(values):
            gw = [rest_w[i] for i in idx if i < len(rest_w)]
            gb = [rest_b[i - len(rest_w)] for i in idx if i >= len(rest_w)]
            groups.append((gw, gb))
        method = "exact"
        c_ub = len(groups)
    else:
        c_ub = equal_pairs + min(len(rest_w), len(rest_b), n_rest // 3)
        triples, rest_w, rest_b = _greedy_triples(rest_w, rest_b)
        groups.extend(triples)
        if rest_w:
            groups.append(
                (
                    sorted(rest_w, key=lambda x: (-x[1], x[0])),
                    sorted(rest_b, key=lambda x: (-x[1], x[0])),
                )
            )
        method = "heuristic"
    pairs: list[Pair] = []
    for gw, gb in groups:
        if method == "exact" or len(gw) + len(gb) <= 3:
            gw, gb = sorted(gw), sorted(gb)
        pairs.extend(_nw_fill(gw, gb))
    pairs.sort(key=lambda p: (p.warehouse, p.buyer))
    lower = max(0, k + m - c_ub) if (k or m) else 0
    count = len(pairs)
    return DeliveryAllocation(
        pairs=tuple(pairs),
        pair_count=count,
        lower_bound=lower,
        optimal=count == lower,
        method=method,
        groups=tuple(
            (tuple(sorted(c for c, _ in gw)), tuple(sorted(c for c, _ in gb))) for gw, gb in groups
        ),
        equal_pairs=equal_pairs,
    )


def _greedy_triples(
    ws: list[_Item], bs: list[_Item]
) -> tuple[list[tuple[list[_Item], list[_Item]]], list[_Item], list[_Item]]:
    """Greedy zero-sum groups of three: one item equal to the sum of two on the other
    side, largest single item first (ties by code). O(k·m) with hashing."""
    groups: list[tuple[list[_Item], list[_Item]]] = []

    def take(singles: list[_Item], others: list[_Item], single_is_w: bool) -> list[_Item]:
        avail: dict[int, list[_Item]] = {}
        for o in sorted(others):
            avail.setdefault(o[1], []).append(o)
        left_singles = []
        for s in sorted(singles, key=lambda x: (-x[1], x[0])):
            found: tuple[_Item, _Item] | None = None
            for v1 in sorted(avail, reverse=True):
                v2 = s[1] - v1
                if v2 <= 0 or v2 > v1 or not avail[v1]:
                    continue
                need = 2 if v1 == v2 else 1
                if v1 == v2 and len(avail[v1]) >= need:
                    found = (avail[v1][0], avail[v1][1])
                elif v1 != v2 and avail.get(v2):
                    found = (avail[v1][0], avail[v2][0])
                if found:
                    break
            if found is None:
                left_singles.append(s)
                continue
            for o in found:
                avail[o[1]].remove(o)
            pair = [found[0], found[1]]
            groups.append(([s], pair) if single_is_w else (pair, [s]))
        remaining = [o for lst in avail.values() for o in lst]
        others[:] = sorted(remaining)
        return left_singles

    ws, bs = list(ws), list(bs)
    ws = take(ws, bs, True)
    bs = take(bs, ws, False)
    return groups, sorted(ws), sorted(bs)


def allocation_matrix(
    result: DeliveryAllocation,
    warehouses: Sequence[str],
    buyers: Sequence[str],
) -> npt.NDArray[np.int64]:
    """The allocation as a (warehouse × buyer) matrix in the given code order."""
    wi = {c: i for i, c in enumerate(warehouses)}
    bi = {c: j for j, c in enumerate(buyers)}
    out = np.zeros((len(warehouses), len(buyers)), dtype=np.int64)
    for p in result.pairs:
        out[wi[p.warehouse], bi[p.buyer]] += p.lots
    return out
