"""Alert rules: raise once per crossing, re-arm, acknowledge, store (no Qt)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
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
    LiveSettings,
    PriceTick,
    RiskSnapshot,
    Table,
    TradeEvent,
)
from core.live.snapshot import frozen_copy
from core.rules.risk_levels import (
    DEFICIT,
    FORCED_CLOSE,
    MARGIN_CALL,
    NORMAL,
    WARNING,
    RiskLevels,
    default_risk_levels,
)
from core.services.alerts import acknowledge_alerts, store_alerts
from core.services.store import open_database
from tests.core.test_live_engine import DAY, M2409

AT = datetime(2024, 9, 2, 1, 0, tzinfo=UTC)
LEVELS = default_risk_levels()


def _engine(
    clock: FakeClock, equity_fen: int = 10_000_000, settings: LiveSettings | None = None
) -> LiveRiskEngine:
    # 30 long m2409 carry 76,800.00 margin; equity 100,000.00 → risk ratio 76.8 %
    return LiveRiskEngine.from_frames(
        DAY,
        [M2409],
        {"client_code": ["C001"], "equity_cash_fen": [equity_fen]},
        {
            "client_code": ["C001"],
            "contract_code": ["m2409"],
            "side": ["long"],
            "hedge": [False],
            "lots": [30],
        },
        settings=settings,
        clock=clock,
    )


def _monitor(engine: LiveRiskEngine) -> AlertMonitor:
    return AlertMonitor(engine.settings.risk_levels)


def _kinds(alerts):
    return [(a.kind, a.threshold_ppm) for a in alerts]


def _levels(alerts):
    """The risk-level alerts: (kind, level, severity)."""
    return [(a.kind, a.risk_level, a.severity) for a in alerts if a.kind == "risk_level"]


def test_risk_level_crossing_raises_once_and_rearms():
    clock = FakeClock()
    engine = _engine(clock)
    monitor = _monitor(engine)
    assert monitor.evaluate(engine.snapshot()) == []
    # 3,190: floating −3,000.00 → ratio 76,800 / 97,000 = 79.2 %: nothing
    assert monitor.evaluate(engine.apply([PriceTick("m2409", 319_000, AT)])) == []
    # 3,180: equity 94,000 → 81.7 %: one alert, level warning at the 80 % threshold
    first = monitor.evaluate(engine.apply([PriceTick("m2409", 318_000, AT)]))
    assert _kinds(first) == [("risk_level", 800_000)]
    assert _levels(first) == [("risk_level", WARNING, "warning")]
    assert first[0].account == "C001"
    assert first[0].message == (
        "risk level warning: risk ratio 81.70 %, available funds 23,200.00, equity 94,000.00"
    )
    # still above 80 %: no repeat
    assert monitor.evaluate(engine.apply([PriceTick("m2409", 317_900, AT)])) == []
    # just below 80 % (76.8 %) and back: still disarmed, no flapping alert
    assert monitor.evaluate(engine.apply([PriceTick("m2409", 320_000, AT)])) == []
    assert monitor.evaluate(engine.apply([PriceTick("m2409", 318_000, AT)])) == []
    # well below (3,250: equity 115,000 → 66.8 % < 75 %), then above again: re-armed
    assert monitor.evaluate(engine.apply([PriceTick("m2409", 325_000, AT)])) == []
    again = monitor.evaluate(engine.apply([PriceTick("m2409", 318_000, AT)]))
    assert _levels(again) == [("risk_level", WARNING, "warning")]
    # 3,072 (the lower limit): equity 61,600 → 124.7 % ≥ 100 %: forced close, critical,
    # and the contract locked at the limit
    crash = monitor.evaluate(engine.apply([PriceTick("m2409", 307_200, AT)]))
    assert ("risk_level", 1_000_000) in _kinds(crash)
    assert ("risk_level", FORCED_CLOSE, "critical") in _levels(crash)
    assert ("limit_lock", None) in _kinds(crash)
    assert len(monitor.alerts) == 4


def test_margin_call_and_deficit_levels_raise_once_per_crossing():
    # Forced close only from 150 % and floating losses deducted from available funds,
    # so the money levels show between the ratio levels.
    settings = LiveSettings(
        risk_levels=RiskLevels(warning_ppm=800_000, forced_close_ppm=1_500_000),
        deduct_floating_losses=True,
    )
    engine = _engine(FakeClock(), settings=settings)
    monitor = _monitor(engine)
    assert monitor.levels is engine.settings.risk_levels
    monitor.evaluate(engine.snapshot())
    # 3,100: equity 70,000 → 109.7 %; available 100,000 − 76,800 − 30,000 < 0: margin call
    call = monitor.evaluate(engine.apply([PriceTick("m2409", 310_000, AT)]))
    assert _levels(call) == [("risk_level", MARGIN_CALL, "critical")]
    assert call[0].threshold_ppm is None
    assert "risk level margin call: risk ratio 109.71 %, available funds -6,800.00" in (
        call[0].message
    )
    # 3,080: 120 %, still a margin call (below 150 %): nothing new
    assert monitor.evaluate(engine.apply([PriceTick("m2409", 308_000, AT)])) == []
    # back to 3,200: available ≥ 0, ratio 76.8 % → normal; margin call re-armed at once
    # (a money level has no gap), warning not (76.8 % is not below 75 %)
    assert monitor.evaluate(engine.apply([PriceTick("m2409", 320_000, AT)])) == []
    again = monitor.evaluate(engine.apply([PriceTick("m2409", 310_000, AT)]))
    assert _levels(again) == [("risk_level", MARGIN_CALL, "critical")]


def test_deficit_when_equity_turns_negative():
    # equity 10,000.00 holding 76,800.00 margin: forced close from the start
    engine = _engine(FakeClock(), equity_fen=1_000_000)
    monitor = _monitor(engine)
    assert _levels(monitor.evaluate(engine.snapshot())) == [
        ("risk_level", FORCED_CLOSE, "critical")
    ]
    # 3,072: floating −38,400.00 → equity −28,400.00: deficit (穿仓)
    deficit = monitor.evaluate(engine.apply([PriceTick("m2409", 307_200, AT)]))
    assert ("risk_level", DEFICIT, "critical") in _levels(deficit)
    assert "risk level deficit: risk ratio ∞ %" in deficit[0].message
    # equity positive again (forced close), then negative: deficit re-armed
    assert monitor.evaluate(engine.apply([PriceTick("m2409", 320_000, AT)])) == []
    assert _levels(monitor.evaluate(engine.apply([PriceTick("m2409", 307_200, AT)]))) == [
        ("risk_level", DEFICIT, "critical")
    ]


def _snap(seq: int, keys: list[str], level: int, ratio_ppm: int) -> RiskSnapshot:
    """One account at ``level`` and ``ratio_ppm`` after update ``seq`` (changed then)."""
    one = lambda v: frozen_copy(np.array([v], dtype=np.int64))  # noqa: E731
    accounts = Table(
        keys,
        {
            "risk_level": one(level),
            "risk_ratio_ppm": one(ratio_ppm),
            "available_fen": one(0),
            "dynamic_equity_fen": one(100),
        },
        one(seq),
    )
    return RiskSnapshot(
        seq,
        AT,
        DAY,
        accounts,
        Table.empty(("limit_lots", "lots", "side", "contract_index", "account_index")),
        Table.empty(("limit_lock", "last_price_fen")),
    )


@pytest.mark.parametrize(
    ("path", "raised"),
    [
        pytest.param(
            [(WARNING, 810_000), (NORMAL, 790_000), (WARNING, 810_000)],
            [WARNING],
            id="warning-within-the-gap-does-not-rearm",
        ),
        pytest.param(
            [(WARNING, 810_000), (NORMAL, 749_999), (WARNING, 810_000)],
            [WARNING, WARNING],
            id="warning-rearms-5-points-below",
        ),
        pytest.param(
            [(NORMAL, 0), (FORCED_CLOSE, 1_200_000)],
            [FORCED_CLOSE],
            id="a-jump-raises-one-alert-for-the-highest-level",
        ),
        pytest.param(
            [(FORCED_CLOSE, 1_010_000), (WARNING, 990_000), (FORCED_CLOSE, 1_010_000)],
            [FORCED_CLOSE],
            id="forced-close-within-the-gap-does-not-rearm",
        ),
        pytest.param(
            [(FORCED_CLOSE, 1_010_000), (WARNING, 940_000), (FORCED_CLOSE, 1_010_000)],
            [FORCED_CLOSE, FORCED_CLOSE],
            id="forced-close-rearms-below-95",
        ),
        pytest.param(
            [(WARNING, 850_000), (MARGIN_CALL, 850_000), (WARNING, 850_000), (MARGIN_CALL, 0)],
            [WARNING, MARGIN_CALL, MARGIN_CALL],
            id="margin-call-rearms-when-the-level-falls",
        ),
        pytest.param(
            [(MARGIN_CALL, 500_000), (WARNING, 850_000), (DEFICIT, 10**12)],
            [MARGIN_CALL, DEFICIT],
            id="each-level-once-per-upward-crossing",
        ),
    ],
)
def test_level_paths(path: list[tuple[int, int]], raised: list[int]) -> None:
    monitor = AlertMonitor(LEVELS)
    keys = ["C1"]  # one keys object: evaluations are incremental, as with the engine
    got: list[int | None] = []
    for seq, (level, ratio) in enumerate(path, start=1):
        got += [a.risk_level for a in monitor.evaluate(_snap(seq, keys, level, ratio))]
    assert got == raised


def test_position_limit_alert_beside_the_risk_level():
    clock = FakeClock()
    engine = _engine(clock)
    monitor = _monitor(engine)
    monitor.evaluate(engine.snapshot())
    # open 770 lots: margin +1,971,200.00 → ratio far above 100 %; 800 ≥ 80 % of 1,000
    snap = engine.apply([TradeEvent("T1", "C001", "m2409", "long", "open", 770, 320_000, AT)])
    new = monitor.evaluate(snap)
    assert {a.kind for a in new} == {"position_limit", "risk_level"}
    assert ("risk_level", FORCED_CLOSE, "critical") in _levels(new)
    limit_alert = next(a for a in new if a.kind == "position_limit")
    assert "800 lots of m2409" in limit_alert.message
    assert monitor.evaluate(engine.apply([PriceTick("m2409", 320_100, AT)])) == []


def test_receipt_deadlines_raise_once():
    monitor = AlertMonitor(LEVELS)
    snap = _engine(FakeClock()).snapshot()
    receipts = [("R1", snap.as_of + timedelta(days=1)), ("R2", date(2030, 1, 1))]
    assert _kinds(monitor.evaluate(snap, receipts)) == [("receipt_expiry", None)]
    assert monitor.evaluate(snap, receipts) == []


def _three_alerts(engine: LiveRiskEngine) -> AlertMonitor:
    """A fresh monitor over a warning (1), then a forced close (2, critical) and the
    limit lock (3) of the crash to the lower limit."""
    monitor = _monitor(engine)
    monitor.evaluate(engine.apply([PriceTick("m2409", 318_000, AT)]))
    monitor.evaluate(engine.apply([PriceTick("m2409", 307_200, AT)]))
    return monitor


def test_acknowledge_and_store_alerts():
    clock = FakeClock()
    engine = _engine(clock)
    monitor = _three_alerts(engine)
    assert [(a.kind, a.severity) for a in monitor.alerts] == [
        ("risk_level", "warning"),
        ("risk_level", "critical"),
        ("limit_lock", "warning"),
    ]
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
    monitor = _three_alerts(engine)
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
        assert [(r.kind, r.risk_level, r.threshold_ppm) for r in rows] == [
            ("risk_level", WARNING, 800_000),
            ("risk_level", FORCED_CLOSE, 1_000_000),
            ("limit_lock", None, None),
        ]
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
        Alert(i, AT, "risk_level", "warning", f"risk level warning ({i})", "C1", risk_level=1)
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
    alerts = [Alert(i, AT, "risk_level", "warning", "m", "C1") for i in (1, 2)]
    stored, changes = store_alerts(db, DAY, alerts, id_offset=40)
    assert (stored, changes.audit) == (2, True)
    acknowledge_alerts(db, DAY, [Acknowledgement(2, "officer", AT)], id_offset=40)
    with db.reader() as reader:
        rows = reader.session.execute(select(AlertRow.alert_id, AlertRow.acknowledged_by)).all()
        assert sorted(rows) == [(41, None), (42, "officer")]
    db.engine.dispose()


def test_position_limit_alerts_same_when_ticks_skip_the_unchanged_lines():
    """A price tick shares the lots and limit columns with the previous snapshot, so the
    monitor skips the position-limit pass; the alerts of a tick / trade / close / reopen
    sequence are those of a monitor that looks at every changed line each time."""
    clock = FakeClock()
    engine = _engine(clock, equity_fen=10_000_000_000)
    skipping, looking = _monitor(engine), _monitor(engine)
    first = engine.snapshot()
    assert skipping.evaluate(first) == looking.evaluate(first)
    events = [
        [PriceTick("m2409", 320_100, AT)],
        [TradeEvent("T1", "C001", "m2409", "long", "open", 770, 320_000, AT)],  # 800 lots
        [PriceTick("m2409", 320_200, AT)],
        [TradeEvent("T2", "C001", "m2409", "long", "close", 400, 320_200, AT)],  # 400: clear
        [PriceTick("m2409", 320_300, AT)],
        [TradeEvent("T3", "C001", "m2409", "long", "open", 450, 320_300, AT)],  # 850: again
        [PriceTick("m2409", 320_400, AT)],
    ]
    raised = []
    previous = first
    for batch in events:
        snap = engine.apply(batch)
        ticked = isinstance(batch[0], PriceTick)
        assert (snap.positions["lots"] is previous.positions["lots"]) == ticked
        looking._seen_lines = (None, None)  # never skips
        mine, theirs = skipping.evaluate(snap), looking.evaluate(snap)
        assert [(a.kind, a.message) for a in mine] == [(a.kind, a.message) for a in theirs]
        raised += [a.kind for a in mine]
        previous = snap
    assert raised.count("position_limit") == 2  # opened to 800, cleared, reopened to 850
