"""Benchmark: 1,000 margin-call notices generated and written as PDF (issue #11).

    .venv/bin/python benchmarks/bench_notices.py [--count 1000] [--keep DIR]

Builds an SQLite database with one member and ``--count`` clients whose settled
available funds are below zero, generates a notice for each (one transaction, one
audit entry) and writes every notice as a PDF into one folder
(``core.services.notices.export_notice_pdfs``), single-threaded. Prints seconds for
each step and per notice. Target: 1,000 notices to PDF ≤ 30 s on 2 cores. No asserts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.db.engine import open_database  # noqa: E402
from core.db.tables import Client, ClientBalance, Member  # noqa: E402
from core.services.notices import (  # noqa: E402
    GenerateRequest,
    export_notice_pdfs,
    generate_notices,
)

DAY = date(2026, 11, 20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="folder to keep the database and PDFs in")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = open_database(f"sqlite:///{folder / 'bench_notices.sqlite'}")
        with db.sessions.begin() as s:
            firm = "大连示例期货有限公司"
            s.add(Member(code="0101", name=firm, kind="brokerage", min_reserve_fen=0))
            s.flush()
            s.add_all(
                Client(code=f"B{i:06d}", member_code="0101", name=f"客户{i:06d}")
                for i in range(args.count)
            )
            s.flush()
            for i in range(args.count):
                call = 1_000 + 97 * i
                balance = 1_000_000 + 13 * i
                s.add(
                    ClientBalance(
                        client_code=f"B{i:06d}",
                        trading_day=DAY,
                        balance_fen=balance,
                        margin_fen=balance + call,
                        available_fen=-call,
                        margin_call_fen=call,
                    )
                )
        start = time.perf_counter()
        result, _ = generate_notices(db, GenerateRequest(day=DAY), user="bench")
        generated = time.perf_counter() - start
        numbers = [n.number for n in result.notices]
        start = time.perf_counter()
        paths, _ = export_notice_pdfs(db, numbers, folder / "pdf", user="bench")
        written = time.perf_counter() - start
        db.engine.dispose()
        size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
        print(f"generate {len(numbers):,} notices: {generated:6.2f} s")
        print(
            f"write {len(paths):,} PDFs: {written:6.2f} s "
            f"({1000 * written / len(paths):.1f} ms a notice, {size:.0f} KiB a file)"
        )
        print(f"total {generated + written:6.2f} s (target for 1,000 to PDF: <= 30 s)")


if __name__ == "__main__":
    main()
