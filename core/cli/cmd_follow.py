"""``riskdesk follow``: a headless desk following the book's shared feed (issue #14).

Starts from the book's newest engine snapshot (``--no-snapshot``: from the first
event), applies the log as the feed publishes it and mirrors the book's alerts, exactly
as the monitor's "shared feed" source does. It stops when its cursor reaches
``--until-seq`` (or the number written into ``--until-file``, checked as it goes) or
after ``--duration`` seconds, and prints one line: the cursor, a digest of every
figure in fen (two desks agree to the fen exactly when their digests agree), the
book's alerts and acknowledgements it sees. A server that goes away is waited for: the
desk says "disconnected" and goes on from its cursor when the server is back.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "follow",
        help="a headless desk following the book's shared feed (docs/server.md)",
        description="Follow the book's shared feed like a desk and print its figures' digest.",
    )
    p.add_argument("--until-seq", type=int, default=None, metavar="SEQ")
    p.add_argument(
        "--until-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="stop at the seq written into FILE (once it exists)",
    )
    p.add_argument("--duration", type=float, default=None, metavar="SECONDS")
    p.add_argument(
        "--no-snapshot",
        action="store_true",
        help="replay the day from its first event instead of the newest snapshot",
    )
    p.set_defaults(func=run_follow)


def _target(args: argparse.Namespace) -> int | None:
    if args.until_seq is not None:
        return int(args.until_seq)
    path: Path | None = args.until_file
    if path is not None and path.exists():
        text = path.read_text(encoding="utf-8").strip()
        if text:
            return int(text)
    return None


def run_follow(args: argparse.Namespace) -> int:
    from core.cli.support import open_cli_database
    from core.live.feed import SystemClock
    from core.services.book_desk import BookDesk, is_lost

    db = open_cli_database(args)
    clock = SystemClock()
    began = time.monotonic()
    desk = BookDesk(db, clock, from_snapshot=not args.no_snapshot)
    print(
        f"following {db.masked_url} day {desk.start.day} from seq {desk.cursor}"
        + (" (snapshot)" if desk.start.snapshot_seq is not None else ""),
        flush=True,
    )
    down = False
    try:
        while True:
            target = _target(args)
            if target is not None and desk.cursor >= target:
                break
            if args.duration is not None and time.monotonic() - began >= args.duration:
                break
            try:
                got = desk.step(0.5)
                if got >= 0:
                    desk.refresh_alerts()
            except Exception as exc:
                if not is_lost(exc):
                    raise
                got = -1
            if got < 0 and not down:
                print(f"disconnected at seq {desk.cursor}; waiting for the server", flush=True)
            elif got >= 0 and down:
                print(f"reconnected at seq {desk.cursor}", flush=True)
            down = got < 0
            if down:
                time.sleep(1.0)
        desk.refresh_alerts()
        print(
            f"desk seq={desk.cursor} figures={desk.digest()} alerts={len(desk.alerts)} "
            f"acknowledged={len(desk.acks)} disconnects={desk.disconnects}",
            flush=True,
        )
    except KeyboardInterrupt:
        pass
    finally:
        desk.close()
        db.engine.dispose()
    return 0
