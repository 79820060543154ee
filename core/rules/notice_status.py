"""Delivery status of a notice: the order it may move in (issue #11; CTP's risk console).

A notice is generated, sent, received and confirmed, in that order; a step may be
skipped (a notice handed over in person goes from generated to received) but never
taken back, because each status is evidence of delivery (the Supreme People's Court's
futures rules put the proof of a margin call on the firm). A send that fails records
``failed``; a failed notice may be sent again (or delivered by another channel), and
each attempt stays in the history.
"""

from __future__ import annotations

from typing import Literal

NoticeStatus = Literal["generated", "sent", "received", "confirmed", "failed"]
NoticeChannel = Literal["system", "sms", "email", "hand"]

STATUSES: tuple[NoticeStatus, ...] = ("generated", "sent", "received", "confirmed", "failed")
CHANNELS: tuple[NoticeChannel, ...] = ("system", "sms", "email", "hand")

_RANK = {"generated": 0, "failed": 0, "sent": 1, "received": 2, "confirmed": 3}
"""Delivery progress: ``failed`` is no further than ``generated``."""


def next_statuses(current: NoticeStatus) -> tuple[NoticeStatus, ...]:
    """The statuses a notice in ``current`` may move to (empty once confirmed)."""
    return tuple(s for s in STATUSES if can_move(current, s))


def can_move(current: NoticeStatus, new: NoticeStatus) -> bool:
    """True when ``current`` → ``new`` is allowed: forward only; ``failed`` only before
    the notice was sent (a retry may fail again)."""
    if new == "failed":
        return _RANK[current] == 0
    if new == "generated":
        return False
    return _RANK[new] > _RANK[current]
