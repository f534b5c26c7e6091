"""The answerer interface: a question in, a short spoken-style answer out.

Every answerer (offline grounded, OpenAI-compatible LLM, ...) implements
:class:`Answerer`. The voice pipeline only knows this interface.
"""

from __future__ import annotations

import abc
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """Who is asking; decides how deep an answer may go."""

    CLERK = "clerk"
    STORE_MANAGER = "store_manager"
    REGIONAL_MANAGER = "regional_manager"
    HQ = "hq"


class AnswerSource(StrEnum):
    """Where the spoken text came from."""

    GROUNDED = "grounded"
    """Composed by the offline grounded answerer from knowledge-base text."""
    LLM = "llm"
    """Written by an LLM and passed the fact guard."""
    FALLBACK = "fallback"
    """The LLM failed, was too slow or broke the fact guard; the grounded answer was used."""
    UNKNOWN = "unknown"
    """Nothing in the knowledge base matched; the answer names who to ask."""
    REFUSED = "refused"
    """The caller's role may not hear this (e.g. a clerk asking for regional targets)."""
    CLARIFY = "clarify"
    """The question was too uncertain to answer safely; the text is one short question back
    ("The Weekend Running Offer or Double 12?")."""


@dataclass(frozen=True, slots=True)
class FollowUpContext:
    """What a clerk's last answered question was about, so "and for members?" can follow it."""

    products: tuple[str, ...] = ()
    """SKUs the question named."""
    categories: tuple[str, ...] = ()
    """Category ids the question named."""
    promotions: tuple[str, ...] = ()
    """Promotion ids the answer was about."""
    store_id: str | None = None
    """A store the question named (not the caller's own); ``None`` when it named none."""

    @property
    def empty(self) -> bool:
        """Nothing to follow up on."""
        return not (self.products or self.categories or self.promotions or self.store_id)


@dataclass(frozen=True, slots=True)
class Question:
    """A question as heard, with who asked it, where and when."""

    text: str
    role: Role = Role.CLERK
    store_id: str | None = None
    """Store the caller works in; decides region, time zone and which promotions apply."""
    language: str = "en"
    """BCP-47 language of the question (``en``, ``zh-CN``); the answer uses the same."""
    asked_at: datetime | None = None
    """Time-zone-aware moment of the question; ``None`` means now."""
    context: FollowUpContext | None = None
    """What the previous question of the conversation was about; a question naming no
    product, category or promotion of its own is read as a follow-up to it."""


ABOUT_TOGETHER = "about_together"
"""``Answer.detail`` key: the promotions an answer is about at once, when it is about several
(a basket priced by several offers, two offers asked whether they combine)."""


@dataclass(slots=True)
class Answer:
    """A short answer meant for the ear."""

    text: str
    source: AnswerSource
    promotion_ids: list[str] = field(default_factory=list)
    """Promotions the answer is about (for question mining and analytics)."""
    facts: list[str] = field(default_factory=list)
    """Knowledge-base text the answer was composed from (what the fact guard checks against)."""
    detail: dict[str, object] = field(default_factory=dict)
    """Answerer-specific diagnostics (timings, guard violations, retrieval scores)."""
    about: FollowUpContext | None = None
    """What the question was about, for the next question's ``context`` (``None``: the
    answerer does not say; the conversation keeps its previous context)."""

    @property
    def known(self) -> bool:
        """True when the answer came from knowledge-base facts."""
        return self.source in (AnswerSource.GROUNDED, AnswerSource.LLM, AnswerSource.FALLBACK)

    def sentences(self) -> list[str]:
        """Split the text into sentences, so speech can start after the first one."""
        return split_sentences(self.text)


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")


def split_sentences(text: str) -> list[str]:
    """Split text at sentence ends (Latin and CJK punctuation), dropping empty parts."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


class Answerer(abc.ABC):
    """Answers a clerk's question from the promotion knowledge base."""

    name: str = "answerer"

    @abc.abstractmethod
    async def answer(self, question: Question) -> Answer:
        """Return the complete answer to ``question``."""

    async def stream(self, question: Question) -> AsyncIterator[str | Answer]:
        """Yield the answer sentence by sentence, then the complete :class:`Answer` last.

        Each ``str`` is one sentence, ready to speak; it is yielded as soon as it is final
        (streaming answerers yield the first sentence before the rest is written). The last
        item is always the complete ``Answer``, whose ``text`` is what was yielded.
        The default yields the sentences of :meth:`answer`.
        """
        answer = await self.answer(question)
        for sentence in answer.sentences():
            yield sentence
        yield answer
