"""desktop.tasks: the collector pause around screen loads."""

from __future__ import annotations

import gc
import threading
from typing import Any

from desktop.tasks import TaskManager, collector_paused, resume_collector, run_query


def test_collector_pause_is_reentrant_and_resumes_only_when_asked() -> None:
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
    resume_collector()
    assert not gc.isenabled()  # the other load still runs: stays paused
    release.set()
    worker.join(5)
    assert not gc.isenabled()  # over, but the collection is for the GUI thread to start
    resume_collector()
    assert gc.isenabled()


def test_collector_pause_keeps_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        resume_collector()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_load_pauses_the_collector_and_its_delivery_resumes_it(qtbot: Any, ctx: Any) -> None:
    seen: list[bool] = []
    run_query(ctx, lambda _session: gc.isenabled(), seen.append)
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    assert seen == [False]  # paused while the load ran on the worker
    qtbot.waitUntil(lambda: ctx.tasks.is_idle, timeout=5_000)
    assert gc.isenabled()  # resumed on the GUI thread when the result was delivered
    assert isinstance(ctx.tasks, TaskManager)
