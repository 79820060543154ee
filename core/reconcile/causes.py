"""The likely cause of each difference: a classification, never a second formula.

Each test below looks at the differences themselves (which lines are on one side
only, which field differs, by how much) and at what both statements print; none
recomputes a figure. Causes, in the order they are tried:

Codes:

* ``split_trade``: fills on one side only whose lots add up to one fill on the other
  (same contract, side, open/close, flag, price).
* ``missing_trade``: a fill on one side only; account, line and close differences of
  exactly its lots, fee or close P&L.
* ``hedge_flag``: the same line on both sides under opposite spec/hedge flags (or a
  fill's flag differs); the client's margin difference.
* ``deposit_day``: a movement on one side only that the other books on another day
  (same client, kind, amount); the account's transfers, balance, equity, available
  funds off by it.
* ``fee_waiver``: the fee difference equals the fee RiskDesk waived (seed rules
  S01–S05: delivery, EFP, receipt fees).
* ``other_exchange_margin``: a margin difference on lines of an exchange that charges
  the larger side (SHFE, INE: ``core.rules.exchange_margin``), or of exactly the
  smaller sides.
* ``open_price_basis``: the same lots with another average open price, or another
  close P&L of lots opened that day (average vs first-in-first-out open price).
* ``rounding``: a money difference of at most one fen per line (or one basis point of
  risk degree).

Anything else keeps an empty cause: both values are shown, nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import cast

import pandas as pd

from core.money import format_yuan
from core.reconcile.compare import Reconciliation
from core.reconcile.statements import UNKNOWN, StatementFrames
from core.rules.exchange_margin import margin_rule

CAUSES = (
    "split_trade",
    "missing_trade",
    "hedge_flag",
    "deposit_day",
    "fee_waiver",
    "other_exchange_margin",
    "open_price_basis",
    "rounding",
)

Movements = Callable[[list[str], date, date], list[tuple[str, date, str, int]]]
"""(clients, first day, last day) → RiskDesk's (client, day, kind, amount) movements."""

_ACCOUNT_CASCADE = ("balance", "equity", "available")


def classify(
    rec: Reconciliation,
    counter: StatementFrames,
    riskdesk: StatementFrames,
    movements: Movements | None = None,
    day: date | None = None,
) -> Reconciliation:
    """``rec`` with ``cause`` and ``cause_detail`` filled where a test applies."""
    d = rec.differences
    if not len(d):
        return rec
    d = d.copy()
    cause = d["cause"].tolist()
    detail = d["cause_detail"].tolist()
    rows = cast(list[dict[str, object]], d.to_dict("records"))

    def mark(i: int, code: str, text: str = "") -> None:
        if not cause[i]:
            cause[i] = code
            detail[i] = text

    by_client: dict[tuple[str, object], list[int]] = {}
    for i, r in enumerate(rows):
        by_client.setdefault((str(r["client"]), r["day"]), []).append(i)
    c_tr = _index_trades(counter["trades"])
    r_tr = _index_trades(riskdesk["trades"])
    waived = _summary_value(riskdesk["summary"], "waived")
    c_pos = counter["positions"]
    for (client, dday), idx in by_client.items():
        _trades(rows, idx, client, dday, c_tr, r_tr, mark)
        _hedge(rows, idx, mark)
        _deposits(rows, idx, client, dday, counter, movements, mark)
        _fee_waiver(rows, idx, waived.get((client, dday), 0), mark)
        _exchange(rows, idx, client, dday, c_pos, mark)
        _open_basis(rows, idx, mark)
        _rounding(rows, idx, mark)
    d["cause"] = cause
    d["cause_detail"] = detail
    return replace(rec, differences=d)


def _summary_value(df: pd.DataFrame, fld: str) -> dict[tuple[str, object], int]:
    if not len(df):
        return {}
    sel = df[df["field"] == fld]
    return {
        (str(c), dd): int(v)
        for c, dd, v in zip(
            sel["client"].tolist(), sel["day"].tolist(), sel["value"].tolist(), strict=True
        )
    }


def _index_trades(df: pd.DataFrame) -> dict[tuple[str, object, str], dict[str, object]]:
    if not len(df):
        return {}
    records = cast(list[dict[str, object]], df.to_dict("records"))
    return {(str(r["client"]), r["day"], str(r["trade_no"])): r for r in records}


def _only(r: dict[str, object]) -> str:
    if r["counter"] is None and r["riskdesk"] is not None:
        return "riskdesk"
    if r["riskdesk"] is None and r["counter"] is not None:
        return "counter"
    return ""


def _trades(
    rows: list[dict[str, object]],
    idx: list[int],
    client: str,
    day: object,
    c_tr: dict[tuple[str, object, str], dict[str, object]],
    r_tr: dict[tuple[str, object, str], dict[str, object]],
    mark: Callable[[int, str, str], None],
) -> None:
    only_c, only_r = [], []
    for i in idx:
        r = rows[i]
        if r["section"] != "trades" or r["field"] != "lots":
            continue
        side = _only(r)
        if side == "counter":
            only_c.append(i)
        elif side == "riskdesk":
            only_r.append(i)
    if not only_c and not only_r:
        return

    def fill(i: int, book: dict[tuple[str, object, str], dict[str, object]]) -> dict[str, object]:
        return book[(client, day, str(rows[i]["key"]))]

    def group(t: dict[str, object]) -> tuple[object, ...]:
        return (t["contract"], t["side"], t["action"], t["hedge"], t["price_milli"])

    split: set[int] = set()
    for i in only_r:
        t = fill(i, r_tr)
        same = [j for j in only_c if j not in split and group(fill(j, c_tr)) == group(t)]
        if len(same) >= 2 and sum(int(fill(j, c_tr)["lots"]) for j in same) == int(t["lots"]):  # type: ignore[call-overload]
            text = f"{t['trade_no']} is {len(same)} fills in the counter's file: " + ", ".join(
                str(rows[j]["key"]) for j in same
            )
            for j in (i, *same):
                mark(j, "split_trade", text)
                split.add(j)
    for i in only_c:
        t = fill(i, c_tr)
        same = [j for j in only_r if j not in split and group(fill(j, r_tr)) == group(t)]
        if len(same) >= 2 and sum(int(fill(j, r_tr)["lots"]) for j in same) == int(t["lots"]):  # type: ignore[call-overload]
            text = f"{t['trade_no']} is {len(same)} fills in RiskDesk"
            for j in (i, *same):
                mark(j, "split_trade", text)
                split.add(j)
    missing_c = [fill(i, c_tr) for i in only_c if i not in split]
    missing_r = [fill(i, r_tr) for i in only_r if i not in split]
    for i in only_c:
        if i not in split:
            mark(i, "missing_trade", "in the counter's file, not in RiskDesk")
    for i in only_r:
        if i not in split:
            mark(i, "missing_trade", "in RiskDesk, not in the counter's file")
    if not missing_c and not missing_r:
        return
    fee = sum(int(t["fee_fen"]) for t in missing_c) - sum(int(t["fee_fen"]) for t in missing_r)  # type: ignore[call-overload]
    pnl = sum(int(t["pnl_fen"]) for t in missing_c) - sum(int(t["pnl_fen"]) for t in missing_r)  # type: ignore[call-overload]
    text = "a fill missing on one side: " + ", ".join(
        str(t["trade_no"]) for t in (*missing_c, *missing_r)
    )
    net_lots: dict[tuple[object, object, object], int] = {}
    for sign, ts in ((1, missing_c), (-1, missing_r)):
        for t in ts:
            k = (t["contract"], t["side"], t["hedge"])
            step = int(t["lots"]) if int(t["action"]) == 0 else -int(t["lots"])  # type: ignore[call-overload]
            net_lots[k] = net_lots.get(k, 0) + sign * step
    for i in idx:
        r = rows[i]
        diff = r["difference"]
        if r["section"] == "summary" and diff is not None:
            if (
                (r["field"] == "fees" and diff == fee)
                or (r["field"] == "close_pnl" and diff == pnl)
                or (r["field"] in _ACCOUNT_CASCADE and diff in (pnl - fee,))
            ):
                mark(i, "missing_trade", text)
        elif r["section"] in ("positions", "closed") and _touches(r, net_lots):
            mark(i, "missing_trade", text)


def _touches(r: dict[str, object], net: dict[tuple[object, object, object], int]) -> bool:
    key = str(r["key"]).split(" ")
    if len(key) < 3:
        return False
    contract, side, flag = key[0], key[1], key[2] == "hedge"
    return any(
        k[0] == contract
        and {0: "long", 1: "short"}.get(int(cast(int, k[1]))) == side
        and bool(k[2]) == flag
        for k in net
    )


def _hedge(
    rows: list[dict[str, object]], idx: list[int], mark: Callable[[int, str, str], None]
) -> None:
    flipped = False
    for section in ("positions", "closed"):
        only = [
            i
            for i in idx
            if rows[i]["section"] == section and rows[i]["field"] == "lots" and _only(rows[i])
        ]
        for i in only:
            a = str(rows[i]["key"]).split(" ")
            for j in only:
                if j == i or _only(rows[j]) == _only(rows[i]):
                    continue
                b = str(rows[j]["key"]).split(" ")
                if (
                    a[:2] == b[:2]
                    and a[2] != b[2]
                    and a[3:] == b[3:]
                    and (rows[i]["counter"] or rows[i]["riskdesk"])
                    == (rows[j]["counter"] or rows[j]["riskdesk"])
                ):
                    text = f"{a[0]} {a[1]}: {a[2]} on one side, {b[2]} on the other"
                    mark(i, "hedge_flag", text)
                    mark(j, "hedge_flag", text)
                    flipped = True
    for i in idx:
        r = rows[i]
        if r["section"] == "trades" and r["field"] == "hedge":
            mark(i, "hedge_flag", f"fill {r['key']}: {r['counter']} vs {r['riskdesk']}")
            flipped = True
    if flipped:
        for i in idx:
            r = rows[i]
            if r["section"] in ("summary", "positions") and r["field"] in (
                "margin",
                "available",
                "risk_ratio_bp",
            ):
                mark(i, "hedge_flag", "the hedge rate applies to the flipped line")


def _deposits(
    rows: list[dict[str, object]],
    idx: list[int],
    client: str,
    day: object,
    counter: StatementFrames,
    movements: Movements | None,
    mark: Callable[[int, str, str], None],
) -> None:
    only = [i for i in idx if rows[i]["section"] == "deposits" and _only(rows[i])]
    if not only:
        return
    amounts: set[int] = set()
    # the same movement on both sides under different days
    for i in only:
        ki = str(rows[i]["key"]).split(" ")
        for j in only:
            kj = str(rows[j]["key"]).split(" ")
            if (
                j != i
                and _only(rows[j]) != _only(rows[i])
                and ki[1] == kj[1]
                and (rows[i]["counter"] or rows[i]["riskdesk"])
                == (rows[j]["counter"] or rows[j]["riskdesk"])
            ):
                on_c = ki[0] if _only(rows[i]) == "counter" else kj[0]
                on_r = kj[0] if _only(rows[i]) == "counter" else ki[0]
                mark(i, "deposit_day", f"the counter books it on {on_c}, RiskDesk on {on_r}")
    # RiskDesk books it on another day (or the counter does, in another file)
    if movements is not None and isinstance(day, date):
        book = movements([client], day - timedelta(days=15), day + timedelta(days=15))
        for i in only:
            on, kind = str(rows[i]["key"]).split(" ")
            amount = rows[i]["counter"] if _only(rows[i]) == "counter" else rows[i]["riskdesk"]
            for c, d, k, a in book:
                if c == client and k == kind and a == amount and d.isoformat() != on:
                    mark(i, "deposit_day", f"RiskDesk books this {kind} on {d.isoformat()}")
                    break
    cdep = counter["deposits"]
    if len(cdep):
        for i in only:
            if _only(rows[i]) != "riskdesk":
                continue
            on, kind = str(rows[i]["key"]).split(" ")
            sel = cdep[
                (cdep["client"] == client)
                & (cdep["kind"] == kind)
                & (cdep["amount_fen"] == rows[i]["riskdesk"])
            ]
            other = [d for d in sel["on"].tolist() if d.isoformat() != on]
            if other:
                mark(i, "deposit_day", f"the counter books it on {other[0].isoformat()}")
    for i in only:
        amt = rows[i]["counter"] if _only(rows[i]) == "counter" else rows[i]["riskdesk"]
        amounts.add(int(cast(int, amt)))
    for i in idx:
        r = rows[i]
        if (
            r["section"] == "summary"
            and r["field"] in ("transfers", *_ACCOUNT_CASCADE)
            and r["difference"] is not None
            and abs(int(cast(int, r["difference"]))) in amounts
        ):
            mark(i, "deposit_day", "a deposit or withdrawal booked on another day")


def _fee_waiver(
    rows: list[dict[str, object]],
    idx: list[int],
    waived: int,
    mark: Callable[[int, str, str], None],
) -> None:
    if waived <= 0:
        return
    for i in idx:
        r = rows[i]
        if r["section"] != "summary" or r["difference"] is None:
            continue
        diff = int(r["difference"])  # type: ignore[call-overload]
        if (r["field"] == "fees" and diff == waived) or (
            r["field"] in _ACCOUNT_CASCADE and diff == -waived
        ):
            mark(
                i,
                "fee_waiver",
                f"RiskDesk waived {format_yuan(waived)} of fees (seed rules S01–S05) "
                "that the counter charged",
            )


def _exchange(
    rows: list[dict[str, object]],
    idx: list[int],
    client: str,
    day: object,
    c_pos: pd.DataFrame,
    mark: Callable[[int, str, str], None],
) -> None:
    margin_rows = [
        i
        for i in idx
        if rows[i]["field"] == "margin" and rows[i]["section"] in ("summary", "positions")
    ]
    if not margin_rows or not len(c_pos):
        return
    mine = c_pos[
        (c_pos["client"] == client) & (c_pos["day"] == day) & (c_pos["margin_fen"] != UNKNOWN)
    ]
    if not len(mine):
        return
    big = mine[[margin_rule(str(e)) == "larger_side" for e in mine["exchange"].tolist()]]
    if not len(big):
        return
    per = big.groupby(["contract", "hedge", "side"])["margin_fen"].sum().unstack(fill_value=0)
    smaller = int(per.min(axis=1).sum()) if per.shape[1] == 2 else 0
    names = ", ".join(sorted({str(e) for e in big["exchange"].tolist()}))
    for i in margin_rows:
        r = rows[i]
        if r["section"] == "positions" or r["difference"] == -smaller or r["difference"] == smaller:
            mark(i, "other_exchange_margin", f"{names} charges the larger side of a contract only")


def _open_basis(
    rows: list[dict[str, object]], idx: list[int], mark: Callable[[int, str, str], None]
) -> None:
    for i in idx:
        r = rows[i]
        if r["section"] == "positions" and r["field"] == "open_price":
            mark(i, "open_price_basis", "average open price vs first-in-first-out lots")
        elif (
            r["section"] == "closed"
            and r["field"] == "close_pnl"
            and "opened today" in str(r["key"])
        ):
            mark(
                i,
                "open_price_basis",
                "closed against an average open price, not first-in-first-out",
            )


def _rounding(
    rows: list[dict[str, object]], idx: list[int], mark: Callable[[int, str, str], None]
) -> None:
    for i in idx:
        r = rows[i]
        diff = r["difference"]
        if diff is None or r["unit"] not in ("fen", "bp"):
            continue
        if abs(int(diff)) == 1:  # type: ignore[call-overload]
            mark(i, "rounding", "one fen" if r["unit"] == "fen" else "one hundredth of a percent")
