"""Alembic environment: runs on the connection that ``core.db.migrate`` hands over.

There is no alembic.ini. ``core.db.migrate.alembic_config`` builds the Config in code
and puts an open ``Connection`` (already inside a transaction) in
``config.attributes["connection"]``, so a migration commits or rolls back together with
the caller's work.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from core.db.migrate import AUTOGENERATE_PLUGINS, orm_metadata

config = context.config
connection = config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError(
        "RiskDesk migrations run through core.db.migrate (riskdesk db upgrade), "
        "which passes a connection in config.attributes['connection']"
    )

context.configure(
    connection=connection,
    target_metadata=orm_metadata(),
    # SQLite cannot ALTER most things: batch mode recreates the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    autogenerate_plugins=AUTOGENERATE_PLUGINS,
)
with context.begin_transaction():
    context.run_migrations()
