"""The demo data set: deterministic, internally consistent, replaceable (core/demo)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.audit import recent
from core.changes import Changes
from core.cli import main as cli_main
from core.db.engine import Database, open_database
from core.demo import DemoDatabaseError, generate_demo, has_demo_data
from core.errors import OperationCancelledError
from core.money import half_up_div
from core.rules.margin_schedule import (
    AdhocRate,
    ContractMargin,
    default_margin_schedules,
    rate_settle,
)
from core.services.demo import create_demo_data
from core.trading_calendar import default_calendar

CLIENTS = 120  # enough for every feature (hedgers, locked pairs, lock-day orders), fast
SEED = 7


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _build(path: Path, seed: int = SEED, clients: int = CLIENTS) -> Database:
    db = open_database(_url(path))
    create_demo_data(db, seed=seed, clients=clients, user="test")
    return db


def table_hashes(path: Path) -> dict[str, str]:
    """SHA-256 of every table's rows in a fixed order (audit_log holds a timestamp;
    data_revision counts writes, so a regeneration raises it)."""
    out: dict[str, str] = {}
    with sqlite3.connect(path) as con:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT IN ('audit_log', 'alembic_version', 'data_revision') ORDER BY name"
            )
        ]
        for name in names:
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({name})")]
            order = ", ".join(f'"{c}"' for c in cols)
            digest = hashlib.sha256()
            for row in con.execute(f'SELECT * FROM "{name}" ORDER BY {order}'):
                digest.update(repr(row).encode())
            out[name] = digest.hexdigest()
    return out


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = _build(path)
    db.engine.dispose()
    return path


@pytest.fixture(scope="module")
def frames(demo_path: Path) -> dict[str, pd.DataFrame]:
    with sqlite3.connect(demo_path) as con:
        return {
            name: pd.read_sql(f"SELECT * FROM {name}", con)
            for name in (
                "product",
                "contract",
                "settlement_price",
                "margin_adjustment",
                "position",
                "trade",
                "closing_order",
                "client",
                "client_balance",
                "reserve_history",
                "fund_movement",
                "warehouse",
                "warehouse_receipt",
                "hedge_quota",
                "member",
                "delivery_match",
                "efp_record",
            )
        }


# --------------------------------------------------------------------- determinism
def test_same_seed_gives_identical_tables(demo_path: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.sqlite"
    _build(again).engine.dispose()
    first, second = table_hashes(demo_path), table_hashes(again)
    assert first == second
    assert len(first) >= 15


def test_different_seed_gives_different_data(demo_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    _build(other, seed=SEED + 1).engine.dispose()
    first, second = table_hashes(demo_path), table_hashes(other)
    for table in ("settlement_price", "position", "trade", "client", "client_balance"):
        assert first[table] != second[table], table


def test_generation_is_pure_and_repeatable() -> None:
    a = generate_demo(seed=3, clients=40)
    b = generate_demo(seed=3, clients=40)
    for name, cols in a.tables.items():
        for col, values in cols.items():
            assert np.array_equal(np.asarray(values), np.asarray(b.tables[name][col])), (
                name,
                col,
            )


# --------------------------------------------------------------------- shape
def test_small_scale_matches_the_brief(tmp_path: Path) -> None:
    data = generate_demo(scale="small")
    assert data.row_count("client") == 500
    day_lines = (data.tables["position"]["trading_day"] == np.datetime64(data.days[-1])).sum()
    assert 2_000 <= day_lines <= 5_000
    assert len(data.days) == 60
    assert data.days[-1] == date(2026, 11, 20)
    assert data.row_count("warehouse") >= 18
    assert 200 <= data.row_count("warehouse_receipt") <= 900
    assert {c[:1] for c in data.tables["contract"]["product_code"]} >= {"a", "m", "i"}
    assert len(set(data.tables["contract"]["product_code"])) == 12


def test_contracts_are_alive_and_dated(frames: dict[str, pd.DataFrame]) -> None:
    contracts = frames["contract"]
    end = frames["settlement_price"]["trading_day"].max()
    known = contracts.dropna(subset=["last_trading_day"])
    assert known["last_delivery_day"].dropna().ge(known["last_trading_day"]).all()
    # Every contract trades after D, except the one in its delivery month (rolling
    # delivery), whose prices stop at its last trading day.
    expired = known[known["last_trading_day"] <= end]
    assert expired["code"].tolist() == ["c2611"]
    sp = frames["settlement_price"]
    last = sp.groupby("contract_code")["trading_day"].max()
    assert last["c2611"] == expired["last_trading_day"].iloc[0]
    assert (last.drop("c2611") == end).all()
    contracts = contracts[contracts["code"] != "c2611"]
    # Months beyond the calendar (2027) have no last trading day.
    assert (
        contracts.loc[contracts["delivery_month"] >= "2027-01-01", "last_trading_day"].isna().all()
    )
    rates = contracts["general_margin_ppm"]
    assert rates.between(70_000, 130_000).all()
    assert (contracts["hedge_margin_ppm"] < rates).all()
    per_product = contracts.groupby("product_code").size()
    assert per_product.between(4, 6).all()


# --------------------------------------------------------------------- prices
def test_positions_reference_contracts_and_prices_are_on_tick(
    demo_path: Path, frames: dict[str, pd.DataFrame]
) -> None:
    with sqlite3.connect(demo_path) as con:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    tick = frames["contract"].set_index("code")["tick_fen"]
    # A line with today's opens stores the settlement's average open price (half up
    # to the fen, off the tick in general); lines without any carry one price.
    one_price = frames["position"][frames["position"]["today_lots"] == 0]
    frames = {**frames, "one_price_position": one_price}
    for name, price_cols in (
        ("one_price_position", ["open_price_fen"]),
        ("trade", ["price_fen"]),
        ("closing_order", ["price_fen"]),
        ("settlement_price", ["settlement_fen", "upper_limit_fen", "lower_limit_fen"]),
    ):
        df = frames[name]
        assert df["contract_code"].isin(tick.index).all(), name
        t = df["contract_code"].map(tick)
        for col in price_cols:
            assert (df[col] > 0).all(), (name, col)
            assert (df[col] % t == 0).all(), (name, col)


def test_settlement_moves_within_the_stored_limits(frames: dict[str, pd.DataFrame]) -> None:
    sp = frames["settlement_price"].sort_values(["contract_code", "trading_day"])
    contracts = frames["contract"].set_index("code")
    assert sp["settlement_fen"].between(sp["lower_limit_fen"], sp["upper_limit_fen"]).all()
    prior = sp.groupby("contract_code")["settlement_fen"].shift(1)
    rows = sp[prior.notna()].assign(prior=prior[prior.notna()].astype("int64"))
    tick = rows["contract_code"].map(contracts["tick_fen"])
    limit_ppm = (rows["upper_limit_fen"] - rows["prior"]) * 1_000_000 / rows["prior"]
    base = rows["contract_code"].map(contracts["price_limit_ppm"])
    # Upper limit: prior x (1 + L) rounded down to the tick (towards the prior).
    assert (limit_ppm <= base + 50_000 + 1).all()
    assert ((rows["upper_limit_fen"] + tick - rows["prior"]) * 1_000_000 > 0).all()
    normal = rows[limit_ppm <= base]
    up = normal["prior"] * (1_000_000 + normal["contract_code"].map(contracts["price_limit_ppm"]))
    t = normal["contract_code"].map(contracts["tick_fen"])
    assert ((up // (1_000_000 * t)) * t == normal["upper_limit_fen"]).all()
    lo = normal["prior"] * (1_000_000 - normal["contract_code"].map(contracts["price_limit_ppm"]))
    assert ((-((-lo) // (1_000_000 * t))) * t == normal["lower_limit_fen"]).all()
    assert (sp["open_interest"] > 0).all()
    assert (sp["volume"] >= 0).all()


def test_locked_contract_has_three_limit_down_days(frames: dict[str, pd.DataFrame]) -> None:
    sp = frames["settlement_price"]
    locked = sp[sp["limit_lock"] != "none"]
    assert locked["contract_code"].nunique() == 1
    code = locked["contract_code"].iloc[0]
    assert code.startswith("m")
    days = sorted(sp["trading_day"].unique())
    lock_days = sorted(locked["trading_day"])
    assert len(lock_days) >= 3
    assert set(locked["limit_lock"]) == {"limit_down"}
    first = days.index(lock_days[0])
    assert days[first : first + len(lock_days)] == lock_days  # consecutive
    assert (locked["settlement_fen"] == locked["lower_limit_fen"]).all()
    # spec 2.b: the limit widens by 3 then 5 percentage points on D2 and D3.
    series = sp[sp["contract_code"] == code].sort_values("trading_day")
    prior = series["settlement_fen"].shift(1)
    widths = ((series["upper_limit_fen"] - prior) * 100 / prior).iloc[-3:].round(1).tolist()
    base = frames["contract"].set_index("code").loc[code, "price_limit_ppm"] / 10_000
    assert widths == pytest.approx([base, base + 3, base + 5], abs=0.1)
    adj = frames["margin_adjustment"]
    assert set(adj["effective_day"]) == set(lock_days[:2])


def test_locked_contract_has_declared_losers_and_profitable_shorts(
    frames: dict[str, pd.DataFrame],
) -> None:
    sp = frames["settlement_price"]
    locked = sp[sp["limit_lock"] != "none"]
    code = locked["contract_code"].iloc[0]
    d3 = locked["trading_day"].max()
    s_d3 = int(locked.loc[locked["trading_day"] == d3, "settlement_fen"].iloc[0])
    orders = frames["closing_order"]
    assert set(orders["trading_day"]) == set(locked["trading_day"])
    assert (orders["contract_code"] == code).all()
    assert (orders["side"] == "long").all()
    limit_by_day = locked.set_index("trading_day")["lower_limit_fen"]
    assert (orders["price_fen"] == orders["trading_day"].map(limit_by_day)).all()
    pos = frames["position"]
    today = pos[(pos["trading_day"] == d3) & (pos["contract_code"] == code)]
    d3_orders = orders[orders["trading_day"] == d3].merge(
        today[today["side"] == "long"], on=["client_code", "hedge"], suffixes=("", "_pos")
    )
    assert len(d3_orders) >= 3
    assert (d3_orders["lots"] <= d3_orders["lots_pos"]).all()
    assert (d3_orders["open_price_fen"] > s_d3).all()  # losing longs
    shorts = today[(today["side"] == "short") & (today["open_price_fen"] > s_d3)]
    assert len(shorts) >= 3  # profitable counterparties


# --------------------------------------------------------------------- margins
def test_margin_matches_the_formula(frames: dict[str, pd.DataFrame]) -> None:
    cal = default_calendar()
    contracts = frames["contract"].set_index("code")
    products = frames["product"].set_index("code")
    sp = frames["settlement_price"].set_index(["trading_day", "contract_code"])["settlement_fen"]
    adj = frames["margin_adjustment"]
    schedules = default_margin_schedules()
    from core.reference.products import default_products

    product_facts = default_products()
    pos = frames["position"]
    rate_cache: dict[tuple[str, str, bool], int] = {}

    def rate(code: str, day: str, hedge: bool) -> int:
        key = (code, day, hedge)
        if key in rate_cache:
            return rate_cache[key]
        c = contracts.loc[code]
        general = Decimal(int(c["general_margin_ppm"])) / 1_000_000
        hedge_rate = Decimal(int(c["hedge_margin_ppm"])) / 1_000_000
        minimum = Decimal(int(products.loc[c["product_code"], "min_margin_ppm"])) / 1_000_000
        adhoc = tuple(
            AdhocRate(
                date.fromisoformat(r.effective_day),
                Decimal(r.rate_ppm) / 1_000_000,
                hedge=bool(r.hedge),
            )
            for r in adj[adj["contract_code"] == code].itertuples()
        )
        d = date.fromisoformat(day)
        if pd.isna(c["last_trading_day"]):
            # Beyond the calendar: the delivery-approach steps have not started yet.
            candidates = [general if not hedge else hedge_rate, minimum]
            candidates += [a.rate for a in adhoc if a.applies(d, hedge=hedge, side=None)]
            value = int(max(candidates) * 1_000_000)
        else:
            dm = date.fromisoformat(c["delivery_month"])
            cm = ContractMargin(
                contract=code,
                delivery_year=dm.year,
                delivery_month=dm.month,
                schedule=schedules[product_facts[c["product_code"]].margin_schedule],
                general_rate=general,
                contract_minimum=minimum,
                hedge_general_rate=hedge_rate,
                last_trading_day=date.fromisoformat(c["last_trading_day"]),
                adhoc=adhoc,
            )
            value = int(rate_settle(cm, d, hedge=hedge, cal=cal).rate * 1_000_000)
        rate_cache[key] = value
        return value

    rates = np.array(
        [rate(r.contract_code, r.trading_day, bool(r.hedge)) for r in pos.itertuples()],
        dtype=np.int64,
    )
    settle = np.array(
        [sp[(r.trading_day, r.contract_code)] for r in pos.itertuples()], dtype=np.int64
    )
    mult = pos["contract_code"].map(contracts["product_code"]).map(products["multiplier"])
    expected = half_up_div(settle * mult.to_numpy() * pos["lots"].to_numpy() * rates, 1_000_000)
    assert np.array_equal(expected, pos["margin_fen"].to_numpy())
    assert (rates > contracts["general_margin_ppm"].min()).any()  # some raised rates seen


# --------------------------------------------------------------------- book consistency
def test_trades_and_prior_day_match_the_positions(frames: dict[str, pd.DataFrame]) -> None:
    pos, trades = frames["position"], frames["trade"]
    days = sorted(pos["trading_day"].unique())
    assert len(days) == 2
    prior, today = (pos[pos["trading_day"] == d] for d in days)
    key = ["client_code", "contract_code", "side", "hedge"]
    assert not today.duplicated(key).any()
    assert (prior["today_lots"] == 0).all()
    opens = trades[trades["action"] == "open"].groupby(key)["lots"].sum()
    closes = trades[trades["action"] == "close"].groupby(key)["lots"].sum()
    t = today.set_index(key)
    assert opens.reindex(t.index, fill_value=0).equals(t["today_lots"].rename("lots"))
    expected_prior = t["lots"] - t["today_lots"] + closes.reindex(t.index, fill_value=0)
    expected_prior = expected_prior[expected_prior > 0].sort_index()
    assert prior.set_index(key)["lots"].sort_index().equals(expected_prior.rename("lots"))
    assert (trades["fee_fen"] > 0).all()
    assert set(trades["trading_day"]) == {days[1]}
    assert not trades.duplicated(["trading_day", "trade_no"]).any()


def test_client_balances_follow_the_statement_identity(frames: dict[str, pd.DataFrame]) -> None:
    bal = frames["client_balance"]
    days = sorted(bal["trading_day"].unique())
    p = bal[bal["trading_day"] == days[0]].set_index("client_code")
    d = bal[bal["trading_day"] == days[1]].set_index("client_code")
    flow = (
        d["deposits_fen"]
        - d["withdrawals_fen"]
        + d["close_pnl_fen"]
        + d["position_pnl_fen"]
        - d["fees_fen"]
    )
    assert (d["balance_fen"] == p["balance_fen"] + flow).all()
    pos = frames["position"]
    margin = pos[pos["trading_day"] == days[1]].groupby("client_code")["margin_fen"].sum()
    assert (d["margin_fen"] == margin.reindex(d.index, fill_value=0)).all()
    assert (d["available_fen"] == d["balance_fen"] + d["offset_fen"] - d["margin_fen"]).all()
    assert (d["offset_fen"] <= d["margin_fen"]).all()
    ratio = d["margin_fen"] / d["balance_fen"]
    assert (ratio < 0.8).mean() > 0.7  # most clients healthy
    assert (ratio > 0.9).sum() >= 2  # a few stressed near or over 100 %
    trades = frames["trade"]
    fees = trades.groupby("client_code")["fee_fen"].sum()
    assert (d["fees_fen"] == fees.reindex(d.index, fill_value=0)).all()
    moves = frames["fund_movement"]
    deposits = moves[(moves["trading_day"] == days[1]) & (moves["kind"] == "deposit")]
    assert (
        d["deposits_fen"]
        == deposits.groupby("client_code")["amount_fen"].sum().reindex(d.index, fill_value=0)
    ).all()


def test_member_reserve_history_obeys_the_reserve_identity(
    frames: dict[str, pd.DataFrame],
) -> None:
    r = frames["reserve_history"].sort_values("trading_day").reset_index(drop=True)
    assert len(r) == 60
    assert (r["cash_fen"] == r["reserve_fen"] + r["margin_fen"] - r["offset_fen"]).all()
    flows = (
        r["close_pnl_fen"]
        + r["position_pnl_fen"]
        + r["deposits_fen"]
        - r["withdrawals_fen"]
        - r["fees_fen"]
    )
    assert (r["cash_fen"].diff().iloc[1:] == flows.iloc[1:]).all()
    margin = frames["position"].groupby("trading_day")["margin_fen"].sum()
    assert (
        r.set_index("trading_day")["margin_fen"]
        .loc[margin.index]
        .equals(margin.rename("margin_fen"))
    )
    member = frames["member"].iloc[0]
    assert member["min_reserve_fen"] == 200_000_000
    assert member["kind"] == "brokerage"


# --------------------------------------------------------------------- receipts, quotas
def test_receipts_reference_warehouses_and_follow_the_rules(
    frames: dict[str, pd.DataFrame],
) -> None:
    rc, wh = frames["warehouse_receipt"], frames["warehouse"]
    assert rc["warehouse_code"].isin(wh["code"]).all()
    assert set(rc["status"]) == {"held", "margin", "delivery", "cancelled"}
    assert set(rc["product_code"]) <= {"m", "y", "a", "c", "l", "v", "pp", "i", "j", "jm"}
    assert (rc["holder_code"] == "0101").any()
    assert rc["holder_code"].isin(frames["client"]["code"]).mean() > 0.5
    assert (wh["kind"] == "factory").sum() >= 3
    meal = rc[rc["product_code"] == "m"]
    gap = pd.to_datetime(meal["registration_date"]) - pd.to_datetime(meal["production_date"])
    assert gap.dt.days.le(45).all()
    assert gap.dt.days.ge(44).sum() >= 3
    assert (rc["status_since"] >= rc["registration_date"]).all()


def test_hedge_quotas_cover_hedge_positions(frames: dict[str, pd.DataFrame]) -> None:
    q, pos = frames["hedge_quota"], frames["position"]
    end = pos["trading_day"].max()
    hedges = pos[(pos["trading_day"] == end) & (pos["hedge"] == 1)]
    assert len(hedges) > 0
    merged = hedges.merge(q, on=["client_code", "contract_code", "side"], suffixes=("", "_q"))
    assert len(merged) >= len(hedges)
    assert (
        merged.groupby(["client_code", "contract_code", "side"]).apply(
            lambda g: (g["lots_q"] >= g["lots"]).any(), include_groups=False
        )
    ).all()
    assert (q["period_start"] >= end).sum() >= 1  # new quotas from D or next_td(D)


# --------------------------------------------------------------------- database behaviour
def test_regenerating_replaces_rather_than_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "twice.sqlite"
    db = _build(path, clients=30)
    before = table_hashes(path)
    summary, changes = create_demo_data(db, seed=SEED, clients=30, user="test")
    db.engine.dispose()
    assert changes == Changes.everything()
    assert table_hashes(path) == before
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT count(*) FROM client").fetchone() == (30,)
        assert (
            con.execute("SELECT count(*) FROM position").fetchone()[0]
            == (summary.counts["position"])
        )
        actions = con.execute("SELECT action FROM audit_log").fetchall()
    assert actions == [("demo.create",), ("demo.create",)]


def test_cancelled_build_leaves_the_previous_data(tmp_path: Path) -> None:
    path = tmp_path / "cancel.sqlite"
    db = _build(path, clients=30)
    before = table_hashes(path)

    def cancel(stage: str, done: int, total: int | None) -> None:
        if stage == "write position" and done > 0:
            raise OperationCancelledError(stage)

    with pytest.raises(OperationCancelledError):
        create_demo_data(db, seed=SEED + 5, clients=30, progress=cancel)
    with db.engine.connect() as conn:  # the bulk-load pragmas were restored
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    db.engine.dispose()
    assert table_hashes(path) == before


def test_refuses_a_database_with_another_member(tmp_path: Path) -> None:
    db = open_database(_url(tmp_path / "real.sqlite"))
    with db.sessions.begin() as session:
        from core.db.tables import Member

        session.add(Member(code="0202", name="其他会员", kind="brokerage", min_reserve_fen=1))
    with pytest.raises(DemoDatabaseError, match="non-demo data"):
        create_demo_data(db, clients=10)
    assert not has_demo_data(db)
    with db.reader() as reader:  # refused: rolled back, no audit entry either
        assert recent(reader.session, 10) == []
    db.engine.dispose()


def test_cli_check_and_create(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = _url(tmp_path / "cli.sqlite")
    assert cli_main(["--db", url, "demo", "--check"]) == 2  # a check creates nothing
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "cli.sqlite").exists()
    assert cli_main(["--db", url, "db", "upgrade"]) == 0
    assert cli_main(["--db", url, "demo", "--check"]) == 1
    assert cli_main(["--db", url, "demo", "--scale", "small", "--seed", "11"]) == 0
    out = capsys.readouterr().out
    assert "demo data created" in out
    assert "position" in out
    assert "m2701" in out
    assert cli_main(["--db", url, "demo", "--check"]) == 0
    assert cli_main(["--db", url, "demo", "--end-day", "2031-01-01"]) == 2


# --------------------------------------------------------------------- workbench scenarios
def _session_db(demo_path: Path) -> Database:
    return open_database(_url(demo_path))


def test_limits_report_flags_the_large_holders(
    demo_path: Path, frames: dict[str, pd.DataFrame]
) -> None:
    from core.services.limits import limits_report

    db = _session_db(demo_path)
    try:
        with db.reader() as reader:
            result = limits_report(reader)
    finally:
        db.engine.dispose()
    rows = result.rows
    over = rows[rows["status"] == "over"]
    near = rows[rows["status"] == "near"]
    assert 1 <= len(over) <= 2
    assert 3 <= len(near) <= 5
    flagged = rows[rows["status"].isin(["over", "near"])]
    assert set(flagged["product_code"]) <= {"a", "m"}
    assert (flagged["period"] == "general").all()
    clients = frames["client"].set_index("code")
    assert not clients.loc[flagged["client_code"], "is_individual"].any()  # institutions
    # Below the threshold of the seed table the client limit is 20,000 lots.
    assert (flagged["open_interest"] <= 200_000).all()
    assert (flagged["limit_lots"] == 20_000).all()
    assert (over["excess_lots"] == over["speculative_lots"] - 20_000).all()
    assert (flagged["hedge_lots"] > 0).any()  # hedge lots on top, exempt
    # A hedger whose speculative and hedge lots together exceed the limit is not flagged.
    big = rows[(rows["limit_lots"] == 20_000) & (rows["status"] == "ok")]
    assert ((big["speculative_lots"] + big["hedge_lots"]) > 20_000).any()
    # The stored open interest covers the member's side (3x) on every contract.
    pos, sp = frames["position"], frames["settlement_price"]
    end = sp["trading_day"].max()
    side = pos[pos["trading_day"] == end].groupby(["contract_code", "side"])["lots"].sum()
    oi = sp[sp["trading_day"] == end].set_index("contract_code")["open_interest"]
    assert (side.groupby(level=0).max() * 3 <= oi.reindex(side.index.levels[0])).all()
    # Their balances carry the margin: a normal risk ratio.
    bal = frames["client_balance"]
    mine = bal[(bal["trading_day"] == end) & bal["client_code"].isin(flagged["client_code"])]
    assert (mine["margin_fen"] / mine["balance_fen"]).between(0.25, 0.6).all()
    assert (mine["margin_call_fen"] == 0).all()


def test_rolling_delivery_seller_gets_an_optimal_allocation(
    demo_path: Path, frames: dict[str, pd.DataFrame]
) -> None:
    from core.services.delivery import allocate_delivery_for_seller

    cal = default_calendar()
    matches = frames["delivery_match"]
    pending = matches[matches["allocation_state"] == "pending"]
    assert pending["seller_code"].nunique() == 1
    seller, code = pending["seller_code"].iloc[0], pending["contract_code"].iloc[0]
    assert 3 <= pending["buyer_code"].nunique() <= 4
    contract = frames["contract"].set_index("code").loc[code]
    ltd = date.fromisoformat(contract["last_trading_day"])
    month = date.fromisoformat(contract["delivery_month"])
    sp = frames["settlement_price"].set_index(["trading_day", "contract_code"])
    for r in matches.itertuples():
        day = date.fromisoformat(r.match_day)
        assert (day.year, day.month) == (month.year, month.month)  # rolling delivery:
        assert day < ltd  # in the delivery month, before the last trading day
        assert r.price_fen == sp.loc[(r.match_day, code), "settlement_fen"]
        assert date.fromisoformat(r.delivery_day) == cal.add_trading_days(day, 2)
        assert sp.loc[(r.match_day, code), "open_interest"] >= r.lots
    allocated = matches[matches["allocation_state"] == "allocated"]
    assert len(allocated) >= 1
    assert all(
        sum(json.loads(a).values()) == n
        for a, n in zip(allocated["allocation"], allocated["lots"], strict=True)
    )
    rc = frames["warehouse_receipt"]
    frozen = rc[(rc["holder_code"] == seller) & (rc["product_code"] == contract["product_code"])]
    frozen = frozen[frozen["status"] == "delivery"]
    assert frozen["lots"].sum() == pending["lots"].sum()
    assert frozen["warehouse_code"].nunique() == 3
    db = _session_db(demo_path)
    try:
        with db.reader() as reader:
            result = allocate_delivery_for_seller(reader, None, seller, code)
    finally:
        db.engine.dispose()
    assert result.receipt_status == "delivery"
    assert result.allocation.optimal
    assert len(result.warehouses) >= 2
    assert result.allocation.pair_count < len(result.warehouses) + len(result.buyers) - 1
    assert result.pairs["lots"].sum() == pending["lots"].sum()


def test_efp_records_carry_their_waived_fees(frames: dict[str, pd.DataFrame]) -> None:
    from core.rules.fees import default_fee_schedule

    efp = frames["efp_record"]
    assert set(efp["kind"]) == {"standard", "non_standard"}
    assert len(efp) >= 3
    product = frames["contract"].set_index("code")["product_code"]
    fees = default_fee_schedule()
    for r in efp.itertuples():
        kind = "efp_standard" if r.kind == "standard" else "efp_nonstandard"
        line = fees.fee(
            kind, product[r.contract_code], date.fromisoformat(r.approved_day), lots=r.lots
        )
        assert (r.fee_fen, r.waived_fen) == (line.computed_fen, line.waived_fen)
        assert r.fee_fen > 0
        assert r.waived_fen == r.fee_fen  # all EFP waived from 2022
    days = sorted(frames["position"]["trading_day"].unique())
    assert (efp["approved_day"] < days[0]).all()  # before P: no effect on the statements
    assert (efp["long_client_code"] != efp["short_client_code"]).all()


def test_receipts_expiring_soon_and_past_their_deadline(
    frames: dict[str, pd.DataFrame],
) -> None:
    from core.rules.receipt_expiry import next_deadline

    cal = default_calendar()
    end = date.fromisoformat(frames["settlement_price"]["trading_day"].max())
    horizon = cal.add_trading_days(end, 10)
    rc = frames["warehouse_receipt"]
    live = rc[(rc["status"] != "cancelled") & rc["product_code"].isin(["m", "y"])]
    # The deadline a receipt got at registration: the first one on or after it.
    first = [
        next_deadline(p, date.fromisoformat(r))
        for p, r in zip(live["product_code"], live["registration_date"], strict=True)
    ]
    past = [d for d in first if d is not None and d < end]
    soon = [d for d in first if d is not None and end <= d <= horizon]
    assert 2 <= len(past) <= 6  # still registered after their deadline
    assert len(soon) >= 10


# --------------------------------------------------------------------- one truth
def test_the_demo_is_what_the_daily_settlement_writes(
    demo_path: Path, tmp_path: Path, frames: dict[str, pd.DataFrame]
) -> None:
    """Settling the demo's last day again reproduces every stored row to the fen: the
    generator computes its figures with the settlement's own rule functions."""
    import shutil

    from core.services.settlement import run_daily_settlement

    copy = tmp_path / "resettle.sqlite"
    shutil.copy(demo_path, copy)
    db = open_database(f"sqlite:///{copy}")
    day = date.fromisoformat(str(frames["client_balance"]["trading_day"].max()))
    run_daily_settlement(db, day, user="test")
    db.engine.dispose()
    keys = {
        "position": ["trading_day", "client_code", "contract_code", "side", "hedge"],
        "client_balance": ["trading_day", "client_code"],
        "reserve_history": ["trading_day", "member_code"],
    }
    with sqlite3.connect(copy) as con:
        for table, key in keys.items():
            again = pd.read_sql(f"SELECT * FROM {table}", con)
            stored = frames[table]
            stored = stored[stored["trading_day"] == str(day)]
            again = again[again["trading_day"] == str(day)]
            cols = [c for c in stored.columns if c.endswith(("_fen", "lots")) or c in key]
            left = stored[cols].sort_values(key).reset_index(drop=True)
            right = again[cols].sort_values(key).reset_index(drop=True)
            assert len(left) > 0, table
            pd.testing.assert_frame_equal(left, right, check_dtype=False, obj=table)
