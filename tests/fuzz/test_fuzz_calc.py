"""Fuzzing every ``riskdesk calc`` kind (issue #13): hostile case files never produce a
traceback.

Each example starts from one of the spec's worked examples (``../shared/spec/cases``
and ``cases-next``) and mutates it: a value replaced by a hostile one (lots of 10^11 or
2^63, prices of "1e400", NaN, negative money, strings where numbers belong, nulls,
lists, deep nesting), a key removed, a list entry repeated, or lots and money scaled by
powers of ten. The case must either run — the output is JSON, its money strings parse,
an allocation allocates exactly its input — or be refused with ``CaseError`` naming a
JSON path of the case (``input…``, ``params…``, ``kind``), which ``riskdesk calc``
prints on one line with exit 2. Any other exception fails the test.
"""

from __future__ import annotations

import contextlib
import io
import json
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.calc import run_case
from core.cli import main as cli_main
from core.errors import CaseError
from core.money import fen_to_str, parse_yuan
from core.rules.plausibility import default_plausibility
from tests.fuzz.profile import FUZZ

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec"
CASE_FILES = sorted([*SPEC.glob("cases/*.json"), *SPEC.glob("cases-next/*.json")])
MONEY_KEYS = {
    "balance",
    "deposits",
    "withdrawals",
    "frozen",
    "fee",
    "prior_reserve",
    "prior_margin",
    "prior_offset",
    "reserve",
    "margin_per_lot",
    "amount",
    "min_reserve",
}
HOSTILE: tuple[Any, ...] = (
    None,
    True,
    0,
    -5,
    10**11,
    4_000_000_000_000,
    2**63,
    -(2**63) - 1,
    10**40,
    1.5,
    float("nan"),
    float("inf"),
    "",
    "1e400",
    "-1e400",
    "1e-400",
    "NaN",
    "Infinity",
    "0.0000000000000001",
    "9" * 40,
    "99999999999999999999.99",
    "-600000.00",
    "3,000",
    "１０",
    "abc",
    "=1+1",
    "long",
    "limit_up",
    "2024-13-01",
    "2024-05-10",
    [],
    [1, 2],
    {},
    {"a": 1},
    [[[[[[[[[[]]]]]]]]]],
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path below ``node`` (keys and list indexes), containers included."""
    out = [path] if path else []
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*path, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*path, i)))
    return out


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    node = doc
    for step in path[:-1]:
        node = node[step]
    return node


@st.composite
def hostile_case(draw: st.DrawFn, name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((SPEC / name).read_text(encoding="utf-8"))
    doc.pop("expect", None)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p[0] in ("input", "params")]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _parent(doc, path), path[-1]
        action = draw(st.sampled_from(("replace", "replace", "remove", "repeat", "scale")))
        if action == "remove":
            del parent[key]
        elif action == "repeat" and isinstance(parent, list):
            parent.append(deepcopy(parent[key]))
        elif action == "scale" and isinstance(parent[key], int | str):
            exponent = draw(st.integers(1, 25))
            value = parent[key]
            if isinstance(value, bool):
                continue
            if isinstance(value, int):
                parent[key] = value * 10**exponent
            elif key in MONEY_KEYS:
                parent[key] = value.replace(".", "0" * exponent + ".", 1)
            else:
                parent[key] = f"{value}e{exponent}"
        else:
            value = draw(st.sampled_from(HOSTILE) | st.integers() | st.text(max_size=8))
            parent[key] = deepcopy(value)  # later mutations must not touch HOSTILE
    return doc


def _check_output(out: dict[str, Any], doc: dict[str, Any]) -> None:
    text = json.dumps(out, ensure_ascii=False)  # what the CLI prints
    assert json.loads(text) == json.loads(text)

    def money(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                money(v, k)
        elif isinstance(node, list):
            for v in node:
                money(v, key)
        elif isinstance(node, str) and key in MONEY_KEYS | {"margin", "release", "required"}:
            parse_yuan(node)

    money(out)
    if doc["kind"] == "delivery-allocation":
        given = {w["warehouse"]: w["lots"] for w in doc["input"]["warehouses"]}
        got: dict[str, int] = {}
        for pair in out["pairs"]:
            got[pair["warehouse"]] = got.get(pair["warehouse"], 0) + pair["lots"]
        assert got == {w: n for w, n in given.items() if n}


def _run(doc: dict[str, Any]) -> None:
    refused: CaseError | None = None
    try:
        out = run_case(deepcopy(doc))
    except CaseError as exc:
        refused = exc
    if refused is None:
        _check_output(out, doc)
        return
    assert refused.path.split(".")[0].split("[")[0] in ("input", "params", "kind", "$")
    assert refused.message


@pytest.mark.parametrize("name", [str(p.relative_to(SPEC)) for p in CASE_FILES])
def test_hostile_cases_run_or_name_the_json_path(name: str) -> None:
    @FUZZ
    @given(doc=hostile_case(name))
    def run(doc: dict[str, Any]) -> None:
        _run(doc)

    run()


@pytest.mark.parametrize("name", [str(p.relative_to(SPEC)) for p in CASE_FILES[::4]])
def test_the_command_line_exits_2_with_one_line(name: str, tmp_path: Path) -> None:
    """Through ``riskdesk calc`` itself: exit 0 with JSON, or exit 2 with one line that
    starts with the path (a file that is no JSON case: its name)."""

    @FUZZ
    @given(doc=hostile_case(name))
    def run(doc: dict[str, Any]) -> None:
        path = tmp_path / "case.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_main(["calc", str(path)])
        if code == 0:
            json.loads(out.getvalue())
            return
        assert code == 2, err.getvalue()
        lines = err.getvalue().strip().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].split(":")[0].split(".")[0].split("[")[0] in (
            "input",
            "params",
            "kind",
            "$",
            str(path),
        ), lines

    run()


# ----------------------------------------------------------------- books at the limits
LIMITS = default_plausibility()
codes = st.sampled_from(["C1", "C2", "C3", "K9"])


@st.composite
def big_liquidation(draw: st.DrawFn) -> dict[str, Any]:
    lines = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "client": codes,
                    "contract": st.sampled_from(["m2409", "i2409"]),
                    "side": st.sampled_from(["long", "short"]),
                    "lots": st.integers(0, LIMITS.max_lots),
                    "margin_per_lot": st.integers(0, LIMITS.max_amount_fen).map(fen_to_str),
                }
            ),
            max_size=25,
        )
    )
    reserve = draw(st.integers(-LIMITS.max_amount_fen, LIMITS.max_amount_fen))
    method = draw(st.sampled_from(["largest_remainder", "same_ratio", "fewest_lots"]))
    return {
        "kind": "forced-liquidation",
        "params": {"lots_method": method},
        "input": {"member": "0101", "reserve": fen_to_str(reserve), "lines": lines},
    }


@FUZZ
@given(doc=big_liquidation())
def test_liquidation_at_the_limits_covers_the_requirement_or_names_the_line(
    doc: dict[str, Any],
) -> None:
    refused: CaseError | None = None
    try:
        out = run_case(deepcopy(doc))
    except CaseError as exc:
        refused = exc
    if refused is not None:  # only the exact-int64 guard of the total margin may refuse
        assert refused.path.startswith("input.lines"), refused
        assert "int64" in refused.message
        return
    _check_output(out, doc)
    if parse_yuan(out["shortfall"]) == 0:
        assert parse_yuan(out["total_released"]) >= parse_yuan(out["required"])
        assert parse_yuan(out["total_release"]) >= parse_yuan(out["required"])


@st.composite
def big_reduction(draw: st.DrawFn) -> dict[str, Any]:
    price = st.integers(1, LIMITS.max_price_fen).map(fen_to_str)
    positions = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "client": codes,
                    "side": st.sampled_from(["long", "short"]),
                    "lots": st.integers(0, LIMITS.max_lots),
                    "open_price": price,
                    "hedge": st.booleans(),
                }
            ),
            min_size=1,
            max_size=20,
        )
    )
    orders = draw(
        st.lists(
            st.fixed_dictionaries({"client": codes, "lots": st.integers(0, LIMITS.max_lots)}),
            max_size=6,
        )
    )
    return {
        "kind": "forced-reduction",
        "input": {
            "contract": "m2409",
            "multiplier": draw(st.integers(1, LIMITS.max_multiplier)),
            "settlement_price": draw(price),
            "locked": draw(st.sampled_from(["limit_down", "limit_up"])),
            "positions": positions,
            "closing_orders": [
                o for o in orders if any(p["client"] == o["client"] for p in positions)
            ],
        },
    }


@FUZZ
@given(doc=big_reduction())
def test_reduction_at_the_limits_balances_its_lots(doc: dict[str, Any]) -> None:
    refused: CaseError | None = None
    try:
        out = run_case(deepcopy(doc))
    except CaseError as exc:
        refused = exc
    if refused is not None:  # only a net position's sum may leave int64, never a line
        assert refused.path == "input.positions", refused
        assert "int64" in refused.message
        assert len(doc["input"]["positions"]) > 1
        return
    _check_output(out, doc)
    declared = sum(d["lots"] for d in out["declared"])
    filled = sum(f["lots"] for f in out["fills"])
    reduced = sum(r["lots"] for r in out["reductions"])
    assert filled + out["unfilled"] == declared
    assert reduced == filled + out["overshoot"]
    assert out["overshoot"] == 0  # largest remainder hands out exactly the lots filled
