"""Money that cannot wrap (issue #13): the guarded sums of core/money.py, the
plausibility limits (core/rules/plausibility.py) and the settlement's bound rule."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import update

from core.db.engine import Database, open_database
from core.db.tables import Position, SettlementPrice
from core.errors import ConfigError
from core.money import (
    MoneyOverflowError,
    add_fen,
    check_sum_bound,
    checked_fen,
    exact_sum,
    group_sum,
    row_sums,
)
from core.rules.plausibility import (
    BOUND_FEN,
    PlausibilityLimits,
    default_plausibility,
    load_plausibility,
)
from core.services.settlement import SettlementRefusedError, run_daily_settlement
from tests.core.test_settlement_service import PREV, D, _build, _counts


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """The worked example 2.d of tests/core/test_settlement_service.py."""
    database = open_database(f"sqlite:///{tmp_path / 'settle.sqlite'}")
    with database.sessions.begin() as s:
        _build(s)
    yield database
    database.engine.dispose()


I64_MAX = 2**63 - 1
big = st.integers(-(2**63), I64_MAX)


# --------------------------------------------------------------------- core.money
@given(st.lists(big, max_size=40))
def test_exact_sum_is_the_python_sum(values: list[int]) -> None:
    assert exact_sum(np.array(values, dtype=np.int64)) == sum(values)


def test_exact_sum_of_a_wrapping_array() -> None:
    values = np.full(20, 4 * 10**18, dtype=np.int64)
    assert int(values.sum()) != 80 * 10**18  # what numpy gives: a wrapped "total"
    assert exact_sum(values) == 80 * 10**18


@given(st.lists(st.tuples(big, big, big), min_size=1, max_size=20))
def test_add_fen_is_exact_or_refuses_naming_the_row(rows: list[tuple[int, int, int]]) -> None:
    a, b, c = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    want = [x + y - z for x, y, z in rows]
    if all(-(2**63) <= w <= I64_MAX for w in want):
        assert add_fen(((1, a), (1, b), (-1, c)), "cash").tolist() == want
    else:
        with pytest.raises(MoneyOverflowError) as info:
            add_fen(((1, a), (1, b), (-1, c)), "cash")
        assert info.value.what == "cash"
        assert info.value.row is not None
        assert not -(2**63) <= want[info.value.row] <= I64_MAX


def test_row_sums_refuse_the_row_that_could_wrap() -> None:
    m = np.array([[1, 2, 3], [2**62, 2**62, 1], [5, 5, 5]], dtype=np.int64)
    with pytest.raises(MoneyOverflowError) as info:
        row_sums(m, "margin")
    assert (info.value.row, info.value.what) == (1, "margin")
    assert row_sums(m[[0, 2]], "margin").tolist() == [6, 15]


def test_group_sum_names_the_group_and_its_largest_line() -> None:
    values = np.array([5, 2**62, 2**62, 7], dtype=np.int64)
    keys = np.array([0, 1, 1, 2], dtype=np.int64)
    with pytest.raises(MoneyOverflowError) as info:
        group_sum(keys, values, 3, "member margin")
    assert (info.value.group, info.value.row) == (1, 1)
    spread = np.full(3, 2**61, dtype=np.int64)
    check_sum_bound(spread, "one huge value per group", np.arange(3))


def test_checked_fen() -> None:
    assert checked_fen(I64_MAX, "x") == I64_MAX
    with pytest.raises(MoneyOverflowError, match="member 0101 margin"):
        checked_fen(2**63, "member 0101 margin")


# --------------------------------------------------------------------- limits
def test_limits_come_from_risk_params() -> None:
    lim = default_plausibility()
    assert lim == load_plausibility()
    assert (lim.max_lots, lim.max_price_fen, lim.max_amount_fen) == (
        10_000_000,
        100_000_000,
        100_000_000_000_000,
    )
    # the figures the bound rule rests on: a line at every limit stays far inside int64
    assert lim.max_lots * 100 * lim.max_price_fen < BOUND_FEN < 2**63 // 8


def test_malformed_limit_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "risk_params.toml"
    path.write_text(
        '[plausibility.max_price]\nvalue = "lots"\nverified = true\nsource = "t"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"\[plausibility\] max_price"):
        load_plausibility(path)


def test_limit_arithmetic_hand_checked() -> None:
    lim = PlausibilityLimits()
    # 10 lots of m at 3,000.00 × 10: 10 × 100.00 + 1 % of 300,000.00 = 4,000.00 yuan
    assert lim.fee_ceiling_fen([10], [300_000], 10).tolist() == [400_000]
    assert lim.tons_range(100, 10) == (900, 1_100)  # 1,000 t ± 10 %
    assert lim.band(300_000, 40_000) == (264_000, 336_000)  # 3,000 ± 3 × 4 %
    assert lim.ratio_range(300_000) == (60_000, 1_500_000)  # ÷ 5 … × 5


# --------------------------------------------------------------------- the settlement
def test_twenty_huge_lines_are_refused_naming_client_and_contract(db: Database) -> None:
    """The issue's reproduction: 20 lines of 4,000,000,000,000 lots reached the stored
    positions some other way (an old import); the settlement commits nothing."""
    huge = 4_000_000_000_000
    keys = [
        (client, contract, side, hedge)
        for client in ("K1", "K2")
        for contract in ("m2405", "m2409", "i2409", "a2405", "c2405")
        for side in ("long", "short")
        for hedge in (False, True)
    ]
    stored = {("K1", "m2409", "long", False), ("K2", "i2409", "short", False)}
    stored.add(("K2", "a2405", "short", False))
    with db.sessions.begin() as s:
        s.execute(update(Position).values(lots=huge))
        new = [k for k in keys if k not in stored][:17]
        for client, contract, side, hedge in new:
            s.add(
                Position(
                    trading_day=PREV,
                    client_code=client,
                    contract_code=contract,
                    side=side,
                    hedge=hedge,
                    lots=huge,
                    today_lots=0,
                    open_price_fen=320_000,
                    margin_fen=0,
                )
            )
    with pytest.raises(SettlementRefusedError) as info:
        run_daily_settlement(db, D, user="tester")
    assert len(info.value.errors) == 20  # one per line
    named = {(e.message.split(",")[0], e.field) for e in info.value.errors}
    assert named == {(f"client {c}", k) for c, k, _, _ in [*stored, *new]}
    for e in info.value.errors:
        assert ", lots: position of 2024-05-09: 4,000,000,000,000 lots exceed the " in e.message
        assert e.describe().startswith(f"settlement of 2024-05-10, field '{e.field}': client ")
    assert _counts(db) == (0, 0, 0)


def test_bound_rule_refuses_a_book_of_plausible_lines_too_big_to_sum(db: Database) -> None:
    """Each line within the limits, the book beyond 2^59 fen: refused before any sum."""
    with db.sessions.begin() as s:
        s.execute(
            update(SettlementPrice)
            .where(SettlementPrice.contract_code == "i2409")
            .values(settlement_fen=100_000_000)  # 1,000,000.00 yuan, the plausible top
        )
        s.execute(
            update(Position)
            .where(Position.contract_code == "i2409")
            .values(lots=10_000_000, open_price_fen=100_000_000)
        )
        for client, side in (("K1", "long"), ("K1", "short"), ("K2", "long")):
            s.add(
                Position(
                    trading_day=PREV,
                    client_code=client,
                    contract_code="i2409",
                    side=side,
                    hedge=False,
                    lots=10_000_000,
                    today_lots=0,
                    open_price_fen=100_000_000,
                    margin_fen=0,
                )
            )
        for hedge_client in ("K1", "K2"):
            s.add(
                Position(
                    trading_day=PREV,
                    client_code=hedge_client,
                    contract_code="i2409",
                    side="long",
                    hedge=True,
                    lots=10_000_000,
                    today_lots=0,
                    open_price_fen=100_000_000,
                    margin_fen=0,
                )
            )
    with pytest.raises(SettlementRefusedError) as info:
        run_daily_settlement(db, D, user="tester")
    (only,) = info.value.errors
    assert only.field == "i2409"
    assert only.message.startswith("client K")
    assert "the bound rule" in only.message
    assert "10,000,000 lots" in only.message
    assert _counts(db) == (0, 0, 0)


def test_engine_refusal_behind_the_checks_names_client_and_contract(
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the plausibility checks the engine's own guards still refuse (never a
    wrapped figure) and the refusal names the client and contract of the largest line."""
    monkeypatch.setattr("core.rules.daily_settlement.day_problems", lambda _inputs: [])
    huge = 30_000_000_000_000  # a margin line of 7.8 × 10^18 fen: two pass int64
    with db.sessions.begin() as s:
        s.execute(update(Position).where(Position.client_code == "K1").values(lots=huge))
        s.add(
            Position(
                trading_day=PREV,
                client_code="K1",
                contract_code="m2409",
                side="short",
                hedge=False,
                lots=huge,
                today_lots=0,
                open_price_fen=315_000,
                margin_fen=0,
            )
        )
    with pytest.raises(SettlementRefusedError) as info:
        run_daily_settlement(db, D, user="tester")
    (only,) = info.value.errors
    assert only.field == "m2409"
    assert only.message.startswith("client K1, ")
    assert "exceed int64" in only.message
    assert "30,000,000,000,000 lots" in only.message
    assert _counts(db) == (0, 0, 0)
