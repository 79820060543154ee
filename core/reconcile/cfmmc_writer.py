"""RiskDesk's client statements in the CFMMC daily statement layout (``.xls``).

One workbook per client and day, named as the CFMMC investor service names its
downloads (``<account>_<YYYY-MM-DD>.xls``), with the sheets 客户交易结算日报,
成交明细, 平仓明细, 持仓明细 and 品种汇总 laid out as docs/reconciliation.md describes
(what public sources confirm of it and what is assumed). Used to test the reader
(``core.reconcile.cfmmc_xls``) against what RiskDesk knows to the fen (write, read
back, compare: no difference) and to give sample files (``riskdesk cfmmc-statements``).

What RiskDesk does not track is left blank rather than invented, as in the CTP layout
(``core.reconcile.ctp_writer``): no fill times, no open date or open price of carried
lots, one 持仓明细 row per line (contract, side, flag) rather than per opening fill. A
close of lots opened that day names as its opening fill (原成交序号) that day's
opening fill of the line at the lot's open price (RiskDesk keeps the price of each
first-in-first-out piece, not which fill opened it; the first by number when several
fills share the price).

Numbers are written as number cells: BIFF stores a number as a binary double, and the
double nearest a fen or milli-yuan amount reads back as exactly that amount
(``core.reconcile.workbook``); nothing is summed in floats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from core.reconcile.cfmmc_xls import (
    SHEET_CLOSED,
    SHEET_DAILY,
    SHEET_POSITIONS,
    SHEET_PRODUCTS,
    SHEET_TRADES,
)
from core.reconcile.ctp_writer import ContractInfo
from core.reconcile.statements import MEMBER_PREFIX, StatementFrames
from core.rules.day_inputs import ACTION_CLOSE, ACTION_DELIVER, ACTION_OPEN
from core.rules.exchange_margin import charged_margin, margin_rule
from core.rules.sides import LONG

TITLE = "客户交易结算日报(逐日盯市)"
HEADER_ROW = 9
"""0-based row of a detail sheet's column headers (row 10 in Excel; the public parsers
read these sheets with ``header=9``)."""

TRADE_HEADERS = (
    "合约",
    "成交序号",
    "成交时间",
    "买/卖",
    "投机/套保",
    "成交价",
    "手数",
    "成交额",
    "开/平",
    "手续费",
    "平仓盈亏",
    "实际成交日期",
)
CLOSED_HEADERS = (
    "合约",
    "成交序号",
    "买/卖",
    "成交价",
    "开仓价",
    "手数",
    "昨结算价",
    "平仓盈亏",
    "原成交序号",
    "实际成交日期",
)
POSITION_HEADERS = (
    "合约",
    "成交序号",
    "买持仓",
    "买入价",
    "卖持仓",
    "卖出价",
    "昨结算价",
    "今结算价",
    "持仓盈亏",
    "投机/套保",
    "交易编码",
    "实际成交日期",
)
PRODUCT_HEADERS = ("品种", "手数", "成交额", "手续费", "平仓盈亏")
DEPOSIT_HEADERS = ("发生日期", "入金", "出金", "方式", "摘要")
TRADE_SUMMARY_HEADERS = (
    "合约",
    "买/卖",
    "投机/套保",
    "成交价",
    "手数",
    "成交额",
    "权利金收支",
    "开/平",
    "手续费",
    "平仓盈亏",
)
CONTRACT_HEADERS = (
    "合约",
    "买持仓",
    "买均价",
    "卖持仓",
    "卖均价",
    "昨结算价",
    "今结算价",
    "持仓盯市盈亏",
    "交易保证金",
    "投机/套保",
)
SUMMARY_LEFT = ("上日结存", "当日存取合计", "当日盈亏", "当日总权利金", "当日手续费", "当日结存")
SUMMARY_RIGHT = (
    "客户权益",
    "实有货币资金",
    "非货币充抵金额",
    "货币充抵金额",
    "冻结资金",
    "保证金占用",
    "可用资金",
    "风险度",
    "追加保证金",
)

_SH = {False: "投机", True: "套保"}


def cfmmc_file_name(client: str, day: date) -> str:
    """``<account>_<YYYY-MM-DD>.xls``, as the investor service names a download."""
    return f"{client}_{day.isoformat()}.xls"


# --------------------------------------------------------------------- one client's rows
@dataclass(frozen=True)
class ClientRows:
    """One client's statement of one day, as lists per column."""

    client: str
    name: str
    day: date
    summary: dict[str, int]
    trades: pd.DataFrame
    closed: pd.DataFrame
    positions: pd.DataFrame
    deposits: pd.DataFrame


def iter_clients(frames: StatementFrames) -> Iterator[ClientRows]:
    """Each statement of ``frames`` (in statement order) with its rows."""
    tables = {
        "summary": frames["summary"],
        "trades": frames["trades"].sort_values(["client", "trade_no"], kind="stable"),
        "closed": frames["closed"].sort_values(
            ["client", "contract", "side", "hedge", "today", "close_milli"], kind="stable"
        ),
        "positions": frames["positions"].sort_values(
            ["client", "contract", "side", "hedge"], kind="stable"
        ),
        "deposits": frames["deposits"].sort_values(["client", "on", "kind"], kind="stable"),
    }
    grouped = {
        t: {str(k): g for k, g in df.groupby("client", sort=False)} if len(df) else {}
        for t, df in tables.items()
    }
    empty = {t: df.iloc[0:0] for t, df in tables.items()}
    for client, day, _src in frames.statements:
        if client.startswith(MEMBER_PREFIX):
            continue
        rows = {t: grouped[t].get(client, empty[t]) for t in tables}
        s = rows["summary"]
        s = s[s["day"] == day]
        yield ClientRows(
            client=client,
            name=frames.names.get(client, ""),
            day=day,
            summary=dict(zip(s["field"].tolist(), (int(v) for v in s["value"]), strict=True)),
            trades=_on(rows["trades"], day),
            closed=_on(rows["closed"], day),
            positions=_on(rows["positions"], day),
            deposits=_on(rows["deposits"], day),
        )


def _on(df: pd.DataFrame, day: date) -> pd.DataFrame:
    return df[df["day"] == day] if len(df) else df


# --------------------------------------------------------------------- writing
def write_cfmmc_files(
    frames: StatementFrames,
    folder: Path,
    *,
    firm: str,
    contracts: Mapping[str, ContractInfo],
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """One workbook per client statement of ``frames`` in ``folder``; the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    total = sum(1 for c, _d, _s in frames.statements if not c.startswith(MEMBER_PREFIX))
    for i, rows in enumerate(iter_clients(frames), 1):
        path = folder / cfmmc_file_name(rows.client, rows.day)
        write_cfmmc_workbook(rows, path, firm=firm, contracts=contracts)
        out.append(path)
        if progress is not None and i % 100 == 0:
            progress(i, total)
    return out


class _Styles:
    def __init__(self) -> None:
        import xlwt

        self.title = xlwt.easyxf("font: bold on, height 280; align: horiz center")
        self.section = xlwt.easyxf("font: bold on")
        self.head = xlwt.easyxf(
            "font: bold on; align: horiz center; borders: left thin, right thin, top thin, "
            "bottom thin; pattern: pattern solid, fore_colour gray25"
        )
        self.text = xlwt.easyxf("")
        self.money = xlwt.easyxf("", num_format_str="#,##0.00")
        self.price = xlwt.easyxf("", num_format_str="0.000")
        self.lots = xlwt.easyxf("", num_format_str="0")
        self.right = xlwt.easyxf("align: horiz right")


@lru_cache(maxsize=1)
def _styles() -> _Styles:
    """Built once: xlwt styles are plain values a workbook registers when it writes."""
    return _Styles()


class _Sheet:
    """An xlwt sheet with typed cell writers."""

    def __init__(self, ws: Any, st: _Styles) -> None:
        self.ws = ws
        self.st = st

    def text(self, r: int, c: int, value: str, style: Any = None) -> None:
        self.ws.write(r, c, value, style if style is not None else self.st.text)

    def money(self, r: int, c: int, fen: int) -> None:
        self.ws.write(r, c, int(fen) / 100, self.st.money)  # the double nearest the fen

    def price(self, r: int, c: int, milli: int) -> None:
        self.ws.write(r, c, int(milli) / 1000, self.st.price)

    def lots(self, r: int, c: int, lots: int) -> None:
        self.ws.write(r, c, int(lots), self.st.lots)

    def merged(self, r: int, c1: int, c2: int, value: str, style: Any = None) -> None:
        self.ws.write_merge(r, r, c1, c2, value, style if style is not None else self.st.text)

    def header(self, r: int, names: tuple[str, ...]) -> None:
        for c, name in enumerate(names):
            self.ws.write(r, c, name, self.st.head)

    def widths(self, chars: tuple[int, ...]) -> None:
        for c, w in enumerate(chars):
            self.ws.col(c).width = 256 * w


def write_cfmmc_workbook(
    rows: ClientRows, path: Path, *, firm: str, contracts: Mapping[str, ContractInfo]
) -> None:
    """One client's statement of one day at ``path``."""
    import xlwt

    st = _styles()
    wb = xlwt.Workbook(encoding="utf-8")
    _daily(_Sheet(wb.add_sheet(SHEET_DAILY), st), rows, firm, contracts)
    _trades(_Sheet(wb.add_sheet(SHEET_TRADES), st), rows, firm, contracts)
    _closed(_Sheet(wb.add_sheet(SHEET_CLOSED), st), rows, firm)
    _positions(_Sheet(wb.add_sheet(SHEET_POSITIONS), st), rows, firm)
    _products(_Sheet(wb.add_sheet(SHEET_PRODUCTS), st), rows, firm, contracts)
    wb.save(str(path))


def _basic(sh: _Sheet, rows: ClientRows, firm: str, title: str) -> None:
    """The title and the basic data (基本资料) every sheet starts with."""
    sh.merged(0, 0, 9, title, sh.st.title)
    sh.text(2, 0, "基本资料", sh.st.section)
    sh.merged(3, 0, 1, "客户期货期权内部资金账户")
    sh.merged(3, 2, 4, rows.client)
    sh.merged(3, 5, 6, "交易日期")
    sh.merged(3, 7, 8, rows.day.isoformat())
    sh.merged(4, 0, 1, "客户名称")
    sh.merged(4, 2, 4, rows.name)
    sh.merged(5, 0, 1, "期货公司名称")
    sh.merged(5, 2, 4, firm)


def _total_row(sh: _Sheet, r: int, values: Mapping[int, tuple[str, int]]) -> None:
    sh.text(r, 0, "合计", sh.st.section)
    for c, (kind, v) in values.items():
        if kind == "money":
            sh.money(r, c, v)
        else:
            sh.lots(r, c, v)


def _turnover(price_milli: int, lots: int, multiplier: int) -> int:
    """成交额 in fen: price × multiplier × lots (prices are whole fen; shown only)."""
    return price_milli * multiplier * lots // 10


def _buys(side: int, action: int) -> bool:
    """A fill buys when it opens a long or closes (or delivers) a short."""
    return (side == LONG) == (action == ACTION_OPEN)


def _oc(action: int) -> str:
    return {ACTION_OPEN: "开", ACTION_CLOSE: "平", ACTION_DELIVER: "交割"}[action]


def _daily(sh: _Sheet, rows: ClientRows, firm: str, contracts: Mapping[str, ContractInfo]) -> None:
    _basic(sh, rows, firm, TITLE)
    f = rows.summary
    sh.text(7, 0, "期货期权账户资金状况", sh.st.section)
    daily = f.get("daily_pnl", f.get("close_pnl", 0) + f.get("position_pnl", 0))
    left = (
        f.get("prior_balance", 0),
        f.get("transfers", 0),
        daily,
        0,
        f.get("fees", 0),
        f.get("balance", 0),
    )
    right: tuple[int | str, ...] = (
        f.get("equity", f.get("balance", 0)),
        f.get("balance", 0),
        f.get("offset", 0),
        0,
        0,
        f.get("margin", 0),
        f.get("available", 0),
        _ratio(f.get("risk_ratio_bp")),
        f.get("margin_call", 0),
    )
    for i in range(len(SUMMARY_RIGHT)):
        r = 8 + i
        if i < len(SUMMARY_LEFT):
            sh.merged(r, 0, 1, SUMMARY_LEFT[i])
            sh.money(r, 2, left[i])
        sh.merged(r, 5, 6, SUMMARY_RIGHT[i])
        value = right[i]
        if isinstance(value, str):
            sh.text(r, 7, value, sh.st.right)
        else:
            sh.money(r, 7, value)
    r = 8 + len(SUMMARY_RIGHT) + 1
    # deposits and withdrawals
    sh.text(r, 0, "期货期权账户出入金明细", sh.st.section)
    sh.header(r + 1, DEPOSIT_HEADERS)
    r += 2
    dep = rows.deposits
    d_in = d_out = 0
    for on, kind, amount in zip(dep["on"], dep["kind"], dep["amount_fen"], strict=True):
        sh.text(r, 0, on.isoformat())
        is_in = kind == "deposit"
        sh.money(r, 1, int(amount) if is_in else 0)
        sh.money(r, 2, 0 if is_in else int(amount))
        sh.text(r, 3, "银期转账")
        sh.text(r, 4, "")
        d_in += int(amount) if is_in else 0
        d_out += 0 if is_in else int(amount)
        r += 1
    _total_row(sh, r, {1: ("money", d_in), 2: ("money", d_out)})
    r += 2
    # trades summed per contract, side, flag, price and open/close
    sh.text(r, 0, "期货成交汇总", sh.st.section)
    sh.header(r + 1, TRADE_SUMMARY_HEADERS)
    r += 2
    groups: dict[tuple[str, bool, bool, int, int], list[int]] = {}
    tr = rows.trades
    for k, side, action, hedge, p, lots, fee, pnl in zip(
        tr["contract"],
        tr["side"],
        tr["action"],
        tr["hedge"],
        tr["price_milli"],
        tr["lots"],
        tr["fee_fen"],
        tr["pnl_fen"],
        strict=True,
    ):
        key = (str(k), _buys(int(side), int(action)), bool(hedge), int(p), int(action))
        g = groups.setdefault(key, [0, 0, 0, 0])
        g[0] += int(lots)
        g[1] += _turnover(int(p), int(lots), contracts[str(k)].multiplier)
        g[2] += int(fee)
        g[3] += int(pnl)
    sums = [0, 0, 0, 0]
    for (k, buys, hedge, p, action), (lots, turnover, fee, pnl) in groups.items():
        sh.text(r, 0, k)
        sh.text(r, 1, "买" if buys else "卖")
        sh.text(r, 2, _SH[hedge])
        sh.price(r, 3, p)
        sh.lots(r, 4, lots)
        sh.money(r, 5, turnover)
        sh.money(r, 6, 0)
        sh.text(r, 7, _oc(action))
        sh.money(r, 8, fee)
        sh.money(r, 9, pnl)
        for i, v in enumerate((lots, turnover, fee, pnl)):
            sums[i] += v
        r += 1
    _total_row(
        sh,
        r,
        {4: ("lots", sums[0]), 5: ("money", sums[1]), 8: ("money", sums[2]), 9: ("money", sums[3])},
    )
    r += 2
    # positions per contract and flag, both sides
    sh.text(r, 0, "期货持仓汇总", sh.st.section)
    sh.header(r + 1, CONTRACT_HEADERS)
    r += 2
    totals = [0, 0, 0, 0]
    for (k, hedge), line in _contract_rows(rows.positions).items():
        sh.text(r, 0, k)
        sh.lots(r, 1, line["long_lots"])
        if line["long_lots"]:
            sh.price(r, 2, line["long_cost"] // line["long_lots"])
        sh.lots(r, 3, line["short_lots"])
        if line["short_lots"]:
            sh.price(r, 4, line["short_cost"] // line["short_lots"])
        sh.price(r, 5, line["prev"])
        sh.price(r, 6, line["settle"])
        sh.money(r, 7, line["mtm"])
        margin = int(
            charged_margin(line["long_margin"], line["short_margin"], margin_rule("DCE"))[()]
        )
        sh.money(r, 8, margin)
        sh.text(r, 9, _SH[hedge])
        for i, v in enumerate((line["long_lots"], line["short_lots"], line["mtm"], margin)):
            totals[i] += v
        r += 1
    _total_row(
        sh,
        r,
        {
            1: ("lots", totals[0]),
            3: ("lots", totals[1]),
            7: ("money", totals[2]),
            8: ("money", totals[3]),
        },
    )
    sh.widths((26, 10, 16, 12, 10, 14, 10, 16, 14, 10))


def _ratio(bp: int | None) -> str:
    """风险度 as printed: ``42.57%`` (``--`` when equity is not positive)."""
    if bp is None:
        return "--"
    sign = "-" if bp < 0 else ""
    q, r = divmod(abs(int(bp)), 100)
    return f"{sign}{q}.{r:02d}%"


def _contract_rows(pos: pd.DataFrame) -> dict[tuple[str, bool], dict[str, int]]:
    out: dict[tuple[str, bool], dict[str, int]] = {}
    for k, side, hedge, lots, cost, prev, settle, mtm, margin in zip(
        pos["contract"],
        pos["side"],
        pos["hedge"],
        pos["lots"],
        pos["open_cost_milli"],
        pos["prev_settle_milli"],
        pos["settle_milli"],
        pos["mtm_fen"],
        pos["margin_fen"],
        strict=True,
    ):
        line = out.setdefault(
            (str(k), bool(hedge)),
            dict.fromkeys(
                (
                    "long_lots",
                    "long_cost",
                    "short_lots",
                    "short_cost",
                    "mtm",
                    "long_margin",
                    "short_margin",
                ),
                0,
            )
            | {"prev": int(prev), "settle": int(settle)},
        )
        which = "long" if int(side) == LONG else "short"
        line[f"{which}_lots"] += int(lots)
        line[f"{which}_cost"] += int(cost)
        line[f"{which}_margin"] += int(margin)
        line["mtm"] += int(mtm)
    return out


def _detail_head(
    sh: _Sheet, rows: ClientRows, firm: str, title: str, headers: tuple[str, ...]
) -> None:
    _basic(sh, rows, firm, TITLE)
    sh.text(HEADER_ROW - 1, 0, title, sh.st.section)
    sh.header(HEADER_ROW, headers)


def _trades(sh: _Sheet, rows: ClientRows, firm: str, contracts: Mapping[str, ContractInfo]) -> None:
    _detail_head(sh, rows, firm, SHEET_TRADES, TRADE_HEADERS)
    r = HEADER_ROW + 1
    tr = rows.trades
    sums = [0, 0, 0, 0]
    for no, k, side, action, hedge, p, lots, fee, pnl in zip(
        tr["trade_no"],
        tr["contract"],
        tr["side"],
        tr["action"],
        tr["hedge"],
        tr["price_milli"],
        tr["lots"],
        tr["fee_fen"],
        tr["pnl_fen"],
        strict=True,
    ):
        turnover = _turnover(int(p), int(lots), contracts[str(k)].multiplier)
        sh.text(r, 0, str(k))
        sh.text(r, 1, str(no))
        sh.text(r, 2, "")
        sh.text(r, 3, "买" if _buys(int(side), int(action)) else "卖")
        sh.text(r, 4, _SH[bool(hedge)])
        sh.price(r, 5, int(p))
        sh.lots(r, 6, int(lots))
        sh.money(r, 7, turnover)
        sh.text(r, 8, _oc(int(action)))
        sh.money(r, 9, int(fee))
        if int(action) == ACTION_OPEN:
            sh.text(r, 10, "--", sh.st.right)  # an open has no close P&L
        else:
            sh.money(r, 10, int(pnl))
        sh.text(r, 11, rows.day.isoformat())
        for i, v in enumerate((int(lots), turnover, int(fee), int(pnl))):
            sums[i] += v
        r += 1
    _total_row(
        sh,
        r,
        {
            6: ("lots", sums[0]),
            7: ("money", sums[1]),
            9: ("money", sums[2]),
            10: ("money", sums[3]),
        },
    )
    sh.widths((10, 14, 10, 6, 10, 12, 8, 16, 6, 12, 14, 14))


def _closed(sh: _Sheet, rows: ClientRows, firm: str) -> None:
    _detail_head(sh, rows, firm, SHEET_CLOSED, CLOSED_HEADERS)
    r = HEADER_ROW + 1
    cl, tr = rows.closed, rows.trades
    opens: dict[tuple[str, int, bool, int], str] = {}
    for no, k, side, action, hedge, p in zip(
        tr["trade_no"],
        tr["contract"],
        tr["side"],
        tr["action"],
        tr["hedge"],
        tr["price_milli"],
        strict=True,
    ):
        if int(action) == ACTION_OPEN:
            opens.setdefault((str(k), int(side), bool(hedge), int(p)), str(no))
    # the closing fill of each piece: a close of the line at the piece's price
    closing: dict[tuple[str, int, bool, int], str] = {}
    for no, k, side, action, hedge, p in zip(
        tr["trade_no"],
        tr["contract"],
        tr["side"],
        tr["action"],
        tr["hedge"],
        tr["price_milli"],
        strict=True,
    ):
        if int(action) != ACTION_OPEN:
            closing.setdefault((str(k), int(side), bool(hedge), int(p)), str(no))
    lots_sum = pnl_sum = 0
    for k, side, hedge, today, close, lots, cost, prev, pnl in zip(
        cl["contract"],
        cl["side"],
        cl["hedge"],
        cl["today"],
        cl["close_milli"],
        cl["lots"],
        cl["open_cost_milli"],
        cl["prev_settle_milli"],
        cl["pnl_fen"],
        strict=True,
    ):
        key = (str(k), int(side), bool(hedge))
        sh.text(r, 0, str(k))
        sh.text(r, 1, closing.get((*key, int(close)), ""))
        sh.text(r, 2, "卖" if int(side) == LONG else "买")  # the closing fill's side
        sh.price(r, 3, int(close))
        if bool(today) and int(cost) >= 0 and int(lots):
            open_price = int(cost) // int(lots)
            sh.price(r, 4, open_price)
            sh.text(r, 8, opens.get((*key, open_price), ""))
        else:
            sh.text(r, 4, "--", sh.st.right)
            sh.text(r, 8, "")
        sh.lots(r, 5, int(lots))
        sh.price(r, 6, int(prev))
        sh.money(r, 7, int(pnl))
        sh.text(r, 9, rows.day.isoformat())
        lots_sum += int(lots)
        pnl_sum += int(pnl)
        r += 1
    _total_row(sh, r, {5: ("lots", lots_sum), 7: ("money", pnl_sum)})
    sh.widths((10, 14, 6, 12, 12, 8, 12, 14, 14, 14))


def _positions(sh: _Sheet, rows: ClientRows, firm: str) -> None:
    _detail_head(sh, rows, firm, SHEET_POSITIONS, POSITION_HEADERS)
    r = HEADER_ROW + 1
    pos = rows.positions
    sums = [0, 0, 0]
    for k, side, hedge, lots, today, cost, prev, settle, mtm in zip(
        pos["contract"],
        pos["side"],
        pos["hedge"],
        pos["lots"],
        pos["today_lots"],
        pos["open_cost_milli"],
        pos["prev_settle_milli"],
        pos["settle_milli"],
        pos["mtm_fen"],
        strict=True,
    ):
        n = int(lots)
        is_long = int(side) == LONG
        sh.text(r, 0, str(k))
        sh.text(r, 1, "")
        sh.lots(r, 2, n if is_long else 0)
        sh.lots(r, 4, 0 if is_long else n)
        sh.price(r, 3 if is_long else 5, int(cost) // n)
        sh.price(r, 6, int(prev))
        sh.price(r, 7, int(settle))
        sh.money(r, 8, int(mtm))
        sh.text(r, 9, _SH[bool(hedge)])
        sh.text(r, 10, rows.client)
        sh.text(r, 11, rows.day.isoformat() if int(today) == n else "")
        sums[0 if is_long else 1] += n
        sums[2] += int(mtm)
        r += 1
    _total_row(sh, r, {2: ("lots", sums[0]), 4: ("lots", sums[1]), 8: ("money", sums[2])})
    sh.widths((10, 12, 8, 12, 8, 12, 12, 12, 14, 10, 12, 14))


def _products(
    sh: _Sheet, rows: ClientRows, firm: str, contracts: Mapping[str, ContractInfo]
) -> None:
    _detail_head(sh, rows, firm, SHEET_PRODUCTS, PRODUCT_HEADERS)
    r = HEADER_ROW + 1
    tr = rows.trades
    groups: dict[str, list[int]] = {}
    for k, p, lots, fee, pnl in zip(
        tr["contract"], tr["price_milli"], tr["lots"], tr["fee_fen"], tr["pnl_fen"], strict=True
    ):
        product = "".join(ch for ch in str(k) if ch.isalpha())
        g = groups.setdefault(product, [0, 0, 0, 0])
        g[0] += int(lots)
        g[1] += _turnover(int(p), int(lots), contracts[str(k)].multiplier)
        g[2] += int(fee)
        g[3] += int(pnl)
    sums = [0, 0, 0, 0]
    for product, (lots, turnover, fee, pnl) in groups.items():
        sh.text(r, 0, product)
        sh.lots(r, 1, lots)
        sh.money(r, 2, turnover)
        sh.money(r, 3, fee)
        sh.money(r, 4, pnl)
        for i, v in enumerate((lots, turnover, fee, pnl)):
            sums[i] += v
        r += 1
    _total_row(
        sh,
        r,
        {1: ("lots", sums[0]), 2: ("money", sums[1]), 3: ("money", sums[2]), 4: ("money", sums[3])},
    )
    sh.widths((10, 8, 16, 12, 14))
