"""The names of forced liquidation's readings and lot methods (spec 2.f, Q11, Q13).

Kept apart from ``core.rules.forced_liquidation`` (numpy) so that the command line can
offer them as choices without importing the engine.
"""

from __future__ import annotations

from typing import Literal

Requirement = Literal["to_zero", "to_min_reserve"]
LotsMethod = Literal["largest_remainder", "same_ratio", "fewest_lots"]
REQUIREMENTS: tuple[Requirement, ...] = ("to_zero", "to_min_reserve")
LOTS_METHODS: tuple[LotsMethod, ...] = ("largest_remainder", "same_ratio", "fewest_lots")
"""The default first (spec 2.f: largest remainder)."""
