"""Spoken quizzes in the running service: asked at quiet moments, scored, stored, retried.

A clerk's quiz on a promotion version starts when they acknowledge its urgent notice
(:meth:`Quizmaster.acknowledged`) or when a briefing's change asks for it
(:meth:`Quizmaster.quiz_version`): a :class:`~knowledge_base.quiz_plan.QuizPlan` (the question
ids, from :func:`~knowledge_base.quiz_plan.version_quiz` for the clerk's store) is stored
first. Then, while the clerk's session is connected and they are on shift, the pure rules
(:func:`~knowledge_base.quiz_plan.next_question`) say which question is due; it is offered
to the session's floor as a ``quiz_question`` that waits for a quiet moment, like a notice.

An answer (:meth:`Quizmaster.answer`, the floor's ``on_quiz_answer``) is scored with
:func:`~knowledge_base.quiz_scoring.score_answer` and stored *before* the assistant says
"Right." or "Not quite." and the rule again (a ``quiz_feedback`` utterance said at once).
A wrong or unanswered question is asked again ``retry_after`` later; when every question was
answered right the plan is closed as passed, when one used up its attempts as failed. The
plans and the answers are the whole state: a clerk who drops mid-quiz is asked the rest
when back, by this process or the next. A newer version of the promotion closes the quiz
on the old one as superseded (nobody is quizzed on an outdated rule).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from loguru import logger

from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.notice_queue import parse_notice_id
from knowledge_base.quiz import QuizQuestion
from knowledge_base.quiz_plan import QuizOutcome, QuizPlan, QuizPolicy, feedback_sentences
from knowledge_base.quiz_scoring import Judge
from knowledge_base.rosters import StaffMember
from knowledge_base.versions import Publication
from pipelines.events import FloorEvent, ReplyTimedOut
from voice_agent.broadcast.channel import QuizChannel
from voice_agent.broadcast.quiz_speech import feedback_utterance, question_utterance
from voice_agent.broadcast.quiz_store import QuizStore
from voice_agent.broadcast.quiz_wakeups import QuizWakeups
from voice_agent.broadcast.roster_cache import StoredRoster
from voice_agent.periodic import run_every
from voice_agent.storage import Database
from voice_agent.storage.timestamps import Clock, utc_now


@dataclass(frozen=True, slots=True)
class _Asked:
    """The question offered to a clerk whose answer is awaited."""

    utterance_id: str
    plan: QuizPlan
    question: QuizQuestion


class Quizmaster:
    """Quizzes clerks on the versions they acknowledged (see the module docstring)."""

    def __init__(
        self,
        *,
        database: Database,
        knowledge: Callable[[], KnowledgeBase],
        policy: QuizPolicy | None = None,
        language: str = "en",
        answer_within_secs: float = 60.0,
        enabled: bool = True,
        judge: Judge | None = None,
        clock: Clock = utc_now,
    ) -> None:
        """Work over ``database`` (upgraded).

        Args:
            database: Plans, answers, notices, versions and the roster.
            knowledge: The served knowledge base (names, stores, currencies), asked each time.
            policy: Questions per quiz and the retries (``[quiz]``).
            language: Quiz language when a session does not say.
            answer_within_secs: How long a question's answer is awaited without wake phrase.
            enabled: ``False``: acknowledgements start no quiz (briefings still may).
            judge: A second opinion on wording (never on numbers); ``None``: rules only.
            clock: The current time (aware).
        """
        self._policy = policy or QuizPolicy()
        self._store = QuizStore(database=database, knowledge=knowledge, policy=self._policy)
        self._roster = StoredRoster(database=database)
        self._language = language
        self._answer_within = answer_within_secs
        self._enabled = enabled
        self._judge = judge
        self._clock = clock
        self._lock = asyncio.Lock()
        self._channels: dict[str, QuizChannel] = {}
        self._asked: dict[str, _Asked] = {}
        self._wakeups = QuizWakeups()
        self._serial = itertools.count(1)
        self._ticker: asyncio.Task[None] | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self, *, tick_secs: float | None = None) -> None:
        """With ``tick_secs``, look for due retries that often in the background."""
        if tick_secs is not None and self._ticker is None:
            self._ticker = asyncio.create_task(
                run_every(tick_secs, self.tick, "quiz: looking at due questions")
            )

    async def stop(self) -> None:
        """Stop the background task."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None

    # --- inputs -------------------------------------------------------------------------------

    async def connect(self, channel: QuizChannel) -> None:
        """A clerk's session is live: a quiz they owe (or left half done) goes on."""
        async with self._lock:
            self._channels[channel.identity] = channel
            self._asked.pop(channel.identity, None)
            member = (await self._roster.current()).member(channel.identity)
            if self._enabled and member is not None:
                for plan in await asyncio.to_thread(self._store.owed, member, at=self._clock()):
                    logger.info(
                        "quiz: {} owes the quiz on {}@{}",
                        plan.clerk,
                        plan.promotion_id,
                        plan.version,
                    )
            await self._evaluate(channel.identity)

    async def disconnect(self, identity: str, *, channel: QuizChannel | None = None) -> None:
        """The session ended (with ``channel``: only if it is still that session)."""
        async with self._lock:
            if channel is not None and self._channels.get(identity) is not channel:
                return
            self._channels.pop(identity, None)
            self._asked.pop(identity, None)

    async def acknowledged(self, identity: str, notice_id: str) -> None:
        """``identity`` acknowledged ``notice_id`` (stored already): their quiz starts."""
        if not self._enabled:
            return
        async with self._lock:
            promotion_id, version = parse_notice_id(notice_id)
            await self._start_quiz(identity, promotion_id, version, reason="notice")
            await self._evaluate(identity)

    async def quiz_version(
        self,
        promotion_id: str,
        version: int | None = None,
        *,
        clerks: Iterable[str] | None = None,
        reason: str = "briefing",
    ) -> list[str]:
        """Quiz clerks on a published version (after a briefing's change was published).

        Args:
            promotion_id: The promotion.
            version: Its version (``None``: the newest stored one).
            clerks: Who (``None``: every clerk on the roster at a store in its scope).
            reason: Stored with each plan.

        Returns:
            The clerks whose quiz was started now (not those who had one already).

        Raises:
            LookupError: The version is not stored.
        """
        async with self._lock:
            roster = await self._roster.current()
            if clerks is None:
                clerks = await asyncio.to_thread(
                    self._store.clerks_in_scope, roster, promotion_id, version
                )
            number = version or await asyncio.to_thread(self._store.newest, promotion_id)
            if number is None:
                raise LookupError(f"no published {promotion_id}")
            started = [
                clerk
                for clerk in clerks
                if await self._start_quiz(clerk, promotion_id, number, reason=reason)
            ]
            for clerk in started:
                await self._evaluate(clerk)
            return started

    async def answer(self, identity: str, utterance_id: str, heard: str) -> None:
        """The clerk answered a question: score, store, then say right or not quite."""
        async with self._lock:
            asked = self._asked.get(identity)
            if asked is None or asked.utterance_id != utterance_id:
                logger.debug("quiz: {} answered {}, which is not asked now", identity, utterance_id)
                return
            del self._asked[identity]
            result, status = await asyncio.to_thread(
                self._store.record,
                asked.plan,
                asked.question,
                heard,
                judge=self._judge,
                at=self._clock(),
            )
            logger.info(
                "quiz: {} answered {} {} ({})",
                identity,
                asked.question.id,
                "right" if result.passed else "wrong",
                "; ".join(result.reasons) or result.judged_by,
            )
            channel = self._channels.get(identity)
            if channel is not None:
                retry = status.outcome is QuizOutcome.IN_PROGRESS and not result.passed
                sentences = feedback_sentences(
                    result, language=asked.question.language, retry=retry
                )
                await channel.offer_quiz(
                    feedback_utterance(f"{asked.utterance_id}/feedback", sentences)
                )
            await self._evaluate(identity)

    async def floor_event(self, identity: str, event: FloorEvent) -> None:
        """A floor event about a quiz utterance: an unanswered question is asked later."""
        if not isinstance(event, ReplyTimedOut):
            return
        async with self._lock:
            asked = self._asked.get(identity)
            if asked is None or asked.utterance_id != event.utterance_id:
                return
            del self._asked[identity]
            again = self._clock() + self._policy.retry_after
            self._wakeups.ask_later(identity, asked.question.id, again)
            logger.info("quiz: {} did not answer {}; asked later", identity, asked.question.id)

    async def on_publication(self, publication: Publication) -> None:
        """The runtime's publication observer: quizzes on older versions end as superseded."""
        async with self._lock:
            for version in publication.versions:
                plans = await asyncio.to_thread(
                    self._store.open_plans, promotion_id=version.promotion_id
                )
                for plan in (p for p in plans if p.version < version.version):
                    await self._close(plan, QuizOutcome.SUPERSEDED)

    async def tick(self) -> None:
        """Ask the questions whose time has come (retries, shift starts)."""
        async with self._lock:
            for identity in self._wakeups.take_due(self._channels, self._clock()):
                await self._evaluate(identity)

    # --- the work -----------------------------------------------------------------------------

    async def _start_quiz(
        self, identity: str, promotion_id: str, version: int, *, reason: str
    ) -> bool:
        member = (await self._roster.current()).member(identity)
        if member is None:
            return False
        plan = await asyncio.to_thread(
            self._store.start, member, promotion_id, version, reason=reason, at=self._clock()
        )
        if plan is not None:
            logger.info(
                "quiz: {} is quizzed on {}@{} ({})", identity, promotion_id, version, reason
            )
        return plan is not None

    async def _evaluate(self, identity: str) -> None:
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
                await self._close(plan, QuizOutcome.SUPERSEDED)
                continue
            status, step = await asyncio.to_thread(self._store.progress, plan)
            if status.outcome is not QuizOutcome.IN_PROGRESS:
                await self._close(plan, status.outcome)
                continue
            if step is None:
                continue
            due = max(step.due_at or now, self._wakeups.not_before(identity, step.question_id, now))
            if due > now:
                self._wakeups.wake_at(identity, due)
                continue
            await self._ask(channel, member, plan, step.question_id)
            return

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
        self._asked[member.identity] = _Asked(utterance.id, plan, question)
        logger.info("quiz: asking {} {}", member.identity, question_id)
        await channel.offer_quiz(utterance)

    async def _close(self, plan: QuizPlan, outcome: QuizOutcome) -> None:
        await asyncio.to_thread(self._store.close, plan, outcome, at=self._clock())
        logger.info("quiz: {} on {}@{}: {}", plan.clerk, plan.promotion_id, plan.version, outcome)
        asked = self._asked.get(plan.clerk)
        if asked is not None and asked.plan == plan:
            del self._asked[plan.clerk]
            channel = self._channels.get(plan.clerk)
            if channel is not None:
                await channel.withdraw_quiz(asked.utterance_id)
