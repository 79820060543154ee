"""Warehouse-receipt validity, expiry deadlines and the registration rule (spec 2.i).

Rule versions ("seed": c. 2006–07 texts; "current": broker table) are data in
``resources/receipt_rules.toml``. Deadlines are inclusive: the last day a receipt may
stay registered. "Working day" is read as trading day (spec Q17), so every deadline is
computed on the trading calendar and raises CalendarHorizonError past its horizon.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from core.errors import CalendarHorizonError, ConfigError
from core.reference.products import Product, default_products
from core.resources import resource
from core.trading_calendar import TradingCalendar, default_calendar

ExpiryKind = Literal["on_last_working_day", "before_last_trading_day", "after_last_delivery_day"]
ReceiptStatus = Literal["free", "margin", "delivery", "transfer", "cancelled"]
_KINDS = ("on_last_working_day", "before_last_trading_day", "after_last_delivery_day")


@dataclass(frozen=True)
class ExpiryRule:
    """One product's validity rule in one version."""

    version: str
    product: str
    kind: ExpiryKind
    months: tuple[int, ...]
    trading_days: int
    verified: bool
    source: str


@dataclass(frozen=True)
class RegistrationRule:
    """Production-to-registration limit: ``registered − produced ≤ max_days``
    (calendar)."""

    version: str
    product: str
    max_days: int
    verified: bool
    source: str


@dataclass(frozen=True)
class ReceiptRules:
    expiry: dict[tuple[str, str], ExpiryRule]
    registration: dict[tuple[str, str], RegistrationRule]

    @property
    def versions(self) -> tuple[str, ...]:
        return tuple(sorted({k[0] for k in self.expiry} | {k[0] for k in self.registration}))


def load_receipt_rules(path: Path | None = None) -> ReceiptRules:
    """Read and validate ``receipt_rules.toml``; ConfigError names the row and key."""
    src = path or resource("receipt_rules.toml")
    try:
        data = tomllib.loads(src.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{src}: cannot read receipt rules: {exc}") from exc
    expiry: dict[tuple[str, str], ExpiryRule] = {}
    reg: dict[tuple[str, str], RegistrationRule] = {}
    for i, row in enumerate(data.get("expiry", [])):
        try:
            kind = row["kind"]
            if kind not in _KINDS:
                raise ValueError(f"unknown kind {kind!r}")
            months = tuple(int(m) for m in row.get("months", []))
            if kind != "after_last_delivery_day" and (
                not months or not all(1 <= m <= 12 for m in months)
            ):
                raise ValueError("months must list 1..12")
            tdays = int(row.get("trading_days", 0))
            for product in row["products"]:
                expiry[(str(row["version"]), str(product))] = ExpiryRule(
                    str(row["version"]),
                    str(product),
                    kind,
                    months,
                    tdays,
                    bool(row["verified"]),
                    str(row.get("source", "")),
                )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{src}: expiry[{i}]: {exc}") from exc
    for i, row in enumerate(data.get("registration", [])):
        try:
            max_days = int(row["max_days"])
            if max_days < 0:
                raise ValueError("max_days must not be negative")
            for product in row["products"]:
                reg[(str(row["version"]), str(product))] = RegistrationRule(
                    str(row["version"]),
                    str(product),
                    max_days,
                    bool(row["verified"]),
                    str(row.get("source", "")),
                )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{src}: registration[{i}]: {exc}") from exc
    return ReceiptRules(expiry, reg)


@lru_cache(maxsize=1)
def default_receipt_rules() -> ReceiptRules:
    return load_receipt_rules()


@dataclass(frozen=True)
class Receipt:
    """A standard warehouse receipt (warehouse-specific since R17/R29)."""

    id: str
    product: str
    registered: date
    produced: date | None = None
    warehouse: str = ""
    holder: str = ""
    tons: int = 0
    status: ReceiptStatus = "free"


def _deadlines_in_year(
    rule: ExpiryRule, year: int, cal: TradingCalendar, product: Product | None
) -> list[date]:
    if rule.kind == "after_last_delivery_day":
        if product is None:
            raise ValueError(f"product {rule.product!r} is not in the product table")
        out = []
        for month in product.months:
            ltd = product.last_trading_day(year, month, cal)
            last_delivery = cal.add_trading_days(ltd, product.last_delivery_td_after_ltd)
            out.append(cal.add_trading_days(last_delivery, rule.trading_days))
        return out
    out = []
    for month in rule.months:
        last = cal.last_trading_day(year, month)
        out.append(last if rule.kind == "on_last_working_day" else cal.prev_td(last))
    return out


def next_deadline(
    product: str,
    on_or_after: date,
    *,
    version: str = "current",
    rules: ReceiptRules | None = None,
    cal: TradingCalendar | None = None,
) -> date | None:
    """The earliest inclusive cancellation deadline on or after ``on_or_after``.

    None for a product without a validity rule in ``version``. Raises
    CalendarHorizonError when the deadline lies beyond the trading calendar.
    """
    rs = rules or default_receipt_rules()
    rule = rs.expiry.get((version, product))
    if rule is None:
        return None
    c = cal or default_calendar()
    prod = default_products().get(product)
    # A delivery-month deadline may fall early in the next year: look one year back too.
    for year in (on_or_after.year - 1, on_or_after.year, on_or_after.year + 1):
        try:
            days = sorted(d for d in _deadlines_in_year(rule, year, c, prod) if d >= on_or_after)
        except CalendarHorizonError:
            if year < on_or_after.year:
                continue
            raise
        if days:
            return days[0]
    return None


def receipt_deadline(
    receipt: Receipt,
    today: date,
    *,
    version: str = "current",
    rules: ReceiptRules | None = None,
    cal: TradingCalendar | None = None,
) -> date | None:
    """A receipt's deadline: the earliest on or after max(today, registered) (spec
    2.i; the ``receipt-expiry`` calc kind).

    For a receipt still registered after the deadline it got at registration
    (``first_deadline``) this is the *next* cycle's deadline: such a receipt is overdue
    (``is_overdue``), which ``receipt_deadline_outcome`` reports."""
    start = max(today, receipt.registered)
    return next_deadline(receipt.product, start, version=version, rules=rules, cal=cal)


def first_deadline(
    receipt: Receipt,
    *,
    version: str = "current",
    rules: ReceiptRules | None = None,
    cal: TradingCalendar | None = None,
) -> date | None:
    """The deadline a receipt got at registration: the earliest on or after its
    registration date, by which it must be cancelled (spec 2.i). On any day up to it,
    it equals ``receipt_deadline``; after it, the receipt is overdue.

    None without a validity rule; raises CalendarHorizonError past the calendar."""
    return next_deadline(receipt.product, receipt.registered, version=version, rules=rules, cal=cal)


def is_overdue(
    receipt: Receipt,
    today: date,
    *,
    version: str = "current",
    rules: ReceiptRules | None = None,
    cal: TradingCalendar | None = None,
) -> bool:
    """Whether a receipt not cancelled is still registered after its ``first_deadline``
    (it should have been cancelled by then). Raises CalendarHorizonError as
    ``first_deadline``."""
    if receipt.status == "cancelled":
        return False
    first = first_deadline(receipt, version=version, rules=rules, cal=cal)
    return first is not None and first < today


def trading_days_left(cal: TradingCalendar, today: date, deadline: date) -> int:
    """Trading days from ``today`` to ``deadline``: after today up to and including the
    deadline (0 on the deadline itself); negative for a deadline already past (−1 the
    trading day after it)."""
    if deadline >= today:
        return len(cal.trading_days(today, deadline)) - (1 if cal.is_trading_day(today) else 0)
    return -(len(cal.trading_days(deadline, today)) - (1 if cal.is_trading_day(deadline) else 0))


DeadlineStatus = Literal["ok", "overdue", "no_rule", "beyond_calendar"]
"""Why a receipt has (or lacks) a deadline: "ok" (known, today or later), "overdue"
(still registered after the deadline it got at registration, which has passed),
"no_rule" (no validity rule for the product in the rule version), "beyond_calendar" (it
lies past the trading calendar's horizon)."""


def rolled_deadline_status(statuses: Iterable[str]) -> DeadlineStatus:
    """The deadline status of a group (a holding, a warehouse, a product) from its
    members': "overdue" when any is, else "ok" when any has a deadline, else
    "beyond_calendar" when any lies past the calendar, else "no_rule"."""
    found = set(statuses)
    for status in ("overdue", "ok", "beyond_calendar"):
        if status in found:
            return status
    return "no_rule"


Urgency = Literal["past", "soon", ""]
"""How pressing a deadline is: "past" (passed), "soon" (within the expiry window), ""."""
_URGENCY_RANK: dict[str, int] = {"": 0, "soon": 1, "past": 2}


def receipt_urgency(
    deadline: date | None, days_left: int | None, today: date, window: int
) -> Urgency:
    """ "past" when ``deadline`` lies before ``today``, "soon" when it is at most
    ``window`` trading days away (``days_left``), else "" (also without a deadline)."""
    if deadline is None:
        return ""
    if deadline < today:
        return "past"
    if days_left is not None and days_left <= window:
        return "soon"
    return ""


def worst_urgency(urgencies: Iterable[Urgency]) -> Urgency:
    """The most pressing of ``urgencies`` ("" for none)."""
    return max(urgencies, key=_URGENCY_RANK.__getitem__, default="")


@dataclass(frozen=True)
class DeadlineOutcome:
    """A receipt's deadline, or why there is none (``receipt_deadline_outcome``)."""

    deadline: date | None
    status: DeadlineStatus
    known_until: date | None = None
    """The trading calendar's last known day (set when ``status`` is "beyond_calendar")."""
    reason: str = ""
    """Why there is no deadline, in words ("" when ``status`` is "ok")."""


def receipt_deadline_outcome(
    receipt: Receipt,
    today: date,
    *,
    version: str = "current",
    rules: ReceiptRules | None = None,
    cal: TradingCalendar | None = None,
) -> DeadlineOutcome:
    """A receipt's deadline on ``today`` for the receipts list: its ``first_deadline``.

    Status "ok" when that is today or later (then it equals ``receipt_deadline``),
    "overdue" when it has passed and the receipt is still registered (the missed
    deadline is given, with a reason). Never raises for the calendar's horizon: a
    deadline past it gives status "beyond_calendar" with the calendar's ``known_until``;
    a product without a validity rule in ``version`` status "no_rule"."""
    rs = rules or default_receipt_rules()
    c = cal or default_calendar()
    try:
        deadline = first_deadline(receipt, version=version, rules=rs, cal=c)
    except CalendarHorizonError as exc:
        return DeadlineOutcome(
            None, "beyond_calendar", c.known_until, f"deadline beyond the calendar: {exc}"
        )
    if deadline is not None:
        if deadline < today and receipt.status != "cancelled":
            return DeadlineOutcome(
                deadline,
                "overdue",
                None,
                f"overdue: registered {receipt.registered}, it should have been cancelled "
                f"by {deadline}",
            )
        return DeadlineOutcome(deadline, "ok")
    if (version, receipt.product) not in rs.expiry:
        reason = f"no validity rule for {receipt.product} in version {version}"
    else:
        reason = f"no deadline for {receipt.product} under its {version} rule"
    return DeadlineOutcome(None, "no_rule", None, reason)


def is_registrable(
    product: str,
    produced: date | None,
    registered: date,
    *,
    version: str = "current",
    rules: ReceiptRules | None = None,
) -> bool:
    """Production-to-registration rule (R32: m ≤ 45 calendar days, inclusive; current
    l 180, v 120). True where no rule applies or the production date is unknown.
    Raises ValueError when the production date is after the registration date."""
    if produced is None:
        return True
    if produced > registered:
        raise ValueError(f"production date {produced} is after registration {registered}")
    rule = (rules or default_receipt_rules()).registration.get((version, product))
    return rule is None or (registered - produced).days <= rule.max_days


def is_offset_eligible(
    receipt: Receipt,
    day: date,
    *,
    version: str = "current",
    rules: ReceiptRules | None = None,
    cal: TradingCalendar | None = None,
) -> bool:
    """Whether a receipt counts as margin offset on ``day``: lodged as margin (status
    "margin"), registered by then and not overdue, i.e. ``day`` is not after the
    deadline it got at registration (spec 2.i blocks lodging as margin past the
    deadline; 2.c excludes receipts past their validity date from the offset). Raises
    CalendarHorizonError when that deadline lies beyond the calendar."""
    if receipt.status != "margin" or day < receipt.registered:
        return False
    deadline = first_deadline(receipt, version=version, rules=rules, cal=cal)
    return deadline is None or day <= deadline


@dataclass(frozen=True)
class ExpiringReceipt:
    receipt: Receipt
    deadline: date
    trading_days_left: int


def expiring_within(
    receipts: Iterable[Receipt],
    today: date,
    n_trading_days: int = 10,
    *,
    version: str = "current",
    rules: ReceiptRules | None = None,
    cal: TradingCalendar | None = None,
) -> list[ExpiringReceipt]:
    """Receipts (not cancelled) whose deadline is within ``n_trading_days`` trading days
    of ``today`` (default 10, spec 2.i), sorted by (warehouse, holder, deadline, id).

    Overdue receipts (``is_overdue``: their deadline has already passed) are not listed:
    they are not expiring but expired."""
    c = cal or default_calendar()
    horizon = c.add_trading_days(today, n_trading_days) if n_trading_days else today
    out = []
    for r in receipts:
        if r.status == "cancelled":
            continue
        d = first_deadline(r, version=version, rules=rules, cal=c)
        if d is not None and today <= d <= horizon:
            out.append(ExpiringReceipt(r, d, trading_days_left(c, today, d)))
    out.sort(key=lambda e: (e.receipt.warehouse, e.receipt.holder, e.deadline, e.receipt.id))
    return out


@dataclass(frozen=True)
class ReceiptCheck:
    id: str
    deadline: date | None
    registrable: bool


def check_receipts(
    receipts: Sequence[Receipt],
    today: date,
    *,
    version: str = "current",
    rules: ReceiptRules | None = None,
    cal: TradingCalendar | None = None,
) -> list[ReceiptCheck]:
    """Deadline and registration rule per receipt, sorted by id (``receipt-expiry``)."""
    out = [
        ReceiptCheck(
            r.id,
            receipt_deadline(r, today, version=version, rules=rules, cal=cal),
            is_registrable(r.product, r.produced, r.registered, version=version, rules=rules),
        )
        for r in receipts
    ]
    out.sort(key=lambda c: c.id)
    return out
