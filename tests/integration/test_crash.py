"""kill -9 during a settlement or an import: the database is exactly before or after.

Each iteration copies a prepared database, starts the real ``riskdesk settle`` (or
``import``) in its own process and kills it with SIGKILL at a random moment — two in
three inside the write transaction (after the writer lock is taken: the moment the
SQLite holder file or the PostgreSQL ``application_name`` appears), the others at any
moment from the process's start. The killed database's table checksums must equal
those of the untouched copy ("before") or those of a run left to finish ("after"), and
an SQLite file must pass its integrity check. "After" comes from a copy killed the
moment it took the lock and then run again to the end, so a kill is also shown to leave
no lock, holder file or half-written row in the way.

``RISKDESK_CRASH_ITERATIONS`` (default 2, plus the kill at the lock) sets the random
kills per operation and back end; ``RISKDESK_CRASH_SEED`` replays a run (the seed and
the outcomes are printed with ``-s``).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.integration.processes import (
    DAY,
    Copies,
    audit_chain_holds,
    checksums,
    engine_of,
    fund_movements_file,
    sqlite_path,
    start_cli,
    writer_started,
)

ITERATIONS = int(os.environ.get("RISKDESK_CRASH_ITERATIONS", "2"))
SEED = int(os.environ.get("RISKDESK_CRASH_SEED") or random.SystemRandom().randrange(2**32))
POLL_S = 0.002
GIVE_UP_S = 120.0  # a hung process fails the test instead of hanging the suite


def _bump_a_settlement_price(url: str) -> None:
    """Move one unlocked contract's price on DAY by a tick, so that settling DAY again
    changes positions and balances (the demo has DAY settled already)."""
    with engine_of(url) as engine, engine.begin() as conn:
        contract, tick = conn.execute(
            text(
                "SELECT p.contract_code, c.tick_fen FROM position p "
                "JOIN contract c ON c.code = p.contract_code "
                "JOIN settlement_price s ON s.contract_code = p.contract_code "
                "AND s.trading_day = p.trading_day "
                "WHERE p.trading_day = :day AND s.limit_lock = 'none' "
                "GROUP BY p.contract_code, c.tick_fen ORDER BY count(*) DESC, p.contract_code "
                "LIMIT 1"
            ),
            {"day": DAY},
        ).one()
        conn.execute(
            text(
                "UPDATE settlement_price SET settlement_fen = settlement_fen + :tick "
                "WHERE trading_day = :day AND contract_code = :code"
            ),
            {"tick": tick, "day": DAY, "code": contract},
        )


@pytest.fixture(scope="module")
def deposits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fund_movements_file(tmp_path_factory.mktemp("crash") / "deposits.csv", 2000)


def _run_to_the_end(url: str, argv: list[str], log_dir: Path) -> tuple[float, float]:
    """Run the command on ``url`` to completion: (seconds its writer held the lock,
    seconds from the process's start to its end)."""
    admin = _admin(url)
    try:
        started = time.monotonic()
        proc = start_cli(url, *argv, log_dir=log_dir)
        began = _wait_for_writer(proc, url, admin)
        _out, err = proc.communicate(timeout=GIVE_UP_S)
        ended = time.monotonic()
        assert proc.returncode == 0, err
        return ended - (began if began is not None else ended), ended - started
    finally:
        if admin is not None:
            admin.dispose()


def _admin(url: str) -> object:
    if url.startswith("sqlite"):
        return None
    return create_engine(url, poolclass=NullPool)


def _wait_for_writer(proc: subprocess.Popen[str], url: str, admin: object) -> float | None:
    """When the process took the writer lock (monotonic), or None if it ended first."""
    deadline = time.monotonic() + GIVE_UP_S
    while proc.poll() is None:
        if writer_started(url, admin):  # type: ignore[arg-type]
            return time.monotonic()
        assert time.monotonic() < deadline, "the command neither wrote nor ended"
        time.sleep(POLL_S)
    return None


def _kill(url: str, argv: list[str], delay: float | None, log_dir: Path) -> None:
    """Start the command and SIGKILL it ``delay`` seconds after it took the writer lock,
    or (``delay`` None) at a random moment of its whole run, drawn by the caller."""
    admin = _admin(url)
    try:
        proc = start_cli(url, *argv, log_dir=log_dir)
        if isinstance(delay, float) and delay >= 0:
            if _wait_for_writer(proc, url, admin) is not None:
                time.sleep(delay)
        else:
            time.sleep(-delay if delay is not None else 0.0)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=GIVE_UP_S)
    finally:
        if admin is not None:
            admin.dispose()


def _sqlite_is_sound(url: str) -> None:
    if not url.startswith("sqlite"):
        return
    with engine_of(url) as engine, engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
    assert sqlite_path(url).exists()


@pytest.mark.parametrize("operation", ["settle", "import"])
def test_kill_9_leaves_the_database_before_or_after(
    copies: Copies, operation: str, deposits: Path, tmp_path: Path
) -> None:
    rng = random.Random(f"{SEED}-{copies.name}-{operation}")
    prepared = copies.copy()
    if operation == "settle":
        argv = ["settle", "--date", DAY]
        _bump_a_settlement_price(prepared)
    else:
        argv = ["import", "fund-movements", str(deposits)]
    # Natural checksums (no surrogate ids): PostgreSQL's sequences move even in a
    # transaction that is rolled back, so a run after a kill numbers its rows on.
    before = checksums(prepared, natural=True)
    # The first kill comes the moment the writer holds the lock; the same copy then
    # runs to the end: nothing half done is left in the way, and that end is "after".
    first = copies.copy(prepared)
    _kill(first, argv, 0.0, tmp_path)
    assert checksums(first, natural=True) == before
    _sqlite_is_sound(first)
    window_s, run_s = _run_to_the_end(first, argv, tmp_path)
    after = checksums(first, natural=True)
    copies.drop(first)
    assert after != before  # else the test could not tell them apart
    outcomes: Counter[str] = Counter()
    for i in range(ITERATIONS):
        killed = copies.copy(prepared)
        # Two kills in three inside the transaction (or just after its commit), the
        # third at any moment of the run (start-up, opening, reading, exit); a negative
        # delay counts from the process's start.
        inside = i % 3 != 2
        delay = rng.uniform(0, 1.2 * window_s) if inside else -rng.uniform(0, run_s)
        _kill(killed, argv, delay, tmp_path)
        state = checksums(killed, natural=True)
        changed = sorted(t for t in before if state[t] != before[t] and state[t] != after[t])
        assert state in (before, after), f"kill {i} (delay {delay:.3f} s): partial write {changed}"
        outcomes["after" if state == after else "before"] += 1
        assert audit_chain_holds(killed), f"kill {i}: audit chain broken"
        _sqlite_is_sound(killed)
        copies.drop(killed)
    seen = f"{copies.name} {operation}: {dict(outcomes)} of {ITERATIONS} kills, seed {SEED}"
    print(seen)  # noqa: T201 (shown with -s)
