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
from core.money import ratio_bp
from core.services.demo import create_demo_data
from core.services.forced_close import (
    ForcedCloseRequest,
    export_orders,
    forced_close_view,
    preview_forced_close,
    review_edits,
)
from core.services.forced_close_desk import EDITED, DeskOrders
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


# ----------------------------------------------------------------- the desk's copy
def test_desk_edits_are_reviewed_and_reset(db: Database, tmp_path: Path) -> None:
    """10000012: required 7,254.02; the proposal sells 3 of 8 m2701 long at 2,738.40 a
    lot (8,215.20, 113.25 %). Two lots release 5,476.80 (short), four 10,953.60."""
    with db.reader() as reader:
        batch = preview_forced_close(reader, ForcedCloseRequest(day=DAY))
    desk = DeskOrders(batch)
    assert not desk.is_edited
    assert desk.export_lines() is None
    pd.testing.assert_frame_equal(
        desk.clients.drop(columns=["is_short"]),
        batch.clients[list(desk.clients.columns.drop("is_short"))],
        check_dtype=False,
    )
    totals = desk.totals
    assert (totals.required_fen, totals.released_fen) == (batch.required_fen, batch.released_fen)
    assert totals.clients == 12
    assert totals.proven == 11  # one client is the best found within the node budget
    assert totals.over == 3

    lines = desk.client_lines("10000012")
    proposal = lines["close_lots"].tolist()
    assert proposal == lines["proposed_lots"].tolist()
    m = lines.index[lines["contract_code"] == "m2701"][0]
    assert (lines.loc[m, "close_lots"], lines.loc[m, "released_fen"]) == (3, 821_520)

    short = desk.edit("10000012", [2 if i == m else k for i, k in enumerate(proposal)])
    row = short.clients.set_index("client_code").loc["10000012"]
    assert row["status"] == EDITED
    assert (row["released_fen"], row["shortfall_fen"], row["over_release_fen"]) == (
        547_680,
        725_402 - 547_680,
        0,
    )
    assert bool(row["is_short"])
    assert not bool(row["is_over"])
    assert short.warnings == (("10000012", "short", ratio_bp(547_680, 725_402)),)
    assert short.client_lines("10000012").loc[m, "proposed_lots"] == 3
    assert short.totals.released_fen == batch.released_fen - 821_520 + 547_680
    assert short.totals.short == 1

    over = short.edit("10000012", [4 if i == m else k for i, k in enumerate(proposal)])
    assert over.warnings == (("10000012", "over", ratio_bp(1_095_360, 725_402)),)
    exported = over.export_lines()
    assert exported is not None
    mine = exported[exported["client_code"] == "10000012"]
    assert mine["close_lots"].tolist()[m] == 4
    others = exported[exported["client_code"] != "10000012"]
    pd.testing.assert_frame_equal(
        others, batch.lines[batch.lines["client_code"] != "10000012"], check_dtype=False
    )
    back = over.edit("10000012", proposal)  # the proposal again: no edit left
    assert not back.is_edited
    assert not over.reset().is_edited
    with pytest.raises(InputError, match="closes 9"):
        desk.edit("10000012", [9 if i == m else k for i, k in enumerate(proposal)])
    # the export of the edited list keeps the desk's lots
    path, _ = export_orders(db, batch, tmp_path / "edited.csv", orders=exported, user="t")
    table = pd.read_csv(path, dtype={"client_code": str})
    assert table[table["client_code"] == "10000012"]["close_lots"].tolist() == [4]


def test_desk_alternatives_put_the_proposal_first(db: Database) -> None:
    with db.reader() as reader:
        batch = preview_forced_close(reader, ForcedCloseRequest(clients=("10000378",)))
    alts = DeskOrders(batch).alternatives("10000378")
    assert alts["method"].tolist() == [
        "proposal",
        "best_single_line",
        "largest_remainder",
        "same_ratio",
        "fewest_lots",
    ]
    first = alts.iloc[0]
    assert (first["released_fen"], first["over_release_fen"]) == (153_440, 153_440 - 96_512)
    covering = alts[alts["covers"]]
    assert (covering["over_release_fen"] >= first["over_release_fen"]).all()
