"""Numbered schema migrations, applied in order and recorded in ``schema_migrations``.

A later feature (feedback, briefings, acknowledgements, quiz results, session events) adds
its tables by appending one :class:`Migration` with the next number; an applied migration
is never edited. Timestamps are stored as ISO-8601 UTC text
(``2026-11-28T07:00:00.000000+00:00``), so text order is time order.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step."""

    version: int
    """Position in the sequence, starting at 1, without gaps."""
    name: str
    statements: tuple[str, ...]
    """SQL statements run in one transaction together with the bookkeeping row."""


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=1,
        name="promotion_versions",
        statements=(
            """
            CREATE TABLE promotion_versions (
                promotion_id TEXT NOT NULL,
                version INTEGER NOT NULL CHECK (version >= 1),
                content_hash TEXT NOT NULL,
                content TEXT NOT NULL,
                diff TEXT NOT NULL,
                published_at TEXT NOT NULL,
                published_by TEXT NOT NULL,
                PRIMARY KEY (promotion_id, version)
            )
            """,
        ),
    ),
    Migration(
        version=2,
        name="question_log",
        statements=(
            """
            CREATE TABLE question_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                text TEXT NOT NULL,
                store_id TEXT,
                role TEXT NOT NULL,
                language TEXT NOT NULL,
                promotion_id TEXT,
                source TEXT NOT NULL,
                reason TEXT NOT NULL CHECK (reason IN ('unknown', 'fallback', 'refused')),
                answer_text TEXT NOT NULL,
                asked_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX question_log_asked_at ON question_log (asked_at)",
            "CREATE INDEX question_log_promotion ON question_log (promotion_id, asked_at)",
        ),
    ),
)


def check_sequence(migrations: tuple[Migration, ...]) -> None:
    """Raise ``ValueError`` unless versions run 1, 2, 3, ... without gaps."""
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise ValueError(
                f"migration {migration.name!r} has version {migration.version}, expected {expected}"
            )
