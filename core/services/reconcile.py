"""Reconciliation: statement files against RiskDesk's settlement of their days (issue #15).

``reconcile(db, files, ...)`` reads the files (CTP text, CFMMC .xls/.xlsx, the
member's CSV; large text files on every core, streamed), builds RiskDesk's side of
each day they cover from the stored settlement (``riskdesk_side``), compares the two
field by field with 0 fen tolerance (``core.reconcile.compare``), names the likely
cause of each difference (``core.reconcile.causes``) and records the run in the audit
log through the write door (``reconcile.run``: files, days, counts; never the rows).

RiskDesk's side of day D: the account summary is the stored ``client_balance`` row of
D (prior balance: the stored row before it), the risk degree ``RiskLevels.ratio`` of
those figures (``core.rules.risk_levels``); lines, closes and fills are the daily
settlement's own rule (``core.rules.daily_settlement.settle_day``) over D's stored
inputs: each line's lots, average open price, margin at the client rate and position
P&L, each fill's close P&L and the first-in-first-out pieces of each close. The lines
are checked against the stored positions of D; a difference (inputs changed after
the settlement) is reported as a warning, not hidden.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db import reconcile_queries as rq
from core.db.day_book import day_book
from core.db.day_inputs import read_day_inputs
from core.errors import InputError
from core.money import bp_to_str, fen_to_str
from core.progress import ProgressState
from core.reconcile.causes import classify
from core.reconcile.compare import Reconciliation, compare
from core.reconcile.ctp_text import cpu_parts, read_ctp_file, split_points
from core.reconcile.ctp_writer import ContractInfo, write_ctp_file
from core.reconcile.statements import StatementFrames
from core.reference.products import default_products
from core.rules.daily_settlement import DaySettlementParams, SettlementRefusedError, settle_day
from core.rules.risk_levels import RISK_RATIO_UNBOUNDED_PPM, default_risk_levels
from core.services.exports import TableExport, export_table
from core.services.store import Database, Reader, Written, write
from core.trading_calendar import default_calendar

AUDIT_ACTION = "reconcile.run"
PARALLEL_BYTES = 64 << 20
"""Text files larger than this (together) are read by one process per core."""


# --------------------------------------------------------------------- RiskDesk's side
@dataclass(frozen=True)
class RiskDeskDay:
    """RiskDesk's statements of one day, in the statement model, and what to tell."""

    day: date
    frames: StatementFrames
    contracts: dict[str, ContractInfo]
    firm: str
    warnings: tuple[str, ...] = ()


def riskdesk_side(
    reader: Reader, day: date, params: DaySettlementParams | None = None
) -> RiskDeskDay:
    """RiskDesk's settlement of ``day`` as statements (module doc). InputError when the
    day is not settled."""
    session = reader.session
    p = params or DaySettlementParams()
    cal = p.calendar or default_calendar()
    balances = rq.stored_balances(session, day)
    if not balances.clients:
        raise InputError(
            f"RiskDesk has no settlement of {day.isoformat()}: settle it first "
            f"('riskdesk settle --date {day.isoformat()}')",
            field="date",
        )
    prev = cal.prev_td(day)
    try:
        prev2: date | None = cal.prev_td(prev)
    except Exception:  # noqa: BLE001 (beyond the calendar: the receipt base is not needed)
        prev2 = None
    match = cal.add_trading_days(day, -p.delivery_payment_lag) if p.delivery_payment_lag else None
    inputs = read_day_inputs(session, day, prev, match, prior_base_day=prev2)
    contracts = {
        c.code: ContractInfo(product_zh=_product_zh(c.product), multiplier=c.multiplier)
        for c in inputs.contracts
    }
    warnings: list[str] = []
    clients = list(balances.clients)
    v = balances.values
    k_codes = [c.code for c in inputs.contracts]
    # ---- account summaries: the stored rows
    prior = dict(zip(inputs.clients, inputs.prior_balance_fen.tolist(), strict=True))
    ratio = default_risk_levels().ratio(v["margin_fen"], v["balance_fen"], v["available_fen"])
    summary_cols: dict[str, list[object]] = {"client": [], "day": [], "field": [], "value": []}

    def put(fld: str, values: Sequence[int], which: Sequence[str] = clients) -> None:
        summary_cols["client"].extend(which)
        summary_cols["day"].extend([day] * len(which))
        summary_cols["field"].extend([fld] * len(which))
        summary_cols["value"].extend(int(x) for x in values)

    put("prior_balance", [prior.get(c, 0) for c in clients])
    put("transfers", (v["deposits_fen"] - v["withdrawals_fen"]).tolist())
    put("close_pnl", v["close_pnl_fen"].tolist())
    put("position_pnl", v["position_pnl_fen"].tolist())
    put("fees", v["fees_fen"].tolist())
    put("delivery", v["delivery_fen"].tolist())
    put("balance", v["balance_fen"].tolist())
    put("equity", v["balance_fen"].tolist())
    put("offset", v["offset_fen"].tolist())
    put("margin", v["margin_fen"].tolist())
    put("available", v["available_fen"].tolist())
    bounded = ratio < RISK_RATIO_UNBOUNDED_PPM
    put(
        "risk_ratio_bp",
        (ratio[bounded] // 100).tolist(),
        [c for c, b in zip(clients, bounded, strict=True) if b],
    )
    put("margin_call", v["margin_call_fen"].tolist())
    put("waived", v["waived_fen"].tolist())
    summary = pd.DataFrame(summary_cols)

    # ---- lines, fills and closes: the settlement's rule over D's stored inputs
    try:
        st = settle_day(inputs, p, cal)
    except SettlementRefusedError as exc:
        warnings.append(
            f"{day.isoformat()}: lines, fills and closes are not compared: the settlement "
            f"cannot be recomputed from the stored inputs ({exc})"
        )
        frames = _frames(summary, None, None, None, None, day)
        return RiskDeskDay(
            day,
            _with_statements(frames, clients, day),
            contracts,
            rq.firm_name(session),
            tuple(warnings),
        )
    client_codes = np.array(inputs.clients, dtype=object)
    kc = np.array(k_codes, dtype=object)
    held = st.line_lots > 0
    li = np.flatnonzero(held)
    settle_milli = inputs.settle_fen * 10
    prior_milli = inputs.prior_settle_fen * 10
    lk = st.line_contract[li]
    positions = pd.DataFrame(
        {
            "client": client_codes[st.line_client[li]],
            "day": [day] * li.size,
            "exchange": "DCE",
            "contract": kc[lk],
            "side": st.line_side[li],
            "hedge": st.line_hedge[li],
            "lots": st.line_lots[li],
            "today_lots": st.line_today_lots[li],
            "open_cost_milli": st.line_open_price_fen[li] * 10 * st.line_lots[li],
            "prev_settle_milli": prior_milli[lk],
            "settle_milli": settle_milli[lk],
            "mtm_fen": st.line_position_pnl_fen[li],
            "margin_fen": st.line_client_margin_fen[li],
        }
    )
    warnings += _check_stored_lines(session, day, inputs.clients, k_codes, st, li)
    tr_pnl = st.trade_pnl_fen
    trades = pd.DataFrame(
        {
            "client": client_codes[inputs.tr_client],
            "day": [day] * inputs.tr_client.size,
            "trade_no": np.array(inputs.tr_no, dtype=object),
            "contract": kc[inputs.tr_contract],
            "side": inputs.tr_side,
            "action": inputs.tr_action,
            "hedge": inputs.tr_hedge,
            "price_milli": inputs.tr_price_fen * 10,
            "lots": inputs.tr_lots,
            "fee_fen": inputs.tr_fee_fen,
            "pnl_fen": tr_pnl,
        }
    )
    pc = st.close_pieces
    t = pc.trade
    pk = inputs.tr_contract[t]
    closed = pd.DataFrame(
        {
            "client": client_codes[inputs.tr_client[t]],
            "day": [day] * t.size,
            "contract": kc[pk],
            "side": inputs.tr_side[t],
            "hedge": inputs.tr_hedge[t],
            "today": ~pc.historic,
            "close_milli": inputs.tr_price_fen[t] * 10,
            "lots": pc.lots,
            "open_cost_milli": np.where(pc.historic, -1, pc.basis_fen * 10 * pc.lots),
            "prev_settle_milli": prior_milli[pk],
            "pnl_fen": pc.pnl_fen,
        }
    )
    fm = inputs.fm_client >= 0
    deposits = pd.DataFrame(
        {
            "client": client_codes[inputs.fm_client[fm]],
            "day": [day] * int(fm.sum()),
            "on": [day] * int(fm.sum()),
            "kind": np.where(inputs.fm_deposit[fm], "deposit", "withdrawal").astype(object),
            "amount_fen": inputs.fm_amount_fen[fm],
        }
    )
    frames = _frames(summary, positions, closed, trades, deposits, day)
    names = rq.client_names(session, clients if len(clients) < 1000 else None)
    frames = StatementFrames(frames.tables, frames.statements, names)
    return RiskDeskDay(
        day,
        _with_statements(frames, clients, day),
        contracts,
        rq.firm_name(session),
        tuple(warnings),
    )


def _product_zh(code: str) -> str:
    product = default_products().get(code)
    return product.name_zh if product else code


def _frames(
    summary: pd.DataFrame,
    positions: pd.DataFrame | None,
    closed: pd.DataFrame | None,
    trades: pd.DataFrame | None,
    deposits: pd.DataFrame | None,
    day: date,
) -> StatementFrames:
    empty = StatementFrames.empty().tables
    tables = dict(empty)
    tables["summary"] = summary
    for name, df in (
        ("positions", positions),
        ("closed", closed),
        ("trades", trades),
        ("deposits", deposits),
    ):
        if df is not None:
            tables[name] = df
    return StatementFrames(tables)


def _with_statements(frames: StatementFrames, clients: list[str], day: date) -> StatementFrames:
    return StatementFrames(
        frames.tables, tuple((c, day, "RiskDesk") for c in clients), dict(frames.names)
    )


def _check_stored_lines(
    session: Session,
    day: date,
    clients: list[str],
    contracts: list[str],
    st: object,
    li: np.ndarray,
) -> list[str]:
    """Lines recomputed from D's inputs against the positions stored for D."""
    from core.rules.daily_settlement import DaySettlement

    assert isinstance(st, DaySettlement)
    book = day_book(session, day)
    c_map = np.searchsorted(np.array(book.clients, dtype=object), np.array(clients, dtype=object))
    k_map = np.searchsorted(
        np.array(book.contracts, dtype=object), np.array(contracts, dtype=object)
    )
    key_r = (
        (c_map[st.line_client[li]] * len(book.contracts) + k_map[st.line_contract[li]]) * 4
        + st.line_side[li] * 2
        + st.line_hedge[li].astype(np.int64)
    )
    key_s = (
        (book.client * len(book.contracts) + book.contract) * 4
        + book.side * 2
        + book.hedge.astype(np.int64)
    )
    o_r, o_s = np.argsort(key_r, kind="stable"), np.argsort(key_s, kind="stable")
    same = key_r.size == key_s.size and bool((key_r[o_r] == key_s[o_s]).all())
    if same:
        for a, b in (
            (st.line_lots[li][o_r], book.lots[o_s]),
            (st.line_open_price_fen[li][o_r], book.open_price_fen[o_s]),
            (st.line_margin_fen[li][o_r], book.margin_fen[o_s]),
        ):
            same = same and bool((a == b).all())
    if same:
        return []
    return [
        f"{day.isoformat()}: the positions stored by the settlement differ from a "
        "settlement of the stored inputs (an input changed after it): settle the day "
        "again before trusting the line differences"
    ]


# --------------------------------------------------------------------- reading files
def read_statement_files(
    paths: Sequence[Path], *, processes: int | None = None, progress: ProgressState | None = None
) -> StatementFrames:
    """Every statement of ``paths`` (kind by suffix: .xls/.xlsx CFMMC, .csv member, else
    CTP text). Large text files are split at statement boundaries and read by one
    process per core (``processes``, default the machine's cores)."""
    for p in paths:
        if not p.is_file():
            raise InputError(f"{p}: no such file", source=str(p), field="file")
    text = [p for p in paths if p.suffix.lower() not in (".xls", ".xlsx", ".csv")]
    other = [p for p in paths if p not in text]
    parts: list[StatementFrames] = []
    for p in other:
        parts.append(_read_other(p))
    total = sum(p.stat().st_size for p in text)
    n = processes if processes is not None else cpu_parts()
    jobs: list[tuple[Path, int, int, int]] = []
    for p in text:
        share = (
            max(1, round(n * p.stat().st_size / total)) if total > PARALLEL_BYTES and n > 1 else 1
        )
        jobs += [(p, a, b, line) for a, b, line in split_points(p, share)]
    if progress is not None:
        progress.report("read", 0, len(jobs))
    if total > PARALLEL_BYTES and n > 1 and len(jobs) > 1:
        ctx = multiprocessing.get_context("spawn")  # never fork a threaded (Qt) process
        with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
            futures: list[Future[StatementFrames]] = [pool.submit(_read_part, *j) for j in jobs]
            for i, f in enumerate(futures):
                parts.append(f.result())
                if progress is not None:
                    progress.report("read", i + 1, len(jobs))
    else:
        for i, j in enumerate(jobs):
            parts.append(_read_part(*j))
            if progress is not None:
                progress.report("read", i + 1, len(jobs))
    return StatementFrames.concat(parts)


def _read_part(path: Path, start: int, end: int, line: int) -> StatementFrames:
    return read_ctp_file(path, start=start, end=end, first_line=line).frames()


def _read_other(path: Path) -> StatementFrames:
    # Not built yet (issue #15): no public CFMMC sample to build the reader against, and
    # the member CSV layout is still to be defined. Refused by name rather than misread.
    what = "member settlement CSV" if path.suffix.lower() == ".csv" else "CFMMC .xls/.xlsx"
    raise InputError(
        f"{path.name}: {what} statements are not read yet; give CTP statement text",
        source=str(path),
        field="file",
    )


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --------------------------------------------------------------------- the run
@dataclass(frozen=True)
class ReconcileRun:
    """A reconciliation run: the differences, per-day summaries and what was read."""

    result: Reconciliation
    files: tuple[str, ...]
    statements_read: int
    warnings: tuple[str, ...] = ()
    names: dict[str, str] = field(default_factory=dict)

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(d.day for d in self.result.days)


def reconcile(
    db: Database,
    paths: Sequence[Path],
    *,
    day: date | None = None,
    user: str | None = None,
    progress: ProgressState | None = None,
    processes: int | None = None,
    params: DaySettlementParams | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> tuple[ReconcileRun, Changes]:
    """Reconcile the statements in ``paths`` with RiskDesk's settlement (module doc).

    ``day`` keeps only that day's statements (InputError if the files hold none); by
    default every day in the files is reconciled, each against its own settlement.
    The run's audit entry ``reconcile.run`` holds the files (name, SHA-256), the days
    and the counts. Runs on the caller's thread (a worker in the desktop).
    """
    if not paths:
        raise InputError("no statement file given", field="file")
    stage = on_stage or (lambda _s: None)
    stage("read")
    counter = read_statement_files(paths, processes=processes, progress=progress)
    if not counter.statements:
        raise InputError("the files hold no statement", field="file")
    days = counter.days()
    if day is not None:
        if day not in days:
            raise InputError(
                f"the files hold no statement of {day.isoformat()} (they cover "
                f"{', '.join(d.isoformat() for d in days)})",
                field="date",
            )
        counter = counter.only_day(day)
        days = (day,)
    results: list[Reconciliation] = []
    warnings: list[str] = []
    names: dict[str, str] = dict(counter.names)
    for i, d in enumerate(days):
        stage(f"compare {d.isoformat()}")
        if progress is not None:
            progress.report("compare", i, len(days))
        one = counter.only_day(d) if len(days) > 1 else counter
        with db.reader() as reader:
            side = riskdesk_side(reader, d, params)
            r_frames = side.frames
            rec = compare(one, r_frames)
            rec = classify(rec, one, r_frames, partial(rq.movements_between, reader.session), d)
        results.append(rec)
        warnings += side.warnings
    if progress is not None:
        progress.report("compare", len(days), len(days))
    merged = Reconciliation(
        pd.concat([r.differences for r in results], ignore_index=True)
        if results
        else Reconciliation(pd.DataFrame(), ()).differences,
        tuple(s for r in results for s in r.days),
        tuple(warnings),
    )
    run = ReconcileRun(
        merged,
        tuple(p.name for p in paths),
        len(counter.statements),
        tuple(warnings),
        names,
    )
    digests = {p.name: file_digest(p) for p in paths}
    detail = {
        "files": digests,
        "days": [d.isoformat() for d in days],
        "statements": len(counter.statements),
        "matched": sum(s.matched for s in merged.days),
        "differing": sum(s.differing for s in merged.days),
        "only_in_files": sum(s.only_counter for s in merged.days),
        "only_in_riskdesk": sum(s.only_riskdesk for s in merged.days),
        "differences": merged.total_differences,
    }

    def work(_session: Session) -> Written[ReconcileRun]:
        return Written(run, Changes.none(), detail)

    return write(db, AUDIT_ACTION, work, user=user, what="reconciliation record")


def write_riskdesk_statements(
    db: Database, day: date, path: Path, *, user: str | None = None
) -> tuple[int, Changes]:
    """RiskDesk's client statements of ``day`` in the CTP text layout (GBK) at ``path``,
    audited as ``export.ctp_statements``; the number written."""
    with db.reader() as reader:
        side = riskdesk_side(reader, day)
    try:
        n = write_ctp_file(side.frames, path, firm=side.firm, contracts=side.contracts)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}", field="out") from None

    def work(_session: Session) -> Written[int]:
        return Written(
            n,
            Changes.none(),
            {"kind": "ctp_statements", "rows": n, "file": path.name, "day": day.isoformat()},
        )

    try:
        return write(db, "export.ctp_statements", work, user=user)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------- the report
BREAK_COLUMNS = (
    "day",
    "client",
    "name",
    "section",
    "key",
    "field",
    "counter",
    "riskdesk",
    "difference",
    "cause",
    "cause_detail",
)
"""Columns of ``breaks_frame``: what the command line prints and exports, and what the
Reconciliation screen lists."""


def value_text(value: object, unit: str) -> str:
    """One compared value as the counter prints it: fen and milli-yuan as exact yuan
    strings (2 and 3 decimals), basis points as a percentage, lots and codes as they
    are; "" for a value on the other side only."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    if unit == "fen":
        return fen_to_str(int(value))  # type: ignore[call-overload]
    if unit == "milli":
        n = int(value)  # type: ignore[call-overload]
        sign = "-" if n < 0 else ""
        whole, milli = divmod(abs(n), 1000)
        return f"{sign}{whole}.{milli:03d}"
    if unit == "bp":
        return bp_to_str(int(value))  # type: ignore[call-overload]
    return str(value)


def breaks_frame(run: ReconcileRun) -> pd.DataFrame:
    """The run's differences as the report shows them (``BREAK_COLUMNS``; values as
    text in their unit, ``value_text``), ordered by day, client and section."""
    d = run.result.differences
    if not len(d):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in BREAK_COLUMNS})
    units = d["unit"].tolist()
    return pd.DataFrame(
        {
            "day": [x.isoformat() if isinstance(x, date) else str(x) for x in d["day"]],
            "client": d["client"].astype(str).tolist(),
            "name": [run.names.get(str(c), "") for c in d["client"]],
            "section": d["section"].tolist(),
            # a summary line's key is its field: shown once
            "key": [
                "" if s == "summary" else str(k)
                for s, k in zip(d["section"], d["key"], strict=True)
            ],
            "field": d["field"].tolist(),
            "counter": [value_text(v, u) for v, u in zip(d["counter"], units, strict=True)],
            "riskdesk": [value_text(v, u) for v, u in zip(d["riskdesk"], units, strict=True)],
            "difference": [value_text(v, u) for v, u in zip(d["difference"], units, strict=True)],
            "cause": d["cause"].fillna("").tolist(),
            "cause_detail": d["cause_detail"].fillna("").tolist(),
        },
        columns=list(BREAK_COLUMNS),
        dtype=object,
    )


def export_breaks(
    db: Database, run: ReconcileRun, path: Path, *, user: str | None = None
) -> tuple[Path, Changes]:
    """The run's differences written to ``path`` (.csv, .xlsx, .json, .pdf) through the
    one export door (audited as ``export.reconciliation_breaks``)."""
    return export_table(
        db,
        TableExport(
            "reconciliation_breaks",
            breaks_frame(run),
            title="Reconciliation breaks",
            notes=(run.result.summary_line(),),
            sheet="breaks",
        ),
        path,
        user=user,
    )
