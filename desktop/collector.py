"""Python's cycle collector runs on the GUI thread at quiet moments only.

CPython collects reference cycles on whichever thread happens to allocate past a
threshold. Twice (the fresh-clone CI run of 2026-12-02 and a local run of 2026-12-03) a
test process died with SIGSEGV inside a collection on the GUI thread while a read
worker (``desktop.tasks``) was building a pandas frame: collecting Qt wrappers at an
arbitrary moment while another thread works is not safe with PySide. So automatic
collection is off (``gc.disable``) once a ``TaskManager`` exists, and the GUI thread
collects when every task manager is idle: the youngest generation when the last task's
callback has run (``TaskManager.idle``) and on a timer, the whole heap at most every
``FULL_EVERY_S``. A collection is made after ``MAX_DEFER_S`` even when tasks keep
running, so memory held in cycles stays bounded. When the last manager shuts down,
automatic collection resumes (``forget``).

GUI thread only. ``gc.freeze`` (``desktop.app.freeze_startup_objects``) still keeps the
startup objects out of the full collections.
"""

from __future__ import annotations

import gc
import time
import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

if TYPE_CHECKING:
    from desktop.tasks import TaskManager

TICK_MS = 1_000
"""How often the timer looks for a quiet moment."""
FULL_EVERY_S = 10.0
"""A full collection at most this often (the youngest generation otherwise)."""
MAX_DEFER_S = 30.0
"""Collect anyway when no quiet moment came for this long."""

_managers: weakref.WeakSet[TaskManager] = weakref.WeakSet()
_timer: QTimer | None = None
_last = {"any": time.monotonic(), "full": time.monotonic()}


def watch(tasks: TaskManager) -> None:
    """Collect cycles only while ``tasks`` (and every other manager) is idle."""
    global _timer
    gc.disable()
    _managers.add(tasks)
    tasks.idle.connect(collect_if_quiet)
    if _timer is None:
        _timer = QTimer()
        _timer.setInterval(TICK_MS)
        _timer.timeout.connect(collect_if_quiet)
        _timer.start()


def forget(tasks: TaskManager) -> None:
    """``tasks`` is shut down: when no manager is left, automatic collection resumes
    (in the app this is at exit; a test's context closes its own)."""
    _managers.discard(tasks)
    if not any(not m.is_closed for m in list(_managers)):
        gc.enable()


def quiet() -> bool:
    """No task manager has a task running or a callback pending."""
    return all(m.is_idle for m in list(_managers) if not m.is_closed)


def collect_if_quiet() -> int:
    """Collect now if every manager is idle (or collection was deferred too long); the
    objects collected."""
    now = time.monotonic()
    if not quiet() and now - _last["any"] < MAX_DEFER_S:
        return 0
    _last["any"] = now
    if now - _last["full"] >= FULL_EVERY_S:
        _last["full"] = now
        return gc.collect()
    return gc.collect(0)
