"""Briefings that survive their node: the recording in chunks, the node running it, the end.

``briefing_audio_chunks`` holds the manager's audio as it comes (about a second a row) until
the briefing is closed and one FLAC recording is stored; ``briefings`` gets the ``node``
running it, when that node last said it was (``seen_at``, by the database's clock), and why
it ended (``ended_because``: ``node_failed`` for one closed after its node died).

Revision ID: 0009_briefing_journal
Revises: 0008_escalation_reach
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_briefing_journal"
down_revision = "0008_escalation_reach"
branch_labels = None
depends_on = None

# Text on SQLite (ISO-8601 UTC, fixed width), timestamptz on PostgreSQL.
_MOMENT = sa.Text().with_variant(sa.DateTime(timezone=True), "postgresql")


def upgrade() -> None:
    """Add the chunk table and the briefings' node, seen_at and ended_because."""
    with op.batch_alter_table("briefings") as batch:
        batch.add_column(sa.Column("node", sa.Text(), nullable=True))
        batch.add_column(sa.Column("seen_at", _MOMENT, nullable=True))
        batch.add_column(sa.Column("ended_because", sa.Text(), nullable=True))
    op.create_table(
        "briefing_audio_chunks",
        sa.Column("briefing_id", sa.Text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sample_rate", sa.Integer(), nullable=False),
        sa.Column("pcm", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["briefing_id"],
            ["briefings.id"],
            name="fk_briefing_audio_chunks_briefing_id_briefings",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("briefing_id", "seq", name="pk_briefing_audio_chunks"),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("briefing_audio_chunks")
    with op.batch_alter_table("briefings") as batch:
        batch.drop_column("ended_because")
        batch.drop_column("seen_at")
        batch.drop_column("node")
