"""Cell parsers: one text → one stored value, or a CellError (a ValueError) whose text is
the message and which carries its code and parameters (``core.imports.messages``).

The validator runs these on the *distinct* values of a column (``pandas.factorize``)
and spreads the results back with the factor codes, so a million-row file costs one
hashing pass per column plus one Python call per distinct value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, timezone

from core.errors import CalendarHorizonError
from core.imports.layouts import (
    ENUM_VALUES,
    HEDGE_VALUES,
    INDIVIDUAL_VALUES,
    Column,
    ValueType,
)
from core.imports.messages import CellError
from core.money import FEN_PER_YUAN
from core.reference.products import Product
from core.trading_calendar import TradingCalendar

BEIJING = timezone(timedelta(hours=8), "CST")
"""Times without an offset are Beijing time (China has no daylight saving)."""

PPM = 1_000_000
_CONTRACT_RE = re.compile(r"^([a-z]{1,2})(\d{2})(\d{2})$")
_RATE_RE = re.compile(r"^(\d{1,3})(?:\.(\d*))?(%?)$")
_INT_RE = re.compile(r"^[+-]?\d{1,15}(?:\.0*)?$")
_DECIMAL_RE = re.compile(r"^([+-]?)(\d{1,15})(?:\.(\d*))?$")
_DATE_RES = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_WEEKDAYS = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

Parser = Callable[[str], object]


def parse_int(text: str, minimum: int) -> int:
    """A whole number ≥ minimum ("5", "5.0"); CellError with the user's message."""
    if not _INT_RE.match(text):
        raise CellError("whole_number", minimum=minimum, value=text)
    value = int(text.split(".", 1)[0])
    if value < minimum:
        raise CellError("whole_number", minimum=minimum, value=text)
    return value


def parse_fen(text: str, what: str = "yuan_amount") -> int:
    """A decimal yuan amount with at most two decimals → exact integer fen.

    Trailing zeros beyond the second decimal are accepted ("3012.500"); anything that is
    not a whole number of fen, thousands separators and exponents are refused. ``what``
    is the message code of a malformed number.
    """
    m = _DECIMAL_RE.match(text)
    if not m:
        raise CellError(what, value=text)
    sign, whole, frac = m.group(1), m.group(2), (m.group(3) or "").rstrip("0")
    if len(frac) > 2:
        raise CellError("whole_fen", value=text)
    fen = int(whole) * FEN_PER_YUAN + int(frac.ljust(2, "0"))
    return -fen if sign == "-" else fen


def parse_price(text: str) -> int:
    fen = parse_fen(text, "yuan_price")
    if fen <= 0:
        raise CellError("price_positive", value=text)
    return fen


def parse_money(text: str, minimum_fen: int) -> int:
    fen = parse_fen(text)
    if fen < minimum_fen:
        bound = "> 0" if minimum_fen == 1 else f">= {minimum_fen / FEN_PER_YUAN:.2f}"
        raise CellError("amount_bound", bound=bound, value=text)
    return fen


def parse_date(text: str) -> date:
    """YYYY-MM-DD (also YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, with a midnight time)."""
    for pattern in _DATE_RES:
        m = pattern.match(text)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
    raise CellError("date", value=text)


def parse_trading_day(text: str, calendar: TradingCalendar) -> date:
    day = parse_date(text)
    try:
        is_open = calendar.is_trading_day(day)
    except CalendarHorizonError as exc:
        raise CellError(
            "beyond_calendar",
            detail=exc,
            value=text,
            known_from=calendar.known_from.isoformat(),
            known_until=calendar.known_until.isoformat(),
        ) from None
    if not is_open:
        code = "exchange_closed" if day.weekday() < 5 else "weekend"
        raise CellError(code, value=text, weekday=_WEEKDAYS[day.weekday()])
    return day


def parse_datetime(text: str) -> datetime:
    """ISO date and time; without an offset it is Beijing time."""
    try:
        value = datetime.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise CellError("date_time", value=text) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=BEIJING)
    return value


def parse_text(text: str, max_length: int | None) -> str:
    if max_length is not None and len(text) > max_length:
        raise CellError("too_long", max_length=max_length, length=len(text))
    return text


def parse_enum(text: str, values: dict[str, str]) -> str:
    found = values.get(text.casefold())
    if found is None:
        allowed = ", ".join(sorted(set(values.values())))
        raise CellError("one_of", allowed=allowed, value=text)
    return found


def parse_hedge(text: str) -> bool:
    found = HEDGE_VALUES.get(text.casefold())
    if found is None:
        raise CellError("hedge", value=text)
    return found


def parse_individual(text: str) -> bool:
    found = INDIVIDUAL_VALUES.get(text.casefold())
    if found is None:
        raise CellError("individual", value=text)
    return found


def parse_rate(text: str) -> int:
    """A rate as a fraction ("0.07") or a percentage ("7%", "7.5 %") → exact millionths.

    0 < rate ≤ 1; a rate finer than a millionth is refused rather than rounded.
    """
    m = _RATE_RE.match(text.replace(" ", ""))
    if not m:
        raise CellError("rate", value=text)
    whole, frac, percent = m.group(1), (m.group(2) or "").rstrip("0"), m.group(3)
    # A millionth is the 6th decimal of a fraction and the 4th of a percentage.
    places, scale = (4, 10_000) if percent else (6, PPM)
    if len(frac) > places:
        raise CellError("rate_precision", value=text)
    ppm = int(whole) * scale + int(frac.ljust(places, "0"))
    if not 0 < ppm <= PPM:
        raise CellError("rate", value=text)
    return ppm


def parse_contract_code(text: str, products: Mapping[str, Product]) -> str:
    """A new contract's code: a known product's letters + YYMM of a month it lists."""
    code = text.lower()
    m = _CONTRACT_RE.match(code)
    if not m or not 1 <= int(m.group(3)) <= 12:
        raise CellError("contract_code", value=text)
    product = products.get(m.group(1))
    if product is None:
        raise CellError("unknown_product", value=m.group(1))
    if int(m.group(3)) not in product.months:
        allowed = ", ".join(f"{month:02d}" for month in product.months)
        raise CellError("month_not_listed", allowed=allowed, value=text)
    return code


def parse_reference(text: str, known: frozenset[str], what: str, lower: bool) -> str:
    code = text.lower() if lower else text
    if code not in known:
        raise CellError(f"unknown_{what}", value=text)
    return code


def parser_for(
    column: Column,
    calendar: TradingCalendar,
    known: dict[ValueType, frozenset[str]],
    products: Mapping[str, Product] | None = None,
) -> Parser:
    """The parser of one column; ``known`` holds the codes of each reference type and
    ``products`` the product facts a new contract's code is checked against."""
    t = column.type
    if t is ValueType.TRADING_DAY:
        return lambda s: parse_trading_day(s, calendar)
    if t is ValueType.DATE:
        return parse_date
    if t is ValueType.DATETIME:
        return parse_datetime
    if t in (ValueType.CODE, ValueType.TEXT):
        return lambda s: parse_text(s, column.max_length)
    if t in (ValueType.CONTRACT, ValueType.PRODUCT):
        codes = known[t]
        return lambda s: parse_reference(s, codes, t.value, lower=True)
    if t in (ValueType.CLIENT, ValueType.MEMBER, ValueType.WAREHOUSE):
        codes = known[t]
        return lambda s: parse_reference(s, codes, t.value, lower=False)
    if t is ValueType.HOLDER:
        codes = known[ValueType.CLIENT] | known[ValueType.MEMBER]
        return lambda s: parse_reference(s, codes, "holder", lower=False)
    if t in ENUM_VALUES:
        vocabulary = ENUM_VALUES[t]
        return lambda s: parse_enum(s, vocabulary)
    if t is ValueType.HEDGE:
        return parse_hedge
    if t is ValueType.INDIVIDUAL:
        return parse_individual
    if t is ValueType.RATE:
        return parse_rate
    if t is ValueType.NEW_CONTRACT:
        facts = products or {}
        return lambda s: parse_contract_code(s, facts)
    if t is ValueType.INTEGER:
        minimum = column.minimum or 0
        return lambda s: parse_int(s, minimum)
    if t is ValueType.PRICE:
        return parse_price
    if t is ValueType.MONEY:
        minimum_fen = column.minimum or 0
        return lambda s: parse_money(s, minimum_fen)
    raise AssertionError(f"no parser for {t}")
