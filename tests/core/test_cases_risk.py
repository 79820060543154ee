"""Every rule case of the risk kinds (../shared/spec/cases and the rule changes of the
open issues in ../shared/spec/cases-next) through ``run_case``.

Compared with the same rules as ``check_cases.py`` (imported from beside the cases).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from core.calc import run_case
from core.calc.reader import Explain
from core.errors import CaseError

CASES = Path(__file__).resolve().parents[3] / "shared/spec/cases"
CASES_NEXT = CASES.parent / "cases-next"
KINDS = {
    "forced-reduction",
    "forced-liquidation",
    "position-limit",
    "receipt-expiry",
    "delivery-allocation",
}


def _case_files() -> list[Path]:
    if not CASES.is_dir():
        return []
    out = []
    for path in sorted([*CASES.glob("*.json"), *CASES_NEXT.glob("*.json")]):
        if json.loads(path.read_text(encoding="utf-8")).get("kind") in KINDS:
            out.append(path)
    return out


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_cases", CASES / "check_cases.py")
    assert spec is not None
    assert spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


FILES = _case_files()


@pytest.mark.skipif(not FILES, reason=f"case folder {CASES} not present")
@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_case_file(path: Path) -> None:
    check = _checker()
    case = json.loads(path.read_text(encoding="utf-8"))
    trace = Explain()
    out = json.loads(json.dumps(run_case(case, trace)))  # the CLI's JSON round trip
    diff = check.compare(case["expect"], out, "expect")
    assert diff is None, diff
    if case["kind"] == "delivery-allocation" and "pairs" not in case["expect"]:
        assert check.check_allocation(case, out) is None
    assert trace.lines, "every kind writes an --explain trace"


def _doc(kind: str, inp: dict[str, Any], params: dict[str, Any] | None = None) -> Any:
    return {"kind": kind, "params": params or {}, "input": inp}


BAD = [
    pytest.param(
        _doc(
            "forced-liquidation",
            {
                "member": "0101",
                "reserve": "-1.00",
                "lines": [
                    {
                        "client": "C",
                        "contract": "m2409",
                        "side": "long",
                        "lots": -5,
                        "margin_per_lot": "1.00",
                    },
                ],
            },
        ),
        "input.lines[0].lots: must be a non-negative integer, got -5",
        id="liquidation-negative-lots",
    ),
    pytest.param(
        _doc("forced-liquidation", {"member": "0101", "reserve": "-1.005", "lines": []}),
        "input.reserve",
        id="liquidation-three-decimals",
    ),
    pytest.param(
        _doc(
            "forced-reduction",
            {
                "contract": "m2409",
                "multiplier": 10,
                "settlement_price": "3000",
                "locked": "sideways",
                "positions": [],
                "closing_orders": [],
            },
        ),
        "input.locked: must be one of",
        id="reduction-bad-lock",
    ),
    pytest.param(
        _doc(
            "forced-reduction",
            {
                "contract": "m2409",
                "multiplier": 10,
                "settlement_price": "3000",
                "locked": "limit_down",
                "positions": [{"client": "A", "side": "long", "lots": 1, "open_price": "3000.001"}],
                "closing_orders": [],
            },
        ),
        "input.positions[0].open_price",
        id="reduction-price-finer-than-fen",
    ),
    pytest.param(
        _doc(
            "forced-reduction",
            {
                "contract": "m2409",
                "multiplier": 10,
                "settlement_price": "3000",
                "locked": "limit_down",
                "positions": [],
                "closing_orders": [],
            },
            {"tier_bounds": ["0.03", "0.06"]},
        ),
        "params",
        id="reduction-ascending-bounds",
    ),
    pytest.param(
        _doc(
            "position-limit",
            {
                "product": "b",
                "period": "general",
                "party": "client",
                "single_side_oi": 1,
                "accounts": [],
            },
        ),
        "no limit data for product 'b'",
        id="limit-no-data",
    ),
    pytest.param(
        _doc(
            "position-limit",
            {
                "product": "m",
                "period": "general",
                "party": "brokerage_member",
                "single_side_oi": 1,
                "accounts": [],
            },
            {"version": "current"},
        ),
        "no limit data",
        id="limit-no-data-current-brokerage",
    ),
    pytest.param(
        _doc(
            "receipt-expiry",
            {
                "today": "2025-01-10",
                "receipts": [
                    {
                        "id": "X",
                        "product": "m",
                        "registered": "2025-01-10",
                        "produced": "2025-02-01",
                    }
                ],
            },
        ),
        "input.receipts[0].produced: must not be after",
        id="receipt-produced-after-registration",
    ),
    pytest.param(
        _doc("receipt-expiry", {"today": "2025-13-01", "receipts": []}),
        "input.today: must be a date",
        id="receipt-bad-date",
    ),
    pytest.param(
        _doc(
            "delivery-allocation",
            {
                "warehouses": [{"warehouse": "W", "lots": 10}],
                "buyers": [{"buyer": "B", "lots": 9}],
            },
        ),
        "must be equal",
        id="allocation-unequal-totals",
    ),
    pytest.param(
        _doc(
            "delivery-allocation",
            {
                "warehouses": [
                    {"warehouse": "W", "lots": 5},
                    {"warehouse": "W", "lots": 5},
                ],
                "buyers": [{"buyer": "B", "lots": 10}],
            },
        ),
        "input.warehouses[1]: duplicate code",
        id="allocation-duplicate-code",
    ),
]


@pytest.mark.parametrize(("doc", "message"), BAD)
def test_bad_input_names_the_json_path(doc: Any, message: str) -> None:
    with pytest.raises(CaseError) as info:
        run_case(doc)
    assert message in str(info.value)


def test_liquidation_with_nonnegative_reserve_closes_nothing() -> None:
    out = run_case(
        _doc(
            "forced-liquidation",
            {
                "member": "0101",
                "reserve": "10.00",
                "lines": [
                    {
                        "client": "C",
                        "contract": "m2409",
                        "side": "long",
                        "lots": 5,
                        "margin_per_lot": "100.00",
                    }
                ],
            },
        )
    )
    assert out["required"] == "0.00"
    assert out["opening_banned"] is False
    assert out["clients"][0]["lines"] == []


def test_position_limit_current_m_is_flagged_unverified() -> None:
    out = run_case(
        _doc(
            "position-limit",
            {
                "product": "m",
                "period": "delivery",
                "party": "client",
                "single_side_oi": 5,
                "accounts": [
                    {"account": "K", "side": "short", "speculative_lots": 3000, "hedge_lots": 0}
                ],
            },
            {"version": "current"},
        )
    )
    assert out["limit"] == 2500
    assert out["verified"] is False
    assert out["accounts"][0]["excess"] == 500
