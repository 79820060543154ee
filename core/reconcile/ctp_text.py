"""Reader of CTP settlement statements (交易结算单, what ``ReqQrySettlementInfo`` returns).

The counter sends the statement as GBK text in 500-byte chunks (``Content`` of
``CThostFtdcSettlementInfoField``); a multi-byte character may straddle two chunks, so
the chunks are joined as bytes before decoding (``join_chunks``), never decoded one by
one (the loss vnpy#1824 and openctp-ctp-python#18 report). The layout is bilingual:
the account summary (资金状况) as ``label：value`` pairs two to a line, then pipe tables
(成交记录, 平仓明细, 持仓明细, 持仓汇总, 出入金明细, …) each with a Chinese and an
English header row, data rows, a ``共 N 条`` total row and legend lines.

``read_ctp_file`` streams a file (one statement or thousands, one after another) in
blocks: memory stays proportional to the rows kept, not to the file. Quirks it takes:
full-width spaces and colons, labels with spaces inside (``出 入 金``), side text
aligned left or right (``买   `` / ``   卖``), thousands separators, totals rows
(their ``共 N 条`` count is checked against the rows read), legends and banners.
Errors name the file, the line and the field (``StatementFormatError``).
"""

from __future__ import annotations

import itertools
import os
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from core.reconcile.statements import UNKNOWN, StatementFormatError, StatementRows
from core.rules.day_inputs import ACTION_CLOSE, ACTION_DELIVER, ACTION_OPEN
from core.rules.sides import LONG, SHORT

CHUNK_BYTES = 500
"""Bytes of text per ``CThostFtdcSettlementInfoField.Content`` (char[501] with the NUL)."""

ENCODING = "gb18030"
"""GBK's superset: every GBK statement decodes the same, and nothing GBK lacks fails."""

BLOCK_BYTES = 8 << 20


def join_chunks(chunks: Iterable[bytes | str]) -> bytes:
    """The statement's bytes from its ``Content`` chunks, in the order received.

    Each chunk is cut at its first NUL (the field is NUL-padded). A chunk that an API
    binding already turned into ``str`` byte for byte (latin-1) is turned back; a
    ``str`` holding other characters was decoded on its own and may have lost the
    halves of a character at its ends: that is refused rather than guessed.
    """
    out = bytearray()
    for i, chunk in enumerate(chunks):
        if isinstance(chunk, str):
            try:
                raw = chunk.encode("latin-1")
            except UnicodeEncodeError:
                raise StatementFormatError(
                    "a chunk was decoded on its own before joining: characters split "
                    "between two chunks are lost; pass the chunks as bytes",
                    source=f"chunk {i + 1}",
                ) from None
        else:
            raw = bytes(chunk)
        nul = raw.find(b"\0")
        out += raw if nul < 0 else raw[:nul]
    return bytes(out)


def decode(data: bytes, source: str = "") -> str:
    """Statement text from bytes: UTF-8 if it is (with or without BOM), else GBK."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(ENCODING)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise StatementFormatError(
            f"byte {exc.start}: not GBK text ({exc.reason})", source=source, row=line
        ) from None


def read_ctp_bytes(data: bytes, source: str = "statement") -> StatementRows:
    """Every statement in ``data`` (joined chunks or a whole file's bytes)."""
    parser = CtpParser(source)
    parser.feed_text(decode(data, source))
    return parser.finish()


def read_ctp_chunks(chunks: Iterable[bytes | str], source: str = "statement") -> StatementRows:
    """Every statement in the chunks ``ReqQrySettlementInfo`` returned (``join_chunks``)."""
    return read_ctp_bytes(join_chunks(chunks), source)


def read_ctp_file(
    path: Path, *, start: int = 0, end: int | None = None, first_line: int = 1
) -> StatementRows:
    """Every statement in the file (or in bytes ``start`` … ``end``), streamed.

    ``start`` must be the first byte of a line (``split_points`` gives such offsets)
    and ``first_line`` that line's number, so that errors name the right line. The
    file is read in blocks cut at line ends (a GBK character never contains the byte
    ``\\n``, so a cut there never splits one).
    """
    parser = CtpParser(path.name, first_line)
    utf8: bool | None = None
    for block in _blocks(path, start, end):
        if utf8 is None:
            utf8 = _is_utf8(block)
            if block.startswith(b"\xef\xbb\xbf"):
                block = block[3:]
        try:
            text = block.decode("utf-8" if utf8 else ENCODING)
        except UnicodeDecodeError as exc:
            line = parser.line_no + block.count(b"\n", 0, exc.start)
            raise StatementFormatError(
                f"not {'UTF-8' if utf8 else 'GBK'} text ({exc.reason})",
                source=path.name,
                row=line,
            ) from None
        parser.feed_text(text)
        if parser.rows.pending() > COMPACT_ROWS:
            parser.rows.compact()
    return parser.finish()


COMPACT_ROWS = 200_000


def _is_utf8(head: bytes) -> bool:
    if head.startswith(b"\xef\xbb\xbf"):
        return True
    sample = head[: 1 << 16]
    cut = sample.rfind(b"\n")
    try:
        (sample[: cut + 1] if cut >= 0 else sample).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _blocks(path: Path, start: int, end: int | None) -> Iterator[bytes]:
    with path.open("rb") as f:
        f.seek(start)
        left = None if end is None else end - start
        rest = b""
        while True:
            want = BLOCK_BYTES if left is None else min(BLOCK_BYTES, left)
            data = f.read(want) if want > 0 else b""
            if left is not None:
                left -= len(data)
            if not data:
                if rest:
                    yield rest
                return
            data = rest + data
            cut = data.rfind(b"\n")
            if cut < 0:
                rest = data
                continue
            rest = data[cut + 1 :]
            yield data[: cut + 1]


_CLIENT_LINE = "客户号".encode(ENCODING)


def split_points(path: Path, parts: int) -> list[tuple[int, int, int]]:
    """(start, end, first line) of up to ``parts`` byte ranges of a statements file, each
    starting at a statement's client line (客户号 …), for parallel reading."""
    size = path.stat().st_size
    if parts <= 1 or size < 4 * BLOCK_BYTES:
        return [(0, size, 1)]
    cuts = [0]
    with path.open("rb") as f:
        for i in range(1, parts):
            f.seek(size * i // parts)
            f.readline()
            while True:
                pos = f.tell()
                line = f.readline()
                if not line:
                    break
                if line.lstrip().startswith(_CLIENT_LINE):
                    if pos > cuts[-1]:
                        cuts.append(pos)
                    break
    cuts.append(size)
    out = []
    line_no = 1
    with path.open("rb") as f:
        prev = 0
        for a, b in itertools.pairwise(cuts):
            f.seek(prev)
            line_no += f.read(a - prev).count(b"\n")
            prev = a
            out.append((a, b, line_no))
    return out


# --------------------------------------------------------------------- vocabulary
SUMMARY_LABELS = {
    "期初结存": "prior_balance",
    "上日结存": "prior_balance",
    "出入金": "transfers",
    "平仓盈亏": "close_pnl",
    "持仓盯市盈亏": "position_pnl",
    "盯市盈亏": "position_pnl",
    "手续费": "commission",
    "交割手续费": "delivery_fee",
    "期末结存": "balance",
    "当日结存": "balance",
    "客户权益": "equity",
    "质押金": "offset",
    "保证金占用": "margin",
    "可用资金": "available",
    "风险度": "risk_ratio_bp",
    "应追加资金": "margin_call",
    "追加保证金": "margin_call",
    "交割货款": "delivery",
}
"""Chinese summary labels (spaces removed) → field; others (options, FX pledges, …)
are read and ignored."""

SECTIONS = {
    "资金状况": "summary",
    "成交记录": "trades",
    "平仓明细": "closed",
    "持仓明细": "detail",
    "持仓汇总": "positions",
    "出入金明细": "deposits",
    "出入金": "deposits",
    "交割明细": "deliveries",
}

COLUMNS = {
    "成交日期": "date",
    "平仓日期": "date",
    "发生日期": "date",
    "交易所": "exchange",
    "合约": "contract",
    "买/卖": "bs",
    "投/保": "sh",
    "成交价": "price",
    "手数": "lots",
    "开平": "oc",
    "手续费": "fee",
    "平仓盈亏": "pnl",
    "成交序号": "trade_no",
    "开仓日期": "open_date",
    "开仓价": "open_price",
    "昨结算": "prev_settle",
    "结算价": "settle",
    "今结算": "settle",
    "持仓量": "lots",
    "浮动盈亏": "accum",
    "盯市盈亏": "mtm",
    "持仓盯市盈亏": "mtm",
    "保证金": "margin",
    "保证金占用": "margin",
    "买持": "long_lots",
    "买均价": "long_avg",
    "卖持": "short_lots",
    "卖均价": "short_avg",
    "出入金类型": "kind",
    "入金": "deposit",
    "出金": "withdrawal",
    "说明": "note",
}

_EXCHANGES = {
    "大商所": "DCE",
    "上期所": "SHFE",
    "能源中心": "INE",
    "中金所": "CFFEX",
    "郑商所": "CZCE",
    "广期所": "GFEX",
}
_HEDGE = {"投机": False, "套保": True, "套期保值": True, "投": False, "保": True}
_CLOSES = ("平", "平今", "平昨", "强平", "强减", "本地强平")
_WITHDRAWAL_WORDS = ("出金", "withdraw")
_PAIR = re.compile(r"\s*([^：:]+?)\s*[：:]\s*(\S*)")
_ASCII = re.compile(r"[A-Za-z]")


def label_key(text: str) -> str:
    """The Chinese part of a bilingual label with its spaces removed: ``出 入 金
    Deposit/Withdrawal`` → ``出入金``."""
    m = _ASCII.search(text)
    head = text[: m.start()] if m else text
    return "".join(head.split())


def fixed(text: str, places: int) -> int:
    """``text`` (e.g. ``-1,370.00``) in units of 10^-places; ValueError if it has more
    significant decimals or is not a number."""
    s = text.strip().replace(",", "")
    neg = s.startswith("-")
    if neg or s.startswith("+"):
        s = s[1:]
    whole, _dot, frac = s.partition(".")
    if not whole and not frac:
        raise ValueError(f"not a number: {text!r}")
    if len(frac) > places:
        if frac[places:].strip("0"):
            raise ValueError(f"{text!r} has more than {places} decimals")
        frac = frac[:places]
    if not (whole or "0").isdigit() or (frac and not frac.isdigit()):
        raise ValueError(f"not a number: {text!r}")
    scale: int = 10**places
    value = int(whole or "0") * scale + (int(frac.ljust(places, "0")) if places else 0)
    return -value if neg else value


def parse_day(text: str) -> date:
    s = text.strip().replace("-", "")
    if len(s) != 8 or not s.isdigit():
        raise ValueError(f"not a date YYYYMMDD: {text!r}")
    return date(int(s[:4]), int(s[4:6]), int(s[6:]))


# --------------------------------------------------------------------- the parser
class CtpParser:
    """A line-by-line state machine over statement text; ``feed_text`` then ``finish``."""

    def __init__(self, source: str, first_line: int = 1) -> None:
        self.source = source
        self.line_no = first_line
        self.rows = StatementRows()
        self._client = ""
        self._day: date | None = None
        self._section = ""
        self._header: list[str] | None = None
        self._header_line = False
        self._summary: dict[str, int] = {}
        self._pending: list[tuple[str, dict[str, str], int]] = []
        self._counted: dict[str, tuple[int, int]] = {}
        self._read: dict[str, int] = {}
        self._start_line = 0

    # ---- errors
    def _error(
        self, message: str, field: str = "", line: int | None = None
    ) -> StatementFormatError:
        return StatementFormatError(
            message, source=self.source, row=self.line_no if line is None else line, field=field
        )

    def feed_text(self, text: str) -> None:
        if "\u3000" in text:
            text = text.replace("\u3000", " ")
        feed = self._line
        for line in text.split("\n"):
            feed(line.rstrip("\r"))
            self.line_no += 1
        self.line_no -= 1  # the text ends with a line end: the last piece is empty

    def finish(self) -> StatementRows:
        self._close_statement()
        return self.rows

    # ---- lines
    def _line(self, line: str) -> None:
        s = line.strip()
        if not s:
            return
        if s[0] == "|":
            self._table_line(s)
            return
        if s[0] == "-" and not s.strip("-"):
            return
        if s.startswith(("客户号", "Client ID")):
            self._close_statement()
            self._start_line = self.line_no
            for key, value in self._pairs(s):
                if key in ("客户号",):
                    self._client = value
            if not self._client:
                raise self._error("no client code after 客户号", "客户号")
            _head, found, tail = s.partition("客户名称")
            if found:  # the name may hold spaces: everything after its colon
                self.rows.names[self._client] = re.split("[：:]", tail, maxsplit=1)[-1].strip()
            return
        if not self._client:
            return  # a banner before the first statement (firm name, 制表时间, title)
        if s.startswith("日期") and self._day is None:
            for key, value in self._pairs(s):
                if key == "日期":
                    try:
                        self._day = parse_day(value)
                    except ValueError as exc:
                        raise self._error(str(exc), "日期") from None
            return
        for zh, section in SECTIONS.items():
            if s.startswith(zh):
                self._section = section
                self._header = None
                return
        if self._section == "summary" and ("：" in s or ":" in s):
            for key, value in self._pairs(s):
                fld = SUMMARY_LABELS.get(key)
                if fld is None or value == "":
                    continue
                try:
                    if fld == "risk_ratio_bp":
                        amount = fixed(value.rstrip("%"), 2)
                    else:
                        amount = fixed(value, 2)
                except ValueError as exc:
                    raise self._error(str(exc), key) from None
                self._summary[fld] = amount
        # anything else: legends (买---Buy …), titles, creation dates

    def _pairs(self, s: str) -> list[tuple[str, str]]:
        return [(label_key(m.group(1)), m.group(2)) for m in _PAIR.finditer(s)]

    def _table_line(self, s: str) -> None:
        cells = [c.strip() for c in s.split("|")[1:-1]]
        if self._header is None:
            self._header = [COLUMNS.get("".join(c.split()), "") for c in cells]
            self._header_line = True
            return
        if self._header_line:
            self._header_line = False
            if cells and cells[0] and _ASCII.match(cells[0]) and not cells[0][0].isdigit():
                return  # the English header row
        first = cells[0] if cells else ""
        if first.startswith("共"):
            digits = "".join(ch for ch in first if ch.isdigit())
            if digits:
                self._counted[self._section] = (int(digits), self.line_no)
            return
        if len(cells) != len(self._header):
            raise self._error(
                f"{len(cells)} cells where the header of {self._section} has {len(self._header)}",
                self._section,
            )
        row = {h: c for h, c in zip(self._header, cells, strict=True) if h}
        self._pending.append((self._section, row, self.line_no))
        self._read[self._section] = self._read.get(self._section, 0) + 1

    # ---- statements
    def _close_statement(self) -> None:
        if not self._client:
            return
        if self._day is None:
            raise self._error("the statement has no date (日期 Date)", "日期", self._start_line)
        for section, (n, line) in self._counted.items():
            got = self._read.get(section, 0)
            if got != n:
                raise self._error(
                    f"the total row counts {n} rows but {got} were read", section, line
                )
        client, day = self._client, self._day
        summary = self._summary
        if "commission" in summary or "delivery_fee" in summary:
            summary["fees"] = summary.pop("commission", 0) + summary.pop("delivery_fee", 0)
        add = self.rows.add
        for fld, value in summary.items():
            add("summary", client=client, day=day, field=fld, value=value)
        detail = any(sec == "detail" for sec, _r, _l in self._pending)
        for section, row, line in self._pending:
            try:
                self._row(section, row, client, day, detail)
            except (ValueError, KeyError) as exc:
                fld = exc.args[1] if len(exc.args) > 1 else ""
                raise self._error(str(exc.args[0]), str(fld), line) from None
        self.rows.statements.append((client, day, self.source))
        self._client, self._day, self._section, self._header = "", None, "", None
        self._summary, self._pending, self._counted, self._read = {}, [], {}, {}

    def _row(self, section: str, r: dict[str, str], client: str, day: date, detail: bool) -> None:
        add = self.rows.add
        if section == "trades":
            action, side = action_side(_need(r, "bs"), _need(r, "oc"))
            add(
                "trades",
                client=client,
                day=day,
                trade_no=_need(r, "trade_no"),
                contract=sys.intern(_need(r, "contract")),
                side=side,
                action=action,
                hedge=hedge_flag(_need(r, "sh")),
                price_milli=_num(r, "price", 3),
                lots=_num(r, "lots", 0),
                fee_fen=_num(r, "fee", 2),
                pnl_fen=_num(r, "pnl", 2),
            )
        elif section == "closed":
            # the closing trade sells a long (卖) or buys back a short (买)
            side = SHORT if buy_sell(_need(r, "bs")) == "buy" else LONG
            lots = _num(r, "lots", 0)
            open_text = r.get("open_price", "")
            opened = r.get("open_date", "").strip()
            add(
                "closed",
                client=client,
                day=day,
                contract=sys.intern(_need(r, "contract")),
                side=side,
                hedge=hedge_flag(_need(r, "sh")),
                today=bool(opened) and parse_day(opened) == day,
                close_milli=_num(r, "price", 3),
                lots=lots,
                open_cost_milli=fixed(open_text, 3) * lots if open_text else -1,
                prev_settle_milli=_num(r, "prev_settle", 3) if r.get("prev_settle") else -1,
                pnl_fen=_num(r, "pnl", 2),
            )
        elif section == "detail":
            lots = _num(r, "lots", 0)
            opened = r.get("open_date", "").strip()
            add(
                "positions",
                client=client,
                day=day,
                exchange=_exchange(r.get("exchange", "")),
                contract=sys.intern(_need(r, "contract")),
                side=LONG if buy_sell(_need(r, "bs")) == "buy" else SHORT,
                hedge=hedge_flag(_need(r, "sh")),
                lots=lots,
                today_lots=lots if opened and parse_day(opened) == day else 0,
                open_cost_milli=_num(r, "open_price", 3) * lots,
                prev_settle_milli=_num(r, "prev_settle", 3),
                settle_milli=_num(r, "settle", 3),
                mtm_fen=_num(r, "mtm", 2),
                margin_fen=_num(r, "margin", 2),
            )
        elif section == "positions":
            self._contract_row(r, client, day)
            if not detail:
                self._summary_sides(r, client, day)
        elif section == "deposits":
            dep = _num(r, "deposit", 2) if r.get("deposit") else 0
            wd = _num(r, "withdrawal", 2) if r.get("withdrawal") else 0
            on = parse_day(r["date"]) if r.get("date") else day
            if dep:
                add("deposits", client=client, day=day, on=on, kind="deposit", amount_fen=dep)
            if wd:
                add("deposits", client=client, day=day, on=on, kind="withdrawal", amount_fen=wd)

    def _contract_row(self, r: dict[str, str], client: str, day: date) -> None:
        self.rows.add(
            "contracts",
            client=client,
            day=day,
            exchange=_exchange(r.get("exchange", "")),
            contract=sys.intern(_need(r, "contract")),
            hedge=hedge_flag(_need(r, "sh")),
            long_lots=_num(r, "long_lots", 0),
            short_lots=_num(r, "short_lots", 0),
            mtm_fen=_num(r, "mtm", 2),
            margin_fen=_num(r, "margin", 2),
        )

    def _summary_sides(self, r: dict[str, str], client: str, day: date) -> None:
        add = self.rows.add
        # only a summary: lots and averages per side; its margin and P&L are per
        # contract (both sides), so they are left to the account totals
        for side, lots_key, avg_key in (
            (LONG, "long_lots", "long_avg"),
            (SHORT, "short_lots", "short_avg"),
        ):
            lots = _num(r, lots_key, 0)
            if not lots:
                continue
            add(
                "positions",
                client=client,
                day=day,
                exchange=_exchange(r.get("exchange", "")),
                contract=sys.intern(_need(r, "contract")),
                side=side,
                hedge=hedge_flag(_need(r, "sh")),
                lots=lots,
                today_lots=-1,
                open_cost_milli=_num(r, avg_key, 3) * lots,
                prev_settle_milli=_num(r, "prev_settle", 3),
                settle_milli=_num(r, "settle", 3),
                mtm_fen=UNKNOWN,
                margin_fen=UNKNOWN,
            )


def _need(r: dict[str, str], key: str) -> str:
    value = r.get(key)
    if value is None:
        raise KeyError(f"the table has no {key} column", key)
    if value == "":
        raise ValueError(f"empty {key}", key)
    return value


def _num(r: dict[str, str], key: str, places: int) -> int:
    text = _need(r, key)
    try:
        return fixed(text, places)
    except ValueError as exc:
        raise ValueError(str(exc), key) from None


def buy_sell(text: str) -> str:
    t = text.strip()
    if t in ("买", "Buy", "B"):
        return "buy"
    if t in ("卖", "Sell", "S"):
        return "sell"
    raise ValueError(f"buy/sell {text!r} is neither 买 nor 卖", "bs")


def hedge_flag(text: str) -> bool:
    try:
        return _HEDGE[text.strip()]
    except KeyError:
        raise ValueError(f"spec/hedge {text!r} is neither 投机 nor 套保", "sh") from None


def _exchange(text: str) -> str:
    t = text.strip()
    return _EXCHANGES.get(t, t)


def action_side(bs: str, oc: str) -> tuple[int, int]:
    """(action, position side) of a fill: buying opens a long or closes a short."""
    buy = buy_sell(bs) == "buy"
    o = oc.strip()
    if o == "开":
        return ACTION_OPEN, LONG if buy else SHORT
    if o in _CLOSES:
        return ACTION_CLOSE, SHORT if buy else LONG
    if o == "交割":
        return ACTION_DELIVER, SHORT if buy else LONG
    raise ValueError(f"open/close {oc!r} is not one of 开, 平, 平今, 平昨, 强平, 交割", "oc")


def cpu_parts() -> int:
    """Processes to read with: the machine's cores (at least 1)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
