"""Spare processes for CPU-bound pure work that threads cannot overlap.

Why processes: the forced-close sizing's exact joins are numpy passes over arrays of a
few thousand entries, which hold the GIL nearly all the time. On a worker thread they did
not overlap with the plain-Python searches at all (measured on the large demo: both
together took as long as one after the other, whatever the switch interval); in a spare
process they do.

One pool per process, created on first use with the *spawn* start method (never fork a
process that runs Qt or other threads) and kept for the life of the process, so its start
(about 0.3 s: a fresh interpreter importing numpy and the rule module) is paid once;
``warm()`` starts it early, e.g. when a screen that will need it opens. The environment
variable ``RISKDESK_WORKERS`` sets the number of spare processes (``0``: none, all work
runs in the caller's process); the default is the machine's cores − 1, at most
``MAX_SPARE``. Callers always keep a way to do the work themselves: a pool that breaks (a
worker killed) is dropped (``discard``) and the next call starts a new one.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

from core.errors import ConfigError

ENV = "RISKDESK_WORKERS"
MAX_SPARE = 3
"""Spare processes at most by default: the work sent to them comes in a few chunks."""

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def spare_processes() -> int:
    """Spare processes to use: ``RISKDESK_WORKERS`` if set, else cores − 1 (≤ ``MAX_SPARE``)."""
    raw = os.environ.get(ENV, "").strip()
    if raw:
        try:
            n = int(raw)
        except ValueError:
            n = -1
        if n < 0:
            raise ConfigError(
                f"{ENV}={raw!r}: expected a whole number of spare processes (0 for none)"
            )
        return n
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(0, min((cores or 1) - 1, MAX_SPARE))


def pool() -> ProcessPoolExecutor | None:
    """The process's pool of spare processes (started on first use), or None when the
    machine has one core or ``RISKDESK_WORKERS=0``."""
    global _pool
    n = spare_processes()
    if n == 0:
        return None
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=n, mp_context=multiprocessing.get_context("spawn")
            )
        return _pool


def _ready() -> int:
    return os.getpid()


def warm() -> None:
    """Start the spare processes now (in the background) so the first real job does not
    wait for them."""
    p = pool()
    if p is None:
        return
    try:
        for _ in range(spare_processes()):  # one no-op per process
            p.submit(_ready)
    except RuntimeError:  # broken or shut down: the next call starts another
        discard(p)


def discard(broken: ProcessPoolExecutor) -> None:
    """Drop ``broken`` (a worker died, or it was shut down) so the next ``pool()`` starts
    a new one."""
    global _pool
    with _lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)
