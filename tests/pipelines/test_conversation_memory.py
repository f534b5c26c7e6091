"""A conversation's memory: follow-ups within its lifetime, across pipelines of one session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pipecat.frames.frames import TranscriptionFrame, TTSSpeakFrame
from pipecat.tests.utils import SleepFrame, run_test

from knowledge_base.answering import Answer, AnswerSource, FollowUpContext, Question
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base
from pipelines.answer_processor import AnswerProcessor, CallerProfile
from pipelines.conversation_memory import ConversationMemory
from pipelines.conversation_state import ConversationState
from tests.conftest import reference_time

NOW = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)
AX200 = FollowUpContext(products=("AX-200",), promotions=("weekend-running",))


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return load_knowledge_base()


def test_the_context_is_used_only_within_its_lifetime() -> None:
    memory = ConversationMemory(context_secs=60)
    answer = Answer(text="Yes.", source=AnswerSource.GROUNDED, about=AX200)
    memory.remember(Question(text="Is the AX-200 on sale?", language="zh-CN"), answer, NOW)
    assert memory.context(NOW + timedelta(seconds=60)) == AX200
    assert memory.context(NOW + timedelta(seconds=61)) is None
    assert (memory.turns, memory.language) == (1, "zh-CN")


def test_an_answer_about_nothing_ends_the_context_and_one_that_does_not_say_keeps_it() -> None:
    memory = ConversationMemory(follow_up=AX200, answered_at=NOW)
    silent = Answer(text="Sure.", source=AnswerSource.LLM)
    memory.remember(Question(text="thanks"), silent, NOW)
    assert memory.context(NOW) == AX200
    nothing = Answer(text="I don't know.", source=AnswerSource.UNKNOWN, about=FollowUpContext())
    memory.remember(Question(text="what's the weather"), nothing, NOW)
    assert memory.context(NOW) is None and memory.turns == 2


async def ask(knowledge: KnowledgeBase, memory: ConversationMemory, text: str) -> str:
    """Ask ``text`` through a new answer processor sharing ``memory``; what it said."""
    asked_at = reference_time().replace(tzinfo=knowledge.zone("SH-01"))
    processor = AnswerProcessor(
        state=ConversationState(session_id="s1"),
        answerer=GroundedAnswerer(knowledge=knowledge, default_contact="the promotions desk"),
        caller=CallerProfile(store_id="SH-01"),
        clock=lambda: asked_at,
        memory=memory,
    )
    said = TranscriptionFrame(text=text, user_id="clerk", timestamp="")
    down, _ = await run_test(processor, frames_to_send=[said, SleepFrame(sleep=0.5)])
    return " ".join(f.text for f in down if isinstance(f, TTSSpeakFrame))


async def test_a_follow_up_is_answered_by_a_later_pipeline_sharing_the_memory(
    knowledge: KnowledgeBase,
) -> None:
    memory = ConversationMemory()
    first = await ask(knowledge, memory, "Is the AX-200 in the weekend offer?")
    follow_up = await ask(knowledge, memory, "And for members?")  # a rejoin: a new pipeline
    assert "AX-200" in first
    assert "AX-200" in follow_up and "Members save another 5 percent" in follow_up
    assert memory.turns == 2 and memory.follow_up == AX200
