"""Base schema: promotion versions, publications, the question log.

Also adopts a SQLite file made by the storage code before Alembic (it has a
``schema_migrations`` table at version 1 or 2): its tables are kept with their rows, the
missing ones are created, each group of versions stored together becomes a publication, and
``schema_migrations`` is dropped.

Revision ID: 0001_base
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_base"
down_revision = None
branch_labels = None
depends_on = None

# Text on SQLite (ISO-8601 UTC, fixed width), timestamptz on PostgreSQL.
_MOMENT = sa.Text().with_variant(sa.DateTime(timezone=True), "postgresql")
_LEGACY_NEWEST = 2


def upgrade() -> None:
    """Create the base tables (adopting pre-Alembic ones)."""
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    legacy = inspector.has_table("schema_migrations")
    if legacy:
        newest = bind.execute(sa.text("SELECT MAX(version) FROM schema_migrations")).scalar()
        if newest is not None and int(newest) > _LEGACY_NEWEST:
            raise RuntimeError(
                f"pre-Alembic schema version {newest} is newer than this program knows"
            )
    if not inspector.has_table("promotion_versions"):
        op.create_table(
            "promotion_versions",
            sa.Column("promotion_id", sa.Text(), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("content_hash", sa.Text(), nullable=False),
            sa.Column("content", sa.Text(), nullable=False),
            sa.Column("diff", sa.Text(), nullable=False),
            sa.Column("published_at", _MOMENT, nullable=False),
            sa.Column("published_by", sa.Text(), nullable=False),
            sa.CheckConstraint("version >= 1", name="ck_promotion_versions_version_positive"),
            sa.PrimaryKeyConstraint("promotion_id", "version", name="pk_promotion_versions"),
        )
    if not inspector.has_table("question_log"):
        op.create_table(
            "question_log",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("store_id", sa.Text(), nullable=True),
            sa.Column("role", sa.Text(), nullable=False),
            sa.Column("language", sa.Text(), nullable=False),
            sa.Column("promotion_id", sa.Text(), nullable=True),
            sa.Column("source", sa.Text(), nullable=False),
            sa.Column("reason", sa.Text(), nullable=False),
            sa.Column("answer_text", sa.Text(), nullable=False),
            sa.Column("asked_at", _MOMENT, nullable=False),
            sa.CheckConstraint(
                "reason IN ('unknown', 'fallback', 'refused')",
                name="ck_question_log_reason_known",
            ),
            sa.PrimaryKeyConstraint("id", name="pk_question_log"),
            sqlite_autoincrement=True,
        )
        op.create_index("question_log_asked_at", "question_log", ["asked_at"])
        op.create_index("question_log_promotion", "question_log", ["promotion_id", "asked_at"])
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("published_at", _MOMENT, nullable=False),
        sa.Column("published_by", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("urgent", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_publications"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "publication_versions",
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("promotion_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name="fk_publication_versions_publication_id_publications",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["promotion_id", "version"],
            ["promotion_versions.promotion_id", "promotion_versions.version"],
            name="fk_publication_versions_promotion_id_version_promotion_versions",
        ),
        sa.PrimaryKeyConstraint(
            "publication_id", "promotion_id", "version", name="pk_publication_versions"
        ),
    )
    op.create_index(
        "publication_versions_version", "publication_versions", ["promotion_id", "version"]
    )
    if legacy:
        _publications_for_legacy_versions(bind)
        op.drop_table("schema_migrations")


def _publications_for_legacy_versions(bind: sa.Connection) -> None:
    """One publication per (moment, publisher) of the versions stored before Alembic."""
    groups = bind.execute(
        sa.text(
            "SELECT published_at, published_by FROM promotion_versions"
            " GROUP BY published_at, published_by ORDER BY published_at, published_by"
        )
    ).all()
    for published_at, published_by in groups:
        publication_id = bind.execute(
            sa.text(
                "INSERT INTO publications (published_at, published_by, notes, urgent)"
                " VALUES (:at, :by, :notes, :urgent) RETURNING id"
            ),
            {
                "at": published_at,
                "by": published_by,
                "notes": "stored before publications were recorded",
                "urgent": False,
            },
        ).scalar_one()
        bind.execute(
            sa.text(
                "INSERT INTO publication_versions (publication_id, promotion_id, version)"
                " SELECT :id, promotion_id, version FROM promotion_versions"
                " WHERE published_at = :at AND published_by = :by"
            ),
            {"id": publication_id, "at": published_at, "by": published_by},
        )


def downgrade() -> None:
    """Drop every base table."""
    op.drop_table("publication_versions")
    op.drop_table("publications")
    op.drop_index("question_log_promotion", table_name="question_log")
    op.drop_index("question_log_asked_at", table_name="question_log")
    op.drop_table("question_log")
    op.drop_table("promotion_versions")
