"""An answerer that follows the knowledge base as it is edited and reloaded."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from knowledge_base.answering import Answer, Answerer, Question
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.knowledge_reload import KnowledgeBaseHolder


class ReloadingAnswerer(Answerer):
    """Answers from the holder's current (last valid) knowledge base.

    When the holder loads a new valid version, the next question gets an answerer built over
    it; an invalid edit never reaches here, so the last valid knowledge base keeps serving.
    """

    def __init__(
        self, *, holder: KnowledgeBaseHolder, build: Callable[[KnowledgeBase], Answerer]
    ) -> None:
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
            self._answerer = self._build(self._holder.current)
        return self._answerer

    async def answer(self, question: Question) -> Answer:
        """Answer from the current knowledge base."""
        return await self._current().answer(question)

    async def stream(self, question: Question) -> AsyncIterator[str | Answer]:
        """Stream from the current knowledge base's answerer."""
        async for item in self._current().stream(question):
            yield item
