"""The one encoding of a position's side (long or short) in arrays, files and text.

Arrays hold side *codes*: ``LONG = 0``, ``SHORT = 1`` (the order of ``SIDE_NAMES``, so
``SIDE_NAMES[code]`` is the word the database, the case files and the screens use). A
formula that needs a direction multiplies by ``sign_of(code)`` (+1 long, −1 short); no
other encoding (booleans, ±1 columns) is kept anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

SideName = Literal["long", "short"]
LONG = 0
SHORT = 1
SIDE_NAMES: tuple[SideName, SideName] = ("long", "short")

Codes = npt.NDArray[np.int64]


def side_code(name: str) -> int:
    """The code of ``"long"`` / ``"short"``; ValueError for anything else."""
    if name == "long":
        return LONG
    if name == "short":
        return SHORT
    raise ValueError(f"side must be 'long' or 'short', got {name!r}")


def side_codes(names: Sequence[str] | npt.NDArray[np.object_]) -> Codes:
    """Codes of many side words at once; ValueError naming the first bad one."""
    arr = np.asarray(names, dtype=object)
    short = np.asarray(arr == "short", dtype=np.bool_)
    bad = ~(short | np.asarray(arr == "long", dtype=np.bool_))
    if bad.any():
        raise ValueError(
            f"side must be 'long' or 'short', got {arr[int(np.flatnonzero(bad)[0])]!r}"
        )
    return np.asarray(short, dtype=np.int64)


def sign_of(codes: npt.ArrayLike) -> Codes:
    """+1 for long, −1 for short, element-wise (the direction of a P&L)."""
    return (1 - 2 * np.asarray(codes, dtype=np.int64)).astype(np.int64)


def sign_of_side(code: int) -> int:
    """Scalar ``sign_of``."""
    return 1 - 2 * code
