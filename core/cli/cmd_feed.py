"""``riskdesk feed --source ctp``: follow a CTP front's market data (docs/live-monitor.md).

Connects to the front, logs in (``--broker``, ``--user``; the password from
``$RISKDESK_CTP_PASSWORD``, never the command line), subscribes ``--contracts`` and
prints each contract's last price as it changes; ``--out ticks.csv`` records the ticks
in the replay format (``at,contract,price``) that the live monitor replays. A front
that does not answer within ``--connect-timeout`` is an error (exit 1), never a hang;
a feed that goes quiet for ``--stale-after`` seconds is reported stale. Stops after
``--duration`` seconds, or on Ctrl-C.

The shared event table that desks follow (issue #14 item 4) is not built yet: this
command does not write to the database.
"""

from __future__ import annotations

import argparse
import csv
import os
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
        choices=("ctp",),
        required=True,
        help="ctp: any CTP-compatible front (the broker's, SimNow, openctp's)",
    )
    p.add_argument("--front", required=True, metavar="tcp://HOST:PORT", help="the front")
    p.add_argument("--broker", required=True, metavar="ID", help="CTP BrokerID")
    p.add_argument("--user", default="", metavar="ID", help="CTP UserID (front-dependent)")
    p.add_argument(
        "--contracts",
        required=True,
        metavar="CODES",
        help="comma-separated contracts to subscribe (m2501,c2501)",
    )
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
    p.set_defaults(func=run_feed)


def run_feed(args: argparse.Namespace) -> int:
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
