"""Warehouse receipts from the database: holdings, deadlines, 45-day rule (spec 2.i).

Deadlines, expiry lists, registration checks and offset eligibility come from
``core.rules.receipt_expiry``; this module reads the receipts and shapes the results.
Stored status "held" is the rule engine's "free".
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from core.db import risk_queries as rq
from core.db.reader import Reader
from core.errors import CalendarHorizonError, InputError
from core.money import check_sum_bound, exact_sum
from core.progress import ProgressState
from core.rules.receipt_expiry import (
    DeadlineStatus,
    Receipt,
    ReceiptStatus,
    Urgency,
    default_receipt_rules,
    expiring_within,
    is_offset_eligible,
    is_registrable,
    receipt_deadline_outcome,
    receipt_urgency,
    rolled_deadline_status,
    trading_days_left,
    worst_urgency,
)
from core.services._common import report, resolve_price_day
from core.trading_calendar import default_calendar

RULE_VERSIONS = ("current", "seed")
TREE_ORDERS = ("product", "warehouse")
"""The receipts tree's first level: product → warehouse → holder, or warehouse →
product → holder (a warehouse's figures over all its products, as a desk cancelling
receipts at one warehouse reads them)."""
_STATUS: dict[str, ReceiptStatus] = {
    "held": "free",
    "margin": "margin",
    "delivery": "delivery",
    "cancelled": "cancelled",
}

RECEIPT_COLUMNS = (
    "receipt_no",
    "product_code",
    "warehouse_code",
    "holder_code",
    "status",
    "lots",
    "tons",
    "registration_date",
    "production_date",
    "deadline",
    "trading_days_left",
    "offset_eligible",
    "registrable",
    "deadline_status",
    "note",
)
HOLDING_COLUMNS = (
    "product_code",
    "warehouse_code",
    "holder_code",
    "status",
    "receipts",
    "lots",
    "tons",
    "next_deadline",
    "trading_days_left",
    "deadline_status",
)
EXPIRING_COLUMNS = (
    "warehouse_code",
    "holder_code",
    "receipt_no",
    "product_code",
    "status",
    "tons",
    "deadline",
    "trading_days_left",
)
BLOCKED_COLUMNS = (
    "receipt_no",
    "product_code",
    "warehouse_code",
    "holder_code",
    "production_date",
    "registration_date",
    "days",
    "max_days",
    "reason",
)


@dataclass(frozen=True)
class ReceiptsReport:
    """Result of ``receipts_report`` (frames with the ``*_COLUMNS`` above).

    ``receipts``: every non-cancelled receipt with its inclusive deadline (the one it
    got at registration), trading days left, offset eligibility, registration check and
    ``deadline_status``: "ok", "overdue" (that deadline has passed and the receipt is
    still registered: it should have been cancelled; ``trading_days_left`` is negative,
    the receipt counts for no offset), "no_rule" (no validity rule for the product in
    this version) or "beyond_calendar" (the deadline lies past ``calendar_until``, the
    trading calendar's last known day); ``note`` says why a deadline is missing or
    missed. ``holdings``: product × warehouse × holder × status, with the earliest
    deadline and its ``deadline_status`` ("overdue" when any receipt of the group is,
    else "ok" when any has a deadline, else "beyond_calendar" when any lies past the
    calendar, else "no_rule"). ``expiring``: deadline within ``expiring_days`` trading
    days (overdue receipts excluded). ``overdue``: the overdue receipts (columns of
    ``expiring``), by deadline. ``blocked``: registrations the production-to-registration
    rule rejects.
    """

    trading_day: date
    version: str
    expiring_days: int
    receipts: pd.DataFrame
    holdings: pd.DataFrame
    expiring: pd.DataFrame
    overdue: pd.DataFrame
    blocked: pd.DataFrame
    unverified_rules: tuple[str, ...]
    calendar_until: date
    """The trading calendar's last known day: deadlines after it are not computed."""

    def deadline_count(self, status: DeadlineStatus) -> int:
        """Receipts whose deadline has ``status`` ("ok", "overdue", "no_rule",
        "beyond_calendar")."""
        return int((self.receipts["deadline_status"] == status).sum())

    def summary_lines(self) -> list[str]:
        lines = [
            f"warehouse receipts on {self.trading_day} (rule version {self.version})",
            f"receipts {len(self.receipts)}, tons {exact_sum(self.receipts['tons'])}; "
            f"expiring within {self.expiring_days} trading days: {len(self.expiring)}; "
            f"registrations blocked: {len(self.blocked)}",
        ]
        if len(self.overdue):
            lines.append(
                f"overdue: {len(self.overdue)} receipts still registered past their "
                f"deadline (earliest {min(self.overdue['deadline'])}): they should have "
                "been cancelled and count for no margin offset"
            )
        beyond, no_rule = self.deadline_count("beyond_calendar"), self.deadline_count("no_rule")
        if beyond or no_rule:
            lines.append(
                f"no deadline: {beyond} beyond the trading calendar (known to "
                f"{self.calendar_until}), {no_rule} without a validity rule in version "
                f"{self.version}"
            )
        return lines


def receipts_report(
    reader: Reader,
    day: date | None = None,
    *,
    holder: str | None = None,
    warehouse: str | None = None,
    expiring_days: int = 10,
    version: str = "current",
    progress: ProgressState | None = None,
) -> ReceiptsReport:
    """Receipts by product × warehouse × holder with deadlines on ``day`` (spec 2.i).

    ``day`` defaults to the latest trading day with settlement prices; ``version`` is
    the validity rule version ("current" or "seed"). A read: nothing is written.
    Raises InputError for an unknown version, a negative ``expiring_days`` or no
    matching receipts.
    """
    session = reader.session
    if version not in RULE_VERSIONS:
        raise InputError(f"rule version must be one of {', '.join(RULE_VERSIONS)}")
    if expiring_days < 0:
        raise InputError("the expiry window must not be negative")
    d = resolve_price_day(session, day)
    cal = default_calendar()
    rules = default_receipt_rules()
    frame = rq.receipts_frame(
        session,
        holder=holder,
        warehouse=warehouse,
        statuses=("held", "margin", "delivery"),
    )
    if frame.empty:
        what = " ".join(f"{k} {v}" for k, v in (("holder", holder), ("warehouse", warehouse)) if v)
        raise InputError(f"no warehouse receipts{' for ' + what if what else ''}")
    receipts: list[Receipt] = []  # those whose deadline fits the calendar
    db_status: dict[str, str] = {}
    details: list[dict[str, object]] = []
    blocked: list[dict[str, object]] = []
    unverified: set[str] = set()
    n = len(frame)
    for i, row in enumerate(frame.to_dict("records")):
        if i % 500 == 0:
            report(progress, "check receipts", i, n)
        r = Receipt(
            id=str(row["receipt_no"]),
            product=str(row["product_code"]),
            registered=row["registration_date"],
            produced=row["production_date"],
            warehouse=str(row["warehouse_code"]),
            holder=str(row["holder_code"]),
            tons=int(row["tons"]),
            status=_STATUS[str(row["status"])],
        )
        db_status[r.id] = str(row["status"])
        rule = rules.expiry.get((version, r.product))
        if rule is not None and not rule.verified:
            unverified.add(f"{r.product} expiry ({version}): {rule.source}")
        outcome = receipt_deadline_outcome(r, d, version=version, rules=rules, cal=cal)
        deadline, note = outcome.deadline, outcome.reason
        if outcome.status == "beyond_calendar":
            eligible = False
        else:
            eligible = is_offset_eligible(r, d, version=version, rules=rules, cal=cal)
            receipts.append(r)
        try:
            registrable = is_registrable(r.product, r.produced, r.registered, version=version)
            reason = ""
        except ValueError as exc:
            registrable, reason = False, str(exc)
        if not registrable:
            reg = rules.registration.get((version, r.product))
            days = (r.registered - r.produced).days if r.produced else None
            if not reason and reg is not None:
                reason = (
                    f"produced {r.produced}, registration applied {r.registered}: "
                    f"{days} calendar days > {reg.max_days} allowed ({version} rule)"
                )
            blocked.append(
                {
                    "receipt_no": r.id,
                    "product_code": r.product,
                    "warehouse_code": r.warehouse,
                    "holder_code": r.holder,
                    "production_date": r.produced,
                    "registration_date": r.registered,
                    "days": days,
                    "max_days": None if reg is None else reg.max_days,
                    "reason": reason,
                }
            )
        details.append(
            {
                "receipt_no": r.id,
                "product_code": r.product,
                "warehouse_code": r.warehouse,
                "holder_code": r.holder,
                "status": str(row["status"]),
                "lots": int(row["lots"]),
                "tons": r.tons,
                "registration_date": r.registered,
                "production_date": r.produced,
                "deadline": deadline,
                "trading_days_left": (
                    None if deadline is None else trading_days_left(cal, d, deadline)
                ),
                "offset_eligible": eligible,
                "registrable": registrable,
                "deadline_status": outcome.status,
                "note": note,
            }
        )
    detail = pd.DataFrame(details, columns=list(RECEIPT_COLUMNS))
    detail["trading_days_left"] = detail["trading_days_left"].astype("Int64")
    try:
        expiring = expiring_within(receipts, d, expiring_days, version=version, cal=cal)
    except CalendarHorizonError as exc:
        raise InputError(f"expiry window of {expiring_days} trading days: {exc}") from None
    exp_frame = pd.DataFrame(
        [
            {
                "warehouse_code": e.receipt.warehouse,
                "holder_code": e.receipt.holder,
                "receipt_no": e.receipt.id,
                "product_code": e.receipt.product,
                "status": db_status[e.receipt.id],
                "tons": e.receipt.tons,
                "deadline": e.deadline,
                "trading_days_left": e.trading_days_left,
            }
            for e in expiring
        ],
        columns=list(EXPIRING_COLUMNS),
    )
    overdue = (
        detail.loc[detail["deadline_status"] == "overdue", list(EXPIRING_COLUMNS)]
        .sort_values(["deadline", "warehouse_code", "holder_code", "receipt_no"], kind="stable")
        .reset_index(drop=True)
    )
    return ReceiptsReport(
        trading_day=d,
        version=version,
        expiring_days=expiring_days,
        receipts=detail,
        holdings=_holdings(detail),
        expiring=exp_frame,
        overdue=overdue,
        blocked=pd.DataFrame(blocked, columns=list(BLOCKED_COLUMNS)),
        unverified_rules=tuple(sorted(unverified)),
        calendar_until=cal.known_until,
    )


def _holdings(detail: pd.DataFrame) -> pd.DataFrame:
    keys = ["product_code", "warehouse_code", "holder_code", "status"]
    for name in ("lots", "tons"):  # a groupby sum would wrap silently
        check_sum_bound(detail[name].to_numpy(np.int64), name)
    grouped = detail.groupby(keys, sort=True)
    out = grouped.agg(
        receipts=("receipt_no", "count"),
        lots=("lots", "sum"),
        tons=("tons", "sum"),
        deadline_status=("deadline_status", rolled_deadline_status),
    ).reset_index()
    # The group's next deadline: the earliest deadline of its receipts.
    firsts = (
        detail.dropna(subset=["deadline"])
        .sort_values("deadline", kind="stable")
        .groupby(keys, sort=True)
        .first()[["deadline", "trading_days_left"]]
        .rename(columns={"deadline": "next_deadline"})
        .reset_index()
    )
    out = out.merge(firsts, on=keys, how="left")
    out["trading_days_left"] = out["trading_days_left"].astype("Int64")
    out["next_deadline"] = (
        out["next_deadline"].astype(object).where(out["next_deadline"].notna(), None)
    )
    return out[list(HOLDING_COLUMNS)]


# ============================================================== the desk's view
@dataclass(frozen=True)
class ReceiptsRequest:
    """The validity rule version, a holder ("my receipts"; None: all), the expiry
    window in trading days, whether only the receipts expiring within it are shown
    (``only_expiring``: not yet overdue, deadline at most ``expiring_days`` trading
    days away) and the tree's first level (``group_by``: "product" or "warehouse")."""

    version: str = "current"
    holder: str | None = None
    expiring_days: int = 10
    only_expiring: bool = False
    group_by: str = "product"


@dataclass(frozen=True)
class HoldingNode:
    """One node of the receipts tree: product, warehouse or holder (holder × status).

    Sums of lots, tons and receipts over the children; the earliest deadline below and
    its trading days left; the most pressing ``urgency`` below; ``deadline_status``
    rolled up from the children (``rolled_deadline_status``). ``overdue`` and
    ``expiring`` count the receipts below that are past their deadline or within the
    expiry window, so a product whose roll-up is "overdue" still says how many of its
    receipts expire soon. ``name_zh`` / ``name_en``: the product's or warehouse's name
    (a holder's name in both).
    """

    level: int
    code: str
    status: str
    receipts: int
    lots: int
    tons: int
    next_deadline: date | None
    days_left: int | None
    urgency: Urgency
    children: tuple[HoldingNode, ...] = ()
    deadline_status: DeadlineStatus = "ok"
    overdue: int = 0
    expiring: int = 0
    name_zh: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class ReceiptsView:
    """The receipts desk. ``holdings``: the report's holdings plus ``urgency``
    (``receipt_urgency``: "past", "soon", ""); ``tree``: product → warehouse → holder
    built from them (only the expiring receipts' with ``only_expiring``).
    ``receipts``: every receipt with ``urgency``. ``deadlines``: {deadline: receipts}.
    ``holders``: every holder code with receipts (for the "my receipts" filter),
    ``holder_names`` their names. ``total_tons``, ``total_lots`` of ``receipts``.
    ``expiring_count``: receipts within the expiry window (``urgency`` "soon", the
    report's ``expiring``). ``group_by``: the tree's first level ("product" or
    "warehouse"). ``shown_receipts``, ``shown_lots``, ``shown_tons``: the tree's
    totals (with ``only_expiring``, of the expiring receipts only). ``error``: why
    there is no report."""

    day: date | None
    version: str
    report: ReceiptsReport | None
    holdings: pd.DataFrame
    tree: tuple[HoldingNode, ...]
    receipts: pd.DataFrame
    deadlines: dict[date, int]
    holders: tuple[str, ...]
    total_tons: int
    total_lots: int
    error: str
    expiring_count: int = 0
    only_expiring: bool = False
    holder_names: Mapping[str, str] = field(default_factory=dict)
    group_by: str = "product"
    shown_receipts: int = 0
    shown_lots: int = 0
    shown_tons: int = 0


def receipts_view(
    reader: Reader, request: ReceiptsRequest, progress: ProgressState | None = None
) -> ReceiptsView:
    """Receipts with deadlines for the rule version, optionally one holder's (a read).
    Raises InputError for an unknown ``group_by``."""
    if request.group_by not in TREE_ORDERS:
        raise InputError(f"group receipts by one of {', '.join(TREE_ORDERS)}")
    holders_frame = rq.receipts_frame(reader.session, statuses=("held", "margin", "delivery"))
    holders = tuple(sorted(set(holders_frame["holder_code"].tolist())))
    products, warehouses, holder_names = rq.receipt_names(reader.session)
    try:
        report = receipts_report(
            reader,
            holder=request.holder,
            version=request.version,
            expiring_days=request.expiring_days,
            progress=progress,
        )
    except InputError as exc:
        empty = pd.DataFrame()
        return ReceiptsView(
            None,
            request.version,
            None,
            empty,
            (),
            empty,
            {},
            holders,
            0,
            0,
            str(exc),
            holder_names=holder_names,
            group_by=request.group_by,
        )
    day, window = report.trading_day, report.expiring_days

    def urgencies(deadlines: pd.Series, left: pd.Series) -> list[Urgency]:
        return [
            receipt_urgency(
                d if isinstance(d, date) else None, None if pd.isna(n) else int(n), day, window
            )
            for d, n in zip(deadlines, left, strict=True)
        ]

    receipts = report.receipts.copy()
    receipts["urgency"] = urgencies(receipts["deadline"], receipts["trading_days_left"])
    shown = receipts[receipts["urgency"] == "soon"] if request.only_expiring else receipts
    holdings = _view_holdings(shown)
    holdings["urgency"] = urgencies(holdings["next_deadline"], holdings["trading_days_left"])
    deadlines = (
        receipts.dropna(subset=["deadline"]).groupby("deadline")["receipt_no"].count().to_dict()
    )
    return ReceiptsView(
        day,
        request.version,
        report,
        holdings,
        holdings_tree(holdings, products, warehouses, holder_names, by=request.group_by),
        receipts,
        {d: int(n) for d, n in deadlines.items() if isinstance(d, date)},
        holders,
        exact_sum(receipts["tons"]),
        exact_sum(receipts["lots"]),
        "",
        expiring_count=int((receipts["urgency"] == "soon").sum()),
        only_expiring=request.only_expiring,
        holder_names=holder_names,
        group_by=request.group_by,
        shown_receipts=len(shown),
        shown_lots=exact_sum(shown["lots"]),
        shown_tons=exact_sum(shown["tons"]),
    )


_HOLDING_KEYS = ["product_code", "warehouse_code", "holder_code", "status"]


def _view_holdings(receipts: pd.DataFrame) -> pd.DataFrame:
    """``_holdings`` of ``receipts`` (with ``urgency``) plus ``overdue`` and
    ``expiring``: how many of each group's receipts are past their deadline or within
    the window."""
    if receipts.empty:
        return pd.DataFrame(columns=[*HOLDING_COLUMNS, "overdue", "expiring"])
    holdings = _holdings(receipts.drop(columns=["urgency"]))
    flags = receipts[_HOLDING_KEYS].assign(
        overdue=(receipts["urgency"] == "past").astype("int64"),
        expiring=(receipts["urgency"] == "soon").astype("int64"),
    )
    counts = flags.groupby(_HOLDING_KEYS, sort=True)[["overdue", "expiring"]].sum().reset_index()
    return holdings.merge(counts, on=_HOLDING_KEYS, how="left")


def holdings_tree(
    holdings: pd.DataFrame,
    products: Mapping[str, tuple[str, str]] | None = None,
    warehouses: Mapping[str, tuple[str, str]] | None = None,
    holders: Mapping[str, str] | None = None,
    *,
    by: str = "product",
) -> tuple[HoldingNode, ...]:
    """product → warehouse → holder (one leaf per holder and status) from holdings rows
    (``HOLDING_COLUMNS`` plus ``urgency``, optionally ``overdue`` and ``expiring``),
    named from ``products`` and ``warehouses`` ({code: (zh, en)}) and ``holders``;
    ``by="warehouse"``: warehouse → product → holder."""
    products = products or {}
    warehouses = warehouses or {}
    holders = holders or {}
    if by == "warehouse":
        outer_key, outer_names, inner_key, inner_names = (
            "warehouse_code",
            warehouses,
            "product_code",
            products,
        )
    else:
        outer_key, outer_names, inner_key, inner_names = (
            "product_code",
            products,
            "warehouse_code",
            warehouses,
        )

    def rollup(
        level: int, code: str, names: tuple[str, str], kids: Sequence[HoldingNode]
    ) -> HoldingNode:
        dated = [k for k in kids if k.next_deadline is not None]
        first = min(dated, key=lambda k: k.next_deadline or date.max) if dated else None
        return HoldingNode(
            level,
            code,
            "",
            sum(k.receipts for k in kids),
            sum(k.lots for k in kids),
            sum(k.tons for k in kids),
            None if first is None else first.next_deadline,
            None if first is None else first.days_left,
            worst_urgency(k.urgency for k in kids),
            tuple(kids),
            rolled_deadline_status(k.deadline_status for k in kids),
            sum(k.overdue for k in kids),
            sum(k.expiring for k in kids),
            *names,
        )

    def count(row: Mapping[Hashable, Any], key: str) -> int:
        value = row.get(key)
        return 0 if value is None or pd.isna(value) else int(value)

    out: list[HoldingNode] = []
    for outer, ogroup in holdings.groupby(outer_key, sort=True):
        boxes = []
        for inner, igroup in ogroup.groupby(inner_key, sort=True):
            leaves = []
            for r in igroup.to_dict("records"):
                name = holders.get(str(r["holder_code"]), "")
                leaves.append(
                    HoldingNode(
                        2,
                        str(r["holder_code"]),
                        str(r["status"]),
                        int(r["receipts"]),
                        int(r["lots"]),
                        int(r["tons"]),
                        r["next_deadline"] if isinstance(r["next_deadline"], date) else None,
                        None if pd.isna(r["trading_days_left"]) else int(r["trading_days_left"]),
                        r["urgency"],
                        deadline_status=r["deadline_status"],
                        overdue=count(r, "overdue"),
                        expiring=count(r, "expiring"),
                        name_zh=name,
                        name_en=name,
                    )
                )
            code = str(inner)
            boxes.append(rollup(1, code, inner_names.get(code, ("", "")), leaves))
        code = str(outer)
        out.append(rollup(0, code, outer_names.get(code, ("", "")), boxes))
    return tuple(out)
