"""Client forced close (强平单): the close orders that restore a client past its call's
deadline with the least over-release.

**Release of a close (spec 2.a).** A line of n lots carries ``line_margin(S, mult, n,
rate)`` (``core.rules.funds``: one line, one rounding) at the prior settlement basis (S =
the settlement price of the settled day D, rate = rate_settle(D) + the firm's add-on =
the open rate of the next trading day). Closing k of its lots releases exactly
r(k) = line_margin(n) − line_margin(n − k), and available funds rise by r(k) (no
receipt offset on that product; see docs/margin-calls.md for the offset).

**The problem.** Given the release R required (``release_required``), choose k_i ∈
[0, n_i] per eligible line with Σ r_i(k_i) ≥ R that minimises, in this order, the
over-release Σ r_i(k_i) − R, then the lots Σ k_i, then the lines closed, then the
search order: lines sorted by per-lot margin (r_i(1)) descending, then input order, and
more lots on an earlier line first (the lexicographically largest k-vector in that
order). When even closing every eligible line releases less than R, every eligible line
closes and the shortfall is reported.

**Exact, with a proven fast path** (``size_forced_closes``, vectorised over clients):

1. R ≤ 0: nothing to close. Σ r_i(n_i) ≤ R: close everything (the only set reaching
   the most that can be released).
2. k_cov,i = the least k with r_i(k) ≥ R (r_i is non-decreasing). A set never closes
   more than k_cov,i lots of a line: one lot fewer still covers, with less over-release
   and fewer lots. The best single-line set is the best (r_i(k_cov,i) − R, k_cov,i).
3. Lower bounds for any covering set: over-release ≥ (−R) mod g, g = gcd of the lines'
   per-lot margins, when every line is linear (r_i(k) = k × r_i(1) exactly; a line is
   linear iff line_margin(n) = n × line_margin(1), because |line_margin(k) − k × c|
   grows with k under half-up rounding); lots ≥ ⌈R ÷ the largest one-lot release⌉
   (a lot of a non-linear line releases at most r_i(1) + 1 fen); lines ≥ 1. A
   single-line set meeting both bounds is optimal (it also has the fewest lines, and the
   first such line in the search order is taken): the fast path's proof. A client with
   one eligible line is solved by step 2 alone.
4. Small books (at most ``SEARCH_MAX_BOX`` sets Π (k_cov,i + 1)): a depth-first branch
   and bound over the lines in the search order, k from its cover down; a node is
   pruned when its lower bound (over-release from the lattice of the remaining lines,
   lots so far + ⌈remaining ÷ largest remaining one-lot release⌉, lines so far + 1) is
   not below the best set found so far. Depth-first visits sets in the tie-break order,
   so the first best set found is the answer.
5. Larger books: an exact join (meet in the middle), vectorised over all such clients.
   The sets of the first lines and of the last lines are each enumerated merged by
   released sum (of two sets with one sum only the better can be part of the optimum,
   since the other side adds the same to both), pruned to the sums that can still
   matter; for each first-side sum s the best completion is the least last-side sum
   ≥ R − s (one binary search). The tie-break order rides along as the k-vector in mixed
   radix. Exact; its cost grows with the square root of Π (k_cov,i + 1).
6. Books whose join sides would exceed ``MITM_MAX_SIDE`` sets: the search of step 4
   with a node budget (``max_nodes``); when it completes, its set is proven. When it
   stops and ``lots_slack`` ≥ 0 (off by default: on the large demo it proves about 2 %
   more clients for about 60 % more time) and the lines all release linearly, the join
   capped in lots (``_Plan.capped``). A set of at most
   cap = ⌈R ÷ u_1⌉ + ``lots_slack`` lots (u_1 the largest per-lot margin) falls short of
   cap × u_1 by at most room = cap × u_1 − R, so line i closes at most
   ⌊room ÷ (u_1 − u_i)⌋ lots, and a partial set of l lots and sum s is dropped when even
   cap − l lots of the largest margin still open to it cannot lift it to R. The join
   over what is left is exact over every set within the cap; its set is proven least
   (status ``searched``) when its over-release is the lattice bound of step 3 and its
   lots are within the cap, or when the cap + 1 smallest lots of the book already
   release more than it: no set of more lots can then beat it. Otherwise the better of
   it and the search's best set is returned, marked ``budget`` (best found, not proven
   least); so is the search's set when the capped join gives up (past
   ``CAPPED_SIDE_LIMIT`` sets even at a smaller cap).

Joins of many books run in chunks in a spare process (``core.worker_pool``; threads do
not help: the joins' numpy passes over small arrays hold the GIL) while the plain-Python
searches of the other books run in the caller's, which then takes back the chunks no
spare process has started; each book's answer is its own, so the result does not depend
on the processes, the chunks or their timing.

Pure and thread-safe; money int64 fen, exact.
"""

from __future__ import annotations

import itertools
import math
import operator
from bisect import bisect_left
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from core import worker_pool
from core.errors import ConfigError
from core.money import exact_sum, group_sum, ratio_bp
from core.rules.forced_liquidation import (
    LiquidationParams,
    MarginBook,
    preview_forced_liquidation,
)
from core.rules.funds import line_margin
from core.rules.margin_calls import ratio_numerator_fen
from core.rules.params import load_param_section
from core.rules.risk_levels import PPM, RiskLevels

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

Status = Literal["nothing_due", "close_all", "one_line", "certified", "searched", "budget"]
STATUSES: tuple[Status, ...] = (
    "nothing_due",
    "close_all",
    "one_line",
    "certified",
    "searched",
    "budget",
)
"""How a client's set was found: no release needed; every eligible line closed; the
only eligible line; the best single line proven by the lower bounds; a complete search;
the node budget ran out (best found, not proven)."""
PROVEN: frozenset[Status] = frozenset(STATUSES[:5])

DEFAULT_LOTS_SLACK = -1
"""≥ 0: books too large for the exact join whose node-budget search stops and whose lines
all release linearly are also joined over the sets of at most ⌈R ÷ largest per-lot
margin⌉ + this many lots (``_Plan.capped``). Off by default: on the large demo (slack 3)
it proves 1.9 % more clients for about 0.7 s more CPU, past the 1 s target."""
DEFAULT_MAX_NODES = 1_000
"""Node budget of the plain search when neither join takes a book: about 0.4 ms of one
core."""
SEARCH_MAX_BOX = 4_096
"""Books with at most this many close sets (Π (cover + 1)) are searched in plain Python,
cheaper than the join's array work at that size."""


# =============================================================================
# Settings
# =============================================================================


@dataclass(frozen=True)
class CloseSettings:
    """The firm's forced-close setting: are hedge lines eligible; the released ÷
    required ratio (basis points) above which a set is flagged (issue #11: 110 %)."""

    include_hedge: bool = True
    warn_above_bp: int = 11_000


def load_close_settings(path: Path | None = None) -> CloseSettings:
    """[client_forced_close] of ``risk_params.toml``; ConfigError names a bad key."""
    sec = load_param_section("client_forced_close", path)
    kwargs: dict[str, object] = {}
    if "include_hedge" in sec:
        value = sec["include_hedge"][0]
        if not isinstance(value, bool):
            raise ConfigError(
                f"risk_params.toml: client_forced_close.include_hedge: {value!r} is not true/false"
            )
        kwargs["include_hedge"] = value
    if "warn_above" in sec:
        raw = str(sec["warn_above"][0])
        try:
            whole, _, frac = raw.partition(".")
            if len(frac) > 4 or not (whole + frac).isdigit():
                raise ValueError(raw)
            kwargs["warn_above_bp"] = int(whole) * 10_000 + int((frac + "0000")[:4])
        except ValueError:
            raise ConfigError(
                f"risk_params.toml: client_forced_close.warn_above: {raw!r} is not a "
                "fraction with at most four decimals"
            ) from None
    return CloseSettings(**kwargs)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def default_close_settings() -> CloseSettings:
    """The shipped setting (read once)."""
    return load_close_settings()


# =============================================================================
# The requirement
# =============================================================================


def release_required(
    margin_fen: npt.ArrayLike,
    equity_fen: npt.ArrayLike,
    available_fen: npt.ArrayLike,
    *,
    to_available: bool = True,
    target_ratio_ppm: int | None = None,
    levels: RiskLevels | None = None,
) -> I64:
    """The margin a client must release by closing, fen, per client (exact).

    Closing lowers the ratio's numerator N (margin, or equity − available) and raises
    available funds one for one; equity does not move (the preview is at the prior
    settlement basis; the fills' P&L comes with them). ``to_available``: −A, at least 0.
    ``target_ratio_ppm`` t: N − ⌊t × E ÷ 10^6⌋ so that (N − x) ÷ E ≤ t exactly, at
    least 0; with E ≤ 0 no close reaches a ratio, so all of N. The larger of those asked.
    """
    margin = np.asarray(margin_fen, dtype=np.int64)
    equity = np.asarray(equity_fen, dtype=np.int64)
    available = np.asarray(available_fen, dtype=np.int64)
    need = np.maximum(-available, 0) if to_available else np.zeros(margin.shape, np.int64)
    if target_ratio_ppm is not None:
        if levels is None:
            raise ValueError("a ratio target needs the risk levels (the ratio definition)")
        num = ratio_numerator_fen(margin, equity, available, levels)
        allowed = np.where(equity > 0, (equity * target_ratio_ppm) // PPM, 0)
        need = np.maximum(need, np.maximum(num - allowed, 0))
    return need.astype(np.int64)


# =============================================================================
# Input and result
# =============================================================================


@dataclass(frozen=True)
class CloseBook:
    """Position lines of one or many clients (parallel arrays, any order).

    ``client`` indexes the clients (0 … n_clients − 1); ``price_fen`` is the prior
    settlement basis S(D); ``rate_ppm`` the client rate (exchange + the firm's add-on).
    """

    client: I64
    price_fen: I64
    multiplier: I64
    lots: I64
    rate_ppm: I64
    hedge: Bools
    n_clients: int

    def __post_init__(self) -> None:
        n = self.client.shape[0]
        arrays = (self.price_fen, self.multiplier, self.lots, self.rate_ppm, self.hedge)
        if any(a.shape != (n,) for a in arrays):
            raise ValueError("line arrays must all have the same length")
        if n and (int(self.client.min()) < 0 or int(self.client.max()) >= self.n_clients):
            raise ValueError("client index out of range")
        if n and int(self.lots.min()) < 0:
            raise ValueError(f"line {int(np.argmin(self.lots))}: lots must not be negative")

    @classmethod
    def of(
        cls,
        client: npt.ArrayLike,
        price_fen: npt.ArrayLike,
        multiplier: npt.ArrayLike,
        lots: npt.ArrayLike,
        rate_ppm: npt.ArrayLike,
        hedge: npt.ArrayLike | None = None,
        n_clients: int | None = None,
    ) -> CloseBook:
        c = np.asarray(client, dtype=np.int64)
        return cls(
            client=c,
            price_fen=np.asarray(price_fen, dtype=np.int64),
            multiplier=np.asarray(multiplier, dtype=np.int64),
            lots=np.asarray(lots, dtype=np.int64),
            rate_ppm=np.asarray(rate_ppm, dtype=np.int64),
            hedge=np.zeros(c.shape, np.bool_) if hedge is None else np.asarray(hedge, np.bool_),
            n_clients=int(c.max(initial=-1)) + 1 if n_clients is None else n_clients,
        )

    def __len__(self) -> int:
        return int(self.client.shape[0])

    def margin(self, lots: npt.ArrayLike | None = None) -> I64:
        """``line_margin`` of every line with ``lots`` (default: the lines' own lots)."""
        held = self.lots if lots is None else np.asarray(lots, dtype=np.int64)
        return line_margin(self.price_fen, self.multiplier, held, self.rate_ppm)

    def released(self, close_lots: npt.ArrayLike) -> I64:
        """What closing ``close_lots`` of every line releases: line_margin(n) −
        line_margin(n − k) (spec 2.a). ValueError for lots outside [0, n]."""
        k = np.asarray(close_lots, dtype=np.int64)
        if k.shape != self.lots.shape:
            raise ValueError("one close quantity per line")
        bad = np.flatnonzero((k < 0) | (k > self.lots))
        if bad.size:
            i = int(bad[0])
            raise ValueError(f"line {i}: closes {int(k[i])} of {int(self.lots[i])} lots")
        return (self.margin() - self.margin(self.lots - k)).astype(np.int64)


@dataclass(frozen=True)
class CloseSizing:
    """Result of ``size_forced_closes``.

    Per line (input order): ``close_lots``, ``released_fen``, ``eligible``. Per client:
    ``required_fen``, ``released`` (Σ), ``over_release`` (released − required, negative
    = shortfall), ``lots``, ``lines``, ``status`` (index into ``STATUSES``), ``nodes``
    (search nodes visited, 0 on the fast path).
    """

    close_lots: I64
    released_fen: I64
    eligible: Bools
    required_fen: I64
    released: I64
    over_release: I64
    lots: I64
    lines: I64
    status: npt.NDArray[np.int8]
    nodes: I64

    def status_of(self, client: int) -> Status:
        return STATUSES[int(self.status[client])]

    @property
    def shortfall(self) -> I64:
        return np.maximum(-self.over_release, 0).astype(np.int64)


# =============================================================================
# The sizing
# =============================================================================


def size_forced_closes(
    book: CloseBook,
    required_fen: npt.ArrayLike,
    *,
    include_hedge: bool = True,
    max_nodes: int = DEFAULT_MAX_NODES,
    search_max_box: int = SEARCH_MAX_BOX,
    lots_slack: int = DEFAULT_LOTS_SLACK,
    join_max_side: int | None = None,
) -> CloseSizing:
    """The least-over-release close set of every client (module docstring), exact.

    ``required_fen``: the release each client needs (``release_required``), one per
    client. Lines with no lots or no margin, and hedge lines unless ``include_hedge``,
    are not eligible and never close. Vectorised fast path; then books of at most
    ``search_max_box`` close sets by branch and bound, larger ones by the exact join
    (``_join``, sides of at most ``join_max_side`` sets, default ``MITM_MAX_SIDE``),
    books too large for it by branch and bound with at most ``max_nodes`` nodes (status
    ``budget`` when it stops early; then, with ``lots_slack`` ≥ 0 and lines that all
    release linearly, also the join capped at ⌈R ÷ u_1⌉ + ``lots_slack`` lots,
    ``_Plan.capped``: status ``searched`` when ``_Plan.proves`` its set least)."""
    required = np.asarray(required_fen, dtype=np.int64)
    if required.shape != (book.n_clients,):
        raise ValueError("one requirement per client")
    n_lines, n_c = len(book), book.n_clients
    full = book.margin()
    unit = book.margin(np.ones(n_lines, np.int64))
    eligible = (book.lots > 0) & (full > 0) & (include_hedge | ~book.hedge)
    close = np.zeros(n_lines, np.int64)
    status = np.full(n_c, STATUSES.index("searched"), np.int8)
    nodes = np.zeros(n_c, np.int64)

    total = group_sum(book.client[eligible], full[eligible], n_c, "client margin")
    nothing = required <= 0
    everything = ~nothing & (total <= required)
    status[nothing] = STATUSES.index("nothing_due")
    status[everything] = STATUSES.index("close_all")
    take_all = eligible & everything[book.client]
    close[take_all] = book.lots[take_all]

    open_client = ~nothing & ~everything
    live = np.flatnonzero(eligible & open_client[book.client])
    if live.size:
        # by client, then the search order: per-lot margin descending, input order
        live = live[np.lexsort((live, -unit[live], book.client[live]))]
        group = _Group.of(book, live, full[live], unit[live], required)
        done = group.fast_path(close, status)
        todo = np.flatnonzero(~done)
        if todo.size:
            side = MITM_MAX_SIDE if join_max_side is None else join_max_side
            _size_hard(
                group, todo, close, status, nodes, max_nodes, search_max_box, lots_slack, side
            )

    released = np.zeros(n_lines, np.int64)
    closing = close > 0
    if closing.any():
        released[closing] = (full - book.margin(book.lots - close))[closing]
    per_client = group_sum(book.client, released, n_c, "release")
    lots = group_sum(book.client, close, n_c, "lots")
    lines = np.bincount(book.client[closing], minlength=n_c).astype(np.int64)
    over = np.where(nothing, 0, per_client - np.maximum(required, 0)).astype(np.int64)
    return CloseSizing(
        close_lots=close,
        released_fen=released,
        eligible=eligible,
        required_fen=required,
        released=per_client,
        over_release=over,
        lots=lots,
        lines=lines,
        status=status,
        nodes=nodes,
    )


def _size_hard(
    group: _Group,
    todo: I64,
    close: I64,
    status: npt.NDArray[np.int8],
    nodes: I64,
    max_nodes: int,
    search_max_box: int,
    lots_slack: int,
    join_max_side: int,
) -> None:
    """Size the groups the fast path left (module docstring, steps 4–6) into ``close``,
    ``status`` and ``nodes``.

    Small books: the complete branch and bound; larger ones: the exact join when it
    fits (``_Plan.of``), else the node-budget search. Where that search stops and
    ``lots_slack`` ≥ 0, a book whose lines all release linearly is also joined capped at
    ⌈R ÷ u_1⌉ + ``lots_slack`` lots (``_Plan.capped``): its set is kept as proven where
    ``_Plan.proves`` shows no larger set can beat it, else the better of the two sets
    stays as best found (``budget``).
    """
    rel, rel_list, bounds = group.tables(todo)
    search = STATUSES.index("searched")
    budget = STATUSES.index("budget")

    def put(g: int, ks: Sequence[int], work: int, proven: bool) -> None:
        close[group.rows(g)] = ks
        nodes[group.client[g]] = work
        status[group.client[g]] = search if proven else budget

    def tree(g: int, runs: list[tuple[int, int]]) -> bool:
        ks, visited, complete = _search(
            [rel_list[a:b] for a, b in runs], int(group.need[g]), group.linear_of(g), max_nodes
        )
        put(g, ks, visited, complete)
        return complete

    def rank(runs: list[tuple[int, int]], ks: Sequence[int]) -> tuple[int, int, int]:
        released = sum(rel_list[a + k] for (a, _), k in zip(runs, ks, strict=True))
        return released, sum(ks), sum(1 for k in ks if k)

    def capped_done(
        g: int, cut: _Plan, runs: list[tuple[int, int]], ks: list[int], work: int
    ) -> None:
        """The capped join's set when it is proven least, else the better of it and the
        node-budget search's best (already in ``close``), as best found."""
        if cut.proves(ks):
            put(g, ks, work, proven=True)
            return
        mine = [int(k) for k in close[group.rows(g)]]
        nodes[group.client[g]] += work
        if rank(runs, ks) < rank(runs, mine):
            close[group.rows(g)] = ks

    first = 0  # the first line of the current group in ``bounds``
    edges = bounds.tolist()
    searches: list[tuple[int, list[tuple[int, int]], _Plan | None]] = []
    exact: list[tuple[int, _Plan]] = []
    for g in todo.tolist():
        n = int(group.end[g] - group.start[g])
        runs = list(zip(edges[first : first + n], edges[first + 1 : first + n + 1], strict=True))
        first += n
        if math.prod(b - a for a, b in runs) <= search_max_box:
            searches.append((g, runs, None))  # small books search faster in plain Python
            continue
        tabs = [rel[a:b] for a, b in runs]
        plan = _Plan.of(tabs, int(group.need[g]), join_max_side)
        if plan is not None:
            exact.append((g, plan))
            continue
        cut = None
        if lots_slack >= 0 and all(group.linear_of(g)):
            cut = _Plan.capped(tabs, int(group.need[g]), lots_slack)
        searches.append((g, runs, cut))
    capped: list[tuple[int, _Plan, list[tuple[int, int]]]] = []

    def search_all() -> None:
        for g, runs, cut in searches:
            # the node-budget search first: it often completes; else the capped join
            if not tree(g, runs) and cut is not None:
                capped.append((g, cut, runs))

    # the exact joins in a spare process while the searches run here
    results = _join_beside([p for _, p in exact], search_all)
    for (g, _), res in zip(exact, results, strict=True):
        if res is None:
            raise AssertionError("an exact join gave up")  # only capped plans give up
        put(g, res[0], res[1], proven=True)
    slack = lots_slack
    results = _join_all([c for _, c, _ in capped])
    while capped:
        retry: list[tuple[int, _Plan, list[tuple[int, int]]]] = []
        for (g, cut, runs), res in zip(capped, results, strict=False):
            if res is not None:
                capped_done(g, cut, runs, res[0], res[1])
                continue
            # gave up (side limit, or no set within the cap): a smaller cap, else the
            # node-budget search's best stays
            if slack:
                smaller = _Plan.capped([rel[a:b] for a, b in runs], cut.need, slack // 2)
                if smaller is not None:
                    retry.append((g, smaller, runs))
        capped, slack = retry, slack // 2
        results = _join_all([c for _, c, _ in capped])


@dataclass(frozen=True)
class _Group:
    """The eligible lines of the clients still to size, grouped by client (one group per
    client, lines in the search order), with what the fast path needs per line."""

    book: CloseBook
    live: I64
    """Line indices, by client then search order."""
    start: I64
    end: I64
    client: I64
    need: I64
    full: I64
    unit: I64
    cover: I64
    """Least k with r(k) ≥ the client's need; n + 1 when the line alone cannot."""

    @classmethod
    def of(cls, book: CloseBook, live: I64, full: I64, unit: I64, required: I64) -> _Group:
        owner = book.client[live]
        start = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        end = np.r_[start[1:], live.size]
        client = owner[start]
        need_line = required[owner]
        return cls(
            book=book,
            live=live,
            start=start,
            end=end,
            client=client,
            need=required[client],
            full=full,
            unit=unit,
            cover=_cover_lots(book, live, full, need_line),
        )

    def rows(self, g: int) -> I64:
        return self.live[int(self.start[g]) : int(self.end[g])]

    def linear_of(self, g: int) -> list[bool]:
        s, e = int(self.start[g]), int(self.end[g])
        n = self.book.lots[self.live[s:e]]
        return [bool(x) for x in self.full[s:e] == n * self.unit[s:e]]

    def tables(self, groups: I64) -> tuple[I64, list[int], I64]:
        """r(k) for k = 0 … min(n, cover) of every line of ``groups``, in one call of the
        rule: (values, as a list too, start of each line's run; one more at the end).
        Lines are those of the groups in order, each group's in the search order."""
        idx = np.concatenate([np.arange(self.start[g], self.end[g]) for g in groups.tolist()])
        rows = self.live[idx]
        sizes = np.minimum(self.book.lots[rows], self.cover[idx]) + 1
        bounds = np.r_[0, np.cumsum(sizes)]
        line = np.repeat(rows, sizes)
        k = np.arange(int(bounds[-1])) - np.repeat(bounds[:-1], sizes)
        b = self.book
        held = line_margin(
            b.price_fen[line], b.multiplier[line], b.lots[line] - k, b.rate_ppm[line]
        )
        rel = (np.repeat(self.full[idx], sizes) - held).astype(np.int64)
        return rel, rel.tolist(), bounds

    def fast_path(self, close: I64, status: npt.NDArray[np.int8]) -> Bools:
        """Size the clients the fast path proves (module docstring, steps 2–3) into
        ``close`` / ``status``; True per group done."""
        b, live = self.book, self.live
        n = b.lots[live]
        owner = np.repeat(np.arange(self.start.size), self.end - self.start)
        fits = self.cover <= n
        excess = np.full(live.size, np.iinfo(np.int64).max, np.int64)
        if fits.any():
            rows = live[fits]
            r = self.full[fits] - line_margin(
                b.price_fen[rows], b.multiplier[rows], n[fits] - self.cover[fits], b.rate_ppm[rows]
            )
            excess[fits] = r - self.need[owner[fits]]
        # best single line per group: least (excess, lots), first in search order
        order = np.lexsort((np.arange(live.size), self.cover, excess, owner))
        best = order[self.start]  # each group's first entry in that order
        linear = self.full == n * self.unit
        all_linear = np.logical_and.reduceat(linear, self.start)
        g_unit = np.gcd.reduceat(self.unit, self.start)
        lb_excess = np.where(all_linear, (-self.need) % g_unit, 0)
        step = np.maximum.reduceat(self.unit + (~linear).astype(np.int64), self.start)
        lb_lots = -((-self.need) // step)
        one_line = (self.end - self.start) == 1
        proven = fits[best] & (
            one_line | ((excess[best] == lb_excess) & (self.cover[best] == lb_lots))
        )
        for g in np.flatnonzero(proven).tolist():
            line = int(live[best[g]])
            close[line] = int(self.cover[best[g]])
            status[int(self.client[g])] = STATUSES.index("one_line" if one_line[g] else "certified")
        return np.asarray(proven, dtype=np.bool_)


def _cover_lots(book: CloseBook, rows: I64, full: I64, need: I64) -> I64:
    """Per line of ``rows``: the least k with r(k) ≥ need, or n + 1 when even the whole
    line releases less.

    Each line_margin is within half a fen of its exact product, so r(k) lies within 1.5
    fen of k × full ÷ n; for any per-lot margin of 1.5 fen or more the cover is then
    within one lot of ⌈need × n ÷ full⌉. The window k_est − 3 … k_est + 2 is evaluated
    with the rule and the cover taken where r crosses need inside it; a line whose
    crossing the window does not show is bisected.
    """
    n = book.lots[rows]
    out = np.full(rows.size, -1, np.int64)
    short = full < need
    out[short] = n[short] + 1
    todo = np.flatnonzero(~short)
    if not todo.size:
        return out
    nn, nf, nd = n[todo], full[todo], need[todo]
    if int(nd.max()) * int(nn.max()) < 2**62:
        est = -((-nd * nn) // nf)
    else:
        est = np.array(
            [-((-int(a) * int(b)) // int(c)) for a, b, c in zip(nd, nn, nf, strict=True)],
            dtype=np.int64,
        )
    cand = est[:, None] + np.arange(-3, 3)[None, :]
    inside = (cand >= 0) & (cand <= nn[:, None])
    held = line_margin(
        np.repeat(book.price_fen[rows[todo]], 6),
        np.repeat(book.multiplier[rows[todo]], 6),
        np.clip(nn[:, None] - cand, 0, None).ravel(),
        np.repeat(book.rate_ppm[rows[todo]], 6),
    ).reshape(cand.shape)
    covers = inside & ((nf[:, None] - held) >= nd[:, None])
    below = inside & ~covers
    # the crossing: a window column j that covers while column j − 1 does not
    cross = covers[:, 1:] & below[:, :-1]
    found = cross.any(axis=1)
    at = np.argmax(cross, axis=1) + 1
    ok = np.flatnonzero(found)
    out[todo[ok]] = cand[ok, at[ok]]
    for t in np.flatnonzero(~found).tolist():
        out[todo[t]] = _bisect_cover(book, int(rows[todo[t]]), int(nd[t]))
    return out


def _bisect_cover(book: CloseBook, line: int, need: int) -> int:
    """The least k in [1, n] with r(k) ≥ need (r is non-decreasing; r(n) ≥ need)."""
    n = int(book.lots[line])
    one = np.ones(1, np.int64)

    def released(k: int) -> int:
        held = line_margin(
            book.price_fen[line] * one,
            book.multiplier[line] * one,
            np.array([n, n - k], np.int64),
            book.rate_ppm[line] * one,
        )
        return int(held[0] - held[1])

    lo, hi = 1, n
    while lo < hi:
        mid = (lo + hi) // 2
        if released(mid) >= need:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _search(
    rel: Sequence[list[int]], need: int, linear: Sequence[bool], max_nodes: int
) -> tuple[list[int], int, bool]:
    """Depth-first branch and bound over the lines (in the search order).

    ``rel[i][k]`` = r_i(k) for k = 0 … K_i (K_i = min(n_i, cover_i)). Returns the k per
    line, the nodes visited and whether the search completed (else the node budget
    stopped it and the best set found so far is returned).
    """
    n_lines = len(rel)
    top = [r[-1] for r in rel]
    suffix_max = [0] * (n_lines + 1)
    suffix_gcd = [0] * (n_lines + 1)  # 1 when a non-linear line is in the suffix
    suffix_step = [0] * (n_lines + 1)
    for i in range(n_lines - 1, -1, -1):
        u = rel[i][1] if len(rel[i]) > 1 else 0
        suffix_max[i] = suffix_max[i + 1] + top[i]
        suffix_gcd[i] = math.gcd(suffix_gcd[i + 1], u) if linear[i] else 1
        if suffix_gcd[i + 1] == 1:
            suffix_gcd[i] = 1
        suffix_step[i] = max(suffix_step[i + 1], u + (0 if linear[i] else 1))

    ks = [0] * n_lines
    # the best key (over-release, lots, lines) so far, as three locals: cheaper than
    # tuples in the hot loop (about a million nodes in a large batch)
    b_over: float = math.inf
    b_lots: float = math.inf
    b_lines: float = math.inf
    best: list[int] = []
    visited = 1  # the root; a node is counted by its parent, before it is entered

    def visit(i: int, rho: int, lots: int, lines: int) -> bool:
        """Search below a node that still needs ``rho`` > 0; False once the node budget
        is spent. A child that covers is a leaf, handled in the loop (no call)."""
        nonlocal b_over, b_lots, b_lines, best, visited
        over = (-rho) % suffix_gcd[i]
        if over > b_over:
            return True
        if over == b_over:
            lots_lb = lots - (-rho // suffix_step[i])
            if lots_lb > b_lots or (lots_lb == b_lots and lines + 1 >= b_lines):
                return True
        r = rel[i]
        k_hi = bisect_left(r, rho)
        if k_hi >= len(r):
            k_hi = len(r) - 1
        rest = rho - suffix_max[i + 1]
        k_lo = bisect_left(r, rest) if rest > 0 else 0
        below = i + 1
        for k in range(k_hi, k_lo - 1, -1):
            visited += 1
            if visited > max_nodes and best:  # the first path always ends in a covering set
                ks[i] = 0
                return False
            left = rho - r[k]
            if left <= 0:  # a covering set: compare (over-release, lots, lines)
                o, n_lots, n_lines_ = -left, lots + k, lines + (k > 0)
                if o < b_over or (
                    o == b_over and (n_lots < b_lots or (n_lots == b_lots and n_lines_ < b_lines))
                ):
                    ks[i] = k
                    b_over, b_lots, b_lines, best = o, n_lots, n_lines_, ks.copy()
                continue
            ks[i] = k
            if not visit(below, left, lots + k, lines + (k > 0)):
                ks[i] = 0
                return False
        ks[i] = 0
        return True

    if need <= 0:
        return [0] * n_lines, visited, True
    if suffix_max[0] < need:  # below the root a child never needs more than its lines hold
        return best, visited, True
    complete = visit(0, need, 0, 0)
    return best, visited, complete


CAPPED_SIDE_LIMIT = 1 << 13
"""Sets one side of a capped join may hold after a line; a book past it is searched by
the node-budget search instead."""
SPLIT_LEAN = 0.6
"""The exact join's first side holds about box^SPLIT_LEAN of the book's sets (``_Plan.of``):
on the large demo 0.6 costs about 30 % less than the balanced 0.5."""
MITM_MAX_SIDE = 1 << 15
"""Largest enumeration (combinations before pruning) of one side of the exact join."""
_JOIN_CHUNK = 1 << 21
"""Combinations (both sides, before pruning) joined in one vectorised pass."""
SPARE_MIN_COMBINATIONS = 1 << 20
"""Joins of fewer combinations (about 50 ms of work) run in the caller's process: sending
them to a spare one would not pay."""
_KEY_BITS = 46
_KEY = 1 << _KEY_BITS
"""Sums are keyed ``book × 2^46 + sum`` in the join: books' sums stay below 2^46 fen."""
_KEY_ITEMS = 1 << 15
"""Books per join pass, so that the key stays below 2^62."""


@dataclass(frozen=True)
class _Plan:
    """One book to join: its tables split into the first lines and the last.

    A capped plan (``cap`` set, ``_Plan.capped``) joins only the sets of at most
    ``cap`` lots: ``step[j]`` bounds what one more lot can release once line j is
    decided, on the side of line j (the prune of ``_enumerate``)."""

    tables: list[I64]
    need: int
    radix: list[int]
    weights: list[int]
    split: int
    cap: int | None = None
    step: tuple[int, ...] = ()
    floor_lattice: int = 0
    beyond_cap: int = 0
    """Capped plans: the least over-release any covering set can have (the lattice of
    the per-lot margins), and the least release of a set of more than ``cap`` lots."""

    @classmethod
    def of(cls, tables: list[I64], need: int, max_side: int = MITM_MAX_SIDE) -> _Plan | None:
        """The plan, or None when a side would exceed ``MITM_MAX_SIDE`` combinations,
        the order value would leave int64 or a sum 2^46 fen."""
        radix = [int(t.size) for t in tables]
        box = math.prod(radix)
        if box >= 2**62 or need + sum(int(t[-1]) for t in tables) >= _KEY - 1:
            return None
        if sum(radix) * _LINE_SLOTS >= 2**62:  # lots × 2^16 in the packed cost
            return None
        weights = [math.prod(radix[i + 1 :]) for i in range(len(radix))]
        # The first lines (large per-lot margins) reach the need in few lots, and a set
        # that reaches it stops growing, so the first side prunes far better than the
        # last: the split leans to it (the first side about box^SPLIT_LEAN sets; 0.5
        # would balance the boxes), then moves to where both sides fit, if anywhere.
        prefix = list(itertools.accumulate(radix, operator.mul, initial=1))
        lean = box**SPLIT_LEAN
        split = max(1, sum(1 for p in prefix[1:] if p <= lean))
        while split > 1 and prefix[split] > max_side:
            split -= 1
        while (
            split < len(radix) and box // prefix[split] > max_side and prefix[split + 1] <= max_side
        ):
            split += 1
        if prefix[split] > max_side or box // prefix[split] > max_side:
            return None
        return cls(tables, need, radix, weights, split)

    @classmethod
    def capped(cls, tables: list[I64], need: int, slack: int) -> _Plan | None:
        """The plan of the sets of at most cap = ⌈need ÷ u_1⌉ + ``slack`` lots of a
        book whose lines all release linearly (r(k) = k × u, u_1 the largest u, lines
        by u descending), or None when its order value would leave int64.

        Such a set falls short of cap × u_1 by at most room = cap × u_1 − need, and each
        lot of line i falls short of u_1 by u_1 − u_i, so line i closes at most
        ⌊room ÷ (u_1 − u_i)⌋ lots: the tables are cut there (and at cap). The join over
        the cut tables is exact over every set of at most cap lots (the prune in
        ``_enumerate`` drops only partial sets that cannot reach the need within the
        cap), and what it returns is a real set at least as good as the best of them.
        ``proves`` says when no set of more lots can beat it."""
        units = [int(t[1]) for t in tables]
        top = units[0]
        cap = -(-need // top) + slack
        room = cap * top - need
        cut: list[I64] = []
        for t, u in zip(tables, units, strict=True):
            k = min(int(t.size) - 1, cap)
            if top > u:
                k = min(k, room // (top - u))
            cut.append(t[: k + 1])
        radix = [int(t.size) for t in cut]
        box = math.prod(radix)
        if box >= 2**62 or need + sum(int(t[-1]) for t in cut) >= _KEY - 1:
            return None
        if sum(radix) * _LINE_SLOTS >= 2**62:
            return None
        weights = [math.prod(radix[i + 1 :]) for i in range(len(radix))]
        split = max(1, len(cut) // 2)
        # one more lot after line j: the first side can still add any later line's
        # lot, the last side any line of the first side (the largest margin first)
        step = tuple(units[j + 1] if j < split else top for j in range(len(cut)))
        lots = np.repeat(np.array(units, np.int64), [int(t.size) - 1 for t in tables])
        smallest = np.sort(lots)[: cap + 1]
        beyond = int(smallest.sum()) if smallest.size == cap + 1 else _KEY
        lattice = (-need) % math.gcd(*units)
        return cls(cut, need, radix, weights, split, cap, step, lattice, beyond)

    def proves(self, ks: Sequence[int]) -> bool:
        """Is the set ``ks`` the least (module docstring) of the whole book, not only of
        the sets within the cap: no set of more than ``cap`` lots can beat it when its
        over-release is the lattice's least and its lots are within the cap, or when
        every set of more lots releases more than it does."""
        if self.cap is None:
            return True
        released = sum(int(t[k]) for t, k in zip(self.tables, ks, strict=True))
        over = released - self.need
        if over == self.floor_lattice and sum(ks) <= self.cap:
            return True
        return self.beyond_cap > released

    @property
    def size(self) -> int:
        """Combinations of both sides before pruning (for a capped plan the side limit,
        its prune keeps far fewer)."""
        left = math.prod(self.radix[: self.split])
        full = left + math.prod(self.radix) // left
        return full if self.cap is None else min(full, 2 * CAPPED_SIDE_LIMIT)

    def decode(self, order: int) -> list[int]:
        """The k per line of an order value (mixed radix)."""
        return [(order // w) % r for w, r in zip(self.weights, self.radix, strict=True)]


_LINE_BITS = 16
_LINE_SLOTS = 1 << _LINE_BITS
"""Lots and lines closed ride in one int64 cost: lots × 2^16 + lines."""


@dataclass
class _Sets:
    """Close sets of several books at once, three int64 columns: ``key`` = book × 2^46 +
    released sum, ``cost`` = lots × 2^16 + lines, ``order`` (the k-vector in mixed
    radix, larger = earlier in the search order). A smaller (key, cost), then a larger
    order, is the better set of a book."""

    key: I64
    cost: I64
    order: I64

    @property
    def item(self) -> I64:
        return self.key >> _KEY_BITS

    @property
    def sums(self) -> I64:
        return self.key & (_KEY - 1)

    def take(self, rows: npt.NDArray[np.intp] | I64) -> _Sets:
        return _Sets(self.key[rows], self.cost[rows], self.order[rows])

    def head(self, stop: int) -> _Sets:
        return _Sets(self.key[:stop], self.cost[:stop], self.order[:stop])

    def tail(self, start: int) -> _Sets:
        return _Sets(self.key[start:], self.cost[start:], self.order[start:])

    @staticmethod
    def joined(*parts: _Sets) -> _Sets:
        return _Sets(
            np.concatenate([p.key for p in parts]),
            np.concatenate([p.cost for p in parts]),
            np.concatenate([p.order for p in parts]),
        )

    def best_per_item(self) -> _Sets:
        """Each book's best set: least (sum, lots, lines), then the largest order."""
        if not self.key.size:
            return self
        ranked = self.take(np.argsort(self.key))
        item = ranked.item
        first = np.flatnonzero(np.r_[True, item[1:] != item[:-1]])
        least = np.repeat(ranked.key[first], np.diff(np.r_[first, item.size]))
        tied = np.flatnonzero(ranked.key == least)  # the sets at each book's least sum
        if tied.size == first.size:
            return ranked.take(first)
        t = ranked.take(tied)  # one run per book (one key each)
        return t.take(t.best_of_runs(np.flatnonzero(np.r_[True, t.item[1:] != t.item[:-1]])))

    def best_of_runs(self, starts: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
        """The index of the best set of each run (runs of one book's sets begin at
        ``starts``): the least cost, then the largest order. Two linear passes instead of
        a three-key sort (orders are unique within a book, so each run has one)."""
        n = self.key.size
        run = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, n]))
        cheapest = self.cost == np.minimum.reduceat(self.cost, starts)[run]
        order = np.where(cheapest, self.order, np.iinfo(np.int64).min)
        best = np.flatnonzero(cheapest & (order == np.maximum.reduceat(order, starts)[run]))
        return best[np.r_[True, run[best][1:] != run[best][:-1]]]

    def best_per_sum(self, rows: npt.NDArray[np.intp] | None = None) -> _Sets:
        """Sorted by key, keeping the best set of each equal sum (twin lines); of the
        sets ``rows`` only when given (one gather instead of two)."""
        pick = np.argsort(self.key) if rows is None else rows[np.argsort(self.key[rows])]
        key = self.key[pick]
        same = key[1:] == key[:-1]
        if not same.any():
            return self.take(pick)
        involved = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
        sub = self.take(pick[involved])  # sorted by key: twins are runs
        k = sub.key
        winners = involved[sub.best_of_runs(np.flatnonzero(np.r_[True, k[1:] != k[:-1]]))]
        keep = np.ones(key.size, np.bool_)
        keep[involved] = False
        keep[winners] = True  # a winner keeps its place: its group shares one key
        return self.take(pick[keep])


def _better(a: _Sets, b: _Sets) -> npt.NDArray[np.bool_]:
    """Row-wise, for sets of the same book: is a better than b."""
    return np.asarray(
        (a.key < b.key)
        | ((a.key == b.key) & ((a.cost < b.cost) | ((a.cost == b.cost) & (a.order > b.order)))),
        dtype=np.bool_,
    )


def _enumerate(
    sides: list[list[I64]],
    weights: list[list[int]],
    need: I64,
    floor: I64,
    cap: I64,
    steps: list[Sequence[int]],
) -> tuple[_Sets, _Sets, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Every close set of each book's ``sides[i]`` lines, merged by released sum (the
    best set of a sum kept), in one vectorised pass over all books. Sets reaching the
    book's ``need`` stop there (more lots only add over-release); the best of them per
    book is returned apart. A partial sum that cannot reach the book's ``floor`` even
    with every lot of its lines still to add is dropped (the other side cannot lift it
    to the need). A book with a lots cap (``cap`` ≥ 0) also drops a partial set of l
    lots and sum s when l > cap or s + (cap − l) × ``steps[book][j]`` (the most one more
    lot can release after line j) < need: no set within the cap completes it. A capped
    book whose sets below the need exceed ``CAPPED_SIDE_LIMIT`` is given up. Returns
    (sets below the need sorted by key, the best reaching set per book, whether a book
    has one, whether a book was given up)."""
    n = len(sides)
    # books by number of lines, longest first: at step j the books still adding a line
    # are a prefix, and so are their sets (sorted by key)
    rank = sorted(range(n), key=lambda i: -len(sides[i]))
    lengths = [len(sides[i]) for i in rank]
    books = np.arange(n, dtype=np.int64) * _KEY
    threshold = books + need[rank]  # a key at or above it reaches the need
    lowest = books + floor[rank]
    rest = np.array([sum(int(t[-1]) for t in sides[i]) for i in rank], dtype=np.int64)
    caps = cap[rank] if n else cap
    any_cap = bool((caps >= 0).any())
    given_up = np.zeros(n, np.bool_)
    zero = np.zeros(n, np.int64)
    cur = _Sets(books.copy(), zero, zero)
    top = _Sets(books + (_KEY - 1), zero.copy(), zero.copy())  # _KEY − 1: none yet
    done: list[_Sets] = []
    for j in range(lengths[0] if n else 0):
        active = sum(1 for length in lengths if length > j)
        tables = [sides[i][j] for i in rank[:active]]
        size = np.array([t.size for t in tables], dtype=np.int64)
        offset = np.cumsum(size) - size
        weight = np.array([weights[i][j] for i in rank[:active]], dtype=np.int64)
        rest[:active] -= np.array([int(t[-1]) for t in tables], dtype=np.int64)
        flat = np.concatenate(tables)
        cut = int(np.searchsorted(cur.key, active * _KEY, side="left"))
        if cut < cur.key.size:  # books with no line left: finished
            done.append(cur.tail(cut))
            cur = cur.head(cut)
        # each set grows by k in [lo, hi] only: below lo it cannot reach the floor, and
        # hi is the least k reaching the need (more lots only add over-release)
        keyed = np.repeat(books[:active], size) + flat  # ascending: tables ascend
        item = cur.item
        sums = cur.key - books[item]
        floor_left = np.maximum(lowest[item] - books[item] - rest[item] - sums, 0)
        lo = np.searchsorted(keyed, books[item] + floor_left, side="left") - offset[item]
        hi = np.minimum(
            np.searchsorted(keyed, threshold[item] - sums, side="left") - offset[item],
            size[item] - 1,
        )
        if any_cap:
            lo, hi = _capped_range(
                item,
                sums,
                cur.cost >> _LINE_BITS,
                lo,
                hi,
                caps,
                steps,
                rank,
                active,
                j,
                threshold - books,
                np.where(size > 1, flat[np.minimum(offset + 1, flat.size - 1)], 0),
            )
        m = np.maximum(hi - lo + 1, 0)
        rep = np.repeat(np.arange(item.size), m)
        k = np.arange(int(m.sum()), dtype=np.int64) - np.repeat(np.cumsum(m) - m, m) + lo[rep]
        item = item[rep]
        nxt = _Sets(
            cur.key[rep] + flat[offset[item] + k],
            cur.cost[rep] + k * _LINE_SLOTS + (k > 0),
            cur.order[rep] + k * weight[item],
        )
        reach = nxt.key >= threshold[item]
        if reach.any():
            best = nxt.take(np.flatnonzero(reach)).best_per_item()
            b = best.item
            win = _better(best, top.take(b))
            top.key[b[win]] = best.key[win]
            top.cost[b[win]] = best.cost[win]
            top.order[b[win]] = best.order[win]
        alive = ~reach & (nxt.key + rest[item] >= lowest[item])
        if any_cap:
            step = np.array([steps[i][j] if steps[i] else 0 for i in rank[:active]], np.int64)
            room = caps[item] - (nxt.cost >> _LINE_BITS)
            within = (room >= 0) & (nxt.key + room * step[item] >= threshold[item])
            alive &= (caps[item] < 0) | within
        cur = nxt.best_per_sum(np.flatnonzero(alive))
        if any_cap:
            count = np.bincount(cur.item, minlength=n)
            over = (caps >= 0) & (count > CAPPED_SIDE_LIMIT)
            if over.any():
                given_up |= over
                cur = cur.take(np.flatnonzero(~over[cur.item]))
    back = np.array(rank, dtype=np.int64) * _KEY
    out = _Sets.joined(cur, *done)
    out.key = back[out.item] + out.sums
    out = out.take(np.argsort(out.key))
    found = top.sums != _KEY - 1
    top.key = back[top.item] + top.sums
    order = np.argsort(top.key)
    failed = np.zeros(n, np.bool_)
    failed[np.array(rank, dtype=np.int64)] = given_up
    return out, top.take(order), found[order], failed


def _capped_range(
    item: I64,
    sums: I64,
    lots: I64,
    lo: I64,
    hi: I64,
    caps: I64,
    steps: list[Sequence[int]],
    rank: list[int],
    active: int,
    j: int,
    need: I64,
    unit: I64,
) -> tuple[I64, I64]:
    """The k of line j that keep a partial set of a capped book (``_enumerate``) alive,
    before generating them: the lines of a capped plan release k × u exactly, so the
    prune s + k × u + (cap − l − k) × step ≥ need is linear in k (a lower bound on k
    when u > step, the first side; an upper bound when u < step, the last side), and
    k ≤ cap − l."""
    step = np.array([steps[i][j] if steps[i] else 0 for i in rank[:active]], np.int64)
    capped = caps[item] >= 0
    room = caps[item] - lots
    u, st = unit[item], step[item]
    short = need[item] - sums - room * st  # what k × (u − step) must make up
    gain = u - st
    k_lo = np.where(gain > 0, -(-short // np.maximum(gain, 1)), 0)
    k_hi = np.where(gain < 0, (-short) // np.maximum(-gain, 1), room)
    k_hi = np.where((gain == 0) & (short > 0), -1, k_hi)
    lo = np.where(capped, np.maximum(lo, np.maximum(k_lo, 0)), lo)
    hi = np.where(capped, np.minimum(hi, np.minimum(k_hi, room)), hi)
    return lo, hi


def _join(plans: list[_Plan]) -> list[tuple[list[int], int] | None]:
    """The exact optimum of every planned book (``_join_orders``): (k per line, sets
    enumerated) per plan, None for a capped plan given up."""
    return _decoded(plans, *_join_orders(plans))


def _decoded(
    plans: list[_Plan], orders: I64, work: I64, found: Bools
) -> list[tuple[list[int], int] | None]:
    out: list[tuple[list[int], int] | None] = [
        (p.decode(int(o)), int(w)) if f else None
        for p, o, w, f in zip(plans, orders.tolist(), work.tolist(), found.tolist(), strict=True)
    ]
    # a capped plan may find no covering set within its cap: searched instead
    if any(r is None and p.cap is None for p, r in zip(plans, out, strict=True)):
        raise AssertionError("a book to join has no covering set")  # excluded upstream
    return out


def _join_orders(plans: list[_Plan]) -> tuple[I64, I64, Bools]:
    """The exact optimum of every planned book: for every set of its first lines with
    sum s, the best completion is the least sum ≥ need − s among the sets of its last
    lines (each side merged by sum). Returns per plan the best set's order value (the k
    per line in mixed radix), the sets enumerated, and whether a set was found (False
    for a capped plan given up)."""
    need = np.array([p.need for p in plans], dtype=np.int64)
    cap = np.array([-1 if p.cap is None else p.cap for p in plans], dtype=np.int64)
    pre_max = np.array([sum(int(t[-1]) for t in p.tables[: p.split]) for p in plans], np.int64)
    suf_max = np.array([sum(int(t[-1]) for t in p.tables[p.split :]) for p in plans], np.int64)
    pre, pre_top, pre_found, pre_failed = _enumerate(
        [p.tables[: p.split] for p in plans],
        [p.weights[: p.split] for p in plans],
        need,
        need - suf_max,
        cap,
        [p.step[: p.split] for p in plans],
    )
    suf, suf_top, suf_found, suf_failed = _enumerate(
        [p.tables[p.split :] for p in plans],
        [p.weights[p.split :] for p in plans],
        need,
        need - pre_max,
        cap,
        [p.step[p.split :] for p in plans],
    )
    failed = pre_failed | suf_failed
    q = _Sets.joined(suf, suf_top.take(np.flatnonzero(suf_found)))
    q = q.take(np.argsort(q.key))
    item = pre.item
    at = np.searchsorted(q.key, item * _KEY + need[item] - pre.sums, side="left")
    ok = at < q.key.size
    ok[ok] = q.item[at[ok]] == item[ok]
    i, j = np.flatnonzero(ok), at[ok]
    joined = _Sets(pre.key[i] + q.sums[j], pre.cost[i] + q.cost[j], pre.order[i] + q.order[j])
    best = _Sets.joined(joined, pre_top.take(np.flatnonzero(pre_found))).best_per_item()
    work = np.bincount(item, minlength=len(plans)) + np.bincount(q.item, minlength=len(plans))
    orders = np.zeros(len(plans), np.int64)
    found = np.zeros(len(plans), np.bool_)
    orders[best.item] = best.order
    found[best.item] = ~failed[best.item]
    return orders, work.astype(np.int64), found


@dataclass(frozen=True)
class _Packed:
    """Exact plans in a few flat arrays: what a spare process is sent (pickling the
    plans' thousands of small tables would cost more than their join)."""

    values: I64
    """Every table of every plan, one after another."""
    sizes: I64
    """Entries per table."""
    lines: I64
    """Tables per plan."""
    need: I64
    split: I64

    @classmethod
    def of(cls, plans: list[_Plan]) -> _Packed:
        tables = [t for p in plans for t in p.tables]
        return cls(
            values=np.concatenate(tables) if tables else np.zeros(0, np.int64),
            sizes=np.array([t.size for t in tables], np.int64),
            lines=np.array([len(p.tables) for p in plans], np.int64),
            need=np.array([p.need for p in plans], np.int64),
            split=np.array([p.split for p in plans], np.int64),
        )

    def plans(self) -> list[_Plan]:
        tables = np.split(self.values, np.cumsum(self.sizes)[:-1]) if self.sizes.size else []
        radix = self.sizes.tolist()
        out: list[_Plan] = []
        first = 0
        for n, need, split in zip(
            self.lines.tolist(), self.need.tolist(), self.split.tolist(), strict=True
        ):
            r = radix[first : first + n]
            weights = [math.prod(r[i + 1 :]) for i in range(n)]
            out.append(_Plan(tables[first : first + n], need, r, weights, split))
            first += n
        return out


def _join_packed(packed: _Packed) -> tuple[I64, I64, Bools]:
    """``_join_orders`` of packed exact plans (run in a spare process)."""
    return _join_orders(packed.plans())


def _join_chunks(plans: list[_Plan]) -> list[list[_Plan]]:
    """The plans in chunks of at most ``_JOIN_CHUNK`` combinations and ``_KEY_ITEMS``
    books, in order (each chunk one ``_join``)."""
    chunks: list[list[_Plan]] = []
    chunk: list[_Plan] = []
    size = 0
    for plan in plans:
        if chunk and (size + plan.size > _JOIN_CHUNK or len(chunk) >= _KEY_ITEMS):
            chunks.append(chunk)
            chunk, size = [], 0
        chunk.append(plan)
        size += plan.size
    if chunk:
        chunks.append(chunk)
    return chunks


def _join_all(plans: list[_Plan]) -> list[tuple[list[int], int] | None]:
    """``_join`` in chunks (each chunk's result is its own)."""
    return [r for chunk in _join_chunks(plans) for r in _join(chunk)]


def _join_beside(
    plans: list[_Plan], here: Callable[[], None]
) -> list[tuple[list[int], int] | None]:
    """``_join_all`` of exact ``plans`` in the spare processes (``core.worker_pool``)
    while ``here()`` runs in this one; afterwards this process joins, last first, the
    chunks no spare process has begun (one at a time: the spare processes go on with the
    first ones meanwhile). Small joins, one core or a broken pool: all here."""
    chunks = _join_chunks(plans)
    pool = worker_pool.pool() if sum(p.size for p in plans) >= SPARE_MIN_COMBINATIONS else None
    if pool is None:
        here()
        return _join_all(plans)
    try:
        futures = [pool.submit(_join_packed, _Packed.of(c)) for c in chunks]
    except (RuntimeError, BrokenProcessPool):  # shut down or broken: a new one next time
        worker_pool.discard(pool)
        here()
        return _join_all(plans)
    here()
    parts: dict[int, list[tuple[list[int], int] | None]] = {}
    for i in reversed(range(len(futures))):
        if futures[i].cancel():
            parts[i] = _join(chunks[i])
    for i, f in enumerate(futures):
        if i in parts:
            continue
        try:
            parts[i] = _decoded(chunks[i], *f.result())
        except BrokenProcessPool:  # a spare process died: its chunks here
            worker_pool.discard(pool)
            parts[i] = _join(chunks[i])
    return [r for i in range(len(chunks)) for r in parts[i]]


# =============================================================================
# Review and explanation
# =============================================================================


@dataclass(frozen=True)
class OrderReview:
    """Released ÷ required of a close list (for hand-edited orders); money in fen.

    ``ratio_bp`` is released ÷ required in basis points (None when nothing is
    required); ``is_short`` when the list no longer covers the requirement;
    ``is_over`` when the ratio is above the setting's threshold (issue #11: 110 %).
    """

    required_fen: int
    released_fen: int
    ratio_bp: int | None
    is_short: bool
    is_over: bool

    @property
    def over_release_fen(self) -> int:
        return self.released_fen - self.required_fen


def review_orders(
    book: CloseBook, close_lots: npt.ArrayLike, required_fen: int, warn_above_bp: int
) -> OrderReview:
    """Recompute what ``close_lots`` (one per line of ``book``, one client) release and
    flag a list that falls short or releases more than ``warn_above_bp`` of the
    requirement. ValueError for lots outside [0, n] (``CloseBook.released``)."""
    released = exact_sum(book.released(close_lots))
    ratio = ratio_bp(released, required_fen) if required_fen > 0 else None
    return OrderReview(
        required_fen=required_fen,
        released_fen=released,
        ratio_bp=ratio,
        is_short=released < required_fen,
        is_over=ratio is not None and ratio > warn_above_bp,
    )


def one_less_short(book: CloseBook, close_lots: npt.ArrayLike, over_release: npt.ArrayLike) -> I64:
    """Per line: how far short the client's set would fall with one lot fewer on this
    line, (r(k) − r(k − 1)) − over-release (0 on lines not closed). Positive on every
    closed line of a least-over-release set: each order is needed."""
    k = np.asarray(close_lots, dtype=np.int64)
    over = np.asarray(over_release, dtype=np.int64)
    closed = k > 0
    out = np.zeros(k.shape, np.int64)
    if closed.any():
        rows = np.flatnonzero(closed)
        n = book.lots[rows]
        step = line_margin(
            book.price_fen[rows], book.multiplier[rows], n - k[rows] + 1, book.rate_ppm[rows]
        ) - line_margin(
            book.price_fen[rows], book.multiplier[rows], n - k[rows], book.rate_ppm[rows]
        )
        out[rows] = step - over[book.client[rows]]
    return out


ALTERNATIVES = ("best_single_line", "largest_remainder", "same_ratio", "fewest_lots")
"""The sets a client's preview is compared with: the best set closing one line only,
and the three lot methods of the member liquidation (spec 2.f, Q13) applied to this
client's requirement."""


@dataclass(frozen=True)
class Alternative:
    """Another close set for the same client and requirement (lots per line of the
    client's book, in its order), with what it releases (fen)."""

    method: str
    close_lots: tuple[int, ...]
    released_fen: int
    lots: int
    lines: int
    covers: bool


def alternatives(
    book: CloseBook, required_fen: int, *, include_hedge: bool = True
) -> list[Alternative]:
    """The ``ALTERNATIVES`` for one client's book (``client`` all 0), evaluated with the
    exact release of ``CloseBook.released``. A method without a covering set (every
    line too small) still shows what it releases."""
    n_lines = len(book)
    full = book.margin()
    eligible = (book.lots > 0) & (full > 0) & (include_hedge | ~book.hedge)
    out: list[Alternative] = []

    def add(method: str, ks: npt.ArrayLike) -> None:
        k = np.where(eligible, np.asarray(ks, dtype=np.int64), 0)
        released = exact_sum(book.released(k))
        out.append(
            Alternative(
                method,
                tuple(int(x) for x in k),
                released,
                exact_sum(k),
                int((k > 0).sum()),
                released >= required_fen,
            )
        )

    # best single line: the least over-release closing one line (covering if any can)
    best: tuple[tuple[int, int, int], npt.NDArray[np.int64]] | None = None
    for i in np.flatnonzero(eligible).tolist():
        n = int(book.lots[i])
        ks = np.arange(n + 1, dtype=np.int64)
        one = np.ones(n + 1, np.int64)
        r = full[i] - line_margin(
            book.price_fen[i] * one, book.multiplier[i] * one, n - ks, book.rate_ppm[i] * one
        )
        k = int(np.searchsorted(r, required_fen, side="left"))
        if k > n:
            continue
        key = (int(r[k]) - required_fen, k, i)
        if best is None or key < best[0]:
            vec = np.zeros(n_lines, np.int64)
            vec[i] = k
            best = (key, vec)
    if best is not None:
        add("best_single_line", best[1])
    rows = np.flatnonzero(eligible)
    if rows.size and required_fen > 0:
        lots = book.lots[rows]
        per_lot = (2 * full[rows] + lots) // (2 * lots)  # as the liquidation preview
        mbook = MarginBook(
            clients=("client",),
            contracts=tuple(str(i) for i in range(rows.size)),
            client=np.zeros(rows.size, np.int64),
            contract=np.arange(rows.size, dtype=np.int64),
            side=np.zeros(rows.size, np.int64),
            lots=lots,
            margin_per_lot_fen=per_lot.astype(np.int64),
        )
        for method in ALTERNATIVES[1:]:
            pv = preview_forced_liquidation(
                mbook,
                -required_fen,
                params=LiquidationParams(requirement="to_zero", lots_method=method),  # type: ignore[arg-type]
            )
            vec = np.zeros(n_lines, np.int64)
            vec[rows] = pv.line_lots
            add(method, vec)
    return out
