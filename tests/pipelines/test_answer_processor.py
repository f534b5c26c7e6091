"""The answer processor on real Pipecat frames, with the real grounded answerer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from pipecat.frames.frames import InterruptionFrame, TranscriptionFrame, TTSSpeakFrame
from pipecat.tests.utils import SleepFrame, run_test

from knowledge_base.answering import Answer, Answerer, AnswerSource, Question
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base
from pipelines.answer_processor import AnswerProcessor, CallerProfile
from pipelines.conversation_state import ConversationState
from pipelines.frames import ResumeSpeechFrame
from tests.conftest import reference_time
from tests.pipelines.frame_helpers import EventLog


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return load_knowledge_base()


def _said(text: str) -> TranscriptionFrame:
    return TranscriptionFrame(text=text, user_id="clerk", timestamp="")


def _processor(
    knowledge: KnowledgeBase, answerer: Answerer | None = None
) -> tuple[AnswerProcessor, ConversationState, EventLog, list[tuple[Question, Answer]]]:
    state = ConversationState(session_id="s1")
    events = EventLog()
    answered: list[tuple[Question, Answer]] = []

    async def on_answer(question: Question, answer: Answer) -> None:
        answered.append((question, answer))

    asked_at = reference_time().replace(tzinfo=knowledge.zone("SH-01"))
    processor = AnswerProcessor(
        state=state,
        answerer=answerer
        or GroundedAnswerer(knowledge=knowledge, default_contact="the promotions desk"),
        caller=CallerProfile(store_id="SH-01"),
        clock=lambda: asked_at,
        on_answer=on_answer,
        on_event=events,
    )
    return processor, state, events, answered


class SlowAnswerer(Answerer):
    """Says one sentence, then takes a long time over the rest."""

    name = "slow"

    async def answer(self, question: Question) -> Answer:
        return Answer(text="Let me check. It is on sale.", source=AnswerSource.GROUNDED)

    async def stream(self, question: Question) -> AsyncIterator[str | Answer]:
        yield "Let me check."
        await asyncio.sleep(5)
        yield "It is on sale."
        yield await self.answer(question)


async def test_a_question_is_answered_with_speech_and_not_read_aloud(
    knowledge: KnowledgeBase,
) -> None:
    processor, state, events, answered = _processor(knowledge)
    down, _ = await run_test(
        processor,
        frames_to_send=[_said("Is the AX-200 in the weekend offer?"), SleepFrame(sleep=0.5)],
    )
    spoken = [f.text for f in down if isinstance(f, TTSSpeakFrame)]
    assert not any(isinstance(f, TranscriptionFrame) for f in down)
    assert "20 percent" in " ".join(spoken)
    assert spoken[0] == "Yes,"  # the short lead-in goes first, so speech starts sooner
    assert events.types() == ["answer_started", "answer_completed"]
    ((question, answer),) = answered
    assert question.store_id == "SH-01"
    assert "AX-200" in answer.text
    assert state.answer_sentences == spoken


async def test_an_interruption_cancels_the_answer_in_progress(knowledge: KnowledgeBase) -> None:
    processor, state, events, answered = _processor(knowledge, SlowAnswerer())
    down, _ = await run_test(
        processor,
        frames_to_send=[
            _said("Is the AX-200 on sale?"),
            SleepFrame(sleep=0.5),
            InterruptionFrame(),
            SleepFrame(sleep=0.5),
        ],
    )
    spoken = [f.text for f in down if isinstance(f, TTSSpeakFrame)]
    assert spoken == ["Let me check."]
    assert answered == []
    assert "answer_completed" not in events.types()
    assert not state.answering


async def test_resume_says_the_cut_sentence_and_the_rest_again(knowledge: KnowledgeBase) -> None:
    processor, state, _, _ = _processor(knowledge)
    state.answer_sentences = ["Yes,", "the AX-200 is 20 percent off.", "Until Sunday."]
    state.sentences_played = 2  # cut while the second sentence played
    state.mark_cut()
    down, _ = await run_test(processor, frames_to_send=[ResumeSpeechFrame()])
    spoken = [f.text for f in down if isinstance(f, TTSSpeakFrame)]
    assert spoken == ["the AX-200 is 20 percent off.", "Until Sunday."]
    assert not any(isinstance(f, ResumeSpeechFrame) for f in down)
