"""One columnar model of settlement statements, whoever printed them.

A counter (CTP), CFMMC or RiskDesk statement of one client and day becomes rows of six
tables (``StatementFrames``), one row per figure or line, money in integer fen, prices
in integer thousandths of a yuan (``*_milli``: counters print prices with three
decimals; averages need them). RiskDesk's side of a reconciliation is built in the
same model (``core.services.reconcile``), so the comparison is one join per table.

Sides are ``core.rules.sides`` codes (0 long, 1 short), the hedge flag a bool, trade
actions 0 open / 1 close / 2 deliver (``core.rules.day_inputs``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from core.errors import InputError

SUMMARY_FIELDS = (
    "prior_balance",
    "transfers",
    "close_pnl",
    "position_pnl",
    "daily_pnl",
    "fees",
    "delivery",
    "balance",
    "equity",
    "offset",
    "margin",
    "available",
    "risk_ratio_bp",
    "margin_call",
)
"""Account-summary figures compared, in the counter's order (资金状况). ``transfers`` is
the net deposit − withdrawal the counter prints (出入金); ``daily_pnl`` close plus
position P&L, the one figure a CFMMC mark-to-market statement prints (当日盈亏);
``fees`` its commission plus delivery fee; ``risk_ratio_bp`` the risk degree in basis
points (not money). A statement prints a subset; only figures both sides have are
compared."""

TABLES: dict[str, tuple[str, ...]] = {
    "summary": ("client", "day", "field", "value"),
    "positions": (
        "client",
        "day",
        "exchange",
        "contract",
        "side",
        "hedge",
        "lots",
        "today_lots",
        "open_cost_milli",
        "prev_settle_milli",
        "settle_milli",
        "mtm_fen",
        "margin_fen",
    ),
    "closed": (
        "client",
        "day",
        "contract",
        "side",
        "hedge",
        "today",
        "close_milli",
        "lots",
        "open_cost_milli",
        "prev_settle_milli",
        "pnl_fen",
    ),
    "trades": (
        "client",
        "day",
        "trade_no",
        "contract",
        "side",
        "action",
        "hedge",
        "price_milli",
        "lots",
        "fee_fen",
        "pnl_fen",
    ),
    "deposits": ("client", "day", "on", "kind", "amount_fen"),
    "contracts": (
        "client",
        "day",
        "exchange",
        "contract",
        "hedge",
        "long_lots",
        "short_lots",
        "mtm_fen",
        "margin_fen",
    ),
    "members": ("member", "day", "field", "value"),
}
"""Columns of each table. ``positions`` are per (contract, side, hedge) line with the
lots-weighted open cost Σ open price × lots (milli-yuan); ``closed`` per piece of a
close with ``today`` (opened that day, else carried); ``deposits`` per movement with
the day it was booked (``on``) and ``kind`` "deposit" / "withdrawal"; ``contracts``
the counter's position summary (持仓汇总: one row per contract and hedge flag, margin
under that exchange's rule, ``core.rules.exchange_margin``); ``members`` the
member's own figures and per-contract lines (``field`` e.g. ``margin`` or
``lots:c2405:long:spec``)."""

MEMBER_PREFIX = "member:"
"""Statement keys (``StatementFrames.statements``) standing for a member's statement
(the exchange view): ``member:0101``. The member's rows are in ``members``."""

UNKNOWN = -(2**63)
"""A figure the statement does not print (int64 columns hold no NA): e.g. the margin of
one side of a contract when only the contract's total over both sides is printed. The
comparison leaves such a figure out; it never enters a sum."""

MEMBER_ITEMS: dict[str, str] = {
    "prior_reserve": "上日结算准备金余额",
    "prior_margin": "上日交易保证金",
    "prior_offset": "上日充抵金额",
    "deposits": "入金",
    "withdrawals": "出金",
    "close_pnl": "平仓盈亏",
    "position_pnl": "持仓盈亏",
    "fees": "手续费",
    "waived": "减免手续费",
    "delivery": "交割货款",
    "other": "其他",
    "margin": "当日交易保证金",
    "offset": "当日充抵金额",
    "cash": "货币资金",
    "reserve": "当日结算准备金余额",
    "interest_base": "计息基数",
    "min_reserve": "结算准备金最低余额",
    "margin_call": "追加保证金",
}
"""A member's account figures (spec 2.d, the member statement's lines, exchange view) in
the statement's order, with the Chinese label the member CSV documents; money in fen.
Per-line figures in ``members`` are ``lots:<contract>:<side>:<flag>`` and
``margin:<contract>:<side>:<flag>`` (side long/short, flag spec/hedge)."""


def member_line_field(figure: str, contract: str, side: int, hedge: bool) -> str:
    """``members.field`` of a member's line figure: ``margin:c2701:long:spec``."""
    return f"{figure}:{contract}:{'long' if side == 0 else 'short'}:{'hedge' if hedge else 'spec'}"


class StatementFormatError(InputError):
    """A statement file cannot be read: names the file, the line and the field."""


@dataclass
class StatementRows:
    """Rows being collected by a reader (lists per column), then ``frames()``."""

    columns: dict[str, dict[str, list[Any]]] = field(
        default_factory=lambda: {t: {c: [] for c in cols} for t, cols in TABLES.items()}
    )
    statements: list[tuple[str, date, str]] = field(default_factory=list)
    """(client, day, source) of every statement read, in file order."""
    names: dict[str, str] = field(default_factory=dict)
    """Client code → the name the statement prints."""

    chunks: dict[str, list[pd.DataFrame]] = field(default_factory=lambda: {t: [] for t in TABLES})
    """Rows already turned into frames (``compact``), so that lists stay short."""

    def add(self, table: str, **values: Any) -> None:
        cols = self.columns[table]
        for name in TABLES[table]:
            cols[name].append(values[name])

    def pending(self) -> int:
        """Rows still held as lists."""
        return sum(len(cols[TABLES[t][0]]) for t, cols in self.columns.items())

    def compact(self) -> None:
        """Turn the rows held as lists into frames (a few bytes a value, not ~36)."""
        for t, cols in self.columns.items():
            if cols[TABLES[t][0]]:
                self.chunks[t].append(_frame(t, cols))
                self.columns[t] = {c: [] for c in TABLES[t]}

    def frames(self) -> StatementFrames:
        self.compact()
        tables = {}
        for t in TABLES:
            parts = self.chunks[t]
            tables[t] = (
                pd.concat(parts, ignore_index=True)
                if len(parts) > 1
                else parts[0]
                if parts
                else _frame(t, {c: [] for c in TABLES[t]})
            )
        return StatementFrames(tables, tuple(self.statements), dict(self.names))


_TEXT = {"client", "contract", "trade_no", "exchange", "kind", "field", "member"}


def _frame(table: str, cols: dict[str, list[Any]]) -> pd.DataFrame:
    """Columns as compact dtypes: numbers int64, flags bool, codes and days objects."""
    out: dict[str, Any] = {}
    for c in TABLES[table]:
        values = cols[c]
        if c in _TEXT or c in ("day", "on"):
            out[c] = pd.Series(values, dtype=object)
        elif c in ("hedge", "today"):
            out[c] = pd.Series(values, dtype=bool)
        else:
            out[c] = pd.Series(values, dtype="int64")
    return pd.DataFrame(out)


@dataclass(frozen=True)
class StatementFrames:
    """Statements as DataFrames (``TABLES``), plus which statements they came from."""

    tables: dict[str, pd.DataFrame]
    statements: tuple[tuple[str, date, str], ...] = ()
    names: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]

    @classmethod
    def empty(cls) -> StatementFrames:
        return StatementRows().frames()

    @classmethod
    def concat(cls, parts: Iterable[StatementFrames]) -> StatementFrames:
        parts = list(parts)
        if not parts:
            return cls.empty()
        tables = {t: pd.concat([p.tables[t] for p in parts], ignore_index=True) for t in TABLES}
        names: dict[str, str] = {}
        for p in parts:
            names.update(p.names)
        return cls(tables, tuple(s for p in parts for s in p.statements), names)

    def days(self) -> tuple[date, ...]:
        """The days the statements are of, sorted."""
        return tuple(sorted({d for _c, d, _s in self.statements}))

    def only_day(self, day: date) -> StatementFrames:
        """The statements of ``day``."""
        tables = {}
        for t, df in self.tables.items():
            tables[t] = df[df["day"] == day].reset_index(drop=True) if len(df) else df
        return StatementFrames(
            tables, tuple(s for s in self.statements if s[1] == day), dict(self.names)
        )
