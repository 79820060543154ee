"""Import errors carry a stable message code and parameters besides their English text,
so that a front end can word them in another language without parsing the English."""

from __future__ import annotations

import ast
import pickle
import string
from datetime import date
from pathlib import Path

import pytest

from core.imports import LAYOUTS, TEMPLATES, ImportInputError
from core.imports.layouts import ValueType
from core.imports.reader import read_table
from core.imports.reference import ReferenceData
from core.imports.validate import validate_table
from core.trading_calendar import default_calendar

IMPORTS = Path(__file__).resolve().parents[2] / "core" / "imports"
WORDING_CALLS = ("CellError", "message", "file_problem", "Message")
REFERENCE_TYPES = (
    ValueType.CONTRACT,
    ValueType.PRODUCT,
    ValueType.CLIENT,
    ValueType.MEMBER,
    ValueType.WAREHOUSE,
    ValueType.HOLDER,
)


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


@pytest.mark.parametrize("path", sorted(IMPORTS.glob("*.py")), ids=lambda p: p.name)
def test_every_message_is_worded_from_a_template(path: Path) -> None:
    """No import message is built as free text: a new one needs a template (and then a
    translation, see tests/desktop/test_imports_i18n.py)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for call in _calls(tree):
        name = _name(call)
        if path.name != "messages.py":
            assert name not in ("ValueError", "InputError"), (path.name, call.lineno)
        if name in WORDING_CALLS and call.args:
            code = call.args[0]
            if isinstance(code, ast.Constant):
                assert code.value in TEMPLATES, (path.name, call.lineno, code.value)
            elif isinstance(code, ast.JoinedStr):  # f"unknown_{what}": a reference type
                assert {f"unknown_{t.value}" for t in REFERENCE_TYPES} <= set(TEMPLATES)


def test_templates_name_only_their_parameters() -> None:
    for code, template in TEMPLATES.items():
        names = [name for _, name, spec, _ in string.Formatter().parse(template) if name]
        assert all(name.isidentifier() for name in names), code


REFS = ReferenceData(
    contract_ticks={"m2701": 100},
    client_members={"10000001": "0101", "20000001": "0102"},
    members=frozenset({"0101", "0102"}),
    warehouses=frozenset(),
    products=frozenset({"m"}),
    contract_life={"m2701": (date(2026, 1, 16), date(2027, 1, 15))},
)
HEADER = "trading_day,client,contract,side,hedge,lots,today_lots,open_price,margin"


def _errors(tmp_path: Path, text: str, name: str = "positions.csv") -> list[ImportInputError]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    outcome = validate_table(LAYOUTS["positions"], read_table(path), REFS, default_calendar())
    assert outcome.valid is None
    assert all(isinstance(e, ImportInputError) for e in outcome.errors)
    return [e for e in outcome.errors if isinstance(e, ImportInputError)]


def test_errors_carry_code_parameters_and_columns(tmp_path: Path) -> None:
    errors = _errors(
        tmp_path,
        HEADER + "\n"
        "2026-11-20,10000001,m2701,long,0,-5,0,3012,1.00\n"
        "2026-11-21,20000001,zz9999,long,0,3,0,3012.5,1.00\n"
        "2026-11-20,10000001,m2701,long,0,3,0,3012,1.00\n",
    )
    found = [(e.row, e.field, e.msg.code, dict(e.msg.params), e.columns) for e in errors]
    assert found == [
        (2, "lots", "whole_number", {"minimum": "0", "value": "-5"}, ("lots",)),
        (
            3,
            "trading_day",
            "weekend",
            {"value": "2026-11-21", "weekday": "Saturday"},
            ("trading_day",),
        ),
        (3, "contract", "unknown_contract", {"value": "zz9999"}, ("contract",)),
        (
            4,
            "trading_day+client+contract+side+hedge",
            "duplicate_key",
            {
                "key": "trading_day=2026-11-20, client=10000001, contract=m2701, side=long, "
                "hedge=0",
                "first_row": "2",
            },
            ("trading_day", "client", "contract", "side", "hedge"),
        ),
    ]
    assert errors[-1].msg.pairs[0] == ("trading_day", "2026-11-20")
    for e in errors:
        assert e.kind == "positions"
        assert e.message == TEMPLATES[e.msg.code].format_map(e.msg.params)
        assert e.headers == tuple(e.field.split("+"))


def test_headers_as_the_file_spells_them(tmp_path: Path) -> None:
    header = HEADER.replace("lots,today", "持仓量,today").replace(",open_price", "")
    errors = _errors(tmp_path, header + "\n2026-11-20,10000001,m2701,long,0,x,0,1.00\n")
    (missing,) = errors  # header problems come first, alone
    assert (missing.row, missing.field, missing.msg.code) == (1, "open_price", "missing_column")
    assert missing.columns == ("open_price",)
    chinese_lots = HEADER.replace("lots,today", "持仓量,today")
    errors = _errors(tmp_path, chinese_lots + "\n2026-11-20,10000001,m2701,long,0,x,0,3012,1\n")
    assert [(e.field, e.columns, e.headers) for e in errors] == [("持仓量", ("lots",), ("持仓量",))]


def test_file_problems_and_the_calendar_horizon(tmp_path: Path) -> None:
    empty = tmp_path / "positions.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportInputError) as info:
        read_table(empty)
    problem = info.value
    assert (problem.msg.code, problem.source, problem.row, problem.field) == (
        "file_empty",
        "positions.csv",
        None,
        "",
    )
    errors = _errors(tmp_path, HEADER + "\n2099-03-02,10000001,m2701,long,0,1,0,3012,1.00\n")
    beyond = errors[0]
    assert beyond.msg.code == "beyond_calendar"
    assert beyond.message == beyond.msg.params["detail"]
    assert beyond.msg.params["value"] == "2099-03-02"
    assert beyond.msg.params["known_until"] == default_calendar().known_until.isoformat()


def test_errors_pickle_with_their_code(tmp_path: Path) -> None:
    (error, *_) = _errors(tmp_path, HEADER + "\n2026-11-20,10000001,m2701,long,0,-5,0,3012,1\n")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.describe(), copy.msg, copy.columns, copy.kind) == (
        error.describe(),
        error.msg,
        error.columns,
        error.kind,
    )
