"""``riskdesk calc``: run one rule case (../shared/spec/cases/README.md) on a JSON document.

Each rule kind registers a runner with ``@register("kind")``. A runner receives the
case's ``input`` and ``params`` as ``CaseReader``s (which raise ``CaseError`` naming the
JSON path of a bad value) and an ``Explain`` trace, and returns the output document.
"""

from __future__ import annotations

import decimal
import importlib
from collections.abc import Callable
from typing import Any

from core.calc.reader import CaseReader, Explain
from core.errors import CaseError
from core.money import MoneyOverflowError

Runner = Callable[[CaseReader, CaseReader, Explain], dict[str, Any]]
_RUNNERS: dict[str, Runner] = {}

# Modules that register kinds; imported lazily so that `calc` stays fast to start.
_KIND_MODULES = ("core.calc.money_kinds", "core.calc.risk_kinds")


def register(kind: str) -> Callable[[Runner], Runner]:
    def wrap(fn: Runner) -> Runner:
        _RUNNERS[kind] = fn
        return fn

    return wrap


def known_kinds() -> list[str]:
    for name in _KIND_MODULES:
        importlib.import_module(name)
    return sorted(_RUNNERS)


def run_case(doc: object, explain: Explain | None = None) -> dict[str, Any]:
    """Run one case document; raises CaseError for bad input or an unknown kind."""
    if not isinstance(doc, dict):
        raise CaseError("$", "a case file must hold a JSON object")
    kinds = known_kinds()
    kind = doc.get("kind")
    if not isinstance(kind, str) or kind not in _RUNNERS:
        raise CaseError("kind", f"unknown kind {kind!r}; known kinds: {', '.join(kinds)}")
    params = doc.get("params", {})
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise CaseError("params", "must be an object")
    if "input" not in doc:
        raise CaseError("input", "missing")
    trace = explain if explain is not None else Explain()
    try:
        return _RUNNERS[kind](
            CaseReader(doc["input"], "input"), CaseReader(params, "params"), trace
        )
    except (MoneyOverflowError, OverflowError, decimal.InvalidOperation, decimal.Overflow) as exc:
        # Every value is held to its plausibility limit with its path first; this only
        # turns a figure the limits did not foresee into exit 2 rather than a traceback.
        raise CaseError("input", f"too large to compute exactly: {exc}") from None
    except CaseError as exc:
        if exc.message.isprintable():
            raise
        # a message quoting the case's own text: one line, no terminal escapes
        raise CaseError(exc.path, _printable(exc.message)) from None


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
