"""Upsert of validated rows by natural key: plan (compare with stored rows), then write.

The stored rows an import may touch are read in one query per trading day of the file
(or per chunk of key values), matched to the file by natural key (factorised key
columns, an integer index lookup), and compared column by column. Only new rows are
inserted and only rows whose content differs are updated (executemany: Core INSERT, ORM
bulk UPDATE by primary key), so a re-import of the same file writes nothing and reports
every row as unchanged. The same code runs on SQLite and PostgreSQL; the table's unique
constraint guards against a concurrent writer (its transaction then fails and rolls
back). Dialect ON CONFLICT upserts were not used because the counts of new, changed and
unchanged rows need the comparison anyway, and unchanged rows are then not written.

Tables without such a constraint (delivery matches, EFP: ``Layout.unique_in_db``) may
hold a key twice, written by other means; a file row with such a key is refused rather
than updating one of them at random. A stored row that ``Layout.locked`` protects (an
allocated match) is refused too if the file would change it. Both come back as
``UpsertPlan.errors``, and the import then writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import Executable, Table, insert, select, update
from sqlalchemy.orm import Session

from core.db import revisions
from core.db.delivery_tables import DeliveryMatch
from core.db.tables import ClosingOrder, SettlementPrice, Trade
from core.errors import InputError
from core.imports.layouts import Layout
from core.imports.messages import Message, message
from core.imports.trading_codes import SideWrite, plan_trading_codes
from core.imports.validate import MAX_ERRORS, ProgressCallback, RowErrors, ValidRows, show
from core.imports.values import BEIJING
from core.money import fen_to_str

IN_CHUNK = 500
"""Values per ``IN (...)`` list (well under SQLite's and PostgreSQL's limits)."""
WHOLE_TABLE_ABOVE = 20_000
"""With more scope values than this, reading the whole table beats IN lists."""
WRITE_CHUNK = 10_000

ObjArray = npt.NDArray[np.object_]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class UpsertPlan:
    """What an import would write: whole new rows, and primary key + changed columns.

    ``errors`` (file rows the stored rows forbid to write) make the plan unusable.
    ``side_writes`` are rows of other tables written with these (a client's trading
    code); they are not counted.
    """

    layout: Layout
    inserts: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    unchanged: int
    errors: list[InputError] = field(default_factory=list)
    side_writes: tuple[SideWrite, ...] = ()


def checks_stored_rows(layout: Layout) -> bool:
    """Whether the stored rows can refuse a file row of ``layout`` (so a validation
    plans the upsert too): keys stored twice, locked rows, a trading code taken."""
    return (
        not layout.unique_in_db
        or layout.locked is not None
        or layout.kind in ("clients", "contracts")
    )


def _table(layout: Layout) -> Table:
    table = layout.table.__table__
    assert isinstance(table, Table)
    return table


def _load_existing(
    session: Session, layout: Layout, columns: list[str], scope_values: list[Any]
) -> dict[str, ObjArray]:
    """The stored rows whose scope value (trading day or key) occurs in the file."""
    table = _table(layout)
    scope_name = layout.column(layout.scope).db
    scope_col = table.c[scope_name]
    parts: list[tuple[list[Any], Any]] = []  # (rows, scope value or None if selected)
    if layout.scope == "trading_day" and len(scope_values) <= WHOLE_TABLE_ABOVE:
        # One query per day, without the day column: converting a million dates back
        # from SQLite's text costs more than the query itself.
        others = [c for c in columns if c != scope_name]
        stmt = select(*(table.c[c] for c in others))
        for day in scope_values:
            parts.append((list(session.execute(stmt.where(scope_col == day)).all()), day))
        columns_read = others
    else:
        stmt = select(*(table.c[c] for c in columns))
        rows: list[Any] = []
        if len(scope_values) > WHOLE_TABLE_ABOVE:
            wanted = set(scope_values)
            scope_pos = columns.index(scope_name)
            rows = [r for r in session.execute(stmt).all() if r[scope_pos] in wanted]
        else:
            for start in range(0, len(scope_values), IN_CHUNK):
                chunk = scope_values[start : start + IN_CHUNK]
                rows.extend(session.execute(stmt.where(scope_col.in_(chunk))).all())
        parts.append((rows, None))
        columns_read = columns
    total = sum(len(rows) for rows, _ in parts)
    out = {name: np.empty(total, dtype=object) for name in columns}
    at = 0
    for rows, day in parts:
        if not rows:
            continue
        end = at + len(rows)
        for name, values in zip(columns_read, zip(*rows, strict=True), strict=True):
            out[name][at:end] = values
        if day is not None:
            out[scope_name][at:end] = [day] * len(rows)
        at = end
    return out


def _match(new: list[ObjArray], old: list[ObjArray]) -> IntArray:
    """For each new key, the position of the equal old key, or -1.

    Each key column is factorised over both sides at once, and the codes are combined
    into one int64 per row, so matching is an integer index lookup.
    """
    n = len(new[0])
    if not len(old[0]):
        return np.full(n, -1, dtype=np.int64)
    combined_new = np.zeros(n, dtype=np.int64)
    combined_old = np.zeros(len(old[0]), dtype=np.int64)
    for a, b in zip(new, old, strict=True):
        codes, uniques = pd.factorize(np.concatenate([a.astype(object), b.astype(object)]))
        radix = len(uniques) + 1
        combined_new = combined_new * radix + codes[:n]
        combined_old = combined_old * radix + codes[n:]
    if np.any(combined_old < 0) or np.any(combined_new < 0):  # int64 overflow: fall back
        old_index = pd.MultiIndex.from_arrays(old)
        return old_index.get_indexer(pd.MultiIndex.from_arrays(new)).astype(np.int64)
    return pd.Index(combined_old).get_indexer(pd.Index(combined_new)).astype(np.int64)


def _as_beijing(value: Any) -> Any:
    # SQLite returns the stored wall time without offset; imports store Beijing time.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=BEIJING)
    return value


def _stored_twice(old: dict[str, ObjArray], key: list[str]) -> dict[tuple[Any, ...], int]:
    """Keys the stored rows hold more than once, with their count; ``old`` keeps only the
    first row of each such key (so that matching stays a unique index lookup)."""
    index = pd.MultiIndex.from_arrays([old[k] for k in key])
    repeated = index.duplicated(keep="first")
    if not repeated.any():
        return {}
    counts = index.value_counts()
    twice: dict[tuple[Any, ...], int] = {
        k if isinstance(k, tuple) else (k,): int(n) for k, n in counts[counts > 1].items()
    }
    for name in list(old):
        old[name] = old[name][~repeated]
    return twice


def plan_upsert(
    session: Session,
    valid: ValidRows,
    progress: ProgressCallback | None = None,
    max_errors: int = MAX_ERRORS,
) -> UpsertPlan:
    """Compare the file's rows with the stored ones (read-only)."""
    layout = valid.layout
    table = _table(layout)
    frame = valid.frame
    n = len(frame)
    if progress is not None:
        progress("compare", 0, n)
    pk = [c.name for c in table.primary_key.columns]
    key = [layout.column(k).db for k in layout.key]
    compare = [c for c in frame.columns if c in valid.present and c not in key]
    locked = [layout.locked[0]] if layout.locked else []
    load = list(dict.fromkeys([*pk, *key, *compare, *locked]))
    scope_db = layout.column(layout.scope).db
    scope_values = list(pd.unique(frame[scope_db].to_numpy(dtype=object)))
    old = _load_existing(session, layout, load, scope_values)
    errors = RowErrors(valid.source, valid.rows, max_errors, layout.kind)
    twice: dict[tuple[Any, ...], int] = {}
    if not layout.unique_in_db and len(old[key[0]]):
        twice = _stored_twice(old, key)

    positions = _match([frame[k].to_numpy(dtype=object) for k in key], [old[k] for k in key])
    if twice:
        _refuse_stored_twice(valid, key, positions, old, twice, errors)
    matched = positions >= 0
    i_match = np.flatnonzero(matched)
    j_match = positions[matched]

    changed = np.zeros(len(i_match), dtype=bool)
    changed_by: dict[str, BoolArray] = {}
    for c in compare:
        new_vals = frame[c].to_numpy(dtype=object)[i_match]
        old_vals = old[c][j_match]
        if c == "traded_at":
            old_vals = np.array([_as_beijing(v) for v in old_vals], dtype=object)
        changed_by[c] = ~np.asarray(new_vals == old_vals, dtype=bool)
        changed |= changed_by[c]
    if layout.locked:
        is_locked = np.asarray(old[layout.locked[0]][j_match] == layout.locked[1], dtype=bool)
        _refuse_locked(valid, i_match, is_locked, changed_by, errors)

    side: tuple[SideWrite, ...] = ()
    if layout.kind == "clients":
        side = (plan_trading_codes(session, valid, errors),)
    if layout.kind == "contracts" and "tick_fen" in changed_by:
        _refuse_ticks_off_stored_prices(session, valid, i_match[changed_by["tick_fen"]], errors)

    columns = {c: frame[c].to_numpy() for c in frame.columns}
    upd_i = i_match[changed]
    update_columns = {c: columns[c][upd_i] for c in compare}
    for c in pk:
        update_columns[c] = old[c][j_match[changed]]
    if progress is not None:
        progress("compare", n, n)
    return UpsertPlan(
        layout=layout,
        inserts=_records({c: v[~matched] for c, v in columns.items()}),
        updates=_records(update_columns),
        unchanged=int(len(i_match) - changed.sum()),
        errors=errors.result(),
        side_writes=side,
    )


def _field(valid: ValidRows, name: str) -> tuple[str, int]:
    """The file's header of layout column ``name`` (its name if absent) and its order."""
    layout = valid.layout
    return valid.headers.get(name, name), layout.columns.index(layout.column(name))


def _refuse_stored_twice(
    valid: ValidRows,
    key: list[str],
    positions: IntArray,
    old: dict[str, ObjArray],
    twice: dict[tuple[Any, ...], int],
    errors: RowErrors,
) -> None:
    """File rows whose key the table holds more than once (reported on the key)."""
    counts = np.zeros(len(positions), dtype=np.int64)
    for i in np.flatnonzero(positions >= 0):
        j = int(positions[i])
        counts[i] = twice.get(tuple(old[k][j] for k in key), 0)
    names = valid.layout.key
    headers = tuple(valid.headers.get(name, name) for name in names)
    order = valid.layout.columns.index(valid.layout.column(names[-1]))

    def stored_twice(i: int) -> Message:
        return message("stored_key_twice", count=int(counts[i]))

    errors.add(counts > 1, order, "+".join(headers), stored_twice, names, headers)
    positions[counts > 1] = -1  # neither inserted nor updated: the plan has errors


def _refuse_locked(
    valid: ValidRows,
    i_match: IntArray,
    is_locked: BoolArray,
    changed_by: dict[str, BoolArray],
    errors: RowErrors,
) -> None:
    """Changes to locked stored rows, reported on each changed column (a computed one
    on the row's day)."""
    layout = valid.layout
    by_db = {c.db: c.name for c in layout.columns}
    n = len(valid.frame)
    for db, changed in changed_by.items():
        mask = np.zeros(n, dtype=bool)
        mask[i_match[is_locked & changed]] = True
        if not mask.any():
            continue
        name = by_db.get(db, layout.day)
        header, order = _field(valid, name)
        values = valid.frame[db].to_numpy(dtype=object)
        money = db.endswith("_fen")

        def locked(i: int, values: ObjArray = values, money: bool = money) -> Message:
            value = values[i]
            shown = fen_to_str(int(value)) if money else show(value)
            return message("allocated_match", value=shown)

        errors.add(mask, order, header, locked, (name,))


def _stored_prices(session: Session, codes: list[str]) -> dict[str, list[tuple[str, int]]]:
    """Distinct stored prices of ``codes`` that must lie on the tick: settlement and limit
    prices, trade, closing-order and delivery prices (average open prices need not);
    contract → [(what, fen)]."""
    out: dict[str, list[tuple[str, int]]] = {}
    columns = (
        ("settlement price", SettlementPrice.contract_code, SettlementPrice.settlement_fen),
        ("upper limit", SettlementPrice.contract_code, SettlementPrice.upper_limit_fen),
        ("lower limit", SettlementPrice.contract_code, SettlementPrice.lower_limit_fen),
        ("trade price", Trade.contract_code, Trade.price_fen),
        ("closing order price", ClosingOrder.contract_code, ClosingOrder.price_fen),
        ("delivery price", DeliveryMatch.contract_code, DeliveryMatch.price_fen),
    )
    for start in range(0, len(codes), IN_CHUNK):
        chunk = codes[start : start + IN_CHUNK]
        for what, code_col, price_col in columns:
            stmt = select(code_col, price_col).where(code_col.in_(chunk)).distinct()
            for code, fen in session.execute(stmt):
                if fen is not None:
                    out.setdefault(str(code), []).append((what, int(fen)))
    return out


def _refuse_ticks_off_stored_prices(
    session: Session, valid: ValidRows, rows: IntArray, errors: RowErrors
) -> None:
    """A changed tick must keep every stored price of the contract on the tick (spec
    Q22: a tick changed by notice applies to the contract's prices from then on)."""
    frame = valid.frame
    codes = frame["code"].to_numpy(dtype=object)
    ticks = frame["tick_fen"].to_numpy(dtype=object)
    stored = _stored_prices(session, sorted({str(codes[i]) for i in rows.tolist()}))
    off: dict[int, tuple[int, str, int]] = {}
    for i in rows.tolist():
        tick = int(ticks[i])
        bad = [(what, fen) for what, fen in stored.get(str(codes[i]), []) if fen % tick]
        if bad:
            what, fen = min(bad, key=lambda b: (b[1], b[0]))
            off[i] = (len(bad), what, fen)
    mask = np.zeros(len(frame), dtype=bool)
    mask[list(off)] = True
    header, order = _field(valid, "tick")

    def off_tick(i: int) -> Message:
        count, what, fen = off[i]
        return message(
            "tick_leaves_prices_off",
            tick=fen_to_str(int(ticks[i])),
            count=count,
            contract=codes[i],
            price_kind=what,
            price=fen_to_str(fen),
            value=fen_to_str(int(ticks[i])),
        )

    errors.add(mask, order, header, off_tick, ("tick",))


def _records(columns: dict[str, Any]) -> list[dict[str, Any]]:
    """Row dicts with plain Python values (``tolist`` unboxes numpy ints and bools)."""
    names = list(columns)
    values = [np.asarray(columns[name]).tolist() for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def apply_upsert(
    session: Session, plan: UpsertPlan, progress: ProgressCallback | None = None
) -> None:
    """Write the plan in the caller's transaction (bulk INSERT, bulk UPDATE by key)."""
    model = plan.layout.table
    total = len(plan.inserts) + len(plan.updates)
    done = 0
    # Core INSERT (executemany) is ~40% faster than the ORM bulk path; updates use the
    # ORM's bulk UPDATE by primary key.
    steps: tuple[tuple[list[dict[str, Any]], Executable], ...] = (
        (plan.inserts, insert(_table(plan.layout))),
        (plan.updates, update(model)),
    )
    for rows, stmt in steps:
        for start in range(0, len(rows), WRITE_CHUNK):
            if progress is not None:
                progress("write", done, total)
            chunk = rows[start : start + WRITE_CHUNK]
            session.execute(stmt, chunk)
            done += len(chunk)
    for side in plan.side_writes:
        side_table = side.model.__table__
        assert isinstance(side_table, Table)
        for start in range(0, len(side.inserts), WRITE_CHUNK):
            session.execute(insert(side_table), side.inserts[start : start + WRITE_CHUNK])
        for start in range(0, len(side.updates), WRITE_CHUNK):
            session.execute(update(side.model), side.updates[start : start + WRITE_CHUNK])
        if side.inserts or side.updates:
            revisions.bump(session, side_table.name)
    if progress is not None:
        progress("write", total, total)
    if total:
        revisions.bump(session, _table(plan.layout).name)  # stale caches of this table
