"""Screenshots of the risk actions with what-if inputs (issue #11), zh and en.

``scripts/screenshots`` shows each screen as it opens; the forced liquidation only
triggers with an assumed reserve, so this script types one (−5,000,000.00 with a
what-if deposit of 1,500,000.00), and shows the client forced close with one line
edited by hand. Usage (from the repository root, a small demo database built first):

    .venv/bin/python scripts/screenshots_what_if.py sqlite:///demo.sqlite docs/screenshots

Writes ``liquidation_what_if_<lang>.png`` and ``forced_close_edited_<lang>.png``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(url: str, out: Path) -> int:
    from PySide6.QtCore import Qt  # noqa: TID251 (a desktop tool)
    from PySide6.QtTest import QTest  # noqa: TID251
    from PySide6.QtWidgets import QApplication  # noqa: TID251
    from shot_tools import offscreen_desk, settle

    from desktop import i18n
    from desktop.main_window import MainWindow
    from desktop.screens.forced_close import ForcedCloseScreen
    from desktop.screens.liquidation import LiquidationScreen

    app, ctx = offscreen_desk(url)

    out.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        i18n.set_language(lang)
        window = MainWindow(ctx, "main")
        window.set_save_on_close(False)
        window.resize(1366, 768)
        window.show()
        settle(window)

        liquidation = window.select_screen("liquidation")
        assert isinstance(liquidation, LiquidationScreen)
        settle(window)
        liquidation.assume_check.setChecked(True)
        settle(window)
        QTest.keyClicks(liquidation.reserve_edit, "-5,000,000.00")
        QTest.keyClick(liquidation.reserve_edit, Qt.Key.Key_Return)
        settle(window)
        QTest.keyClicks(liquidation.deposit_edit, "1,500,000.00")
        QTest.keyClick(liquidation.deposit_edit, Qt.Key.Key_Return)
        settle(window)
        for edit in (liquidation.reserve_edit, liquidation.deposit_edit):
            edit.deselect()  # Enter selected it for the next figure
        window.grab().save(str(out / f"liquidation_what_if_{lang}.png"), "PNG")

        close = window.select_screen("forced_close")
        assert isinstance(close, ForcedCloseScreen)
        settle(window)
        close.select_client("10000012")
        model = close.lines_model
        row = next(
            r for r in range(model.rowCount()) if model.raw_value(r, "contract_code") == "m2701"
        )
        model.setData(model.index(row, model.edit_column), "2")
        app.processEvents()
        window.grab().save(str(out / f"forced_close_edited_{lang}.png"), "PNG")
        window.close()
        window.deleteLater()
        app.processEvents()
    ctx.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
