"""ProgressState: latest-wins progress and cooperative cancellation (no Qt)."""

from __future__ import annotations

import threading

import pytest

from core.errors import OperationCancelledError
from core.progress import ProgressState, ProgressStep


def test_starts_empty_and_keeps_only_the_latest_step() -> None:
    progress = ProgressState()
    assert progress.latest() == ProgressStep("", 0, None)
    progress.report("prices", 1, 10)
    progress.report("prices", 7, 10)
    assert progress.latest() == ProgressStep("prices", 7, 10)
    assert progress.latest().fraction == pytest.approx(0.7)


def test_unknown_total_has_no_fraction() -> None:
    progress = ProgressState()
    progress.report("reading", 3)
    assert progress.latest().fraction is None
    assert ProgressStep("x", 0, 0).fraction is None


def test_report_raises_after_cancel_but_records_the_step() -> None:
    progress = ProgressState()
    progress.cancel()
    assert progress.is_cancelled
    with pytest.raises(OperationCancelledError):
        progress.report("margins", 2, 5)
    assert progress.latest().stage == "margins"
    with pytest.raises(OperationCancelledError):
        progress.check_cancelled()


def test_cancel_is_idempotent() -> None:
    progress = ProgressState()
    progress.cancel()
    progress.cancel()
    assert progress.is_cancelled


@pytest.mark.parametrize(("done", "total"), [(-1, None), (5, 4), (0, -1)])
def test_bad_steps_are_caller_bugs(done: int, total: int | None) -> None:
    with pytest.raises(ValueError, match="bad progress step"):
        ProgressState().report("x", done, total)


def test_worker_thread_stops_when_another_thread_cancels() -> None:
    progress = ProgressState()
    started = threading.Event()
    outcome: list[str] = []

    def work() -> None:
        started.set()
        try:
            for i in range(10_000_000):
                progress.report("loop", i % 100, 100)
        except OperationCancelledError:
            outcome.append("cancelled")

    worker = threading.Thread(target=work)
    worker.start()
    started.wait(5)
    progress.cancel()
    worker.join(5)
    assert outcome == ["cancelled"]
    assert not worker.is_alive()
