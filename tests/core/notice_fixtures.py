"""Shared builders of the notice tests: the settled example of test_settlement_service
plus client K3, whose margin exceeds its balance after the settlement of D.

K3 holds 10 lots of m2409 long (10 t a lot, opened at 3,200) with a prior balance of
20,000.00. Settled at S(D) = 3,260 with the 8 % general-month rate:
position P&L (3,260 − 3,200) × 10 × 10 = 6,000.00, balance 26,000.00, margin
3,260 × 10 × 10 × 8 % = 26,080.00, available funds −80.00: a call of 80.00, risk ratio
26,080 ÷ 26,000 = 100.3076…% (1,003,076 ppm, floored), due by the next trading day's
opening, Monday 2024-05-13 09:00 Beijing time.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from core.db.engine import Database, open_database
from core.db.tables import Client, ClientBalance, Position
from core.services.settlement import run_daily_settlement
from tests.core.test_settlement_service import MEMBER, PREV, D, Y, _build

__all__ = ["MEMBER", "D", "build_notice_db", "copy_db"]

K3_BALANCE = 2_600_000
K3_MARGIN = 2_608_000
K3_AVAILABLE = -8_000
K3_CALL = 8_000
K3_RATIO_PPM = 1_003_076
K3_DEADLINE = datetime(2024, 5, 13, 1, 0, tzinfo=UTC)  # 09:00 Beijing time
K3_NAME = "<font size=40>大户</font> & Co"


def build_notice_db(target: Path | str, *, extra_clients: int = 0) -> None:
    """A settled database (an SQLite file at a path, or a URL): K1, K2 (not due), K3
    (due) and ``extra_clients`` more clients C001… without balances (for notices from
    given figures)."""
    db = open_database(target if isinstance(target, str) else f"sqlite:///{target}")
    with db.sessions.begin() as s:
        _build(s)
        s.add(Client(code="K3", member_code=MEMBER, name=K3_NAME))
        s.add_all(
            Client(code=f"C{i:03d}", member_code=MEMBER, name=f"客户{i}")
            for i in range(1, extra_clients + 1)
        )
        s.flush()
        s.add_all(
            [
                Position(
                    trading_day=PREV,
                    client_code="K3",
                    contract_code="m2409",
                    side="long",
                    hedge=False,
                    lots=10,
                    today_lots=0,
                    open_price_fen=3200 * Y,
                    margin_fen=25_600 * Y,
                ),
                ClientBalance(client_code="K3", trading_day=PREV, balance_fen=20_000 * Y),
            ]
        )
    run_daily_settlement(db, D, user="tester")
    db.engine.dispose()


def copy_db(template: Path, tmp_path: Path) -> Database:
    target = tmp_path / "notices.sqlite"
    shutil.copy(template, target)
    return open_database(f"sqlite:///{target}")
