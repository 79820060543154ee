"""Alerts of the risk levels: one kind ``risk_level`` with the level it entered.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

The live monitor raised two kinds for one setting: ``risk_ratio`` (the ratio crossed
80 % or 100 %) and ``negative_available`` (available funds below zero). Both are now
the levels of ``core.rules.risk_levels`` (正常 / 警示 / 追保 / 强平 / 穿仓), raised as
one kind ``risk_level``, and the level entered is stored in the new column
``risk_level``. Stored rows are rewritten so that the history lists one kind:

* ``negative_available`` → level 2 (margin call: available funds < 0);
* ``risk_ratio`` at a threshold of 100 % or more → level 3 (forced close: the shipped
  forced-close threshold is 100 %), below → level 1 (warning).

Their messages, severities and thresholds stay as stored (the figures of the moment the
alert was raised), so old rows read as before. The downgrade maps level 2 back to
``negative_available`` and every other level to ``risk_ratio``. Written out in full,
independent of the ORM.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

# Level codes of core.rules.risk_levels, frozen here as this revision wrote them.
WARNING, MARGIN_CALL, FORCED_CLOSE = 1, 2, 3
FORCED_CLOSE_FROM_PPM = 1_000_000

_alert = sa.table(
    "alert",
    sa.column("kind", sa.String(24)),
    sa.column("threshold_ppm", sa.BigInteger()),
    sa.column("risk_level", sa.SmallInteger()),
)


def upgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.add_column(sa.Column("risk_level", sa.SmallInteger(), nullable=True))
    op.execute(
        _alert.update()
        .where(_alert.c.kind == "negative_available")
        .values(kind="risk_level", risk_level=MARGIN_CALL)
    )
    op.execute(
        _alert.update()
        .where(_alert.c.kind == "risk_ratio")
        .values(
            kind="risk_level",
            risk_level=sa.case(
                (_alert.c.threshold_ppm >= FORCED_CLOSE_FROM_PPM, FORCED_CLOSE),
                else_=WARNING,
            ),
        )
    )


def downgrade() -> None:
    op.execute(
        _alert.update()
        .where(_alert.c.kind == "risk_level")
        .values(
            kind=sa.case(
                (_alert.c.risk_level == MARGIN_CALL, "negative_available"),
                else_="risk_ratio",
            )
        )
    )
    with op.batch_alter_table("alert") as batch:
        batch.drop_column("risk_level")
