"""desktop.collector: cycles are collected on the GUI thread while no task runs."""

from __future__ import annotations

import gc
import threading
from typing import Any

from desktop import collector
from desktop.tasks import TaskManager


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def _cycles() -> int:
    return sum(1 for o in gc.get_objects() if type(o) is _Cycle)


def test_no_collection_while_a_task_runs_then_one_when_idle(qtbot: Any) -> None:
    tasks = TaskManager()
    try:
        assert not gc.isenabled()  # a manager exists: the collector decides
        release = threading.Event()
        done: list[bool] = []
        tasks.submit(release.wait, lambda _f: done.append(True))
        _Cycle()  # unreachable at once, kept by its cycle
        assert _cycles() == 1
        assert collector.collect_if_quiet() == 0  # busy: nothing collected
        assert _cycles() == 1
        with qtbot.waitSignal(tasks.idle, timeout=5_000):
            release.set()
        assert done == [True]
        assert _cycles() == 0  # collected when the task manager went idle
    finally:
        tasks.shutdown()
    assert gc.isenabled()  # the last manager closed: automatic collection again
