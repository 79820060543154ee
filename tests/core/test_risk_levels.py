"""Risk ratio and risk levels: the firm's one setting (core.rules.risk_levels)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ConfigError
from core.rules.risk_levels import (
    DEFICIT,
    FORCED_CLOSE,
    LEVEL_NAMES,
    MARGIN_CALL,
    NORMAL,
    RISK_RATIO_UNBOUNDED_PPM,
    WARNING,
    RiskLevels,
    load_risk_levels,
    risk_ratio_ppm,
)


def test_risk_ratio_edge_cases() -> None:
    ratio = risk_ratio_ppm([0, 50, 10, 0, 2], [0, 100, 0, -5, 3])
    # no margin → 0 whatever the equity; 50 %; margin with no equity → unbounded;
    # floored: 2 / 3 = 666,666.6… ppm
    assert ratio.tolist() == [0, 500_000, RISK_RATIO_UNBOUNDED_PPM, 0, 666_666]


def test_ratio_definitions() -> None:
    margin, equity, available = [60], [100], [30]
    assert RiskLevels().ratio(margin, equity, available).tolist() == [600_000]
    other = RiskLevels(ratio_definition="one_minus_available_over_equity")
    assert other.ratio(margin, equity, available).tolist() == [700_000]  # 1 − 30/100


@pytest.mark.parametrize(
    ("ratio", "available", "equity", "level"),
    [
        pytest.param(799_999, 1, 1, NORMAL, id="below-warning"),
        pytest.param(800_000, 1, 1, WARNING, id="warning-from-80"),
        pytest.param(500_000, -1, 1, MARGIN_CALL, id="margin-call-available-below-zero"),
        pytest.param(900_000, -1, 1, MARGIN_CALL, id="margin-call-beats-warning"),
        pytest.param(1_000_000, -1, 1, FORCED_CLOSE, id="forced-close-beats-margin-call"),
        pytest.param(RISK_RATIO_UNBOUNDED_PPM, -5, -1, DEFICIT, id="deficit-first"),
        pytest.param(0, 0, 0, NORMAL, id="nothing-held"),
    ],
)
def test_classify_most_severe_condition_first(
    ratio: int, available: int, equity: int, level: int
) -> None:
    assert RiskLevels().classify([ratio], [available], [equity]).tolist() == [level]


@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**12), st.integers(-(10**12), 10**12), st.integers(-(10**12), 10**12)
        ),
        max_size=50,
    )
)
def test_assess_is_ratio_then_classify(rows: list[tuple[int, int, int]]) -> None:
    levels = RiskLevels(warning_ppm=700_000, forced_close_ppm=1_200_000)
    margin, equity, available = (np.array([r[i] for r in rows], dtype=np.int64) for i in range(3))
    ratio, level = levels.assess(margin, equity, available)
    assert ratio.tolist() == levels.ratio(margin, equity, available).tolist()
    assert level.tolist() == levels.classify(ratio, available, equity).tolist()


def test_thresholds_of_the_ratio_levels_only() -> None:
    levels = RiskLevels(warning_ppm=750_000, forced_close_ppm=1_100_000)
    assert [levels.threshold_ppm(lv) for lv in range(len(LEVEL_NAMES))] == [
        None,
        750_000,
        None,
        1_100_000,
        None,
    ]


def test_counts_name_every_level() -> None:
    counts = RiskLevels.counts([WARNING, WARNING, DEFICIT])
    assert counts == {
        "normal": 0,
        "warning": 2,
        "margin_call": 0,
        "forced_close": 0,
        "deficit": 1,
    }


def test_settings_file(tmp_path: Path) -> None:
    def write(name: str, body: str) -> Path:
        path = tmp_path / name  # one file per content: the parameter files are cached
        path.write_text(body, encoding="utf-8")
        return path

    entry = '[risk_levels.{}]\nvalue = "{}"\nverified = true\n'
    good = write("good.toml", entry.format("warning", "0.75") + entry.format("forced_close", "1.1"))
    assert load_risk_levels(good) == RiskLevels(warning_ppm=750_000, forced_close_ppm=1_100_000)
    bad = write("bad.toml", entry.format("warning", "1.5"))
    with pytest.raises(ConfigError, match="warning ≤ forced close"):
        load_risk_levels(bad)
