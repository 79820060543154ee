"""Text for reportlab PDFs: the CJK font every report uses and markup escaping.

reportlab's ``Paragraph`` reads its text as XML-like markup (``<font>``, ``<b>``, ``&amp;``),
so every text that comes from data (names, codes, notes) must be escaped, or a client
named ``<font size=40>`` would restyle the page (issue #13). ``paragraph`` is the one way
RiskDesk makes a ``Paragraph`` (statements, table PDFs, notices; a test holds every
other module to it): it always escapes, so no caller can forget. Table cells given as
plain strings are drawn literally by reportlab and need no escaping. Chinese text uses
the built-in CID font ``STSong-Light`` (Adobe-GB1; no font file to ship).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from core.safe_text import escape_controls

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

CJK_FONT = "STSong-Light"


def cjk_font() -> str:
    """The CJK font name, registered with reportlab on first use (idempotent)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def escape_markup(text: str) -> str:
    """``text`` with ``&``, ``<`` and ``>`` escaped: shown literally by ``Paragraph``."""
    return escape(text)


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A reportlab ``Paragraph`` showing ``text`` literally: markup escaped, control
    characters (which reportlab cannot draw) as visible escapes."""
    from reportlab.platypus import Paragraph

    return Paragraph(escape_markup(escape_controls(text)), style)
