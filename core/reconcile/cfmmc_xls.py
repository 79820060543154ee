"""Reader of CFMMC daily statements (中国期货市场监控中心 客户交易结算日报, ``.xls``).

The investor service of the China Futures Market Monitoring Center gives each client
one workbook per trading day (``<account>_<YYYY-MM-DD>.xls``) with the sheets
客户交易结算日报 (basic data, the account summary, deposits, the trade and position
summaries), 成交明细 (fills), 平仓明细 (closes), 持仓明细 (open lots) and 品种汇总
(per product). The layout followed here, and what of it public sources confirm, is in
docs/reconciliation.md ("CFMMC daily statements"). Only the mark-to-market statement
(逐日盯市) is read: a trade-by-trade one (逐笔对冲) marks positions against their open
prices, not RiskDesk's settlement, and is refused by name.

Everything is found by its label, not its place: sections by their titles in the first
column, summary figures by their labels (value: the next filled cell to the right, so
merged label and value cells are read as they are), table columns by their headers
(a value may sit anywhere under a merged header cell). Quirks taken: full-width spaces,
colons and digits (NFKC), labels with spaces inside, numbers stored as text with
thousands separators or in parentheses for negatives, ``--`` for "none", blank rows,
``合计`` / ``小计`` / ``共 N 条`` total rows (counts and lot and fee sums checked
against the rows read). Errors name the file, the sheet, the row (as Excel numbers it)
and the field (``StatementFormatError``); nothing of a file that fails is kept.

The statement becomes the rows of ``core.reconcile.statements`` so that the comparison
is the same as for counter (CTP) statements. Two things a CFMMC statement prints
differently: the account summary has one daily P&L (当日盈亏 = close + position P&L,
``daily_pnl``), and margins are per contract (持仓汇总: both sides together), so a line's
margin is known only where one side of a contract is held; otherwise the comparison
takes the contract's total (``compare._contract_margins``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from core.reconcile.ctp_text import action_side, buy_sell, fixed, hedge_flag, parse_day
from core.reconcile.statements import UNKNOWN, StatementFormatError, StatementRows
from core.reconcile.workbook import Sheet, label, read_sheets
from core.reference.exchanges import exchange_of
from core.reference.products import default_products
from core.rules.sides import LONG, SHORT

SHEET_DAILY = "客户交易结算日报"
SHEET_TRADES = "成交明细"
SHEET_CLOSED = "平仓明细"
SHEET_POSITIONS = "持仓明细"
SHEET_PRODUCTS = "品种汇总"
REQUIRED_SHEETS = (SHEET_DAILY, SHEET_TRADES, SHEET_CLOSED, SHEET_POSITIONS)
"""Sheets a statement must have (品种汇总 is read by no comparison: optional)."""

INFO_LABELS = {
    "客户期货期权内部资金账户": "account",
    "客户期货内部资金账户": "account",
    "资金账号": "account",
    "客户名称": "name",
    "期货公司名称": "firm",
    "交易日期": "day",
    "日期": "day",
}
SUMMARY_LABELS = {
    "上日结存": "prior_balance",
    "期初结存": "prior_balance",
    "当日存取合计": "transfers",
    "当日盈亏": "daily_pnl",
    "平仓盈亏": "close_pnl",
    "持仓盯市盈亏": "position_pnl",
    "持仓盈亏": "position_pnl",
    "持仓盈亏合计": "position_pnl",
    "当日手续费": "fees",
    "手续费": "fees",
    "当日结存": "balance",
    "期末结存": "balance",
    "客户权益": "equity",
    "非货币充抵金额": "offset",
    "保证金占用": "margin",
    "可用资金": "available",
    "风险度": "risk_ratio_bp",
    "追加保证金": "margin_call",
    # read and not compared (RiskDesk holds no options, FX pledges or frozen funds)
    "当日总权利金": "",
    "实有货币资金": "",
    "货币充抵金额": "",
    "冻结资金": "",
    "浮动盈亏": "",
    "质押金": "",
}
_LABELS = frozenset(INFO_LABELS) | frozenset(SUMMARY_LABELS)

# table columns: header label → key (aliases seen in the variants of the layout)
_CONTRACT = {"合约": "contract", "品种合约": "contract", "合约代码": "contract"}
_HEDGE = {"投机/套保": "sh", "投/保": "sh", "投机套保": "sh", "投保": "sh"}
_BS = {"买/卖": "bs", "买卖": "bs"}
_OC = {"开/平": "oc", "开平": "oc"}
_TRADE_NO = {"成交序号": "trade_no", "成交编号": "trade_no", "成交单号": "trade_no"}
COLUMNS: dict[str, dict[str, str]] = {
    "trades": {
        **_CONTRACT,
        **_TRADE_NO,
        **_BS,
        **_HEDGE,
        **_OC,
        "成交价": "price",
        "手数": "lots",
        "成交量": "lots",
        "手续费": "fee",
        "平仓盈亏": "pnl",
        "实际成交日期": "date",
    },
    "closed": {
        **_CONTRACT,
        **_TRADE_NO,
        **_BS,
        **_HEDGE,
        "成交价": "price",
        "开仓价": "open_price",
        "手数": "lots",
        "昨结算价": "prev_settle",
        "昨结算": "prev_settle",
        "平仓盈亏": "pnl",
        "原成交序号": "open_no",
        "开仓成交编号": "open_no",
        "开仓日期": "open_date",
    },
    "positions": {
        **_CONTRACT,
        **_HEDGE,
        "买持仓": "long_lots",
        "买入价": "long_price",
        "卖持仓": "short_lots",
        "卖出价": "short_price",
        "昨结算价": "prev_settle",
        "昨结算": "prev_settle",
        "今结算价": "settle",
        "结算价": "settle",
        "持仓盈亏": "mtm",
        "持仓盯市盈亏": "mtm",
        "盯市盈亏": "mtm",
        "交易保证金": "margin",
        "保证金": "margin",
        "实际成交日期": "date",
    },
    "contracts": {
        **_CONTRACT,
        **_HEDGE,
        "买持仓": "long_lots",
        "买持": "long_lots",
        "买均价": "long_avg",
        "卖持仓": "short_lots",
        "卖持": "short_lots",
        "卖均价": "short_avg",
        "昨结算价": "prev_settle",
        "今结算价": "settle",
        "持仓盯市盈亏": "mtm",
        "持仓盈亏": "mtm",
        "交易保证金": "margin",
        "保证金占用": "margin",
    },
    "deposits": {"发生日期": "date", "入金": "deposit", "出金": "withdrawal"},
}
REQUIRED_COLUMNS = {
    "trades": ("contract", "trade_no", "bs", "sh", "oc", "price", "lots", "fee"),
    "closed": ("contract", "trade_no", "bs", "price", "lots", "prev_settle", "pnl"),
    "positions": ("contract", "sh", "long_lots", "short_lots", "prev_settle", "settle", "mtm"),
    "contracts": ("contract", "sh", "long_lots", "short_lots", "margin"),
    "deposits": ("deposit", "withdrawal"),
}
_NAMES = {
    t: {k: next(z for z, kk in cols.items() if kk == k) for k in set(cols.values())}
    for t, cols in COLUMNS.items()
}
"""Key → the header printed (first alias), for error messages."""
_SUMMED = ("lots", "long_lots", "short_lots", "fee", "deposit", "withdrawal", "margin")
"""Columns whose total row (合计) is checked against the rows read."""
_TOTAL = re.compile(r"^共(\d+)条")
_HEADER_SEARCH_ROWS = 40


@dataclass
class _Table:
    """Rows of one table: key → text per row, with the sheet row index."""

    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


class _Reader:
    """One workbook: its sheets, errors named after the file."""

    def __init__(self, path: Path, contracts: Collection[str] | None) -> None:
        self.file = path.name
        self.known = contracts

    def error(self, message: str, sheet: str, row: int | None = None, fld: str = "") -> Exception:
        return StatementFormatError(
            message,
            source=f"{self.file}, sheet {sheet}",
            row=None if row is None else row + 1,
            field=fld,
        )

    # ---- numbers
    def number(self, text: str, places: int, sheet: str, row: int, fld: str) -> int | None:
        """``text`` in units of 10^-places; None for an empty cell or ``--``."""
        t = text.replace(",", "").replace(" ", "").replace("\u2212", "-")  # − as a minus
        if t in ("", "--", "-", "—"):
            return None
        neg = t.startswith("(") and t.endswith(")")
        if neg:
            t = t[1:-1]
        try:
            value = fixed(t, places)
        except ValueError as exc:
            raise self.error(str(exc), sheet, row, fld) from None
        return -value if neg else value

    def need(self, text: str, places: int, sheet: str, row: int, fld: str) -> int:
        value = self.number(text, places, sheet, row, fld)
        if value is None:
            raise self.error("empty: a figure is required here", sheet, row, fld)
        return value

    def ratio_bp(self, text: str, sheet: str, row: int, fld: str) -> int | None:
        """风险度 in basis points: ``42.57%`` as printed, or a bare fraction (0.4257: how
        Excel stores a percentage)."""
        t = text.replace(" ", "")
        if t.endswith("%"):
            return self.number(t[:-1], 2, sheet, row, fld)
        return self.number(t, 4, sheet, row, fld)

    def day(self, text: str, sheet: str, row: int, fld: str) -> date:
        try:
            return parse_day(text.replace("/", "-"))
        except ValueError as exc:
            raise self.error(str(exc), sheet, row, fld) from None

    def contract(self, text: str, sheet: str, row: int, fld: str) -> tuple[str, str]:
        """(contract, exchange). Refused by name: a code of no exchange, and a contract
        of a product RiskDesk carries that RiskDesk does not know (``m2799``); contracts
        of other products and exchanges are read (lines RiskDesk cannot have)."""
        code = text.strip()
        try:
            exchange = exchange_of(code)
        except ValueError as exc:
            raise self.error(str(exc), sheet, row, fld) from None
        if (
            self.known is not None
            and code not in self.known
            and "".join(ch for ch in code if ch.isalpha()) in default_products()
        ):
            raise self.error(f"RiskDesk knows no contract {code!r}", sheet, row, fld)
        return sys.intern(code), exchange

    def flag(self, text: str, sheet: str, row: int, fld: str) -> bool:
        """投机 → False, 套保 → True."""
        try:
            return hedge_flag(text)
        except ValueError as exc:
            raise self.error(str(exc.args[0]), sheet, row, fld) from None

    def buys(self, text: str, sheet: str, row: int, fld: str) -> bool:
        """买 → True, 卖 → False."""
        try:
            return buy_sell(text) == "buy"
        except ValueError as exc:
            raise self.error(str(exc.args[0]), sheet, row, fld) from None

    # ---- layout
    def pairs(self, sheet: Sheet, first: int, last: int) -> dict[str, tuple[str, int]]:
        """Label → (value, row) of the label/value pairs in rows ``first`` … ``last``: a
        known label's value is the next filled cell to its right that is not a label."""
        out: dict[str, tuple[str, int]] = {}
        for r in range(first, min(last, len(sheet.rows))):
            cells = sheet.rows[r]
            for c, text in enumerate(cells):
                key = label(text)
                if key not in _LABELS:
                    continue
                value = ""
                for nxt in cells[c + 1 :]:
                    if nxt:
                        value = "" if label(nxt) in _LABELS else nxt
                        break
                out.setdefault(key, (value, r))
        return out

    def header(self, sheet: Sheet, r: int, table: str) -> dict[str, tuple[int, int]] | None:
        """Key → column span [first, last) of a header row, or None if it is not the
        table's header (a required column missing)."""
        cells = sheet.rows[r]
        filled = [c for c, t in enumerate(cells) if t]
        spans: dict[str, tuple[int, int]] = {}
        for i, c in enumerate(filled):
            key = COLUMNS[table].get(label(cells[c]))
            if key is not None and key not in spans:
                end = filled[i + 1] if i + 1 < len(filled) else len(cells)
                spans[key] = (c, end)
        if all(k in spans for k in REQUIRED_COLUMNS[table]):
            return spans
        return None

    def missing_header(self, sheet: Sheet, r: int, table: str) -> str:
        cells = sheet.rows[r] if r < len(sheet.rows) else []
        have = {COLUMNS[table].get(label(t)) for t in cells}
        gone = [k for k in REQUIRED_COLUMNS[table] if k not in have]
        return _NAMES[table][gone[0]] if gone else ""

    def table(
        self, sheet: Sheet, head: int, spans: dict[str, tuple[int, int]], table: str
    ) -> tuple[_Table, int]:
        """Data rows under the header at ``head`` up to a total row, a title row or the end;
        the total row's count and sums are checked. Returns the rows and the next row."""
        out = _Table()
        r = head + 1
        while r < len(sheet.rows):
            cells = sheet.rows[r]
            filled = [t for t in cells if t]
            if not filled:
                r += 1
                continue
            first = label(filled[0])
            count = _TOTAL.match(first)
            if count or first in ("合计", "小计", "总计"):
                if count and int(count.group(1)) != len(out.rows):
                    raise self.error(
                        f"the total row counts {count.group(1)} rows but {len(out.rows)} were read",
                        sheet.name,
                        r,
                        first,
                    )
                self.check_sums(sheet, r, spans, table, out)
                return out, r + 1
            if (
                len(filled) == 1
                and cells[0]
                and label(cells[0]) not in _LABELS
                and not _is_code(cells[0])
            ):
                return out, r  # the next section's title, or a note
            row = {}
            for key, (a, b) in spans.items():
                row[key] = next((t for t in cells[a:b] if t), "")
            out.rows.append((r, row))
            r += 1
        return out, r

    def check_sums(
        self, sheet: Sheet, r: int, spans: dict[str, tuple[int, int]], table: str, t: _Table
    ) -> None:
        cells = sheet.rows[r]
        for key in _SUMMED:
            if key not in spans:
                continue
            a, b = spans[key]
            text = next((x for x in cells[a:b] if x), "")
            places = 0 if key.endswith("lots") else 2
            total = self.number(text, places, sheet.name, r, _NAMES[table][key])
            if total is None:
                continue
            got = sum(
                self.number(row.get(key, ""), places, sheet.name, i, _NAMES[table][key]) or 0
                for i, row in t.rows
            )
            if got != total:
                raise self.error(
                    f"the total row says {text} but the rows add up to {_show(got, places)}",
                    sheet.name,
                    r,
                    _NAMES[table][key],
                )


def _section_kind(title: str) -> str:
    """What a title in the first column opens: the basic data (also the sheet's own
    title), the account summary, the deposits, the futures position summary, or a part
    that is not compared (trade summary, options, other funds, notes)."""
    if any(t in title for t in ("基本资料", "结算日报", "结算单")):
        return "info"
    if "资金状况" in title:
        return "summary"
    if "出入金明细" in title:
        return "deposits"
    if "持仓汇总" in title and "期权" not in title:
        return "contracts"
    return "other"


def _is_code(text: str) -> bool:
    try:
        exchange_of(text)
    except ValueError:
        return False
    return True


def _show(value: int, places: int) -> str:
    if not places:
        return str(value)
    sign = "-" if value < 0 else ""
    q, rem = divmod(abs(value), 10**places)
    return f"{sign}{q}.{rem:0{places}d}"


def _sheet(sheets: list[Sheet], name: str) -> Sheet | None:
    for s in sheets:
        if label(s.name) == name:
            return s
    return next((s for s in sheets if name in label(s.name)), None)


def read_cfmmc_file(
    path: Path,
    rows: StatementRows | None = None,
    *,
    contracts: Collection[str] | None = None,
) -> StatementRows:
    """The statement in the workbook at ``path``, added to ``rows`` (a new one by default).

    ``contracts``: the contract codes RiskDesk knows; a contract of one of RiskDesk's
    products outside them is refused (contracts of other products and exchanges are
    read: a CFMMC statement covers them all).
    The file is read whole before anything is added: a file that fails adds nothing.
    """
    rd = _Reader(path, contracts)
    names: list[str] = []

    def wanted(name: str) -> bool:  # the sheets compared; the others are not parsed
        names.append(name)
        return any(want in label(name) for want in REQUIRED_SHEETS)

    sheets = read_sheets(path, wanted)
    found = {name: _sheet(sheets, name) for name in REQUIRED_SHEETS}
    for name in REQUIRED_SHEETS:
        if found[name] is None:
            have = ", ".join(names) or "none"
            raise StatementFormatError(
                f"the workbook has no sheet {name} (its sheets: {have}); a CFMMC daily "
                "statement has 客户交易结算日报, 成交明细, 平仓明细, 持仓明细 and 品种汇总",
                source=f"{rd.file}, sheet {name}",
                field="sheet",
            )
    daily = found[SHEET_DAILY]
    assert daily is not None
    st = _parse_daily(rd, daily)
    trades = _detail(rd, found[SHEET_TRADES], "trades", st)
    closed = _detail(rd, found[SHEET_CLOSED], "closed", st)
    positions = _detail(rd, found[SHEET_POSITIONS], "positions", st)
    one = StatementRows()
    _build(rd, st, trades, closed, positions, one)
    if rows is None:
        return one
    for t, cols in one.columns.items():  # the whole file read: now add it
        for c, values in cols.items():
            rows.columns[t][c].extend(values)
    rows.statements.extend(one.statements)
    rows.names.update(one.names)
    return rows


@dataclass
class _Daily:
    sheet: str
    account: str
    day: date
    name: str
    summary: dict[str, int]
    deposits: _Table
    contracts: _Table


def _parse_daily(rd: _Reader, sheet: Sheet) -> _Daily:
    for r, cells in enumerate(sheet.rows[:6]):
        if any("逐笔" in c for c in cells):
            raise rd.error(
                "a trade-by-trade (逐笔对冲) statement: RiskDesk settles mark-to-market; "
                "download the 逐日盯市 statement",
                sheet.name,
                r,
                "title",
            )
    section = "info"
    info: dict[str, tuple[str, int]] = {}
    summary_pairs: dict[str, tuple[str, int]] = {}
    deposits, contracts = _Table(), _Table()
    r = 0
    n = len(sheet.rows)
    while r < n:
        cells = sheet.rows[r]
        filled = [c for c in cells if c]
        if not filled:
            r += 1
            continue
        head = label(cells[0]) if cells[0] else ""
        if len(filled) == 1 and head and head not in _LABELS:
            kind = _section_kind(head)
            if kind in ("deposits", "contracts"):
                h = _next_filled(sheet, r + 1)
                spans = rd.header(sheet, h, kind) if h < n else None
                if spans is None:
                    raise rd.error(
                        f"no header row under {cells[0]}",
                        sheet.name,
                        h if h < n else r,
                        rd.missing_header(sheet, h, kind),
                    )
                table, r = rd.table(sheet, h, spans, kind)
                if kind == "deposits":
                    deposits = table
                else:
                    contracts = table
                section = "other"
                continue
            section = kind
            r += 1
            continue
        if section in ("info", "summary"):
            pairs = rd.pairs(sheet, r, r + 1)
            for key, value in pairs.items():
                target = info if key in INFO_LABELS else summary_pairs
                target.setdefault(key, value)
        r += 1
    account = next((v for k, v in info.items() if INFO_LABELS[k] == "account"), None)
    if account is None or not account[0]:
        raise rd.error(
            "no account (客户期货期权内部资金账户) in the basic data",
            sheet.name,
            account[1] if account else None,
            "客户期货期权内部资金账户",
        )
    day_cell = next((v for k, v in info.items() if INFO_LABELS[k] == "day"), None)
    if day_cell is None or not day_cell[0]:
        raise rd.error(
            "no trading day (交易日期) in the basic data",
            sheet.name,
            day_cell[1] if day_cell else None,
            "交易日期",
        )
    day = rd.day(day_cell[0], sheet.name, day_cell[1], "交易日期")
    name = next((v[0] for k, v in info.items() if INFO_LABELS[k] == "name"), "")
    summary: dict[str, int] = {}
    for key, (text, row) in summary_pairs.items():
        fld = SUMMARY_LABELS[key]
        if not fld:
            continue
        if fld == "risk_ratio_bp":
            figure = rd.ratio_bp(text, sheet.name, row, key)
        else:
            figure = rd.number(text, 2, sheet.name, row, key)
        if figure is not None:
            summary.setdefault(fld, figure)
    return _Daily(sheet.name, account[0], day, name, summary, deposits, contracts)


def _next_filled(sheet: Sheet, r: int) -> int:
    while r < len(sheet.rows) and not any(sheet.rows[r]):
        r += 1
    return r


def _detail(rd: _Reader, sheet: Sheet | None, table: str, st: _Daily) -> tuple[str, _Table]:
    """A detail sheet's table, its header found among the first rows; the account and
    the day the sheet prints above it (if it does) must be the statement's."""
    assert sheet is not None
    last = min(len(sheet.rows), _HEADER_SEARCH_ROWS)
    for r in range(last):
        spans = rd.header(sheet, r, table)
        if spans is None:
            continue
        pairs = rd.pairs(sheet, 0, r)
        for key, (text, row) in pairs.items():
            what = INFO_LABELS.get(key)
            if what == "account" and text and text != st.account:
                raise rd.error(
                    f"account {text} here, {st.account} on {st.sheet}", sheet.name, row, key
                )
            if what == "day" and text and rd.day(text, sheet.name, row, key) != st.day:
                raise rd.error(
                    f"trading day {text} here, {st.day.isoformat()} on {st.sheet}",
                    sheet.name,
                    row,
                    key,
                )
        rows, _end = rd.table(sheet, r, spans, table)
        return sheet.name, rows
    probe = next((r for r in range(last) if any(sheet.rows[r])), 0)
    fields = "、".join(_NAMES[table][k] for k in REQUIRED_COLUMNS[table])
    raise rd.error(
        f"no header row with the columns {fields} in the first {_HEADER_SEARCH_ROWS} rows",
        sheet.name,
        None,
        rd.missing_header(sheet, probe, table),
    )


def _build(
    rd: _Reader,
    st: _Daily,
    trades: tuple[str, _Table],
    closed: tuple[str, _Table],
    positions: tuple[str, _Table],
    out: StatementRows,
) -> None:
    client, day = st.account, st.day
    add = out.add
    for fld, value in st.summary.items():
        add("summary", client=client, day=day, field=fld, value=value)
    # ---- fills
    sheet, table = trades
    names = _NAMES["trades"]
    flags: dict[str, bool] = {}
    for r, row in table.rows:
        contract, _ex = rd.contract(row["contract"], sheet, r, names["contract"])
        try:
            action, side = action_side(row["bs"], row["oc"])
        except ValueError as exc:
            which = names["bs"] if exc.args[1:] == ("bs",) else names["oc"]
            raise rd.error(str(exc.args[0]), sheet, r, which) from None
        hedge = rd.flag(row["sh"], sheet, r, names["sh"])
        trade_no = row["trade_no"]
        if not trade_no:
            raise rd.error("empty: every fill has a number", sheet, r, names["trade_no"])
        flags[trade_no] = hedge
        add(
            "trades",
            client=client,
            day=day,
            trade_no=trade_no,
            contract=contract,
            side=side,
            action=action,
            hedge=hedge,
            price_milli=rd.need(row["price"], 3, sheet, r, names["price"]),
            lots=rd.need(row["lots"], 0, sheet, r, names["lots"]),
            fee_fen=rd.need(row["fee"], 2, sheet, r, names["fee"]),
            pnl_fen=rd.number(row.get("pnl", ""), 2, sheet, r, names["pnl"]) or 0,
        )
    # ---- closes: the flag is the closing fill's; lots opened today were opened by one
    # of today's fills (原成交序号), or on the day the variant's 开仓日期 names
    sheet, table = closed
    names = _NAMES["closed"]
    for r, row in table.rows:
        contract, _ex = rd.contract(row["contract"], sheet, r, names["contract"])
        closing_buys = rd.buys(row["bs"], sheet, r, names["bs"])
        if row.get("sh"):
            hedge = rd.flag(row["sh"], sheet, r, names["sh"])
        elif row["trade_no"] in flags:
            hedge = flags[row["trade_no"]]
        else:
            raise rd.error(
                f"fill {row['trade_no'] or '(none)'} is not in {trades[0]}: the spec/hedge "
                "flag of this close is unknown",
                sheet,
                r,
                names["trade_no"],
            )
        lots = rd.need(row["lots"], 0, sheet, r, names["lots"])
        opened = row.get("open_date", "")
        if opened:
            today = rd.day(opened, sheet, r, names["open_date"]) == day
        else:
            today = bool(row.get("open_no")) and row["open_no"] in flags
        open_price = rd.number(row.get("open_price", ""), 3, sheet, r, names["open_price"])
        add(
            "closed",
            client=client,
            day=day,
            contract=contract,
            side=SHORT if closing_buys else LONG,
            hedge=hedge,
            today=today,
            close_milli=rd.need(row["price"], 3, sheet, r, names["price"]),
            lots=lots,
            open_cost_milli=-1 if open_price is None else open_price * lots,
            prev_settle_milli=rd.need(row["prev_settle"], 3, sheet, r, names["prev_settle"]),
            pnl_fen=rd.need(row["pnl"], 2, sheet, r, names["pnl"]),
        )
    # ---- open lots, and the contracts' margins (持仓汇总 on the daily sheet)
    _positions(rd, st, positions, out)
    # ---- deposits and withdrawals
    names = _NAMES["deposits"]
    for r, row in st.deposits.rows:
        on = rd.day(row["date"], st.sheet, r, names["date"]) if row.get("date") else day
        for kind, key in (("deposit", "deposit"), ("withdrawal", "withdrawal")):
            amount = rd.number(row[key], 2, st.sheet, r, names[key])
            if amount:
                add("deposits", client=client, day=day, on=on, kind=kind, amount_fen=amount)
    out.statements.append((client, day, rd.file))
    if st.name:
        out.names[client] = st.name


@dataclass
class _Line:
    exchange: str
    contract: str
    side: int
    hedge: bool
    lots: int
    today_lots: int
    open_cost_milli: int
    prev_settle_milli: int
    settle_milli: int
    mtm_fen: int
    margin_fen: int


def _positions(rd: _Reader, st: _Daily, positions: tuple[str, _Table], out: StatementRows) -> None:
    client, day = st.account, st.day
    sheet, table = positions
    names = _NAMES["positions"]
    has_margin = any(row.get("margin") for _r, row in table.rows)
    lines: list[_Line] = []
    held: dict[tuple[str, bool, int], int] = {}
    for r, row in table.rows:
        contract, exchange = rd.contract(row["contract"], sheet, r, names["contract"])
        hedge = rd.flag(row["sh"], sheet, r, names["sh"])
        sides = []
        for side, lots_key, price_key in (
            (LONG, "long_lots", "long_price"),
            (SHORT, "short_lots", "short_price"),
        ):
            lots = rd.number(row[lots_key], 0, sheet, r, names[lots_key]) or 0
            if lots:
                price = rd.need(row.get(price_key, ""), 3, sheet, r, names[price_key])
                sides.append((side, lots, price))
        if not sides:
            continue
        opened = row.get("date", "")
        today = bool(opened) and rd.day(opened, sheet, r, names["date"]) == day
        mtm = rd.need(row["mtm"], 2, sheet, r, names["mtm"])
        margin = rd.need(row["margin"], 2, sheet, r, names["margin"]) if has_margin else UNKNOWN
        prev = rd.need(row["prev_settle"], 3, sheet, r, names["prev_settle"])
        settle = rd.need(row["settle"], 3, sheet, r, names["settle"])
        one = len(sides) == 1  # a row holding both sides: its P&L and margin not split
        for side, lots, price in sides:
            held[(contract, hedge, side)] = held.get((contract, hedge, side), 0) + lots
            lines.append(
                _Line(
                    exchange,
                    contract,
                    side,
                    hedge,
                    lots,
                    lots if today else 0,
                    price * lots,
                    prev,
                    settle,
                    mtm if one else UNKNOWN,
                    margin if one else UNKNOWN,
                )
            )
    # the position summary: its lots must be the detail's; its margin is the lines'
    # where one side of the contract is held (else only the contract's total is known)
    names = _NAMES["contracts"]
    seen: set[tuple[str, bool]] = set()
    for r, row in st.contracts.rows:
        contract, exchange = rd.contract(row["contract"], st.sheet, r, names["contract"])
        hedge = rd.flag(row["sh"], st.sheet, r, names["sh"])
        long_lots = rd.number(row["long_lots"], 0, st.sheet, r, names["long_lots"]) or 0
        short_lots = rd.number(row["short_lots"], 0, st.sheet, r, names["short_lots"]) or 0
        for lots, side, key in ((long_lots, LONG, "long_lots"), (short_lots, SHORT, "short_lots")):
            detail = held.get((contract, hedge, side), 0)
            if lots != detail:
                raise rd.error(
                    f"{contract} {'套保' if hedge else '投机'}: {lots} lots here, "
                    f"{detail} in {sheet}",
                    st.sheet,
                    r,
                    names[key],
                )
        total = rd.need(row["margin"], 2, st.sheet, r, names["margin"])
        pnl = rd.number(row.get("mtm", ""), 2, st.sheet, r, names["mtm"])
        seen.add((contract, hedge))
        out.add(
            "contracts",
            client=client,
            day=day,
            exchange=exchange,
            contract=contract,
            hedge=hedge,
            long_lots=long_lots,
            short_lots=short_lots,
            mtm_fen=UNKNOWN if pnl is None else pnl,
            margin_fen=total,
        )
        if not has_margin and (long_lots == 0) != (short_lots == 0):
            mine = [ln for ln in lines if ln.contract == contract and ln.hedge == hedge]
            for i, ln in enumerate(mine):
                ln.margin_fen = total if i == 0 else 0  # summed per line by the comparison
    for (contract, hedge, _side), lots in held.items():
        if (contract, hedge) not in seen:
            raise rd.error(
                f"{contract} {'套保' if hedge else '投机'} ({lots} lots in {sheet}) is not in "
                "the position summary (持仓汇总)",
                st.sheet,
                None,
                "持仓汇总",
            )
    for ln in lines:
        out.add(
            "positions",
            client=client,
            day=day,
            exchange=ln.exchange,
            contract=ln.contract,
            side=ln.side,
            hedge=ln.hedge,
            lots=ln.lots,
            today_lots=ln.today_lots,
            open_cost_milli=ln.open_cost_milli,
            prev_settle_milli=ln.prev_settle_milli,
            settle_milli=ln.settle_milli,
            mtm_fen=ln.mtm_fen,
            margin_fen=ln.margin_fen,
        )
