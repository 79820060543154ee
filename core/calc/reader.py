"""Typed access to a JSON case document that names the JSON path of every bad value."""

from __future__ import annotations

import builtins
import datetime
from datetime import date
from decimal import Decimal
from typing import Any

from core.errors import CaseError
from core.money import Fen, parse_decimal, parse_yuan

_MISSING = object()


class Explain:
    """Human-readable trace of a computation (``riskdesk calc --explain``)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, text: str) -> None:
        self.lines.append(text)


class CaseReader:
    """A JSON value with its path; accessors validate and raise ``CaseError``."""

    def __init__(self, value: Any, path: builtins.str) -> None:
        self.value = value
        self.path = path

    # ---------------------------------------------------------------- structure
    def _child_path(self, key: builtins.str | builtins.int) -> builtins.str:
        return f"{self.path}[{key}]" if isinstance(key, int) else f"{self.path}.{key}"

    def has(self, key: builtins.str) -> builtins.bool:
        return isinstance(self.value, dict) and key in self.value and self.value[key] is not None

    def child(self, key: builtins.str, default: Any = _MISSING) -> CaseReader:
        if not isinstance(self.value, dict):
            raise CaseError(self.path, f"must be an object, got {_short(self.value)}")
        if key not in self.value:
            if default is _MISSING:
                raise CaseError(self._child_path(key), "missing")
            return CaseReader(default, self._child_path(key))
        return CaseReader(self.value[key], self._child_path(key))

    def items(self, key: builtins.str, default: Any = _MISSING) -> list[CaseReader]:
        node = self.child(key, default)
        if not isinstance(node.value, list):
            raise CaseError(node.path, f"must be a list, got {_short(node.value)}")
        return [CaseReader(v, f"{node.path}[{i}]") for i, v in enumerate(node.value)]

    # ---------------------------------------------------------------- scalars
    def str(self, key: builtins.str, default: Any = _MISSING) -> builtins.str:
        node = self.child(key, default)
        if not isinstance(node.value, str) or not node.value:
            raise CaseError(node.path, f"must be a non-empty string, got {_short(node.value)}")
        return node.value

    def choice(
        self,
        key: builtins.str,
        options: tuple[builtins.str, ...],
        default: Any = _MISSING,
    ) -> builtins.str:
        node = self.child(key, default)
        if node.value not in options:
            raise CaseError(
                node.path,
                f"must be one of {', '.join(options)}, got {_short(node.value)}",
            )
        return str(node.value)

    def bool(self, key: builtins.str, default: Any = _MISSING) -> builtins.bool:
        node = self.child(key, default)
        if not isinstance(node.value, bool):
            raise CaseError(node.path, f"must be true or false, got {_short(node.value)}")
        return node.value

    def int(
        self,
        key: builtins.str,
        default: Any = _MISSING,
        *,
        minimum: builtins.int | None = None,
    ) -> builtins.int:
        node = self.child(key, default)
        v = node.value
        if isinstance(v, bool) or not isinstance(v, int):
            raise CaseError(node.path, f"must be an integer, got {_short(v)}")
        if minimum is not None and v < minimum:
            raise CaseError(node.path, f"must be an integer >= {minimum}, got {v}")
        return v

    def lots(self, key: builtins.str, default: Any = _MISSING) -> builtins.int:
        node = self.child(key, default)
        v = node.value
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise CaseError(node.path, f"must be a non-negative integer, got {_short(v)}")
        return v

    def money(self, key: builtins.str, default: Any = _MISSING) -> Fen:
        node = self.child(key, default)
        if not isinstance(node.value, str):
            raise CaseError(
                node.path,
                f'must be a money string like "1234.50", got {_short(node.value)}',
            )
        try:
            return parse_yuan(node.value)
        except ValueError as exc:
            raise CaseError(node.path, str(exc)) from None

    def decimal(
        self,
        key: builtins.str,
        default: Any = _MISSING,
        *,
        positive: builtins.bool = False,
        non_negative: builtins.bool = False,
    ) -> Decimal:
        node = self.child(key, default)
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (str, int)):
            raise CaseError(node.path, f"must be a decimal string, got {_short(v)}")
        try:
            d = parse_decimal(str(v))
        except ValueError as exc:
            raise CaseError(node.path, str(exc)) from None
        if positive and d <= 0:
            raise CaseError(node.path, f"must be positive, got {v}")
        if non_negative and d < 0:
            raise CaseError(node.path, f"must not be negative, got {v}")
        return d

    def optional_decimal(self, key: builtins.str) -> Decimal | None:
        return self.decimal(key) if self.has(key) else None

    def date(self, key: builtins.str, default: Any = _MISSING) -> datetime.date:
        node = self.child(key, default)
        return node.as_date()

    def as_date(self) -> datetime.date:
        if isinstance(self.value, str):
            try:
                return date.fromisoformat(self.value)
            except ValueError:
                pass
        raise CaseError(self.path, f"must be a date YYYY-MM-DD, got {_short(self.value)}")

    def as_str(self) -> builtins.str:
        if not isinstance(self.value, str) or not self.value:
            raise CaseError(self.path, f"must be a non-empty string, got {_short(self.value)}")
        return self.value

    def fail(self, message: builtins.str, key: builtins.str | None = None) -> CaseError:
        """A CaseError at this node (or its child ``key``) for a caller to raise."""
        return CaseError(self._child_path(key) if key else self.path, message)


def _short(v: Any) -> builtins.str:
    import json

    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= 60 else s[:57] + "..."
