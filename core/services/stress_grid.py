"""A grid of stress scenarios × outcomes (issue 16 item 3).

``run_grid(reader, request)`` reads the book after the base day once
(``stress.start_inputs``), prepares the first scenario day once
(``stress_run.prepare_first_day``) and runs every scenario over it with the chained run
(``run_scenario(first_prepared=…)``: a first day without deposits or an applied
reduction is settled from the shared prepared book, every later day as in a single
run). One row per scenario (``grid_row``), taken from the scenario's own ``day_table``:
at the worst day (the largest total margin call; the first such day) the accounts per
risk level and the call; over the scenario the lowest Σ member reserve, the most
members below zero, the lots reduced (2.e) and the lots of every forced liquidation
decided (2.f, including one decided on the last day, to close the day after). A
scenario that cannot run keeps its row with the reason in ``error``.

``shock_scenarios`` builds the one-day grid "each product ±1..5 %" over the products
with the most margin in the book. A read: nothing is written (an export is audited).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from core.db.reader import Reader
from core.errors import InputError
from core.progress import ProgressState
from core.rules.daily_settlement import DaySettlementParams, SettlementRefusedError
from core.rules.risk_levels import LEVEL_NAMES, RiskLevels
from core.rules.stress_run import StressResult, prepare_first_day, run_scenario
from core.rules.stress_scenario import PriceMove, Scenario, ScenarioDay, Target
from core.services.stress import (
    check_horizon,
    day_table,
    start_inputs,
    stored_closing_orders,
)
from core.services.stress_library import resolve
from core.trading_calendar import TradingCalendar, default_calendar

Report = Callable[[int, int], None]

GRID_COLUMNS = (
    "scenario",
    "title_zh",
    "days",
    "worst_day",
    *(f"level_{n}" for n in LEVEL_NAMES),
    "total_call_fen",
    "min_reserve_fen",
    "members_below_zero",
    "reduced_lots",
    "liquidation_lots",
    "error",
)
"""``run_grid``'s table: one row per scenario (module docstring)."""


@dataclass(frozen=True)
class GridRequest:
    """Scenarios to run over the same base day (None: the last settled day)."""

    scenarios: tuple[Scenario, ...]
    base_day: date | None = None
    levels: RiskLevels | None = None


@dataclass(frozen=True)
class GridView:
    """The grid: the base day, one row per scenario (``GRID_COLUMNS``) and the
    scenarios as run (history scenarios resolved), in row order."""

    day: date | None
    table: pd.DataFrame
    scenarios: tuple[Scenario, ...]
    error: str = ""


def grid_row(scenario: Scenario, result: StressResult) -> dict[str, object]:
    """One grid row from a scenario's result (its ``day_table``)."""
    days = day_table(result)
    worst = int(np.argmax(days["total_call_fen"].to_numpy(dtype=np.int64)))
    at = days.iloc[worst]
    return {
        "scenario": scenario.name,
        "title_zh": scenario.title_zh,
        "days": len(days),
        "worst_day": at["day"],
        **{f"level_{n}": int(at[f"level_{n}"]) for n in LEVEL_NAMES},
        "total_call_fen": int(at["total_call_fen"]),
        "min_reserve_fen": int(days["reserve_fen"].min()),
        "members_below_zero": int(days["members_below_zero"].max()),
        "reduced_lots": int(days["reduced_lots"].sum()),
        "liquidation_lots": sum(x.lots for d in result.days for x in d.liquidations_decided),
        "error": "",
    }


def _error_row(scenario: Scenario, message: str) -> dict[str, object]:
    return {
        "scenario": scenario.name,
        "title_zh": scenario.title_zh,
        "days": scenario.day_count,
        "error": message,
    }


def run_grid(
    reader: Reader,
    request: GridRequest,
    *,
    cal: TradingCalendar | None = None,
    report: Report | None = None,
) -> GridView:
    """Run every scenario of ``request`` over one read and one prepared first day.

    Raises InputError when the base day cannot be read (nothing settled, not settled)
    and ``SettlementRefusedError`` when its book cannot be prepared; a scenario that
    cannot run (a bad date or deposit, a history the book lacks, a price missing) gets
    its reason in its row's ``error``.
    """
    calendar = cal or default_calendar()
    n = len(request.scenarios)
    if report is not None:
        report(0, n + 1)
    start = start_inputs(reader, request.base_day, calendar)
    params = DaySettlementParams(calendar=calendar)
    prepared = prepare_first_day(start, calendar, params)
    orders = stored_closing_orders(reader)
    rows: list[dict[str, object]] = []
    ran: list[Scenario] = []
    for i, raw in enumerate(request.scenarios):
        if report is not None:
            report(i + 1, n + 1)
        try:
            scenario = resolve(reader, raw)
            check_horizon(start.prev_day, len(scenario.days), calendar)
            result = run_scenario(
                start,
                scenario,
                calendar,
                params=params,
                levels=request.levels,
                stored_orders=orders,
                first_prepared=prepared,
            )
        except (InputError, SettlementRefusedError) as exc:
            rows.append(_error_row(raw, str(exc)))
            ran.append(raw)
            continue
        rows.append(grid_row(scenario, result))
        ran.append(scenario)
    if report is not None:
        report(n + 1, n + 1)
    table = pd.DataFrame(rows, columns=list(GRID_COLUMNS))
    for c in GRID_COLUMNS:
        if c not in ("scenario", "title_zh", "worst_day", "error"):
            table[c] = table[c].astype("Int64")
    return GridView(start.prev_day, table, tuple(ran))


def shock_scenarios(
    reader: Reader,
    base_day: date | None = None,
    *,
    products: int = 5,
    steps: Sequence[int] = (1, 2, 3, 4, 5),
    cal: TradingCalendar | None = None,
) -> list[Scenario]:
    """One-day scenarios "product −k %" and "+k %" for each of ``steps`` over the
    ``products`` products holding the most exchange margin after the base day (ties:
    by code); a percent move stays inside the day's limits as every scenario's does."""
    start = start_inputs(reader, base_day, cal or default_calendar())
    product_of_line = start.product_of_contract[start.pos_contract]
    margin = np.bincount(product_of_line, start.pos_margin_fen, len(start.products))
    held = [i for i in range(len(start.products)) if margin[i] > 0]
    held.sort(key=lambda i: (-int(margin[i]), start.products[i]))
    out: list[Scenario] = []
    for i in held[:products]:
        code = start.products[i]
        for sign, word in ((-1, "跌"), (1, "涨")):
            for k in steps:
                move = PriceMove(Target("product", code), "percent", percent=Decimal(sign * k))
                out.append(
                    Scenario(
                        name=f"{code} {sign * k:+d}%",
                        title_zh=f"{code} {word}{k}%",
                        days=(ScenarioDay(moves=(move,)),),
                        description=f"one day: every {code} contract {sign * k:+d}% from S(prev)",
                    )
                )
    return out


def grid_view(
    reader: Reader, request: GridRequest | str, progress: ProgressState | None = None
) -> GridView:
    """The Stress screen's grid load: ``request`` or ``"shocks"`` (the one-day shocks
    of ``shock_scenarios`` over the last settled day); a base-day problem as ``error``."""

    def report(done: int, total: int) -> None:
        if progress is not None:
            progress.report("grid", done, total)

    try:
        if isinstance(request, str):
            request = GridRequest(tuple(shock_scenarios(reader)))
        return run_grid(reader, request, report=report)
    except (InputError, SettlementRefusedError) as exc:
        return GridView(None, pd.DataFrame(columns=list(GRID_COLUMNS)), (), str(exc))
