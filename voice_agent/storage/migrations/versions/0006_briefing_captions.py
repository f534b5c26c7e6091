"""Briefings' captions and recordings: what clerks who missed a briefing can ask about.

Tables described in :mod:`voice_agent.storage.broadcast_schema`.

Revision ID: 0006_briefing_captions
Revises: 0005_workers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_briefing_captions"
down_revision = "0005_workers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables of briefing captions and recordings."""
    op.create_table(
        "briefing_captions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("briefing_id", sa.Text(), nullable=False),
        sa.Column("start_secs", sa.Float(), nullable=False),
        sa.Column("end_secs", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("speaker", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["briefing_id"],
            ["briefings.id"],
            name="fk_briefing_captions_briefing_id_briefings",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_briefing_captions"),
        sqlite_autoincrement=True,
    )
    op.create_index("briefing_captions_briefing", "briefing_captions", ["briefing_id"])
    op.create_table(
        "briefing_recordings",
        sa.Column("briefing_id", sa.Text(), nullable=False),
        sa.Column("format", sa.Text(), nullable=False),
        sa.Column("sample_rate", sa.Integer(), nullable=False),
        sa.Column("duration_secs", sa.Float(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["briefing_id"],
            ["briefings.id"],
            name="fk_briefing_recordings_briefing_id_briefings",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("briefing_id", name="pk_briefing_recordings"),
    )


def downgrade() -> None:
    """Drop the tables of briefing captions and recordings."""
    op.drop_table("briefing_recordings")
    op.drop_index("briefing_captions_briefing", table_name="briefing_captions")
    op.drop_table("briefing_captions")
