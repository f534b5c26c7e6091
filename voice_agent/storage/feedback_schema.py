"""The feedback tables (revision ``0002_feedback``), on the one :data:`~.schema.metadata`.

A record's list fields (products, promotions in force) live in child tables, one row per
item in the order heard, so filters by SKU or promotion are indexed lookups on both engines.
The audio of a capture is one FLAC blob shared by its records (``audio_id``).
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Table,
    Text,
)

from voice_agent.storage.schema import metadata
from voice_agent.storage.timestamps import UtcDateTime

feedback_audio = Table(
    "feedback_audio",
    metadata,
    Column("id", Text, primary_key=True),
    Column("format", Text, nullable=False),
    Column("sample_rate", Integer, nullable=False),
    Column("duration_secs", Float, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
"""The compressed audio of one capture (FLAC bytes)."""

feedback_records = Table(
    "feedback_records",
    metadata,
    Column("id", Text, primary_key=True),
    Column("transcript", Text, nullable=False),
    Column("clerk_id", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("store_id", Text, nullable=False),
    Column("region_id", Text, nullable=False),
    Column("utc_time", UtcDateTime, nullable=False),
    Column("local_time", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("urgency", Text, nullable=False),
    Column("sentiment", Text, nullable=False),
    Column("classifier", Text, nullable=False),
    Column("promotion", Text),
    Column("capture_id", Text),
    Column("part", Integer, nullable=False),
    Column("parts", Integer, nullable=False),
    Column("supersedes", Text),
    Column("audio_id", Text, ForeignKey("feedback_audio.id")),
    Column("stored_at", UtcDateTime, nullable=False),
    CheckConstraint("part >= 1 AND part <= parts", name="part_in_range"),
    Index("feedback_records_time", "utc_time"),
    Index("feedback_records_store", "store_id", "utc_time"),
    Index("feedback_records_region", "region_id", "utc_time"),
    Index("feedback_records_clerk", "clerk_id", "utc_time"),
)
"""One row per feedback record; ``local_time`` is ISO-8601 with the store's offset."""

feedback_products = Table(
    "feedback_products",
    metadata,
    Column(
        "record_id", Text, ForeignKey("feedback_records.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("position", Integer, primary_key=True),
    Column("sku", Text, nullable=False),
    Index("feedback_products_sku", "sku"),
)
"""SKUs a record mentions, in the order heard."""

feedback_promotions = Table(
    "feedback_promotions",
    metadata,
    Column(
        "record_id", Text, ForeignKey("feedback_records.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("position", Integer, primary_key=True),
    Column("promotion_id", Text, nullable=False),
    Index("feedback_promotions_promotion", "promotion_id"),
)
"""Promotions in force on the products a record mentions, in order."""

feedback_alerts = Table(
    "feedback_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dedupe_key", Text, nullable=False, unique=True),
    Column("rule", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("first_at", UtcDateTime, nullable=False),
    Column("last_at", UtcDateTime, nullable=False),
    Column("stores", Text, nullable=False),
    Column("regions", Text, nullable=False),
    Column("record_ids", Text, nullable=False),
    Column("figures", Text, nullable=False),
    Column("count", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime),
    Column("delivery_error", Text),
    Index("feedback_alerts_created", "created_at"),
    sqlite_autoincrement=True,
)
"""Alerts raised by the anomaly rules, stored once per :attr:`Alert.dedupe_key`.

``first_at``..``last_at`` is the window of the records involved; lists and figures are JSON.
``delivered_at`` is set when the webhook accepted the alert.
"""
