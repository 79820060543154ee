"""Reusable widgets: error display, KPI cards."""
