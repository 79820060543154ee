"""Alert messages in Chinese keep their figures (core writes them in English)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.live import AlertMonitor, FakeClock, PriceTick, TradeEvent
from core.rules.risk_levels import AT_RISK_LEVELS, LEVEL_NAMES
from desktop.alert_text import localized_alert_message
from tests.core.test_alerts import AT, LEVELS, _engine, _monitor, _snap


def _every_kind_of_message() -> dict[str, str]:
    """Drive the core's alert rules into raising one alert of every kind, and one
    risk-level alert of every level (keyed "risk_level:<level name>")."""
    engine = _engine(FakeClock())
    monitor = _monitor(engine)
    monitor.evaluate(engine.snapshot())
    monitor.evaluate(
        engine.apply([TradeEvent("T1", "C001", "m2409", "long", "open", 770, 320_000, AT)])
    )
    snap = engine.apply([PriceTick("m2409", 307_200, AT)])  # the lower limit
    monitor.evaluate(snap, [("R1", snap.as_of + timedelta(days=1))])
    messages = {a.kind: a.message for a in monitor.alerts}
    by_level = AlertMonitor(LEVELS)
    keys = ["C1"]
    for seq, level in enumerate(AT_RISK_LEVELS, start=1):
        (alert,) = by_level.evaluate(_snap(seq, keys, level, 850_000 * level))
        messages[f"risk_level:{LEVEL_NAMES[level]}"] = alert.message
    return messages


# Texts stored by monitors before migration 0005: still shown in Chinese.
LEGACY = {
    "risk_ratio": "risk ratio 81.70 % crossed 80.00 %",
    "negative_available": "available funds -6,800.00 below zero",
}


def test_every_alert_kind_is_rendered_in_chinese_with_its_figures() -> None:
    messages = _every_kind_of_message()
    assert set(messages) == {
        "risk_level",
        "risk_level:warning",
        "risk_level:margin_call",
        "risk_level:forced_close",
        "risk_level:deficit",
        "position_limit",
        "limit_lock",
        "receipt_expiry",
    }
    for kind, english in {**messages, **LEGACY}.items():
        chinese = localized_alert_message(english, "zh")
        words = re.findall(r"[A-Za-z]{3,}", chinese)
        assert words == [] or all(re.fullmatch(r"[a-z]{1,2}\d{4}|R\d+", w) for w in words), (
            kind,
            chinese,
        )
        # every figure survives (the receipt deadline is shown as a date, without its time)
        figures_en = re.findall(r"\d(?:[\d,.]*\d)?", english)
        figures_zh = re.findall(r"\d(?:[\d,.]*\d)?", chinese)
        if kind == "receipt_expiry":
            figures_en = figures_en[:4]  # R1, year, month, day
        assert sorted(figures_en) == sorted(figures_zh), (kind, english, chinese)
        assert localized_alert_message(english, "en") == english


@pytest.mark.parametrize(
    ("level", "name"),
    [("warning", "警示"), ("margin_call", "追保"), ("forced_close", "强平"), ("deficit", "穿仓")],
)
def test_risk_level_alerts_name_the_level_in_chinese(level: str, name: str) -> None:
    chinese = localized_alert_message(_every_kind_of_message()[f"risk_level:{level}"], "zh")
    assert chinese.startswith(f"进入{name}：风险度 ")


def test_unknown_wording_is_shown_as_stored() -> None:
    assert localized_alert_message("something new happened", "zh") == "something new happened"
