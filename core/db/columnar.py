"""Column-wise reads of large SELECTs: DBAPI tuples straight into numpy / pandas columns.

The ORM result machinery (entity loading, one ``Row`` per line with its own result
processing) costs several microseconds per row; a day of position lines is ~1,000,000
rows. These helpers execute a Core ``select`` on the session's connection (the same
transaction, bind parameters processed by SQLAlchemy), take the DBAPI cursor's plain
tuples with ``fetchall()`` and convert whole columns at once. The cyclic garbage
collector is paused while the many row tuples exist: they hold no cycles, and each
collection would walk all of them.

Raw values differ by backend (SQLite returns dates as ISO strings and booleans as
0/1, PostgreSQL real ``date`` and ``bool`` values); ``to_array`` and ``frame_from``
accept both and give the same columns as the row-wise ``_frame`` helpers.
"""

from __future__ import annotations

import gc
import io
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import func, literal_column, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

STR_SEP = "\x1f"
"""Separator of text values in a concatenated column (ASCII unit separator)."""
INT_SEP = ","


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees memory)."""
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def fetch_rows(session: Session, stmt: Any) -> list[tuple[Any, ...]]:
    """The DBAPI rows of ``stmt`` (raw driver values, see the module docstring).

    Pending ORM changes are flushed first, as ``Session.execute`` would autoflush.
    """
    if session.autoflush:
        session.flush()
    connection = session.connection()
    with gc_paused():
        result = connection.execute(stmt)
        try:
            cursor = result.cursor
            assert cursor is not None
            return list(cursor.fetchall())
        finally:
            result.close()


def fetch_columns(session: Session, stmt: Any, count: int) -> list[tuple[Any, ...]]:
    """The ``count`` selected columns of ``stmt`` as tuples of raw values (column-wise)."""
    rows = fetch_rows(session, stmt)
    if not rows:
        return [() for _ in range(count)]
    with gc_paused():
        columns = list(zip(*rows, strict=True))
        del rows
    return columns


def fetch_concat(session: Session, stmt: Any, kinds: Sequence[str]) -> list[Any] | None:
    """The columns of ``stmt`` transported as one concatenated string each (SQLite).

    ``kinds`` gives each selected column's kind: "str" (a list of str) or "int" (an
    int64 array; booleans and comparisons arrive as 0/1). Every column must be NOT
    NULL. SQLite's ``group_concat`` builds the strings in C over the rows of ``stmt``
    (its ORDER BY picks the index SQLite walks); all aggregates step through the same
    rows in the same sequence, so the columns stay aligned line by line. Python then
    splits or parses each string in one call instead of building a tuple per row.

    Returns None when this transport does not apply (another backend) or the result
    does not check out (a text value containing the separator, a value that is not an
    integer, a string too long for SQLite): the caller then reads rows.
    """
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return None
    if session.autoflush:
        session.flush()
    sub = stmt.subquery()
    # Separators as SQL literals: a bound parameter is re-read on every row step and
    # makes the whole read ~45% slower on SQLite 3.40.
    separators: dict[str, Any] = {"str": literal_column("char(31)"), "int": literal_column("','")}
    aggregates = [
        func.group_concat(column, separators["str" if kind == "str" else "int"])
        for column, kind in zip(sub.c, kinds, strict=True)
    ]
    query = select(func.count(), *aggregates).select_from(sub)
    try:
        # A failed SELECT (e.g. "string or blob too big") leaves SQLite's transaction
        # as it was; the caller reads rows instead.
        result = session.connection().execute(query)
        count, *texts = result.one()
    except DBAPIError:
        return None
    out: list[Any] = []
    with gc_paused():
        for text, kind in zip(texts, kinds, strict=True):
            if count == 0:
                out.append([] if kind == "str" else np.zeros(0, dtype=np.int64))
                continue
            if not isinstance(text, str):
                return None
            if kind == "str":
                values: Any = text.split(STR_SEP)
            else:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("error")
                        values = np.fromstring(text, dtype=np.int64, sep=INT_SEP)
                except (ValueError, DeprecationWarning):
                    return None
            if len(values) != count:
                return None
            out.append(values)
    return out


def fetch_copy(session: Session, stmt: Any, kinds: Sequence[str]) -> list[Any] | None:
    """The columns of ``stmt`` through PostgreSQL's ``COPY ... TO STDOUT`` (CSV), parsed
    by pandas' C reader: the PostgreSQL twin of ``fetch_concat``.

    ``kinds`` as for ``fetch_concat`` ("str": a list of str; "int": an int64 array,
    booleans as 0/1); every column must be NOT NULL. Runs in the session's transaction.
    Returns None on another back end or driver, so the caller reads rows.
    """
    bind = session.get_bind()
    if bind.dialect.name != "postgresql" or bind.dialect.driver != "psycopg":
        return None
    if session.autoflush:
        session.flush()
    sql = str(stmt.compile(dialect=bind.dialect, compile_kwargs={"literal_binds": True}))
    raw: Any = session.connection().connection.driver_connection
    buffer = bytearray()
    with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        for block in copy:
            buffer += block
    count = len(kinds)
    if not buffer:
        return [[] if kind == "str" else np.zeros(0, dtype=np.int64) for kind in kinds]
    frame = pd.read_csv(
        io.BytesIO(buffer),
        header=None,
        names=list(range(count)),
        dtype={i: object for i, kind in enumerate(kinds) if kind == "str"},
        true_values=["t"],
        false_values=["f"],
        keep_default_na=False,
        na_filter=False,
        engine="c",
    )
    return [
        frame[i].tolist() if kind == "str" else frame[i].to_numpy(dtype=np.int64)
        for i, kind in enumerate(kinds)
    ]


def fetch_fast(session: Session, stmt: Any, kinds: Sequence[str]) -> list[Any]:
    """The columns of ``stmt`` by the fastest transport of the back end: ``fetch_concat``
    (SQLite), ``fetch_copy`` (PostgreSQL), else rows (``fetch_columns``). "int" columns
    are int64 arrays from the first two and raw values from rows: callers convert with
    ``np.asarray``. Every column must be NOT NULL."""
    columns = fetch_concat(session, stmt, kinds)
    if columns is None:
        columns = fetch_copy(session, stmt, kinds)
    if columns is None:
        columns = fetch_columns(session, stmt, len(kinds))
    return columns


def _to_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def to_array(values: Any, dtype: str) -> Any:
    """One raw column as the array ``_frame`` would build for ``dtype``.

    ``date``: ``datetime.date`` objects (None when missing) in an object array;
    ``bool``, ``int64``, ``float64``: numpy arrays; ``Int64``: a nullable pandas array;
    ``str`` and anything else: an object array (converted by ``frame_from``).
    """
    if isinstance(values, pd.api.extensions.ExtensionArray) and str(values.dtype) == dtype:
        return values
    if isinstance(values, np.ndarray) and values.dtype == np.dtype(_NUMPY.get(dtype, object)):
        return values
    if dtype == "date":
        table = {v: _to_date(v) for v in set(values)}
        return np.array([table[v] for v in values], dtype=object)
    if dtype == "bool":
        return np.array(values, dtype=np.bool_)
    if dtype == "int64":
        return np.array(values, dtype=np.int64)
    if dtype == "float64":
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if dtype == "Int64":
        return pd.array(np.array(values, dtype=object), dtype="Int64")
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


_NUMPY = {"bool": np.bool_, "int64": np.int64, "float64": np.float64}


def rows_frame(rows: Sequence[Any], dtypes: Mapping[str, str]) -> pd.DataFrame:
    """Rows of a SELECT as a DataFrame with the columns and dtypes of ``dtypes`` (even
    when empty); "date" columns keep ``datetime.date`` objects (None when missing)."""
    data = {name: [row[i] for row in rows] for i, name in enumerate(dtypes)}
    frame = pd.DataFrame(data, columns=list(dtypes))
    for name, dtype in dtypes.items():
        if dtype != "date":
            frame[name] = frame[name].astype(dtype)  # type: ignore[call-overload]
    return frame


def frame_from(columns: Sequence[Any], dtypes: Mapping[str, str]) -> pd.DataFrame:
    """A DataFrame of raw columns with the names and dtypes of ``dtypes`` (even empty),
    equal to ``rows_frame(rows, dtypes)`` of the same rows."""
    if all(len(values) == 0 for values in columns):
        return rows_frame([], dtypes)  # pandas' own dtypes for an empty frame
    data: dict[str, Any] = {}
    with gc_paused():
        for values, (name, dtype) in zip(columns, dtypes.items(), strict=True):
            data[name] = to_array(values, dtype)
        # copy=False: the columns are ours (built above), and one block per column
        # spares pandas stacking a million-row 2-D copy of every integer column.
        frame = pd.DataFrame(data, columns=list(dtypes), copy=False)
        for name, dtype in dtypes.items():
            if dtype not in ("date", "bool", "int64", "float64", "Int64"):
                frame[name] = frame[name].astype(dtype)  # type: ignore[call-overload]
    return frame


def read_frame(session: Session, stmt: Any, dtypes: Mapping[str, str]) -> pd.DataFrame:
    """``stmt``'s rows as a DataFrame with the columns and dtypes of ``dtypes``."""
    return frame_from(fetch_columns(session, stmt, len(dtypes)), dtypes)


def codes_of(values: Any) -> tuple[npt.NDArray[np.int64], list[Any]]:
    """``(codes, uniques)`` with the uniques sorted: as ``np.unique(values,
    return_inverse=True)`` for strings, but by hashing (no sort of every row)."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        values = values.array
    if isinstance(values, pd.Categorical):
        return _categorical_codes(values)
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    if len(uniques) == 0:
        return codes.astype(np.int64), []
    labels = list(uniques)
    order = sorted(range(len(labels)), key=labels.__getitem__)
    rank = np.empty(len(labels), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(labels), dtype=np.int64)
    return rank[codes], [labels[i] for i in order]


def coded(codes: npt.NDArray[np.int64], values: Sequence[Any] | npt.NDArray[Any]) -> Any:
    """``values[codes]`` as a pandas Categorical without a Python object per row.

    ``values`` may repeat (two clients of the same name): the categories are its
    distinct values and the codes are remapped once per value, not per row.
    """
    array = np.asarray(values, dtype=object)
    if len(array) > 1 and bool(np.all(array[1:] > array[:-1])):  # a sorted code table
        index, uniques = np.arange(len(array), dtype=np.int64), array
    else:
        index, uniques = pd.factorize(array)
    categories = pd.Index(uniques, dtype=object)
    if len(index) == 0:
        return pd.Categorical.from_codes(np.zeros(0, np.int64), categories=categories)
    return pd.Categorical.from_codes(index[codes], categories=categories)


def _categorical_codes(values: pd.Categorical) -> tuple[npt.NDArray[np.int64], list[Any]]:
    """``codes_of`` a Categorical: its codes renumbered over the categories in use (no
    hashing of the rows); falls back to hashing when a value is missing."""
    codes = np.asarray(values.codes, dtype=np.int64)
    if len(codes) and codes.min() < 0:
        return codes_of(np.asarray(values, dtype=object))
    used = np.bincount(codes, minlength=len(values.categories)) > 0
    table = np.asarray(values.categories, dtype=object)
    if len(table) < 2 or bool(np.all(table[1:] > table[:-1])):
        # Sorted code tables (the day's book): rank by position, no Python sort.
        rank = np.cumsum(used, dtype=np.int64) - 1
        return rank[codes], table[used].tolist()
    categories = table.tolist()
    order = sorted((i for i in range(len(categories)) if used[i]), key=categories.__getitem__)
    rank = np.full(len(categories), -1, dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
    return rank[codes], [categories[i] for i in order]


def sort_order(*keys: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """The stable order sorting rows by ``keys`` (first key first), each a small
    non-negative integer or boolean array; the identity when already in order (the
    usual case for rows read in index order)."""
    n = len(keys[0]) if keys else 0
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    combined = np.zeros(n, dtype=np.int64)
    width = 1
    for key in keys:
        k = np.asarray(key, dtype=np.int64)
        span = int(k.max()) + 1
        width *= span
        if width >= 2**62:
            return np.lexsort(tuple(np.asarray(x) for x in reversed(keys))).astype(np.int64)
        combined = combined * span + k
    if bool(np.all(combined[1:] >= combined[:-1])):
        return np.arange(n, dtype=np.int64)
    return np.argsort(combined, kind="stable").astype(np.int64)
