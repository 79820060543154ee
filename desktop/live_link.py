"""What the live monitor shows, for the screens that list intraday figures of it.

The monitor publishes here the snapshot its intraday call card was computed from, with
the live day's start values (client names, member, the settled day it starts from); the
Margin calls screen reads it to list the intraday calls of that very snapshot, so that
the monitor's card and the list are one computation on one snapshot. GUI thread only:
the monitor publishes from its timer, readers read on the GUI thread and hand the
immutable snapshot to a worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QObject, Signal

from core.live import RiskSnapshot


@dataclass(frozen=True)
class LiveView:
    """One published state: ``snapshot`` (immutable), the monitor's start values and
    whether its feed is running."""

    snapshot: RiskSnapshot
    client_names: Mapping[str, str]
    member_code: str | None
    base_day: date
    running: bool


class LiveLink(QObject):
    """The monitor's latest published state; ``changed`` when it starts, stops or is
    replaced by another day (not on every snapshot: readers take it when they load)."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view: LiveView | None = None

    def latest(self) -> LiveView | None:
        """The last published state; None when no live day is loaded."""
        return self._view

    def publish(self, view: LiveView) -> None:
        old, self._view = self._view, view
        if (
            old is None
            or old.running != view.running
            or old.base_day != view.base_day
            or old.snapshot.trading_day != view.snapshot.trading_day
        ):
            self.changed.emit()

    def clear(self) -> None:
        """The monitor has no live day (empty database, or it was closed)."""
        if self._view is not None:
            self._view = None
            self.changed.emit()
