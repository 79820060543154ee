"""Forced reduction workbench: m2701 locked limit-down on the demo's last three days."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.audit import AuditEntry, recent
from core.changes import Changes
from core.config import AppConfig
from core.db.engine import open_database
from desktop import i18n
from desktop.bus import AppBus
from desktop.context import DesktopContext
from desktop.screens.reduction import ReductionScreen, create
from desktop.settings import UiSettings
from desktop.tasks import TaskManager


# ------------------------------------------------------------------ shared fixtures
@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database (scale small) built once per test session."""
    from core.services.demo import create_demo_data

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = open_database(f"sqlite:///{path}")
    try:
        create_demo_data(db, scale="small", user="test")
    finally:
        db.engine.dispose()
    return path


@pytest.fixture
def demo_url(demo_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def demo_ctx(demo_url: str, qapp: object) -> Iterator[DesktopContext]:
    context = DesktopContext(
        db=open_database(demo_url),
        tasks=TaskManager(),
        bus=AppBus(),
        settings=UiSettings(),
        config=AppConfig(db_url=demo_url, user="tester"),
    )
    yield context
    context.close()


def open_screen(factory, ctx: DesktopContext, qtbot):  # type: ignore[no-untyped-def]
    """Create, show and wait for the first load of a workbench screen."""
    screen = factory(ctx, None)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    wait_loaded(screen, ctx, qtbot)
    return screen


def wait_loaded(screen, ctx: DesktopContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: screen.is_loaded and ctx.tasks.is_idle, timeout=15_000)


def column(model, key: str) -> list[object]:  # type: ignore[no-untyped-def]
    c = model.column_of(key)
    return [model.index(r, c).data() for r in range(model.rowCount())]


def raw(model, key: str) -> list[object]:  # type: ignore[no-untyped-def]
    return [model.raw_value(r, key) for r in range(model.rowCount())]


# ------------------------------------------------------------------ tests
@pytest.fixture
def screen(demo_ctx: DesktopContext, qtbot) -> ReductionScreen:  # type: ignore[no-untyped-def]
    return open_screen(create, demo_ctx, qtbot)


def test_opens_on_the_locked_contract_with_both_sides(
    screen: ReductionScreen, qtmodeltester
) -> None:
    assert screen.contract_combo.currentData() == "m2701"
    assert "m2701" in screen.subtitle_label.text()
    assert "2026-11-20" in screen.subtitle_label.text()
    declared = sum(int(v) for v in raw(screen.declaring_model, "declared_lots"))
    filled = sum(int(v) for v in raw(screen.declaring_model, "shown"))
    reduced = sum(int(v) for v in raw(screen.profitable_model, "shown"))
    assert declared > 0
    assert filled == declared == reduced  # largest remainder: allocations sum to the declared
    assert screen.facts["declared"][1].text() == f"{declared:,}"
    assert screen.facts["overshoot"][1].text() == "0"
    # Unverified defaults are tagged and announced.
    assert screen.params.tag_state("loss_threshold") == "unverified"
    assert screen.params.tags["loss_threshold"].text() == "unverified"
    assert "unverified" in screen.banner.text()
    assert "authoritative" in screen.banner.text()
    assert column(screen.declaring_model, "unit_pnl_bp")[0].endswith("%")
    for model in (screen.declaring_model, screen.profitable_model, screen.steps_model):
        qtmodeltester.check(model)


def test_rounding_switch_changes_the_highlighted_cells(screen: ReductionScreen) -> None:
    model = screen.profitable_model
    tinted = [r for r in range(model.rowCount()) if model.flag(r)]
    assert tinted, "the demo preview has cells where the roundings differ"
    shown_col = model.column_of("shown")
    before = [model.index(r, shown_col).data() for r in tinted]
    assert model.index(tinted[0], shown_col).data(8) is not None  # BackgroundRole tint
    assert model.index(tinted[0], 0).data(8) is None  # only the lots cells are tinted
    screen.set_rounding("half_up")
    after = [model.index(r, shown_col).data() for r in tinted]
    assert before != after
    reduced = sum(int(v) for v in raw(model, "shown"))
    declared = sum(int(v) for v in raw(screen.declaring_model, "declared_lots"))
    overshoot = int(screen.facts["overshoot"][1].text())
    assert overshoot > 0
    assert reduced == declared + overshoot
    assert "Half-up" in screen.explain_title.text()


def test_selecting_a_row_explains_the_allocation(screen: ReductionScreen, qtbot) -> None:
    model = screen.profitable_model
    code = str(model.raw_value(0, "client_code"))
    screen.profitable_view.setCurrentIndex(model.index(0, 0))
    assert code in screen.explain_title.text()
    assert screen.steps_model.rowCount() >= 1
    assert column(screen.steps_model, "raw")[0].count(".") == 1
    assert "tier" in screen.explain_facts.text()


def test_edited_threshold_is_tagged_and_recomputed(
    screen: ReductionScreen, demo_ctx, qtbot
) -> None:
    declared_before = sum(int(v) for v in raw(screen.declaring_model, "declared_lots"))
    edit = screen.params.editors["loss_threshold"]
    edit.clear()
    qtbot.keyClicks(edit, "40")
    edit.editingFinished.emit()
    wait_loaded(screen, demo_ctx, qtbot)
    assert screen.params.tag_state("loss_threshold") == "edited"
    declared_after = sum(int(v) for v in raw(screen.declaring_model, "declared_lots"))
    assert 0 < declared_after < declared_before


def test_as_if_d3_for_another_contract(screen: ReductionScreen, demo_ctx, qtbot) -> None:
    combo = screen.contract_combo
    index = combo.findData("y2701")
    assert index >= 0
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    wait_loaded(screen, demo_ctx, qtbot)
    assert screen.as_if_check.isChecked()
    assert "(as if D3)" in screen.facts["direction"][1].text()


def test_export_xlsx_csv_pdf(screen: ReductionScreen, qtbot, tmp_path: Path) -> None:
    changes: list[Changes] = []
    screen.ctx.bus.changes_applied.connect(lambda c, _initiator: changes.append(c))
    for name in ("alloc.xlsx", "alloc.csv", "alloc.pdf"):
        with qtbot.waitSignal(screen.exported, timeout=10_000):
            screen.export_to(tmp_path / name)
        assert (tmp_path / name).stat().st_size > 0
    text = (tmp_path / "alloc.csv").read_text(encoding="utf-8-sig")
    assert "client_code" in text
    assert "closed_lots" in text
    assert "unit_pnl_pct" in text.splitlines()[0]  # basis points written as percentages
    # Each export is audited (kind, rows, file) and announced to the audit log's screens.
    assert changes == [Changes(audit=True)] * 3
    entries = _audit(screen.ctx, "export.reduction")
    assert [e.detail_data()["file"] for e in entries] == ["alloc.pdf", "alloc.csv", "alloc.xlsx"]
    rows = len(screen.declaring_model.frame) + len(screen.profitable_model.frame)
    assert {e.detail_data()["rows"] for e in entries} == {rows}
    assert {e.detail_data()["kind"] for e in entries} == {"reduction"}
    assert {e.user for e in entries} == {screen.ctx.config.user}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_smoke_in_both_languages(demo_ctx, qtbot, lang: str) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language(lang)
    screen = open_screen(create, demo_ctx, qtbot)
    expected = "强制减仓" if lang == "zh" else "Forced reduction"
    assert screen.title_label.text() == expected
    if lang == "zh":
        assert screen.params.tags["loss_threshold"].text() == "未核实"
        assert "以交易所结果为准" in screen.banner.text()


def test_a_preview_writes_nothing(demo_ctx: DesktopContext, qtbot) -> None:
    before = _audit(demo_ctx)
    screen = open_screen(create, demo_ctx, qtbot)
    data = screen._data  # it ran a preview
    assert data is not None
    assert data.report is not None
    assert data.contract == "m2701"
    assert _audit(demo_ctx) == before  # a read: no audit entry (issue #12 too)


def _audit(ctx: DesktopContext, action: str | None = None) -> list[AuditEntry]:
    with ctx.db.reader() as reader:
        return recent(reader.session, limit=100, action=action)
