"""Forced-liquidation preview of a member from the database (spec 2.f).

Reads the member's reserve after settlement (``reserve_history``) and its clients'
position lines of the day, and runs ``core.rules.forced_liquidation`` for the chosen
requirement reading and lots method, plus all four combinations side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy.orm import Session

from core.db import queries
from core.db import risk_queries as rq
from core.db.columnar import codes_of
from core.db.day_inputs import limit_lock_runs, read_adjustments, read_contracts
from core.db.reader import Reader
from core.errors import InputError
from core.money import bp_to_str, exact_sum, fen_to_str, group_sum, half_up_div, ratio_bp
from core.progress import ProgressState
from core.rules.client_forced_close import CloseSettings, default_close_settings
from core.rules.forced_liquidation import (
    LiquidationParams,
    LiquidationPreview,
    MarginBook,
    allocate_lots,
    book_margins,
    default_liquidation_params,
    liquidation_shares,
)
from core.rules.funds import line_margin
from core.rules.liquidation_methods import LOTS_METHODS, REQUIREMENTS, LotsMethod, Requirement
from core.rules.margin_schedule import day_margin_rates
from core.rules.sides import side_codes
from core.services._common import report, resolve_price_day

MarginSource = Literal["stored", "recomputed"]

LINE_COLUMNS = (
    "client_code",
    "contract_code",
    "side",
    "hedge",
    "lots",
    "margin_per_lot_fen",
    "line_margin_fen",
    "close_lots",
    "released_fen",
)
CLIENT_COLUMNS = (
    "client_code",
    "margin_fen",
    "release_fen",
    "releasable_fen",
    "shortfall_fen",
    "released_fen",
    "close_lots",
)
"""Per client: trading margin, the pro-rata release (not capped, spec 2.f), what its
margin can release of it (min(release, margin)), the rest it cannot (release −
releasable), what the chosen lots release, and the lots."""
SCENARIO_COLUMNS = (
    "requirement",
    "lots_method",
    "required_fen",
    "ratio",
    "release_fen",
    "released_fen",
    "close_lots",
    "lines",
    "released_ratio_bp",
    "over_release_fen",
    "is_over",
    "shortfall_fen",
)
"""One row per requirement reading × lots method: released ÷ required in basis points
(None when nothing is required), over-release = released − required (negative: the
lots cannot cover it), is_over above the firm's warning threshold (``warn_above_bp``)."""


@dataclass(frozen=True)
class LiquidationReport:
    """Result of ``preview_liquidation``; money in fen.

    ``lines`` (``LINE_COLUMNS``) and ``clients`` (``CLIENT_COLUMNS``) follow the chosen
    requirement and lots method; ``scenarios`` (``SCENARIO_COLUMNS``) shows every lot
    method for both requirement readings, or for the chosen one (``both_requirements``)
    (ratio: a 28-digit Decimal).
    ``opening_banned``: R26, from the trigger (reserve + deposit < 0) until the reserve
    is back to ``min_reserve_fen`` (a stored ban holds while below the minimum).
    ``warn_above_bp``: released ÷ required above this is flagged (``is_over``); the
    firm's one threshold, shared with the client forced close
    (``[client_forced_close] warn_above``).
    """

    member: str
    trading_day: date
    reserve_fen: int
    reserve_source: Literal["history", "given"]
    deposit_fen: int
    min_reserve_fen: int
    margin_source: MarginSource
    params: LiquidationParams
    preview: LiquidationPreview
    lines: pd.DataFrame
    clients: pd.DataFrame
    scenarios: pd.DataFrame
    opening_banned: bool
    below_min_reserve: bool
    warnings: tuple[str, ...]
    warn_above_bp: int

    @property
    def unverified(self) -> tuple[str, ...]:
        return self.params.unverified

    @property
    def is_triggered(self) -> bool:
        return self.preview.required_fen > 0

    @property
    def releasable_fen(self) -> int:
        """What the clients' margin can release of their shares: Σ min(release, margin)."""
        return int(self.clients["releasable_fen"].sum())

    @property
    def released_ratio_bp(self) -> int | None:
        """What the chosen lots release ÷ required, basis points (None: nothing required)."""
        pv = self.preview
        return _released_ratio_bp(pv.total_released_fen, pv.required_fen)

    @property
    def over_release_fen(self) -> int:
        """Released − required (0 when nothing is required; negative: a shortfall)."""
        pv = self.preview
        return pv.total_released_fen - pv.required_fen if pv.required_fen > 0 else 0

    @property
    def is_over(self) -> bool:
        """Do the lots release more than ``warn_above_bp`` of the requirement?"""
        ratio = self.released_ratio_bp
        return ratio is not None and ratio > self.warn_above_bp

    def summary_lines(self) -> list[str]:
        p, pv = self.params, self.preview
        after = self.reserve_fen + self.deposit_fen
        out = [
            f"forced liquidation preview, member {self.member} on {self.trading_day}",
            f"reserve {fen_to_str(self.reserve_fen)} ({self.reserve_source}) + what-if "
            f"deposit {fen_to_str(self.deposit_fen)} = {fen_to_str(after)}; minimum "
            f"reserve {fen_to_str(self.min_reserve_fen)}",
            f"requirement {p.requirement}: required {fen_to_str(pv.required_fen)}; total "
            f"client margin {fen_to_str(pv.total_margin_fen)} ({self.margin_source}); "
            f"ratio {pv.ratio_decimal()}",
            f"lots method {p.lots_method}: release {fen_to_str(pv.total_release_fen)}, "
            f"released by closing lots {fen_to_str(pv.total_released_fen)}, lots "
            f"{exact_sum(pv.line_lots)}"
            + (
                ""
                if self.released_ratio_bp is None
                else f", released / required {bp_to_str(self.released_ratio_bp)}"
            ),
            "opening banned: "
            + ("yes" if self.opening_banned else "no")
            + (
                " (until the reserve reaches the minimum)"
                if self.opening_banned and self.below_min_reserve
                else ""
            ),
        ]
        if not self.is_triggered:
            out.append("no liquidation: the reserve is not below zero")
        if self.is_over and self.released_ratio_bp is not None:
            out.append(
                f"warning: the lots release {bp_to_str(self.released_ratio_bp)} of the "
                f"requirement (above {bp_to_str(self.warn_above_bp)})"
            )
        if pv.shortfall_fen:
            out.append(f"SHORTFALL: client margin cannot cover {fen_to_str(pv.shortfall_fen)}")
        out.extend(f"warning: {w}" for w in self.warnings)
        return out


def _released_ratio_bp(released_fen: int, required_fen: int) -> int | None:
    return ratio_bp(released_fen, required_fen) if required_fen > 0 else None


def _member(session: Session, member: str | None) -> rq.MemberInfo:
    if member is None:
        codes = rq.member_codes(session)
        if not codes:
            raise InputError("no members in the database")
        if len(codes) > 1:
            raise InputError(f"several members ({', '.join(codes[:10])}): pass --member")
        member = codes[0]
    info = rq.member_info(session, member)
    if info is None:
        raise InputError(f"unknown member {member!r}")
    return info


def _recomputed_line_margins(
    session: Session, frame: pd.DataFrame, day: date
) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Each line's margin S(D) × mult × lots × rate_settle(D) again (``line_margin``,
    spec 2.a), with rate_settle(D) from ``day_margin_rates`` with D's limit-lock runs
    and the exchange notices in force, exactly as the daily settlement computes it.
    """
    missing = frame["settlement_fen"].isna()
    if bool(missing.any()):
        bad = sorted(set(frame.loc[missing, "contract_code"]))
        raise InputError(f"no settlement price on {day} for {', '.join(bad[:10])}")
    terms = read_contracts(session)
    index = {t.code: i for i, t in enumerate(terms)}
    contract = np.array([index[str(c)] for c in frame["contract_code"]], dtype=np.int64)
    hedge = frame["hedge"].to_numpy(dtype=np.bool_)
    rates = day_margin_rates(
        terms,
        day,
        lock_runs=limit_lock_runs(session, day),
        adjustments=read_adjustments(session, day),
        pairs=set(zip(contract.tolist(), hedge.tolist(), strict=True)),
    )
    if rates.problems:
        k, why = next(iter(sorted(rates.problems.items())))
        raise InputError(f"no settlement margin rate for {terms[k].code} on {day}: {why}")
    margins = line_margin(
        frame["settlement_fen"].to_numpy(dtype=np.int64),
        frame["multiplier"].to_numpy(dtype=np.int64),
        frame["lots"].to_numpy(dtype=np.int64),
        rates.line_rates(contract, hedge),
    )
    return margins, list(rates.warnings)


def _side_codes(side: pd.Series) -> npt.NDArray[np.int64]:
    """``side_codes`` of a column, once per category when it is categorical (a million
    lines hold two words)."""
    if isinstance(side.dtype, pd.CategoricalDtype):
        codes = side.cat.codes.to_numpy()
        if len(codes) == 0 or int(codes.min()) >= 0:
            words = side_codes(side.cat.categories.to_numpy(dtype=object))
            return np.asarray(words[codes], dtype=np.int64)
    return side_codes(side.to_numpy(dtype=object))


def preview_liquidation(
    reader: Reader,
    member: str | None = None,
    day: date | None = None,
    *,
    reserve_fen: int | None = None,
    deposit_fen: int = 0,
    requirement: Requirement | None = None,
    lots_method: LotsMethod | None = None,
    margin_source: MarginSource = "stored",
    params: LiquidationParams | None = None,
    close_settings: CloseSettings | None = None,
    both_requirements: bool = True,
    progress: ProgressState | None = None,
) -> LiquidationReport:
    """Preview the forced liquidation of ``member``'s clients after ``day`` (spec 2.f).

    ``member`` defaults to the only member; ``day`` to the latest trading day with
    settlement prices; ``reserve_fen`` to the reserve history of that day. Margin per
    lot is the line's margin ÷ lots (half up to the fen): the stored line margin or, with
    ``margin_source="recomputed"``, S(D) × mult × lots × rate_settle(D) again. ``deposit_fen`` is a
    what-if top-up. ``close_settings`` holds the warning threshold of released ÷
    required (default: the firm's ``[client_forced_close]`` setting).
    ``both_requirements=False`` compares the lot methods for the chosen requirement
    only (half the work on a million lines; the desk's screen shows no more). A read:
    nothing is written, no audit entry either. Raises InputError for an unknown member, no
    reserve, no positions or a negative deposit.
    """
    session = reader.session
    info = _member(session, member)
    d = resolve_price_day(session, day)
    if deposit_fen < 0:
        raise InputError("a what-if deposit must not be negative")
    report(progress, "read reserve and positions", 0, 3)
    stored = rq.reserve_on(session, info.code, d)
    if reserve_fen is None:
        if stored is None:
            raise InputError(f"no reserve history for member {info.code} on {d}: pass --reserve")
        reserve, source = stored.reserve_fen, "history"
    else:
        reserve, source = reserve_fen, "given"
    base = params or default_liquidation_params()
    min_reserve = info.min_reserve_fen if info.min_reserve_fen > 0 else base.min_reserve_fen
    p = replace(
        base,
        requirement=requirement or base.requirement,
        lots_method=lots_method or base.lots_method,
        min_reserve_fen=min_reserve,
    )
    frame = rq.member_position_lines(session, info.code, d)
    if frame.empty:
        raise InputError(f"no open positions of member {info.code}'s clients on {d}")
    lots = frame["lots"].to_numpy(dtype=np.int64)
    warnings: list[str] = []
    if margin_source == "stored":
        margin = frame["margin_fen"].to_numpy(dtype=np.int64)
    else:
        margin, warnings = _recomputed_line_margins(session, frame, d)
    # The margin a closed lot releases: the line's margin ÷ lots, half up (spec 2.f);
    # stored and recomputed line margins go through the same division.
    if bool((margin >= 0).all()):  # always for margins: one floor division
        per_lot = (2 * margin + lots) // (2 * lots)  # half up; lots > 0 on every line
    else:
        per_lot = half_up_div(margin, lots)
    # As np.unique(..., return_inverse=True) on the codes, by hashing.
    client_idx, clients = codes_of(frame["client_code"])
    contract_idx, contracts = codes_of(frame["contract_code"])
    book = MarginBook(
        clients=tuple(map(str, clients)),
        contracts=tuple(map(str, contracts)),
        client=client_idx.astype(np.int64),
        contract=contract_idx.astype(np.int64),
        side=_side_codes(frame["side"]),
        lots=lots,
        margin_per_lot_fen=per_lot.astype(np.int64),
    )
    report(progress, "compute", 1, 3)
    warn_above_bp = (close_settings or default_close_settings()).warn_above_bp
    scenarios = []
    chosen: LiquidationPreview | None = None
    readings = REQUIREMENTS if both_requirements else (p.requirement,)
    # The clients' margins once for the book, their shares once per reading; only the
    # lots are allocated per method.
    margins = book_margins(book)
    for req in readings:
        shares = liquidation_shares(
            book,
            reserve,
            params=replace(p, requirement=req),
            deposit_fen=deposit_fen,
            member=info.code,
            margins=margins,
        )
        for method in LOTS_METHODS:
            pv = allocate_lots(shares, method)
            if req == p.requirement and method == p.lots_method:
                chosen = pv
            ratio = _released_ratio_bp(pv.total_released_fen, pv.required_fen)
            scenarios.append(
                {
                    "requirement": req,
                    "lots_method": method,
                    "required_fen": pv.required_fen,
                    "ratio": pv.ratio_decimal(),
                    "release_fen": pv.total_release_fen,
                    "released_fen": pv.total_released_fen,
                    "close_lots": exact_sum(pv.line_lots),
                    "lines": int(np.count_nonzero(pv.line_lots)),
                    "released_ratio_bp": ratio,
                    "over_release_fen": (
                        pv.total_released_fen - pv.required_fen if pv.required_fen > 0 else 0
                    ),
                    "is_over": ratio is not None and ratio > warn_above_bp,
                    "shortfall_fen": pv.shortfall_fen,
                }
            )
    assert chosen is not None
    line_frame = pd.DataFrame(
        {
            "client_code": frame["client_code"],
            "contract_code": frame["contract_code"],
            "side": frame["side"],
            "hedge": frame["hedge"],
            "lots": lots,
            "margin_per_lot_fen": book.margin_per_lot_fen,
            "line_margin_fen": lots * book.margin_per_lot_fen,
            "close_lots": chosen.line_lots,
            "released_fen": chosen.line_released,
        },
        columns=list(LINE_COLUMNS),
        copy=False,  # fresh arrays: no 2-D consolidation copy of a million lines
    )
    released_by_client = group_sum(book.client, chosen.line_released, len(clients), "release")
    lots_by_client = group_sum(book.client, chosen.line_lots, len(clients), "lots")
    releasable = np.minimum(chosen.release, chosen.client_margin)
    client_frame = pd.DataFrame(
        {
            "client_code": list(book.clients),
            "margin_fen": chosen.client_margin,
            "release_fen": chosen.release,
            "releasable_fen": releasable,
            "shortfall_fen": chosen.release - releasable,
            "released_fen": released_by_client,
            "close_lots": lots_by_client,
        },
        columns=list(CLIENT_COLUMNS),
    )
    stored_ban = stored.opening_banned if stored is not None else False
    result = LiquidationReport(
        member=info.code,
        trading_day=d,
        reserve_fen=reserve,
        reserve_source=source,  # type: ignore[arg-type]
        deposit_fen=deposit_fen,
        min_reserve_fen=min_reserve,
        margin_source=margin_source,
        params=p,
        preview=chosen,
        lines=line_frame,
        clients=client_frame,
        scenarios=pd.DataFrame(scenarios, columns=list(SCENARIO_COLUMNS)).astype(
            {"released_ratio_bp": "Int64"}
        ),
        opening_banned=chosen.opening_banned or (stored_ban and chosen.below_min_reserve),
        below_min_reserve=chosen.below_min_reserve,
        warnings=tuple(warnings),
        warn_above_bp=warn_above_bp,
    )
    report(progress, "done", 3, 3)
    return result


# ============================================================== the desk's view
ORDER_KEYS = (
    "client_code",
    "contract_code",
    "side",
    "close_side",
    "hedge",
    "close_lots",
    "released_fen",
)
CLOSE_SIDE = {"long": "sell", "short": "buy"}
"""The order side that closes a position side."""


@dataclass(frozen=True)
class LiquidationRequest:
    """What the desk asks for: the member (None: the first below zero, else the first),
    an assumed reserve (None: the stored one), a what-if deposit, and the requirement
    reading and lots method (None: the configured defaults)."""

    member: str | None = None
    reserve_fen: int | None = None
    deposit_fen: int = 0
    requirement: Requirement | None = None
    lots_method: LotsMethod | None = None


@dataclass(frozen=True)
class LiquidationView:
    """The forced-liquidation desk on the latest price ``day``.

    ``members``: member_code, member_name, reserve_fen (latest), min_reserve_fen,
    below_zero; below zero first. ``orders`` (``ORDER_KEYS``): the order list for the
    trading desk, lines to close only. ``error``: why there is no preview.
    """

    day: date | None
    members: pd.DataFrame
    member: str | None
    defaults: LiquidationParams
    report: LiquidationReport | None = None
    error: str = ""
    orders: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(ORDER_KEYS)))


def liquidation_view(
    reader: Reader, request: LiquidationRequest, progress: ProgressState | None = None
) -> LiquidationView:
    """Members with their latest reserve, and the chosen member's preview (a read)."""
    session = reader.session
    day = rq.latest_price_day(session)
    defaults = default_liquidation_params()
    members = queries.members_frame(session, day)
    members = members[["member_code", "member_name", "reserve_fen", "min_reserve_fen"]].copy()
    members["below_zero"] = members["reserve_fen"].fillna(0).astype("int64") < 0
    members = members.sort_values(["below_zero", "member_code"], ascending=[False, True])
    members = members.reset_index(drop=True)
    member = request.member
    if member is None and len(members):
        member = str(members["member_code"].iloc[0])
    if day is None or member is None:
        return LiquidationView(day, members, member, defaults)
    try:
        report = preview_liquidation(
            reader,
            member,
            day,
            reserve_fen=request.reserve_fen,
            deposit_fen=request.deposit_fen,
            requirement=request.requirement,
            lots_method=request.lots_method,
            both_requirements=False,
            progress=progress,
        )
    except InputError as exc:
        return LiquidationView(day, members, member, defaults, error=str(exc))
    lines = report.lines
    to_close = lines[lines["close_lots"] > 0].copy()
    to_close["close_side"] = to_close["side"].map(CLOSE_SIDE)
    orders = to_close[list(ORDER_KEYS)].reset_index(drop=True)
    return LiquidationView(day, members, member, defaults, report, "", orders)
