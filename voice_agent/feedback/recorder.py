"""Record a captured feedback text: classify, commit, and only then say what was noted.

The order is the durability contract of issue 8: the spoken confirmation is composed only
after :meth:`FeedbackSink.add` returned (the records are committed); if saving fails the
clerk hears that nothing was saved. The storage layer implements :class:`FeedbackSink`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from loguru import logger

from knowledge_base.answering import Role
from knowledge_base.feedback.capture import DEFAULT_CHUNK_CHARS, chunk_text
from knowledge_base.feedback.confirmation import confirmation, not_saved, nothing_heard
from knowledge_base.feedback.models import Classification, FeedbackRecord
from knowledge_base.feedback.records import build_records, detect_language
from knowledge_base.feedback.sink import FeedbackAudio, FeedbackSink
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.fault_points import FaultPoint, reached
from voice_agent.storage.timestamps import Clock, utc_now

if TYPE_CHECKING:
    from voice_agent.feedback.classifiers import FeedbackClassifier


@dataclass(slots=True)
class RecordOutcome:
    """What happened to one captured feedback text."""

    saved: bool
    spoken: str
    """What the assistant says now (confirmation, apology, or "nothing heard")."""
    records: list[FeedbackRecord] = field(default_factory=list)
    error_code: str | None = None
    """Why nothing was saved: ``feedback_empty`` or the storage error's code."""


class FeedbackRecorder:
    """Turns captured feedback into committed records and the sentence the clerk hears."""

    def __init__(
        self,
        *,
        knowledge: KnowledgeBase,
        classifier: FeedbackClassifier,
        sink: FeedbackSink,
        max_chunk_chars: int = DEFAULT_CHUNK_CHARS,
        clock: Clock = utc_now,
    ) -> None:
        """Record into ``sink``, labelling with ``classifier``.

        Args:
            knowledge: Stores, zones, catalogue and promotions.
            classifier: Labels each chunk (offline, or LLM with offline fallback).
            sink: Commits the records.
            max_chunk_chars: Longest text of one record.
            clock: The current moment (aware).
        """
        self._knowledge = knowledge
        self._classifier = classifier
        self._sink = sink
        self._max_chunk_chars = max_chunk_chars
        self._clock = clock

    async def record(
        self, text: str, *, clerk_id: str, store_id: str, role: Role = Role.CLERK,
        language: str | None = None, supersedes: str | None = None,
        audio: FeedbackAudio | None = None,
    ) -> RecordOutcome:  # fmt: skip
        """Classify, commit, then confirm; never raises for a storage failure.

        ``supersedes`` names the record a correction replaces (the sink keeps both; lists
        show the newest). ``audio`` is the capture's compressed audio, committed with the
        records.
        """
        spoken_language = language or detect_language(text)
        chunks = chunk_text(text, self._max_chunk_chars)
        if not chunks:
            return RecordOutcome(False, nothing_heard(spoken_language), error_code="feedback_empty")
        labels: dict[str, Classification] = {}
        for chunk in chunks:
            labels[chunk] = await self._classifier.classify(chunk)
        records = build_records(
            self._knowledge, text, clerk_id=clerk_id, store_id=store_id, at=self._clock(),
            classify=labels.__getitem__, role=role, language=language,
            max_chunk_chars=self._max_chunk_chars, supersedes=supersedes,
        )  # fmt: skip
        try:
            await self._sink.add(records, audio=audio)
        except Exception as e:  # noqa: BLE001 - any storage failure: the clerk must hear it
            code = getattr(e, "code", type(e).__name__)
            logger.error("feedback from {} at {} not saved: {} ({})", clerk_id, store_id, code, e)
            return RecordOutcome(False, not_saved(spoken_language), records, str(code))
        reached(FaultPoint.FEEDBACK_AFTER_COMMIT)
        store = self._knowledge.store(store_id)
        spoken = confirmation(
            records[0].transcript, language=spoken_language,
            store_name=store.name.best(spoken_language), category=records[0].category,
            store_aliases=[store.name.en],
        )  # fmt: skip
        logger.info(
            "feedback {} saved from {} at {}: {} ({} record(s))",
            records[0].id, clerk_id, store_id, records[0].category, len(records),
        )  # fmt: skip
        return RecordOutcome(True, spoken, records)
