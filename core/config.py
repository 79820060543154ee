"""Application configuration: database URL and user, from arguments, env and defaults;
the settings file (``riskdesk.toml``) and its ``[notices.smtp]`` section."""

from __future__ import annotations

import getpass
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal

from core.errors import ConfigError

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


# --------------------------------------------------------------------- settings file
ENV_CONFIG = "RISKDESK_CONFIG"
ENV_SMTP_PASSWORD = "RISKDESK_SMTP_PASSWORD"
TLS_MODES = ("none", "starttls", "ssl")
TlsMode = Literal["none", "starttls", "ssl"]
_DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}


def default_config_path() -> Path:
    """``riskdesk.toml`` in the user configuration directory."""
    import platformdirs

    return Path(platformdirs.user_config_dir("RiskDesk", appauthor=False)) / "riskdesk.toml"


def load_settings(path: Path | None = None) -> dict[str, Any]:
    """The settings file: ``path``, else ``$RISKDESK_CONFIG``, else
    ``default_config_path()``; an absent file is no settings (``{}``).

    Raises ConfigError naming the file when it cannot be read or is not TOML.
    """
    src = path or Path(os.environ.get(ENV_CONFIG) or default_config_path())
    if path is None and not src.exists():
        return {}
    try:
        return tomllib.loads(src.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{src}: cannot read the settings: {exc}") from None


@dataclass(frozen=True)
class SmtpSettings:
    """Where notices are e-mailed from: the ``[notices.smtp]`` settings.

    The password is not part of the settings: ``password()`` reads it, when sending,
    from the environment variable ``password_env`` or else from ``password_file`` (a
    file outside the database, readable by its owner only), so that it is never stored
    in the database, the settings file or a log.
    """

    host: str
    port: int
    tls: TlsMode = "starttls"
    user: str | None = None
    sender: str = ""
    password_env: str = ENV_SMTP_PASSWORD
    password_file: Path | None = None
    timeout_s: float = 30.0

    def password(self) -> str | None:
        """The password, or None when no ``user`` logs in.

        Raises ConfigError when a user is set and neither source gives a password, or
        when the password file can be read by others.
        """
        if self.user is None:
            return None
        value = os.environ.get(self.password_env)
        if value:
            return value
        if self.password_file is not None:
            try:
                mode = self.password_file.stat().st_mode
                if mode & (stat.S_IRWXG | stat.S_IRWXO):
                    raise ConfigError(
                        f"{self.password_file}: the SMTP password file must be readable by "
                        "its owner only (chmod 600)"
                    )
                secret = self.password_file.read_text(encoding="utf-8").strip("\r\n")
            except OSError as exc:
                raise ConfigError(
                    f"{self.password_file}: cannot read the SMTP password file: "
                    f"{exc.strerror or exc}"
                ) from None
            if secret:
                return secret
        raise ConfigError(
            f"SMTP user {self.user!r} needs a password: set ${self.password_env} or "
            "notices.smtp.password_file"
        )


def smtp_settings(settings: Mapping[str, Any] | None = None, **overrides: Any) -> SmtpSettings:
    """``SmtpSettings`` from the ``[notices.smtp]`` table of ``settings`` (default:
    ``load_settings()``), with ``overrides`` (command-line values; None = not given).

    Keys: ``host`` (required), ``port`` (default by TLS mode: 25, 587, 465), ``tls``
    (none | starttls | ssl), ``user``, ``sender`` (required), ``password_env``,
    ``password_file``, ``timeout_s``. Raises ConfigError naming the key for a missing
    or bad value, and for a ``password`` key: passwords never go in the settings file.
    """
    source = load_settings() if settings is None else settings
    table = source.get("notices", {}).get("smtp", {})
    if not isinstance(table, Mapping):
        raise ConfigError("settings: [notices.smtp] must be a table")
    if "password" in table:
        raise ConfigError(
            "settings: notices.smtp.password is not allowed: give the password in "
            f"${ENV_SMTP_PASSWORD} or in a file named by notices.smtp.password_file"
        )
    values = {**table, **{k: v for k, v in overrides.items() if v is not None}}
    unknown = sorted(set(values) - {f.name for f in fields(SmtpSettings)})
    if unknown:
        raise ConfigError(f"settings: notices.smtp.{unknown[0]} is not a setting")
    tls = values.get("tls", "starttls")
    if tls not in TLS_MODES:
        raise ConfigError(
            f"settings: notices.smtp.tls: {tls!r} is not one of {', '.join(TLS_MODES)}"
        )
    for key in ("host", "sender"):
        if not isinstance(values.get(key), str) or not values[key].strip():
            raise ConfigError(f"settings: notices.smtp.{key} is required (text)")
    port = values.get("port", _DEFAULT_PORTS[tls])
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise ConfigError(f"settings: notices.smtp.port: {port!r} is not a port number")
    timeout = values.get("timeout_s", 30.0)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
        raise ConfigError(f"settings: notices.smtp.timeout_s: {timeout!r} must be > 0")
    user = values.get("user")
    password_file = values.get("password_file")
    return SmtpSettings(
        host=values["host"].strip(),
        port=port,
        tls=tls,
        user=str(user) if user else None,
        sender=values["sender"].strip(),
        password_env=str(values.get("password_env") or ENV_SMTP_PASSWORD),
        password_file=Path(password_file).expanduser() if password_file else None,
        timeout_s=float(timeout),
    )
