"""The live monitor's tables: column specs over snapshot arrays, filters, and the view.

Getters read the snapshot's read-only arrays with numpy indexing, so the same function
serves one cell (``data()``, an int row) and a whole column (sorting, a slice).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QWidget,
)

from core.live.snapshot import RiskSnapshot, Table
from core.rules.risk_levels import RISK_RATIO_UNBOUNDED_PPM
from core.rules.sides import LONG, SHORT
from desktop import palette
from desktop.i18n import QT_TRANSLATE_NOOP, translate
from desktop.models.columns import (
    HEDGE_LABELS,
    LIMIT_LOCK_LABELS,
    Column,
    Kind,
)
from desktop.models.levels import level_column, level_tint
from desktop.models.snapshot_table import (
    LiveColumn,
    LiveFilter,
    LiveFrame,
    LiveTableSpec,
    Rows,
    SnapshotTableModel,
)
from desktop.settings import UiSettings
from desktop.widgets.data_table import DataTableView
from desktop.widgets.row_painter import paint_rows

SIDE_VALUE_LABELS = {
    LONG: QT_TRANSLATE_NOOP("Values", "Long"),
    SHORT: QT_TRANSLATE_NOOP("Values", "Short"),
}
LOCK_NAMES = np.array(["limit_down", "none", "limit_up"], dtype=object)
RATIO_SPAN = RISK_RATIO_UNBOUNDED_PPM + 1
"""Risk ratios (ppm, the unbounded one included) lie below this: level × span + ratio
orders by level, then ratio, in int64."""
Mask = npt.NDArray[np.bool_]


def _c(key: str, header: str, kind: Kind, width: int, **kw: Any) -> Column:
    return Column(key, header, kind, width, **kw)


def _acc(name: str) -> Any:
    return lambda f, r: f.snap.accounts[name][r]


def _pos(name: str) -> Any:
    return lambda f, r: f.snap.positions[name][r]


def _con(name: str) -> Any:
    return lambda f, r: f.snap.contracts[name][r]


def _line_contract(name: str) -> Any:
    return lambda f, r: f.snap.contracts[name][f.snap.positions["contract_index"][r]]


def _change(f: LiveFrame, r: Rows) -> Any:
    """Last price − prior settlement of contract rows ``r`` (fen)."""
    con = f.snap.contracts
    return con["last_price_fen"][r] - con["prior_settlement_fen"][r]


def _contract_move(f: LiveFrame, r: int) -> Any:
    """A contract's last price in the colour of its change (the quote board's way)."""
    return palette.sign_brush(int(_change(f, r)))


def _line_move(f: LiveFrame, r: int) -> Any:
    """A position line's last price in the colour of its contract's change."""
    return _contract_move(f, int(f.snap.positions["contract_index"][r]))


def _severity(f: LiveFrame, r: Rows) -> Any:
    """Sort key of the level column: the level, then the risk ratio within it (so a
    descending sort lists the worst accounts first, as the Overview's at-risk list)."""
    acc = f.snap.accounts
    level = np.asarray(acc["risk_level"][r], dtype=np.int64)
    return level * RATIO_SPAN + np.minimum(acc["risk_ratio_ppm"][r], RATIO_SPAN - 1)


def _price_age(f: LiveFrame, r: Rows) -> Any:
    return f.now_ts - f.snap.contracts["price_updated_at"][r]


def _age_text(f: LiveFrame, r: Rows) -> Any:
    age = _price_age(f, r)
    stale = f.snap.contracts["is_stale"][r]
    if isinstance(r, int):
        text = f"{max(float(age), 0.0):,.0f} s"
        return f"{text} · {translate('Monitor', 'stale')}" if stale else text
    return np.asarray(age)


# --------------------------------------------------------------------- accounts
# Who, then what the desk watches (risk level and ratio, available funds), then the
# amounts behind them: the level and ratio must be visible without scrolling in a
# 1366 px window.
ACCOUNT_COLUMNS = (
    LiveColumn(
        _c("client_code", QT_TRANSLATE_NOOP("Columns", "Client code"), Kind.CODE, 92),
        lambda f, r: f.static.client_codes[r],
        sort_key=lambda f, r: f.static.code_rank[r],
    ),
    LiveColumn(
        _c("client_name", QT_TRANSLATE_NOOP("Columns", "Client name"), Kind.TEXT, 112),
        lambda f, r: f.static.client_names[r],
        sort_key=lambda f, r: f.static.name_rank[r],
    ),
    LiveColumn(level_column(104), _acc("risk_level"), sort_key=_severity),
    LiveColumn(
        _c("risk_ratio_ppm", QT_TRANSLATE_NOOP("Columns", "Risk ratio (%)"), Kind.PPM, 110),
        _acc("risk_ratio_ppm"),
    ),
    LiveColumn(
        _c("available_fen", QT_TRANSLATE_NOOP("Columns", "Available (CNY)"), Kind.MONEY, 130),
        _acc("available_fen"),
    ),
    LiveColumn(
        _c(
            "dynamic_equity_fen",
            QT_TRANSLATE_NOOP("Columns", "Dynamic equity (CNY)"),
            Kind.MONEY,
            156,
        ),
        _acc("dynamic_equity_fen"),
    ),
    LiveColumn(
        _c(
            "margin_fen",
            QT_TRANSLATE_NOOP("Columns", "Margin, prior settle (CNY)"),
            Kind.MONEY,
            170,
        ),
        _acc("margin_fen"),
    ),
    LiveColumn(
        _c(
            "floating_pnl_fen",
            QT_TRANSLATE_NOOP("Columns", "Floating P&L (CNY)"),
            Kind.MONEY,
            140,
            signed=True,
        ),
        _acc("floating_pnl_fen"),
    ),
    LiveColumn(
        _c(
            "limit_distance",
            QT_TRANSLATE_NOOP("Columns", "To position limit (lots)"),
            Kind.INT,
            160,
        ),
        lambda f, r: f.static.limit_distance(f.snap)[r],
    ),
)


def _account_mask(f: LiveFrame, flt: LiveFilter) -> Mask | None:
    acc = f.snap.accounts
    mask: Mask | None = None

    def both(m: Mask) -> Mask:
        return m if mask is None else mask & m

    if flt.text:
        needle = flt.text.strip().lower()
        search = f.static.client_search
        mask = both(np.fromiter((needle in s for s in search), dtype=bool, count=len(search)))
    if flt.product:
        pos = f.snap.positions
        lines = (pos["lots"] > 0) & (
            f.static.contract_products[pos["contract_index"]] == flt.product
        )
        held = np.zeros(acc.row_count, dtype=bool)
        held[pos["account_index"][lines]] = True
        mask = both(held)
    if flt.min_level is not None:
        mask = both(acc["risk_level"] >= flt.min_level)
    return mask


def _accounts(s: RiskSnapshot) -> Table:
    return s.accounts


ACCOUNTS = LiveTableSpec(
    # "_v3": the columns changed (the risk level came in), so header states saved for
    # the old ones are not applied (widths and moves would land on the wrong columns).
    name="monitor_accounts_v3",
    table=_accounts,
    columns=ACCOUNT_COLUMNS,
    mask=_account_mask,
    row_tint=lambda f, r: level_tint(int(f.snap.accounts["risk_level"][r])),
)


# --------------------------------------------------------------------- positions
def _line_account(f: LiveFrame, r: Rows) -> Any:
    return f.snap.positions["account_index"][r]


POSITION_COLUMNS = (
    LiveColumn(
        _c("client_code", QT_TRANSLATE_NOOP("Columns", "Client code"), Kind.CODE, 96),
        lambda f, r: f.static.client_codes[_line_account(f, r)],
        sort_key=lambda f, r: f.static.code_rank[_line_account(f, r)],
    ),
    LiveColumn(
        _c("contract_code", QT_TRANSLATE_NOOP("Columns", "Contract"), Kind.CODE, 80),
        lambda f, r: f.static.contract_codes[f.snap.positions["contract_index"][r]],
        sort_key=_pos("contract_index"),
    ),
    LiveColumn(
        _c("side", QT_TRANSLATE_NOOP("Columns", "Side"), Kind.ENUM, 60, labels=SIDE_VALUE_LABELS),
        _pos("side"),
    ),
    LiveColumn(
        _c("hedge", QT_TRANSLATE_NOOP("Columns", "Spec/Hedge"), Kind.ENUM, 80, labels=HEDGE_LABELS),
        _pos("hedge"),
    ),
    LiveColumn(_c("lots", QT_TRANSLATE_NOOP("Columns", "Lots"), Kind.INT, 70), _pos("lots")),
    LiveColumn(
        _c("last_price_fen", QT_TRANSLATE_NOOP("Columns", "Last price (CNY)"), Kind.PRICE, 120),
        _line_contract("last_price_fen"),
        brush=_line_move,
    ),
    LiveColumn(
        _c(
            "prior_settlement_fen",
            QT_TRANSLATE_NOOP("Columns", "Prior settlement (CNY)"),
            Kind.PRICE,
            150,
        ),
        _line_contract("prior_settlement_fen"),
    ),
    LiveColumn(
        _c(
            "floating_pnl_fen",
            QT_TRANSLATE_NOOP("Columns", "Floating P&L (CNY)"),
            Kind.MONEY,
            140,
            signed=True,
        ),
        _pos("floating_pnl_fen"),
    ),
    LiveColumn(
        _c("margin_fen", QT_TRANSLATE_NOOP("Columns", "Margin (CNY)"), Kind.MONEY, 120),
        _pos("margin_fen"),
    ),
)


def _position_mask(f: LiveFrame, flt: LiveFilter) -> Mask | None:
    pos = f.snap.positions
    account_filter = LiveFilter(text=flt.text, min_level=flt.min_level)
    acc_mask = _account_mask(f, account_filter)
    mask = None if acc_mask is None else acc_mask[pos["account_index"]]
    if flt.product:
        m = f.static.contract_products[pos["contract_index"]] == flt.product
        mask = m if mask is None else mask & m
    return mask


def _positions(s: RiskSnapshot) -> Table:
    return s.positions


POSITIONS = LiveTableSpec(
    name="monitor_positions",
    table=_positions,
    columns=POSITION_COLUMNS,
    mask=_position_mask,
)


# --------------------------------------------------------------------- contracts
CONTRACT_COLUMNS = (
    LiveColumn(
        _c("contract_code", QT_TRANSLATE_NOOP("Columns", "Contract"), Kind.CODE, 72),
        lambda f, r: f.static.contract_codes[r],
        sort_key=lambda f, r: np.arange(f.snap.contracts.row_count)[r],
    ),
    LiveColumn(
        _c("last_price_fen", QT_TRANSLATE_NOOP("Columns", "Last price (CNY)"), Kind.PRICE, 120),
        _con("last_price_fen"),
        brush=_contract_move,
    ),
    LiveColumn(
        _c(
            "change_fen",
            QT_TRANSLATE_NOOP("Columns", "Change (CNY)"),
            Kind.PRICE,
            100,
            signed=True,
        ),
        _change,
    ),
    LiveColumn(
        _c("to_upper_fen", QT_TRANSLATE_NOOP("Columns", "To limit up (CNY)"), Kind.PRICE, 130),
        _con("to_upper_fen"),
    ),
    LiveColumn(
        _c("to_lower_fen", QT_TRANSLATE_NOOP("Columns", "To limit down (CNY)"), Kind.PRICE, 140),
        _con("to_lower_fen"),
    ),
    LiveColumn(
        _c(
            "limit_lock",
            QT_TRANSLATE_NOOP("Columns", "Limit lock"),
            Kind.ENUM,
            90,
            labels=LIMIT_LOCK_LABELS,
        ),
        lambda f, r: LOCK_NAMES[f.snap.contracts["limit_lock"][r] + 1],
    ),
    LiveColumn(
        _c("price_age", QT_TRANSLATE_NOOP("Columns", "Price age (s)"), Kind.TEXT, 110),
        _age_text,
        sort_key=_price_age,
    ),
)


def _contract_mask(f: LiveFrame, flt: LiveFilter) -> Mask | None:
    if not flt.product:
        return None
    return np.asarray(f.static.contract_products == flt.product, dtype=bool)


def _contracts(s: RiskSnapshot) -> Table:
    return s.contracts


CONTRACTS = LiveTableSpec(
    name="monitor_contracts",
    table=_contracts,
    columns=CONTRACT_COLUMNS,
    mask=_contract_mask,
    muted=lambda f, r: bool(f.snap.contracts["is_stale"][r]),
    refresh_all=True,
)


# --------------------------------------------------------------------- the view
class SnapshotTableView(DataTableView):
    """A ``DataTableView`` that keeps selection and scroll position by row key.

    Value updates and sorting keep them by themselves (``dataChanged`` and persistent
    indexes); a model reset (filter membership changed) would lose them, so the keys
    of the selected rows and of the top visible row are saved before and restored after.
    """

    def __init__(self, settings: UiSettings, name: str, parent: QWidget | None = None) -> None:
        super().__init__(settings, name, parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Room for the sort arrow right of right-aligned titles (it overlapped their end).
        self.horizontalHeader().setStyleSheet("QHeaderView::section { padding-right: 18px; }")
        self._saved: tuple[list[Hashable], Hashable | None, Hashable | None] = ([], None, None)

    fast_paint = True
    """Paint the visible rows in one pass (``desktop.widgets.row_painter``); False: cell
    by cell through the delegate, as other tables (the benchmark compares the two)."""

    def paintEvent(self, event: QPaintEvent) -> None:
        if not (self.fast_paint and paint_rows(self, event)):
            super().paintEvent(event)

    def set_snapshot_model(self, model: SnapshotTableModel) -> None:
        self.setModel(model)
        model.modelAboutToBeReset.connect(self._save_keys)
        model.modelReset.connect(self._restore_keys)

    def snapshot_model(self) -> SnapshotTableModel:
        model = self.model()
        assert isinstance(model, SnapshotTableModel)
        return model

    def selected_keys(self) -> list[Hashable]:
        model = self.snapshot_model()
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [model.key_of(r) for r in rows]

    def select_key(self, key: Hashable) -> bool:
        """Select and scroll to the row with ``key``; False when it is not shown."""
        model = self.snapshot_model()
        row = model.view_row_of_key(key)
        if row < 0:
            return False
        index = model.index(row, 0)
        self.selectionModel().select(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
        self.scrollTo(index)
        return True

    def _save_keys(self) -> None:
        model = self.snapshot_model()
        top = self.rowAt(0)
        current = self.currentIndex()
        self._saved = (
            self.selected_keys() if model.rowCount() else [],
            model.key_of(top) if 0 <= top < model.rowCount() else None,
            model.key_of(current.row()) if current.isValid() else None,
        )

    def _restore_keys(self) -> None:
        model = self.snapshot_model()
        selected, top, current = self._saved
        selection = self.selectionModel()
        for key in selected:
            row = model.view_row_of_key(key)
            if row >= 0:
                selection.select(
                    model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        if current is not None and (row := model.view_row_of_key(current)) >= 0:
            selection.setCurrentIndex(
                model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
        if top is not None and (row := model.view_row_of_key(top)) >= 0:
            self.scrollTo(model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)


def current_key(view: SnapshotTableView) -> Hashable | None:
    index: QModelIndex = view.currentIndex()
    if not index.isValid():
        return None
    return view.snapshot_model().data(index, Qt.ItemDataRole.UserRole + 2)
