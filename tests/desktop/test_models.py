"""FrameTableModel and Column specs: Qt contract, numeric sorting, filtering, colours."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop import i18n
from desktop.models.columns import (
    DANGER_BRUSH,
    NEGATIVE_BRUSH,
    SIDE_LABELS,
    Column,
    Kind,
)
from desktop.models.frame_table import RAW_ROLE, FrameTableModel, TintedFrameModel
from desktop.resources import style_sheet
from desktop.screens.accounts import ACCOUNT_COLUMNS
from desktop.screens.overview import AT_RISK_COLUMNS, LOCKED_COLUMNS, MEMBER_COLUMNS
from desktop.screens.positions import POSITION_COLUMNS
from desktop.screens.prices import PRICE_COLUMNS
from desktop.screens.receipts import RECEIPT_COLUMNS
from desktop.settings import UiSettings
from desktop.widgets.data_table import DataTableView

COLUMNS = (
    Column("code", "Client code", Kind.CODE),
    Column("available_fen", "Available (CNY)", Kind.MONEY),
    Column("ratio", "Risk ratio", Kind.RATIO, warn_at=0.8, danger_at=1.0),
    Column("side", "Side", Kind.ENUM, labels=SIDE_LABELS),
    Column("reserve_fen", "Settlement reserve (CNY)", Kind.MONEY),
)


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["C3", "C1", "c2", "C4"],
            "available_fen": np.array([10_000, 900, 1_000, -250_000], dtype=np.int64),
            "ratio": [0.5, 1.25, np.inf, 0.0],
            "side": ["long", "short", "long", "short"],
            "reserve_fen": pd.array([5, None, 7, None], dtype="Int64"),
        }
    )


@pytest.fixture
def model(qapp: object) -> FrameTableModel:
    m = FrameTableModel(COLUMNS, filter_keys=("code",))
    m.set_frame(_frame())
    return m


def _column_text(model: FrameTableModel, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_model_obeys_the_qt_contract(qtmodeltester, model: FrameTableModel) -> None:
    qtmodeltester.check(model)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.set_text_filter("c")
    qtmodeltester.check(model)


def test_empty_model_obeys_the_qt_contract(qtmodeltester, qapp: object) -> None:
    qtmodeltester.check(FrameTableModel(COLUMNS))


@pytest.mark.parametrize(
    ("columns", "frame"),
    [
        (
            ACCOUNT_COLUMNS,
            {
                "client_code": ["C1"],
                "client_name": ["甲"],
                "member_code": ["01"],
                "balance_fen": [1],
                "margin_fen": [2],
                "available_fen": [-1],
                "risk_ratio_ppm": [2_000_000],
                "risk_level": [3],
                "margin_call_fen": [1],
            },
        ),
        (
            AT_RISK_COLUMNS,
            {
                "client_code": ["C1"],
                "client_name": ["甲"],
                "member_code": ["01"],
                "balance_fen": [1],
                "margin_fen": [2],
                "available_fen": [-1],
                "risk_ratio_ppm": [2_000_000],
                "risk_level": [3],
            },
        ),
        (
            POSITION_COLUMNS,
            {
                "client_code": ["C1"],
                "client_name": ["甲"],
                "contract_code": ["m2501"],
                "product_code": ["m"],
                "side": ["long"],
                "hedge": [True],
                "lots": [3],
                "today_lots": [1],
                "open_price_fen": [300_000],
                "settlement_fen": pd.array([None], dtype="Int64"),
                "margin_fen": [5],
            },
        ),
        (
            PRICE_COLUMNS,
            {
                "contract_code": ["m2501"],
                "product_code": ["m"],
                "product_name_zh": ["豆粕"],
                "product_name_en": ["Soybean meal"],
                "settlement_fen": [305_200],
                "upper_limit_fen": pd.array([317_400], dtype="Int64"),
                "lower_limit_fen": pd.array([None], dtype="Int64"),
                "limit_lock": ["limit_up"],
                "open_interest": [1],
                "volume": [2],
            },
        ),
        (
            RECEIPT_COLUMNS,
            {
                "receipt_no": ["R1"],
                "product_name_zh": ["豆粕"],
                "product_name_en": ["Soybean meal"],
                "warehouse_name_zh": ["北良港"],
                "warehouse_name_en": ["Beiliang"],
                "holder_code": ["C1"],
                "lots": [1],
                "tons": [10],
                "status": ["margin"],
                "registration_date": [date(2024, 8, 1)],
            },
        ),
        (
            MEMBER_COLUMNS,
            {
                "member_code": ["0101"],
                "member_name": ["示例"],
                "reserve_fen": pd.array([None], dtype="Int64"),
                "clients_count": [3],
            },
        ),
        (
            LOCKED_COLUMNS,
            {
                "contract_code": ["m2501"],
                "product_name_zh": ["豆粕"],
                "product_name_en": ["Soybean meal"],
                "settlement_fen": [1],
                "limit_lock": ["limit_down"],
            },
        ),
    ],
    ids=["accounts", "at_risk", "positions", "prices", "receipts", "members", "locked"],
)
def test_every_screen_model_obeys_the_qt_contract(qtmodeltester, qapp, columns, frame):
    model = FrameTableModel(columns)
    model.set_frame(pd.DataFrame(frame))
    qtmodeltester.check(model)
    for c in range(model.columnCount()):
        model.sort(c, Qt.SortOrder.DescendingOrder)
        assert isinstance(model.index(0, c).data(), str)


def test_money_is_formatted_from_fen_with_separators(model: FrameTableModel) -> None:
    assert _column_text(model, 1) == ["100.00", "9.00", "10.00", "-2,500.00"]
    assert model.index(0, 1).data(RAW_ROLE) == 10_000
    assert model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) & (Qt.AlignmentFlag.AlignRight)


def test_money_sorts_numerically_not_as_text(model: FrameTableModel) -> None:
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert _column_text(model, 1) == ["-2,500.00", "9.00", "10.00", "100.00"]
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert _column_text(model, 1) == ["100.00", "10.00", "9.00", "-2,500.00"]


def test_missing_values_sort_last_in_both_directions(model: FrameTableModel) -> None:
    model.sort(4, Qt.SortOrder.AscendingOrder)
    assert _column_text(model, 4) == ["0.05", "0.07", "—", "—"]
    model.sort(4, Qt.SortOrder.DescendingOrder)
    assert _column_text(model, 4) == ["0.07", "0.05", "—", "—"]


def test_text_sorts_case_insensitively_and_stably(model: FrameTableModel) -> None:
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert _column_text(model, 0) == ["C1", "c2", "C3", "C4"]
    # Ties keep the frame's order (C3, C1, c2, C4), whatever the previous sort was.
    model.sort(3, Qt.SortOrder.AscendingOrder)  # Long, Long, Short, Short
    assert _column_text(model, 0) == ["C3", "c2", "C1", "C4"]
    model.sort(3, Qt.SortOrder.DescendingOrder)
    assert _column_text(model, 0) == ["C1", "C4", "C3", "c2"]


def test_sort_keeps_persistent_indexes_on_their_rows(model: FrameTableModel) -> None:
    from PySide6.QtCore import QPersistentModelIndex

    kept = QPersistentModelIndex(model.index(1, 0))  # C1
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert kept.data() == "C1"


def test_text_filter_is_case_insensitive_and_combines_with_sort(
    model: FrameTableModel,
) -> None:
    model.sort(1, Qt.SortOrder.AscendingOrder)
    model.set_text_filter("C")
    assert model.rowCount() == 4
    model.set_text_filter("c2")
    assert _column_text(model, 0) == ["c2"]
    model.set_text_filter("")
    assert model.rowCount() == 4
    assert model.total_rows == 4


def test_value_filter(model: FrameTableModel) -> None:
    model.set_value_filter("side", "short")
    assert sorted(_column_text(model, 0)) == ["C1", "C4"]
    model.set_value_filter("side", None)
    assert model.rowCount() == 4


def test_colours_negative_money_and_high_ratios(model: FrameTableModel) -> None:
    fg = Qt.ItemDataRole.ForegroundRole
    assert model.index(3, 1).data(fg) == NEGATIVE_BRUSH
    assert model.index(0, 1).data(fg) is None
    assert model.index(1, 2).data(fg) == DANGER_BRUSH
    assert model.index(2, 2).data() == "∞"
    assert model.index(1, 2).data() == "125.00%"


def test_headers_and_labels_follow_the_language(model: FrameTableModel) -> None:
    h = Qt.Orientation.Horizontal
    assert model.headerData(1, h) == "Available (CNY)"
    assert model.index(0, 3).data() == "Long"
    i18n.set_language("zh")
    assert model.headerData(1, h) == "可用资金 (元)"
    assert model.headerData(4, h) == "结算准备金 (元)"
    assert model.index(0, 3).data() == "多头"


def test_retranslate_repaints_without_a_reset(model: FrameTableModel) -> None:
    resets: list[bool] = []
    changed: list[tuple[int, int, int, int, list[int]]] = []
    headers: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.dataChanged.connect(
        lambda a, b, roles: changed.append((a.row(), a.column(), b.row(), b.column(), roles))
    )
    model.headerDataChanged.connect(lambda _o, first, last: headers.append((first, last)))
    kept = QPersistentModelIndex(model.index(2, 0))
    i18n.set_language("zh")
    model.retranslate()
    assert resets == []
    assert headers == [(0, 4)]
    assert changed == [
        (0, 0, 3, 4, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, RAW_ROLE])
    ]
    assert kept.row() == 2
    assert model.index(0, 3).data() == "多头"


NAMES = (
    Column("code", "Client code", Kind.CODE),
    Column("name_zh", "Client name", Kind.TEXT, key_en="name_en"),
    Column("lots", "Lots", Kind.INT),
    Column("not_in_frame", "Product", Kind.TEXT),
)


@pytest.fixture
def names(qapp: object) -> FrameTableModel:
    m = FrameTableModel(NAMES, filter_keys=("code", "name_zh"))
    m.set_frame(
        pd.DataFrame(
            {
                "code": ["C1", "C2", "C3"],
                "name_zh": pd.Categorical(["乙", None, "甲"]),
                "name_en": ["Beta", "Nobody", "Alpha"],
                "lots": [3, 1, 2],
            }
        )
    )
    return m


def test_english_column_is_shown_but_raw_role_keeps_the_key_column(
    names: FrameTableModel,
) -> None:
    assert _column_text(names, 1) == ["Beta", "Nobody", "Alpha"]
    assert [names.index(r, 1).data(RAW_ROLE) for r in range(3)] == ["乙", None, "甲"]
    names.sort(1, Qt.SortOrder.AscendingOrder)  # text sorts by what is shown
    assert _column_text(names, 1) == ["Alpha", "Beta", "Nobody"]
    i18n.set_language("zh")
    names.retranslate()
    names.sort(1, Qt.SortOrder.DescendingOrder)
    assert _column_text(names, 1) == ["甲", "乙", "—"]  # code points; missing last


def test_tooltips_repeat_text_cells_only(names: FrameTableModel) -> None:
    tip = Qt.ItemDataRole.ToolTipRole
    assert names.index(0, 1).data(tip) == "Beta"
    assert names.index(0, 0).data(tip) is None  # a code column
    assert names.index(0, 2).data(tip) is None  # a number
    assert names.headerData(2, Qt.Orientation.Horizontal, tip) == "Lots"


def test_a_column_missing_from_the_frame_shows_nothing(
    qtmodeltester, names: FrameTableModel
) -> None:
    qtmodeltester.check(names)
    cell = names.index(0, 3)
    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, RAW_ROLE):
        assert cell.data(role) is None
    assert cell.data(Qt.ItemDataRole.TextAlignmentRole) == NAMES[3].alignment
    names.sort(3, Qt.SortOrder.AscendingOrder)  # all missing: the frame's order
    assert _column_text(names, 0) == ["C1", "C2", "C3"]


def test_column_of_and_raw_value(names: FrameTableModel) -> None:
    assert names.column_of("lots") == 2
    with pytest.raises(ValueError, match="name_en"):
        names.column_of("name_en")  # a frame column, not a table column
    names.sort(2, Qt.SortOrder.AscendingOrder)
    assert names.raw_value(0, "code") == "C2"
    assert names.raw_value(0, "name_en") == "Nobody"
    assert names.source_row(0) == 1
    assert names.view_row(1) == 0


def test_sort_and_filters_survive_a_new_frame(names: FrameTableModel) -> None:
    names.sort(2, Qt.SortOrder.DescendingOrder)
    names.set_text_filter("c")
    kept = QPersistentModelIndex(names.index(2, 0))  # C2, fewest lots
    names.sort(0, Qt.SortOrder.AscendingOrder)
    assert kept.data() == "C2"
    names.set_value_filter("code", "C3")
    assert _column_text(names, 0) == ["C3"]
    names.set_value_filter("code", None)
    names.set_frame(
        pd.DataFrame(
            {"code": ["X9", "C7", "C5"], "name_zh": ["a", "b", "c"], "name_en": "", "lots": 1}
        )
    )
    assert _column_text(names, 0) == ["C5", "C7"]  # still sorted by code, filtered on "c"
    assert names.view_row(0) == -1  # X9 is filtered out


def test_row_tints_are_painted_under_the_style_sheet(qtbot, qapp) -> None:
    # The app's style sheet styles QTableView::item, and Qt's style-sheet style then
    # ignores BackgroundRole: DataTableView's delegate paints the tints itself.
    red = QBrush(QColor("#ff0000"))
    model = TintedFrameModel(COLUMNS[:1], flag_key="flag", tints={True: red})
    model.set_frame(pd.DataFrame({COLUMNS[0].key: ["C1", "C2"], "flag": [True, False]}))
    view = DataTableView(UiSettings(), "tint_probe")
    qtbot.addWidget(view)
    view.setStyleSheet(style_sheet())
    view.setModel(model)
    view.resize(300, 120)
    view.show()
    qtbot.waitExposed(view)
    image = view.viewport().grab().toImage()
    x = view.columnWidth(0) // 2
    tinted = image.pixelColor(x, view.rowViewportPosition(0) + 2)
    plain = image.pixelColor(x, view.rowViewportPosition(1) + 2)
    assert tinted.name() == "#ff0000"
    assert plain.name() != "#ff0000"
