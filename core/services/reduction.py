"""Forced-reduction preview of one contract from the database (spec 2.e).

Reads the lock flags, the positions of D3 and the unfilled closing orders standing at
the limit price, and runs ``core.rules.forced_reduction.preview_forced_reduction`` with
both roundings (largest remainder, R23, and the old half-up rule for comparison). The
preview is the desk's estimate; the exchange's result is the one that counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy.orm import Session

from core.db import queries
from core.db import risk_queries as rq
from core.db.reader import Reader
from core.errors import CalendarHorizonError, InputError
from core.money import bp_to_str, exact_sum, fen_to_str, ratio_bp
from core.progress import ProgressState
from core.rules.forced_reduction import (
    LockDirection,
    LockedContract,
    PositionBook,
    ReductionParams,
    ReductionPreview,
    Rounding,
    default_reduction_params,
    find_reduction_triggers,
    lock_sequence,
    locked_contract,
    pct_to_decimal,
    preview_forced_reduction,
    triggered_first,
)
from core.rules.sides import side_codes
from core.services._common import report, resolve_price_day
from core.trading_calendar import default_calendar

EXCHANGE_MAY_CHOOSE = frozenset({"j", "jm", "i", "jd", "fb", "bb", "pp", "cs"})
"""Products for which later DCE texts let the exchange choose other measures instead of
a forced reduction (spec 2.e (4): coke, coking coal, iron ore, egg, fiberboard,
blockboard, PP, corn starch): the preview says "reduction possible", not "will run"."""

LOOKBACK_TRADING_DAYS = 30
"""Trading days of lock flags read before D3 to place D1–D3 in its run (a longer run
restarts counting after each D3, see ``find_reduction_triggers``)."""

ROW_COLUMNS = (
    "client_code",
    "hedge",
    "side",
    "net_lots",
    "pnl_fen",
    "unit_pnl_bp",
    "role",
    "tier",
    "order_lots",
    "declared_lots",
    "closed_lots",
    "closed_largest_remainder",
    "closed_half_up",
)


@dataclass(frozen=True)
class ReductionOverrides:
    """Parameter overrides on top of ``resources/risk_params.toml`` (None = default)."""

    loss_threshold: Fraction | None = None
    tier_bounds: tuple[Fraction, ...] | None = None
    hedge_last: bool | None = None


@dataclass(frozen=True)
class ReductionReport:
    """Result of ``preview_reduction``.

    ``rows`` (one per net position with lots or orders; columns ``ROW_COLUMNS``):
    ``closed_lots`` uses the chosen ``rounding``; both roundings are side by side.
    ``side`` is long/short/flat; ``role`` declared/profitable/none; ``tier`` 0 for
    none; ``unit_pnl_bp`` the unit P&L rate in basis points (hundredths of a percent,
    nullable Int64, NA when flat), rounded half away from zero (the rule engine decides
    on exact fractions). Money in fen.
    """

    contract: str
    product: str
    d1: date
    d2: date
    d3: date
    direction: LockDirection
    as_if_d3: bool
    settlement_fen: int
    limit_price_fen: int
    multiplier: int
    rounding: Rounding
    params: ReductionParams
    exchange_may_choose: bool
    positions_count: int
    orders_count: int
    rows: pd.DataFrame
    preview: ReductionPreview
    largest_remainder: ReductionPreview
    half_up: ReductionPreview

    @property
    def unverified(self) -> tuple[str, ...]:
        return self.params.unverified

    @property
    def declared_lots(self) -> int:
        return exact_sum(self.preview.declared)

    @property
    def filled_lots(self) -> int:
        return exact_sum(self.preview.filled)

    @property
    def reduced_lots(self) -> int:
        return exact_sum(self.preview.reduced)

    @property
    def unfilled_lots(self) -> int:
        return self.preview.unfilled

    @property
    def overshoot_half_up(self) -> int:
        return self.half_up.overshoot

    @property
    def status(self) -> str:
        """ "reduction will run", "reduction possible (exchange may choose other
        measures)" or "nothing to reduce"."""
        if self.declared_lots == 0 or self.filled_lots == 0:
            return "nothing to reduce"
        if self.exchange_may_choose:
            return "reduction possible (exchange may choose other measures)"
        return "reduction will run"

    def summary_lines(self) -> list[str]:
        p = self.params
        mode = " (as if D3)" if self.as_if_d3 else ""
        return [
            f"forced reduction preview {self.contract}: {self.direction.value} on "
            f"D1 {self.d1}, D2 {self.d2}, D3 {self.d3}{mode}",
            f"S(D3) {fen_to_str(self.settlement_fen)}, limit price "
            f"{fen_to_str(self.limit_price_fen)}, multiplier {self.multiplier}",
            f"parameters: X={_pct(p.loss_threshold)} tiers="
            + "/".join(_pct(b) for b in p.tier_bounds)
            + f" hedge_last={p.hedge_last} pnl={p.pnl_method} rounding={self.rounding}",
            f"positions {self.positions_count} lines, closing orders {self.orders_count}; "
            f"declared {self.declared_lots}, filled {self.filled_lots}, counterparty "
            f"closed {self.reduced_lots}, unfilled {self.unfilled_lots}",
            f"half-up (old rule, comparison only): counterparty closed "
            f"{exact_sum(self.half_up.reduced)}, overshoot {self.overshoot_half_up}",
            f"status: {self.status}",
        ]

    def explain(self, client: str) -> list[str]:
        """How ``client``'s net positions were treated (chosen rounding).

        Raises InputError when the client has no position or order in the contract.
        """
        try:
            items = self.preview.explain_client(client)
        except KeyError:
            raise InputError(
                f"client {client!r} has no position or closing order in {self.contract} "
                f"on {self.d3}"
            ) from None
        out = [f"explanation for {client} ({self.rounding}):"]
        for e in items:
            if e.net_lots == 0 and not e.declared_lots:
                continue
            unit = "-" if e.unit_pnl is None else f"{_dec(e.unit_pnl)} yuan/lot"
            pct = "-" if e.unit_pnl_pct is None else _pct(e.unit_pnl_pct)
            out.append(
                f"  {'hedge' if e.hedge else 'speculative'} {e.side} {e.net_lots}: P&L "
                f"{fen_to_str(e.total_pnl_fen)}, unit {unit} ({pct}); role {e.role}"
                f"{'' if e.tier is None else f', tier {e.tier}'}; {e.note}"
            )
            for s in e.steps:
                out.append(
                    f"    tier {s.tier} ({s.side} side): raw {s.target} × {s.weight} / "
                    f"{s.total_weight} = {_dec(s.raw, 4)}, floor {s.floor}, fraction "
                    f"{_dec(s.fraction, 4)}, rounding +{s.rounding_step} → {s.lots}"
                )
        if len(out) == 1:
            out.append("  flat: no net position, never qualifies")
        return out


def _pct(x: Fraction) -> str:
    return bp_to_str(ratio_bp(x.numerator, x.denominator))


def _dec(x: Fraction, places: int = 2) -> str:
    return str(pct_to_decimal(x).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def _params(base: ReductionParams | None, overrides: ReductionOverrides | None) -> ReductionParams:
    p = base or default_reduction_params()
    o = overrides or ReductionOverrides()
    try:
        return replace(
            p,
            loss_threshold=p.loss_threshold if o.loss_threshold is None else o.loss_threshold,
            tier_bounds=p.tier_bounds if o.tier_bounds is None else o.tier_bounds,
            hedge_last=p.hedge_last if o.hedge_last is None else o.hedge_last,
        )
    except ValueError as exc:
        raise InputError(f"forced-reduction parameters: {exc}") from None


def _find_trigger(
    session: Session, contract: str, d3: date, last_trading_day: date | None
) -> tuple[date, date, LockDirection]:
    cal = default_calendar()
    try:
        first = cal.add_trading_days(d3, -LOOKBACK_TRADING_DAYS)
    except CalendarHorizonError:
        first = cal.known_from
    days = cal.trading_days(first, d3)
    flags = rq.lock_flags(session, contract, first, d3)
    seq = lock_sequence(days, flags)
    hits = [t for t in find_reduction_triggers(seq) if t.d3 == d3]
    if not hits:
        recent = ", ".join(f"{d} {flags.get(d, 'no price')}" for d in days[-3:])
        raise InputError(
            f"{contract} has no forced-reduction trigger ending on {d3} (three "
            f"consecutive same-direction limit-locked days are needed; last days: "
            f"{recent}); use --as-if-d3 limit_up|limit_down to preview anyway"
        )
    if not any(t.d3 == d3 for t in find_reduction_triggers(seq, last_trading_day=last_trading_day)):
        raise InputError(
            f"D3 {d3} is the last trading day of {contract}: no forced reduction, the "
            "contract goes to delivery (spec 2.e)"
        )
    t = hits[0]
    return t.d1, t.d2, t.direction


def preview_reduction(
    reader: Reader,
    contract: str,
    day: date | None = None,
    *,
    as_if_d3: LockDirection | str | None = None,
    rounding: Rounding | None = None,
    params: ReductionParams | None = None,
    overrides: ReductionOverrides | None = None,
    progress: ProgressState | None = None,
) -> ReductionReport:
    """Preview the forced reduction of ``contract`` after D3 = ``day`` (spec 2.e).

    ``day`` defaults to the latest trading day with settlement prices. Normally D1–D3
    come from the stored ``limit_lock`` flags over the trading calendar and S(D3) is the
    stored settlement price; with ``as_if_d3`` any contract is treated as if ``day`` were
    D3 locked in that direction, S(D3) being that day's stored limit price. Closing
    orders count when they close the losing side at the limit price on D3. Parameters:
    ``params`` (default resources/risk_params.toml) with ``overrides``; ``rounding``
    picks the primary rounding (both are computed). A read: nothing is written, no
    audit entry either. Raises InputError for an unknown contract, no price that day,
    no trigger, D3 being the contract's last trading day, or bad parameters.
    """
    session = reader.session
    info = rq.contract_info(session, contract)
    if info is None:
        raise InputError(f"unknown contract {contract!r}")
    d3 = resolve_price_day(session, day)
    report(progress, "read prices", 0, 3)
    price = rq.day_price(session, contract, d3)
    if price is None:
        raise InputError(f"no settlement price for {contract} on {d3}")
    cal = default_calendar()
    if as_if_d3 is not None:
        direction = LockDirection(as_if_d3)
        if info.last_trading_day == d3:
            raise InputError(
                f"D3 {d3} is the last trading day of {contract}: no forced reduction, "
                "the contract goes to delivery (spec 2.e)"
            )
        d1, d2 = cal.add_trading_days(d3, -2), cal.add_trading_days(d3, -1)
    else:
        d1, d2, direction = _find_trigger(session, contract, d3, info.last_trading_day)
    down = direction is LockDirection.LIMIT_DOWN
    limit = price.lower_limit_fen if down else price.upper_limit_fen
    if as_if_d3 is not None:
        if limit is None:
            raise InputError(
                f"no {'lower' if down else 'upper'} limit price stored for {contract} "
                f"on {d3}: cannot take it as the settlement price"
            )
        settlement = limit
    else:
        settlement = price.settlement_fen
        limit = settlement if limit is None else limit
    p = _params(params, overrides)
    if p.pnl_method != "open_price":
        raise InputError(
            "pnl_method 'd0_settlement' needs each line's opening day, which the "
            "database does not keep; use 'open_price'"
        )
    chosen: Rounding = rounding or p.rounding

    report(progress, "read positions and closing orders", 1, 3)
    pos = rq.contract_positions(session, contract, d3)
    orders = rq.closing_orders(
        session, contract, d3, side="long" if down else "short", price_fen=limit
    )
    codes, uniques = pd.factorize(
        pd.concat([pos["client_code"], orders["client_code"]], ignore_index=True)
    )
    codes = codes.astype(np.int64)
    n = len(pos)
    try:
        book = PositionBook(
            clients=tuple(str(c) for c in uniques),
            client=codes[:n],
            side=side_codes(pos["side"].to_numpy(dtype=object)),
            lots=pos["lots"].to_numpy(dtype=np.int64),
            open_price_fen=pos["open_price_fen"].to_numpy(dtype=np.int64),
            hedge=pos["hedge"].to_numpy(dtype=np.bool_),
        )
    except ValueError as exc:
        raise InputError(f"positions of {contract} on {d3}: {exc}") from None

    report(progress, "compute", 2, 3)
    previews = {
        r: preview_forced_reduction(
            book,
            codes[n:],
            orders["lots"].to_numpy(dtype=np.int64),
            settlement_fen=settlement,
            multiplier=info.multiplier,
            locked=direction,
            params=replace(p, rounding=r),
            contract=contract,
        )
        for r in ("largest_remainder", "half_up")
    }
    lrm, hu = previews["largest_remainder"], previews["half_up"]
    primary = previews[chosen]
    result = ReductionReport(
        contract=contract,
        product=info.product_code,
        d1=d1,
        d2=d2,
        d3=d3,
        direction=direction,
        as_if_d3=as_if_d3 is not None,
        settlement_fen=settlement,
        limit_price_fen=limit,
        multiplier=info.multiplier,
        rounding=chosen,
        params=replace(p, rounding=chosen),
        exchange_may_choose=info.product_code in EXCHANGE_MAY_CHOOSE,
        positions_count=n,
        orders_count=len(orders),
        rows=_rows(primary, lrm, hu),
        preview=primary,
        largest_remainder=lrm,
        half_up=hu,
    )
    report(progress, "done", 3, 3)
    return result


def _unit_pnl_bp(p: ReductionPreview, keys: npt.NDArray[np.int64]) -> pd.arrays.IntegerArray:
    """``p.unit_pnl_pct(k)`` in basis points for each key (NA when flat): ``pnl ×
    10,000 / (net × mult × S)`` rounded half away from zero, in exact integers."""
    net = p.net_lots[keys].tolist()
    pnl = p.pnl_fen[keys].tolist()
    scale = p.multiplier * p.settlement_fen
    bp = [0 if n == 0 else ratio_bp(v, n * scale) for n, v in zip(net, pnl, strict=True)]
    flat = np.array([n == 0 for n in net], dtype=np.bool_)
    return pd.arrays.IntegerArray(np.array(bp, dtype=np.int64), flat)


def _rows(p: ReductionPreview, lrm: ReductionPreview, hu: ReductionPreview) -> pd.DataFrame:
    keys = np.flatnonzero((p.net_lots > 0) | (p.orders > 0))
    closed = p.filled + p.reduced
    role = np.where(
        p.declared[keys] > 0, "declared", np.where(p.tier[keys] > 0, "profitable", "none")
    )
    side = np.where(p.net_lots[keys] == 0, "flat", np.where(p.net_long[keys], "long", "short"))
    frame = pd.DataFrame(
        {
            "client_code": [p.clients[int(k) >> 1] for k in keys],
            "hedge": (keys & 1).astype(bool),
            "side": side,
            "net_lots": p.net_lots[keys],
            "pnl_fen": p.pnl_fen[keys],
            "unit_pnl_bp": _unit_pnl_bp(p, keys),
            "role": role,
            "tier": p.tier[keys],
            "order_lots": p.orders[keys],
            "declared_lots": p.declared[keys],
            "closed_lots": closed[keys],
            "closed_largest_remainder": (lrm.filled + lrm.reduced)[keys],
            "closed_half_up": (hu.filled + hu.reduced)[keys],
        },
        columns=list(ROW_COLUMNS),
    )
    order_key = np.where(
        frame["role"] == "declared", 0, np.where(frame["role"] == "profitable", 1, 2)
    )
    frame["_o"] = order_key
    frame = frame.sort_values(["_o", "tier", "client_code", "hedge"], kind="stable")
    return frame.drop(columns="_o").reset_index(drop=True)


# ============================================================== the desk's view
RECENT_TRADING_DAYS = 5
"""Contracts locked on any of the last five trading days are offered first."""

DECLARING_KEYS = (
    "client_code",
    "hedge",
    "net_lots",
    "unit_pnl_bp",
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
    "unit_pnl_bp",
    "closed_largest_remainder",
    "closed_half_up",
    "differs",
)


def locked_contracts(reader: Reader, day: date) -> list[LockedContract]:
    """Contracts locked on any of the last ``RECENT_TRADING_DAYS`` trading days up to
    ``day``, triggered ones (D3 in the window) first (``triggered_first``)."""
    session = reader.session
    cal = default_calendar()
    try:
        window_start = cal.add_trading_days(day, -(RECENT_TRADING_DAYS - 1))
        look_start = cal.add_trading_days(day, -(RECENT_TRADING_DAYS + 10))
    except CalendarHorizonError:
        window_start = look_start = cal.known_from
    days = cal.trading_days(look_start, day)
    codes: set[str] = set()
    for d in days:
        if d >= window_start:
            codes.update(queries.limit_locked_contracts(session, d)["contract_code"].tolist())
    out: list[LockedContract] = []
    for code in sorted(codes):
        info = rq.contract_info(session, code)
        seq = lock_sequence(days, rq.lock_flags(session, code, look_start, day))
        last_day = None if info is None else info.last_trading_day
        locked = locked_contract(code, seq, window_start, last_trading_day=last_day)
        if locked is not None:
            out.append(locked)
    return triggered_first(out)


@dataclass(frozen=True)
class ReductionRequest:
    """What the desk asks for; ``contract`` None = the first triggered contract, D3 its
    trigger's (or, ``as_if_d3``, the latest price day)."""

    contract: str | None = None
    as_if_d3: LockDirection | None = None
    overrides: ReductionOverrides = field(default_factory=ReductionOverrides)


@dataclass(frozen=True)
class ReductionTotals:
    """Lots of one rounding's preview, summed over clients."""

    declared: int
    filled: int
    reduced: int
    unfilled: int
    overshoot: int

    @classmethod
    def of(cls, p: ReductionPreview) -> ReductionTotals:
        return cls(
            declared=exact_sum(p.declared),
            filled=exact_sum(p.filled),
            reduced=exact_sum(p.reduced),
            unfilled=int(p.unfilled),
            overshoot=int(p.overshoot),
        )


@dataclass(frozen=True)
class ReductionView:
    """The forced-reduction desk: the latest price ``day``, its ``contracts``, the
    recently ``locked`` ones and the preview (``report``) of ``contract``.

    ``declaring`` (``DECLARING_KEYS``) and ``profitable`` (``PROFITABLE_KEYS``): the
    report's rows of each side; ``differs`` where the two roundings close different
    lots. ``totals`` by rounding ("largest_remainder", "half_up"). ``error``: why there
    is no preview (an InputError's text), the contract list being still valid.
    """

    day: date | None
    contract: str | None
    contracts: tuple[str, ...]
    locked: tuple[LockedContract, ...]
    defaults: ReductionParams
    report: ReductionReport | None = None
    error: str = ""
    declaring: pd.DataFrame = field(default_factory=pd.DataFrame)
    profitable: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: dict[str, ReductionTotals] = field(default_factory=dict)


def reduction_view(
    reader: Reader, request: ReductionRequest, progress: ProgressState | None = None
) -> ReductionView:
    """The locked-contract list and the preview of the requested contract (a read)."""
    session = reader.session
    day = rq.latest_price_day(session)
    defaults = default_reduction_params()
    if day is None:
        return ReductionView(day, None, (), (), defaults)
    contracts = tuple(queries.settlement_prices_frame(session, day)["contract_code"].tolist())
    locked = tuple(locked_contracts(reader, day))
    contract, as_if = request.contract, request.as_if_d3
    if contract is None:
        first = next((c for c in locked if c.d3 is not None), None)
        if first is None:
            return ReductionView(day, None, contracts, locked, defaults)
        contract = first.code
    d3 = day
    if as_if is None:
        hit = next((c for c in locked if c.code == contract and c.d3 is not None), None)
        d3 = hit.d3 if hit is not None and hit.d3 is not None else day
    try:
        report = preview_reduction(
            reader, contract, d3, as_if_d3=as_if, overrides=request.overrides, progress=progress
        )
    except InputError as exc:
        return ReductionView(day, contract, contracts, locked, defaults, error=str(exc))
    rows = report.rows
    rows = rows.assign(differs=rows["closed_largest_remainder"] != rows["closed_half_up"])
    declaring = rows[rows["role"] == "declared"][list(DECLARING_KEYS)].reset_index(drop=True)
    profitable = rows[rows["role"] == "profitable"][list(PROFITABLE_KEYS)].reset_index(drop=True)
    totals = {
        "largest_remainder": ReductionTotals.of(report.largest_remainder),
        "half_up": ReductionTotals.of(report.half_up),
    }
    return ReductionView(
        day, contract, contracts, locked, defaults, report, "", declaring, profitable, totals
    )
