"""The risk-action commands: printed tables, exit codes and --out files."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.cli import main
from core.db.engine import open_database
from core.db.tables import WarehouseReceipt
from core.trading_calendar import default_calendar
from tests.core.test_services_risk import (
    D3,
    DAY,
    EXPECTED_FILLS,
    EXPECTED_REDUCED,
    MEMBER_B,
    build_risk_db,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-risk") / "template.sqlite"
    build_risk_db(path)
    return path


@pytest.fixture
def url(template: Path, tmp_path: Path) -> str:
    target = tmp_path / "risk.sqlite"
    shutil.copy(template, target)
    return f"sqlite:///{target}"


def _rows(path: Path) -> list[dict[str, str]]:
    """Rows of a written file as strings, whatever the format."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        return [{k: "" if v is None else str(v) for k, v in row.items()} for row in data]
    ws = load_workbook(path).active
    values = list(ws.iter_rows(values_only=True))
    head = [str(h) for h in values[0]]
    return [
        {h: "" if v is None else str(v) for h, v in zip(head, row, strict=True)}
        for row in values[1:]
    ]


def _table_lines(out: str, client: str) -> list[list[str]]:
    return [line.split() for line in out.splitlines() if line.split()[:1] == [client]]


def test_reduction_preview_prints_spec_fills(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--db", url, "reduction-preview", "--contract", "m2409", "--day", str(D3)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Parameters marked unverified: " in out
    assert "loss_threshold" in out
    assert "limit_down on D1 2024-07-10, D2 2024-07-11, D3 2024-07-12" in out
    for client, lots in {**EXPECTED_FILLS, **EXPECTED_REDUCED}.items():
        (row,) = _table_lines(out, client)
        assert row[10] == str(lots), row  # closed_lots column
    assert not _table_lines(out, "U")  # tier 3 untouched: not printed without --all


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_reduction_out_reads_back(
    url: str, tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"reduction{suffix}"
    code = main(
        [
            "--db",
            url,
            "reduction-preview",
            "--contract",
            "m2409",
            "--day",
            str(D3),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert out.exists()
    rows = {r["client_code"]: r for r in _rows(out) if r["hedge"] in ("False", "false")}
    assert rows["X"]["closed_lots"] == "5"
    assert rows["A"]["closed_lots"] == "7"
    assert rows["Z"]["pnl_yuan"] == "66400.00"
    assert rows["A"]["unit_pnl_pct"] == "-10.00%"
    assert "written" in capsys.readouterr().out


def test_reduction_explain_and_zh_labels(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "--db",
            url,
            "reduction-preview",
            "--contract",
            "m2409",
            "--day",
            str(D3),
            "--explain",
            "A",
            "--labels",
            "zh",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "减仓手数" in out
    assert "explanation for A" in out
    assert "3.7059" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["reduction-preview", "--contract", "zz9999"], "unknown contract", id="c"),
        pytest.param(
            ["reduction-preview", "--contract", "m2407", "--day", str(D3)],
            "last trading day",
            id="ltd",
        ),
        pytest.param(
            ["reduction-preview", "--contract", "a2409", "--day", str(D3)],
            "no settlement price",
            id="no-price",
        ),
        pytest.param(["liquidation-preview", "--day", str(DAY)], "several members", id="m"),
        pytest.param(
            ["liquidation-preview", "--member", MEMBER_B, "--day", str(D3)],
            "no reserve history",
            id="no-reserve",
        ),
        pytest.param(["receipts", "--holder", "NOBODY"], "no warehouse receipts", id="r"),
        pytest.param(
            ["allocate-delivery", "--seller", "S1", "--contract", "m2409"],
            "no delivery matches",
            id="no-match",
        ),
        pytest.param(
            ["allocate-delivery", "--warehouses", "A:1", "--buyers", "B:2"],
            "must be equal",
            id="adhoc-sums",
        ),
        pytest.param(["limits", "--out", "x.txt"], "unknown output format", id="bad-suffix"),
    ],
)
def test_bad_input_exits_2(
    url: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", url, *argv]) == 2
    assert message in capsys.readouterr().err


def test_no_prices_at_all_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    assert main(["--db", empty, "db", "upgrade"]) == 0  # only db upgrade and demo create
    assert main(["--db", empty, "limits"]) == 2
    assert "no settlement prices" in capsys.readouterr().err


def test_liquidation_preview_spec_2f(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "liq.json"
    code = main(["--db", url, "liquidation-preview", "--member", MEMBER_B, "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0
    assert "required 600000.00" in text
    assert "opening banned: yes" in text
    assert "Parameters marked unverified: lots_method, min_reserve, requirement" in text
    lots = {(r["client_code"], r["contract_code"]): r["close_lots"] for r in _rows(out)}
    assert lots == {  # largest remainder, the default lot method (spec 2.f, Q13)
        ("C1", "i2409"): "20",
        ("C1", "m2409"): "27",
        ("C2", "y2409"): "15",
        ("C3", "c2409"): "41",
        ("C3", "jm2409"): "8",
    }
    released = {r["contract_code"]: r["released_yuan"] for r in _rows(out)}
    assert released["m2409"] == "97200.00"
    assert released["i2409"] == "213200.00"


def test_liquidation_what_if_and_options(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "--db",
            url,
            "liquidation-preview",
            "--member",
            MEMBER_B,
            "--deposit",
            "600000.00",
            "--requirement",
            "to_min_reserve",
            "--lots-method",
            "fewest_lots",
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "no liquidation" in text
    code = main(["--db", url, "liquidation-preview", "--member", MEMBER_B, "--reserve", "-100.00"])
    assert code == 0
    assert "required 100.00" in capsys.readouterr().out


def test_limits_prints_over_and_near(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "limits.xlsx"
    code = main(["--db", url, "limits", "--day", str(DAY), "--warn", "0.8", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0
    (l1,) = _table_lines(text, "L1")
    assert l1[-1] == "over"
    assert "1000" in l1
    assert _table_lines(text, "L2")[0][-1] == "near"
    assert "no limit data" in text
    assert "jm" in text
    rows = {(r["client_code"], r["side"]): r for r in _rows(out)}
    assert rows[("L1", "long")]["excess_lots"] == "1000"
    assert rows[("L2", "short")]["usage_pct"] == "82.50%"


def test_receipts_command(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "receipts.csv"
    code = main(
        ["--db", url, "receipts", "--day", "2025-01-10", "--holder", "K", "--out", str(out)]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "2025-03-28" in text
    rows = {(r["warehouse_code"], r["status"]): r for r in _rows(out)}
    assert rows[("W1", "held")]["tons"] == "300"
    assert rows[("W1", "held")]["next_deadline"] == "2025-03-28"
    code = main(["--db", url, "receipts", "--day", "2025-01-10", "--warehouse", "W2"])
    text = capsys.readouterr().out
    assert code == 0
    assert "registrations blocked" in text
    assert "RM50" in text
    code = main(
        [
            "--db",
            url,
            "receipts",
            "--day",
            "2024-12-02",
            "--rule-version",
            "seed",
            "--expiring",
            "30",
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "RM1" in text
    assert "2024-12-30" in text


def test_receipts_command_says_why_a_deadline_is_missing(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    until = default_calendar().known_until
    db = open_database(url)
    with db.sessions.begin() as s:
        for no, product, registered in (
            ("RI1", "i", date(2025, 1, 6)),  # no validity rule for iron ore
            ("RC9", "c", date(until.year, 4, 1)),  # next March: past the calendar
        ):
            s.add(
                WarehouseReceipt(
                    receipt_no=no,
                    product_code=product,
                    warehouse_code="W1",
                    member_code=MEMBER_B,
                    holder_code="Q",
                    lots=1,
                    tons=10,
                    registration_date=registered,
                    status="held",
                )
            )
    db.engine.dispose()
    out = tmp_path / "holdings.csv"
    code = main(
        ["--db", url, "receipts", "--day", "2025-01-10", "--holder", "Q", "--out", str(out)]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert f"beyond calendar (to {until})" in text
    assert "no rule" in text
    assert "deadline_status" not in text  # said in the deadline column instead
    assert f"1 beyond the trading calendar (known to {until})" in text
    rows = {r["product_code"]: r for r in _rows(out)}
    assert rows["c"]["deadline_status"] == "beyond_calendar"
    assert rows["i"]["deadline_status"] == "no_rule"
    assert rows["i"]["next_deadline"] == ""
    code = main(["--db", url, "receipts", "--day", "2025-01-10", "--holder", "Q", "--labels", "zh"])
    text = capsys.readouterr().out
    assert code == 0
    assert f"日历外 (至 {until})" in text
    assert "无规则" in text


def test_receipts_command_shows_overdue_receipts(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # P2's meal receipts were registered in 2024 (RM1 in June, RM50 in November): on
    # 2025-01-10 both are past the deadline they got then, 2024-07-30 and 2024-11-28.
    out = tmp_path / "holdings.csv"
    argv = ["--db", url, "receipts", "--day", "2025-01-10", "--holder", "P2"]
    assert main([*argv, "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "overdue: 2 receipts still registered past their deadline (earliest 2024-07-30)" in (
        text
    )
    assert "2024-07-30 overdue" in text
    assert "2024-11-28 overdue" in text
    assert "overdue (past their deadline, should have been cancelled):" in text
    overdue_lines = {
        line.split()[2]: line.split() for line in text.splitlines() if line.startswith("W")
    }
    assert overdue_lines["RM1"][-2:] == ["2024-07-30", "-110"]
    rows = {r["warehouse_code"]: r for r in _rows(out)}
    assert rows["W1"]["deadline_status"] == "overdue"
    assert rows["W1"]["next_deadline"] == "2024-07-30"
    assert int(rows["W1"]["trading_days_left"]) < 0
    assert main([*argv, "--labels", "zh"]) == 0
    assert "2024-07-30 逾期" in capsys.readouterr().out
    # --expiring lists what is still to come; overdue receipts are listed apart.
    assert main([*argv, "--expiring", "10"]) == 0
    text = capsys.readouterr().out
    expiring, _, overdue = text.partition("overdue (past their deadline")
    assert "RM1" not in expiring
    assert "RM1" in overdue
    # A holder with nothing overdue gets no such table.
    assert main(["--db", url, "receipts", "--day", "2025-01-10", "--holder", "K"]) == 0
    assert "overdue" not in capsys.readouterr().out


def test_allocate_delivery_command(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from core.db.engine import open_database
    from core.services.delivery import record_delivery_match

    db = open_database(url)
    for buyer, lots in (("X", 20), ("Y", 30), ("Z", 10)):
        record_delivery_match(db, DAY, "m2409", "S1", buyer, lots)
    db.engine.dispose()
    out = tmp_path / "pairs.csv"
    code = main(
        [
            "--db",
            url,
            "allocate-delivery",
            "--seller",
            "S1",
            "--contract",
            "m2409",
            "--out",
            str(out),
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "3 pairs" in text
    assert "matches marked as allocated" in text
    pairs = {(r["warehouse_code"], r["buyer_code"]): r["lots"] for r in _rows(out)}
    assert pairs == {("WA", "Y"): "30", ("WB", "X"): "20", ("WC", "Z"): "10"}


def test_allocate_ad_hoc_needs_no_database(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["allocate-delivery", "--warehouses", "A:30,B:20,C:10", "--buyers", "X:20,Y:30,Z:10"]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "3 pairs (lower bound 3, optimal" in text
    assert _table_lines(text, "A") == [["A", "Y", "30"]]


def test_demo_database_smoke(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.db.engine import open_database
    from core.services.demo import create_demo_data

    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    db = open_database(url)
    summary, _ = create_demo_data(db, scale="small")
    db.engine.dispose()
    capsys.readouterr()
    contract = summary.locked_contract
    for argv in (
        ["reduction-preview", "--contract", contract],
        ["liquidation-preview", "--reserve", "-3000000.00"],
        ["limits"],
        ["receipts"],
        ["receipts", "--expiring", "10"],
    ):
        assert main(["--db", url, *argv]) == 0, argv
        assert capsys.readouterr().out.strip()
    assert main(["--db", url, "allocate-delivery", "--seller", "X", "--contract", contract]) == 2
    assert "no delivery matches" in capsys.readouterr().err
