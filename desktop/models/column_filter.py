"""Per-column filters of the table models: a numeric range or a list of values.

A ``ColumnFilter`` holds raw units (fen, ppm, basis points, lots) for a range and the
``value_key`` of each accepted value for a list, so that it survives a reload of the
rows and is saved as it is in a named layout (``desktop.widgets.table_layouts``).
``parse_bound`` reads what the user typed in the column's display unit (yuan with
separators, percent) into those raw units, exactly (Decimal, never a binary float for
money); the filter dialog names the field in its message.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from core.errors import InputError
from core.money import parse_yuan
from desktop.models.columns import Column, Kind, is_missing

MISSING_KEY = "\x00missing"
"""``value_key`` of a missing value (shown as "(blank)")."""
RANGE_KINDS = frozenset({Kind.MONEY, Kind.PRICE, Kind.INT, Kind.RATIO, Kind.BP, Kind.PPM})
"""Kinds filtered by a range; every other kind by a list of values."""


def value_key(value: Any) -> str:
    """The key of a raw value in a value filter: its text (stable across reloads and
    storable), ``MISSING_KEY`` for a missing one."""
    return MISSING_KEY if is_missing(value) else str(value)


@dataclass(frozen=True)
class ColumnFilter:
    """Rows whose value lies in ``[low, high]`` (raw units, inclusive; None: open), or
    whose ``value_key`` is in ``values``. A missing value never passes a range."""

    low: int | float | None = None
    high: int | float | None = None
    values: frozenset[str] | None = None

    @property
    def is_range(self) -> bool:
        return self.values is None

    def to_json(self) -> dict[str, Any]:
        if self.values is not None:
            return {"values": sorted(self.values)}
        return {"low": self.low, "high": self.high}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ColumnFilter | None:
        """The filter written by ``to_json``; None for anything else (a layout saved by
        another version must not break the table)."""
        values = data.get("values")
        if isinstance(values, list) and all(isinstance(v, str) for v in values):
            return cls(values=frozenset(values))
        low, high = data.get("low"), data.get("high")
        if all(v is None or isinstance(v, int | float) for v in (low, high)) and (
            low is not None or high is not None
        ):
            return cls(low=low, high=high)
        return None


def unit_text(column: Column) -> str:
    """The unit a range is typed in: CNY, %, or "" (lots and counts)."""
    if column.kind in (Kind.MONEY, Kind.PRICE):
        return "CNY"
    if column.kind in (Kind.RATIO, Kind.BP, Kind.PPM):
        return "%"
    return ""


_PERCENT_SCALE = {Kind.BP: 100, Kind.PPM: 10_000}
MAX_DIGITS = 12
"""A typed bound has at most this many digits before the point (a trillion lots or
percent): anything larger is a typing slip, and int64 stays exact."""


class BoundError(ValueError):
    """A typed bound that is not one: ``reason`` is "number" (not a number), "whole"
    (a fraction of a lot) or "decimals" (finer than the column's unit)."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(f"{text!r}: {reason}")
        self.reason = reason
        self.text = text


def parse_bound(column: Column, text: str) -> int | float | None:
    """``text`` typed in ``column``'s display unit as a raw bound; None when blank.

    Money: yuan as the money fields read it (``widgets.money_edit.parse_money``:
    separators, full-width digits, U+2212), at most two decimals. Percent (ratios,
    basis points, ppm): "80", "80.5", "80 %". Lots: whole numbers. Raises
    ``BoundError`` for anything else."""
    raw = text.strip()
    if not raw:
        return None
    kind = column.kind
    # NFKC folds full-width digits, commas and stops; U+2212 it leaves as is.
    folded = unicodedata.normalize("NFKC", raw).replace("\u2212", "-")
    number = folded.rstrip("%").replace(",", "").replace(" ", "")
    if kind in (Kind.MONEY, Kind.PRICE):
        try:
            return int(parse_yuan(number))
        except (ValueError, InputError):
            raise BoundError("number", raw) from None
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise BoundError("number", raw) from None
    if not value.is_finite() or value.adjusted() > MAX_DIGITS:
        raise BoundError("number", raw)  # also keeps a bound inside int64 comparisons
    if kind == Kind.INT:
        if value != value.to_integral_value():
            raise BoundError("whole", raw)
        return int(value)
    if kind == Kind.RATIO:
        return float(value / 100)
    scale = _PERCENT_SCALE.get(kind)
    if scale is None:
        raise BoundError("number", raw)
    scaled = value * scale
    if scaled != scaled.to_integral_value():
        raise BoundError("decimals", raw)
    return int(scaled)


def bound_text(column: Column, bound: int | float | None) -> str:
    """A raw bound in the display unit (what ``parse_bound`` reads back)."""
    if bound is None:
        return ""
    return column.plain(bound).rstrip("%")


def describe(column: Column, flt: ColumnFilter, labels: Mapping[str, str] | None = None) -> str:
    """A filter in a few words: "≥ 100.00%", "1,000.00 … 5,000.00", "Warning, Deficit"."""
    if flt.values is not None:
        names = [(labels or {}).get(k, k) for k in sorted(flt.values)]
        shown = ", ".join(names[:3])
        return shown + (f" (+{len(names) - 3})" if len(names) > 3 else "")
    low = column.format(flt.low) if flt.low is not None else None
    high = column.format(flt.high) if flt.high is not None else None
    if low is not None and high is not None:
        return f"{low} … {high}"
    return f"≥ {low}" if low is not None else f"≤ {high}"


def accepted_codes(distinct: Iterable[Any], keys: frozenset[str]) -> list[int]:
    """Indexes of the ``distinct`` raw values whose ``value_key`` is in ``keys``."""
    return [i for i, v in enumerate(distinct) if value_key(v) in keys]
