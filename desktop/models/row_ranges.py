"""Changed rows → a few contiguous ranges, so a table repaints with a handful of signals.

Pure numpy, no Qt (tested without qtbot). ``SnapshotTableModel`` maps the rows a
snapshot changed to view rows and emits one ``dataChanged`` per range (STYLE B4): a
batch touching 10,000 scattered rows becomes at most ``max_ranges`` signals. Merging
two runs repaints the rows between them too; the largest gaps are kept as splits, so
the rows repainted needlessly are as few as possible for the given number of ranges.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

DEFAULT_MAX_RANGES = 16


def row_ranges(rows: npt.ArrayLike, max_ranges: int = DEFAULT_MAX_RANGES) -> list[tuple[int, int]]:
    """Inclusive ``(first, last)`` ranges covering every row of ``rows``, ascending.

    ``rows`` may be unsorted and hold duplicates; negative rows are ignored (rows
    filtered out of the view). At most ``max_ranges`` ranges are returned: when the
    rows form more runs than that, runs are joined across the smallest gaps.
    Raises ValueError when ``max_ranges`` < 1.
    """
    if max_ranges < 1:
        raise ValueError("max_ranges must be at least 1")
    r = np.asarray(rows, dtype=np.int64).ravel()
    r = r[r >= 0]
    if len(r) == 0:
        return []
    top = int(r.max()) + 1
    if len(r) * 16 >= top:  # dense: a bitmap sorts and deduplicates in O(n)
        mark = np.zeros(top, dtype=bool)
        mark[r] = True
        r = np.flatnonzero(mark)
    else:  # sparse: sort, then drop duplicates (np.unique hashes: slower here)
        r = np.sort(r)
        r = r[np.concatenate(([True], np.diff(r) != 0))]
    gaps = np.diff(r)  # > 1 where a run ends
    breaks = np.flatnonzero(gaps > 1)  # run ends at r[b], next starts at r[b + 1]
    if len(breaks) >= max_ranges:
        # Keep the (max_ranges − 1) widest gaps as splits; stable for equal gaps.
        widths = gaps[breaks]
        keep = np.argsort(-widths, kind="stable")[: max_ranges - 1]
        breaks = np.sort(breaks[keep])
    starts = np.concatenate(([r[0]], r[breaks + 1]))
    ends = np.concatenate((r[breaks], [r[-1]]))
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]


def inverse_permutation(order: npt.NDArray[np.int64], size: int) -> npt.NDArray[np.int64]:
    """``position[source_row]`` = view row of that source row, −1 when not shown.

    ``order`` lists the source rows shown, in view order (a filtered permutation).
    """
    position = np.full(size, -1, dtype=np.int64)
    position[order] = np.arange(len(order), dtype=np.int64)
    return position
