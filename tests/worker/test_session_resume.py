"""A session started again for a clerk (another worker after a crash) picks up the conversation.

The connection here is a small subclass of the real one that hears a question through the
real :class:`AnswerProcessor` and grounded answerer instead of joining LiveKit; the session,
its store and the database are the real ones. ``tests/livekit/test_cluster.py`` kills a
real worker.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pipecat.frames.frames import TranscriptionFrame, TTSSpeakFrame
from pipecat.tests.utils import SleepFrame, run_test

from knowledge_base.answering import Question
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.loader import load_knowledge_base
from pipelines.answer_processor import AnswerProcessor, CallerProfile
from pipelines.conversation_memory import ConversationMemory
from pipelines.conversation_state import ConversationState
from pipelines.voice_loop import VoiceLoopConfig
from tests.conftest import reference_time
from voice_agent.agent.connection import RoomConnection
from voice_agent.agent.lifecycle import (
    ConversationStoreFailed,
    EndReason,
    ManagedEvent,
    SessionResumed,
)
from voice_agent.agent.session import AgentSession
from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.storage import Database, SqlSessionStore, open_database

ROOM = "store-SH-01-clerk-ana"
ENDPOINT = LiveKitEndpoint(url="ws://127.0.0.1:1", api_key="unused", api_secret="unused")
KNOWLEDGE = load_knowledge_base()
ANSWERER = GroundedAnswerer(knowledge=KNOWLEDGE, default_contact="the promotions desk")
ASKED_AT = reference_time().replace(tzinfo=KNOWLEDGE.zone("SH-01"))


class HearsOneQuestion(RoomConnection):
    """Hears ``question`` through the real answer processor, then the clerk leaves."""

    question = ""
    spoken: list[str] = []

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_answer_ = kwargs["on_answer"]
        self._caller_ = kwargs["caller"]

    async def run(self) -> EndReason:
        processor = AnswerProcessor(
            state=ConversationState(session_id=self.room),
            answerer=ANSWERER,
            caller=self._caller_,
            clock=lambda: ASKED_AT,
            on_answer=self._on_answer_,
            memory=self.memory,
        )
        said = TranscriptionFrame(text=self.question, user_id=self.clerk_identity, timestamp="")
        down, _ = await run_test(processor, frames_to_send=[said, SleepFrame(sleep=1.0)])
        type(self).spoken = [f.text for f in down if isinstance(f, TTSSpeakFrame)]
        return "clerk_absent"


async def ask_in_new_session(
    database_url: str, question: str, *, clerk: str = "ana", context_secs: float = 600.0
) -> tuple[str, AgentSession, list[ManagedEvent]]:
    """Start a fresh session, as a freshly dispatched worker would (its own connection to
    the database), let the clerk ask ``question``; what it said."""
    database = open_database(database_url)
    events: list[ManagedEvent] = []
    connection = type("Hears", (HearsOneQuestion,), {"question": question})
    session = AgentSession(
        runtime=None,  # type: ignore[arg-type]  # the connection above needs no models
        endpoint=ENDPOINT,
        room=f"store-SH-01-clerk-{clerk}",
        clerk_identity=clerk,
        caller=CallerProfile(store_id="SH-01"),
        config=VoiceLoopConfig(),
        on_event=events.append,
        connection_class=connection,
        session_store=SqlSessionStore(database=database),
        context_secs=context_secs,
    )
    try:
        await session.run()
    finally:
        database.close()
    return " ".join(connection.spoken), session, events


async def test_a_new_session_answers_a_follow_up_from_the_stored_conversation(
    database: Database, database_url: str
) -> None:
    first, before, _ = await ask_in_new_session(database_url, "Is the AX-200 in the weekend offer?")
    assert "AX-200" in first and before.memory.turns == 1

    follow_up, after, events = await ask_in_new_session(database_url, "And for members?")
    assert "AX-200" in follow_up and "Members save another 5 percent" in follow_up
    assert after.memory.turns == 2
    resumed = [e for e in events if isinstance(e, SessionResumed)]
    assert [(e.turns, e.follow_up, e.language) for e in resumed] == [(1, True, "en")]


async def test_another_clerk_starts_without_that_conversation(
    database: Database, database_url: str
) -> None:
    await ask_in_new_session(database_url, "Is the AX-200 in the weekend offer?")
    said, session, events = await ask_in_new_session(database_url, "And for members?", clerk="ben")
    assert "AX-200" not in said and "please ask" in said
    assert session.memory.turns == 1
    assert not any(isinstance(e, SessionResumed) for e in events)


async def test_a_conversation_older_than_the_context_lifetime_is_not_picked_up(
    database: Database, database_url: str
) -> None:
    stale = ConversationMemory(
        follow_up=ANSWERER.answer_now(
            Question(text="Is the AX-200 in the weekend offer?", store_id="SH-01")
        ).about,
        language="en",
        turns=4,
        answered_at=datetime.now(UTC) - timedelta(seconds=120),
    )
    SqlSessionStore(database=database).save(ROOM, "ana", stale)
    said, session, _ = await ask_in_new_session(database_url, "And for members?", context_secs=60)
    assert "please ask" in said and session.memory.turns == 1

    said, session, _ = await ask_in_new_session(database_url, "And for members?", context_secs=600)
    assert "AX-200" not in said  # the unknown answer above replaced the stored conversation


@pytest.mark.parametrize("broken", ["load", "save", "slow"])
async def test_a_failing_store_never_costs_an_answer(
    database: Database, database_url: str, broken: str
) -> None:
    class Broken(SqlSessionStore):
        def load(self, *args: Any, **kwargs: Any) -> ConversationMemory | None:
            if broken == "load":
                raise RuntimeError("disk on fire")
            if broken == "slow":
                time.sleep(6)  # twice the session's patience (3 s): it starts without
                return None
            return super().load(*args, **kwargs)

        def save(self, *args: Any, **kwargs: Any) -> None:
            if broken == "save":
                raise RuntimeError("disk on fire")
            super().save(*args, **kwargs)

    events: list[ManagedEvent] = []
    answered: list[str] = []

    async def on_answer(question: Any, answer: Any) -> None:
        answered.append(answer.text)

    session = AgentSession(
        runtime=None,  # type: ignore[arg-type]
        endpoint=ENDPOINT,
        room=ROOM,
        clerk_identity="ana",
        caller=CallerProfile(store_id="SH-01"),
        config=VoiceLoopConfig(),
        on_event=events.append,
        on_answer=on_answer,
        connection_class=type(
            "Hears", (HearsOneQuestion,), {"question": "Is the AX-200 in the weekend offer?"}
        ),
        session_store=Broken(database=database),
    )
    await session.run()
    assert len(answered) == 1 and "AX-200" in answered[0]
    failures = [e for e in events if isinstance(e, ConversationStoreFailed)]
    expected = "conversation_store_timeout" if broken == "slow" else "conversation_store_error"
    assert [f.code for f in failures] == [expected]
