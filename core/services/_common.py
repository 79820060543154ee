"""Helpers shared by the risk-action services: day resolution, progress."""

from __future__ import annotations

from datetime import date

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
