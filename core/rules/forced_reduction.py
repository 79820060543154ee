"""Forced position reduction preview (强制减仓, spec 2.e; R22, R23).

After three consecutive same-direction limit-locked days (D1–D3), unfilled closing
orders declared at the limit price by clients whose unit net position loses at least X
of S(D3) are matched pro rata against the net positions of profitable clients on the
other side, tier by tier. This module computes the exchange's result for a desk preview;
the real result is the exchange's.

Vectorised over position lines (``numpy.int64``): prices are integer fen per quote unit,
P&L is integer fen, the unit-P&L percentage tests compare by integer
cross-multiplication (``pnl × b ≤ −a × net × mult × S`` for X = a/b) and the pro-rata
rounding uses integer remainders (``core.rules.allocation``), so no float ever decides a
lot.

"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from core.errors import ConfigError
from core.money import MoneyOverflowError, exact_sum, group_sum, mul_half_up
from core.rules.allocation import ProRataShares, half_up_shares, largest_remainder
from core.rules.params import load_param_section
from core.rules.sides import LONG, side_codes, sign_of

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Rounding = Literal["largest_remainder", "half_up"]
PnlMethod = Literal["open_price", "d0_settlement"]

_SAFE = 2**62
_EPOCH = date(1970, 1, 1)


class LockDirection(StrEnum):
    """Direction of a limit-locked day (单边市)."""

    LIMIT_DOWN = "limit_down"
    LIMIT_UP = "limit_up"


# ---------------------------------------------------------------- parameters


def _as_fraction(value: Decimal | Fraction | str, what: str) -> Fraction:
    try:
        f = Fraction(str(value)) if not isinstance(value, Fraction) else value
    except ValueError:
        raise ValueError(f"{what}: not a decimal number: {value!r}") from None
    return f


@dataclass(frozen=True)
class ReductionParams:
    """Parameters of forced reduction (spec 2.e, Q1, Q2, Q10; Appendix A).

    ``loss_threshold`` X and ``tier_bounds`` are fractions of S(D3) (0.06 = 6 %);
    ``tier_bounds`` is strictly descending and positive. ``unverified`` names the
    parameters the spec could not confirm; every preview repeats it.
    """

    loss_threshold: Fraction = Fraction(6, 100)
    tier_bounds: tuple[Fraction, ...] = (Fraction(6, 100), Fraction(3, 100))
    hedge_last: bool = True
    rounding: Rounding = "largest_remainder"
    pnl_method: PnlMethod = "open_price"
    unverified: tuple[str, ...] = (
        "loss_threshold",
        "tier_bounds",
        "hedge_last",
        "pnl_method",
        "tie_break",
    )

    def __post_init__(self) -> None:
        if self.loss_threshold < 0:
            raise ValueError("loss_threshold must not be negative")
        b = self.tier_bounds
        if not b or any(x <= 0 for x in b) or any(x <= y for x, y in itertools.pairwise(b)):
            raise ValueError("tier_bounds must be positive and strictly descending")
        if self.rounding not in ("largest_remainder", "half_up"):
            raise ValueError(f"unknown rounding {self.rounding!r}")
        if self.pnl_method not in ("open_price", "d0_settlement"):
            raise ValueError(f"unknown pnl_method {self.pnl_method!r}")

    @property
    def hedge_tier(self) -> int:
        """Tier number of hedge positions when ``hedge_last`` (4 with two bounds)."""
        return len(self.tier_bounds) + 2


def default_reduction_params(path: Path | None = None) -> ReductionParams:
    """Forced-reduction parameters from ``resources/risk_params.toml``."""
    sec = load_param_section("forced_reduction", path)
    try:
        x = sec["loss_threshold"][0]
        bounds = sec["tier_bounds"][0]
        params = ReductionParams(
            loss_threshold=_as_fraction(x, "loss_threshold"),
            tier_bounds=tuple(_as_fraction(b, "tier_bounds") for b in bounds),
            hedge_last=bool(sec["hedge_last"][0]),
            rounding=sec["rounding"][0],
            pnl_method=sec["pnl_method"][0],
            unverified=tuple(sorted(n for n, (_, ok) in sec.items() if not ok)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"risk_params.toml [forced_reduction]: {exc}") from exc
    return params


# ---------------------------------------------------------------- trigger (D1–D3)


@dataclass(frozen=True)
class ReductionTrigger:
    """Three consecutive same-direction limit-locked trading days D1, D2, D3."""

    d1: date
    d2: date
    d3: date
    direction: LockDirection


def find_reduction_triggers(
    days: Sequence[tuple[date, LockDirection | str | None]],
    *,
    last_trading_day: date | None = None,
) -> list[ReductionTrigger]:
    """Every D1–D3 in a contract's consecutive trading days with their lock flags.

    ``days`` lists the contract's trading days in order (no gaps: the caller passes
    consecutive trading days) with ``"limit_up"``, ``"limit_down"`` or None. A run of
    same-direction locked days yields a trigger at its third day; a run continuing past
    D3 starts counting again on the day after D3 (the reduction has run). No trigger
    when D3 is ``last_trading_day``: the contract goes to delivery (spec 2.e).
    Raises ValueError for unordered days or an unknown flag.
    """
    out: list[ReductionTrigger] = []
    run: list[date] = []
    run_dir: LockDirection | None = None
    prev: date | None = None
    for day, flag in days:
        if prev is not None and day <= prev:
            raise ValueError(f"trading days must be strictly increasing: {day} after {prev}")
        prev = day
        lock = LockDirection(flag) if flag is not None else None
        if lock is None or lock != run_dir:
            run, run_dir = [], lock
        if lock is None:
            continue
        run.append(day)
        if len(run) == 3:
            if day != last_trading_day:
                out.append(ReductionTrigger(run[0], run[1], run[2], lock))
            run = []
    return out


def lock_sequence(days: Sequence[date], flags: Mapping[date, str]) -> list[tuple[date, str | None]]:
    """``days`` with their stored lock flag (None when "none"), for
    ``find_reduction_triggers``. A trading day without a stored price has no flag: it
    breaks a run."""
    return [(d, None if flags.get(d, "none") == "none" else flags[d]) for d in days]


@dataclass(frozen=True)
class LockedContract:
    """A contract locked at the limit on one of the recent trading days.

    ``d3`` is the D3 of a forced-reduction trigger in the window (None: locked, but no
    three-day run; preview it "as if D3"). ``run_days`` counts consecutive locked days
    ending on ``last_locked``.
    """

    code: str
    direction: LockDirection
    last_locked: date
    run_days: int
    d3: date | None


def locked_contract(
    code: str,
    days: Sequence[tuple[date, str | None]],
    window_start: date,
    *,
    last_trading_day: date | None = None,
) -> LockedContract | None:
    """``code``'s latest lock on or after ``window_start`` in ``days`` (consecutive
    trading days with their flags, ``lock_sequence``): its direction, the length of its
    run and the latest trigger's D3 in the window. None when not locked in the window."""
    locked = [(d, f) for d, f in days if f is not None and d >= window_start]
    if not locked:
        return None
    last, flag = max(locked)
    direction = LockDirection(flag)
    run = 0
    for _d, f in reversed([(d, f) for d, f in days if d <= last]):
        if f != direction.value:
            break
        run += 1
    triggers = find_reduction_triggers(days, last_trading_day=last_trading_day)
    hits = [t.d3 for t in triggers if t.d3 >= window_start]
    return LockedContract(code, direction, last, run, max(hits) if hits else None)


def triggered_first(contracts: Sequence[LockedContract]) -> list[LockedContract]:
    """Triggered contracts first, each group by its latest D3 (or lock) day, newest
    first, then by code: the order the desk works through them."""
    return sorted(
        contracts, key=lambda c: (c.d3 is None, -(c.d3 or c.last_locked).toordinal(), c.code)
    )


# ---------------------------------------------------------------- input


@dataclass(frozen=True)
class OpenPosition:
    """One open position line of a client in the contract (record form of the input)."""

    client: str
    side: Literal["long", "short"]
    lots: int
    open_price: Decimal
    hedge: bool = False
    open_day: date | None = None


@dataclass(frozen=True)
class PositionBook:
    """Position lines of one contract as parallel arrays (the fast input form).

    ``client`` indexes ``clients`` (trading codes, unique); ``open_price_fen`` is the
    opening price in fen per quote unit (price × 100, exact); ``open_day`` (days since
    1970-01-01) is needed only by the D0 method.
    """

    clients: tuple[str, ...]
    client: Int64Array
    side: Int64Array
    """``core.rules.sides`` codes: 0 long, 1 short."""
    lots: Int64Array
    open_price_fen: Int64Array
    hedge: BoolArray
    open_day: Int64Array | None = None

    def __post_init__(self) -> None:
        n = self.client.shape[0]
        arrays = (self.side, self.lots, self.open_price_fen, self.hedge)
        if any(a.shape != (n,) for a in arrays) or (
            self.open_day is not None and self.open_day.shape != (n,)
        ):
            raise ValueError("position arrays must all have the same length")
        if n and (int(self.client.min()) < 0 or int(self.client.max()) >= len(self.clients)):
            raise ValueError("client index out of range")
        if not np.isin(self.side, (0, 1)).all():
            raise ValueError("side must be 0 (long) or 1 (short)")
        if n and int(self.lots.min()) < 0:
            raise ValueError(f"line {int(np.argmin(self.lots))}: lots must not be negative")
        if n and int(self.open_price_fen.min()) <= 0:
            bad = int(np.argmin(self.open_price_fen))
            raise ValueError(f"line {bad}: open price must be positive")
        if len(set(self.clients)) != len(self.clients):
            raise ValueError("client codes must be unique")


def price_to_fen(price: Decimal) -> int:
    """A price in yuan per quote unit as integer fen; ValueError if finer than a fen."""
    f = price * 100
    if f != f.to_integral_value():
        raise ValueError(f"price {price} is finer than 0.01")
    return int(f)


def book_from_lines(
    lines: Sequence[OpenPosition], extra_clients: Sequence[str] = ()
) -> PositionBook:
    """Build a ``PositionBook`` from records; clients are numbered in first-seen order
    (lines first, then ``extra_clients``, e.g. clients that only have orders)."""
    index: dict[str, int] = {}
    for ln in lines:
        index.setdefault(ln.client, len(index))
    for c in extra_clients:
        index.setdefault(c, len(index))
    for i, ln in enumerate(lines):
        if ln.side not in ("long", "short"):
            raise ValueError(f"line {i}: side must be long or short, got {ln.side!r}")
    has_days = any(ln.open_day is not None for ln in lines)
    if has_days and any(ln.open_day is None for ln in lines):
        raise ValueError("open_day must be given for every line or for none")
    return PositionBook(
        clients=tuple(index),
        client=np.array([index[ln.client] for ln in lines], dtype=np.int64),
        side=side_codes([ln.side for ln in lines]),
        lots=np.array([ln.lots for ln in lines], dtype=np.int64),
        open_price_fen=np.array([price_to_fen(ln.open_price) for ln in lines], dtype=np.int64),
        hedge=np.array([ln.hedge for ln in lines], dtype=np.bool_),
        open_day=(
            np.array([(ln.open_day - _EPOCH).days for ln in lines if ln.open_day], np.int64)
            if has_days
            else None
        ),
    )


@dataclass(frozen=True)
class D0Valuation:
    """Pre-amendment P&L basis: lots opened on or before D0 are valued from S(D0)."""

    d0: date
    settlement_fen: int


# ---------------------------------------------------------------- result


@dataclass(frozen=True)
class TierStep:
    """One tier of the allocation: who was allocated pro rata and how it was rounded.

    ``side`` is "profitable" (Q_t ≥ R: the tier's clients share R) or "declared" (Q_t <
    R: the tier closes fully and declared clients share Q_t). ``keys`` index the net
    positions (see ``ReductionPreview``) in ``shares`` order.

    """

    tier: int
    tier_lots: int
    remaining_before: int
    side: Literal["profitable", "declared"]
    keys: Int64Array
    shares: ProRataShares


@dataclass(frozen=True)
class StepExplanation:
    """How one net position received its lots in one tier."""

    tier: int
    side: Literal["profitable", "declared"]
    weight: int
    target: int
    total_weight: int
    raw: Fraction
    floor: int
    fraction: Fraction
    rounding_step: int
    lots: int


@dataclass(frozen=True)
class ClientExplanation:
    """Why one net position (client, hedge flag) was or was not reduced."""

    client: str
    hedge: bool
    side: Literal["long", "short", "flat"]
    net_lots: int
    total_pnl_fen: int
    unit_pnl: Fraction | None
    unit_pnl_pct: Fraction | None
    role: Literal["declared", "profitable", "none"]
    tier: int | None
    declared_lots: int
    filled_lots: int
    reduced_lots: int
    steps: tuple[StepExplanation, ...]
    note: str


@dataclass(frozen=True)
class ReductionPreview:
    """Result of ``preview_forced_reduction``: per net position arrays plus tier steps.

    Net position ``key = 2 × client_index + hedge``. ``declared``, ``filled`` and
    ``reduced`` are lots per key; ``tier`` is 0 for non-counterparties. ``unfilled`` is
    the declared quantity left unmatched; ``overshoot`` is Σ reduced − Σ filled (0 with
    largest remainder; the old half-up rule may overshoot, shown not reconciled).
    """

    clients: tuple[str, ...]
    contract: str
    multiplier: int
    settlement_fen: int
    locked: LockDirection
    params: ReductionParams
    net_lots: Int64Array
    net_long: BoolArray
    pnl_fen: Int64Array
    declared: Int64Array
    filled: Int64Array
    reduced: Int64Array
    tier: Int64Array
    steps: tuple[TierStep, ...]
    unfilled: int
    overshoot: int
    orders: Int64Array = field(repr=False)

    # ------------------------------------------------------------ summaries
    @property
    def unverified(self) -> tuple[str, ...]:
        return self.params.unverified

    def unit_pnl_pct(self, key: int) -> Fraction | None:
        """Exact unit net P&L as a fraction of S(D3); None for a flat position."""
        net = int(self.net_lots[key])
        if net == 0:
            return None
        return Fraction(int(self.pnl_fen[key]), net * self.multiplier * self.settlement_fen)

    def _rows(self, values: Int64Array) -> list[tuple[str, int, bool]]:
        keys = np.flatnonzero(values)
        rows = [(self.clients[int(k) >> 1], int(k), bool(k & 1)) for k in keys]
        rows.sort()
        return rows

    def declared_rows(self) -> list[tuple[str, int, Fraction]]:
        """(client, declared lots, unit_pnl_pct) sorted by client code."""
        out = []
        for name, k, _ in self._rows(self.declared):
            pct = self.unit_pnl_pct(k)
            assert pct is not None
            out.append((name, int(self.declared[k]), pct))
        return out

    def fill_rows(self) -> list[tuple[str, int]]:
        """(client, lots closed on the declaring side) sorted by client code."""
        return [(name, int(self.filled[k])) for name, k, _ in self._rows(self.filled)]

    def reduction_rows(self) -> list[tuple[str, int, int, bool]]:
        """(client, lots closed, tier, hedge) on the profitable side, by client code."""
        return [
            (name, int(self.reduced[k]), int(self.tier[k]), hedge)
            for name, k, hedge in self._rows(self.reduced)
        ]

    # ------------------------------------------------------------ explanation
    def explain_client(self, client: str) -> list[ClientExplanation]:
        """Explanation of each net position of ``client`` (speculative, then hedge).

        Raises KeyError for an unknown client.
        """
        ci = self.clients.index(client) if client in self.clients else -1
        if ci < 0:
            raise KeyError(client)
        return [self._explain_key(2 * ci + h) for h in (0, 1)]

    def _explain_key(self, key: int) -> ClientExplanation:
        net = int(self.net_lots[key])
        pnl = int(self.pnl_fen[key])
        pct = self.unit_pnl_pct(key)
        unit = Fraction(pnl, 100 * net) if net else None
        steps: list[StepExplanation] = []
        for st in self.steps:
            hit = np.flatnonzero(st.keys == key)
            if hit.size:
                j = int(hit[0])
                sh = st.shares
                steps.append(
                    StepExplanation(
                        tier=st.tier,
                        side=st.side,
                        weight=int(sh.weights[j]),
                        target=sh.target,
                        total_weight=sh.denominator,
                        raw=sh.raw(j),
                        floor=int(sh.floor[j]),
                        fraction=sh.fraction(j),
                        rounding_step=int(sh.step[j]),
                        lots=int(sh.lots[j]),
                    )
                )
        declared = int(self.declared[key])
        tier = int(self.tier[key])
        role: Literal["declared", "profitable", "none"] = (
            "declared" if declared else "profitable" if tier else "none"
        )
        note = _note(self, key, role, net, pnl)
        return ClientExplanation(
            client=self.clients[key >> 1],
            hedge=bool(key & 1),
            side="flat" if net == 0 else "long" if self.net_long[key] else "short",
            net_lots=net,
            total_pnl_fen=pnl,
            unit_pnl=unit,
            unit_pnl_pct=pct,
            role=role,
            tier=tier or None,
            declared_lots=declared,
            filled_lots=int(self.filled[key]),
            reduced_lots=int(self.reduced[key]),
            steps=tuple(steps),
            note=note,
        )

    def explain_lines(self, limit: int = 50) -> list[str]:
        """A readable trace (``riskdesk calc --explain``), ``limit`` positions."""
        p = self.params
        out = [
            f"forced reduction {self.contract} {self.locked.value} at "
            f"{Decimal(self.settlement_fen) / 100} × {self.multiplier}",
            f"params: X={_pct(p.loss_threshold)} tiers="
            + "/".join(_pct(b) for b in p.tier_bounds)
            + f" hedge_last={p.hedge_last} rounding={p.rounding} pnl={p.pnl_method}",
            "UNVERIFIED parameters: " + (", ".join(p.unverified) or "none"),
        ]
        keys = np.flatnonzero(self.net_lots)
        rows = sorted((self.clients[int(k) >> 1], int(k)) for k in keys)[:limit]
        for _, k in rows:
            e = self._explain_key(k)
            out.append(
                f"  {e.client}{' (hedge)' if e.hedge else ''}: {e.side} {e.net_lots}, "
                f"P&L {Decimal(e.total_pnl_fen) / 100}, unit "
                f"{'-' if e.unit_pnl_pct is None else _pct(e.unit_pnl_pct)}; "
                f"{e.note}"
            )
            for s in e.steps:
                out.append(
                    f"    tier {s.tier} {s.side}: raw "
                    f"{s.target}×{s.weight}/{s.total_weight}"
                    f" = {float(s.raw):.4f}, floor {s.floor}, fraction "
                    f"{float(s.fraction):.4f}, step +{s.rounding_step} → {s.lots}"
                )
        for st in self.steps:
            out.append(
                f"tier {st.tier}: Q={st.tier_lots} R={st.remaining_before} → "
                f"pro rata on the {st.side} side"
            )
        out.append(f"unfilled {self.unfilled}, overshoot {self.overshoot}")
        return out


def _pct(x: Fraction) -> str:
    return f"{float(x) * 100:.4f}%"


def _note(p: ReductionPreview, key: int, role: str, net: int, pnl: int) -> str:
    if net == 0:
        return "flat: no unit P&L, never qualifies"
    if role == "declared":
        return f"declared {int(p.declared[key])}, filled {int(p.filled[key])}"
    if role == "profitable":
        return f"counterparty tier {int(p.tier[key])}, reduced {int(p.reduced[key])}"
    losing = bool(p.net_long[key]) == (p.locked is LockDirection.LIMIT_DOWN)
    if losing and int(p.orders[key]):
        return "order does not qualify (loss below X)"
    if losing:
        return "losing side, no qualifying closing order"
    return "not profitable: no counterparty" if pnl <= 0 else "counterparty not needed"


# ---------------------------------------------------------------- computation


def _beyond_int64(
    book: PositionBook, contract: str, exc: MoneyOverflowError, client: int
) -> MoneyOverflowError:
    return MoneyOverflowError(
        f"client {book.clients[client]}: the {exc.what or 'position P&L'} of "
        f"{contract or 'the contract'} lies beyond the exact int64 range",
        what=exc.what,
        row=exc.row,
    )


def _first_index(key: Int64Array, size: int, n: int) -> Int64Array:
    first = np.full(size, n, dtype=np.int64)
    np.minimum.at(first, key, np.arange(key.size, dtype=np.int64))
    return first


def _code_rank(codes: tuple[str, ...]) -> Int64Array:
    order = sorted(range(len(codes)), key=codes.__getitem__)
    rank = np.empty(len(codes), dtype=np.int64)
    rank[np.array(order, dtype=np.int64)] = np.arange(len(codes), dtype=np.int64)
    return rank


def _tie_rank(first: Int64Array, code_rank: Int64Array) -> Int64Array:
    order = np.lexsort((code_rank, first))
    rank = np.empty(first.size, dtype=np.int64)
    rank[order] = np.arange(first.size, dtype=np.int64)
    return rank


def preview_forced_reduction(
    book: PositionBook,
    order_client: npt.ArrayLike,
    order_lots: npt.ArrayLike,
    *,
    settlement_fen: int,
    multiplier: int,
    locked: LockDirection | str,
    params: ReductionParams | None = None,
    contract: str = "",
    d0: D0Valuation | None = None,
) -> ReductionPreview:
    """Preview the exchange's forced reduction of one contract after D3 (spec 2.e).

    ``order_client``/``order_lots``: unfilled closing orders at the limit price in the
    losing direction (client index into ``book.clients``, lots), in declaration order.
    ``settlement_fen``: S(D3) (the limit price) in fen. A client's orders are summed and
    applied to its speculative net position if that loses in the lock direction, else to
    its hedge one; declared = min(orders, net lots) where unit_pnl_pct ≤ −X.
    Counterparts are opposite net positions with unit P&L > 0, in tiers by
    ``params.tier_bounds`` (inclusive lower bounds), hedges last; each tier is
    allocated pro rata by
    ``params.rounding``. Pure and thread-safe. Raises ValueError for bad input and
    MoneyOverflowError (naming the client) if a net position's P&L or value would leave
    int64; comparisons beyond it fall back to exact Python integers.
    """
    p = params or default_reduction_params()
    lock = LockDirection(locked)
    if multiplier <= 0 or settlement_fen <= 0:
        raise ValueError("multiplier and settlement price must be positive")
    oc = np.asarray(order_client, dtype=np.int64)
    ol = np.asarray(order_lots, dtype=np.int64)
    if oc.shape != ol.shape or oc.ndim != 1:
        raise ValueError("order arrays must be one-dimensional and of equal length")
    nclients = len(book.clients)
    if oc.size and (int(oc.min()) < 0 or int(oc.max()) >= nclients):
        raise ValueError("closing order client index out of range")
    if ol.size and int(ol.min()) < 0:
        raise ValueError(f"closing order {int(np.argmin(ol))}: lots must not be negative")

    # ---- P&L per line in fen, then per net position (client, hedge)
    price = book.open_price_fen
    if p.pnl_method == "d0_settlement":
        if d0 is None or book.open_day is None:
            raise ValueError("the D0 method needs D0, S(D0) and every line's open day")
        price = np.where(book.open_day <= (d0.d0 - _EPOCH).days, np.int64(d0.settlement_fen), price)
    sign = sign_of(book.side)
    nkeys = 2 * nclients
    key = 2 * book.client + book.hedge.astype(np.int64)
    try:
        diff = np.int64(settlement_fen) - price
        line_pnl = mul_half_up((diff, np.full(diff.shape, multiplier), book.lots, sign), 1)
        long_lots = group_sum(key, np.where(book.side == LONG, book.lots, 0), nkeys, "lots")
        short_lots = group_sum(key, np.where(book.side == LONG, 0, book.lots), nkeys, "lots")
        pnl = group_sum(key, line_pnl, nkeys, "position P&L")
    except MoneyOverflowError as exc:  # ``row`` is a line of the book
        raise _beyond_int64(book, contract, exc, int(book.client[exc.row or 0])) from None
    net_signed = long_lots - short_lots
    net = np.abs(net_signed)
    try:  # denominator of unit_pnl_pct, in fen: net × mult × S
        den = mul_half_up((net, np.full(nkeys, multiplier), np.full(nkeys, settlement_fen)), 1)
    except MoneyOverflowError as exc:  # ``row`` is a net position: client × 2 + hedge
        raise _beyond_int64(book, contract, exc, (exc.row or 0) // 2) from None
    net_long = net_signed > 0
    losing_long = lock is LockDirection.LIMIT_DOWN
    on_losing = (net > 0) & (net_long == losing_long)
    on_winning = (net > 0) & (net_long != losing_long)
    bound = max(int(np.abs(pnl).max(initial=0)), int(den.max(initial=0)))

    def sides(num: int, dnm: int) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        # pnl/den vs num/dnm (den, dnm > 0) ⟺ pnl × dnm vs den × num; exact Python
        # integers where int64 could overflow
        if bound * max(abs(num), dnm, 1) >= _SAFE:
            return pnl.astype(object) * dnm, den.astype(object) * num
        return pnl * np.int64(dnm), den * np.int64(num)

    def at_most(num: int, dnm: int) -> BoolArray:
        a, b = sides(num, dnm)
        return np.asarray(a <= b)

    def below(num: int, dnm: int) -> BoolArray:
        a, b = sides(num, dnm)
        return np.asarray(a < b)

    # ---- declared quantities
    orders_per_client = group_sum(oc, ol, nclients, "closing order lots")
    spec_key = 2 * np.arange(nclients, dtype=np.int64)
    use_spec = on_losing[spec_key]
    target_key = np.where(use_spec, spec_key, spec_key + 1)
    orders = np.zeros(nkeys, dtype=np.int64)
    orders[target_key] = orders_per_client
    x = p.loss_threshold
    qualifies = on_losing & at_most(-x.numerator, x.denominator) & (orders > 0)
    declared = np.where(qualifies, np.minimum(orders, net), 0).astype(np.int64)

    # ---- counterparties and tiers
    profitable = on_winning & (pnl > 0)
    tier = np.zeros(nkeys, dtype=np.int64)
    under = np.zeros(nkeys, dtype=np.int64)
    for b in p.tier_bounds:  # tier = 1 + number of bounds above unit_pnl_pct
        under += below(b.numerator, b.denominator)
    tier[profitable] = 1 + under[profitable]
    is_hedge_key = (np.arange(nkeys) & 1).astype(np.bool_)
    if p.hedge_last:
        tier[profitable & is_hedge_key] = p.hedge_tier

    # ---- tie ranks: larger weight, then earlier input, then code
    code_rank = np.repeat(_code_rank(book.clients), 2)
    first_line = _first_index(key, nkeys, book.lots.size)
    first_order_client = _first_index(oc, nclients, oc.size)
    first_order = np.full(nkeys, oc.size, dtype=np.int64)
    first_order[target_key] = first_order_client

    filled = np.zeros(nkeys, dtype=np.int64)
    reduced = np.zeros(nkeys, dtype=np.int64)
    remaining = declared.copy()
    r_total = exact_sum(declared)
    steps: list[TierStep] = []
    decl_keys = np.flatnonzero(declared)
    decl_rank = _tie_rank(first_order[decl_keys], code_rank[decl_keys])
    allocate = largest_remainder if p.rounding == "largest_remainder" else None
    max_tier = max(p.hedge_tier if p.hedge_last else 0, len(p.tier_bounds) + 1)
    for t in range(1, max_tier + 1):
        if r_total <= 0:
            break
        tkeys = np.flatnonzero(tier == t)
        q_t = exact_sum(net[tkeys])
        if q_t == 0:
            continue
        if q_t >= r_total:
            w = net[tkeys]
            rank = _tie_rank(first_line[tkeys], code_rank[tkeys])
            sh = allocate(w, r_total, rank) if allocate else half_up_shares(w, r_total)
            reduced[tkeys] += sh.lots
            filled[decl_keys] += remaining[decl_keys]
            remaining[decl_keys] = 0
            steps.append(TierStep(t, q_t, r_total, "profitable", tkeys, sh))
            r_total = 0
        else:
            reduced[tkeys] += net[tkeys]
            w = remaining[decl_keys]
            sh = allocate(w, q_t, decl_rank) if allocate else half_up_shares(w, q_t)
            filled[decl_keys] += sh.lots
            remaining[decl_keys] -= sh.lots
            steps.append(TierStep(t, q_t, r_total, "declared", decl_keys.copy(), sh))
            r_total -= q_t
    unfilled = exact_sum(remaining)
    return ReductionPreview(
        clients=book.clients,
        contract=contract,
        multiplier=multiplier,
        settlement_fen=settlement_fen,
        locked=lock,
        params=p,
        net_lots=net,
        net_long=net_long,
        pnl_fen=pnl,
        declared=declared,
        filled=filled,
        reduced=reduced,
        tier=tier,
        steps=tuple(steps),
        unfilled=unfilled,
        overshoot=exact_sum(reduced) - exact_sum(filled),
        orders=orders,
    )


def pct_to_decimal(x: Fraction, digits: int = 28) -> Decimal:
    """An exact fraction as a Decimal with ``digits`` significant digits (for
    output)."""
    with localcontext() as ctx:
        ctx.prec = digits
        return Decimal(x.numerator) / Decimal(x.denominator)
