"""The firm's risk parameters file, ``resources/risk_params.toml`` (spec Appendix A).

Every parameter is a table with ``value``, ``verified`` and ``source``; modules of
``core.rules`` read their own section through ``load_param_section``.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from core.resources import resource


def load_param_section(section: str, path: Path | None = None) -> dict[str, tuple[Any, bool]]:
    """``{name: (value, verified)}`` of one section of ``resources/risk_params.toml``.

    Raises ConfigError naming the file and key when the section or a value is malformed.
    """
    return dict(_load_params(path or resource("risk_params.toml")).get(section, {}))


@lru_cache(maxsize=4)
def _load_params(src: Path) -> dict[str, dict[str, tuple[Any, bool]]]:
    try:
        data = tomllib.loads(src.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{src}: cannot read risk parameters: {exc}") from exc
    out: dict[str, dict[str, tuple[Any, bool]]] = {}
    for section, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{src}: {section}: expected a table")
        out[section] = {}
        for name, entry in table.items():
            if not isinstance(entry, dict) or "value" not in entry:
                raise ConfigError(f"{src}: {section}.{name}: expected a table with 'value'")
            verified = entry.get("verified")
            if not isinstance(verified, bool):
                raise ConfigError(f"{src}: {section}.{name}.verified: expected true/false")
            out[section][name] = (entry["value"], verified)
    return out
