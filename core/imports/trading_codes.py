"""The trading codes (交易编码) of imported clients: computed, compared, written alongside.

DCE identifies a client on the exchange by its trading code, the member code followed
by the client code (4 + 8 digits: ``0101`` + ``10000001`` = ``010110000001``). A clients
import does not ask for it: each client gets that code in the ``trading_code`` table
(as the demo data has them). Only missing codes are inserted and only changed ones
updated, so a re-import writes nothing; a code the table already holds for another
client (another split of the same digits) is refused rather than moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.tables import TradingCode
from core.imports.messages import Message, message
from core.imports.validate import RowErrors, ValidRows

IN_CHUNK = 500
WHOLE_TABLE_ABOVE = 20_000


@dataclass(frozen=True)
class SideWrite:
    """Rows of another table an import writes with its own: new rows, and primary key +
    changed columns."""

    model: type[TradingCode]
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)


def _stored(session: Session, codes: list[str]) -> dict[str, tuple[str, str, Any]]:
    """code → (client, member, opened_on) of the stored trading codes among ``codes``."""
    stmt = select(
        TradingCode.code, TradingCode.client_code, TradingCode.member_code, TradingCode.opened_on
    )
    rows: list[Any] = []
    if len(codes) > WHOLE_TABLE_ABOVE:
        wanted = set(codes)
        rows = [r for r in session.execute(stmt).all() if r[0] in wanted]
    else:
        for start in range(0, len(codes), IN_CHUNK):
            chunk = codes[start : start + IN_CHUNK]
            rows.extend(session.execute(stmt.where(TradingCode.code.in_(chunk))).all())
    return {str(code): (str(client), str(member), opened) for code, client, member, opened in rows}


def plan_trading_codes(session: Session, valid: ValidRows, errors: RowErrors) -> SideWrite:
    """The trading codes of the file's clients to insert or update (read-only).

    ``opened_on`` is copied from the client; it is compared only if the file has it.
    """
    frame = valid.frame
    clients = [str(c) for c in frame["code"].tolist()]
    members = [str(m) for m in frame["member_code"].tolist()]
    opened = frame["opened_on"].tolist()
    compare_opened = "opened_on" in valid.present
    codes = [m + c for m, c in zip(members, clients, strict=True)]
    stored = _stored(session, codes)
    out = SideWrite(TradingCode)
    taken = np.zeros(len(codes), dtype=bool)
    owners: dict[int, str] = {}
    for i, code in enumerate(codes):
        found = stored.get(code)
        row = {
            "code": code,
            "client_code": clients[i],
            "member_code": members[i],
            "opened_on": opened[i],
        }
        if found is None:
            out.inserts.append(row)
        elif found[0] != clients[i]:
            taken[i] = True
            owners[i] = found[0]
        elif found[1] != members[i] or (compare_opened and found[2] != opened[i]):
            if not compare_opened:
                del row["opened_on"]
            out.updates.append(row)
    layout = valid.layout
    order = layout.columns.index(layout.column("client"))

    def belongs_elsewhere(i: int) -> Message:
        return message("trading_code_taken", value=codes[i], client=owners[i])

    errors.add(taken, order, valid.headers.get("client", "client"), belongs_elsewhere, ("client",))
    return out
