"""Qt item models over plain data (DataFrames and values from core.services)."""
