"""Where the shipped data files live (repo checkout, installed tree or PyInstaller bundle)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    """The ``resources/`` folder; ``RISKDESK_RESOURCES`` overrides (tests, packaging)."""
    override = os.environ.get("RISKDESK_RESOURCES")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller one-folder app
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[1] / "resources"


def resource(*parts: str) -> Path:
    """Path of one shipped file, e.g. ``resource("products.toml")``."""
    return resources_dir().joinpath(*parts)
