"""The dialog of one column's filter: a range for numbers, a list of values otherwise.

A numeric column (money, prices, lots, ratios) gets "From" and "To" fields in its
display unit (yuan, %, lots; either may stay empty); anything else a checkable list of
its values with their row counts and a search field (``MAX_LISTED`` values at a time:
a column of 100,000 client codes is narrowed by typing). A bound that is not a number
is named in a red line under the fields and nothing changes until it is corrected.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import translate
from desktop.models.column_filter import (
    MISSING_KEY,
    RANGE_KINDS,
    BoundError,
    ColumnFilter,
    bound_text,
    parse_bound,
    unit_text,
    value_key,
)
from desktop.models.column_model import ColumnTableModel
from desktop.models.columns import Kind

CONTEXT = "TableTools"
MAX_LISTED = 2_000
"""Values listed at once (the search field narrows a longer list)."""
_KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class ColumnFilterDialog(QDialog):
    """Edits ``model``'s filter of ``column``; ``result_filter`` after ``accept()``:
    the new filter, or None for "no filter" (Clear)."""

    def __init__(self, model: ColumnTableModel, column: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("columnFilterDialog")
        self._model = model
        self._column = column
        self._spec = model.columns[column]
        self._current = model.column_filter(column)
        self.result_filter: ColumnFilter | None = self._current
        self.is_range = self._spec.kind in RANGE_KINDS
        self.setWindowTitle(translate("TableTools", "Filter: %1").replace("%1", self._spec.title()))
        self.error_label = QLabel()
        self.error_label.setObjectName("filterError")
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout = QVBoxLayout(self)
        if self.is_range:
            self._build_range(layout)
        else:
            self._build_values(layout)
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.clear_button = buttons.addButton(
            translate("TableTools", "Clear filter"), QDialogButtonBox.ButtonRole.ResetRole
        )
        self.clear_button.setObjectName("clearFilter")
        self.clear_button.clicked.connect(self.clear)
        buttons.accepted.connect(self.take)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout.addWidget(buttons)

    # ----------------------------------------------------------------- range
    def _build_range(self, layout: QVBoxLayout) -> None:
        unit = unit_text(self._spec)
        unit_label = translate("TableTools", "yuan") if unit == "CNY" else unit
        flt = self._current if self._current is not None and self._current.is_range else None
        self.low_edit = QLineEdit(bound_text(self._spec, flt.low if flt else None))
        self.low_edit.setObjectName("filterLow")
        self.high_edit = QLineEdit(bound_text(self._spec, flt.high if flt else None))
        self.high_edit.setObjectName("filterHigh")
        for edit in (self.low_edit, self.high_edit):
            edit.setClearButtonEnabled(True)
            edit.setMinimumWidth(180)
        form = QFormLayout()
        form.addRow(
            self._with_unit(translate("TableTools", "From (at least)"), unit_label), self.low_edit
        )
        form.addRow(
            self._with_unit(translate("TableTools", "To (at most)"), unit_label), self.high_edit
        )
        hint = QLabel(translate("TableTools", "Leave a field empty for no bound on that side."))
        hint.setObjectName("screenSubtitle")
        layout.addLayout(form)
        layout.addWidget(hint)

    @staticmethod
    def _with_unit(caption: str, unit: str) -> str:
        return f"{caption} ({unit})" if unit else caption

    def _range_filter(self) -> ColumnFilter | None:
        bounds: list[int | float | None] = []
        for edit, field in (
            (self.low_edit, translate("TableTools", "From (at least)")),
            (self.high_edit, translate("TableTools", "To (at most)")),
        ):
            try:
                bounds.append(parse_bound(self._spec, edit.text()))
            except BoundError as exc:
                self._show_error(field, exc)
                edit.setFocus()
                edit.selectAll()
                raise
        low, high = bounds
        if low is not None and high is not None and low > high:
            self.error_label.setText(
                translate("TableTools", "%1 is above %2: nothing would pass.")
                .replace("%1", translate("TableTools", "From (at least)"))
                .replace("%2", translate("TableTools", "To (at most)"))
            )
            self.error_label.show()
            raise BoundError("order", "")
        if low is None and high is None:
            return None
        return ColumnFilter(low=low, high=high)

    def _show_error(self, field: str, exc: BoundError) -> None:
        reasons = {
            "number": translate("TableTools", "%1: “%2” is not a number in %3."),
            "whole": translate("TableTools", "%1: “%2” is not a whole number."),
            "decimals": translate("TableTools", "%1: “%2” has more decimals than %3 can hold."),
        }
        unit = unit_text(self._spec)
        unit_name = translate("TableTools", "yuan") if unit == "CNY" else unit or self._spec.title()
        self.error_label.setText(
            reasons.get(exc.reason, reasons["number"])
            .replace("%1", field)
            .replace("%2", exc.text)
            .replace("%3", unit_name)
        )
        self.error_label.show()

    # ----------------------------------------------------------------- values
    def _build_values(self, layout: QVBoxLayout) -> None:
        values = self._model.distinct_values(self._column)
        spec = self._spec
        present = [(v, n) for v, n in values if v is not None]
        if spec.kind == Kind.ENUM and spec.ordered:
            present.sort(key=lambda x: x[0])  # a severity order, as the column sorts
        else:
            present.sort(key=lambda x: spec.format(x[0]).lower())
        labelled = [(value_key(v), spec.format(v), n) for v, n in present]
        labelled += [
            (MISSING_KEY, translate("TableTools", "(blank)"), n) for v, n in values if v is None
        ]
        self._values = labelled
        current = self._current.values if self._current is not None else None
        self._checked = set(current) if current is not None else {k for k, _t, _n in labelled}
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("filterSearch")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(translate("TableTools", "Search the values"))
        self.search_edit.textChanged.connect(self._fill)
        self.list_widget = QListWidget()
        self.list_widget.setObjectName("filterValues")
        self.list_widget.itemChanged.connect(self._on_item)
        self.more_label = QLabel()
        self.more_label.setObjectName("screenSubtitle")
        all_button = QPushButton(translate("TableTools", "Select all"))
        all_button.setObjectName("selectAllValues")
        all_button.clicked.connect(lambda: self._check_listed(True))
        none_button = QPushButton(translate("TableTools", "Select none"))
        none_button.setObjectName("selectNoValues")
        none_button.clicked.connect(lambda: self._check_listed(False))
        row = QHBoxLayout()
        row.addWidget(all_button)
        row.addWidget(none_button)
        row.addStretch(1)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list_widget, 1)
        layout.addWidget(self.more_label)
        layout.addLayout(row)
        self.resize(380, 440)
        self._fill()

    def _listed(self) -> list[tuple[str, str, int]]:
        needle = self.search_edit.text().strip().lower()
        return [v for v in self._values if not needle or needle in v[1].lower()]

    def _fill(self, *_args: object) -> None:
        listed = self._listed()
        self.list_widget.blockSignals(True)
        self.list_widget.clear()
        for key, text, count in listed[:MAX_LISTED]:
            item = QListWidgetItem(f"{text}    ({count:,})")
            item.setData(_KEY_ROLE, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            state = Qt.CheckState.Checked if key in self._checked else Qt.CheckState.Unchecked
            item.setCheckState(state)
            self.list_widget.addItem(item)
        self.list_widget.blockSignals(False)
        hidden = len(listed) - min(len(listed), MAX_LISTED)
        self.more_label.setText(
            translate("TableTools", "%1 more values: type to narrow the list.").replace(
                "%1", f"{hidden:,}"
            )
            if hidden
            else ""
        )
        self.more_label.setVisible(bool(hidden))

    def _on_item(self, item: QListWidgetItem) -> None:
        key = str(item.data(_KEY_ROLE))
        if item.checkState() == Qt.CheckState.Checked:
            self._checked.add(key)
        else:
            self._checked.discard(key)

    def _check_listed(self, checked: bool) -> None:
        """(Un)check every value the search lists, including those beyond the list."""
        for key, _text, _count in self._listed():
            if checked:
                self._checked.add(key)
            else:
                self._checked.discard(key)
        self._fill()

    def set_checked(self, keys: set[str]) -> None:
        """Check exactly ``keys`` (tests and a script)."""
        self._checked = set(keys)
        self._fill()

    def _values_filter(self) -> ColumnFilter | None:
        every = {k for k, _t, _n in self._values}
        if self._checked >= every:
            return None  # everything passes: no filter
        return ColumnFilter(values=frozenset(self._checked))

    # ----------------------------------------------------------------- buttons
    def take(self) -> None:
        """OK: read the fields; a bad bound stays on screen, named, and nothing changes."""
        try:
            flt = self._range_filter() if self.is_range else self._values_filter()
        except BoundError:
            return
        self.result_filter = flt
        self.accept()

    def clear(self) -> None:
        self.result_filter = None
        self.accept()


def edit_column_filter(
    model: ColumnTableModel, column: int, parent: QWidget | None = None
) -> ColumnFilterDialog:
    """Open the dialog (non-blocking); on OK or Clear the model gets the new filter."""
    dialog = ColumnFilterDialog(model, column, parent)

    def done(result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            model.set_column_filter(column, dialog.result_filter)

    dialog.finished.connect(done)
    dialog.open()
    return dialog
