"""Bulk I/O: a trades import of up to 1,000,000 rows and the forced-liquidation order
list exported to XLSX and CSV (issue #17).

    .venv/bin/python benchmarks/bench_bulk_io.py [--db /work/bench/large_new.sqlite]
        [--sizes 10000,100000,1000000] [--before DIR] [--profile] [--skip-import]
        [--skip-export]

Imports: a deterministic trades CSV of each size (trading day 2026-11-20 of the large
demo: its clients and contracts, prices on the tick within the day's limits, times in
the day session, fees of 1.50 a lot) is imported with ``riskdesk import trades`` into
a fresh copy of the database (the large demo is only read), in a child process, so
that the time is the command's wall time (interpreter start included) and the peak
RSS is that process's own (``wait4``). ``--before DIR`` also runs the code in DIR (a
``git archive`` of the base commit, say) on the same files, for before/after figures.
``--profile`` runs the largest import once more in this process under cProfile and
prints where the time goes.

Exports: the liquidation screen's order list (the large demo, member below zero with
an assumed reserve of -5,000,000.00 and a deposit of 1,500,000.00: about 950,000
lines; and the first 10,000 and 100,000 of them) written by
``core.services.exports.export_table`` as the screen does (Chinese labels), timed in
this process; then the same XLSX export on a worker thread while this thread runs a
1 ms task every 10 ms, whose lateness is what another screen feels. No asserts.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# BENCH_CODE: run this script's in-process part on another checkout (``--before``).
sys.path.insert(0, os.environ.get("BENCH_CODE", str(ROOT)))

DAY = "2026-11-20"
LARGE = Path("/work/bench/large_new.sqlite")
MILLION = 1_000_000


# ----------------------------------------------------------------------- the file
def trades_csv(path: Path, n: int, db_path: Path, seed: int = 17) -> None:
    """``n`` plausible trades of ``DAY`` (new trade numbers) as a CSV file."""
    import sqlite3

    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    clients = [r[0] for r in con.execute("select code from client order by code")]
    contracts = con.execute(
        "select c.code, c.tick_fen, s.lower_limit_fen, s.upper_limit_fen from contract c "
        "join settlement_price s on s.contract_code = c.code and s.trading_day = ? "
        "order by c.code",
        (DAY,),
    ).fetchall()
    con.close()
    rng = np.random.default_rng(seed)
    k = rng.integers(0, len(contracts), n)
    tick = np.array([c[1] for c in contracts], dtype=np.int64)[k]
    low = np.array([c[2] for c in contracts], dtype=np.int64)[k]
    high = np.array([c[3] for c in contracts], dtype=np.int64)[k]
    steps = (high - low) // tick
    fen = low + tick * (rng.integers(0, 1 << 30, n) % (steps + 1))
    whole, cents = np.divmod(fen, 100)
    price = np.where(
        cents == 0,
        whole.astype(str),
        np.char.add(np.char.add(whole.astype(str), "."), np.char.mod("%02d", cents)),
    )
    price = np.char.rstrip(np.char.rstrip(price.astype(str), "0"), ".")
    price = np.where(cents == 0, whole.astype(str), price)
    lots = rng.integers(1, 50, n)
    seconds = rng.integers(9 * 3600, 15 * 3600, n)
    times = [f"{DAY} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in seconds.tolist()]
    fee = lots * 150
    frame_cols = {
        "trading_day": [DAY] * n,
        "trade_no": [f"B{i:08d}" for i in range(n)],
        "traded_at": times,
        "client": np.array(clients, dtype=object)[rng.integers(0, len(clients), n)],
        "contract": np.array([c[0] for c in contracts], dtype=object)[k],
        "side": np.where(rng.random(n) < 0.5, "long", "short"),
        "action": np.where(rng.random(n) < 0.6, "open", "close"),
        "hedge": np.where(rng.random(n) < 0.05, "1", "0"),
        "lots": lots,
        "price": price,
        "fee": [f"{f // 100}.{f % 100:02d}" for f in fee.tolist()],
    }
    import pandas as pd

    pd.DataFrame(frame_cols).to_csv(path, index=False)


# ----------------------------------------------------------------------- imports
def _run_child(code: Path, args: list[str]) -> tuple[float, float, float, str]:
    """Run ``riskdesk ARGS`` with the code of ``code``; (wall s, CPU s, peak RSS MB,
    last output line). CPU is user + system time of the process: on a loaded machine
    the wall time is mostly waiting for a core."""
    env = {**os.environ, "PYTHONPATH": str(code), "RISKDESK_LOG_DIR": tempfile.gettempdir()}
    cmd = [sys.executable, "-c", "import sys; from desktop.cli import main; sys.exit(main())"]
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*cmd, *args], cwd=code, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, out.strip().splitlines()[-1] if out.strip() else ""


def bench_imports(args: argparse.Namespace, work: Path) -> None:
    sizes = [int(s) for s in args.sizes.split(",") if s]
    codes = [("after", ROOT)]
    if args.before:
        codes.insert(0, ("before", Path(args.before)))
    print(f"trades import, {DAY}, into a copy of {args.db} (wall time of `riskdesk import`):")
    for n in sizes:
        csv = work / f"trades_{n}.csv"
        if not csv.exists():
            trades_csv(csv, n, args.db)
        for label, code in codes:
            db_copy = work / "import.sqlite"
            shutil.copyfile(args.db, db_copy)
            wall, cpu, rss, last = _run_child(
                code, ["--db", f"sqlite:///{db_copy}", "import", "trades", str(csv)]
            )
            print(
                f"  {label:>6} {n:>9,} rows: wall {wall:6.2f} s  CPU {cpu:6.2f} s  "
                f"peak RSS {rss:6,.0f} MB  | {last[-60:]}",
                flush=True,
            )
    if args.profile:
        _profile_import(args, work, max(sizes))


def _profile_import(args: argparse.Namespace, work: Path, n: int) -> None:
    from core.db.engine import open_database
    from core.services.imports import import_file

    db_copy = work / "import.sqlite"
    shutil.copyfile(args.db, db_copy)
    db = open_database(f"sqlite:///{db_copy}")
    stages: list[tuple[str, float]] = []
    last = [time.perf_counter(), ""]

    def progress(stage: str, done: int, total: int | None) -> None:
        if stage != last[1]:
            now = time.perf_counter()
            if last[1]:
                stages.append((str(last[1]), now - float(last[0])))
            last[:] = [now, stage]

    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    import_file(db, "trades", work / f"trades_{n}.csv", user="bench", progress=progress)
    prof.disable()
    total = time.perf_counter() - start
    stages.append((str(last[1]), time.perf_counter() - float(last[0])))
    print(f"\nprofile of the {n:,}-row import in this process ({total:.2f} s under cProfile):")
    print(
        "  stages (first progress call of each): " + ", ".join(f"{s} {t:.2f} s" for s, t in stages)
    )
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(14)
    print("\n".join("  " + line for line in buf.getvalue().splitlines() if line.strip())[-3000:])
    db.engine.dispose()


# ----------------------------------------------------------------------- exports
def _order_list(db_path: Path) -> object:
    from core.db.engine import open_database
    from core.services.liquidation import LiquidationRequest, liquidation_view
    from desktop.screens.workbench_data import liquidation_order_list

    db = open_database(f"sqlite:///{db_path}", create=False)
    with db.reader() as reader:
        request = LiquidationRequest(reserve_fen=-500_000_000, deposit_fen=150_000_000)
        view = liquidation_view(reader, request)
    db.engine.dispose()
    return liquidation_order_list(view)


def _all_lines(db_path: Path) -> object:
    """Every position line of the last day as an order list (client, contract, side to
    close, lots): the shape of the liquidation list at its largest."""
    import sqlite3

    import pandas as pd

    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    frame = pd.read_sql_query(
        "select client_code, contract_code, side, lots from position "
        "where trading_day = (select max(trading_day) from position) and lots > 0",
        con,
    )
    con.close()
    frame["side_to_close"] = frame.pop("side").map({"long": "卖出平仓", "short": "买入平仓"})
    return frame[["client_code", "contract_code", "side_to_close", "lots"]]


def bench_exports(args: argparse.Namespace, work: Path) -> None:
    import pandas as pd

    from core.db.engine import open_database
    from core.reports.export import LABELS_ZH
    from core.services.exports import TableExport, export_table

    start = time.perf_counter()
    full = _order_list(args.db)
    assert isinstance(full, pd.DataFrame)
    what = "the liquidation preview's order list"
    if len(full) < 900_000:  # the preview closes fewer lines: every open line instead
        full = _all_lines(args.db)
        what = "every open line of the large demo as an order list"
    read = time.perf_counter() - start
    lines = len(full)
    if lines < MILLION:  # the million lines: the first lines once more
        full = pd.concat([full, full.head(MILLION - lines)], ignore_index=True)
        what += f" ({lines:,} lines) + its first {MILLION - lines:,} lines again"
    print(f"\norder list: {len(full):,} lines: {what} (read and computed in {read:.1f} s)")
    db_copy = work / "export.sqlite"
    shutil.copyfile(args.db, db_copy)
    db = open_database(f"sqlite:///{db_copy}")
    labels = {**LABELS_ZH, "side_to_close": "平仓方向"}
    for n in [len(full)] if args.full_only else [10_000, 100_000, len(full)]:
        frame = full.head(n)
        for suffix in (".csv", ".xlsx"):
            path = work / f"orders_{n}{suffix}"
            start, cpu = time.perf_counter(), time.process_time()
            export_table(
                db, TableExport("liquidation_orders", frame, labels=labels), path, user="bench"
            )
            took, cpu = time.perf_counter() - start, time.process_time() - cpu
            size = path.stat().st_size / 2**20
            target = {".csv": "<= 2 s", ".xlsx": "<= 10 s"}[suffix] if n == len(full) else ""
            print(
                f"  export {suffix[1:]:>4} {n:>9,} lines (write + audit): wall {took:6.2f} s  "
                f"CPU {cpu:6.2f} s  ({size:,.1f} MB; load {os.getloadavg()[0]:.1f})  {target}",
                flush=True,
            )
    if args.full_only:
        db.engine.dispose()
        return
    for suffix in (".csv", ".xlsx"):
        _lateness(db, full, work, labels, suffix)
    if args.before:  # the same export by the code before, in a child process
        env = {**os.environ, "BENCH_CODE": str(args.before), "PYTHONPATH": str(args.before)}
        child = [sys.executable, __file__, "--db", str(args.db), "--work", str(work)]
        print("  before (the code of --before, full list only):", flush=True)
        subprocess.run([*child, "--skip-import", "--full-only"], env=env, check=False)
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        export_table(
            db,
            TableExport("liquidation_orders", full, labels=labels),
            work / "p.xlsx",
            user="bench",
        )
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(10)
        print(f"\nprofile of the {len(full):,}-line XLSX export:")
        print(
            "\n".join("  " + line for line in buf.getvalue().splitlines() if line.strip())[-2500:]
        )
    db.engine.dispose()
    peak = __import__("resource").getrusage(__import__("resource").RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of the export process (order list held): {peak:,.0f} MB")


def _lateness(db: object, frame: object, work: Path, labels: dict[str, str], suffix: str) -> None:
    """A 1 ms task due every 10 ms on this thread while the export runs on a worker
    thread (as the desktop's write worker runs it): how late the task runs is what
    another screen's GUI thread would feel."""
    from core.services.exports import TableExport, export_table

    done = threading.Event()

    def export() -> None:
        export_table(
            db,
            TableExport("liquidation_orders", frame, labels=labels),
            work / f"bg{suffix}",
            user="bench",
        )  # type: ignore[arg-type]
        done.set()

    worker = threading.Thread(target=export)
    late: list[float] = []
    start = time.perf_counter()
    worker.start()
    due = time.perf_counter()
    while not done.is_set():
        due += 0.010
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        late.append(max(0.0, time.perf_counter() - due) * 1000)
        spin = time.perf_counter() + 0.001
        while time.perf_counter() < spin:
            pass
    worker.join()
    took = time.perf_counter() - start
    arr = np.array(late)
    print(
        f"  {suffix[1:]} on a worker thread: {took:.2f} s; a 1 ms task due every 10 ms on "
        f"another thread was late by median {np.median(arr):.1f} ms, p99 "
        f"{np.percentile(arr, 99):.1f} ms, max {arr.max():.1f} ms",
        flush=True,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=LARGE, help="the large demo (only read)")
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--before", help="a checkout of the code to compare with")
    ap.add_argument("--work", type=Path, help="folder for the files (default: temp)")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--skip-export", action="store_true")
    ap.add_argument("--full-only", action="store_true", help="exports: the full list only")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench_bulk_"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; files in {work}")
    if not args.skip_import:
        bench_imports(args, work)
    if not args.skip_export:
        bench_exports(args, work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
