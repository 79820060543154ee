"""The forced-close screen's read (``forced_close_view``) and the one-client preview
(``ForcedClosePreview.only``) the screen reviews hand edits with, on the small demo."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from core.db.call_queries import settled_days
from core.errors import InputError
from core.services.demo import create_demo_data
from core.services.forced_close import (
    ForcedCloseRequest,
    forced_close_view,
    preview_forced_close,
    review_edits,
)
from core.services.store import Database, open_database

DAY = date(2026, 11, 20)
KEYS = ["client_code", "contract_code", "side", "hedge", "close_lots"]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("close_view") / "demo.sqlite"
    db = open_database(f"sqlite:///{path}")
    create_demo_data(db, scale="small", user="tester")
    db.engine.dispose()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Iterator[Database]:
    target = tmp_path / "demo.sqlite"
    shutil.copy(template, target)
    database = open_database(f"sqlite:///{target}")
    yield database
    database.engine.dispose()


def test_settled_days_newest_first(db: Database) -> None:
    with db.reader() as reader:
        assert settled_days(reader.session) == (DAY, date(2026, 11, 19))
        assert settled_days(reader.session, limit=1) == (DAY,)


def test_view_holds_the_days_and_the_preview(db: Database) -> None:
    with db.reader() as reader:
        view = forced_close_view(reader)
        direct = preview_forced_close(reader)
    assert view.day == DAY
    assert view.days == (DAY, date(2026, 11, 19))
    assert view.error == ""
    assert view.preview is not None
    pd.testing.assert_frame_equal(view.preview.clients, direct.clients)
    with db.reader() as reader:
        bad = forced_close_view(reader, ForcedCloseRequest(clients=("nobody",)))
    assert bad.preview is None
    assert "nobody" in bad.error
    assert bad.days == view.days


def test_only_one_client_keeps_its_figures(db: Database) -> None:
    with db.reader() as reader:
        batch = preview_forced_close(reader, ForcedCloseRequest(day=DAY))
    codes = batch.clients["client_code"].tolist()
    assert len(codes) == 12
    for code in codes:
        one = batch.only([code])
        assert one.clients["client_code"].tolist() == [code]
        pd.testing.assert_frame_equal(
            one.clients, batch.clients[batch.clients["client_code"] == code].reset_index(drop=True)
        )
        pd.testing.assert_frame_equal(
            one.lines, batch.client_lines(code).reset_index(drop=True), check_dtype=False
        )
        assert one.explain(code) == batch.explain(code)
        # the proposal reviewed on its own gives the batch's release to the fen
        review = review_edits(one, one.orders[KEYS]).reviews[code]
        row = batch.clients.set_index("client_code").loc[code]
        assert review.released_fen == row["released_fen"]
        assert review.required_fen == row["required_fen"]
        assert review.is_over == bool(row["is_over"])
    with pytest.raises(InputError, match="not in this preview"):
        batch.only(["nobody"])
