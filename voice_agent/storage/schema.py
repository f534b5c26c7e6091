"""Every table the service keeps, described once on one :data:`metadata`.

The repositories query these tables; the Alembic revisions in
:mod:`voice_agent.storage.migrations` create them (a revision is written by hand from the
change made here, see docs/storage.md). A later concern (feedback, broadcasts, sessions)
may describe its tables in its own module, on this same :data:`metadata`.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    false,
    text,
)

from voice_agent.storage.timestamps import UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

promotion_versions = Table(
    "promotion_versions",
    metadata,
    Column("promotion_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("content_hash", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("diff", Text, nullable=False),
    Column("published_at", UtcDateTime, nullable=False),
    Column("published_by", Text, nullable=False),
    CheckConstraint("version >= 1", name="version_positive"),
)
"""One row per stored version of a promotion (its canonical YAML)."""

question_log = Table(
    "question_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("text", Text, nullable=False),
    Column("store_id", Text),
    Column("role", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("promotion_id", Text),
    Column("source", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("answer_text", Text, nullable=False),
    Column("asked_at", UtcDateTime, nullable=False),
    CheckConstraint("reason IN ('unknown', 'fallback', 'refused')", name="reason_known"),
    Index("question_log_asked_at", "asked_at"),
    Index("question_log_promotion", "promotion_id", "asked_at"),
    sqlite_autoincrement=True,
)
"""Questions answered unknown, by a fallback or refused (for ``kb gaps``)."""

publications = Table(
    "publications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("published_at", UtcDateTime, nullable=False),
    Column("published_by", Text, nullable=False),
    Column("notes", Text, nullable=False, server_default=text("''")),
    Column("urgent", Boolean, nullable=False, server_default=false()),
    sqlite_autoincrement=True,
)
"""One row per publish: who, when, change notes, urgent. Ids only grow (pollers rely on it)."""

publication_versions = Table(
    "publication_versions",
    metadata,
    Column(
        "publication_id",
        Integer,
        ForeignKey("publications.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("promotion_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    ForeignKeyConstraint(
        ["promotion_id", "version"],
        ["promotion_versions.promotion_id", "promotion_versions.version"],
    ),
    Index("publication_versions_version", "promotion_id", "version"),
)
"""Which promotion versions each publication stored."""
