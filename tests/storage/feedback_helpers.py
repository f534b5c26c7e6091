"""Feedback records for the storage tests, built directly (no classifier needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import numpy as np

from knowledge_base.answering import Role
from knowledge_base.feedback.models import FeedbackRecord
from knowledge_base.feedback.taxonomy import FeedbackCategory, Sentiment, Urgency
from voice_agent.feedback.audio import FeedbackAudio, encode_flac

T0 = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)
SHANGHAI = timezone(timedelta(hours=8))
REGIONS = {"SH-01": "east-china", "SH-02": "east-china", "HZ-01": "east-china",
           "SG-01": "singapore", "BER-01": "germany"}  # fmt: skip


def record(
    record_id: str, *, minutes: int = 0, store: str = "SH-01", clerk: str = "ana",
    category: FeedbackCategory = FeedbackCategory.STOCK_AVAILABILITY, **extra: Any,
) -> FeedbackRecord:  # fmt: skip
    """A record said ``minutes`` after :data:`T0` at ``store`` by ``clerk``."""
    at = T0 + timedelta(minutes=minutes)
    values: dict[str, Any] = {
        "id": record_id,
        "transcript": f"size 40 of the AX-200 sold out ({record_id})",
        "clerk_id": clerk,
        "role": Role.CLERK,
        "store_id": store,
        "region_id": REGIONS[store],
        "local_time": at.astimezone(SHANGHAI),
        "utc_time": at,
        "category": category,
        "urgency": Urgency.HIGH,
        "sentiment": Sentiment.NEGATIVE,
        "products": ["AX-200"],
        "promotions_in_force": ["weekend-running"],
    }
    values.update(extra)
    return FeedbackRecord(**values)


def tone_audio(seconds: float = 1.0, rate: int = 16_000) -> FeedbackAudio:
    """A 440 Hz tone as FLAC."""
    t = np.arange(int(seconds * rate)) / rate
    return encode_flac((np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16), rate)
