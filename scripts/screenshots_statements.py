"""Screenshots of the statements a client signs off and of a reconciliation of several
days (issue 15 items 4 and 5), zh and en.

On a copy of the database: client 10000161's daily statement of the last settled day
and its monthly statement (PDF, every page rendered to PNG with ``pdftoppm``, or Qt's
PDF module when it is missing), then RiskDesk's CTP statements of the last two settled
days with three seeded breaks (one client's fund available on the first day, two
commissions on the second), reconciled on the Reconciliation screen with every day in
the files (the per-day chart; the second day's bar clicked). Usage (from the
repository root, a small demo database built first):

    .venv/bin/python scripts/screenshots_statements.py sqlite:///demo.sqlite docs/screenshots

Writes ``statement_daily_<lang>_p<n>.png``, ``statement_monthly_<lang>_p<n>.png`` and
``reconcile_days_<lang>.png``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
CLIENT = "10000161"


def _render(pdf: Path, out: Path, stem: str) -> list[Path]:
    """Every page of ``pdf`` as ``out/<stem>_p<n>.png`` (110 dpi)."""
    for old in out.glob(f"{stem}_p*.png"):
        old.unlink()
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "110", "-png", str(pdf), str(out / stem)], check=True)
        pages = sorted(out.glob(f"{stem}-*.png"))
        named = []
        for p in pages:
            n = int(p.stem.rsplit("-", 1)[1])
            target = out / f"{stem}_p{n}.png"
            p.rename(target)
            named.append(target)
        return named
    from PySide6.QtCore import QSize  # noqa: TID251 (a desktop tool)
    from PySide6.QtPdf import QPdfDocument  # noqa: TID251

    doc = QPdfDocument()
    doc.load(str(pdf))
    named = []
    for i in range(doc.pageCount()):
        size = doc.pagePointSize(i)
        image = doc.render(i, QSize(int(size.width() * 110 / 72), int(size.height() * 110 / 72)))
        target = out / f"{stem}_p{i + 1}.png"
        image.save(str(target), "PNG")
        named.append(target)
    return named


def _bump(path: Path, label: str, count: int) -> None:
    """The figure ``label`` of the first ``count`` statements where it is not zero, one
    fen higher (a counter that disagrees)."""
    text = path.read_bytes().decode("gbk")
    out, at, n = [], 0, 0
    for m in re.finditer(re.escape(label) + r"：\s*(\d+)\.(\d\d)", text):
        fen = int(m[1]) * 100 + int(m[2])
        if not fen or n == count:
            continue
        out += [text[at : m.start(1)], f"{(fen + 1) // 100}.{(fen + 1) % 100:02d}"]
        at, n = m.end(2), n + 1
    path.write_bytes(("".join(out) + text[at:]).encode("gbk"))


def main(url: str, out: Path) -> int:
    from PySide6.QtCore import QPoint, Qt  # noqa: TID251 (a desktop tool)
    from PySide6.QtTest import QTest  # noqa: TID251
    from PySide6.QtWidgets import QApplication  # noqa: TID251
    from shot_tools import offscreen_desk, settle

    from core.db.engine import open_database
    from core.services.call_desk import settled_days
    from core.services.client_statements import daily_signoff, monthly_statement
    from core.services.reconcile import write_riskdesk_statements
    from desktop import i18n
    from desktop.main_window import MainWindow
    from desktop.screens.reconcile import ReconcileScreen

    work = Path(tempfile.mkdtemp(prefix="riskdesk-statements-"))
    source = url.removeprefix("sqlite:///")
    copy = work / "demo.sqlite"
    shutil.copyfile(source, copy)
    url = f"sqlite:///{copy}"
    out.mkdir(parents=True, exist_ok=True)
    db = open_database(url)
    with db.reader() as reader:
        days = settled_days(reader)
        last = max(days)
        daily = daily_signoff(reader, CLIENT, last)
        monthly = monthly_statement(reader, CLIENT, last)
    from core.reports.signoff import write_signoff

    for lang in ("zh", "en"):
        for kind, st in (("daily", daily), ("monthly", monthly)):
            pdf = work / f"{kind}_{lang}.pdf"
            write_signoff(st, pdf, lang)  # type: ignore[arg-type]
            for page in _render(pdf, out, f"statement_{kind}_{lang}"):
                print(page)
    two = sorted(days)[-2:]
    files = []
    for day, label, count in zip(
        two, ("可用资金 Fund Avail.", "手 续 费 Commission"), (1, 2), strict=True
    ):
        path = work / f"counter_{day}.txt"
        write_riskdesk_statements(db, day, path, user="screenshots")
        _bump(path, label, count)
        files.append(path)
    db.engine.dispose()

    app, ctx = offscreen_desk(url)

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
        screen.set_day(None)
        screen.run()
        settle(window, lambda s=screen: s.run_result is not None and s.run_button.isEnabled())
        chart = screen.day_chart
        pos: QPoint = chart.bar_position(1)
        QTest.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        settle(window)
        target = out / f"reconcile_days_{lang}.png"
        window.grab().save(str(target), "PNG")
        print(target)
        window.close()
        window.deleteLater()
        app.processEvents()
    ctx.close()
    QApplication.processEvents()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
