"""``riskdesk calc CASE.json [--explain]``: run one rule case and print the result."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "calc",
        help="run one rule case file (see docs/calc.md)",
        description="Run a rule case JSON file and print the result as JSON.",
    )
    p.add_argument("case", type=Path, help="case file (JSON); '-' reads standard input")
    p.add_argument("--explain", action="store_true", help="human-readable trace on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.calc import run_case
    from core.calc.reader import Explain
    from core.errors import CaseError

    name = "<stdin>" if str(args.case) == "-" else str(args.case)
    try:
        text = sys.stdin.read() if name == "<stdin>" else args.case.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"{name}: cannot read: {exc.strerror}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as exc:
        print(f"{name}: not UTF-8 text (byte {exc.start})", file=sys.stderr)
        return 2
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        print(
            f"{name}: not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}",
            file=sys.stderr,
        )
        return 2
    except ValueError:  # an integer literal of thousands of digits (Python's str limit)
        print(f"{name}: not a usable case: a number has too many digits", file=sys.stderr)
        return 2
    except RecursionError:
        print(f"{name}: not a usable case: arrays or objects nested too deeply", file=sys.stderr)
        return 2
    trace = Explain()
    try:
        result = run_case(doc, trace)
    except CaseError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    if args.explain:
        for line in trace.lines:
            print(line, file=sys.stderr)
    return 0
