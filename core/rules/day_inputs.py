"""What one trading day's computations start from: the one ``DayInputs`` (spec 2.a–2.d).

The daily settlement of D (``core.rules.daily_settlement``) and the live monitor of D
(``core.live``) start from the same facts: the position lines, balances and reserves
after the settlement of prev_td(D), the prices S(prev_td(D)) (and S(D) once published),
D's trades and fund movements, the receipts lodged as margin, the margin facts of every
contract. ``core.db.day_inputs.read_day_inputs`` reads them; nothing here touches a
database.

Codes are dense int64 indexes: clients, contracts, products and members in code order;
sides are ``core.rules.sides`` codes (0 long, 1 short). Money and prices are fen, rates
ppm. A price of −1 means "none".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from core.money import group_sum

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

ACTION_OPEN, ACTION_CLOSE, ACTION_DELIVER = 0, 1, 2
ACTION_NAMES = ("open", "close", "deliver")


def _empty() -> I64:
    return np.zeros(0, dtype=np.int64)


def _empty_bool() -> Bools:
    return np.zeros(0, dtype=np.bool_)


@dataclass(frozen=True)
class ContractTerms:
    """A contract as the rules need it (money in fen, rates in ppm)."""

    code: str
    product: str
    multiplier: int
    unit_tons: int
    tick_fen: int
    general_margin_ppm: int
    hedge_margin_ppm: int
    price_limit_ppm: int
    delivery_month: date
    listing_date: date | None
    last_trading_day: date | None

    def is_listed_on(self, day: date) -> bool:
        """Listed and not yet past its last trading day on ``day``."""
        return (self.listing_date is None or self.listing_date <= day) and (
            self.last_trading_day is None or self.last_trading_day >= day
        )


@dataclass(frozen=True)
class PriorReserve:
    """A member's settlement of the prior trading day (spec 2.d), fen."""

    reserve_fen: int
    margin_fen: int
    offset_fen: int
    cash_fen: int
    opening_banned: bool


@dataclass(frozen=True)
class LodgedReceipt:
    """A warehouse receipt lodged as margin (R02): counts towards its product's margin."""

    receipt_no: str
    product: str
    member_code: str
    holder_code: str
    tons: int
    production_date: date | None
    registration_date: date
    status_since: date | None
    """Day it was lodged; a receipt lodged during D counts from the next settlement
    (spec Q8 default)."""


@dataclass(frozen=True)
class RateAdjustment:
    """An exchange margin notice: ``rate_ppm`` from the settlement of ``effective_day``."""

    contract_code: str
    effective_day: date
    hedge: bool
    rate_ppm: int


@dataclass
class DayInputs:
    """Everything a computation of trading ``day`` reads, as index columns (module doc)."""

    day: date
    prev_day: date
    payment_match_day: date | None
    contracts: list[ContractTerms]
    products: list[str]
    product_of_contract: I64
    members: list[str]
    member_min_reserve_fen: I64
    clients: list[str]
    client_member: I64
    prior_balance_fen: I64
    has_prior_balance: Bools
    prior_reserve: dict[str, PriorReserve]
    settle_fen: I64
    """S(D) per contract, −1 where there is none (yet)."""
    prior_settle_fen: I64
    """S(prev_td(D)) per contract, −1 where there is none."""
    prior_base_settle_fen: I64 = field(default_factory=_empty)
    """S(prev_td(prev_td(D))) per contract (−1 none): the receipt base prices of the
    prior settlement, whose pledge quota holds through D (spec 2.c)."""
    upper_limit_fen: I64 = field(default_factory=_empty)
    """D's limit prices as published (−1 where not published)."""
    lower_limit_fen: I64 = field(default_factory=_empty)
    prev_position_rows: int = 0
    prev_balance_rows: int = 0
    # prior day's position lines (lots > 0)
    pos_client: I64 = field(default_factory=_empty)
    pos_contract: I64 = field(default_factory=_empty)
    pos_side: I64 = field(default_factory=_empty)
    pos_hedge: Bools = field(default_factory=_empty_bool)
    pos_lots: I64 = field(default_factory=_empty)
    pos_open_price_fen: I64 = field(default_factory=_empty)
    pos_margin_fen: I64 = field(default_factory=_empty)
    """The margin the prior settlement stored for the line (for checks and displays)."""
    # day D's trades in arrival order (traded_at, id)
    tr_client: I64 = field(default_factory=_empty)
    tr_contract: I64 = field(default_factory=_empty)
    tr_side: I64 = field(default_factory=_empty)
    tr_hedge: Bools = field(default_factory=_empty_bool)
    tr_action: I64 = field(default_factory=_empty)
    tr_lots: I64 = field(default_factory=_empty)
    tr_price_fen: I64 = field(default_factory=_empty)
    tr_fee_fen: I64 = field(default_factory=_empty)
    tr_no: list[str] = field(default_factory=list)
    tr_at_us: I64 = field(default_factory=_empty)
    """Trade times in microseconds since the epoch (UTC), −1 where unknown."""
    # day D's fund movements; client −1 = the member's own reserve transfer
    fm_member: I64 = field(default_factory=_empty)
    fm_client: I64 = field(default_factory=_empty)
    fm_deposit: Bools = field(default_factory=_empty_bool)
    fm_amount_fen: I64 = field(default_factory=_empty)
    # hedge quotas whose build period starts on D (spec 2.h)
    hq_client: I64 = field(default_factory=_empty)
    hq_contract: I64 = field(default_factory=_empty)
    hq_side: I64 = field(default_factory=_empty)
    hq_lots: I64 = field(default_factory=_empty)
    # deliveries matched on ``payment_match_day``: their money moves on D
    pay_client: I64 = field(default_factory=_empty)
    pay_contract: I64 = field(default_factory=_empty)
    pay_side: I64 = field(default_factory=_empty)
    pay_lots: I64 = field(default_factory=_empty)
    pay_price_fen: I64 = field(default_factory=_empty)
    receipts: list[LodgedReceipt] = field(default_factory=list)
    adjustments: list[RateAdjustment] = field(default_factory=list)
    limit_lock_runs: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Contract → (lock direction on D, consecutive locked days in that direction)."""
    prior_limit_lock_runs: dict[str, tuple[str, int]] = field(default_factory=dict)
    """The same on prev_td(D) (the lock steps in rate_settle(prev_td(D)))."""

    @property
    def contract_index(self) -> dict[str, int]:
        return {c.code: i for i, c in enumerate(self.contracts)}

    @property
    def client_index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.clients)}

    def client_deposits(self) -> tuple[I64, I64]:
        """Deposits and withdrawals of D per client (fen)."""
        return self._transfers(self.fm_client, self.fm_client >= 0, len(self.clients))

    def member_deposits(self) -> tuple[I64, I64]:
        """The members' own reserve deposits and withdrawals of D (fen per member)."""
        return self._transfers(self.fm_member, self.fm_client < 0, len(self.members))

    def _transfers(self, who: I64, rows: Bools, n: int) -> tuple[I64, I64]:
        """Σ deposits and Σ withdrawals of the ``rows`` movements per ``who`` (exact)."""
        deposit, withdrawal = rows & self.fm_deposit, rows & ~self.fm_deposit
        return (
            group_sum(who[deposit], self.fm_amount_fen[deposit], n, "deposits"),
            group_sum(who[withdrawal], self.fm_amount_fen[withdrawal], n, "withdrawals"),
        )
