"""Client forced close (强平单): preview, hand edits and the audited order export.

After the settlement of day D, a client called for margin (``core.services.calls``) who
has not paid by the deadline (the opening of T = next_td(D)) is closed on T. The
preview reads D's stored balances and D's open lines, prices each line at the prior
settlement basis (S(D) × mult × (rate_settle(D) + the firm's add-on), spec 2.a: what
the line carries during T) and sizes the least-over-release close set with
``core.rules.client_forced_close`` (for one client or every due client in one pass).

* ``preview_forced_close`` (a read): the orders, each client's requirement, release and
  released ÷ required, the lines and the inputs they were made from.
* ``review_edits`` (pure): a hand-edited order list recomputed, with its warnings
  (above the firm's threshold, default 110 %, or no longer covering).
* ``export_orders`` (a write: the export is audited): the order list with the
  speculative/hedge flag and its inputs (day, balances, prices, rates) as CSV or XLSX.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db.call_queries import client_balances, is_settled, latest_balance_day, settled_days
from core.db.day_book import day_book
from core.db.day_inputs import limit_lock_runs, read_adjustments, read_contracts
from core.db.reader import Reader
from core.db.risk_queries import day_prices_frame
from core.errors import InputError
from core.money import check_sum_bound, exact_sum, ratio_bp
from core.progress import ProgressState
from core.rules.call_deadline import CallDeadline, default_call_deadline
from core.rules.client_forced_close import (
    STATUSES,
    Alternative,
    CloseBook,
    CloseSettings,
    CloseSizing,
    OrderReview,
    alternatives,
    default_close_settings,
    one_less_short,
    release_required,
    review_orders,
    size_forced_closes,
)
from core.rules.firm import firm_margin_addon_ppm
from core.rules.margin_calls import CallSettings, default_call_settings
from core.rules.margin_schedule import day_margin_rates
from core.rules.risk_levels import RiskLevels, default_risk_levels
from core.rules.sides import SIDE_NAMES
from core.services._common import report
from core.services.exports import TableExport, export_table
from core.services.store import Database
from core.trading_calendar import TradingCalendar, default_calendar

LINE_COLUMNS = (
    "client_code",
    "contract_code",
    "side",
    "close_side",
    "hedge",
    "flag",
    "lots",
    "close_lots",
    "settlement_fen",
    "multiplier",
    "rate_ppm",
    "margin_per_lot_fen",
    "line_margin_fen",
    "released_fen",
    "one_less_short_fen",
    "eligible",
)
"""Columns of ``ForcedClosePreview.lines`` (every open line of the previewed clients):
flag is "speculative" or "hedge"; settlement, multiplier and rate are the basis of the
line's margin (rate = the client's: exchange + the firm's add-on); released is what the
close releases, exactly; one_less_short is how far short the client would fall with one
lot fewer on this line (> 0: the order is needed)."""

CLIENT_COLUMNS = (
    "client_code",
    "client_name",
    "balance_fen",
    "margin_fen",
    "offset_fen",
    "available_fen",
    "required_fen",
    "released_fen",
    "over_release_fen",
    "shortfall_fen",
    "ratio_bp",
    "close_lots",
    "lines",
    "status",
    "is_over",
    "has_offset",
)
"""Columns of ``ForcedClosePreview.clients``: the stored balances of D, the release
required, what the orders release, released − required, the shortfall when even every
line cannot cover, released ÷ required (basis points), lots and lines closed, how the
set was found (``core.rules.client_forced_close.STATUSES``), above the warning threshold,
and whether a receipt offset is in use (docs/margin-calls.md: then closing the covered
product frees less)."""

CLOSE_SIDE = {"long": "sell", "short": "buy"}


@dataclass(frozen=True)
class ForcedCloseRequest:
    """What to preview: the settled day D (None = the last settled day); ``clients``
    (None = every client with a release to make); the target (None = the call
    setting's: available funds, a ratio or both); hedge lines (None = the setting); the
    deadline rule (None = ``core.rules.call_deadline``'s setting)."""

    day: date | None = None
    clients: tuple[str, ...] | None = None
    call_settings: CallSettings | None = None
    close_settings: CloseSettings | None = None
    levels: RiskLevels | None = None
    deadline: CallDeadline | None = None


@dataclass(frozen=True)
class ForcedClosePreview:
    """Result of ``preview_forced_close``; money in fen.

    ``trading_day`` is the settled day D whose balances and prices are used;
    ``close_day`` = next_td(D), when the orders go in, after ``deadline``. ``lines``
    (``LINE_COLUMNS``) and ``clients`` (``CLIENT_COLUMNS``) follow the book's order
    (client, contract, side, hedge). ``book`` and ``sizing`` are the rule's input and
    output (for ``review_edits`` and the explanation).
    """

    trading_day: date
    close_day: date
    deadline: datetime
    call_settings: CallSettings
    close_settings: CloseSettings
    levels: RiskLevels
    lines: pd.DataFrame
    clients: pd.DataFrame
    book: CloseBook
    sizing: CloseSizing
    warnings: tuple[str, ...] = ()

    @property
    def orders(self) -> pd.DataFrame:
        """The lines to close (close_lots > 0)."""
        return self.lines[self.lines["close_lots"] > 0].reset_index(drop=True)

    @property
    def required_fen(self) -> int:
        return exact_sum(self.clients["required_fen"].to_numpy(np.int64))

    @property
    def released_fen(self) -> int:
        return exact_sum(self.clients["released_fen"].to_numpy(np.int64))

    def is_past_deadline(self, now: datetime | None = None) -> bool:
        """Has the calls' deadline passed at ``now`` (default: the current time)? Before
        it the orders are a preview only: the client may still pay."""
        return (now or datetime.now(UTC)) >= self.deadline

    def client_lines(self, client: str) -> pd.DataFrame:
        """The lines of one client (all of them, the orders among them)."""
        return self.lines[self.lines["client_code"] == client]

    def explain(self, client: str) -> list[Alternative]:
        """The alternatives the client's set beat (``core.rules.client_forced_close
        .ALTERNATIVES``), each over the client's lines in ``client_lines`` order."""
        rows = np.flatnonzero(self.lines["client_code"].to_numpy(dtype=object) == client)
        if not rows.size:
            raise InputError(f"client {client!r} is not in this preview")
        one = CloseBook.of(
            np.zeros(rows.size, np.int64),
            self.book.price_fen[rows],
            self.book.multiplier[rows],
            self.book.lots[rows],
            self.book.rate_ppm[rows],
            self.book.hedge[rows],
        )
        c = int(self.book.client[rows[0]])
        return alternatives(
            one,
            int(self.sizing.required_fen[c]),
            include_hedge=self.close_settings.include_hedge,
        )

    def only(self, clients: Sequence[str]) -> ForcedClosePreview:
        """This preview restricted to ``clients`` (same figures: each client's set is
        sized on its own), in this preview's order. For reviewing one client's hand
        edits (``review_edits``) without recomputing a batch. Raises InputError for a
        client not in the preview."""
        position = {c: i for i, c in enumerate(self.clients["client_code"].tolist())}
        missing = [c for c in clients if c not in position]
        if missing:
            raise InputError(f"client {', '.join(missing[:10])} is not in this preview")
        keep = np.array(sorted({position[c] for c in clients}), dtype=np.int64)
        renumber = np.full(self.book.n_clients, -1, np.int64)
        renumber[keep] = np.arange(keep.size, dtype=np.int64)
        rows = np.flatnonzero(renumber[self.book.client] >= 0)
        b, s = self.book, self.sizing
        book = CloseBook(
            client=renumber[b.client[rows]],
            price_fen=b.price_fen[rows],
            multiplier=b.multiplier[rows],
            lots=b.lots[rows],
            rate_ppm=b.rate_ppm[rows],
            hedge=b.hedge[rows],
            n_clients=int(keep.size),
        )
        sizing = CloseSizing(
            close_lots=s.close_lots[rows],
            released_fen=s.released_fen[rows],
            eligible=s.eligible[rows],
            required_fen=s.required_fen[keep],
            released=s.released[keep],
            over_release=s.over_release[keep],
            lots=s.lots[keep],
            lines=s.lines[keep],
            status=s.status[keep],
            nodes=s.nodes[keep],
        )
        return replace(
            self,
            lines=self.lines.iloc[rows].reset_index(drop=True),
            clients=self.clients.iloc[keep].reset_index(drop=True),
            book=book,
            sizing=sizing,
        )


def _line_rates(
    session: Session, day: date, contracts: list[str], hedge: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[str]]:
    """Per line: rate_settle(day) (period steps, limit-lock steps, notices in force:
    ``day_margin_rates``, as the settlement of ``day`` used it) and the multiplier."""
    terms = read_contracts(session)
    index = {t.code: i for i, t in enumerate(terms)}
    unknown = sorted({c for c in contracts if c not in index})
    if unknown:
        raise InputError(f"unknown contracts {', '.join(unknown[:10])}")
    k = np.array([index[c] for c in contracts], dtype=np.int64)
    rates = day_margin_rates(
        terms,
        day,
        lock_runs=limit_lock_runs(session, day),
        adjustments=read_adjustments(session, day),
        pairs=set(zip(k.tolist(), hedge.tolist(), strict=True)),
    )
    if rates.problems:
        bad, why = next(iter(sorted(rates.problems.items())))
        raise InputError(f"no margin rate for {terms[bad].code} on {day}: {why}")
    mult = np.array([terms[i].multiplier for i in k.tolist()], dtype=np.int64)
    return rates.line_rates(k, hedge), mult, list(rates.warnings)


def preview_forced_close(
    reader: Reader,
    request: ForcedCloseRequest | None = None,
    *,
    calendar: TradingCalendar | None = None,
    progress: ProgressState | None = None,
) -> ForcedClosePreview:
    """The least-over-release close orders of the requested clients after day D.

    Every client of ``request.clients`` (each must have balances on D), or every client
    with a release to make. The release required follows the call setting: available
    funds back to ≥ 0 and/or the risk ratio back to its target (``release_required``).
    A read: nothing is written. Raises InputError for no settled day, an unknown client,
    a line without a settlement price or a margin rate.
    """
    req = request or ForcedCloseRequest()
    session = reader.session
    call_settings = req.call_settings or default_call_settings()
    close_settings = req.close_settings or default_close_settings()
    levels = req.levels or default_risk_levels()
    cal = calendar or default_calendar()
    day = req.day or latest_balance_day(session)
    if day is None:
        raise InputError("no settled day: run a settlement or 'riskdesk demo' first")
    report(progress, "read balances", 0, 4)
    if not is_settled(session, day):
        raise InputError(f"no client balances on {day}: that day is not settled")
    # Only the rows that can matter: the named clients, or (every due client under the
    # available-funds target alone) the clients short of funds.
    balances = client_balances(
        session,
        day,
        clients=req.clients,
        short_only=req.clients is None and not call_settings.asks_ratio,
    )
    margin = balances["margin_fen"].to_numpy(dtype=np.int64)
    equity = balances["balance_fen"].to_numpy(dtype=np.int64)
    available = balances["available_fen"].to_numpy(dtype=np.int64)
    required_all = release_required(
        margin,
        equity,
        available,
        to_available=call_settings.asks_available,
        target_ratio_ppm=call_settings.ratio_ppm(levels) if call_settings.asks_ratio else None,
        levels=levels,
    )
    codes = balances["client_code"].to_numpy(dtype=object)
    if req.clients is None:
        chosen = np.flatnonzero(required_all > 0)
    else:
        position = {c: i for i, c in enumerate(codes.tolist())}
        missing = [c for c in req.clients if c not in position]
        if missing:
            raise InputError(f"no balance on {day} for client {', '.join(missing[:10])}")
        chosen = np.array(sorted({position[c] for c in req.clients}), dtype=np.int64)
    picked = balances.iloc[chosen].reset_index(drop=True)
    required = required_all[chosen]

    report(progress, "read positions", 1, 4)
    book = day_book(session, day)
    chosen_codes = set(picked["client_code"].tolist())  # a set: np.isin on objects is slow
    wanted = np.fromiter((c in chosen_codes for c in book.clients), np.bool_, len(book.clients))
    lines = book.lines_of(wanted)
    client_pos = {c: i for i, c in enumerate(picked["client_code"].tolist())}
    line_client = np.array(
        [client_pos[book.clients[i]] for i in lines.client.tolist()], dtype=np.int64
    )
    contracts = [book.contracts[i] for i in lines.contract.tolist()]
    prices = day_prices_frame(session, day)
    price_of = dict(
        zip(prices["contract_code"], prices["settlement_fen"].astype("int64"), strict=True)
    )
    no_price = sorted({c for c in contracts if c not in price_of})
    if no_price:
        raise InputError(f"no settlement price on {day} for {', '.join(no_price[:10])}")
    hedge = np.asarray(lines.hedge, dtype=np.bool_)
    rate, mult, warnings = _line_rates(session, day, contracts, hedge)
    rate = rate + firm_margin_addon_ppm()  # client rate = exchange + the firm's add-on (2.a)
    close_book = CloseBook.of(
        line_client,
        [int(price_of[c]) for c in contracts],
        mult,
        np.asarray(lines.lots, dtype=np.int64),
        rate,
        hedge,
        n_clients=len(picked),
    )

    report(progress, "size the close sets", 2, 4)
    sizing = size_forced_closes(close_book, required, include_hedge=close_settings.include_hedge)
    report(progress, "tables", 3, 4)
    side = np.asarray(SIDE_NAMES, dtype=object)[np.asarray(lines.side, dtype=np.int64)]
    line_margin_fen = close_book.margin()
    unit = close_book.margin(np.ones(len(close_book), np.int64))
    line_frame = pd.DataFrame(
        {
            "client_code": picked["client_code"].to_numpy(dtype=object)[line_client],
            "contract_code": np.asarray(contracts, dtype=object),
            "side": side,
            "close_side": np.where(side == "long", "sell", "buy").astype(object),
            "hedge": hedge,
            "flag": np.where(hedge, "hedge", "speculative").astype(object),
            "lots": close_book.lots,
            "close_lots": sizing.close_lots,
            "settlement_fen": close_book.price_fen,
            "multiplier": close_book.multiplier,
            "rate_ppm": close_book.rate_ppm,
            "margin_per_lot_fen": unit,
            "line_margin_fen": line_margin_fen,
            "released_fen": sizing.released_fen,
            "one_less_short_fen": one_less_short(
                close_book, sizing.close_lots, sizing.over_release
            ),
            "eligible": sizing.eligible,
        },
        columns=list(LINE_COLUMNS),
    )
    ratio = [
        ratio_bp(int(r), int(q)) if q > 0 else None
        for r, q in zip(sizing.released.tolist(), required.tolist(), strict=True)
    ]
    client_frame = pd.DataFrame(
        {
            "client_code": picked["client_code"],
            "client_name": picked["client_name"],
            "balance_fen": picked["balance_fen"],
            "margin_fen": picked["margin_fen"],
            "offset_fen": picked["offset_fen"],
            "available_fen": picked["available_fen"],
            "required_fen": required,
            "released_fen": sizing.released,
            "over_release_fen": np.maximum(sizing.over_release, 0),
            "shortfall_fen": sizing.shortfall,
            "ratio_bp": pd.array(ratio, dtype="Int64"),
            "close_lots": sizing.lots,
            "lines": sizing.lines,
            "status": np.asarray(STATUSES, dtype=object)[sizing.status],
            "is_over": [r is not None and r > close_settings.warn_above_bp for r in ratio],
            "has_offset": picked["offset_fen"].to_numpy() > 0,
        },
        columns=list(CLIENT_COLUMNS),
    )
    report(progress, "done", 4, 4)
    return ForcedClosePreview(
        trading_day=day,
        close_day=cal.next_td(day),
        deadline=(req.deadline or default_call_deadline()).due_at(day, cal),
        call_settings=call_settings,
        close_settings=close_settings,
        levels=levels,
        lines=line_frame,
        clients=client_frame,
        book=close_book,
        sizing=sizing,
        warnings=tuple(warnings),
    )


@dataclass(frozen=True)
class ForcedCloseView:
    """What the desk's forced-close screen shows: the settled days it can choose
    (newest first), the previewed day and its preview, or why there is none."""

    day: date | None
    days: tuple[date, ...]
    preview: ForcedClosePreview | None = None
    error: str = ""


def forced_close_view(
    reader: Reader,
    request: ForcedCloseRequest | None = None,
    progress: ProgressState | None = None,
) -> ForcedCloseView:
    """The settled days and the preview of ``request`` (a read). An input problem (an
    unknown client, a missing price or rate) comes back as ``error``, not raised."""
    req = request or ForcedCloseRequest()
    days = settled_days(reader.session)
    if not days:
        return ForcedCloseView(
            None, (), error="no settled day: run a settlement or 'riskdesk demo' first"
        )
    try:
        preview = preview_forced_close(reader, req, progress=progress)
    except InputError as exc:
        return ForcedCloseView(req.day or days[0], days, error=str(exc))
    return ForcedCloseView(preview.trading_day, days, preview)


# ============================================================== hand edits
@dataclass(frozen=True)
class EditedOrders:
    """A hand-edited order list recomputed (``review_edits``).

    ``lines``: the preview's lines with the edited close_lots and released_fen;
    ``reviews``: one ``OrderReview`` per client of the preview; ``warnings``: one per
    client whose list falls short or releases above the threshold (numbers only:
    (client, "short" | "over", released ÷ required in bp or None)).
    """

    lines: pd.DataFrame
    reviews: Mapping[str, OrderReview]
    warnings: tuple[tuple[str, str, int | None], ...] = field(default_factory=tuple)

    @property
    def orders(self) -> pd.DataFrame:
        return self.lines[self.lines["close_lots"] > 0].reset_index(drop=True)


def review_edits(preview: ForcedClosePreview, edited: pd.DataFrame) -> EditedOrders:
    """Recompute released ÷ required after the desk edited the orders (pure: no database).

    ``edited`` has client_code, contract_code, side, hedge and close_lots; lines it does
    not name close nothing. Raises InputError for a line the preview does not hold, a
    duplicated line or lots outside 0 … the line's lots.
    """
    keys = ["client_code", "contract_code", "side", "hedge"]
    missing = [c for c in [*keys, "close_lots"] if c not in edited.columns]
    if missing:
        raise InputError(f"edited orders need the columns {', '.join(missing)}")
    base = preview.lines[keys].astype({"hedge": bool}).reset_index(drop=True)
    ed = edited[[*keys, "close_lots"]].astype({"hedge": bool})
    if ed.duplicated(keys).any():
        raise InputError("an edited order list names a line twice")
    merged = ed.merge(base.reset_index(), on=keys, how="left")
    if merged["index"].isna().any():
        bad = merged[merged["index"].isna()].iloc[0]
        raise InputError(
            f"no open line {bad['contract_code']} {bad['side']} of client {bad['client_code']}"
        )
    k = np.zeros(len(base), np.int64)
    k[merged["index"].to_numpy(dtype=np.int64)] = merged["close_lots"].to_numpy(dtype=np.int64)
    try:
        released = preview.book.released(k)
    except ValueError as exc:
        raise InputError(f"edited orders: {exc}") from None
    lines = preview.lines.copy()
    lines["close_lots"] = k
    lines["released_fen"] = released
    over = preview.sizing.over_release.copy()
    reviews: dict[str, OrderReview] = {}
    warnings: list[tuple[str, str, int | None]] = []
    codes = preview.clients["client_code"].tolist()
    for c, code in enumerate(codes):
        rows = preview.book.client == c
        one = CloseBook.of(
            np.zeros(int(rows.sum()), np.int64),
            preview.book.price_fen[rows],
            preview.book.multiplier[rows],
            preview.book.lots[rows],
            preview.book.rate_ppm[rows],
            preview.book.hedge[rows],
            n_clients=1,
        )
        rv = review_orders(
            one, k[rows], int(preview.sizing.required_fen[c]), preview.close_settings.warn_above_bp
        )
        reviews[code] = rv
        over[c] = rv.over_release_fen
        if rv.is_short:
            warnings.append((code, "short", rv.ratio_bp))
        elif rv.is_over:
            warnings.append((code, "over", rv.ratio_bp))
    lines["one_less_short_fen"] = one_less_short(preview.book, k, over)
    return EditedOrders(lines, reviews, tuple(warnings))


# ============================================================== the export
EXPORT_COLUMNS = (
    "trading_day",
    "close_day",
    "client_code",
    "contract_code",
    "side",
    "close_side",
    "flag",
    "lots",
    "close_lots",
    "settlement_fen",
    "multiplier",
    "rate_ppm",
    "line_margin_fen",
    "released_fen",
    "balance_fen",
    "margin_fen",
    "available_fen",
    "required_fen",
    "client_released_fen",
)
"""The order list as exported: each order with the inputs it was made from (the settled
day and its prices and rates, the client's balances and requirement)."""


def order_table(preview: ForcedClosePreview, orders: pd.DataFrame | None = None) -> pd.DataFrame:
    """The export table (``EXPORT_COLUMNS``) of ``orders`` (default: the preview's; pass
    ``EditedOrders.lines`` for an edited list)."""
    lines = preview.lines if orders is None else orders
    lines = lines[lines["close_lots"] > 0]
    check_sum_bound(lines["released_fen"].to_numpy(np.int64), "release")  # a groupby sum wraps
    per_client = lines.groupby("client_code", sort=False)["released_fen"].sum()
    clients = preview.clients.set_index("client_code")
    out = pd.DataFrame(
        {
            "trading_day": preview.trading_day.isoformat(),
            "close_day": preview.close_day.isoformat(),
            "client_code": lines["client_code"],
            "contract_code": lines["contract_code"],
            "side": lines["side"],
            "close_side": lines["side"].map(CLOSE_SIDE),
            "flag": lines["flag"],
            "lots": lines["lots"],
            "close_lots": lines["close_lots"],
            "settlement_fen": lines["settlement_fen"],
            "multiplier": lines["multiplier"],
            "rate_ppm": lines["rate_ppm"],
            "line_margin_fen": lines["line_margin_fen"],
            "released_fen": lines["released_fen"],
        },
        columns=list(EXPORT_COLUMNS),
    )
    who = lines["client_code"]
    for col in ("balance_fen", "margin_fen", "available_fen", "required_fen"):
        out[col] = who.map(clients[col]).astype("int64")
    out["client_released_fen"] = who.map(per_client).astype("int64")
    return out.reset_index(drop=True)


def export_orders(
    db: Database,
    preview: ForcedClosePreview,
    path: Path,
    *,
    orders: pd.DataFrame | None = None,
    user: str | None = None,
) -> tuple[Path, Changes]:
    """Write the order list (``order_table``) to ``path`` (.csv, .xlsx, .json, .pdf) and
    audit it through the write door as ``export.forced_close_orders``. Raises
    InputError for an unknown suffix or an unwritable file (nothing audited then)."""
    table = order_table(preview, orders)
    export = TableExport(
        kind="forced_close_orders",
        frame=table,
        title=f"Forced close orders, {preview.close_day} (settled {preview.trading_day})",
        sheet="orders",
    )
    return export_table(db, export, path, user=user)
