"""Helpers shared by the risk-action services: day resolution, audit, progress."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from core.db import risk_queries as rq
from core.errors import InputError
from core.progress import ProgressState


def resolve_price_day(session: Session, day: date | None, contract: str | None = None) -> date:
    """``day``, or the latest trading day with settlement prices in the database.

    Raises InputError when the database holds no settlement prices at all.
    """
    if day is not None:
        return day
    latest = rq.latest_price_day(session)
    if latest is None:
        raise InputError(
            "no settlement prices in the database: import prices or run 'riskdesk demo' first"
        )
    return latest


def report(progress: ProgressState | None, stage: str, done: int, total: int | None) -> None:
    """``progress.report`` when a progress object was given (may raise cancelled)."""
    if progress is not None:
        progress.report(stage, done, total)


def audit(session: Session, action: str, detail: Mapping[str, Any]) -> None:
    """Record an audit entry in the caller's transaction (``core.audit.record``)."""
    from core.audit import record

    record(session, action, detail)
