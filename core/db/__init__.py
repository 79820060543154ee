"""Persistence: SQLAlchemy 2.0 typed ORM tables, engine set-up, Alembic migrations."""
