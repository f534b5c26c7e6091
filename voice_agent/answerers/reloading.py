"""An answerer that follows the served knowledge base as publications and edits arrive."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from knowledge_base.answering import Answer, Answerer, Question
from knowledge_base.change_summaries import ChangeSummaries
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.knowledge_reload import KnowledgeSource

AnswererBuilder = Callable[[KnowledgeBase, ChangeSummaries | None], Answerer]
"""Builds an answerer over a knowledge base and its "what changed?" answers."""


class ReloadingAnswerer(Answerer):
    """Answers from the holder's current knowledge base.

    When the holder serves a new knowledge base (a publication, a valid edit), the next
    question gets an answerer built over it; an invalid edit never reaches here, so the last
    good knowledge base keeps serving.
    """

    def __init__(self, *, holder: KnowledgeSource, build: AnswererBuilder) -> None:
        """Follow ``holder``; ``build`` makes the answerer for each knowledge base it serves."""
        self._holder = holder
        self._build = build
        self._generation = -1
        self._answerer: Answerer | None = None

    @property
    def name(self) -> str:  # type: ignore[override]
        """The name of the answerer in use."""
        return self._current().name

    def _current(self) -> Answerer:
        if self._answerer is None or self._holder.generation != self._generation:
            self._generation = self._holder.generation
            self._answerer = self._build(self._holder.current, self._holder.change_summaries)
        return self._answerer

    async def answer(self, question: Question) -> Answer:
        """Answer from the current knowledge base."""
        return await self._current().answer(question)

    async def stream(self, question: Question) -> AsyncIterator[str | Answer]:
        """Stream from the current knowledge base's answerer."""
        async for item in self._current().stream(question):
            yield item
