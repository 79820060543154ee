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
from collections.abc import Callable, Collection, Mapping, Sequence
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
from core.money import bp_to_str, fen_to_str, format_yuan
from core.progress import ProgressState
from core.reconcile.causes import classify
from core.reconcile.cfmmc_writer import write_cfmmc_files
from core.reconcile.compare import Reconciliation, compare
from core.reconcile.ctp_text import COMPACT_ROWS, cpu_parts, read_ctp_file, split_points
from core.reconcile.ctp_writer import ContractInfo, write_ctp_file
from core.reconcile.formats import Format, detect_format, read_file
from core.reconcile.member_csv import write_member_csv
from core.reconcile.statements import (
    MEMBER_ITEMS,
    MEMBER_PREFIX,
    StatementFrames,
    StatementRows,
    member_line_field,
)
from core.reference.products import default_products
from core.rules.daily_settlement import (
    DaySettlement,
    DaySettlementParams,
    SettlementRefusedError,
    settle_day,
)
from core.rules.day_inputs import DayInputs
from core.rules.risk_levels import RISK_RATIO_UNBOUNDED_PPM, default_risk_levels
from core.services.exports import TableExport, export_table
from core.services.store import Database, Reader, Written, write
from core.trading_calendar import default_calendar

AUDIT_ACTION = "reconcile.run"
PARALLEL_BYTES = 64 << 20
"""Text files larger than this (together) are read by one process per core."""


# --------------------------------------------------------------------- RiskDesk's side
class Caveat(str):
    """A run's warning: its English text (what the command line prints and tests read)
    that also carries a ``key`` and the ``values`` in it, so a screen can say it in the
    user's language (``CAVEATS``)."""

    key: str
    values: tuple[str, ...]

    def __new__(cls, key: str, *values: str) -> Caveat:
        text = CAVEATS[key]
        for i, value in enumerate(values, start=1):
            text = text.replace(f"%{i}", value)
        made = super().__new__(cls, text)
        made.key, made.values = key, values
        return made


CAVEATS = {
    "not_compared": "%1: lines, fills and closes are not compared: the settlement cannot be "
    "recomputed from the stored inputs (%2)",
    "lines_differ": "%1: the positions stored by the settlement differ from a settlement of "
    "the stored inputs (an input changed after it): settle the day again before trusting "
    "the line differences",
    "member_differs": "%1: member %2's stored reserve, margin or offset differ from a "
    "settlement of the stored inputs: settle the day again before trusting the member "
    "differences",
}
"""The English text of each ``Caveat`` (%1, %2: its values)."""


@dataclass(frozen=True)
class RiskDeskDay:
    """RiskDesk's statements of one day, in the statement model, and what to tell."""

    day: date
    frames: StatementFrames
    contracts: dict[str, ContractInfo]
    firm: str
    warnings: tuple[str, ...] = ()


def riskdesk_side(
    reader: Reader,
    day: date,
    params: DaySettlementParams | None = None,
    *,
    members: bool = True,
) -> RiskDeskDay:
    """RiskDesk's settlement of ``day`` as statements (module doc), with the members'
    statements unless ``members`` is false. InputError when the day is not settled."""
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
    # 当日盈亏 of a CFMMC mark-to-market statement: the statement identity's close +
    # position P&L, both stored figures
    put("daily_pnl", (v["close_pnl_fen"] + v["position_pnl_fen"]).tolist())
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
        warnings.append(Caveat("not_compared", day.isoformat(), str(exc)))
        frames = _frames(summary, None, None, None, None, day)
        member_rows, m_warn = _member_side(session, inputs, None, day, members)
        return RiskDeskDay(
            day,
            _with_statements(frames, clients, day, member_rows),
            contracts,
            rq.firm_name(session),
            (*warnings, *m_warn),
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
    names.update(rq.member_names(session))
    frames = StatementFrames(frames.tables, frames.statements, names)
    member_rows, m_warn = _member_side(session, inputs, st, day, members)
    return RiskDeskDay(
        day,
        _with_statements(frames, clients, day, member_rows),
        contracts,
        rq.firm_name(session),
        (*warnings, *m_warn),
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


def _with_statements(
    frames: StatementFrames, clients: list[str], day: date, members: pd.DataFrame
) -> StatementFrames:
    tables = dict(frames.tables)
    tables["members"] = members
    codes = sorted({str(m) for m in members["member"].tolist()}) if len(members) else []
    statements = tuple((c, day, "RiskDesk") for c in clients) + tuple(
        (MEMBER_PREFIX + m, day, "RiskDesk") for m in codes
    )
    return StatementFrames(tables, statements, dict(frames.names))


def _member_side(
    session: Session, inputs: DayInputs, st: DaySettlement | None, day: date, wanted: bool
) -> tuple[pd.DataFrame, list[str]]:
    """Each member's statement of ``day`` as ``members`` rows: the account figures the
    settlement stored (``reserve_history``; the prior day's as the settlement read them),
    the minimum reserve, other items and interest base of the member statement rule
    (``core.rules.settlement.member_settlement``, as the settlement computed it), and
    per line (contract, side, flag) the lots and exchange margin of the members'
    clients' lines (Σ = the member's margin, spec 2.d). None unless ``wanted``."""
    stored = rq.stored_reserves(session, day) if wanted else {}
    settled = {m.member_code: m for m in st.members} if st is not None else {}
    cols: dict[str, list[object]] = {"member": [], "day": [], "field": [], "value": []}
    warnings: list[str] = []

    def put(member: str, fld: str, value: int) -> None:
        cols["member"].append(member)
        cols["day"].append(day)
        cols["field"].append(fld)
        cols["value"].append(int(value))

    min_reserve = dict(zip(inputs.members, inputs.member_min_reserve_fen.tolist(), strict=True))
    for code in sorted(stored):
        row = stored[code]
        prior = inputs.prior_reserve.get(code)
        ms = settled.get(code)
        figures: dict[str, int] = {
            "prior_reserve": prior.reserve_fen if prior else 0,
            "prior_margin": prior.margin_fen if prior else 0,
            "prior_offset": prior.offset_fen if prior else 0,
            "min_reserve": ms.min_reserve_fen if ms else int(min_reserve.get(code, 0)),
        }
        for fld in MEMBER_ITEMS:
            if f"{fld}_fen" in row:
                figures[fld] = row[f"{fld}_fen"]
        if ms is not None:
            figures["other"] = ms.other_fen
            figures["interest_base"] = ms.interest_base_fen
            if (ms.reserve_fen, ms.margin_fen, ms.offset_fen) != (
                row["reserve_fen"],
                row["margin_fen"],
                row["offset_fen"],
            ):
                warnings.append(Caveat("member_differs", day.isoformat(), str(code)))
        for fld in MEMBER_ITEMS:
            if fld in figures:
                put(code, fld, figures[fld])
    if st is not None and stored:
        held = st.line_lots > 0
        li = np.flatnonzero(held)
        member_of = np.asarray(inputs.client_member, dtype=np.int64)[st.line_client[li]]
        lines = pd.DataFrame(
            {
                "member": np.array(inputs.members, dtype=object)[member_of],
                "contract": np.array([c.code for c in inputs.contracts], dtype=object)[
                    st.line_contract[li]
                ],
                "side": st.line_side[li],
                "hedge": st.line_hedge[li],
                "lots": st.line_lots[li],
                "margin": st.line_margin_fen[li],
            }
        )
        lines = lines[lines["member"].isin(list(stored))]
        sums = lines.groupby(["member", "contract", "side", "hedge"], sort=True)[
            ["lots", "margin"]
        ].sum()
        for (member, contract, side, hedge), lots, margin in zip(
            sums.index.tolist(), sums["lots"].tolist(), sums["margin"].tolist(), strict=True
        ):
            put(str(member), member_line_field("lots", str(contract), int(side), bool(hedge)), lots)
            put(
                str(member),
                member_line_field("margin", str(contract), int(side), bool(hedge)),
                margin,
            )
    frame = pd.DataFrame(cols)
    frame["value"] = frame["value"].astype("int64")
    return frame, warnings


def _check_stored_lines(
    session: Session,
    day: date,
    clients: list[str],
    contracts: list[str],
    st: object,
    li: np.ndarray,
) -> list[str]:
    """Lines recomputed from D's inputs against the positions stored for D."""
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
    return [Caveat("lines_differ", day.isoformat())]


# --------------------------------------------------------------------- reading files
CFMMC_FILES_PER_JOB = 250
"""CFMMC workbooks read per job (one client each): a job's rows are one frame."""


def statement_paths(paths: Sequence[Path]) -> list[Path]:
    """``paths`` with each folder replaced by the files in it (name order, hidden files
    left out): a folder of CFMMC downloads is one argument, not 100,000."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith("."))
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(f"{p}: no such file", source=str(p), field="file")
    return out


def read_statement_files(
    paths: Sequence[Path],
    *,
    processes: int | None = None,
    progress: ProgressState | None = None,
    contracts: Collection[str] | None = None,
    formats: Mapping[Path, Format] | None = None,
) -> StatementFrames:
    """Every statement of ``paths``, each file's format told by its content
    (``core.reconcile.formats``: CTP text, CFMMC workbook, member CSV). Large text files
    are split at statement boundaries and many CFMMC workbooks grouped into jobs, read by
    one process per core (``processes``, default the machine's cores). ``contracts``:
    the contract codes RiskDesk knows (lines of others refused, ``formats.read_file``)."""
    for p in paths:
        if not p.is_file():
            raise InputError(f"{p}: no such file", source=str(p), field="file")
    kinds = {p: (formats or {}).get(p) or detect_format(p) for p in paths}
    text = [p for p in paths if kinds[p] == "ctp"]
    books = [p for p in paths if kinds[p] == "cfmmc"]
    total = sum(p.stat().st_size for p in text)
    n = processes if processes is not None else cpu_parts()
    jobs: list[_Job] = [("member", (p,), 0, 0, 1) for p in paths if kinds[p] == "member"]
    for p in text:
        share = (
            max(1, round(n * p.stat().st_size / total)) if total > PARALLEL_BYTES and n > 1 else 1
        )
        jobs += [("ctp", (p,), a, b, line) for a, b, line in split_points(p, share)]
    for i in range(0, len(books), CFMMC_FILES_PER_JOB):
        jobs.append(("cfmmc", tuple(books[i : i + CFMMC_FILES_PER_JOB]), 0, 0, 1))
    if progress is not None:
        progress.report("read", 0, len(jobs))
    parts: list[StatementFrames] = []
    parallel = (
        n > 1 and len(jobs) > 1 and (total > PARALLEL_BYTES or len(books) > 2 * CFMMC_FILES_PER_JOB)
    )
    if parallel:
        ctx = multiprocessing.get_context("spawn")  # never fork a threaded (Qt) process
        with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
            futures: list[Future[StatementFrames]] = [
                pool.submit(_read_job, j, contracts) for j in jobs
            ]
            for i, f in enumerate(futures):
                parts.append(f.result())
                if progress is not None:
                    progress.report("read", i + 1, len(jobs))
    else:
        for i, j in enumerate(jobs):
            parts.append(_read_job(j, contracts))
            if progress is not None:
                progress.report("read", i + 1, len(jobs))
    return StatementFrames.concat(parts)


_Job = tuple[str, tuple[Path, ...], int, int, int]
"""(format, files, first byte, end byte, first line): the byte range of a text file."""


def _read_job(job: _Job, contracts: Collection[str] | None) -> StatementFrames:
    kind, files, start, end, line = job
    if kind == "ctp":
        return read_ctp_file(files[0], start=start, end=end, first_line=line).frames()
    rows = StatementRows()
    for path in files:
        read_file(path, "cfmmc" if kind == "cfmmc" else "member", rows, contracts=contracts)
        if rows.pending() > COMPACT_ROWS:
            rows.compact()
    return rows.frames()


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
    formats: dict[str, int] = field(default_factory=dict)
    """Files read per format (``core.reconcile.formats``: ctp, cfmmc, member)."""
    members: tuple[str, ...] = ()
    """Members whose statements the files hold (compared with RiskDesk's)."""

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
    """Reconcile the statements in ``paths`` (files, or folders of files) with RiskDesk's
    settlement (module doc).

    ``day`` keeps only that day's statements (InputError if the files hold none); by
    default every day in the files is reconciled, each against its own settlement.
    Which of RiskDesk's statements take part: with counter (CTP) text, every client of
    the day (a counter's file is its whole book: a client missing from it is a break);
    otherwise only the clients and members the files hold (a CFMMC workbook is one
    client's, a member CSV one member's). The run's audit entry ``reconcile.run`` holds
    the files (name, SHA-256), the days and the counts. Runs on the caller's thread (a
    worker in the desktop).
    """
    paths = statement_paths(paths)
    if not paths:
        raise InputError("no statement file given", field="file")
    stage = on_stage or (lambda _s: None)
    stage("read")
    kinds = {p: detect_format(p) for p in paths}
    with db.reader() as reader:
        known = rq.contract_codes(reader.session)
    counter = read_statement_files(
        paths, processes=processes, progress=progress, contracts=known, formats=kinds
    )
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
    whole_book = "ctp" in kinds.values()
    with_members = any(c.startswith(MEMBER_PREFIX) for c, _d, _s in counter.statements)
    results: list[Reconciliation] = []
    warnings: list[str] = []
    names: dict[str, str] = dict(counter.names)
    for i, d in enumerate(days):
        stage(f"compare {d.isoformat()}")
        if progress is not None:
            progress.report("compare", i, len(days))
        one = counter.only_day(d) if len(days) > 1 else counter
        with db.reader() as reader:
            side = riskdesk_side(reader, d, params, members=with_members)
            r_frames = _in_scope(side.frames, one, whole_book)
            rec = compare(one, r_frames)
            rec = classify(rec, one, r_frames, partial(rq.movements_between, reader.session), d)
        for code, name in side.frames.names.items():
            names.setdefault(code, name)
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
    formats: dict[str, int] = {}
    for k in kinds.values():
        formats[k] = formats.get(k, 0) + 1
    run = ReconcileRun(
        merged,
        tuple(p.name for p in paths),
        len(counter.statements),
        tuple(warnings),
        names,
        formats,
        tuple(
            sorted(
                {
                    c[len(MEMBER_PREFIX) :]
                    for c, _d, _s in counter.statements
                    if c.startswith(MEMBER_PREFIX)
                }
            )
        ),
    )
    detail = {
        "files": _file_digests(paths),
        "formats": formats,
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


AUDIT_FILES = 200
"""Files listed one by one in a run's audit entry; more are one count and one digest."""


def _file_digests(paths: Sequence[Path]) -> dict[str, object]:
    """Each file's SHA-256 by name, or for many files (a folder of CFMMC workbooks)
    their count and the SHA-256 of their "name digest" lines in name order."""
    digests = {p.name: file_digest(p) for p in paths}
    if len(digests) <= AUDIT_FILES:
        return dict(digests)
    h = hashlib.sha256()
    for name in sorted(digests):
        h.update(f"{name} {digests[name]}\n".encode())
    return {"count": len(digests), "sha256_of_digests": h.hexdigest()}


def _in_scope(
    riskdesk: StatementFrames, counter: StatementFrames, whole_book: bool
) -> StatementFrames:
    """RiskDesk's statements that take part (``reconcile``): those the files hold, and
    with a counter's whole book every client's."""
    held = {(c, d) for c, d, _s in counter.statements}
    keep = tuple(
        s
        for s in riskdesk.statements
        if (s[0], s[1]) in held or (whole_book and not s[0].startswith(MEMBER_PREFIX))
    )
    return StatementFrames(riskdesk.tables, keep, riskdesk.names)


def write_riskdesk_statements(
    db: Database, day: date, path: Path, *, user: str | None = None
) -> tuple[int, Changes]:
    """RiskDesk's client statements of ``day`` in the CTP text layout (GBK) at ``path``,
    audited as ``export.ctp_statements``; the number written."""
    with db.reader() as reader:
        side = riskdesk_side(reader, day, members=False)
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


def write_cfmmc_statements(
    db: Database,
    day: date,
    folder: Path,
    *,
    clients: Sequence[str] | None = None,
    user: str | None = None,
    progress: ProgressState | None = None,
) -> tuple[list[Path], Changes]:
    """RiskDesk's client statements of ``day`` in the CFMMC daily statement layout, one
    workbook per client (``<client>_<day>.xls``) in ``folder`` (every client, or those of
    ``clients``), audited as ``export.cfmmc_statements``; the files written."""
    with db.reader() as reader:
        side = riskdesk_side(reader, day, members=False)
    frames = side.frames
    wanted = set(clients) if clients is not None else None
    statements = tuple(
        s
        for s in frames.statements
        if not s[0].startswith(MEMBER_PREFIX) and (wanted is None or s[0] in wanted)
    )
    if wanted is not None:
        unknown = sorted(wanted - {s[0] for s in statements})
        if unknown:
            raise InputError(
                f"no settled client {', '.join(unknown[:5])} on {day.isoformat()}",
                field="client",
            )
    frames = StatementFrames(frames.tables, statements, frames.names)

    def report(done: int, total: int) -> None:
        if progress is not None:
            progress.report("write", done, total)

    try:
        written = write_cfmmc_files(
            frames, folder, firm=side.firm, contracts=side.contracts, progress=report
        )
    except OSError as exc:
        raise InputError(f"{folder}: cannot write: {exc.strerror or exc}", field="out") from None

    def work(_session: Session) -> Written[list[Path]]:
        return Written(
            written,
            Changes.none(),
            {
                "kind": "cfmmc_statements",
                "rows": len(written),
                "folder": str(folder),
                "day": day.isoformat(),
            },
        )

    try:
        return write(db, "export.cfmmc_statements", work, user=user)
    except BaseException:
        for f in written:
            f.unlink(missing_ok=True)
        raise


def write_member_statements(
    db: Database, day: date, path: Path, *, user: str | None = None
) -> tuple[int, Changes]:
    """RiskDesk's member settlement of ``day`` (every member) in the member CSV layout
    at ``path``, audited as ``export.member_statements``; the rows written."""
    with db.reader() as reader:
        side = riskdesk_side(reader, day)
    if not len(side.frames["members"]):
        raise InputError(f"RiskDesk has no member settlement of {day.isoformat()}", field="date")
    try:
        n = write_member_csv(side.frames, path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}", field="out") from None

    def work(_session: Session) -> Written[int]:
        return Written(
            n,
            Changes.none(),
            {"kind": "member_statements", "rows": n, "file": path.name, "day": day.isoformat()},
        )

    try:
        return write(db, "export.member_statements", work, user=user)
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


def value_text(value: object, unit: str, *, readable: bool = False) -> str:
    """One compared value as the counter prints it: fen and milli-yuan as exact yuan
    strings (2 and 3 decimals), basis points as a percentage, lots and codes as they
    are; "" for a value on the other side only. ``readable``: amounts, prices and lots
    with thousands separators (``51,966,316.81``), as RiskDesk shows money on screen."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    if unit == "fen":
        n = int(value)  # type: ignore[call-overload]
        return format_yuan(n) if readable else fen_to_str(n)
    if unit == "milli":
        n = int(value)  # type: ignore[call-overload]
        sign = "-" if n < 0 else ""
        whole, milli = divmod(abs(n), 1000)
        return f"{sign}{whole:,}.{milli:03d}" if readable else f"{sign}{whole}.{milli:03d}"
    if unit == "bp":
        return bp_to_str(int(value))  # type: ignore[call-overload]
    if unit == "lots" and readable:
        return f"{int(value):,}"  # type: ignore[call-overload]
    return str(value)


RAW_SUFFIX = "_raw"
"""``breaks_frame(readable=True)`` keeps the printed text of each value in
``counter_raw``, ``riskdesk_raw`` and ``difference_raw``."""


def breaks_frame(run: ReconcileRun, *, readable: bool = False) -> pd.DataFrame:
    """The run's differences as the report shows them (``BREAK_COLUMNS``; values as
    text in their unit, ``value_text``), ordered by day, client and section. The
    command line and the export print the values as counters do (no separators);
    ``readable`` (the screen) shows them with separators and keeps the printed text in
    ``*_raw`` columns beside them."""
    d = run.result.differences
    if not len(d):
        cols = list(BREAK_COLUMNS)
        if readable:
            cols += [f"{c}{RAW_SUFFIX}" for c in ("counter", "riskdesk", "difference")]
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    units = d["unit"].tolist()

    def texts(col: str, nice: bool) -> list[str]:
        return [value_text(v, u, readable=nice) for v, u in zip(d[col], units, strict=True)]

    frame = pd.DataFrame(
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
            "counter": texts("counter", readable),
            "riskdesk": texts("riskdesk", readable),
            "difference": texts("difference", readable),
            "cause": d["cause"].fillna("").tolist(),
            "cause_detail": d["cause_detail"].fillna("").tolist(),
        },
        columns=list(BREAK_COLUMNS),
        dtype=object,
    )
    if readable:
        for col in ("counter", "riskdesk", "difference"):
            frame[f"{col}{RAW_SUFFIX}"] = texts(col, False)
    return frame


def export_breaks(
    db: Database,
    run: ReconcileRun,
    path: Path,
    *,
    user: str | None = None,
    words: Mapping[str, Sequence[str]] | None = None,
    labels: Mapping[str, str] | None = None,
    title: str = "Reconciliation breaks",
) -> tuple[Path, Changes]:
    """The run's differences written to ``path`` (.csv, .xlsx, .json, .pdf) through the
    one export door (audited as ``export.reconciliation_breaks``).

    By default the columns and words are the machine-readable keys the command line
    prints (``fees``, ``rounding``): what tools read. A front end exporting for people
    passes ``words`` (a column of ``BREAK_COLUMNS`` → its words per row, in the user's
    language: section, field, line, cause …) and ``labels`` (column → header); the
    values stay the statements' printed text either way.
    """
    frame = breaks_frame(run)
    for col, values in (words or {}).items():
        if col not in BREAK_COLUMNS or len(values) != len(frame):
            raise ValueError(f"words for {col!r}: not a column or not one per row")
        frame[col] = list(values)
    return export_table(
        db,
        TableExport(
            "reconciliation_breaks",
            frame,
            title=title,
            notes=(run.result.summary_line(),),
            labels=labels,
            sheet="breaks",
        ),
        path,
        user=user,
    )
