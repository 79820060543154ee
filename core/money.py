"""Exact money: integer fen (0.01 yuan) and THE rounding rule of the project.

Spec 2.0: intermediate products (price x multiplier x lots x rate) are exact ``Decimal``;
each *line item* (one position line, one fee line, one offset line) is rounded to the fen
half up (ROUND_HALF_UP); totals are sums of rounded lines. The only exception is forced
liquidation, where each client's release is rounded *up* (``ceil_fen``) so that the total
released never falls short of the requirement (spec 2.f).

Vectorised code keeps fen in ``numpy.int64`` (enough for 9.2e16 fen = 9.2e14 yuan) and
uses ``half_up_div`` for exact integer division with the same rounding rule.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NewType

import numpy as np
import numpy.typing as npt

Fen = NewType("Fen", int)
Lots = NewType("Lots", int)

FEN_PER_YUAN = 100
_CENT = Decimal("0.01")
_MONEY_RE = re.compile(r"^[+-]?\d+(\.\d{1,2})?$")


def round_half_up_fen(yuan: Decimal) -> Fen:
    """Round an exact yuan amount to whole fen, half up (away from zero on .5)."""
    return Fen(int((yuan * FEN_PER_YUAN).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def ceil_fen(yuan: Decimal) -> Fen:
    """Round an exact yuan amount up (towards +inf) to whole fen (spec 2.f releases)."""
    return Fen(int((yuan * FEN_PER_YUAN).quantize(Decimal(1), rounding=ROUND_CEILING)))


def parse_yuan(text: str) -> Fen:
    """Parse a yuan amount with at most two decimals ("-600000.00", "12.5") into fen.

    Raises ValueError for anything else (thousands separators, three decimals, floats
    in exponent notation): money never goes through binary floating point.
    """
    s = text.strip()
    if not _MONEY_RE.match(s):
        raise ValueError(f"not a money amount with at most two decimals: {text!r}")
    return Fen(int(Decimal(s) * FEN_PER_YUAN))


def parse_decimal(text: str) -> Decimal:
    """Parse a price, rate or ratio given as a decimal string; ValueError if not one."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise ValueError(f"not a decimal number: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a finite number: {text!r}")
    return value


def fen_to_decimal(fen: int) -> Decimal:
    """Fen as an exact yuan Decimal with two places."""
    return (Decimal(fen) / FEN_PER_YUAN).quantize(_CENT)


def fen_to_str(fen: int) -> str:
    """Fen as the case-file money string: exactly two decimals, no separators."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), FEN_PER_YUAN)
    return f"{sign}{whole}.{cents:02d}"


def format_yuan(fen: int, *, separators: bool = True) -> str:
    """Fen for display: thousands separators, two decimals, computed with divmod."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), FEN_PER_YUAN)
    body = f"{whole:,}" if separators else str(whole)
    return f"{sign}{body}.{cents:02d}"


BP_PER_UNIT = 10_000
"""Basis points (hundredths of a percent) in a whole (100 %)."""


def ratio_bp(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` in basis points (hundredths of a percent), rounded
    half away from zero, in exact integers. ZeroDivisionError for a zero denominator."""
    num = numerator * BP_PER_UNIT
    q, r = divmod(abs(num), abs(denominator))
    q += 2 * r >= abs(denominator)
    return -q if (num < 0) != (denominator < 0) else q


def bp_to_str(bp: int) -> str:
    """Basis points as a percentage with two decimals, e.g. -1000 → "-10.00%" (reports,
    exports, the command line); computed with divmod."""
    sign = "-" if bp < 0 else ""
    whole, hundredths = divmod(abs(int(bp)), 100)
    return f"{sign}{whole}.{hundredths:02d}%"


def yuan_to_fen_exact(yuan: Decimal) -> Fen:
    """Convert a yuan Decimal that must already be whole fen; ValueError otherwise."""
    fen = yuan * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"{yuan} yuan is not a whole number of fen")
    return Fen(int(fen))


def half_up_div(
    numerator: npt.NDArray[np.int64], denominator: int | npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Exact integer division rounded half up (away from zero), element-wise.

    This is the vectorised twin of ``round_half_up_fen``: with numerator and denominator
    scaled so that the quotient is in fen, it gives the same fen for every input.
    """
    num = np.asarray(numerator, dtype=np.int64)
    den = np.asarray(denominator, dtype=np.int64)
    sign = np.where((num < 0) ^ (den < 0), -1, 1)
    a, b = np.abs(num), np.abs(den)
    q, r = np.divmod(a, b)
    q = q + (2 * r >= b)
    return (sign * q).astype(np.int64)
