"""Margin calls (core.rules.margin_calls): hand-checked amounts, the deadline, and
properties of the vectorised rule."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ConfigError
from core.rules.call_deadline import CallDeadline
from core.rules.margin_calls import (
    CallSettings,
    call_to_ratio,
    load_call_settings,
    margin_calls,
)
from core.rules.risk_levels import DEFICIT, FORCED_CLOSE, MARGIN_CALL, WARNING, RiskLevels
from core.trading_calendar import EXCHANGE_TZ, default_calendar

LEVELS = RiskLevels(warning_ppm=800_000, forced_close_ppm=1_000_000)


def test_hand_checked_call_amounts() -> None:
    # balance 100,000.00; margin 95,000.00; receipts offset 0; available −5,000.00 after a
    # loss: the call brings available back to 0 (5,000.00); to the 80 % warning line the
    # equity must reach 95,000.00 ÷ 0.8 = 118,750.00, so 18,750.00.
    margin, equity, available = [9_500_000], [10_000_000], [-500_000]
    for target, amount in (("available", 500_000), ("risk_ratio", 1_875_000), ("both", 1_875_000)):
        calls = margin_calls(
            margin, equity, available, levels=LEVELS, settings=CallSettings(target=target)
        )
        assert calls.call_fen.tolist() == [amount], target
    calls = margin_calls(margin, equity, available, levels=LEVELS, settings=CallSettings())
    assert calls.ratio_ppm.tolist() == [950_000]
    assert calls.level.tolist() == [MARGIN_CALL]
    assert (calls.to_available_fen.tolist(), calls.to_ratio_fen.tolist()) == ([500_000], [0])


def test_ratio_call_rounds_up_to_the_fen() -> None:
    # 1,000.01 of margin at a 75 % target: equity 1,333.346… → 1,333.35 (ceil)
    assert call_to_ratio([100_001], [0], 750_000).tolist() == [133_335]
    assert call_to_ratio([0, -5], [-100, -100], 750_000).tolist() == [0, 0]


def test_levels_come_from_the_one_setting() -> None:
    calls = margin_calls(
        [80, 100, 120, 10, 0], [100, 110, 100, 100, -1], [20, -5, -20, 90, -1], levels=LEVELS
    )
    assert calls.level.tolist() == [WARNING, MARGIN_CALL, FORCED_CLOSE, 0, DEFICIT]
    assert (
        calls.level.tolist()
        == LEVELS.classify(
            calls.ratio_ppm, [20, -5, -20, 90, -1], [100, 110, 100, 100, -1]
        ).tolist()
    )


def test_deadline_is_the_next_opening_in_shanghai() -> None:
    """The call list's deadline is the one rule of the notices (core.rules.call_deadline)."""
    cal = default_calendar()
    rule = CallDeadline()
    # Friday 2026-11-20: due when Monday 11-23 opens
    assert rule.due_at(date(2026, 11, 20), cal) == datetime(2026, 11, 23, 9, 0, tzinfo=EXCHANGE_TZ)
    # before the National Day holiday: the first trading day after it
    assert rule.due_at(date(2026, 9, 30), cal) == datetime(2026, 10, 8, 9, 0, tzinfo=EXCHANGE_TZ)
    assert rule.due_at(date(2026, 11, 20), cal).utcoffset().total_seconds() == 8 * 3600


def test_settings_file(tmp_path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '[margin_calls.target]\nvalue = "both"\nverified = true\n'
        '[margin_calls.target_ratio]\nvalue = "0.75"\nverified = true\n',
        encoding="utf-8",
    )
    s = load_call_settings(path)
    assert (s.target, s.target_ratio_ppm) == ("both", 750_000)
    bad = tmp_path / "bad.toml"  # another file: parameter files are read once per path
    bad.write_text('[margin_calls.target]\nvalue = "all"\nverified = true\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="margin_calls"):
        load_call_settings(bad)


fen = st.integers(-(10**12), 10**12)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 10**12), fen, fen), min_size=1, max_size=40),
    target=st.integers(100_000, 2_000_000),
    definition=st.sampled_from(["margin_over_equity", "one_minus_available_over_equity"]),
)
def test_a_call_paid_restores_the_target(
    rows: list[tuple[int, int, int]], target: int, definition: str
) -> None:
    levels = RiskLevels(ratio_definition=definition)  # type: ignore[arg-type]
    margin, equity, available = (np.array(c, dtype=np.int64) for c in zip(*rows, strict=True))
    s = CallSettings(target="both", target_ratio_ppm=target)
    calls = margin_calls(margin, equity, available, levels=levels, settings=s)
    x = calls.call_fen
    assert (x >= 0).all()
    assert (available + x >= 0).all()  # available funds restored
    after = levels.ratio(margin, equity + x, available + x)
    assert (after <= target).all()  # ratio restored
    # and least: one fen less misses one of the two (where anything is called)
    less = x - 1
    called = x > 0
    missed = (available + less < 0) | (
        levels.ratio(margin, equity + less, available + less) > target
    )
    exact_miss = missed | (
        # the floored ppm ratio can already meet the target a fen earlier; the exact one not
        (margin if definition == "margin_over_equity" else equity - available) * 1_000_000
        > target * (equity + less)
    )
    assert exact_miss[called].all()
