"""core.worker_pool: how many spare processes, and a broken pool replaced."""

from __future__ import annotations

import os

import pytest

from core import worker_pool
from core.errors import ConfigError


def test_environment_sets_the_spare_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(worker_pool.ENV, "0")
    assert worker_pool.spare_processes() == 0
    assert worker_pool.pool() is None
    worker_pool.warm()  # nothing to start, no error
    monkeypatch.setenv(worker_pool.ENV, "2")
    assert worker_pool.spare_processes() == 2
    for bad in ("two", "-1", "1.5"):
        monkeypatch.setenv(worker_pool.ENV, bad)
        with pytest.raises(ConfigError, match=worker_pool.ENV):
            worker_pool.spare_processes()


def test_default_leaves_one_core_to_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(worker_pool.ENV, raising=False)
    cores = len(os.sched_getaffinity(0))
    assert worker_pool.spare_processes() == max(0, min(cores - 1, worker_pool.MAX_SPARE))


def test_a_discarded_pool_is_replaced_by_a_working_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(worker_pool.ENV, "1")
    first = worker_pool.pool()
    assert first is not None
    assert worker_pool.pool() is first  # one pool per process
    worker_pool.discard(first)
    second = worker_pool.pool()
    assert second is not None
    assert second is not first
    # a real spare process: another pid than ours
    assert second.submit(os.getpid).result(timeout=60) != os.getpid()
