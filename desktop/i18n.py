"""User-interface language: Qt translators for RiskDesk's catalogue and Qt's own strings.

Source strings in the code are English. ``resources/i18n/riskdesk_zh_CN.ts`` holds the
Simplified Chinese catalogue of the shell and of the contexts shared by several areas
(Columns, Values, Screens, ...); each screen area may add its own
``riskdesk-<area>_zh_CN.ts`` for its own contexts. Each is compiled with
``pyside6-lrelease`` to the ``.qm`` file that is loaded here (see docs/desktop.md,
"Translations"). Every context lives in exactly one catalogue (``desktop.i18n_check``
and tests/desktop/test_i18n_catalogues.py enforce it): Qt shows the translation of the
first translator that has a message, so a second copy would silently shadow or be
shadowed. Switching language installs or removes translators; Qt then sends
``QEvent.LanguageChange`` to every widget, and the main window re-translates its texts,
screens and table headers.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop.resources import translations_dir

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
_QT_LOCALE = {"zh": "zh_CN", "en": "en_US"}

_state: dict[str, object] = {"language": "en", "translators": []}


def current_language() -> str:
    """The language installed last ("en" until ``set_language`` is called)."""
    return str(_state["language"])


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (lupdate marker)
    """Mark ``text`` for the catalogue in ``context``; translated later with ``translate``.

    Typed replacement for PySide6's (whose stub returns ``object``); lupdate finds the
    call by name.
    """
    return text


def translate(context: str, text: str) -> str:
    """Translate ``text`` in ``context`` with the installed catalogue."""
    return QCoreApplication.translate(context, text)


def set_language(language: str) -> None:
    """Install the catalogues of ``language`` (one of LANGUAGES); GUI thread only.

    Raises ValueError for an unknown language. A missing ``.qm`` file for Chinese is
    not fatal (the UI then stays English) but is reported on stderr by the caller's log.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {LANGUAGES}")
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("set_language needs a QApplication")
    old = _state["translators"]
    assert isinstance(old, list)
    for translator in old:
        QCoreApplication.removeTranslator(translator)
    installed: list[QTranslator] = []
    locale = QLocale(_QT_LOCALE[language])
    if language != "en":
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        ours = str(translations_dir())
        sources = [("qtbase", qt_dir)] + [(name, ours) for name in catalogue_names()]
        for name, folder in sources:
            translator = QTranslator(app)
            if translator.load(locale, name, "_", folder):
                QCoreApplication.installTranslator(translator)
                installed.append(translator)
    QLocale.setDefault(locale)
    _state["translators"] = installed
    _state["language"] = language


def catalogue_names() -> list[str]:
    """RiskDesk catalogues: ``riskdesk`` (shell) plus one ``riskdesk-<area>`` per screen area.

    Areas keep their own ``.ts`` file so that screens can be translated independently.
    Installed in this order, so Qt searches them in reverse (areas before the shell);
    that only matters if a message were defined twice, which the checks forbid.
    """
    names = {p.name.split("_", 1)[0] for p in translations_dir().glob("riskdesk*_zh_CN.qm")}
    return sorted(names | {"riskdesk"})


def is_catalogue_loaded() -> bool:
    """True when a RiskDesk catalogue (not only Qt's) is installed."""
    translators = _state["translators"]
    assert isinstance(translators, list)
    return any(t.filePath().endswith(".qm") and "riskdesk" in t.filePath() for t in translators)
