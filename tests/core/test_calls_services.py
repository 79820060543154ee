"""Margin-call and client forced-close services and commands on the small demo
(settled day 2026-11-20, live day 2026-11-23), SQLite."""

from __future__ import annotations

import csv
import shutil
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from core import audit
from core.cli import main
from core.db.call_queries import client_balances
from core.db.day_inputs import read_live_day
from core.db.queries import accounts_frame
from core.errors import InputError
from core.live.engine import LiveRiskEngine
from core.rules.margin_calls import CallSettings
from core.rules.risk_levels import FORCED_CLOSE, MARGIN_CALL, default_risk_levels
from core.services.calls import CallRequest, intraday_calls, settled_calls
from core.services.demo import create_demo_data
from core.services.forced_close import (
    EXPORT_COLUMNS,
    ForcedCloseRequest,
    export_orders,
    order_table,
    preview_forced_close,
    review_edits,
)
from core.services.store import Database, open_database
from core.trading_calendar import EXCHANGE_TZ, default_calendar

DAY = date(2026, 11, 20)
LIVE_DAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("calls") / "demo.sqlite"
    db = open_database(f"sqlite:///{path}")
    create_demo_data(db, scale="small", user="tester")
    db.engine.dispose()
    return path


@pytest.fixture
def url(template: Path, tmp_path: Path) -> str:
    target = tmp_path / "demo.sqlite"
    shutil.copy(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def db(url: str) -> Database:
    database = open_database(url)
    yield database  # type: ignore[misc]
    database.engine.dispose()


# ----------------------------------------------------------------- calls
def test_settled_calls_equal_the_stored_figures(db: Database) -> None:
    with db.reader() as reader:
        calls = settled_calls(reader, CallRequest(day=DAY))
        stored = client_balances(reader.session, DAY)
        accounts = accounts_frame(reader.session, DAY).set_index("client_code")
    levels = default_risk_levels()
    ratio = levels.ratio(stored["margin_fen"], stored["balance_fen"], stored["available_fen"])
    level = levels.classify(ratio, stored["available_fen"], stored["balance_fen"])
    due = stored[level >= MARGIN_CALL].set_index("client_code")
    listed = calls.calls.set_index("client_code")
    assert sorted(listed.index) == sorted(due.index)  # the full list, nothing left out
    for col in ("margin_fen", "available_fen"):
        assert (listed[col] == due.loc[listed.index, col]).all()
    assert (listed["equity_fen"] == due.loc[listed.index, "balance_fen"]).all()
    # the call to available funds is the settlement's own required top-up, to the fen
    assert (listed["call_fen"] == due.loc[listed.index, "margin_call_fen"]).all()
    assert calls.total_call_fen == int(stored["margin_call_fen"].sum())
    # the Accounts screen's level and ratio, account by account
    assert (listed["level"] == accounts.loc[listed.index, "risk_level"]).all()
    assert (listed["risk_ratio_ppm"] == accounts.loc[listed.index, "risk_ratio_ppm"]).all()
    assert calls.counts == levels.counts(level)
    assert sum(calls.counts.values()) == calls.accounts == 500
    assert calls.called == 12
    assert calls.deadline == datetime(2026, 11, 23, 9, 0, tzinfo=EXCHANGE_TZ)
    # most severe first, then the largest call
    assert calls.calls["call_fen"].iloc[0] == calls.calls["call_fen"].max()


def test_hand_checked_demo_call(db: Database) -> None:
    with db.reader() as reader:
        calls = settled_calls(reader).calls.set_index("client_code")
    row = calls.loc["10000378"]
    # balance 88,295.48, margin 89,260.60, no receipts: available −965.12, called 965.12
    assert (row["equity_fen"], row["margin_fen"], row["available_fen"]) == (
        8_829_548,
        8_926_060,
        -96_512,
    )
    assert row["call_fen"] == 96_512
    assert row["risk_ratio_ppm"] == 1_010_930  # 89,260.60 ÷ 88,295.48, floored ppm


def test_level_filter_and_ratio_target(db: Database) -> None:
    with db.reader() as reader:
        forced = settled_calls(reader, CallRequest(min_level=FORCED_CLOSE))
        to_ratio = settled_calls(reader, CallRequest(settings=CallSettings(target="both")))
    assert (forced.calls["level"] >= FORCED_CLOSE).all()
    assert (to_ratio.calls["call_fen"] >= to_ratio.calls["to_available_fen"]).all()
    assert (to_ratio.calls["to_ratio_fen"] > 0).all()
    assert to_ratio.total_call_fen > forced.total_call_fen


def test_no_settled_day(tmp_path: Path) -> None:
    empty = open_database(f"sqlite:///{tmp_path / 'e.sqlite'}")
    with empty.reader() as reader, pytest.raises(InputError, match="no settled day"):
        settled_calls(reader)
    empty.engine.dispose()


def test_intraday_calls_equal_the_snapshot(db: Database) -> None:
    with db.reader() as reader:
        inputs = read_live_day(reader.session, LIVE_DAY, default_calendar())
    engine = LiveRiskEngine.from_day_inputs(inputs, member_code="0101")
    snap = engine.snapshot()
    calls = intraday_calls(snap, CallRequest(min_level=0))
    acc = snap.accounts
    frame = calls.calls.set_index("client_code").loc[list(acc.keys)]
    assert (frame["risk_ratio_ppm"].to_numpy() == acc["risk_ratio_ppm"]).all()
    assert (frame["level"].to_numpy() == acc["risk_level"]).all()
    assert (frame["call_fen"].to_numpy() == np.maximum(-acc["available_fen"], 0)).all()
    assert (frame["equity_fen"].to_numpy() == acc["dynamic_equity_fen"]).all()
    assert calls.deadline == datetime(2026, 11, 24, 9, 0, tzinfo=EXCHANGE_TZ)
    assert calls.basis == "intraday"
    assert calls.trading_day == LIVE_DAY


# ----------------------------------------------------------------- forced close
def test_forced_close_of_every_due_client(db: Database) -> None:
    with db.reader() as reader:
        pv = preview_forced_close(reader, ForcedCloseRequest(day=DAY))
        stored = client_balances(reader.session, DAY).set_index("client_code")
    clients = pv.clients.set_index("client_code")
    assert len(clients) == 12
    assert (clients["required_fen"] == stored.loc[clients.index, "margin_call_fen"]).all()
    assert (clients["released_fen"] >= clients["required_fen"]).all()  # every one restored
    assert (clients["shortfall_fen"] == 0).all()
    # the prior settlement basis: the lines' margins add up to the stored client margin
    per_client = pv.lines.groupby("client_code")["line_margin_fen"].sum()
    assert (per_client == stored.loc[per_client.index, "margin_fen"]).all()
    lines = pv.lines
    assert ((lines["close_lots"] >= 0) & (lines["close_lots"] <= lines["lots"])).all()
    assert set(lines["flag"]) <= {"speculative", "hedge"}
    orders = pv.orders
    assert (orders["one_less_short_fen"] > 0).all()  # no order could lose a lot
    assert pv.close_day == LIVE_DAY
    assert pv.is_past_deadline(datetime(2026, 11, 23, 9, 0, tzinfo=EXCHANGE_TZ))
    assert not pv.is_past_deadline(datetime(2026, 11, 23, 8, 59, tzinfo=EXCHANGE_TZ))
    assert (clients["ratio_bp"] >= 10_000).all()


def test_one_client_hand_checked(db: Database) -> None:
    """10000378: 965.12 short; its cheapest lot is one c2701 short at 2,192.00 × 10 × 7 %
    = 1,534.40, which beats every other line's lot."""
    with db.reader() as reader:
        pv = preview_forced_close(reader, ForcedCloseRequest(clients=("10000378",)))
    orders = pv.orders
    assert orders[["contract_code", "side", "close_lots", "released_fen"]].values.tolist() == [
        ["c2701", "short", 1, 153_440]
    ]
    row = pv.clients.iloc[0]
    assert (row["required_fen"], row["released_fen"], row["over_release_fen"]) == (
        96_512,
        153_440,
        56_928,
    )
    assert bool(row["is_over"])  # 158.99 % > 110 %: no smaller set exists, but it is flagged
    alts = pv.explain("10000378")
    assert all(a.released_fen >= 153_440 for a in alts if a.covers)


def test_a_client_not_due_closes_nothing(db: Database) -> None:
    with db.reader() as reader:
        pv = preview_forced_close(reader, ForcedCloseRequest(clients=("10000001",)))
    assert pv.orders.empty
    assert pv.clients.iloc[0]["status"] == "nothing_due"
    with db.reader() as reader, pytest.raises(InputError, match="no balance"):
        preview_forced_close(reader, ForcedCloseRequest(clients=("nobody",)))
    with db.reader() as reader:  # the prior day: nobody short, nothing to close
        quiet = preview_forced_close(reader, ForcedCloseRequest(day=date(2026, 11, 19)))
    assert quiet.clients.empty
    assert quiet.orders.empty
    with db.reader() as reader, pytest.raises(InputError, match="not settled"):
        preview_forced_close(reader, ForcedCloseRequest(day=date(2026, 11, 1)))


def test_hedge_lines_excluded_by_setting(db: Database) -> None:
    from core.rules.client_forced_close import CloseSettings

    with db.reader() as reader:
        pv = preview_forced_close(
            reader, ForcedCloseRequest(close_settings=CloseSettings(include_hedge=False))
        )
    assert not pv.orders["hedge"].any()


def test_review_of_edited_orders(db: Database) -> None:
    with db.reader() as reader:
        pv = preview_forced_close(reader, ForcedCloseRequest(clients=("10000378", "10000012")))
    edited = pv.orders[["client_code", "contract_code", "side", "hedge", "close_lots"]].copy()
    edited.loc[edited["client_code"] == "10000378", "close_lots"] = 2
    edited.loc[edited["client_code"] == "10000012", "close_lots"] = 1
    out = review_edits(pv, edited)
    assert out.reviews["10000378"].released_fen == 306_880
    assert out.reviews["10000012"].is_short
    assert {(c, k) for c, k, _ in out.warnings} == {("10000378", "over"), ("10000012", "short")}
    bad = edited.copy()
    bad.loc[bad.index[0], "close_lots"] = 99
    with pytest.raises(InputError, match="closes 99"):
        review_edits(pv, bad)
    ghost = pd.DataFrame(
        [
            {
                "client_code": "10000378",
                "contract_code": "zz9999",
                "side": "long",
                "hedge": False,
                "close_lots": 1,
            }
        ]
    )
    with pytest.raises(InputError, match="no open line"):
        review_edits(pv, ghost)


def test_order_export_keeps_flag_and_inputs_and_is_audited(db: Database, tmp_path: Path) -> None:
    with db.reader() as reader:
        pv = preview_forced_close(reader)
    path, changes = export_orders(db, pv, tmp_path / "orders.xlsx", user="tester")
    assert changes.audit
    ws = load_workbook(path).active
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert "flag" in header
    assert "settlement_yuan" in header
    assert "rate_ppm" in header
    assert "balance_yuan" in header
    assert "required_yuan" in header
    assert "trading_day" in header
    assert ws.max_row == len(pv.orders) + 1
    with db.reader() as reader:
        entries = audit.recent(reader.session, action="export.forced_close_orders")
    assert len(entries) == 1
    assert entries[0].detail_data()["rows"] == len(pv.orders)
    assert list(order_table(pv).columns) == list(EXPORT_COLUMNS)


# ----------------------------------------------------------------- commands
def test_calls_command(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "calls.csv"
    assert main(["--db", url, "calls", "--day", "2026-11-20", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "total call 248,109.37" in text
    assert "deadline: 2026-11-23T09:00:00+08:00" in text
    assert "10000378" in text
    assert "965.12" in text
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 13
    assert rows[0]["call_yuan"] == "118538.86"
    assert main(["--db", url, "calls", "--level", "deficit"]) == 0
    assert "listed (deficit or worse): 0" in capsys.readouterr().out


def test_force_close_command(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "orders.csv"
    args = ["--db", url, "force-close", "--client", "10000378", "--out", str(out)]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "one lot fewer leaves 965.12 uncovered" in text
    assert "alternatives for 10000378" in text
    assert "best_single_line" in text
    assert "above 110.00%" in text
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["flag"] == "speculative"
    assert rows[0]["close_lots"] == "1"
    edited = tmp_path / "edited.csv"
    edited.write_text(
        "client_code,contract_code,side,flag,close_lots\n10000378,c2701,short,speculative,2\n",
        encoding="utf-8",
    )
    assert main(["--db", url, "force-close", "--client", "10000378", "--edited", str(edited)]) == 0
    assert "released 3,068.80 (317.97%)" in capsys.readouterr().out
    assert main(["--db", url, "force-close", "--all-due", "--target", "both"]) == 0
    assert "target both" in capsys.readouterr().out
    assert main(["--db", url, "force-close", "--client", "nobody"]) == 2
