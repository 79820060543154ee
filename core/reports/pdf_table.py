"""Write a table (a DataFrame or row dicts) as a simple PDF: title, notes, one grid.

Cells are written exactly as ``core.reports.export.export_frame`` shapes them (money
``*_fen`` columns become exact yuan strings, never floats), so the PDF shows the same
figures as the CSV/XLSX exports. Chinese text uses reportlab's built-in CID font
``STSong-Light`` (no font file needed). Landscape A4; the header row repeats on every
page; numeric columns are right-aligned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from core.reports.export import Table, export_frame
from core.reports.pdf_text import cjk_font, paragraph


def _text(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "✓"
    if value is False:
        return ""
    return str(value)


def _is_numeric(name: str, values: Sequence[Any]) -> bool:
    if name.endswith(("_yuan", "_pct")):
        return True
    present = [v for v in values if v is not None]
    return bool(present) and all(isinstance(v, int) and not isinstance(v, bool) for v in present)


def write_pdf_table(
    data: Table,
    path: Path | str,
    *,
    title: str,
    notes: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
    font_size: float = 7.5,
) -> Path:
    """Write ``data`` as a PDF table under ``title`` and ``notes`` lines; returns the path.

    ``labels`` renames columns (after ``*_fen`` → ``*_yuan``), as ``write_table``.
    Raises OSError for an unwritable path.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    font = cjk_font()
    target = Path(path)
    frame = export_frame(data)
    names = [str(c) for c in frame.columns]
    numeric = [_is_numeric(n, frame[n].tolist()) for n in names]
    shown = [labels.get(n, n) if labels else n for n in names]
    rows = [[_text(v) for v in row] for row in frame.itertuples(index=False)]
    title_style = ParagraphStyle("title", fontName=font, fontSize=12, leading=16)
    note_style = ParagraphStyle("note", fontName=font, fontSize=8, leading=11)
    story: list[Any] = [paragraph(title, title_style), Spacer(1, 2 * mm)]
    story.extend(paragraph(line, note_style) for line in notes)
    story.append(Spacer(1, 3 * mm))
    table = PdfTable([shown, *rows] if rows else [shown, [""] * len(shown)], repeatRows=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#9aa5b1")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f7f9fb")]),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    style.extend(("ALIGN", (i, 1), (i, -1), "RIGHT") for i, num in enumerate(numeric) if num)
    table.setStyle(TableStyle(style))
    story.append(table)
    doc = SimpleDocTemplate(
        str(target),
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
    )
    doc.build(story)
    return target
