"""Daily price limits (涨跌停板) from the prior settlement price (spec 2.b, Q4).

The band S(prev) × (1 ± limit) is rounded to the tick *towards* the prior settlement
(upper down, lower up), so that both limit prices stay inside the band; the limit itself
widens after limit-locked days (L0 + 3 points after D1, L0 + 5 points after D2,
``core.rules.margin_schedule.limit_lock_step``). The live feed checks prices against
these limits, the demo draws its prices inside them and the stress scenarios move a
contract to them. Exchange-published limit prices win wherever they are stored.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy.typing as npt

from core.rules.margin_schedule import PPM, limit_lock_step

I64 = npt.NDArray[np.int64]


def limit_prices(
    prior_fen: npt.ArrayLike, limit_ppm: npt.ArrayLike, tick_fen: npt.ArrayLike
) -> tuple[I64, I64]:
    """(lower, upper) limit prices in fen, element-wise; exact integers.

    band = ⌊S(prev) × limit⌋ (inside the band); upper = ⌊(S + band) ÷ tick⌋ × tick,
    lower = ⌈(S − band) ÷ tick⌉ × tick.
    """
    prior = np.asarray(prior_fen, dtype=np.int64)
    limit = np.asarray(limit_ppm, dtype=np.int64)
    tick = np.asarray(tick_fen, dtype=np.int64)
    band = prior * limit // PPM
    upper = (prior + band) // tick * tick
    lower = -(-(prior - band) // tick) * tick
    return lower.astype(np.int64), upper.astype(np.int64)


def day_limit_ppm(base_limit_ppm: int, locked_before: int) -> int:
    """The limit of a day after ``locked_before`` consecutive same-direction limit-locked
    days (0: the contract's normal limit L0; spec 2.b)."""
    if locked_before <= 0:
        return base_limit_ppm
    step = limit_lock_step(Decimal(base_limit_ppm) / PPM, locked_before)
    return int(step.next_limit * PPM)
