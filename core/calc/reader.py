"""Typed access to a JSON case document that names the JSON path of every bad value.

Every number is held to the plausibility limits (``core.rules.plausibility``, issue
#13): lots, prices, money and decimals beyond them are refused here, with their path,
before a rule computes anything; the engines' own overflow guards stay behind as a
second line.
"""

from __future__ import annotations

import builtins
import datetime
from datetime import date
from decimal import Decimal
from typing import Any

from core.errors import CaseError
from core.money import FEN_PER_YUAN, Fen, format_yuan, parse_decimal, parse_yuan
from core.rules.plausibility import default_plausibility

_MISSING = object()
DECIMAL_LIMIT = Decimal(10**12)
"""Largest magnitude of a decimal (a price, a rate, a ratio, a parameter)."""
DECIMAL_PLACES = 12
"""Most decimal places a decimal may carry (no 10^-400 thresholds to compute with)."""


class Explain:
    """Human-readable trace of a computation (``riskdesk calc --explain``)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, text: str) -> None:
        self.lines.append(text)


class CaseReader:
    """A JSON value with its path; accessors validate and raise ``CaseError``."""

    def __init__(self, value: Any, path: builtins.str) -> None:
        self.value = value
        self.path = path

    # ---------------------------------------------------------------- structure
    def _child_path(self, key: builtins.str | builtins.int) -> builtins.str:
        return f"{self.path}[{key}]" if isinstance(key, int) else f"{self.path}.{key}"

    def has(self, key: builtins.str) -> builtins.bool:
        return isinstance(self.value, dict) and key in self.value and self.value[key] is not None

    def child(self, key: builtins.str, default: Any = _MISSING) -> CaseReader:
        if not isinstance(self.value, dict):
            raise CaseError(self.path, f"must be an object, got {_short(self.value)}")
        if key not in self.value:
            if default is _MISSING:
                raise CaseError(self._child_path(key), "missing")
            return CaseReader(default, self._child_path(key))
        return CaseReader(self.value[key], self._child_path(key))

    def items(self, key: builtins.str, default: Any = _MISSING) -> list[CaseReader]:
        node = self.child(key, default)
        if not isinstance(node.value, list):
            raise CaseError(node.path, f"must be a list, got {_short(node.value)}")
        return [CaseReader(v, f"{node.path}[{i}]") for i, v in enumerate(node.value)]

    # ---------------------------------------------------------------- scalars
    def str(self, key: builtins.str, default: Any = _MISSING) -> builtins.str:
        node = self.child(key, default)
        if not isinstance(node.value, str) or not node.value:
            raise CaseError(node.path, f"must be a non-empty string, got {_short(node.value)}")
        return node.value

    def choice(
        self,
        key: builtins.str,
        options: tuple[builtins.str, ...],
        default: Any = _MISSING,
    ) -> builtins.str:
        node = self.child(key, default)
        if node.value not in options:
            raise CaseError(
                node.path,
                f"must be one of {', '.join(options)}, got {_short(node.value)}",
            )
        return str(node.value)

    def bool(self, key: builtins.str, default: Any = _MISSING) -> builtins.bool:
        node = self.child(key, default)
        if not isinstance(node.value, bool):
            raise CaseError(node.path, f"must be true or false, got {_short(node.value)}")
        return node.value

    def int(
        self,
        key: builtins.str,
        default: Any = _MISSING,
        *,
        minimum: builtins.int | None = None,
        maximum: builtins.int | None = None,
    ) -> builtins.int:
        node = self.child(key, default)
        v = node.value
        if isinstance(v, bool) or not isinstance(v, int):
            raise CaseError(node.path, f"must be an integer, got {_short(v)}")
        if minimum is not None and v < minimum:
            raise CaseError(node.path, f"must be an integer >= {minimum}, got {v}")
        if maximum is not None and v > maximum:
            raise CaseError(node.path, f"too large: must be at most {maximum:,}, got {_short(v)}")
        return v

    def lots(
        self, key: builtins.str, default: Any = _MISSING, *, maximum: builtins.int | None = None
    ) -> builtins.int:
        """Lots (or tons, open interest: ``maximum``), 0 … max_lots by default."""
        node = self.child(key, default)
        v = node.value
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise CaseError(node.path, f"must be a non-negative integer, got {_short(v)}")
        cap = default_plausibility().max_lots if maximum is None else maximum
        if v > cap:
            raise CaseError(node.path, f"too large: must be at most {cap:,}, got {_short(v)}")
        return v

    def money(self, key: builtins.str, default: Any = _MISSING) -> Fen:
        """A money string within ± max_amount."""
        node = self.child(key, default)
        if not isinstance(node.value, str):
            raise CaseError(
                node.path,
                f'must be a money string like "1234.50", got {_short(node.value)}',
            )
        try:
            fen = parse_yuan(node.value)
        except ValueError as exc:
            raise CaseError(node.path, str(exc)) from None
        cap = default_plausibility().max_amount_fen
        if abs(fen) > cap:
            raise CaseError(
                node.path,
                f"too large: must be within ±{format_yuan(cap)}, got {_short(node.value)}",
            )
        return fen

    def price(self, key: builtins.str, default: Any = _MISSING) -> Decimal:
        """A price in yuan: > 0 and at most max_price."""
        cap = Decimal(default_plausibility().max_price_fen) / FEN_PER_YUAN
        return self.decimal(key, default, positive=True, maximum=cap, what="a price")

    def decimal(
        self,
        key: builtins.str,
        default: Any = _MISSING,
        *,
        positive: builtins.bool = False,
        non_negative: builtins.bool = False,
        maximum: Decimal = DECIMAL_LIMIT,
        what: builtins.str = "",
    ) -> Decimal:
        """A decimal string (or integer) within ±``maximum`` and ``DECIMAL_PLACES``."""
        node = self.child(key, default)
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (str, int)):
            raise CaseError(node.path, f"must be a decimal string, got {_short(v)}")
        try:
            d = parse_decimal(v if isinstance(v, str) else f"{v}" if abs(v) < 10**30 else "inf")
        except ValueError as exc:
            raise CaseError(node.path, str(exc)) from None
        if positive and d <= 0:
            raise CaseError(node.path, f"must be positive, got {_short(v)}")
        if non_negative and d < 0:
            raise CaseError(node.path, f"must not be negative, got {_short(v)}")
        if abs(d) > maximum:
            bound = (
                f"{what} must be at most {maximum:,.2f}" if what else f"must be within ±{maximum:,}"
            )
            raise CaseError(node.path, f"too large: {bound}, got {_short(v)}")
        if d and d.normalize().as_tuple().exponent < -DECIMAL_PLACES:  # type: ignore[operator]
            raise CaseError(
                node.path, f"must have at most {DECIMAL_PLACES} decimal places, got {_short(v)}"
            )
        return d

    def optional_decimal(self, key: builtins.str) -> Decimal | None:
        return self.decimal(key) if self.has(key) else None

    def date(self, key: builtins.str, default: Any = _MISSING) -> datetime.date:
        node = self.child(key, default)
        return node.as_date()

    def as_date(self) -> datetime.date:
        if isinstance(self.value, str):
            try:
                return date.fromisoformat(self.value)
            except ValueError:
                pass
        raise CaseError(self.path, f"must be a date YYYY-MM-DD, got {_short(self.value)}")

    def as_str(self) -> builtins.str:
        if not isinstance(self.value, str) or not self.value:
            raise CaseError(self.path, f"must be a non-empty string, got {_short(self.value)}")
        return self.value

    def fail(self, message: builtins.str, key: builtins.str | None = None) -> CaseError:
        """A CaseError at this node (or its child ``key``) for a caller to raise."""
        return CaseError(self._child_path(key) if key else self.path, message)


def _short(v: Any) -> builtins.str:
    import json

    if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10**60:
        return f"an integer of {len(str(abs(v))) if abs(v) < 10**4000 else 'over 4,000'} digits"
    try:
        s = json.dumps(v, ensure_ascii=False)
    except ValueError:  # nested huge integers
        s = repr(type(v).__name__)
    # A message is one line on a terminal: no C1 controls, line separators or escapes.
    s = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in s)
    return s if len(s) <= 60 else s[:57] + "..."
