"""A live session as the broadcaster's channel: real floor frames in, stored deliveries out.

Each test runs a real Pipecat pipeline (address gate, the real ``FloorProcessor`` with the
:class:`SessionChannel` as its listener, the real ``AnswerProcessor``, a tone "text to
speech", the replay output transport playing in real time, the playback tracker and probe)
and a real :class:`Broadcaster` over real storage (SQLite and PostgreSQL).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from pipecat.frames.frames import Frame, InterruptionFrame
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams
from pipecat.tests.utils import SleepFrame, run_test

from knowledge_base.delivery import Delivery, DeliveryState
from knowledge_base.knowledge import KnowledgeBase
from pipelines.address_gate import AddressGateProcessor, PushToTalkFrame
from pipelines.addressing import AddressPolicy
from pipelines.answer_processor import AnswerProcessor, CallerProfile
from pipelines.conversation_state import ConversationState
from pipelines.events import SessionEvent
from pipelines.floor_models import MAX_SENTENCE_CHARS, MAX_SENTENCES, ExpectedReply
from pipelines.floor_models import UtteranceKind as FloorKind
from pipelines.floor_playback import FloorPlaybackProbe
from pipelines.floor_processor import FloorProcessor
from pipelines.frames import AcknowledgeFrame
from pipelines.playback_tracker import PlaybackTracker
from pipelines.transports.replay import ReplayTransport
from tests.broadcast.helpers import Chain, Clock, RecordingChannel
from tests.pipelines.test_floor_processor import RATE, Clerk, ScriptedAnswerer, ToneTTS
from voice_agent.agent.connection import clerk_message_frame
from voice_agent.broadcast import Broadcaster, Utterance, UtteranceKind
from voice_agent.broadcast.floor_text import floor_sentences
from voice_agent.broadcast.quizmaster import Quizmaster
from voice_agent.broadcast.session_channel import SessionChannel, floor_utterance
from voice_agent.storage import Database, SqlNoticeRepository, SqlQuizResultRepository

NOTICE = "weekend-running@3"


@dataclass
class Session:
    """Ana's session: the clerk stub, the floor, the channel, what was said and reported."""

    clerk: Clerk
    floor: FloorProcessor
    channel: SessionChannel
    spoken: list[str]
    notices: SqlNoticeRepository
    events: list[SessionEvent] = field(default_factory=list)

    def delivery(self, notice: str = NOTICE) -> Delivery:
        (found,) = self.notices.deliveries(notice_id=notice, clerk="ana")
        return found

    async def until(self, condition: Callable[[], bool]) -> None:
        """Wait for ``condition`` (at most 10 s: a generous bound on a loaded machine)."""
        async with asyncio.timeout(10.0):
            # Polled: the condition spans the pipeline and the database, with no one event.
            while not condition():  # noqa: ASYNC110
                await asyncio.sleep(0.02)

    async def until_state(self, state: DeliveryState, notice: str = NOTICE) -> None:
        await self.until(lambda: self.delivery(notice).state is state)


Scenario = Callable[[Session], Awaitable[None]]


async def run_session(
    broadcaster: Broadcaster,
    database: Database,
    clock: Clock,
    scenario: Scenario,
    quizmaster: Quizmaster | None = None,
) -> Session:
    """Run ``scenario`` with Ana's session connected to ``broadcaster``; then end it."""
    state = ConversationState(session_id="store-SH-01-clerk-ana")
    spoken: list[str] = []
    clerk = Clerk()
    events: list[SessionEvent] = []
    channel = SessionChannel(
        identity="ana", language="en", broadcaster=broadcaster, quizmaster=quizmaster, clock=clock
    )
    floor = FloorProcessor(
        state=state,
        pause_secs=0.3,
        listener=channel.on_floor_event,
        on_quiz_answer=channel.on_quiz_answer,
        on_event=events.append,
    )
    channel.attach(floor)
    session = Session(
        clerk=clerk,
        floor=floor,
        channel=channel,
        spoken=spoken,
        notices=SqlNoticeRepository(database=database),
        events=events,
    )
    transport = ReplayTransport(pcm16=b"", output_sample_rate=RATE, realtime=True)
    pipeline = Pipeline(
        [
            clerk,
            AddressGateProcessor(
                state=state, policy=AddressPolicy(follow_up_secs=0.0), on_event=events.append
            ),
            floor,
            AnswerProcessor(
                state=state,
                answerer=ScriptedAnswerer(),
                caller=CallerProfile(),
                on_event=events.append,
            ),
            ToneTTS(spoken=spoken),
            transport.output(),
            PlaybackTracker(state=state, on_event=events.append),
            FloorPlaybackProbe(),
        ]
    )
    done = asyncio.Event()

    async def drive() -> None:
        await clerk.started.wait()
        try:
            await scenario(session)
        finally:
            await broadcaster.disconnect("ana", channel=channel)
            done.set()

    def while_driving() -> Iterator[Frame]:
        while not done.is_set():
            yield SleepFrame(sleep=0.02)

    outcomes = await asyncio.gather(
        run_test(
            pipeline,
            frames_to_send=while_driving(),  # type: ignore[arg-type]
            pipeline_params=PipelineParams(audio_in_sample_rate=RATE, audio_out_sample_rate=RATE),
        ),
        drive(),
        return_exceptions=True,  # a failed scenario still lets the pipeline end
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return session


async def test_an_urgent_notice_is_spoken_played_to_the_end_and_acknowledged_by_voice(
    broadcaster: Broadcaster, chain: Chain, database: Database, clock: Clock
) -> None:
    async def scenario(session: Session) -> None:
        await broadcaster.connect(session.channel)
        await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
        await session.until_state(DeliveryState.PLAYED)
        clock.advance(seconds=20)
        await session.clerk.says("Understood.")
        await session.until_state(DeliveryState.ACKNOWLEDGED)

    session = await run_session(broadcaster, database, clock, scenario)
    assert any("25 percent" in sentence for sentence in session.spoken)
    delivery = session.delivery()
    assert delivery.plays == 1
    assert delivery.delivered_at is not None and delivery.played_at is not None
    assert delivery.acknowledged_at == delivery.played_at + timedelta(seconds=20)
    # The floor spoke it under the notice id and took the reply itself: nothing was answered.
    started = [e for e in session.events if e.type == "utterance_started"]
    assert [e.model_dump()["utterance_id"] for e in started] == [NOTICE]
    assert not any(e.type == "answer_started" for e in session.events)


async def test_the_earpiece_acknowledgement_acknowledges_the_notice(
    broadcaster: Broadcaster, chain: Chain, database: Database, clock: Clock
) -> None:
    async def scenario(session: Session) -> None:
        await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
        await broadcaster.connect(session.channel)  # connecting later: offered at once
        await session.until_state(DeliveryState.PLAYED)
        frame = clerk_message_frame(json.dumps({"action": "ack"}).encode())
        assert isinstance(frame, AcknowledgeFrame)
        await session.clerk.push_frame(frame)
        await session.until_state(DeliveryState.ACKNOWLEDGED)

    session = await run_session(broadcaster, database, clock, scenario)
    reply = next(e for e in session.events if e.type == "reply_received").model_dump()
    assert (reply["reply"], reply["by"]) == ("acknowledged", "push_to_talk")


async def test_a_notice_cut_off_by_the_clerk_is_offered_again_and_played_to_the_end_once(
    broadcaster: Broadcaster, chain: Chain, database: Database, clock: Clock
) -> None:
    async def scenario(session: Session) -> None:
        await broadcaster.connect(session.channel)
        await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
        await session.until(lambda: session.delivery().state is DeliveryState.SPEAKING)
        await session.clerk.push_frame(InterruptionFrame())
        await session.until(lambda: session.delivery().interruptions == 1)
        await session.until_state(DeliveryState.PLAYED)
        await session.clerk.says("Understood.")
        await session.until_state(DeliveryState.ACKNOWLEDGED)

    session = await run_session(broadcaster, database, clock, scenario)
    delivery = session.delivery()
    assert (delivery.plays, delivery.interruptions) == (1, 1)
    played = [e for e in session.events if e.type == "utterance_played"]
    assert len(played) == 1


async def test_a_superseded_notice_is_withdrawn_from_the_floor_and_the_new_one_spoken(
    broadcaster: Broadcaster, chain: Chain, database: Database, clock: Clock
) -> None:
    async def scenario(session: Session) -> None:
        await broadcaster.connect(session.channel)
        await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
        await session.until_state(DeliveryState.PLAYED)
        await broadcaster.on_publication(chain.publish_weekend(version=4, percent=30))
        await session.until_state(DeliveryState.PLAYED, "weekend-running@4")

    session = await run_session(broadcaster, database, clock, scenario)
    assert session.delivery().state is DeliveryState.SUPERSEDED
    assert any("30 percent" in sentence for sentence in session.spoken)
    withdrawn = [e.model_dump() for e in session.events if e.type == "utterance_withdrawn"]
    assert [w["utterance_id"] for w in withdrawn] == [NOTICE]


async def test_after_the_acknowledgement_the_session_is_quizzed_and_hears_the_rule_after_a_miss(
    broadcaster: Broadcaster,
    chain: Chain,
    database: Database,
    clock: Clock,
    knowledge: KnowledgeBase,
) -> None:
    quizmaster = Quizmaster(database=database, knowledge=lambda: knowledge, clock=clock)
    results = SqlQuizResultRepository(database=database)

    def answers() -> list[bool]:
        stored = results.results(promotion_id="weekend-running", version=3, clerk="ana")
        return [r.passed for r in stored]

    async def scenario(session: Session) -> None:
        await broadcaster.connect(session.channel)
        await quizmaster.connect(session.channel)
        await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
        await session.until_state(DeliveryState.PLAYED)
        await session.clerk.says("Understood.")
        await session.until_state(DeliveryState.ACKNOWLEDGED)
        await session.until(
            lambda: "What is the discount in the Weekend Running Offer?" in session.spoken
        )
        await session.clerk.says("Twenty percent.")  # no wake phrase: the answer is awaited
        await session.until(lambda: answers() == [False])
        await session.until(lambda: any("not included" in s for s in session.spoken))
        await session.clerk.says("The AX-200 limited edition.")
        await session.until(lambda: answers() == [False, True])
        await session.until(lambda: "Right." in session.spoken)
        await quizmaster.disconnect("ana", channel=session.channel)

    session = await run_session(broadcaster, database, clock, scenario, quizmaster)
    said = session.spoken
    miss = said.index("Not quite.")
    assert said[miss + 1].startswith("The Weekend Running Offer: 25 percent off")
    assert said[miss + 2] == "I will ask you again later."
    assert said.index("Which item is not included in the Weekend Running Offer?") > miss
    assert "Right." in said[miss:]
    # The answers were the quiz's: the answerer never saw them.
    assert not any(e.type == "answer_started" for e in session.events)


async def test_disconnecting_an_old_session_leaves_the_persons_new_session_connected(
    broadcaster: Broadcaster, chain: Chain
) -> None:
    old, new = RecordingChannel("ana"), RecordingChannel("ana")
    await broadcaster.connect(old)
    await broadcaster.connect(new)
    await broadcaster.disconnect("ana", channel=old)
    assert broadcaster.connected() == ["ana"]
    await broadcaster.on_publication(chain.publish_weekend(version=3, percent=25))
    assert [u.notice_id for u in new.offered] == [NOTICE] and old.offered == []


def test_a_notice_becomes_a_floor_utterance_awaiting_an_acknowledgement_under_its_notice_id() -> (
    None
):
    text = "Urgent: the weekend offer is now 25 percent. From today. Say got it when you have it."
    spoken = floor_utterance(
        Utterance("weekend-running@3/ana/replay/2", NOTICE, UtteranceKind.REPLAY, text, "en")
    )
    assert (spoken.id, spoken.kind, spoken.expects) == (
        NOTICE,
        FloorKind.REPLAY,
        ExpectedReply.ACKNOWLEDGEMENT,
    )
    # The first sentence is cut as an answer's is: its short first piece plays soon.
    assert spoken.sentences == (
        "Urgent:",
        "the weekend offer is now 25 percent.",
        "From today.",
        "Say got it when you have it.",
    )
    escalation = floor_utterance(
        Utterance(
            "weekend-running@3/ana/escalation/3", NOTICE, UtteranceKind.ESCALATION, text, "en"
        )
    )
    assert escalation.id == "weekend-running@3/ana/escalation/3"
    assert (escalation.kind, escalation.expects) == (FloorKind.ESCALATION, ExpectedReply.NONE)


def test_the_floor_awaits_got_it_as_long_as_the_broadcaster_waits_before_replaying() -> None:
    # With a window shorter than the policy's, a "got it" in between was a "stop" command.
    notice = Utterance(
        "weekend-running@3/ana/notice/1", NOTICE, UtteranceKind.NOTICE, "Urgent.", "en", 300.0
    )
    assert floor_utterance(notice).reply_within_secs == 300.0


def test_a_long_notice_is_fitted_into_the_floors_limits_without_losing_its_start() -> None:
    long_sentence = "word " * 200
    many = " ".join(f"Sentence {n}." for n in range(20))
    sentences = floor_sentences(long_sentence + ". " + many)
    assert len(sentences) <= MAX_SENTENCES
    assert all(0 < len(s) <= MAX_SENTENCE_CHARS for s in sentences)
    assert sentences[0].startswith("word word")


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"action": "ack"}, AcknowledgeFrame),
        ({"action": "ack", "topic": "ptt"}, AcknowledgeFrame),
        ({"action": "start"}, PushToTalkFrame),
        ({"action": "ack", "topic": "chat"}, None),
        ({"action": "acknowledge"}, None),
        (["ack"], None),
    ],
)
def test_the_clerks_data_messages_become_frames(message: object, expected: type | None) -> None:
    frame = clerk_message_frame(json.dumps(message).encode())
    assert (type(frame) if frame is not None else None) is expected
    assert clerk_message_frame(b"\xff not json") is None
