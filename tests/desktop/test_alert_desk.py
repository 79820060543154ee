"""Alerts as a desk reads thousands of them: grouped by account with hand-counted open,
critical and total figures (acknowledging a group clears it), a sound and tray
notification for new critical alerts at most every ten seconds and none while
snoozed, and times next to their trading day (the night session is the next day's)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.live import Alert
from core.live.alert_groups import AlertGroups, trading_session
from core.trading_calendar import EXCHANGE_TZ, default_calendar
from desktop.context import DesktopContext
from desktop.screens.alert_desk import NOTIFY_GAP_S, AlertNotifier, alert_time
from desktop.screens.monitor import MonitorScreen

LOAD_MS = 20_000


def _alert(i: int, account: str | None, severity: str, hour: int = 10, **kw: Any) -> Alert:
    return Alert(
        alert_id=i,
        at=datetime(2026, 11, 20, hour, 0, i, tzinfo=EXCHANGE_TZ),
        kind="risk_level",  # type: ignore[arg-type]
        severity=severity,  # type: ignore[arg-type]
        message=f"alert {i}",
        account=account,
        **kw,
    )


def test_groups_count_open_critical_and_all_and_put_the_worst_first() -> None:
    groups = AlertGroups()
    groups.add(
        [
            _alert(1, "A", "warning"),
            _alert(2, "B", "critical"),
            _alert(3, "A", "critical"),
            _alert(4, "A", "warning"),
            _alert(5, None, "warning", contract="m2501"),
            _alert(6, "B", "warning"),
        ]
    )
    assert groups.add([_alert(2, "B", "critical")]) == set()  # counted once
    a, b, m = (groups.group(k) for k in ("A", "B", "m2501"))
    assert a is not None
    assert b is not None
    assert m is not None
    assert (a.open, a.critical, a.total) == (3, 1, 3)
    assert (b.open, b.critical, b.total) == (2, 1, 2)
    assert (m.open, m.critical, m.total, m.is_account) == (1, 0, 1, False)
    assert a.latest is not None
    assert a.latest.alert_id == 4
    # Equal critical counts: more open first.
    assert [g.key for g in groups.ordered()] == ["A", "B", "m2501"]
    assert groups.acknowledge(groups.open_ids("A")) == {"A"}
    assert (a.open, a.critical, a.total) == (0, 0, 3)
    assert groups.acknowledge([1, 3]) == set()  # already acknowledged
    assert [g.key for g in groups.ordered()] == ["B", "m2501", "A"]


def test_the_night_session_belongs_to_the_next_trading_day() -> None:
    calendar = default_calendar()
    friday_night = datetime(2026, 11, 20, 21, 5, tzinfo=EXCHANGE_TZ)
    assert trading_session(friday_night, calendar) == (date(2026, 11, 23), "night")
    friday_day = datetime(2026, 11, 20, 10, 30, tzinfo=EXCHANGE_TZ)
    assert trading_session(friday_day, calendar) == (date(2026, 11, 20), "day")
    holiday = datetime(2026, 10, 1, 10, 0, tzinfo=EXCHANGE_TZ)
    assert trading_session(holiday, calendar)[0] == calendar.next_td(date(2026, 10, 1))
    text, tip = alert_time(friday_night)
    assert text == "21:05:00 night"
    assert tip == "2026-11-20 21:05:00 exchange time; trading day 2026-11-23, night session"
    assert alert_time(friday_day)[0] == "10:30:00"


def test_critical_alerts_notify_at_most_every_ten_seconds_and_not_while_snoozed(
    qapp: object,
) -> None:
    now = [1_000.0]
    notifier = AlertNotifier(clock=lambda: now[0])
    assert not notifier.raised([_alert(1, "A", "warning")])  # warnings make no sound
    assert notifier.raised([_alert(2, "A", "critical"), _alert(3, "B", "critical")])
    assert notifier.notifications == [("2 new critical alerts", "A, B")]
    now[0] += NOTIFY_GAP_S / 2
    assert not notifier.raised([_alert(4, "C", "critical")])  # kept for the next one
    now[0] += NOTIFY_GAP_S / 2
    assert notifier.raised([_alert(5, "D", "critical")])
    assert notifier.notifications[-1] == ("2 new critical alerts", "C, D")
    notifier.snooze(15)
    now[0] += 60 * 14
    assert not notifier.raised([_alert(6, "E", "critical")])
    now[0] += 61
    assert not notifier.is_snoozed
    assert notifier.raised([_alert(7, "F", "critical")])
    assert notifier.notifications[-1] == ("1 new critical alerts", "F")


def test_the_monitor_shows_alerts_by_account_and_acknowledges_a_group(
    qtbot: Any, ctx: DesktopContext
) -> None:
    screen = MonitorScreen(ctx, interval_ms=50)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=LOAD_MS)
    panel = screen.alerts_panel
    assert panel.grouped
    screen.timer.stop()  # the counts hold still while the test reads them
    panel.set_grouped(True)
    model = panel.group_model
    row = model.row_of("C0004")
    assert row >= 0
    mine = [a for a in screen.alerts.monitor.alerts if a.account == "C0004"]
    open_ids = {a.alert_id for a in screen.alerts.monitor.unacknowledged()}
    open_ = [a for a in mine if a.alert_id in open_ids]
    assert model.index(row, 0).data() == "C0004"
    assert model.index(row, 1).data() == f"{len(open_):,}"
    assert model.index(row, 3).data() == f"{len(mine):,}"
    critical = sum(a.severity == "critical" for a in open_)
    assert model.index(row, 2).data() == f"{critical:,}"
    before = screen.alerts.unacknowledged_count()
    panel.group_view.selectRow(row)
    panel.ack_button.click()
    assert screen.alerts.unacknowledged_count() == before - len(open_)
    row = model.row_of("C0004")
    assert model.index(row, 1).data() == "0"
    screen.close()


def test_group_view_reorders_at_most_once_a_second(qtbot: Any) -> None:
    """Four refreshes a second would make rows jump and cost the GUI thread an order of
    every group each time: inside the window the counts repaint in place, and
    ``reorder_due`` asks for the order when the window ends."""
    from desktop.screens.alert_desk import REORDER_EVERY_S, AlertGroupModel

    groups = AlertGroups()
    groups.add([_alert(1, "A", "warning"), _alert(2, "B", "warning")])
    model = AlertGroupModel(groups, lambda a: a.message)
    model.refresh(now=100.0)
    assert [model.group_at(r).key for r in range(model.rowCount())] == ["B", "A"]  # newest
    repainted: list[int] = []
    model.dataChanged.connect(lambda a, b, *_: repainted.append(b.row() - a.row() + 1))
    groups.add([_alert(3, "A", "critical")])  # A is now the worst
    model.refresh(now=100.0 + REORDER_EVERY_S / 2)
    assert [model.group_at(r).key for r in range(model.rowCount())] == ["B", "A"]  # waits
    assert repainted == [2]  # the counts shown in place
    assert model.data(model.index(1, 2)) == "1"  # A's critical count, already
    with qtbot.waitSignal(model.reorder_due, timeout=int(REORDER_EVERY_S * 1000) + 2000):
        pass
    model.refresh(now=100.0 + REORDER_EVERY_S)
    assert [model.group_at(r).key for r in range(model.rowCount())] == ["A", "B"]
    assert model.row_of("B") == 1
