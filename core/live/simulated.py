"""SimulatedMarket: a deterministic (given a seed) DCE market for demos, tests and load.

Prices start at each contract's prior settlement and move by whole ticks, clamped to the
day's limit prices; a share of contracts is limit-locked all day (pinned at the upper or
lower limit, spec 2.b "单边市"). A share of the events are client fills: closes of lots
a client holds, opens on a line it holds, or opens in a contract it does not hold yet.
Event k is due at ``start + k / events_per_second`` on the injected clock; the event
sequence depends only on the seed and the inputs, never on how ``poll`` is called.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from core.live.feed import (
    Action,
    Clock,
    ContractDay,
    FeedEvent,
    FeedStats,
    FeedStatsCounter,
    PriceTick,
    TradeEvent,
    validate_event,
)
from core.live.snapshot import RiskSnapshot


class SimulatedMarket:
    """A FeedSource producing ticks and trades at ``events_per_second`` (clock time).

    ``holdings`` are the clients' open lines (indices into ``client_codes`` and
    ``contracts``, side ±1, hedge flag, lots); trades never close more than a client
    holds. Single-threaded, like every source.
    """

    def __init__(
        self,
        contracts: Sequence[ContractDay],
        client_codes: Sequence[str],
        holdings: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike, npt.ArrayLike, npt.ArrayLike],
        *,
        seed: int,
        clock: Clock,
        events_per_second: float = 500.0,
        trade_share: float = 0.1,
        lock_share: float = 0.05,
        max_step_ticks: int = 3,
        fee_per_lot_fen: int = 150,
        start: datetime | None = None,
    ) -> None:
        if events_per_second <= 0 or not contracts:
            raise ValueError("need contracts and a positive event rate")
        self._contracts = tuple(contracts)
        self._by_code = {c.code: c for c in self._contracts}
        self._clients = tuple(client_codes)
        self._rng = random.Random(seed)
        self._clock = clock
        self._rate = events_per_second
        self._trade_share = trade_share
        self._max_step = max_step_ticks
        self._fee = fee_per_lot_fen
        self._start = start or clock.now()
        self._produced = 0
        self._stats = FeedStatsCounter()
        self._price = [c.prior_settlement_fen for c in self._contracts]
        self._pinned: list[int | None] = []
        for c in self._contracts:
            if self._rng.random() < lock_share:
                up = self._rng.random() < 0.5
                self._pinned.append(c.upper_limit_fen if up else c.lower_limit_fen)
            else:
                self._pinned.append(None)
        acct, con, side, hedge, lots = (np.asarray(h) for h in holdings)
        self._h_acct: list[int] = acct.astype(np.int64).tolist()
        self._h_con: list[int] = con.astype(np.int64).tolist()
        self._h_side: list[int] = side.astype(np.int64).tolist()
        self._h_hedge: list[bool] = hedge.astype(bool).tolist()
        self._h_lots: list[int] = lots.astype(np.int64).tolist()

    @classmethod
    def from_snapshot(
        cls,
        contracts: Sequence[ContractDay],
        snapshot: RiskSnapshot,
        *,
        seed: int,
        clock: Clock,
        events_per_second: float = 500.0,
        trade_share: float = 0.1,
        lock_share: float = 0.05,
    ) -> SimulatedMarket:
        """A market whose clients trade the positions of ``snapshot``."""
        p = snapshot.positions
        return cls(
            contracts,
            [str(k) for k in snapshot.accounts.keys],
            (p["account_index"], p["contract_index"], p["side"], p["hedge"], p["lots"]),
            seed=seed,
            clock=clock,
            events_per_second=events_per_second,
            trade_share=trade_share,
            lock_share=lock_share,
        )

    # ----------------------------------------------------------------- FeedSource
    @property
    def is_exhausted(self) -> bool:
        return False

    def stats(self) -> FeedStats:
        return self._stats.snapshot()

    def poll(self, timeout: float, max_items: int) -> list[FeedEvent]:
        """Events due by now (at most ``max_items``); waits ≤ ``timeout`` for one."""
        due = self._due()
        if due <= 0:
            wait = (self._produced + 1) / self._rate - self._elapsed()
            self._clock.sleep(min(max(wait, 0.0), timeout))
            due = self._due()
        out: list[FeedEvent] = []
        for _ in range(min(due, max_items)):
            ev = self._next_event()
            if validate_event(ev, self._by_code, self._stats, where="simulated"):
                out.append(ev)
        return out

    # ----------------------------------------------------------------- generation
    def _elapsed(self) -> float:
        return (self._clock.now() - self._start).total_seconds()

    def _due(self) -> int:
        return int(self._elapsed() * self._rate) - self._produced

    def _next_event(self) -> FeedEvent:
        k = self._produced
        self._produced += 1
        at = self._start + timedelta(seconds=k / self._rate)
        rng = self._rng
        if self._h_acct and rng.random() < self._trade_share:
            return self._next_trade(k, at)
        c = rng.randrange(len(self._contracts))
        return PriceTick(self._contracts[c].code, self._move(c), at)

    def _move(self, c: int) -> int:
        cd = self._contracts[c]
        pinned = self._pinned[c]
        if pinned is not None:
            self._price[c] = pinned
        else:
            step = self._rng.randint(-self._max_step, self._max_step) * cd.tick_fen
            self._price[c] = min(max(self._price[c] + step, cd.lower_limit_fen), cd.upper_limit_fen)
        return self._price[c]

    def _next_trade(self, k: int, at: datetime) -> TradeEvent:
        rng = self._rng
        i = rng.randrange(len(self._h_acct))
        lots_held = self._h_lots[i]
        if lots_held > 0 and rng.random() < 0.5:
            lots = rng.randint(1, min(lots_held, 5))
            self._h_lots[i] -= lots
            action: Action = "close"
        else:
            lots = rng.randint(1, 5)
            action = "open"
            if rng.random() < 0.2:  # a client opening a contract it may not hold yet
                c_new = rng.randrange(len(self._contracts))
                self._h_acct.append(self._h_acct[i])
                self._h_con.append(c_new)
                self._h_side.append(rng.choice((1, -1)))
                self._h_hedge.append(False)
                self._h_lots.append(0)
                i = len(self._h_acct) - 1
            self._h_lots[i] += lots
        c = self._h_con[i]
        return TradeEvent(
            trade_no=f"S{k:010d}",
            client_code=self._clients[self._h_acct[i]],
            contract=self._contracts[c].code,
            side="long" if self._h_side[i] > 0 else "short",
            action=action,
            lots=lots,
            price_fen=self._move(c),
            at=at,
            fee_fen=self._fee * lots,
            hedge=self._h_hedge[i],
        )
