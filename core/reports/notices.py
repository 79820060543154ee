"""Margin-call and forced-close notices (追加保证金通知书 / 强行平仓通知书) as PDF.

A ``NoticeDocument`` is what one stored notice states (``core.services.notices`` reads
it); ``write_notice_pdf`` renders it on one A4 page (more when a forced-close notice
lists many orders) in the notice's language, with the firm, the client, the settled
day's figures, the amount to add and the deadline, how to meet the call, the basis and
a footer with the notice number on every page. ``write_notice_pdfs`` writes a batch
into one folder.

The texts are the firm's template, not quotations of law: the basis reads "按照期货经纪
合同约定及相关规定" (the futures law of 2022, arts. 39 and 41, lets the firm call for
margin and close positions as the brokerage contract provides). A notice stores the key
of its basis text (``rule_key``); a changed template gets a new key, so that an old
notice prints as it was sent. Every text that comes from data is escaped for
reportlab's markup (``core.reports.pdf_text``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

from core.money import format_yuan
from core.reports.pdf_text import cjk_font, paragraph
from core.reports.statements import Lang
from core.rules.risk_levels import ratio_text
from core.rules.sides import SideName
from core.trading_calendar import EXCHANGE_TZ

NoticeKind = Literal["margin_call", "forced_close"]
KINDS: tuple[NoticeKind, ...] = ("margin_call", "forced_close")
NUMBER_PREFIX: dict[NoticeKind, str] = {"margin_call": "MC", "forced_close": "FC"}
"""Notice numbers: prefix, year of the trading day, sequence (``MC2026-000123``)."""

RULE_KEY = "contract_and_rules.v1"
"""The basis text new notices state (a key of ``RULE_TEXTS``)."""

RULE_TEXTS: dict[str, tuple[str, str]] = {
    "contract_and_rules.v1": (
        "按照期货经纪合同约定及相关规定。",
        "As provided in your futures brokerage contract and the applicable rules.",
    ),
}
"""Basis texts by key (the firm's template wording; keys are never reused)."""

TEXTS: dict[str, tuple[str, str]] = {
    "title_margin_call": ("追加保证金通知书", "Margin Call Notice"),
    "title_forced_close": ("强行平仓通知书", "Forced Close Notice"),
    "number": ("通知书编号：{number}", "Notice no. {number}"),
    "to": ("{name}（资金账号：{code}）：", "To {name} (account {code}):"),
    "body_margin_call": (
        "根据{day}的结算结果，您的账户保证金不足，可用资金为 {available} 元。"
        "请于 {deadline} 前追加保证金 {call} 元，或自行减少持仓，使可用资金不低于零。"
        "逾期未追加保证金且未自行减仓的，本公司有权对您的持仓强行平仓，"
        "由此产生的损失和费用由您承担。",
        "According to the settlement of {day}, the margin in your account is insufficient: "
        "your available funds are {available} yuan. Please add margin of {call} yuan, or "
        "reduce your positions, so that your available funds are not below zero, before "
        "{deadline}. If you do neither in time, we are entitled to close your positions, "
        "and the losses and costs that result are yours.",
    ),
    "body_forced_close": (
        "根据{day}的结算结果，您的账户保证金不足，可用资金为 {available} 元，"
        "且您未在约定时间内追加保证金或自行减仓。本公司将自 {deadline} 起对您的持仓"
        "强行平仓，直至可用资金不低于零；由此产生的损失和费用由您承担。"
        "在此之前，您仍可追加保证金 {call} 元或自行减仓。",
        "According to the settlement of {day}, the margin in your account is insufficient: "
        "your available funds are {available} yuan, and you have not added margin or "
        "reduced your positions within the agreed time. From {deadline} we will close "
        "your positions until your available funds are not below zero; the losses and "
        "costs that result are yours. Until then you may still add {call} yuan of margin "
        "or reduce your positions.",
    ),
    "figures": ("账户情况", "Your account"),
    "client": ("客户", "Client"),
    "account": ("资金账号", "Account"),
    "day": ("交易日", "Trading day"),
    "balance": ("客户权益（当日结存）", "Equity (today's balance)"),
    "margin": ("保证金占用", "Margin in use"),
    "available": ("可用资金", "Available funds"),
    "risk_ratio": ("风险度", "Risk ratio"),
    "call": ("应追加保证金", "Amount to add"),
    "deadline_margin_call": ("追加期限", "Deadline"),
    "deadline_forced_close": ("强行平仓时间（不早于）", "Closing starts (not before)"),
    "yuan": ("{amount} 元", "{amount} yuan"),
    "orders": ("拟强行平仓明细", "Positions to be closed"),
    "contract": ("合约", "Contract"),
    "side": ("平仓方向", "Close"),
    "lots": ("手数", "Lots"),
    "close_long": ("平多", "long"),
    "close_short": ("平空", "short"),
    "how_title": ("履行方式", "How to meet this notice"),
    "how": (
        "（一）将资金存入您在本公司的期货保证金账户；（二）自行平仓，减少持仓占用的保证金。"
        "两种方式可以同时采用，以可用资金不低于零为准。",
        "(1) Deposit funds into your margin account with us; (2) close positions yourself "
        "to release margin. You may combine both; what counts is that your available "
        "funds are not below zero.",
    ),
    "basis_title": ("依据", "Basis"),
    "template_note": (
        "本通知书为本公司通知书模板文本，金额以本公司结算结果为准。",
        "This notice uses our firm's notice template; amounts are those of our settlement.",
    ),
    "footer": ("{member}　通知书编号 {number}　第 {page} 页", "{member} · {number} · page {page}"),
    "date": ("{y}年{m}月{d}日", "{d} {mon} {y}"),
    "deadline_at": ("{date} {time}（北京时间）", "{time} on {date} (Beijing time)"),
    "subject_margin_call": (
        "追加保证金通知书 {number}（资金账号 {code}）",
        "Margin call notice {number} (account {code})",
    ),
    "subject_forced_close": (
        "强行平仓通知书 {number}（资金账号 {code}）",
        "Forced close notice {number} (account {code})",
    ),
    "mail_body": (
        "{name}：\n\n附件为本公司{title}（编号 {number}），交易日 {day}。"
        "应追加保证金 {call} 元，期限 {deadline}。\n请按通知书所列方式办理。"
        "如已办理，请忽略本邮件。\n\n{member}\n",
        "Dear {name},\n\nAttached is our {title} no. {number} for trading day {day}. "
        "Amount to add: {call} yuan, by {deadline}.\nPlease act as the notice describes. "
        "If you have already done so, please disregard this e-mail.\n\n{member}\n",
    ),
}

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def text(key: str, lang: Lang, **fmt: str) -> str:
    """The template text ``key`` in ``lang`` with ``fmt`` filled in (KeyError: unknown)."""
    zh, en = TEXTS[key]
    return (zh if lang == "zh" else en).format(**fmt)


@dataclass(frozen=True)
class CloseOrderLine:
    """One order a forced-close notice names: close ``lots`` of the client's ``side``
    position in ``contract`` (the orders come from the forced-close feature)."""

    client_code: str
    contract: str
    side: SideName
    lots: int


@dataclass(frozen=True)
class NoticeFigures:
    """What every notice states: its number, whom it calls and the settled figures
    (money in fen, ``risk_ratio_ppm`` the firm's ratio, ``deadline_at`` timezone-aware)."""

    number: str
    member_code: str
    kind: NoticeKind
    lang: Lang
    client_code: str
    client_name: str
    trading_day: date
    balance_fen: int
    margin_fen: int
    available_fen: int
    risk_ratio_ppm: int
    call_fen: int
    deadline_at: datetime


@dataclass(frozen=True)
class NoticeDocument(NoticeFigures):
    """A notice ready to print: its figures, the firm's name and the template."""

    member_name: str
    rule_key: str
    issued_on: date
    """The day the notice was generated (exchange time)."""
    close_orders: tuple[CloseOrderLine, ...] = ()
    """Orders a forced-close notice names; printed when present."""


# --------------------------------------------------------------------- formatting
def format_date(day: date, lang: Lang) -> str:
    """``2026年11月20日`` / ``20 Nov 2026``."""
    month = _MONTHS[day.month - 1]
    return text("date", lang, y=str(day.year), m=str(day.month), d=str(day.day), mon=month)


def format_deadline(at: datetime, lang: Lang) -> str:
    """The deadline in exchange time, e.g. ``2026年11月23日 09:00（北京时间）``."""
    local = at.astimezone(EXCHANGE_TZ)
    day = format_date(local.date(), lang)
    return text("deadline_at", lang, date=day, time=local.strftime("%H:%M"))


def _money(fen: int, lang: Lang) -> str:
    return text("yuan", lang, amount=format_yuan(fen))


def rule_text(key: str, lang: Lang) -> str:
    """The basis text stored under ``key``; KeyError for a key this version lacks."""
    zh, en = RULE_TEXTS[key]
    return zh if lang == "zh" else en


def body_text(doc: NoticeDocument, lang: Lang | None = None) -> str:
    """The notice's main paragraph as plain text (not escaped)."""
    lang = lang or doc.lang
    return text(
        f"body_{doc.kind}",
        lang,
        day=format_date(doc.trading_day, lang),
        available=format_yuan(doc.available_fen),
        call=format_yuan(doc.call_fen),
        deadline=format_deadline(doc.deadline_at, lang),
    )


def figure_rows(doc: NoticeDocument) -> list[tuple[str, str]]:
    """(label, value) lines of the figures table, in the notice's language."""
    lang = doc.lang
    return [
        (text("client", lang), doc.client_name),
        (text("account", lang), doc.client_code),
        (text("day", lang), format_date(doc.trading_day, lang)),
        (text("balance", lang), _money(doc.balance_fen, lang)),
        (text("margin", lang), _money(doc.margin_fen, lang)),
        (text("available", lang), _money(doc.available_fen, lang)),
        (text("risk_ratio", lang), ratio_text(doc.risk_ratio_ppm)),
        (text("call", lang), _money(doc.call_fen, lang)),
        (text(f"deadline_{doc.kind}", lang), format_deadline(doc.deadline_at, lang)),
    ]


def mail_subject(doc: NoticeDocument) -> str:
    """E-mail subject in the notice's language."""
    return text(f"subject_{doc.kind}", doc.lang, number=doc.number, code=doc.client_code)


def mail_body(doc: NoticeDocument) -> str:
    """E-mail body (plain text) in the notice's language."""
    lang = doc.lang
    return text(
        "mail_body",
        lang,
        name=doc.client_name,
        title=text(f"title_{doc.kind}", lang),
        number=doc.number,
        day=format_date(doc.trading_day, lang),
        call=format_yuan(doc.call_fen),
        deadline=format_deadline(doc.deadline_at, lang),
        member=doc.member_name,
    )


# --------------------------------------------------------------------- PDF
def _story(doc: NoticeDocument) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    font, lang = cjk_font(), doc.lang
    base = ParagraphStyle("notice", fontName=font, fontSize=10.5, leading=16)
    firm = ParagraphStyle("firm", parent=base, fontSize=12, alignment=TA_CENTER)
    title = ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    head = ParagraphStyle("head", parent=base, fontSize=11, spaceBefore=6)
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=12)
    cell = ParagraphStyle("cell", parent=base, fontSize=10, leading=13)

    def para(value: str, style: ParagraphStyle = base) -> Paragraph:
        return paragraph(value, style)

    grid = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    figures = Table(
        [[para(name, cell), para(value, cell)] for name, value in figure_rows(doc)],
        colWidths=[55 * mm, 110 * mm],
        hAlign="LEFT",
    )
    figures.setStyle(TableStyle([*grid, ("BACKGROUND", (0, 0), (0, -1), "#eef2f6")]))
    story: list[Any] = [
        para(doc.member_name, firm),
        Spacer(1, 2 * mm),
        para(text(f"title_{doc.kind}", lang), title),
        para(text("number", lang, number=doc.number), right),
        Spacer(1, 4 * mm),
        para(text("to", lang, name=doc.client_name, code=doc.client_code)),
        Spacer(1, 2 * mm),
        para(body_text(doc)),
        Spacer(1, 4 * mm),
        para(text("figures", lang), head),
        Spacer(1, 1.5 * mm),
        figures,
    ]
    if doc.close_orders:
        side = {"long": text("close_long", lang), "short": text("close_short", lang)}
        rows = [[text(k, lang) for k in ("client", "contract", "side", "lots")]]
        rows += [[o.client_code, o.contract, side[o.side], f"{o.lots:,}"] for o in doc.close_orders]
        orders = Table([[para(v, cell) for v in row] for row in rows], repeatRows=1, hAlign="LEFT")
        orders.setStyle(TableStyle([*grid, ("BACKGROUND", (0, 0), (-1, 0), "#eef2f6")]))
        story += [para(text("orders", lang), head), Spacer(1, 1.5 * mm), orders]
    story += [
        Spacer(1, 3 * mm),
        para(text("how_title", lang), head),
        para(text("how", lang)),
        para(text("basis_title", lang), head),
        para(rule_text(doc.rule_key, lang)),
        Spacer(1, 8 * mm),
        para(doc.member_name, right),
        para(format_date(doc.issued_on, lang), right),
        Spacer(1, 6 * mm),
        para(text("template_note", lang), small),
    ]
    return story


def render_notice_pdf(doc: NoticeDocument) -> bytes:
    """The notice as PDF bytes (A4 portrait, footer with the number on every page)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import SimpleDocTemplate

    font = cjk_font()
    out = BytesIO()
    pdf = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"{text(f'title_{doc.kind}', doc.lang)} {doc.number}",
        author=doc.member_name,
        invariant=True,  # same notice, same bytes: a resend attaches what was generated
    )

    def footer(canvas: Canvas, _doc: Any) -> None:
        # drawString paints text as given (no markup), so data needs no escaping here.
        canvas.saveState()
        canvas.setFont(font, 8)
        page = str(canvas.getPageNumber())
        line = text("footer", doc.lang, member=doc.member_name, number=doc.number, page=page)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, line)
        canvas.restoreState()

    pdf.build(_story(doc), onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def write_notice_pdf(doc: NoticeDocument, path: Path) -> Path:
    """Write the notice to ``path``; OSError when it cannot be written."""
    path.write_bytes(render_notice_pdf(doc))
    return path


_UNSAFE = re.compile(r"[^0-9A-Za-z_-]")


def notice_file_name(doc: NoticeDocument, *, with_member: bool = False) -> str:
    """``MC2026-000123.pdf``; with the member's code in front when a batch holds notices
    of several members (numbers are unique per member)."""
    name = _UNSAFE.sub("_", doc.number)
    if with_member:
        name = f"{_UNSAFE.sub('_', doc.member_code)}_{name}"
    return f"{name}.pdf"


def write_notice_pdfs(docs: Sequence[NoticeDocument], folder: Path) -> list[Path]:
    """Write each notice as ``folder/<number>.pdf`` (the folder is created); the paths in
    the order of ``docs``. OSError when the folder or a file cannot be written."""
    folder.mkdir(parents=True, exist_ok=True)
    several = len({d.member_code for d in docs}) > 1
    return [write_notice_pdf(d, folder / notice_file_name(d, with_member=several)) for d in docs]
