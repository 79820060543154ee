"""Worker-side loaders of the risk workbenches: call core services, shape frames for display.

Qt-free: every function here runs on a worker thread with its own session (or, for the
explanation, on any thread with values only) and returns frozen dataclasses and
DataFrames. Figures come from ``core.services`` and ``core.rules``; this module only
selects, renames and formats them (percentages and fractions as decimal strings) so
that the widgets do no arithmetic. Previews change no data, but each run is recorded in
the audit log (who ran which preview, when): the reduction, liquidation and limits
loaders write the service's entry in a transaction of its own after the reads
(``_record_audit``), the receipts loader commits the entry its service added
(``_commit_audit``); these are the only writes of these sessions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy.orm import Session

from core.db import queries
from core.db import risk_queries as rq
from core.errors import CalendarHorizonError, InputError
from core.progress import ProgressState
from core.rules.forced_liquidation import LiquidationParams, default_liquidation_params
from core.rules.forced_reduction import (
    LockDirection,
    ReductionParams,
    ReductionPreview,
    default_reduction_params,
    find_reduction_triggers,
    pct_to_decimal,
)
from core.rules.position_limits import limit_effective_from, limit_period
from core.services._common import audit
from core.services.delivery import SellerAllocation, allocate_ad_hoc, allocate_delivery_for_seller
from core.services.limits import LIMITS_AUDIT, LimitsReport, limits_audit_detail, limits_report
from core.services.liquidation import (
    LIQUIDATION_AUDIT,
    LiquidationReport,
    liquidation_audit_detail,
    preview_liquidation,
)
from core.services.receipts import ReceiptsReport, receipts_report
from core.services.reduction import (
    REDUCTION_AUDIT,
    ReductionOverrides,
    ReductionReport,
    preview_reduction,
    reduction_audit_detail,
)
from core.trading_calendar import default_calendar

Rounding = Literal["largest_remainder", "half_up"]
ROUNDINGS: tuple[Rounding, Rounding] = ("largest_remainder", "half_up")
RECENT_TRADING_DAYS = 5
"""Contracts locked on any of the last five trading days are offered first."""


def fraction_text(x: Fraction | None, places: int = 4) -> str:
    """An exact fraction as a decimal string rounded half up to ``places`` (display)."""
    if x is None:
        return "—"
    return str(pct_to_decimal(x).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def percent_values(texts: pd.Series) -> npt.NDArray[np.float64]:
    """Core's percentage texts ("6.00%") as fractions (0.06) for sorting and colours;
    NaN for "" or a missing value. Parsed once per distinct text, not per row."""
    index, distinct = pd.factorize(texts.to_numpy(dtype=object), use_na_sentinel=False)
    values = np.array(
        [float(u.rstrip("%")) / 100 if isinstance(u, str) and u else np.nan for u in distinct],
        dtype=np.float64,
    )
    return values[index] if len(index) else np.zeros(0, dtype=np.float64)


def percent_text(x: Fraction | None, places: int = 2) -> str:
    """An exact fraction as a percentage string (0.06 → "6.00%")."""
    if x is None:
        return "—"
    value = pct_to_decimal(x) * 100
    return f"{value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)}%"


# ============================================================== forced reduction
@dataclass(frozen=True)
class LockedContract:
    """A contract locked at the limit on one of the recent trading days.

    ``d3`` is the D3 of a forced-reduction trigger in the window (None: locked, but no
    three-day run; preview it "as if D3"). ``run_days`` counts consecutive locked days
    ending on ``last_locked``.
    """

    code: str
    direction: LockDirection
    last_locked: date
    run_days: int
    d3: date | None


def _commit_audit(session: Session) -> None:
    """Commit the audit entry a preview service added (the session's only write)."""
    session.commit()


def _record_audit(session: Session, action: str, detail: Mapping[str, object]) -> None:
    """Record a preview's audit entry in a transaction of its own and commit it.

    The preview read everything in one transaction; ending it before the write means
    the write does not need to upgrade that (by now possibly stale) read snapshot. In
    SQLite's WAL mode such an upgrade fails at once with "database is locked" when
    another connection committed meanwhile (the live monitor stores alerts every few
    seconds); a fresh write transaction waits for the lock instead.
    """
    session.rollback()  # nothing written yet: only ends the read transaction
    audit(session, action, detail)
    session.commit()


@dataclass(frozen=True)
class ReductionRequest:
    """What the user asked for; ``contract`` None = the first triggered contract."""

    contract: str | None = None
    as_if_d3: LockDirection | None = None
    overrides: ReductionOverrides = field(default_factory=ReductionOverrides)


@dataclass(frozen=True)
class ReductionTotals:
    declared: int
    filled: int
    reduced: int
    unfilled: int
    overshoot: int


@dataclass(frozen=True)
class ReductionData:
    """Result of ``load_reduction``.

    ``declaring``: client_code, hedge, net_lots, unit_pnl_pct, order_lots, declared_lots,
    closed_largest_remainder, closed_half_up, differs. ``profitable``: client_code,
    hedge, tier, net_lots, pnl_fen, unit_pnl_pct, closed_largest_remainder,
    closed_half_up, differs. ``error``: why there is no preview (InputError text).
    """

    day: date | None
    contract: str | None
    contracts: tuple[str, ...]
    locked: tuple[LockedContract, ...]
    defaults: ReductionParams
    report: ReductionReport | None
    error: str
    declaring: pd.DataFrame
    profitable: pd.DataFrame
    totals: dict[str, ReductionTotals]


DECLARING_KEYS = (
    "client_code",
    "hedge",
    "net_lots",
    "unit_pnl_pct",
    "order_lots",
    "declared_lots",
    "closed_largest_remainder",
    "closed_half_up",
    "differs",
)
PROFITABLE_KEYS = (
    "client_code",
    "hedge",
    "tier",
    "net_lots",
    "pnl_fen",
    "unit_pnl_pct",
    "closed_largest_remainder",
    "closed_half_up",
    "differs",
)


def locked_contracts(session: Session, day: date) -> list[LockedContract]:
    """Contracts locked on any of the last ``RECENT_TRADING_DAYS`` trading days up to
    ``day``, triggered ones (D3 in the window, ``find_reduction_triggers``) first."""
    cal = default_calendar()
    try:
        window_start = cal.add_trading_days(day, -(RECENT_TRADING_DAYS - 1))
        look_start = cal.add_trading_days(day, -(RECENT_TRADING_DAYS + 10))
    except CalendarHorizonError:
        window_start = look_start = cal.known_from
    days = cal.trading_days(look_start, day)
    recent = [d for d in days if d >= window_start]
    codes: set[str] = set()
    for d in recent:
        codes.update(queries.limit_locked_contracts(session, d)["contract_code"].tolist())
    out: list[LockedContract] = []
    for code in sorted(codes):
        info = rq.contract_info(session, code)
        flags = rq.lock_flags(session, code, look_start, day)
        seq = [(d, None if flags.get(d, "none") == "none" else flags[d]) for d in days]
        last = max(d for d, f in seq if f is not None and d >= window_start)
        direction = LockDirection(flags[last])
        run = 0
        for _d, f in reversed([(d, f) for d, f in seq if d <= last]):
            if f != direction.value:
                break
            run += 1
        triggers = find_reduction_triggers(
            seq, last_trading_day=None if info is None else info.last_trading_day
        )
        hits = [t.d3 for t in triggers if t.d3 >= window_start]
        out.append(LockedContract(code, direction, last, run, max(hits) if hits else None))
    out.sort(key=lambda c: (c.d3 is None, -(c.d3 or c.last_locked).toordinal(), c.code))
    return out


def _side_frames(report: ReductionReport) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = report.rows
    differs = rows["closed_largest_remainder"] != rows["closed_half_up"]
    # Parsed back from core's display string (no arithmetic): sorts as a number.
    rows = rows.assign(differs=differs, unit_pnl=percent_values(rows["unit_pnl_pct"]))
    declaring = rows[rows["role"] == "declared"][[*DECLARING_KEYS, "unit_pnl"]]
    profitable = rows[rows["role"] == "profitable"][[*PROFITABLE_KEYS, "unit_pnl"]]
    return declaring.reset_index(drop=True), profitable.reset_index(drop=True)


def _totals(p: ReductionPreview) -> ReductionTotals:
    return ReductionTotals(
        declared=int(p.declared.sum()),
        filled=int(p.filled.sum()),
        reduced=int(p.reduced.sum()),
        unfilled=int(p.unfilled),
        overshoot=int(p.overshoot),
    )


def load_reduction(
    session: Session, request: ReductionRequest, progress: ProgressState | None = None
) -> ReductionData:
    """Worker: the locked-contract list and the preview of the requested contract.

    An InputError of the preview (no trigger, bad parameters) is returned in ``error``
    so that the screen keeps its contract list and shows the reason inline.
    """
    day = rq.latest_price_day(session)
    defaults = default_reduction_params()
    empty = ReductionData(day, None, (), (), defaults, None, "", pd.DataFrame(), pd.DataFrame(), {})
    if day is None:
        return empty
    contracts = tuple(queries.settlement_prices_frame(session, day)["contract_code"].tolist())
    locked = tuple(locked_contracts(session, day))
    contract = request.contract
    d3: date = day
    as_if = request.as_if_d3
    if contract is None:
        first = next((c for c in locked if c.d3 is not None), None)
        if first is None:
            return ReductionData(
                day,
                None,
                contracts,
                locked,
                defaults,
                None,
                "",
                pd.DataFrame(),
                pd.DataFrame(),
                {},
            )
        contract = first.code
    if as_if is None:
        hit = next((c for c in locked if c.code == contract and c.d3 is not None), None)
        d3 = hit.d3 if hit is not None and hit.d3 is not None else day
    try:
        report, _ = preview_reduction(
            session,
            contract,
            d3,
            as_if_d3=as_if,
            overrides=request.overrides,
            progress=progress,
            record_audit=False,
        )
        _record_audit(session, REDUCTION_AUDIT, reduction_audit_detail(report))
    except InputError as exc:
        return ReductionData(
            day,
            contract,
            contracts,
            locked,
            defaults,
            None,
            str(exc),
            pd.DataFrame(),
            pd.DataFrame(),
            {},
        )
    declaring, profitable = _side_frames(report)
    totals = {
        "largest_remainder": _totals(report.largest_remainder),
        "half_up": _totals(report.half_up),
    }
    return ReductionData(
        day, contract, contracts, locked, defaults, report, "", declaring, profitable, totals
    )


@dataclass(frozen=True)
class ExplainedPosition:
    """One net position of a client, its figures as display strings (``explain_client``)."""

    hedge: bool
    side: str
    net_lots: int
    pnl_fen: int
    unit_pnl_yuan: str
    unit_pnl_pct: str
    role: str
    tier: int | None
    declared: int
    filled: int
    reduced: int
    note: str
    steps: pd.DataFrame
    """tier, side, weight, target, total_weight, raw, floor, fraction, rounding_step, lots."""


STEP_KEYS = (
    "tier",
    "side",
    "weight",
    "target",
    "total_weight",
    "raw",
    "floor",
    "fraction",
    "rounding_step",
    "lots",
)


def explain_client(preview: ReductionPreview, client: str) -> list[ExplainedPosition]:
    """How ``client``'s net positions were treated by ``preview`` (positions with lots
    or orders only). Raises KeyError for a client not in the preview."""
    out: list[ExplainedPosition] = []
    for e in preview.explain_client(client):
        if e.net_lots == 0 and not e.declared_lots:
            continue
        steps = pd.DataFrame(
            [
                {
                    "tier": s.tier,
                    "side": s.side,
                    "weight": s.weight,
                    "target": s.target,
                    "total_weight": s.total_weight,
                    "raw": fraction_text(s.raw),
                    "floor": s.floor,
                    "fraction": fraction_text(s.fraction),
                    "rounding_step": s.rounding_step,
                    "lots": s.lots,
                }
                for s in e.steps
            ],
            columns=list(STEP_KEYS),
        )
        out.append(
            ExplainedPosition(
                hedge=e.hedge,
                side=e.side,
                net_lots=e.net_lots,
                pnl_fen=e.total_pnl_fen,
                unit_pnl_yuan=fraction_text(e.unit_pnl, 2),
                unit_pnl_pct=percent_text(e.unit_pnl_pct),
                role=e.role,
                tier=e.tier,
                declared=e.declared_lots,
                filled=e.filled_lots,
                reduced=e.reduced_lots,
                note=e.note,
                steps=steps,
            )
        )
    return out


def reduction_export_frame(data: ReductionData, rounding: Rounding) -> pd.DataFrame:
    """The allocation of both sides for export: the report's rows with the chosen
    rounding in ``closed_lots``."""
    assert data.report is not None
    rows = data.report.rows.copy()
    rows["closed_lots"] = rows[f"closed_{rounding}"]
    return rows[rows["role"] != "none"].reset_index(drop=True)


# ============================================================== forced liquidation
@dataclass(frozen=True)
class LiquidationRequest:
    member: str | None = None
    reserve_fen: int | None = None
    deposit_fen: int = 0
    requirement: str | None = None
    lots_method: str | None = None


@dataclass(frozen=True)
class LiquidationData:
    """Result of ``load_liquidation``.

    ``members``: member_code, member_name, reserve_fen (latest), min_reserve_fen,
    below_zero. ``orders``: the order list for the trading desk (client_code,
    contract_code, side, close_side, hedge, close_lots, released_fen), lines to close only.
    """

    day: date | None
    members: pd.DataFrame
    member: str | None
    defaults: LiquidationParams
    report: LiquidationReport | None
    error: str
    orders: pd.DataFrame


ORDER_KEYS = (
    "client_code",
    "contract_code",
    "side",
    "close_side",
    "hedge",
    "close_lots",
    "released_fen",
)


def load_liquidation(
    session: Session, request: LiquidationRequest, progress: ProgressState | None = None
) -> LiquidationData:
    """Worker: members with their latest reserve, and the chosen member's preview.

    The default member is the first below zero, else the first member. InputErrors of
    the preview are returned in ``error``.
    """
    day = rq.latest_price_day(session)
    defaults = default_liquidation_params()
    members = queries.members_frame(session, day)
    members = members[["member_code", "member_name", "reserve_fen", "min_reserve_fen"]].copy()
    members["below_zero"] = members["reserve_fen"].fillna(0).astype("int64") < 0
    members = members.sort_values(["below_zero", "member_code"], ascending=[False, True])
    members = members.reset_index(drop=True)
    member = request.member
    if member is None and len(members):
        member = str(members["member_code"].iloc[0])
    empty_orders = pd.DataFrame(columns=list(ORDER_KEYS))
    if day is None or member is None:
        return LiquidationData(day, members, member, defaults, None, "", empty_orders)
    try:
        report, _ = preview_liquidation(
            session,
            member,
            day,
            reserve_fen=request.reserve_fen,
            deposit_fen=request.deposit_fen,
            requirement=request.requirement,  # type: ignore[arg-type]
            lots_method=request.lots_method,  # type: ignore[arg-type]
            progress=progress,
            record_audit=False,
        )
        _record_audit(session, LIQUIDATION_AUDIT, liquidation_audit_detail(report))
    except InputError as exc:
        return LiquidationData(day, members, member, defaults, None, str(exc), empty_orders)
    lines = report.lines
    to_close = lines[lines["close_lots"] > 0].copy()
    to_close["close_side"] = to_close["side"].map({"long": "sell", "short": "buy"})
    orders = to_close[list(ORDER_KEYS)].reset_index(drop=True)
    return LiquidationData(day, members, member, defaults, report, "", orders)


def liquidation_order_list(data: LiquidationData) -> pd.DataFrame:
    """The trading desk's order list: client, contract, side to close, lots."""
    frame = data.orders[["client_code", "contract_code", "close_side", "close_lots"]]
    return frame.rename(columns={"close_side": "side_to_close", "close_lots": "lots"})


# ============================================================== position limits
@dataclass(frozen=True)
class LimitsRequest:
    version: str = "seed"
    warn_level: Fraction = Fraction(8, 10)


@dataclass(frozen=True)
class LimitsData:
    """``rows``: the report's rows plus ``effective_from`` (R25: the trading day before
    the period's first trading day; None for the general period). ``no_data``: the
    report's list of contract/party combinations without limit data."""

    day: date | None
    report: LimitsReport | None
    rows: pd.DataFrame
    no_data: pd.DataFrame
    no_data_products: tuple[str, ...]
    error: str


def period_effective_from(day: date, delivery_month: date, period: str) -> date | None:
    """The trading day from which ``period``'s limit applies (spec 2.g, R25), shown
    only for the period in force on ``day`` (``core.rules.position_limits.
    limit_effective_from``). None for the general period, another period, or past the
    calendar."""
    cal = default_calendar()
    y, m = delivery_month.year, delivery_month.month
    try:
        if limit_period(day, y, m, cal).value != period:
            return None
        return limit_effective_from(day, y, m, cal)
    except CalendarHorizonError:
        return None


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


def load_limits(
    session: Session, request: LimitsRequest, progress: ProgressState | None = None
) -> LimitsData:
    """Worker: the post-settlement excess report with each period's effective date."""
    try:
        report, _ = limits_report(
            session,
            version=request.version,
            warn_level=request.warn_level,
            progress=progress,
            record_audit=False,
        )
        _record_audit(session, LIMITS_AUDIT, limits_audit_detail(report))
    except InputError as exc:
        return LimitsData(None, None, pd.DataFrame(), pd.DataFrame(), (), str(exc))
    contracts = rq.contracts_frame(session)
    month_of = dict(zip(contracts["contract_code"], contracts["delivery_month"], strict=True))
    rows = report.rows.copy()
    # Once per (contract, period), not per row; mapped back by position.
    pairs, index = _factorize_pairs(rows["contract_code"], rows["period"])
    effective = [period_effective_from(report.trading_day, month_of[c], p) for c, p in pairs]
    rows["effective_from"] = _take(effective, index)
    # Parsed back from core's display string (no arithmetic here): sorts and colours.
    rows["usage"] = percent_values(rows["usage_pct"])
    products = tuple(sorted(set(report.no_data["product_code"].tolist())))
    return LimitsData(report.trading_day, report, rows, report.no_data, products, "")


# ============================================================== warehouse receipts
@dataclass(frozen=True)
class ReceiptsRequest:
    version: str = "current"
    holder: str | None = None
    expiring_days: int = 10


@dataclass(frozen=True)
class ReceiptsData:
    """``holdings``: the report's holdings plus ``urgency`` ("past": overdue, "soon",
    ""). ``receipts``: every receipt with ``urgency``. ``deadlines``: {deadline: receipts}.
    ``holders``: every holder code with receipts (for the "my receipts" filter).
    ``totals``: receipts, lots and tons of ``receipts``."""

    day: date | None
    version: str
    report: ReceiptsReport | None
    holdings: pd.DataFrame
    receipts: pd.DataFrame
    deadlines: dict[date, int]
    holders: tuple[str, ...]
    total_tons: int
    total_lots: int
    error: str


def _urgency(deadline: object, left: object, day: date, window: int) -> str:
    if not isinstance(deadline, date):
        return ""
    if deadline < day:
        return "past"
    if left is not None and left is not pd.NA and int(str(left)) <= window:
        return "soon"
    return ""


def load_receipts(
    session: Session, request: ReceiptsRequest, progress: ProgressState | None = None
) -> ReceiptsData:
    """Worker: receipts with deadlines for the rule version, optionally one holder's."""
    holders_frame = rq.receipts_frame(session, statuses=("held", "margin", "delivery"))
    holders = tuple(sorted(set(holders_frame["holder_code"].tolist())))
    try:
        report, _ = receipts_report(
            session,
            holder=request.holder,
            version=request.version,
            expiring_days=request.expiring_days,
            progress=progress,
            record_audit=True,
        )
        _commit_audit(session)
    except InputError as exc:
        return ReceiptsData(
            None,
            request.version,
            None,
            pd.DataFrame(),
            pd.DataFrame(),
            {},
            holders,
            0,
            0,
            str(exc),
        )
    day, window = report.trading_day, report.expiring_days
    holdings = report.holdings.copy()
    holdings["urgency"] = [
        _urgency(d, n, day, window)
        for d, n in zip(holdings["next_deadline"], holdings["trading_days_left"], strict=True)
    ]
    receipts = report.receipts.copy()
    receipts["urgency"] = [
        _urgency(d, n, day, window)
        for d, n in zip(receipts["deadline"], receipts["trading_days_left"], strict=True)
    ]
    deadlines = (
        receipts.dropna(subset=["deadline"]).groupby("deadline")["receipt_no"].count().to_dict()
    )
    return ReceiptsData(
        day,
        request.version,
        report,
        holdings,
        receipts,
        {d: int(n) for d, n in deadlines.items() if isinstance(d, date)},
        holders,
        int(receipts["tons"].sum()),
        int(receipts["lots"].sum()),
        "",
    )


@dataclass(frozen=True)
class HoldingNode:
    """One node of the receipts tree: product, warehouse or holder (holder × status).

    Sums of lots, tons and receipts over the children; the earliest deadline below.
    ``deadline_status`` is core's: "overdue" (a receipt below is still registered past
    its deadline, the one shown), "ok" (a deadline is known), else why there is none,
    "beyond_calendar" (any receipt below has its deadline past the calendar) or
    "no_rule".
    """

    level: int
    code: str
    status: str
    receipts: int
    lots: int
    tons: int
    next_deadline: date | None
    days_left: int | None
    urgency: str
    children: tuple[HoldingNode, ...] = ()
    deadline_status: str = "ok"


def holdings_tree(holdings: pd.DataFrame) -> tuple[HoldingNode, ...]:
    """product → warehouse → holder (one leaf per holder and status) from holdings rows."""
    rank = {"past": 2, "soon": 1, "": 0}

    def rollup(level: int, code: str, kids: Sequence[HoldingNode]) -> HoldingNode:
        dated = [k for k in kids if k.next_deadline is not None]
        first = min(dated, key=lambda k: k.next_deadline or date.max) if dated else None
        return HoldingNode(
            level,
            code,
            "",
            sum(k.receipts for k in kids),
            sum(k.lots for k in kids),
            sum(k.tons for k in kids),
            None if first is None else first.next_deadline,
            None if first is None else first.days_left,
            max((k.urgency for k in kids), key=rank.__getitem__, default=""),
            tuple(kids),
            _rolled_status(first, kids),
        )

    products: list[HoldingNode] = []
    if holdings.empty:
        return ()
    for product, pgroup in holdings.groupby("product_code", sort=True):
        warehouses = []
        for warehouse, wgroup in pgroup.groupby("warehouse_code", sort=True):
            leaves = [
                HoldingNode(
                    2,
                    str(r["holder_code"]),
                    str(r["status"]),
                    int(r["receipts"]),
                    int(r["lots"]),
                    int(r["tons"]),
                    r["next_deadline"] if isinstance(r["next_deadline"], date) else None,
                    None if pd.isna(r["trading_days_left"]) else int(r["trading_days_left"]),
                    str(r["urgency"]),
                    deadline_status=str(r.get("deadline_status", "ok")),
                )
                for r in wgroup.to_dict("records")
            ]
            warehouses.append(rollup(1, str(warehouse), leaves))
        products.append(rollup(0, str(product), warehouses))
    return tuple(products)


def _rolled_status(first: HoldingNode | None, kids: Sequence[HoldingNode]) -> str:
    """A parent's deadline status: core's rule for holdings, applied to the children."""
    if any(k.deadline_status == "overdue" for k in kids):
        return "overdue"
    if first is not None:
        return "ok"
    if any(k.deadline_status == "beyond_calendar" for k in kids):
        return "beyond_calendar"
    return "no_rule"


# ============================================================== delivery
MATCH_KEYS = tuple(rq.MATCH_COLUMNS)
"""Columns of ``DeliveryData.matches`` (``core.db.risk_queries.delivery_matches``)."""


@dataclass(frozen=True)
class DeliveryRequest:
    seller: str | None = None
    contract: str | None = None


@dataclass(frozen=True)
class DeliveryData:
    """``matches``: every stored delivery match (``MATCH_KEYS``), newest first.
    ``sellers``: (seller, contract) pairs with matches. ``allocation``: the chosen
    seller's minimum-pairing allocation (not recorded), or ``error``. ``sellers`` lists
    those with a match still pending allocation first; without a choice the first is
    shown."""

    day: date | None
    matches: pd.DataFrame
    sellers: tuple[tuple[str, str], ...]
    allocation: SellerAllocation | None
    error: str
    chosen: tuple[str, str] | None = None


def load_delivery(
    session: Session, request: DeliveryRequest, progress: ProgressState | None = None
) -> DeliveryData:
    """Worker: stored matches and the chosen seller's allocation (read-only)."""
    day = rq.latest_price_day(session)
    matches = rq.delivery_matches(session)
    # Sellers with a match still pending allocation first (the others have delivered
    # their receipts already), each group by seller and contract.
    waiting = {
        (str(s), str(c))
        for s, c, state in matches[["seller_code", "contract_code", "allocation_state"]]
        .drop_duplicates()
        .itertuples(index=False, name=None)
        if state == "pending"
    }
    pairs = matches[["seller_code", "contract_code"]].drop_duplicates()
    sellers = tuple(
        sorted(
            ((str(s), str(c)) for s, c in pairs.itertuples(index=False, name=None)),
            key=lambda sc: (sc not in waiting, sc),
        )
    )
    seller, contract = request.seller, request.contract
    if seller is None and sellers:
        seller, contract = sellers[0]
    if seller is None or contract is None:
        return DeliveryData(day, matches, sellers, None, "")
    chosen = (seller, contract)
    try:
        allocation, _ = allocate_delivery_for_seller(
            session, None, seller, contract, record=False, progress=progress
        )
    except InputError as exc:
        return DeliveryData(day, matches, sellers, None, str(exc), chosen)
    return DeliveryData(day, matches, sellers, allocation, "", chosen)


def parse_lots_list(text: str, what: str) -> list[tuple[str, int]]:
    """Parse "W1:30, W2:20" (or one "code lots" per line) into (code, lots) pairs.

    Raises InputError naming ``what`` and the bad item.
    """
    items: list[tuple[str, int]] = []
    for raw in text.replace("\n", ",").replace("，", ",").replace(";", ",").split(","):
        part = raw.strip()
        if not part:
            continue
        code, sep, lots = part.replace("：", ":").replace("=", ":").partition(":")
        if not sep:
            code, _, lots = part.rpartition(" ")
        code, lots = code.strip(), lots.strip()
        if not code or not lots.isdigit():
            raise InputError(f"{what}: expected CODE:LOTS, got {part!r}")
        items.append((code, int(lots)))
    if not items:
        raise InputError(f"{what}: enter at least one CODE:LOTS")
    return items


def allocate_given(warehouses_text: str, buyers_text: str) -> SellerAllocation:
    """Worker: the ad hoc minimal-pairs allocation of typed warehouse and buyer lots."""
    return allocate_ad_hoc(
        parse_lots_list(warehouses_text, "warehouses"), parse_lots_list(buyers_text, "buyers")
    )


def allocation_matrix_frame(allocation: SellerAllocation) -> pd.DataFrame:
    """warehouse × buyer lots (0 where no pair) with a ``warehouse_code`` first column."""
    buyers = [b for b, _ in allocation.buyers]
    cells = {(p.warehouse, p.buyer): p.lots for p in allocation.allocation.pairs}
    rows = [
        {"warehouse_code": w, "lots": n, **{f"b:{b}": cells.get((w, b), 0) for b in buyers}}
        for w, n in allocation.warehouses
    ]
    return pd.DataFrame(rows, columns=["warehouse_code", "lots", *[f"b:{b}" for b in buyers]])


def default_params() -> tuple[ReductionParams, LiquidationParams]:
    """The configured defaults (resources/risk_params.toml) with their unverified lists."""
    return default_reduction_params(), default_liquidation_params()
