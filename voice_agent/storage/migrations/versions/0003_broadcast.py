"""Headquarters to the floor: notices and their deliveries, rosters, quizzes, briefings.

Tables described in :mod:`voice_agent.storage.broadcast_schema`.

Revision ID: 0003_broadcast
Revises: 0002_feedback
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_broadcast"
down_revision = "0002_feedback"
branch_labels = None
depends_on = None

# Text on SQLite (ISO-8601 UTC, fixed width), timestamptz on PostgreSQL.
_MOMENT = sa.Text().with_variant(sa.DateTime(timezone=True), "postgresql")


def upgrade() -> None:
    """Create the broadcast tables."""
    op.create_table(
        "notices",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("promotion_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("urgent", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", _MOMENT, nullable=False),
        sa.ForeignKeyConstraint(
            ["publication_id"], ["publications.id"], name="fk_notices_publication_id_publications"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_notices"),
    )
    op.create_index("notices_promotion", "notices", ["promotion_id", "version"])
    op.create_table(
        "deliveries",
        sa.Column("notice_id", sa.Text(), nullable=False),
        sa.Column("clerk", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("created_at", _MOMENT, nullable=False),
        *(
            sa.Column(name, _MOMENT, nullable=True)
            for name in (
                "delivered_at",
                "played_at",
                "last_played_at",
                "acknowledged_at",
                "escalated_at",
                "superseded_at",
            )
        ),
        sa.Column("plays", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("interruptions", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("repeat_requested", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "state IN ('pending', 'speaking', 'played', 'acknowledged', 'superseded')",
            name="ck_deliveries_state_known",
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices.id"],
            name="fk_deliveries_notice_id_notices",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("notice_id", "clerk", name="pk_deliveries"),
    )
    op.create_index("deliveries_clerk", "deliveries", ["clerk"])
    op.create_table(
        "quiz_results",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("clerk", sa.Text(), nullable=False),
        sa.Column("question_id", sa.Text(), nullable=False),
        sa.Column("promotion_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("heard", sa.Text(), nullable=False),
        sa.Column("reasons", sa.Text(), server_default=sa.text("'[]'"), nullable=False),
        sa.Column("replay", sa.Text(), nullable=True),
        sa.Column("judged_by", sa.Text(), nullable=False),
        sa.Column("answered_at", _MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_quiz_results"),
        sqlite_autoincrement=True,
    )
    op.create_index("quiz_results_version", "quiz_results", ["promotion_id", "version", "clerk"])
    op.create_table(
        "rosters",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("loaded_by", sa.Text(), nullable=False),
        sa.Column("loaded_at", _MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rosters"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "roster_members",
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("store_id", sa.Text(), nullable=True),
        sa.Column("region_id", sa.Text(), nullable=False),
        sa.Column("time_zone", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["roster_id"],
            ["rosters.id"],
            name="fk_roster_members_roster_id_rosters",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("roster_id", "position", name="pk_roster_members"),
    )
    op.create_table(
        "roster_shifts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("day", sa.Text(), nullable=True),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(weekday IS NULL) <> (day IS NULL)", name="ck_roster_shifts_weekly_or_dated"
        ),
        sa.ForeignKeyConstraint(
            ["roster_id"],
            ["rosters.id"],
            name="fk_roster_shifts_roster_id_rosters",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_roster_shifts"),
        sqlite_autoincrement=True,
    )
    op.create_index("roster_shifts_roster", "roster_shifts", ["roster_id", "identity"])
    op.create_table(
        "briefings",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("opened_by", sa.Text(), nullable=False),
        sa.Column("started_at", _MOMENT, nullable=False),
        sa.Column("ended_at", _MOMENT, nullable=True),
        sa.Column("recording", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_briefings"),
    )
    op.create_table(
        "briefing_attendance",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("briefing_id", sa.Text(), nullable=False),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("joined_at", _MOMENT, nullable=False),
        sa.Column("left_at", _MOMENT, nullable=True),
        sa.ForeignKeyConstraint(
            ["briefing_id"],
            ["briefings.id"],
            name="fk_briefing_attendance_briefing_id_briefings",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_briefing_attendance"),
        sqlite_autoincrement=True,
    )
    op.create_index("briefing_attendance_briefing", "briefing_attendance", ["briefing_id"])
    op.create_table(
        "proposed_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("briefing_id", sa.Text(), nullable=False),
        sa.Column("promotion_id", sa.Text(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'proposed'"), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", _MOMENT, nullable=True),
        sa.Column("publication_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('proposed', 'approved', 'rejected')",
            name="ck_proposed_changes_status_known",
        ),
        sa.ForeignKeyConstraint(
            ["briefing_id"],
            ["briefings.id"],
            name="fk_proposed_changes_briefing_id_briefings",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name="fk_proposed_changes_publication_id_publications",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_proposed_changes"),
        sqlite_autoincrement=True,
    )
    op.create_index("proposed_changes_briefing", "proposed_changes", ["briefing_id"])


def downgrade() -> None:
    """Drop the broadcast tables."""
    for table in (
        "proposed_changes",
        "briefing_attendance",
        "briefings",
        "roster_shifts",
        "roster_members",
        "rosters",
        "quiz_results",
        "deliveries",
        "notices",
    ):
        op.drop_table(table)
