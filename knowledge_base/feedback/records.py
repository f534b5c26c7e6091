"""Turn captured feedback text into records: chunks, classification, products, promotions."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from knowledge_base.answering import Role
from knowledge_base.feedback.capture import DEFAULT_CHUNK_CHARS, chunk_text
from knowledge_base.feedback.models import Classification, ClassifierSource, FeedbackRecord
from knowledge_base.feedback.products import feedback_subjects
from knowledge_base.feedback.taxonomy import FeedbackCategory
from knowledge_base.matching import has_cjk

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase


class EmptyFeedbackError(ValueError):
    """A feedback turn held no words: nothing is recorded."""

    code = "feedback_empty"


def detect_language(text: str) -> str:
    """``zh-CN`` when the text holds Chinese characters, else ``en``."""
    return "zh-CN" if has_cjk(text) else "en"


def new_record_id() -> str:
    """A fresh record id (random, 32 hex digits)."""
    return uuid.uuid4().hex


def build_records(
    knowledge: KnowledgeBase,
    text: str,
    *,
    clerk_id: str,
    store_id: str,
    at: datetime,
    classify: Callable[[str], Classification],
    role: Role = Role.CLERK,
    language: str | None = None,
    max_chunk_chars: int = DEFAULT_CHUNK_CHARS,
    new_id: Callable[[], str] = new_record_id,
    supersedes: str | None = None,
) -> list[FeedbackRecord]:
    """The records for one captured feedback text (one per chunk of a long monologue).

    Args:
        knowledge: The knowledge base (store, region, zone, catalogue, promotions).
        text: What the clerk said, trigger and end phrases removed; stored verbatim.
        clerk_id: Who said it.
        store_id: The clerk's store (must exist in ``knowledge``).
        at: When it was said (aware).
        classify: Labels one chunk (the offline classifier, or the LLM adapter's result).
        role: The speaker's role.
        language: ``en`` / ``zh-CN``; detected from the text when ``None``.
        max_chunk_chars: Longest record text; longer speech is split at sentence ends.
        new_id: Makes record ids (and the capture id of a chunked text).
        supersedes: Id of the record these correct (set on the first part).

    Raises:
        EmptyFeedbackError: ``text`` has no words.
        UnknownEntityError: ``store_id`` is not in the knowledge base.
    """
    chunks = chunk_text(text, max_chunk_chars)
    if not chunks:
        raise EmptyFeedbackError("the feedback is empty: nothing to record")
    region = knowledge.region_of(store_id)
    local = knowledge.local_time(store_id, at)
    capture_id = new_id() if len(chunks) > 1 else None
    records = []
    for part, chunk in enumerate(chunks, start=1):
        labels = classify(chunk)
        subjects = feedback_subjects(knowledge, chunk, store_id=store_id, at=at)
        records.append(
            FeedbackRecord(
                id=new_id(),
                transcript=chunk,
                clerk_id=clerk_id,
                role=role,
                store_id=store_id,
                region_id=region.id,
                local_time=local,
                utc_time=at.astimezone(UTC),
                language=language or detect_language(chunk),
                category=labels.category,
                urgency=labels.urgency,
                sentiment=labels.sentiment,
                classifier=labels.source,
                products=subjects.products,
                promotion=subjects.promotion,
                promotions_in_force=subjects.promotions_in_force,
                capture_id=capture_id,
                part=part,
                parts=len(chunks),
                supersedes=supersedes if part == 1 else None,
            )
        )
    return records


def with_category(
    record: FeedbackRecord, category: FeedbackCategory, *, source: ClassifierSource
) -> FeedbackRecord:
    """``record`` relabelled (by a manager, or by a later classifier), transcript untouched."""
    return record.model_copy(update={"category": category, "classifier": source})
