"""Tables of headquarters-to-the-floor (revision ``0003_broadcast``), on the shared metadata.

Notices and their per-clerk deliveries (the :mod:`knowledge_base.delivery` record, one column
per field, rewritten after every event), quiz plans (revision ``0007_quiz_plans``) and
results, the loaded roster, briefings with their attendance and the knowledge-base changes
proposed from them. Moments are :class:`~voice_agent.storage.timestamps.UtcDateTime` (UTC,
either engine).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Table,
    Text,
    false,
    text,
)

from voice_agent.storage.schema import metadata
from voice_agent.storage.timestamps import UtcDateTime

DELIVERY_STATES = ("pending", "speaking", "played", "acknowledged", "superseded")
CHANGE_STATUSES = ("proposed", "approved", "rejected")

notices = Table(
    "notices",
    metadata,
    Column("id", Text, primary_key=True),
    Column("publication_id", Integer, ForeignKey("publications.id"), nullable=False),
    Column("promotion_id", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("urgent", Boolean, nullable=False, server_default=false()),
    Column("created_at", UtcDateTime, nullable=False),
    Index("notices_promotion", "promotion_id", "version"),
)
"""One notice per announced promotion version (id ``<promotion id>@<version>``)."""

deliveries = Table(
    "deliveries",
    metadata,
    Column("notice_id", Text, ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True),
    Column("clerk", Text, primary_key=True),
    Column("state", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime),
    Column("played_at", UtcDateTime),
    Column("last_played_at", UtcDateTime),
    Column("acknowledged_at", UtcDateTime),
    Column("escalated_at", UtcDateTime),
    Column("superseded_at", UtcDateTime),
    Column("plays", Integer, nullable=False, server_default=text("0")),
    Column("interruptions", Integer, nullable=False, server_default=text("0")),
    Column("repeat_requested", Boolean, nullable=False, server_default=false()),
    CheckConstraint(
        "state IN ('pending', 'speaking', 'played', 'acknowledged', 'superseded')",
        name="state_known",
    ),
    Index("deliveries_clerk", "clerk"),
)
"""One notice for one clerk: the delivery state machine's record."""

quiz_results = Table(
    "quiz_results",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("clerk", Text, nullable=False),
    Column("question_id", Text, nullable=False),
    Column("promotion_id", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("heard", Text, nullable=False),
    Column("reasons", Text, nullable=False, server_default=text("'[]'")),
    Column("replay", Text),
    Column("judged_by", Text, nullable=False),
    Column("answered_at", UtcDateTime, nullable=False),
    Index("quiz_results_version", "promotion_id", "version", "clerk"),
    sqlite_autoincrement=True,
)
"""One spoken answer to one quiz question."""

QUIZ_OUTCOMES = ("in_progress", "passed", "failed", "superseded")

quiz_plans = Table(
    "quiz_plans",
    metadata,
    Column("promotion_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("clerk", Text, primary_key=True),
    Column("question_ids", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("outcome", Text, nullable=False, server_default=text("'in_progress'")),
    Column("closed_at", UtcDateTime),
    CheckConstraint(
        "outcome IN ('in_progress', 'passed', 'failed', 'superseded')", name="outcome_known"
    ),
    Index("quiz_plans_clerk", "clerk", "outcome"),
)
"""The questions (JSON list of ids) one clerk is quizzed on about one version (revision
``0007_quiz_plans``), and how the quiz ended."""

rosters = Table(
    "rosters",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("loaded_by", Text, nullable=False),
    Column("loaded_at", UtcDateTime, nullable=False),
    sqlite_autoincrement=True,
)
"""The loaded roster (one row: a load replaces the previous roster whole)."""

roster_members = Table(
    "roster_members",
    metadata,
    Column("roster_id", Integer, ForeignKey("rosters.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("identity", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("store_id", Text),
    Column("region_id", Text, nullable=False),
    Column("time_zone", Text, nullable=False),
)
"""People of the roster, in roster order."""

roster_shifts = Table(
    "roster_shifts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("roster_id", Integer, ForeignKey("rosters.id", ondelete="CASCADE"), nullable=False),
    Column("identity", Text, nullable=False),
    Column("weekday", Integer),
    Column("day", Text),
    Column("start_minute", Integer, nullable=False),
    Column("end_minute", Integer, nullable=False),
    CheckConstraint("(weekday IS NULL) <> (day IS NULL)", name="weekly_or_dated"),
    Index("roster_shifts_roster", "roster_id", "identity"),
    sqlite_autoincrement=True,
)
"""Shifts of the roster's people: weekly (``weekday`` 0 = Monday) or dated (ISO ``day``)."""

briefings = Table(
    "briefings",
    metadata,
    Column("id", Text, primary_key=True),
    Column("scope", Text, nullable=False),
    Column("opened_by", Text, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
    Column("recording", Text),
    Column("summary", Text, nullable=False, server_default=text("''")),
    Column("node", Text),
    Column("seen_at", UtcDateTime),
    Column("ended_because", Text),
)
"""Voice briefings: scope (JSON), who opened it, when, the recording reference, the summary;
the node running it and when it last said so (``seen_at``, by the database's clock), and why
it ended (revision ``0009_briefing_journal``)."""

briefing_attendance = Table(
    "briefing_attendance",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("briefing_id", Text, ForeignKey("briefings.id", ondelete="CASCADE"), nullable=False),
    Column("identity", Text, nullable=False),
    Column("joined_at", UtcDateTime, nullable=False),
    Column("left_at", UtcDateTime),
    Index("briefing_attendance_briefing", "briefing_id"),
    sqlite_autoincrement=True,
)
"""One stretch of a participant in a briefing room."""

proposed_changes = Table(
    "proposed_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("briefing_id", Text, ForeignKey("briefings.id", ondelete="CASCADE"), nullable=False),
    Column("promotion_id", Text, nullable=False),
    Column("change", Text, nullable=False),
    Column("status", Text, nullable=False, server_default=text("'proposed'")),
    Column("decided_by", Text),
    Column("decided_at", UtcDateTime),
    Column("publication_id", Integer, ForeignKey("publications.id")),
    CheckConstraint("status IN ('proposed', 'approved', 'rejected')", name="status_known"),
    Index("proposed_changes_briefing", "briefing_id"),
    sqlite_autoincrement=True,
)
"""A knowledge-base change heard in a briefing (JSON), waiting for a person's decision."""

briefing_captions = Table(
    "briefing_captions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("briefing_id", Text, ForeignKey("briefings.id", ondelete="CASCADE"), nullable=False),
    Column("start_secs", Float, nullable=False),
    Column("end_secs", Float, nullable=False),
    Column("text", Text, nullable=False),
    Column("speaker", Text, nullable=False),
    Index("briefing_captions_briefing", "briefing_id"),
    sqlite_autoincrement=True,
)
"""One caption segment of a briefing, stored as it is published (revision 0006)."""

briefing_recordings = Table(
    "briefing_recordings",
    metadata,
    Column("briefing_id", Text, ForeignKey("briefings.id", ondelete="CASCADE"), primary_key=True),
    Column("format", Text, nullable=False),
    Column("sample_rate", Integer, nullable=False),
    Column("duration_secs", Float, nullable=False),
    Column("data", LargeBinary, nullable=False),
)
"""The manager's audio of a briefing, compressed (FLAC bytes; revision 0006)."""

briefing_audio_chunks = Table(
    "briefing_audio_chunks",
    metadata,
    Column("briefing_id", Text, ForeignKey("briefings.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("sample_rate", Integer, nullable=False),
    Column("pcm", LargeBinary, nullable=False),
)
"""The manager's audio of a running briefing as it comes (16-bit mono PCM, about a second a
row), until its close stores one recording (revision ``0009_briefing_journal``)."""

notice_presence = Table(
    "notice_presence",
    metadata,
    Column("identity", Text, primary_key=True),
    Column("node", Text, primary_key=True),
    Column("connected_at", UtcDateTime, nullable=False),
    Column("seen_at", UtcDateTime, nullable=False),
    Index("notice_presence_node", "node"),
)
"""One person's session on one node's broadcaster (revision ``0008_escalation_reach``);
``seen_at`` is renewed by the node's tick, by the database's clock."""

escalations_spoken = Table(
    "escalations_spoken",
    metadata,
    Column("notice_id", Text, ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True),
    Column("clerk", Text, primary_key=True),
    Column("manager", Text, primary_key=True),
    Column("node", Text, nullable=False),
    Column("offered_at", UtcDateTime, nullable=False),
)
"""An escalation offered to one store manager's session, once (revision
``0008_escalation_reach``)."""

Index("deliveries_escalated", deliveries.c.escalated_at)
