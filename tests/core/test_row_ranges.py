"""row_ranges: changed rows → at most N contiguous ranges (Qt-free helper of the monitor)."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.models.row_ranges import inverse_permutation, row_ranges


def test_empty_and_negative_rows_give_no_ranges() -> None:
    assert row_ranges([]) == []
    assert row_ranges([-1, -1]) == []


def test_adjacent_rows_form_one_range_and_duplicates_are_ignored() -> None:
    assert row_ranges([5, 3, 4, 4, 9]) == [(3, 5), (9, 9)]


def test_many_runs_are_merged_across_the_smallest_gaps() -> None:
    rows = np.arange(0, 10_000, 3)  # 3,334 runs of one row
    ranges = row_ranges(rows, max_ranges=16)
    assert len(ranges) <= 16
    covered = np.zeros(10_000, dtype=bool)
    for a, b in ranges:
        covered[a : b + 1] = True
    assert covered[rows].all()


def test_widest_gaps_are_kept() -> None:
    assert row_ranges([0, 1, 2, 50, 51, 1000], max_ranges=2) == [(0, 51), (1000, 1000)]


def test_max_ranges_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_ranges"):
        row_ranges([1], max_ranges=0)


def test_inverse_permutation_marks_hidden_rows() -> None:
    pos = inverse_permutation(np.array([3, 0], dtype=np.int64), 5)
    assert pos.tolist() == [1, -1, -1, 0, -1]
