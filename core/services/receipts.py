"""Warehouse receipts from the database: holdings, deadlines, 45-day rule (spec 2.i).

Deadlines, expiry lists, registration checks and offset eligibility come from
``core.rules.receipt_expiry``; this module reads the receipts and shapes the results.
Stored status "held" is the rule engine's "free".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db import risk_queries as rq
from core.errors import CalendarHorizonError, InputError
from core.progress import ProgressState
from core.rules.receipt_expiry import (
    DeadlineStatus,
    Receipt,
    ReceiptStatus,
    default_receipt_rules,
    expiring_within,
    is_offset_eligible,
    is_registrable,
    receipt_deadline_outcome,
    trading_days_left,
)
from core.services._common import audit, report, resolve_price_day
from core.trading_calendar import default_calendar

RULE_VERSIONS = ("current", "seed")
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
            f"receipts {len(self.receipts)}, tons {int(self.receipts['tons'].sum())}; "
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
    session: Session,
    day: date | None = None,
    *,
    holder: str | None = None,
    warehouse: str | None = None,
    expiring_days: int = 10,
    version: str = "current",
    progress: ProgressState | None = None,
    record_audit: bool = True,
) -> tuple[ReceiptsReport, Changes]:
    """Receipts by product × warehouse × holder with deadlines on ``day`` (spec 2.i).

    ``day`` defaults to the latest trading day with settlement prices; ``version`` is
    the validity rule version ("current" or "seed"). Writes an audit entry
    "preview.receipts" unless ``record_audit`` is false. Raises InputError for an
    unknown version, a negative ``expiring_days`` or no matching receipts.
    """
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
    result = ReceiptsReport(
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
    changes = Changes.none()
    if record_audit:
        audit(
            session,
            "preview.receipts",
            {
                "day": d,
                "version": version,
                "holder": holder,
                "warehouse": warehouse,
                "receipts": len(detail),
                "expiring": len(exp_frame),
                "overdue": len(overdue),
                "blocked": len(blocked),
            },
        )
        changes = Changes(audit=True)
    return result, changes


def _holdings(detail: pd.DataFrame) -> pd.DataFrame:
    keys = ["product_code", "warehouse_code", "holder_code", "status"]
    grouped = detail.groupby(keys, sort=True)
    out = grouped.agg(
        receipts=("receipt_no", "count"),
        lots=("lots", "sum"),
        tons=("tons", "sum"),
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
    flags = (
        detail.assign(
            any_beyond=detail["deadline_status"] == "beyond_calendar",
            any_overdue=detail["deadline_status"] == "overdue",
        )
        .groupby(keys, sort=True)[["any_beyond", "any_overdue"]]
        .any()
        .reset_index()
    )
    out = out.merge(flags, on=keys, how="left")
    out["deadline_status"] = [
        "overdue"
        if overdue
        else "ok"
        if pd.notna(first)
        else "beyond_calendar"
        if any_beyond
        else "no_rule"
        for first, any_beyond, overdue in zip(
            out["next_deadline"], out["any_beyond"], out["any_overdue"], strict=True
        )
    ]
    out["trading_days_left"] = out["trading_days_left"].astype("Int64")
    out["next_deadline"] = (
        out["next_deadline"].astype(object).where(out["next_deadline"].notna(), None)
    )
    return out[list(HOLDING_COLUMNS)]
