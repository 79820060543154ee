"""Pro-rata allocation of whole lots: largest remainder (spec 2.e, R23) and half up.

Everything is exact integer arithmetic on ``numpy.int64``: the share of recipient j is
``target × w_j / Σw``; its floor is ``(target × w_j) // Σw`` and its fractional part is
the integer remainder ``(target × w_j) mod Σw`` over the common denominator ``Σw``, so
fractional parts compare as integers without any float.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from core.money import MoneyOverflowError, exact_sum

Int64Array = npt.NDArray[np.int64]

# Products target × w must stay below this to be exact in int64 (2**62 leaves headroom).
_INT64_SAFE = 2**62


@dataclass(frozen=True)
class ProRataShares:
    """One pro-rata allocation with its explanation, as parallel arrays.

    ``raw_j = numerator_j / denominator`` exactly (``numerator = target × w``);
    ``floor_j`` is its integer part, ``remainder_j / denominator`` its fractional part,
    ``step_j`` is 1 where rounding added a lot (largest remainder) or the half-up step
    (half up), and ``lots = floor + step``.
    """

    target: int
    weights: Int64Array
    denominator: int
    floor: Int64Array
    remainder: Int64Array
    step: Int64Array
    lots: Int64Array

    def raw(self, j: int) -> Fraction:
        """Exact raw share of recipient ``j`` (0 when there is no weight at all)."""
        if self.denominator == 0:
            return Fraction(0)
        return Fraction(
            int(self.floor[j]) * self.denominator + int(self.remainder[j]),
            self.denominator,
        )

    def fraction(self, j: int) -> Fraction:
        """Exact fractional part of recipient ``j``'s raw share."""
        if self.denominator == 0:
            return Fraction(0)
        return Fraction(int(self.remainder[j]), self.denominator)


def _checked(weights: npt.ArrayLike, target: int) -> tuple[Int64Array, int]:
    w = np.asarray(weights, dtype=np.int64)
    if w.ndim != 1:
        raise ValueError("weights must be a one-dimensional array")
    if target < 0:
        raise ValueError(f"target must not be negative, got {target}")
    if w.size and int(w.min()) < 0:
        raise ValueError("weights must not be negative")
    total = exact_sum(w)
    if target > 0 and total == 0:
        raise ValueError("cannot allocate a positive target over zero total weight")
    if w.size and target * int(w.max()) >= _INT64_SAFE:
        raise MoneyOverflowError(
            "target × weight exceeds the exact int64 range", what="target × weight"
        )
    return w, total


def _split(w: Int64Array, target: int, total: int) -> tuple[Int64Array, Int64Array]:
    if total == 0:
        zeros = np.zeros_like(w)
        return zeros, zeros.copy()
    num = w * np.int64(target)
    q, r = np.divmod(num, np.int64(total))
    return q.astype(np.int64), r.astype(np.int64)


def largest_remainder(
    weights: npt.ArrayLike,
    target: int,
    tie_rank: npt.ArrayLike | None = None,
) -> ProRataShares:
    """Allocate ``target`` lots pro rata to ``weights`` by largest remainder (spec 2.e).

    Floors every share, then gives the ``target − Σ floor`` leftover lots one each to
    the largest fractional parts. Ties (spec Q10, unverified): larger weight first, then
    lower
    ``tie_rank`` (earlier input / declaration time, then code; default: array order).
    Allocations sum exactly to ``target`` and never exceed ``ceil`` of the raw share.
    Raises ValueError for negative weights or target, or a positive target over zero
    weight; MoneyOverflowError if ``target × weight`` leaves the exact int64 range.
    """
    w, total = _checked(weights, target)
    floor, rem = _split(w, target, total)
    left = target - exact_sum(floor)
    step = np.zeros_like(w)
    if left > 0:
        rank = (
            np.arange(w.size, dtype=np.int64)
            if tie_rank is None
            else np.asarray(tie_rank, dtype=np.int64)
        )
        # lexsort: last key is primary → remainder desc, weight desc, rank asc.
        order = np.lexsort((rank, -w, -rem))
        step[order[:left]] = 1
    return ProRataShares(target, w, total, floor, rem, step, floor + step)


def half_up_shares(weights: npt.ArrayLike, target: int) -> ProRataShares:
    """Round every pro-rata share half up on its own (the pre-R23 rule, comparison
    only).

    The total may over- or undershoot ``target``; nothing reconciles it (spec 2.e).
    """
    w, total = _checked(weights, target)
    floor, rem = _split(w, target, total)
    step = (2 * rem >= total).astype(np.int64) if total else np.zeros_like(w)
    return ProRataShares(target, w, total, floor, rem, step, floor + step)
