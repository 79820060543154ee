"""desktop.tasks: the collector pause around screen loads."""

from __future__ import annotations

import gc
import threading

from desktop.tasks import collector_paused


def test_collector_pause_is_reentrant_across_threads() -> None:
    assert gc.isenabled()
    inside = threading.Event()
    release = threading.Event()

    def other_load() -> None:
        with collector_paused():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=other_load)
    with collector_paused():
        assert not gc.isenabled()
        worker.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other load still runs: stays paused
    release.set()
    worker.join(5)
    assert gc.isenabled()  # the last load out turns it back on


def test_collector_pause_keeps_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
