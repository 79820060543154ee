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

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import (
    Boolean,
    Executable,
    Integer,
    String,
    Table,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from core.db import revisions
from core.db.columnar import fetch_fast
from core.db.delivery_tables import DeliveryMatch
from core.db.driver_rows import write_rows
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
class ColumnRows:
    """New rows held column-wise (equal-length arrays by column name): a million row
    dicts would take ~700 MB; rows are built a chunk at a time as they are written."""

    columns: dict[str, npt.NDArray[Any]]

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def records(self, start: int, stop: int) -> list[dict[str, Any]]:
        """Rows ``start:stop`` as dicts of plain Python values."""
        return _records({c: v[start:stop] for c, v in self.columns.items()})


@dataclass(frozen=True)
class UpsertPlan:
    """What an import would write: whole new rows, and primary key + changed columns.

    ``errors`` (file rows the stored rows forbid to write) make the plan unusable.
    ``side_writes`` are rows of other tables written with these (a client's trading
    code); they are not counted.
    """

    layout: Layout
    inserts: ColumnRows
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
    # (columns of the rows read, their count, the scope value or None if selected)
    parts: list[tuple[list[Any], int, Any]] = []
    if layout.scope == "trading_day" and len(scope_values) <= WHOLE_TABLE_ABOVE:
        # One query per day, without the day column: converting a million dates back
        # from SQLite's text costs more than the query itself.
        others = [c for c in columns if c != scope_name]
        stmt = select(*(table.c[c] for c in others))
        kinds = _transport_kinds(table, others)
        for day in scope_values:
            day_stmt = stmt.where(scope_col == day)
            if kinds is None:
                parts.append((*_columns(list(session.execute(day_stmt).all()), others), day))
            else:  # keys only (ints and text): whole columns, no row objects
                found = fetch_fast(session, day_stmt, kinds)
                parts.append((found, len(found[0]) if found else 0, day))
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
        parts.append((*_columns(rows, columns), None))
        columns_read = columns
    total = sum(count for _, count, _ in parts)
    out = {name: np.empty(total, dtype=object) for name in columns}
    at = 0
    for values_read, count, day in parts:
        if not count:
            continue
        end = at + count
        for name, values in zip(columns_read, values_read, strict=True):
            # ints as Python ints, as the ORM returns them
            out[name][at:end] = values.tolist() if isinstance(values, np.ndarray) else values
        if day is not None:
            out[scope_name][at:end] = [day] * count
        at = end
    return out


def _columns(rows: list[Any], names: list[str]) -> tuple[list[Any], int]:
    """Rows as columns (one sequence per name) and their count."""
    if not rows:
        return [() for _ in names], 0
    return list(zip(*rows, strict=True)), len(rows)


def _transport_kinds(table: Table, columns: list[str]) -> list[str] | None:
    """``fetch_fast`` kinds of ``columns`` when each is a NOT NULL integer or text
    column (read raw, they equal what the ORM returns), else None."""
    kinds: list[str] = []
    for name in columns:
        column = table.c[name]
        if column.nullable:
            return None
        if isinstance(column.type, Integer) and not isinstance(column.type, Boolean):
            kinds.append("int")
        elif isinstance(column.type, String):
            kinds.append("str")
        else:
            return None
    return kinds


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
    # Keys first, the compared columns only for the rows the file matches: a file of
    # new rows on a day of 300,000 stored trades then reads two columns, not ten.
    load = list(dict.fromkeys([*pk, *key, *locked, *(compare if len(pk) > 1 else [])]))
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

    stored = _load_matched(session, layout, pk, old, j_match, compare, scope_values)
    changed = np.zeros(len(i_match), dtype=bool)
    changed_by: dict[str, BoolArray] = {}
    for c in compare:
        new_vals = frame[c].to_numpy(dtype=object)[i_match]
        old_vals = stored[c]
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
        inserts=ColumnRows({c: v[~matched] for c, v in columns.items()}),
        updates=_records(update_columns),
        unchanged=int(len(i_match) - changed.sum()),
        errors=errors.result(),
        side_writes=side,
    )


def _load_matched(
    session: Session,
    layout: Layout,
    pk: list[str],
    old: dict[str, ObjArray],
    j_match: IntArray,
    compare: list[str],
    scope_values: list[Any],
) -> dict[str, ObjArray]:
    """The ``compare`` columns of the stored rows ``j_match`` (positions in ``old``),
    in that order: by primary key in IN lists, or, for many rows, over the scope."""
    wanted = [c for c in compare if c not in old]
    out = {c: old[c][j_match] for c in compare if c in old}
    if not wanted:
        return out
    if not len(j_match):
        return {**out, **{c: np.empty(0, dtype=object) for c in wanted}}
    ids = old[pk[0]][j_match]
    if len(ids) > WHOLE_TABLE_ABOVE:
        rows = _load_existing(session, layout, [pk[0], *wanted], scope_values)
    else:
        table = _table(layout)
        pk_col = table.c[pk[0]]
        stmt = select(pk_col, *(table.c[c] for c in wanted))
        id_list = ids.tolist()
        fetched: list[Any] = []
        for start in range(0, len(id_list), IN_CHUNK):
            chunk = id_list[start : start + IN_CHUNK]
            fetched.extend(session.execute(stmt.where(pk_col.in_(chunk))).all())
        columns = list(zip(*fetched, strict=True)) if fetched else [()] * (1 + len(wanted))
        rows = {
            name: np.array(values, dtype=object)
            for name, values in zip([pk[0], *wanted], columns, strict=True)
        }
    at = pd.Index(rows[pk[0]]).get_indexer(pd.Index(ids))
    for c in wanted:
        out[c] = rows[c][at]
    return out


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
    table = _table(plan.layout)
    fast = _driver_insert(session, table, plan.inserts)
    with _sqlite_bulk(session, table, len(plan.inserts) if fast is not None else 0):
        for start in range(0, len(plan.inserts), WRITE_CHUNK):
            if progress is not None:
                progress("write", done, total)
            stop = min(start + WRITE_CHUNK, len(plan.inserts))
            if fast is not None:
                fast(start, stop)
            else:  # Core INSERT (executemany), ~40% faster than the ORM bulk path
                session.execute(insert(table), plan.inserts.records(start, stop))
            done += stop - start
    # Updates: the ORM's bulk UPDATE by primary key.
    update_stmt: Executable = update(model)
    for start in range(0, len(plan.updates), WRITE_CHUNK):
        if progress is not None:
            progress("write", done, total)
        chunk = plan.updates[start : start + WRITE_CHUNK]
        session.execute(update_stmt, chunk)
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


BULK_CACHE_KIB = 32 * 1024
"""SQLite page cache of a bulk insert (KiB; the default is 2 MiB): with the default the
new pages spill to the WAL and are read back (about 5 s of system time a million
trades); a larger cache bought nothing more."""
REBUILD_INDEXES_FROM = 100_000
"""New rows from which a bulk insert may rebuild the table's plain indexes."""


@contextmanager
def _sqlite_bulk(session: Session, table: Table, new_rows: int) -> Iterator[None]:
    """SQLite, many new rows: a larger page cache while they are inserted, and the
    table's plain (non-unique) indexes dropped first and created again after, when
    the rows are at least a third of what the table will hold (one sort of the table
    beats a million scattered index inserts: 4 µs a row against 1.2 µs a table row).
    All in the caller's transaction: a failure or a kill rolls the drop back too, and
    other connections see the indexes throughout (WAL). Unique indexes, constraints
    and foreign keys stay in force; PostgreSQL is left alone (its COPY path)."""
    if new_rows == 0 or session.get_bind().dialect.name != "sqlite":
        yield
        return
    conn = session.connection()
    cache = int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    rebuild: list[tuple[str, str]] = []
    try:
        if new_rows >= REBUILD_INDEXES_FROM:
            stored = conn.exec_driver_sql(f'SELECT max(rowid) FROM "{table.name}"').scalar()
            if 3 * new_rows >= new_rows + int(stored or 0):
                rebuild = _plain_indexes(session, table.name)
        for name, _sql in rebuild:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        yield
        for _name, sql in rebuild:
            conn.exec_driver_sql(sql)
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {cache}")


def _plain_indexes(session: Session, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement as stored) of ``table``'s non-unique indexes that
    were created by name (not those behind a constraint)."""
    found = session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"),
        {"t": table},
    ).all()
    return [
        (str(name), str(sql))
        for name, sql in found
        if sql is not None and not str(sql).lstrip().upper().startswith("CREATE UNIQUE")
    ]


def _driver_insert(
    session: Session, table: Table, rows: ColumnRows
) -> Callable[[int, int], None] | None:
    """A writer of rows ``start:stop`` straight through the driver, in the session's
    transaction: SQLite ``executemany`` of tuples, PostgreSQL (psycopg) ``COPY``. The
    values go through each column type's own bind processing (once per distinct value),
    so they are stored exactly as the Core INSERT stores them; None (use Core) when a
    column the rows lack has a default computed in Python, or for another driver."""
    if not len(rows):
        return None
    bind = session.get_bind()
    dialect = bind.dialect
    sqlite = dialect.name == "sqlite"
    if not (sqlite or (dialect.name == "postgresql" and dialect.driver == "psycopg")):
        return None
    names = list(rows.columns)
    fills: dict[str, Any] = {}
    for col in table.columns:
        if col.name in rows.columns or (col.primary_key and col.autoincrement in (True, "auto")):
            continue
        default = col.default
        if default is None:
            continue  # NULL or the server default: the database fills it
        if not getattr(default, "is_scalar", False):
            return None
        fills[col.name] = getattr(default, "arg", None)
    names += list(fills)
    n = len(rows)
    values: list[npt.NDArray[Any]] = []
    for name in names:
        column = rows.columns[name] if name in rows.columns else np.full(n, fills[name], object)
        values.append(_bound(column, table.c[name].type, dialect) if sqlite else column)
    session.flush()
    raw: Any = session.connection().connection.driver_connection
    quoted = [dialect.identifier_preparer.quote(name) for name in names]
    target = dialect.identifier_preparer.format_table(table)

    def write(start: int, stop: int) -> None:
        block = list(zip(*(v[start:stop].tolist() for v in values), strict=True))
        write_rows(raw, dialect, target, quoted, block)

    return write


def _bound(column: npt.NDArray[Any], type_: Any, dialect: Any) -> npt.NDArray[Any]:
    """``column`` as the driver receives it from SQLAlchemy (dates as SQLite's text,
    booleans as 0/1), processing each distinct value once."""
    process = type_.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return column
    if column.dtype != object:
        column = column.astype(object)
    codes, uniques = pd.factorize(column)
    done = np.array([process(v) for v in uniques.tolist()] + [process(None)], dtype=object)
    return done[np.where(codes < 0, len(uniques), codes)]
