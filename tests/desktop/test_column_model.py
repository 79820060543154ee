"""ColumnTableModel: the shared Qt contract over Column specs, through a minimal subclass."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt

from desktop.models.column_model import (
    ABSENT,
    RAW_ROLE,
    ColumnTableModel,
    SortKeys,
    stable_order,
)
from desktop.models.columns import DANGER_BRUSH, Column, Kind

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
ROW_ROLE = Qt.ItemDataRole.UserRole + 7


def test_stable_order_puts_missing_last_and_keeps_ties_in_both_directions() -> None:
    values = np.array([2, 1, 0, 2, 1])
    missing = np.array([False, False, True, False, False])
    assert stable_order(values, missing, ASC).tolist() == [1, 4, 0, 3, 2]
    assert stable_order(values, missing, DESC).tolist() == [0, 3, 1, 4, 2]
    assert stable_order(np.empty(0), np.empty(0, dtype=bool), DESC).tolist() == []


class ListModel(ColumnTableModel):
    """Rows of a dict of lists; "note" values of None are absent cells."""

    _SERVED = frozenset({Qt.ItemDataRole.DisplayRole, RAW_ROLE, ROW_ROLE})

    def __init__(self, columns: tuple[Column, ...], rows: dict[str, list[Any]]) -> None:
        super().__init__(columns)
        self._rows = rows
        self._resort()
        self._set_shown()

    @property
    def total_rows(self) -> int:
        return len(self._rows["n"])

    def _cell(self, source_row: int, column: int, raw: bool) -> Any:
        value = self._rows[self._columns[column].key][source_row]
        return ABSENT if value is None and not raw else value

    def _sort_values(self, column: int) -> SortKeys | None:
        values = self._rows[self._columns[column].key]
        if column == 1:
            return None  # notes are not sortable: source order
        return np.array(values), np.zeros(len(values), dtype=bool)

    def _row_data(self, source_row: int, role: int) -> Any:
        return f"row {source_row}"


COLUMNS = (
    Column("n", "Lots", Kind.INT),
    Column("note", "Client name", Kind.TEXT),
    Column("n", "Lots again", Kind.INT),
)


@pytest.fixture
def model(qapp: object) -> ListModel:
    return ListModel(COLUMNS, {"n": [30, -1, 20], "note": ["a", None, "c"]})


def test_contract_roles_and_hooks(qtmodeltester: Any, model: ListModel) -> None:
    qtmodeltester.check(model)
    assert [model.index(r, 0).data() for r in range(3)] == ["30", "-1", "20"]
    assert model.index(1, 1).data() is None  # absent cell
    assert model.index(1, 1).data(RAW_ROLE) is None
    assert model.index(2, 0).data(ROW_ROLE) == "row 2"
    # Roles this model does not serve, though the base could answer them:
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) is None
    assert model.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) == COLUMNS[0].alignment
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Client name"
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.column_of("n") == 0  # the first column with the key


def test_sort_moves_persistent_indexes_and_none_keeps_source_order(model: ListModel) -> None:
    kept = QPersistentModelIndex(model.index(0, 1))  # the row with note "a"
    model.sort(0, ASC)
    assert [model.source_row(r) for r in range(3)] == [1, 2, 0]
    assert kept.row() == 2
    assert model.view_row(0) == 2
    model.sort(1, DESC)
    assert [model.source_row(r) for r in range(3)] == [0, 1, 2]
    assert kept.row() == 0
    model.sort(9, ASC)  # no such column: nothing happens
    assert kept.row() == 0


def test_default_foreground_comes_from_the_column(qapp: object) -> None:
    class Served(ListModel):
        _SERVED = frozenset({Qt.ItemDataRole.ForegroundRole})

    ratio = (Column("n", "Risk ratio", Kind.RATIO, danger_at=1.0),)
    model = Served(ratio, {"n": [0.5, 1.5], "note": [None, None]})
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) == DANGER_BRUSH
