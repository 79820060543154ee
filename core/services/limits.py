"""Position limits from the database: post-settlement excess report and pre-trade check.

Spec 2.g: speculative lots per client, contract and side against the limit of the period
enforced on the day (R25, ``limit_period``), with the contract's single-side open
interest from that day's settlement; hedge lots are exempt. Products without limit data
are reported as such, never given a guessed limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.db import risk_queries as rq
from core.db.columnar import coded
from core.db.reader import Reader
from core.errors import CalendarHorizonError, InputError
from core.money import bp_to_str, exact_sum, ratio_bp
from core.progress import ProgressState
from core.rules.position_limits import (
    WARN_LEVEL,
    AccountPosition,
    ExcessArrays,
    LimitLookup,
    Party,
    Period,
    PreTradeCheck,
    check_open,
    excess_arrays,
    excess_report,
    limit_period,
    period_effective_from,
    position_limit,
)
from core.rules.sides import SIDE_NAMES
from core.services._common import report, resolve_price_day
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
    "usage_bp",
    "status",
)
NO_DATA_COLUMNS = ("contract_code", "product_code", "period", "party", "accounts", "reason")
STATUS_ORDER = {"over": 0, "near": 1, "ok": 2, "unlimited": 3}


@dataclass(frozen=True)
class LimitsReport:
    """Result of ``limits_report``.

    ``rows`` (``ROW_COLUMNS``): every client side with speculative or hedge lots that
    has limit data; ``status`` over / near (≥ ``warn_level`` of the limit) / ok /
    unlimited; ``limit_lots`` nullable Int64; ``usage_bp`` the speculative lots as a
    share of the limit in basis points (hundredths of a percent, rounded half away from
    zero; nullable Int64, NA without a limit).
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
    return bp_to_str(ratio_bp(x.numerator, x.denominator))


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
    reader: Reader,
    day: date | None = None,
    *,
    warn_level: Fraction = WARN_LEVEL,
    version: str = "seed",
    progress: ProgressState | None = None,
) -> LimitsReport:
    """Post-settlement excess report of ``day`` (default: latest day with prices).

    Per client, contract and side: speculative lots (hedge lots exempt) against the
    limit of ``limit_period(day)`` for the client's party (individual or client) from
    table ``version``, at that day's single-side open interest. Accounts under common
    control are not aggregated (the database has no control groups). A read: nothing
    is written. Raises InputError when ``warn_level`` is not in (0, 1] or there are no
    positions on the day.
    """
    session = reader.session
    if not 0 < warn_level <= 1:
        raise InputError(f"warning level must be in (0, 1], got {float(warn_level)}")
    d = resolve_price_day(session, day)
    lots = rq.side_lots(session, d)
    if not len(lots):
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
    no_data: list[dict[str, object]] = []
    unverified: set[str] = set()
    # Groups (contract, party) in (contract code, is_individual) order, as a sorted
    # groupby would give them; each row's group from its contract and client.
    individual = lots.is_individual[lots.client]
    group = lots.contract * 2 + individual
    n_groups = len(lots.contracts) * 2
    group_ids = np.flatnonzero(np.bincount(group, minlength=n_groups))
    # Accounts per group: distinct clients (a client may hold both sides).
    n_clients = max(len(lots.clients), 1)
    pairs = np.sort(group * n_clients + lots.client)
    pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])]
    accounts_of = np.bincount(pairs // n_clients, minlength=n_groups)
    limit_of = np.full(n_groups, -1, dtype=np.int64)
    checked = np.zeros(n_groups, dtype=np.bool_)
    period_of = np.full(n_groups, "", dtype=object)
    periods: dict[str, Period | None] = {}
    for gi, g in enumerate(group_ids.tolist()):
        report(progress, "check limits", gi, len(group_ids))
        contract = lots.contracts[g // 2]
        party = _party(bool(g % 2))
        product = product_of[contract]
        accounts = int(accounts_of[g])
        if contract not in oi_of:
            no_data.append(
                {
                    "contract_code": contract,
                    "product_code": product,
                    "period": "",
                    "party": party.value,
                    "accounts": accounts,
                    "reason": f"no settlement price (open interest) on {d}",
                }
            )
            continue
        oi = int(oi_of[contract])
        if contract not in periods:
            periods[contract] = _period(d, month_of[contract], cal)
        period = periods[contract]
        if period is None:
            no_data.append(
                {
                    "contract_code": contract,
                    "product_code": product,
                    "period": "",
                    "party": party.value,
                    "accounts": accounts,
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
                    "accounts": accounts,
                    "reason": lookup.warning or "no limit data",
                }
            )
            continue
        if not lookup.rule.verified:
            unverified.add(f"{product} {period.value} {party.value}: {lookup.rule.source}")
        checked[g] = True
        limit_of[g] = -1 if lookup.limit is None else lookup.limit
        period_of[g] = period.value
    frame = _rows_frame(lots, group, checked, limit_of, period_of, oi_of, product_of, warn_level)
    return LimitsReport(
        trading_day=d,
        version=version,
        warn_level=warn_level,
        rows=frame.reset_index(drop=True),
        no_data=pd.DataFrame(no_data, columns=list(NO_DATA_COLUMNS)),
        unverified_sources=tuple(sorted(unverified)),
    )


def _rows_frame(
    lots: rq.SideLots,
    group: npt.NDArray[np.int64],
    checked: npt.NDArray[np.bool_],
    limit_of: npt.NDArray[np.int64],
    period_of: npt.NDArray[np.object_],
    oi_of: dict[str, int],
    product_of: dict[str, str],
    warn_level: Fraction,
) -> pd.DataFrame:
    """The report rows (``ROW_COLUMNS``) of the checked groups, worst first: status,
    excess (descending), contract, client, side."""
    keep = np.flatnonzero(checked[group])
    client, contract = lots.client[keep], lots.contract[keep]
    side, g = lots.side[keep], group[keep]
    spec = lots.speculative_lots[keep]
    limit = limit_of[g]
    try:
        figures = excess_arrays(spec, limit, warn_level=warn_level)
    except ValueError:
        figures = _excess_by_row(lots.clients, client, side, spec, limit, warn_level)
    status = np.where(
        limit < 0,
        3,
        np.where(figures.is_over_limit, 0, np.where(figures.is_near_limit, 1, 2)),
    )
    order = np.lexsort((side, client, contract, -figures.excess, status))
    keep, client, contract, side, g = (
        keep[order],
        client[order],
        contract[order],
        side[order],
        g[order],
    )
    spec, limit, status = spec[order], limit[order], status[order]
    excess, usage_bp = figures.excess[order], figures.usage_bp[order]
    codes = np.asarray(lots.contracts, dtype=object)
    products = np.array([product_of[c] for c in lots.contracts], dtype=object)
    interest = np.array([int(oi_of.get(c, 0)) for c in lots.contracts], dtype=np.int64)
    names = np.asarray(lots.clients, dtype=object)
    parties = np.array([Party.CLIENT.value, Party.INDIVIDUAL.value], dtype=object)
    statuses = np.array(list(STATUS_ORDER), dtype=object)
    n = len(keep)
    if n == 0:  # as built from no rows: untyped text columns
        frame = pd.DataFrame([], columns=list(ROW_COLUMNS))
        for col in ("limit_lots", "usage_bp"):
            frame[col] = frame[col].astype("Int64")
        for col in ("open_interest", "speculative_lots", "hedge_lots", "excess_lots"):
            frame[col] = frame[col].astype("int64")
        return frame
    # Text columns are categorical over small tables (codes, periods, statuses): a
    # report of ~1,000,000 sides costs no Python string per row.
    data = {
        "client_code": coded(client, names),
        "contract_code": coded(contract, codes),
        "product_code": coded(contract, products),
        "side": coded(side, SIDE_NAMES),
        "period": coded(g, period_of),
        "party": coded(g % 2, parties),
        "open_interest": interest[contract],
        "speculative_lots": spec,
        "hedge_lots": lots.hedge_lots[keep],
        "limit_lots": pd.arrays.IntegerArray(np.where(limit < 0, 0, limit), limit < 0),
        "excess_lots": excess,
        "usage_bp": pd.arrays.IntegerArray(np.where(usage_bp < 0, 0, usage_bp), usage_bp < 0),
        "status": coded(status.astype(np.int64), statuses),
    }
    return pd.DataFrame(data, columns=list(ROW_COLUMNS), copy=False)  # fresh arrays


def _excess_by_row(
    clients: tuple[str, ...],
    client: npt.NDArray[np.int64],
    side: npt.NDArray[np.int64],
    spec: npt.NDArray[np.int64],
    limit: npt.NDArray[np.int64],
    warn_level: Fraction,
) -> ExcessArrays:
    """``excess_arrays`` row by row with Python integers (huge values; ValueError for
    negative lots as ``excess_report``)."""
    excess, usage, near, over = [], [], [], []
    for c, code, s, lim in zip(
        client.tolist(), side.tolist(), spec.tolist(), limit.tolist(), strict=True
    ):
        (r,) = excess_report(
            [AccountPosition(clients[c], SIDE_NAMES[code], s)],
            None if lim < 0 else lim,
            warn_level=warn_level,
        )
        excess.append(r.excess)
        usage.append(-1 if r.usage is None else ratio_bp(r.usage.numerator, r.usage.denominator))
        near.append(r.is_near_limit)
        over.append(r.is_over_limit)
    return ExcessArrays(
        np.array(excess, dtype=np.int64),
        np.array(usage, dtype=np.int64),
        np.array(near, dtype=np.bool_),
        np.array(over, dtype=np.bool_),
    )


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
    reader: Reader,
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
    session = reader.session
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
    held = exact_sum(mine["speculative_lots"].to_numpy(np.int64))
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


# ============================================================== the desk's view
@dataclass(frozen=True)
class LimitsRequest:
    """The limit table version and the warning level (share of the limit)."""

    version: str = "seed"
    warn_level: Fraction = WARN_LEVEL


@dataclass(frozen=True)
class LimitsView:
    """The position-limits desk. ``rows``: the report's rows plus ``effective_from``
    (R25: the trading day before the period's first trading day; None for the general
    period). ``no_data``: the report's contract/party combinations without limit data,
    ``no_data_products`` their products. ``error``: why there is no report."""

    day: date | None
    report: LimitsReport | None
    rows: pd.DataFrame
    no_data: pd.DataFrame
    no_data_products: tuple[str, ...]
    error: str


def limits_view(
    reader: Reader, request: LimitsRequest, progress: ProgressState | None = None
) -> LimitsView:
    """The post-settlement excess report with each period's effective date (a read)."""
    try:
        report = limits_report(
            reader, version=request.version, warn_level=request.warn_level, progress=progress
        )
    except InputError as exc:
        return LimitsView(None, None, pd.DataFrame(), pd.DataFrame(), (), str(exc))
    contracts = rq.contracts_frame(reader.session)
    month_of = dict(zip(contracts["contract_code"], contracts["delivery_month"], strict=True))
    rows = report.rows.copy()
    # Once per (contract, period), not per row; mapped back by position.
    pairs, index = _factorize_pairs(rows["contract_code"], rows["period"])
    cal = default_calendar()
    effective = [period_effective_from(report.trading_day, month_of[c], p, cal) for c, p in pairs]
    rows["effective_from"] = _take(effective, index)
    products = tuple(sorted(set(report.no_data["product_code"].tolist())))
    return LimitsView(report.trading_day, report, rows, report.no_data, products, "")


def _factorize_pairs(a: pd.Series, b: pd.Series) -> tuple[list[tuple[str, str]], Any]:
    """The distinct (a, b) pairs of two columns and each row's pair index."""
    codes_a, uniques_a = pd.factorize(a.to_numpy(dtype=object))
    codes_b, uniques_b = pd.factorize(b.to_numpy(dtype=object))
    width = max(len(uniques_b), 1)
    index, keys = pd.factorize(codes_a * width + codes_b)
    pairs = [(uniques_a[k // width], uniques_b[k % width]) for k in keys.tolist()]
    return pairs, index


def _take(values: list[Any], index: Any) -> Any:
    """``values[i]`` for each ``i`` of ``index`` as an object array (no per-row Python)."""
    table = np.empty(len(values), dtype=object)
    table[:] = values
    return table[index]
