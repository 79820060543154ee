"""A framed list of captioned figures: the previews' "Preview figures" block."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from desktop.widgets.sections import section_title

_VALUE_ALIGN = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class FactsPanel(QFrame):
    """A white frame with a section title and one right-aligned value per key.

    ``facts[key]`` is the row's (caption, value) labels; the value is named
    ``fact_<key>`` so that tests find it. The screen sets the title and captions (it
    owns their translation context) and shows the values with ``show_values``.
    """

    def __init__(
        self,
        name: str,
        keys: Iterable[str],
        parent: QWidget | None = None,
        *,
        wrap_long_rows: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setStyleSheet(
            f"QFrame#{name} {{ background: #ffffff; border: 1px solid #dde3ea; "
            "border-radius: 4px; }"
        )
        self.title = section_title()
        form = QFormLayout()
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(3)
        if wrap_long_rows:
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.facts: dict[str, tuple[QLabel, QLabel]] = {}
        for key in keys:
            caption, value = QLabel(), QLabel("—")
            value.setObjectName(f"fact_{key}")
            value.setAlignment(_VALUE_ALIGN)
            self.facts[key] = (caption, value)
            form.addRow(caption, value)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addStretch(1)

    def show_values(self, values: Mapping[str, str], styles: Mapping[str, str]) -> None:
        """Each key's value text, styled by ``styles`` (unstyled when absent)."""
        for key, (_, value) in self.facts.items():
            value.setText(values[key])
            value.setStyleSheet(styles.get(key, ""))
