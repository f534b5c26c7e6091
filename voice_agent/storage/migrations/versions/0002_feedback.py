"""Feedback from the shop floor: records, their audio, alerts.

Revision ID: 0002_feedback
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_feedback"
down_revision = "0001_base"
branch_labels = None
depends_on = None

# Text on SQLite (ISO-8601 UTC, fixed width), timestamptz on PostgreSQL.
_MOMENT = sa.Text().with_variant(sa.DateTime(timezone=True), "postgresql")


def upgrade() -> None:
    """Create the feedback tables."""
    op.create_table(
        "feedback_audio",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("format", sa.Text(), nullable=False),
        sa.Column("sample_rate", sa.Integer(), nullable=False),
        sa.Column("duration_secs", sa.Float(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_audio"),
    )
    op.create_table(
        "feedback_records",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("transcript", sa.Text(), nullable=False),
        sa.Column("clerk_id", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("store_id", sa.Text(), nullable=False),
        sa.Column("region_id", sa.Text(), nullable=False),
        sa.Column("utc_time", _MOMENT, nullable=False),
        sa.Column("local_time", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("urgency", sa.Text(), nullable=False),
        sa.Column("sentiment", sa.Text(), nullable=False),
        sa.Column("classifier", sa.Text(), nullable=False),
        sa.Column("promotion", sa.Text(), nullable=True),
        sa.Column("capture_id", sa.Text(), nullable=True),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("supersedes", sa.Text(), nullable=True),
        sa.Column("audio_id", sa.Text(), nullable=True),
        sa.Column("stored_at", _MOMENT, nullable=False),
        sa.CheckConstraint("part >= 1 AND part <= parts", name="ck_feedback_records_part_in_range"),
        sa.ForeignKeyConstraint(
            ["audio_id"],
            ["feedback_audio.id"],
            name="fk_feedback_records_audio_id_feedback_audio",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name="pk_feedback_records"),
    )
    op.create_index("feedback_records_time", "feedback_records", ["utc_time"])
    op.create_index("feedback_records_store", "feedback_records", ["store_id", "utc_time"])
    op.create_index("feedback_records_region", "feedback_records", ["region_id", "utc_time"])
    op.create_index("feedback_records_clerk", "feedback_records", ["clerk_id", "utc_time"])
    for table, column, index in (
        ("feedback_products", "sku", "feedback_products_sku"),
        ("feedback_promotions", "promotion_id", "feedback_promotions_promotion"),
    ):
        op.create_table(
            table,
            sa.Column("record_id", sa.Text(), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column(column, sa.Text(), nullable=False),
            sa.ForeignKeyConstraint(
                ["record_id"],
                ["feedback_records.id"],
                name=f"fk_{table}_record_id_feedback_records",
                ondelete="CASCADE",
            ),  # fmt: skip
            sa.PrimaryKeyConstraint("record_id", "position", name=f"pk_{table}"),
        )
        op.create_index(index, table, [column])
    op.create_table(
        "feedback_alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dedupe_key", sa.Text(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("first_at", _MOMENT, nullable=False),
        sa.Column("last_at", _MOMENT, nullable=False),
        sa.Column("stores", sa.Text(), nullable=False),
        sa.Column("regions", sa.Text(), nullable=False),
        sa.Column("record_ids", sa.Text(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("created_at", _MOMENT, nullable=False),
        sa.Column("delivered_at", _MOMENT, nullable=True),
        sa.Column("delivery_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_alerts"),
        sa.UniqueConstraint("dedupe_key", name="uq_feedback_alerts_dedupe_key"),
        sqlite_autoincrement=True,
    )
    op.create_index("feedback_alerts_created", "feedback_alerts", ["created_at"])


def downgrade() -> None:
    """Drop the feedback tables (their rows are lost)."""
    for table in (
        "feedback_alerts", "feedback_promotions", "feedback_products", "feedback_records",
        "feedback_audio",
    ):  # fmt: skip
        op.drop_table(table)
