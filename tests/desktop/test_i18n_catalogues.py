"""The Chinese catalogues: each message in exactly one .ts file, finished, with its %N
arguments, marked in the code, compiled to an up-to-date .qm, and shown by the installed
translators."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

import desktop
from desktop import i18n
from desktop.i18n_check import (
    catalogue_files,
    code_messages,
    lupdate_tool,
    problems,
    read_all,
    read_catalogue,
    untranslated,
    unused,
)
from desktop.resources import translations_dir

HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="zh_CN">\n'
)


def _lrelease() -> str | None:
    beside = Path(sys.executable).parent / "pyside6-lrelease"
    return str(beside) if beside.is_file() else shutil.which("pyside6-lrelease")


def _write_ts(path: Path, contexts: dict[str, list[str]]) -> None:
    body = "".join(
        f"<context>\n    <name>{name}</name>\n{''.join(messages)}</context>\n"
        for name, messages in contexts.items()
    )
    path.write_text(f"{HEAD}{body}</TS>\n", encoding="utf-8")


def _message(source: str, translation: str, kind: str = "") -> str:
    attr = f' type="{kind}"' if kind else ""
    return (
        f"    <message>\n        <source>{source}</source>\n"
        f"        <translation{attr}>{translation}</translation>\n    </message>\n"
    )


@pytest.fixture
def chinese(qapp: object) -> Iterator[None]:
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def test_the_shipped_catalogues_have_no_problems() -> None:
    # Duplicates across .ts files, conflicting or unfinished translations, lost %N
    # arguments, a context split over files: `python -m desktop.i18n_check` lists them.
    assert len(catalogue_files(translations_dir())) >= 2
    found = problems(translations_dir())
    assert found == [], "\n".join(found)


def test_the_checker_reports_duplicates_conflicts_gaps_and_split_contexts(tmp_path: Path) -> None:
    _write_ts(
        tmp_path / "riskdesk_zh_CN.ts",
        {
            "Columns": [_message("Lots", "手数"), _message("Hedge", "投机/套保")],
            "Values": [_message("Open", "", "unfinished")],
        },
    )
    _write_ts(
        tmp_path / "riskdesk-area_zh_CN.ts",
        {
            "Columns": [_message("Lots", "手数"), _message("Hedge", "套保持仓")],
            "Area": [_message("Empty", ""), _message("%1 of %2 lots", "%1 手")],
        },
    )
    assert problems(tmp_path) == [
        "Columns / 'Lots' defined 2 times: riskdesk-area_zh_CN.ts, riskdesk_zh_CN.ts",
        "Columns / 'Hedge' defined 2 times: riskdesk-area_zh_CN.ts, riskdesk_zh_CN.ts",
        "Columns / 'Hedge' translated differently: '套保持仓' in riskdesk-area_zh_CN.ts; "
        "'投机/套保' in riskdesk_zh_CN.ts",
        "Area / 'Empty' in riskdesk-area_zh_CN.ts: translation empty",
        "Values / 'Open' in riskdesk_zh_CN.ts: translation unfinished",
        "Area / '%1 of %2 lots' in riskdesk-area_zh_CN.ts: placeholders ['%1', '%2'] vs ['%1']",
        "context Columns is split over riskdesk-area_zh_CN.ts (2), riskdesk_zh_CN.ts (2): "
        "keep it in one catalogue (shared contexts in riskdesk_zh_CN.ts)",
    ]
    # Against the code's texts (lupdate lists them in a scratch catalogue of their own):
    scratch = tmp_path / "scratch_zh_CN.txt"
    _write_ts(
        scratch,
        {
            "Columns": [_message("Lots", "", "unfinished"), _message("Hedge", "")],
            "Area": [_message("Empty", ""), _message("%1 of %2 lots", ""), _message("New", "")],
        },
    )
    code = read_catalogue(scratch)
    assert problems(tmp_path, code)[-2:] == [
        "Area / 'New': marked in the code, in no catalogue",
        "Values / 'Open' in riskdesk_zh_CN.ts: not used by the code",
    ]


def test_every_text_marked_in_the_code_has_one_entry_and_every_entry_is_used() -> None:
    lupdate = lupdate_tool()
    if lupdate is None:
        pytest.skip("pyside6-lupdate not installed")
    code = code_messages(lupdate, Path(desktop.__file__).parent)
    assert len(code) > 700
    entries = read_all(translations_dir())
    missing = untranslated(code, entries)  # the user would see English
    assert missing == [], "\n".join(missing)
    dead = unused(code, entries)  # a translator would edit them in vain
    assert dead == [], "\n".join(dead)


def test_every_qm_is_compiled_from_its_ts(tmp_path: Path) -> None:
    lrelease = _lrelease()
    if lrelease is None:
        pytest.skip("pyside6-lrelease not installed")
    for ts in catalogue_files(translations_dir()):
        qm = ts.with_suffix(".qm")
        assert qm.is_file(), f"{qm.name} missing: run pyside6-lrelease {ts.name} -qm {qm.name}"
        fresh = tmp_path / qm.name
        subprocess.run([lrelease, "-silent", str(ts), "-qm", str(fresh)], check=True)
        assert fresh.read_bytes() == qm.read_bytes(), (
            f"{qm.name} is stale: run pyside6-lrelease {ts.name} -qm {qm.name}"
        )


def test_chinese_shows_every_entry_of_every_catalogue(chinese: None) -> None:
    # What the user sees: with all translators installed, each message comes out as its
    # one .ts translation (a second copy in another catalogue could shadow it).
    names = {ts.name.split("_", 1)[0] for ts in catalogue_files(translations_dir())}
    assert set(i18n.catalogue_names()) == names
    entries = read_all(translations_dir())
    assert len(entries) > 700
    for entry in entries:
        shown = QCoreApplication.translate(
            entry.context, entry.source, entry.disambiguation or None
        )
        assert shown == entry.translation, (entry.catalogue, entry.label())
    assert i18n.translate("Screens", "Position limits") == "持仓限额"
    assert i18n.translate("Columns", "Settlement reserve (CNY)") == "结算准备金 (元)"
