"""``riskdesk calc`` refuses what it cannot compute exactly and what is missing (issue #13):
exit 2 with the JSON path, never an OverflowError or decimal.InvalidOperation traceback,
never a silently filled field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest

from core.calc import run_case
from core.cli import main as cli_main
from core.errors import CaseError
from core.money import parse_yuan

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec"
CASES = sorted([*SPEC.glob("cases/*.json"), *SPEC.glob("cases-next/*.json")])
OPTIONAL = {"hedge", "last_price", "hedge_conversions"}
"""Input keys the case format makes optional (README: ``hedge`` defaults to false,
``last_price`` and ``hedge_conversions`` are optional); every other key is required."""


def _doc(name: str) -> dict[str, Any]:
    path = SPEC / "cases" / name
    if not path.is_file():
        pytest.skip(f"case file absent: {path}")
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def _calc(doc: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """``riskdesk calc`` on ``doc``: asserts exit 2 and one line on stderr; that line."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert cli_main(["calc", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    return line


# --------------------------------------------------------------------- the cases
def test_forced_reduction_with_1e11_lots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc("2e-forced-reduction-lrm.json")
    doc["input"]["positions"][0]["lots"] = 10**11
    assert _calc(doc, tmp_path, capsys) == (
        "input.positions[0].lots: too large: must be at most 10,000,000, got 100000000000"
    )


@pytest.mark.parametrize(
    ("where", "path"),
    [
        (("positions", 0, "open_price"), "input.positions[0].open_price"),
        (("settlement_price",), "input.settlement_price"),
    ],
)
def test_forced_reduction_with_a_price_of_1e400(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: tuple[Any, ...], path: str
) -> None:
    doc = _doc("2e-forced-reduction-lrm.json")
    node = doc["input"]
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = "1e400"
    assert _calc(doc, tmp_path, capsys) == (
        f'{path}: too large: a price must be at most 1,000,000.00, got "1e400"'
    )


def test_member_settlement_price_of_1e400_is_no_invalid_operation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc("2d-member-settlement.json")
    doc["input"]["lines"][0]["settlement"] = "1e400"
    assert _calc(doc, tmp_path, capsys).startswith("input.lines[0].settlement: too large")


def test_forced_liquidation_beyond_exact_sums_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every value within its limit, the line's margin (10^7 lots × 10^12 yuan) beyond
    int64: the real product decides, and the refusal names the line."""
    doc = _doc("2f-forced-liquidation-to-zero.json")
    doc["input"]["lines"][1].update(lots=10_000_000, margin_per_lot="1000000000000.00")
    line = _calc(doc, tmp_path, capsys)
    assert line.startswith("input.lines[1]: client ")
    assert "10,000,000 lots" in line
    assert "int64" in line


def test_forced_liquidation_large_but_exact_runs() -> None:
    """A line of 4 × 10^18 fen: the old guard (largest line × lines ≥ 2^62) refused it,
    the real total (below 2^62) is computed exactly."""
    doc = _doc("2f-forced-liquidation-to-zero.json")
    line = doc["input"]["lines"][0]
    line.update(lots=10_000_000, margin_per_lot="4000000000.00")
    out = run_case(doc)
    (client,) = [c for c in out["clients"] if c["client"] == line["client"]]
    want = sum(
        x["lots"] * parse_yuan(x["margin_per_lot"])
        for x in doc["input"]["lines"]
        if x["client"] == line["client"]
    )
    assert want > 4 * 10**18  # fen: lines × largest line margin passes 2^62
    assert parse_yuan(client["margin"]) == want
    assert parse_yuan(out["total_released"]) >= parse_yuan(out["required"])


def test_delivery_allocation_with_huge_quantities(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc("2j-allocation-no-split.json")
    for side in ("warehouses", "buyers"):
        for item in doc["input"][side]:
            item["lots"] = 10**30
    assert _calc(doc, tmp_path, capsys).startswith(
        "input.warehouses[0].lots: too large: must be at most 10,000,000"
    )


def test_allocate_delivery_command_with_huge_quantities(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = cli_main(
        [
            "allocate-delivery",
            "--warehouses",
            "W1:100000000000000000000,W2:5",
            "--buyers",
            "B1:100000000000000000003,B2:2",
        ]
    )
    assert code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line == (
        "riskdesk: warehouses[0]: too large: must be at most 10,000,000 lots, "
        "got 100000000000000000000"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"kind": "client-funds", "input": {"balance": ' + "1" * 5000 + "}}", "too many digits"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_case_files_python_cannot_parse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")
    assert cli_main(["calc", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_terminal_control_characters_are_not_echoed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc("2j-allocation-no-split.json")
    doc["input"]["warehouses"][0]["lots"] = "\x1b[31mred\x85"
    line = _calc(doc, tmp_path, capsys)
    assert "\x1b" not in line
    assert "\\u001b[31mred\\u0085" in line


# --------------------------------------------------------------------- required fields
def _key_paths(
    node: Any, path: str, out: list[tuple[str, tuple[Any, ...]]], at: tuple[Any, ...]
) -> None:
    """The path text and location of every dict key below ``node`` (first list entry)."""
    if isinstance(node, dict):
        for key, value in node.items():
            out.append((f"{path}.{key}", (*at, key)))
            _key_paths(value, f"{path}.{key}", out, (*at, key))
    elif isinstance(node, list) and node:
        _key_paths(node[0], f"{path}[0]", out, (*at, 0))


def _removals() -> Iterator[Any]:
    for case in CASES:
        doc = json.loads(case.read_text(encoding="utf-8"))
        found: list[tuple[str, tuple[Any, ...]]] = []
        _key_paths(doc["input"], "input", found, ())
        for path, at in found:
            if at[-1] not in OPTIONAL:
                yield pytest.param(case, path, at, id=f"{case.stem}:{path}")


@pytest.mark.parametrize(("case", "path", "at"), list(_removals()))
def test_every_field_of_the_case_format_is_required(
    case: Path, path: str, at: tuple[Any, ...]
) -> None:
    doc = json.loads(case.read_text(encoding="utf-8"))
    node = doc["input"]
    for step in at[:-1]:
        node = node[step]
    del node[at[-1]]
    with pytest.raises(CaseError) as info:
        run_case(doc)
    assert (info.value.path, info.value.message) == (path, "missing")


@pytest.mark.parametrize(
    ("name", "at"),
    [
        ("2c-client-funds.json", ("lines", 0, "hedge")),
        ("2d-member-settlement.json", ("lines", 0, "hedge")),
        ("2e-forced-reduction-lrm.json", ("positions", 0, "hedge")),
        ("2h-hedge-conversion.json", ("hedge_conversions",)),
    ],
)
def test_documented_defaults_still_apply(name: str, at: tuple[Any, ...]) -> None:
    doc = _doc(name)
    want = run_case(deepcopy(doc))
    node = doc["input"]
    for step in at[:-1]:
        node = node[step]
    value = node.pop(at[-1])
    if value in (False, []):  # the default itself: the same result
        assert run_case(doc) == want
    else:
        run_case(doc)  # runs, with the default


def test_a_delivery_carries_no_trade_fee() -> None:
    doc = _doc("2d-member-settlement.json")
    delivery = next(
        t for line in doc["input"]["lines"] for t in line["trades"] if t["action"] == "deliver"
    )
    delivery["fee"] = "5.00"
    with pytest.raises(CaseError) as info:
        run_case(doc)
    assert info.value.message == "must be absent: a delivery carries no trade fee"
    delivery["fee"] = "0.00"
    run_case(doc)


def test_receipt_produced_may_be_null_but_not_missing() -> None:
    doc = _doc("2i-receipt-expiry-current.json")
    receipt = doc["input"]["receipts"][0]
    receipt["produced"] = None
    run_case(deepcopy(doc))
    del receipt["produced"]
    with pytest.raises(CaseError) as info:
        run_case(doc)
    assert info.value.path == "input.receipts[0].produced"


def test_negative_min_reserve_parameter_names_its_path() -> None:
    """Found by the fuzz suite: the parameter was refused by LiquidationParams with a bare
    ValueError (a traceback) before its own check could name it."""
    doc = _doc("2f-forced-liquidation-to-zero.json")
    doc["params"]["min_reserve"] = "-600000.00"
    with pytest.raises(CaseError) as info:
        run_case(doc)
    assert (info.value.path, info.value.message) == ("params.min_reserve", "must not be negative")
