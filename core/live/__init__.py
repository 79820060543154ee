"""Live risk monitor core: feed sources → LiveRiskEngine → RiskSnapshot → Mailbox.

Pure, synchronous and thread-agnostic; the desktop's feed runner owns the thread
(STYLE B3, docs/live-monitor.md). No database I/O: the start state is a
``core.rules.day_inputs.DayInputs`` read by ``core.db.day_inputs.read_live_day``.
"""

from __future__ import annotations

from core.live.alerts import Acknowledgement, Alert, AlertMonitor, AlertSettings
from core.live.engine import LiveRiskEngine, LiveSettings
from core.live.feed import (
    Clock,
    ContractDay,
    FakeClock,
    FeedEvent,
    FeedSource,
    FeedStats,
    PriceTick,
    SystemClock,
    TradeEvent,
)
from core.live.mailbox import Mailbox
from core.live.replay import ReplaySource
from core.live.simulated import SimulatedMarket
from core.live.snapshot import MemberFigures, RiskSnapshot, Table

__all__ = [
    "Acknowledgement",
    "Alert",
    "AlertMonitor",
    "AlertSettings",
    "Clock",
    "ContractDay",
    "FakeClock",
    "FeedEvent",
    "FeedSource",
    "FeedStats",
    "LiveRiskEngine",
    "LiveSettings",
    "Mailbox",
    "MemberFigures",
    "PriceTick",
    "ReplaySource",
    "RiskSnapshot",
    "SimulatedMarket",
    "SystemClock",
    "Table",
    "TradeEvent",
]
