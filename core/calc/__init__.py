"""``riskdesk calc``: run one rule case (../shared/spec/cases/README.md) on a JSON document.

Each rule kind registers a runner with ``@register("kind")``. A runner receives the
case's ``input`` and ``params`` as ``CaseReader``s (which raise ``CaseError`` naming the
JSON path of a bad value) and an ``Explain`` trace, and returns the output document.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from core.calc.reader import CaseReader, Explain
from core.errors import CaseError

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
    return _RUNNERS[kind](CaseReader(doc["input"], "input"), CaseReader(params, "params"), trace)
