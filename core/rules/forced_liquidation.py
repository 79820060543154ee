"""Forced liquidation preview when a member's reserve is below zero (spec 2.f).

R26/R27: every client of the member is reduced in proportion to its trading margin,
``ratio = required ÷ Σ trading margin``; each client's release is rounded **up** to the
fen (the one exception to half-up rounding, spec 2.0) so that the total never falls
short of the requirement; it is each client's pro-rata share, not capped at its margin
(when the ratio exceeds one every line closes and the shortfall is reported).

Turning the requirement into lots is the firm's procedure (Q13): ``largest_remainder``
(the default: every line closes ⌊n × ratio⌋ lots, then one more lot goes to lines by
largest remainder until the requirement is met, so the release exceeds it by less than
one lot's margin), ``same_ratio`` (every line closes ``min(n, ceil(n × ratio))`` lots:
covers every client's share but closes a lot of every line) or ``fewest_lots``.

All money is integer fen; the ratio is an exact ``Fraction``. Products that could leave
the exact int64 range are done in Python integers instead (slower, still exact).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from core.errors import ConfigError
from core.money import (
    INT64_SAFE,
    MoneyOverflowError,
    exact_sum,
    fen_to_str,
    group_sum,
    mul_half_up,
    parse_yuan,
)
from core.rules.forced_reduction import pct_to_decimal
from core.rules.liquidation_methods import LOTS_METHODS, REQUIREMENTS, LotsMethod, Requirement
from core.rules.params import load_param_section
from core.rules.sides import SIDE_NAMES, side_codes

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


_SAFE = 2**62


@dataclass(frozen=True)
class LiquidationParams:
    """Parameters of forced liquidation (spec 2.f, Q11–Q13); money in fen."""

    requirement: Requirement = "to_zero"
    lots_method: LotsMethod = "largest_remainder"
    min_reserve_fen: int = 200_000_000
    unverified: tuple[str, ...] = ("lots_method", "min_reserve", "requirement")

    def __post_init__(self) -> None:
        if self.requirement not in REQUIREMENTS:
            raise ValueError(f"unknown requirement {self.requirement!r}")
        if self.lots_method not in LOTS_METHODS:
            raise ValueError(f"unknown lots_method {self.lots_method!r}")
        if self.min_reserve_fen < 0:
            raise ValueError("min_reserve must not be negative")


def default_liquidation_params(path: Path | None = None) -> LiquidationParams:
    """Forced-liquidation parameters from ``resources/risk_params.toml``."""
    sec = load_param_section("forced_liquidation", path)
    try:
        return LiquidationParams(
            requirement=sec["requirement"][0],
            lots_method=sec["lots_method"][0],
            min_reserve_fen=parse_yuan(str(sec["min_reserve"][0])),
            unverified=tuple(sorted(n for n, (_, ok) in sec.items() if not ok)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"risk_params.toml [forced_liquidation]: {exc}") from exc


@dataclass(frozen=True)
class MarginLine:
    """One position line of a client (record form of the input); money in fen."""

    client: str
    contract: str
    side: Literal["long", "short"]
    lots: int
    margin_per_lot_fen: int


@dataclass(frozen=True)
class MarginBook:
    """The member's client position lines as parallel arrays (the fast input form).

    ``client`` indexes ``clients``; ``contract`` indexes ``contracts``;
    ``margin_per_lot_fen`` is the margin actually held per lot (S × mult × rate, fen).
    """

    clients: tuple[str, ...]
    contracts: tuple[str, ...]
    client: Int64Array
    contract: Int64Array
    side: Int64Array
    """``core.rules.sides`` codes: 0 long, 1 short."""
    lots: Int64Array
    margin_per_lot_fen: Int64Array

    def __post_init__(self) -> None:
        n = self.client.shape[0]
        if any(
            a.shape != (n,) for a in (self.contract, self.side, self.lots, self.margin_per_lot_fen)
        ):
            raise ValueError("line arrays must all have the same length")
        if n and (int(self.client.min()) < 0 or int(self.client.max()) >= len(self.clients)):
            raise ValueError("client index out of range")
        if n and (int(self.contract.min()) < 0 or int(self.contract.max()) >= len(self.contracts)):
            raise ValueError("contract index out of range")
        if n and int(self.lots.min()) < 0:
            raise ValueError(f"line {int(np.argmin(self.lots))}: lots must not be negative")
        if n and int(self.margin_per_lot_fen.min()) < 0:
            bad = int(np.argmin(self.margin_per_lot_fen))
            raise ValueError(f"line {bad}: margin per lot must not be negative")


def margin_book_from_lines(lines: Sequence[MarginLine]) -> MarginBook:
    """Build a ``MarginBook`` from records (clients, contracts in first-seen order)."""
    clients: dict[str, int] = {}
    contracts: dict[str, int] = {}
    for i, ln in enumerate(lines):
        if ln.side not in ("long", "short"):
            raise ValueError(f"line {i}: side must be long or short, got {ln.side!r}")
        clients.setdefault(ln.client, len(clients))
        contracts.setdefault(ln.contract, len(contracts))
    return MarginBook(
        clients=tuple(clients),
        contracts=tuple(contracts),
        client=np.array([clients[ln.client] for ln in lines], dtype=np.int64),
        contract=np.array([contracts[ln.contract] for ln in lines], dtype=np.int64),
        side=side_codes([ln.side for ln in lines]),
        lots=np.array([ln.lots for ln in lines], dtype=np.int64),
        margin_per_lot_fen=np.array([ln.margin_per_lot_fen for ln in lines], dtype=np.int64),
    )


def _ceil_mul_div(a: Int64Array, num: int, den: int) -> Int64Array:
    """ceil(a × num / den) element-wise, exact (Python ints if int64 could overflow)."""
    if a.size == 0:
        return a.copy()
    if int(np.abs(a).max()) * abs(num) < _SAFE:
        return -((-a * np.int64(num)) // np.int64(den))
    obj = a.astype(object)
    return np.asarray(-((-obj * num) // den), dtype=np.int64)


@dataclass(frozen=True)
class LiquidationPreview:
    """Result of ``preview_forced_liquidation``; money in fen.

    ``client_margin``/``release`` are per client; ``line_lots``/``line_released`` per
    input line. ``ratio`` is exact; ``opening_banned`` is true while the reserve (after
    any what-if deposit) is below zero, and R26 keeps it until ``reserve ≥
    min_reserve``.

    """

    member: str
    book: MarginBook
    params: LiquidationParams
    reserve_fen: int
    deposit_fen: int
    required_fen: int
    total_margin_fen: int
    ratio: Fraction
    client_margin: Int64Array
    release: Int64Array
    line_lots: Int64Array
    line_released: Int64Array
    opening_banned: bool
    below_min_reserve: bool
    shortfall_fen: int

    @property
    def unverified(self) -> tuple[str, ...]:
        return self.params.unverified

    @property
    def total_release_fen(self) -> int:
        return exact_sum(self.release)

    @property
    def total_released_fen(self) -> int:
        return exact_sum(self.line_released)

    def ratio_decimal(self, digits: int = 28) -> Decimal:
        return pct_to_decimal(self.ratio, digits)

    def client_rows(self) -> list[dict[str, Any]]:
        """Per client (sorted by code): margin, release and lines with lots > 0."""
        b = self.book
        order = np.lexsort((b.contract, b.client))
        by_client: dict[int, list[dict[str, Any]]] = {}
        for i in order:
            lots = int(self.line_lots[i])
            if lots:
                by_client.setdefault(int(b.client[i]), []).append(
                    {
                        "contract": b.contracts[int(b.contract[i])],
                        "side": SIDE_NAMES[int(b.side[i])],
                        "lots": lots,
                        "released_fen": int(self.line_released[i]),
                    }
                )
        present = np.flatnonzero(np.bincount(b.client, minlength=len(b.clients)))
        rows = [
            {
                "client": b.clients[int(c)],
                "margin_fen": int(self.client_margin[c]),
                "release_fen": int(self.release[c]),
                "lines": sorted(
                    by_client.get(int(c), []),
                    key=lambda r: (str(r["contract"]), str(r["side"])),
                ),
            }
            for c in present
        ]
        rows.sort(key=lambda r: str(r["client"]))
        return rows

    def explain_lines(self, limit: int = 50) -> list[str]:
        """A readable trace (``riskdesk calc --explain``)."""
        p = self.params
        out = [
            f"forced liquidation of member {self.member}: reserve "
            f"{fen_to_str(self.reserve_fen)} + what-if deposit "
            f"{fen_to_str(self.deposit_fen)}",
            f"requirement {p.requirement} "
            f"(min reserve {fen_to_str(p.min_reserve_fen)}): "
            f"required {fen_to_str(self.required_fen)}",
            f"ratio = {fen_to_str(self.required_fen)} / "
            f"{fen_to_str(self.total_margin_fen)} = "
            f"{self.ratio_decimal()}",
            f"lots method {p.lots_method}; UNVERIFIED parameters: "
            + (", ".join(p.unverified) or "none"),
        ]
        for row in self.client_rows()[:limit]:
            out.append(
                f"  {row['client']}: margin {fen_to_str(row['margin_fen'])} × ratio → "
                f"release {fen_to_str(row['release_fen'])} (rounded up to the fen)"
            )
            for ln in row["lines"]:
                out.append(
                    f"    {ln['contract']} {ln['side']}: close {ln['lots']} lots, "
                    f"releases {fen_to_str(ln['released_fen'])}"
                )
        out.append(
            f"total release {fen_to_str(self.total_release_fen)}, released by lots "
            f"{fen_to_str(self.total_released_fen)}; "
            f"opening banned: {self.opening_banned}"
        )
        if self.shortfall_fen:
            out.append(f"SHORTFALL: margin cannot cover {fen_to_str(self.shortfall_fen)}")
        return out


@dataclass(frozen=True)
class LiquidationShares:
    """What every lot method of one liquidation shares (R26/R27); money in fen.

    The requirement of the reading in ``params``, the exact ratio ``required ÷ Σ
    margin``, each client's trading margin and its pro-rata release (rounded up to the
    fen, not capped); ``allocate_lots`` turns them into lots by one method.
    """

    member: str
    book: MarginBook
    params: LiquidationParams
    reserve_fen: int
    deposit_fen: int
    required_fen: int
    total_margin_fen: int
    ratio: Fraction
    client_margin: Int64Array
    release: Int64Array


@dataclass(frozen=True)
class BookMargins:
    """Each client's trading margin Σ lots × margin per lot and their total (fen), the
    part of a liquidation that depends on the book alone (``book_margins``)."""

    client_margin: Int64Array
    total_fen: int


def book_margins(book: MarginBook) -> BookMargins:
    """The clients' trading margins of ``book``, exact; MoneyOverflowError naming the
    client and contract when the total could leave the exact int64 range."""
    client_margin, total = _margins(book)
    return BookMargins(client_margin, total)


def liquidation_shares(
    book: MarginBook,
    reserve_fen: int,
    *,
    params: LiquidationParams | None = None,
    deposit_fen: int = 0,
    member: str = "",
    margins: BookMargins | None = None,
) -> LiquidationShares:
    """The requirement and each client's release, pro rata to trading margin (2.f).

    ``reserve_fen``: the member's settlement reserve after settlement (fen);
    ``deposit_fen``: a what-if top-up before the opening (recomputes everything).
    Nothing is required unless the reserve (+ deposit) is below zero. ``release_c =
    ceil_to_fen(margin_c × ratio)`` (not capped at the client's margin). ``margins``:
    ``book_margins(book)`` when the caller has it already (several readings or lot
    methods of one book). Pure; ValueError for a negative deposit.
    """
    p = params or default_liquidation_params()
    if deposit_fen < 0:
        raise ValueError("a what-if deposit must not be negative")
    reserve = reserve_fen + deposit_fen
    m = margins or book_margins(book)
    client_margin, total = m.client_margin, m.total_fen
    if reserve >= 0:
        required = 0
    elif p.requirement == "to_zero":
        required = -reserve
    else:
        required = p.min_reserve_fen - reserve
    if required >= INT64_SAFE:  # every release, lot count and product below needs int64
        raise MoneyOverflowError(
            f"member {member}: a release of {fen_to_str(required)} lies beyond the exact "
            "int64 range",
            what="required",
        )
    ratio = Fraction(required, total) if total else Fraction(0)
    if required == 0 or total == 0:
        release = np.zeros(len(book.clients), dtype=np.int64)
    else:
        release = _ceil_mul_div(client_margin, required, total)
    return LiquidationShares(
        member=member,
        book=book,
        params=p,
        reserve_fen=reserve_fen,
        deposit_fen=deposit_fen,
        required_fen=required,
        total_margin_fen=total,
        ratio=ratio,
        client_margin=client_margin,
        release=release,
    )


def allocate_lots(shares: LiquidationShares, lots_method: LotsMethod) -> LiquidationPreview:
    """The lots each line closes by ``lots_method`` (Q13) for ``shares``, and what they
    release. Lines with zero margin per lot release nothing and close nothing. Pure."""
    book, required, total = shares.book, shares.required_fen, shares.total_margin_fen
    p = (
        shares.params
        if shares.params.lots_method == lots_method
        else replace(shares.params, lots_method=lots_method)
    )
    if required == 0 or total == 0:
        lots = np.zeros(book.lots.size, dtype=np.int64)
    else:
        if lots_method == "largest_remainder":
            lots = _largest_remainder_lots(book, required, total)
        elif lots_method == "same_ratio":
            # min(n, ceil(n × r)) = n for r ≥ 1: the ratio capped at 1 keeps n × r in int64
            lots = np.minimum(book.lots, _ceil_mul_div(book.lots, min(required, total), total))
        else:
            lots = _fewest_lots(book, shares.release)
        lots = np.where(book.margin_per_lot_fen > 0, lots, 0).astype(np.int64)
    released = lots * book.margin_per_lot_fen
    reserve = shares.reserve_fen + shares.deposit_fen
    return LiquidationPreview(
        member=shares.member,
        book=book,
        params=p,
        reserve_fen=shares.reserve_fen,
        deposit_fen=shares.deposit_fen,
        required_fen=required,
        total_margin_fen=total,
        ratio=shares.ratio,
        client_margin=shares.client_margin,
        release=shares.release,
        line_lots=lots,
        line_released=released,
        opening_banned=reserve < 0,
        below_min_reserve=reserve < p.min_reserve_fen,
        shortfall_fen=max(0, required - total),
    )


def preview_forced_liquidation(
    book: MarginBook,
    reserve_fen: int,
    *,
    params: LiquidationParams | None = None,
    deposit_fen: int = 0,
    member: str = "",
) -> LiquidationPreview:
    """Preview the liquidation of a member's clients pro rata to trading margin (2.f):
    ``liquidation_shares`` then ``allocate_lots`` by ``params.lots_method``.

    ``reserve_fen``: the member's settlement reserve after settlement (fen);
    ``deposit_fen``: a what-if top-up before the opening (recomputes everything).
    Nothing is closed unless the reserve (+ deposit) is below zero. Pure and
    thread-safe; raises ValueError for a negative deposit.
    """
    p = params or default_liquidation_params()
    shares = liquidation_shares(book, reserve_fen, params=p, deposit_fen=deposit_fen, member=member)
    return allocate_lots(shares, p.lots_method)


def _margins(book: MarginBook) -> tuple[Int64Array, int]:
    """Client margins (Σ lots × margin per lot) and their total, exact.

    The real sums decide, not a bound: MoneyOverflowError naming the client (and
    ``row``, the line) only when the total margin itself reaches 2^62, where the lot
    and release arithmetic could leave int64.
    """
    try:
        line_margin = mul_half_up((book.lots, book.margin_per_lot_fen), 1)
        client_margin = group_sum(book.client, line_margin, len(book.clients), "client margin")
    except MoneyOverflowError as exc:
        row = exc.row if exc.row is not None else 0
        raise MoneyOverflowError(
            f"client {book.clients[int(book.client[row])]}, contract "
            f"{book.contracts[int(book.contract[row])]}: margin of {int(book.lots[row]):,} "
            f"lots at {fen_to_str(int(book.margin_per_lot_fen[row]))} a lot lies beyond the "
            "exact int64 range",
            what="margin",
            row=row,
        ) from None
    total = exact_sum(client_margin)
    if total >= INT64_SAFE:
        row = int(np.argmax(line_margin))
        raise MoneyOverflowError(
            f"the member's total margin {fen_to_str(total)} lies beyond the exact int64 "
            f"range (largest line: client {book.clients[int(book.client[row])]}, contract "
            f"{book.contracts[int(book.contract[row])]})",
            what="margin",
            row=row,
        )
    return client_margin, total


LR_FIRST_POOL = 4_096
"""Lines ranked first when looking for the extra lots (``_largest_remainder_lots``):
a member needs a few hundred; ranking a million lines took a quarter of a second."""


def _largest_remainder_lots(
    book: MarginBook, required: int, total: int, *, first_pool: int = LR_FIRST_POOL
) -> Int64Array:
    """Hamilton rounding of the lots over all the member's lines (spec 2.f, Q13).

    Each line's exact share is x = min(n, n × required ÷ total) lots; every line closes
    ⌊x⌋, then one more lot goes to one line at a time by largest remainder x − ⌊x⌋
    (ties: larger margin per lot, then client, contract, side ascending, then input
    order) until the released margin reaches ``required``: at most one extra lot per
    line, and the release exceeds the requirement by less than the margin of one lot of
    the last line given one. Lines without margin close nothing. ``preview_forced_
    liquidation`` has checked that margins and their sums fit int64.

    Only the head of the order is needed: the lines whose remainder is at least the
    ``first_pool``-th largest (ties included) are ranked; every other line has a
    smaller remainder and ranks after all of them, so when their margins reach the
    need the answer is the full ranking's. Otherwise (a deep cut, e.g. a ratio that
    leaves most lines a floor of zero) one sort by remainder finds the least
    remainder whose lines reach the need, and only those lines are ranked.
    """
    mpl = book.margin_per_lot_fen
    has_margin = mpl > 0
    if required >= total:
        return np.where(has_margin, book.lots, 0).astype(np.int64)
    num = _mul_exact(book.lots, required)  # every share as num ÷ total (one denominator)
    floor = np.where(has_margin, num // total, 0).astype(np.int64)
    need = required - int((floor * mpl).sum())
    if need <= 0:
        return floor
    remainder = num - floor * total
    candidates = np.flatnonzero(has_margin & (remainder > 0))
    if remainder.dtype == object:  # shares beyond int64: sort by exact Python integers
        client_rank = _code_rank(book.clients)[book.client[candidates]]
        contract_rank = _code_rank(book.contracts)[book.contract[candidates]]
        short = book.side[candidates]  # "long" (0) sorts before "short" (1)
        keyed = sorted(
            range(candidates.size),
            key=lambda i: (
                -remainder[candidates[i]],
                -int(mpl[candidates[i]]),
                int(client_rank[i]),
                int(contract_rank[i]),
                bool(short[i]),
                int(candidates[i]),
            ),
        )
        ranked = candidates[np.array(keyed, dtype=np.int64)]
        gained = np.cumsum(mpl[ranked])
    else:
        rem = remainder[candidates]
        pool = candidates
        if first_pool < candidates.size:
            cut = candidates.size - first_pool
            pool = candidates[rem >= np.partition(rem, cut)[cut]]
        ranked = _rank_lines(book, pool, remainder)
        gained = np.cumsum(mpl[ranked])
        if pool.size < candidates.size and not (gained.size and int(gained[-1]) >= need):
            by_rem = np.argsort(-rem)  # ties in any order: the cut below takes them all
            reach = np.cumsum(mpl[candidates[by_rem]])
            k = min(int(np.searchsorted(reach, need, side="left")), by_rem.size - 1)
            pool = candidates[rem >= rem[by_rem[k]]]
            ranked = _rank_lines(book, pool, remainder)
            gained = np.cumsum(mpl[ranked])
    take = int(np.searchsorted(gained, need, side="left"))  # first prefix reaching ``need``
    out = floor.copy()
    out[ranked[: take + 1]] += 1
    return out


def _rank_lines(book: MarginBook, lines: Int64Array, remainder: Int64Array) -> Int64Array:
    """``lines`` in the largest-remainder order: remainder descending, margin per lot
    descending, client, contract, side ascending, input order (``lines`` ascending and
    the sort stable). Codes are ranked among these lines only (their order is the same
    as among all codes); client, contract and side form one key when it fits int64."""
    client_rank = _subset_rank(book.clients, book.client[lines])
    contract_rank = _subset_rank(book.contracts, book.contract[lines])
    side = book.side[lines]  # "long" (0) sorts before "short" (1)
    mpl = book.margin_per_lot_fen[lines]
    n_contracts = int(contract_rank.max(initial=0)) + 1
    n_ties = (int(client_rank.max(initial=0)) + 1) * n_contracts * 2
    top = int(mpl.max(initial=0))
    if (top + 1) * n_ties < _SAFE:  # margin per lot and the ties as one key: two sorts
        tie = (client_rank * n_contracts + contract_rank) * 2 + side
        order = np.lexsort(((top - mpl) * np.int64(n_ties) + tie, -remainder[lines]))
    else:
        order = np.lexsort((side, contract_rank, client_rank, -mpl, -remainder[lines]))
    return lines[order].astype(np.int64)


def _subset_rank(codes: Sequence[str], index: Int64Array) -> Int64Array:
    """For each entry of ``index`` (into ``codes``), the rank of its code among the
    codes ``index`` uses."""
    present = np.zeros(len(codes), dtype=np.bool_)
    present[index] = True
    used = np.flatnonzero(present)  # sorted, as np.unique would give, without a sort
    rank = np.empty(used.size, dtype=np.int64)
    rank[np.argsort(np.asarray([codes[i] for i in used.tolist()], dtype=object), kind="stable")] = (
        np.arange(used.size)
    )
    lookup = np.empty(len(codes), dtype=np.int64)
    lookup[used] = rank
    return lookup[index]


def _mul_exact(a: Int64Array, k: int) -> Int64Array:
    """a × k element-wise; object (Python int) arrays where int64 could overflow."""
    if a.size == 0 or int(np.abs(a).max()) * abs(k) < _SAFE:
        return (a * np.int64(k)).astype(np.int64)
    return np.asarray(a.astype(object) * k)


def _code_rank(codes: Sequence[str]) -> Int64Array:
    """Each code's rank in ascending code order (for tie-breaks by code)."""
    rank = np.empty(len(codes), dtype=np.int64)
    rank[np.argsort(np.asarray(codes, dtype=object), kind="stable")] = np.arange(len(codes))
    return rank


def _fewest_lots(book: MarginBook, release: Int64Array) -> Int64Array:
    """Per client, lines by margin per lot descending (then input order), each closing
    ``min(n, ceil(remaining ÷ margin per lot))`` until the release is covered."""
    n = book.lots.size
    idx = np.arange(n, dtype=np.int64)
    top = int(book.margin_per_lot_fen.max(initial=0)) + 1
    if len(book.clients) * top < _SAFE:  # one int64 key sorts ~3x faster than lexsort
        combined = book.client * np.int64(top) + (top - 1 - book.margin_per_lot_fen)
        order = np.argsort(combined, kind="stable").astype(np.int64)
    else:
        order = np.lexsort((idx, -book.margin_per_lot_fen, book.client))
    cl = book.client[order]
    mpl = book.margin_per_lot_fen[order]
    full = book.lots[order] * mpl
    csum = np.cumsum(full)
    start = np.ones(n, dtype=np.bool_)
    start[1:] = cl[1:] != cl[:-1]
    # exclusive cumulative margin within each client
    base = np.maximum.accumulate(np.where(start, csum - full, 0))
    before = csum - full - base
    remaining = release[cl] - before
    safe_mpl = np.where(mpl > 0, mpl, 1)
    need = np.where(remaining > 0, -((-remaining) // safe_mpl), 0)
    out = np.zeros(n, dtype=np.int64)
    out[order] = np.minimum(book.lots[order], need)
    return out
