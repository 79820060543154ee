"""Saved stress scenarios (issue 16 item 1), on the small demo database: the write door
(audited, role-gated), the round trip through the database, the command and the
screen's Save and Delete buttons."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from core.access import allowed_roles, needed_capability
from core.audit import recent
from core.cli import main
from core.db.engine import open_database
from core.errors import InputError
from core.rules.stress_scenario import library_scenarios, parse_scenario
from core.services.stress import StressRequest, client_table, day_table, run_stress
from core.services.stress_library import (
    STORED,
    all_scenarios,
    delete_scenario,
    find_scenario,
    save_scenario,
    stored_scenarios,
)
from desktop.context import DesktopContext
from desktop.screens.stress import StressScreen, create
from tests.desktop import test_reduction_screen as shared
from tests.desktop.test_reduction_screen import open_screen, wait_loaded

demo_ctx = shared.demo_ctx
demo_template = shared.demo_template
demo_url = shared.demo_url

TOML = """\
name = "m2701 down 20 ticks, margin +2"
title_zh = "豆粕2701下跌20跳"
description = "one day: m2701 -20 ticks, every rate +2 points, a client deposit"

[[day]]
price = [{ contract = "m2701", move = "-20 ticks" }]
margin = [{ all = true, change = "+2" }]
deposit = [{ client = "10000001", amount = "1000.50" }]
"""


def _db(url: str):  # type: ignore[no-untyped-def]
    return open_database(url)


def test_saving_needs_the_risk_capability() -> None:
    for action in ("scenario.save", "scenario.delete"):
        assert needed_capability(action) == "risk"
        assert allowed_roles(action) == ("risk_officer", "head_of_risk")


def test_a_stored_scenario_round_trips_and_runs_like_its_toml(demo_url: str) -> None:
    from_file = parse_scenario(TOML, "file")
    db = _db(demo_url)
    try:
        stored, changes = save_scenario(db, from_file, user="alice")
        assert stored == from_file
        assert changes.scenarios
        assert changes.audit
        with db.reader() as reader:
            back = stored_scenarios(reader)
            assert back == [from_file]  # the source is not part of a scenario's value
            assert back[0].source == STORED
            assert [s.name for s in all_scenarios(reader)] == [
                *(s.name for s in library_scenarios()),
                from_file.name,
            ]
            assert find_scenario(reader, "豆粕2701下跌20跳") == from_file
            entry = recent(reader.session, 1, "scenario.save")[0]
            assert entry.user == "alice"
            assert entry.detail_data()["name"] == from_file.name
            assert entry.detail_data()["replaced"] is False
            run_file = run_stress(reader, StressRequest(from_file))
            run_db = run_stress(reader, StressRequest(back[0]))
        pd.testing.assert_frame_equal(day_table(run_file), day_table(run_db))
        pd.testing.assert_frame_equal(client_table(run_file), client_table(run_db))
        # the deposit reached the client: 1,000.50 more equity than without it
        i = run_db.clients.index("10000001")
        assert int(run_db.days[0].deposits_fen[i]) == 100_050

        # saving again under the same name replaces it (one row, "replaced")
        save_scenario(db, from_file, name=from_file.name, user="alice")
        with db.reader() as reader:
            assert len(stored_scenarios(reader)) == 1
            assert recent(reader.session, 1, "scenario.save")[0].detail_data()["replaced"]
        name, _ = delete_scenario(db, from_file.name, user="bob")
        assert name == from_file.name
        with db.reader() as reader:
            assert stored_scenarios(reader) == []
            assert recent(reader.session, 1, "scenario.delete")[0].user == "bob"
    finally:
        db.engine.dispose()


def test_bad_names_are_refused_and_nothing_is_written(demo_url: str) -> None:
    starter = library_scenarios()[0]
    db = _db(demo_url)
    try:
        with pytest.raises(InputError, match="starter scenario's name") as err:
            save_scenario(db, starter)
        assert err.value.field == "name"
        with pytest.raises(InputError, match="1 to 80 characters"):
            save_scenario(db, starter, name="  ")
        with pytest.raises(InputError, match="cannot be deleted"):
            delete_scenario(db, starter.name)
        with pytest.raises(InputError, match="no saved scenario 'nope'"):
            delete_scenario(db, "nope")
        with db.reader() as reader:
            assert stored_scenarios(reader) == []
            assert recent(reader.session, 5, "scenario.save") == []
    finally:
        db.engine.dispose()


def test_the_command_saves_lists_runs_and_deletes(
    demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.toml"
    path.write_text(TOML, encoding="utf-8")
    assert main(["--db", demo_url, "stress", "--file", str(path), "--save", "my m"]) == 0
    assert "saved scenario 'my m' (1 days)" in capsys.readouterr().out
    assert main(["--db", demo_url, "stress", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "my m  (豆粕2701下跌20跳; 1 days; saved)" in listed
    assert "m: three limit-down days  (豆粕连续三个跌停; 3 days; starter)" in listed
    assert main(["--db", demo_url, "stress", "--scenario", "my m"]) == 0
    assert "scenario 'my m': 1 day(s) after 2026-11-20" in capsys.readouterr().out
    assert main(["--db", demo_url, "stress", "--delete", "my m"]) == 0
    assert "deleted saved scenario 'my m'" in capsys.readouterr().out
    assert main(["--db", demo_url, "stress", "--scenario", "my m"]) == 2
    assert "no scenario 'my m'" in capsys.readouterr().err
    assert main(["--db", demo_url, "stress", "--list", "--save", "x"]) == 2
    assert "--save needs --file" in capsys.readouterr().err


@pytest.fixture
def screen(demo_ctx: DesktopContext, qtbot) -> StressScreen:  # type: ignore[no-untyped-def]
    return open_screen(create, demo_ctx, qtbot)


def test_save_and_delete_buttons(screen: StressScreen, demo_ctx: DesktopContext, qtbot) -> None:
    starters = len(library_scenarios())
    assert screen.scenario_combo.count() == starters
    assert not screen.delete_button.isEnabled()  # a starter scenario cannot be deleted
    # a starter's name is refused, said in the banner, nothing stored
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert "Name: 'm: three limit-down days' is a starter scenario's name" in (
        screen.error_banner.text()
    )
    qtbot.waitUntil(lambda: demo_ctx.tasks.is_idle, timeout=10_000)
    with demo_ctx.db.reader() as reader:
        assert stored_scenarios(reader) == []
    assert screen.scenario_combo.count() == starters
    # edit a row, name it and save
    model = screen.editor_model
    model.setData(model.index(0, 2), "-10 ticks")
    screen.name_edit.clear()
    qtbot.keyClicks(screen.name_edit, "m: ten ticks down then locks")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "saved." in screen.banner.text(), timeout=10_000)
    assert screen.scenario_combo.count() == starters + 1
    assert screen.scenario_combo.currentText() == "m: ten ticks down then locks (saved)"
    assert "Scenario m: ten ticks down then locks saved." in screen.banner.text()
    assert screen.delete_button.isEnabled()
    with demo_ctx.db.reader() as reader:
        (saved,) = stored_scenarios(reader)
    assert saved.name == "m: ten ticks down then locks"
    assert [len(d.moves) for d in saved.days] == [1, 1, 1]
    assert saved.days[0].moves[0].text() == "-10 ticks"
    # delete it: asked first; Cancel keeps it, Yes deletes it
    box = screen.ask_delete()
    assert box is not None
    assert "m: ten ticks down then locks" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: demo_ctx.tasks.is_idle, timeout=10_000)
    assert screen.scenario_combo.count() == starters + 1
    qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)
    box = screen.delete_question
    assert box is not None
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: "deleted" in screen.banner.text(), timeout=10_000)
    assert screen.scenario_combo.count() == starters
    with demo_ctx.db.reader() as reader:
        assert stored_scenarios(reader) == []
        assert [e.action for e in recent(reader.session, 2)] == [
            "scenario.delete",
            "scenario.save",
        ]
    wait_loaded(screen, demo_ctx, qtbot)


def test_save_and_delete_are_gated_by_role(screen: StressScreen) -> None:
    """Server mode: a viewer may not save or delete (the buttons say why); a risk
    officer may."""
    from core.access import Identity
    from desktop.role_gate import gate

    viewer = Identity(user="vera", roles=("viewer",), server=True)
    gate(viewer, screen.role_gates())
    assert not screen.save_button.isEnabled()
    assert "risk officer" in screen.save_button.toolTip()
    assert "head of risk" in screen.delete_button.toolTip()
    officer = Identity(user="otto", roles=("risk_officer",), server=True)
    gate(officer, screen.role_gates())
    assert screen.save_button.isEnabled()
    assert screen.save_button.toolTip() == (
        "Store the edited scenario in the database under this name"
    )
    assert screen.ask_delete() is None  # a starter scenario is chosen: nothing to delete
