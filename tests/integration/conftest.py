"""The crash and concurrency tests' databases: the small demo on SQLite and PostgreSQL.

``copies`` (session, parametrized by backend) builds the demo once per worker and
backend and hands out copies (``tests/integration/processes.py``). Its PostgreSQL
parameter carries the ``postgres`` marker.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.processes import Copies, PostgresCopies, SqliteCopies


@pytest.fixture(
    scope="session",
    params=[
        pytest.param("sqlite", marks=pytest.mark.xdist_group("writers-sqlite")),
        pytest.param(
            "postgresql",
            marks=[pytest.mark.postgres, pytest.mark.xdist_group("writers-postgresql")],
        ),
    ],
)
def copies(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Copies]:
    if request.param == "sqlite":
        made: Copies = SqliteCopies(tmp_path_factory.mktemp("writers"))
    else:
        made = PostgresCopies(request.getfixturevalue("pg_server"))
    yield made
    made.close()
