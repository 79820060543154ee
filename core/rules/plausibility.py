"""Plausibility limits: the values the money engine believes (issue #13), in one place.

Money is int64 fen in the vectorised engine, and an int64 sum wraps silently. So every
value that enters it is held to a limit far above any real DCE book (``[plausibility]``
of ``resources/risk_params.toml``: lots per line, prices, amounts, fees, receipt tons,
dates), checked where the value enters: each import cell (``core.imports``), each rule
case (``core.calc``), the stored data a settlement reads (``day_problems``). Behind
them, the **bound rule**: the settlement of a day refuses to start when the absolute
money its book can produce — Σ over every line of lots × multiplier × the highest price
the day uses, plus every cash amount — reaches ``BOUND_FEN`` (2^59 fen); every figure it
derives (a margin, a P&L, a reserve, a sum of them over clients and members) is at most
a few times that bound, so it stays inside int64 (2^63) by construction. The sums
themselves are also guarded (``core.money``: ``group_sum``, ``row_sums``, ``add_fen``,
``exact_sum``), so a caller without the pre-check gets a refusal, never a wrap.

Messages are worded by the callers (import templates, calc JSON paths, settlement
problems); this module holds the limits and the arithmetic of the checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from core.errors import ConfigError
from core.money import FEN_PER_YUAN, mul_half_up, parse_decimal, parse_yuan
from core.rules.day_inputs import DayInputs
from core.rules.params import load_param_section

I64 = npt.NDArray[np.int64]
PPM = 1_000_000

BOUND_FEN = 2**59
"""The bound rule's limit (5.8 × 10^15 yuan): a book whose absolute money reaches it is
not settled. Margins, P&L, cash and reserves are each at most a few multiples of the
bound (8 × 2^59 = 2^62), so every int64 figure and sum derived from it is exact."""


@dataclass(frozen=True)
class PlausibilityLimits:
    """The limits of ``[plausibility]`` (money in fen, shares in ppm)."""

    max_lots: int = 10_000_000
    max_open_interest: int = 1_000_000_000
    max_price_fen: int = 100_000_000
    max_amount_fen: int = 100_000_000_000_000
    max_multiplier: int = 1_000
    price_band_multiple: int = 3
    price_ratio: Fraction = Fraction(5)
    max_fee_per_lot_fen: int = 10_000
    max_fee_share_ppm: int = 10_000
    receipt_tons_tolerance_ppm: int = 100_000
    earliest_date: date = date(1990, 1, 1)

    @property
    def max_tons(self) -> int:
        """Tons of a receipt or a holding: max_lots × 1,000 (DCE's largest lot is 100 t;
        an import also holds a receipt's tons to its own lots, ``tons_range``)."""
        return self.max_lots * 1_000

    def fee_ceiling_fen(
        self, lots: npt.ArrayLike, price_fen: npt.ArrayLike, multiplier: npt.ArrayLike
    ) -> I64:
        """The largest plausible fee of trades: lots × max fee per lot + max share of the
        value (price × multiplier × lots), rounded half up; exact for lots and prices
        within the limits."""
        lots_a = np.atleast_1d(np.asarray(lots, dtype=np.int64))
        value = mul_half_up(
            (
                np.atleast_1d(np.asarray(price_fen, dtype=np.int64)),
                np.broadcast_to(np.asarray(multiplier, dtype=np.int64), lots_a.shape),
                lots_a,
                np.full(lots_a.shape, self.max_fee_share_ppm, dtype=np.int64),
            ),
            PPM,
        )
        return np.asarray(lots_a * self.max_fee_per_lot_fen + value, dtype=np.int64)

    def tons_range(self, lots: int, unit_tons: int) -> tuple[int, int]:
        """Plausible tons of a receipt of ``lots`` lots of a product of ``unit_tons`` tons
        a lot: lots × unit ± the tolerance (whole tons, the range widened outward)."""
        nominal = lots * unit_tons
        slack = -((-nominal * self.receipt_tons_tolerance_ppm) // PPM)
        return max(1, nominal - slack), nominal + slack

    def band(self, prior_fen: int, limit_ppm: int) -> tuple[int, int]:
        """Prices a trade of a day may plausibly have when the day's limit prices are not
        known: the prior settlement price ± ``price_band_multiple`` price limits."""
        half = -((-prior_fen * limit_ppm * self.price_band_multiple) // PPM)
        return max(1, prior_fen - half), prior_fen + half

    def ratio_range(self, reference_fen: int) -> tuple[int, int]:
        """Prices within ``price_ratio`` of a reference price: [ref ÷ r, ref × r]."""
        r = self.price_ratio
        low = (reference_fen * r.denominator) // r.numerator
        high = -((-reference_fen * r.numerator) // r.denominator)
        return max(1, low), high


def _int(sec: dict[str, tuple[object, bool]], name: str, default: int) -> int:
    if name not in sec:
        return default
    value = sec[name][0]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"risk_params.toml [plausibility] {name}: expected an integer >= 1")
    return value


def _yuan(sec: dict[str, tuple[object, bool]], name: str, default: int) -> int:
    if name not in sec:
        return default
    try:
        fen = int(parse_yuan(str(sec[name][0])))
    except ValueError as exc:
        raise ConfigError(f"risk_params.toml [plausibility] {name}: {exc}") from None
    if fen <= 0:
        raise ConfigError(f"risk_params.toml [plausibility] {name}: must be > 0")
    return fen


def _share_ppm(sec: dict[str, tuple[object, bool]], name: str, default: int) -> int:
    if name not in sec:
        return default
    try:
        share = parse_decimal(str(sec[name][0]))
    except ValueError as exc:
        raise ConfigError(f"risk_params.toml [plausibility] {name}: {exc}") from None
    ppm = share * PPM
    if share < 0 or ppm != ppm.to_integral_value():
        raise ConfigError(
            f"risk_params.toml [plausibility] {name}: a share >= 0 in whole millionths"
        )
    return int(ppm)


def load_plausibility(path: Path | None = None) -> PlausibilityLimits:
    """The limits of ``[plausibility]`` in ``resources/risk_params.toml`` (absent keys
    take the defaults above). ConfigError naming the key when one is malformed."""
    sec = load_param_section("plausibility", path)
    base = PlausibilityLimits()
    ratio = base.price_ratio
    if "price_ratio" in sec:
        try:
            ratio = Fraction(str(parse_decimal(str(sec["price_ratio"][0]))))
        except ValueError as exc:
            raise ConfigError(f"risk_params.toml [plausibility] price_ratio: {exc}") from None
        if ratio <= 1:
            raise ConfigError("risk_params.toml [plausibility] price_ratio: must be > 1")
    earliest = base.earliest_date
    if "earliest_date" in sec:
        try:
            earliest = date.fromisoformat(str(sec["earliest_date"][0]))
        except ValueError:
            raise ConfigError(
                "risk_params.toml [plausibility] earliest_date: expected YYYY-MM-DD"
            ) from None
    return PlausibilityLimits(
        max_lots=_int(sec, "max_lots", base.max_lots),
        max_open_interest=_int(sec, "max_open_interest", base.max_open_interest),
        max_price_fen=_yuan(sec, "max_price", base.max_price_fen),
        max_amount_fen=_yuan(sec, "max_amount", base.max_amount_fen),
        max_multiplier=_int(sec, "max_multiplier", base.max_multiplier),
        price_band_multiple=_int(sec, "price_band_multiple", base.price_band_multiple),
        price_ratio=ratio,
        max_fee_per_lot_fen=_yuan(sec, "max_fee_per_lot", base.max_fee_per_lot_fen),
        max_fee_share_ppm=_share_ppm(sec, "max_fee_share", base.max_fee_share_ppm),
        receipt_tons_tolerance_ppm=_share_ppm(
            sec, "receipt_tons_tolerance", base.receipt_tons_tolerance_ppm
        ),
        earliest_date=earliest,
    )


@lru_cache(maxsize=1)
def default_plausibility() -> PlausibilityLimits:
    """The limits of the shipped ``resources/risk_params.toml`` (read once)."""
    return load_plausibility()


def yuan_text(fen: int) -> str:
    """Fen as yuan with separators for messages ("1,000,000.00")."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{cents:02d}"


# =============================================================================
# The stored data of a settlement
# =============================================================================


@dataclass(frozen=True)
class DayProblem:
    """One implausible value among a day's inputs: who, which contract, which field."""

    client: str
    contract: str
    field: str
    message: str


_MAX_PER_CHECK = 20


def day_problems(inputs: DayInputs, limits: PlausibilityLimits | None = None) -> list[DayProblem]:
    """The implausible values among ``inputs`` (at most 20 per check), then — only if
    every value is plausible — the bound rule over the whole book.

    Checks: lots of every position line, trade and delivery payment (≤ max_lots),
    prices (open prices, trade prices, S(D), S(prev); ≤ max_price), fees and fund
    movements (0 … max_amount), prior balances and member reserves (|x| ≤ max_amount).
    Pure; the daily settlement refuses the day when the list is not empty.
    """
    lim = limits or default_plausibility()
    out: list[DayProblem] = []
    contracts = [c.code for c in inputs.contracts]

    def rows(
        mask: npt.NDArray[np.bool_],
        client: I64,
        contract: I64,
        field: str,
        text: str,
        values: I64,
    ) -> None:
        for i in np.flatnonzero(mask)[:_MAX_PER_CHECK].tolist():
            who = inputs.clients[int(client[i])] if client[i] >= 0 else ""
            what = contracts[int(contract[i])] if contract[i] >= 0 else ""
            out.append(DayProblem(who, what, field, text.format(value=int(values[i]))))

    lots_text = f"{{value:,}} lots exceed the plausible {lim.max_lots:,} lots a line"
    prev = inputs.prev_day.isoformat()
    rows(
        inputs.pos_lots > lim.max_lots,
        inputs.pos_client,
        inputs.pos_contract,
        "lots",
        f"position of {prev}: {lots_text}",
        inputs.pos_lots,
    )
    rows(
        inputs.tr_lots > lim.max_lots,
        inputs.tr_client,
        inputs.tr_contract,
        "lots",
        f"trade: {lots_text}",
        inputs.tr_lots,
    )
    rows(
        inputs.pay_lots > lim.max_lots,
        inputs.pay_client,
        inputs.pay_contract,
        "lots",
        f"delivery payment: {lots_text}",
        inputs.pay_lots,
    )
    price_cap = yuan_text(lim.max_price_fen)
    rows(
        inputs.pos_open_price_fen > lim.max_price_fen,
        inputs.pos_client,
        inputs.pos_contract,
        "open_price",
        f"position of {prev}: open price of {{value}} fen is above the plausible {price_cap}",
        inputs.pos_open_price_fen,
    )
    rows(
        inputs.tr_price_fen > lim.max_price_fen,
        inputs.tr_client,
        inputs.tr_contract,
        "price",
        f"trade: price of {{value}} fen is above the plausible {price_cap}",
        inputs.tr_price_fen,
    )
    n_k = len(contracts)
    none = np.full(n_k, -1, dtype=np.int64)
    for name, prices in (
        ("settlement_price", inputs.settle_fen),
        ("prior", inputs.prior_settle_fen),
    ):
        rows(
            prices > lim.max_price_fen,
            none,
            np.arange(n_k, dtype=np.int64),
            name,
            f"settlement price of {{value}} fen is above the plausible {price_cap}",
            prices,
        )
    amount_cap = yuan_text(lim.max_amount_fen)
    rows(
        (inputs.tr_fee_fen < 0) | (inputs.tr_fee_fen > lim.max_amount_fen),
        inputs.tr_client,
        inputs.tr_contract,
        "fee",
        f"trade: fee of {{value}} fen is outside 0 … {amount_cap}",
        inputs.tr_fee_fen,
    )
    rows(
        (inputs.fm_amount_fen <= 0) | (inputs.fm_amount_fen > lim.max_amount_fen),
        inputs.fm_client,
        np.full(inputs.fm_client.size, -1, dtype=np.int64),
        "amount",
        f"fund movement of {{value}} fen is outside 0 … {amount_cap}",
        inputs.fm_amount_fen,
    )
    rows(
        np.abs(inputs.prior_balance_fen) > lim.max_amount_fen,
        np.arange(len(inputs.clients), dtype=np.int64),
        np.full(len(inputs.clients), -1, dtype=np.int64),
        "balance",
        f"balance of {prev} of {{value}} fen is beyond ± {amount_cap}",
        inputs.prior_balance_fen,
    )
    for code, prior in sorted(inputs.prior_reserve.items()):
        for name, value in (
            ("reserve", prior.reserve_fen),
            ("margin", prior.margin_fen),
            ("offset", prior.offset_fen),
        ):
            if abs(value) > lim.max_amount_fen:
                out.append(
                    DayProblem(
                        "",
                        "",
                        name,
                        f"member {code}: {name} of {prev} of {value} fen is beyond ± {amount_cap}",
                    )
                )
    if out:
        return out
    return _bound_rule(inputs)


def _bound_rule(inputs: DayInputs) -> list[DayProblem]:
    """The book's absolute money (module docstring) must stay below ``BOUND_FEN``.

    Estimated in float64 (a bound, not a money figure: its relative error, below 10^-9
    for any book that fits in memory, is far inside the factor 8 of headroom). Names
    the client with the largest share and its largest line.
    """
    n_c = len(inputs.clients)
    mult = np.array([c.multiplier for c in inputs.contracts], dtype=np.float64)
    top = np.maximum(inputs.settle_fen, inputs.prior_settle_fen).astype(np.float64)
    top = np.maximum(top, 0.0)

    def notional(contract: I64, lots: I64, price: I64) -> npt.NDArray[np.float64]:
        p = np.maximum(top[contract], np.abs(price.astype(np.float64)))
        return np.abs(lots.astype(np.float64)) * mult[contract] * p

    pos = notional(inputs.pos_contract, inputs.pos_lots, inputs.pos_open_price_fen)
    tr = notional(inputs.tr_contract, inputs.tr_lots, inputs.tr_price_fen) + np.abs(
        inputs.tr_fee_fen.astype(np.float64)
    )
    pay = notional(inputs.pay_contract, inputs.pay_lots, inputs.pay_price_fen)
    moves = inputs.fm_client >= 0
    per_client = (
        np.bincount(inputs.pos_client, weights=pos, minlength=n_c)
        + np.bincount(inputs.tr_client, weights=tr, minlength=n_c)
        + np.bincount(inputs.pay_client, weights=pay, minlength=n_c)
        + np.bincount(
            inputs.fm_client[moves],
            weights=inputs.fm_amount_fen[moves].astype(np.float64),
            minlength=n_c,
        )
        + np.abs(inputs.prior_balance_fen.astype(np.float64))
    )
    members = float(
        np.abs(inputs.fm_amount_fen[~moves].astype(np.float64)).sum()
        + sum(
            abs(p.reserve_fen) + abs(p.margin_fen) + abs(p.offset_fen)
            for p in inputs.prior_reserve.values()
        )
    )
    total = float(per_client.sum()) + members
    if total < BOUND_FEN:
        return []
    c = int(np.argmax(per_client)) if n_c else -1
    if c < 0:
        return [DayProblem("", "", "reserve", _bound_text(total))]
    lines = [
        (pos[i], int(inputs.pos_contract[i]), int(inputs.pos_lots[i]))
        for i in np.flatnonzero(inputs.pos_client == c).tolist()
    ] + [
        (tr[i], int(inputs.tr_contract[i]), int(inputs.tr_lots[i]))
        for i in np.flatnonzero(inputs.tr_client == c).tolist()
    ]
    if not lines:
        return [DayProblem(inputs.clients[c], "", "balance", _bound_text(total))]
    _, k, lots = max(lines)
    return [
        DayProblem(
            inputs.clients[c],
            inputs.contracts[k].code,
            "lots",
            _bound_text(total) + f"; the largest line holds {lots:,} lots",
        )
    ]


def largest_line(inputs: DayInputs) -> tuple[str, str, int]:
    """(client, contract, lots) of the day's line (position or trade) with the most
    lots: what a refusal names when a figure could not be computed exactly."""
    best: tuple[int, str, str] = (-1, "", "")
    for client, contract, lots in (
        (inputs.pos_client, inputs.pos_contract, inputs.pos_lots),
        (inputs.tr_client, inputs.tr_contract, inputs.tr_lots),
    ):
        if lots.size:
            i = int(np.argmax(lots))
            if int(lots[i]) > best[0]:
                best = (
                    int(lots[i]),
                    inputs.clients[int(client[i])],
                    inputs.contracts[int(contract[i])].code,
                )
    return best[1], best[2], max(best[0], 0)


def _bound_text(total: float) -> str:
    return (
        f"the book's money reaches about {total:.3g} fen, beyond the {BOUND_FEN:,} fen "
        "the settlement computes exactly (the bound rule)"
    )
