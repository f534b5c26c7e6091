"""Which quiz question each connected clerk is asked now, offered to their session's floor.

:class:`QuizAsking` keeps the clerks' quiz channels and the question each one's answer is
awaited for. :meth:`QuizAsking.evaluate` offers a clerk's next due question (the pure rules
of :func:`~knowledge_base.quiz_plan.next_question` through the store) when they are on shift
and nothing is asked; :meth:`QuizAsking.close` closes a plan and withdraws its question. The
:class:`~voice_agent.broadcast.quizmaster.Quizmaster` calls it under its lock.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from datetime import datetime

from loguru import logger

from knowledge_base.quiz import QuizQuestion
from knowledge_base.quiz_plan import QuizOutcome, QuizPlan
from knowledge_base.rosters import StaffMember
from voice_agent.broadcast.channel import QuizChannel
from voice_agent.broadcast.quiz_speech import question_utterance
from voice_agent.broadcast.quiz_store import QuizStore
from voice_agent.broadcast.quiz_wakeups import QuizWakeups
from voice_agent.broadcast.roster_cache import StoredRoster
from voice_agent.storage.timestamps import Clock


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """The question offered to a clerk whose answer is awaited."""

    utterance_id: str
    plan: QuizPlan
    question: QuizQuestion


class QuizAsking:
    """The connected clerks' quiz channels and the question each is asked now.

    Args:
        store: Plans, answers and the questions of a plan.
        roster: Who is on shift, at which store.
        language: Quiz language when a session does not say.
        answer_within_secs: How long a question's answer is awaited without wake phrase.
        clock: The current time (aware).
    """

    def __init__(
        self,
        *,
        store: QuizStore,
        roster: StoredRoster,
        language: str,
        answer_within_secs: float,
        clock: Clock,
    ) -> None:
        self._store = store
        self._roster = roster
        self._language = language
        self._answer_within = answer_within_secs
        self._clock = clock
        self._channels: dict[str, QuizChannel] = {}
        self._asked: dict[str, AskedQuestion] = {}
        self._wakeups = QuizWakeups()
        self._serial = itertools.count(1)

    def connect(self, channel: QuizChannel) -> None:
        """The clerk's session is live; nothing is asked in it yet."""
        self._channels[channel.identity] = channel
        self._asked.pop(channel.identity, None)

    def disconnect(self, identity: str, *, channel: QuizChannel | None = None) -> None:
        """The session ended (with ``channel``: only if it is still that session)."""
        if channel is not None and self._channels.get(identity) is not channel:
            return
        self._channels.pop(identity, None)
        self._asked.pop(identity, None)

    def channel(self, identity: str) -> QuizChannel | None:
        """The clerk's quiz channel while their session is live."""
        return self._channels.get(identity)

    def take(self, identity: str, utterance_id: str) -> AskedQuestion | None:
        """The question asked in ``utterance_id``, if it is the one awaited; no longer awaited."""
        asked = self._asked.get(identity)
        if asked is None or asked.utterance_id != utterance_id:
            return None
        del self._asked[identity]
        return asked

    def ask_later(self, identity: str, question_id: str, moment: datetime) -> None:
        """Ask ``question_id`` of the clerk again no sooner than ``moment``."""
        self._wakeups.ask_later(identity, question_id, moment)

    def due(self, now: datetime) -> list[str]:
        """The connected clerks whose wake-up time has come."""
        return self._wakeups.take_due(self._channels, now)

    async def evaluate(self, identity: str) -> None:
        """Offer the clerk's next due question, if nothing is asked and they can be asked."""
        channel = self._channels.get(identity)
        if channel is None or identity in self._asked:
            return
        now = self._clock()
        member = (await self._roster.current()).member(identity)
        if member is None or member.store_id is None:
            return
        if not member.calendar.on_shift(now):
            start = member.calendar.next_start(now)
            if start is not None:
                self._wakeups.wake_at(identity, start)
            return
        for plan in await asyncio.to_thread(self._store.open_plans, clerk=identity):
            if not await asyncio.to_thread(self._store.is_current, plan.promotion_id, plan.version):
                await self.close(plan, QuizOutcome.SUPERSEDED)
                continue
            status, step = await asyncio.to_thread(self._store.progress, plan)
            if status.outcome is not QuizOutcome.IN_PROGRESS:
                await self.close(plan, status.outcome)
                continue
            if step is None:
                continue
            due = max(step.due_at or now, self._wakeups.not_before(identity, step.question_id, now))
            if due > now:
                self._wakeups.wake_at(identity, due)
                continue
            await self._ask(channel, member, plan, step.question_id)
            return

    async def close(self, plan: QuizPlan, outcome: QuizOutcome) -> None:
        """Close ``plan`` with ``outcome``; a question of it being asked is withdrawn."""
        await asyncio.to_thread(self._store.close, plan, outcome, at=self._clock())
        logger.info("quiz: {} on {}@{}: {}", plan.clerk, plan.promotion_id, plan.version, outcome)
        asked = self._asked.get(plan.clerk)
        if asked is not None and asked.plan == plan:
            del self._asked[plan.clerk]
            channel = self._channels.get(plan.clerk)
            if channel is not None:
                await channel.withdraw_quiz(asked.utterance_id)

    async def _ask(
        self, channel: QuizChannel, member: StaffMember, plan: QuizPlan, question_id: str
    ) -> None:
        assert member.store_id is not None
        question = await asyncio.to_thread(
            self._store.question,
            plan,
            question_id,
            store_id=member.store_id,
            language=channel.language or self._language,
        )
        if question is None:
            logger.warning("quiz: {} can no longer be asked; skipped", question_id)
            return
        utterance = question_utterance(
            f"quiz/{member.identity}/{question_id}/{next(self._serial)}",
            question,
            answer_within_secs=self._answer_within,
        )
        self._asked[member.identity] = AskedQuestion(utterance.id, plan, question)
        logger.info("quiz: asking {} {}", member.identity, question_id)
        await channel.offer_quiz(utterance)
