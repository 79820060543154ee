"""Margin calls (追加保证金): every client's level, amount to call and deadline.

The level is the firm's one setting, ``core.rules.risk_levels`` (``RiskLevels.classify``);
this module only adds what a call needs on top of it. Every function is vectorised over
int64 fen columns (one row per client: 100,000 clients in one pass) and exact.

**Amount to call.** A deposit X raises the client's cash, so its equity E and its
available funds A both rise by X; the margin M does not move. What the call asks for is
a firm setting (``CallSettings.target``):

* ``available`` (default): available funds back to ≥ 0, X = max(0, −A). This is the
  settlement's own required top-up (``client_balance.margin_call_fen``, spec 2.d).
* ``risk_ratio``: the risk ratio back to ≤ the target ratio t (default: the warning
  threshold of the risk levels). The ratio's numerator N (M, or E − A under the
  "1 − available ÷ equity" definition) does not move with a deposit, so the smallest
  whole-fen X with N ÷ (E + X) ≤ t is X = max(0, ⌈N ÷ t − E⌉) = ⌈N × 10^6 ÷ t_ppm⌉ − E
  when N > 0, else 0 (an account without margin has ratio 0). The exact ratio is then
  ≤ t, so the floored ppm ratio of ``risk_ratio_ppm`` is too. At exactly t the account
  is back at the target level (the warning threshold itself classifies as warning).
* ``both``: the larger of the two.

Receipts: with the offset's cash cap (spec 2.c, 4 × cash) binding, a deposit can raise
the offset used as well, so −A is then an upper bound of the least deposit; the call is
−A all the same, as the settlement stores it (one figure on every surface).

**Deadline.** The firm's one deadline rule, ``core.rules.call_deadline`` (the margin-call
notices state the same moment): by default the opening of the next trading day after
the day the figures belong to (the settled day D, or the live trading day), 09:00
exchange time (Asia/Shanghai), holidays from the trading calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from core.errors import ConfigError
from core.rules.params import load_param_section
from core.rules.risk_levels import PPM, RiskLevels, default_risk_levels

I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]

CallTarget = Literal["available", "risk_ratio", "both"]
CALL_TARGETS: tuple[CallTarget, ...] = ("available", "risk_ratio", "both")


@dataclass(frozen=True)
class CallSettings:
    """The firm's margin-call setting.

    ``target``: what the call restores (module docstring). ``target_ratio_ppm``: the
    ratio the ``risk_ratio`` target restores; None = the warning threshold of the risk
    levels in use. (The deadline is ``core.rules.call_deadline``.)
    """

    target: CallTarget = "available"
    target_ratio_ppm: int | None = None

    def __post_init__(self) -> None:
        if self.target not in CALL_TARGETS:
            raise ValueError(f"unknown call target {self.target!r}")
        if self.target_ratio_ppm is not None and self.target_ratio_ppm <= 0:
            raise ValueError("a target risk ratio must be positive")

    def ratio_ppm(self, levels: RiskLevels) -> int:
        """The target ratio in ppm under ``levels`` (the warning threshold by default)."""
        return levels.warning_ppm if self.target_ratio_ppm is None else self.target_ratio_ppm

    @property
    def asks_available(self) -> bool:
        return self.target in ("available", "both")

    @property
    def asks_ratio(self) -> bool:
        return self.target in ("risk_ratio", "both")


def ratio_numerator_fen(
    margin_fen: npt.ArrayLike,
    equity_fen: npt.ArrayLike,
    available_fen: npt.ArrayLike,
    levels: RiskLevels,
) -> I64:
    """The risk ratio's numerator under the setting's definition (M, or E − A): the part
    a deposit does not move and a close lowers one for one."""
    if levels.ratio_definition == "margin_over_equity":
        return np.asarray(margin_fen, dtype=np.int64)
    return (np.asarray(equity_fen, np.int64) - np.asarray(available_fen, np.int64)).astype(np.int64)


def call_to_available(available_fen: npt.ArrayLike) -> I64:
    """The deposit that brings available funds back to ≥ 0: max(0, −A), fen."""
    return np.maximum(-np.asarray(available_fen, dtype=np.int64), 0).astype(np.int64)


def call_to_ratio(numerator_fen: npt.ArrayLike, equity_fen: npt.ArrayLike, target_ppm: int) -> I64:
    """The least whole-fen deposit X with N ÷ (E + X) ≤ target: ⌈N × 10^6 ÷ t⌉ − E,
    at least 0; 0 where N ≤ 0. Exact integers (N × 10^6 in Python integers beyond the
    int64-safe range)."""
    if target_ppm <= 0:
        raise ValueError("a target risk ratio must be positive")
    num = np.asarray(numerator_fen, dtype=np.int64)
    equity = np.asarray(equity_fen, dtype=np.int64)
    top = int(np.abs(num).max(initial=0))
    if top < 2**62 // PPM:
        needed = -((-num * PPM) // target_ppm)  # ceil division, exact in int64
    else:
        needed = np.array([-((-int(n) * PPM) // target_ppm) for n in num], dtype=np.int64)
    return np.where(num > 0, np.maximum(needed - equity, 0), 0).astype(np.int64)


@dataclass(frozen=True)
class CallArrays:
    """Per client (input order): risk ratio (ppm), level code, the two requirements and
    the amount to call (fen; 0 for a requirement the setting does not ask for)."""

    ratio_ppm: I64
    level: I8
    to_available_fen: I64
    to_ratio_fen: I64
    call_fen: I64


def margin_calls(
    margin_fen: npt.ArrayLike,
    equity_fen: npt.ArrayLike,
    available_fen: npt.ArrayLike,
    *,
    levels: RiskLevels | None = None,
    settings: CallSettings | None = None,
) -> CallArrays:
    """Level and amount to call of every client, vectorised and exact (module docstring).

    After settlement pass the day's balance (结存) as equity and the stored available
    funds; intraday the dynamic equity and intraday available funds, as the live engine
    classifies them. The amount is the larger of the requirements ``settings`` asks for.
    """
    lv = levels or default_risk_levels()
    st = settings or default_call_settings()
    margin = np.asarray(margin_fen, dtype=np.int64)
    equity = np.asarray(equity_fen, dtype=np.int64)
    available = np.asarray(available_fen, dtype=np.int64)
    ratio, level = lv.assess(margin, equity, available)
    zero = np.zeros(margin.shape, np.int64)
    to_available = call_to_available(available) if st.asks_available else zero
    to_ratio = (
        call_to_ratio(ratio_numerator_fen(margin, equity, available, lv), equity, st.ratio_ppm(lv))
        if st.asks_ratio
        else zero
    )
    return CallArrays(ratio, level, to_available, to_ratio, np.maximum(to_available, to_ratio))


def load_call_settings(path: Path | None = None) -> CallSettings:
    """The [margin_calls] section of ``risk_params.toml`` (defaults where a key is
    absent). ``target_ratio`` is ``"warning"`` (the warning threshold) or a fraction.
    Raises ConfigError naming the key for a bad value."""
    sec = load_param_section("margin_calls", path)
    kwargs: dict[str, object] = {}
    if "target" in sec:
        kwargs["target"] = sec["target"][0]
    if "target_ratio" in sec and str(sec["target_ratio"][0]) != "warning":
        raw = sec["target_ratio"][0]
        try:
            ppm = Decimal(str(raw)) * PPM
        except InvalidOperation:
            raise ConfigError(
                f"risk_params.toml: margin_calls.target_ratio: {raw!r} is not a number"
            ) from None
        if ppm != ppm.to_integral_value():
            raise ConfigError(
                f"risk_params.toml: margin_calls.target_ratio: {raw!r} has more than six decimals"
            )
        kwargs["target_ratio_ppm"] = int(ppm)
    try:
        return CallSettings(**kwargs)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ConfigError(f"risk_params.toml: margin_calls: {exc}") from None


@lru_cache(maxsize=1)
def default_call_settings() -> CallSettings:
    """The shipped setting (read once)."""
    return load_call_settings()
