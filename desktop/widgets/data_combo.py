"""Combo boxes whose items carry data: built from keys, refilled silently, retranslated.

The screens read a choice with ``currentData()``; the texts are only for the user, so
they are set (and reset on a language change) from the items' data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox

from desktop.i18n import translate


def data_combo(name: str, values: Iterable[object] = ()) -> QComboBox:
    """A combo named ``name`` with one item per value (texts from ``retranslate_items``)."""
    combo = QComboBox()
    combo.setObjectName(name)
    for value in values:
        combo.addItem("", value)
    return combo


def retranslate_items(combo: QComboBox, context: str, labels: Mapping[str, str]) -> None:
    """Each item's text: the label of its data in ``labels``, translated in ``context``."""
    for i in range(combo.count()):
        combo.setItemText(i, translate(context, labels[str(combo.itemData(i))]))


def refill_combo(
    combo: QComboBox, items: Iterable[tuple[str, object] | None], current: object = None
) -> None:
    """Replace the items, (text, data) or None for a separator, without emitting
    signals (a refill is not the user's choice), and select the item whose data equals
    ``current``, else the first. Compares by value: PySide6's ``findData`` compares
    tuples by identity."""
    with QSignalBlocker(combo):
        combo.clear()
        for item in items:
            if item is None:
                combo.insertSeparator(combo.count())
            else:
                combo.addItem(item[0], item[1])
        index = 0
        if current is not None:
            index = next((i for i in range(combo.count()) if combo.itemData(i) == current), 0)
        combo.setCurrentIndex(index)
