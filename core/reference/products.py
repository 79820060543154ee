"""DCE product facts from ``resources/products.toml``, validated at start-up."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from core.errors import CalendarHorizonError, ConfigError
from core.money import parse_decimal
from core.resources import resource
from core.trading_calendar import TradingCalendar

_CONTRACT_RE = re.compile(r"^([a-z]{1,2})(\d{2})(\d{2})$")


@dataclass(frozen=True)
class Product:
    """One DCE product (spec section 3)."""

    code: str
    name_zh: str
    name_en: str
    unit_tons: int
    multiplier: int
    tick: Decimal
    price_limit: Decimal
    min_margin: Decimal
    months: tuple[int, ...]
    ltd_rule: str
    last_delivery_td_after_ltd: int
    margin_schedule: str
    verified: bool

    def is_on_tick(self, price: Decimal, tick: Decimal | None = None) -> bool:
        step = tick if tick is not None else self.tick
        return price > 0 and (price / step) == (price / step).to_integral_value()

    def last_trading_day(self, year: int, month: int, cal: TradingCalendar) -> date:
        """LTD of the contract delivering in year-month (raises beyond the calendar)."""
        kind, _, n_text = self.ltd_rule.partition(":")
        n = int(n_text)
        days = cal.month_trading_days(year, month)
        if not days:
            raise CalendarHorizonError(f"{year}-{month:02d} has no trading days")
        if kind == "nth_td":
            return days[min(n, len(days)) - 1]
        return days[-n]


@dataclass(frozen=True)
class ContractCode:
    """A parsed contract code such as ``m2409``."""

    product: str
    year: int
    month: int

    @property
    def code(self) -> str:
        return f"{self.product}{self.year % 100:02d}{self.month:02d}"


def parse_contract_code(code: str) -> ContractCode:
    """``m2409`` → (m, 2024, 9). ValueError for anything else."""
    m = _CONTRACT_RE.match(code.strip())
    if not m:
        raise ValueError(f"not a DCE contract code (product letters + YYMM): {code!r}")
    month = int(m.group(3))
    if not 1 <= month <= 12:
        raise ValueError(f"bad delivery month in contract code {code!r}")
    return ContractCode(m.group(1), 2000 + int(m.group(2)), month)


_REQUIRED = {
    "name_zh": str,
    "name_en": str,
    "unit_tons": int,
    "multiplier": int,
    "tick": str,
    "price_limit": str,
    "min_margin": str,
    "months": list,
    "ltd_rule": str,
    "last_delivery_td_after_ltd": int,
    "margin_schedule": str,
    "verified": bool,
}


def load_products(path: Path | None = None) -> dict[str, Product]:
    """Read and validate the product table; ConfigError names the product and key."""
    src = path or resource("products.toml")
    try:
        data = tomllib.loads(src.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{src}: cannot read product table: {exc}") from exc
    out: dict[str, Product] = {}
    for code, row in data.get("products", {}).items():
        where = f"{src}: products.{code}"
        for key, typ in _REQUIRED.items():
            if not isinstance(row.get(key), typ):
                raise ConfigError(f"{where}.{key}: expected {typ.__name__}, got {row.get(key)!r}")
        try:
            tick = parse_decimal(row["tick"])
            limit = parse_decimal(row["price_limit"])
            minm = parse_decimal(row["min_margin"])
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from exc
        months = tuple(int(x) for x in row["months"])
        if tick <= 0 or not all(1 <= x <= 12 for x in months) or row["multiplier"] <= 0:
            raise ConfigError(f"{where}: tick, multiplier and months must be positive/valid")
        if not re.match(r"^(nth_td|nth_from_last_td):\d+$", row["ltd_rule"]):
            raise ConfigError(f"{where}.ltd_rule: unknown rule {row['ltd_rule']!r}")
        out[code] = Product(
            code=code,
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            unit_tons=row["unit_tons"],
            multiplier=row["multiplier"],
            tick=tick,
            price_limit=limit,
            min_margin=minm,
            months=months,
            ltd_rule=row["ltd_rule"],
            last_delivery_td_after_ltd=row["last_delivery_td_after_ltd"],
            margin_schedule=row["margin_schedule"],
            verified=row["verified"],
        )
    if not out:
        raise ConfigError(f"{src}: no products defined")
    return out


@lru_cache(maxsize=1)
def default_products() -> dict[str, Product]:
    return load_products()
