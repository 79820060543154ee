"""core/ must never import Qt, directly or transitively (STYLE B2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, pkgutil, sys
class _NoQt:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {"PySide6", "shiboken6", "pyqtgraph", "desktop"}:
            raise ImportError(f"core pulled in {name}")
sys.meta_path.insert(0, _NoQt())
import core
count = 0
for mod in pkgutil.walk_packages(core.__path__, "core."):
    if ".migrations" in mod.name:
        continue
    importlib.import_module(mod.name)
    count += 1
print(count)
"""


def test_core_never_imports_qt() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        check=True,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert int(out.stdout.strip()) >= 5  # the probe really walked the package


def test_probe_catches_a_qt_import(tmp_path: Path) -> None:
    # The probe must fail when a core module imports Qt; prove it on a scratch package.
    pkg = tmp_path / "core"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "bad.py").write_text("import PySide6\n")
    res = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True)
    assert res.returncode != 0
    assert b"core pulled in PySide6" in res.stderr
