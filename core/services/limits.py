"""Position limits from the database: post-settlement excess report and pre-trade check.

Spec 2.g: speculative lots per client, contract and side against the limit of the period
enforced on the day (R25, ``limit_period``), with the contract's single-side open
interest from that day's settlement; hedge lots are exempt. Products without limit data
are reported as such, never given a guessed limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pandas as pd
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db import risk_queries as rq
from core.errors import CalendarHorizonError, InputError
from core.progress import ProgressState
from core.rules.position_limits import (
    WARN_LEVEL,
    AccountPosition,
    LimitLookup,
    Party,
    Period,
    PreTradeCheck,
    check_open,
    excess_report,
    limit_period,
    position_limit,
)
from core.services._common import audit, report, resolve_price_day
from core.trading_calendar import TradingCalendar, default_calendar

ROW_COLUMNS = (
    "client_code",
    "contract_code",
    "product_code",
    "side",
    "period",
    "party",
    "open_interest",
    "speculative_lots",
    "hedge_lots",
    "limit_lots",
    "excess_lots",
    "usage_pct",
    "status",
)
NO_DATA_COLUMNS = ("contract_code", "product_code", "period", "party", "accounts", "reason")
STATUS_ORDER = {"over": 0, "near": 1, "ok": 2, "unlimited": 3}


@dataclass(frozen=True)
class LimitsReport:
    """Result of ``limits_report``.

    ``rows`` (``ROW_COLUMNS``): every client side with speculative or hedge lots that
    has limit data; ``status`` over / near (≥ ``warn_level`` of the limit) / ok /
    unlimited; ``limit_lots`` nullable Int64; ``usage_pct`` a display string.
    ``no_data`` (``NO_DATA_COLUMNS``): contract/party combinations without limit data
    (or without a settlement price that day), with the number of accounts concerned.
    ``unverified_sources``: sources of unverified limit rows that were used.
    """

    trading_day: date
    version: str
    warn_level: Fraction
    rows: pd.DataFrame
    no_data: pd.DataFrame
    unverified_sources: tuple[str, ...]

    @property
    def flagged(self) -> pd.DataFrame:
        """Rows over or near the limit, worst first."""
        rows = self.rows[self.rows["status"].isin(["over", "near"])]
        return rows.reset_index(drop=True)

    def summary_lines(self) -> list[str]:
        counts = self.rows["status"].value_counts()
        return [
            f"position limits on {self.trading_day} (table version {self.version}, "
            f"warning from {_pct(self.warn_level)} of the limit)",
            f"client sides checked {len(self.rows)}: over {int(counts.get('over', 0))}, "
            f"near {int(counts.get('near', 0))}, ok {int(counts.get('ok', 0))}, "
            f"unlimited {int(counts.get('unlimited', 0))}; without limit data "
            f"{int(self.no_data['accounts'].sum()) if len(self.no_data) else 0} "
            f"(in {len(self.no_data)} contract/party combinations)",
        ]


def _pct(x: Fraction) -> str:
    value = Decimal(x.numerator) / Decimal(x.denominator) * 100
    return f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def _period(day: date, delivery_month: date, cal: TradingCalendar) -> Period | None:
    """``limit_period`` of ``day``, or None when the calendar cannot tell.

    Past the calendar horizon the period is still known to be general while the next
    trading day comes before the month preceding the delivery month (the earliest a
    pre-delivery period can start).
    """
    try:
        return limit_period(day, delivery_month.year, delivery_month.month, cal)
    except CalendarHorizonError:
        y, m = delivery_month.year, delivery_month.month
        prior_start = date(y - 1, 12, 1) if m == 1 else date(y, m - 1, 1)
        try:
            nxt = cal.next_td(day)
        except CalendarHorizonError:
            return None
        return Period.GENERAL if nxt < prior_start else None


def _party(is_individual: bool) -> Party:
    return Party.INDIVIDUAL if is_individual else Party.CLIENT


def limits_report(
    session: Session,
    day: date | None = None,
    *,
    warn_level: Fraction = WARN_LEVEL,
    version: str = "seed",
    progress: ProgressState | None = None,
    record_audit: bool = True,
) -> tuple[LimitsReport, Changes]:
    """Post-settlement excess report of ``day`` (default: latest day with prices).

    Per client, contract and side: speculative lots (hedge lots exempt) against the
    limit of ``limit_period(day)`` for the client's party (individual or client) from
    table ``version``, at that day's single-side open interest. Accounts under common
    control are not aggregated (the database has no control groups). Writes an audit
    entry "preview.limits" unless ``record_audit`` is false. Raises InputError when
    ``warn_level`` is not in (0, 1] or there are no positions on the day.
    """
    if not 0 < warn_level <= 1:
        raise InputError(f"warning level must be in (0, 1], got {float(warn_level)}")
    d = resolve_price_day(session, day)
    lots = rq.side_lots_frame(session, d)
    if lots.empty:
        raise InputError(f"no positions on {d}")
    prices = rq.day_prices_frame(session, d)
    oi_of: dict[str, int] = dict(
        zip(prices["contract_code"].tolist(), prices["open_interest"].tolist(), strict=True)
    )
    contracts = rq.contracts_frame(session)
    product_of: dict[str, str] = dict(
        zip(contracts["contract_code"].tolist(), contracts["product_code"].tolist(), strict=True)
    )
    month_of: dict[str, date] = dict(
        zip(contracts["contract_code"].tolist(), contracts["delivery_month"].tolist(), strict=True)
    )
    cal = default_calendar()
    rows: list[dict[str, object]] = []
    no_data: list[dict[str, object]] = []
    unverified: set[str] = set()
    groups = list(lots.groupby(["contract_code", "is_individual"], sort=True))
    for gi, (key, group) in enumerate(groups):
        report(progress, "check limits", gi, len(groups))
        contract, is_individual = str(key[0]), bool(key[1])
        party = _party(bool(is_individual))
        product = product_of[contract]
        if contract not in oi_of:
            no_data.append(
                {
                    "contract_code": contract,
                    "product_code": product,
                    "period": "",
                    "party": party.value,
                    "accounts": int(group["client_code"].nunique()),
                    "reason": f"no settlement price (open interest) on {d}",
                }
            )
            continue
        dm = month_of[contract]
        oi = int(oi_of[contract])
        period = _period(d, dm, cal)
        if period is None:
            no_data.append(
                {
                    "contract_code": contract,
                    "product_code": product,
                    "period": "",
                    "party": party.value,
                    "accounts": int(group["client_code"].nunique()),
                    "reason": "limit period unknown: the delivery approach lies beyond "
                    "the trading calendar",
                }
            )
            continue
        lookup = position_limit(product, period, party, oi, version=version)
        if lookup.rule is None:
            no_data.append(
                {
                    "contract_code": contract,
                    "product_code": product,
                    "period": period.value,
                    "party": party.value,
                    "accounts": int(group["client_code"].nunique()),
                    "reason": lookup.warning or "no limit data",
                }
            )
            continue
        if not lookup.rule.verified:
            unverified.add(f"{product} {period.value} {party.value}: {lookup.rule.source}")
        positions = [
            AccountPosition(c, s, int(sp), int(h))
            for c, s, sp, h in zip(
                group["client_code"],
                group["side"],
                group["speculative_lots"],
                group["hedge_lots"],
                strict=True,
            )
        ]
        hedge_of = {(p.account, p.side): p.hedge_lots for p in positions}
        for r in excess_report(positions, lookup.limit, warn_level=warn_level):
            status = (
                "unlimited"
                if r.limit is None
                else "over"
                if r.is_over_limit
                else "near"
                if r.is_near_limit
                else "ok"
            )
            rows.append(
                {
                    "client_code": r.account,
                    "contract_code": contract,
                    "product_code": product,
                    "side": r.side,
                    "period": period.value,
                    "party": party.value,
                    "open_interest": oi,
                    "speculative_lots": r.speculative_lots,
                    "hedge_lots": hedge_of[(r.account, r.side)],
                    "limit_lots": r.limit,
                    "excess_lots": r.excess,
                    "usage_pct": "" if r.usage is None else _pct(r.usage),
                    "status": status,
                }
            )
    frame = pd.DataFrame(rows, columns=list(ROW_COLUMNS))
    frame["limit_lots"] = frame["limit_lots"].astype("Int64")
    for col in ("open_interest", "speculative_lots", "hedge_lots", "excess_lots"):
        frame[col] = frame[col].astype("int64")
    if len(frame):
        frame["_o"] = frame["status"].map(STATUS_ORDER)
        frame = frame.sort_values(
            ["_o", "excess_lots", "contract_code", "client_code", "side"],
            ascending=[True, False, True, True, True],
            kind="stable",
        ).drop(columns="_o")
    result = LimitsReport(
        trading_day=d,
        version=version,
        warn_level=warn_level,
        rows=frame.reset_index(drop=True),
        no_data=pd.DataFrame(no_data, columns=list(NO_DATA_COLUMNS)),
        unverified_sources=tuple(sorted(unverified)),
    )
    changes = Changes.none()
    if record_audit:
        counts = frame["status"].value_counts()
        audit(
            session,
            "preview.limits",
            {
                "day": d,
                "version": version,
                "warn_level": str(warn_level),
                "over": int(counts.get("over", 0)),
                "near": int(counts.get("near", 0)),
                "no_data": len(no_data),
            },
        )
        changes = Changes(audit=True)
    return result, changes


@dataclass(frozen=True)
class PreTradeResult:
    """A pre-trade check with the limit it used (``lookup.warning`` says why none)."""

    client: str
    contract: str
    side: str
    open_lots: int
    period: Period
    lookup: LimitLookup
    check: PreTradeCheck

    @property
    def allowed(self) -> bool:
        return self.check.allowed


def check_pre_trade(
    session: Session,
    client: str,
    contract: str,
    side: str,
    open_lots: int,
    *,
    trading_day: date | None = None,
    hedge: bool = False,
    version: str = "seed",
) -> PreTradeResult:
    """Would ``client`` opening ``open_lots`` on ``side`` of ``contract`` breach its limit?

    ``trading_day`` is the day of the order (default: the trading day after the latest
    settlement). The current speculative lots and the single-side open interest come
    from the last settlement before it; the period is that enforced on ``trading_day``
    (R25). Hedge opens are exempt; without limit data the open is allowed and
    ``lookup.warning`` says so. Raises InputError for an unknown client or contract,
    a bad side or no settlement data.
    """
    if side not in ("long", "short"):
        raise InputError(f"side must be long or short, got {side!r}")
    info = rq.contract_info(session, contract)
    if info is None:
        raise InputError(f"unknown contract {contract!r}")
    cal = default_calendar()
    last = rq.latest_price_day(session, contract)
    if trading_day is not None:
        last = rq.latest_price_day_before(session, contract, trading_day)
    if last is None:
        raise InputError(f"no settlement data for {contract} before the order day")
    day = trading_day or cal.next_td(last)
    price = rq.day_price(session, contract, last)
    assert price is not None
    lots = rq.side_lots_frame(session, last)
    mine = lots[
        (lots["client_code"] == client)
        & (lots["contract_code"] == contract)
        & (lots["side"] == side)
    ]
    individual = rq.client_is_individual(session, client)
    if individual is None:
        raise InputError(f"unknown client {client!r}")
    held = int(mine["speculative_lots"].sum())
    period = _period(day, info.delivery_month, cal)
    if period is None:
        raise InputError(f"{contract}: the limit period on {day} lies beyond the calendar")
    lookup = position_limit(
        info.product_code, period, _party(individual), price.open_interest, version=version
    )
    try:
        check = check_open(held, open_lots, lookup.limit, hedge=hedge)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return PreTradeResult(client, contract, side, open_lots, period, lookup, check)
