"""The member firm's own settings on top of the exchange's rules (spec 2.a, Appendix A).

A firm may margin its clients above the exchange: client rate = exchange rate + add-on
(``core.rules.margin_schedule.client_rate``). The add-on is the firm's choice, read from
``resources/risk_params.toml`` ([firm.margin_addon], default 0).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from core.errors import ConfigError
from core.rules.margin_schedule import rate_to_ppm
from core.rules.params import load_param_section


def firm_margin_addon_ppm(path: Path | None = None) -> int:
    """The firm's client-margin add-on in millionths (0 when not configured).

    Raises ConfigError for a value that is not a non-negative whole number of ppm.
    """
    section = load_param_section("firm", path)
    if "margin_addon" not in section:
        return 0
    raw = section["margin_addon"][0]
    try:
        ppm = rate_to_ppm(Decimal(str(raw)))
    except (ArithmeticError, ValueError) as exc:
        raise ConfigError(f"risk_params.toml: firm.margin_addon: {raw!r}: {exc}") from None
    if ppm < 0:
        raise ConfigError(f"risk_params.toml: firm.margin_addon: {raw!r} is negative")
    return ppm
