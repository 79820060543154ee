"""FeedRunner: the thread that drains a feed source into the engine and the mailbox (B3).

```
feed thread:  source.poll(timeout, max_items) → engine.apply(batch) → mailbox.put(snap)
GUI thread:   QTimer → mailbox.take() → model.apply_snapshot(...)
```

The thread never touches a widget: it only calls the source and the engine (which it
owns while running) and the lock-guarded mailbox. State changes and errors are rare
events sent to the GUI thread as queued signals. ``stop()`` joins the thread; the
screen that starts a runner stops it when it closes, and ``app.aboutToQuit`` stops
every runner still alive, so no feed thread outlives the application (tests check it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum

from PySide6.QtCore import QCoreApplication, QObject, Signal

from core.errors import RiskDeskError
from core.live import FeedSource, LiveRiskEngine, Mailbox, RiskSnapshot
from core.live.feed import Clock
from desktop.tasks import THREAD_PREFIX

log = logging.getLogger(__name__)

POLL_TIMEOUT_S = 0.1
MAX_BATCH = 50_000
MAX_YIELD_S = 3.0
"""Longest a paced (hidden) feed waits for the screen in front to finish loading."""
"""Events per engine.apply: one snapshot per batch, not per tick (docs/live-monitor.md)."""
JOIN_TIMEOUT_S = 5.0


class FeedState(Enum):
    """What the runner is doing; ``STALE`` is decided by the GUI from snapshot times."""

    STOPPED = "stopped"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"  # the replay has no more events
    FAILED = "failed"


class PausableClock:
    """A clock that stands still while paused, so a paced source does not catch up.

    ``now()`` is the base clock's time minus the total time spent paused. Thread-safe.
    """

    def __init__(self, base: Clock) -> None:
        self._base = base
        self._lock = threading.Lock()
        self._paused_at: datetime | None = None
        self._offset = timedelta(0)

    def now(self) -> datetime:
        with self._lock:
            frozen = self._paused_at
            offset = self._offset
        return (frozen if frozen is not None else self._base.now()) - offset

    def sleep(self, seconds: float) -> None:
        self._base.sleep(seconds)

    def pause(self) -> None:
        with self._lock:
            if self._paused_at is None:
                self._paused_at = self._base.now()

    def resume(self) -> None:
        with self._lock:
            if self._paused_at is not None:
                self._offset += self._base.now() - self._paused_at
                self._paused_at = None


_live_runners: set[FeedRunner] = set()
_quit_hooked = {"done": False}


def stop_all_runners() -> None:
    """Stop every runner still alive (connected to ``QCoreApplication.aboutToQuit``)."""
    for runner in list(_live_runners):
        runner.stop()


class FeedRunner(QObject):
    """Runs ``source → engine → mailbox`` on its own thread until ``stop()``.

    Create, start, pause and stop it on the GUI thread. After ``start()`` the engine
    belongs to the feed thread until ``stop()`` returns: nobody else may call it.
    A runner runs once; make a new one (same engine and source) to run again.
    """

    state_changed = Signal(object)  # FeedState, queued to the GUI thread
    failed = Signal(str)  # message of an expected failure (bad file, bad data)

    def __init__(
        self,
        source: FeedSource,
        engine: LiveRiskEngine,
        mailbox: Mailbox[RiskSnapshot],
        *,
        clock: PausableClock | None = None,
        parent: QObject | None = None,
        poll_timeout_s: float = POLL_TIMEOUT_S,
        max_batch: int = MAX_BATCH,
    ) -> None:
        super().__init__(parent)
        self._source, self._engine, self._mailbox = source, engine, mailbox
        self._clock = clock
        self._poll_timeout = poll_timeout_s
        self._max_batch = max_batch
        self._stop = threading.Event()
        self._running = threading.Event()  # cleared while paused
        self._running.set()
        self._thread = threading.Thread(target=self._run, name=f"{THREAD_PREFIX}feed", daemon=True)
        self._state = FeedState.STOPPED
        self._state_lock = threading.Lock()
        self.batches = 0
        """Batches applied so far (written by the feed thread; read for display only)."""
        self._min_interval = 0.0
        self._yield_to: Callable[[], bool] | None = None

    @property
    def source(self) -> FeedSource:
        return self._source

    def set_yield_to(self, busy: Callable[[], bool] | None) -> None:
        """While paced (``set_min_interval`` > 0), wait before a batch as long as
        ``busy()`` is true (up to ``MAX_YIELD_S``): a screen loading in front runs
        without the engine competing for the interpreter. Any thread."""
        self._yield_to = busy

    def set_min_interval(self, seconds: float) -> None:
        """Apply at most one batch (and build one snapshot) per ``seconds``; events
        that arrive meanwhile join the next batch. 0 = as they come. The monitor slows
        down this way while another screen is in front: alerts still follow within
        ``seconds``, and the screen the user is on gets the CPU. Any thread."""
        self._min_interval = max(0.0, float(seconds))

    # ----------------------------------------------------------------- GUI thread
    @property
    def state(self) -> FeedState:
        with self._state_lock:
            return self._state

    @property
    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> None:
        """Start the feed thread (once)."""
        app = QCoreApplication.instance()
        if app is not None and not _quit_hooked["done"]:
            app.aboutToQuit.connect(stop_all_runners)
            _quit_hooked["done"] = True
        _live_runners.add(self)
        self._set_state(FeedState.RUNNING)
        self._thread.start()

    def pause(self) -> None:
        """Stop polling until ``resume``; a paced source's clock stands still meanwhile."""
        if self._state is FeedState.RUNNING:
            if self._clock is not None:
                self._clock.pause()
            self._running.clear()
            self._set_state(FeedState.PAUSED)

    def resume(self) -> None:
        if self._state is FeedState.PAUSED:
            if self._clock is not None:
                self._clock.resume()
            self._running.set()
            self._set_state(FeedState.RUNNING)

    def stop(self) -> None:
        """Ask the thread to end and wait for it (≤ 5 s). Safe to call more than once."""
        self._stop.set()
        self._running.set()
        if self._thread.is_alive():
            self._thread.join(JOIN_TIMEOUT_S)
            if self._thread.is_alive():
                log.error("feed thread did not stop within %.0f s", JOIN_TIMEOUT_S)
        _live_runners.discard(self)
        if self.state in (FeedState.RUNNING, FeedState.PAUSED):
            self._set_state(FeedState.STOPPED)

    # ----------------------------------------------------------------- feed thread
    def _set_state(self, state: FeedState) -> None:
        with self._state_lock:
            if state is self._state:
                return
            self._state = state
        self.state_changed.emit(state)

    def _wait_while_busy(self) -> None:
        busy = self._yield_to
        if busy is None or self._min_interval <= 0:
            return
        end = time.monotonic() + MAX_YIELD_S
        while busy() and time.monotonic() < end and not self._stop.wait(0.02):
            pass

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if not self._running.is_set():
                    self._running.wait(0.2)
                    continue
                self._wait_while_busy()
                events = self._source.poll(self._poll_timeout, self._max_batch)
                if events and not self._stop.is_set():
                    self._mailbox.put(self._engine.apply(events))
                    self.batches += 1
                    if self._min_interval > 0:
                        self._stop.wait(self._min_interval)  # stop() still ends it at once
                elif self._source.is_exhausted:
                    self._set_state(FeedState.FINISHED)
                    return
        except (RiskDeskError, OSError, ValueError) as exc:  # bad files or data only
            log.warning("feed stopped: %s", exc)
            self._set_state(FeedState.FAILED)
            self.failed.emit(str(exc))
