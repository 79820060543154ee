"""Screenshots of the Reconciliation screen with CFMMC workbooks and the member CSV
loaded (issue 15), zh and en.

RiskDesk writes the CFMMC daily statements of the first 20 clients and the member's
settlement CSV of the settled day, then seeds three breaks into copies of them, as
statements from outside would bring: client 10000001's fee one fen higher, client
10000003's first position line under the hedge flag, and the member's a2701 long spec
margin one fen higher. Usage (from the repository root, a small demo database built
first; the database is not changed but for the audited runs):

    .venv/bin/python scripts/screenshots_reconcile.py sqlite:///demo.sqlite docs/screenshots

Writes ``reconcile_cfmmc_<lang>.png``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _rewrite(path: Path, edit: dict[tuple[str, int, int], str]) -> None:
    """The workbook again with some cells replaced ((sheet, row, column) → text)."""
    import xlwt

    from core.reconcile.workbook import read_sheets

    wb = xlwt.Workbook(encoding="utf-8")
    for sheet in read_sheets(path):
        ws = wb.add_sheet(sheet.name)
        for r, row in enumerate(sheet.rows):
            for c, text in enumerate(row):
                text = edit.get((sheet.name, r, c), text)
                if text:
                    ws.write(r, c, text)
    wb.save(str(path))


def _cell(path: Path, sheet: str, first: str, column: str) -> tuple[str, int, int]:
    """(sheet, row, column) of the cell under ``column`` (the nearest header above) in
    the last row starting ``first`` (on the daily sheet: the position summary's)."""
    from core.reconcile.workbook import read_sheets

    rows = next(s.rows for s in read_sheets(path) if s.name == sheet)
    r = max(i for i, row in enumerate(rows) if row and row[0] == first)
    head = next(rows[h] for h in range(r - 1, -1, -1) if column in rows[h])
    return sheet, r, head.index(column)


def _pair(path: Path, sheet: str, label: str) -> tuple[str, int, int]:
    from core.reconcile.workbook import read_sheets

    rows = next(s.rows for s in read_sheets(path) if s.name == sheet)
    for r, row in enumerate(rows):
        if label in row:
            c = row.index(label)
            return sheet, r, next(i for i in range(c + 1, len(row)) if row[i])
    raise LookupError(label)


def _statements(url: str, folder: Path) -> list[Path]:
    from core.services.call_desk import settled_days
    from core.services.reconcile import write_cfmmc_statements, write_member_statements
    from core.services.store import open_database

    db = open_database(url)
    with db.reader() as reader:
        day = max(settled_days(reader))
    clients = [f"{10000001 + i}" for i in range(20)]
    books, _ = write_cfmmc_statements(db, day, folder, clients=clients, user="screenshots")
    member = folder / "member_settlement.csv"
    write_member_statements(db, day, member, user="screenshots")
    db.engine.dispose()
    fee = books[0]
    _rewrite(
        fee,
        {
            _cell(fee, "成交明细", "j2702", "手续费"): "23.54",
            _cell(fee, "成交明细", "合计", "手续费"): "23.54",
            _pair(fee, "客户交易结算日报", "当日手续费"): "23.54",
        },
    )
    from core.reconcile.workbook import read_sheets

    def first_line(book: Path) -> str:
        detail = next(s.rows for s in read_sheets(book) if s.name == "持仓明细")
        return detail[10][0]

    flag = next(b for b in books[1:] if first_line(b) != "合计")
    first = first_line(flag)
    _rewrite(
        flag,
        {
            _cell(flag, "持仓明细", first, "投机/套保"): "套保",
            _cell(flag, "客户交易结算日报", first, "投机/套保"): "套保",
        },
    )
    text = member.read_text(encoding="utf-8-sig")
    line = next(ln for ln in text.splitlines() if ",a2701,long,spec," in ln)
    member.write_text(text.replace(line, line[:-1] + "1"), encoding="utf-8")
    return [*books, member]


def main(url: str, out: Path) -> int:
    from PySide6.QtWidgets import QApplication  # noqa: TID251 (a desktop tool)
    from shot_tools import offscreen_desk, settle

    from desktop import i18n
    from desktop.main_window import MainWindow
    from desktop.screens.reconcile import ReconcileScreen

    work = Path(tempfile.mkdtemp(prefix="riskdesk-reconcile-"))
    files = _statements(url, work / "cfmmc")
    app, ctx = offscreen_desk(url)

    out.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        i18n.set_language(lang)
        window = MainWindow(ctx, "main")
        window.set_save_on_close(False)
        window.resize(1366, 768)
        window.show()
        settle(window)
        screen = window.select_screen("reconcile")
        assert isinstance(screen, ReconcileScreen)
        settle(window)
        screen.set_files(files)
        screen.run()
        settle(window, lambda s=screen: s.run_result is not None and s.run_button.isEnabled())
        window.grab().save(str(out / f"reconcile_cfmmc_{lang}.png"), "PNG")
        window.close()
        window.deleteLater()
        app.processEvents()
    ctx.close()
    QApplication.processEvents()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
