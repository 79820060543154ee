"""``riskdesk stress``: a stress scenario chained over the stored book (issue 16).

Runs a scenario of the library (``--scenario NAME``: a starter file or one saved in the
database; ``--list`` shows them) or a TOML file (``--file``) after the last settled day
(or ``--base-day``): per day the accounts per risk level, the total margin call, the
members' reserve, the lots reduced (2.e) and liquidated (2.f); then the clients with the
largest losses, or one client's path (``--client``). ``--out FILE.csv|.xlsx`` writes
the per-client table (audited).
``--safe-range`` prints each contract's safe price range instead (issue 16 item 4:
the prices within which no client's available funds and no member's reserve fall
below zero, with the accounts that bind each end); ``--contract`` picks contracts,
``--out`` writes the full table. A read: nothing else is written. ``--save NAME --file
F.toml`` stores a scenario in the database, ``--delete NAME`` removes a saved one (both
audited).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli.cmd_risk import _check_out, _database, _day, _read
from core.cli.support import out_file

if TYPE_CHECKING:
    from core.db.reader import Reader
    from core.rules.stress_scenario import Scenario
    from core.services.stress_grid import GridView

MAX_ROWS = 20


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "stress",
        help="a stress scenario day by day: lock steps, reduction, liquidation chained",
        description="Settle a scenario of price moves, margin changes and deposits day by "
        "day over the whole stored book, with the DCE rules' consequences: the limit-lock "
        "margin steps (2.b), the forced reduction after a third lock day (2.e) and the "
        "forced liquidation of a member whose reserve falls below zero (2.f).",
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--scenario", metavar="NAME", help="a scenario of the library (starter or saved)"
    )
    what.add_argument("--file", type=Path, metavar="FILE", help="a scenario TOML file")
    what.add_argument("--list", action="store_true", help="list the starter and saved scenarios")
    what.add_argument(
        "--delete", metavar="NAME", help="delete a saved scenario (audited scenario.delete)"
    )
    what.add_argument(
        "--grid",
        nargs="?",
        const="library",
        choices=("library", "shocks"),
        help="a grid of scenarios x outcomes: every library scenario (default) or the "
        "one-day shocks, each of the five products with the most margin -5..+5 %%",
    )
    what.add_argument(
        "--safe-range",
        action="store_true",
        help="each contract's safe price range after the base day (no scenario)",
    )
    p.add_argument(
        "--save",
        metavar="NAME",
        help="with --file: store the file's scenario in the database under NAME "
        "(audited scenario.save; replaces a saved one of that name)",
    )
    p.add_argument("--base-day", type=_day, help="settled day to start from (default: the last)")
    p.add_argument("--client", metavar="CODE", help="print this client's path day by day")
    p.add_argument(
        "--contract",
        action="append",
        metavar="CODE",
        help="with --safe-range: only this contract (repeatable)",
    )
    p.add_argument(
        "--out", type=out_file, metavar="FILE", help="write the per-client table (.csv, .xlsx)"
    )
    p.set_defaults(func=run_stress_cmd)


def _scenario(args: argparse.Namespace) -> Scenario:
    from core.errors import InputError
    from core.rules.stress_scenario import load_scenario
    from core.services.stress_library import find_scenario

    if args.file is not None:
        return load_scenario(args.file)
    try:
        return _read(args, lambda r: find_scenario(r, args.scenario))
    except InputError as exc:
        raise InputError(exc.message, field="--scenario") from None


def _library_cmd(args: argparse.Namespace) -> int:
    """``--list``, ``--save NAME --file F``, ``--delete NAME``."""
    from core.config import current_user
    from core.errors import InputError
    from core.rules.stress_scenario import load_scenario
    from core.services.stress_library import all_scenarios, delete_scenario, save_scenario

    if args.save is not None:
        if args.file is None:
            raise InputError("--save needs --file (the scenario to store)", field="--save")
        scenario = load_scenario(args.file)
        with _database(args) as db:
            stored, _ = save_scenario(db, scenario, name=args.save, user=current_user())
        print(f"saved scenario {stored.name!r} ({len(stored.days)} days) in the database")
        return 0
    if args.delete is not None:
        with _database(args) as db:
            name, _ = delete_scenario(db, args.delete, user=current_user())
        print(f"deleted saved scenario {name!r}")
        return 0
    for s in _read(args, all_scenarios):
        where = "saved" if s.source == "database" else "starter"
        title = f"{s.title_zh}; " if s.title_zh else ""
        print(f"{s.name}  ({title}{len(s.days)} days; {where})")
        if s.description:
            print(f"    {s.description}")
    return 0


def run_stress_cmd(args: argparse.Namespace) -> int:
    from core.money import format_yuan
    from core.reports.export import format_table
    from core.rules.risk_levels import LEVEL_NAMES, ratio_text
    from core.services.stress import (
        StressRequest,
        client_path,
        client_table,
        day_table,
        run_stress,
    )

    if args.safe_range:
        return _safe_range_cmd(args)
    if args.contract:
        from core.errors import InputError

        raise InputError("--contract goes with --safe-range", field="--contract")
    if args.list or args.save is not None or args.delete is not None:
        return _library_cmd(args)
    if args.grid is not None:
        return _grid_cmd(args)
    _check_out(args)
    scenario = _scenario(args)
    result = _read(args, lambda r: run_stress(r, StressRequest(scenario, args.base_day)))
    print(
        f"scenario {scenario.name!r}: {len(result.days)} day(s) after {result.base_day}, "
        f"{len(result.clients)} clients"
    )
    days = day_table(result)
    shown = days.rename(columns={f"level_{n}": n for n in LEVEL_NAMES})
    print(format_table(shown))
    for d in result.days:
        for red in d.reductions:
            print(
                f"{d.day} forced reduction {red.contract} at {format_yuan(red.price_fen)}: "
                f"declared {red.declared_lots}, filled {red.filled_lots}, reduced "
                f"{red.reduced_lots}, unfilled {red.unfilled_lots}"
                + ("" if red.applied else " (not applied)")
            )
        for liq in d.liquidations_decided:
            print(
                f"{d.day} member {liq.member} reserve {format_yuan(liq.reserve_fen)}: forced "
                f"liquidation of {liq.lots} lots next day, releasing "
                f"{format_yuan(liq.released_fen)} of {format_yuan(liq.required_fen)}"
                + (f", short {format_yuan(liq.shortfall_fen)}" if liq.shortfall_fen else "")
            )
    for w in result.warnings[:5]:
        print(f"warning: {w}")
    table = client_table(result)
    if args.client:
        one = client_path(result, args.client)
        one["ratio"] = [ratio_text(int(x), "unbounded") for x in one.pop("ratio_ppm")]
        one["level"] = [LEVEL_NAMES[int(x)] for x in one["level"]]
        print(format_table(one, title=f"client {args.client}"))
    else:
        top = table.sort_values(["loss_fen", "client_code"], ascending=[False, True])
        top = top.assign(
            worst_level=[LEVEL_NAMES[int(x)] for x in top["worst_level"]],
            end_level=[LEVEL_NAMES[int(x)] for x in top["end_level"]],
        ).drop(columns=["end_ratio_ppm"])
        print(format_table(top, max_rows=MAX_ROWS, title="largest losses"))
    if args.out is not None:
        from core.config import current_user
        from core.services.exports import TableExport, export_table

        with _database(args) as db:
            path, _ = export_table(
                db,
                TableExport("stress", table, sheet="clients"),
                args.out,
                user=current_user(),
            )
        print(f"written {len(table)} rows to {path}")
    return 0


def _grid_cmd(args: argparse.Namespace) -> int:
    """``riskdesk stress --grid [library|shocks]``: one row per scenario."""
    import time

    from core.reports.export import format_table
    from core.rules.risk_levels import LEVEL_NAMES
    from core.services.stress_grid import GridRequest, run_grid, shock_scenarios
    from core.services.stress_library import all_scenarios

    if args.client:
        from core.errors import InputError

        raise InputError("--client does not go with --grid", field="--client")
    _check_out(args)
    began = time.perf_counter()

    def query(reader: Reader) -> GridView:
        if args.grid == "shocks":
            scenarios = shock_scenarios(reader, args.base_day)
        else:
            scenarios = all_scenarios(reader)
        return run_grid(reader, GridRequest(tuple(scenarios), args.base_day))

    view = _read(args, query)
    took = time.perf_counter() - began
    table = view.table
    print(
        f"{len(table)} scenario(s) after {view.day} in {took:.1f} s: per scenario the "
        "accounts per level and the call at its worst day (largest call), the lowest "
        "member reserve, lots reduced and liquidated"
    )
    shown = table.drop(columns=["title_zh"]).rename(columns={f"level_{n}": n for n in LEVEL_NAMES})
    if not shown["error"].astype(bool).any():
        shown = shown.drop(columns=["error"])
    print(format_table(shown))
    if args.out is not None:
        from core.config import current_user
        from core.services.exports import TableExport, export_table

        with _database(args) as db:
            path, _ = export_table(
                db, TableExport("stress_grid", table, sheet="grid"), args.out, user=current_user()
            )
        print(f"written {len(table)} rows to {path}")
    return 0


def _safe_range_cmd(args: argparse.Namespace) -> int:
    """``riskdesk stress --safe-range``: the table of every contract's safe range."""
    import pandas as pd

    from core.reports.export import format_table
    from core.services.safe_range import (
        SafeRangeRequest,
        move_text,
        range_table,
        safe_range_result,
    )

    if args.client:
        from core.errors import InputError

        raise InputError("--client does not go with --safe-range", field="--client")
    _check_out(args)
    contracts = tuple(args.contract) if args.contract else None
    result = _read(args, lambda r: safe_range_result(r, SafeRangeRequest(args.base_day, contracts)))
    table = range_table(result)
    print(
        f"safe price ranges after {result.base_day} (the settlement of {result.day} at S "
        "with one contract moved): the last price at which no client's available funds "
        "(no member's reserve) are below zero; blank where no price binds"
    )

    def missing(value: object) -> bool:
        return value is None or value is pd.NA

    def move(ppm: object) -> str:
        return "" if missing(ppm) else move_text(int(str(ppm)))

    def who(code: object, count: object) -> str:
        if not code:
            return ""
        more = 0 if missing(count) else int(str(count)) - 1
        return f"{code} +{more}" if more > 0 else str(code)

    shown = pd.DataFrame(
        {
            "contract": table["contract"],
            "settle_fen": table["settle_fen"],
            "clients": table["clients"],
            "below_zero": table["below_zero"],
            "lower_fen": table["lower_fen"],
            "lower_ticks": table["lower_ticks"],
            "lower_move": [move(x) for x in table["lower_ppm"]],
            "lower_bound_by": [
                who(c, n)
                for c, n in zip(table["lower_client"], table["lower_binding"], strict=True)
            ],
            "upper_fen": table["upper_fen"],
            "upper_ticks": table["upper_ticks"],
            "upper_move": [move(x) for x in table["upper_ppm"]],
            "upper_bound_by": [
                who(c, n)
                for c, n in zip(table["upper_client"], table["upper_binding"], strict=True)
            ],
            "member_lower_fen": table["member_lower_fen"],
            "member_lower_move": [move(x) for x in table["member_lower_ppm"]],
            "member_upper_fen": table["member_upper_fen"],
            "member_upper_move": [move(x) for x in table["member_upper_ppm"]],
        }
    )
    print(format_table(shown))
    if result.below_zero:
        print(
            f"{len(result.below_zero):,} client(s) are below zero at S already (left out of "
            "the ranges): "
            + ", ".join(result.below_zero[:10])
            + (" …" if len(result.below_zero) > 10 else "")
        )
    if result.members_below_zero:
        print("member(s) below zero at S: " + ", ".join(result.members_below_zero))
    for w in result.warnings[:5]:
        print(f"warning: {w}")
    if args.out is not None:
        from core.config import current_user
        from core.services.exports import TableExport, export_table

        with _database(args) as db:
            path, _ = export_table(
                db,
                TableExport("safe_range", table, sheet="safe ranges"),
                args.out,
                user=current_user(),
            )
        print(f"written {len(table)} rows to {path}")
    return 0
