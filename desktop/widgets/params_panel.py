"""A parameters form whose unverified defaults carry a visible amber tag.

Rule parameters the spec could not confirm in a DCE text are stored with
``verified = false`` (docs/risk-actions.md). While such a parameter keeps its default
the form shows an amber "unverified" tag next to it; once the user changes it the tag
reads "edited" (blue), and "Restore defaults" brings the defaults back. The form only
collects text; the screen parses it into the service's arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import QT_TRANSLATE_NOOP, translate

ParamKind = Literal["percent", "percent_list", "bool", "choice"]
ParamValue = str | bool

_PATTERNS = {
    "percent": r"^\d{1,3}(\.\d{1,4})?$",
    "percent_list": r"^\s*\d{1,3}(\.\d{1,4})?(\s*[,，/]\s*\d{1,3}(\.\d{1,4})?)*\s*$",
}
_TAG_STYLE = {
    "unverified": "background: #fdf3e1; color: #8a5a00; border: 1px solid #f0c36d;",
    "edited": "background: #e8f1fb; color: #1d4f86; border: 1px solid #b9d3f0;",
}
TAG_TEXT = {
    "unverified": QT_TRANSLATE_NOOP("Params", "unverified"),
    "edited": QT_TRANSLATE_NOOP("Params", "edited"),
}


@dataclass(frozen=True)
class ParamSpec:
    """One parameter: ``label``/``tooltip`` and choice labels are English catalogue
    strings in the "Params" context. ``default`` is text (percent: "6" = 6 %, a list
    "6, 3"), a bool, or a choice value. ``disabled`` choices are listed but not
    selectable (with the tooltip saying why)."""

    key: str
    label: str
    kind: ParamKind
    default: ParamValue
    verified: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    disabled: frozenset[str] = field(default_factory=frozenset)
    tooltip: str = ""


class ParamsPanel(QFrame):
    """A titled grid of parameter editors with "unverified"/"edited" tags.

    ``changed`` is emitted when the user commits a new value (Enter or leaving a text
    field, a toggle, a choice). GUI thread only.
    """

    changed = Signal()

    def __init__(
        self, name: str, title: str, specs: list[ParamSpec], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"params_{name}")
        self.setStyleSheet(
            f"QFrame#params_{name} {{ background: #ffffff; border: 1px solid #dde3ea; "
            "border-radius: 4px; }"
        )
        self._title_source = title
        self.specs = {s.key: s for s in specs}
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.editors: dict[str, QLineEdit | QCheckBox | QComboBox] = {}
        self.labels: dict[str, QLabel] = {}
        self.tags: dict[str, QLabel] = {}
        self._last: dict[str, ParamValue] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        for row, spec in enumerate(specs):
            label = QLabel()
            editor = self._editor(spec)
            tag = QLabel()
            tag.setObjectName(f"tag_{spec.key}")
            self.labels[spec.key], self.editors[spec.key], self.tags[spec.key] = label, editor, tag
            # The tag sits beside the caption so the field has the panel's whole width
            # (a method's name in a combo box is long).
            grid.addWidget(label, 2 * row, 0)
            grid.addWidget(tag, 2 * row, 1, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(editor, 2 * row + 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        self.reset_button = QPushButton()
        self.reset_button.setObjectName("resetParams")
        self.reset_button.clicked.connect(self.reset)
        foot = QHBoxLayout()
        foot.addStretch(1)
        foot.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        layout.addLayout(foot)
        layout.addStretch(1)
        self._last = self.values()
        self.retranslate()

    # ----------------------------------------------------------------- editors
    def _editor(self, spec: ParamSpec) -> QLineEdit | QCheckBox | QComboBox:
        if spec.kind == "bool":
            box = QCheckBox()
            box.setChecked(bool(spec.default))
            box.toggled.connect(self._commit)
            return box
        if spec.kind == "choice":
            combo = QComboBox()
            for value, _ in spec.choices:
                combo.addItem("", value)
            model = combo.model()
            for i, (value, _) in enumerate(spec.choices):
                if value in spec.disabled:
                    item = model.item(i)  # type: ignore[attr-defined]
                    item.setEnabled(False)
            combo.setCurrentIndex(max(combo.findData(spec.default), 0))
            combo.currentIndexChanged.connect(self._commit)
            return combo
        edit = QLineEdit(str(spec.default))
        edit.setValidator(QRegularExpressionValidator(QRegularExpression(_PATTERNS[spec.kind])))
        edit.editingFinished.connect(self._commit)
        return edit

    # ----------------------------------------------------------------- values
    def value(self, key: str) -> ParamValue:
        editor = self.editors[key]
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QComboBox):
            return str(editor.currentData())
        return editor.text().strip()

    def values(self) -> dict[str, ParamValue]:
        return {key: self.value(key) for key in self.editors}

    def set_value(self, key: str, value: ParamValue) -> None:
        """Set an editor programmatically (emits ``changed`` if the value changes)."""
        editor = self.editors[key]
        if isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(value), 0))
        else:
            editor.setText(str(value))
            self._commit()

    def is_default(self, key: str) -> bool:
        return _same(self.value(key), self.specs[key].default)

    def tag_state(self, key: str) -> str:
        """ "unverified" (unverified default in use), "edited" or ""."""
        if not self.is_default(key):
            return "edited"
        return "" if self.specs[key].verified else "unverified"

    def unverified_in_use(self) -> list[str]:
        """Keys of unverified parameters still at their default."""
        return [k for k in self.specs if self.tag_state(k) == "unverified"]

    def reset(self) -> None:
        for key, spec in self.specs.items():
            editor = self.editors[key]
            editor.blockSignals(True)
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(spec.default))
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(editor.findData(spec.default), 0))
            else:
                editor.setText(str(spec.default))
            editor.blockSignals(False)
        self._commit()

    def _commit(self) -> None:
        self._update_tags()
        now = self.values()
        if now != self._last:
            self._last = now
            self.changed.emit()

    # ----------------------------------------------------------------- texts
    def _update_tags(self) -> None:
        for key, tag in self.tags.items():
            state = self.tag_state(key)
            tag.setVisible(bool(state))
            if state:
                tag.setText(translate("Params", TAG_TEXT[state]))
                tag.setStyleSheet(
                    _TAG_STYLE[state] + "border-radius: 7px; padding: 0 6px; font-size: 8pt;"
                )
                tag.setToolTip(
                    translate(
                        "Params",
                        "Default not confirmed in a DCE text; the exchange's result counts.",
                    )
                    if state == "unverified"
                    else translate("Params", "Changed from the default")
                )

    def retranslate(self) -> None:
        self.title.setText(translate("Params", self._title_source))
        self.reset_button.setText(translate("Params", "Restore defaults"))
        for key, spec in self.specs.items():
            self.labels[key].setText(translate("Params", spec.label))
            editor = self.editors[key]
            if spec.tooltip:
                editor.setToolTip(translate("Params", spec.tooltip))
            if isinstance(editor, QCheckBox):
                editor.setText(translate("Params", "Yes"))
            if isinstance(editor, QComboBox):
                for i, (_, text) in enumerate(spec.choices):
                    editor.setItemText(i, translate("Params", text))
        self._update_tags()


def _same(a: ParamValue, b: ParamValue) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    return _norm(str(a)) == _norm(str(b))


def _norm(text: str) -> str:
    parts = text.replace("，", ",").replace("/", ",").split(",")
    out = []
    for part in parts:
        p = part.strip()
        if "." in p:
            p = p.rstrip("0").rstrip(".")
        out.append(p.lstrip("0") or "0")
    return ",".join(out)
