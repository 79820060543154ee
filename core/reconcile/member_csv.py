"""The member's settlement data of a day as CSV: RiskDesk's layout, read and written.

DCE does not publish the layout of the files it gives members, so RiskDesk defines one
(docs/reconciliation.md, "Member settlement CSV") that a clearing desk can fill from
the exchange's figures: one row per account figure of the member statement (spec 2.d:
reserve, margins, offsets, deposits, P&L, fees, delivery payments, margin call) and one
row per position line (contract, side, spec/hedge flag) with its lots and margin.

::

    # RiskDesk member settlement CSV, layout 1
    section,member,trading_day,item,amount,contract,side,hedge,lots,margin
    account,0101,2026-11-20,reserve,25184002.28,,,,,
    position,0101,2026-11-20,,,c2701,long,spec,120,3456789.00

Read row by row (``csv`` over the open file), UTF-8 (with or without BOM) or GBK (told
by the first 64 KB); ``#`` lines are comments. Errors name the file, the line and the
column (``StatementFormatError``); nothing of a file that fails is kept. The rows
become ``members`` rows of ``core.reconcile.statements`` (``field`` ``reserve`` or
``margin:c2701:long:spec``) and one statement per member and day (``member:<code>``).
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable
from datetime import date
from pathlib import Path
from typing import TextIO

from core.reconcile.ctp_text import fixed, parse_day
from core.reconcile.statements import (
    MEMBER_ITEMS,
    MEMBER_PREFIX,
    StatementFormatError,
    StatementFrames,
    StatementRows,
    member_line_field,
)
from core.reconcile.workbook import clean
from core.rules.sides import LONG, SHORT

LAYOUT_LINE = "# RiskDesk member settlement CSV, layout 1 (docs/reconciliation.md)"
COLUMNS = (
    "section",
    "member",
    "trading_day",
    "item",
    "amount",
    "contract",
    "side",
    "hedge",
    "lots",
    "margin",
)
REQUIRED = ("section", "member", "trading_day")
ALIASES = {
    "类别": "section",
    "会员号": "member",
    "会员代码": "member",
    "交易日": "trading_day",
    "交易日期": "trading_day",
    "项目": "item",
    "金额": "amount",
    "合约": "contract",
    "买卖": "side",
    "买/卖": "side",
    "投保": "hedge",
    "投机/套保": "hedge",
    "手数": "lots",
    "持仓量": "lots",
    "保证金": "margin",
    "交易保证金": "margin",
}
"""Chinese headers accepted for the columns."""
_SIDES = {"long": LONG, "buy": LONG, "b": LONG, "买": LONG, "short": SHORT, "sell": SHORT}
_SIDES |= {"s": SHORT, "卖": SHORT}
_FLAGS = {"spec": False, "speculation": False, "投机": False, "hedge": True, "套保": True}
_FLAGS |= {"套期保值": True}


def is_member_csv(head: str) -> bool:
    """Whether ``head`` (the start of a file, decoded) is in this layout: its first line
    that is not a comment is a header naming section, member and trading_day."""
    for line in head.lstrip("\ufeff").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        names = {_column(c) for c in next(csv.reader([line]))}
        return all(r in names for r in REQUIRED)
    return False


def _column(text: str) -> str:
    t = "".join(clean(text).split()).lower()
    return ALIASES.get(t, t)


def _encoding(path: Path) -> str:
    """UTF-8 (BOM or not) if the file's first 64 KB are UTF-8, else GBK (GB18030)."""
    with path.open("rb") as f:
        head = f.read(1 << 16)
    cut = head.rfind(b"\n")
    try:
        (head if cut < 0 else head[: cut + 1]).decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def read_member_csv(
    path: Path,
    rows: StatementRows | None = None,
    *,
    contracts: Collection[str] | None = None,
) -> StatementRows:
    """Every member statement in the CSV at ``path``, added to ``rows`` (a new one by
    default) once the whole file has been read. ``contracts``: the contract codes
    RiskDesk knows; a line of another contract is refused."""
    encoding = _encoding(path)
    with path.open(encoding=encoding, newline="") as stream:  # read row by row
        try:
            one = read_member_lines(stream, path.name, contracts=contracts)
        except UnicodeDecodeError as exc:
            raise StatementFormatError(
                f"not {'UTF-8' if encoding.startswith('utf') else 'GBK'} text ({exc.reason})",
                source=path.name,
                field="file",
            ) from None
    if rows is None:
        return one
    for t, cols in one.columns.items():
        for c, values in cols.items():
            rows.columns[t][c].extend(values)
    rows.statements.extend(one.statements)
    return rows


class _Row:
    """One data row: its cells by column and its errors (file, line, column)."""

    def __init__(self, cells: list[str], header: dict[str, int], source: str, line: int):
        self.cells, self.header, self.source, self.line = cells, header, source, line

    def __call__(self, name: str) -> str:
        i = self.header.get(name)
        return clean(self.cells[i]) if i is not None and i < len(self.cells) else ""

    def error(self, message: str, name: str) -> StatementFormatError:
        return StatementFormatError(message, source=self.source, row=self.line, field=name)

    def amount(self, name: str) -> int:
        t = self(name).replace(",", "").replace(" ", "")
        if not t:
            raise self.error("empty: an amount is required", name)
        try:
            return fixed(t, 2)
        except ValueError as exc:
            raise self.error(str(exc), name) from None

    def whole(self, name: str) -> int:
        t = self(name).replace(",", "").replace(" ", "")
        if not t.isdigit():
            raise self.error(f"not a whole number: {self(name)!r}", name)
        return int(t)


def read_member_lines(
    stream: TextIO, source: str, *, contracts: Collection[str] | None = None
) -> StatementRows:
    """The member statements of a CSV text stream (``read_member_csv``)."""
    out = StatementRows()
    reader = csv.reader(stream)
    header: dict[str, int] | None = None
    seen: set[tuple[str, date, str]] = set()
    statements: dict[tuple[str, date], None] = {}
    for cells in reader:
        if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = {}
            for i, name in enumerate(cells):
                key = _column(name)
                if key in COLUMNS and key not in header:
                    header[key] = i
            for need in REQUIRED:
                if need not in header:
                    raise StatementFormatError(
                        f"no column {need}: the header names {', '.join(c.strip() for c in cells)}",
                        source=source,
                        row=reader.line_num,
                        field=need,
                    )
            continue
        row = _Row(cells, header, source, reader.line_num)
        member, fld, values = _record(row, contracts)
        try:
            day = parse_day(row("trading_day").replace("/", "-"))
        except ValueError as exc:
            raise row.error(str(exc), "trading_day") from None
        if (member, day, fld) in seen:
            account = fld in MEMBER_ITEMS
            raise row.error(
                f"{fld if account else 'this position line'} of member {member} on "
                f"{day.isoformat()} is listed twice",
                "item" if account else "contract",
            )
        seen.add((member, day, fld))
        statements.setdefault((member, day), None)
        for f, v in values:
            out.add("members", member=member, day=day, field=f, value=v)
    if header is None:
        raise StatementFormatError("no header row", source=source, row=max(reader.line_num, 1))
    out.statements.extend((MEMBER_PREFIX + m, d, source) for m, d in statements)
    return out


def _record(row: _Row, contracts: Collection[str] | None) -> tuple[str, str, list[tuple[str, int]]]:
    """(member, the row's key field, its ``members`` values)."""
    member = row("member")
    if not member:
        raise row.error("empty: every row names its member", "member")
    section = row("section").lower()
    if section == "account":
        item = row("item").lower()
        if item not in MEMBER_ITEMS:
            raise row.error(f"unknown item {item!r}: one of {', '.join(MEMBER_ITEMS)}", "item")
        return member, item, [(item, row.amount("amount"))]
    if section != "position":
        raise row.error(f"section {section!r} is neither account nor position", "section")
    contract = row("contract")
    if not contract:
        raise row.error("empty: a position names its contract", "contract")
    if contracts is not None and contract not in contracts:
        raise row.error(f"RiskDesk knows no contract {contract!r}", "contract")
    side = _SIDES.get(row("side").lower())
    if side is None:
        raise row.error(f"side {row('side')!r} is neither long nor short", "side")
    hedge = _FLAGS.get(row("hedge").lower())
    if hedge is None:
        raise row.error(f"flag {row('hedge')!r} is neither spec nor hedge", "hedge")
    lots = row.whole("lots")
    margin = row.amount("margin")
    if margin < 0:
        raise row.error("a margin is not negative", "margin")
    key = member_line_field("lots", contract, side, hedge)
    return member, key, [(key, lots), (member_line_field("margin", contract, side, hedge), margin)]


# --------------------------------------------------------------------- writing
def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    q, r = divmod(abs(int(fen)), 100)
    return f"{sign}{q}.{r:02d}"


def member_csv_rows(frames: StatementFrames) -> Iterable[list[str]]:
    """The CSV rows (header first) of every member statement in ``frames``."""
    yield list(COLUMNS)
    mem = frames["members"]
    if not len(mem):
        return
    order = {k: i for i, k in enumerate(MEMBER_ITEMS)}
    for (member, day), g in mem.groupby(["member", "day"], sort=True):
        fields = dict(zip(g["field"].tolist(), (int(v) for v in g["value"]), strict=True))
        d = day.isoformat() if isinstance(day, date) else str(day)
        items = sorted((f for f in fields if f in order), key=order.__getitem__)
        for item in items:
            yield ["account", str(member), d, item, _yuan(fields[item]), "", "", "", "", ""]
        lines = sorted(f.split(":", 1)[1] for f in fields if f.startswith("lots:"))
        for line in lines:
            contract, side, flag = line.split(":")
            margin = fields.get(f"margin:{line}", 0)
            yield [
                "position",
                str(member),
                d,
                "",
                "",
                contract,
                side,
                flag,
                str(fields[f"lots:{line}"]),
                _yuan(margin),
            ]


def write_member_csv(frames: StatementFrames, path: Path) -> int:
    """Every member statement of ``frames`` at ``path`` (UTF-8 with BOM, so that Excel
    shows the Chinese); the number of rows written after the header."""
    n = -1
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.write(LAYOUT_LINE + "\n")
        w = csv.writer(f, lineterminator="\n")
        for row in member_csv_rows(frames):
            w.writerow(row)
            n += 1
    return n
