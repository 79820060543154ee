"""Forced-reduction preview of one contract from the database (spec 2.e).

Reads the lock flags, the positions of D3 and the unfilled closing orders standing at
the limit price, and runs ``core.rules.forced_reduction.preview_forced_reduction`` with
both roundings (largest remainder, R23, and the old half-up rule for comparison). The
preview is the desk's estimate; the exchange's result is the one that counts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db import risk_queries as rq
from core.errors import CalendarHorizonError, InputError
from core.money import fen_to_str
from core.progress import ProgressState
from core.rules.forced_reduction import (
    LockDirection,
    PositionBook,
    ReductionParams,
    ReductionPreview,
    Rounding,
    default_reduction_params,
    find_reduction_triggers,
    pct_to_decimal,
    preview_forced_reduction,
)
from core.services._common import audit, report, resolve_price_day
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
    "unit_pnl_pct",
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
    none; ``unit_pnl_pct`` a percentage string rounded half up to 0.01 % (display; the
    rule engine decides on exact fractions). Money in fen.
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
        return int(self.preview.declared.sum())

    @property
    def filled_lots(self) -> int:
        return int(self.preview.filled.sum())

    @property
    def reduced_lots(self) -> int:
        return int(self.preview.reduced.sum())

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
            f"{int(self.half_up.reduced.sum())}, overshoot {self.overshoot_half_up}",
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
    return f"{(pct_to_decimal(x) * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


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
    # A trading day without a stored price has no lock flag: it breaks the run.
    seq = [(d, None if flags.get(d, "none") == "none" else flags[d]) for d in days]
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
    session: Session,
    contract: str,
    day: date | None = None,
    *,
    as_if_d3: LockDirection | str | None = None,
    rounding: Rounding | None = None,
    params: ReductionParams | None = None,
    overrides: ReductionOverrides | None = None,
    progress: ProgressState | None = None,
    record_audit: bool = True,
) -> tuple[ReductionReport, Changes]:
    """Preview the forced reduction of ``contract`` after D3 = ``day`` (spec 2.e).

    ``day`` defaults to the latest trading day with settlement prices. Normally D1–D3
    come from the stored ``limit_lock`` flags over the trading calendar and S(D3) is the
    stored settlement price; with ``as_if_d3`` any contract is treated as if ``day`` were
    D3 locked in that direction, S(D3) being that day's stored limit price. Closing
    orders count when they close the losing side at the limit price on D3. Parameters:
    ``params`` (default resources/risk_params.toml) with ``overrides``; ``rounding``
    picks the primary rounding (both are computed). Writes an audit entry
    "preview.reduction" in the caller's transaction unless ``record_audit`` is false.
    Raises InputError for an unknown contract, no price that day, no trigger, D3 being
    the contract's last trading day, or bad parameters.
    """
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
            is_long=(pos["side"] == "long").to_numpy(dtype=np.bool_),
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
    changes = Changes.none()
    if record_audit:
        audit(session, REDUCTION_AUDIT, reduction_audit_detail(result))
        changes = Changes(audit=True)
    return result, changes


REDUCTION_AUDIT = "preview.reduction"


def reduction_audit_detail(result: ReductionReport) -> dict[str, object]:
    """The detail of the "preview.reduction" audit entry of ``result``."""
    return {
        "contract": result.contract,
        "d3": result.d3,
        "direction": result.direction.value,
        "as_if_d3": result.as_if_d3,
        "rounding": result.rounding,
        "declared": result.declared_lots,
        "filled": result.filled_lots,
        "reduced": result.reduced_lots,
        "unverified": list(result.params.unverified),
    }


def _pct_texts(p: ReductionPreview, keys: npt.NDArray[np.int64]) -> list[str]:
    """``_pct(p.unit_pnl_pct(k))`` ("" when flat) for each key, in exact integers.

    The percentage to two places is ``pnl × 10,000 / (net × mult × S)`` rounded half
    away from zero, as ``_pct``'s 28-digit quotient quantized half up gives it unless
    the quotient lies within its last digit of a tie: exact ties and values too large
    for that margin go through ``_pct`` itself.
    """
    net = p.net_lots[keys].astype(object)
    pnl = p.pnl_fen[keys].astype(object)
    scale = p.multiplier * p.settlement_fen
    out: list[str] = []
    for k, n, v in zip(keys.tolist(), net.tolist(), pnl.tolist(), strict=True):
        if n == 0:
            out.append("")
            continue
        den = n * scale
        num = v * 10_000
        sign = "-" if (num < 0) != (den < 0) and num != 0 else ""
        a, b = abs(num), abs(den)
        whole, rem = divmod(a, b)
        twice = 2 * rem
        if twice == b or b * (whole + 1) >= 10**26:
            fraction = p.unit_pnl_pct(int(k))
            assert fraction is not None
            out.append(_pct(fraction))
            continue
        cents = whole + (1 if twice > b else 0)
        out.append(f"{sign}{cents // 100}.{cents % 100:02d}%")
    return out


def _rows(p: ReductionPreview, lrm: ReductionPreview, hu: ReductionPreview) -> pd.DataFrame:
    keys = np.flatnonzero((p.net_lots > 0) | (p.orders > 0))
    closed = p.filled + p.reduced
    role = np.where(
        p.declared[keys] > 0, "declared", np.where(p.tier[keys] > 0, "profitable", "none")
    )
    side = np.where(p.net_lots[keys] == 0, "flat", np.where(p.net_long[keys], "long", "short"))
    pct = _pct_texts(p, keys)
    frame = pd.DataFrame(
        {
            "client_code": [p.clients[int(k) >> 1] for k in keys],
            "hedge": (keys & 1).astype(bool),
            "side": side,
            "net_lots": p.net_lots[keys],
            "pnl_fen": p.pnl_fen[keys],
            "unit_pnl_pct": pct,
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
