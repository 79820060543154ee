"""Console entry point: the core commands plus ``riskdesk gui``. No Qt import until ``gui``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from core.cli import main as core_main
from desktop.screens.registry import SCREEN_KEYS  # Qt-free

CLIENT_TABS = ("funds", "positions", "offset", "calls", "notices", "alerts", "whatif")
"""The client panel's tabs (``desktop.client_panel.TABS``; kept here, Qt-free)."""


def _register_gui(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("gui", help="open the desktop window")
    p.add_argument(
        "--offscreen",
        action="store_true",
        help="render on Qt's offscreen platform (no display needed)",
    )
    p.add_argument(
        "--screenshot",
        type=Path,
        metavar="FILE",
        help="render the window to a PNG file and exit",
    )
    p.add_argument("--screen", choices=SCREEN_KEYS, default="main", help="screen to open on")
    p.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=None,
        help="user-interface language of this run, not saved (default: the one chosen "
        "in View → Language, else zh)",
    )
    p.add_argument(
        "--client",
        metavar="CODE",
        default=None,
        help="open the client panel of CODE after its latest settlement",
    )
    p.add_argument(
        "--client-tab",
        choices=CLIENT_TABS,
        default=None,
        help="the client panel's tab to show (with --client)",
    )
    p.add_argument(
        "--size",
        default=None,
        metavar="WxH",
        help="window size, e.g. 1366x768 (screenshots)",
    )
    p.set_defaults(func=_run_gui)


def _run_gui(args: argparse.Namespace) -> int:
    from desktop.app import run_gui  # Qt is imported only here

    return run_gui(args)


def main(argv: Sequence[str] | None = None) -> int:
    return core_main(argv, extra=(_register_gui,))


if __name__ == "__main__":
    sys.exit(main())
