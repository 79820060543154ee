"""What the client panel says: term names, how each figure is computed, why a rate applies.

Core returns numbers and reason keys (``core.services.client_detail``); this module puts
them into the UI language (catalogue context "ClientPanel",
``resources/i18n/riskdesk-client_zh_CN.ts``). Money is formatted with
``core.money.format_yuan``; rates exactly (``rate_text``: 12.345 % stays 12.345 %, a
margin formula must not round its rate). No arithmetic on money here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from core.money import format_yuan
from core.services.client_detail import ClientDetail, FundsBreakdown, MarginLine, RateStep
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.levels import CONTEXT as LEVELS_CONTEXT
from desktop.models.levels import LEVEL_LABELS
from desktop.screens.overview import level_condition

CONTEXT = "ClientPanel"

TERM_LABELS: Mapping[str, str] = {
    "prior_balance": QT_TRANSLATE_NOOP("ClientPanel", "Prior balance"),
    "deposits": QT_TRANSLATE_NOOP("ClientPanel", "Deposits"),
    "withdrawals": QT_TRANSLATE_NOOP("ClientPanel", "Withdrawals"),
    "close_pnl": QT_TRANSLATE_NOOP("ClientPanel", "Close P&L"),
    "position_pnl": QT_TRANSLATE_NOOP("ClientPanel", "Position P&L"),
    "fees": QT_TRANSLATE_NOOP("ClientPanel", "Fees"),
    "delivery": QT_TRANSLATE_NOOP("ClientPanel", "Delivery money"),
    "balance": QT_TRANSLATE_NOOP("ClientPanel", "Balance (equity)"),
    "margin": QT_TRANSLATE_NOOP("ClientPanel", "Margin in use"),
    "offset_used": QT_TRANSLATE_NOOP("ClientPanel", "Receipt offset used"),
    "available": QT_TRANSLATE_NOOP("ClientPanel", "Available funds"),
    "waived": QT_TRANSLATE_NOOP("ClientPanel", "Fees waived"),
    "dynamic_equity": QT_TRANSLATE_NOOP("ClientPanel", "Dynamic equity"),
    "pledge": QT_TRANSLATE_NOOP("ClientPanel", "Pledge quota of receipts"),
    "offset_cap": QT_TRANSLATE_NOOP("ClientPanel", "Receipt offset cap"),
    "risk_ratio": QT_TRANSLATE_NOOP("ClientPanel", "Risk ratio"),
    "risk_level": QT_TRANSLATE_NOOP("ClientPanel", "Risk level"),
    "margin_call": QT_TRANSLATE_NOOP("ClientPanel", "Margin call"),
}
"""English source name of each figure of the funds tab (``TERM_KEYS`` and the notes)."""

PNL_TERMS = frozenset({"close_pnl", "position_pnl"})
"""Terms coloured by the Chinese convention: profit red, loss green."""

SOURCE_LABELS: Mapping[str, str] = {
    "contract_minimum": QT_TRANSLATE_NOOP("ClientPanel", "product minimum"),
    "general": QT_TRANSLATE_NOOP("ClientPanel", "general rate"),
    "hedge_general": QT_TRANSLATE_NOOP("ClientPanel", "hedge rate"),
    "schedule": QT_TRANSLATE_NOOP("ClientPanel", "trading-period step"),
    "limit_lock": QT_TRANSLATE_NOOP("ClientPanel", "limit-lock step"),
    "adhoc": QT_TRANSLATE_NOOP("ClientPanel", "exchange notice"),
}
"""Short names of the standards ``rate_settle`` weighs (spec 2.b)."""

RECEIPT_STATES: Mapping[str, str] = {
    "counts": QT_TRANSLATE_NOOP("ClientPanel", "Counts"),
    "lodged_after": QT_TRANSLATE_NOOP("ClientPanel", "From the next settlement"),
    "past_deadline": QT_TRANSLATE_NOOP("ClientPanel", "Past its deadline"),
    "no_base_price": QT_TRANSLATE_NOOP("ClientPanel", "No base price"),
    "not_pledged": QT_TRANSLATE_NOOP("ClientPanel", "Not pledged"),
    "in_delivery": QT_TRANSLATE_NOOP("ClientPanel", "In delivery"),
}
"""Whether a receipt counts towards the offset at this settlement (``ReceiptState``)."""

NOTICE_KINDS: Mapping[str, str] = {
    "margin_call": QT_TRANSLATE_NOOP("ClientPanel", "Margin call notice"),
    "forced_close": QT_TRANSLATE_NOOP("ClientPanel", "Forced-close notice"),
}
NOTICE_STATUSES: Mapping[str, str] = {
    "generated": QT_TRANSLATE_NOOP("ClientPanel", "Generated"),
    "sent": QT_TRANSLATE_NOOP("ClientPanel", "Sent"),
    "received": QT_TRANSLATE_NOOP("ClientPanel", "Received"),
    "confirmed": QT_TRANSLATE_NOOP("ClientPanel", "Confirmed"),
    "failed": QT_TRANSLATE_NOOP("ClientPanel", "Failed"),
}
NOTICE_CHANNELS: Mapping[str, str] = {
    "system": QT_TRANSLATE_NOOP("ClientPanel", "System"),
    "sms": QT_TRANSLATE_NOOP("ClientPanel", "SMS"),
    "email": QT_TRANSLATE_NOOP("ClientPanel", "E-mail"),
    "hand": QT_TRANSLATE_NOOP("ClientPanel", "By hand"),
}
CALL_TARGETS: Mapping[str, str] = {
    "available": QT_TRANSLATE_NOOP("ClientPanel", "Available funds back to 0"),
    "risk_ratio": QT_TRANSLATE_NOOP("ClientPanel", "Risk ratio back to %1"),
    "both": QT_TRANSLATE_NOOP("ClientPanel", "Available funds ≥ 0 and risk ratio ≤ %1"),
}


def rate_text(ppm: int) -> str:
    """A rate in ppm as an exact percentage with at least two decimals: 120,000 →
    "12.00%", 123,450 → "12.345%" (a rate in a formula is never rounded)."""
    sign = "-" if ppm < 0 else ""
    whole, rest = divmod(abs(ppm), 10_000)
    decimals = f"{rest:04d}".rstrip("0").ljust(2, "0")
    return f"{sign}{whole}.{decimals}%"


def margin_formula(line: MarginLine) -> str:
    """ "3,260.00 × 10 × 45 × 8.00% = 117,360.00": the line's margin as ``line_margin``
    computes it (the exact product, rounded half up once to the fen)."""
    return (
        f"{format_yuan(line.settlement_fen)} × {line.multiplier:,} × {line.lots:,} × "
        f"{rate_text(line.rate_ppm)} = {format_yuan(line.margin_fen)}"
    )


def _day(d: date | None) -> str:
    return d.isoformat() if d is not None else "—"


def step_text(step: RateStep, addon_ppm: int = 0) -> str:
    """Why the line pays its rate: the standard that set it, with its dates."""
    r = step.reason
    if r == "schedule" and step.month_offset is not None:
        if step.month_offset == 0:
            text = translate("ClientPanel", "Delivery month: from its trading day %1 (%2)")
        elif step.month_offset == -1:
            text = translate("ClientPanel", "Month before delivery: from its trading day %1 (%2)")
        else:
            text = translate(
                "ClientPanel", "%3 months before delivery: from trading day %1 (%2)"
            ).replace("%3", str(-step.month_offset))
        text = text.replace("%1", str(step.nth_trading_day)).replace("%2", _day(step.period_start))
        text += translate(
            "ClientPanel", "; charged from the settlement of %1, one trading day earlier (R19)"
        ).replace("%1", _day(step.applies_from))
    elif r == "limit_lock" and step.locked_days is not None:
        text = (
            translate(
                "ClientPanel",
                "Locked at the limit %1 days in a row: next limit %2, margin at least %3",
            )
            .replace("%1", str(step.locked_days))
            .replace("%2", rate_text(step.next_limit_ppm or 0))
            .replace("%3", rate_text(step.rate_ppm))
        )
    elif r == "adhoc":
        text = translate("ClientPanel", "Exchange notice from the settlement of %1").replace(
            "%1", _day(step.applies_from)
        )
        if step.until is not None:
            text += translate("ClientPanel", " to that of %1").replace("%1", _day(step.until))
    elif r == "hedge_general":
        text = translate("ClientPanel", "Hedge rate of the contract")
    elif r == "contract_minimum":
        text = translate("ClientPanel", "Minimum rate of the product")
    else:
        text = translate("ClientPanel", "General rate of the contract")
    if addon_ppm:
        text += translate("ClientPanel", "; plus the firm's add-on %1").replace(
            "%1", rate_text(addon_ppm)
        )
    return text


def considered_text(step: RateStep) -> str:
    """Every standard weighed with its rate, and which applies (spec 2.b)."""
    parts = [
        f"{translate(CONTEXT, SOURCE_LABELS.get(src, src))} {rate_text(ppm)}"
        for src, ppm in step.considered
    ]
    return (
        translate("ClientPanel", "Standards weighed: %1; the highest, %2, applies")
        .replace("%1", translate("ClientPanel", ", ").join(parts))
        .replace("%2", rate_text(step.rate_ppm))
    )


def term_formula(key: str, detail: ClientDetail) -> str:
    """The short formula of the funds term ``key`` (one table line)."""
    f: FundsBreakdown = detail.funds
    if key == "prior_balance":
        if f.has_prior_balance:
            return translate("ClientPanel", "Balance of %1").replace("%1", _day(f.prev_day))
        return translate("ClientPanel", "None on %1: starts from 0").replace("%1", _day(f.prev_day))
    if key in ("deposits", "withdrawals"):
        return translate("ClientPanel", "Transfers of %1").replace("%1", _day(f.day))
    if key == "close_pnl":
        return translate("ClientPanel", "FIFO against S(prev) or the open price")
    if key == "position_pnl":
        return translate("ClientPanel", "Open lots marked to S(%1)").replace("%1", _day(f.day))
    if key == "fees":
        return translate("ClientPanel", "After waivers")
    if key == "delivery":
        return translate("ClientPanel", "Received − paid on delivery")
    if key == "balance":
        return translate("ClientPanel", "The lines above")
    if key == "margin":
        return translate("ClientPanel", "Σ S × multiplier × lots × rate")
    if key == "offset_used":
        return translate("ClientPanel", "Σ min(pledge quota, margin), ≤ cap")
    if key == "available":
        return translate("ClientPanel", "Balance − margin + offset used")
    if key == "waived":
        return translate("ClientPanel", "Not charged")
    if key == "dynamic_equity":
        return translate("ClientPanel", "= balance after the settlement")
    if key == "pledge":
        return translate("ClientPanel", "Tons × base price × %1").replace(
            "%1", rate_text(detail.offset.haircut_ppm)
        )
    if key == "offset_cap":
        cap = detail.offset.cash_cap_ppm
        return (
            translate("ClientPanel", "No cap")
            if cap is None
            else translate("ClientPanel", "%1 × balance").replace("%1", _multiple(cap))
        )
    if key == "risk_ratio":
        if detail.call.ratio_definition == "margin_over_equity":
            return translate("ClientPanel", "Margin in use ÷ equity")
        return translate("ClientPanel", "1 − available funds ÷ equity")
    if key == "risk_level":
        return level_condition(f.risk_level, detail.levels)
    if key == "margin_call":
        return translate("ClientPanel", "max(0, −available), due %1").replace(
            "%1", deadline_text(detail.call.deadline)
        )
    return ""


def term_explanation(key: str, detail: ClientDetail) -> str:
    """How the funds term ``key`` is computed, in full (spec 2.c, 2.d), with its dates."""
    f: FundsBreakdown = detail.funds
    if key == "prior_balance":
        if f.has_prior_balance:
            return translate("ClientPanel", "The balance stored by the settlement of %1.").replace(
                "%1", _day(f.prev_day)
            )
        return translate("ClientPanel", "No balance on %1: a new account starts from 0.").replace(
            "%1", _day(f.prev_day)
        )
    if key in ("deposits", "withdrawals"):
        return translate(
            "ClientPanel",
            "Deposits and withdrawals of %1, as the settlement of that day summed them.",
        ).replace("%1", _day(f.day))
    if key == "close_pnl":
        return translate(
            "ClientPanel",
            "Lots closed, first in first out: historic lots against the prior settlement "
            "price, today's lots against their open price; delivery differences included (R11).",
        )
    if key == "position_pnl":
        return translate(
            "ClientPanel",
            "Lots still open marked to the settlement price of %1: historic lots against the "
            "prior settlement price, today's lots against their open price.",
        ).replace("%1", _day(f.day))
    if key == "fees":
        return translate(
            "ClientPanel", "Trading and delivery fees charged, after the exchange's waivers (2.k)."
        )
    if key == "delivery":
        return translate(
            "ClientPanel", "Delivery money due on the day: the buyer pays, the seller receives."
        )
    if key == "balance":
        return translate(
            "ClientPanel",
            "Prior balance + deposits − withdrawals + close P&L + position P&L − fees "
            "+ delivery money (client statement, spec 2.d).",
        )
    if key == "margin":
        return translate(
            "ClientPanel",
            "Each line: settlement price × multiplier × lots × rate, rounded half up to the "
            "fen once per line; see the Positions tab for each line and its rate.",
        )
    if key == "offset_used":
        return translate(
            "ClientPanel",
            "Per product the smaller of the receipts' pledge quota and that product's "
            "margin, summed, at most the cap; see the Receipt offset tab.",
        )
    if key == "available":
        return translate(
            "ClientPanel", "Balance − (margin in use − receipt offset used) (spec 2.c)."
        )
    if key == "waived":
        return translate(
            "ClientPanel", "Fees waived by the exchange: shown for the record, not charged."
        )
    if key == "dynamic_equity":
        return translate(
            "ClientPanel",
            "After the settlement every open lot is marked to the settlement price, so no "
            "floating P&L is left: dynamic equity equals the balance.",
        )
    if key == "pledge":
        return translate(
            "ClientPanel",
            "Receipts lodged as margin before this day and within their validity: tons × "
            "base price (prior settlement price of the product's nearest contract) × "
            "haircut %1, rounded once per product.",
        ).replace("%1", rate_text(detail.offset.haircut_ppm))
    if key == "offset_cap":
        return translate(
            "ClientPanel",
            "The receipt offset may not exceed this multiple of the balance (spec 2.c).",
        )
    if key == "risk_ratio":
        return translate(
            "ClientPanel", "The firm's risk ratio; its levels decide the account's risk level."
        )
    if key == "risk_level":
        return (
            translate(
                "ClientPanel",
                "%1: %2 (the firm's risk levels, shared with Accounts and the monitor).",
            )
            .replace("%1", level_text(f.risk_level))
            .replace("%2", level_condition(f.risk_level, detail.levels))
        )
    if key == "margin_call":
        return translate(
            "ClientPanel",
            "The settlement's required top-up: what brings available funds back to 0. "
            "Due by %1 (exchange time); the Calls tab shows the call under the firm's setting.",
        ).replace("%1", deadline_text(detail.call.deadline))
    return ""


def level_text(level: int) -> str:
    """The level's name (catalogue context "RiskLevels")."""
    return translate(LEVELS_CONTEXT, LEVEL_LABELS[level])


def _multiple(ppm: int) -> str:
    """4,000,000 ppm → "4", 2,500,000 → "2.5" (exact)."""
    return format(Decimal(ppm).scaleb(-6).normalize(), "f")


def deadline_text(at: object) -> str:
    """A deadline (timezone-aware, exchange time) as "2026-11-23 09:00"."""
    strftime = getattr(at, "strftime", None)
    return strftime("%Y-%m-%d %H:%M") if callable(strftime) else "—"
