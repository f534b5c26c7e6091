"""Quiz plans: the questions each clerk is quizzed on about a promotion version, and the outcome.

Table described in :mod:`voice_agent.storage.broadcast_schema` (``quiz_plans``).

Revision ID: 0007_quiz_plans
Revises: 0006_briefing_captions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_quiz_plans"
down_revision = "0006_briefing_captions"
branch_labels = None
depends_on = None

# Text on SQLite (ISO-8601 UTC, fixed width), timestamptz on PostgreSQL.
_MOMENT = sa.Text().with_variant(sa.DateTime(timezone=True), "postgresql")


def upgrade() -> None:
    """Create the table of quiz plans."""
    op.create_table(
        "quiz_plans",
        sa.Column("promotion_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("clerk", sa.Text(), nullable=False),
        sa.Column("question_ids", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", _MOMENT, nullable=False),
        sa.Column("outcome", sa.Text(), server_default=sa.text("'in_progress'"), nullable=False),
        sa.Column("closed_at", _MOMENT, nullable=True),
        sa.CheckConstraint(
            "outcome IN ('in_progress', 'passed', 'failed', 'superseded')",
            name="ck_quiz_plans_outcome_known",
        ),
        sa.PrimaryKeyConstraint("promotion_id", "version", "clerk", name="pk_quiz_plans"),
    )
    op.create_index("quiz_plans_clerk", "quiz_plans", ["clerk", "outcome"])


def downgrade() -> None:
    """Drop the table of quiz plans."""
    op.drop_table("quiz_plans")
