"""Risk ratio and risk levels: the firm's ONE setting, shared by every surface.

The Accounts and Overview screens (after settlement), the live monitor's tables and
cards, and the alerts all classify an account with ``RiskLevels.classify``; none keeps
thresholds of its own. Levels follow CTP's risk console (正常 / 警示 / 追保 / 强平 /
穿仓), ordered by severity:

==============  ====  ===========================================================
level           code  condition (first that holds, from the most severe)
==============  ====  ===========================================================
deficit         4     dynamic equity < 0 (穿仓: the client owes the firm)
forced_close    3     risk ratio ≥ the firm's forced-close threshold (强平)
margin_call     2     available funds < 0 (追保, spec 2.c / 2.d required top-up)
warning         1     risk ratio ≥ the warning threshold (警示)
normal          0     otherwise
==============  ====  ===========================================================

The risk ratio (风险度) is margin in use ÷ equity by default; the spec (2.d) notes some
firms use 1 − available ÷ equity, so the definition is part of the setting. Both are
integer ppm (1,000,000 = 100 %), floored; an account with margin and no positive
equity has an unbounded ratio (``RISK_RATIO_UNBOUNDED_PPM``).

Settings come from ``resources/risk_params.toml`` [risk_levels] (firm choices, not
exchange rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from core.errors import ConfigError
from core.rules.params import load_param_section

I64 = npt.NDArray[np.int64]
PPM = 1_000_000
RISK_RATIO_UNBOUNDED_PPM = 10**12
"""Risk ratio of an account holding margin with no positive equity ("infinite")."""

RatioDefinition = Literal["margin_over_equity", "one_minus_available_over_equity"]
RATIO_DEFINITIONS: tuple[RatioDefinition, ...] = (
    "margin_over_equity",
    "one_minus_available_over_equity",
)

NORMAL, WARNING, MARGIN_CALL, FORCED_CLOSE, DEFICIT = 0, 1, 2, 3, 4
LEVEL_NAMES = ("normal", "warning", "margin_call", "forced_close", "deficit")
AT_RISK_LEVELS = (WARNING, MARGIN_CALL, FORCED_CLOSE, DEFICIT)
"""The levels a desk acts on (warning or worse): the at-risk lists and the alerts."""


def risk_ratio_ppm(
    margin_fen: npt.ArrayLike,
    equity_fen: npt.ArrayLike,
    available_fen: npt.ArrayLike | None = None,
    definition: RatioDefinition = "margin_over_equity",
) -> I64:
    """floor(numerator × 10^6 ÷ equity), element-wise; exact integers.

    numerator = margin (default) or equity − available (``one_minus_available_over_
    equity``). Equity ≤ 0 gives ``RISK_RATIO_UNBOUNDED_PPM`` when the numerator is
    positive, else 0. After settlement, equity is the day's balance (结存); intraday it
    is the dynamic equity.
    """
    equity = np.asarray(equity_fen, dtype=np.int64)
    if definition == "margin_over_equity":
        num = np.asarray(margin_fen, dtype=np.int64)
    elif definition == "one_minus_available_over_equity":
        if available_fen is None:
            raise ValueError("this risk-ratio definition needs the available funds")
        num = equity - np.asarray(available_fen, dtype=np.int64)
    else:
        raise ValueError(f"unknown risk ratio definition {definition!r}")
    pos = equity > 0
    safe = np.where(pos, equity, 1)
    top = max(int(num.max(initial=0)), -int(num.min(initial=0)))
    if top < 2**63 // PPM:  # num × 10^6 fits int64: one exact floor division
        ratio = (num * PPM) // safe
    else:
        q, r = np.divmod(num, safe)
        ratio = q * PPM + (r * PPM) // safe
    return np.where(pos, ratio, np.where(num > 0, RISK_RATIO_UNBOUNDED_PPM, 0)).astype(np.int64)


def ratio_text(ratio_ppm: int, unbounded: str = "—") -> str:
    """A risk ratio as "1,085.37%": the one text of a ratio on every surface (screens,
    statements, notices, the command line).

    Floored to the hundredth of a percent with integer arithmetic, so a ratio just under
    a level's threshold (799,999 ppm) never shows as the threshold ("80.00%") while its
    level is still the one below. ``unbounded`` is shown for margin held without positive
    equity (``RISK_RATIO_UNBOUNDED_PPM``).
    """
    if ratio_ppm >= RISK_RATIO_UNBOUNDED_PPM:
        return unbounded
    hundredths = ratio_ppm // 100  # floor, negative values too
    sign = "-" if hundredths < 0 else ""
    whole, rest = divmod(abs(hundredths), 100)
    return f"{sign}{whole:,}.{rest:02d}%"


@dataclass(frozen=True)
class RiskLevels:
    """The firm's risk-level setting (ppm thresholds; 800_000 = 80 %)."""

    ratio_definition: RatioDefinition = "margin_over_equity"
    warning_ppm: int = 800_000
    forced_close_ppm: int = 1_000_000

    def __post_init__(self) -> None:
        if self.ratio_definition not in RATIO_DEFINITIONS:
            raise ValueError(f"unknown risk ratio definition {self.ratio_definition!r}")
        if not 0 < self.warning_ppm <= self.forced_close_ppm:
            raise ValueError(
                "risk levels need 0 < warning ≤ forced close, got "
                f"{self.warning_ppm} and {self.forced_close_ppm} ppm"
            )

    def ratio(
        self, margin_fen: npt.ArrayLike, equity_fen: npt.ArrayLike, available_fen: npt.ArrayLike
    ) -> I64:
        """``risk_ratio_ppm`` under this setting's definition."""
        return risk_ratio_ppm(margin_fen, equity_fen, available_fen, self.ratio_definition)

    def assess(
        self, margin_fen: npt.ArrayLike, equity_fen: npt.ArrayLike, available_fen: npt.ArrayLike
    ) -> tuple[I64, npt.NDArray[np.int8]]:
        """(risk ratio ppm, level code) per account: ``ratio`` then ``classify``.

        The one call of every surface: after settlement equity is the day's balance and
        available the stored available funds; intraday the dynamic equity and the
        intraday available funds.
        """
        ratio = self.ratio(margin_fen, equity_fen, available_fen)
        return ratio, self.classify(ratio, available_fen, equity_fen)

    def threshold_ppm(self, level: int) -> int | None:
        """The risk-ratio threshold of a ratio-based level (warning, forced close); None
        for the levels set by money (margin call: available < 0; deficit: equity < 0)."""
        return {WARNING: self.warning_ppm, FORCED_CLOSE: self.forced_close_ppm}.get(level)

    def classify(
        self,
        ratio_ppm: npt.ArrayLike,
        available_fen: npt.ArrayLike,
        equity_fen: npt.ArrayLike,
    ) -> npt.NDArray[np.int8]:
        """Level code per account (module table), most severe condition first."""
        ratio = np.asarray(ratio_ppm, dtype=np.int64)
        avail = np.asarray(available_fen, dtype=np.int64)
        equity = np.asarray(equity_fen, dtype=np.int64)
        level = np.where(ratio >= self.warning_ppm, WARNING, NORMAL)
        level = np.where(avail < 0, MARGIN_CALL, level)
        level = np.where(ratio >= self.forced_close_ppm, FORCED_CLOSE, level)
        level = np.where(equity < 0, DEFICIT, level)
        return np.asarray(level, dtype=np.int8)

    @staticmethod
    def counts(levels: npt.ArrayLike) -> dict[str, int]:
        """Accounts per level name (every level present, zeros included)."""
        c = np.bincount(np.asarray(levels, dtype=np.int64), minlength=len(LEVEL_NAMES))
        return {name: int(c[i]) for i, name in enumerate(LEVEL_NAMES)}


def _ppm(value: object, key: str) -> int:
    try:
        fraction = Decimal(str(value))
    except ArithmeticError:
        raise ConfigError(
            f"risk_params.toml: risk_levels.{key}: {value!r} is not a number"
        ) from None
    ppm = fraction * PPM
    if ppm != ppm.to_integral_value() or ppm <= 0:
        raise ConfigError(
            f"risk_params.toml: risk_levels.{key}: {value!r} must be a positive fraction "
            "with at most six decimals"
        )
    return int(ppm)


def load_risk_levels(path: Path | None = None) -> RiskLevels:
    """The [risk_levels] section of ``risk_params.toml`` (defaults where a key is absent).

    Raises ConfigError naming the key for a bad value.
    """
    sec = load_param_section("risk_levels", path)
    kwargs: dict[str, object] = {}
    if "ratio_definition" in sec:
        definition = sec["ratio_definition"][0]
        if definition not in RATIO_DEFINITIONS:
            raise ConfigError(
                f"risk_params.toml: risk_levels.ratio_definition: {definition!r} is not one of "
                f"{', '.join(RATIO_DEFINITIONS)}"
            )
        kwargs["ratio_definition"] = definition
    for key in ("warning", "forced_close"):
        if key in sec:
            kwargs[f"{key}_ppm"] = _ppm(sec[key][0], key)
    try:
        return RiskLevels(**kwargs)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ConfigError(f"risk_params.toml: risk_levels: {exc}") from None


@lru_cache(maxsize=1)
def default_risk_levels() -> RiskLevels:
    """The shipped setting (read once)."""
    return load_risk_levels()
