"""The desk's working copy of a forced-close preview: the computed orders with the
hand edits of some clients applied, reviewed and totalled (pure: no database).

The forced-close screen keeps one ``DeskOrders``: ``edit`` reviews one client's
edited list with ``core.services.forced_close.review_edits`` on that client alone
(``ForcedClosePreview.only``: milliseconds, whatever the size of the batch), ``reset``
drops every edit, and ``export_lines`` is the order list ``export_orders`` writes. The
figures are the rule's (``core.rules.client_forced_close``: ``CloseBook.released``,
``review_orders``); this module only puts them side by side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from core.errors import InputError
from core.money import ratio_bp
from core.rules.client_forced_close import PROVEN
from core.services.forced_close import EditedOrders, ForcedClosePreview, review_edits

EDITED = "edited"
"""Status of a client whose list the desk edited (``DESK_CLIENT_COLUMNS``)."""

_KEYS = ["client_code", "contract_code", "side", "hedge"]

DESK_CLIENT_COLUMNS = (
    "client_code",
    "client_name",
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
    "is_short",
    "has_offset",
)
"""``DeskOrders.clients``: the preview's client figures (``CLIENT_COLUMNS``), those of an
edited client recomputed from its list (status ``edited``); is_short when the list
releases less than required."""

DESK_LINE_COLUMNS = (
    "contract_code",
    "side",
    "close_side",
    "hedge",
    "flag",
    "lots",
    "close_lots",
    "proposed_lots",
    "margin_per_lot_fen",
    "released_fen",
    "one_less_short_fen",
    "eligible",
)
"""``DeskOrders.client_lines``: a client's lines with the desk's lots (close_lots), the
computed ones (proposed_lots), what they release and how far short one lot fewer
would leave the client (≤ 0: that lot is not needed)."""

ALTERNATIVE_COLUMNS = ("method", "released_fen", "over_release_fen", "lots", "lines", "covers")
"""``DeskOrders.alternatives``: the proposal ("proposal") and the sets it beat
(``ForcedClosePreview.explain``); over-release = released − required."""


@dataclass(frozen=True)
class DeskTotals:
    """Totals of ``DeskOrders.clients``; money in fen, ratio in basis points (None when
    nothing is required)."""

    clients: int
    required_fen: int
    released_fen: int
    over_release_fen: int
    shortfall_fen: int
    ratio_bp: int | None
    lots: int
    order_lines: int
    proven: int
    over: int
    short: int
    edited: int


@dataclass(frozen=True)
class DeskOrders:
    """A preview and the desk's edited lists (client → its review), immutable."""

    preview: ForcedClosePreview
    edits: Mapping[str, EditedOrders] = field(default_factory=dict)

    # ----------------------------------------------------------------- editing
    def edit(self, client: str, close_lots: Sequence[int]) -> DeskOrders:
        """The client's list with ``close_lots`` (one per line of ``client_lines``, in
        that order), reviewed; the proposal itself drops the edit. InputError for a
        client not in the preview or lots outside 0 … the line's lots."""
        one = self.preview.only([client])
        lots = np.asarray(close_lots, dtype=np.int64)
        if lots.shape != (len(one.lines),):
            raise InputError(f"client {client}: one close quantity per line ({len(one.lines)})")
        edits = dict(self.edits)
        if np.array_equal(lots, one.lines["close_lots"].to_numpy(dtype=np.int64)):
            edits.pop(client, None)
        else:
            edits[client] = review_edits(one, one.lines[_KEYS].assign(close_lots=lots))
        return replace(self, edits=edits)

    def reset(self) -> DeskOrders:
        """Every client back to the computed orders."""
        return replace(self, edits={})

    @property
    def is_edited(self) -> bool:
        return bool(self.edits)

    # ----------------------------------------------------------------- reading
    @cached_property
    def _position(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.preview.clients["client_code"].tolist())}

    @cached_property
    def clients(self) -> pd.DataFrame:
        """Per client (``DESK_CLIENT_COLUMNS``), the preview's order."""
        frame = self.preview.clients.copy()
        frame["is_short"] = frame["shortfall_fen"] > 0
        frame["status"] = frame["status"].astype(object)
        for code, edited in self.edits.items():
            review = edited.reviews[code]
            i = self._position[code]
            lots = edited.lines["close_lots"].to_numpy(dtype=np.int64)
            frame.loc[i, "released_fen"] = review.released_fen
            frame.loc[i, "over_release_fen"] = max(review.over_release_fen, 0)
            frame.loc[i, "shortfall_fen"] = max(-review.over_release_fen, 0)
            frame.loc[i, "ratio_bp"] = review.ratio_bp if review.ratio_bp is not None else pd.NA
            frame.loc[i, "close_lots"] = int(lots.sum())
            frame.loc[i, "lines"] = int(np.count_nonzero(lots))
            frame.loc[i, "status"] = EDITED
            frame.loc[i, "is_over"] = review.is_over
            frame.loc[i, "is_short"] = review.is_short
        return frame[list(DESK_CLIENT_COLUMNS)]

    def client_lines(self, client: str) -> pd.DataFrame:
        """The client's lines (``DESK_LINE_COLUMNS``) in the preview's order, with the
        desk's lots. InputError for a client not in the preview."""
        if client not in self._position:
            raise InputError(f"client {client!r} is not in this preview")
        proposal = self.preview.client_lines(client).reset_index(drop=True)
        edited = self.edits.get(client)
        lines = proposal if edited is None else edited.lines.reset_index(drop=True)
        return lines.assign(proposed_lots=proposal["close_lots"])[list(DESK_LINE_COLUMNS)]

    def alternatives(self, client: str) -> pd.DataFrame:
        """The client's proposal and the sets it beat (``ALTERNATIVE_COLUMNS``)."""
        if client not in self._position:
            raise InputError(f"client {client!r} is not in this preview")
        row = self.preview.clients.iloc[self._position[client]]
        required = int(row["required_fen"])
        rows = [("proposal", int(row["released_fen"]), int(row["close_lots"]), int(row["lines"]))]
        if required > 0:
            beaten = self.preview.explain(client)
            rows += [(a.method, a.released_fen, a.lots, a.lines) for a in beaten]
        return pd.DataFrame(
            {
                "method": [r[0] for r in rows],
                "released_fen": np.array([r[1] for r in rows], dtype=np.int64),
                "over_release_fen": np.array([r[1] - required for r in rows], dtype=np.int64),
                "lots": np.array([r[2] for r in rows], dtype=np.int64),
                "lines": np.array([r[3] for r in rows], dtype=np.int64),
                "covers": [r[1] >= required for r in rows],
            },
            columns=list(ALTERNATIVE_COLUMNS),
        )

    @property
    def warnings(self) -> tuple[tuple[str, str, int | None], ...]:
        """(client, "short" | "over", released ÷ required in bp) of the edited lists, by
        client code (``review_edits``' warnings)."""
        return tuple(w for code in sorted(self.edits) for w in self.edits[code].warnings)

    @cached_property
    def totals(self) -> DeskTotals:
        c = self.clients
        required = int(c["required_fen"].sum())
        released = int(c["released_fen"].sum())
        return DeskTotals(
            clients=len(c),
            required_fen=required,
            released_fen=released,
            over_release_fen=int(c["over_release_fen"].sum()),
            shortfall_fen=int(c["shortfall_fen"].sum()),
            ratio_bp=ratio_bp(released, required) if required > 0 else None,
            lots=int(c["close_lots"].sum()),
            order_lines=int(c["lines"].sum()),
            proven=int(c["status"].isin(PROVEN).sum()),
            over=int(c["is_over"].sum()),
            short=int(c["is_short"].sum()),
            edited=len(self.edits),
        )

    def export_lines(self) -> pd.DataFrame | None:
        """The order list for ``export_orders(orders=…)``: the preview's lines with the
        edited clients' lots and releases; None when nothing was edited."""
        if not self.edits:
            return None
        lines = self.preview.lines.copy()
        codes = lines["client_code"].to_numpy(dtype=object)
        for col in ("close_lots", "released_fen", "one_less_short_fen"):
            values = lines[col].to_numpy(dtype=np.int64, copy=True)
            for code, edited in self.edits.items():
                values[codes == code] = edited.lines[col].to_numpy(dtype=np.int64)
            lines[col] = values
        return lines
