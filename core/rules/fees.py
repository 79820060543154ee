"""Exchange fees with dated waivers (spec 2.k), read from ``resources/fees.toml``.

Every fee is computed from its dated schedule entry and then, if a waiver is in force on
the fee date, zeroed: ``FeeLine`` keeps the computed, waived and charged amounts so that
the statement can show a zero line with the waived figure for audit. Each fee line is
rounded half up to the fen (spec 2.0).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from core.errors import ConfigError
from core.money import Fen, parse_decimal, round_half_up_fen
from core.resources import resource

FEE_TYPES = (
    "trading",
    "delivery",
    "efp_standard",
    "efp_nonstandard",
    "receipt_margin",
    "receipt_transfer_payment",
)
BASES = ("per_lot", "per_ton", "per_value")


@dataclass(frozen=True)
class FeeRate:
    """One dated schedule entry; ``valid_to`` is inclusive, ``None`` = open-ended."""

    fee_type: str
    product: str
    basis: str
    rate: Decimal
    valid_from: date
    valid_to: date | None
    verified: bool
    source: str

    def covers(self, fee_type: str, product: str, d: date) -> bool:
        return (
            self.fee_type == fee_type
            and self.product in ("*", product)
            and self.valid_from <= d
            and (self.valid_to is None or d <= self.valid_to)
        )


@dataclass(frozen=True)
class FeeWaiver:
    """A waiver; ``valid_from`` ``None`` means the start is not known (operator
    setting).
    """

    fee_type: str
    product: str
    valid_from: date | None
    valid_to: date | None
    source: str

    def covers(self, fee_type: str, product: str, d: date) -> bool:
        return (
            self.fee_type == fee_type
            and self.product in ("*", product)
            and (self.valid_from is None or self.valid_from <= d)
            and (self.valid_to is None or d <= self.valid_to)
        )


@dataclass(frozen=True)
class FeeLine:
    """One fee on a statement: computed, waived and charged fen (charged = computed −
    waived).
    """

    fee_type: str
    product: str
    day: date
    computed_fen: Fen
    waived_fen: Fen
    charged_fen: Fen
    waiver_source: str = ""
    waiver_start_known: bool = True
    rate_verified: bool = True


@dataclass(frozen=True)
class FeeSchedule:
    """All fee rates and waivers; look-ups pick the most specific entry in force."""

    rates: tuple[FeeRate, ...]
    waivers: tuple[FeeWaiver, ...]

    def rate_for(self, fee_type: str, product: str, d: date) -> FeeRate:
        """The rate in force (a product entry beats ``*``); LookupError if none."""
        hits = [r for r in self.rates if r.covers(fee_type, product, d)]
        if not hits:
            raise LookupError(f"no {fee_type} fee rate for {product} on {d.isoformat()}")
        hits.sort(key=lambda r: (r.product != "*", r.valid_from))
        return hits[-1]

    def waiver_for(self, fee_type: str, product: str, d: date) -> FeeWaiver | None:
        hits = [w for w in self.waivers if w.covers(fee_type, product, d)]
        hits.sort(key=lambda w: (w.product != "*", w.valid_from or date.min))
        return hits[-1] if hits else None

    def fee(
        self,
        fee_type: str,
        product: str,
        d: date,
        *,
        lots: int = 0,
        tons: Decimal | int = 0,
        value: Decimal = Decimal(0),
    ) -> FeeLine:
        """Compute one fee line: rate × (lots | tons | value), half up to the fen.

        Raises LookupError if no rate is in force, ValueError for a negative quantity.
        """
        if lots < 0 or tons < 0 or value < 0:
            raise ValueError("fee quantities cannot be negative")
        entry = self.rate_for(fee_type, product, d)
        base = {"per_lot": Decimal(lots), "per_ton": Decimal(tons), "per_value": value}
        computed = round_half_up_fen(entry.rate * base[entry.basis])
        waiver = self.waiver_for(fee_type, product, d)
        waived = computed if waiver is not None else Fen(0)
        return FeeLine(
            fee_type=fee_type,
            product=product,
            day=d,
            computed_fen=computed,
            waived_fen=waived,
            charged_fen=Fen(computed - waived),
            waiver_source=waiver.source if waiver else "",
            waiver_start_known=waiver is None or waiver.valid_from is not None,
            rate_verified=entry.verified,
        )


def _date(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(f"{where}: expected a date YYYY-MM-DD, got {value!r}")


def _opt_date(row: Mapping[str, object], key: str, where: str) -> date | None:
    value = row.get(key)
    return None if value in (None, "") else _date(value, f"{where}.{key}")


def _text(row: Mapping[str, object], key: str, where: str, options: tuple[str, ...] = ()) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}.{key}: expected a non-empty string, got {value!r}")
    if options and value not in options:
        raise ConfigError(f"{where}.{key}: must be one of {', '.join(options)}, got {value!r}")
    return value


def load_fee_schedule(
    path: Path | None = None, *, waiver_starts: Mapping[str, date] | None = None
) -> FeeSchedule:
    """Read and validate the fee file; ConfigError names the file and the key.

    ``waiver_starts`` (fee type → date) sets the start of waivers whose start the seed
    does not give (S01-S03, spec Q20); it never overrides a start written in the file.
    """
    src = path or resource("fees.toml")
    try:
        data = tomllib.loads(src.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{src}: cannot read the fee schedule: {exc}") from exc
    starts = dict(waiver_starts or {})
    rates: list[FeeRate] = []
    for i, row in enumerate(data.get("fees", [])):
        where = f"{src}: fees[{i}]"
        raw_rate = _text(row, "rate", where)
        try:
            rate = parse_decimal(raw_rate)
        except ValueError as exc:
            raise ConfigError(f"{where}.rate: {exc}") from None
        if rate < 0:
            raise ConfigError(f"{where}.rate: must not be negative, got {raw_rate}")
        if not isinstance(row.get("verified"), bool):
            raise ConfigError(f"{where}.verified: expected true or false")
        rates.append(
            FeeRate(
                fee_type=_text(row, "type", where, FEE_TYPES),
                product=_text(row, "product", where),
                basis=_text(row, "basis", where, BASES),
                rate=rate,
                valid_from=_date(row.get("valid_from"), f"{where}.valid_from"),
                valid_to=_opt_date(row, "valid_to", where),
                verified=row["verified"],
                source=str(row.get("source", "")),
            )
        )
    waivers: list[FeeWaiver] = []
    for i, row in enumerate(data.get("waivers", [])):
        where = f"{src}: waivers[{i}]"
        fee_type = _text(row, "type", where, FEE_TYPES)
        start = _opt_date(row, "valid_from", where)
        if start is None and fee_type in starts:
            start = starts[fee_type]
        waivers.append(
            FeeWaiver(
                fee_type=fee_type,
                product=_text(row, "product", where),
                valid_from=start,
                valid_to=_opt_date(row, "valid_to", where),
                source=_text(row, "source", where),
            )
        )
    unknown = set(starts) - set(FEE_TYPES)
    if unknown:
        raise ConfigError(f"waiver_starts: unknown fee type(s) {', '.join(sorted(unknown))}")
    if not rates:
        raise ConfigError(f"{src}: fees: no fee rate defined")
    return FeeSchedule(rates=tuple(rates), waivers=tuple(waivers))


@lru_cache(maxsize=1)
def default_fee_schedule() -> FeeSchedule:
    """The shipped schedule with no operator-set waiver starts."""
    return load_fee_schedule()
