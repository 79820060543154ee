"""Tamper-evident audit log: hash chain and append-only triggers (issue #14).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

``audit_log`` gains ``prev_hash`` (unique: two writers cannot chain onto one entry) and
``entry_hash`` (``core.audit.chain_hash``: SHA-256 of the entry's content and
``prev_hash``). The entries already stored are chained here, in id order, so the whole
log verifies from the upgrade on (what was changed before it cannot be told). Then
triggers refuse every UPDATE and DELETE (PostgreSQL: TRUNCATE too), for every role but
a superuser who drops them first — which ``riskdesk audit verify`` then shows.

SQLite: a later migration that rebuilds ``audit_log`` with ``batch_alter_table`` drops
its triggers and must create them again (tests/integration/test_audit_chain.py checks
that head has them).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None

_audit = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("user", sa.String),
    sa.column("action", sa.String),
    sa.column("detail", sa.Text),
    sa.column("prev_hash", sa.String),
    sa.column("entry_hash", sa.String),
)

GENESIS = "0" * 64


def chain_hash(at: datetime, user: str, action: str, detail: str, prev_hash: str) -> str:
    """``core.audit.chain_hash`` as of this revision (frozen: a test checks they agree)."""
    when = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    content = {
        "action": action,
        "at": when.isoformat(timespec="microseconds"),
        "detail": detail,
        "prev": prev_hash,
        "user": user,
    }
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


_SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END",
)
_PG_TRIGGERS = (
    """CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END $$""",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("entry_hash", sa.String(64), nullable=True))
    bind = op.get_bind()
    prev = GENESIS
    rows = bind.execute(
        sa.select(
            _audit.c.id, _audit.c.at, _audit.c.user, _audit.c.action, _audit.c.detail
        ).order_by(_audit.c.id)
    ).all()
    for row in rows:
        digest = chain_hash(row.at, row.user, row.action, row.detail, prev)
        bind.execute(
            _audit.update().where(_audit.c.id == row.id).values(prev_hash=prev, entry_hash=digest)
        )
        prev = digest
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("prev_hash", existing_type=sa.String(64), nullable=False)
        batch.alter_column("entry_hash", existing_type=sa.String(64), nullable=False)
        batch.create_unique_constraint("uq_audit_log_prev_hash", ["prev_hash"])
    for ddl in _PG_TRIGGERS if bind.dialect.name == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(ddl)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint("uq_audit_log_prev_hash", type_="unique")
        batch.drop_column("entry_hash")
        batch.drop_column("prev_hash")
