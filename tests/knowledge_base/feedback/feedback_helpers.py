"""Shared by the feedback domain tests (named uniquely: every test directory has a conftest)."""

from __future__ import annotations

from collections.abc import Callable

from knowledge_base.feedback.models import FeedbackRecord
from knowledge_base.loader import SAMPLE_DATA_DIR

TRAINING_SET = SAMPLE_DATA_DIR / "feedback" / "train.yaml"
VALIDATION_SET = SAMPLE_DATA_DIR / "feedback" / "validation.yaml"
REGION_OF = {"SH-01": "east-china", "SH-02": "east-china", "HZ-01": "east-china",
             "SG-01": "singapore", "BER-01": "germany"}  # fmt: skip

MakeRecord = Callable[..., FeedbackRecord]
