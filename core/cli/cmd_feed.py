"""``riskdesk feed --source ctp|simulated|replay [--to-book]``: a live market source,
printed or published into the book for every desk (docs/live-monitor.md, docs/server.md).

With ``--to-book`` (implied for ``simulated`` and ``replay``) the events go into the
book's shared event log (``core.services.live_feed.publish``): one feed process, every
desk following it. Without it, ``ctp`` prints the ticks as below.

Connects to the front, logs in (``--broker``, ``--user``; the password from
``$RISKDESK_CTP_PASSWORD``, never the command line), subscribes ``--contracts`` and
prints each contract's last price as it changes; ``--out ticks.csv`` records the ticks
in the replay format (``at,contract,price``) that the live monitor replays. A front
that does not answer within ``--connect-timeout`` is an error (exit 1), never a hang;
a feed that goes quiet for ``--stale-after`` seconds is reported stale. Stops after
``--duration`` seconds, or on Ctrl-C.

"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import threading
from pathlib import Path

from core.cli.support import out_file

ENV_CTP_PASSWORD = "RISKDESK_CTP_PASSWORD"


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not 0 < value <= 86_400:
        raise argparse.ArgumentTypeError(f"expected seconds from 0 to 86400, got {text!r}")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "feed",
        help="follow a live market source (CTP front); see docs/live-monitor.md",
        description="Follow a live market-data source and print or record its ticks.",
    )
    p.add_argument(
        "--source",
        choices=("ctp", "simulated", "replay"),
        required=True,
        help="ctp: any CTP-compatible front (the broker's, SimNow, openctp's); simulated: "
        "the demo market; replay: a ticks.csv (and trades.csv) file",
    )
    p.add_argument(
        "--to-book",
        action="store_true",
        help="publish the events into the book (--db) for every desk to follow "
        "(always for simulated and replay)",
    )
    p.add_argument("--front", metavar="tcp://HOST:PORT", help="ctp: the front")
    p.add_argument("--broker", metavar="ID", help="ctp: BrokerID")
    p.add_argument("--user", default="", metavar="ID", help="CTP UserID (front-dependent)")
    p.add_argument(
        "--contracts",
        metavar="CODES",
        help="ctp: comma-separated contracts to subscribe (m2501,c2501)",
    )
    p.add_argument("--ticks", type=Path, metavar="ticks.csv", help="replay: the ticks file")
    p.add_argument("--trades", type=Path, metavar="trades.csv", help="replay: fills too")
    p.add_argument("--seed", type=int, default=1, help="simulated: the market's seed")
    p.add_argument("--speed", type=float, default=1.0, help="simulated/replay: times real time")
    p.add_argument(
        "--flow-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="the API's flow directory (default: a new temporary one)",
    )
    p.add_argument("--connect-timeout", type=_seconds, default=10.0, metavar="SECONDS")
    p.add_argument("--stale-after", type=_seconds, default=30.0, metavar="SECONDS")
    p.add_argument("--duration", type=_seconds, default=None, metavar="SECONDS", help="stop after")
    p.add_argument("--out", type=out_file, default=None, metavar="ticks.csv")
    p.add_argument(
        "--snapshot-every",
        type=int,
        default=None,
        metavar="EVENTS",
        help="publishing: store an engine snapshot for late desks every EVENTS events "
        "(default 50000)",
    )
    p.add_argument(
        "--batch",
        type=int,
        default=5_000,
        metavar="EVENTS",
        help="publishing: at most this many events a transaction",
    )
    p.set_defaults(func=run_feed)


def run_feed(args: argparse.Namespace) -> int:
    if args.source != "ctp" or args.to_book:
        return run_publish(args)
    missing = [f"--{n}" for n in ("front", "broker", "contracts") if not getattr(args, n)]
    if missing:
        raise SystemExit(f"riskdesk feed --source ctp: {', '.join(missing)} required")
    return _print_ctp(args)


def run_publish(args: argparse.Namespace) -> int:
    """Publish the source into the book until --duration, the end of a replay or Ctrl-C."""
    from core.cli.support import open_cli_database
    from core.errors import InputError
    from core.live.feed import SystemClock
    from core.services.book_alerts import SNAPSHOT_EVERY, BookRaiser
    from core.services.live_feed import publish
    from core.services.monitor import MonitorRequest, SourceChoice, start_monitor

    if args.source == "ctp":
        raise SystemExit("riskdesk feed --source ctp --to-book: not built yet (see docs/server.md)")
    if args.source == "replay" and args.ticks is None:
        raise SystemExit("riskdesk feed --source replay: --ticks FILE required")
    clock = SystemClock()
    db = open_cli_database(args)
    try:
        choice = SourceChoice(
            kind=args.source,
            seed=args.seed,
            speed=args.speed,
            ticks_path=args.ticks,
            trades_path=args.trades,
        )
        with db.reader() as reader:
            start = start_monitor(reader, MonitorRequest(clock, clock, choice))
        if start is None:
            raise InputError("the book has no positions to start a live day from")
        print(f"publishing {args.source} events of {start.day} into {db.masked_url}", flush=True)
        # The book's alerts are raised here, once, by the engine and alert monitor a
        # desk would run (the start's), over what each batch committed.
        assert start.alerts is not None
        raiser = BookRaiser(
            db,
            start.day,
            start.engine,
            start.alerts,
            start.first_alerts,
            snapshot_every=args.snapshot_every or SNAPSHOT_EVERY,
        )

        def said(n: int, last: int) -> None:
            print(f"{n} events, seq {last}", flush=True)

        stop = threading.Event()

        def stopped(_sig: int, _frame: object) -> None:
            # systemd's stop or Ctrl-C: end after the batch in hand (audit feed.stop, exit
            # 0). Raising here instead could interrupt the driver mid-query: a stop during
            # the pool's ping once left the connection unusable and ended in an
            # unexpected error. Asked twice: stop at once.
            if stop.is_set():
                raise KeyboardInterrupt
            stop.set()

        signal.signal(signal.SIGTERM, stopped)
        signal.signal(signal.SIGINT, stopped)
        try:
            done = publish(
                db,
                start.day,
                start.source,
                duration_s=args.duration,
                max_batch=args.batch,
                stop=stop,
                on_batch=said,
                after_batch=raiser.catch_up,
            )
        except KeyboardInterrupt:
            print(f"stopped; {raiser.raised} alerts raised for the book", flush=True)
            return 0
    finally:
        db.engine.dispose()
    print(f"{done.events} events in {done.batches} batches, last seq {done.last_seq}")
    print(f"{raiser.raised} alerts raised for the book", flush=True)
    return 0


def _print_ctp(args: argparse.Namespace) -> int:
    from core.live.ctp import CtpMarketSource
    from core.live.feed import SystemClock
    from core.money import fen_to_str

    clock = SystemClock()
    source = CtpMarketSource(
        args.front,
        broker=args.broker,
        user=args.user,
        password=os.environ.get(ENV_CTP_PASSWORD, ""),
        contracts=[c for c in args.contracts.split(",") if c.strip()],
        clock=clock,
        flow_dir=args.flow_dir,
        stale_after_s=args.stale_after,
    )
    try:
        source.start()
        source.wait_ready(args.connect_timeout)  # FeedConnectError: one line, exit 1
        print(source.status().message, flush=True)
        started = clock.now()
        stale_said = False
        with _recorder(args.out) as record:
            while args.duration is None or (clock.now() - started).total_seconds() < (
                args.duration
            ):
                for tick in source.poll(timeout=0.5, max_items=1000):
                    price = fen_to_str(tick.price_fen)
                    record(tick.at.isoformat(), tick.contract, price)
                    print(f"{tick.at.isoformat()}  {tick.contract:<8} {price}", flush=True)
                status = source.status()
                if status.stale and not stale_said:
                    why = (
                        f"no quote for {args.stale_after:g} s"
                        if status.state == "logged_in"
                        else status.message
                    )
                    print(f"stale: {why}", flush=True)
                stale_said = status.stale
    except KeyboardInterrupt:
        pass
    finally:
        source.close()
    stats = source.stats()
    print(f"{stats.ticks} ticks, {stats.rejected} rejected")
    return 0


class _Recorder:
    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._file = None if path is None else path.open("w", encoding="utf-8", newline="")
        self._writer = None if self._file is None else csv.writer(self._file)
        if self._writer is not None:
            self._writer.writerow(("at", "contract", "price"))

    def __enter__(self) -> _Recorder:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._file is not None:
            self._file.close()

    def __call__(self, at: str, contract: str, price: str) -> None:
        if self._writer is not None:
            self._writer.writerow((at, contract, price))


def _recorder(path: Path | None) -> _Recorder:
    return _Recorder(path)
