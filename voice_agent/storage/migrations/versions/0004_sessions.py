"""Agent sessions: the conversation a re-dispatched session picks up.

Tables described in :mod:`voice_agent.storage.sessions`.

Revision ID: 0004_sessions
Revises: 0003_broadcast
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_sessions"
down_revision = "0003_broadcast"
branch_labels = None
depends_on = None

# Text on SQLite (ISO-8601 UTC, fixed width), timestamptz on PostgreSQL.
_MOMENT = sa.Text().with_variant(sa.DateTime(timezone=True), "postgresql")


def upgrade() -> None:
    """Create the table of clerks' conversations."""
    op.create_table(
        "session_contexts",
        sa.Column("room", sa.Text(), nullable=False),
        sa.Column("clerk_identity", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.Column("products", sa.Text(), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("promotions", sa.Text(), nullable=False),
        sa.Column("store_id", sa.Text(), nullable=True),
        sa.Column("answered_at", _MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("room", "clerk_identity", name="pk_session_contexts"),
    )
    op.create_index("session_contexts_answered_at", "session_contexts", ["answered_at"])


def downgrade() -> None:
    """Drop the table of clerks' conversations."""
    op.drop_index("session_contexts_answered_at", table_name="session_contexts")
    op.drop_table("session_contexts")
