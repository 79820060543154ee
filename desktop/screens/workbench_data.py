"""Display shaping for the risk workbenches: exact figures as text, export frames.

Qt-free. The workbenches load through read services (``core.services.reduction.
reduction_view``, ``liquidation_view``, ``limits_view``, ``receipts_view``,
``delivery_view``), which return numbers and DataFrames; this module only formats
core's exact fractions for display and selects or renames columns for an export.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

import pandas as pd

from core.rules.forced_liquidation import LiquidationParams, default_liquidation_params
from core.rules.forced_reduction import (
    ReductionParams,
    ReductionPreview,
    default_reduction_params,
    pct_to_decimal,
)
from core.services.liquidation import LiquidationView
from core.services.reduction import ReductionView

Rounding = Literal["largest_remainder", "half_up"]
ROUNDINGS: tuple[Rounding, Rounding] = ("largest_remainder", "half_up")


def fraction_text(x: Fraction | None, places: int = 4) -> str:
    """An exact fraction as a decimal string rounded half up to ``places`` (display)."""
    if x is None:
        return "—"
    return str(pct_to_decimal(x).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def percent_text(x: Fraction | None, places: int = 2) -> str:
    """An exact fraction as a percentage string (0.06 → "6.00%")."""
    if x is None:
        return "—"
    value = pct_to_decimal(x) * 100
    return f"{value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)}%"


# ============================================================== forced reduction
@dataclass(frozen=True)
class ExplainedPosition:
    """One net position of a client, its figures as display strings (``explain_client``)."""

    hedge: bool
    side: str
    net_lots: int
    pnl_fen: int
    unit_pnl_yuan: str
    unit_pnl_pct: str
    role: str
    tier: int | None
    declared: int
    filled: int
    reduced: int
    note: str
    steps: pd.DataFrame
    """tier, side, weight, target, total_weight, raw, floor, fraction, rounding_step, lots."""


STEP_KEYS = (
    "tier",
    "side",
    "weight",
    "target",
    "total_weight",
    "raw",
    "floor",
    "fraction",
    "rounding_step",
    "lots",
)


def explain_client(preview: ReductionPreview, client: str) -> list[ExplainedPosition]:
    """How ``client``'s net positions were treated by ``preview`` (positions with lots
    or orders only). Raises KeyError for a client not in the preview."""
    out: list[ExplainedPosition] = []
    for e in preview.explain_client(client):
        if e.net_lots == 0 and not e.declared_lots:
            continue
        steps = pd.DataFrame(
            [
                {
                    "tier": s.tier,
                    "side": s.side,
                    "weight": s.weight,
                    "target": s.target,
                    "total_weight": s.total_weight,
                    "raw": fraction_text(s.raw),
                    "floor": s.floor,
                    "fraction": fraction_text(s.fraction),
                    "rounding_step": s.rounding_step,
                    "lots": s.lots,
                }
                for s in e.steps
            ],
            columns=list(STEP_KEYS),
        )
        out.append(
            ExplainedPosition(
                hedge=e.hedge,
                side=e.side,
                net_lots=e.net_lots,
                pnl_fen=e.total_pnl_fen,
                unit_pnl_yuan=fraction_text(e.unit_pnl, 2),
                unit_pnl_pct=percent_text(e.unit_pnl_pct),
                role=e.role,
                tier=e.tier,
                declared=e.declared_lots,
                filled=e.filled_lots,
                reduced=e.reduced_lots,
                note=e.note,
                steps=steps,
            )
        )
    return out


def reduction_export_frame(data: ReductionView, rounding: Rounding) -> pd.DataFrame:
    """The allocation of both sides for export: the report's rows with the chosen
    rounding in ``closed_lots``."""
    assert data.report is not None
    rows = data.report.rows.copy()
    rows["closed_lots"] = rows[f"closed_{rounding}"]
    return rows[rows["role"] != "none"].reset_index(drop=True)


# ============================================================== forced liquidation
def liquidation_order_list(data: LiquidationView) -> pd.DataFrame:
    """The trading desk's order list: client, contract, side to close, lots."""
    frame = data.orders[["client_code", "contract_code", "close_side", "close_lots"]]
    return frame.rename(columns={"close_side": "side_to_close", "close_lots": "lots"})


def default_params() -> tuple[ReductionParams, LiquidationParams]:
    """The configured defaults (resources/risk_params.toml) with their unverified lists."""
    return default_reduction_params(), default_liquidation_params()
