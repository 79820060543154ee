"""Every shared case file of the money kinds, compared like check_cases.py does."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.calc import run_case
from core.calc.reader import Explain
from core.errors import CaseError

CASES_DIR = Path(__file__).resolve().parents[3] / "shared" / "spec" / "cases"
KINDS = {"margin-schedule", "client-funds", "member-settlement"}
_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _case_files() -> list[Path]:
    if not CASES_DIR.is_dir():
        return []
    out = []
    for p in sorted(CASES_DIR.glob("*.json")):
        if json.loads(p.read_text(encoding="utf-8")).get("kind") in KINDS:
            out.append(p)
    return out


def _num(v: Any) -> Decimal | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, int | float):
        return Decimal(str(v))
    if isinstance(v, str) and _NUM.match(v.strip()):
        return Decimal(v.strip())
    return None


def _canon(v: Any) -> tuple[str, Any]:
    d = _num(v)
    if d is not None:
        return ("0", d)
    if isinstance(v, str):
        return ("1", v)
    return ("2", json.dumps(v, sort_keys=True))


def _compare(exp: Any, act: Any, path: str) -> str | None:
    """As check_cases.py: only expected keys; numbers by value; lists sorted."""
    if isinstance(exp, dict):
        if not isinstance(act, dict):
            return f"{path}: expected an object"
        for k, v in exp.items():
            if k not in act:
                return f"{path}.{k}: missing"
            diff = _compare(v, act[k], f"{path}.{k}")
            if diff:
                return diff
        return None
    if isinstance(exp, list):
        if not isinstance(act, list) or len(exp) != len(act):
            return f"{path}: expected {len(exp)} items, got {act!r}"
        keys: list[str] = []
        for item in exp:
            if isinstance(item, dict):
                keys += [k for k in item if k not in keys]

        def key(item: Any) -> tuple[Any, ...]:
            if isinstance(item, dict):
                return tuple(_canon(item.get(k)) for k in keys)
            return (_canon(item),)

        for i, (x, y) in enumerate(zip(sorted(exp, key=key), sorted(act, key=key), strict=True)):
            diff = _compare(x, y, f"{path}[{i}]")
            if diff:
                return diff
        return None
    de = _num(exp)
    if de is not None and not isinstance(exp, bool):
        da = _num(act)
        if da is None:
            return f"{path}: expected {exp!r}, got {act!r}"
        frac = exp.split(".")[1] if isinstance(exp, str) and "." in exp else ""
        if isinstance(exp, str) and len(frac) != 2 and "e" not in exp.lower():
            ok = abs(de - da) <= Decimal("1e-9") * max(abs(de), Decimal("1e-3"))
        else:
            ok = de == da
        return None if ok else f"{path}: expected {exp!r}, got {act!r}"
    return None if exp == act else f"{path}: expected {exp!r}, got {act!r}"


CASE_FILES = _case_files()


@pytest.mark.skipif(not CASES_DIR.is_dir(), reason=f"shared case folder absent: {CASES_DIR}")
def test_case_folder_has_money_cases() -> None:
    assert len(CASE_FILES) >= 8


@pytest.mark.skipif(not CASES_DIR.is_dir(), reason=f"shared case folder absent: {CASES_DIR}")
@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case_file(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    trace = Explain()
    out = run_case(doc, trace)
    assert _compare(doc["expect"], json.loads(json.dumps(out)), "expect") is None
    assert trace.lines, "--explain trace must not be empty"


# ----------------------------------------------------------------------- bad input


def _doc(name: str) -> dict[str, Any]:
    path = CASES_DIR / name
    if not path.is_file():
        pytest.skip(f"case file absent: {path}")
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


@pytest.mark.parametrize(
    ("name", "mutate", "path"),
    [
        pytest.param(
            "2c-client-funds.json",
            lambda d: d["input"]["lines"][0]["trades"][0].update(lots=-5),
            "input.lines[0].trades[0].lots",
            id="negative-lots",
        ),
        pytest.param(
            "2c-client-funds.json",
            lambda d: d["input"]["lines"][0]["trades"][0].update(lots=31),
            "input.lines[0].trades[0].lots",
            id="over-close",
        ),
        pytest.param(
            "2c-client-funds.json",
            lambda d: d["input"]["lines"][1].update(side="flat"),
            "input.lines[1].side",
            id="bad-side",
        ),
        pytest.param(
            "2c-client-funds.json",
            lambda d: d["input"].pop("balance"),
            "input.balance",
            id="missing",
        ),
        pytest.param(
            "2c-client-funds.json",
            lambda d: d["input"]["receipts"][0].update(base_price="abc"),
            "input.receipts[0].base_price",
            id="bad-price",
        ),
        pytest.param(
            "2c-client-funds.json",
            lambda d: d.setdefault("params", {}).update(haircut="1.5"),
            "params.haircut",
            id="bad-haircut",
        ),
        pytest.param(
            "2d-member-settlement.json",
            lambda d: d["input"]["lines"][0].pop("settlement"),
            "input.lines[0].settlement",
            id="no-settlement",
        ),
        pytest.param(
            "2d-member-settlement.json",
            lambda d: d["input"].update(delivery_payments=["1.234"]),
            "input.delivery_payments[0]",
            id="bad-payment",
        ),
        pytest.param(
            "2h-hedge-conversion.json",
            lambda d: d["input"]["lines"].pop(1),
            "input.hedge_conversions[0]",
            id="no-hedge-line",
        ),
        pytest.param(
            "2b-margin-schedule-m2405.json",
            lambda d: d["input"]["dates"].append("2024-05-01"),
            "input.dates[6]",
            id="holiday",
        ),
        pytest.param(
            "2b-margin-schedule-m2405.json",
            lambda d: d["input"].update(delivery_month="2024-13"),
            "input.delivery_month",
            id="bad-month",
        ),
        pytest.param(
            "2b-margin-schedule-m2405.json",
            lambda d: d["input"].update(dates=["2024-05-20"]),
            "input.dates[0]",
            id="after-ltd",
        ),
    ],
)
def test_bad_input_names_json_path(name: str, mutate: Any, path: str) -> None:
    doc = _doc(name)
    mutate(doc)
    with pytest.raises(CaseError) as info:
        run_case(doc)
    assert info.value.path == path


def test_cli_bad_input_exits_2_naming_path(tmp_path: Path) -> None:
    doc = _doc("2c-client-funds.json")
    doc["input"]["lines"][0]["historic_lots"] = -5
    case = tmp_path / "bad.json"
    case.write_text(json.dumps(doc), encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from desktop.cli import main; sys.exit(main())",
            "calc",
            str(case),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        "input.lines[0].historic_lots: must be a non-negative integer, got -5"
    )
