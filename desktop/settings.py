"""UI state in QSettings: window layout, table headers, language. Never business settings.

Database URL and user come from ``core.config`` (arguments and environment); the core
never reads QSettings (STYLE B6). Tests redirect the INI files to a temporary folder
with ``QSettings.setPath`` (tests/desktop/conftest.py).
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from desktop.i18n import DEFAULT_LANGUAGE, LANGUAGES
from desktop.palette import CONVENTIONS, DEFAULT_CONVENTION

ORGANIZATION = "RiskDesk"
APPLICATION = "RiskDesk"

KEY_LANGUAGE = "ui/language"
KEY_GEOMETRY = "main_window/geometry"
KEY_WINDOW_STATE = "main_window/state"
KEY_SPLITTER = "main_window/splitter"
KEY_HEADER_PREFIX = "headers/"
KEY_COLOURS = "ui/colours"
KEY_TABLE_LAYOUTS_PREFIX = "table_layouts/"
KEY_WINDOW_LAYOUTS = "main_window/layouts"
KEY_VIEW_PREFIX = "views/"


class UiSettings:
    """Typed accessors over an INI-format QSettings; GUI thread only.

    ``persist=False`` (screenshot runs) reads the user's file but keeps every change in
    memory for this run only: the file is never written.
    """

    def __init__(self, qsettings: QSettings | None = None, *, persist: bool = True) -> None:
        self._s = qsettings or QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
        )
        self._persist = persist
        self._unsaved: dict[str, Any] = {}

    @property
    def file_name(self) -> str:
        return self._s.fileName()

    @property
    def persists(self) -> bool:
        return self._persist

    def _value(self, key: str, default: Any = None) -> Any:
        if key in self._unsaved:
            return self._unsaved[key]
        return self._s.value(key, default)

    def _set(self, key: str, value: Any) -> None:
        if self._persist:
            self._s.setValue(key, value)
        else:
            self._unsaved[key] = value

    # ----------------------------------------------------------------- language
    @property
    def language(self) -> str:
        value = self._value(KEY_LANGUAGE, DEFAULT_LANGUAGE)
        return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANGUAGE

    @language.setter
    def language(self, value: str) -> None:
        if value not in LANGUAGES:
            raise ValueError(f"unknown language {value!r}")
        self._set(KEY_LANGUAGE, value)

    # ----------------------------------------------------------------- colours
    @property
    def colour_convention(self) -> str:
        """``desktop.palette`` convention of prices and P&L (Chinese red-up by default)."""
        value = self._value(KEY_COLOURS, DEFAULT_CONVENTION)
        return value if isinstance(value, str) and value in CONVENTIONS else DEFAULT_CONVENTION

    @colour_convention.setter
    def colour_convention(self, value: str) -> None:
        if value not in CONVENTIONS:
            raise ValueError(f"unknown colour convention {value!r}")
        self._set(KEY_COLOURS, value)

    # ----------------------------------------------------------------- layout
    def _bytes(self, key: str) -> QByteArray | None:
        value = self._value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes(KEY_GEOMETRY)

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._set(KEY_GEOMETRY, value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes(KEY_WINDOW_STATE)

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._set(KEY_WINDOW_STATE, value)

    @property
    def splitter_state(self) -> QByteArray | None:
        return self._bytes(KEY_SPLITTER)

    @splitter_state.setter
    def splitter_state(self, value: QByteArray) -> None:
        self._set(KEY_SPLITTER, value)

    def header_state(self, table: str) -> QByteArray | None:
        """``QHeaderView.saveState()`` of the table named ``table``, if saved."""
        return self._bytes(KEY_HEADER_PREFIX + table)

    def set_header_state(self, table: str, state: QByteArray) -> None:
        self._set(KEY_HEADER_PREFIX + table, state)

    # ----------------------------------------------------------------- named layouts
    def _json(self, key: str) -> dict[str, Any]:
        value = self._value(key)
        if not isinstance(value, str) or not value:
            return {}
        try:
            data = json.loads(value)
        except ValueError:
            return {}  # a hand-edited or damaged file: no layouts rather than a crash
        return data if isinstance(data, dict) else {}

    def table_layouts(self, table: str) -> dict[str, Any]:
        """The named layouts of the table ``table``: name → what the table saved."""
        return self._json(KEY_TABLE_LAYOUTS_PREFIX + table)

    def set_table_layouts(self, table: str, layouts: dict[str, Any]) -> None:
        self._set(KEY_TABLE_LAYOUTS_PREFIX + table, json.dumps(layouts, ensure_ascii=False))

    def window_layouts(self) -> dict[str, Any]:
        """The named window layouts (docks, panels, splitters): name → state."""
        return self._json(KEY_WINDOW_LAYOUTS)

    def set_window_layouts(self, layouts: dict[str, Any]) -> None:
        self._set(KEY_WINDOW_LAYOUTS, json.dumps(layouts, ensure_ascii=False))

    def view_option(self, screen: str, name: str) -> str | None:
        """A screen's remembered view choice (a tick box, a number of days), or None."""
        value = self._value(f"{KEY_VIEW_PREFIX}{screen}/{name}")
        return None if value is None else str(value)

    def set_view_option(self, screen: str, name: str, value: str) -> None:
        self._set(f"{KEY_VIEW_PREFIX}{screen}/{name}", value)

    def sync(self) -> None:
        if self._persist:
            self._s.sync()
