"""SnapshotTableModel: engine figures, numeric sort, batched repaint, filters, selection."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt

from core.live import FakeClock, TradeEvent
from core.money import format_yuan
from core.rules.risk_levels import DEFICIT, FORCED_CLOSE, MARGIN_CALL, NORMAL, WARNING
from desktop import i18n
from desktop.models.columns import MUTED_BRUSH
from desktop.models.levels import LEVEL_FILTERS
from desktop.models.snapshot_table import (
    KEY_ROLE,
    RAW_ROLE,
    LiveFilter,
    LiveFrame,
    SnapshotTableModel,
)
from desktop.palette import LEVEL_TEXT_BRUSHES, LEVEL_TINTS, RED_BRUSH
from desktop.screens.monitor_tables import ACCOUNTS, CONTRACTS, POSITIONS, SnapshotTableView
from desktop.settings import UiSettings
from tests.desktop.live_fixtures import engine, static_for, tick


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _cell(
    model: SnapshotTableModel, row: int, key: str, role: int = Qt.ItemDataRole.DisplayRole
) -> Any:
    return model.index(row, model.column_of(key)).data(role)


def test_every_model_obeys_the_qt_contract(qtmodeltester: Any, clock: FakeClock) -> None:
    e = engine(40, clock)
    static = static_for(e)
    for spec in (ACCOUNTS, POSITIONS, CONTRACTS):
        model = SnapshotTableModel(spec)
        model.apply_snapshot(LiveFrame(e.snapshot(), static, clock.now().timestamp()))
        qtmodeltester.check(model)
        clock.advance(1)
        model.apply_snapshot(LiveFrame(e.apply([tick(clock, "m2501", 301_000)]), static))
        model.sort(2, Qt.SortOrder.DescendingOrder)
        model.set_filter(LiveFilter(min_level=WARNING))
        qtmodeltester.check(model)


def test_accounts_show_the_engines_figures(clock: FakeClock) -> None:
    e = engine(10, clock)
    static = static_for(e)
    snap = e.apply([tick(clock, "m2501", 302_000)])
    model = SnapshotTableModel(ACCOUNTS)
    model.apply_snapshot(LiveFrame(snap, static))
    acc = snap.accounts
    for row in (0, 4, 9):
        assert _cell(model, row, "client_code") == acc.keys[row]
        for key in ("dynamic_equity_fen", "margin_fen", "available_fen", "floating_pnl_fen"):
            assert _cell(model, row, key) == format_yuan(int(acc[key][row]))
        ppm = int(acc["risk_ratio_ppm"][row])
        # floored to the hundredth of a percent, as the level is decided
        assert (
            _cell(model, row, "risk_ratio_ppm") == f"{ppm // 10_000:,}.{ppm % 10_000 // 100:02d}%"
        )
        assert _cell(model, row, "risk_level") == "Normal"
        assert _cell(model, row, "risk_level", RAW_ROLE) == int(acc["risk_level"][row])
    positions = SnapshotTableModel(POSITIONS)
    positions.apply_snapshot(LiveFrame(snap, static))
    pos = snap.positions
    m_line = int(np.flatnonzero(pos["contract_index"] == 0)[0])  # a m2501 line
    y_line = int(np.flatnonzero(pos["contract_index"] == 1)[0])  # a y2501 line
    floating = format_yuan(int(pos["floating_pnl_fen"][m_line]))
    assert _cell(positions, m_line, "floating_pnl_fen") == floating
    assert _cell(positions, m_line, "last_price_fen") == format_yuan(302_000)
    assert _cell(positions, y_line, "prior_settlement_fen") == format_yuan(750_000)
    assert _cell(positions, y_line, "side") == "Long"


def test_sort_is_numeric_and_kept_across_updates(clock: FakeClock) -> None:
    e = engine(6, clock)
    static = static_for(e)
    model = SnapshotTableModel(ACCOUNTS)
    model.apply_snapshot(LiveFrame(e.snapshot(), static))
    model.sort(model.column_of("available_fen"), Qt.SortOrder.AscendingOrder)
    first = [_cell(model, r, "available_fen") for r in range(3)]
    assert first == ["9.00", "10.00", "100.00"]  # a text sort would give 10 < 100 < 9
    assert _cell(model, 0, "available_fen", RAW_ROLE) == 900
    order = [model.key_of(r) for r in range(model.rowCount())]
    clock.advance(1)
    model.apply_snapshot(LiveFrame(e.apply([tick(clock, "m2501", 280_000)]), static))
    assert [model.key_of(r) for r in range(model.rowCount())] == order


def test_a_batch_touching_many_rows_repaints_in_few_ranges(qtbot: Any, clock: FakeClock) -> None:
    e = engine(3_000, clock)
    static = static_for(e)
    model = SnapshotTableModel(ACCOUNTS)
    model.apply_snapshot(LiveFrame(e.snapshot(), static))
    signals: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, _roles: signals.append((a.row(), b.row())))
    clock.advance(1)
    snap = e.apply([tick(clock, "m2501", 305_000)])  # every even account from 4 on
    model.apply_snapshot(LiveFrame(snap, static))
    changed = snap.accounts.rows_changed_since(0)
    assert len(changed) > 1_000
    assert 1 <= len(signals) <= 16
    covered = {r for a, b in signals for r in range(a, b + 1)}
    assert set(changed.tolist()) <= covered


def test_filters_by_text_product_and_risk(clock: FakeClock) -> None:
    e = engine(12, clock)
    static = static_for(e)
    model = SnapshotTableModel(ACCOUNTS)
    model.apply_snapshot(LiveFrame(e.snapshot(), static))
    model.set_filter(LiveFilter(text="a0001"))
    assert [model.key_of(r) for r in range(model.rowCount())] == ["A00010", "A00011"]
    model.set_filter(LiveFilter(text="客户005"))
    assert model.rowCount() == 1
    model.set_filter(LiveFilter(product="y"))
    assert {model.key_of(r) for r in range(model.rowCount())} == {
        "A00003",
        "A00005",
        "A00007",
        "A00009",
        "A00011",
    }
    model.set_filter(LiveFilter(min_level=WARNING))
    assert model.rowCount() == 0  # every account is normal at the start
    clock.advance(1)
    snap = _every_level(e, clock)
    model.apply_snapshot(LiveFrame(snap, static))
    assert {model.key_of(r) for r in range(model.rowCount())} == {
        "A00000",
        "A00001",
        "A00004",
        "A00006",
    }
    positions = SnapshotTableModel(POSITIONS)
    positions.apply_snapshot(LiveFrame(snap, static))
    positions.set_filter(LiveFilter(product="m"))
    assert positions.rowCount() == 5  # A00000 (opened), 4, 6, 8 and 10 hold m2501
    assert all(_cell(positions, r, "contract_code") == "m2501" for r in range(positions.rowCount()))


def _every_level(e: Any, clock: FakeClock) -> Any:
    """Trades and ticks putting accounts of the 12-account engine at every level:
    A00000 forced close, A00001 deficit, A00004 warning, A00006 margin call."""
    now = clock.now()
    e.apply(
        [
            # 9 CNY holding 2,400 CNY of margin: forced close (ratio far above 100 %)
            TradeEvent("T1", "A00000", "m2501", "long", "open", 1, 300_000, now),
            # 100 CNY, 1 lot y2501: the fall to 6,900 loses 6,000 CNY: equity < 0, deficit
            TradeEvent("T2", "A00001", "y2501", "long", "open", 1, 750_000, now),
            # 18 lots m2501: margin 43,200 on 50,000 + 1,800 floating: 83.4 %, warning
            TradeEvent("T3", "A00004", "m2501", "long", "open", 16, 300_000, now),
            # 21 lots m2501: margin 50,400 > cash 50,000 (available < 0) but with 2,100 of
            # floating profit the ratio is 96.7 %: margin call
            TradeEvent("T4", "A00006", "m2501", "long", "open", 19, 300_000, now),
        ]
    )
    snap = e.apply([tick(clock, "m2501", 301_000), tick(clock, "y2501", 690_000)])
    levels = dict(zip(snap.accounts.keys, snap.accounts["risk_level"].tolist(), strict=True))
    assert {k: v for k, v in levels.items() if v != NORMAL} == {
        "A00000": FORCED_CLOSE,
        "A00001": DEFICIT,
        "A00004": WARNING,
        "A00006": MARGIN_CALL,
    }
    return snap


def test_level_filter_shows_exactly_that_level_or_worse(clock: FakeClock) -> None:
    e = engine(12, clock)
    static = static_for(e)
    clock.advance(1)
    snap = _every_level(e, clock)
    model = SnapshotTableModel(ACCOUNTS)
    model.apply_snapshot(LiveFrame(snap, static))
    level_of = dict(zip(snap.accounts.keys, snap.accounts["risk_level"].tolist(), strict=True))
    for min_level, _label in LEVEL_FILTERS:
        model.set_filter(LiveFilter(min_level=min_level))
        shown = {model.key_of(r) for r in range(model.rowCount())}
        want = {k for k, v in level_of.items() if min_level is None or v >= min_level}
        assert shown == want, min_level
    # the level column names the level in its colour and sorts by severity, then ratio
    model.set_filter(LiveFilter(min_level=WARNING))
    model.sort(model.column_of("risk_level"), Qt.SortOrder.DescendingOrder)
    assert [model.key_of(r) for r in range(4)] == ["A00001", "A00000", "A00006", "A00004"]
    assert [_cell(model, r, "risk_level") for r in range(4)] == [
        "Deficit",
        "Forced close",
        "Margin call",
        "Warning",
    ]
    foreground = Qt.ItemDataRole.ForegroundRole
    assert _cell(model, 0, "risk_level", foreground) == LEVEL_TEXT_BRUSHES[DEFICIT]
    # positions follow the accounts' level filter
    positions = SnapshotTableModel(POSITIONS)
    positions.apply_snapshot(LiveFrame(snap, static))
    positions.set_filter(LiveFilter(min_level=MARGIN_CALL))
    holders = {_cell(positions, r, "client_code") for r in range(positions.rowCount())}
    assert holders == {"A00000", "A00001", "A00006"}


def test_selection_and_scroll_survive_updates_and_filter_resets(
    qtbot: Any, clock: FakeClock
) -> None:
    e = engine(400, clock)
    static = static_for(e)
    model = SnapshotTableModel(ACCOUNTS)
    view = SnapshotTableView(UiSettings(), "test_accounts")
    qtbot.addWidget(view)
    view.set_snapshot_model(model)
    view.resize(600, 300)
    view.show()
    model.apply_snapshot(LiveFrame(e.snapshot(), static))
    model.sort(model.column_of("client_code"), Qt.SortOrder.DescendingOrder)
    assert view.select_key("A00123")
    for price in (296_000, 304_000):
        clock.advance(1)
        model.apply_snapshot(LiveFrame(e.apply([tick(clock, "y2501", price * 2)]), static))
    assert view.selected_keys() == ["A00123"]
    row = model.view_row_of_key("A00123")
    assert view.visualRect(model.index(row, 0)).intersects(view.viewport().rect())
    model.set_filter(LiveFilter(text="a001"))  # a reset: the set of rows changes
    assert view.selected_keys() == ["A00123"]


def test_rows_are_tinted_by_level_and_stale_prices_greyed(clock: FakeClock) -> None:
    e = engine(8, clock)
    static = static_for(e)
    clock.advance(1)
    # 1 lot of m2501 needs 2,400 CNY of margin; A00000 has 9 CNY: risk far above 100 %.
    snap = e.apply([TradeEvent("T1", "A00000", "m2501", "long", "open", 1, 300_000, clock.now())])
    model = SnapshotTableModel(ACCOUNTS)
    model.apply_snapshot(LiveFrame(snap, static))
    background = Qt.ItemDataRole.BackgroundRole
    row = model.view_row_of_key("A00000")
    assert model.index(row, 0).data(KEY_ROLE) == "A00000"
    assert model.index(row, 3).data(background) == LEVEL_TINTS[FORCED_CLOSE]
    assert model.index(model.view_row_of_key("A00004"), 3).data(background) is None
    assert model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole) is None
    clock.advance(3_600)  # y2501 has not ticked for an hour: stale
    snap = e.apply([tick(clock, "m2501", 301_000)])
    contracts = SnapshotTableModel(CONTRACTS)
    contracts.apply_snapshot(LiveFrame(snap, static, clock.now().timestamp()))
    foreground = Qt.ItemDataRole.ForegroundRole
    m, y = contracts.view_row_of_key("m2501"), contracts.view_row_of_key("y2501")
    change = contracts.column_of("change_fen")
    assert contracts.index(m, change).data(foreground) == RED_BRUSH  # up: red (Chinese)
    assert contracts.index(y, change).data(foreground) == MUTED_BRUSH
    assert contracts.index(y, 0).data(foreground) == MUTED_BRUSH


def test_missing_values_sort_last_and_selection_follows(clock: FakeClock) -> None:
    e = engine(8, clock)
    model = SnapshotTableModel(ACCOUNTS)
    model.apply_snapshot(LiveFrame(e.snapshot(), static_for(e)))
    column = model.column_of("limit_distance")  # only m2501 (even accounts) has a limit
    kept = QPersistentModelIndex(model.index(model.view_row_of_key("A00006"), 1))
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.sort(column, order)
        assert [model.key_of(r) for r in range(2)] == ["A00004", "A00006"]  # ties stable
        assert {_cell(model, r, "limit_distance") for r in range(2, 8)} == {"—"}
        assert kept.row() == model.view_row_of_key("A00006")
        assert kept.data(KEY_ROLE) == "A00006"


def test_retranslate_repaints_text_without_a_reset(clock: FakeClock) -> None:
    e = engine(6, clock)
    positions = SnapshotTableModel(POSITIONS)
    positions.apply_snapshot(LiveFrame(e.snapshot(), static_for(e)))
    resets: list[bool] = []
    changed: list[tuple[int, int, int, int, list[int]]] = []
    positions.modelReset.connect(lambda: resets.append(True))
    positions.dataChanged.connect(
        lambda a, b, roles: changed.append((a.row(), a.column(), b.row(), b.column(), roles))
    )
    assert _cell(positions, 0, "side") == "Long"
    i18n.set_language("zh")
    positions.retranslate()
    last = positions.columnCount() - 1
    assert resets == []
    assert changed == [(0, 0, positions.rowCount() - 1, last, [Qt.ItemDataRole.DisplayRole])]
    assert _cell(positions, 0, "side") == "多头"
    assert positions.headerData(0, Qt.Orientation.Horizontal) != POSITIONS.columns[0].spec.header
