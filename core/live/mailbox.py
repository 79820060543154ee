"""Latest-wins single-slot hand-off between the feed thread and the GUI thread (B3).

The feed thread ``put``s every snapshot; the GUI timer ``take``s the newest one. If the
GUI falls behind, older snapshots are dropped (and counted), so nothing ever queues up.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

T = TypeVar("T")


class Mailbox(Generic[T]):
    """One slot guarded by a lock. Safe to call from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._item: T | None = None
        self._put = 0
        self._dropped = 0

    def put(self, item: T) -> None:
        """Store ``item``, replacing (and counting as dropped) one not yet taken."""
        with self._lock:
            if self._item is not None:
                self._dropped += 1
            self._item = item
            self._put += 1

    def take(self) -> T | None:
        """The newest item not yet taken, or None; empties the slot."""
        with self._lock:
            item, self._item = self._item, None
            return item

    def peek(self) -> T | None:
        """The newest item not yet taken, without taking it."""
        with self._lock:
            return self._item

    @property
    def dropped(self) -> int:
        """Items replaced before anyone took them."""
        with self._lock:
            return self._dropped

    @property
    def delivered(self) -> int:
        """Items put so far (taken + dropped + the one waiting, if any)."""
        with self._lock:
            return self._put
