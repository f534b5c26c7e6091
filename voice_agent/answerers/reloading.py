"""An answerer that follows the served knowledge base as publications and edits arrive."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future, ThreadPoolExecutor

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

    The build (indexes of the catalogue and the promotions: about half a second for the
    sample chain here) runs in a worker thread of its own, once per knowledge base, never on
    the event loop every session of the process shares. :meth:`prepare` starts it before the
    first question (the runtime calls it when a publication is served and no round of likely
    answers will ask first).
    """

    def __init__(self, *, holder: KnowledgeSource, build: AnswererBuilder) -> None:
        """Follow ``holder``; ``build`` makes the answerer for each knowledge base it serves."""
        self._holder = holder
        self._build = build
        self._lock = threading.RLock()  # a done build's callback runs in the submitting thread
        self._built: tuple[int, Answerer] | None = None
        self._building: tuple[int, Future[Answerer]] | None = None
        self._builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="answerer-build")

    @property
    def name(self) -> str:  # type: ignore[override]
        """The name of the answerer in use (the last one built: they share a kind)."""
        with self._lock:
            built = self._built
        return (built[1] if built is not None else self._current()).name

    def prepare(self) -> None:
        """Start building the answerer of the served knowledge base, if not built yet."""
        self._future()

    def _future(self) -> Future[Answerer]:
        """The build of the served knowledge base's answerer: done, under way or started now.

        A build that failed is started again by the next question.
        """
        with self._lock:
            generation = self._holder.generation
            building = self._building
            if building is None or building[0] != generation or _failed(building[1]):
                knowledge, changes = self._holder.current, self._holder.change_summaries
                future = self._builder.submit(self._build, knowledge, changes)
                future.add_done_callback(lambda f: self._keep(generation, f))
                building = self._building = (generation, future)
            return building[1]

    def _keep(self, generation: int, future: Future[Answerer]) -> None:
        if _failed(future):
            return
        with self._lock:
            if self._built is None or self._built[0] < generation:
                self._built = (generation, future.result())

    def _current(self) -> Answerer:
        """The current answerer, waiting for its build (blocking: startup and tools only)."""
        return self._future().result()

    async def _current_async(self) -> Answerer:
        # Shielded: a question given up on (a barge-in) does not cancel others' build.
        return await asyncio.shield(asyncio.wrap_future(self._future()))

    async def answer(self, question: Question) -> Answer:
        """Answer from the current knowledge base."""
        return await (await self._current_async()).answer(question)

    async def stream(self, question: Question) -> AsyncIterator[str | Answer]:
        """Stream from the current knowledge base's answerer."""
        async for item in (await self._current_async()).stream(question):
            yield item


def _failed(future: Future[Answerer]) -> bool:
    return future.done() and (future.cancelled() or future.exception() is not None)
