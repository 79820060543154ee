"""ORM tables of RiskDesk (SQLAlchemy 2.0 typed declarative).

Positions, balances and prices are stored per trading day (end-of-day state after that
day's settlement, or as imported), so a settlement of day D reads day prev_td(D) and
writes day D, and re-running it replaces D's rows (idempotent).
Enumerations are short strings guarded by named CHECK constraints (portable to SQLite
and PostgreSQL). ``*_fen``: integer fen; ``*_ppm``: millionths; see ``core.db.base``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, FenColumn

SIDES = ("long", "short")
MEMBER_KINDS = ("brokerage", "non_brokerage")
RECEIPT_STATUSES = ("held", "margin", "delivery", "cancelled")
LIMIT_LOCKS = ("none", "limit_up", "limit_down")
FUND_KINDS = ("deposit", "withdrawal")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# --------------------------------------------------------------------- reference data
class Product(Base):
    """A DCE product (copied from resources/products.toml at database creation)."""

    __tablename__ = "product"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(32))
    name_en: Mapped[str] = mapped_column(String(64))
    unit_tons: Mapped[int]
    multiplier: Mapped[int]
    tick_fen: Mapped[int] = mapped_column(comment="minimum price step in fen")
    price_limit_ppm: Mapped[int]
    min_margin_ppm: Mapped[int]


class Contract(Base):
    """One listed contract, e.g. m2409."""

    __tablename__ = "contract"
    __table_args__ = (
        CheckConstraint("tick_fen > 0", name="tick_positive"),
        CheckConstraint("general_margin_ppm > 0", name="margin_positive"),
    )

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    product_code: Mapped[str] = mapped_column(ForeignKey("product.code"), index=True)
    delivery_month: Mapped[date] = mapped_column(Date, comment="first day of delivery month")
    listing_date: Mapped[date | None] = mapped_column(Date)
    last_trading_day: Mapped[date | None] = mapped_column(
        Date, comment="null when beyond the known trading calendar"
    )
    last_delivery_day: Mapped[date | None] = mapped_column(Date)
    tick_fen: Mapped[int]
    price_limit_ppm: Mapped[int]
    general_margin_ppm: Mapped[int] = mapped_column(comment="speculative general-month rate")
    hedge_margin_ppm: Mapped[int] = mapped_column(comment="hedge general-month rate")


class MarginAdjustment(Base):
    """Ad hoc exchange margin rate (notice, holiday, limit lock) from a settlement on."""

    __tablename__ = "margin_adjustment"
    __table_args__ = (UniqueConstraint("contract_code", "effective_day", "hedge"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_code: Mapped[str] = mapped_column(ForeignKey("contract.code"), index=True)
    effective_day: Mapped[date] = mapped_column(
        Date, comment="rate applies from this day's settlement"
    )
    hedge: Mapped[bool] = mapped_column(Boolean, default=False)
    rate_ppm: Mapped[int]
    note: Mapped[str] = mapped_column(String(200), default="")


class SettlementPrice(Base):
    """Daily settlement price with the day's limit prices and limit-lock flag."""

    __tablename__ = "settlement_price"
    __table_args__ = (
        CheckConstraint(_in("limit_lock", LIMIT_LOCKS), name="limit_lock_valid"),
        CheckConstraint("settlement_fen > 0", name="price_positive"),
    )

    trading_day: Mapped[date] = mapped_column(Date, primary_key=True)
    contract_code: Mapped[str] = mapped_column(ForeignKey("contract.code"), primary_key=True)
    settlement_fen: Mapped[FenColumn]
    upper_limit_fen: Mapped[FenColumn | None]
    lower_limit_fen: Mapped[FenColumn | None]
    limit_lock: Mapped[str] = mapped_column(String(10), default="none")
    open_interest: Mapped[int] = mapped_column(
        BigInteger, default=0, comment="single-side open interest in lots"
    )
    volume: Mapped[int] = mapped_column(BigInteger, default=0)


# --------------------------------------------------------------------- parties
class Member(Base):
    """A member firm clearing with DCE."""

    __tablename__ = "member"
    __table_args__ = (CheckConstraint(_in("kind", MEMBER_KINDS), name="kind_valid"),)

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    min_reserve_fen: Mapped[FenColumn] = mapped_column(
        comment="minimum settlement reserve balance (spec Q12, unverified default)"
    )


class Client(Base):
    """A client account at a futures-company member."""

    __tablename__ = "client"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    member_code: Mapped[str] = mapped_column(ForeignKey("member.code"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    is_individual: Mapped[bool] = mapped_column(Boolean, default=True)
    opened_on: Mapped[date | None] = mapped_column(Date)


class TradingCode(Base):
    """Exchange-side client identifier; positions, limits and quotas attach to it."""

    __tablename__ = "trading_code"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    client_code: Mapped[str] = mapped_column(ForeignKey("client.code"), index=True)
    member_code: Mapped[str] = mapped_column(ForeignKey("member.code"))
    opened_on: Mapped[date | None] = mapped_column(Date)


# --------------------------------------------------------------------- positions & trades
class Position(Base):
    """End-of-day position line: one client, contract, side and hedge flag on one day."""

    __tablename__ = "position"
    __table_args__ = (
        UniqueConstraint("trading_day", "client_code", "contract_code", "side", "hedge"),
        CheckConstraint(_in("side", SIDES), name="side_valid"),
        CheckConstraint("lots >= 0 AND today_lots >= 0 AND today_lots <= lots", name="lots_valid"),
        Index("ix_position_day_contract", "trading_day", "contract_code"),
        # Covering: a whole day's lines in key order without table lookups (rev. 0004).
        Index(
            "ix_position_day_book",
            "trading_day",
            "client_code",
            "contract_code",
            "side",
            "hedge",
            "lots",
            "today_lots",
            "open_price_fen",
            "margin_fen",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trading_day: Mapped[date] = mapped_column(Date)
    client_code: Mapped[str] = mapped_column(ForeignKey("client.code"), index=True)
    contract_code: Mapped[str] = mapped_column(ForeignKey("contract.code"))
    side: Mapped[str] = mapped_column(String(5))
    hedge: Mapped[bool] = mapped_column(Boolean, default=False)
    lots: Mapped[int] = mapped_column(comment="open lots at the end of the day")
    today_lots: Mapped[int] = mapped_column(default=0, comment="of which opened that day")
    open_price_fen: Mapped[FenColumn] = mapped_column(
        comment="average opening price of the open lots (for unit net P&L, spec 2.e)"
    )
    margin_fen: Mapped[FenColumn] = mapped_column(default=0, comment="margin held after settlement")


class Trade(Base):
    """One fill. ``trade_no`` is the exchange's trade number (idempotent re-imports)."""

    __tablename__ = "trade"
    __table_args__ = (
        UniqueConstraint("trading_day", "trade_no"),
        CheckConstraint(_in("side", SIDES), name="side_valid"),
        CheckConstraint("action IN ('open', 'close', 'deliver')", name="action_valid"),
        CheckConstraint("lots > 0", name="lots_positive"),
        Index("ix_trade_day_client", "trading_day", "client_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trade_no: Mapped[str] = mapped_column(String(32))
    trading_day: Mapped[date] = mapped_column(Date)
    traded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    client_code: Mapped[str] = mapped_column(ForeignKey("client.code"))
    contract_code: Mapped[str] = mapped_column(ForeignKey("contract.code"))
    side: Mapped[str] = mapped_column(String(5), comment="position side the trade affects")
    action: Mapped[str] = mapped_column(String(7))
    hedge: Mapped[bool] = mapped_column(Boolean, default=False)
    lots: Mapped[int]
    price_fen: Mapped[FenColumn]
    fee_fen: Mapped[FenColumn] = mapped_column(default=0)


class ClosingOrder(Base):
    """Unfilled limit-price closing order standing at the close (forced reduction, 2.e)."""

    __tablename__ = "closing_order"
    __table_args__ = (
        UniqueConstraint("trading_day", "order_no"),
        CheckConstraint(_in("side", SIDES), name="side_valid"),
        CheckConstraint("lots > 0", name="lots_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_no: Mapped[str] = mapped_column(String(32))
    trading_day: Mapped[date] = mapped_column(Date, index=True)
    client_code: Mapped[str] = mapped_column(ForeignKey("client.code"))
    contract_code: Mapped[str] = mapped_column(ForeignKey("contract.code"))
    side: Mapped[str] = mapped_column(String(5), comment="side of the position being closed")
    hedge: Mapped[bool] = mapped_column(Boolean, default=False)
    lots: Mapped[int]
    price_fen: Mapped[FenColumn]


# --------------------------------------------------------------------- funds
class FundMovement(Base):
    """Deposit or withdrawal of a client (or of the member at the exchange)."""

    __tablename__ = "fund_movement"
    __table_args__ = (
        CheckConstraint(_in("kind", FUND_KINDS), name="kind_valid"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    movement_no: Mapped[str] = mapped_column(String(32), unique=True)
    trading_day: Mapped[date] = mapped_column(Date, index=True)
    member_code: Mapped[str] = mapped_column(ForeignKey("member.code"))
    client_code: Mapped[str | None] = mapped_column(
        ForeignKey("client.code"), comment="null for the member's own reserve movements"
    )
    kind: Mapped[str] = mapped_column(String(10))
    amount_fen: Mapped[FenColumn]
    note: Mapped[str] = mapped_column(String(200), default="")


class ClientBalance(Base):
    """A client's account after the settlement of one trading day (client statement)."""

    __tablename__ = "client_balance"

    client_code: Mapped[str] = mapped_column(ForeignKey("client.code"), primary_key=True)
    # Indexed on its own too: a day's totals (settlement screen, monitor start) read one
    # day, and the key starts with the client (rev. 0004).
    trading_day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    balance_fen: Mapped[FenColumn] = mapped_column(comment="today's balance (当日结存)")
    deposits_fen: Mapped[FenColumn] = mapped_column(default=0)
    withdrawals_fen: Mapped[FenColumn] = mapped_column(default=0)
    close_pnl_fen: Mapped[FenColumn] = mapped_column(default=0)
    position_pnl_fen: Mapped[FenColumn] = mapped_column(default=0)
    fees_fen: Mapped[FenColumn] = mapped_column(default=0)
    waived_fen: Mapped[FenColumn] = mapped_column(default=0)
    delivery_fen: Mapped[FenColumn] = mapped_column(default=0)
    margin_fen: Mapped[FenColumn] = mapped_column(default=0)
    offset_fen: Mapped[FenColumn] = mapped_column(default=0)
    available_fen: Mapped[FenColumn] = mapped_column(default=0)
    margin_call_fen: Mapped[FenColumn] = mapped_column(default=0)


class ReserveHistory(Base):
    """The member's settlement reserve after the settlement of one trading day."""

    __tablename__ = "reserve_history"

    member_code: Mapped[str] = mapped_column(ForeignKey("member.code"), primary_key=True)
    trading_day: Mapped[date] = mapped_column(Date, primary_key=True)
    reserve_fen: Mapped[FenColumn] = mapped_column(comment="R(D)")
    margin_fen: Mapped[FenColumn] = mapped_column(comment="M(D)")
    offset_fen: Mapped[FenColumn] = mapped_column(comment="O(D)")
    cash_fen: Mapped[FenColumn] = mapped_column(comment="R + M - O")
    close_pnl_fen: Mapped[FenColumn] = mapped_column(default=0)
    position_pnl_fen: Mapped[FenColumn] = mapped_column(default=0)
    fees_fen: Mapped[FenColumn] = mapped_column(default=0)
    waived_fen: Mapped[FenColumn] = mapped_column(default=0)
    deposits_fen: Mapped[FenColumn] = mapped_column(default=0)
    withdrawals_fen: Mapped[FenColumn] = mapped_column(default=0)
    delivery_fen: Mapped[FenColumn] = mapped_column(default=0)
    margin_call_fen: Mapped[FenColumn] = mapped_column(default=0)
    opening_banned: Mapped[bool] = mapped_column(Boolean, default=False)
    transfer_restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class HedgeQuota(Base):
    """Approved hedge quota with its build period (spec 2.h)."""

    __tablename__ = "hedge_quota"
    __table_args__ = (
        CheckConstraint(_in("side", SIDES), name="side_valid"),
        CheckConstraint("lots > 0", name="lots_positive"),
        CheckConstraint("period_start <= period_end", name="period_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_code: Mapped[str] = mapped_column(ForeignKey("client.code"), index=True)
    contract_code: Mapped[str] = mapped_column(ForeignKey("contract.code"))
    side: Mapped[str] = mapped_column(String(5))
    lots: Mapped[int]
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    approved_on: Mapped[date | None] = mapped_column(Date)


# --------------------------------------------------------------------- receipts
class Warehouse(Base):
    """Designated delivery warehouse or factory warehouse."""

    __tablename__ = "warehouse"
    __table_args__ = (CheckConstraint("kind IN ('warehouse', 'factory')", name="kind_valid"),)

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(32), default="")
    kind: Mapped[str] = mapped_column(String(10), default="warehouse")


class WarehouseReceipt(Base):
    """A standard warehouse receipt (标准仓单): warehouse-specific since R17."""

    __tablename__ = "warehouse_receipt"
    __table_args__ = (
        CheckConstraint(_in("status", RECEIPT_STATUSES), name="status_valid"),
        CheckConstraint("lots > 0 AND tons > 0", name="quantity_positive"),
        Index("ix_receipt_holder", "holder_code", "product_code"),
    )

    receipt_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    product_code: Mapped[str] = mapped_column(ForeignKey("product.code"))
    warehouse_code: Mapped[str] = mapped_column(ForeignKey("warehouse.code"), index=True)
    member_code: Mapped[str] = mapped_column(ForeignKey("member.code"))
    holder_code: Mapped[str] = mapped_column(
        String(16), comment="client code, or the member code for the member's own receipts"
    )
    lots: Mapped[int]
    tons: Mapped[int]
    production_date: Mapped[date | None] = mapped_column(Date)
    registration_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="held")
    status_since: Mapped[date | None] = mapped_column(Date)


# --------------------------------------------------------------------- audit
class AuditLog(Base):
    """Who did what, when (settlements, previews, imports, acknowledgements).

    Append-only and hash-chained (``core.audit``, migration 0008): each entry's
    ``entry_hash`` is the SHA-256 of its content and ``prev_hash``, the hash of the
    entry before it; a trigger refuses UPDATE and DELETE. ``prev_hash`` is unique, so
    two writers can never chain onto the same entry (fork the chain).
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    entry_hash: Mapped[str] = mapped_column(String(64))


class ImportBatch(Base):
    """One successful import (file name and content hash), for the audit trail."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(260))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows: Mapped[int] = mapped_column(Integer)
    inserted: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user: Mapped[str] = mapped_column(String(64))


# --------------------------------------------------------------------- caches
class DataRevision(Base):
    """A counter per table, raised in the same transaction as every bulk write to it.

    In-process caches of whole-table reads (``core.db.day_book``) compare it before
    reuse: a commit that changed the table has also changed its revision.
    """

    __tablename__ = "data_revision"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
