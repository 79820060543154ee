"""Application configuration: database URL and user, from arguments, env and defaults."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

ENV_DB_URL = "RISKDESK_DB_URL"


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("RiskDesk", appauthor=False))


def default_db_url() -> str:
    """SQLite file in the user data directory (created on first use)."""
    return f"sqlite:///{default_data_dir() / 'riskdesk.sqlite'}"


def resolve_db_url(cli_value: str | None) -> str:
    """--db beats $RISKDESK_DB_URL beats the per-user SQLite file."""
    return cli_value or os.environ.get(ENV_DB_URL) or default_db_url()


def current_user() -> str:
    """The OS user, recorded in the audit log."""
    try:
        return os.environ.get("RISKDESK_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class AppConfig:
    db_url: str
    user: str

    @classmethod
    def from_args(cls, db: str | None) -> AppConfig:
        return cls(db_url=resolve_db_url(db), user=current_user())
