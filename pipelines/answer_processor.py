"""Answers each finished user turn and hands the answer to speech, sentence by sentence."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from loguru import logger
from pipecat.frames.frames import Frame, InterruptionFrame, TranscriptionFrame, TTSSpeakFrame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from knowledge_base.answering import Answer, Answerer, Question, Role
from pipelines.conversation_memory import ConversationMemory
from pipelines.conversation_state import ConversationState
from pipelines.events import (
    AnswerCompleted,
    AnswerStarted,
    EventSink,
    PipelineErrorEvent,
    emit,
)
from pipelines.frames import ResumeSpeechFrame
from pipelines.speech_chunks import first_sentence_pieces

AnswerListener = Callable[[Question, Answer], Awaitable[None]]
"""Called with every question and its complete answer (question mining, analytics)."""


@dataclass(frozen=True, slots=True)
class CallerProfile:
    """Who this session speaks with."""

    role: Role = Role.CLERK
    store_id: str | None = None
    language: str = "en"
    """What the session speaks: answers, notices, quizzes (``en``, ``zh-CN``)."""
    stt_language: str | None = None
    """What the recogniser is told this person speaks (``None``: the node's ``[stt] language``)."""


class AnswerProcessor(FrameProcessor):
    """Turns ``TranscriptionFrame``s into ``TTSSpeakFrame``s from an :class:`Answerer`.

    The first sentence is pushed as soon as the answerer yields it, so speech starts before
    the rest of the answer exists. An interruption cancels the answer in progress.

    Args:
        state: This session's conversation state.
        answerer: Where answers come from (shared by sessions; it keeps no session state).
        caller: The role, store and language of this session's user.
        clock: Returns the time-zone-aware "now" of each question (tests pin it).
        on_answer: Receives each question with its complete answer.
        on_event: Receives session events.
        memory: The conversation so far (follow-up context, turns); the owning session
            keeps it across connections. ``None``: a memory of this processor's own.
    """

    def __init__(
        self,
        *,
        state: ConversationState,
        answerer: Answerer,
        caller: CallerProfile,
        clock: Callable[[], datetime] | None = None,
        on_answer: AnswerListener | None = None,
        on_event: EventSink | None = None,
        memory: ConversationMemory | None = None,
    ) -> None:
        super().__init__(name=f"AnswerProcessor#{state.session_id}")
        self._memory = memory if memory is not None else ConversationMemory()
        self._state = state
        self._answerer = answerer
        self._caller = caller
        self._clock = clock
        self._on_answer = on_answer
        self._on_event = on_event
        self._answer_task: asyncio.Task[None] | None = None

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Answer transcriptions; cancel on interruption; resume cut speech on request."""
        await super().process_frame(frame, direction)
        if isinstance(frame, TranscriptionFrame) and direction == FrameDirection.DOWNSTREAM:
            # Consumed here: a TranscriptionFrame is a TextFrame, and TTS would read it aloud.
            await self._cancel_answer()
            self._state.answering = True
            self._answer_task = self.create_task(self._answer(frame.text))
            return
        if isinstance(frame, ResumeSpeechFrame):
            for sentence in self._state.resume():
                await self.push_frame(TTSSpeakFrame(text=sentence, append_to_context=False))
            return
        if isinstance(frame, InterruptionFrame):
            await self._cancel_answer()
        await self.push_frame(frame, direction)

    async def cleanup(self) -> None:
        """Cancel the answer in progress."""
        await super().cleanup()
        await self._cancel_answer()

    async def _cancel_answer(self) -> None:
        if self._answer_task and not self._answer_task.done():
            await self.cancel_task(self._answer_task)
        self._answer_task = None
        self._state.answering = False

    async def _answer(self, text: str) -> None:
        question = Question(
            text=text,
            role=self._caller.role,
            store_id=self._caller.store_id,
            language=self._caller.language,
            asked_at=self._clock() if self._clock else None,
            context=self._memory.context(datetime.now(UTC)),
        )
        started = time.perf_counter()
        self._state.start_answer()
        spoken: list[str] = []
        try:
            async for item in self._answerer.stream(question):
                if isinstance(item, Answer):
                    await self._complete(question, item)
                    break
                if not spoken:
                    await emit(
                        self._on_event,
                        AnswerStarted(
                            session_id=self._state.session_id,
                            sentence=item,
                            answer_secs=time.perf_counter() - started,
                        ),
                    )
                chunks = first_sentence_pieces(item) if not spoken else [item]
                spoken.append(item)
                for chunk in chunks:
                    self._state.answer_sentences.append(chunk)
                    await self.push_frame(TTSSpeakFrame(text=chunk, append_to_context=False))
        except asyncio.CancelledError:
            raise
        except Exception as e:  # an answerer bug must not end the session
            logger.exception(f"{self}: answering {text!r} failed")
            await emit(
                self._on_event,
                PipelineErrorEvent(
                    session_id=self._state.session_id, code="answer_failed", message=str(e)
                ),
            )
            await self.push_error(f"answering failed: {e}", exception=e)
        finally:
            self._state.answering = False

    async def _complete(self, question: Question, answer: Answer) -> None:
        self._memory.remember(question, answer, datetime.now(UTC))
        await emit(
            self._on_event,
            AnswerCompleted(
                session_id=self._state.session_id,
                question=question.text,
                text=answer.text,
                source=str(answer.source),
                promotion_ids=list(answer.promotion_ids),
                facts=list(answer.facts),
            ),
        )
        if self._on_answer is not None:
            try:
                await self._on_answer(question, answer)
            except Exception:
                logger.exception(f"{self}: answer listener failed")
