"""Where the sessions' events and answers go: each session's own history, then the observer.

:class:`SessionEvents` appends every event of a session to its entry's recent events and hands
it to the process's observer (a failing observer is logged, never raised into a session),
logging each step of a turn (:mod:`voice_agent.agent.turn_log`);
every answer is counted and, when it is a gap, stored through the
:class:`~knowledge_base.gaps.QuestionLogger`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from knowledge_base.answering import Answer, Question
from knowledge_base.gaps import QuestionLogger
from voice_agent.agent.history import SessionEntry
from voice_agent.agent.lifecycle import ManagedEvent, ManagedEventSink, deliver
from voice_agent.agent.slots import SessionSlots
from voice_agent.agent.turn_log import log_turn_event


class SessionEvents:
    """The events and answers of the sessions in ``slots``.

    Args:
        slots: The sessions, live and recently ended, by room.
        on_event: Receives every session's pipeline and lifecycle events.
        question_logger: Stores gap questions; ``None`` stores nothing.
    """

    def __init__(
        self,
        *,
        slots: SessionSlots,
        on_event: ManagedEventSink | None,
        question_logger: QuestionLogger | None,
    ) -> None:
        self._slots = slots
        self._on_event = on_event
        self._question_logger = question_logger

    def answers_of(self, room: str) -> Callable[[Question, Answer], Awaitable[None]]:
        """What the session in ``room`` calls with each answer it gave."""

        async def on_answer(question: Question, answer: Answer) -> None:
            entry = self._slots.live(room)
            if entry is not None:
                await self._record_answer(entry, question, answer)

        return on_answer

    def events_of(self, room: str) -> Callable[[ManagedEvent], Awaitable[None]]:
        """What the session in ``room`` calls with each of its events."""

        async def on_event(event: ManagedEvent) -> None:
            entry = self._slots.entry(room)
            if entry is not None:
                await self._emit(entry, event)

        return on_event

    async def deliver(self, event: ManagedEvent) -> None:
        """Hand ``event`` to the observer (it is not kept in a session's history)."""
        await deliver(self._on_event, event)

    async def _record_answer(self, entry: SessionEntry, question: Question, answer: Answer) -> None:
        failure = await entry.record_answer(question, answer, self._question_logger)
        if failure is not None:
            await self._emit(entry, failure)

    async def _emit(self, entry: SessionEntry, event: ManagedEvent) -> None:
        entry.events.append(event)
        log_turn_event(entry.room, event)
        await self.deliver(event)
