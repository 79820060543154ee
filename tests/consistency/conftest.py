"""Databases for the consistency suite, on SQLite and on PostgreSQL.

``backend`` (session, parametrized) is a place to create, clone and drop databases:
SQLite files in a session folder, or databases on the session's PostgreSQL test server
(``pg_server`` in tests/conftest.py). Its PostgreSQL parameter carries the ``postgres``
marker. Its ``xdist_group`` marks (with each module's) would keep one backend's
databases on one worker; with pytest 9.2 and pytest-xdist 3.8 ``--dist loadgroup`` does
not group (xdist renames ``item._nodeid``, which pytest 9 no longer reads), so each
worker builds the templates it needs.

* ``demo_case``: the small demo (``create_demo_data(scale="small")``, last settled day
  2026-11-20, live day 2026-11-23), built once per session into a template and copied
  per test (Anki's getEmptyCol trick: a file copy on SQLite, ``CREATE DATABASE …
  TEMPLATE`` on PostgreSQL).
* ``generated``: hypothesis-built databases (``scenario.py``), one per scenario and
  backend, cloned from an empty migrated template and settled once; the checks only
  read, so every test that draws the same scenario reuses it (all generated tests use
  one seed and one settings object, so they draw the same scenarios).
"""

from __future__ import annotations

import importlib
import itertools
import pkgutil
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from core.db.engine import Database, open_database
from core.services.demo import create_demo_data
from tests.conftest import PgServer
from tests.consistency import surfaces as sf
from tests.consistency.checks import Case
from tests.consistency.scenario import MEMBER, Scenario, write_scenario

DEMO_MEMBER = "0101"


def _import_local_code() -> None:
    """Load every module of ``core`` and ``desktop`` before the first draw.

    Hypothesis also draws constants found in the source of the local modules loaded so
    far (``hypothesis.internal.conjecture.providers._get_local_constants``), so the
    generated scenarios changed with what other tests had imported: the full suite drew
    other databases than ``pytest tests/consistency`` (one of them found the liquidation
    defect noted in test_generated.py). With all local code loaded first, the scenarios
    depend on the code only, as the module doc promises.
    """
    import core
    import desktop

    for package in (core, desktop):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".migrations" not in module.name:  # Alembic's env runs only under Alembic
                importlib.import_module(module.name)


_import_local_code()


class Backend:
    """Creates, clones and drops databases of one kind; names are unique per session."""

    name = ""

    def __init__(self) -> None:
        self._n = itertools.count(1)

    def unique(self, prefix: str) -> str:
        return f"{prefix}_{next(self._n)}"

    def create(self, prefix: str) -> str:
        raise NotImplementedError

    def clone(self, template_url: str, prefix: str) -> str:
        raise NotImplementedError

    def drop(self, url: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the backend holds (the server is the session fixture's)."""


class SqliteBackend(Backend):
    name = "sqlite"

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def _path(self, url: str) -> Path:
        return Path(make_url(url).database or "")

    def create(self, prefix: str) -> str:
        return f"sqlite:///{self.folder / self.unique(prefix)}.sqlite"

    def clone(self, template_url: str, prefix: str) -> str:
        url = self.create(prefix)
        shutil.copyfile(self._path(template_url), self._path(url))
        return url

    def drop(self, url: str) -> None:
        path = self._path(url)
        for extra in ("", "-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)


class PostgresBackend(Backend):
    name = "postgresql"

    def __init__(self, server: PgServer) -> None:
        super().__init__()
        self.server = server
        self.admin = create_engine(server.url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def _run(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def create(self, prefix: str) -> str:
        name = self.unique(prefix)
        self._run(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.server.url(name)

    def clone(self, template_url: str, prefix: str) -> str:
        name = self.unique(prefix)
        self._run(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template_url).database}"')
        return self.server.url(name)

    def drop(self, url: str) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        self.admin.dispose()


@pytest.fixture(
    scope="session",
    params=[
        pytest.param("sqlite", marks=pytest.mark.xdist_group("consistency-sqlite")),
        pytest.param(
            "postgresql",
            marks=[pytest.mark.postgres, pytest.mark.xdist_group("consistency-postgresql")],
        ),
    ],
)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    if request.param == "sqlite":
        made: Backend = SqliteBackend(tmp_path_factory.mktemp("consistency"))
    else:
        made = PostgresBackend(request.getfixturevalue("pg_server"))
    yield made
    made.close()


@contextmanager
def opened_case(url: str, member: str, day: date, label: str) -> Iterator[Case]:
    db = open_database(url, create=False)
    try:
        yield Case(db=db, member=member, settled_day=day, label=label)
    finally:
        db.engine.dispose()


# --------------------------------------------------------------------- the small demo
@pytest.fixture(scope="session")
def demo_template(backend: Backend) -> str:
    """URL of the small demo built once per session and backend (never opened by tests)."""
    url = backend.create("demo_template")
    db = open_database(url)
    try:
        create_demo_data(db, scale="small", user="consistency")
    finally:
        db.engine.dispose()
    return url


@pytest.fixture
def demo_case(backend: Backend, demo_template: str) -> Iterator[Case]:
    """A fresh copy of the small demo: D = 2026-11-20, L = 2026-11-23, member 0101.

    No check writes, so every copy shares the surfaces read from the template
    (``surfaces.same_data_as``); a test that writes must call ``surfaces.forget`` first.
    """
    url = backend.clone(demo_template, "demo")
    try:
        with opened_case(
            url, DEMO_MEMBER, date(2026, 11, 20), f"small demo ({backend.name})"
        ) as case:
            sf.same_data_as(case.db, demo_template)  # no check writes: share surfaces
            yield case
            sf.forget(case.db)
    finally:
        backend.drop(url)


# --------------------------------------------------------------------- generated
class GeneratedDatabases:
    """Built databases by scenario, for one backend: read-only once built, kept open
    for the session (opening costs more than most checks)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._template: str | None = None
        self._built: dict[Scenario, Database] = {}

    def _empty(self) -> str:
        if self._template is None:
            url = self.backend.create("empty_template")
            open_database(url).engine.dispose()  # migrated, products synced
            self._template = url
        return self._template

    @contextmanager
    def case(self, scenario: Scenario) -> Iterator[Case]:
        db = self._built.get(scenario)
        if db is None:
            db = open_database(self.backend.clone(self._empty(), "generated"), create=False)
            write_scenario(db, scenario)
            self._built[scenario] = db
        label = f"generated ({self.backend.name}): {scenario.describe()}"
        yield Case(db=db, member=MEMBER, settled_day=scenario.settled_day, label=label)

    def close(self) -> None:
        for db in self._built.values():
            db.engine.dispose()


@pytest.fixture(scope="session")
def generated(backend: Backend) -> Iterator[GeneratedDatabases]:
    databases = GeneratedDatabases(backend)
    yield databases
    databases.close()
