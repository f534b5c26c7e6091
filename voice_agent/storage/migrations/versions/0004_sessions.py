"""Agent sessions: state a re-dispatched session picks up.

Revision ID: 0004_sessions
Revises: 0003_broadcast
"""

from __future__ import annotations

revision = "0004_sessions"
down_revision = "0003_broadcast"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Reserved: the tables of this feature are added here."""


def downgrade() -> None:
    """Reserved."""
