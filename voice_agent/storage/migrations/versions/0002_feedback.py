"""Feedback from the shop floor: records, their audio, alerts.

Revision ID: 0002_feedback
Revises: 0001_base
"""

from __future__ import annotations

revision = "0002_feedback"
down_revision = "0001_base"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Reserved: the tables of this feature are added here."""


def downgrade() -> None:
    """Reserved."""
