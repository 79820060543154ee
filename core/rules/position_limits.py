"""Speculative position limits (限仓, spec 2.g; R24, R25, Q14, Q15).

Limit tables are versioned data in ``resources/position_limits.toml``: a fixed number of
lots while the contract's single-side open interest is at or below a threshold, and
``floor(pct × OI)`` above it. Hedge lots are exempt. R25: a period's limit applies from
the trading day before the period starts, i.e. the period is that of ``next_td(D)``.
A product/period/party without data gives an explicit "no limit data" result, never a
guessed limit.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from core.errors import CalendarHorizonError, ConfigError, InputError
from core.resources import resource
from core.trading_calendar import TradingCalendar

WARN_LEVEL = Fraction(8, 10)
"""Usage (speculative lots ÷ limit) from which a position is flagged as near the
limit."""


class Period(StrEnum):
    GENERAL = "general"
    PRE_DELIVERY = "pre_delivery"
    DELIVERY = "delivery"


class Party(StrEnum):
    BROKERAGE_MEMBER = "brokerage_member"
    NON_BROKERAGE_MEMBER = "non_brokerage_member"
    CLIENT = "client"
    INDIVIDUAL = "individual"


class NoLimitDataError(InputError):
    """The limit tables hold no value for a product/period/party/version."""


@dataclass(frozen=True)
class LimitRule:
    """One party's limit in one table row. ``fixed`` None with ``pct`` set means
    unlimited at or below the threshold; ``threshold`` None means fixed at any OI."""

    version: str
    product: str
    period: Period
    party: Party
    threshold: int | None
    fixed: int | None
    pct: Fraction | None
    verified: bool
    source: str

    def limit(self, single_side_oi: int) -> int | None:
        """The limit in lots for this OI (None = unlimited). ValueError for OI < 0."""
        if single_side_oi < 0:
            raise ValueError(f"open interest must not be negative, got {single_side_oi}")
        if self.threshold is None or single_side_oi <= self.threshold:
            return self.fixed
        assert self.pct is not None
        return int(self.pct * single_side_oi)  # floor: OI and pct are non-negative


@dataclass(frozen=True)
class LimitTable:
    """All limit rows keyed by (version, product, period, party)."""

    rules: Mapping[tuple[str, str, Period, Party], LimitRule]

    @property
    def versions(self) -> tuple[str, ...]:
        return tuple(sorted({k[0] for k in self.rules}))

    def lookup(
        self,
        product: str,
        period: Period | str,
        party: Party | str,
        version: str = "seed",
    ) -> LimitRule | None:
        return self.rules.get((version, product, Period(period), Party(party)))


def load_limit_table(path: Path | None = None) -> LimitTable:
    """Read and validate ``position_limits.toml``; ConfigError names the row and key."""
    src = path or resource("position_limits.toml")
    try:
        data = tomllib.loads(src.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{src}: cannot read position limits: {exc}") from exc
    rules: dict[tuple[str, str, Period, Party], LimitRule] = {}
    for i, row in enumerate(data.get("limits", [])):
        where = f"{src}: limits[{i}]"
        try:
            version = str(row["version"])
            period = Period(row["period"])
            threshold = row.get("threshold")
            if threshold is not None and (not isinstance(threshold, int) or threshold < 0):
                raise ValueError(f"threshold must be a non-negative integer: {threshold!r}")
            verified = row["verified"]
            if not isinstance(verified, bool):
                raise ValueError("verified must be true or false")
            for party in Party:
                spec = row.get(party.value)
                if spec is None:
                    continue
                fixed = spec.get("fixed")
                pct_text = spec.get("pct")
                pct = Fraction(str(pct_text)) if pct_text is not None else None
                if fixed is not None and (not isinstance(fixed, int) or fixed < 0):
                    raise ValueError(f"{party.value}.fixed must be lots >= 0: {fixed!r}")
                if threshold is not None and pct is None:
                    raise ValueError(f"{party.value}: a threshold row needs pct")
                if fixed is None and pct is None:
                    raise ValueError(f"{party.value}: needs fixed or pct")
                for product in row["products"]:
                    key = (version, str(product), period, party)
                    if key in rules:
                        raise ValueError(f"duplicate limit for {key}")
                    rules[key] = LimitRule(
                        version,
                        str(product),
                        period,
                        party,
                        threshold,
                        fixed,
                        pct,
                        verified,
                        str(row.get("source", "")),
                    )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: {exc}") from exc
    return LimitTable(rules)


@lru_cache(maxsize=1)
def default_limit_table() -> LimitTable:
    return load_limit_table()


@dataclass(frozen=True)
class LimitLookup:
    """A limit for one product/period/party/OI, or the reason there is none."""

    product: str
    period: Period
    party: Party
    version: str
    single_side_oi: int
    rule: LimitRule | None
    limit: int | None
    warning: str | None

    @property
    def has_data(self) -> bool:
        return self.rule is not None


def position_limit(
    product: str,
    period: Period | str,
    party: Party | str,
    single_side_oi: int,
    *,
    version: str = "seed",
    table: LimitTable | None = None,
) -> LimitLookup:
    """The speculative one-side limit in lots (spec 2.g).

    ``single_side_oi``: the contract's single-side OI at the last settlement (Q15).
    Without table data the result has ``rule`` None and a "no limit data" warning;
    an unverified row adds an "unverified" warning. ValueError for OI < 0.
    """
    tbl = table or default_limit_table()
    per, par = Period(period), Party(party)
    rule = tbl.lookup(product, per, par, version)
    if rule is None:
        warning = (
            f"no limit data for product {product!r}, period {per.value}, party "
            f"{par.value} in table version {version!r}"
        )
        return LimitLookup(product, per, par, version, single_side_oi, None, None, warning)
    limit = rule.limit(single_side_oi)
    note = None if rule.verified else f"unverified limit table ({rule.source})"
    return LimitLookup(product, per, par, version, single_side_oi, rule, limit, note)


def require_position_limit(
    product: str,
    period: Period | str,
    party: Party | str,
    single_side_oi: int,
    *,
    version: str = "seed",
    table: LimitTable | None = None,
) -> LimitLookup:
    """As ``position_limit`` but raises ``NoLimitDataError`` where there is no data."""
    found = position_limit(product, period, party, single_side_oi, version=version, table=table)
    if found.rule is None:
        raise NoLimitDataError(found.warning or "no limit data")
    return found


def limit_period(
    day: date,
    delivery_year: int,
    delivery_month: int,
    cal: TradingCalendar,
    *,
    pre_delivery_td: int = 15,
) -> Period:
    """The limit period enforced on trading day ``day`` for a contract (R25).

    The period is that of ``next_td(day)``: delivery from the first trading day of the
    delivery month, pre-delivery from the ``pre_delivery_td``-th trading day of the
    month before (its last trading day if the month has fewer, as spec Q3), general
    before. Raises CalendarHorizonError past the calendar.
    """
    nxt = cal.next_td(day)
    for period in (Period.DELIVERY, Period.PRE_DELIVERY):
        start = period_start(
            period, delivery_year, delivery_month, cal, pre_delivery_td=pre_delivery_td
        )
        if start is not None and nxt >= start:
            return period
    return Period.GENERAL


def period_start(
    period: Period | str,
    delivery_year: int,
    delivery_month: int,
    cal: TradingCalendar,
    *,
    pre_delivery_td: int = 15,
) -> date | None:
    """The first trading day of a contract's limit ``period`` (spec 2.g).

    Delivery: the delivery month's first trading day. Pre-delivery: the
    ``pre_delivery_td``-th trading day of the month before (its last trading day if the
    month has fewer, spec Q3). None for the general period (in force since listing) or a
    month without trading days. Raises CalendarHorizonError past the calendar.
    """
    per = Period(period)
    if per is Period.DELIVERY:
        days = cal.month_trading_days(delivery_year, delivery_month)
        return days[0] if days else None
    if per is Period.PRE_DELIVERY:
        py, pm = (
            (delivery_year - 1, 12) if delivery_month == 1 else (delivery_year, delivery_month - 1)
        )
        prior = cal.month_trading_days(py, pm)
        return prior[min(pre_delivery_td, len(prior)) - 1] if prior else None
    return None


def limit_effective_from(
    day: date,
    delivery_year: int,
    delivery_month: int,
    cal: TradingCalendar,
    *,
    pre_delivery_td: int = 15,
) -> date | None:
    """The trading day from which the limit enforced on ``day`` applies (R25).

    A period starting on trading day P is enforced from ``prev_td(P)``: e.g. the
    pre-delivery period starting on the 15th trading day P of the month before delivery
    gives the smaller limit from ``prev_td(P)``. The period is ``limit_period(day, …)``;
    None when that is the general period (in force since listing). Raises
    CalendarHorizonError past the calendar.
    """
    period = limit_period(day, delivery_year, delivery_month, cal, pre_delivery_td=pre_delivery_td)
    start = period_start(
        period, delivery_year, delivery_month, cal, pre_delivery_td=pre_delivery_td
    )
    return None if start is None else cal.prev_td(start)


def period_effective_from(
    day: date, delivery_month: date, period: str, cal: TradingCalendar
) -> date | None:
    """The trading day from which ``period``'s limit applies (R25), for the period in
    force on ``day`` only (``limit_effective_from``): None for the general period,
    another period than the one in force, or past the calendar."""
    y, m = delivery_month.year, delivery_month.month
    try:
        if limit_period(day, y, m, cal).value != period:
            return None
        return limit_effective_from(day, y, m, cal)
    except CalendarHorizonError:
        return None


@dataclass(frozen=True)
class AccountPosition:
    """One account's lots on one side of a contract."""

    account: str
    side: Literal["long", "short"]
    speculative_lots: int
    hedge_lots: int = 0


@dataclass(frozen=True)
class ExcessRow:
    """Post-settlement check of one account side. ``usage`` is None when unlimited."""

    account: str
    side: Literal["long", "short"]
    speculative_lots: int
    limit: int | None
    excess: int
    usage: Fraction | None
    is_near_limit: bool
    is_over_limit: bool


def aggregate_controlled(
    positions: Iterable[AccountPosition], group_of: Mapping[str, str]
) -> list[AccountPosition]:
    """Sum accounts under actual common control (``group_of[account] → group``) per
    side.

    Accounts without a group stand alone. Result sorted by (account/group, side).
    """
    sums: dict[tuple[str, str], list[int]] = {}
    for pos in positions:
        k = (group_of.get(pos.account, pos.account), pos.side)
        acc = sums.setdefault(k, [0, 0])
        acc[0] += pos.speculative_lots
        acc[1] += pos.hedge_lots
    return [
        AccountPosition(name, side, s, h)  # type: ignore[arg-type]
        for (name, side), (s, h) in sorted(sums.items())
    ]


def excess_report(
    positions: Sequence[AccountPosition],
    limit: int | None,
    *,
    warn_level: Fraction = WARN_LEVEL,
) -> list[ExcessRow]:
    """Post-settlement excess per account side (hedge lots ignored), sorted by account.

    ``excess = max(0, speculative − limit)``; ``is_near_limit`` from ``warn_level`` of
    the limit (80 %) up. ValueError for negative lots.
    """
    rows = []
    for pos in positions:
        if pos.speculative_lots < 0 or pos.hedge_lots < 0:
            raise ValueError(f"{pos.account}: lots must not be negative")
        if limit is None:
            rows.append(
                ExcessRow(
                    pos.account,
                    pos.side,
                    pos.speculative_lots,
                    None,
                    0,
                    None,
                    False,
                    False,
                )
            )
            continue
        excess = max(0, pos.speculative_lots - limit)
        usage = Fraction(pos.speculative_lots, limit) if limit else None
        near = pos.speculative_lots >= warn_level * limit and pos.speculative_lots > 0
        rows.append(
            ExcessRow(
                pos.account,
                pos.side,
                pos.speculative_lots,
                limit,
                excess,
                usage,
                near,
                excess > 0,
            )
        )
    rows.sort(key=lambda r: (r.account, r.side))
    return rows


@dataclass(frozen=True)
class ExcessArrays:
    """``excess_report`` over numpy columns (one entry per account side).

    ``limit`` is -1 where there is no limit (unlimited). ``usage_bp`` is the usage in
    hundredths of a percent (speculative × 10,000 ÷ limit, rounded half up, as
    ``usage`` shown to two decimals of a percent), -1 where ``usage`` is None.
    """

    excess: npt.NDArray[np.int64]
    usage_bp: npt.NDArray[np.int64]
    is_near_limit: npt.NDArray[np.bool_]
    is_over_limit: npt.NDArray[np.bool_]


_EXACT_INT64 = 2**62 // 20_000
"""Largest lots or limit for which the int64 formulas of ``excess_arrays`` are exact."""


def excess_arrays(
    speculative_lots: npt.NDArray[np.int64],
    limit: npt.NDArray[np.int64],
    *,
    warn_level: Fraction = WARN_LEVEL,
) -> ExcessArrays:
    """``excess_report``'s figures for many account sides at once, in exact integers.

    ``excess = max(0, speculative − limit)``; near from ``warn_level`` of the limit up
    (``speculative × q ≥ p × limit`` for ``warn_level = p/q``); ``usage_bp`` the usage
    fraction ``speculative / limit`` rounded half up to 1/10,000 (None → -1; a limit of
    0 has no usage). ``limit`` -1 = unlimited. ValueError for negative lots or values
    too large for exact int64 arithmetic.
    """
    spec = np.asarray(speculative_lots, dtype=np.int64)
    lim = np.asarray(limit, dtype=np.int64)
    if len(spec) and int(spec.min()) < 0:
        raise ValueError("lots must not be negative")
    p, q = warn_level.numerator, warn_level.denominator
    bound = _EXACT_INT64 // max(p, q, 1)
    if len(spec) and (int(spec.max()) > bound or int(lim.max()) > bound):
        raise ValueError("lots or limit too large for exact arithmetic")
    limited = lim >= 0
    safe = np.where(limited, lim, 0)
    excess = np.where(limited, np.maximum(spec - safe, 0), 0)
    near = limited & (spec * q >= p * safe) & (spec > 0)
    has_usage = limited & (safe > 0)
    denominator = np.where(has_usage, safe, 1)
    usage_bp = np.where(has_usage, (spec * 20_000 + denominator) // (2 * denominator), -1)
    return ExcessArrays(
        excess=excess.astype(np.int64),
        usage_bp=usage_bp.astype(np.int64),
        is_near_limit=near,
        is_over_limit=excess > 0,
    )


@dataclass(frozen=True)
class PreTradeCheck:
    """Would opening ``open_lots`` breach the limit?"""

    allowed: bool
    resulting_lots: int
    limit: int | None
    headroom: int | None
    is_near_limit: bool
    reason: str


def check_open(
    speculative_lots: int,
    open_lots: int,
    limit: int | None,
    *,
    hedge: bool = False,
    warn_level: Fraction = WARN_LEVEL,
) -> PreTradeCheck:
    """Pre-trade check of an opening order (spec 2.g): rejected if the resulting
    speculative position on that side would exceed ``limit``. Hedge opens are exempt
    (hedge quotas govern them). ``limit`` None = unlimited. ValueError for negatives."""
    if speculative_lots < 0 or open_lots < 0:
        raise ValueError("lots must not be negative")
    if hedge:
        return PreTradeCheck(
            True,
            speculative_lots,
            limit,
            None,
            False,
            "hedge open: exempt from speculative limits",
        )
    result = speculative_lots + open_lots
    if limit is None:
        return PreTradeCheck(True, result, None, None, False, "no limit")
    headroom = limit - speculative_lots
    if result > limit:
        return PreTradeCheck(
            False,
            result,
            limit,
            max(0, headroom),
            True,
            f"would hold {result} > limit {limit}",
        )
    near = result >= warn_level * limit and result > 0
    return PreTradeCheck(
        True,
        result,
        limit,
        headroom,
        near,
        "near the limit" if near else "within the limit",
    )
