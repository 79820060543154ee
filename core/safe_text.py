"""Text from users or files, made safe to show on a terminal or in a log line.

An argument or a cell may hold ANSI escape sequences (``ESC [ 2 J`` clears the screen,
``ESC ] 52`` writes the clipboard), carriage returns that overwrite what was printed,
or bidirectional overrides that reorder it ("Trojan Source"). Echoed raw, they act on
the user's terminal (issue #13). ``escape_controls`` writes each such character as a
visible escape (``\\x1b``, ``\\u202e``); ``EscapingStream`` applies it to everything a
command prints (``core.cli.main`` wraps stdout and stderr with it).
"""

from __future__ import annotations

import re
from typing import Any, TextIO

# C0 and C1 controls and DEL, except newline and tab; the bidirectional embeddings,
# overrides and isolates; the line and paragraph separators.
_BIDI_AND_SEPARATORS = "\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}]")
_UNSAFE_OR_NEWLINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, *, one_line: bool = False) -> str:
    """``text`` with control, bidi-override and separator characters as visible escapes.

    Newlines and tabs are kept unless ``one_line`` (then they are escaped too, so that a
    value cannot start a new line of a message). Printable text, Chinese included, is
    unchanged.
    """
    pattern = _UNSAFE_OR_NEWLINE if one_line else _UNSAFE
    return pattern.sub(_escape, text)


class EscapingStream:
    """A text stream that writes through ``escape_controls``: wraps ``sys.stdout`` and
    ``sys.stderr`` while a command runs, so no argument or data value reaches the
    terminal as a control sequence. Other attributes are those of the wrapped stream."""

    def __init__(self, stream: TextIO) -> None:
        self.wrapped = stream

    def write(self, text: str) -> int:
        self.wrapped.write(escape_controls(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)
