"""Paths of the shipped icons, style sheet and translations (PyInstaller-aware).

``core.resources.resources_dir`` finds ``resources/`` in a checkout, an installed tree or
the one-folder bundle; this module adds the Qt objects built from those files.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

from core.resources import resource

STYLE_SHEET = ("style", "riskdesk.qss")
APP_ICON = "riskdesk"


def icon_path(name: str) -> Path:
    """Path of ``resources/icons/<name>.svg``."""
    return resource("icons", f"{name}.svg")


@cache
def icon(name: str) -> QIcon:
    """The SVG icon ``name`` (an empty icon if the file is missing, never an error)."""
    path = icon_path(name)
    return QIcon(str(path)) if path.is_file() else QIcon()


def app_icon() -> QIcon:
    return icon(APP_ICON)


def style_sheet() -> str:
    """The application style sheet, with ``@ICONS@`` replaced by the icons folder URL."""
    path = resource(*STYLE_SHEET)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return text.replace("@ICONS@", resource("icons").as_posix())


def translations_dir() -> Path:
    """Folder of the compiled ``riskdesk_<locale>.qm`` catalogues."""
    return resource("i18n")
