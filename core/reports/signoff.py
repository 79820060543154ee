"""Client statements a client can sign off: daily (交易结算单) and monthly (结算月报).

A confirmed statement binds both sides in a futures dispute (the Supreme People's
Court's rules on futures disputes, art. 27), so the statement carries what a client
needs to confirm it: the firm's name as letterhead, the client and the period, the
account summary in the counter's (CTP) order, the closed lines, the open positions,
the deposits and withdrawals, the risk degree and any margin call, page numbers ("第 n
页 / 共 m 页") and the confirmation and objection text with its deadline. A monthly
statement adds the month's days (one row per settled day) and shows the month's
opening and closing balance and the sums of its days.

``SignoffStatement`` is the figures (fen; ``core.services.client_statements`` reads
them from the stored settlement); ``render_signoff_pdf`` draws it (reportlab, the
built-in CID font, A4 portrait) and ``signoff_layout`` gives the same rows for XLSX and
the screen. Every text of the statement is in ``TEXTS`` (Chinese, English): one place
to change the firm's wording. The texts are the firm's template, not quotations of law.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

from core.money import format_yuan
from core.reports.notices import format_date, format_deadline
from core.reports.pdf_text import cjk_font, paragraph
from core.reports.statements import Layout, Money, StatementPosition
from core.rules.risk_levels import ratio_text

Lang = Literal["zh", "en"]
Kind = Literal["daily", "monthly"]

TEXTS: dict[str, tuple[str, str]] = {
    "title_daily": ("客户交易结算单（逐日盯市）", "Client Settlement Statement (Mark to Market)"),
    "title_monthly": ("客户交易结算月报（逐日盯市）", "Client Monthly Statement (Mark to Market)"),
    "issued": ("制表日期：{date}", "Issued on {date}"),
    "client": ("客户名称", "Client name"),
    "account": ("资金账号", "Account"),
    "member": ("会员号", "Member"),
    "day": ("交易日", "Trading day"),
    "month": ("结算月份", "Month"),
    "month_value": (
        "{y}年{m}月（{first} 至 {last}，{n} 个交易日）",
        "{mon} {y} ({first} to {last}, {n} trading days)",
    ),
    "currency": ("币种：人民币　单位：元", "Currency: CNY, amounts in yuan"),
    "summary": ("资金状况 Account Summary", "Account Summary 资金状况"),
    "prior_balance": ("上日结存", "Balance b/f"),
    "opening_balance": ("期初结存", "Opening balance"),
    "transfers": ("出入金", "Deposit/Withdrawal"),
    "close_pnl": ("平仓盈亏", "Realized P/L"),
    "position_pnl": ("持仓盯市盈亏", "MTM P/L"),
    "fees": ("手续费", "Commission"),
    "waived": ("减免手续费", "Fees waived"),
    "delivery": ("交割货款", "Delivery payment"),
    "balance": ("当日结存", "Balance c/f"),
    "closing_balance": ("期末结存", "Closing balance"),
    "offset": ("质押金", "Pledge amount"),
    "equity": ("客户权益", "Client equity"),
    "margin": ("保证金占用", "Margin occupied"),
    "available": ("可用资金", "Fund available"),
    "risk": ("风险度", "Risk degree"),
    "margin_call": ("追加保证金", "Margin call"),
    "closed": ("平仓明细 Position Closed", "Position Closed 平仓明细"),
    "positions": ("持仓明细 Positions", "Positions 持仓明细"),
    "positions_monthly": ("期末持仓 Positions at Month End", "Positions at Month End 期末持仓"),
    "movements": ("出入金明细 Deposit/Withdrawal", "Deposit/Withdrawal 出入金明细"),
    "days": ("每日资金状况 Daily Summary", "Daily Summary 每日资金状况"),
    "none": ("无", "None"),
    "total": ("合计", "Total"),
    "col_day": ("日期", "Date"),
    "col_contract": ("合约", "Contract"),
    "col_side": ("买/卖", "B/S"),
    "col_hedge": ("投/保", "S/H"),
    "col_opened": ("开仓", "Opened"),
    "col_lots": ("手数", "Lots"),
    "col_today_lots": ("今仓", "Today"),
    "col_open_price": ("开仓价", "Open price"),
    "col_avg_price": ("开仓均价", "Avg open"),
    "col_prev_settle": ("昨结算", "Prev. sttl"),
    "col_close_price": ("成交价", "Trans. price"),
    "col_settle": ("结算价", "Sttl price"),
    "col_pnl": ("平仓盈亏", "Realized P/L"),
    "col_float": ("浮动盈亏", "Accum. P/L"),
    "col_margin": ("保证金", "Margin"),
    "col_no": ("流水号", "No."),
    "col_kind": ("类型", "Type"),
    "col_deposit": ("入金", "Deposit"),
    "col_withdrawal": ("出金", "Withdrawal"),
    "col_note": ("说明", "Note"),
    "col_balance": ("当日结存", "Balance c/f"),
    "buy": ("买", "Buy"),
    "sell": ("卖", "Sell"),
    "spec": ("投机", "Spec"),
    "hedge": ("套保", "Hedge"),
    "today": ("今仓", "Today"),
    "carried": ("昨仓", "Prior"),
    "by_delivery": ("{side}（交割）", "{side} (delivery)"),
    "deposit": ("入金", "Deposit"),
    "withdrawal": ("出金", "Withdrawal"),
    "call_note": (
        "您的账户可用资金不足，请于 {deadline} 前追加保证金 {call} 元或自行减仓，"
        "使可用资金不低于零；逾期未办理的，本公司有权按期货经纪合同的约定强行平仓。",
        "Your available funds are below zero: please add {call} yuan of margin, or reduce "
        "your positions, before {deadline}; otherwise we may close your positions as your "
        "brokerage contract provides.",
    ),
    "confirm_title": ("确认与异议", "Confirmation and objection"),
    "confirm": (
        "请您核对本结算单。如对所列内容有异议，请于 {deadline} 前以书面形式向本公司提出；"
        "逾期未提出异议的，视为您已确认本结算单的全部内容。",
        "Please check this statement. If you have any objection to it, notify us in writing "
        "before {deadline}; if you have raised no objection by then, this statement is "
        "deemed confirmed in full.",
    ),
    "confirm_monthly": (
        "本月报汇总本月各交易日已发送的结算单，各日结算单以其确认结果为准。"
        "如对本月报有异议，请于 {deadline} 前以书面形式向本公司提出；逾期未提出异议的，"
        "视为您已确认本月报的全部内容。",
        "This monthly statement sums the daily statements of the month, each of which "
        "stands as confirmed. If you have any objection to it, notify us in writing before "
        "{deadline}; if you have raised no objection by then, it is deemed confirmed in full.",
    ),
    "signature": (
        "客户签字（盖章）：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿＿＿",
        "Client's signature: ____________________    Date: ____________",
    ),
    "footer": (
        "{firm}　{account}　{period}　第 {page} 页 / 共 {pages} 页",
        "{firm}    {account}    {period}    page {page} of {pages}",
    ),
}

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

SUMMARY_ORDER = (
    ("prior_balance", "balance"),
    ("transfers", "offset"),
    ("close_pnl", "equity"),
    ("position_pnl", "margin"),
    ("fees", "available"),
    ("waived", "risk"),
    ("delivery", "margin_call"),
)
"""The account summary as the counter prints it: two figures to a row, left column
top to bottom first (balance b/f … delivery, then balance c/f … margin call)."""


def text(key: str, lang: Lang, **fmt: str) -> str:
    """The statement text ``key`` in ``lang`` (KeyError for an unknown key)."""
    zh, en = TEXTS[key]
    return (zh if lang == "zh" else en).format(**fmt)


# --------------------------------------------------------------------- data
@dataclass(frozen=True)
class ClosedLine:
    """One first-in-first-out piece of a close (a 平仓明细 line): ``today`` when the lots
    were opened that day (open price the fill's), else carried (basis the prior
    settlement price)."""

    day: date
    contract: str
    side: str
    """The closing fill's side: ``buy`` closes a short, ``sell`` a long."""
    hedge: bool
    today: bool
    lots: int
    open_price_fen: int | None
    """The open price of lots opened that day; None for carried lots (RiskDesk keeps
    their average open price, not each lot's: their P/L is against the prior
    settlement price, as the counter's mark-to-market statement reckons it)."""
    prior_settle_fen: int
    close_price_fen: int
    pnl_fen: int
    delivered: bool = False
    """Closed by delivery (交割) rather than by a closing fill."""


@dataclass(frozen=True)
class MovementLine:
    """A deposit or withdrawal (amount > 0)."""

    movement_no: str
    day: date
    kind: str
    amount_fen: int
    note: str


@dataclass(frozen=True)
class DayLine:
    """One settled day of a monthly statement (the day's stored statement)."""

    day: date
    deposits_fen: int
    withdrawals_fen: int
    close_pnl_fen: int
    position_pnl_fen: int
    fees_fen: int
    balance_fen: int


@dataclass(frozen=True)
class SignoffStatement:
    """A statement to sign off, money in fen: one day (``kind`` daily, ``first`` =
    ``last``) or a calendar month (its settled days ``first`` … ``last``). Figures
    of a state (balance c/f, margin, available funds, risk degree, call) are those of
    ``last``; figures of a flow are the period's sums."""

    kind: Kind
    firm: str
    client_code: str
    client_name: str
    member_code: str
    first: date
    last: date
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
    margin_call_fen: int
    closed: tuple[ClosedLine, ...]
    positions: tuple[StatementPosition, ...]
    movements: tuple[MovementLine, ...]
    days: tuple[DayLine, ...]
    deadline_at: datetime
    """The end of the objection period (and of a margin call): the firm's call-deadline
    rule applied to ``last`` (``core.rules.call_deadline``)."""
    issued_on: date

    @property
    def transfers_fen(self) -> int:
        return self.deposits_fen - self.withdrawals_fen


# --------------------------------------------------------------------- rows
def _period(s: SignoffStatement, lang: Lang) -> str:
    if s.kind == "daily":
        return s.last.isoformat()
    return f"{s.first:%Y-%m}"


def header_rows(s: SignoffStatement, lang: Lang) -> list[tuple[str, str]]:
    """(label, value) of the client and period block."""
    rows = [
        (text("client", lang), s.client_name),
        (text("account", lang), s.client_code),
    ]
    if s.kind == "daily":
        rows.append((text("day", lang), s.last.isoformat()))
    else:
        rows.append(
            (
                text("month", lang),
                text(
                    "month_value",
                    lang,
                    y=str(s.first.year),
                    m=str(s.first.month),
                    mon=_MONTHS[s.first.month - 1],
                    first=s.first.isoformat(),
                    last=s.last.isoformat(),
                    n=str(len(s.days)),
                ),
            )
        )
    return rows


def summary_values(s: SignoffStatement) -> dict[str, Money | str]:
    """The account summary's figures by key (``SUMMARY_ORDER``)."""
    return {
        "prior_balance": Money(s.prior_balance_fen),
        "transfers": Money(s.transfers_fen),
        "close_pnl": Money(s.close_pnl_fen, pnl=True),
        "position_pnl": Money(s.position_pnl_fen, pnl=True),
        "fees": Money(s.fees_fen),
        "waived": Money(s.waived_fen),
        "delivery": Money(s.delivery_fen),
        "balance": Money(s.balance_fen),
        "offset": Money(s.offset_fen),
        "equity": Money(s.balance_fen),
        "margin": Money(s.margin_fen),
        "available": Money(s.available_fen),
        "risk": ratio_text(s.risk_ratio_ppm),
        "margin_call": Money(s.margin_call_fen),
    }


def summary_label(key: str, s: SignoffStatement, lang: Lang) -> str:
    if s.kind == "monthly" and key in ("prior_balance", "balance"):
        key = "opening_balance" if key == "prior_balance" else "closing_balance"
    return text(key, lang)


Row = tuple[Money | str | int, ...]


def _flag(hedge: bool, lang: Lang) -> str:
    return text("hedge" if hedge else "spec", lang)


def closed_table(s: SignoffStatement, lang: Lang) -> tuple[tuple[str, ...], list[Row]]:
    head = tuple(
        text(k, lang)
        for k in (
            "col_contract",
            "col_side",
            "col_hedge",
            "col_opened",
            "col_lots",
            "col_open_price",
            "col_prev_settle",
            "col_close_price",
            "col_pnl",
        )
    )
    rows: list[Row] = [
        (
            c.contract,
            text("by_delivery", lang, side=text(c.side, lang))
            if c.delivered
            else text(c.side, lang),
            _flag(c.hedge, lang),
            text("today" if c.today else "carried", lang),
            c.lots,
            Money(c.open_price_fen) if c.open_price_fen is not None else "—",
            Money(c.prior_settle_fen),
            Money(c.close_price_fen),
            Money(c.pnl_fen, pnl=True),
        )
        for c in s.closed
    ]
    return head, rows


def positions_table(s: SignoffStatement, lang: Lang) -> tuple[tuple[str, ...], list[Row]]:
    head = tuple(
        text(k, lang)
        for k in (
            "col_contract",
            "col_side",
            "col_hedge",
            "col_lots",
            "col_today_lots",
            "col_avg_price",
            "col_settle",
            "col_float",
            "col_margin",
        )
    )
    side = {"long": text("buy", lang), "short": text("sell", lang)}
    rows: list[Row] = [
        (
            p.contract,
            side[p.side],
            _flag(p.hedge, lang),
            p.lots,
            p.today_lots,
            Money(p.open_price_fen),
            Money(p.settlement_fen),
            Money(p.floating_pnl_fen, pnl=True),
            Money(p.margin_fen),
        )
        for p in s.positions
    ]
    return head, rows


def movements_table(s: SignoffStatement, lang: Lang) -> tuple[tuple[str, ...], list[Row]]:
    head = tuple(
        text(k, lang)
        for k in ("col_day", "col_no", "col_kind", "col_deposit", "col_withdrawal", "col_note")
    )
    rows: list[Row] = [
        (
            m.day.isoformat(),
            m.movement_no,
            text(m.kind, lang),
            Money(m.amount_fen if m.kind == "deposit" else 0),
            Money(m.amount_fen if m.kind != "deposit" else 0),
            m.note,
        )
        for m in s.movements
    ]
    return head, rows


def days_table(s: SignoffStatement, lang: Lang) -> tuple[tuple[str, ...], list[Row]]:
    """The monthly statement's days and, last, their sums (合计)."""
    head = tuple(
        text(k, lang)
        for k in (
            "col_day",
            "col_deposit",
            "col_withdrawal",
            "close_pnl",
            "position_pnl",
            "fees",
            "col_balance",
        )
    )
    rows: list[Row] = [
        (
            d.day.isoformat(),
            Money(d.deposits_fen),
            Money(d.withdrawals_fen),
            Money(d.close_pnl_fen, pnl=True),
            Money(d.position_pnl_fen, pnl=True),
            Money(d.fees_fen),
            Money(d.balance_fen),
        )
        for d in s.days
    ]
    if rows:
        rows.append(
            (
                text("total", lang),
                Money(s.deposits_fen),
                Money(s.withdrawals_fen),
                Money(s.close_pnl_fen, pnl=True),
                Money(s.position_pnl_fen, pnl=True),
                Money(s.fees_fen),
                Money(s.balance_fen),
            )
        )
    return head, rows


def confirmation_text(s: SignoffStatement, lang: Lang) -> str:
    """The confirmation and objection paragraph with its deadline."""
    key = "confirm" if s.kind == "daily" else "confirm_monthly"
    return text(key, lang, deadline=format_deadline(s.deadline_at, lang))


def call_text(s: SignoffStatement, lang: Lang) -> str:
    """The margin call's sentence ('' without a call)."""
    if s.margin_call_fen <= 0:
        return ""
    return text(
        "call_note",
        lang,
        deadline=format_deadline(s.deadline_at, lang),
        call=format_yuan(s.margin_call_fen),
    )


def title(s: SignoffStatement, lang: Lang) -> str:
    return text(f"title_{s.kind}", lang)


def signoff_layout(s: SignoffStatement, lang: Lang = "zh") -> Layout:
    """The statement's rows for XLSX and the screen (the PDF draws the same rows)."""
    summary: list[tuple[str, Money | str]] = []
    values = summary_values(s)
    for column in (0, 1):
        for pair in SUMMARY_ORDER:
            key = pair[column]
            summary.append((summary_label(key, s, lang), values[key]))
    tables: list[tuple[str, tuple[str, ...], tuple[Row, ...]]] = []
    if s.kind == "monthly":
        head, rows = days_table(s, lang)
        tables.append((text("days", lang), head, tuple(rows)))
    else:
        head, rows = closed_table(s, lang)
        tables.append((text("closed", lang), head, tuple(rows)))
    head, rows = positions_table(s, lang)
    key = "positions" if s.kind == "daily" else "positions_monthly"
    tables.append((text(key, lang), head, tuple(rows)))
    head, rows = movements_table(s, lang)
    tables.append((text("movements", lang), head, tuple(rows)))
    notes = [call_text(s, lang), confirmation_text(s, lang)]
    return Layout(
        title=f"{s.firm} {title(s, lang)}",
        header=tuple(header_rows(s, lang)) + tuple(("", n) for n in notes if n),
        summary=tuple(summary),
        tables=tuple(tables),
    )


# --------------------------------------------------------------------- PDF
def _cell(v: Money | str | int) -> str:
    if isinstance(v, Money):
        return format_yuan(v.fen)
    if isinstance(v, int):
        return f"{v:,}"
    return v


def _widths(data: list[list[str]], width: float) -> list[float]:
    """Column widths over the full text width, in proportion to each column's longest
    text (a Chinese character counts two)."""
    longest = [
        max(len(str(row[c])) + sum(1 for ch in str(row[c]) if ord(ch) > 0x2E80) for row in data) + 2
        for c in range(len(data[0]))
    ]
    total = sum(longest)
    return [width * n / total for n in longest]


def _story(s: SignoffStatement, lang: Lang) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

    font = cjk_font()
    base = ParagraphStyle("signoff", fontName=font, fontSize=9.5, leading=14)
    firm = ParagraphStyle("firm", parent=base, fontSize=16, leading=22, alignment=TA_CENTER)
    head_style = ParagraphStyle("title", parent=base, fontSize=13, leading=18, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=base, fontSize=8.5, alignment=TA_RIGHT)
    section = ParagraphStyle("section", parent=base, fontSize=10.5, spaceBefore=6, leading=15)
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=12)
    alert = ParagraphStyle("alert", parent=base, textColor=colors.HexColor("#b3261e"))
    width = 180 * mm
    grid = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa5b1")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    story: list[Any] = [
        paragraph(s.firm, firm),
        paragraph(title(s, lang), head_style),
        paragraph(text("issued", lang, date=format_date(s.issued_on, lang)), right),
        Spacer(1, 2 * mm),
    ]
    who = header_rows(s, lang)
    info = Table(
        [[f"{k}：" if lang == "zh" else f"{k}:", v] for k, v in who],
        colWidths=[30 * mm, width - 30 * mm],
        hAlign="LEFT",
    )
    info.setStyle(
        TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9)])
    )
    story += [info, Spacer(1, 2 * mm)]

    # account summary: two label/figure pairs to a row, in the counter's order
    values = summary_values(s)
    rows = [
        [
            summary_label(lk, s, lang),
            _cell(values[lk]),
            summary_label(rk, s, lang),
            _cell(values[rk]),
        ]
        for lk, rk in SUMMARY_ORDER
    ]
    summary = Table(rows, colWidths=[40 * mm, 50 * mm, 40 * mm, 50 * mm], hAlign="LEFT")
    summary.setStyle(
        TableStyle(
            [
                *grid,
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f6")),
                ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#eef2f6")),
            ]
        )
    )
    story += [
        paragraph(text("summary", lang), section),
        paragraph(text("currency", lang), small),
        Spacer(1, 1 * mm),
        summary,
    ]
    call = call_text(s, lang)
    if call:
        story += [Spacer(1, 2 * mm), paragraph(call, alert)]

    def table(caption: str, head: Sequence[str], body: Sequence[Row], total: bool = False) -> None:
        story.append(paragraph(caption, section))
        story.append(Spacer(1, 1 * mm))
        if not body:
            story.append(paragraph(text("none", lang), small))
            return
        data = [list(head)] + [[_cell(v) for v in row] for row in body]
        t = Table(data, repeatRows=1, hAlign="LEFT", colWidths=_widths(data, width))
        style = [*grid, ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6"))]
        for c in range(len(head)):
            # "—" stands for a figure the line has not (a carried lot's open price)
            if any(isinstance(row[c], Money | int) for row in body) or all(
                row[c] == "—" for row in body
            ):
                style.append(("ALIGN", (c, 0), (c, -1), "RIGHT"))
        if total:
            style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f5f5f5")))
        t.setStyle(TableStyle(style))
        story.append(t)

    if s.kind == "monthly":
        head, body = days_table(s, lang)
        table(text("days", lang), head, body, total=True)
    else:
        head, body = closed_table(s, lang)
        table(text("closed", lang), head, body)
    head, body = positions_table(s, lang)
    table(text("positions" if s.kind == "daily" else "positions_monthly", lang), head, body)
    head, body = movements_table(s, lang)
    table(text("movements", lang), head, body)
    story.append(
        KeepTogether(
            [
                Spacer(1, 4 * mm),
                paragraph(text("confirm_title", lang), section),
                paragraph(confirmation_text(s, lang), base),
                Spacer(1, 8 * mm),
                paragraph(text("signature", lang), base),
                Spacer(1, 4 * mm),
                paragraph(s.firm, ParagraphStyle("sign", parent=base, alignment=TA_RIGHT)),
            ]
        )
    )
    return story


def render_signoff_pdf(s: SignoffStatement, lang: Lang = "zh") -> bytes:
    """The statement as PDF bytes: A4 portrait, a footer with the firm, the account,
    the period and "第 n 页 / 共 m 页" on every page (the total is known once every page
    is laid out: the canvas keeps the pages and draws the footers at the end)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import SimpleDocTemplate

    font = cjk_font()
    period = _period(s, lang)

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                # drawString paints text as given (no markup): data needs no escaping
                self.setFont(font, 7.5)
                self.setFillGray(0.35)
                line = text(
                    "footer",
                    lang,
                    firm=s.firm,
                    account=s.client_code,
                    period=period,
                    page=str(self._pageNumber),
                    pages=str(total),
                )
                self.drawCentredString(A4[0] / 2, 10 * mm, line)
                super().showPage()
            super().save()

    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=f"{title(s, lang)} {s.client_code} {period}",
        author=s.firm,
        invariant=True,  # the same statement gives the same bytes
    )
    doc.build(_story(s, lang), canvasmaker=NumberedCanvas)
    return out.getvalue()


def write_signoff(s: SignoffStatement, path: Path, lang: Lang = "zh") -> Path:
    """Write the statement to ``path``: .pdf (to sign) or .xlsx (the same rows)."""
    from core.errors import InputError
    from core.reports.statements import write_xlsx

    suffix = path.suffix.lower()
    if suffix == ".pdf":
        path.write_bytes(render_signoff_pdf(s, lang))
    elif suffix == ".xlsx":
        write_xlsx(signoff_layout(s, lang), path)
    else:
        raise InputError(
            f"unsupported statement format {path.suffix!r}; use .pdf or .xlsx", field="out"
        )
    return path
