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
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db import risk_queries as rq
from core.db.delivery_tables import DeliveryMatch, EfpRecord
from core.db.reader import Reader
from core.errors import CalendarHorizonError, InputError
from core.money import check_sum_bound, fen_to_str
from core.progress import ProgressState
from core.rules.delivery_allocation import DeliveryAllocation, allocate_delivery
from core.rules.fees import FeeLine, FeeSchedule, default_fee_schedule
from core.rules.receipt_expiry import Receipt, first_deadline
from core.services._common import report
from core.services.store import Database, Written, write
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
    reader: Reader,
    day: date | None,
    seller: str,
    contract: str,
    *,
    progress: ProgressState | None = None,
) -> SellerAllocation:
    """Allocate ``seller``'s receipts of ``contract``'s product to its buyers matched
    on ``day`` (default: the seller's latest matching day in the contract): a preview,
    nothing is recorded (``record_delivery_allocation`` records it).

    Receipts held by the seller with status "delivery" are used; if it has none, its
    free ("held") receipts. Raises InputError for an unknown contract, no matches, no
    receipts, receipts past their deadline, or receipt lots that differ from the
    matched lots.
    """
    allocation, _ = _allocate(reader.session, day, seller, contract, progress)
    return allocation


def record_delivery_allocation(
    db: Database,
    day: date | None,
    seller: str,
    contract: str,
    *,
    user: str | None = None,
    progress: ProgressState | None = None,
) -> tuple[SellerAllocation, Changes]:
    """``allocate_delivery_for_seller``, recorded through the write door: the matches
    get ``allocation_state`` "allocated" and their warehouses as JSON, with the audit
    entry "delivery.allocate". Raises as ``allocate_delivery_for_seller``; nothing is
    written then."""

    def work(session: Session) -> Written[SellerAllocation]:
        allocation, match_ids = _allocate(session, day, seller, contract, progress)
        per_buyer: dict[str, dict[str, int]] = defaultdict(dict)
        for p in allocation.allocation.pairs:
            per_buyer[p.buyer][p.warehouse] = p.lots
        rows = session.scalars(select(DeliveryMatch).where(DeliveryMatch.id.in_(match_ids)))
        for row in rows:
            # A buyer matched twice with the same seller shares one allocation.
            row.allocation_state = "allocated"
            row.allocation = json.dumps(per_buyer[row.buyer_code], sort_keys=True)
        detail = {
            "seller": seller,
            "contract": contract,
            "match_day": allocation.match_day,
            "pairs": allocation.allocation.pair_count,
            "optimal": allocation.allocation.optimal,
        }
        return Written(replace(allocation, recorded=True), Changes(receipts=True), detail)

    return write(db, "delivery.allocate", work, user=user)


def _allocate(
    session: Session,
    day: date | None,
    seller: str,
    contract: str,
    progress: ProgressState | None,
) -> tuple[SellerAllocation, list[int]]:
    """The seller's allocation (not recorded) and the ids of the matches it covers."""
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
    check_sum_bound(matches["lots"].to_numpy(np.int64), "matched lots")  # groupby sums wrap
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
    check_sum_bound(usable["lots"].to_numpy(np.int64), "receipt lots")
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
    result = SellerAllocation(
        seller=seller,
        contract=contract,
        match_day=d,
        warehouses=tuple(warehouses),
        buyers=tuple(buyers),
        receipt_status=status,
        allocation=alloc,
        pairs=_pairs_frame(alloc),
        recorded=False,
    )
    report(progress, "done", 2, 2)
    return result, [int(i) for i in matches["id"]]


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
    db: Database,
    match_day: date,
    contract: str,
    seller: str,
    buyer: str,
    lots: int,
    *,
    price_fen: int | None = None,
    user: str | None = None,
) -> tuple[MatchRecord, Changes]:
    """Store one rolling-delivery match (spec 2.j) with the audit entry "delivery.match".

    ``price_fen`` defaults to the matching day's settlement price (the delivery
    settlement price of rolling delivery); the delivery day is the second trading day
    after matching. Raises InputError for unknown parties, no price, or lots ≤ 0;
    nothing is written then.
    """

    def work(session: Session) -> Written[MatchRecord]:
        if lots <= 0:
            raise InputError("matched lots must be positive")
        _known(session, contract, (seller, buyer), "seller and buyer must differ")
        price = price_fen
        if price is None:
            stored = rq.day_price(session, contract, match_day)
            if stored is None:
                raise InputError(f"no settlement price for {contract} on {match_day}")
            price = stored.settlement_fen
        delivery_day = default_calendar().add_trading_days(match_day, 2)
        row = DeliveryMatch(
            match_day=match_day,
            contract_code=contract,
            seller_code=seller,
            buyer_code=buyer,
            lots=lots,
            price_fen=price,
            delivery_day=delivery_day,
            allocation_state="pending",
        )
        session.add(row)
        session.flush()
        match = MatchRecord(row.id, match_day, contract, seller, buyer, lots, price, delivery_day)
        return Written(match, Changes(positions=True), asdict(match))

    return write(db, "delivery.match", work, user=user)


def _known(
    session: Session, contract: str, parties: tuple[str, str], same_party: str
) -> rq.ContractInfo:
    """The contract's info; InputError for an unknown contract or client, or when both
    parties are one client (``same_party`` says so)."""
    info = rq.contract_info(session, contract)
    if info is None:
        raise InputError(f"unknown contract {contract!r}")
    for who in parties:
        if rq.client_is_individual(session, who) is None:
            raise InputError(f"unknown client {who!r}")
    if parties[0] == parties[1]:
        raise InputError(same_party)
    return info


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
    db: Database,
    approved_day: date,
    contract: str,
    long_client: str,
    short_client: str,
    lots: int,
    price_fen: int,
    kind: EfpKind,
    *,
    schedule: FeeSchedule | None = None,
    user: str | None = None,
) -> tuple[EfpResult, Changes]:
    """Store an approved EFP with its fee and waiver (spec 2.j, 2.k).

    The fee per party is ``efp_standard`` or ``efp_nonstandard`` from the fee schedule
    (default resources/fees.toml) on ``approved_day``, half up to the fen; a waiver in
    force zeroes it and both figures are stored, with the audit entry "delivery.efp".
    Raises InputError for unknown parties or contract, a bad kind, lots ≤ 0 or a
    price ≤ 0, or when no fee rate is in force; nothing is written then.
    """

    def work(session: Session) -> Written[EfpResult]:
        if kind not in ("standard", "non_standard"):
            raise InputError(f"EFP kind must be standard or non_standard, got {kind!r}")
        if lots <= 0 or price_fen <= 0:
            raise InputError("EFP lots and price must be positive")
        parties = (long_client, short_client)
        info = _known(session, contract, parties, "the long and the short client must differ")
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
        efp = EfpResult(
            row.id, approved_day, contract, long_client, short_client, lots, price_fen, kind, line
        )
        detail = {
            "id": efp.id,
            "contract": contract,
            "approved_day": approved_day,
            "kind": kind,
            "lots": lots,
            "fee_fen": efp.fee_fen,
            "waived_fen": efp.waived_fen,
        }
        return Written(efp, Changes(positions=True, balances=True), detail)

    return write(db, "delivery.efp", work, user=user)


# ============================================================== the desk's view
MATCH_KEYS = tuple(rq.MATCH_COLUMNS)
"""Columns of ``DeliveryView.matches`` (``core.db.risk_queries.delivery_matches``)."""


@dataclass(frozen=True)
class DeliveryRequest:
    """The seller and contract whose allocation to preview (None: the first listed)."""

    seller: str | None = None
    contract: str | None = None


@dataclass(frozen=True)
class DeliveryView:
    """The delivery desk. ``matches``: every stored delivery match (``MATCH_KEYS``),
    newest first. ``sellers``: (seller, contract) pairs with matches, those with a match
    still pending allocation first. ``allocation``: the ``chosen`` seller's
    minimum-pairing allocation (a preview, not recorded), or ``error``."""

    day: date | None
    matches: pd.DataFrame
    sellers: tuple[tuple[str, str], ...]
    allocation: SellerAllocation | None
    error: str
    chosen: tuple[str, str] | None = None


def delivery_view(
    reader: Reader, request: DeliveryRequest, progress: ProgressState | None = None
) -> DeliveryView:
    """Stored matches and the chosen seller's allocation (a read)."""
    session = reader.session
    day = rq.latest_price_day(session)
    matches = rq.delivery_matches(session)
    # Sellers with a match still pending allocation first (the others have delivered
    # their receipts already), each group by seller and contract.
    waiting = {
        (str(s), str(c))
        for s, c, state in matches[["seller_code", "contract_code", "allocation_state"]]
        .drop_duplicates()
        .itertuples(index=False, name=None)
        if state == "pending"
    }
    pairs = matches[["seller_code", "contract_code"]].drop_duplicates()
    sellers = tuple(
        sorted(
            ((str(s), str(c)) for s, c in pairs.itertuples(index=False, name=None)),
            key=lambda sc: (sc not in waiting, sc),
        )
    )
    seller, contract = request.seller, request.contract
    if seller is None and sellers:
        seller, contract = sellers[0]
    if seller is None or contract is None:
        return DeliveryView(day, matches, sellers, None, "")
    chosen = (seller, contract)
    try:
        allocation = allocate_delivery_for_seller(reader, None, seller, contract, progress=progress)
    except InputError as exc:
        return DeliveryView(day, matches, sellers, None, str(exc), chosen)
    return DeliveryView(day, matches, sellers, allocation, "", chosen)


def parse_lots_list(text: str, what: str) -> list[tuple[str, int]]:
    """Parse "W1:30, W2:20" (or one "code lots" per line; full-width commas and colons,
    ";" and "=" too) into (code, lots) pairs.

    Raises InputError naming ``what`` and the bad item, or when there is none.
    """
    items: list[tuple[str, int]] = []
    for raw in text.replace("\n", ",").replace("，", ",").replace(";", ",").split(","):
        part = raw.strip()
        if not part:
            continue
        code, sep, lots = part.replace("：", ":").replace("=", ":").partition(":")
        if not sep:
            code, _, lots = part.rpartition(" ")
        code, lots = code.strip(), lots.strip()
        if not code or not lots.isdigit():
            raise InputError(f"{what}: expected CODE:LOTS, got {part!r}")
        items.append((code, int(lots)))
    if not items:
        raise InputError(f"{what}: enter at least one CODE:LOTS")
    return items


def allocate_given(warehouses_text: str, buyers_text: str) -> SellerAllocation:
    """The ad hoc minimal-pairs allocation of typed warehouse and buyer lots
    (``parse_lots_list``, ``allocate_ad_hoc``); InputError for bad text or totals."""
    return allocate_ad_hoc(
        parse_lots_list(warehouses_text, "warehouses"), parse_lots_list(buyers_text, "buyers")
    )
