"""Consistency checks of the Qt ``.ts`` catalogues, without Qt (tests, CI, a translator's shell).

All ``riskdesk*_zh_CN.ts`` files are installed together (``desktop.i18n.set_language``), and
Qt shows the translation of the first translator that has a message, so a message defined
in two catalogues is a trap: a fix in one copy is silently shadowed by the other. Rule (see
docs/desktop.md, "Translations"): each context lives in exactly one catalogue; contexts
shared by several screen areas (Columns, Values, Screens, ...) in ``riskdesk_zh_CN.ts``.

``python -m desktop.i18n_check [FOLDER]`` prints the problems and exits 1 if there are any;
with ``pyside6-lupdate`` installed it also compares the catalogues with the texts marked in
``desktop/`` (lupdate writes them to a scratch file; the catalogues are never touched).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from core.resources import resource

PATTERN = "riskdesk*_zh_CN.ts"
_PLACEHOLDER = re.compile(r"%\d+")


@dataclass(frozen=True)
class Entry:
    """One ``<message>`` of a catalogue."""

    catalogue: str  # file name, e.g. "riskdesk-ops_zh_CN.ts"
    context: str
    source: str
    disambiguation: str  # Qt's <comment>; part of the message's identity
    translation: str  # numerus forms joined by " | "
    status: str  # "" when finished, else the type attribute (or "missing")

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.context, self.source, self.disambiguation)

    def label(self) -> str:
        extra = f" ({self.disambiguation})" if self.disambiguation else ""
        return f"{self.context} / {self.source!r}{extra}"


def catalogue_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(PATTERN))


def read_catalogue(path: Path) -> list[Entry]:
    entries = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            node = message.find("translation")
            if node is None:
                text, status = "", "missing"
            else:
                forms = [f.text or "" for f in node.iter("numerusform")]
                text = " | ".join(forms) if forms else node.text or ""
                status = node.get("type", "")
            entries.append(
                Entry(
                    catalogue=path.name,
                    context=name,
                    source=message.findtext("source") or "",
                    disambiguation=message.findtext("comment") or "",
                    translation=text,
                    status=status,
                )
            )
    return entries


def read_all(folder: Path) -> list[Entry]:
    return [entry for path in catalogue_files(folder) for entry in read_catalogue(path)]


def _by_key(entries: list[Entry]) -> dict[tuple[str, str, str], list[Entry]]:
    groups: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[entry.key].append(entry)
    return groups


def duplicates(entries: list[Entry]) -> list[str]:
    """Messages defined more than once (in several catalogues or twice in one)."""
    return [
        f"{copies[0].label()} defined {len(copies)} times: "
        + ", ".join(e.catalogue for e in copies)
        for copies in _by_key(entries).values()
        if len(copies) > 1
    ]


def conflicts(entries: list[Entry]) -> list[str]:
    """Messages whose copies translate the same source differently."""
    problems = []
    for copies in _by_key(entries).values():
        if len({e.translation for e in copies}) > 1:
            shown = "; ".join(f"{e.translation!r} in {e.catalogue}" for e in copies)
            problems.append(f"{copies[0].label()} translated differently: {shown}")
    return problems


def unfinished(entries: list[Entry]) -> list[str]:
    """Messages without a finished, non-blank translation (Qt would show the English)."""
    problems = []
    for e in entries:
        forms = e.translation.split(" | ")
        if e.status or not all(f.strip() for f in forms):
            state = e.status or "empty"
            problems.append(f"{e.label()} in {e.catalogue}: translation {state}")
    return problems


def placeholders(entries: list[Entry]) -> list[str]:
    """Translations that lose or invent a %1-style argument (arg() would misplace figures)."""
    return [
        f"{e.label()} in {e.catalogue}: placeholders {sorted(wanted)} vs {sorted(found)}"
        for e in entries
        if e.translation
        and (wanted := set(_PLACEHOLDER.findall(e.source)))
        != (found := set(_PLACEHOLDER.findall(e.translation)))
    ]


def split_contexts(entries: list[Entry]) -> list[str]:
    """Contexts spread over several catalogues (each context belongs to exactly one file)."""
    files: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in entries:
        files[e.context][e.catalogue] += 1
    return [
        f"context {context} is split over "
        + ", ".join(f"{name} ({count})" for name, count in sorted(where.items()))
        + ": keep it in one catalogue (shared contexts in riskdesk_zh_CN.ts)"
        for context, where in files.items()
        if len(where) > 1
    ]


def untranslated(code: list[Entry], entries: list[Entry]) -> list[str]:
    """Texts marked in the code that no catalogue has (the user would see English)."""
    known = {e.key for e in entries}
    return [f"{e.label()}: marked in the code, in no catalogue" for e in code if e.key not in known]


def unused(code: list[Entry], entries: list[Entry]) -> list[str]:
    """Catalogue entries no code marks any more (dead copies a translator may edit in vain)."""
    marked = {e.key for e in code}
    return [
        f"{e.label()} in {e.catalogue}: not used by the code"
        for e in entries
        if e.key not in marked
    ]


def lupdate_tool() -> str | None:
    beside = Path(sys.executable).parent / "pyside6-lupdate"
    return str(beside) if beside.is_file() else shutil.which("pyside6-lupdate")


def code_messages(lupdate: str, package: Path) -> list[Entry]:
    """The texts lupdate finds in ``package``'s Python files (``translate`` and
    ``QT_TRANSLATE_NOOP`` calls with literal arguments), read from a scratch ``.ts``."""
    files = sorted(str(p) for p in package.rglob("*.py"))
    with tempfile.TemporaryDirectory() as scratch:
        ts = Path(scratch) / "code_zh_CN.ts"
        subprocess.run(
            [lupdate, "-silent", *files, "-ts", str(ts), "-no-obsolete", "-locations", "none"],
            check=True,
        )
        return read_catalogue(ts)


def problems(folder: Path, code: list[Entry] | None = None) -> list[str]:
    """Every problem of the catalogues in ``folder``; empty when they are consistent.

    With ``code`` (``code_messages``), also the texts missing from every catalogue and the
    entries no code uses.
    """
    entries = read_all(folder)
    found = [
        *duplicates(entries),
        *conflicts(entries),
        *unfinished(entries),
        *placeholders(entries),
        *split_contexts(entries),
    ]
    if code is not None:
        found += [*untranslated(code, entries), *unused(code, entries)]
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else resource("i18n")
    lupdate = lupdate_tool()
    code = code_messages(lupdate, Path(__file__).parent) if lupdate else None
    found = problems(folder, code)
    sys.stdout.write("".join(f"{line}\n" for line in found))
    count = len(catalogue_files(folder))
    sys.stderr.write(f"{len(found)} problem(s) in {count} catalogue(s) under {folder}\n")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
