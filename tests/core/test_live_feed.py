"""Feed sources: simulated market and CSV replay (fake clock, no sleeping, no Qt)."""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.live import FakeClock, PriceTick, ReplaySource, SimulatedMarket, TradeEvent
from core.live.feed import FeedSource, limit_prices
from core.live.mailbox import Mailbox
from tests.core.test_live_engine import I2409, M2409, example_engine

REPLAY = Path(__file__).resolve().parents[2] / "resources" / "replay"


@pytest.mark.parametrize(
    ("prior", "tick", "expected"),
    [
        (320_000, 100, (307_200, 332_800)),
        (80_050, 50, (76_850, 83_250)),
        (1003, 5, (965, 1040)),
    ],
    ids=["m-even", "i-half-yuan", "Q4-towards-prior"],
)
def test_limit_prices_round_towards_prior_settlement(prior, tick, expected):
    assert limit_prices(prior, 40_000, tick) == expected


def _market(seed: int, clock: FakeClock) -> SimulatedMarket:
    engine = example_engine(clock)
    return SimulatedMarket.from_snapshot(
        engine.contracts,
        engine.snapshot(),
        seed=seed,
        clock=clock,
        events_per_second=1000,
        trade_share=0.3,
        lock_every_s=1.0,
    )


def _drain(market: SimulatedMarket, clock: FakeClock, seconds: int) -> list:
    events = []
    for _ in range(seconds * 4):
        clock.advance(0.25)
        events += market.poll(0.0, 10_000)
    return events


def test_simulated_market_is_deterministic_given_a_seed():
    a = _drain(_market(7, FakeClock()), FakeClock(), 0)  # no time passed: nothing due
    assert a == []
    c1, c2 = FakeClock(), FakeClock()
    m1, m2 = _market(7, c1), _market(7, c2)
    e1 = _drain(m1, c1, 3)
    e2 = []
    for _ in range(6):  # polled differently, same sequence
        c2.advance(0.5)
        e2 += m2.poll(0.0, 10_000)
    assert len(e1) == 3000
    assert e1 == e2
    assert _drain(_market(8, FakeClock()), FakeClock(), 0) == []
    c3 = FakeClock()
    assert _drain(_market(8, c3), c3, 3) != e1


def test_simulated_prices_stay_on_tick_within_limits_and_trades_never_overclose():
    clock = FakeClock()
    engine = example_engine(clock)
    market = SimulatedMarket.from_snapshot(
        engine.contracts,
        engine.snapshot(),
        seed=3,
        clock=clock,
        events_per_second=2000,
        trade_share=0.4,
        lock_every_s=2.0,  # locks too: a locked contract stays on its limit price
    )
    by_code = {c.code: c for c in engine.contracts}
    n_ticks = n_trades = 0
    for _ in range(20):
        clock.advance(0.5)
        batch = market.poll(0.0, 100_000)
        for ev in batch:
            c = by_code[ev.contract]
            assert ev.price_fen % c.tick_fen == 0
            assert c.lower_limit_fen <= ev.price_fen <= c.upper_limit_fen
            n_ticks += isinstance(ev, PriceTick)
            n_trades += isinstance(ev, TradeEvent)
        engine.apply(batch)
    assert n_ticks > 10_000
    assert n_trades > 5_000
    assert engine.rejected_events == 0  # never closes more than held, never off-limit
    assert market.stats().rejected == 0
    assert isinstance(market, FeedSource)


def test_simulated_market_can_lock_a_contract_at_its_limit():
    clock = FakeClock()
    market = _market(1, clock)
    ticks = [e for e in _drain(market, clock, 2) if isinstance(e, PriceTick)]
    locked = {
        e.contract
        for e in ticks
        if e.price_fen
        in (
            {M2409.upper_limit_fen, M2409.lower_limit_fen}
            | {I2409.upper_limit_fen, I2409.lower_limit_fen}
        )
    }
    assert len(locked) == 1  # lock_every_s 1.0: one lock in the first 1.5 s, one at a time
    assert market.locked_contract in locked


def _at_limit(events: list, by_code: dict) -> list[tuple[float, str]]:
    out = []
    for e in events:
        c = by_code[e.contract]
        if e.price_fen in (c.upper_limit_fen, c.lower_limit_fen):
            out.append((e.at.timestamp(), e.contract))
    return out


def test_simulated_limit_locks_are_rare_single_and_seeded():
    """Default settings: no lock at the open, then one contract at a time, minutes apart."""
    runs = []
    for _ in range(2):
        clock = FakeClock()
        engine = example_engine(clock)
        market = SimulatedMarket.from_snapshot(
            engine.contracts, engine.snapshot(), seed=11, clock=clock, events_per_second=50
        )
        by_code = {c.code: c for c in engine.contracts}
        t0 = clock.now().timestamp()
        events = []
        for _ in range(3600):  # one hour of simulated time
            clock.advance(1.0)
            events += market.poll(0.0, 10_000)
        runs.append([(t - t0, code) for t, code in _at_limit(events, by_code)])
    hits = runs[0]
    assert hits == runs[1]  # deterministic given the seed
    assert hits
    assert hits[0][0] >= 150
    # Group touches into locks: a new lock starts after a gap of more than 60 s.
    starts = [hits[0]]
    for prev, cur in itertools.pairwise(hits):
        assert cur[1] == prev[1] or cur[0] - prev[0] >= 60  # one contract at a time
        if cur[0] - prev[0] >= 60:
            starts.append(cur)
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(starts)]
    assert 3 <= len(starts) <= 20
    assert min(gaps) >= 150  # at least a couple of minutes between locks


def test_simulated_poll_waits_on_the_clock_when_nothing_is_due():
    clock = FakeClock()
    market = _market(1, clock)
    t0 = clock.now()
    assert len(market.poll(timeout=1.0, max_items=10)) == 1  # slept 1 ms for event 1
    assert (clock.now() - t0).total_seconds() == pytest.approx(0.001)


def _replay(clock: FakeClock, speed: float | None) -> ReplaySource:
    return ReplaySource.from_csv(
        REPLAY / "ticks.csv",
        REPLAY / "trades.csv",
        [M2409, I2409],
        clock=clock,
        speed=speed,
    )


def test_replay_reads_samples_and_skips_bad_rows(caplog):
    clock = FakeClock()
    source = _replay(clock, None)
    with caplog.at_level(logging.WARNING):
        events = source.poll(0.0, 1000)
    assert [type(e).__name__ for e in events].count("PriceTick") == 7
    assert [e.trade_no for e in events if isinstance(e, TradeEvent)] == [
        "T0001",
        "T0002",
        "T0003",
    ]
    stats = source.stats()
    assert (stats.ticks, stats.trades) == (7, 3)
    # malformed: bad price text, off-tick price, unknown contract, bad lots
    # out of limit: m2409 at 3400 and a trade at 3500 (upper limit 3328)
    assert (stats.malformed, stats.out_of_limit) == (4, 2)
    assert "ticks.csv line 5" in caplog.text
    assert all(e.at.utcoffset() is not None for e in events)
    assert events == sorted(events, key=lambda e: e.at)
    assert source.poll(0.0, 10) == []
    assert source.is_exhausted


def test_replay_paces_events_by_speed_factor_on_a_fake_clock():
    clock = FakeClock()
    source = _replay(clock, speed=2.0)
    t0 = clock.now()
    first = source.poll(timeout=0.1, max_items=100)
    assert [e.price_fen for e in first] == [320_100]  # only 09:00:00 is due
    seen = len(first)
    while not source.is_exhausted:
        seen += len(source.poll(timeout=0.1, max_items=100))
    # the last good event is recorded 10 s after the first: 5 s at speed 2
    assert (clock.now() - t0).total_seconds() == pytest.approx(5.1, abs=0.11)
    assert seen == 10


def test_replay_max_items_and_missing_columns(tmp_path):
    source = _replay(FakeClock(), None)
    assert len(source.poll(0.0, 2)) == 2
    bad = tmp_path / "ticks.csv"
    bad.write_text("when,contract,price\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="missing columns at"):
        ReplaySource.from_csv(bad, None, [M2409], clock=FakeClock())


def test_parquet_replay_equals_csv_replay(tmp_path):
    import pandas as pd

    # The same recordings as Parquet (text columns, as an export from the CSV layout).
    paths = []
    for name in ("ticks", "trades"):
        frame = pd.read_csv(REPLAY / f"{name}.csv", dtype=str, keep_default_na=False)
        path = tmp_path / f"{name}.parquet"
        frame.to_parquet(path, index=False)
        paths.append(path)
    parquet = ReplaySource.from_parquet(
        paths[0], paths[1], [M2409, I2409], clock=FakeClock(), speed=None
    )
    csv = _replay(FakeClock(), None)
    assert parquet.poll(0.0, 1000) == csv.poll(0.0, 1000)
    assert (parquet.stats().malformed, parquet.stats().out_of_limit) == (4, 2)
    assert parquet.stats() == csv.stats()


def test_mailbox_keeps_latest_and_counts_drops():
    box: Mailbox[int] = Mailbox()
    assert box.take() is None
    box.put(1)
    box.put(2)
    box.put(3)
    assert box.peek() == 3
    assert box.take() == 3
    assert box.take() is None
    assert (box.dropped, box.delivered) == (2, 3)


def test_replay_files_saved_with_a_byte_order_mark_read_like_plain_ones(tmp_path):
    # Excel's "CSV UTF-8" starts the file with a BOM; it once glued itself to "at"
    ticks, trades = tmp_path / "ticks.csv", tmp_path / "trades.csv"
    ticks.write_bytes(b"\xef\xbb\xbf" + (REPLAY / "ticks.csv").read_bytes())
    trades.write_bytes(b"\xef\xbb\xbf" + (REPLAY / "trades.csv").read_bytes())
    plain = _replay(FakeClock(), None).poll(0.0, 1000)
    marked = ReplaySource.from_csv(ticks, trades, [M2409, I2409], clock=FakeClock(), speed=None)
    assert marked.poll(0.0, 1000) == plain
