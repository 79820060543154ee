"""The day's book: every open position line of one trading day, column-wise, cached.

Positions, limits, liquidation and the live monitor all start from the same read: all
lines of a day with lots > 0 (about 950,000 on the large demo set). ``read_day_book``
does it in one pass over the covering index ``ix_position_day_book`` (SQLite: one
``group_concat`` row; PostgreSQL: ``COPY ... TO STDOUT``; see ``core.db.columnar``) and returns
numpy columns with client and contract codes factorized against sorted code tables.

``day_book`` reuses a book read earlier in this process when the position table's
revision (``core.db.revisions``) has not moved: ``open_database`` puts one
``DayBookCache`` in its session factory's ``info``, so every session of one ``Database``
shares it and nothing is global. The revision is read before the lines in the same transaction, so
a cached book is never newer-labelled than its data. Books are immutable (read-only
arrays) and safe to share between threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import revisions
from core.db.columnar import codes_of, fetch_fast, sort_order
from core.db.tables import Client, Position

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

CACHE_KEY = "riskdesk.day_books"
"""Key of the ``DayBookCache`` in ``Session.info`` (set by ``open_database``)."""


@dataclass(frozen=True, eq=False)
class DayBook:
    """Open lines of one day, ordered by client, contract, side (long first), hedge.

    ``clients`` and ``contracts`` are sorted code tables; ``client`` and ``contract``
    index them per line. Money and prices are int64 fen. ``revision`` is the position
    table's revision the book was read at.
    """

    day: date
    revision: int
    clients: tuple[str, ...]
    contracts: tuple[str, ...]
    client: Ints
    contract: Ints
    side: Ints
    """``core.rules.sides`` codes: 0 long, 1 short."""
    hedge: Bools
    lots: Ints
    today_lots: Ints
    open_price_fen: Ints
    margin_fen: Ints

    def __len__(self) -> int:
        return len(self.client)

    def lines_of(self, client_mask: Bools) -> DayBook:
        """The lines of the clients whose entry of ``client_mask`` (one per ``clients``)
        is true; code tables unchanged."""
        keep = client_mask[self.client] if len(self.client) else np.zeros(0, np.bool_)
        if keep.all():
            return self
        return DayBook(
            day=self.day,
            revision=self.revision,
            clients=self.clients,
            contracts=self.contracts,
            **{name: _frozen(getattr(self, name)[keep]) for name in _LINE_FIELDS},
        )


_LINE_FIELDS = (
    "client",
    "contract",
    "side",
    "hedge",
    "lots",
    "today_lots",
    "open_price_fen",
    "margin_fen",
)


def _frozen(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
    a.flags.writeable = False
    return a


def read_day_book(session: Session, day: date) -> DayBook:
    """Read ``day``'s open lines from the database (no cache)."""
    revision = revisions.current(session, Position.__tablename__)
    stmt = select(
        Position.client_code,
        Position.contract_code,
        (Position.side == "short"),
        Position.hedge,
        Position.lots,
        Position.today_lots,
        Position.open_price_fen,
        Position.margin_fen,
    ).where(Position.trading_day == day, Position.lots > 0)
    kinds = ("str", "str", "int", "int", "int", "int", "int", "int")
    # No ORDER BY: SQLite walks the covering index in key order anyway, and a sorting
    # subquery costs a third more; ``sort_order`` below checks the order (and sorts
    # if another plan or back end returned the lines differently).
    columns = fetch_fast(session, stmt, kinds)
    client, clients = codes_of(columns[0])
    contract, contracts = codes_of(columns[1])
    side = np.asarray(columns[2], dtype=np.int64)  # short = 1 (core.rules.sides)
    hedge = np.asarray(columns[3], dtype=np.bool_)
    lots, today, open_price, margin = (np.asarray(c, dtype=np.int64) for c in columns[4:])
    del columns
    order = sort_order(client, contract, side, hedge)
    if not bool(np.all(order == np.arange(len(order)))):
        client, contract = client[order], contract[order]
        side, hedge = side[order], hedge[order]
        lots, today, open_price, margin = (a[order] for a in (lots, today, open_price, margin))
    return DayBook(
        day=day,
        revision=revision,
        clients=tuple(str(c) for c in clients),
        contracts=tuple(str(c) for c in contracts),
        client=_frozen(client.astype(np.int64, copy=False)),
        contract=_frozen(contract.astype(np.int64, copy=False)),
        side=_frozen(side),
        hedge=_frozen(hedge),
        lots=_frozen(lots),
        today_lots=_frozen(today),
        open_price_fen=_frozen(open_price),
        margin_fen=_frozen(margin),
    )


class DayBookCache:
    """The last few ``DayBook`` s of one database, revalidated on every use.

    Thread-safe; concurrent requests for the same day share one read. Holds at most
    ``size`` days (today's and yesterday's are what the screens ask for).
    """

    def __init__(self, size: int = 2) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._books: OrderedDict[date, Future[DayBook]] = OrderedDict()
        self.reads = 0
        """Books read from the database (for tests and the benchmark)."""

    def clear(self) -> None:
        with self._lock:
            self._books.clear()

    def get(self, session: Session, day: date) -> DayBook:
        revision = revisions.current(session, Position.__tablename__)
        with self._lock:
            pending = self._books.get(day)
            fresh = pending is not None and (
                not pending.done()
                or (pending.exception() is None and pending.result().revision == revision)
            )
            if pending is not None and fresh:
                self._books.move_to_end(day)
                mine = False
            else:
                pending = Future()
                self._books[day] = pending
                self._books.move_to_end(day)
                while len(self._books) > self._size:
                    self._books.popitem(last=False)
                mine = True
        if not mine:
            book = pending.result()
            if book.revision == revision:
                return book
            return self.get(session, day)  # an older read finished after a write: again
        try:
            book = read_day_book(session, day)
        except BaseException as exc:
            with self._lock:
                if self._books.get(day) is pending:
                    del self._books[day]
            pending.set_exception(exc)
            raise
        with self._lock:
            self.reads += 1
        pending.set_result(book)
        return book


def day_book(session: Session, day: date) -> DayBook:
    """``day``'s book: from the session's ``DayBookCache`` when current, else read."""
    cache = session.info.get(CACHE_KEY)
    if isinstance(cache, DayBookCache):
        return cache.get(session, day)
    return read_day_book(session, day)


def member_lines(session: Session, book: DayBook, member: str) -> DayBook:
    """The lines of ``book`` held by clients of ``member`` (code tables unchanged)."""
    stmt = select(Client.code).where(Client.member_code == member)
    (codes,) = fetch_fast(session, stmt, ("str",))
    # Object dtype on purpose: pandas would infer Arrow strings and test each row in Python.
    clients = pd.Series(np.asarray(book.clients, dtype=object), dtype=object)
    return book.lines_of(clients.isin(np.asarray(codes, dtype=object)).to_numpy(dtype=np.bool_))


def prefetch(session: Session) -> date | None:
    """Read the latest position day's book into the session's cache; that day (None
    when there are no positions). For a start-up warm-up on a worker thread."""
    latest: date | None = session.scalar(select(func.max(Position.trading_day)))
    if latest is None:
        return None
    day_book(session, latest)
    return latest
