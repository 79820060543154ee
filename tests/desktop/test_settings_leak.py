"""The UI language is the user's choice, saved only from View → Language: ``--lang``
is for one run, a screenshot run writes nothing to the settings file, and offscreen
runs drop exactly Qt's "propagateSizeHints" notice (issue #12, "Settings leak")."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QTimer, qInfo, qWarning
from PySide6.QtWidgets import QApplication

from desktop import i18n
from desktop.app import OFFSCREEN_NOISE, install_offscreen_filter, run_gui
from desktop.main_window import MainWindow
from desktop.settings import KEY_GEOMETRY, KEY_LANGUAGE, UiSettings
from tests.desktop.conftest import gui_args


def _settings_file() -> Path:
    return Path(UiSettings().file_name)


def test_a_screenshot_run_writes_no_settings(sample_db_url: str, tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    UiSettings().language = "zh"  # the user's choice, saved from the UI earlier
    UiSettings().sync()
    before = _settings_file().read_bytes()
    shot = tmp_path / "shot.png"
    assert run_gui(gui_args(sample_db_url, screenshot=shot, lang="en", size="1280x720")) == 0
    assert shot.stat().st_size > 10_000
    assert _settings_file().read_bytes() == before
    assert UiSettings().language == "zh"


def test_a_screenshot_run_on_a_new_install_creates_no_settings_file(
    sample_db_url: str, tmp_path: Path, qapp
) -> None:  # type: ignore[no-untyped-def]
    assert not _settings_file().exists()
    assert run_gui(gui_args(sample_db_url, screenshot=tmp_path / "s.png", lang="en")) == 0
    assert not _settings_file().exists()


def test_lang_is_for_one_run_but_the_layout_is_kept(sample_db_url: str, qapp) -> None:  # type: ignore[no-untyped-def]
    """An interactive ``riskdesk gui --lang en``: shown in English, closed by the user;
    the window's layout is saved as always, the language is not."""
    seen: list[str] = []

    def close_when_ready() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible() and widget.is_ready():
                seen.append(i18n.current_language())
                widget.close()
                return
        QTimer.singleShot(20, close_when_ready)

    QTimer.singleShot(0, close_when_ready)
    assert run_gui(gui_args(sample_db_url, lang="en")) == 0
    assert seen == ["en"]
    stored = QSettings(str(_settings_file()), QSettings.Format.IniFormat)
    assert stored.value(KEY_GEOMETRY) is not None
    assert stored.value(KEY_LANGUAGE) is None
    assert UiSettings().language == "zh"


def test_unsaved_settings_are_read_back_in_the_same_run() -> None:
    settings = UiSettings(persist=False)
    settings.language = "en"
    assert settings.language == "en"
    settings.sync()
    assert UiSettings().language == "zh"
    assert not _settings_file().exists()


def test_the_offscreen_filter_drops_that_one_message_only(qtlog) -> None:  # type: ignore[no-untyped-def]
    restore = install_offscreen_filter()
    try:
        qWarning(OFFSCREEN_NOISE)
        qInfo("riskdesk: another message")
    finally:
        restore()
    messages = [r.message for r in qtlog.records]
    assert OFFSCREEN_NOISE not in messages
    assert "riskdesk: another message" in messages
    qInfo("riskdesk: after restore")
    assert "riskdesk: after restore" in [r.message for r in qtlog.records]
