"""Consistency of every surface on hypothesis-built databases (issue #10, item 4).

Each example is a small scenario (``scenario.py``): D0's state written directly, D1 and
D2 settled by the settlement service, the live day L = next_td(D2). Every test draws
the same scenarios (one seed, one settings object), so each database is built once per
backend and shared by the read-only checks. Every scenario carries an anchor line (a
contract limit-locked by flags only, inside a 2.b period step, with receipts lodged
before D0), so the rate, lock-step and pledge-quota paths are exercised every time.

More examples locally: ``RISKDESK_CONSISTENCY_EXAMPLES=200 pytest -m consistency``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar, cast

import pytest
from hypothesis import HealthCheck, Phase, example, given, seed, settings

from tests.consistency import checks
from tests.consistency.checks import Mismatches, verify
from tests.consistency.conftest import GeneratedDatabases
from tests.consistency.scenario import FIXED_EXAMPLE, Scenario, scenarios

pytestmark = [pytest.mark.consistency, pytest.mark.xdist_group("generated")]

SEED = 20_261_123
EXAMPLES = int(os.environ.get("RISKDESK_CONSISTENCY_EXAMPLES", "12"))
GENERATED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # the same examples every run, on every worker
    phases=(Phase.explicit, Phase.generate),  # no shrinking: a failure reports its example
    suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large),
)

T = TypeVar("T", bound=Callable[..., None])


def generated_test(test: T) -> T:
    """Hypothesis over ``scenarios()``: the fixed ``FIXED_EXAMPLE`` first, then the
    seeded draws; the same for every test, so the databases are shared."""
    wrapped = given(scenario=scenarios())(example(scenario=FIXED_EXAMPLE)(test))
    return cast(T, seed(SEED)(GENERATED(wrapped)))


def _run(
    generated: GeneratedDatabases,
    scenario: Scenario,
    check: Callable[..., Mismatches],
    *args: Any,
    allow_empty: bool = False,
) -> None:
    with generated.case(scenario) as case:
        verify(check(case, *args), case, allow_empty=allow_empty)


@generated_test
def test_start_of_day_line_margins_equal_stored(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.start_of_day_lines)


@generated_test
def test_start_of_day_accounts_equal_accounts_screen(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.start_of_day_accounts)


@generated_test
def test_call_card_equals_the_call_list_and_the_monitor_start(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.call_card_equals_call_list)


@generated_test
def test_start_of_day_member_reserve_equals_stored(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.start_of_day_member)


@generated_test
def test_overview_equals_accounts_screen_and_stored_rows(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.overview_matches_accounts)


@generated_test
def test_risk_levels_agree_on_overview_accounts_and_monitor(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.risk_levels_agree)


@generated_test
def test_replayed_day_equals_settlement_pnl(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.replay_pnl)


@generated_test
def test_replayed_day_margins_follow_the_documented_relation(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.replay_margins)


@generated_test
def test_replayed_day_monitor_margins_equal_intraday_funds(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.replay_monitor_margins)


@generated_test
def test_liquidation_stored_equals_recomputed(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.liquidation_margins)


@generated_test
def test_reduction_limits_monitor_and_screens_see_the_same_positions(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.same_positions)


@generated_test
def test_calc_client_funds_equals_intraday_funds(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.calc_client_funds_vs_intraday)


@generated_test
def test_calc_client_funds_equals_live_monitor(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.calc_client_funds_vs_monitor)


@generated_test
def test_calc_member_settlement_equals_settlement_service(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.calc_member_settlement)


@generated_test
def test_reserve_identity_holds_for_every_stored_row(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.reserve_identity)


@generated_test
def test_funds_conserved_between_lines_clients_and_member(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    with generated.case(scenario) as case:
        for day in (case.prev_day, case.settled_day):
            verify(checks.funds_conserved(case, day), case)


@generated_test
def test_client_panel_equals_accounts_screen_and_stored_settlement(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.client_panel)


@generated_test
def test_statements_to_sign_off_equal_stored_and_reconciliation(
    generated: GeneratedDatabases, scenario: Scenario
) -> None:
    _run(generated, scenario, checks.signoff_statements)
