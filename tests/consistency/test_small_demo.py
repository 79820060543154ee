"""Consistency of every surface on the small demo (issue #10, item 4), SQLite and PostgreSQL.

The demo as ``riskdesk demo --scale small`` builds it: member 0101, 500 clients, last
settled day D = 2026-11-20 (m2701 limit-down on 11-18, 11-19 and 11-20), live day
L = 2026-11-23. A strict xfail names a known defect and the differences measured on
this data; once the fix lands it fails with XPASS: remove the marker (the issue #10
ones were removed when the fixes were on main: the live loader's rates and receipt
offset, the engine's rounding, the recomputed liquidation margin). The "outside the
known defects" variants check the same with those clients left out; the bite tests
use them.
"""

from __future__ import annotations

import pytest

from tests.consistency import checks
from tests.consistency.checks import Case, verify

pytestmark = [pytest.mark.consistency, pytest.mark.xdist_group("demo")]


def test_start_of_day_line_margins_equal_stored(demo_case: Case) -> None:
    verify(checks.start_of_day_lines(demo_case), demo_case)


def test_start_of_day_lines_equal_stored_outside_the_known_defect(demo_case: Case) -> None:
    verify(checks.start_of_day_lines(demo_case, "exclude"), demo_case)


def test_start_of_day_accounts_equal_accounts_screen(demo_case: Case) -> None:
    verify(checks.start_of_day_accounts(demo_case), demo_case)


def test_start_of_day_accounts_equal_outside_the_known_defects(demo_case: Case) -> None:
    verify(checks.start_of_day_accounts(demo_case, "exclude"), demo_case)


def test_start_of_day_member_reserve_equals_stored(demo_case: Case) -> None:
    verify(checks.start_of_day_member(demo_case), demo_case)


def test_start_of_day_member_reserve_differs_only_by_the_known_defect(demo_case: Case) -> None:
    verify(checks.start_of_day_member(demo_case, "exclude"), demo_case)


def test_overview_equals_accounts_screen_and_stored_rows(demo_case: Case) -> None:
    verify(checks.overview_matches_accounts(demo_case), demo_case)


def test_risk_levels_agree_on_overview_accounts_and_monitor(demo_case: Case) -> None:
    verify(checks.risk_levels_agree(demo_case), demo_case)


def test_replayed_day_equals_settlement_pnl(demo_case: Case) -> None:
    verify(checks.replay_pnl(demo_case), demo_case)


def test_replayed_day_margins_follow_the_documented_relation(demo_case: Case) -> None:
    verify(checks.replay_margins(demo_case), demo_case)


def test_replayed_day_monitor_margins_equal_intraday_funds(demo_case: Case) -> None:
    verify(checks.replay_monitor_margins(demo_case), demo_case)


def test_replayed_day_monitor_margins_outside_the_known_defect(demo_case: Case) -> None:
    verify(checks.replay_monitor_margins(demo_case, "exclude"), demo_case)


def test_liquidation_stored_equals_recomputed(demo_case: Case) -> None:
    verify(checks.liquidation_margins(demo_case), demo_case)


def test_liquidation_stored_equals_recomputed_outside_the_known_defect(demo_case: Case) -> None:
    verify(checks.liquidation_margins(demo_case, "exclude"), demo_case)


def test_reduction_limits_monitor_and_screens_see_the_same_positions(demo_case: Case) -> None:
    verify(checks.same_positions(demo_case), demo_case)


def test_calc_client_funds_equals_intraday_funds(demo_case: Case) -> None:
    verify(checks.calc_client_funds_vs_intraday(demo_case), demo_case)


def test_calc_client_funds_equals_live_monitor(demo_case: Case) -> None:
    verify(checks.calc_client_funds_vs_monitor(demo_case), demo_case)


def test_calc_client_funds_equals_live_monitor_outside_the_known_defects(demo_case: Case) -> None:
    verify(checks.calc_client_funds_vs_monitor(demo_case, "exclude"), demo_case)


def test_calc_member_settlement_equals_settlement_service(demo_case: Case) -> None:
    verify(checks.calc_member_settlement(demo_case), demo_case)


def test_reserve_identity_holds_for_every_stored_row(demo_case: Case) -> None:
    verify(checks.reserve_identity(demo_case), demo_case)


def test_funds_conserved_between_lines_clients_and_member(demo_case: Case) -> None:
    verify(checks.funds_conserved(demo_case, demo_case.settled_day), demo_case)


@pytest.mark.xfail(
    strict=True,
    reason="found by this suite (demo generator): reserve_history of 2026-11-19 holds member "
    "fees of 15,354.59 while that day's client statements (and trades) hold none",
)
def test_funds_conserved_on_the_prior_day(demo_case: Case) -> None:
    verify(checks.funds_conserved(demo_case, demo_case.prev_day), demo_case)
