"""The reconciliation's line keys and cause details in the user's language.

The service gives each difference its line key (``c2701 long spec``) and its cause's
detail (``one fen``, ``c2701 long: hedge on one side, spec on the other``) as English
text, the same text the command line prints and exports. The screen shows them in the
chosen language: the words of a key one by one, a detail by its pattern (the
sentences of ``core.reconcile.causes``); a text no pattern knows is shown as it is.
Words only: no figure is formed here.
"""

from __future__ import annotations

import re

from desktop.i18n import QT_TRANSLATE_NOOP, translate

CONTEXT = "Reconcile"

KEY_WORDS = {
    "long": QT_TRANSLATE_NOOP("Reconcile", "long"),
    "short": QT_TRANSLATE_NOOP("Reconcile", "short"),
    "long+short": QT_TRANSLATE_NOOP("Reconcile", "long+short"),
    "spec": QT_TRANSLATE_NOOP("Reconcile", "spec"),
    "hedge": QT_TRANSLATE_NOOP("Reconcile", "hedge"),
    "deposit": QT_TRANSLATE_NOOP("Reconcile", "deposit"),
    "withdrawal": QT_TRANSLATE_NOOP("Reconcile", "withdrawal"),
}
_PHRASES = {
    "opened today": QT_TRANSLATE_NOOP("Reconcile", "opened today"),
    "carried": QT_TRANSLATE_NOOP("Reconcile", "carried"),
}

DETAILS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(f"^{pattern}$"), template)
    for pattern, template in (
        ("one fen", QT_TRANSLATE_NOOP("Reconcile", "one fen")),
        (
            "one hundredth of a percent",
            QT_TRANSLATE_NOOP("Reconcile", "one hundredth of a percent"),
        ),
        (
            "in the counter's file, not in RiskDesk",
            QT_TRANSLATE_NOOP("Reconcile", "in the counter's file, not in RiskDesk"),
        ),
        (
            "in RiskDesk, not in the counter's file",
            QT_TRANSLATE_NOOP("Reconcile", "in RiskDesk, not in the counter's file"),
        ),
        (
            "a fill missing on one side: (.+)",
            QT_TRANSLATE_NOOP("Reconcile", "a fill missing on one side: %1"),
        ),
        (
            "(\\S+) is (\\d+) fills in the counter's file: (.+)",
            QT_TRANSLATE_NOOP("Reconcile", "%1 is %2 fills in the counter's file: %3"),
        ),
        (
            "(\\S+) is (\\d+) fills in RiskDesk",
            QT_TRANSLATE_NOOP("Reconcile", "%1 is %2 fills in RiskDesk"),
        ),
        (
            "(\\S+) (long|short): (spec|hedge) on one side, (spec|hedge) on the other",
            QT_TRANSLATE_NOOP("Reconcile", "%1 %2: %3 on one side, %4 on the other"),
        ),
        (
            "fill (\\S+): (spec|hedge) vs (spec|hedge)",
            QT_TRANSLATE_NOOP("Reconcile", "fill %1: %2 vs %3"),
        ),
        (
            "the hedge rate applies to the flipped line",
            QT_TRANSLATE_NOOP("Reconcile", "the hedge rate applies to the flipped line"),
        ),
        (
            "the counter books it on (\\S+), RiskDesk on (\\S+)",
            QT_TRANSLATE_NOOP("Reconcile", "the counter books it on %1, RiskDesk on %2"),
        ),
        (
            "RiskDesk books this (deposit|withdrawal) on (\\S+)",
            QT_TRANSLATE_NOOP("Reconcile", "RiskDesk books this %1 on %2"),
        ),
        (
            "the counter books it on (\\S+)",
            QT_TRANSLATE_NOOP("Reconcile", "the counter books it on %1"),
        ),
        (
            "a deposit or withdrawal booked on another day",
            QT_TRANSLATE_NOOP("Reconcile", "a deposit or withdrawal booked on another day"),
        ),
        (
            "RiskDesk waived (.+) of fees \\(seed rules S01–S05\\) that the counter charged",
            QT_TRANSLATE_NOOP(
                "Reconcile",
                "RiskDesk waived %1 of fees (seed rules S01–S05) that the counter charged",
            ),
        ),
        (
            "(.+) charges the larger side of a contract only",
            QT_TRANSLATE_NOOP("Reconcile", "%1 charges the larger side of a contract only"),
        ),
        (
            "average open price vs first-in-first-out lots",
            QT_TRANSLATE_NOOP("Reconcile", "average open price vs first-in-first-out lots"),
        ),
        (
            "closed against an average open price, not first-in-first-out",
            QT_TRANSLATE_NOOP(
                "Reconcile", "closed against an average open price, not first-in-first-out"
            ),
        ),
    )
)


def key_text(key: str) -> str:
    """A line key in the user's language: ``c2701 long spec`` → ``c2701 多头 投机``."""
    if not key:
        return key
    for phrase, label in _PHRASES.items():
        if phrase in key:
            key = key.replace(phrase, translate(CONTEXT, label))
    return " ".join(
        translate(CONTEXT, KEY_WORDS[w]) if w in KEY_WORDS else w for w in key.split(" ")
    )


def detail_text(detail: str) -> str:
    """A cause's detail in the user's language (as it is if no pattern knows it)."""
    for pattern, template in DETAILS:
        m = pattern.match(detail)
        if m is None:
            continue
        out = translate(CONTEXT, template)
        for i, group in enumerate(m.groups(), 1):
            word = translate(CONTEXT, KEY_WORDS[group]) if group in KEY_WORDS else group
            out = out.replace(f"%{i}", word)
        return out
    return detail
