"""Warehouse-receipt expiry and registration (spec 2.i)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.errors import CalendarHorizonError, ConfigError
from core.rules.receipt_expiry import (
    Receipt,
    expiring_within,
    is_offset_eligible,
    is_registrable,
    load_receipt_rules,
    next_deadline,
    receipt_deadline,
    receipt_deadline_outcome,
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
    assert is_offset_eligible(r, date(2025, 3, 28))
    assert is_offset_eligible(r, date(2025, 3, 31))  # next cycle's deadline (July)
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


def test_bad_rules_file(tmp_path: Path) -> None:
    bad = tmp_path / "r.toml"
    bad.write_text(
        '[[expiry]]\nversion="x"\nproducts=["a"]\nkind="someday"\nmonths=[3]\nverified=true\n'
    )
    with pytest.raises(ConfigError, match=r"expiry\[0\].*unknown kind"):
        load_receipt_rules(bad)
