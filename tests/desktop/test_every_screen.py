"""Smoke test: the main window opens every screen of the registry, in Chinese and English,
on the demo database, and each shows its data (screens added later are included)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QFrame, QLabel

from desktop import i18n
from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.screens.registry import SCREEN_KEYS
from tests.desktop.test_reduction_screen import demo_ctx, demo_template, demo_url

__all__ = ["demo_ctx", "demo_template", "demo_url"]  # fixtures shared with that module

WORKBENCHES = {"reduction", "liquidation", "forced_close", "limits", "receipts", "delivery"}


@pytest.fixture
def window(demo_ctx: DesktopContext, qtbot) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    win = MainWindow(demo_ctx, "main")
    win.set_save_on_close(False)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitUntil(win.is_ready, timeout=20_000)
    yield win
    win.close()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_screen_opens_with_data(window: MainWindow, qtbot, language: str) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language(language)
    window.set_language(language)
    for key in SCREEN_KEYS:
        page = window.select_screen(key)
        qtbot.waitUntil(window.is_ready, timeout=20_000)
        assert window.current_key == key
        assert page.isVisible()
        # The page shows its title in the chosen language (Chinese glyphs for zh).
        titles = [w.text() for w in page.findChildren(QLabel) if w.objectName() == "screenTitle"]
        assert titles, key
        has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in titles[0])
        assert has_cjk == (language == "zh"), (key, titles[0])
        # No error banner: the demo database has what every screen needs.
        errors = [w for w in page.findChildren(QFrame) if w.objectName().endswith("_error")]
        if key in WORKBENCHES:
            assert errors, f"{key}: expected its error banner to check"
        assert [w.text() for w in errors if w.isVisible()] == [], key
