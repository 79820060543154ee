"""Alert messages in Chinese keep their figures (core writes them in English)."""

from __future__ import annotations

import re
from datetime import timedelta

from core.live import AlertMonitor, FakeClock, PriceTick, TradeEvent
from desktop.alert_text import localized_alert_message
from tests.core.test_alerts import AT, _engine


def _every_kind_of_message() -> dict[str, str]:
    """Drive the core's alert rules into raising one alert of every kind."""
    engine, monitor = _engine(FakeClock()), AlertMonitor()
    monitor.evaluate(engine.snapshot())
    monitor.evaluate(
        engine.apply([TradeEvent("T1", "C001", "m2409", "long", "open", 770, 320_000, AT)])
    )
    snap = engine.apply([PriceTick("m2409", 307_200, AT)])  # the lower limit
    monitor.evaluate(snap, [("R1", snap.as_of + timedelta(days=1))])
    return {a.kind: a.message for a in monitor.alerts}


def test_every_alert_kind_is_rendered_in_chinese_with_its_figures() -> None:
    messages = _every_kind_of_message()
    assert set(messages) == {
        "risk_ratio",
        "negative_available",
        "position_limit",
        "limit_lock",
        "receipt_expiry",
    }
    for kind, english in messages.items():
        chinese = localized_alert_message(english, "zh")
        words = re.findall(r"[A-Za-z]{3,}", chinese)
        assert words == [] or all(re.fullmatch(r"[a-z]{1,2}\d{4}|R\d+", w) for w in words), (
            kind,
            chinese,
        )
        # every figure survives (the receipt deadline is shown as a date, without its time)
        figures_en = re.findall(r"\d[\d,.]*", english)
        figures_zh = re.findall(r"\d[\d,.]*", chinese)
        if kind == "receipt_expiry":
            figures_en = figures_en[:4]  # R1, year, month, day
        assert sorted(figures_en) == sorted(figures_zh), (kind, english, chinese)
        assert localized_alert_message(english, "en") == english


def test_unknown_wording_is_shown_as_stored() -> None:
    assert localized_alert_message("something new happened", "zh") == "something new happened"
