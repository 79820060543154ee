"""Every screen of the registry fits 1280×720, 1366×768 and 1920×1080 in Chinese and in
English on the demo database: the window can be that size, and no label, button, combo
box, tab, header title, navigation entry or table cell is cut (``fit_probe``: the
text's ``QFontMetrics.horizontalAdvance`` against what its widget got). One window per
size and language opens every screen and shows each of its tabs (issue #12, "Fit")."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from core import audit
from desktop import i18n
from desktop.app import apply_look
from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.screens.registry import SCREEN_KEYS
from tests.desktop.fit_probe import Clip, clips, new_clips, tab_states
from tests.desktop.test_reduction_screen import demo_ctx, demo_template, demo_url

__all__ = ["demo_ctx", "demo_template", "demo_url"]  # fixtures shared with that module

SIZES = ((1280, 720), (1366, 768), (1920, 1080))


@pytest.fixture
def real_look(qapp: QApplication) -> Iterator[None]:
    """The application's font, style and style sheet (``desktop.app.apply_look``), as
    ``riskdesk gui`` has them, put back afterwards for the other tests."""
    font, style, sheet = QFont(qapp.font()), qapp.style().name(), qapp.styleSheet()
    apply_look(qapp)
    yield
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setFont(font)


@pytest.fixture
def window(demo_ctx: DesktopContext, real_look: None, qtbot) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    win = MainWindow(demo_ctx, "main")
    win.set_save_on_close(False)
    qtbot.addWidget(win)
    yield win
    win.close()


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_screen_fits(window: MainWindow, qtbot, size: tuple[int, int], language: str) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language(language)
    window.set_language(language)
    window.resize(*size)
    window.show()
    qtbot.waitUntil(window.is_ready, timeout=20_000)

    def settle() -> None:
        qtbot.waitUntil(window.is_ready, timeout=20_000)
        for _ in range(3):  # the last results' layout requests, then their repaints
            QApplication.processEvents()

    problems: list[str] = []
    for key in SCREEN_KEYS:
        window.select_screen(key)
        settle()
        found: list[Clip] = []
        for shown in tab_states(window.stack.currentWidget(), settle):
            found += new_clips(found, clips(window), shown)
        problems += [f"{key}: {clip}" for clip in found]
        if (window.width(), window.height()) != size:
            least = window.minimumSizeHint()
            problems.append(
                f"{key}: the window cannot be {size[0]}x{size[1]}: it needs at least "
                f"{least.width()}x{least.height()}"
            )
            window.resize(*size)
    assert window.minimumSizeHint().boundedTo(QSize(*size)) == window.minimumSizeHint()
    assert not problems, "\n".join(problems)
    # Opening every screen and tab wrote nothing to the audit log but the live
    # monitor's alerts (events of the feed, not of looking).
    with window.ctx.db.sessions.begin() as session:
        actions = {entry.action for entry in audit.recent(session, 10_000)}
    assert actions <= {"demo.create", "alert.store"}


def test_the_probe_finds_a_cut_label_and_header(real_look: None, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The check bites: a label narrower than its text, a table header narrower than
    its title, a button narrower than its text."""
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QPushButton, QTableView, QVBoxLayout

    page = QWidget()
    qtbot.addWidget(page)
    layout = QVBoxLayout(page)
    label = QLabel("Registrations blocked by the 45-day rule")
    label.setMinimumWidth(1)
    label.setMaximumWidth(80)
    button = QPushButton("Recompute (Ctrl+R)")
    button.setMaximumWidth(40)
    model = QStandardItemModel(2, 2)
    model.setHorizontalHeaderLabels(["Matched on", "Lots"])
    table = QTableView()
    table.setModel(model)
    table.setColumnWidth(0, 30)
    for widget in (label, button, table):
        layout.addWidget(widget)
    page.resize(400, 300)
    page.show()
    qtbot.waitExposed(page)
    found = {(clip.kind, clip.text) for clip in clips(page)}
    assert ("label", "Registrations blocked by the 45-day rule") in found
    assert ("button", "Recompute (Ctrl+R)") in found
    assert ("header", "Matched on") in found
    assert not any(text == "Lots" for _, text in found)
