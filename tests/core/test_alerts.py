"""Alert rules: raise once per crossing, re-arm, acknowledge, store (no Qt)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.audit import recent
from core.db.alert_table import AlertRow
from core.live import (
    Acknowledgement,
    Alert,
    AlertMonitor,
    FakeClock,
    LiveRiskEngine,
    PriceTick,
    TradeEvent,
)
from core.services.alerts import acknowledge_alerts, store_alerts
from core.services.store import open_database
from tests.core.test_live_engine import DAY, M2409

AT = datetime(2024, 9, 2, 1, 0, tzinfo=UTC)


def _engine(clock: FakeClock) -> LiveRiskEngine:
    # 30 long m2409 carry 76,800.00 margin; equity 100,000.00 → risk ratio 76.8 %
    return LiveRiskEngine.from_frames(
        DAY,
        [M2409],
        {"client_code": ["C001"], "equity_cash_fen": [10_000_000]},
        {
            "client_code": ["C001"],
            "contract_code": ["m2409"],
            "side": ["long"],
            "hedge": [False],
            "lots": [30],
        },
        clock=clock,
    )


def _kinds(alerts):
    return [(a.kind, a.threshold_ppm) for a in alerts]


def test_risk_ratio_crossing_raises_once_and_rearms():
    clock = FakeClock()
    engine, monitor = _engine(clock), AlertMonitor()
    assert monitor.evaluate(engine.snapshot()) == []
    # 3,190: floating −3,000.00 → ratio 76,800 / 97,000 = 79.2 %: nothing
    assert monitor.evaluate(engine.apply([PriceTick("m2409", 319_000, AT)])) == []
    # 3,180: equity 94,000 → 81.7 %: one alert at the 80 % level
    first = monitor.evaluate(engine.apply([PriceTick("m2409", 318_000, AT)]))
    assert _kinds(first) == [("risk_ratio", 800_000)]
    assert first[0].account == "C001"
    assert first[0].severity == "warning"
    # still above 80 %: no repeat
    assert monitor.evaluate(engine.apply([PriceTick("m2409", 317_900, AT)])) == []
    # just below 80 % (76.8 %) and back: still disarmed, no flapping alert
    assert monitor.evaluate(engine.apply([PriceTick("m2409", 320_000, AT)])) == []
    assert monitor.evaluate(engine.apply([PriceTick("m2409", 318_000, AT)])) == []
    # well below (3,250: equity 115,000 → 66.8 % < 75 %), then above again: re-armed
    assert monitor.evaluate(engine.apply([PriceTick("m2409", 325_000, AT)])) == []
    again = monitor.evaluate(engine.apply([PriceTick("m2409", 318_000, AT)]))
    assert _kinds(again) == [("risk_ratio", 800_000)]
    # 3,072 (the lower limit): equity 61,600 → 124.7 % and locked at the limit
    crash = monitor.evaluate(engine.apply([PriceTick("m2409", 307_200, AT)]))
    assert ("risk_ratio", 1_000_000) in _kinds(crash)
    assert ("limit_lock", None) in _kinds(crash)
    assert len(monitor.alerts) == 4


def test_negative_available_and_position_limit_alerts():
    clock = FakeClock()
    engine, monitor = _engine(clock), AlertMonitor()
    monitor.evaluate(engine.snapshot())
    # open 770 lots: margin +1,971,200.00 → available < 0; 800 ≥ 80 % of 1,000
    snap = engine.apply([TradeEvent("T1", "C001", "m2409", "long", "open", 770, 320_000, AT)])
    new = monitor.evaluate(snap)
    assert {a.kind for a in new} == {
        "negative_available",
        "position_limit",
        "risk_ratio",
    }
    limit_alert = next(a for a in new if a.kind == "position_limit")
    assert "800 lots of m2409" in limit_alert.message
    assert monitor.evaluate(engine.apply([PriceTick("m2409", 320_100, AT)])) == []


def test_receipt_deadlines_raise_once():
    monitor = AlertMonitor()
    snap = _engine(FakeClock()).snapshot()
    receipts = [("R1", snap.as_of + timedelta(days=1)), ("R2", date(2030, 1, 1))]
    assert _kinds(monitor.evaluate(snap, receipts)) == [("receipt_expiry", None)]
    assert monitor.evaluate(snap, receipts) == []


def test_acknowledge_and_store_alerts():
    clock = FakeClock()
    engine, monitor = _engine(clock), AlertMonitor()
    monitor.evaluate(engine.apply([PriceTick("m2409", 307_200, AT)]))
    ids = [a.alert_id for a in monitor.alerts]
    assert ids == [1, 2, 3]
    ack = monitor.acknowledge(1, "risk.officer", AT)
    assert monitor.acknowledge(1, "someone.else", AT).user == "risk.officer"
    assert [a.alert_id for a in monitor.unacknowledged()] == [2, 3]
    # The kept counters agree with counting the lists (what the status line shows).
    open_alerts = monitor.unacknowledged()
    critical = sum(a.severity == "critical" for a in open_alerts)
    assert critical > 0  # the sample raises critical alerts too
    assert monitor.open_counts() == (len(open_alerts), critical)
    assert monitor.count == len(monitor.alerts) == 3
    for alert in monitor.alerts:
        monitor.acknowledge(alert.alert_id, "risk.officer", AT)
    assert monitor.open_counts() == (0, 0)
    monitor = AlertMonitor()
    monitor.evaluate(engine.apply([PriceTick("m2409", 307_200, AT)]))
    ack = monitor.acknowledge(1, "risk.officer", AT)

    db = open_database("sqlite://")
    assert store_alerts(db, DAY, monitor.alerts)[0] == 3
    acknowledge_alerts(db, DAY, [ack], user="risk.officer")
    monitor.acknowledge(2, "risk.officer", AT)
    acknowledge_alerts(db, DAY, monitor.acknowledgements, user="risk.officer")
    with db.reader() as reader:
        rows = reader.session.scalars(select(AlertRow).order_by(AlertRow.alert_id)).all()
        assert [(r.alert_id, r.acknowledged_by) for r in rows] == [
            (1, "risk.officer"),
            (2, "risk.officer"),
            (3, None),
        ]
        assert rows[0].kind == "risk_ratio"
        # One audit entry per write: the store, then each acknowledgement.
        entries = recent(reader.session, 10)
        assert [e.action for e in reversed(entries)] == [
            "alert.store",
            "alert.acknowledge",
            "alert.acknowledge",
        ]
        assert entries[0].detail_data() == {"trading_day": str(DAY), "alerts": [1, 2]}
    db.engine.dispose()


def test_store_alerts_in_bulk_updates_and_refuses_unknown_acks():
    db = open_database("sqlite://")
    alerts = [
        Alert(i, AT, "risk_ratio", "warning", f"risk ratio 81.00 % crossed 80.00 % ({i})", "C1")
        for i in range(1, 12_001)  # more ids than one IN (...) chunk
    ]
    day = date(2024, 9, 2)
    store_alerts(db, day, alerts)
    store_alerts(db, day, alerts[:1])  # re-sent: updated, not stored twice
    acknowledge_alerts(
        db, day, [Acknowledgement(1, "officer", AT), Acknowledgement(11_500, "officer", AT)]
    )
    with db.reader() as reader:
        rows = reader.session.scalars(select(AlertRow).order_by(AlertRow.alert_id)).all()
        assert len(rows) == 12_000
        acked = [r.alert_id for r in rows if r.acknowledged_by == "officer"]
        assert acked == [1, 11_500]
        audited = len(recent(reader.session, 10))
    with pytest.raises(KeyError, match="unknown alert 99999"):
        acknowledge_alerts(db, day, [Acknowledgement(99_999, "officer", AT)])
    with db.reader() as reader:
        assert len(recent(reader.session, 10)) == audited  # refused: no audit entry
    db.engine.dispose()


def test_stored_ids_continue_after_an_offset():
    db = open_database("sqlite://")
    alerts = [Alert(i, AT, "risk_ratio", "warning", "m", "C1") for i in (1, 2)]
    stored, changes = store_alerts(db, DAY, alerts, id_offset=40)
    assert (stored, changes.audit) == (2, True)
    acknowledge_alerts(db, DAY, [Acknowledgement(2, "officer", AT)], id_offset=40)
    with db.reader() as reader:
        rows = reader.session.execute(select(AlertRow.alert_id, AlertRow.acknowledged_by)).all()
        assert sorted(rows) == [(41, None), (42, "officer")]
    db.engine.dispose()
