"""Cell parsers: one text → one stored value, or a CellError (a ValueError) whose text is
the message and which carries its code and parameters (``core.imports.messages``).

The validator runs these on the *distinct* values of a column (``pandas.factorize``)
and spreads the results back with the factor codes, so a million-row file costs one
hashing pass per column plus one Python call per distinct value.
"""

from __future__ import annotations

import re
import unicodedata
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
from core.rules.plausibility import PlausibilityLimits, default_plausibility
from core.trading_calendar import TradingCalendar

BEIJING = timezone(timedelta(hours=8), "CST")
"""Times without an offset are Beijing time (China has no daylight saving)."""

PPM = 1_000_000
_CONTRACT_RE = re.compile(r"^([a-z]{1,2})(\d{2})(\d{2})$")
_RATE_RE = re.compile(r"^(\d{1,3})(?:\.(\d*))?(%?)$")
_INT_RE = re.compile(r"^[+-]?(\d+)(?:\.0*)?$")
_DECIMAL_RE = re.compile(r"^([+-]?)(\d+)(?:\.(\d*))?$")
_MAX_DIGITS = 19
"""More integer digits than this is beyond every limit (and int64): "too large" without
turning a thousand-digit cell into a number."""
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
CODE_CHARSET = "letters A-Z and a-z, digits 0-9 and - _ . (the first a letter or a digit)"
"""Codes (member, client, warehouse, contract, product, trade, order, movement and receipt
numbers) after NFKC normalisation (full-width ``１０`` is ``10``): no spaces, quotes,
control or zero-width characters, and no leading ``=``, ``+``, ``-`` or ``@`` that a
spreadsheet would read as a formula."""
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


def _yuan(fen: int) -> str:
    whole, cents = divmod(fen, FEN_PER_YUAN)
    return f"{whole}.{cents:02d}"


def parse_int(text: str, minimum: int, maximum: int | None = None) -> int:
    """A whole number ≥ minimum ("5", "5.0") and ≤ maximum (the plausibility limit);
    CellError with the user's message ("too large" above the limit)."""
    m = _INT_RE.match(text)
    if not m:
        raise CellError("whole_number", minimum=minimum, value=text)
    if len(m.group(1).lstrip("0")) > _MAX_DIGITS:
        if text.startswith("-"):
            raise CellError("whole_number", minimum=minimum, value=text)
        cap = maximum if maximum is not None else 2**63 - 1
        raise CellError("too_large", maximum=f"{cap:,}", value=text)
    value = int(text.split(".", 1)[0])
    if value < minimum:
        raise CellError("whole_number", minimum=minimum, value=text)
    if maximum is not None and value > maximum:
        raise CellError("too_large", maximum=f"{maximum:,}", value=text)
    return value


def parse_fen(text: str, what: str = "yuan_amount", maximum_fen: int | None = None) -> int:
    """A decimal yuan amount with at most two decimals → exact integer fen.

    Trailing zeros beyond the second decimal are accepted ("3012.500"); anything that is
    not a whole number of fen, thousands separators and exponents are refused. ``what``
    is the message code of a malformed number; an amount whose size passes
    ``maximum_fen`` is "too large".
    """
    m = _DECIMAL_RE.match(text)
    if not m:
        raise CellError(what, value=text)
    sign, whole, frac = m.group(1), m.group(2), (m.group(3) or "").rstrip("0")
    if len(frac) > 2:
        raise CellError("whole_fen", value=text)
    if len(whole.lstrip("0")) > _MAX_DIGITS:
        cap = maximum_fen if maximum_fen is not None else 2**63 - 1
        raise CellError("too_large", maximum=_yuan(cap), value=text)
    fen = int(whole) * FEN_PER_YUAN + int(frac.ljust(2, "0"))
    if maximum_fen is not None and fen > maximum_fen:
        raise CellError("too_large", maximum=_yuan(maximum_fen), value=text)
    return -fen if sign == "-" else fen


def parse_price(text: str, maximum_fen: int | None = None) -> int:
    fen = parse_fen(text, "yuan_price", maximum_fen)
    if fen <= 0:
        raise CellError("price_positive", value=text)
    return fen


def parse_money(text: str, minimum_fen: int, maximum_fen: int | None = None) -> int:
    fen = parse_fen(text, maximum_fen=maximum_fen)
    if fen < minimum_fen:
        bound = "> 0" if minimum_fen == 1 else f">= {minimum_fen / FEN_PER_YUAN:.2f}"
        raise CellError("amount_bound", bound=bound, value=text)
    return fen


def parse_date(text: str, earliest: date | None = None, latest: date | None = None) -> date:
    """YYYY-MM-DD (also YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, with a midnight time), not
    before ``earliest`` and not after ``latest`` (today, for dates of the past)."""
    for pattern in _DATE_RES:
        m = pattern.match(text)
        if m:
            try:
                day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
            if earliest is not None and day < earliest:
                raise CellError("date_too_early", earliest=earliest.isoformat(), value=text)
            if latest is not None and day > latest:
                raise CellError("date_future", today=latest.isoformat(), value=text)
            return day
    raise CellError("date", value=text)


_C0_NAMES = (
    "NULL",
    "START OF HEADING",
    "START OF TEXT",
    "END OF TEXT",
    "END OF TRANSMISSION",
    "ENQUIRY",
    "ACKNOWLEDGE",
    "BELL",
    "BACKSPACE",
    "CHARACTER TABULATION",
    "LINE FEED (LF)",
    "LINE TABULATION",
    "FORM FEED (FF)",
    "CARRIAGE RETURN (CR)",
    "SHIFT OUT",
    "SHIFT IN",
    "DATA LINK ESCAPE",
    "DEVICE CONTROL ONE",
    "DEVICE CONTROL TWO",
    "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR",
    "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK",
    "CANCEL",
    "END OF MEDIUM",
    "SUBSTITUTE",
    "ESCAPE",
    "INFORMATION SEPARATOR FOUR",
    "INFORMATION SEPARATOR THREE",
    "INFORMATION SEPARATOR TWO",
    "INFORMATION SEPARATOR ONE",
)
"""Unicode's name aliases of U+0000–U+001F (``unicodedata.name`` has none for them)."""


def character_name(char: str) -> str:
    """A character as a message names it: "U+200B ZERO WIDTH SPACE", "U+000A LINE FEED
    (LF)"."""
    code = ord(char)
    if code < len(_C0_NAMES):
        name = _C0_NAMES[code]
    elif code == 0x7F:
        name = "DELETE"
    else:
        name = unicodedata.name(char, "CONTROL" if unicodedata.category(char) == "Cc" else "")
    return f"U+{code:04X} {name}".rstrip()


def normalise_code(text: str) -> str:
    """A code cell as compared and stored: NFKC (full-width ``ＡＢ１`` is ``AB1``);
    CellError naming the first character outside ``CODE_CHARSET``."""
    code = unicodedata.normalize("NFKC", text)
    if not CODE_RE.match(code):
        for position, char in enumerate(code, start=1):
            allowed = char.isascii() and (char.isalnum() or (position > 1 and char in "._-"))
            if not allowed:
                raise CellError(
                    "code_characters",
                    value=text,
                    character=character_name(char),
                    position=position,
                )
        raise CellError("code_characters", value=text, character="", position=0)
    return code


_CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co"})
"""Control, format (zero-width, bidi overrides), line and paragraph separators,
surrogates and private use: nothing a name or a note may hold."""


def check_text(text: str) -> str:
    """Free text (a name, a city, a note) without control characters or line breaks."""
    for position, char in enumerate(text, start=1):
        if unicodedata.category(char) in _CONTROL_CATEGORIES:
            raise CellError("text_control", character=character_name(char), position=position)
    return text


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
    return check_text(text)


def parse_code(text: str, max_length: int | None) -> str:
    code = normalise_code(text)
    if max_length is not None and len(code) > max_length:
        raise CellError("too_long", max_length=max_length, length=len(code))
    return code


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
    code = normalise_code(text).lower()
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


def parse_reference(
    text: str,
    known: frozenset[str],
    what: str,
    lower: bool,
    folded: Mapping[str, str] | None = None,
) -> str:
    """A code that must be stored already (NFKC-normalised, ``CODE_CHARSET``).

    ``folded`` maps case-folded known codes to the codes: a code known only in another
    letter case is named (client codes are case-sensitive, ``abc`` is not ``ABC``).
    """
    code = normalise_code(text)
    code = code.lower() if lower else code
    if code not in known:
        other = folded.get(code.casefold()) if folded is not None else None
        if other is not None:
            raise CellError("unknown_case", what=what, other=other, value=text)
        raise CellError(f"unknown_{what}", value=text)
    return code


def case_folded(codes: frozenset[str]) -> dict[str, str]:
    """casefold → code of known codes (the first in sorted order where two collide)."""
    out: dict[str, str] = {}
    for code in sorted(codes):
        out.setdefault(code.casefold(), code)
    return out


def integer_maximum(column: Column, limits: PlausibilityLimits) -> int:
    """The plausibility limit of an INTEGER column (``Column.limit``)."""
    if column.limit == "lots":
        return limits.max_lots
    if column.limit == "tons":
        return limits.max_tons
    return limits.max_open_interest


def parser_for(
    column: Column,
    calendar: TradingCalendar,
    known: dict[ValueType, frozenset[str]],
    products: Mapping[str, Product] | None = None,
    limits: PlausibilityLimits | None = None,
    today: date | None = None,
) -> Parser:
    """The parser of one column; ``known`` holds the codes of each reference type,
    ``products`` the product facts a new contract's code is checked against,
    ``limits`` the plausibility limits and ``today`` the last day a date of the past
    may name (``Column.past_only``)."""
    lim = limits or default_plausibility()
    t = column.type
    if t is ValueType.TRADING_DAY:
        return lambda s: parse_trading_day(s, calendar)
    if t is ValueType.DATE:
        latest = today if column.past_only else None
        return lambda s: parse_date(s, lim.earliest_date, latest)
    if t is ValueType.DATETIME:
        return parse_datetime
    if t is ValueType.CODE:
        return lambda s: parse_code(s, column.max_length)
    if t is ValueType.TEXT:
        return lambda s: parse_text(s, column.max_length)
    if t in (ValueType.CONTRACT, ValueType.PRODUCT):
        codes = known[t]
        return lambda s: parse_reference(s, codes, t.value, lower=True)
    if t in (ValueType.CLIENT, ValueType.MEMBER, ValueType.WAREHOUSE):
        codes = known[t]
        folded = case_folded(codes)
        return lambda s: parse_reference(s, codes, t.value, lower=False, folded=folded)
    if t is ValueType.HOLDER:
        codes = known[ValueType.CLIENT] | known[ValueType.MEMBER]
        folded = case_folded(codes)
        return lambda s: parse_reference(s, codes, "holder", lower=False, folded=folded)
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
        maximum = integer_maximum(column, lim)
        return lambda s: parse_int(s, minimum, maximum)
    if t is ValueType.PRICE:
        return lambda s: parse_price(s, lim.max_price_fen)
    if t is ValueType.MONEY:
        minimum_fen = column.minimum or 0
        cap = lim.max_price_fen if column.limit == "price" else lim.max_amount_fen
        return lambda s: parse_money(s, minimum_fen, cap)
    raise AssertionError(f"no parser for {t}")
