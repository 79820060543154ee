"""Report output: tables as CSV, JSON, XLSX and aligned terminal text (``export``)."""

from __future__ import annotations

from core.reports.export import LABELS_ZH, export_frame, format_table, table_format, write_table

__all__ = ["LABELS_ZH", "export_frame", "format_table", "table_format", "write_table"]
