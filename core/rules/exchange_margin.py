"""Which margin rule an exchange applies to a contract held long and short.

DCE margins both sides of a contract (spec 2.a: locked positions are margined on both
sides; arbitrage-combination discounts are out of scope, Q6). The Shanghai Futures
Exchange and its energy centre (INE) charge only the larger side of a contract
(单向大边): the public CTP sample statement (openctp tools/Settle/getsettle) prints
172,043.20 of account margin while its position-detail lines add up to 200,132.80,
the difference being its ag2306 short side (28,089.60), smaller than the long side.
A reconciliation has to know which rule produced a counter's figure
(``core.reconcile.causes``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

MarginRule = Literal["both_sides", "larger_side"]

LARGER_SIDE_EXCHANGES = frozenset({"SHFE", "INE"})


def margin_rule(exchange: str) -> MarginRule:
    """The rule of ``exchange`` (code such as DCE, SHFE; unknown codes: both sides)."""
    return "larger_side" if exchange.upper() in LARGER_SIDE_EXCHANGES else "both_sides"


def charged_margin(
    long_fen: npt.ArrayLike, short_fen: npt.ArrayLike, rule: MarginRule
) -> npt.NDArray[np.int64]:
    """A contract's margin from its long and short line margins under ``rule`` (fen)."""
    lo = np.asarray(long_fen, dtype=np.int64)
    sh = np.asarray(short_fen, dtype=np.int64)
    if rule == "larger_side":
        return np.asarray(np.maximum(lo, sh), dtype=np.int64)
    return np.asarray(lo + sh, dtype=np.int64)
