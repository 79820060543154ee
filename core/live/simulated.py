"""SimulatedMarket: a deterministic (given a seed) DCE market for demos, tests and load.

Prices start at each contract's prior settlement and move by whole ticks with a pull
back towards it (a mean-reverting walk: a day's range is a fraction of the limit band,
whatever the event rate); only a locked contract touches a limit price, the others
stay at least one tick inside them. Limit locks (spec 2.b "单边市") are occasional
events of event time: every ``lock_every_s`` seconds on average (uniformly
0.5×–1.5×, the first one not before 0.5 × ``lock_every_s`` after the open) one contract
runs to the limit on the side it has moved to, stays pinned there for ``lock_seconds``,
then trades off it again; at most one contract is locked at a time. A share of the
events are client fills: closes of lots a client holds, opens on a line it holds, or
opens in a contract it does not hold yet; clients trade around the lots they opened
the day with, so margin does not drift one way. Event k is due at
``start + k / events_per_second`` on the injected clock; the event sequence (locks
included) depends only on the seed and the inputs, never on how ``poll`` is called.
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
from core.rules.sides import LONG, SHORT, SIDE_NAMES


class SimulatedMarket:
    """A FeedSource producing ticks and trades at ``events_per_second`` (clock time).

    ``holdings`` are the clients' open lines (indices into ``client_codes`` and
    ``contracts``, side code of ``core.rules.sides``, hedge flag, lots); trades never
    close more than a client holds. ``lock_every_s`` is the mean time between limit
    locks (None: never), ``lock_seconds`` the range of a lock's length, ``reversion``
    the pull back towards the prior settlement (0: a plain random walk),
    ``new_line_share`` the share of opens in a contract the client may not hold yet.
    Single-threaded, like every source.
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
        lock_every_s: float | None = 300.0,
        lock_seconds: tuple[float, float] = (60.0, 240.0),
        max_step_ticks: int = 3,
        reversion: float = 0.6,
        new_line_share: float = 0.02,
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
        self._reversion = reversion
        self._price = [c.prior_settlement_fen for c in self._contracts]
        # Limit locks draw from their own generator and are timed by event time, so
        # when they happen and which contract locks do not depend on the event rate.
        self._lock_rng = random.Random(f"lock:{seed}")
        self._lock_every = lock_every_s if lock_every_s and lock_every_s > 0 else None
        self._lock_seconds = lock_seconds
        self._lock_contract: int | None = None  # the contract running to or at its limit
        self._lock_target = 0  # its limit price (fen)
        self._lock_until = 0.0  # seconds after start
        self._next_lock_at = self._lock_gap(0.0)
        acct, con, side, hedge, lots = (np.asarray(h) for h in holdings)
        self._h_acct: list[int] = acct.astype(np.int64).tolist()
        self._h_con: list[int] = con.astype(np.int64).tolist()
        self._h_side: list[int] = side.astype(np.int64).tolist()
        self._h_hedge: list[bool] = hedge.astype(bool).tolist()
        self._h_lots: list[int] = lots.astype(np.int64).tolist()
        self._h_base: list[int] = list(self._h_lots)  # lots at the open, per line
        self._new_line_share = new_line_share

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
        lock_every_s: float | None = 300.0,
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
            lock_every_s=lock_every_s,
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

    @property
    def locked_contract(self) -> str | None:
        """The contract running to or pinned at its limit now, if any."""
        c = self._lock_contract
        return None if c is None else self._contracts[c].code

    def _lock_gap(self, t: float) -> float:
        if self._lock_every is None:
            return float("inf")
        return t + self._lock_every * self._lock_rng.uniform(0.5, 1.5)

    def _schedule_locks(self, t: float) -> None:
        """Start or end the lock due at ``t`` (seconds after start, event time)."""
        c = self._lock_contract
        if c is not None and t >= self._lock_until:
            self._lock_contract = None
            self._next_lock_at = self._lock_gap(t)
        elif c is None and t >= self._next_lock_at:
            rng = self._lock_rng
            c = rng.randrange(len(self._contracts))
            cd = self._contracts[c]
            moved = self._price[c] - cd.prior_settlement_fen
            up = moved > 0 if moved else rng.random() < 0.5
            self._lock_contract = c
            self._lock_target = cd.upper_limit_fen if up else cd.lower_limit_fen
            self._lock_until = t + rng.uniform(*self._lock_seconds)

    def _next_event(self) -> FeedEvent:
        k = self._produced
        self._produced += 1
        t = k / self._rate
        at = self._start + timedelta(seconds=t)
        self._schedule_locks(t)
        rng = self._rng
        if self._h_acct and rng.random() < self._trade_share:
            return self._next_trade(k, at)
        c = rng.randrange(len(self._contracts))
        return PriceTick(self._contracts[c].code, self._move(c), at)

    def _move(self, c: int) -> int:
        cd = self._contracts[c]
        tick = cd.tick_fen
        price = self._price[c]
        rng = self._rng
        if c == self._lock_contract:
            # Running to the limit in a few ticks, then pinned there until released.
            gap = (self._lock_target - price) // tick
            if gap:
                size = max(abs(gap) // 4, 1) + rng.randint(0, self._max_step)
                price += min(size, abs(gap)) * (1 if gap > 0 else -1) * tick
            self._price[c] = price
            return price
        step = rng.randint(-self._max_step, self._max_step)
        away = (price - cd.prior_settlement_fen) // tick
        if away:
            band = (
                cd.upper_limit_fen - cd.prior_settlement_fen
                if away > 0
                else cd.prior_settlement_fen - cd.lower_limit_fen
            )
            half = max(band // tick, 1)
            if rng.random() < self._reversion * min(abs(away) / half, 1.0):
                step = -abs(step or 1) if away > 0 else abs(step or 1)
        # Off the lock, prices stay a tick inside the band: only a lock touches a limit.
        low = min(cd.lower_limit_fen + tick, cd.prior_settlement_fen)
        high = max(cd.upper_limit_fen - tick, cd.prior_settlement_fen)
        self._price[c] = min(max(price + step * tick, low), high)
        return self._price[c]

    def _next_trade(self, k: int, at: datetime) -> TradeEvent:
        rng = self._rng
        i = rng.randrange(len(self._h_acct))
        lots_held = self._h_lots[i]
        # Clients trade around the book they started the day with: a line above its
        # opening lots is more likely closed, one below it more likely reopened, so
        # margin (and the member's reserve) does not drift one way all day.
        base = self._h_base[i]
        p_close = 0.75 if lots_held > base else 0.25 if lots_held < base else 0.55
        size = min(max(base // 2, 1), 5)  # small books trade small
        if lots_held > 0 and rng.random() < p_close:
            lots = min(rng.randint(1, size), lots_held)  # sized like opens, never over
            self._h_lots[i] -= lots
            action: Action = "close"
        else:
            lots = rng.randint(1, size)
            action = "open"
            if rng.random() < self._new_line_share:  # a contract it may not hold yet
                c_new = rng.randrange(len(self._contracts))
                self._h_acct.append(self._h_acct[i])
                self._h_con.append(c_new)
                self._h_side.append(rng.choice((LONG, SHORT)))
                self._h_hedge.append(False)
                self._h_lots.append(0)
                self._h_base.append(0)
                i = len(self._h_acct) - 1
            self._h_lots[i] += lots
        c = self._h_con[i]
        return TradeEvent(
            trade_no=f"S{k:010d}",
            client_code=self._clients[self._h_acct[i]],
            contract=self._contracts[c].code,
            side=SIDE_NAMES[self._h_side[i]],
            action=action,
            lots=lots,
            price_fen=self._move(c),
            at=at,
            fee_fen=self._fee * lots,
            hedge=self._h_hedge[i],
        )
