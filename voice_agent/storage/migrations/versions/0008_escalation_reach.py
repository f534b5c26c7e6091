"""Escalations on a cluster: who is connected to which node, and escalations spoken to managers.

Tables described in :mod:`voice_agent.storage.broadcast_schema` (``notice_presence``,
``escalations_spoken``), and an index of deliveries by the time they were escalated.

Revision ID: 0008_escalation_reach
Revises: 0007_quiz_plans
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_escalation_reach"
down_revision = "0007_quiz_plans"
branch_labels = None
depends_on = None

# Text on SQLite (ISO-8601 UTC, fixed width), timestamptz on PostgreSQL.
_MOMENT = sa.Text().with_variant(sa.DateTime(timezone=True), "postgresql")


def upgrade() -> None:
    """Create the presence and spoken-escalation tables; index deliveries by escalation."""
    op.create_table(
        "notice_presence",
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("node", sa.Text(), nullable=False),
        sa.Column("connected_at", _MOMENT, nullable=False),
        sa.Column("seen_at", _MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("identity", "node", name="pk_notice_presence"),
    )
    op.create_index("notice_presence_node", "notice_presence", ["node"])
    op.create_table(
        "escalations_spoken",
        sa.Column("notice_id", sa.Text(), nullable=False),
        sa.Column("clerk", sa.Text(), nullable=False),
        sa.Column("manager", sa.Text(), nullable=False),
        sa.Column("node", sa.Text(), nullable=False),
        sa.Column("offered_at", _MOMENT, nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices.id"],
            name="fk_escalations_spoken_notice_id_notices",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("notice_id", "clerk", "manager", name="pk_escalations_spoken"),
    )
    op.create_index("deliveries_escalated", "deliveries", ["escalated_at"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("deliveries_escalated", table_name="deliveries")
    op.drop_table("escalations_spoken")
    op.drop_index("notice_presence_node", table_name="notice_presence")
    op.drop_table("notice_presence")
