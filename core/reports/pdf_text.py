"""Text for reportlab PDFs: the CJK font every report uses and markup escaping.

reportlab's ``Paragraph`` reads its text as XML-like markup (``<font>``, ``<b>``, ``&amp;``),
so every text that comes from data (names, codes, notes) must be escaped, or a client
named ``<font size=40>`` would restyle the page (issue #13). Chinese text uses the
built-in CID font ``STSong-Light`` (Adobe-GB1; no font file to ship).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

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
