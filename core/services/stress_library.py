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
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.changes import Changes
from core.config import current_user
from core.db.reader import Reader
from core.db.stress_scenario_table import StressScenario
from core.errors import InputError
from core.rules.stress_scenario import (
    MAX_NAME,
    Scenario,
    library_scenarios,
    parse_scenario,
    scenario_to_toml,
)
from core.services.store import Database, Written, write

STORED = "database"
"""``Scenario.source`` of a scenario read from the database."""


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
    """The starter library (file order), then the saved scenarios (by name)."""
    return [*library_scenarios(), *stored_scenarios(reader)]


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
