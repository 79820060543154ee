"""The consistency checks: each puts one state through several surfaces and lists every
figure that differs (an empty list is a pass).

A check takes a ``Case`` (a built database, its member, the last settled day D and the
live day L = next_td(D)) and returns ``Mismatches``. The tests of the small demo and of
the hypothesis-built databases run the same checks on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import astuple, dataclass, field
from datetime import date
from decimal import Decimal

from core.db.engine import Database
from core.rules.funds import line_margin_fen
from core.rules.risk_levels import LEVEL_NAMES, MARGIN_CALL
from core.trading_calendar import default_calendar
from tests.consistency import surfaces as sf


@dataclass(frozen=True)
class Case:
    """One database to check: ``settled_day`` D (its stored rows come from the
    settlement) and the live day L = next_td(D) (no trade, no tick stored)."""

    db: Database
    member: str
    settled_day: date
    label: str

    @property
    def prev_day(self) -> date:
        return default_calendar().prev_td(self.settled_day)

    @property
    def live_day(self) -> date:
        return default_calendar().next_td(self.settled_day)


@dataclass
class Mismatches:
    """Differences found by a check: ``what`` compared, ``items`` in comparison order."""

    what: str
    items: list[str] = field(default_factory=list)
    compared: int = 0

    def expect(self, key: object, name: str, got: object, want: object) -> None:
        self.compared += 1
        if got != want:
            self.items.append(f"{key}: {name} {got!r} != {want!r}")

    def same_keys(self, name: str, got: Iterable[object], want: Iterable[object]) -> None:
        g, w = set(got), set(want)
        self.compared += 1
        for k in sorted(g - w, key=repr)[:20]:
            self.items.append(f"{k}: only in {name}")
        for k in sorted(w - g, key=repr)[:20]:
            self.items.append(f"{k}: missing from {name}")

    def report(self, label: str) -> str:
        head = f"{label}: {self.what}: {len(self.items)} difference(s)"
        return "\n  ".join([head, *self.items[:25]])

    def __bool__(self) -> bool:
        return bool(self.items)


def _fen_line(price_fen: int, multiplier: int, lots: int, rate_ppm: int) -> int:
    """One margin line (spec 2.a, 2.0): the scalar reference of ``core.rules.funds``."""
    return int(
        line_margin_fen(Decimal(price_fen) / 100, multiplier, lots, Decimal(rate_ppm) / sf.PPM)
    )


# =============================================================================
# Start of the live day (no trade, no tick): monitor = prior settlement's stored rows
# =============================================================================


def start_of_day_lines(case: Case) -> Mismatches:
    """Monitor at the start of L vs the settlement's stored lines of D: same lines, all
    lots historic, margin equal to the fen."""
    out = Mismatches("live monitor at the start of the day vs stored line margins")
    mon = sf.monitor(case.db, case.live_day, case.member)
    stored = sf.stored_lines(case.db, case.settled_day, case.member)
    out.same_keys("the monitor", mon.lines, stored)
    for key in sorted(set(mon.lines) & set(stored)):
        m, s = mon.lines[key], stored[key]
        out.expect(key, "lots", (m.lots, m.historic_lots, m.today_lots), (s.lots, s.lots, 0))
        out.expect(key, "margin", m.margin_fen, s.margin_fen)
    return out


def start_of_day_accounts(case: Case) -> Mismatches:
    """Monitor accounts at the start of L vs the Accounts screen (stored client balance
    of D): equity = dynamic equity = balance, no floating P&L, margin, receipt offset
    used (the pledge quota of D's settlement holds through L, spec 2.c), available funds
    and risk level (the firm's levels)."""
    out = Mismatches("live monitor accounts at the start of the day vs the Accounts screen")
    mon = sf.monitor(case.db, case.live_day, case.member)
    screen = sf.accounts_screen(case.db, case.settled_day)
    stored = sf.stored_balances(case.db, case.settled_day, case.member)
    out.same_keys("the monitor", mon.accounts, stored)
    for code in sorted(set(mon.accounts) & set(stored)):
        a, r, b = mon.accounts[code], screen[code], stored[code]
        out.expect(
            code,
            "equity",
            (a.equity_cash_fen, a.dynamic_equity_fen, a.floating_pnl_fen),
            (r.balance_fen, r.balance_fen, 0),
        )
        out.expect(code, "margin", a.margin_fen, r.margin_fen)
        out.expect(code, "offset used", a.offset_used_fen, b.offset_fen)
        out.expect(code, "available", a.available_fen, r.available_fen)
        out.expect(code, "risk level", a.level, r.level)
    return out


def start_of_day_member(case: Case) -> Mismatches:
    """The monitor's intraday reserve at the start of L vs the stored reserve R(D) (and
    its margin and offset): it starts from the stored row, with no flow yet."""
    out = Mismatches("live monitor's intraday reserve at the start of the day vs stored reserve")
    mon = sf.monitor(case.db, case.live_day, case.member)
    row = sf.stored_reserve(case.db, case.member, case.settled_day)
    m = mon.member
    out.expect(
        case.member,
        "prior reserve, margin, offset",
        (m.prior_reserve_fen, m.prior_margin_fen, m.prior_offset_fen),
        (row.reserve_fen, row.margin_fen, row.offset_fen),
    )
    out.expect(
        case.member,
        "transfers, close P&L, fees",
        (m.deposits_fen, m.withdrawals_fen, m.close_pnl_fen, m.fees_fen),
        (0, 0, 0, 0),
    )
    out.expect(case.member, "reserve", m.reserve_intraday_fen, row.reserve_fen)
    out.expect(case.member, "margin", m.margin_intraday_fen, row.margin_fen)
    out.expect(case.member, "offset", m.offset_intraday_fen, row.offset_fen)
    return out


def overview_matches_accounts(case: Case) -> Mismatches:
    """The Overview's figures of D = the stored rows (all members): reserve and exchange
    margin, client balance, margin and available sums, total margin call (Σ max(0,
    −available)), lines and lots; its accounts per risk level = the reference levels of
    the stored balances (``surfaces.reference_level``, the firm's one setting); the
    Accounts screen's rows = the stored client balances, and its level of each = the
    reference level."""
    out = Mismatches("Overview and Accounts screen vs stored rows and the risk levels")
    day = case.settled_day
    ov = sf.overview(case.db, day)
    screen = sf.accounts_screen(case.db, day)
    balances = sf.stored_balances(case.db, day)
    reserves = [r for r in sf.stored_reserves(case.db) if r.trading_day == day]
    lines = sf.stored_lines(case.db, day)
    levels = {
        c: sf.reference_level(b.margin_fen, b.balance_fen, b.available_fen)
        for c, b in balances.items()
    }
    want = {
        "reserve": sum(r.reserve_fen for r in reserves),
        "exchange margin": sum(r.margin_fen for r in reserves),
        "accounts": len(balances),
        "balance": sum(b.balance_fen for b in balances.values()),
        "margin": sum(b.margin_fen for b in balances.values()),
        "available": sum(b.available_fen for b in balances.values()),
        "total margin call": sum(max(0, -b.available_fen) for b in balances.values()),
        "accounts per level": tuple(
            sum(v == level for v in levels.values()) for level in range(len(LEVEL_NAMES))
        ),
        "lines": len(lines),
        "lots": sum(s.lots for s in lines.values()),
    }
    got = dict(
        zip(
            want,
            (
                ov.reserve_fen,
                ov.exchange_margin_fen,
                ov.accounts_count,
                ov.client_balance_fen,
                ov.client_margin_fen,
                ov.client_available_fen,
                ov.margin_call_fen,
                ov.level_counts,
                ov.positions_count,
                ov.open_lots,
            ),
            strict=True,
        )
    )
    for name, value in want.items():
        out.expect("Overview", name, got[name], value)
    out.same_keys("the Accounts screen", screen, balances)
    for code in sorted(set(screen) & set(balances)):
        r, b = screen[code], balances[code]
        out.expect(
            code,
            "balance, margin, available, call",
            (r.balance_fen, r.margin_fen, r.available_fen, r.margin_call_fen),
            (b.balance_fen, b.margin_fen, b.available_fen, b.margin_call_fen),
        )
        out.expect(code, "risk level", r.level, levels[code])
    return out


def risk_levels_agree(case: Case) -> Mismatches:
    """One risk-level setting on every surface (issue #10 item 1): the Overview's
    accounts per level = the Accounts screen's levels of D (all members), and for every
    client of the member the Accounts screen's level of D = the live monitor's level at
    the start of L (the monitor starts from the settled figures of D)."""
    out = Mismatches("risk levels: Overview, Accounts screen and live monitor at the start")
    ov = sf.overview(case.db, case.settled_day)
    screen = sf.accounts_screen(case.db, case.settled_day)
    mon = sf.monitor(case.db, case.live_day, case.member)
    counts = tuple(
        sum(r.level == level for r in screen.values()) for level in range(len(LEVEL_NAMES))
    )
    out.expect("Overview", "accounts per level = the Accounts screen's", ov.level_counts, counts)
    members = sf.stored_balances(case.db, case.settled_day, case.member)
    out.same_keys("the monitor", mon.accounts, members)
    for code in sorted(set(mon.accounts) & set(screen)):
        out.expect(code, "risk level at the start", mon.accounts[code].level, screen[code].level)
    return out


def call_card_equals_call_list(case: Case) -> Mismatches:
    """Margin calls (issue #11 item 1) on their surfaces, to the fen: the Overview's call
    card = the Margin calls screen's list of D (total, accounts per level, every listed
    client's level and amount); under the shipped target (available funds back to ≥ 0)
    the list is exactly the clients at margin call or worse by the reference levels, each
    called for the settlement's stored margin call, the total Σ max(0, −available); and
    the live monitor's intraday list at the start of L = the settled list of D for the
    member's clients (the monitor starts from D's figures)."""
    out = Mismatches("call card and call list: Overview, Margin calls screen, monitor")
    day = case.settled_day
    card, listed = sf.call_card(case.db, day), sf.call_list(case.db, day)
    out.expect("Overview card", "total to call", card.total_call_fen, listed.total_call_fen)
    out.expect("Overview card", "accounts per level", card.counts, listed.counts)
    out.same_keys("the Overview's call list", card.calls, listed.calls)
    for code in sorted(set(card.calls) & set(listed.calls)):
        out.expect(code, "card: level, call", card.calls[code], listed.calls[code])
    balances = sf.stored_balances(case.db, day)
    due = {
        c: b
        for c, b in balances.items()
        if sf.reference_level(b.margin_fen, b.balance_fen, b.available_fen) >= MARGIN_CALL
    }
    out.same_keys("the call list (reference levels)", listed.calls, due)
    for code in sorted(set(listed.calls) & set(due)):
        out.expect(
            code, "call = stored margin call", listed.calls[code][1], due[code].margin_call_fen
        )
    out.expect(
        "call list",
        "total = Σ max(0, −available)",
        listed.total_call_fen,
        sum(max(0, -b.available_fen) for b in balances.values()),
    )
    mon = sf.monitor_call_list(case.db, case.live_day, case.member)
    members = sf.member_clients(case.db, case.member)
    settled_member = {c: v for c, v in listed.calls.items() if c in members}
    out.same_keys("the monitor's intraday list at the start", mon.calls, settled_member)
    for code in sorted(set(mon.calls) & set(settled_member)):
        out.expect(code, "start of day: level, call", mon.calls[code], settled_member[code])
    out.expect(
        "monitor card",
        "total at the start",
        mon.total_call_fen,
        sum(x for _lv, x in settled_member.values()),
    )
    return out


# =============================================================================
# Replaying the settled day D: monitor = intraday_funds = the settlement's own figures
# =============================================================================


def replay_pnl(case: Case) -> Mismatches:
    """D's trades replayed by the monitor, every price then set to S(D), vs
    ``intraday_funds`` on the same state vs the settlement of D where the rules say they
    coincide: lines and lots left (and today's lots), close P&L, fees, equity,
    position P&L = floating P&L at S(D), dynamic equity = balance (no delivery money,
    no hedge conversion that day), Σ floating losses; and the member's close P&L, fees
    and transfers, with R(D) = intraday reserve + position P&L − (M(D) − M intraday) +
    (O(D) − O intraday)."""
    out = Mismatches("replayed day at S(D): monitor, intraday_funds and the settlement")
    day = case.settled_day
    dry = sf.settlement_dry_run(case.db, day)
    stored_bal = sf.stored_balances(case.db, day, case.member)
    prior_bal = sf.stored_balances(case.db, case.prev_day, case.member)
    out.expect("precondition", "hedge-converted lots on D", dry.converted_lots, 0)
    out.expect(
        "precondition", "delivery money on D", sum(b.delivery_fen for b in stored_bal.values()), 0
    )
    mon = sf.monitor(case.db, day, case.member, mark_to_settlement=True)
    iv = sf.intraday(case.db, day, case.member, mark_to_settlement=True)
    stored = sf.stored_lines(case.db, day, case.member)
    out.expect("monitor", "rejected trades", mon.rejected_events, 0)
    out.same_keys("the monitor", mon.lines, stored)
    out.same_keys("intraday_funds", iv.lines, stored)
    for key in sorted(set(stored) & set(mon.lines) & set(iv.lines)):
        want = (stored[key].lots, stored[key].today_lots)
        seen_mon, seen_iv = mon.lines[key], iv.lines[key]
        out.expect(key, "lots, today's (monitor)", (seen_mon.lots, seen_mon.today_lots), want)
        out.expect(key, "lots, today's (intraday_funds)", (seen_iv.lots, seen_iv.today_lots), want)
    losses: dict[str, int] = defaultdict(int)
    for key, line in mon.lines.items():
        losses[key[0]] += min(line.floating_pnl_fen, 0)
    out.same_keys("the monitor", mon.accounts, stored_bal)
    for code in sorted(set(stored_bal) & set(mon.accounts) & set(iv.accounts)):
        b, a, i_acc = stored_bal[code], mon.accounts[code], iv.accounts[code]
        prior = prior_bal[code].balance_fen if code in prior_bal else 0
        equity = prior + b.deposits_fen - b.withdrawals_fen + b.close_pnl_fen - b.fees_fen
        out.expect(code, "equity (monitor)", a.equity_cash_fen, equity)
        out.expect(code, "equity (intraday_funds)", i_acc.equity_cash_fen, equity)
        out.expect(code, "close P&L", i_acc.close_pnl_fen, b.close_pnl_fen)
        out.expect(code, "fees", i_acc.fees_fen, b.fees_fen)
        out.expect(code, "floating P&L = position P&L", a.floating_pnl_fen, b.position_pnl_fen)
        out.expect(code, "dynamic equity = balance", a.dynamic_equity_fen, b.balance_fen)
        out.expect(code, "floating losses", -i_acc.floating_loss_fen, losses[code])
    row = sf.stored_reserve(case.db, case.member, day)
    live = mon.member
    out.expect(
        case.member,
        "close P&L, fees",
        (live.close_pnl_fen, live.fees_fen),
        (row.close_pnl_fen, row.fees_fen),
    )
    out.expect(
        case.member,
        "transfers",
        (live.deposits_fen, live.withdrawals_fen),
        (row.deposits_fen, row.withdrawals_fen),
    )
    out.expect(
        case.member,
        "R(D) from the intraday reserve",
        live.reserve_intraday_fen
        + row.position_pnl_fen
        + live.margin_intraday_fen
        - row.margin_fen
        + row.offset_fen
        - live.offset_intraday_fen
        + row.delivery_fen,
        row.reserve_fen,
    )
    return out


def replay_margins(case: Case) -> Mismatches:
    """Margins of the replayed day differ by design (intraday: S(D−1) and the open rate
    rate_settle(D−1); settlement: S(D) and rate_settle(D), spec 2.a). The documented
    relation, per stored line of D with its lots: settlement margin = line(S(D),
    rate_settle(D)); and per client, ``intraday_funds`` margin = Σ line(S(D−1),
    rate_settle(D−1)) over the same lines."""
    out = Mismatches("replayed day: settlement vs intraday margins (documented relation)")
    day, prev = case.settled_day, case.prev_day
    mult = sf.contract_multipliers(case.db)
    s_d, s_prev = sf.settlement_prices(case.db, day), sf.settlement_prices(case.db, prev)
    r_d, r_prev = sf.settlement_rates(case.db, day), sf.settlement_rates(case.db, prev)
    stored = sf.stored_lines(case.db, day, case.member)
    iv = sf.intraday(case.db, day, case.member)
    intraday_margin: dict[str, int] = defaultdict(int)
    for key, s in stored.items():
        contract, hedge = key[1], key[3]
        out.expect(
            key,
            "settlement margin",
            s.margin_fen,
            _fen_line(s_d[contract], mult[contract], s.lots, r_d[(contract, hedge)]),
        )
        intraday_margin[key[0]] += _fen_line(
            s_prev[contract], mult[contract], s.lots, r_prev[(contract, hedge)]
        )
    for code, a in sorted(iv.accounts.items()):
        out.expect(code, "intraday_funds margin", a.margin_fen, intraday_margin[code])
    return out


def replay_monitor_margins(case: Case) -> Mismatches:
    """The monitor's margins after the replay vs ``intraday_funds`` on the same state
    (line: S(D−1) × mult × lots × rate_open(D), one line item, its historic and new
    lots rounded together; client totals)."""
    out = Mismatches("replayed day: monitor margins vs intraday_funds")
    mon = sf.monitor(case.db, case.settled_day, case.member, mark_to_settlement=True)
    iv = sf.intraday(case.db, case.settled_day, case.member)
    out.same_keys("the monitor", mon.lines, iv.lines)
    for key in sorted(set(mon.lines) & set(iv.lines)):
        i = iv.lines[key]
        out.expect(
            key,
            "line margin",
            mon.lines[key].margin_fen,
            _fen_line(i.prior_settlement_fen, i.multiplier, i.lots, i.rate_ppm),
        )
    for code in sorted(set(mon.accounts) & set(iv.accounts)):
        out.expect(
            code, "client margin", mon.accounts[code].margin_fen, iv.accounts[code].margin_fen
        )
    return out


# =============================================================================
# Risk actions and screens over the same positions
# =============================================================================


def liquidation_margins(case: Case) -> Mismatches:
    """Forced-liquidation preview of D with stored vs recomputed margins, line by line
    (lots, margin per lot, line margin), and its lines = the stored lines."""
    out = Mismatches("liquidation preview: stored vs recomputed margins")
    stored = sf.liquidation_lines(case.db, case.member, case.settled_day, "stored")
    again = sf.liquidation_lines(case.db, case.member, case.settled_day, "recomputed")
    lines = sf.stored_lines(case.db, case.settled_day, case.member)
    out.same_keys("the stored preview", stored, lines)
    out.same_keys("the recomputed preview", again, stored)
    for key in sorted(set(stored) & set(again)):
        out.expect(key, "lots", stored[key].lots, lines[key].lots if key in lines else None)
        out.expect(
            key, "margin per lot", again[key].margin_per_lot_fen, stored[key].margin_per_lot_fen
        )
        out.expect(key, "line margin", again[key].line_margin_fen, stored[key].line_margin_fen)
    return out


def same_positions(case: Case) -> Mismatches:
    """The day's book, the Positions screen, the forced-reduction preview (net lots per
    client, contract, hedge flag), the position-limits report (speculative and hedge
    lots per client side; sides without limit data as account counts) and the monitor
    at the start of L see the same lines and lots as the settlement stored for D."""
    out = Mismatches("positions seen by the day book, screens, reduction, limits and monitor")
    day = case.settled_day
    stored = sf.stored_lines(case.db, day)
    book = sf.day_book_lines(case.db, day)
    screen = sf.positions_screen(case.db, day)
    out.same_keys("the day book", book, stored)
    out.same_keys("the Positions screen", screen, stored)
    for key in sorted(stored):
        for name, seen in (("day book", book), ("Positions screen", screen)):
            if key in seen:
                out.expect(key, name, seen[key], stored[key])
    mine = sf.member_clients(case.db, case.member)
    mon = sf.monitor(case.db, case.live_day, case.member)
    out.same_keys("the monitor", mon.lines, {k for k in stored if k[0] in mine})
    for key in sorted(set(mon.lines) & set(stored)):
        out.expect(key, "monitor lots", mon.lines[key].lots, stored[key].lots)

    net: dict[sf.NetKey, int] = defaultdict(int)
    sides: dict[sf.SideKey, list[int]] = defaultdict(lambda: [0, 0])
    for (client, contract, side, hedge), s in stored.items():
        net[(client, contract, hedge)] += s.lots if side == "long" else -s.lots
        sides[(client, contract, side)][1 if hedge else 0] += s.lots
    red = sf.reduction_positions(case.db, day, frozenset(k[1] for k in stored))
    out.expect("reduction", "contracts previewed", len(red.contracts) > 0, True)
    want_net = {k: v for k, v in net.items() if v and k[1] in red.contracts}
    out.same_keys("the reduction preview", red.net_lots, want_net)
    for net_key in sorted(set(red.net_lots) & set(want_net)):
        out.expect(net_key, "reduction net lots", red.net_lots[net_key], want_net[net_key])
    lim = sf.limits_positions(case.db, day)
    with_data = {k: (v[0], v[1]) for k, v in sides.items() if k[1] not in lim.no_data_accounts}
    out.same_keys("the limits report", lim.side_lots, with_data)
    for side_key in sorted(set(lim.side_lots) & set(with_data)):
        out.expect(
            side_key, "limits (speculative, hedge)", lim.side_lots[side_key], with_data[side_key]
        )
    for contract, accounts in sorted(lim.no_data_accounts.items()):
        holders = {k[0] for k in stored if k[1] == contract}
        out.expect(contract, "accounts without limit data", accounts, len(holders))
    return out


# =============================================================================
# riskdesk calc = services for the same inputs
# =============================================================================


def calc_client_funds_vs_intraday(case: Case) -> Mismatches:
    """``calc`` kind client-funds (a JSON case per client from the database) vs
    ``intraday_funds`` on the replayed day D: close P&L, fees, equity, margin, offset
    used, floating loss at S(D), available funds."""
    out = Mismatches("calc client-funds vs intraday_funds")
    calc = sf.calc_client_funds(case.db, case.settled_day, case.member)
    iv = sf.intraday(case.db, case.settled_day, case.member, mark_to_settlement=True)
    out.same_keys("calc", calc, iv.accounts)
    for code in sorted(set(calc) & set(iv.accounts)):
        c, i = calc[code], iv.accounts[code]
        out.expect(
            code,
            "close P&L, fees, equity",
            (c.close_pnl_fen, c.fees_fen, c.equity_cash_fen),
            (i.close_pnl_fen, i.fees_fen, i.equity_cash_fen),
        )
        out.expect(
            code,
            "margin, offset used",
            (c.margin_fen, c.offset_used_fen),
            (i.margin_fen, i.offset_used_fen),
        )
        out.expect(code, "floating loss", c.floating_loss_fen, i.floating_loss_fen)
        out.expect(code, "available", c.available_fen, i.available_fen)
    return out


def calc_client_funds_vs_monitor(case: Case) -> Mismatches:
    """``calc`` kind client-funds vs the live monitor after replaying D at S(D): equity,
    margin, offset used, available funds, Σ floating losses."""
    out = Mismatches("calc client-funds vs the live monitor")
    calc = sf.calc_client_funds(case.db, case.settled_day, case.member)
    mon = sf.monitor(case.db, case.settled_day, case.member, mark_to_settlement=True)
    losses: dict[str, int] = defaultdict(int)
    for key, m in mon.lines.items():
        losses[key[0]] += min(m.floating_pnl_fen, 0)
    out.same_keys("calc", calc, mon.accounts)
    for code in sorted(set(calc) & set(mon.accounts)):
        c, a = calc[code], mon.accounts[code]
        out.expect(code, "equity", a.equity_cash_fen, c.equity_cash_fen)
        out.expect(code, "floating loss", -losses[code], c.floating_loss_fen)
        out.expect(
            code,
            "margin, offset used",
            (a.margin_fen, a.offset_used_fen),
            (c.margin_fen, c.offset_used_fen),
        )
        out.expect(code, "available", a.available_fen, c.available_fen)
    return out


def calc_member_settlement(case: Case) -> Mismatches:
    """``calc`` kind member-settlement (a JSON case from the database) vs the settlement
    service's member figures of D (dry run) vs the stored reserve row, every member."""
    out = Mismatches("calc member-settlement vs the settlement service")
    dry = sf.settlement_dry_run(case.db, case.settled_day)
    for member, figures in sorted(dry.members.items()):
        calc = sf.calc_member_settlement(case.db, case.settled_day, member)
        row = sf.stored_reserve(case.db, member, case.settled_day)
        for name, want in sf.as_dict(figures).items():
            out.expect(member, name, getattr(calc, name), want)
            if hasattr(row, name):
                out.expect(member, f"stored {name}", getattr(row, name), want)
    return out


# =============================================================================
# Invariants of the stored history
# =============================================================================


def reserve_identity(case: Case) -> Mismatches:
    """Spec 2.d for every stored reserve_history row that has the previous trading
    day's row: R(D) = R(prev) + M(prev) − M(D) + O(D) − O(prev) + close + position −
    fees + deposits − withdrawals + delivery, cash = R + M − O, margin call =
    max(0, minimum − R), transfers restricted iff R < 0."""
    out = Mismatches("reserve identity (spec 2.d) of every stored reserve row")
    cal = default_calendar()
    rows = sf.stored_reserves(case.db)
    minimum = sf.min_reserves(case.db)
    by_key = {(r.member_code, r.trading_day): r for r in rows}
    checked = 0
    for r in rows:
        key = (r.member_code, r.trading_day)
        out.expect(key, "cash = R + M − O", r.cash_fen, r.reserve_fen + r.margin_fen - r.offset_fen)
        prev = by_key.get((r.member_code, cal.prev_td(r.trading_day)))
        if prev is None:
            continue
        checked += 1
        flows = (
            r.close_pnl_fen
            + r.position_pnl_fen
            - r.fees_fen
            + r.deposits_fen
            - r.withdrawals_fen
            + r.delivery_fen
        )
        out.expect(
            key,
            "R(D)",
            r.reserve_fen,
            prev.reserve_fen
            + prev.margin_fen
            - r.margin_fen
            + r.offset_fen
            - prev.offset_fen
            + flows,
        )
        out.expect(
            key, "margin call", r.margin_call_fen, max(0, minimum[r.member_code] - r.reserve_fen)
        )
        out.expect(key, "transfers restricted", r.transfer_restricted, r.reserve_fen < 0)
    out.expect("rows", "with a prior row", checked > 0, True)
    return out


def funds_conserved(case: Case, day: date) -> Mismatches:
    """On ``day``: each client's statement identity (balance = prior + deposits −
    withdrawals + close + position − fees + delivery, when the prior day has balances;
    available = balance − margin + offset; call = max(0, −available); margin = Σ its
    stored line margins), and per member Σ clients' close P&L, position P&L, fees,
    waived, delivery and line margins = the member's stored figures (the aggregation
    docs/settlement.md lists)."""
    out = Mismatches("funds conserved between lines, clients and the member")
    cal = default_calendar()
    members = sorted({r.member_code for r in sf.stored_reserves(case.db)})
    prior = sf.stored_balances(case.db, cal.prev_td(day))
    for member in members:
        bal = sf.stored_balances(case.db, day, member)
        lines = sf.stored_lines(case.db, day, member)
        line_margin: dict[str, int] = defaultdict(int)
        for key, s in lines.items():
            line_margin[key[0]] += s.margin_fen
        for code, b in sorted(bal.items()):
            if prior:  # the demo stores balances of its last two days only
                before = prior[code].balance_fen if code in prior else 0
                flows = (
                    b.deposits_fen
                    - b.withdrawals_fen
                    + b.close_pnl_fen
                    + b.position_pnl_fen
                    - b.fees_fen
                    + b.delivery_fen
                )
                out.expect((code, day), "balance", b.balance_fen, before + flows)
            out.expect(
                (code, day),
                "available",
                b.available_fen,
                b.balance_fen - b.margin_fen + b.offset_fen,
            )
            out.expect((code, day), "margin call", b.margin_call_fen, max(0, -b.available_fen))
            out.expect((code, day), "margin = Σ lines", b.margin_fen, line_margin[code])
        row = sf.stored_reserve(case.db, member, day)
        total = {
            name: sum(getattr(b, name) for b in bal.values())
            for name in (
                "close_pnl_fen",
                "position_pnl_fen",
                "fees_fen",
                "waived_fen",
                "delivery_fen",
            )
        }
        for name, value in total.items():
            out.expect((member, day), f"Σ clients {name}", value, getattr(row, name))
        out.expect((member, day), "Σ line margins", sum(line_margin.values()), row.margin_fen)
    return out


# =============================================================================
# The client panel (issue #11 item 5)
# =============================================================================


def client_panel(case: Case) -> Mismatches:
    """The client panel of every client after the settlement of D vs the Accounts
    screen's row and the stored settlement, to the fen: balance, margin, receipt offset
    used and available funds = the stored client statement; risk ratio and level = the
    Accounts screen's; the required top-up = the stored margin call; its lines = the
    stored lines (same keys, exchange margin = the stored line margin), their client
    margins summing to the stored margin; and its breakdown adds up: prior balance +
    the signed flows = balance, balance − margin + offset used = available."""
    out = Mismatches("client panel vs the Accounts screen and the stored settlement")
    day = case.settled_day
    panel = sf.client_panel(case.db, day)
    screen = sf.accounts_screen(case.db, day)
    stored = sf.stored_balances(case.db, day)
    lines = sf.stored_lines(case.db, day)
    out.same_keys("the client panel", panel, stored)
    sign = {"": 1, "+": 1, "−": -1}
    for code in sorted(set(panel) & set(stored)):
        p, r, b = panel[code], screen[code], stored[code]
        t = p.terms
        out.expect(code, "day shown", p.day, day)
        out.expect(
            code,
            "balance, margin, offset used, available",
            (t["balance"], t["margin"], t["offset_used"], t["available"]),
            (b.balance_fen, b.margin_fen, b.offset_fen, b.available_fen),
        )
        out.expect(
            code,
            "Accounts screen row",
            (t["balance"], t["margin"], t["available"], p.top_up_fen, p.level),
            (r.balance_fen, r.margin_fen, r.available_fen, r.margin_call_fen, r.level),
        )
        out.expect(
            code,
            "risk ratio",
            p.risk_ratio_ppm,
            sf.LEVELS.ratio(b.margin_fen, b.balance_fen, b.available_fen).item(),
        )
        out.expect(code, "stored margin call", p.stored_call_fen, b.margin_call_fen)
        out.expect(code, "differences reported", p.differences, ())
        flows = [k for k in p.terms if k not in ("balance", "margin", "offset_used", "available")]
        out.expect(
            code,
            "prior balance ± flows = balance",
            sum(sign[p.ops[k]] * t[k] for k in flows),
            t["balance"],
        )
        out.expect(
            code,
            "balance − margin + offset used = available",
            t["balance"] - t["margin"] + t["offset_used"],
            t["available"],
        )
        cap = p.offset_cap_fen
        want_offset = p.offset_uncapped_fen if cap is None else min(p.offset_uncapped_fen, cap)
        out.expect(code, "offset used = min(Σ per product, cap)", t["offset_used"], want_offset)
        mine = {k: v for k, v in lines.items() if k[0] == code}
        out.same_keys(f"{code}'s panel lines", p.lines, mine)
        for key in sorted(set(p.lines) & set(mine)):
            _client, exchange, stored_line = p.lines[key]
            out.expect(key, "exchange margin = stored line", exchange, mine[key].margin_fen)
            out.expect(key, "stored line as read", stored_line, mine[key].margin_fen)
        out.expect(code, "Σ line margins", sum(v[0] for v in p.lines.values()), t["margin"])
    return out


# =============================================================================
# Statements to sign off (issue #15 item 5)
# =============================================================================


def signoff_statements(case: Case) -> Mismatches:
    """Every client's daily statement to sign off vs the stored settlement and the
    reconciliation: its account summary = the stored client statement, to the fen; its
    closed lines (the first-in-first-out pieces of the client's own inputs) = the closed
    lines of the reconciliation's RiskDesk side (the whole book recomputed), piece by
    piece; their P&L sums to the stored realized P&L."""
    out = Mismatches("statements to sign off vs the stored settlement and the reconciliation")
    day = case.settled_day
    views = sf.signoff_statements(case.db, day)
    stored = sf.stored_balances(case.db, day)
    closed = sf.reconcile_closed(case.db, day)
    out.same_keys("the statements to sign off", views, stored)
    for code in sorted(set(views) & set(stored)):
        view, b = views[code], stored[code]
        out.expect(code, "account summary", view.summary, astuple(b))
        out.expect(code, "closed lines", view.closed, closed.get(code, ()))
        out.expect(code, "Σ closed P&L", sum(p[-1] for p in view.closed), b.close_pnl_fen)
    return out


def verify(found: Mismatches, case: Case, *, allow_empty: bool = False) -> None:
    """Fail with the differences (and fail a check that compared nothing, unless
    ``allow_empty``: a population that an example may not have)."""
    assert found.compared or allow_empty, f"{case.label}: {found.what}: nothing was compared"
    assert not found, found.report(case.label)
