"""Warehouse-receipt expiry and registration (spec 2.i)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.errors import CalendarHorizonError, ConfigError
from core.rules.receipt_expiry import (
    Receipt,
    expiring_within,
    first_deadline,
    is_offset_eligible,
    is_overdue,
    is_registrable,
    load_receipt_rules,
    next_deadline,
    receipt_deadline,
    receipt_deadline_outcome,
    trading_days_left,
)
from core.trading_calendar import default_calendar


@pytest.mark.parametrize(
    ("product", "start", "version", "deadline"),
    [
        pytest.param("c", date(2024, 11, 25), "seed", date(2025, 3, 31), id="2i-corn-seed"),
        pytest.param("m", date(2024, 11, 25), "seed", date(2024, 12, 30), id="2i-meal-seed"),
        pytest.param("m", date(2025, 1, 10), "current", date(2025, 3, 28), id="2i-meal-current"),
        pytest.param("m", date(2025, 3, 29), "current", date(2025, 7, 30), id="meal-current-july"),
        pytest.param("a", date(2025, 3, 31), "seed", date(2025, 3, 31), id="deadline-inclusive"),
        pytest.param("a", date(2025, 4, 1), "seed", date(2026, 3, 31), id="next-year"),
        pytest.param(
            "b",
            date(2025, 1, 10),
            "current",
            date(2025, 1, 23),
            id="b-three-td-after-last-delivery",
        ),
        pytest.param("l", date(2025, 1, 10), "current", date(2025, 3, 28), id="l-current"),
    ],
)
def test_deadlines(product: str, start: date, version: str, deadline: date) -> None:
    assert next_deadline(product, start, version=version) == deadline


def test_products_without_rules_have_no_deadline() -> None:
    assert next_deadline("l", date(2025, 1, 10), version="seed") is None
    assert next_deadline("i", date(2025, 1, 10), version="current") is None


def test_deadline_counts_from_the_later_of_today_and_registration() -> None:
    r = Receipt("R", "m", registered=date(2025, 4, 1))
    assert receipt_deadline(r, date(2025, 1, 10)) == date(2025, 7, 30)


def test_deadline_outcome_tells_no_rule_from_beyond_the_calendar() -> None:
    cal = default_calendar()
    ok = receipt_deadline_outcome(
        Receipt("R1", "m", registered=date(2025, 1, 10)), date(2025, 1, 10)
    )
    assert (ok.deadline, ok.status, ok.known_until, ok.reason) == (
        date(2025, 3, 28),
        "ok",
        None,
        "",
    )
    # No validity rule for LLDPE in the seed version: no deadline, whatever the day.
    no_rule = receipt_deadline_outcome(
        Receipt("R2", "l", registered=date(2025, 1, 10)), date(2025, 1, 10), version="seed"
    )
    assert no_rule.deadline is None
    assert no_rule.status == "no_rule"
    assert no_rule.known_until is None
    assert "no validity rule for l in version seed" in no_rule.reason
    # Corn's (seed) deadline is the last trading day of March: past the calendar's end
    # once the March of its last year has gone by.
    late = date(cal.known_until.year, 4, 1)
    receipt = Receipt("R3", "c", registered=late)
    with pytest.raises(CalendarHorizonError):
        receipt_deadline(receipt, late, version="seed")
    beyond = receipt_deadline_outcome(receipt, late, version="seed")
    assert beyond.deadline is None
    assert beyond.status == "beyond_calendar"
    assert beyond.known_until == cal.known_until
    assert "beyond the calendar" in beyond.reason


def test_receipt_past_its_first_deadline_is_overdue() -> None:
    # Meal registered 2025-01-10 (current rule): must be cancelled by 2025-03-28, the day
    # before the last trading day of March.
    r = Receipt("R", "m", registered=date(2025, 1, 10))
    assert first_deadline(r) == date(2025, 3, 28)
    assert not is_overdue(r, date(2025, 3, 28))  # inclusive
    assert is_overdue(r, date(2025, 3, 31))
    assert not is_overdue(
        Receipt("X", "m", date(2025, 1, 10), status="cancelled"), date(2025, 4, 1)
    )
    assert not is_overdue(Receipt("I", "i", date(2020, 1, 6)), date(2025, 4, 1))  # no rule
    # The receipt-expiry calc kind still gives the next deadline on or after today.
    assert receipt_deadline(r, date(2025, 3, 31)) == date(2025, 7, 30)
    # The receipts list reports the missed one.
    late = receipt_deadline_outcome(r, date(2025, 3, 31))
    assert (late.deadline, late.status, late.known_until) == (date(2025, 3, 28), "overdue", None)
    assert "should have been cancelled by 2025-03-28" in late.reason
    on_time = receipt_deadline_outcome(r, date(2025, 3, 28))
    assert (on_time.deadline, on_time.status, on_time.reason) == (date(2025, 3, 28), "ok", "")
    # Registered after today: the deadline counts from registration, nothing is overdue.
    future = receipt_deadline_outcome(Receipt("F", "m", date(2025, 4, 1)), date(2025, 1, 10))
    assert (future.deadline, future.status) == (date(2025, 7, 30), "ok")


def test_trading_days_left_is_negative_past_the_deadline() -> None:
    cal = default_calendar()
    deadline = date(2025, 3, 28)  # a Friday
    assert trading_days_left(cal, date(2025, 3, 28), deadline) == 0
    assert trading_days_left(cal, date(2025, 3, 27), deadline) == 1
    assert trading_days_left(cal, date(2025, 3, 29), deadline) == 0  # Saturday
    assert trading_days_left(cal, date(2025, 3, 31), deadline) == -1  # Monday
    assert trading_days_left(cal, date(2025, 4, 1), deadline) == -2


@pytest.mark.parametrize(
    ("product", "produced", "registered", "version", "ok"),
    [
        pytest.param("m", date(2024, 10, 10), date(2024, 11, 20), "seed", True, id="41-days"),
        pytest.param("m", date(2024, 10, 1), date(2024, 11, 20), "seed", False, id="50-days"),
        pytest.param("m", date(2024, 10, 6), date(2024, 11, 20), "seed", True, id="45-inclusive"),
        pytest.param("m", date(2024, 10, 5), date(2024, 11, 20), "seed", False, id="46-days"),
        pytest.param("v", date(2024, 1, 1), date(2024, 6, 1), "current", False, id="v-120"),
        pytest.param("l", date(2024, 1, 1), date(2024, 6, 1), "current", True, id="l-180"),
        pytest.param("c", date(2020, 1, 1), date(2024, 6, 1), "current", True, id="no-rule"),
        pytest.param("m", None, date(2024, 6, 1), "current", True, id="unknown-production"),
    ],
)
def test_registration_rule(
    product: str, produced: date | None, registered: date, version: str, ok: bool
) -> None:
    assert is_registrable(product, produced, registered, version=version) is ok


def test_production_after_registration_is_an_error() -> None:
    with pytest.raises(ValueError, match="after registration"):
        is_registrable("m", date(2024, 2, 2), date(2024, 2, 1))


def test_offset_eligibility_until_the_deadline() -> None:
    r = Receipt("R", "m", registered=date(2025, 1, 10), status="margin")
    assert is_offset_eligible(r, date(2025, 3, 28))  # inclusive
    # Still lodged after its deadline (spec 2.i, 2.c): overdue, no offset, even though a
    # receipt registered on that day would be valid until July.
    assert not is_offset_eligible(r, date(2025, 3, 31))
    assert not is_offset_eligible(r, date(2025, 7, 1))
    renewed = Receipt("R2", "m", registered=date(2025, 3, 31), status="margin")
    assert is_offset_eligible(renewed, date(2025, 7, 30))
    assert not is_offset_eligible(renewed, date(2025, 7, 31))
    # Without a validity rule nothing expires.
    iron = Receipt("I", "i", registered=date(2020, 1, 6), status="margin")
    assert is_offset_eligible(iron, date(2025, 7, 31))
    free = Receipt("F", "m", registered=date(2025, 1, 10), status="free")
    assert not is_offset_eligible(free, date(2025, 2, 3))
    assert not is_offset_eligible(r, date(2025, 1, 9))


def test_expiring_within_n_trading_days() -> None:
    receipts = [
        Receipt("M1", "m", date(2025, 1, 10), warehouse="W1", holder="K"),
        Receipt("C1", "c", date(2025, 1, 10), warehouse="W2", holder="K"),
        Receipt("X", "m", date(2025, 1, 10), warehouse="W1", status="cancelled"),
    ]
    found = expiring_within(receipts, date(2025, 3, 17), 10)
    assert [(e.receipt.id, e.deadline, e.trading_days_left) for e in found] == [
        ("M1", date(2025, 3, 28), 9),
        ("C1", date(2025, 3, 28), 9),
    ]
    assert expiring_within(receipts, date(2025, 3, 10), 10) == []
    # Past the deadline they are overdue, not expiring: M1 is not listed with the next
    # cycle's deadline (30 July) a week before it.
    assert expiring_within(receipts, date(2025, 7, 21), 10) == []
    fresh = Receipt("M2", "m", date(2025, 4, 1), warehouse="W1", holder="K")
    assert [e.receipt.id for e in expiring_within([*receipts, fresh], date(2025, 7, 21))] == ["M2"]
    # The seed rule's corn deadline is the last working day of March, inclusive.
    seed = expiring_within(receipts, date(2025, 3, 31), 10, version="seed")
    assert [(e.receipt.id, e.deadline, e.trading_days_left) for e in seed] == [
        ("C1", date(2025, 3, 31), 0)
    ]


def test_bad_rules_file(tmp_path: Path) -> None:
    bad = tmp_path / "r.toml"
    bad.write_text(
        '[[expiry]]\nversion="x"\nproducts=["a"]\nkind="someday"\nmonths=[3]\nverified=true\n'
    )
    with pytest.raises(ConfigError, match=r"expiry\[0\].*unknown kind"):
        load_receipt_rules(bad)
