"""Small live engines built from arrays for the monitor's model and screen tests."""

from __future__ import annotations

from datetime import date

import numpy as np

from core.live import ContractDay, FakeClock, LiveRiskEngine, PriceTick
from desktop.models.snapshot_table import LiveStatic

DAY = date(2024, 9, 18)
M = ContractDay("m2501", 300_000, 330_000, 270_000, 100, 10, 80_000, 60_000, 500)
Y = ContractDay("y2501", 750_000, 810_000, 690_000, 200, 10, 80_000, 60_000, None)


def engine(n_accounts: int, clock: FakeClock) -> LiveRiskEngine:
    """Accounts A0000…: the first three hold only cash 9.00 / 100.00 / 10.00 yuan;
    every other account holds 2 lots of m2501 (even) or y2501 (odd), long."""
    codes = [f"A{i:05d}" for i in range(n_accounts)]
    cash = np.full(n_accounts, 5_000_000, dtype=np.int64)
    cash[:3] = (900, 10_000, 1_000)
    lines = np.arange(3, n_accounts)
    return LiveRiskEngine(
        trading_day=DAY,
        contracts=[M, Y],
        account_codes=codes,
        balance_fen=cash,
        line_account=lines,
        line_contract=lines % 2,
        line_side=np.zeros(len(lines), dtype=np.int64),  # long
        line_hedge=np.zeros(len(lines), dtype=bool),
        line_lots=np.full(len(lines), 2),
        clock=clock,
    )


def static_for(e: LiveRiskEngine) -> LiveStatic:
    names = {c: f"客户{c[-3:]}" for c in e.account_codes}
    return LiveStatic.build(
        e.account_codes, names, [c.code for c in e.contracts], {"m2501": "m", "y2501": "y"}
    )


def tick(clock: FakeClock, contract: str, price_fen: int) -> PriceTick:
    return PriceTick(contract, price_fen, clock.now())
