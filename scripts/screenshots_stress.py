"""Screenshots of the Stress scenarios screen after a run (issue 16), zh and en.

The screen runs nothing when it opens (a run over the whole book takes seconds), so
``scripts/screenshots`` shows its editor only; this script runs the first scenario of
the starter library ("m: three limit-down days"). Usage (from the repository root, a
small demo database built first):

    .venv/bin/python scripts/screenshots_stress.py sqlite:///demo.sqlite docs/screenshots

Writes ``stress_run_<lang>.png``, then the Charts tab of that run
(``stress_charts_<lang>.png``) and the Grid tab after Run grid over the library
(``stress_grid_<lang>.png``).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(url: str, out: Path) -> int:
    from PySide6.QtWidgets import QApplication  # noqa: TID251 (a desktop tool)
    from shot_tools import offscreen_desk, settle

    from desktop import i18n
    from desktop.main_window import MainWindow
    from desktop.screens.stress import StressScreen

    app, ctx = offscreen_desk(url)

    out.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        i18n.set_language(lang)
        window = MainWindow(ctx, "main")
        window.set_save_on_close(False)
        window.resize(1366, 768)
        window.show()
        settle(window)
        screen = window.select_screen("stress")
        assert isinstance(screen, StressScreen)
        settle(window)
        screen.recompute()
        settle(window)
        window.grab().save(str(out / f"stress_run_{lang}.png"), "PNG")
        screen.result_tabs.setCurrentWidget(screen.charts)
        settle(window)
        window.grab().save(str(out / f"stress_charts_{lang}.png"), "PNG")
        screen.result_tabs.setCurrentWidget(screen.grid)
        screen.grid.compute()
        end = time.monotonic() + 300
        while time.monotonic() < end and not screen.grid.is_loaded:
            app.processEvents()
            time.sleep(0.02)
        settle(window)
        window.grab().save(str(out / f"stress_grid_{lang}.png"), "PNG")
        window.close()
        window.deleteLater()
        app.processEvents()
    ctx.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
