"""The stress scenario library (issue 16 item 1): the starter TOML files and the
scenarios a desk saved in the database (table ``stress_scenario``).

A stored scenario's body is its TOML text (``scenario_to_toml``), so a saved scenario
and a file read back to the same ``Scenario``. Saving and deleting go through the one
write door (``core.services.store.write``: one transaction, one audit entry,
``scenario.save`` / ``scenario.delete``, capability ``risk``: risk officer and head of
risk). A stored scenario may not take a starter scenario's name (the starter library is
the same on every desk; a saved one is the firm's own).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.changes import Changes
from core.config import current_user
from core.db.reader import Reader
from core.db.stress_scenario_table import StressScenario
from core.db.tables import Contract, SettlementPrice
from core.errors import InputError
from core.rules.stress_scenario import (
    MAX_NAME,
    HistorySpec,
    PriceMove,
    Scenario,
    ScenarioDay,
    Target,
    library_scenarios,
    parse_scenario,
    scenario_to_toml,
)
from core.services.store import Database, Written, write
from core.trading_calendar import TradingCalendar, default_calendar

STORED = "database"
"""``Scenario.source`` of a scenario read from the database."""


def scenario_from_history(
    reader: Reader,
    contracts: tuple[str, ...],
    first_day: date,
    days: int,
    *,
    cal: TradingCalendar | None = None,
) -> tuple[ScenarioDay, ...]:
    """The days of ``contracts`` as they happened: on each of the ``days`` trading days
    from ``first_day``, a stored limit-lock flag becomes that limit move (which locks,
    at the day's limit price, as the stored settlement did) and any other day the
    settlement price's move from the day before in ticks. InputError naming the
    contract and day without a stored price, or a move that is not whole ticks."""
    calendar = cal or default_calendar()
    session = reader.session
    dates = [calendar.add_trading_days(first_day, i) for i in range(days)]
    prev = calendar.prev_td(first_day)
    ticks = dict(
        session.execute(
            select(Contract.code, Contract.tick_fen).where(Contract.code.in_(contracts))
        ).all()
    )
    for code in contracts:
        if code not in ticks:
            raise InputError(f"no contract {code!r} in the book", field="history.contracts")
    stored = {
        (d, c): (int(fen), lock)
        for d, c, fen, lock in session.execute(
            select(
                SettlementPrice.trading_day,
                SettlementPrice.contract_code,
                SettlementPrice.settlement_fen,
                SettlementPrice.limit_lock,
            ).where(
                SettlementPrice.contract_code.in_(contracts),
                SettlementPrice.trading_day.between(prev, dates[-1]),
            )
        ).all()
    }
    out: list[ScenarioDay] = []
    before = prev
    for when in dates:
        moves: list[PriceMove] = []
        for code in contracts:
            if (before, code) not in stored or (when, code) not in stored:
                missing = before if (before, code) not in stored else when
                raise InputError(
                    f"no stored settlement price of {code} on {missing}", field="history"
                )
            s_prev, _ = stored[(before, code)]
            s_day, lock = stored[(when, code)]
            target = Target("contract", code)
            if lock in ("limit_down", "limit_up"):
                moves.append(PriceMove(target, lock))  # type: ignore[arg-type]
                continue
            step, rest = divmod(s_day - s_prev, ticks[code])
            if rest:
                raise InputError(
                    f"{code} moved {s_day - s_prev} fen on {when}, not whole ticks of "
                    f"{ticks[code]} fen",
                    field="history",
                )
            moves.append(PriceMove(target, "ticks", ticks=step))
        out.append(ScenarioDay(moves=tuple(moves)))
        before = when
    return tuple(out)


def resolve(reader: Reader, scenario: Scenario) -> Scenario:
    """``scenario`` with its days: a ``[history]`` scenario's days read from the book
    (``scenario_from_history``); any other scenario as it is."""
    h: HistorySpec | None = scenario.history
    if h is None or scenario.days:
        return scenario
    days = scenario_from_history(reader, h.contracts, h.first_day, h.days)
    return replace(scenario, days=days)


def stored_scenarios(reader: Reader) -> list[Scenario]:
    """The saved scenarios, by name. A body that no longer parses is left out of the
    list and named in the ``InputError`` of ``find_scenario`` instead."""
    rows = reader.session.execute(
        select(StressScenario.name, StressScenario.body).order_by(StressScenario.name)
    ).all()
    out: list[Scenario] = []
    for name, body in rows:
        try:
            out.append(parse_scenario(body, STORED))
        except InputError:
            continue
        out[-1] = _named(out[-1], name)
    return out


def _named(s: Scenario, name: str) -> Scenario:
    return replace(s, name=name, source=STORED)


def all_scenarios(reader: Reader) -> list[Scenario]:
    """The starter library (file order), then the saved scenarios (by name); history
    scenarios with their days read from the book (left without days when the book
    lacks that history: running one then says why)."""
    out = []
    for s in [*library_scenarios(), *stored_scenarios(reader)]:
        try:
            out.append(resolve(reader, s))
        except InputError:
            out.append(s)
    return out


def find_scenario(reader: Reader, name: str) -> Scenario:
    """The starter or saved scenario called ``name`` (or by its Chinese title)."""
    known = all_scenarios(reader)
    for s in known:
        if name in (s.name, s.title_zh):
            return s
    names = "; ".join(s.name for s in known)
    raise InputError(f"no scenario {name!r} in the library ({names})", field="scenario")


def check_name(name: str) -> str:
    """A name a scenario may be saved under; InputError naming the field ``name``."""
    text = name.strip()
    if not text or len(text) > MAX_NAME:
        raise InputError(f"expected a name of 1 to {MAX_NAME} characters", field="name")
    if any(s.name == text or (s.title_zh and s.title_zh == text) for s in library_scenarios()):
        raise InputError(
            f"{text!r} is a starter scenario's name; save under another name", field="name"
        )
    return text


def save_scenario(
    db: Database, scenario: Scenario, *, name: str | None = None, user: str | None = None
) -> tuple[Scenario, Changes]:
    """Store ``scenario`` (under ``name`` when given), replacing a saved one of that
    name; audited ``scenario.save``. Returns the scenario as stored."""
    key = check_name(scenario.name if name is None else name)
    stored = replace(scenario, name=key, source=STORED)
    body = scenario_to_toml(stored)
    if parse_scenario(body, STORED) != stored:  # the format must carry every field
        raise InputError("the scenario cannot be written as TOML exactly", field="scenario")
    who = user or current_user()

    def work(session: Session) -> Written[Scenario]:
        row = session.get(StressScenario, key)
        replaced = row is not None
        if row is None:
            row = StressScenario(name=key)
            session.add(row)
        row.body, row.saved_by, row.saved_at = body, who, datetime.now(UTC)
        detail = {"name": key, "days": len(stored.days), "replaced": replaced, "body": body}
        return Written(stored, Changes(scenarios=True), detail)

    return write(db, "scenario.save", work, user=who)


def delete_scenario(db: Database, name: str, *, user: str | None = None) -> tuple[str, Changes]:
    """Delete the saved scenario ``name``; audited ``scenario.delete``. InputError for
    a starter scenario or a name not saved."""
    key = name.strip()
    if any(s.name == key for s in library_scenarios()):
        raise InputError(f"{key!r} is a starter scenario: it cannot be deleted", field="name")
    who = user or current_user()

    def work(session: Session) -> Written[str]:
        row = session.get(StressScenario, key)
        if row is None:
            raise InputError(f"no saved scenario {key!r}", field="name")
        detail = {"name": key, "body": row.body}
        session.delete(row)
        return Written(key, Changes(scenarios=True), detail)

    return write(db, "scenario.delete", work, user=who)
