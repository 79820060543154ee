"""Rule kinds of the risk actions: forced-reduction, forced-liquidation, position-limit,
receipt-expiry, delivery-allocation (../shared/spec/cases/README.md)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Literal, cast

from core.calc import register
from core.calc.reader import CaseReader, Explain
from core.errors import CalendarHorizonError, CaseError
from core.money import MoneyOverflowError, fen_to_str
from core.rules.delivery_allocation import allocate_delivery
from core.rules.forced_liquidation import (
    LiquidationParams,
    MarginLine,
    default_liquidation_params,
    margin_book_from_lines,
    preview_forced_liquidation,
)
from core.rules.forced_reduction import (
    D0Valuation,
    OpenPosition,
    PnlMethod,
    ReductionParams,
    Rounding,
    book_from_lines,
    default_reduction_params,
    pct_to_decimal,
    preview_forced_reduction,
    price_to_fen,
)
from core.rules.liquidation_methods import LOTS_METHODS, REQUIREMENTS, LotsMethod, Requirement
from core.rules.plausibility import default_plausibility
from core.rules.position_limits import (
    AccountPosition,
    Party,
    Period,
    excess_report,
    position_limit,
)
from core.rules.receipt_expiry import Receipt, check_receipts

Side = Literal["long", "short"]
_SIDES = ("long", "short")


def _ratio_str(x: Fraction) -> str:
    return str(pct_to_decimal(x))


def _fraction_param(params: CaseReader, key: str, default: Fraction) -> Fraction:
    if not params.has(key):
        return default
    return Fraction(str(params.decimal(key, non_negative=True)))


def _price_fen(node: CaseReader, key: str) -> int:
    price = node.price(key)
    try:
        return price_to_fen(price)
    except ValueError as exc:
        raise node.fail(str(exc), key) from None


# ---------------------------------------------------------------- forced-reduction


@register("forced-reduction")
def run_forced_reduction(inp: CaseReader, params: CaseReader, explain: Explain) -> dict[str, Any]:
    base = default_reduction_params()
    bounds = base.tier_bounds
    if params.has("tier_bounds"):
        items = params.items("tier_bounds")
        if not items:
            raise params.fail("must list at least one bound", "tier_bounds")
        bounds = tuple(
            Fraction(str(CaseReader({"v": it.value}, it.path).decimal("v", positive=True)))
            for it in items
        )
    try:
        p = ReductionParams(
            loss_threshold=_fraction_param(params, "loss_threshold", base.loss_threshold),
            tier_bounds=bounds,
            hedge_last=params.bool("hedge_last", base.hedge_last),
            rounding=cast(
                Rounding,
                params.choice("rounding", ("largest_remainder", "half_up"), base.rounding),
            ),
            pnl_method=cast(
                PnlMethod,
                params.choice("pnl_method", ("open_price", "d0_settlement"), base.pnl_method),
            ),
            unverified=base.unverified,
        )
    except ValueError as exc:
        raise CaseError(params.path, str(exc)) from None
    contract = inp.str("contract")
    multiplier = inp.int("multiplier", minimum=1, maximum=default_plausibility().max_multiplier)
    settle = _price_fen(inp, "settlement_price")
    locked = inp.choice("locked", ("limit_down", "limit_up"))
    d0: D0Valuation | None = None
    if p.pnl_method == "d0_settlement":
        d0 = D0Valuation(inp.date("d0"), _price_fen(inp, "d0_settlement"))
    lines = []
    for node in inp.items("positions"):
        lines.append(
            OpenPosition(
                client=node.str("client"),
                side=cast(Side, node.choice("side", _SIDES)),
                lots=node.lots("lots"),
                open_price=node.price("open_price"),
                hedge=node.bool("hedge", False),
                open_day=node.date("open_day") if p.pnl_method == "d0_settlement" else None,
            )
        )
        _price_fen(node, "open_price")
    orders = [(o.str("client"), o.lots("lots")) for o in inp.items("closing_orders")]
    book = book_from_lines(lines, extra_clients=[c for c, _ in orders])
    index = {c: i for i, c in enumerate(book.clients)}
    try:
        res = preview_forced_reduction(
            book,
            [index[c] for c, _ in orders],
            [n for _, n in orders],
            settlement_fen=settle,
            multiplier=multiplier,
            locked=locked,
            params=p,
            contract=contract,
            d0=d0,
        )
    except MoneyOverflowError as exc:  # behind the limits of every value: the book's sums
        raise CaseError(inp.path + ".positions", str(exc)) from None
    for line in res.explain_lines():
        explain(line)
    return {
        "declared": [
            {"client": c, "lots": n, "unit_pnl_pct": str(pct_to_decimal(pct, 25))}
            for c, n, pct in res.declared_rows()
        ],
        "fills": [{"client": c, "lots": n} for c, n in res.fill_rows()],
        "reductions": [
            {"client": c, "lots": n, "tier": t, "hedge": h} for c, n, t, h in res.reduction_rows()
        ],
        "unfilled": res.unfilled,
        "overshoot": res.overshoot,
        "unverified": list(res.unverified),
    }


# ---------------------------------------------------------------- forced-liquidation


@register("forced-liquidation")
def run_forced_liquidation(inp: CaseReader, params: CaseReader, explain: Explain) -> dict[str, Any]:
    base = default_liquidation_params()
    min_reserve = params.money("min_reserve") if params.has("min_reserve") else base.min_reserve_fen
    if min_reserve < 0:  # before LiquidationParams, which refuses it without a path
        raise params.fail("must not be negative", "min_reserve")
    p = LiquidationParams(
        requirement=cast(
            Requirement,
            params.choice("requirement", REQUIREMENTS, base.requirement),
        ),
        lots_method=cast(
            LotsMethod,
            params.choice("lots_method", LOTS_METHODS, base.lots_method),
        ),
        min_reserve_fen=min_reserve,
        unverified=base.unverified,
    )
    member = inp.str("member")
    reserve = inp.money("reserve")
    deposit = inp.money("deposit") if inp.has("deposit") else 0
    if deposit < 0:
        raise inp.fail("must not be negative", "deposit")
    lines = []
    for node in inp.items("lines"):
        mpl = node.money("margin_per_lot")
        if mpl < 0:
            raise node.fail("must not be negative", "margin_per_lot")
        lines.append(
            MarginLine(
                client=node.str("client"),
                contract=node.str("contract"),
                side=cast(Side, node.choice("side", _SIDES)),
                lots=node.lots("lots"),
                margin_per_lot_fen=mpl,
            )
        )
    try:
        res = preview_forced_liquidation(
            margin_book_from_lines(lines),
            reserve,
            params=p,
            deposit_fen=deposit,
            member=member,
        )
    except MoneyOverflowError as exc:  # the member's total margin beyond exact int64
        where = f"{inp.path}.lines" + (f"[{exc.row}]" if exc.row is not None else "")
        raise CaseError(where, str(exc)) from None
    for line in res.explain_lines():
        explain(line)
    return {
        "required": fen_to_str(res.required_fen),
        "ratio": _ratio_str(res.ratio),
        "clients": [
            {
                "client": row["client"],
                "margin": fen_to_str(row["margin_fen"]),
                "release": fen_to_str(row["release_fen"]),
                "lines": [
                    {
                        "contract": ln["contract"],
                        "side": ln["side"],
                        "lots": ln["lots"],
                        "released": fen_to_str(ln["released_fen"]),
                    }
                    for ln in row["lines"]
                ],
            }
            for row in res.client_rows()
        ],
        "total_release": fen_to_str(res.total_release_fen),
        "total_released": fen_to_str(res.total_released_fen),
        "opening_banned": res.opening_banned,
        "below_min_reserve": res.below_min_reserve,
        "shortfall": fen_to_str(res.shortfall_fen),
        "unverified": list(res.unverified),
    }


# ---------------------------------------------------------------- position-limit


@register("position-limit")
def run_position_limit(inp: CaseReader, params: CaseReader, explain: Explain) -> dict[str, Any]:
    product = inp.str("product")
    period = inp.choice("period", tuple(x.value for x in Period))
    party = inp.choice("party", tuple(x.value for x in Party))
    oi = inp.lots("single_side_oi", maximum=default_plausibility().max_open_interest)
    version = params.str("version", "seed")
    found = position_limit(product, period, party, oi, version=version)
    if found.rule is None:
        raise CaseError(inp.path, found.warning or "no limit data")
    accounts = [
        AccountPosition(
            a.str("account"),
            cast(Side, a.choice("side", _SIDES)),
            a.lots("speculative_lots"),
            a.lots("hedge_lots"),
        )
        for a in inp.items("accounts")
    ]
    rows = excess_report(accounts, found.limit)
    rule = found.rule
    explain(
        f"limit {product} {period} {party} (table {version}, "
        f"{'verified' if rule.verified else 'UNVERIFIED'}: {rule.source})"
    )
    explain(
        f"single-side OI {oi} vs threshold {rule.threshold}: "
        + (
            f"fixed {rule.fixed}"
            if rule.threshold is None or oi <= rule.threshold
            else f"floor({rule.pct} × {oi})"
        )
        + f" = {found.limit}"
    )
    for r in rows:
        explain(
            f"  {r.account} {r.side}: speculative {r.speculative_lots} (hedge exempt), "
            f"excess {r.excess}{', near limit' if r.is_near_limit else ''}"
        )
    return {
        "limit": found.limit,
        "accounts": [
            {
                "account": r.account,
                "side": r.side,
                "speculative_lots": r.speculative_lots,
                "excess": r.excess,
                "near_limit": r.is_near_limit,
            }
            for r in rows
        ],
        "verified": rule.verified,
        "warning": found.warning,
    }


# ---------------------------------------------------------------- receipt-expiry


@register("receipt-expiry")
def run_receipt_expiry(inp: CaseReader, params: CaseReader, explain: Explain) -> dict[str, Any]:
    version = params.choice("rule_version", ("seed", "current"), "current")
    today = inp.date("today")
    receipts = []
    for node in inp.items("receipts"):
        # ``produced`` may be null (unknown) but not left out: a missing key is a typo
        produced = node.date("produced") if node.child("produced").value is not None else None
        registered = node.date("registered")
        if produced is not None and produced > registered:
            raise node.fail("must not be after the registration date", "produced")
        receipts.append(Receipt(node.str("id"), node.str("product"), registered, produced))
    try:
        checks = check_receipts(receipts, today, version=version)
    except CalendarHorizonError as exc:
        raise CaseError(inp.path + ".receipts", str(exc)) from None
    by_id = {r.id: r for r in receipts}
    for c in checks:
        r = by_id[c.id]
        explain(
            f"{c.id} ({r.product}, registered {r.registered}, rules {version}): "
            f"deadline "
            f"{c.deadline or 'none (no validity rule)'}; registrable {c.registrable}"
        )
    return {
        "receipts": [
            {
                "id": c.id,
                "deadline": c.deadline.isoformat() if c.deadline else None,
                "registrable": c.registrable,
            }
            for c in checks
        ]
    }


# ---------------------------------------------------------------- delivery-allocation


@register("delivery-allocation")
def run_delivery_allocation(
    inp: CaseReader, params: CaseReader, explain: Explain
) -> dict[str, Any]:
    ws = [(w.str("warehouse"), w.lots("lots")) for w in inp.items("warehouses")]
    bs = [(b.str("buyer"), b.lots("lots")) for b in inp.items("buyers")]
    for what, items in (("warehouses", ws), ("buyers", bs)):
        seen: set[str] = set()
        for i, (code, _) in enumerate(items):
            if code in seen:
                raise CaseError(f"{inp.path}.{what}[{i}]", f"duplicate code {code!r}")
            seen.add(code)
    total_w, total_b = sum(v for _, v in ws), sum(v for _, v in bs)
    if total_w != total_b:
        raise CaseError(
            inp.path,
            f"warehouse lots ({total_w}) and buyer lots ({total_b}) must be equal",
        )
    res = allocate_delivery(ws, bs)
    for line in res.explain_lines():
        explain(line)
    return {
        "pairs": [{"warehouse": p.warehouse, "buyer": p.buyer, "lots": p.lots} for p in res.pairs],
        "pair_count": res.pair_count,
        "lower_bound": res.lower_bound,
        "optimal": res.optimal,
        "method": res.method,
    }


__all__ = [
    "run_delivery_allocation",
    "run_forced_liquidation",
    "run_forced_reduction",
    "run_position_limit",
    "run_receipt_expiry",
]
