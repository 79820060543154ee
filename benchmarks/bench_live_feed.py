"""The shared live feed (issue #14): events/s written by the feed, the follow latency of
three desks, and a late desk's catch-up, on SQLite and on a local PostgreSQL server.

Targets (issue #14, 2 cores): feed → event table → three following desks ≥ 5,000
events/s sustained; p99 latency from the feed's commit to a desk's applied snapshot ≤
250 ms; a desk joining late catches up in ≤ 3 s.

For each backend: the small demo book (500 clients; ``--scale``) is built; a feed
publishes the simulated market as fast as it can (a fake clock jumps one second of
market per poll, ``--rate`` events a second of market) for ``--seconds`` while three
desk processes (``core.services.book_desk.BookDesk``, one process each) follow it. The
feed runs twice: the log only, then with the book's alert raiser and snapshots (what
``riskdesk feed`` does). Latency: for every batch end, the wall time from the feed's
commit to the moment a desk's engine had applied it (same machine, one clock).

    .venv/bin/python benchmarks/bench_live_feed.py [--seconds 15] [--backend sqlite|postgresql|both]

PostgreSQL: a throwaway server is started with the test suite's helper (initdb, pg_ctl
on loopback), or give ``--pg-url postgresql+psycopg://USER:PW@HOST/postgres``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.db.engine import Database, open_database
from core.live.feed import FakeClock, FeedEvent, FeedSource

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


class _Fast:
    """The simulated market, one second of market a poll (as fast as it is drained); or
    paced: as much market as wall time passed, polled every ``step`` seconds at most."""

    def __init__(self, source: FeedSource, clock: FakeClock, step: float | None = None) -> None:
        self.source, self.clock, self.step = source, clock, step
        self._next = time.perf_counter()

    @property
    def is_exhausted(self) -> bool:
        return False

    def stats(self):  # type: ignore[no-untyped-def]
        return self.source.stats()

    def poll(self, timeout: float, max_items: int) -> list[FeedEvent]:
        if self.step is None:
            self.clock.advance(1.0)
        else:  # the market moves with the wall clock: a slow batch makes the next larger
            time.sleep(max(self._next + self.step - time.perf_counter(), 0.0))
            now = time.perf_counter()
            self.clock.advance(now - self._next)
            self._next = now
        return self.source.poll(0.0, max_items)


def _desk(url: str, until: mp.Event, out: mp.Queue) -> None:  # type: ignore[type-arg]
    """A desk process: follow the log, record (cursor, wall time) after each apply."""
    from core.services.book_desk import BookDesk

    db = open_database(url)
    desk = BookDesk(db, FakeClock(START), from_snapshot=False)
    out.put(("ready", os.getpid()))
    seen: list[tuple[int, float]] = []
    while not until.is_set():
        if desk.step(0.2, 20_000) > 0:
            seen.append((desk.cursor, time.time()))
    while desk.step(0.0, 20_000) > 0:  # what is left
        seen.append((desk.cursor, time.time()))
    out.put(("done", seen, desk.digest()))
    desk.close()
    db.engine.dispose()


def _run(
    url: str, seconds: float, rate: float, *, raiser: bool, paced: bool = False
) -> dict[str, object]:
    from core.services.book_alerts import BookRaiser
    from core.services.live_feed import publish
    from core.services.monitor import MonitorRequest, SourceChoice, start_monitor

    db = open_database(url)
    clock = FakeClock(START)
    with db.reader() as reader:
        start = start_monitor(
            reader,
            MonitorRequest(clock, clock, SourceChoice(speed=rate / 200.0)),
        )
    assert start is not None
    ctx = mp.get_context("spawn")
    until, out = ctx.Event(), ctx.Queue()
    desks = [ctx.Process(target=_desk, args=(url, until, out)) for _ in range(3)]
    for p in desks:
        p.start()
    for _ in desks:
        out.get(timeout=120)
    commits: dict[int, float] = {}
    stop = threading.Event()
    began = time.perf_counter()

    def batch(_n: int, last: int) -> None:
        commits[last] = time.time()
        if time.perf_counter() - began >= seconds:
            stop.set()

    after = None
    if raiser:
        assert start.alerts is not None
        after = BookRaiser(
            db, start.day, start.engine, start.alerts, start.first_alerts, snapshot_every=10_000
        ).catch_up
    done = publish(
        db,
        start.day,
        _Fast(start.source, clock, 0.1 if paced else None),
        max_batch=5_000,
        stop=stop,
        on_batch=batch,
        after_batch=after,
    )
    wall = time.perf_counter() - began
    until.set()
    results = [out.get(timeout=300) for _ in desks]
    for p in desks:
        p.join(timeout=60)
    latencies: list[float] = []
    digests = set()
    for _tag, seen, digest in results:
        digests.add(digest)
        applied = iter(seen)
        current = next(applied, None)
        for end in sorted(commits):
            while current is not None and current[0] < end:
                current = next(applied, None)
            if current is not None:
                latencies.append(max(current[1] - commits[end], 0.0))
    latencies.sort()
    db.engine.dispose()
    return {
        "events": done.events,
        "batches": done.batches,
        "wall": wall,
        "rate": done.events / wall,
        "p50": latencies[len(latencies) // 2] if latencies else float("nan"),
        "p99": latencies[int(len(latencies) * 0.99)] if latencies else float("nan"),
        "max": latencies[-1] if latencies else float("nan"),
        "desks_agree": len(digests) == 1,
        "last_seq": done.last_seq,
    }


def _late(url: str) -> tuple[float, float, int, bool]:
    """Seconds for a late desk to catch up from the newest snapshot and from seq 0."""
    from core.services.book_desk import BookDesk

    db = open_database(url)
    with db.engine.connect() as conn:
        from sqlalchemy import func, select

        from core.db.live_event_table import LiveEvent

        last = int(conn.execute(select(func.max(LiveEvent.seq))).scalar_one())
    times = []
    digests = []
    for snapshot in (True, False):
        t0 = time.perf_counter()
        desk = BookDesk(db, FakeClock(START), from_snapshot=snapshot)
        while desk.cursor < last:
            desk.step(0.0, 50_000)
        times.append(time.perf_counter() - t0)
        digests.append(desk.digest())
        desk.close()
    db.engine.dispose()
    return times[0], times[1], last, digests[0] == digests[1]


def _ack_latency(url: str, samples: int = 20) -> list[float]:
    """PostgreSQL: seconds from an acknowledgement at desk A (the write door's commit)
    to desk B having read it after its doorbell rang, one alert at a time."""
    from core.db.doorbell import Doorbell
    from core.services.book_desk import BookDesk

    db_a, db_b = open_database(url), open_database(url)
    a, b = BookDesk(db_a, FakeClock(START)), BookDesk(db_b, FakeClock(START))
    bell = Doorbell(db_b.url)
    took = []
    try:
        for alert_id in sorted(a.alerts)[:samples]:
            t0 = time.perf_counter()
            a.acknowledge([alert_id], user="bench_a")
            while alert_id not in b.acks:
                if any(r.changes.alerts for r in bell.wait(1.0)):
                    b.refresh_alerts()
            took.append(time.perf_counter() - t0)
    finally:
        bell.close()
        a.close()
        b.close()
        db_a.engine.dispose()
        db_b.engine.dispose()
    return sorted(took)


def _book(url: str, scale: str) -> None:
    from core.services.demo import create_demo_data

    db: Database = open_database(url)
    try:
        create_demo_data(db, scale=scale, user="bench")
    finally:
        db.engine.dispose()


def _backend(
    name: str, url: str, clone: Callable[[str, int], str], args: argparse.Namespace
) -> None:
    """Both runs on copies of one demo book (each starts with an empty log)."""
    print(f"\n== {name}: building the {args.scale} demo book", flush=True)
    _book(url, args.scale)
    runs = (
        (False, False, args.rate, "log only, flat out"),
        (True, False, args.rate, "log+alerts+snapshots, flat out"),
        (True, True, args.paced, f"log+alerts+snapshots {args.paced:,.0f}/s"),
    )
    for i, (raiser, paced, rate, what) in enumerate(runs):
        copy = clone(url, i)
        r = _run(copy, args.seconds, rate, raiser=raiser, paced=paced)
        print(
            f"{name:<10} {what:<32} {r['events']:>9,} events in {r['wall']:5.1f} s = "
            f"{r['rate']:8,.0f} events/s ({r['batches']} batches); follow latency of 3 desks "
            f"p50 {1000 * float(r['p50']):6.1f} ms, p99 {1000 * float(r['p99']):6.1f} ms, "
            f"max {1000 * float(r['max']):6.1f} ms; desks agree: {r['desks_agree']}",
            flush=True,
        )
    snap_s, full_s, last, agree = _late(copy)
    print(
        f"{name:<10} late desk over {last:,} events: from the newest snapshot {snap_s:5.2f} s, "
        f"replaying from seq 0 {full_s:5.2f} s; same figures: {agree}",
        flush=True,
    )
    if name == "postgresql":
        took = _ack_latency(copy)
        print(
            f"{name:<10} acknowledgement at desk A read by desk B after the doorbell "
            f"({len(took)} alerts): median {1000 * took[len(took) // 2]:.1f} ms, "
            f"max {1000 * took[-1]:.1f} ms",
            flush=True,
        )


def _late_large(path: Path, events: int, work: Path) -> None:
    """A copy of a large book: ``events`` events published with the raiser (snapshots
    every 50,000), then a late desk from the newest snapshot and one from seq 0."""
    from core.services.book_alerts import BookRaiser
    from core.services.live_feed import publish
    from core.services.monitor import MonitorRequest, SourceChoice, start_monitor

    copy = work / "large.sqlite"
    shutil.copyfile(path, copy)
    url = f"sqlite:///{copy}"
    db = open_database(url)
    clock = FakeClock(START)
    t0 = time.perf_counter()
    with db.reader() as reader:
        start = start_monitor(reader, MonitorRequest(clock, clock, SourceChoice(speed=100.0)))
    assert start is not None
    assert start.alerts is not None
    print(f"large: engine started in {time.perf_counter() - t0:.1f} s", flush=True)
    raiser = BookRaiser(db, start.day, start.engine, start.alerts, start.first_alerts)
    stop = threading.Event()

    def batch(_n: int, last: int) -> None:
        if last >= events:
            stop.set()

    t0 = time.perf_counter()
    done = publish(
        db,
        start.day,
        _Fast(start.source, clock),
        max_batch=5_000,
        stop=stop,
        on_batch=batch,
        after_batch=raiser.catch_up,
    )
    wall = time.perf_counter() - t0
    print(
        f"large: published {done.events:,} events with the raiser in {wall:.1f} s "
        f"({done.events / wall:,.0f} events/s), {raiser.raised:,} alerts",
        flush=True,
    )
    db.engine.dispose()
    snap_s, full_s, last, agree = _late(url)
    print(
        f"large: late desk over {last:,} events: from the newest snapshot {snap_s:.2f} s, "
        f"replaying from seq 0 {full_s:.2f} s; same figures: {agree}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--rate", type=float, default=20_000.0, help="events a market second")
    parser.add_argument(
        "--paced", type=float, default=5_000.0, help="the paced run's events a second"
    )
    parser.add_argument("--scale", default="small")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=None)
    parser.add_argument(
        "--late-large",
        type=Path,
        default=None,
        metavar="BOOK.sqlite",
        help="only: a late desk on a copy of this (large) book after --late-events",
    )
    parser.add_argument("--late-events", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}; {os.cpu_count()} CPUs", flush=True)
    work = Path(tempfile.mkdtemp(prefix="bench-live-feed-"))
    try:
        if args.late_large is not None:
            _late_large(args.late_large, args.late_events, work)
            return 0
        if args.backend in ("sqlite", "both"):

            def copy_file(url: str, i: int) -> str:
                target = work / f"copy{i}.sqlite"
                shutil.copyfile(url.removeprefix("sqlite:///"), target)
                return f"sqlite:///{target}"

            _backend("sqlite", f"sqlite:///{work / 'book.sqlite'}", copy_file, args)
        if args.backend in ("postgresql", "both"):
            _postgres(args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average after: {os.getloadavg()}", flush=True)
    return 0


def _postgres(args: argparse.Namespace) -> None:
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.pool import NullPool

    stop = None
    if args.pg_url is None:
        from tests.conftest import _start_server, find_pg_bindir

        bindir = find_pg_bindir()
        if bindir is None:
            print("postgresql: no server binaries found (scripts/setup); skipped")
            return
        server, runner = _start_server(bindir)
        admin_url = server.url()

        def stop() -> None:
            runner.run("pg_ctl", "stop", "-D", str(server.folder / "data"), "-m", "fast", "-w")
            shutil.rmtree(server.folder, ignore_errors=True)
    else:
        admin_url = args.pg_url
    name = f"bench_feed_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

        def copy_db(url: str, i: int) -> str:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}_{i}" TEMPLATE "{name}"'))
            return make_url(url).set(database=f"{name}_{i}").render_as_string(hide_password=False)

        _backend("postgresql", url, copy_db, args)
        with admin.connect() as conn:
            for db_name in (name, f"{name}_0", f"{name}_1", f"{name}_2"):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
    finally:
        admin.dispose()
        if stop is not None:
            stop()


if __name__ == "__main__":
    sys.exit(main())
