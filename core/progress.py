"""Progress of one long operation: written by the worker, polled by the GUI (STYLE B5).

The core never calls into Qt. A service takes an optional ``ProgressState`` and calls
``report(stage, done, total)`` at safe points; the desktop polls ``latest()`` on a timer
and calls ``cancel()`` from its Cancel button. ``report`` raises
``OperationCancelledError`` once cancelled, so the service's transaction rolls back.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from core.errors import OperationCancelledError


@dataclass(frozen=True)
class ProgressStep:
    """A snapshot of progress: ``total`` is None while the amount of work is unknown."""

    stage: str
    done: int
    total: int | None

    @property
    def fraction(self) -> float | None:
        """Share of the work done in [0, 1], or None when the total is unknown or zero."""
        if not self.total:
            return None
        return min(max(self.done / self.total, 0.0), 1.0)


class ProgressState:
    """Latest progress of one operation plus its cancel flag; safe to share across threads.

    Any thread may call any method. Only the newest step is kept (latest wins): a GUI that
    polls slowly skips intermediate steps rather than queueing them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._step = ProgressStep(stage="", done=0, total=None)
        self._cancelled = threading.Event()

    def report(self, stage: str, done: int, total: int | None = None) -> None:
        """Record a step; raises OperationCancelledError if the user has cancelled.

        Raises ValueError for negative counts or ``done > total`` (a bug in the caller).
        """
        if done < 0 or (total is not None and (total < 0 or done > total)):
            raise ValueError(f"bad progress step: {stage!r} {done}/{total}")
        with self._lock:
            self._step = ProgressStep(stage, done, total)
        if self._cancelled.is_set():
            raise OperationCancelledError(stage)

    def check_cancelled(self) -> None:
        """Raise OperationCancelledError if cancelled, without recording a step."""
        if self._cancelled.is_set():
            raise OperationCancelledError(self.latest().stage)

    def latest(self) -> ProgressStep:
        """The most recent step reported (an empty stage before the first report)."""
        with self._lock:
            return self._step

    def cancel(self) -> None:
        """Ask the operation to stop at its next ``report``; idempotent."""
        self._cancelled.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancelled.is_set()
