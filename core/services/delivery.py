"""Delivery records and allocation: rolling-delivery matches, EFP, receipt allocation.

Spec 2.j: after a matching day each seller's receipts (by warehouse) are allocated to
its matched buyers with the fewest (warehouse, buyer) pairs
(``core.rules.delivery_allocation.allocate_delivery``). Spec 2.k: EFP fees are
computed from ``resources/fees.toml`` and waived where a waiver is in force
(standard-receipt EFP always; all EFP from 2022-01-01).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db import risk_queries as rq
from core.db.delivery_tables import DeliveryMatch, EfpRecord
from core.errors import CalendarHorizonError, InputError
from core.money import fen_to_str
from core.progress import ProgressState
from core.rules.delivery_allocation import DeliveryAllocation, allocate_delivery
from core.rules.fees import FeeLine, FeeSchedule, default_fee_schedule
from core.rules.receipt_expiry import Receipt, first_deadline
from core.services._common import audit, report
from core.trading_calendar import default_calendar

EfpKind = Literal["standard", "non_standard"]
PAIR_COLUMNS = ("warehouse_code", "buyer_code", "lots")
DELIVERABLE_STATUSES = ("delivery", "held")
"""Receipts a seller can deliver: frozen for delivery first; if none, free ones."""


def _overdue_receipts(receipts: pd.DataFrame, day: date) -> list[str]:
    """Receipt numbers (with their missed deadline) still registered after their deadline."""
    out = []
    for no, product, registered in receipts[
        ["receipt_no", "product_code", "registration_date"]
    ].itertuples(index=False, name=None):
        receipt = Receipt(id=str(no), product=str(product), registered=registered)
        try:
            missed = first_deadline(receipt)
        except CalendarHorizonError:
            continue  # its deadline lies beyond the calendar, so after ``day``
        if missed is not None and missed < day:
            out.append(f"{no} (deadline {missed.isoformat()})")
    return out


@dataclass(frozen=True)
class SellerAllocation:
    """A seller's receipts by warehouse allocated to its buyers (``pairs``:
    ``PAIR_COLUMNS``, by warehouse then buyer). ``recorded``: matches updated in the
    database."""

    seller: str
    contract: str
    match_day: date | None
    warehouses: tuple[tuple[str, int], ...]
    buyers: tuple[tuple[str, int], ...]
    receipt_status: str
    allocation: DeliveryAllocation
    pairs: pd.DataFrame
    recorded: bool

    def summary_lines(self) -> list[str]:
        a = self.allocation
        who = (
            f"seller {self.seller} {self.contract} on matching day {self.match_day}"
            if self.match_day
            else "given lots (ad hoc, no database)"
        )
        ws = ", ".join(f"{w} {n}" for w, n in self.warehouses)
        bs = ", ".join(f"{b} {n}" for b, n in self.buyers)
        return [
            f"delivery allocation for {who}",
            f"warehouses ({self.receipt_status}): {ws}; buyers: {bs}",
            f"{a.pair_count} pairs (lower bound {a.lower_bound}, "
            f"{'optimal' if a.optimal else 'may not be optimal'}, method {a.method})",
        ]


def _pairs_frame(alloc: DeliveryAllocation) -> pd.DataFrame:
    return pd.DataFrame(
        [(p.warehouse, p.buyer, p.lots) for p in alloc.pairs], columns=list(PAIR_COLUMNS)
    ).astype({"lots": "int64"})


def allocate_ad_hoc(
    warehouses: Sequence[tuple[str, int]], buyers: Sequence[tuple[str, int]]
) -> SellerAllocation:
    """Allocate given warehouse lots to given buyer lots without a database.

    Raises InputError when the totals differ or a code repeats.
    """
    try:
        alloc = allocate_delivery(warehouses, buyers)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return SellerAllocation(
        seller="",
        contract="",
        match_day=None,
        warehouses=tuple(warehouses),
        buyers=tuple(buyers),
        receipt_status="given",
        allocation=alloc,
        pairs=_pairs_frame(alloc),
        recorded=False,
    )


def allocate_delivery_for_seller(
    session: Session,
    day: date | None,
    seller: str,
    contract: str,
    *,
    record: bool = True,
    progress: ProgressState | None = None,
) -> tuple[SellerAllocation, Changes]:
    """Allocate ``seller``'s receipts of ``contract``'s product to its buyers matched
    on ``day`` (default: the seller's latest matching day in the contract).

    Receipts held by the seller with status "delivery" are used; if it has none, its
    free ("held") receipts. With ``record`` the matches get ``allocation_state``
    "allocated" and their warehouses as JSON, and an audit entry "delivery.allocate"
    is written (the caller commits). Raises InputError for an unknown contract, no
    matches, no receipts, or receipt lots that differ from the matched lots.
    """
    info = rq.contract_info(session, contract)
    if info is None:
        raise InputError(f"unknown contract {contract!r}")
    d = day or rq.latest_match_day(session, seller, contract)
    if d is None:
        raise InputError(f"no delivery matches for seller {seller!r} in {contract}")
    report(progress, "read matches and receipts", 0, 2)
    matches = rq.seller_matches(session, d, seller, contract)
    if matches.empty:
        raise InputError(f"no delivery matches for seller {seller!r} in {contract} on {d}")
    buyers = [
        (str(b), int(n)) for b, n in matches.groupby("buyer_code", sort=True)["lots"].sum().items()
    ]
    receipts = rq.receipts_frame(
        session, holder=seller, product=info.product_code, statuses=DELIVERABLE_STATUSES
    )
    status = "delivery" if bool((receipts["status"] == "delivery").any()) else "held"
    usable = receipts[receipts["status"] == status]
    if usable.empty:
        raise InputError(
            f"seller {seller!r} holds no {info.product_code} receipts free or frozen for delivery"
        )
    overdue = _overdue_receipts(usable, d)
    if overdue:
        raise InputError(
            f"seller {seller!r}: receipts past their cancellation deadline cannot be "
            f"delivered (spec 2.i): {', '.join(overdue)}"
        )
    warehouses = [
        (str(w), int(n))
        for w, n in usable.groupby("warehouse_code", sort=True)["lots"].sum().items()
    ]
    total_w, total_b = sum(n for _, n in warehouses), sum(n for _, n in buyers)
    if total_w != total_b:
        raise InputError(
            f"seller {seller!r}: receipts ({status}) cover {total_w} lots but "
            f"{total_b} lots were matched on {d}; freeze exactly the matched lots for "
            "delivery first"
        )
    report(progress, "allocate", 1, 2)
    try:
        alloc = allocate_delivery(warehouses, buyers)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    changes = Changes.none()
    if record:
        per_buyer: dict[str, dict[str, int]] = defaultdict(dict)
        for p in alloc.pairs:
            per_buyer[p.buyer][p.warehouse] = p.lots
        rows = session.scalars(
            select(DeliveryMatch).where(DeliveryMatch.id.in_([int(i) for i in matches["id"]]))
        ).all()
        for row in rows:
            # A buyer matched twice with the same seller shares one allocation.
            row.allocation_state = "allocated"
            row.allocation = json.dumps(per_buyer[row.buyer_code], sort_keys=True)
        audit(
            session,
            "delivery.allocate",
            {
                "seller": seller,
                "contract": contract,
                "match_day": d,
                "pairs": alloc.pair_count,
                "optimal": alloc.optimal,
            },
        )
        changes = Changes(receipts=True, audit=True)
    result = SellerAllocation(
        seller=seller,
        contract=contract,
        match_day=d,
        warehouses=tuple(warehouses),
        buyers=tuple(buyers),
        receipt_status=status,
        allocation=alloc,
        pairs=_pairs_frame(alloc),
        recorded=record,
    )
    report(progress, "done", 2, 2)
    return result, changes


@dataclass(frozen=True)
class MatchRecord:
    """A stored delivery match (values, not the ORM row)."""

    id: int
    match_day: date
    contract: str
    seller: str
    buyer: str
    lots: int
    price_fen: int
    delivery_day: date


def record_delivery_match(
    session: Session,
    match_day: date,
    contract: str,
    seller: str,
    buyer: str,
    lots: int,
    *,
    price_fen: int | None = None,
) -> tuple[MatchRecord, Changes]:
    """Store one rolling-delivery match (spec 2.j).

    ``price_fen`` defaults to the matching day's settlement price (the delivery
    settlement price of rolling delivery); the delivery day is the second trading day
    after matching. Raises InputError for unknown parties, no price, or lots ≤ 0.
    """
    if lots <= 0:
        raise InputError("matched lots must be positive")
    if rq.contract_info(session, contract) is None:
        raise InputError(f"unknown contract {contract!r}")
    for who in (seller, buyer):
        if rq.client_is_individual(session, who) is None:
            raise InputError(f"unknown client {who!r}")
    if seller == buyer:
        raise InputError("seller and buyer must differ")
    if price_fen is None:
        price = rq.day_price(session, contract, match_day)
        if price is None:
            raise InputError(f"no settlement price for {contract} on {match_day}")
        price_fen = price.settlement_fen
    delivery_day = default_calendar().add_trading_days(match_day, 2)
    row = DeliveryMatch(
        match_day=match_day,
        contract_code=contract,
        seller_code=seller,
        buyer_code=buyer,
        lots=lots,
        price_fen=price_fen,
        delivery_day=delivery_day,
        allocation_state="pending",
    )
    session.add(row)
    session.flush()
    return (
        MatchRecord(row.id, match_day, contract, seller, buyer, lots, price_fen, delivery_day),
        Changes(positions=True),
    )


@dataclass(frozen=True)
class EfpResult:
    """A stored EFP with its fee line per party (computed, waived, charged in fen)."""

    id: int
    approved_day: date
    contract: str
    long_client: str
    short_client: str
    lots: int
    price_fen: int
    kind: EfpKind
    fee: FeeLine

    @property
    def fee_fen(self) -> int:
        return int(self.fee.computed_fen)

    @property
    def waived_fen(self) -> int:
        return int(self.fee.waived_fen)

    @property
    def charged_fen(self) -> int:
        return int(self.fee.charged_fen)

    def summary_line(self) -> str:
        return (
            f"EFP {self.kind} {self.contract} {self.lots} lots at "
            f"{fen_to_str(self.price_fen)}: fee {fen_to_str(self.fee_fen)}, waived "
            f"{fen_to_str(self.waived_fen)}, charged {fen_to_str(self.charged_fen)}"
        )


def record_efp(
    session: Session,
    approved_day: date,
    contract: str,
    long_client: str,
    short_client: str,
    lots: int,
    price_fen: int,
    kind: EfpKind,
    *,
    schedule: FeeSchedule | None = None,
) -> tuple[EfpResult, Changes]:
    """Store an approved EFP with its fee and waiver (spec 2.j, 2.k).

    The fee per party is ``efp_standard`` or ``efp_nonstandard`` from the fee schedule
    (default resources/fees.toml) on ``approved_day``, half up to the fen; a waiver in
    force zeroes it and both figures are stored. Writes an audit entry "delivery.efp".
    Raises InputError for unknown parties or contract, a bad kind, lots ≤ 0 or a
    price ≤ 0, or when no fee rate is in force.
    """
    if kind not in ("standard", "non_standard"):
        raise InputError(f"EFP kind must be standard or non_standard, got {kind!r}")
    if lots <= 0 or price_fen <= 0:
        raise InputError("EFP lots and price must be positive")
    info = rq.contract_info(session, contract)
    if info is None:
        raise InputError(f"unknown contract {contract!r}")
    for who in (long_client, short_client):
        if rq.client_is_individual(session, who) is None:
            raise InputError(f"unknown client {who!r}")
    if long_client == short_client:
        raise InputError("the long and the short client must differ")
    fees = schedule or default_fee_schedule()
    fee_type = "efp_standard" if kind == "standard" else "efp_nonstandard"
    try:
        line = fees.fee(fee_type, info.product_code, approved_day, lots=lots)
    except LookupError as exc:
        raise InputError(str(exc)) from None
    row = EfpRecord(
        approved_day=approved_day,
        contract_code=contract,
        long_client_code=long_client,
        short_client_code=short_client,
        lots=lots,
        price_fen=price_fen,
        kind=kind,
        fee_fen=int(line.computed_fen),
        waived_fen=int(line.waived_fen),
    )
    session.add(row)
    session.flush()
    audit(
        session,
        "delivery.efp",
        {
            "id": row.id,
            "contract": contract,
            "approved_day": approved_day,
            "kind": kind,
            "lots": lots,
            "fee_fen": int(line.computed_fen),
            "waived_fen": int(line.waived_fen),
        },
    )
    result = EfpResult(
        row.id, approved_day, contract, long_client, short_client, lots, price_fen, kind, line
    )
    return result, Changes(positions=True, balances=True, audit=True)
