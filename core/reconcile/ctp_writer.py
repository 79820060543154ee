"""RiskDesk's client statements in the counter's text layout (CTP 交易结算单).

So that a tool that parses counter statements parses RiskDesk's too, and so that the
reader (``core.reconcile.ctp_text``) is tested against what RiskDesk knows to the fen
(round trip: write, read back, compare: no difference). The layout follows the CTP
statement: a banner with the firm's name, the client line, the date, the account
summary two figures to a line in the counter's order, then the pipe tables 成交记录,
平仓明细, 持仓明细, 持仓汇总 and 出入金明细 with their ``共 N 条`` total rows and
legends; GBK text (``encoding``).

What RiskDesk does not track is left blank rather than invented: carried lots have no
open date (开仓日期 is the day only for lots opened that day), and there is no
investment unit or option value. Two lines the CTP layout lacks are added: 交割货款
(delivery payments) in the summary, and 交割 as the open/close of a delivery fill.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from core.reconcile.statements import MEMBER_PREFIX, StatementFrames
from core.rules.day_inputs import ACTION_CLOSE, ACTION_DELIVER
from core.rules.funds import mark_to_market
from core.rules.sides import LONG, sign_of

ENCODING = "gb18030"


@dataclass(frozen=True)
class ContractInfo:
    """What a statement prints about a contract besides its code."""

    product_zh: str
    multiplier: int
    exchange_zh: str = "大商所"


def _w(text: str) -> int:
    """Display width as counters pad: bytes in GBK (a Chinese character is two)."""
    return len(text.encode(ENCODING)) if not text.isascii() else len(text)


def _left(text: str, width: int) -> str:
    return text + " " * max(0, width - _w(text))


def _right(text: str, width: int) -> str:
    return " " * max(0, width - _w(text)) + text


def yuan(fen: int) -> str:
    """Fen as the counter prints money: ``-1370.00`` (no separators)."""
    sign = "-" if fen < 0 else ""
    q, r = divmod(abs(int(fen)), 100)
    return f"{sign}{q}.{r:02d}"


def price(milli: int) -> str:
    """Thousandths of a yuan as the counter prints prices: ``4946.000``."""
    sign = "-" if milli < 0 else ""
    q, r = divmod(abs(int(milli)), 1000)
    return f"{sign}{q}.{r:03d}"


_TRADE_COLS = (
    ("成交日期", "Date", 8),
    ("投资单元", "InvestUnit", 10),
    ("交易所", "Exchange", 8),
    ("交易编码", "tradingcode", 11),
    ("品种", "Product", 18),
    ("合约", "Instrument", 16),
    ("买/卖", "B/S", 5),
    ("投/保", "S/H", 12),
    ("成交价", "Price", 10),
    ("手数", "Lots", 6),
    ("成交额", "Turnover", 12),
    ("开平", "O/C", 18),
    ("手续费", "Fee", 10),
    ("平仓盈亏", "Realized P/L", 12),
    ("权利金收支", "Premium Received/Paid", 21),
    ("成交序号", "Trans.No.", 18),
    ("资金账号", "AccountID", 14),
)
_CLOSED_COLS = (
    ("平仓日期", "Close Date", 10),
    ("投资单元", "InvestUnit", 10),
    ("交易所", "Exchange", 8),
    ("交易编码", "tradingcode", 11),
    ("品种", "Product", 18),
    ("合约", "Instrument", 16),
    ("开仓日期", "Open Date", 9),
    ("投/保", "S/H", 5),
    ("买/卖", "B/S", 5),
    ("手数", "Lots", 10),
    ("开仓价", "Pos. Open Price", 15),
    ("昨结算", "Prev. Sttl", 16),
    ("成交价", "Trans. Price", 12),
    ("平仓盈亏", "Realized P/L", 12),
    ("权利金收支", "Premium Received/Paid", 21),
    ("资金账号", "AccountID", 14),
)
_DETAIL_COLS = (
    ("投资单元", "InvestUnit", 10),
    ("交易所", "Exchange", 8),
    ("交易编码", "tradingcode", 11),
    ("品种", "Product", 18),
    ("合约", "Instrument", 16),
    ("开仓日期", "Open Date", 9),
    ("投/保", "S/H", 12),
    ("买/卖", "B/S", 5),
    ("持仓量", "Positon", 7),
    ("开仓价", "Pos. Open Price", 15),
    ("昨结算", "Prev. Sttl", 16),
    ("结算价", "Settlement Price", 16),
    ("浮动盈亏", "Accum. P/L", 12),
    ("盯市盈亏", "MTM P/L", 11),
    ("保证金", "Margin", 11),
    ("期权市值", "Market Value(Options)", 22),
    ("资金账号", "AccountID", 14),
)
_SUMMARY_COLS = (
    ("投资单元", "InvestUnit", 10),
    ("交易编码", "tradingcode", 11),
    ("品种", "Product", 18),
    ("合约", "Instrument", 16),
    ("买持", "Long Pos.", 13),
    ("买均价", "Avg Buy Price", 13),
    ("卖持", "Short Pos.", 14),
    ("卖均价", "Avg Sell Price", 14),
    ("昨结算", "Prev. Sttl", 10),
    ("今结算", "Sttl Today", 10),
    ("持仓盯市盈亏", "MTM P/L", 12),
    ("保证金占用", "Margin Occupied", 15),
    ("投/保", "S/H", 12),
    ("多头期权市值", "Market Value(Long)", 18),
    ("空头期权市值", "Market Value(Short)", 19),
    ("资金账号", "AccountID", 14),
)
_DEPOSIT_COLS = (
    ("发生日期", "Date", 10),
    ("出入金类型", "Type", 14),
    ("入金", "Deposit", 16),
    ("出金", "Withdrawal", 16),
    ("说明", "Note", 20),
    ("资金账号", "AccountID", 14),
)
_NUMERIC = {
    "成交价",
    "手数",
    "成交额",
    "手续费",
    "平仓盈亏",
    "权利金收支",
    "持仓量",
    "开仓价",
    "昨结算",
    "结算价",
    "今结算",
    "浮动盈亏",
    "盯市盈亏",
    "保证金",
    "期权市值",
    "买持",
    "买均价",
    "卖持",
    "卖均价",
    "持仓盯市盈亏",
    "保证金占用",
    "多头期权市值",
    "空头期权市值",
    "入金",
    "出金",
}
_LEGEND = (
    "能源中心---INE  上期所---SHFE   中金所---CFFEX  大商所---DCE   郑商所---CZCE   广期所---GFEX",
    "买---Buy   卖---Sell",
    "投机---Speculation  套保---Hedge  套利---Arbitrage  一般---General  交易---Trade  "
    "做市商---Market Maker",
)
_OC_LEGEND = (
    "开---Open 平---Close 平今---Close Today 强平---Forced Liquidation 平昨---Close Prev. "
    "强减---Forced Reduction 交割---Delivery"
)


class _Table:
    """One pipe table: its two header rows and rule, rows formatted to the widths."""

    def __init__(self, cols: tuple[tuple[str, str, int], ...]) -> None:
        self.widths = [w for _z, _e, w in cols]
        self.right = [z in _NUMERIC for z, _e, _w in cols]
        zh = "|" + "|".join(_center(z, w) for z, _e, w in cols) + "|"
        en = "|" + "|".join(_center(e, w) for _z, e, w in cols) + "|"
        self.rule = "-" * _w(zh)
        self.head = (self.rule, zh, en, self.rule)

    def row(self, cells: list[str]) -> str:
        out = []
        for text, width, right in zip(cells, self.widths, self.right, strict=True):
            out.append(_right(text, width) if right else _left(text, width))
        return "|" + "|".join(out) + "|"

    def total(self, n: int, cells: Mapping[int, str]) -> str:
        row = [""] * len(self.widths)
        row[0] = f"共{n:>{max(1, self.widths[0] - 4)}}条"
        for i, text in cells.items():
            row[i] = text
        return self.row(row)


def _center(text: str, width: int) -> str:
    pad = max(0, width - _w(text))
    return " " * (pad // 2) + text + " " * (pad - pad // 2)


_TABLES = {
    "trades": _Table(_TRADE_COLS),
    "closed": _Table(_CLOSED_COLS),
    "detail": _Table(_DETAIL_COLS),
    "summary": _Table(_SUMMARY_COLS),
    "deposits": _Table(_DEPOSIT_COLS),
}


def _pair(zh: str, en: str, value: str, width: int = 50) -> str:
    head = f"{zh} {en}："
    return head + " " * max(1, width - _w(head) - len(value)) + value


def _groups(df: pd.DataFrame, clients: list[str]) -> dict[str, tuple[int, int]]:
    """Row ranges per client of ``df`` sorted by client (and day)."""
    if not len(df):
        return {}
    codes = df["client"].to_numpy()
    uniq, first = np.unique(codes, return_index=True)
    ends = np.append(first[1:], len(codes))
    return {str(c): (int(a), int(b)) for c, a, b in zip(uniq, first, ends, strict=True)}


def write_ctp_statements(
    frames: StatementFrames,
    out: IO[bytes],
    *,
    firm: str,
    contracts: Mapping[str, ContractInfo],
    created: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write every client statement of ``frames`` (one day) to ``out``; the count.

    ``frames`` is RiskDesk's side of one day (``core.services.reconcile``);
    ``contracts`` gives each contract's product name and multiplier.
    """
    n = 0
    total = sum(1 for c, _d, _s in frames.statements if not c.startswith(MEMBER_PREFIX))
    for text in iter_ctp_statements(frames, firm=firm, contracts=contracts, created=created):
        out.write(text.encode(ENCODING))
        n += 1
        if progress is not None and n % 1000 == 0:
            progress(n, total)
    return n


def write_ctp_file(
    frames: StatementFrames,
    path: Path,
    *,
    firm: str,
    contracts: Mapping[str, ContractInfo],
    created: date | None = None,
) -> int:
    """``write_ctp_statements`` into a new file at ``path``."""
    with path.open("wb") as f:
        return write_ctp_statements(frames, f, firm=firm, contracts=contracts, created=created)


def _sorted(df: pd.DataFrame, *by: str) -> pd.DataFrame:
    return df.sort_values(["client", *by], kind="stable").reset_index(drop=True)


def iter_ctp_statements(
    frames: StatementFrames,
    *,
    firm: str,
    contracts: Mapping[str, ContractInfo],
    created: date | None = None,
) -> Iterator[str]:
    """The text of each statement of ``frames`` in statement order."""
    summary = _sorted(frames["summary"])
    trades = _sorted(frames["trades"], "trade_no")
    closed = _sorted(frames["closed"], "contract", "side", "hedge")
    positions = _sorted(frames["positions"], "contract", "side", "hedge")
    deposits = _sorted(frames["deposits"], "on", "kind")
    clients = [c for c, _d, _s in frames.statements]
    g_sum, g_tr = _groups(summary, clients), _groups(trades, clients)
    g_cl, g_pos = _groups(closed, clients), _groups(positions, clients)
    g_dep = _groups(deposits, clients)
    s_cols = {c: summary[c].tolist() for c in ("field", "value")}
    t_cols = {c: trades[c].tolist() for c in trades.columns}
    c_cols = {c: closed[c].tolist() for c in closed.columns}
    p_cols = {c: positions[c].tolist() for c in positions.columns}
    d_cols = {c: deposits[c].tolist() for c in deposits.columns}
    accum = _accum(positions, contracts)
    for client, day, _src in frames.statements:
        if client.startswith(MEMBER_PREFIX):
            continue  # a member's statement is the exchange's, not a client's
        name = frames.names.get(client, "")
        a, b = g_sum.get(client, (0, 0))
        figures = dict(zip(s_cols["field"][a:b], s_cols["value"][a:b], strict=True))
        yield _statement(
            client,
            name,
            day,
            firm,
            created or day,
            figures,
            _slice(t_cols, g_tr.get(client)),
            _slice(c_cols, g_cl.get(client)),
            _slice(p_cols, g_pos.get(client)),
            accum[slice(*g_pos.get(client, (0, 0)))],
            _slice(d_cols, g_dep.get(client)),
            contracts,
        )


def _slice(cols: dict[str, list[object]], rng: tuple[int, int] | None) -> dict[str, list[object]]:
    a, b = rng or (0, 0)
    return {k: v[a:b] for k, v in cols.items()}


def _accum(positions: pd.DataFrame, contracts: Mapping[str, ContractInfo]) -> list[int]:
    """浮动盈亏: each line marked to S(D) against its average open price (the mark rule
    with every lot priced at the average: ``core.rules.funds.mark_to_market``)."""
    if not len(positions):
        return []
    lots = positions["lots"].to_numpy(np.int64)
    cost_fen = positions["open_cost_milli"].to_numpy(np.int64) // 10
    mult = np.array([contracts[c].multiplier for c in positions["contract"]], np.int64)
    settle = positions["settle_milli"].to_numpy(np.int64) // 10
    zero = np.zeros(len(positions), np.int64)
    sign = sign_of(positions["side"].to_numpy(np.int64))
    pnl: list[int] = mark_to_market(settle, zero, zero, lots, cost_fen, mult, sign).tolist()
    return pnl


def _statement(
    client: str,
    name: str,
    day: date,
    firm: str,
    created: date,
    f: Mapping[str, int],
    tr: dict[str, list[object]],
    cl: dict[str, list[object]],
    pos: dict[str, list[object]],
    accum: list[int],
    dep: dict[str, list[object]],
    contracts: Mapping[str, ContractInfo],
) -> str:
    d8 = f"{day:%Y%m%d}"
    lines = [
        _center(firm, 100),
        _right(f"制表时间 Creation Date：{created:%Y%m%d}", 100),
        "-" * 100,
        _center("交易结算单(盯市) Settlement Statement(MTM)", 100),
        f"客户号 Client ID：  {client:<16}客户名称 Client Name：{name}",
        f"日期 Date：{d8}",
        "",
        f"        资金状况   资金账号：{client}  币种：人民币  Account Summary "
        f"AccountID：{client} Currency：CNY",
        "-" * 100,
    ]
    commission = sum(int(x) for x in tr["fee_fen"])  # type: ignore[call-overload]
    fees = int(f.get("fees", 0))
    ratio = int(f.get("risk_ratio_bp", 0))
    left = (
        ("期初结存", "Balance b/f", yuan(f.get("prior_balance", 0))),
        ("出 入 金", "Deposit/Withdrawal", yuan(f.get("transfers", 0))),
        ("平仓盈亏", "Realized P/L", yuan(f.get("close_pnl", 0))),
        ("持仓盯市盈亏", "MTM P/L", yuan(f.get("position_pnl", 0))),
        ("手 续 费", "Commission", yuan(commission)),
        ("交割手续费", "Delivery Fee", yuan(fees - commission)),
        ("交割货款", "Delivery Payment", yuan(f.get("delivery", 0))),
    )
    right = (
        ("期末结存", "Balance c/f", yuan(f.get("balance", 0))),
        ("质 押 金", "Pledge Amount", yuan(f.get("offset", 0))),
        ("客户权益", "Client Equity", yuan(f.get("equity", f.get("balance", 0)))),
        ("保证金占用", "Margin Occupied", yuan(f.get("margin", 0))),
        ("可用资金", "Fund Avail.", yuan(f.get("available", 0))),
        ("风 险 度", "Risk Degree", f"{yuan(ratio)}%"),
        ("应追加资金", "Margin Call", yuan(f.get("margin_call", 0))),
    )
    for (lz, le, lv), (rz, re_, rv) in zip(left, right, strict=True):
        lines.append(_pair(lz, le, lv) + "  " + _pair(rz, re_, rv))
    lines.append("")
    lines += _trades(tr, d8, client, contracts)
    lines += _closed(cl, d8, client, contracts)
    lines += _positions(pos, accum, d8, client, contracts)
    lines += _deposits(dep, client)
    lines.append("")
    return "\n".join(lines) + "\n"


_BS = {True: "买   ", False: "   卖"}
_SH = {False: "投机", True: "套保"}


def _section(title: str, table: _Table, rows: list[str], total: str, legend: bool) -> list[str]:
    out = ["", _right(title, len(table.rule) // 2 + 20), *table.head, *rows, table.rule, total]
    out.append(table.rule)
    if legend:
        out += list(_LEGEND)
    return out


def _trades(
    tr: dict[str, list[object]], d8: str, client: str, contracts: Mapping[str, ContractInfo]
) -> list[str]:
    t = _TABLES["trades"]
    rows = []
    n = len(tr["trade_no"])
    if not n:
        return []
    lots_sum = fee_sum = pnl_sum = turnover_sum = 0
    for i in range(n):
        k = str(tr["contract"][i])
        info = contracts[k]
        action, side = int(tr["action"][i]), int(tr["side"][i])  # type: ignore[call-overload]
        buy = (side == LONG) == (action not in (ACTION_CLOSE, ACTION_DELIVER))
        lots = int(tr["lots"][i])  # type: ignore[call-overload]
        p = int(tr["price_milli"][i])  # type: ignore[call-overload]
        turnover = p * info.multiplier * lots // 10  # fen; prices are whole fen
        fee, pnl = int(tr["fee_fen"][i]), int(tr["pnl_fen"][i])  # type: ignore[call-overload]
        oc = "开" if action not in (ACTION_CLOSE, ACTION_DELIVER) else "平"
        if action == ACTION_DELIVER:
            oc = "交割"
        rows.append(
            t.row(
                [
                    d8,
                    client,
                    info.exchange_zh,
                    client,
                    info.product_zh,
                    k,
                    _BS[buy],
                    _SH[bool(tr["hedge"][i])],
                    price(p),
                    str(lots),
                    yuan(turnover),
                    oc,
                    yuan(fee),
                    yuan(pnl),
                    "0.00",
                    str(tr["trade_no"][i]),
                    client,
                ]
            )
        )
        lots_sum += lots
        fee_sum += fee
        pnl_sum += pnl
        turnover_sum += turnover
    total = t.total(
        n, {9: str(lots_sum), 10: yuan(turnover_sum), 12: yuan(fee_sum), 13: yuan(pnl_sum)}
    )
    out = _section("成交记录 Transaction Record", t, rows, total, True)
    out.append(_OC_LEGEND)
    return out


def _closed(
    cl: dict[str, list[object]], d8: str, client: str, contracts: Mapping[str, ContractInfo]
) -> list[str]:
    t = _TABLES["closed"]
    n = len(cl["contract"])
    if not n:
        return []
    rows = []
    lots_sum = pnl_sum = 0
    for i in range(n):
        k = str(cl["contract"][i])
        info = contracts[k]
        lots = int(cl["lots"][i])  # type: ignore[call-overload]
        pnl = int(cl["pnl_fen"][i])  # type: ignore[call-overload]
        cost = int(cl["open_cost_milli"][i])  # type: ignore[call-overload]
        rows.append(
            t.row(
                [
                    d8,
                    client,
                    info.exchange_zh,
                    client,
                    info.product_zh,
                    k,
                    d8 if cl["today"][i] else "",
                    _SH[bool(cl["hedge"][i])],
                    _BS[int(cl["side"][i]) != LONG],  # type: ignore[call-overload]
                    str(lots),
                    price(cost // lots) if cost >= 0 and lots else "",
                    price(int(cl["prev_settle_milli"][i])),  # type: ignore[call-overload]
                    price(int(cl["close_milli"][i])),  # type: ignore[call-overload]
                    yuan(pnl),
                    "0.00",
                    client,
                ]
            )
        )
        lots_sum += lots
        pnl_sum += pnl
    total = t.total(n, {9: str(lots_sum), 13: yuan(pnl_sum)})
    return _section("平仓明细 Position Closed", t, rows, total, True)


def _positions(
    pos: dict[str, list[object]],
    accum: list[int],
    d8: str,
    client: str,
    contracts: Mapping[str, ContractInfo],
) -> list[str]:
    n = len(pos["contract"])
    if not n:
        return []
    t = _TABLES["detail"]
    rows = []
    lots_sum = mtm_sum = margin_sum = accum_sum = 0
    by_contract: dict[tuple[str, bool], list[int]] = {}
    for i in range(n):
        k = str(pos["contract"][i])
        info = contracts[k]
        lots = int(pos["lots"][i])  # type: ignore[call-overload]
        side = int(pos["side"][i])  # type: ignore[call-overload]
        hedge = bool(pos["hedge"][i])
        cost = int(pos["open_cost_milli"][i])  # type: ignore[call-overload]
        mtm, margin = int(pos["mtm_fen"][i]), int(pos["margin_fen"][i])  # type: ignore[call-overload]
        opened_today = int(pos["today_lots"][i]) == lots  # type: ignore[call-overload]
        rows.append(
            t.row(
                [
                    client,
                    info.exchange_zh,
                    client,
                    info.product_zh,
                    k,
                    d8 if opened_today else "",
                    _SH[hedge],
                    _BS[side == LONG],
                    str(lots),
                    price(cost // lots) if lots else "0.000",
                    price(int(pos["prev_settle_milli"][i])),  # type: ignore[call-overload]
                    price(int(pos["settle_milli"][i])),  # type: ignore[call-overload]
                    yuan(accum[i]),
                    yuan(mtm),
                    yuan(margin),
                    "0.00",
                    client,
                ]
            )
        )
        lots_sum += lots
        mtm_sum += mtm
        margin_sum += margin
        accum_sum += accum[i]
        agg = by_contract.setdefault((k, hedge), [0, 0, 0, 0, 0, 0, i])
        if side == LONG:
            agg[0] += lots
            agg[1] = cost
        else:
            agg[2] += lots
            agg[3] = cost
        agg[4] += mtm
        agg[5] += margin
    total = t.total(
        n, {8: str(lots_sum), 12: yuan(accum_sum), 13: yuan(mtm_sum), 14: yuan(margin_sum)}
    )
    out = _section("持仓明细 Positions Detail", t, rows, total, True)
    s = _TABLES["summary"]
    srows = []
    long_sum = short_sum = 0
    for (k, hedge), (ll, lc, sl, sc, mtm, margin, i) in by_contract.items():
        info = contracts[k]
        srows.append(
            s.row(
                [
                    client,
                    client,
                    info.product_zh,
                    k,
                    str(ll),
                    price(lc // ll) if ll else "0.000",
                    str(sl),
                    price(sc // sl) if sl else "0.000",
                    price(int(pos["prev_settle_milli"][i])),  # type: ignore[call-overload]
                    price(int(pos["settle_milli"][i])),  # type: ignore[call-overload]
                    yuan(mtm),
                    yuan(margin),
                    _SH[hedge],
                    "0.00",
                    "0.00",
                    client,
                ]
            )
        )
        long_sum += ll
        short_sum += sl
    stotal = s.total(
        len(srows),
        {4: str(long_sum), 6: str(short_sum), 10: yuan(mtm_sum), 11: yuan(margin_sum)},
    )
    return out + _section("持仓汇总 Positions", s, srows, stotal, False)


def _deposits(dep: dict[str, list[object]], client: str) -> list[str]:
    n = len(dep["kind"])
    if not n:
        return []
    t = _TABLES["deposits"]
    rows = []
    d_sum = w_sum = 0
    for i in range(n):
        amount = int(dep["amount_fen"][i])  # type: ignore[call-overload]
        is_dep = dep["kind"][i] == "deposit"
        on = dep["on"][i]
        rows.append(
            t.row(
                [
                    f"{on:%Y%m%d}",
                    "银期入金" if is_dep else "银期出金",
                    yuan(amount) if is_dep else "0.00",
                    "0.00" if is_dep else yuan(amount),
                    "",
                    client,
                ]
            )
        )
        if is_dep:
            d_sum += amount
        else:
            w_sum += amount
    total = t.total(n, {2: yuan(d_sum), 3: yuan(w_sum)})
    return _section("出入金明细 Deposit/Withdrawal", t, rows, total, False)
