"""Every passing consistency check fails when the figure it guards is off by one fen.

A test that cannot fail is a defect (STYLE B9). Each case copies the fixed scenario's
database (``FIXED_EXAMPLE``, settled on D1 and D2), passes the check once, then
corrupts one stored figure with plain SQL (or one formula with ``monkeypatch``) and
asserts that the same check now reports a difference. SQLite only: this is about the
checks, not the back end.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import text

import core.live.engine
import core.rules.funds
import core.services.overview
from core.db import queries, revisions
from core.db import risk_queries as rq
from core.db.engine import open_database
from core.rules.risk_levels import RiskLevels
from core.services import client_detail as client_detail_service
from tests.consistency import checks
from tests.consistency import surfaces as sf
from tests.consistency.checks import Case, Mismatches, verify
from tests.consistency.scenario import FIXED_EXAMPLE, MEMBER, write_scenario

pytestmark = [pytest.mark.consistency, pytest.mark.xdist_group("consistency-bite")]

D1, D2 = FIXED_EXAMPLE.days[1], FIXED_EXAMPLE.days[2]


@pytest.fixture(scope="module")
def fixed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bite") / "fixed.sqlite"
    db = open_database(f"sqlite:///{path}")
    try:
        write_scenario(db, FIXED_EXAMPLE)
    finally:
        db.engine.dispose()
    return path


@pytest.fixture
def fixed_case(fixed_template: Path, tmp_path: Path) -> Iterator[Case]:
    path = tmp_path / "fixed.sqlite"
    shutil.copyfile(fixed_template, path)
    db = open_database(f"sqlite:///{path}", create=False)
    try:
        yield Case(db=db, member=MEMBER, settled_day=D2, label="fixed example (sqlite)")
    finally:
        db.engine.dispose()


def _sql(statement: str) -> Callable[[Case, pytest.MonkeyPatch], None]:
    def corrupt(case: Case, _: pytest.MonkeyPatch) -> None:
        with case.db.sessions.begin() as s:
            done = s.execute(text(statement), {"d1": D1, "d2": D2})
            assert done.rowcount, f"the corruption touched no row: {statement}"  # type: ignore[attr-defined]
            revisions.bump(s, "position")  # as a RiskDesk write would: no stale day book

    return corrupt


class _OneFenHighBook(core.rules.funds.LineBook):
    """A line book whose margin formula is one fen high on every line."""

    def margin(self, rows: Any = None, price_fen: Any = None) -> Any:
        return super().margin(rows, price_fen) + 1


def _plus_one_margin(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """The live engine's line margins one fen high (the engine's book only: the
    rule function itself is shared with intraday_funds and the settlement)."""
    monkeypatch.setattr(core.live.engine, "LineBook", _OneFenHighBook)


def _plus_one_reference_margin(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scalar (calc) margin line formula one fen high."""
    original = core.rules.funds.line_margin_fen
    monkeypatch.setattr(core.rules.funds, "line_margin_fen", lambda *a: original(*a) + 1)


def _overview_warning_from_half(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """The settled screens (Accounts, Overview) classify with a warning threshold of
    their own (50 %) instead of the firm's one setting."""
    monkeypatch.setattr(queries, "default_risk_levels", lambda: RiskLevels(warning_ppm=500_000))


def _reduction_drops_a_line(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reduction preview's position read loses its last line."""
    original = rq.contract_positions

    def fewer(*args: Any, **kwargs: Any) -> pd.DataFrame:
        frame = original(*args, **kwargs)
        return frame.iloc[:-1] if len(frame) else frame

    monkeypatch.setattr(rq, "contract_positions", fewer)


def _panel_margin_plus_one(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client panel's line margins one fen high (its own call of the rule)."""
    original = client_detail_service.line_margin
    monkeypatch.setattr(client_detail_service, "line_margin", lambda *a: original(*a) + 1)


def _card_one_fen_high(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Overview's call card sums one fen more than the list it shows."""
    original = core.services.overview.calls_from_accounts

    def high(*args: Any, **kwargs: Any) -> Any:
        calls = original(*args, **kwargs)
        return replace(calls, total_call_fen=calls.total_call_fen + 1)

    monkeypatch.setattr(core.services.overview, "calls_from_accounts", high)


L2601_SHORT = "trading_day = :d2 AND contract_code = 'l2601' AND client_code = '10000003'"

CASES: list[
    tuple[str, Callable[[Case], Mismatches], Callable[[Case, pytest.MonkeyPatch], None]]
] = [
    (
        "start of day: a stored line margin",
        checks.start_of_day_lines,
        _sql(f"UPDATE position SET margin_fen = margin_fen + 1 WHERE {L2601_SHORT}"),
    ),
    (
        "start of day: a stored available funds",
        checks.start_of_day_accounts,
        _sql(
            "UPDATE client_balance SET available_fen = available_fen + 1 "
            "WHERE trading_day = :d2 AND client_code = '10000003'"
        ),
    ),
    (
        "start of day: the stored member margin",
        checks.start_of_day_member,
        _sql("UPDATE reserve_history SET margin_fen = margin_fen + 1 WHERE trading_day = :d2"),
    ),
    (
        "Overview: a warning threshold of its own",
        checks.overview_matches_accounts,
        _overview_warning_from_half,
    ),
    (
        "risk levels: the settled screens' threshold apart from the monitor's",
        checks.risk_levels_agree,
        _overview_warning_from_half,
    ),
    (
        "call card: the Overview's total one fen high",
        checks.call_card_equals_call_list,
        _card_one_fen_high,
    ),
    (
        "replay: a stored position P&L",
        checks.replay_pnl,
        _sql(
            "UPDATE client_balance SET position_pnl_fen = position_pnl_fen + 1 "
            "WHERE trading_day = :d2 AND client_code = '10000002'"
        ),
    ),
    (
        "replay: a stored line margin against the relation",
        checks.replay_margins,
        _sql(f"UPDATE position SET margin_fen = margin_fen + 1 WHERE {L2601_SHORT}"),
    ),
    (
        "replay: the monitor's margin formula",
        checks.replay_monitor_margins,
        _plus_one_margin,
    ),
    (
        "liquidation: a stored line margin (one fen a lot)",
        checks.liquidation_margins,
        _sql(f"UPDATE position SET margin_fen = margin_fen + lots WHERE {L2601_SHORT}"),
    ),
    (
        "positions: the reduction preview's read",
        checks.same_positions,
        _reduction_drops_a_line,
    ),
    (
        "calc client-funds: the reference margin formula",
        checks.calc_client_funds_vs_intraday,
        _plus_one_reference_margin,
    ),
    (
        "calc vs monitor: the monitor's margin formula",
        checks.calc_client_funds_vs_monitor,
        _plus_one_margin,
    ),
    (
        "calc member-settlement: the stored member margin",
        checks.calc_member_settlement,
        _sql("UPDATE reserve_history SET margin_fen = margin_fen + 1 WHERE trading_day = :d2"),
    ),
    (
        "reserve identity: R(D1)",
        checks.reserve_identity,
        _sql(
            "UPDATE reserve_history SET reserve_fen = reserve_fen + 1, cash_fen = cash_fen + 1 "
            "WHERE trading_day = :d1"
        ),
    ),
    (
        "client panel: a stored available funds",
        checks.client_panel,
        _sql(
            "UPDATE client_balance SET available_fen = available_fen + 1 "
            "WHERE trading_day = :d2 AND client_code = '10000003'"
        ),
    ),
    (
        "client panel: its line margins",
        checks.client_panel,
        _panel_margin_plus_one,
    ),
    (
        "client panel: the Accounts screen's own threshold",
        checks.client_panel,
        _overview_warning_from_half,
    ),
    (
        "statements to sign off: a stored realized P&L",
        checks.signoff_statements,
        _sql(
            "UPDATE client_balance SET close_pnl_fen = close_pnl_fen + 1 "
            "WHERE trading_day = :d2 AND client_code = '10000002'"
        ),
    ),
    (
        "funds conserved: a client's fees",
        lambda c: checks.funds_conserved(c, D2),
        _sql(
            "UPDATE client_balance SET fees_fen = fees_fen + 1 "
            "WHERE trading_day = :d2 AND client_code = '10000002'"
        ),
    ),
]


@pytest.mark.parametrize(("check", "corrupt"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_check_fails_on_a_one_fen_corruption(
    fixed_case: Case,
    monkeypatch: pytest.MonkeyPatch,
    check: Callable[[Case], Mismatches],
    corrupt: Callable[[Case, pytest.MonkeyPatch], None],
) -> None:
    verify(check(fixed_case), fixed_case)  # passes before
    corrupt(fixed_case, monkeypatch)
    sf.forget(fixed_case.db)  # the surfaces were memoized before the corruption
    found = check(fixed_case)
    assert found, f"{found.what}: still passes after the corruption"
