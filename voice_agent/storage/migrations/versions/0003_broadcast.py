"""Headquarters to the floor: notices and their deliveries, rosters, quizzes, briefings.

Revision ID: 0003_broadcast
Revises: 0002_feedback
"""

from __future__ import annotations

revision = "0003_broadcast"
down_revision = "0002_feedback"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Reserved: the tables of this feature are added here."""


def downgrade() -> None:
    """Reserved."""
