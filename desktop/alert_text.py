"""Alert messages in the user's language.

``core.live.alerts`` writes each alert's message in English with its figures (that text
is what the database stores and what the audit trail shows). The Chinese UI re-renders
those messages from the same figures with the patterns below; a message that matches no
pattern is shown as stored. ``tests/desktop/test_alert_text.py`` drives the core's alert
rules and checks every kind, so a change of the core's wording fails the suite.
"""

from __future__ import annotations

import re

_ZH_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^risk ratio (\S+) % crossed (\S+) %$"), r"风险度 \1% 超过 \2%"),
    (re.compile(r"^available funds (\S+) below zero$"), r"可用资金 \1 元，低于零"),
    (
        re.compile(r"^long (\d+) lots of (\S+): (\S+) % of the (\d+)-lot limit$"),
        r"\2 多头 \1 手，达限额 \4 手的 \3%",
    ),
    (
        re.compile(r"^short (\d+) lots of (\S+): (\S+) % of the (\d+)-lot limit$"),
        r"\2 空头 \1 手，达限额 \4 手的 \3%",
    ),
    (re.compile(r"^(\S+) locked at its upper limit (\S+)$"), r"\1 封涨停板 \2"),
    (re.compile(r"^(\S+) locked at its lower limit (\S+)$"), r"\1 封跌停板 \2"),
    (
        re.compile(r"^receipt (\S+) must be cancelled by (\d{4}-\d{2}-\d{2})\S*$"),
        r"仓单 \1 须于 \2 前注销",
    ),
)


def localized_alert_message(message: str, language: str) -> str:
    """``message`` (the core's English text) in ``language`` ("zh" or "en")."""
    if language != "zh":
        return message
    for pattern, template in _ZH_PATTERNS:
        if pattern.match(message):
            return pattern.sub(template, message)
    return message
