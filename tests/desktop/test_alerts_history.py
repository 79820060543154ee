"""Alerts screen: what the alert history shows (exchange times, messages in both languages),
its order across trading days and the note when older alerts are not loaded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select

from core.db.alert_table import AlertRow
from core.live import Acknowledgement, Alert
from core.services.alerts import acknowledge_alerts, store_alerts
from core.trading_calendar import EXCHANGE_TZ
from desktop import i18n
from desktop.alert_text import localized_alert_message, localized_alert_messages
from desktop.context import DesktopContext
from desktop.models.frame_table import FrameTableModel
from desktop.screens import alerts as alerts_screen
from desktop.screens.alerts import AlertsScreen, load_alerts, local_times
from tests.desktop.conftest import DAY, PREVIOUS_DAY

RAISED = datetime(2024, 9, 13, 2, 30, 15, 750_000, tzinfo=UTC)  # 10:30:15 in Dalian
ACKED = datetime(2024, 9, 13, 16, 5, 9, tzinfo=UTC)  # 00:05:09 on the 14th in Dalian

# The core's wording of each kind (see core.live.alerts) and its Chinese rendering.
MESSAGES = {
    "risk_ratio": (
        "risk ratio 125.00 % crossed 100.00 %",
        "风险度 125.00% 超过 100.00%",
    ),
    "negative_available": (
        "available funds -2,500.00 below zero",
        "可用资金 -2,500.00 元，低于零",
    ),
    "position_limit": (
        "long 770 lots of m2501: 96.25 % of the 800-lot limit",
        "m2501 多头 770 手，达限额 800 手的 96.25%",
    ),
    "limit_lock": (
        "a2501 locked at its upper limit 4,523.00",
        "a2501 封涨停板 4,523.00",
    ),
    "receipt_expiry": (
        "receipt R1 must be cancelled by 2024-09-20",
        "仓单 R1 须于 2024-09-20 前注销",
    ),
}


def _seed_every_kind(ctx: DesktopContext) -> None:
    alerts = [
        Alert(
            i,
            RAISED + timedelta(minutes=i),
            kind,  # type: ignore[arg-type]
            "critical" if kind == "risk_ratio" else "warning",
            english,
            account="C0004" if kind in ("risk_ratio", "negative_available") else None,
            contract={"position_limit": "m2501", "limit_lock": "a2501"}.get(kind),
            receipt="R1" if kind == "receipt_expiry" else None,
        )
        for i, (kind, (english, _)) in enumerate(MESSAGES.items(), start=1)
    ]
    store_alerts(ctx.db, DAY, alerts)
    acknowledge_alerts(ctx.db, DAY, [Acknowledgement(1, "risk.officer", ACKED)])


def _open(ctx: DesktopContext, qtbot: Any) -> AlertsScreen:
    screen = AlertsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=10_000)
    return screen


def _column(model: FrameTableModel, key: str) -> list[str]:
    col = model.column_of(key)
    return [model.index(r, col).data() for r in range(model.rowCount())]


@pytest.fixture
def chinese(qapp: object) -> Iterator[None]:
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def test_history_shows_exchange_times_and_english_messages(qtbot: Any, ctx: DesktopContext) -> None:
    _seed_every_kind(ctx)
    screen = _open(ctx, qtbot)
    history = screen.history.model
    assert history.rowCount() == 5
    # Newest first; times in Dalian (UTC+8) to the second, fractions dropped.
    assert _column(history, "raised") == [f"2024-09-13 10:{30 + i}:15" for i in range(5, 0, -1)]
    assert _column(history, "acked") == ["", "", "", "", "2024-09-14 00:05:09"]
    assert _column(history, "acknowledged_by") == ["", "", "", "", "risk.officer"]
    assert _column(history, "is_acked") == ["Open"] * 4 + ["Acknowledged"]
    assert _column(history, "message") == [english for english, _ in MESSAGES.values()][::-1]
    assert _column(history, "subject") == ["R1", "a2501", "m2501", "C0004", "C0004"]


def test_history_opened_in_chinese_shows_chinese_messages_and_the_same_times(
    qtbot: Any, ctx: DesktopContext, chinese: None
) -> None:
    _seed_every_kind(ctx)
    screen = _open(ctx, qtbot)
    history = screen.history.model
    assert _column(history, "message") == [zh for _, zh in MESSAGES.values()][::-1]
    assert _column(history, "raised")[-1] == "2024-09-13 10:31:15"
    assert _column(history, "acked")[-1] == "2024-09-14 00:05:09"
    assert _column(history, "is_acked") == ["未确认"] * 4 + ["已确认"]


def test_messages_follow_a_language_switch_both_ways(qtbot: Any, ctx: DesktopContext) -> None:
    _seed_every_kind(ctx)
    screen = _open(ctx, qtbot)
    history = screen.history.model
    i18n.set_language("zh")
    screen.retranslate()
    assert _column(history, "message") == [zh for _, zh in MESSAGES.values()][::-1]
    assert screen.history.count.text() == "共 5 行"
    i18n.set_language("en")
    screen.retranslate()
    assert _column(history, "message") == [en for en, _ in MESSAGES.values()][::-1]
    assert screen.history.count.text() == "5 rows"


def test_a_load_started_in_english_is_shown_in_chinese_after_a_switch(
    qtbot: Any, ctx: DesktopContext
) -> None:
    _seed_every_kind(ctx)
    screen = _open(ctx, qtbot)
    query = screen.build_query()  # the language is taken when the load starts
    with ctx.db.reader() as reader:
        result = query(reader)
    i18n.set_language("zh")
    screen.apply(result)
    messages = _column(screen.history.model, "message")
    assert messages == [zh for _, zh in MESSAGES.values()][::-1]


def test_the_text_filter_searches_the_shown_language(
    qtbot: Any, ctx: DesktopContext, chinese: None
) -> None:
    _seed_every_kind(ctx)
    screen = _open(ctx, qtbot)
    screen.history.filter_edit.setText("涨停")  # keyClicks types Latin-1 only
    assert _column(screen.history.model, "subject") == ["a2501"]
    assert screen.history.count.text() == "显示 1 / 5 行"


# ------------------------------------------------------------------ order and limit
def _store(ctx: DesktopContext, day: date, stamps: list[datetime], first_id: int = 1) -> None:
    alerts = [
        Alert(
            first_id + i,
            at,
            "risk_ratio",
            "warning",
            f"risk ratio 8{i}.00 % crossed 80.00 %",
            account=f"C{first_id + i:04d}",
        )
        for i, at in enumerate(stamps)
    ]
    store_alerts(ctx.db, day, alerts)


def _stored_order(ctx: DesktopContext, limit: int) -> list[tuple[date, int]]:
    """What the screen must show: the SQL order by trading day, time and id."""
    with ctx.db.sessions() as s:
        rows = s.execute(
            select(AlertRow.trading_day, AlertRow.alert_id)
            .order_by(
                AlertRow.trading_day.desc(), AlertRow.raised_at.desc(), AlertRow.alert_id.desc()
            )
            .limit(limit)
        ).all()
    return [(r[0], r[1]) for r in rows]


def _loaded_order(ctx: DesktopContext) -> tuple[list[tuple[date, str]], bool]:
    with ctx.db.reader() as reader:
        data = load_alerts(reader)
    frame = data.alerts
    return list(zip(frame["trading_day"], frame["subject"], strict=True)), data.more_alerts


def _as_subjects(order: list[tuple[date, int]]) -> list[tuple[date, str]]:
    return [(day, f"C{alert_id:04d}") for day, alert_id in order]


T0 = datetime(2024, 9, 12, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("limit", [3, 5, 8, 50])
def test_history_is_newest_trading_day_first_even_with_late_stamps(
    ctx: DesktopContext, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    # The previous day holds alerts stamped after some of the newer day's (a replayed
    # feed): the trading day still orders first, whatever the limit cuts.
    _store(ctx, PREVIOUS_DAY, [T0 + timedelta(hours=h) for h in (0, 30, 31, 1)], first_id=1)
    _store(ctx, DAY, [T0 + timedelta(hours=h) for h in (24, 25, 26, 2)], first_id=11)
    monkeypatch.setattr(alerts_screen, "HISTORY_LIMIT", limit)
    loaded, more = _loaded_order(ctx)
    assert loaded == _as_subjects(_stored_order(ctx, limit))
    assert more == (limit < 8)


def test_ties_in_time_are_ordered_by_id(
    ctx: DesktopContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store(ctx, PREVIOUS_DAY, [T0] * 3, first_id=1)
    _store(ctx, DAY, [T0 + timedelta(days=1)] * 4, first_id=11)
    monkeypatch.setattr(alerts_screen, "HISTORY_LIMIT", 5)
    loaded, more = _loaded_order(ctx)
    assert loaded == [(DAY, f"C00{i}") for i in (14, 13, 12, 11)] + [(PREVIOUS_DAY, "C0003")]
    assert more


def test_the_count_says_when_older_alerts_are_not_loaded(
    qtbot: Any, ctx: DesktopContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store(ctx, DAY, [T0 + timedelta(minutes=m) for m in range(4)])
    monkeypatch.setattr(alerts_screen, "HISTORY_LIMIT", 3)
    screen = _open(ctx, qtbot)
    assert screen.history.model.rowCount() == 3
    assert screen.history.count.text() == "3 rows · only the newest 3 alerts are loaded"
    i18n.set_language("zh")
    screen.retranslate()
    assert screen.history.count.text() == "共 3 行 · 仅加载最近 3 条预警"
    i18n.set_language("en")
    monkeypatch.setattr(alerts_screen, "HISTORY_LIMIT", 4)
    screen.reload()
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=10_000)
    assert screen.history.count.text() == "4 rows"


# ------------------------------------------------------------------ helpers
def _reference_local(at: Any) -> str:
    """One value at a time, as the screen formatted times before it was vectorised."""
    if at is None or at != at:
        return ""
    ts = pd.Timestamp(at)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return str(ts.tz_convert(EXCHANGE_TZ).strftime("%Y-%m-%d %H:%M:%S"))


def test_local_times_match_the_per_value_formatting() -> None:
    base = datetime(2024, 12, 31, 16, 0, 59, 999_999)  # noqa: DTZ001 (naive, as SQLite)
    values: list[Any] = [
        base,  # naive = UTC: the new year in Dalian
        base.replace(tzinfo=UTC),
        base.replace(tzinfo=timezone(timedelta(hours=-5))),
        "2024-09-13 02:30:00.5",
        None,
        float("nan"),
        base,  # repeated values share one conversion
    ] + [base - timedelta(seconds=7_919 * i) for i in range(200)]
    assert list(local_times(values)) == [_reference_local(v) for v in values]
    assert local_times(values)[0] == "2025-01-01 00:00:59"
    assert list(local_times([])) == []
    assert list(local_times([None, None])) == ["", ""]


def test_messages_are_rendered_once_per_distinct_text() -> None:
    english = [en for en, _ in MESSAGES.values()] * 3 + ["something new"]
    assert list(localized_alert_messages(english, "zh")) == [
        localized_alert_message(m, "zh") for m in english
    ]
    assert list(localized_alert_messages(english, "en")) == english
    for en, zh in MESSAGES.values():
        assert localized_alert_message(en, "zh") == zh
