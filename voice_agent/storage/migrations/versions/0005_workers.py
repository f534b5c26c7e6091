"""Agent workers' heartbeats: who is alive, and which clerk rooms each runs.

Table described in :mod:`voice_agent.storage.workers`.

Revision ID: 0005_workers
Revises: 0004_sessions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_workers"
down_revision = "0004_sessions"
branch_labels = None
depends_on = None

# Text on SQLite (ISO-8601 UTC, fixed width), timestamptz on PostgreSQL.
_MOMENT = sa.Text().with_variant(sa.DateTime(timezone=True), "postgresql")


def upgrade() -> None:
    """Create the table of workers' heartbeats."""
    op.create_table(
        "agent_workers",
        sa.Column("worker_id", sa.Text(), nullable=False),
        sa.Column("livekit_worker_id", sa.Text(), nullable=False),
        sa.Column("health_url", sa.Text(), nullable=False),
        sa.Column("livekit_url", sa.Text(), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("rooms", sa.Text(), nullable=False),
        sa.Column("seen_at", _MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("worker_id", name="pk_agent_workers"),
    )


def downgrade() -> None:
    """Drop the table of workers' heartbeats."""
    op.drop_table("agent_workers")
