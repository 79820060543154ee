"""Rule kinds of the money engine: margin-schedule, client-funds, member-settlement.

Formats: ``../shared/spec/cases/README.md``. Missing params take the defaults of spec
Appendix A. Bad input raises ``CaseError`` naming the JSON path of the bad value.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from core.calc import register
from core.calc.reader import CaseReader, Explain
from core.errors import CalendarHorizonError, CaseError
from core.money import fen_to_str
from core.rules.funds import (
    ClientFunds,
    FundsParams,
    OverCloseError,
    PositionLine,
    Receipt,
    Trade,
    client_funds,
)
from core.rules.plausibility import default_plausibility
from core.rules.settlement import (
    DEFAULT_MIN_RESERVE_FEN,
    ConversionError,
    ExtraFee,
    HedgeConversion,
    MemberSettlement,
    SettlementParams,
    settle_member,
)

_SIDES = ("long", "short")


def _rate_str(rate: Decimal) -> str:
    """A rate as a decimal string with at least two places ("0.10", "0.125")."""
    if rate == rate.quantize(Decimal("0.01")):
        return str(rate.quantize(Decimal("0.01")))
    return format(rate.normalize(), "f")


def _price(node: CaseReader, key: str) -> Decimal:
    return node.price(key)


def _read_trades(line: CaseReader, actions: tuple[str, ...]) -> tuple[Trade, ...]:
    """A line's trades; open and close need their ``fee`` (the money charged), a
    delivery has none (its fee is charged per ton at settlement, spec 2.k)."""
    trades = []
    for tr in line.items("trades"):
        action = tr.choice("action", actions)
        lots = tr.lots("lots")
        price = _price(tr, "price")
        if action == "deliver":
            if tr.has("fee") and tr.money("fee") != 0:
                raise tr.fail("must be absent: a delivery carries no trade fee", "fee")
            fee = 0
        else:
            fee = tr.money("fee")
        if fee < 0:
            raise tr.fail(f"must not be negative, got {fen_to_str(fee)}", "fee")
        trades.append(Trade(action, lots, price, fee))
    return tuple(trades)


def _read_lines(inp: CaseReader, *, settlement: bool) -> list[PositionLine]:
    actions = ("open", "close", "deliver") if settlement else ("open", "close")
    out = []
    for ln in inp.items("lines"):
        mult = ln.int("multiplier", minimum=1, maximum=default_plausibility().max_multiplier)
        side = ln.choice("side", _SIDES)
        rate = ln.decimal("rate", non_negative=True)
        if rate > 1:
            raise ln.fail(f"a margin rate must be at most 1, got {rate}", "rate")
        out.append(
            PositionLine(
                contract=ln.str("contract"),
                product=ln.str("product"),
                multiplier=mult,
                side="long" if side == "long" else "short",
                hedge=ln.bool("hedge", False),
                prior_settlement=_price(ln, "prior_settlement"),
                rate=rate,
                historic_lots=ln.lots("historic_lots"),
                trades=_read_trades(ln, actions),
                last_price=_price(ln, "last_price") if ln.has("last_price") else None,
                settlement=_price(ln, "settlement") if settlement else None,
            )
        )
    return out


def _read_receipts(inp: CaseReader) -> list[Receipt]:
    tons = default_plausibility().max_tons
    return [
        Receipt(r.str("product"), r.lots("tons", maximum=tons), _price(r, "base_price"))
        for r in inp.items("receipts")
    ]


def _haircut(params: CaseReader) -> Decimal:
    h = params.decimal("haircut", "0.8", non_negative=True)
    if h > 1:
        raise params.fail(f"must be between 0 and 1, got {h}", "haircut")
    return h


def _cash_cap(params: CaseReader) -> Decimal | None:
    if params.has("cash_cap_multiple"):
        return params.decimal("cash_cap_multiple", non_negative=True)
    return None if params.child("cash_cap_multiple", 4).value is None else Decimal(4)


def _non_negative_money(node: CaseReader, key: str, default: str | None = None) -> int:
    """A money amount ≥ 0; required unless a ``default`` is given (only for the extras
    this program accepts beyond the case format, e.g. ``frozen``)."""
    value = node.money(key) if default is None else node.money(key, default)
    if value < 0:
        raise node.fail(f"must not be negative, got {fen_to_str(value)}", key)
    return value


def _over_close(exc: OverCloseError) -> CaseError:
    return CaseError(
        f"input.lines[{exc.line}].trades[{exc.trade}].lots",
        f"closes {exc.requested} lots but only {exc.held} are open",
    )


# --------------------------------------------------------------------- margin-schedule


@register("margin-schedule")
def run_margin_schedule(inp: CaseReader, params: CaseReader, explain: Explain) -> dict[str, Any]:
    """Spec 2.b: open and settlement rate of a contract on each given trading day."""
    from core.reference.products import default_products, parse_contract_code
    from core.rules.margin_schedule import (
        ContractMargin,
        default_margin_schedules,
        rate_open,
        rate_settle,
    )
    from core.trading_calendar import default_calendar

    contract = inp.str("contract")
    try:
        code = parse_contract_code(contract)
    except ValueError as exc:
        raise CaseError(inp.child("contract").path, str(exc)) from None
    product_code = inp.str("product")
    products = default_products()
    if product_code not in products:
        raise inp.fail(f"unknown product {product_code!r}", "product")
    if product_code != code.product:
        raise inp.fail(f"contract {contract} is not of product {product_code}", "product")
    product = products[product_code]
    dm_node = inp.child("delivery_month")
    try:
        dm = date.fromisoformat(f"{dm_node.value}-01") if isinstance(dm_node.value, str) else None
    except ValueError:
        dm = None
    if dm is None:
        raise CaseError(dm_node.path, f"must be a month YYYY-MM, got {dm_node.value!r}")
    if (dm.year, dm.month) != (code.year, code.month):
        raise CaseError(dm_node.path, f"does not match the contract code {contract}")
    general = inp.decimal("general_rate", positive=True)
    if general > 1:
        raise inp.fail(f"a margin rate must be at most 1, got {general}", "general_rate")
    schedules = default_margin_schedules()
    sid = params.str("schedule", product.margin_schedule)
    if sid not in schedules:
        raise params.fail(
            f"unknown schedule {sid!r}; known: {', '.join(sorted(schedules))}",
            "schedule",
        )
    minimum = params.decimal("contract_minimum", str(product.min_margin), non_negative=True)
    cal = default_calendar()
    try:
        ltd = product.last_trading_day(dm.year, dm.month, cal)
    except CalendarHorizonError as exc:
        raise inp.fail(str(exc), "delivery_month") from None
    cm = ContractMargin(
        contract=contract,
        delivery_year=dm.year,
        delivery_month=dm.month,
        schedule=schedules[sid],
        general_rate=general,
        contract_minimum=minimum,
        last_trading_day=ltd,
    )
    explain(
        f"{contract}: schedule {sid} ({schedules[sid].description}); general rate "
        f"{general}, contract minimum {minimum}; last trading day {ltd}"
    )
    rows = []
    warnings: list[str] = []
    for node in inp.items("dates"):
        d: date = node.as_date()
        try:
            if not cal.is_trading_day(d):
                raise CaseError(node.path, f"{d.isoformat()} is not a trading day")
            settle = rate_settle(cm, d, cal=cal)
            opened = rate_open(cm, d, cal=cal)
        except (ValueError, CalendarHorizonError) as exc:
            raise CaseError(node.path, str(exc)) from None
        for w in (*opened.warnings, *settle.warnings):
            if w not in warnings:
                warnings.append(w)
        explain(
            f"  {d}: open {opened.rate} (settlement of {cal.prev_td(d)}); settle "
            f"{settle.rate} from {settle.source}"
            + (f" step starting {settle.step_start}" if settle.step_start else "")
            + f" (period of next trading day {cal.next_td(d) if d != ltd else d})"
        )
        rows.append(
            {
                "date": d.isoformat(),
                "open_rate": _rate_str(opened.rate),
                "settle_rate": _rate_str(settle.rate),
            }
        )
    for w in warnings:
        explain(f"  warning: {w}")
    rows.sort(key=lambda r: r["date"])
    return {"contract": contract, "schedule": sid, "rates": rows, "warnings": warnings}


# --------------------------------------------------------------------- client-funds


def _explain_funds(explain: Explain, res: ClientFunds, lines: list[PositionLine]) -> None:
    for ln, lf in zip(lines, res.lines, strict=True):
        explain(
            f"{ln.contract} {ln.side}{' hedge' if ln.hedge else ''}: historic "
            f"{ln.historic_lots}, {len(ln.trades)} trade(s) -> "
            f"{lf.lots_left} lots open; "
            f"close P&L {fen_to_str(lf.close_pnl_fen)}, fees {fen_to_str(lf.fees_fen)}"
        )
        explain(
            f"  margin {ln.prior_settlement} x {ln.multiplier} x {lf.lots_left} x "
            f"{ln.rate} = {fen_to_str(lf.margin_fen)} (half up)"
        )
        if lf.floating_pnl_fen is not None:
            explain(f"  floating P&L at {ln.last_price}: {fen_to_str(lf.floating_pnl_fen)}")
    for po in res.products:
        explain(
            f"product {po.product}: margin {fen_to_str(po.margin_fen)}, offset value "
            f"{fen_to_str(po.offset_value_fen)}, used {fen_to_str(po.offset_used_fen)}"
        )


@register("client-funds")
def run_client_funds(inp: CaseReader, params: CaseReader, explain: Explain) -> dict[str, Any]:
    """Spec 2.a/2.c: a client's intraday margin and available funds."""
    balance = inp.money("balance")
    deposits = _non_negative_money(inp, "deposits")
    withdrawals = _non_negative_money(inp, "withdrawals")
    frozen = _non_negative_money(inp, "frozen", "0.00")  # an extra of this program
    lines = _read_lines(inp, settlement=False)
    receipts = _read_receipts(inp)
    fp = FundsParams(
        haircut=_haircut(params),
        cash_cap_multiple=_cash_cap(params),
        deduct_floating_loss=params.bool("deduct_floating_loss", False),
    )
    try:
        res = client_funds(balance, deposits, withdrawals, lines, receipts, fp, frozen_fen=frozen)
    except OverCloseError as exc:
        raise _over_close(exc) from None
    _explain_funds(explain, res, lines)
    explain(
        f"equity_cash = {fen_to_str(balance)} + {fen_to_str(deposits)} - "
        f"{fen_to_str(withdrawals)} + {fen_to_str(res.close_pnl_fen)} - "
        f"{fen_to_str(res.fees_fen)} = {fen_to_str(res.equity_cash_fen)}"
    )
    cap = "no cap" if res.offset_cap_fen is None else f"cap {fen_to_str(res.offset_cap_fen)}"
    explain(
        f"offset used {fen_to_str(res.offset_used_fen)} ({cap}); available = equity - "
        f"(margin {fen_to_str(res.margin_fen)} - offset) - frozen "
        + (
            f"- floating loss {fen_to_str(res.floating_loss_fen)} "
            if fp.deduct_floating_loss
            else ""
        )
        + f"= {fen_to_str(res.available_fen)}"
    )
    return {
        "close_pnl": fen_to_str(res.close_pnl_fen),
        "fees": fen_to_str(res.fees_fen),
        "equity_cash": fen_to_str(res.equity_cash_fen),
        "margin": fen_to_str(res.margin_fen),
        "offset_used": fen_to_str(res.offset_used_fen),
        "floating_loss": fen_to_str(res.floating_loss_fen),
        "available": fen_to_str(res.available_fen),
        "withdrawable": fen_to_str(res.withdrawable_fen),
        "products": [
            {
                "product": p.product,
                "margin": fen_to_str(p.margin_fen),
                "offset_value": fen_to_str(p.offset_value_fen),
                "offset_used": fen_to_str(p.offset_used_fen),
            }
            for p in res.products
        ],
    }


# --------------------------------------------------------------------- member-settlemen


def _explain_settlement(explain: Explain, res: MemberSettlement, lines: list[PositionLine]) -> None:
    for ln, sl in zip(lines, res.lines, strict=True):
        conv = f", {sl.converted_lots} converted to hedge" if sl.converted_lots else ""
        explain(
            f"{ln.contract} {ln.side}{' hedge' if ln.hedge else ''}: "
            f"{sl.lots_left} lots "
            f"at S(D) {ln.settlement}{conv}; margin {ln.settlement} x "
            f"{ln.multiplier} x "
            f"{sl.lots_left} x {ln.rate} = {fen_to_str(sl.margin_fen)}; close P&L "
            f"{fen_to_str(sl.close_pnl_fen)}; position P&L "
            f"{fen_to_str(sl.position_pnl_fen)}"
        )
    for c in res.conversions:
        explain(
            f"hedge conversion {c.contract} {c.side}: quota {c.quota}, converted "
            f"{c.converted}, quota left {c.quota_remaining}"
        )
    for po in res.products:
        explain(
            f"product {po.product}: margin {fen_to_str(po.margin_fen)}, offset value "
            f"{fen_to_str(po.offset_value_fen)}, used {fen_to_str(po.offset_used_fen)}"
        )
    explain(
        f"cash(prev) = R {fen_to_str(res.prior_reserve_fen)} + M "
        f"{fen_to_str(res.prior_margin_fen)} - O {fen_to_str(res.prior_offset_fen)} = "
        f"{fen_to_str(res.prior_cash_fen)}"
    )
    explain(
        f"cash(D) = cash(prev) + close {fen_to_str(res.close_pnl_fen)} + position "
        f"{fen_to_str(res.position_pnl_fen)} - fees {fen_to_str(res.fees_fen)} (waived "
        f"{fen_to_str(res.waived_fen)}) + deposits {fen_to_str(res.deposits_fen)} - "
        f"withdrawals {fen_to_str(res.withdrawals_fen)} + delivery "
        f"{fen_to_str(res.delivery_fen)} = {fen_to_str(res.cash_fen)}"
    )
    explain(
        f"R(D) = cash - M {fen_to_str(res.margin_fen)} + O "
        f"{fen_to_str(res.offset_fen)} = "
        f"{fen_to_str(res.reserve_fen)}; margin call "
        f"{fen_to_str(res.margin_call_fen)} (minimum {fen_to_str(res.min_reserve_fen)})"
    )
    if res.opening_banned:
        explain("opening banned until the reserve is back at the minimum (R26)")
    if res.transfer_restricted:
        explain("position transfer (移仓) restricted: reserve below zero (2.l)")


@register("member-settlement")
def run_member_settlement(inp: CaseReader, params: CaseReader, explain: Explain) -> dict[str, Any]:
    """Spec 2.d/2.h/2.k: a member's settlement statement for one day."""
    lines = _read_lines(inp, settlement=True)
    receipts = _read_receipts(inp)
    payments = []
    for node in inp.items("delivery_payments"):
        if not isinstance(node.value, str):
            raise CaseError(node.path, f"must be a money string, got {node.value!r}")
        try:
            from core.money import parse_yuan

            payments.append(int(parse_yuan(node.value)))
        except ValueError as exc:
            raise CaseError(node.path, str(exc)) from None
    extra = [
        ExtraFee(w.str("type"), 0, _non_negative_money(w, "amount"))
        for w in inp.items("waived_fees")
    ]
    convs_nodes = inp.items("hedge_conversions", [])
    convs = []
    for c in convs_nodes:
        side = c.choice("side", _SIDES)
        convs.append(
            HedgeConversion(
                c.str("contract"), "long" if side == "long" else "short", c.lots("lots")
            )
        )
    min_reserve = params.money("min_reserve", fen_to_str(DEFAULT_MIN_RESERVE_FEN))
    sp = SettlementParams(
        haircut=_haircut(params),
        cash_cap_multiple=_cash_cap(params),
        min_reserve_fen=min_reserve,
        prior_opening_banned=params.bool("prior_opening_banned", False),
    )
    try:
        res = settle_member(
            inp.money("prior_reserve"),
            _non_negative_money(inp, "prior_margin"),
            _non_negative_money(inp, "prior_offset"),
            lines,
            receipts,
            deposits_fen=_non_negative_money(inp, "deposits"),
            withdrawals_fen=_non_negative_money(inp, "withdrawals"),
            delivery_payments_fen=payments,
            other_fen=inp.money("other", "0.00"),
            extra_fees=extra,
            hedge_conversions=convs,
            params=sp,
        )
    except OverCloseError as exc:
        raise _over_close(exc) from None
    except ConversionError as exc:
        raise CaseError(convs_nodes[exc.index].path, str(exc).split(": ", 1)[1]) from None
    _explain_settlement(explain, res, lines)
    return {
        "margin": fen_to_str(res.margin_fen),
        "offset": fen_to_str(res.offset_fen),
        "close_pnl": fen_to_str(res.close_pnl_fen),
        "position_pnl": fen_to_str(res.position_pnl_fen),
        "fees": fen_to_str(res.fees_fen),
        "waived": fen_to_str(res.waived_fen),
        "ending_reserve": fen_to_str(res.reserve_fen),
        "cash": fen_to_str(res.cash_fen),
        "interest_base": fen_to_str(res.interest_base_fen),
        "margin_call": fen_to_str(res.margin_call_fen),
        "opening_banned": res.opening_banned,
        "transfer_restricted": res.transfer_restricted,
        "lines": [
            {
                "contract": ln.contract,
                "side": ln.side,
                "hedge": ln.hedge,
                "lots": sl.lots_left,
                "margin": fen_to_str(sl.margin_fen),
                "close_pnl": fen_to_str(sl.close_pnl_fen),
                "position_pnl": fen_to_str(sl.position_pnl_fen),
            }
            for ln, sl in sorted(
                zip(lines, res.lines, strict=True),
                key=lambda p: (p[0].contract, p[0].side, p[0].hedge),
            )
        ],
        "hedge_conversions": [
            {
                "contract": c.contract,
                "side": c.side,
                "converted": c.converted,
                "quota_remaining": c.quota_remaining,
            }
            for c in sorted(res.conversions, key=lambda c: (c.contract, c.side))
        ],
    }
