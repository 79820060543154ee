"""Alert messages in the user's language.

``core.live.alerts`` writes each alert's message in English with its figures (that text
is what the database stores and what the audit trail shows). The Chinese UI re-renders
those messages from the same figures with the patterns below; a message that matches no
pattern is shown as stored. ``tests/desktop/test_alert_text.py`` drives the core's alert
rules and checks every kind, so a change of the core's wording fails the suite.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

# Each pattern with its Chinese text; ``{0}``... are the pattern's groups in order,
# level names (``core.live.alerts.level_words``) put into Chinese (``_ZH_WORDS``).
_ZH_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"^risk level (warning|margin call|forced close|deficit): risk ratio (\S+) %, "
            r"available funds (\S+), equity (\S+)$"
        ),
        "进入{0}：风险度 {1}%，可用资金 {2} 元，动态权益 {3} 元",
    ),
    # Stored by monitors before the risk levels (migration 0005 kept their texts).
    (re.compile(r"^risk ratio (\S+) % crossed (\S+) %$"), "风险度 {0}% 超过 {1}%"),
    (re.compile(r"^available funds (\S+) below zero$"), "可用资金 {0} 元，低于零"),
    (
        re.compile(r"^long (\d+) lots of (\S+): (\S+) % of the (\d+)-lot limit$"),
        "{1} 多头 {0} 手，达限额 {3} 手的 {2}%",
    ),
    (
        re.compile(r"^short (\d+) lots of (\S+): (\S+) % of the (\d+)-lot limit$"),
        "{1} 空头 {0} 手，达限额 {3} 手的 {2}%",
    ),
    (re.compile(r"^(\S+) locked at its upper limit (\S+)$"), "{0} 封涨停板 {1}"),
    (re.compile(r"^(\S+) locked at its lower limit (\S+)$"), "{0} 封跌停板 {1}"),
    (
        re.compile(r"^receipt (\S+) must be cancelled by (\d{4}-\d{2}-\d{2})\S*$"),
        "仓单 {0} 须于 {1} 前注销",
    ),
)


_ZH_WORDS = {"warning": "警示", "margin call": "追保", "forced close": "强平", "deficit": "穿仓"}
"""The risk levels' names as CTP's risk console writes them (正常 / 警示 / 追保 / 强平 /
穿仓), as in the "RiskLevels" catalogue context."""


def localized_alert_message(message: str, language: str) -> str:
    """``message`` (the core's English text) in ``language`` ("zh" or "en")."""
    if language != "zh":
        return message
    return _in_chinese(message)


def localized_alert_messages(
    messages: Sequence[Any] | npt.NDArray[Any], language: str
) -> npt.NDArray[Any]:
    """``localized_alert_message`` of every message, as an object array.

    An alert history repeats few distinct texts (the same rule and figures on many
    accounts), so each distinct message is rendered once and spread back over the rows.
    """
    values = np.asarray(messages, dtype=object)
    if language != "zh" or values.size == 0:
        return values.copy()
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    rendered = np.array(
        [_in_chinese(m) if isinstance(m, str) else m for m in distinct], dtype=object
    )
    return rendered[codes]


@lru_cache(maxsize=1 << 15)
def _in_chinese(message: str) -> str:
    # Cached: the alerts screen re-renders the same stored messages on every load.
    for pattern, template in _ZH_PATTERNS:
        match = pattern.match(message)
        if match:
            # ``$`` also matches before a final newline, which stays as ``re.sub`` keeps it.
            groups = (_ZH_WORDS.get(g, g) for g in match.groups())
            return template.format(*groups) + message[match.end() :]
    return message
