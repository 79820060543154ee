"""Alembic migration scripts (run programmatically by ``core.db.migrate``).

``versions/`` is deliberately not a package: revision files are named ``NNNN_slug.py``.
"""
