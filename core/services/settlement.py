"""Daily settlement of every client and member for one trading day (spec 2.d, 2.h, 2.k, 2.l).

``run_daily_settlement(db, day, user=...)`` reads D's inputs (``core.db.day_inputs``),
settles the whole book with the pure rule ``core.rules.daily_settlement.settle_day``
and replaces D's ``position``, ``client_balance`` and ``reserve_history`` rows, all in
one transaction with its audit entry (STYLE B6). No formula lives here.

What each figure is, and which client figures add up to the member's, is in
docs/settlement.md. Money is integer fen throughout; rates are ppm.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
from sqlalchemy import Table
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db import settlement_io as sio
from core.db.day_inputs import read_day_inputs
from core.db.engine import Database
from core.db.settlement_queries import AUDIT_ACTION
from core.db.tables import ClientBalance, Position, ReserveHistory
from core.errors import CalendarHorizonError
from core.money import exact_sum, format_yuan
from core.progress import ProgressState
from core.rules.daily_settlement import (
    DaySettlement,
    DaySettlementParams,
    SettlementRefusedError,
    problem,
    settle_day,
)
from core.rules.day_inputs import DayInputs
from core.rules.settlement import ConversionResult, MemberSettlement
from core.rules.sides import SIDE_NAMES
from core.services.store import Written, write
from core.trading_calendar import TradingCalendar, default_calendar

__all__ = [
    "DaySettlementParams",
    "SettlementRefusedError",
    "SettlementRun",
    "run_daily_settlement",
]

STAGES = ("read", "compute", "write")


@dataclass(frozen=True)
class SettlementRun:
    """What a settlement run did; plain values, safe to hand to the GUI thread."""

    day: date
    prev_day: date
    dry_run: bool
    clients_settled: int
    position_lines: int
    trades: int
    total_client_margin_fen: int
    client_margin_calls: int
    """Clients whose available funds are negative (追加保证金 > 0)."""
    members: tuple[MemberSettlement, ...]
    conversions: tuple[ConversionResult, ...]
    warnings: tuple[str, ...] = ()
    stage_seconds: tuple[tuple[str, float], ...] = ()

    def member(self, code: str) -> MemberSettlement:
        for m in self.members:
            if m.member_code == code:
                return m
        raise KeyError(code)

    def summary_lines(self) -> list[str]:
        """A short human summary (used by ``riskdesk settle``)."""
        verb = "would settle" if self.dry_run else "settled"
        out = [
            f"{self.day.isoformat()}: {verb} {self.clients_settled:,} clients, "
            f"{self.position_lines:,} position lines, {self.trades:,} trades",
            f"total client margin {format_yuan(self.total_client_margin_fen)}; "
            f"client margin calls {self.client_margin_calls:,}",
        ]
        for m in self.members:
            flags = []
            if m.opening_banned:
                flags.append("OPENING BANNED")
            if m.transfer_restricted:
                flags.append("transfers restricted")
            out.append(
                f"member {m.member_code}: reserve {format_yuan(m.reserve_fen)}, "
                f"margin {format_yuan(m.margin_fen)}, offset {format_yuan(m.offset_fen)}, "
                f"margin call {format_yuan(m.margin_call_fen)}"
                + (f" [{', '.join(flags)}]" if flags else " [opening allowed]")
            )
        out.extend(f"warning: {w}" for w in self.warnings)
        return out


# =============================================================================
# The service
# =============================================================================


class _Clock:
    def __init__(self) -> None:
        self.seconds: list[tuple[str, float]] = []

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds.append((name, time.perf_counter() - start))


def _days(
    day: date, params: DaySettlementParams, cal: TradingCalendar
) -> tuple[date, date | None, date | None]:
    """prev_td(D), prev_td(prev_td(D)) and the delivery match day paid on D; refuses a
    non-trading day."""
    try:
        if not cal.is_trading_day(day):
            raise SettlementRefusedError(
                day,
                [problem(day, f"{day.isoformat()} ({day:%A}) is not a trading day")],
                bad_input=True,
            )
        prev = cal.prev_td(day)
    except CalendarHorizonError as exc:
        raise SettlementRefusedError(day, [problem(day, str(exc))], bad_input=True) from None
    try:
        prev2: date | None = cal.prev_td(prev)
    except CalendarHorizonError:
        prev2 = None
    match: date | None = None
    if params.delivery_payment_lag > 0:
        try:
            match = cal.add_trading_days(day, -params.delivery_payment_lag)
        except CalendarHorizonError:
            match = None
    return prev, prev2, match


def _write(
    session: Session,
    inputs: DayInputs,
    result: DaySettlement,
    progress: ProgressState | None,
) -> int:
    """Replace D's positions, client balances and member reserves; rows written."""
    conn = session.connection()
    day = inputs.day
    sio.delete_day_results(conn, day)
    held = np.flatnonzero(result.line_lots > 0)  # keys are sorted: index order
    clients = np.array(inputs.clients, dtype=object)
    contracts = np.array([c.code for c in inputs.contracts], dtype=object)
    sides = np.array(SIDE_NAMES, dtype=object)
    settled = result.settled_clients
    total = held.size + settled.size + len(result.members)
    base = 0

    def tick(done: int, _n: int) -> None:
        if progress is not None:
            progress.report("write", base + done, total)

    if progress is not None:
        progress.report("write", 0, total)
    pos_table = Position.__table__
    assert isinstance(pos_table, Table)
    sio.insert_columns(
        conn,
        pos_table,
        {
            "trading_day": day,
            "client_code": clients[result.line_client[held]].tolist(),
            "contract_code": contracts[result.line_contract[held]].tolist(),
            "side": sides[result.line_side[held]].tolist(),
            "hedge": result.line_hedge[held],
            "lots": result.line_lots[held],
            "today_lots": result.line_today_lots[held],
            "open_price_fen": result.line_open_price_fen[held],
            "margin_fen": result.line_margin_fen[held],
        },
        tick,
    )
    base = held.size
    bal_table = ClientBalance.__table__
    assert isinstance(bal_table, Table)
    columns: dict[str, object] = {
        "client_code": clients[settled].tolist(),
        "trading_day": day,
    }
    for name, values in result.client.items():
        columns[name] = values[settled]
    sio.insert_columns(conn, bal_table, columns, tick)
    base += settled.size
    res_table = ReserveHistory.__table__
    assert isinstance(res_table, Table)
    now = datetime.now(UTC)
    ms = result.members
    sio.insert_columns(
        conn,
        res_table,
        {
            "member_code": [m.member_code for m in ms],
            "trading_day": day,
            "reserve_fen": [m.reserve_fen for m in ms],
            "margin_fen": [m.margin_fen for m in ms],
            "offset_fen": [m.offset_fen for m in ms],
            "cash_fen": [m.cash_fen for m in ms],
            "close_pnl_fen": [m.close_pnl_fen for m in ms],
            "position_pnl_fen": [m.position_pnl_fen for m in ms],
            "fees_fen": [m.fees_fen for m in ms],
            "waived_fen": [m.waived_fen for m in ms],
            "deposits_fen": [m.deposits_fen for m in ms],
            "withdrawals_fen": [m.withdrawals_fen for m in ms],
            "delivery_fen": [m.delivery_fen for m in ms],
            "margin_call_fen": [m.margin_call_fen for m in ms],
            "opening_banned": [m.opening_banned for m in ms],
            "transfer_restricted": [m.transfer_restricted for m in ms],
            "settled_at": now,
        },
        tick,
    )
    return total


def run_daily_settlement(
    db: Database,
    day: date,
    *,
    user: str | None,
    progress: ProgressState | None = None,
    params: DaySettlementParams | None = None,
    dry_run: bool = False,
) -> tuple[SettlementRun, Changes]:
    """Settle all clients and members for trading day ``day`` in one transaction.

    Reads D's inputs (``core.db.day_inputs``), settles them with the pure rule
    ``settle_day`` and replaces D's ``position``, ``client_balance`` and
    ``reserve_history`` rows (a rerun gives the same rows; a rerun after a corrected
    price replaces them) through the write door with the audit entry
    ``settlement.run``. ``dry_run`` computes everything through a ``Reader`` and
    writes nothing.

    Progress stages ``read``, ``compute``, ``write`` (``progress.report``); a cancel
    raises OperationCancelledError and rolls everything back. Raises
    SettlementRefusedError (every problem listed, nothing written) when a held or
    traded contract has no or an off-tick settlement price for D, D is not a trading
    day, or prev_td(D) has no positions and balances. Runs on the caller's thread
    (a worker thread in the desktop); money in fen.
    """
    p = params or DaySettlementParams()
    cal = p.calendar or default_calendar()
    prev, prev2, match = _days(day, p, cal)
    clock = _Clock()

    def settle(session: Session) -> tuple[DayInputs, DaySettlement]:
        if progress is not None:
            progress.report("read", 0, 1)
        with clock.stage("read"):
            inputs = read_day_inputs(session, day, prev, match, prior_base_day=prev2)
        if progress is not None:
            progress.report("read", 1, 1)

        def compute_report(done: int, total: int) -> None:
            if progress is not None:
                progress.report("compute", done, total)

        with clock.stage("compute"):
            result = settle_day(inputs, p, cal, compute_report)
        return inputs, result

    def summary(inputs: DayInputs, result: DaySettlement) -> SettlementRun:
        settled = result.settled_clients
        return SettlementRun(
            day=day,
            prev_day=prev,
            dry_run=dry_run,
            clients_settled=int(settled.size),
            position_lines=int((result.line_lots > 0).sum()),
            trades=int(inputs.tr_client.size),
            total_client_margin_fen=exact_sum(result.client["margin_fen"][settled]),
            client_margin_calls=int((result.client["margin_call_fen"][settled] > 0).sum()),
            members=tuple(result.members),
            conversions=tuple(result.conversions),
            warnings=tuple(result.warnings),
            stage_seconds=tuple(clock.seconds),
        )

    if dry_run:
        with db.reader() as reader:
            inputs, result = settle(reader.session)
        return summary(inputs, result), Changes.none()

    def work(session: Session) -> Written[SettlementRun]:
        inputs, result = settle(session)
        with clock.stage("write"):
            written = _write(session, inputs, result, progress)
        detail = {
            "day": day.isoformat(),
            "prev_day": prev.isoformat(),
            "clients": int(result.settled_clients.size),
            "position_lines": int((result.line_lots > 0).sum()),
            "rows_written": written,
            "members": {
                m.member_code: {
                    "reserve_fen": m.reserve_fen,
                    "margin_fen": m.margin_fen,
                    "offset_fen": m.offset_fen,
                    "margin_call_fen": m.margin_call_fen,
                    "opening_banned": m.opening_banned,
                }
                for m in result.members
            },
        }
        changed = Changes(members=True, balances=True, positions=True)
        return Written(summary(inputs, result), changed, detail)

    return write(
        db, AUDIT_ACTION, work, user=user, what=f"settlement of {day.isoformat()}", bulk=True
    )
