"""What the feedback recorder needs from storage: a sink for one capture's records and audio.

The storage layer implements :class:`FeedbackSink`; the recorder
(:mod:`voice_agent.feedback.recorder`) commits through it before anything is confirmed.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge_base.feedback.models import FeedbackRecord


@dataclass(frozen=True, slots=True)
class FeedbackAudio:
    """Compressed audio of one capture, as stored."""

    data: bytes
    format: str
    sample_rate: int
    duration_secs: float


class FeedbackSink(abc.ABC):
    """Where records are committed (the storage layer's feedback repository)."""

    @abc.abstractmethod
    async def add(
        self, records: Sequence[FeedbackRecord], *, audio: FeedbackAudio | None = None
    ) -> None:
        """Commit the records of one capture and its audio in one transaction, or keep none."""
