"""Column-wise reads (core.db.columnar) and the vectorised figures built on them give
exactly what the row-wise forms gave."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import columnar, queries
from core.db import risk_queries as rq
from core.db.engine import Database, open_database
from core.db.tables import Client, Position
from core.money import bp_to_str, ratio_bp
from core.rules.forced_reduction import ReductionPreview
from core.rules.position_limits import AccountPosition, excess_arrays, excess_report
from core.services import reduction
from tests.core.test_services_risk import D3, MEMBER_A, build_risk_db


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("columnar") / "template.sqlite"
    build_risk_db(path)
    return path


@pytest.fixture
def session(template_db: Path, tmp_path: Path) -> Iterator[Session]:
    target = tmp_path / "risk.sqlite"
    shutil.copy(template_db, target)
    database: Database = open_database(f"sqlite:///{target}")
    with database.sessions.begin() as s:
        yield s
    database.engine.dispose()


def _row_frame(session: Session, stmt: object, dtypes: dict[str, str]) -> pd.DataFrame:
    """The row-wise form the queries used before: ORM rows, then per-column dtypes."""
    rows = session.execute(stmt).all()  # type: ignore[call-overload]
    data = {name: [row[i] for row in rows] for i, name in enumerate(dtypes)}
    frame = pd.DataFrame(data, columns=list(dtypes))
    for name, dtype in dtypes.items():
        if dtype != "date":
            frame[name] = frame[name].astype(dtype)  # type: ignore[call-overload]
    return frame


LINE_DTYPES = {
    "client_code": "str",
    "contract_code": "str",
    "side": "str",
    "hedge": "bool",
    "lots": "int64",
    "trading_day": "date",
}


def _lines_stmt(day: date | None = None) -> object:
    stmt = select(
        Position.client_code,
        Position.contract_code,
        Position.side,
        Position.hedge,
        Position.lots,
        Position.trading_day,
    ).order_by(Position.id)
    return stmt if day is None else stmt.where(Position.trading_day == day)


def test_read_frame_equals_the_row_form(session: Session) -> None:
    stmt = _lines_stmt()
    expected = _row_frame(session, stmt, LINE_DTYPES)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(columnar.read_frame(session, stmt, LINE_DTYPES), expected)
    empty = _lines_stmt(date(1999, 1, 4))
    pd.testing.assert_frame_equal(
        columnar.read_frame(session, empty, LINE_DTYPES), _row_frame(session, empty, LINE_DTYPES)
    )


def test_concatenated_transport_matches_rows(session: Session) -> None:
    stmt = select(Position.client_code, Position.side == "long", Position.lots).order_by(
        Position.id
    )
    concat = columnar.fetch_concat(session, stmt, ("str", "int", "int"))
    rows = columnar.fetch_columns(session, stmt, 3)
    assert concat is not None
    assert list(concat[0]) == list(rows[0])
    assert [bool(x) for x in concat[1]] == [bool(x) for x in rows[1]]
    assert concat[2].tolist() == list(rows[2])
    none = columnar.fetch_concat(session, stmt.where(Position.lots < 0), ("str", "int", "int"))
    assert none is not None
    assert [len(c) for c in none] == [0, 0, 0]


def test_concatenated_transport_refuses_text_with_the_separator(session: Session) -> None:
    session.add(Client(code="X\x1fY", member_code=MEMBER_A, name="sep", is_individual=True))
    stmt = select(Client.code).order_by(Client.code)
    assert columnar.fetch_concat(session, stmt, ("str",)) is None  # falls back to rows
    assert columnar.fetch_concat(session, select(Client.name), ("int",)) is None


def test_codes_of_equals_numpy_unique() -> None:
    values = np.array(["b2", "a1", "b2", "é", "A1", "a1", "z"], dtype=object)
    codes, uniques = columnar.codes_of(values)
    expected, inverse = np.unique(values.astype(str), return_inverse=True)
    assert uniques == expected.tolist()
    assert codes.tolist() == inverse.reshape(-1).tolist()


@settings(max_examples=60, deadline=None)
@given(
    table=st.lists(st.text(alphabet="abcXé1", min_size=1, max_size=3), unique=True, min_size=1),
    picks=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=40),
    sort_table=st.booleans(),
)
def test_codes_of_a_categorical_equals_codes_of_its_values(
    table: list[str], picks: list[int], sort_table: bool
) -> None:
    """Sorted code tables (the day's book) take the fast path; others are sorted; only
    the categories in use are returned, as for plain values."""
    categories = sorted(table) if sort_table else table
    codes = np.array([p % len(categories) for p in picks], dtype=np.int64)
    values = pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))
    got_codes, got_uniques = columnar.codes_of(pd.Series(values))
    want_codes, want_uniques = columnar.codes_of(np.asarray(values, dtype=object))
    assert got_uniques == want_uniques
    assert got_codes.tolist() == want_codes.tolist()


def test_sort_order_is_a_stable_lexicographic_sort() -> None:
    rng = np.random.default_rng(7)
    a, b = rng.integers(0, 5, 200), rng.integers(0, 3, 200)
    assert columnar.sort_order(a, b).tolist() == np.lexsort((b, a)).tolist()
    assert columnar.sort_order(np.arange(5)).tolist() == [0, 1, 2, 3, 4]


def test_side_lots_frame_equals_the_grouped_select(session: Session) -> None:
    from sqlalchemy import func

    spec = func.sum(Position.lots).filter(Position.hedge.is_(False))
    hedge = func.sum(Position.lots).filter(Position.hedge.is_(True))
    stmt = (
        select(
            Position.client_code,
            Client.is_individual,
            Client.member_code,
            Position.contract_code,
            Position.side,
            func.coalesce(spec, 0),
            func.coalesce(hedge, 0),
        )
        .join(Client, Client.code == Position.client_code)
        .where(Position.trading_day == D3, Position.lots > 0)
        .group_by(
            Position.client_code,
            Client.is_individual,
            Client.member_code,
            Position.contract_code,
            Position.side,
        )
        .order_by(Position.contract_code, Position.side, Position.client_code)
    )
    expected = _row_frame(session, stmt, rq.SIDE_LOT_COLUMNS)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(rq.side_lots_frame(session, D3), expected)


def test_position_frames_keep_their_columns(session: Session) -> None:
    frame = queries.positions_frame(session, D3)
    assert list(frame.columns) == list(queries.POSITION_COLUMNS)
    assert len(frame) == len(frame.drop_duplicates(["client_code", "contract_code", "side"]))
    keys = list(zip(frame["client_code"], frame["contract_code"], frame["side"], strict=True))
    assert keys == sorted(keys)
    lines = rq.member_position_lines(session, MEMBER_A, D3)
    assert list(lines.columns) == list(rq.MEMBER_LINE_COLUMNS)
    assert str(lines["settlement_fen"].dtype) == "Int64"


# --------------------------------------------------------------------- exact figures
def _random_fraction_cases() -> list[tuple[int, int]]:
    rng = random.Random(11)
    cases = [(0, 5), (1, 2), (-1, 2), (1, 20_000), (-1, 20_000), (3, 40_000), (-3, 40_000)]
    cases += [(-1, 10**7), (1, 10**7), (2, 3), (-2, 3), (10**12, 7), (7, 10**13)]
    for _ in range(3000):
        den = rng.choice([rng.randint(1, 50), rng.randint(1, 10**6), rng.randint(1, 10**14)])
        num = rng.randint(-(10**9), 10**9) * rng.choice([1, 1, 1000])
        cases.append((num, den))
    return cases


def _decimal_bp(num: int, den: int) -> int:
    """The percentage to 0.01 rounded half up as Decimal does it, in basis points."""
    with localcontext() as ctx:
        ctx.prec = 60  # exact for every case: ties are decided on the true quotient
        pct = (Decimal(num) / Decimal(den) * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return int(pct * 100)


def test_reduction_unit_pnl_bp_matches_decimal_rounding() -> None:
    cases = _random_fraction_cases()
    preview = ReductionPreview.__new__(ReductionPreview)
    # _unit_pnl_bp reads net_lots, pnl_fen, multiplier and settlement_fen only.
    object.__setattr__(preview, "net_lots", np.array([d for _, d in cases], dtype=np.int64))
    object.__setattr__(preview, "pnl_fen", np.array([n for n, _ in cases], dtype=np.int64))
    object.__setattr__(preview, "multiplier", 1)
    object.__setattr__(preview, "settlement_fen", 1)
    keys = np.arange(len(cases), dtype=np.int64)
    got = reduction._unit_pnl_bp(preview, keys)
    assert got.tolist() == [_decimal_bp(n, d) for n, d in cases]
    assert [bp_to_str(b) for b in got.tolist()] == [bp_to_str(ratio_bp(n, d)) for n, d in cases]
    flat = ReductionPreview.__new__(ReductionPreview)
    object.__setattr__(flat, "net_lots", np.array([0], dtype=np.int64))
    object.__setattr__(flat, "pnl_fen", np.array([5], dtype=np.int64))
    object.__setattr__(flat, "multiplier", 10)
    object.__setattr__(flat, "settlement_fen", 100)
    assert reduction._unit_pnl_bp(flat, np.array([0], dtype=np.int64)).isna().tolist() == [True]


@pytest.mark.parametrize("warn", [Fraction(8, 10), Fraction(7, 10), Fraction(1), Fraction(2, 3)])
def test_excess_arrays_match_excess_report(warn: Fraction) -> None:
    rng = random.Random(5)
    spec = [rng.choice([0, 1, 2, rng.randint(0, 5000)]) for _ in range(2000)]
    limit = [rng.choice([-1, 0, 1, 3, 10, 1000, rng.randint(1, 6000)]) for _ in range(2000)]
    got = excess_arrays(
        np.array(spec, dtype=np.int64), np.array(limit, dtype=np.int64), warn_level=warn
    )
    for i, (s, lim) in enumerate(zip(spec, limit, strict=True)):
        (row,) = excess_report(
            [AccountPosition("x", "long", s)], None if lim < 0 else lim, warn_level=warn
        )
        assert int(got.excess[i]) == row.excess
        assert bool(got.is_near_limit[i]) == row.is_near_limit
        assert bool(got.is_over_limit[i]) == row.is_over_limit
        usage = row.usage
        bp = -1 if usage is None else _decimal_bp(usage.numerator, usage.denominator)
        assert int(got.usage_bp[i]) == bp
    with pytest.raises(ValueError, match="negative"):
        excess_arrays(np.array([-1]), np.array([5]))
