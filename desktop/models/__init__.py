"""Qt item models over plain data (DataFrames from core.db.queries)."""
