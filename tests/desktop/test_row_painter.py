"""The monitor's one-pass row painter draws exactly what Qt's delegate draws.

``desktop.widgets.row_painter`` replaces Qt's cell-by-cell painting on the live
monitor's tables (issue #17: a quarter of the time). The proof that nothing a user sees
changed: the same table painted both ways, pixel by pixel, with the app's look, in both
languages, with a selected row, risk-level tints and colours, a price tick (red/green),
a muted stale contract, the frozen first column, and texts elided in a narrow column.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from core.live import FakeClock, LiveRiskEngine
from desktop import i18n
from desktop.app import apply_look
from desktop.models.column_model import ColumnTableModel
from desktop.models.frame_table import TintedFrameModel
from desktop.models.snapshot_table import LiveFrame, LiveTableSpec, SnapshotTableModel
from desktop.screens.monitor_tables import ACCOUNTS, CONTRACTS, POSITIONS, SnapshotTableView
from desktop.settings import UiSettings
from desktop.widgets import row_painter
from tests.desktop.live_fixtures import DAY, M, Y, static_for, tick


@pytest.fixture
def looked(qapp: QApplication) -> Any:
    """The app's look (Fusion, style sheet, font) for this test, then Qt's defaults."""
    sheet, font, style = qapp.styleSheet(), qapp.font(), qapp.style().name()
    apply_look(qapp)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)
    qapp.setStyle(style)


def _frame() -> LiveFrame:
    """60 accounts as ``live_fixtures.engine`` makes them, but every fifth with less
    cash, so that the risk levels (and their row tints) run from normal to deficit;
    m2501 ticks up, y2501 down."""
    clock = FakeClock()
    n = 60
    cash = np.full(n, 5_000_000, dtype=np.int64)
    cash[:3] = (900, 10_000, 1_000)
    cash[5::5] = np.linspace(1_000_000, 3_000_000, len(cash[5::5])).astype(np.int64)
    lines = np.arange(3, n)
    e = LiveRiskEngine(
        trading_day=DAY,
        contracts=[M, Y],
        account_codes=[f"A{i:05d}" for i in range(n)],
        balance_fen=cash,
        line_account=lines,
        line_contract=lines % 2,
        line_side=np.zeros(len(lines), dtype=np.int64),  # long
        line_hedge=np.zeros(len(lines), dtype=bool),
        line_lots=np.full(len(lines), 2),
        clock=clock,
    )
    e.apply([tick(clock, "m2501", 330_000), tick(clock, "y2501", 700_000)])
    return LiveFrame(e.snapshot(), static_for(e), time.time())


def _grab(spec: LiveTableSpec, frame: LiveFrame, fast: bool, qtbot: Any, narrow: bool) -> QImage:
    model = SnapshotTableModel(spec)
    view = SnapshotTableView(UiSettings(persist=False), f"paint_{spec.name}")
    qtbot.addWidget(view)
    view.fast_paint = fast
    view.set_snapshot_model(model)
    view.apply_default_widths([c.spec for c in spec.columns])
    if narrow:
        view.setColumnWidth(1, 60)  # the second column's texts elided ("…")
    view.freeze_first_column()
    view.resize(1100, 420)
    view.show()
    model.apply_snapshot(frame)
    view.selectRow(4)
    qtbot.waitExposed(view)
    QApplication.processEvents()
    return view.grab().toImage()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("spec", [ACCOUNTS, POSITIONS, CONTRACTS], ids=lambda s: s.name)
def test_one_pass_paints_the_same_pixels_as_the_delegate(
    looked: Any, qtbot: Any, spec: LiveTableSpec, lang: str
) -> None:
    i18n.set_language(lang)
    frame = _frame()
    for narrow in (False, True):
        fast = _grab(spec, frame, True, qtbot, narrow)
        cells = _grab(spec, frame, False, qtbot, narrow)
        assert fast.size() == cells.size()
        assert fast == cells, f"{spec.name} {lang} narrow={narrow}: the pixels differ"


def test_the_painted_block_is_what_data_gives(qapp: QApplication) -> None:
    """``row_looks`` (what the painter draws) equals ``data()`` cell by cell: texts,
    foreground brushes and row tints."""
    from PySide6.QtCore import Qt

    model = SnapshotTableModel(ACCOUNTS)
    model.apply_snapshot(_frame())
    rows = range(model.rowCount())
    columns = list(range(model.columnCount()))
    looks = model.row_looks(rows, columns)
    tinted = 0
    for row, (tint, cells) in zip(rows, looks, strict=True):
        index = model.index(row, 0)
        assert tint == index.data(Qt.ItemDataRole.BackgroundRole)
        tinted += tint is not None
        for column, (text, brush) in zip(columns, cells, strict=True):
            cell = model.index(row, column)
            assert text == (cell.data() or "")
            assert brush == cell.data(Qt.ItemDataRole.ForegroundRole)
    assert tinted  # the cash-only accounts are at risk: their rows are tinted


def test_only_models_answering_through_their_hooks_are_painted_in_one_pass() -> None:
    """A model overriding ``data()`` (a tinted frame's own tint, an editable column)
    may answer what ``row_looks`` does not know: Qt paints it cell by cell."""
    assert row_painter.usable(SnapshotTableModel(ACCOUNTS))
    assert not row_painter.usable(TintedFrameModel([], flag_key="x", tints={}))
    assert not row_painter.usable(object())
    assert issubclass(TintedFrameModel, ColumnTableModel)
