"""Fixtures for the feedback domain tests: the trained classifier, a record maker."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count
from typing import Any

import pytest
from feedback_helpers import REGION_OF, TRAINING_SET, MakeRecord

from knowledge_base.feedback.classifier import OfflineClassifier, catalogue_names
from knowledge_base.feedback.models import FeedbackRecord
from knowledge_base.feedback.sets import parse_feedback_set
from knowledge_base.feedback.taxonomy import FeedbackCategory, Sentiment, Urgency
from knowledge_base.loader import load_knowledge_base


@pytest.fixture(scope="session")
def offline_classifier() -> OfflineClassifier:
    """The offline classifier trained on the packaged training set."""
    items = parse_feedback_set(TRAINING_SET.read_text(encoding="utf-8")).items
    return OfflineClassifier.train(items, product_names=catalogue_names(load_knowledge_base()))


@pytest.fixture
def make_record() -> MakeRecord:
    """Build a record with sensible defaults: ``make_record(store_id="SH-02", minute=30)``."""
    ids = count(1)

    def make(
        *, store_id: str = "SH-01", at: datetime | None = None, minute: int = 0, **fields: Any
    ) -> FeedbackRecord:
        moment = at or datetime(2026, 11, 28, 7, minute, tzinfo=UTC)
        values: dict[str, Any] = {
            "id": f"r{next(ids)}",
            "transcript": "size 40 of the AX-200 sold out",
            "clerk_id": "clerk-1",
            "store_id": store_id,
            "region_id": REGION_OF[store_id],
            "local_time": moment,
            "utc_time": moment,
            "category": FeedbackCategory.STOCK_AVAILABILITY,
            "urgency": Urgency.HIGH,
            "sentiment": Sentiment.NEGATIVE,
            "products": ["AX-200"],
        }
        values.update(fields)
        return FeedbackRecord(**values)

    return make
