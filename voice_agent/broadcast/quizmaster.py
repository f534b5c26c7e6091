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
from collections.abc import Callable, Iterable

from loguru import logger

from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.notice_queue import parse_notice_id
from knowledge_base.quiz_plan import QuizOutcome, QuizPolicy, feedback_sentences
from knowledge_base.quiz_scoring import Judge
from knowledge_base.versions import Publication
from pipelines.events import FloorEvent, ReplyTimedOut
from voice_agent.broadcast.channel import QuizChannel
from voice_agent.broadcast.quiz_asking import QuizAsking
from voice_agent.broadcast.quiz_speech import feedback_utterance
from voice_agent.broadcast.quiz_store import QuizStore
from voice_agent.broadcast.roster_cache import StoredRoster
from voice_agent.periodic import run_every
from voice_agent.storage import Database
from voice_agent.storage.timestamps import Clock, utc_now


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
        self._asking = QuizAsking(
            store=self._store,
            roster=self._roster,
            language=language,
            answer_within_secs=answer_within_secs,
            clock=clock,
        )
        self._enabled = enabled
        self._judge = judge
        self._clock = clock
        self._lock = asyncio.Lock()
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
            self._asking.connect(channel)
            member = (await self._roster.current()).member(channel.identity)
            if self._enabled and member is not None:
                for plan in await asyncio.to_thread(self._store.owed, member, at=self._clock()):
                    logger.info(
                        "quiz: {} owes the quiz on {}@{}",
                        plan.clerk,
                        plan.promotion_id,
                        plan.version,
                    )
            await self._asking.evaluate(channel.identity)

    async def disconnect(self, identity: str, *, channel: QuizChannel | None = None) -> None:
        """The session ended (with ``channel``: only if it is still that session)."""
        async with self._lock:
            self._asking.disconnect(identity, channel=channel)

    async def acknowledged(self, identity: str, notice_id: str) -> None:
        """``identity`` acknowledged ``notice_id`` (stored already): their quiz starts."""
        if not self._enabled:
            return
        async with self._lock:
            promotion_id, version = parse_notice_id(notice_id)
            await self._start_quiz(identity, promotion_id, version, reason="notice")
            await self._asking.evaluate(identity)

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
                await self._asking.evaluate(clerk)
            return started

    async def answer(self, identity: str, utterance_id: str, heard: str) -> None:
        """The clerk answered a question: score, store, then say right or not quite."""
        async with self._lock:
            asked = self._asking.take(identity, utterance_id)
            if asked is None:
                logger.debug("quiz: {} answered {}, which is not asked now", identity, utterance_id)
                return
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
            channel = self._asking.channel(identity)
            if channel is not None:
                retry = status.outcome is QuizOutcome.IN_PROGRESS and not result.passed
                sentences = feedback_sentences(
                    result, language=asked.question.language, retry=retry
                )
                await channel.offer_quiz(
                    feedback_utterance(f"{asked.utterance_id}/feedback", sentences)
                )
            await self._asking.evaluate(identity)

    async def floor_event(self, identity: str, event: FloorEvent) -> None:
        """A floor event about a quiz utterance: an unanswered question is asked later."""
        if not isinstance(event, ReplyTimedOut):
            return
        async with self._lock:
            asked = self._asking.take(identity, event.utterance_id)
            if asked is None:
                return
            again = self._clock() + self._policy.retry_after
            self._asking.ask_later(identity, asked.question.id, again)
            logger.info("quiz: {} did not answer {}; asked later", identity, asked.question.id)

    async def on_publication(self, publication: Publication) -> None:
        """The runtime's publication observer: quizzes on older versions end as superseded."""
        async with self._lock:
            for version in publication.versions:
                plans = await asyncio.to_thread(
                    self._store.open_plans, promotion_id=version.promotion_id
                )
                for plan in (p for p in plans if p.version < version.version):
                    await self._asking.close(plan, QuizOutcome.SUPERSEDED)

    async def tick(self) -> None:
        """Ask the questions whose time has come (retries, shift starts)."""
        async with self._lock:
            for identity in self._asking.due(self._clock()):
                await self._asking.evaluate(identity)

    # --- starting a quiz ----------------------------------------------------------------------

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
