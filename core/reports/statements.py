"""Client and member settlement statements (spec 2.d) as data, XLSX and PDF.

``client_statement`` and ``member_statement`` read the stored results of a settlement
run (``core.services.settlement``) into frozen dataclasses; ``write_statement`` writes
one as XLSX (openpyxl; money cells are numbers with two decimals and thousands
separators) or PDF (reportlab; Chinese labels in the built-in CID font STSong-Light, so
no font file is needed). Labels come in Chinese (default) and English.

The member statement is the exchange view of 2.d and has no tax line and no
packaging-money line (R05, R10). Money is fen in the dataclasses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.db.tables import (
    Client,
    ClientBalance,
    Contract,
    Member,
    Position,
    Product,
    ReserveHistory,
    SettlementPrice,
    Trade,
)
from core.errors import InputError
from core.money import FEN_PER_YUAN, format_yuan
from core.reports.cells import append_row
from core.reports.pdf_text import cjk_font, paragraph
from core.rules.risk_levels import default_risk_levels, ratio_text

Lang = Literal["zh", "en"]
FORMATS = (".xlsx", ".pdf")

# --------------------------------------------------------------------- labels
LABELS: dict[str, tuple[str, str]] = {
    "client_title": ("客户结算单", "Client settlement statement"),
    "member_title": ("会员结算单（交易所）", "Member settlement statement (exchange view)"),
    "client": ("客户", "Client"),
    "member": ("会员", "Member"),
    "day": ("交易日", "Trading day"),
    "prior_balance": ("上日结存", "Prior balance"),
    "deposits": ("入金", "Deposits"),
    "withdrawals": ("出金", "Withdrawals"),
    "close_pnl": ("平仓盈亏", "Close P&L"),
    "close_pnl_member": ("平仓盈亏（含交割差额）", "Close P&L (incl. delivery differences)"),
    "position_pnl": ("持仓盈亏（盯市）", "Position P&L (mark to market)"),
    "fees": ("手续费", "Fees"),
    "waived": ("减免手续费", "Fees waived"),
    "delivery": ("交割货款", "Delivery payments"),
    "balance": ("当日结存", "Today's balance"),
    "offset": ("质押金（充抵）", "Pledge / receipt offset"),
    "margin": ("保证金占用", "Margin in use"),
    "available": ("可用资金", "Available funds"),
    "risk_ratio": ("风险度", "Risk ratio"),
    "margin_call": ("追加保证金", "Required top-up"),
    "prior_reserve": ("上日结算准备金余额", "Prior reserve"),
    "prior_margin": ("上日交易保证金", "Prior margin"),
    "today_margin": ("当日交易保证金", "Today's margin"),
    "prior_offset": ("上日充抵金额", "Prior offset"),
    "today_offset": ("当日充抵金额", "Today's offset"),
    "fee_line": ("手续费：{type}", "Fee: {type}"),
    "fee_waived_line": ("减免：{type}", "Waived: {type}"),
    "other": ("其他", "Other"),
    "ending_reserve": ("当日结算准备金余额", "Ending reserve"),
    "min_reserve": ("结算准备金最低余额", "Minimum reserve"),
    "member_margin_call": ("追加保证金", "Margin call"),
    "interest_base": ("结算准备金中的货币资金（计息基数）", "Cash in reserve (interest base)"),
    "opening_banned": ("暂停开仓", "Opening banned"),
    "transfer_restricted": ("限制移仓", "Position transfers restricted"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "positions": ("持仓明细", "Positions"),
    "trades": ("成交明细", "Trades"),
    "contract": ("合约", "Contract"),
    "side": ("买卖", "Side"),
    "hedge": ("投保", "Spec/hedge"),
    "lots": ("手数", "Lots"),
    "today_lots": ("今仓", "Today's lots"),
    "open_price": ("开仓均价", "Avg open price"),
    "settlement": ("结算价", "Settlement"),
    "floating_pnl": ("浮动盈亏", "Floating P&L"),
    "line_margin": ("保证金", "Margin"),
    "trade_no": ("成交号", "Trade no."),
    "action": ("开平", "Open/close"),
    "price": ("成交价", "Price"),
    "fee": ("手续费", "Fee"),
    "long": ("买", "Long"),
    "short": ("卖", "Short"),
    "spec": ("投机", "Spec"),
    "hedge_flag": ("套保", "Hedge"),
    "open": ("开仓", "Open"),
    "close": ("平仓", "Close"),
    "deliver": ("交割", "Delivery"),
    "fee_trading": ("交易手续费", "trading"),
    "fee_delivery": ("交割手续费", "delivery"),
    "amount": ("金额（元）", "Amount (yuan)"),
    "item": ("项目", "Item"),
    "none": ("无", "none"),
}


def label(key: str, lang: Lang = "zh", **fmt: str) -> str:
    """The label of ``key`` in ``lang`` (KeyError for an unknown key)."""
    zh, en = LABELS[key]
    return (zh if lang == "zh" else en).format(**fmt)


# --------------------------------------------------------------------- data
@dataclass(frozen=True)
class StatementPosition:
    """One position line after settlement; floating P&L vs the average open price."""

    contract: str
    side: str
    hedge: bool
    lots: int
    today_lots: int
    open_price_fen: int
    settlement_fen: int
    margin_fen: int
    floating_pnl_fen: int


@dataclass(frozen=True)
class StatementTrade:
    trade_no: str
    contract: str
    side: str
    action: str
    hedge: bool
    lots: int
    price_fen: int
    fee_fen: int
    traded_at: datetime | None


@dataclass(frozen=True)
class ClientStatement:
    """A client's daily statement (futures-company view, spec 2.d), money in fen."""

    client_code: str
    client_name: str
    member_code: str
    day: date
    prior_balance_fen: int
    deposits_fen: int
    withdrawals_fen: int
    close_pnl_fen: int
    position_pnl_fen: int
    fees_fen: int
    waived_fen: int
    delivery_fen: int
    balance_fen: int
    offset_fen: int
    margin_fen: int
    available_fen: int
    risk_ratio_ppm: int
    """The firm's risk ratio of the settled day (``core.rules.risk_levels``)."""
    """Margin in use ÷ today's balance (None when the balance is ≤ 0)."""
    margin_call_fen: int
    positions: tuple[StatementPosition, ...]
    trades: tuple[StatementTrade, ...]


@dataclass(frozen=True)
class FeeByType:
    fee_type: str
    charged_fen: int
    waived_fen: int


@dataclass(frozen=True)
class MemberStatement:
    """The member's settlement statement of D (exchange view, spec 2.d), fen."""

    member_code: str
    member_name: str
    day: date
    prior_reserve_fen: int
    prior_margin_fen: int
    margin_fen: int
    prior_offset_fen: int
    offset_fen: int
    deposits_fen: int
    withdrawals_fen: int
    close_pnl_fen: int
    position_pnl_fen: int
    fees: tuple[FeeByType, ...]
    fees_fen: int
    waived_fen: int
    delivery_fen: int
    other_fen: int
    reserve_fen: int
    min_reserve_fen: int
    margin_call_fen: int
    cash_fen: int
    interest_base_fen: int
    opening_banned: bool
    transfer_restricted: bool


# --------------------------------------------------------------------- reading
def client_statement(session: Session, client_code: str, day: date) -> ClientStatement:
    """The stored statement of ``client_code`` for ``day``.

    Raises InputError for an unknown client or a day it was not settled.
    """
    client = session.get(Client, client_code)
    if client is None:
        raise InputError(f"no client {client_code!r}", field="client")
    row = session.get(ClientBalance, (client_code, day))
    if row is None:
        raise InputError(
            f"client {client_code} has no settlement for {day.isoformat()}: run "
            f"'riskdesk settle --date {day.isoformat()}' first",
            field="date",
        )
    prev = session.execute(
        select(ClientBalance.balance_fen)
        .where(ClientBalance.client_code == client_code, ClientBalance.trading_day < day)
        .order_by(ClientBalance.trading_day.desc())
        .limit(1)
    ).scalar_one_or_none()
    positions = []
    for p, s, multiplier in session.execute(
        select(Position, SettlementPrice.settlement_fen, Product.multiplier)
        .join(Contract, Contract.code == Position.contract_code)
        .join(Product, Product.code == Contract.product_code)
        .outerjoin(
            SettlementPrice,
            (SettlementPrice.contract_code == Position.contract_code)
            & (SettlementPrice.trading_day == day),
        )
        .where(Position.client_code == client_code, Position.trading_day == day)
        .order_by(Position.contract_code, Position.side, Position.hedge)
    ).all():
        settle = int(s or 0)
        sign = 1 if p.side == "long" else -1
        positions.append(
            StatementPosition(
                contract=p.contract_code,
                side=p.side,
                hedge=p.hedge,
                lots=p.lots,
                today_lots=p.today_lots,
                open_price_fen=p.open_price_fen,
                settlement_fen=settle,
                margin_fen=p.margin_fen,
                floating_pnl_fen=(settle - p.open_price_fen) * multiplier * p.lots * sign
                if settle
                else 0,
            )
        )
    trades = tuple(
        StatementTrade(
            t.trade_no,
            t.contract_code,
            t.side,
            t.action,
            t.hedge,
            t.lots,
            t.price_fen,
            t.fee_fen,
            t.traded_at,
        )
        for t in session.execute(
            select(Trade)
            .where(Trade.client_code == client_code, Trade.trading_day == day)
            .order_by(Trade.traded_at, Trade.id)
        ).scalars()
    )
    ratio = int(default_risk_levels().ratio(row.margin_fen, row.balance_fen, row.available_fen))
    return ClientStatement(
        client_code=client_code,
        client_name=client.name,
        member_code=client.member_code,
        day=day,
        prior_balance_fen=int(prev or 0),
        deposits_fen=row.deposits_fen,
        withdrawals_fen=row.withdrawals_fen,
        close_pnl_fen=row.close_pnl_fen,
        position_pnl_fen=row.position_pnl_fen,
        fees_fen=row.fees_fen,
        waived_fen=row.waived_fen,
        delivery_fen=row.delivery_fen,
        balance_fen=row.balance_fen,
        offset_fen=row.offset_fen,
        margin_fen=row.margin_fen,
        available_fen=row.available_fen,
        risk_ratio_ppm=ratio,
        margin_call_fen=row.margin_call_fen,
        positions=tuple(positions),
        trades=trades,
    )


def member_statement(session: Session, member_code: str | None, day: date) -> MemberStatement:
    """The stored exchange-view statement of a member for ``day`` (spec 2.d lines).

    ``member_code`` None picks the only member with a settlement that day. Fees are
    split by type: trading fees are the day's trade fees of the member's clients, the
    rest of the charged fees and all waived amounts are delivery fees (the only other
    fee the settlement charges). Raises InputError when there is no such settlement.
    """
    if member_code is None:
        codes = (
            session.execute(
                select(ReserveHistory.member_code).where(ReserveHistory.trading_day == day)
            )
            .scalars()
            .all()
        )
        if len(codes) != 1:
            raise InputError(
                f"{len(codes)} members have a settlement on {day.isoformat()}: name one",
                field="member",
            )
        member_code = codes[0]
    member = session.get(Member, member_code)
    if member is None:
        raise InputError(f"no member {member_code!r}", field="member")
    row = session.get(ReserveHistory, (member_code, day))
    if row is None:
        raise InputError(
            f"member {member_code} has no settlement for {day.isoformat()}", field="date"
        )
    prev = session.execute(
        select(ReserveHistory)
        .where(ReserveHistory.member_code == member_code, ReserveHistory.trading_day < day)
        .order_by(ReserveHistory.trading_day.desc())
        .limit(1)
    ).scalar_one_or_none()
    trading = trading_fees(session, member_code, day)
    fees = (
        FeeByType("trading", trading, 0),
        FeeByType("delivery", row.fees_fen - trading, row.waived_fen),
    )
    return MemberStatement(
        member_code=member_code,
        member_name=member.name,
        day=day,
        prior_reserve_fen=prev.reserve_fen if prev else 0,
        prior_margin_fen=prev.margin_fen if prev else 0,
        margin_fen=row.margin_fen,
        prior_offset_fen=prev.offset_fen if prev else 0,
        offset_fen=row.offset_fen,
        deposits_fen=row.deposits_fen,
        withdrawals_fen=row.withdrawals_fen,
        close_pnl_fen=row.close_pnl_fen,
        position_pnl_fen=row.position_pnl_fen,
        fees=fees,
        fees_fen=row.fees_fen,
        waived_fen=row.waived_fen,
        delivery_fen=row.delivery_fen,
        other_fen=0,
        reserve_fen=row.reserve_fen,
        min_reserve_fen=member.min_reserve_fen,
        margin_call_fen=row.margin_call_fen,
        cash_fen=row.cash_fen,
        interest_base_fen=max(0, row.reserve_fen - row.offset_fen),
        opening_banned=row.opening_banned,
        transfer_restricted=row.transfer_restricted,
    )


DENSE_ID_FACTOR = 2
"""``trading_fees`` walks the day's id range when it spans at most this many times the
day's trades (trades are imported a day at a time, so the range is usually exact)."""


def trading_fees(session: Session, member_code: str, day: date) -> int:
    """The day's trade fees of the clients of ``member_code`` (fen).

    The straightforward join walks the (trading_day, client_code) index and looks each
    trade row up in client order, scattered over the table: ~0.5 s for 280,000 trades.
    When the day's trades sit in a dense id range, the same sum is taken walking that
    range in id (storage) order, ~7x faster; the day is tested per row inside the sum,
    so rows of other days in the range count 0 and the figure is exact either way.
    """
    lo, hi, count = session.execute(
        select(func.min(Trade.id), func.max(Trade.id), func.count()).where(Trade.trading_day == day)
    ).one()
    if not count:
        return 0
    if hi - lo + 1 > DENSE_ID_FACTOR * count:
        return int(
            session.execute(
                select(func.coalesce(func.sum(Trade.fee_fen), 0))
                .join(Client, Client.code == Trade.client_code)
                .where(Client.member_code == member_code, Trade.trading_day == day)
            ).scalar_one()
        )
    stmt = select(
        func.coalesce(func.sum(case((Trade.trading_day == day, Trade.fee_fen), else_=0)), 0)
    ).where(Trade.id.between(lo, hi))
    other_member = session.execute(
        select(Client.code).where(Client.member_code != member_code).limit(1)
    ).first()
    if other_member is not None:  # else every trade is of this member's clients
        stmt = stmt.where(
            Trade.client_code.in_(select(Client.code).where(Client.member_code == member_code))
        )
    return int(session.execute(stmt).scalar_one())


# --------------------------------------------------------------------- layout
Cell = str | int | Decimal | None


@dataclass(frozen=True)
class Money:
    """A money cell (fen); shown as yuan with two decimals and separators. ``pnl``
    marks a profit or loss (close, position and floating P&L), which a screen colours
    by its sign rather than as a negative amount."""

    fen: int
    pnl: bool = False


@dataclass(frozen=True)
class Layout:
    """A statement ready to render: title, header lines, summary rows and tables."""

    title: str
    header: tuple[tuple[str, str], ...]
    summary: tuple[tuple[str, Money | str], ...]
    tables: tuple[tuple[str, tuple[str, ...], tuple[tuple[Money | str | int, ...], ...]], ...]


def _yes(flag: bool, lang: Lang) -> str:
    return label("yes" if flag else "no", lang)


def layout(statement: ClientStatement | MemberStatement, lang: Lang = "zh") -> Layout:
    """The rows of a statement in ``lang`` (the same for XLSX and PDF)."""
    if isinstance(statement, ClientStatement):
        return _client_layout(statement, lang)
    return _member_layout(statement, lang)


def _client_layout(s: ClientStatement, lang: Lang) -> Layout:
    ratio = ratio_text(s.risk_ratio_ppm)
    summary: list[tuple[str, Money | str]] = [
        (label("prior_balance", lang), Money(s.prior_balance_fen)),
        (label("deposits", lang), Money(s.deposits_fen)),
        (label("withdrawals", lang), Money(s.withdrawals_fen)),
        (label("close_pnl", lang), Money(s.close_pnl_fen, pnl=True)),
        (label("position_pnl", lang), Money(s.position_pnl_fen, pnl=True)),
        (label("fees", lang), Money(s.fees_fen)),
        (label("waived", lang), Money(s.waived_fen)),
        (label("delivery", lang), Money(s.delivery_fen)),
        (label("balance", lang), Money(s.balance_fen)),
        (label("offset", lang), Money(s.offset_fen)),
        (label("margin", lang), Money(s.margin_fen)),
        (label("available", lang), Money(s.available_fen)),
        (label("risk_ratio", lang), ratio),
        (label("margin_call", lang), Money(s.margin_call_fen)),
    ]
    side = {"long": label("long", lang), "short": label("short", lang)}
    flag = {False: label("spec", lang), True: label("hedge_flag", lang)}
    pos_head = tuple(
        label(k, lang)
        for k in (
            "contract",
            "side",
            "hedge",
            "lots",
            "today_lots",
            "open_price",
            "settlement",
            "floating_pnl",
            "line_margin",
        )
    )
    pos_rows = tuple(
        (
            p.contract,
            side[p.side],
            flag[p.hedge],
            p.lots,
            p.today_lots,
            Money(p.open_price_fen),
            Money(p.settlement_fen),
            Money(p.floating_pnl_fen, pnl=True),
            Money(p.margin_fen),
        )
        for p in s.positions
    )
    tr_head = tuple(
        label(k, lang)
        for k in ("trade_no", "contract", "side", "action", "hedge", "lots", "price", "fee")
    )
    tr_rows = tuple(
        (
            t.trade_no,
            t.contract,
            side[t.side],
            label(t.action, lang),
            flag[t.hedge],
            t.lots,
            Money(t.price_fen),
            Money(t.fee_fen),
        )
        for t in s.trades
    )
    return Layout(
        title=label("client_title", lang),
        header=(
            (label("client", lang), f"{s.client_code} {s.client_name}"),
            (label("member", lang), s.member_code),
            (label("day", lang), s.day.isoformat()),
        ),
        summary=tuple(summary),
        tables=(
            (label("positions", lang), pos_head, pos_rows),
            (label("trades", lang), tr_head, tr_rows),
        ),
    )


def _member_layout(s: MemberStatement, lang: Lang) -> Layout:
    summary: list[tuple[str, Money | str]] = [
        (label("prior_reserve", lang), Money(s.prior_reserve_fen)),
        (label("prior_margin", lang), Money(s.prior_margin_fen)),
        (label("today_margin", lang), Money(s.margin_fen)),
        (label("prior_offset", lang), Money(s.prior_offset_fen)),
        (label("today_offset", lang), Money(s.offset_fen)),
        (label("deposits", lang), Money(s.deposits_fen)),
        (label("withdrawals", lang), Money(s.withdrawals_fen)),
        (label("close_pnl_member", lang), Money(s.close_pnl_fen, pnl=True)),
        (label("position_pnl", lang), Money(s.position_pnl_fen, pnl=True)),
    ]
    for f in s.fees:
        name = label(f"fee_{f.fee_type}", lang)
        summary.append((label("fee_line", lang, type=name), Money(f.charged_fen)))
        summary.append((label("fee_waived_line", lang, type=name), Money(f.waived_fen)))
    summary += [
        (label("delivery", lang), Money(s.delivery_fen)),
        (label("other", lang), Money(s.other_fen)),
        (label("ending_reserve", lang), Money(s.reserve_fen)),
        (label("min_reserve", lang), Money(s.min_reserve_fen)),
        (label("member_margin_call", lang), Money(s.margin_call_fen)),
        (label("interest_base", lang), Money(s.interest_base_fen)),
        (label("opening_banned", lang), _yes(s.opening_banned, lang)),
        (label("transfer_restricted", lang), _yes(s.transfer_restricted, lang)),
    ]
    return Layout(
        title=label("member_title", lang),
        header=(
            (label("member", lang), f"{s.member_code} {s.member_name}"),
            (label("day", lang), s.day.isoformat()),
        ),
        summary=tuple(summary),
        tables=(),
    )


# --------------------------------------------------------------------- writing
def write_statement(
    statement: ClientStatement | MemberStatement, path: Path, lang: Lang = "zh"
) -> Path:
    """Write ``statement`` to ``path`` (.xlsx or .pdf); InputError for another suffix."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(layout(statement, lang), path)
    elif suffix == ".pdf":
        write_pdf(layout(statement, lang), path)
    else:
        raise InputError(
            f"unsupported statement format {path.suffix!r}; use {' or '.join(FORMATS)}",
            field="out",
        )
    return path


MONEY_FORMAT = "#,##0.00;-#,##0.00"


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / FEN_PER_YUAN


def write_xlsx(lay: Layout, path: Path) -> None:
    """One sheet: title, header, summary (label | amount), then each table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "statement"
    bold = Font(bold=True)
    right = Alignment(horizontal="right")
    append_row(ws, [lay.title])
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    for name, value in lay.header:
        append_row(ws, [name, value])
    ws.append([])

    def put(row: Sequence[Money | str | int]) -> None:
        r = append_row(ws, [_yuan(v.fen) if isinstance(v, Money) else v for v in row])
        for i, v in enumerate(row, start=1):
            cell = ws.cell(row=r, column=i)
            if isinstance(v, Money):
                cell.number_format = MONEY_FORMAT
            if isinstance(v, Money | int) or (isinstance(v, str) and v.endswith("%")):
                cell.alignment = right

    for item, amount in lay.summary:
        put((item, amount))
    for title, head, rows in lay.tables:
        ws.append([])
        append_row(ws, [title])
        ws.cell(row=ws.max_row, column=1).font = bold
        append_row(ws, head)
        for c in range(1, len(head) + 1):
            ws.cell(row=ws.max_row, column=c).font = bold
        for row in rows:
            put(row)
    widths = [36, 18, 10, 10, 10, 16, 16, 18, 18]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[chr(64 + i)].width = w
    wb.save(path)


def _text(v: Money | str | int) -> str:
    if isinstance(v, Money):
        return format_yuan(v.fen)
    if isinstance(v, int):
        return f"{v:,}"
    return v


def write_pdf(lay: Layout, path: Path) -> None:
    """A4 portrait (landscape when a table is wide); numbers right-aligned."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()
    wide = any(len(head) > 6 for _t, head, _r in lay.tables)
    page = landscape(A4) if wide else A4
    doc = SimpleDocTemplate(
        str(path),
        pagesize=page,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=lay.title,
    )
    title_style = ParagraphStyle("title", fontName=font, fontSize=15, leading=20)
    small = ParagraphStyle("small", fontName=font, fontSize=9, leading=12)
    story: list[object] = [paragraph(lay.title, title_style), Spacer(1, 3 * mm)]
    for name, value in lay.header:
        story.append(paragraph(f"{name}：{value}", small))
    story.append(Spacer(1, 4 * mm))

    def table(rows: list[list[str]], numeric: list[list[bool]], header: bool) -> Table:
        t = Table(rows, repeatRows=1 if header else 0, hAlign="LEFT")
        style = [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")))
        for r, flags in enumerate(numeric):
            for c, is_num in enumerate(flags):
                if is_num:
                    style.append(("ALIGN", (c, r), (c, r), "RIGHT"))
        t.setStyle(TableStyle(style))
        return t

    rows = [[name, _text(v)] for name, v in lay.summary]
    flags = [
        [False, isinstance(v, Money) or (isinstance(v, str) and v.endswith("%"))]
        for _n, v in lay.summary
    ]
    story.append(table(rows, flags, header=False))
    for title, head, body in lay.tables:
        story.append(Spacer(1, 5 * mm))
        story.append(paragraph(title, small))
        story.append(Spacer(1, 1.5 * mm))
        if not body:
            story.append(paragraph(LABELS["none"][0] + " / " + LABELS["none"][1], small))
            continue
        t_rows = [list(head)] + [[_text(v) for v in row] for row in body]
        t_flags = [[False] * len(head)] + [
            [isinstance(v, Money | int) for v in row] for row in body
        ]
        # numeric header cells align with their column
        t_flags[0] = [isinstance(v, Money | int) for v in body[0]]
        story.append(table(t_rows, t_flags, header=True))
    doc.build(story)
