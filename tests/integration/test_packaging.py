"""The packaged app (``packaging/riskdesk.spec``) holds what the running app loads.

``test_the_spec_excludes_nothing_the_app_loads`` (every run): imports every screen module
and pyqtgraph in a fresh interpreter and checks that none of the Qt modules loaded is in
the spec's ``excludes`` (the live monitor crashed in the built app: pyqtgraph imports
``PySide6.QtOpenGL``, which the spec excluded). ``packaging/open_every_screen.py URL``
opens every screen of the source tree on a database and fails on any error (by hand).

``test_the_built_app_opens_every_screen`` builds the app with PyInstaller and opens every
screen of the built binary offscreen on the demo database, failing on any error. The
build takes minutes and about 450 MB, so it runs only with ``RISKDESK_BUILD_TEST=1``
(``RISKDESK_BUILD_TEST=1 scripts/test tests/integration/test_packaging.py``).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.services.demo import create_demo_data
from core.services.store import open_database

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "riskdesk.spec"
OPTIONAL = {"PySide6.QtTest"}
"""Imported by pyqtgraph inside ``try`` for its test helpers only: may stay excluded."""


def _spec_list(name: str) -> list[str]:
    """The literal strings the spec assigns or adds to ``name``."""
    out: list[str] = []
    for node in ast.walk(ast.parse(SPEC.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign):
            targets = [getattr(t, "id", None) for t in node.targets]
        elif isinstance(node, ast.AugAssign):
            targets = [getattr(node.target, "id", None)]
        else:
            continue
        value = node.value
        if name in targets and isinstance(value, ast.List):
            out += [
                e.value
                for e in value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
    return out


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("packaging") / "demo.sqlite"
    db = open_database(f"sqlite:///{path}")
    try:
        create_demo_data(db, scale="small", user="test")
    finally:
        db.engine.dispose()
    return f"sqlite:///{path}"


def _env(tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp / "config"),  # the user's settings stay untouched
        "RISKDESK_LOG_DIR": str(tmp / "logs"),
    }


IMPORT_EVERYTHING = """
import importlib, json, pkgutil, sys
import desktop.screens, desktop.main_window, desktop.cli, pyqtgraph
for m in pkgutil.walk_packages(desktop.screens.__path__, "desktop.screens."):
    importlib.import_module(m.name)
print(json.dumps(sorted(m for m in sys.modules if m.startswith("PySide6.Qt"))))
"""


def test_the_spec_excludes_nothing_the_app_loads(tmp_path: Path) -> None:
    """Every screen module and pyqtgraph imported in a fresh interpreter: none of the
    Qt modules they load is excluded by the spec, and pyqtgraph's are hidden imports."""
    run = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    loaded = set(json.loads(run.stdout.strip().splitlines()[-1]))
    assert "PySide6.QtOpenGL" in loaded  # pyqtgraph's: the check sees the monitor's charts
    excluded = set(_spec_list("excludes"))
    assert not (loaded & excluded) - OPTIONAL, sorted((loaded & excluded) - OPTIONAL)
    assert {"PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"} <= set(_spec_list("hiddenimports"))


def test_the_spec_check_bites() -> None:
    """The spec reader finds the lists the check compares (an empty read passes nothing)."""
    assert "PySide6.QtQml" in _spec_list("excludes")
    assert "psycopg" in _spec_list("hiddenimports")


@pytest.mark.build
@pytest.mark.skipif(
    os.environ.get("RISKDESK_BUILD_TEST") != "1",
    reason="builds the app with PyInstaller (minutes): set RISKDESK_BUILD_TEST=1",
)
def test_the_built_app_opens_every_screen(demo_db: str, tmp_path: Path) -> None:
    from desktop.screens.registry import SCREEN_KEYS

    subprocess.run([str(ROOT / "packaging" / "build.sh")], cwd=ROOT, check=True, timeout=3600)
    app = ROOT / "dist" / "RiskDesk" / "RiskDesk"
    assert app.exists()
    failures = []
    for key in SCREEN_KEYS:
        shot = tmp_path / f"{key}.png"
        run = subprocess.run(
            [
                str(app),
                "--db",
                demo_db,
                "gui",
                "--offscreen",
                "--lang",
                "zh",
                "--screen",
                key,
                "--screenshot",
                str(shot),
            ],
            capture_output=True,
            text=True,
            env=_env(tmp_path),
            timeout=300,
            check=False,
        )
        output = run.stdout + run.stderr
        if run.returncode != 0 or "Traceback" in output or "Error" in output or not shot.exists():
            failures.append(f"{key}: exit {run.returncode}\n{output[-2000:]}")
    assert not failures, "\n".join(failures)
